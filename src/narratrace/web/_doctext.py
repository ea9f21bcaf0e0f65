"""A document's clean text as escaped, highlighted HTML (reuses the static report's helpers).

Entities are underlined by type, attributed content is coloured by speaker (one colour per
speaker, the report's ``sp0``…``sp11``), speakers and cues are marked, hedge words inside an
attribution and date expressions are highlighted. ``narratrace.report.highlight`` escapes
every piece of text and nests crossing spans; class names come only from this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..report import ENTITY_TYPES, Span, Speakers, highlight, resolved_as, source_view

#: Characters before an attribution's content searched for its hedge words ("reportedly …").
HEDGE_WINDOW = 120


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def document_html(page: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` (clean text), ``source`` (with removed boilerplate marked, or None),
    ``removed_counts`` and ``legend`` (one row per speaker) for a document page dict."""
    text: str = page["text"]
    names = {m["entity"]["id"]: m["entity"]["name"] for m in page["mentions"] if m["entity"]["id"]}
    speakers = Speakers(names)
    spans: list[Span] = []
    for m in page["mentions"]:
        ent = m["entity"]
        etype = ent["type"] if ent["type"] in ENTITY_TYPES else "other"
        spans.append(Span(m["start"], m["end"], f"ent t-{etype}",
                          f"Entity: {ent['name']} ({ent['type'] or 'other'})"))
    legend: dict[str, dict[str, Any]] = {}
    for a in page["attributions"]:
        sp = a.get("speaker") if isinstance(a.get("speaker"), Mapping) else {}
        key, name = speakers.key_and_name(sp)
        css = speakers.css(key)
        stance = str(a.get("stance") or "asserts")
        hedges = [str(h) for h in a.get("hedges") or () if h]
        start, end = _int(a.get("start")), _int(a.get("end"))
        row = legend.setdefault(key, {"speaker": name, "css": css, "entity": sp.get("entity"),
                                      "n": 0, "denies": 0})
        row["n"] += 1
        row["denies"] += stance == "denies"
        how = resolved_as(sp)
        tip = " · ".join(p for p in (f"Speaker: {name}" + (f" ({how})" if how else ""), f"cue: {a.get('cue')}",
                                      f"stance: {stance}",
                                      f"hedges: {', '.join(hedges)}" if hedges else "") if p)
        if start is not None and end is not None:
            spans.append(Span(start, end, f"att {css}{' deny' if stance == 'denies' else ''}", tip))
            for hs, he in _hedge_spans(text, hedges, start, end):
                spans.append(Span(hs, he, "hedge", "Hedge"))
        s_start, s_end = _int(sp.get("start")), _int(sp.get("end"))
        m_start, m_end = _int(sp.get("mention_start")), _int(sp.get("mention_end"))
        if m_start is not None and m_end is not None:
            s_start, s_end = m_start, m_end
        if s_start is not None and s_end is not None:
            spans.append(Span(s_start, s_end, f"spk {css}", f"Speaker: {name}"))
        c_start, c_end = _int(a.get("cue_start")), _int(a.get("cue_end"))
        if c_start is not None and c_end is not None:
            spans.append(Span(c_start, c_end, "cue", f"Cue: {a.get('cue')}"))
    for d in page["dates"]:
        start, end = _int(d.get("start")), _int(d.get("end"))
        if start is not None and end is not None:
            spans.append(Span(start, end, "dt", f"Date: {d.get('value')} ({d.get('kind') or 'absolute'})"))
    source, removed_counts = source_view(page)
    return {"body": highlight(text, spans), "source": source, "removed_counts": removed_counts,
            "legend": list(legend.values())}


def _hedge_spans(text: str, hedges: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """Where the hedge words of one attribution occur, near or inside its content."""
    lo = max(0, start - HEDGE_WINDOW)
    window = text[lo:end]
    out = []
    for hedge in hedges:
        for m in re.finditer(r"(?<!\w)" + re.escape(hedge) + r"(?!\w)", window, re.IGNORECASE):
            out.append((lo + m.start(), lo + m.end()))
    return out


def marked_snippet(snippet: str, start: str, end: str) -> Markup:
    """Escape a search snippet, then turn its match marks into ``<mark>`` tags.

    >>> str(marked_snippet("a <\x02b\x03> \x03", "\x02", "\x03"))
    'a &lt;<mark>b</mark>&gt; '
    """
    escaped = str(Markup.escape(snippet))
    pattern = re.compile(re.escape(start) + "([^" + re.escape(start + end) + "]*)" + re.escape(end))
    marked = pattern.sub(r"<mark>\1</mark>", escaped)
    return Markup(marked.replace(start, "").replace(end, ""))
