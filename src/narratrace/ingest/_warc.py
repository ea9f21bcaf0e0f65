"""WARC archives (plain or gzipped) via warcio, streamed one record at a time."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from narratrace.errors import InputError
from narratrace.options import Options
from narratrace.types import InputFormat, RawDocument, Rejected

from ._encoding import decode
from ._files import GZIP_MAGIC, CorruptGzip, Source, gunzip, open_binary
from ._records import make_document, normalise_date

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
_DOC_RECORDS = ("response", "resource")


def read_warc(src: Source, options: Options) -> Iterator[RawDocument | Rejected]:
    """Yield one document per 2xx HTML/text response (or resource) record.

    WARCs are containers that routinely hold thousands of pages, so the file is streamed and
    ``max_bytes`` caps each record, not the file. Records that are not pages (requests,
    metadata, images, redirects) are skipped; a WARC with no page at all is rejected.
    """
    found = skipped = 0
    broken: CorruptGzip | None = None
    with open_binary(src.path) as fh:
        stream: BinaryIO | _Prefix = fh
        if fh.read(2) == GZIP_MAGIC:
            # warcio reads truncated gzip without complaint and has no bomb guard: check the
            # whole stream first (constant memory, about a second per 300 MB) and read only
            # the whole gzip members (one per record) if it is cut short.
            try:
                gunzip(fh, GZIP_MAGIC, options=options, keep=False)
            except CorruptGzip as exc:
                broken = exc
                stream = _Prefix(fh, exc.good_until)
            except OSError as exc:
                raise InputError(f"cannot read file: {_short(exc)}") from None
        fh.seek(0)
        try:
            for n, record in enumerate(_records(ArchiveIterator(stream), found_so_far=lambda: found + skipped), 1):
                if not str(getattr(record, "format", "")).startswith("warc"):
                    # warcio falls back to the old ARC format on anything it cannot parse.
                    raise InputError(
                        f"not a WARC file (record {n} has no WARC/1.x header); "
                        "check that the file is a web archive"
                    )
                item = _record(record, n, src, options)
                if item is None:
                    skipped += 1
                    continue
                found += 1
                yield item
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            raise InputError(
                f"unreadable WARC after {found + skipped} records ({_short(exc)}); "
                "the records before it were read"
            ) from None
    if broken is not None:
        raise InputError(
            f"truncated or corrupt gzip after {found + skipped} whole records; "
            "the records before it were read, re-download the file for the rest"
        )
    if found == 0:
        raise InputError(
            f"WARC has no HTML or text response records ({skipped} records of other kinds "
            "skipped); narratrace reads 2xx text/html and text/plain responses"
        )


def _records(records: Iterator[object], *, found_so_far: Callable[[], int]) -> Iterator[object]:
    """The records of ``records``; warcio's own failures on a malformed header block (it
    raises AttributeError or TypeError, e.g. on a response record without a
    WARC-Target-URI) become the ``ValueError`` of an unreadable WARC. warcio writes a warning
    of its own to stderr when a Content-Length is wrong; it is kept off the terminal (the
    record's rejection says what happened), so stderr is redirected while a record is parsed,
    never while the caller holds one."""
    while True:
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                record = next(records)
        except StopIteration:
            return
        except (AttributeError, TypeError, KeyError, IndexError) as exc:
            raise ValueError(f"record {found_so_far() + 1} has a malformed header block "
                             f"(warcio failed with {type(exc).__name__})") from None
        yield record


def _record(record: object, n: int, src: Source, options: Options) -> RawDocument | Rejected | None:
    rec_type = getattr(record, "rec_type", None)
    if rec_type not in _DOC_RECORDS:
        return None
    headers = record.rec_headers  # type: ignore[attr-defined]
    http = record.http_headers  # type: ignore[attr-defined]
    if rec_type == "response":
        if http is None:
            return None
        status = (http.get_statuscode() or "").strip()
        if not status.startswith("2"):
            return None
        ctype = http.get_header("Content-Type") or ""
    else:
        ctype = headers.get_header("Content-Type") or ""
    fmt = _format(ctype)
    if fmt is None:
        return None
    record_id = (headers.get_header("WARC-Record-ID") or "").strip().strip("<>")
    path = f"{src.path}#{record_id or n}"
    try:
        data = record.content_stream().read(options.max_bytes + 1)  # type: ignore[attr-defined]
        if len(data) > options.max_bytes:
            raise InputError(
                f"WARC record is over the {options.max_bytes:,} byte limit (max_bytes); "
                "raise the limit if it is a genuine page"
            )
        if getattr(record.raw_stream, "limit", 0) > 0:  # type: ignore[attr-defined]
            raise InputError("WARC record is cut short (ends before its Content-Length)")
        charset = _charset(ctype)
        declared = [charset] if charset else []
        text, encoding = decode(data, declared=declared, html=fmt == "html")
        url = (headers.get_header("WARC-Target-URI") or "").strip() or None
        return make_document(
            path=path,
            content=text,
            fmt=fmt,
            encoding=encoding,
            options=options,
            url=url,
            # The crawl date: only a fallback until the cleaner finds the page's own date.
            published=normalise_date(headers.get_header("WARC-Date")),
        )
    except InputError as exc:
        return Rejected(path, "ingest", str(exc))


class _Prefix:
    """The first ``size`` bytes of a file, as a readable stream."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self._fh, self._left = fh, size

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0 or n > self._left:
            n = self._left
        data = self._fh.read(n)
        self._left -= len(data)
        return data


def _format(ctype: str) -> InputFormat | None:
    mime = ctype.split(";", 1)[0].strip().lower()
    if mime in _HTML_TYPES:
        return "html"
    if mime in _TEXT_TYPES:
        return "text"
    return None


def _charset(ctype: str) -> str | None:
    for part in ctype.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _short(exc: BaseException) -> str:
    """The message of ``exc`` on one line (warcio quotes the raw line it failed on), cut to 160
    characters.

    >>> _short(ValueError("Invalid WARC record, first line: Content-Type: text/html\\r\\n"))
    'Invalid WARC record, first line: Content-Type: text/html'
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
