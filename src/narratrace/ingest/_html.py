"""A cheap tag-depth scan that refuses pathologically nested HTML before anyone parses it."""

from __future__ import annotations

import re

from narratrace.errors import InputError

# One pass over the markup. Comments and raw-text elements are consumed whole so tags inside
# scripts do not count. Attributes are matched with [^<>] (not [^>]) so a run of "<a<a<a"
# without a closing ">" costs linear, not quadratic, time.
_TOKENS = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|xmp)\b[^<>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>",
    re.DOTALL | re.IGNORECASE,
)
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen command "
    "basefont bgsound frame isindex".split()
)
# Elements whose end tag is optional: a new one closes the open sibling.
_SIBLING_CLOSES = frozenset(
    "p li dt dd tr td th option optgroup rt rp thead tbody tfoot colgroup".split()
)


def html_depth(markup: str, *, stop_at: int | None = None) -> int:
    """The deepest element nesting in ``markup`` (approximate, tolerant of missing end tags).

    Stops early once the depth passes ``stop_at``.

    >>> html_depth("<html><body><ul><li>a<li>b</ul><p>x<br></body></html>")
    4
    """
    stack: list[str] = []
    deepest = 0
    for m in _TOKENS.finditer(markup):
        name = m.group(3)
        if name is None:
            continue
        name = name.lower()
        if m.group(2):  # an end tag closes back to its start tag, if that is open
            for i in range(len(stack) - 1, -1, -1):
                if stack[i] == name:
                    del stack[i:]
                    break
            continue
        if name in _VOID or m.group(4):
            continue
        if name in _SIBLING_CLOSES and stack and stack[-1] == name:
            stack.pop()
        stack.append(name)
        if len(stack) > deepest:
            deepest = len(stack)
            if stop_at is not None and deepest > stop_at:
                break
    return deepest


def check_depth(markup: str, *, max_depth: int) -> None:
    """Raise :class:`InputError` when ``markup`` nests deeper than ``max_depth`` elements."""
    if html_depth(markup, stop_at=max_depth) > max_depth:
        raise InputError(
            f"HTML nested more than {max_depth} elements deep (max_html_depth); rejected "
            "rather than parsed. Raise the limit if the page is genuine."
        )
