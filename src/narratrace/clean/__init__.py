"""CLEAN stage: from a raw page or text to article text, metadata and a record of what went.

>>> from narratrace.types import RawDocument
>>> raw = RawDocument("d1", "a.txt", "Menu\\nHome\\nA long enough sentence of article text "
...                   "stands here, and it keeps going for a while.\\nShare on Facebook\\n",
...                   "text", "utf-8")
>>> doc = clean_document(raw)
>>> doc.text
'A long enough sentence of article text stands here, and it keeps going for a while.'
>>> sorted({r.kind for r in doc.removed})
['navigation', 'share']
"""

from __future__ import annotations

import re

from ..errors import CleaningError
from ..types import Document, RawDocument, Removed, RemovedKind
from ._html import extract_html, filter_extracted, render_html
from ._lexicon import match_line, tail_heading
from ._meta import CreditKind, copyright_holder, line_credits, same_name
from ._signature import LineCounts, boilerplate_lines, document_boilerplate, line_signatures, outlet_scope
from ._text import choose_outlet, clean_text, is_path_like, no_text_reason, split_lines

__all__ = ["LineCounts", "boilerplate_lines", "clean_document", "line_signatures"]


def _cut(source: str, removed: list[Removed] | tuple[Removed, ...]) -> str:
    """``source`` without the removed spans, blank-line runs folded."""
    parts: list[str] = []
    pos = 0
    for r in sorted(removed, key=lambda r: r.start):
        parts.append(source[pos:r.start])
        pos = max(pos, r.end)
    parts.append(source[pos:])
    text = "".join(parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n\s*\n\s*", "\n\n", text).strip()


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _html_removed(source: str, text: str, title: str | None,
                  dropped: dict[str, RemovedKind]) -> tuple[Removed, ...]:
    """Spans of ``source`` (the page rendering) whose line is not part of the extracted text;
    ``dropped`` gives the kind of lines the lexicon filter took out of the extraction."""
    body = f" {_norm(text)} "
    title_key = _norm(title) if title else None
    removed: list[Removed] = []
    for line in split_lines(source):
        key = _norm(line.text)
        if key and f" {key} " in body and key != title_key:
            continue
        n = len(line.text.split())
        kind: RemovedKind
        if title_key and key == title_key:
            kind = "title_repeat"
        elif key in dropped:
            kind = dropped[key]
        else:
            kind = tail_heading(line.text, n) or match_line(line.text, n) or (
                "navigation" if n <= 10 else "other")
        end = line.end + 1 if line.end < len(source) and source[line.end] == "\n" else line.end
        if removed and removed[-1].kind == kind and removed[-1].end >= line.start - 1:
            removed[-1] = Removed(kind, removed[-1].start, end)
        else:
            removed.append(Removed(kind, line.start, end))
    return tuple(removed)


def _html_outlet(source: str, text: str, publisher: str | None) -> tuple[str | None, str | None]:
    """(outlet, syndicator) of a page: the site (or its copyright line) publishes; bylines,
    reprint notices and the dateline of the article's first lines credit the source."""
    first = {_norm(ln) for ln in text.split("\n")[:3]}
    credits: list[tuple[CreditKind, str]] = []
    holder: str | None = None
    for line in split_lines(source):
        # an app promo on a site is the site's own app, not a host: the site is known here
        credits.extend(c for c in line_credits(line.text) if c[0] != "host"
                       and (c[0] != "dateline" or _norm(line.text) in first))
        if holder is None and len(line.text.split()) <= 25:
            holder = copyright_holder(line.text)
    return choose_outlet(publisher or holder, credits, source)


def clean_document(raw: RawDocument, *, boilerplate: frozenset[str] = frozenset()) -> Document:
    """Clean one raw document into a :class:`Document` (article text plus metadata).

    ``boilerplate`` holds line keys from :func:`boilerplate_lines` (lines many documents of
    the corpus, or of this document's outlet, share); such lines are removed as ``repeated``
    unless they are sentences in the middle of the article. Raises :class:`CleaningError`
    when no article text is found.
    ``language`` is left to the pipeline.
    """
    if raw.format == "html":
        source = render_html(raw.content)
        found = extract_html(raw.content, url=raw.url)
        if found is not None:
            title = next((t for t in (raw.title, found.title) if t and not is_path_like(t)), None)
            text, dropped = filter_extracted(found.text, title=title)
            outlet, syndicator = _html_outlet(source, text, raw.outlet or found.sitename)
            return Document(
                id=raw.id, path=raw.path, text=text, source_text=source,
                removed=_html_removed(source, text, title, dropped), title=title,
                outlet=outlet, syndicator=syndicator,
                url=raw.url or found.url, published=raw.published or found.published,
                format="html", encoding=raw.encoding,
                encoding_confidence=raw.encoding_confidence)
    else:
        source = raw.content
    if boilerplate:
        boilerplate = document_boilerplate(boilerplate, outlet_scope(raw))
    result = clean_text(source, boilerplate=boilerplate, title=raw.title)
    if boilerplate and (result is None or not _cut(source, result[1].removed)):
        # Corpus evidence never removes a whole article: in a templated corpus (short reports
        # differing only in their numbers) every line recurs, and all of it is the article.
        result = clean_text(source, title=raw.title)
    if result is None:
        raise CleaningError(
            f"no article text found: {no_text_reason(source)}; "
            "check that the input is a news article and not an index page or an empty file.")
    _, meta = result
    text = _cut(source, meta.removed)
    if not text:
        raise CleaningError("every line was classified as boilerplate; "
                            "nothing is left to analyse.")
    outlet = raw.outlet or meta.outlet
    syndicator = None if same_name(meta.syndicator, outlet) else meta.syndicator
    return Document(
        id=raw.id, path=raw.path, text=text, source_text=source, removed=tuple(meta.removed),
        title=meta.title, outlet=outlet, syndicator=syndicator, url=raw.url,
        published=raw.published or meta.published, format=raw.format, encoding=raw.encoding,
        encoding_confidence=raw.encoding_confidence)
