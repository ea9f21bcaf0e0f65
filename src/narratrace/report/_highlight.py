"""Escape a text and wrap character spans of it in ``<span>`` tags, safely.

Article text is hostile input: every piece of text and every attribute value goes through
``markupsafe.escape``; class names come only from the caller's own vocabulary. Overlapping
spans are turned into properly nested markup by closing and re-opening the inner tags at
each crossing, so any set of spans (out of range, empty, crossing) yields balanced HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Span:
    """A span to mark: ``[start, end)`` in the text, CSS classes, tooltip, optional label.

    ``classes`` must be trusted (the report's own class names); ``title`` and ``label`` are
    escaped. ``label`` is written once, as a small tag at the start of the span.
    """

    start: int
    end: int
    classes: str
    title: str = ""
    label: str = ""


def _open_tag(span: Span, *, first: bool) -> str:
    title = f' title="{escape(span.title)}"' if span.title else ""
    label = f'<span class="lbl">{escape(span.label)}</span>' if first and span.label else ""
    return f'<span class="{escape(span.classes)}"{title}>{label}'


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """Return ``text`` escaped, with each span wrapped in a ``<span>``.

    Spans are clipped to the text; empty or inverted ones are dropped. Where spans cross,
    the inner one is closed and re-opened so the markup stays nested.

    >>> str(highlight("a <b> c", [Span(2, 5, "x", title='"q"')]))
    'a <span class="x" title="&#34;q&#34;">&lt;b&gt;</span> c'
    """
    n = len(text)
    kept: list[Span] = []
    for s in spans:
        start, end = max(0, min(s.start, n)), max(0, min(s.end, n))
        if start < end:
            kept.append(s if (start, end) == (s.start, s.end) else
                        Span(start, end, s.classes, s.title, s.label))
    if not kept:
        return Markup(escape(text))

    starting: dict[int, list[Span]] = defaultdict(list)
    for s in kept:
        starting[s.start].append(s)
    bounds = sorted({0, n, *(s.start for s in kept), *(s.end for s in kept)})

    out: list[str] = []
    stack: list[Span] = []
    for i, pos in enumerate(bounds):
        if any(s.end <= pos for s in stack):
            # Close down to the deepest span that ends here, then re-open the survivors
            # in their original (outer-first) order.
            survivors: list[Span] = []
            while any(s.end <= pos for s in stack):
                top = stack.pop()
                out.append("</span>")
                if top.end > pos:
                    survivors.append(top)
            for s in reversed(survivors):
                stack.append(s)
                out.append(_open_tag(s, first=False))
        # Longer spans open first so they sit outside shorter ones starting at the same place.
        for s in sorted(starting.get(pos, ()), key=lambda x: -x.end):
            stack.append(s)
            out.append(_open_tag(s, first=True))
        if i + 1 < len(bounds):
            out.append(str(escape(text[pos:bounds[i + 1]])))
    out.extend("</span>" for _ in stack)
    return Markup("".join(out))
