"""From a decoded record (file, JSON object, CSV row, WARC record) to a RawDocument."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from narratrace.errors import InputError
from narratrace.options import Options
from narratrace.types import InputFormat, RawDocument

from ._html import check_depth

# Field names accepted in JSON/CSV records, in order of preference.
TEXT_FIELDS = ("text", "html", "content", "body")
TITLE_FIELDS = ("title", "headline")
URL_FIELDS = ("url", "link", "uri")
DATE_FIELDS = ("published", "date", "published_at", "pubdate", "datetime")
OUTLET_FIELDS = ("outlet", "source", "site", "publisher")

_LOOKS_HTML = re.compile(r"<(?:!doctype|html|head|body|article|div|p|span|a|br|h[1-6])\b", re.I)

_DATE_FORMATS = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d.%m.%Y",  # day-first with dots is the European convention; slashes stay ambiguous
    "%Y%m%d",
)


def doc_id(content: str, title: str | None, url: str | None) -> str:
    """Content hash of a document: same text, title and url give the same id anywhere.

    >>> doc_id("x", None, None) == doc_id("x", None, None) != doc_id("x", "t", None)
    True
    """
    h = hashlib.sha256()
    for part in (content, title or "", url or ""):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:16]


def normalise_date(value: object) -> str | None:
    """An ISO ``YYYY-MM-DD`` for a parseable full date, else None (never guesses day/month).

    >>> normalise_date("2024-07-24T10:00:00Z"), normalise_date("24 July 2024"), normalise_date("07/08/2024")
    ('2024-07-24', '2024-07-24', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    try:  # RFC 2822, as in HTTP and RSS: "Tue, 23 Jul 2024 10:00:00 GMT"
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def make_document(
    *,
    path: str,
    content: str,
    fmt: InputFormat,
    encoding: str,
    options: Options,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    encoding_confidence: float | None = None,
) -> RawDocument:
    """Check ``content`` (empty, HTML depth) and build the RawDocument with its content id."""
    if "\r" in content:
        content = content.replace("\r\n", "\n").replace("\r", "\n")
    if not content.strip():
        raise InputError("empty (only whitespace); nothing to analyse")
    for name, value in (("text", content), ("title", title), ("url", url), ("outlet", outlet)):
        if value is not None and (at := _lone_surrogate(value)) is not None:
            raise InputError(
                f"the {name} holds a lone surrogate (U+{ord(value[at]):04X} at character {at:,}): "
                "half of a character pair, which no text encoding can hold (a JSON \\ud800 "
                "escape without its partner gives one); fix or re-export the source"
            )
    if fmt == "html":
        check_depth(content, max_depth=options.max_html_depth)
    return RawDocument(
        id=doc_id(content, title, url),
        path=path,
        content=content,
        format=fmt,
        encoding=encoding,
        title=title,
        url=url,
        published=published,
        outlet=outlet,
        encoding_confidence=encoding_confidence,
    )


def document_from_fields(
    record: Mapping[str, object], *, path: str, encoding: str, options: Options
) -> RawDocument:
    """Build a RawDocument from a JSON object or CSV row with the documented field names."""
    fields = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
    content: str | None = None
    fmt: InputFormat = "text"
    for name in TEXT_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            content = value
            fmt = "html" if name == "html" or (name != "text" and _LOOKS_HTML.search(value)) else "text"
            break
    if content is None:
        present = [n for n in TEXT_FIELDS if n in fields]
        if present:
            value = fields[present[0]]
            if value is not None and not isinstance(value, str):
                raise InputError(f"the {present[0]!r} field holds {json_type(value)}, not "
                                 "text; give the article as a string")
            raise InputError(f"empty {present[0]!r} field; nothing to analyse")
        raise InputError(
            "record has no text, html, content or body field; give the article in one of them"
        )
    return make_document(
        path=path,
        content=content,
        fmt=fmt,
        encoding=encoding,
        options=options,
        title=_first_str(fields, TITLE_FIELDS),
        url=_first_str(fields, URL_FIELDS),
        published=normalise_date(_first_str(fields, DATE_FIELDS)),
        outlet=_first_str(fields, OUTLET_FIELDS),
    )


def json_type(value: object) -> str:
    """How JSON names the type of a decoded value.

    >>> json_type({}), json_type([1]), json_type(True), json_type(3.5), json_type(None)
    ('an object', 'a list', 'a boolean', 'a number', 'null')
    >>> json_type("text")
    'a string'
    """
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def _lone_surrogate(text: str) -> int | None:
    """Where the first lone surrogate of ``text`` is, else None (strings from JSON may hold one).

    >>> _lone_surrogate("fine"), _lone_surrogate("ab\\udc00c")
    (None, 2)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _first_str(fields: Mapping[str, object], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = fields.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
