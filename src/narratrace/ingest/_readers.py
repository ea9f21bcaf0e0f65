"""Readers for the single-file formats: text, HTML, JSON, JSON Lines and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import Any

from narratrace.errors import InputError
from narratrace.options import Options
from narratrace.types import InputFormat, RawDocument, Rejected

from ._encoding import Decoded, LooksBinary, decode, decode_detail, decode_stray_nuls
from ._files import CorruptGzip, Kind, Source, read_bytes
from ._records import TEXT_FIELDS, document_from_fields, json_type, make_document

Output = Iterator[RawDocument | Rejected]
Reader = Callable[[Source, Options], Output]


def read_text(src: Source, options: Options) -> Output:
    yield from _one_document(src, options, fmt="text")


def read_html(src: Source, options: Options) -> Output:
    yield from _one_document(src, options, fmt="html")


def _one_document(src: Source, options: Options, *, fmt: InputFormat) -> Output:
    """A file that is one document. Raw NUL bytes in it (a damaged or zero-padded file) are
    dropped and the document kept, followed by a notice with the same path that says so."""
    data = read_bytes(src, options=options)
    try:
        found = decode_detail(data, html=fmt == "html")
        nuls = None
    except LooksBinary:
        if b"\x00" not in data:
            raise
        nuls = decode_stray_nuls(data, html=fmt == "html")
        found = nuls.decoded
    text = found.text if nuls is None else found.text.replace("\x00", "")
    yield make_document(path=src.path, content=text, fmt=fmt, encoding=found.encoding,
                        options=options, encoding_confidence=_guessed(found))
    if nuls is not None:
        yield Rejected(src.path, "ingest", f"{_nul_bytes(nuls.count)} removed (the first at "
                                           f"byte {nuls.first:,}): a damaged or zero-padded "
                                           "file; the rest of its text was kept")


def _nul_bytes(n: int) -> str:
    """How many raw NUL bytes, in words.

    >>> _nul_bytes(1), _nul_bytes(1200)
    ('1 raw NUL byte', '1,200 raw NUL bytes')
    """
    return f"{n:,} raw NUL byte{'s' if n != 1 else ''}"


def _guessed(found: Decoded) -> float | None:
    return found.confidence if found.guessed else None


def read_json(src: Source, options: Options) -> Output:
    """A JSON list of objects, one object, or (despite the name) JSON Lines.

    Raw NUL bytes (which JSON never holds) are handled as the JSON Lines reader does: a record
    that holds one is rejected alone and the others are read (:func:`_json_with_nuls`).
    """
    data = read_bytes(src, options=options)
    try:
        text, encoding = decode(data)
    except LooksBinary:
        if b"\x00" not in data:
            raise
        yield from _json_with_nuls(data, src, options)
        return
    try:
        data = _loads(text)
    except RecursionError:
        raise InputError("JSON nested too deeply to read; is it really a list of articles?") from None
    except json.JSONDecodeError as exc:
        lines = [line for line in text.split("\n") if line.strip()]
        if len(lines) > 1 and _parses(lines[0]):
            yield from _json_lines(text, src.path, encoding, options)
            return
        raise InputError(f"invalid JSON ({exc}); fix the file or save one object per line as .jsonl") from None
    if isinstance(data, dict):
        yield _record(data, src.path, encoding, options)
    elif isinstance(data, list):
        if not data:
            raise InputError("empty JSON list; nothing to analyse")
        for n, item in enumerate(data, 1):
            yield _record(item, f"{src.path}#{n}", encoding, options)
    else:
        raise InputError(f"JSON holds {json_type(data)}, not an object or a list of objects")


def _json_with_nuls(data: bytes, src: Source, options: Options) -> Output:
    """A JSON file that holds raw NUL bytes: each record (an element of the top-level list, or
    the one top-level object) that holds one is rejected, the others are read; NULs between
    records (zero padding after the closing bracket, as a crash or a failed copy leaves) hold
    no text, so they are dropped with a notice.

    Why not strip every NUL, as the text reader does: a JSON file is a sequence of records
    like JSON Lines, and a NUL inside a record means that record was damaged (a NUL inside a
    string may stand where other bytes were lost), so it is rejected alone, as its line would
    be in JSON Lines. A file that is not a list or an object this way (JSON Lines saved as
    .json) is read line by line.
    """
    found = decode_stray_nuls(data)
    text, encoding = found.decoded.text, found.decoded.encoding
    # A NUL is one character: as a space it keeps every offset, parses as whitespace between
    # tokens and as a plain character inside a string, so the records' spans can be found.
    spans = _json_spans(text.replace("\x00", " "))
    if spans is None:
        if "\n" in text.strip("\x00\n "):
            yield from _jsonl_with_nuls(data, src.path, options)
            return
        raise InputError(f"invalid JSON, and {_nul_bytes(found.count)} in it (the first at byte "
                         f"{found.first:,}); fix the file or save one object per line as .jsonl")
    nul: list[int] = []  # found with str.find: a loop over every character of 20 MB is slow
    at = text.find("\x00")
    while at >= 0:
        nul.append(at)
        at = text.find("\x00", at + 1)
    one = len(spans) == 1 and spans[0][2] is None
    out: list[RawDocument | Rejected] = []
    inside = 0
    for start, end, n in spans:
        where = src.path if n is None else f"{src.path}#{n}"
        held = bisect_left(nul, end) - bisect_left(nul, start)
        inside += held
        if held:
            record = "the file's one record" if one else f"record {n}"
            out.append(Rejected(where, "ingest", f"{_nul_bytes(held)} inside {record}, which JSON never "
                                                 "holds" + ("" if one else "; the other records were read")))
        else:
            out.append(_record(_loads(text[start:end]), where, encoding, options))
    if len(nul) > inside:
        # A notice about the file, kept with its last document read (it follows that document,
        # as a notice about a document does): the run keeps it as a warning, not a rejection.
        kept = [k for k, item in enumerate(out) if isinstance(item, RawDocument)]
        at = kept[-1] + 1 if kept else len(out)
        out.insert(at, Rejected(out[at - 1].path if kept else src.path, "ingest",
                                f"{_nul_bytes(len(nul) - inside)} outside the records of the file "
                                "removed: a damaged or zero-padded file; they held no text"))
    yield from out


def _json_spans(text: str) -> list[tuple[int, int, int | None]] | None:
    """Character spans ``(start, end, n)`` of the records of a JSON text: the elements of a
    top-level list (numbered from 1), or the one top-level value (``n`` None); None when the
    text is not JSON.

    >>> _json_spans(' [{"a": 1}, {"b": [2]}] ')
    [(2, 10, 1), (12, 22, 2)]
    >>> _json_spans('{"a": 1}'), _json_spans('{"a": 1}\\n{"b": 2}')
    ([(0, 8, None)], None)
    """
    decoder = json.JSONDecoder(parse_int=_parse_int)
    ws = " \t\n\r"
    pos = len(text) - len(text.lstrip(ws))
    try:
        if not text.startswith("[", pos):
            _, end = decoder.raw_decode(text, pos)
            return [(pos, end, None)] if not text[end:].strip(ws) else None
        spans: list[tuple[int, int, int | None]] = []
        pos += 1
        while True:
            while pos < len(text) and text[pos] in ws:
                pos += 1
            if not spans and text.startswith("]", pos):
                pos += 1
                break
            _, end = decoder.raw_decode(text, pos)
            spans.append((pos, end, len(spans) + 1))
            pos = end
            while pos < len(text) and text[pos] in ws:
                pos += 1
            if text.startswith(",", pos):
                pos += 1
                continue
            if text.startswith("]", pos):
                pos += 1
                break
            return None
    except (json.JSONDecodeError, RecursionError):
        return None
    return spans if not text[pos:].strip(ws) else None


def _whole_lines(src: Source, options: Options) -> tuple[bytes, CorruptGzip | None]:
    """The bytes of a line-based file (JSON Lines, CSV); of a gzipped one cut short or damaged,
    the whole lines decompressed before the damage, with the error to report after them."""
    try:
        return read_bytes(src, options=options), None
    except CorruptGzip as exc:
        end = exc.partial.rfind(b"\n")
        if end < 0:
            raise
        return exc.partial[:end + 1], exc


def _cut_short(exc: CorruptGzip, path: str, lines: int) -> Rejected:
    whole = f"{lines:,} whole lines before the damage were" if lines != 1 else "whole line before the damage was"
    return Rejected(path, "ingest", f"{exc} (the {whole} read; the rest is lost)")


def read_jsonl(src: Source, options: Options) -> Output:
    data, cut = _whole_lines(src, options)
    if cut is not None:
        yield from _lines_then(_read_jsonl_bytes(data, src, options), cut, src.path, data.count(b"\n"))
        return
    yield from _read_jsonl_bytes(data, src, options)


def _lines_then(items: Output, cut: CorruptGzip, path: str, lines: int) -> Output:
    yield from items
    yield _cut_short(cut, path, lines)


def _read_jsonl_bytes(data: bytes, src: Source, options: Options) -> Output:
    try:
        text, encoding = decode(data)
    except LooksBinary:
        if b"\x00" not in data:
            raise
        yield from _jsonl_with_nuls(data, src.path, options)
        return
    yield from _json_lines(text, src.path, encoding, options)


def _jsonl_with_nuls(data: bytes, path: str, options: Options) -> Output:
    """JSON Lines with raw NUL bytes, which JSON never holds: the lines that hold one are
    rejected, the rest are read (a file where every line holds one looks binary)."""
    lines = data.split(b"\n")
    broken = [n for n, line in enumerate(lines, 1) if b"\x00" in line]
    if len(broken) == len(lines):
        raise LooksBinary("looks binary (contains NUL bytes); is it really a text file?")
    text, encoding = decode(b"\n".join(b"" if b"\x00" in line else line for line in lines))
    for n in broken:
        yield Rejected(f"{path}#L{n}", "ingest", f"raw NUL byte on line {n}, which JSON "
                                                 "never holds; the other lines were read")
    yield from _json_lines(text, path, encoding, options)


def read_csv(src: Source, options: Options) -> Output:
    """A CSV file with a header row; rows are numbered from 1 after the header (``#R<n>``).

    The delimiter is found from the file (:func:`_dialect`): comma, semicolon (what Excel
    writes in French, German, Spanish or Italian settings), tab or bar. A row that holds a raw
    NUL byte, or whose quote never closes where a cell ends (:func:`_csv_rows`), is rejected
    alone; the rows after it are read.
    """
    data, cut = _whole_lines(src, options)
    if cut is not None:
        yield from _lines_then(_read_csv_bytes(data, src, options), cut, src.path, data.count(b"\n"))
        return
    yield from _read_csv_bytes(data, src, options)


def _read_csv_bytes(data: bytes, src: Source, options: Options) -> Output:
    try:
        text, encoding = decode(data)
    except LooksBinary:
        if b"\x00" not in data:
            raise
        found = decode_stray_nuls(data)
        text, encoding = found.decoded.text, found.decoded.encoding
        end = text.find("\n")  # a column name never holds a NUL: drop any from the header
        text = text[:end].replace("\x00", "") + text[end:] if end >= 0 else text.replace("\x00", "")
    # A cell may be as long as the file (max_bytes), not just the csv module's default 131,072
    # characters, past which it stops with an error and the rest of the file would be lost.
    if csv.field_size_limit() <= options.max_bytes:
        csv.field_size_limit(options.max_bytes + 1)
    # Excel's "sep=;" first line names the delimiter; it is no header. It is read as a blank
    # line, so that every row keeps its line number.
    declared = _SEP_LINE.match(text)
    if declared:
        text = "\n" + text[declared.end():]
    dialect, columns = _dialect(text, _DELIMITERS if declared is None else (declared.group(1),))
    if dialect is None:
        shown = ", ".join(repr(c) for c in columns[:12]) or "none"
        raise InputError(
            f"CSV header has no text, html, content or body column (columns: {shown}); "
            "rename the article column to text"
        )
    rows = _csv_rows(text, dialect)
    header = next(rows, None)
    n = 0
    for n, (line, cells, broken) in enumerate(rows, 1):
        where = f"{src.path}#R{n}"
        if broken is not None:
            yield Rejected(where, "ingest", f"malformed CSV row at line {line:,}: {broken}")
        elif any("\x00" in cell for cell in cells):
            yield Rejected(where, "ingest", f"raw NUL byte in the row at line {line:,}, which "
                                            "a CSV cell never holds; the other rows were read")
        else:
            assert header is not None  # rows come after it
            yield _record(_fields(header[1], cells), where, encoding, options)
    if n == 0:
        raise InputError("CSV has a header but no rows; nothing to analyse")


def _fields(names: list[str], cells: list[str]) -> dict[str, str]:
    """A row's cells by column name; where two columns share a name the first is kept (as
    the column a reader sees first), not silently the last.

    >>> _fields(["title", "text", "text"], ["A", "The article", "a note"])
    {'title': 'A', 'text': 'The article'}
    """
    out: dict[str, str] = {}
    for name, cell in zip(names, cells):
        out.setdefault(name, cell)
    return out


# (first physical line of the row, its cells, why it is malformed or None)
_Row = tuple[int, list[str], str | None]


def _csv_rows(text: str, dialect: type[csv.Dialect]) -> Iterator[_Row]:
    """The non-blank rows of a CSV text, header first, each with the line it starts on.

    Rows are read strictly (a closing quote must end its cell). A row that fails is read again
    leniently, as the csv module does by default: if it fits on its line it is kept (a stray
    quote inside a cell); if it runs over several lines its quote never closed where a cell
    ends, and a lenient reading would swallow the rows after it into one cell (to the end of
    the file when no other quote follows). That row is then reported malformed, alone, and
    reading goes on strictly at the next line.

    >>> [(line, cells, bad is not None) for line, cells, bad in _csv_rows(
    ...     'title,text\\na,"fine"\\nb,"never closed\\nc,good\\nd,"x" y\\n', csv.excel)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(1, ['title', 'text'], False), (2, ['a', 'fine'], False), (3, [], True),
     (4, ['c', 'good'], False), (5, ['d', 'x y'], False)]
    """
    strict = type("_Strict", (dialect,), {"strict": True})
    buf = io.StringIO(text, newline="")
    loose = io.StringIO(text, newline="")  # made once: a StringIO copies its text
    pos, line = 0, 1  # where the strict reading (re)starts: offset and physical line
    while pos < len(text):
        buf.seek(pos)
        reader = csv.reader(buf, dialect=strict)
        while True:
            before = reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                at = _line_start(text, pos, before)
                cells, span = _lenient_row(loose, at, dialect)
                if span > 1:
                    to = ("to the end of the file" if _line_start(text, at, span) >= len(text)
                          else f"to line {line + before + span - 1:,}")
                    yield line + before, [], (
                        f"a quote opens a cell and does not close where a cell ends ({exc}); "
                        f"read as is, the cell would swallow {span - 1:,} more lines {to}. "
                        "This row was skipped and the rows after it were read; fix the quote")
                    span = 1
                elif cells:
                    yield line + before, cells, None
                pos, line = _line_start(text, at, span), line + before + span
                break
            if cells:
                yield line + before, cells, None


def _line_start(text: str, pos: int, lines: int) -> int:
    """The offset ``lines`` physical lines after ``pos`` (the end of the text at most)."""
    for _ in range(lines):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos


def _lenient_row(buf: io.StringIO, at: int, dialect: type[csv.Dialect]) -> tuple[list[str], int]:
    """The row at offset ``at`` of ``buf`` read as the csv module does by default, and its
    line count."""
    buf.seek(at)
    reader = csv.reader(buf, dialect=dialect)
    return next(reader, []), max(1, reader.line_num)


class _Dialect(csv.excel):
    """RFC 4180 quoting (a quote in a cell doubled), as Excel and nearly every tool write it,
    with the delimiter found in the file."""

    delimiter = ","


_DELIMITERS = (",", ";", "\t", "|")
_SEP_LINE = re.compile(r'"?sep=([^\n"])"?[ \t]*\n', re.IGNORECASE)
_SAMPLE = 1 << 20  # characters parsed per candidate delimiter to choose one


def _dialect(text: str, delimiters: tuple[str, ...] = _DELIMITERS
             ) -> tuple[type[csv.Dialect] | None, list[str]]:
    """The dialect of a CSV text whose header names an article column, else None and the
    columns of the header as best read.

    ``csv.Sniffer`` is not used: on article text it guesses from quotes and punctuation
    inside the cells (a quoted word followed by a comma) and gets the quoting wrong, which
    cuts articles short. Instead each delimiter reads the header and the first rows with
    standard quoting; among those whose header (the first row that is not blank) has an
    article column, the one that splits the most rows into exactly as many cells as the header
    wins (ties: the order above).

    >>> _dialect("title;text\\nA;Le maire a dit, lundi, non.\\n")[0].delimiter
    ';'
    >>> _dialect("name,age\\nx,3\\n")
    (None, ['name', 'age'])
    >>> _dialect('title,text\\nA,"He said \\\\"no\\\\", and left."\\n')[0].escapechar
    '\\\\'
    """
    sample = text[:_SAMPLE]
    best: tuple[float, int] | None = None
    chosen: type[csv.Dialect] | None = None
    widest: list[str] = []
    # A quote escaped with a backslash (as MySQL, PHP and pandas with escapechar write it)
    # instead of doubled: tried after the standard reading, and chosen only where it fits more
    # rows (read the standard way, such a cell ends at the escaped quote and the rest of the
    # article spills into extra cells).
    styles: list[dict[str, object]] = [{}]
    if '\\"' in sample:
        styles.append({"doublequote": False, "escapechar": "\\"})
    for delimiter, style in [(d, st) for st in styles for d in delimiters]:
        dialect = type("_Dialect", (_Dialect,), {"delimiter": delimiter, **style})
        rows = csv.reader(io.StringIO(sample, newline=""), dialect=dialect)
        try:
            header = next((row for row in rows if row), [])
            names = [(h or "").strip().lower() for h in header]
            if len(names) > len(widest):
                widest = [h.strip() for h in header]
            if not any(name in names for name in TEXT_FIELDS):
                continue
            counted = fitting = 0
            for row in rows:
                if counted >= 200:
                    break
                if row:
                    counted += 1
                    fitting += len(row) == len(names)
        except csv.Error:
            continue
        score = (fitting / counted if counted else 1.0, len(names))
        if best is None or score > best:
            best, chosen = score, dialect
    return chosen, widest


READERS: dict[Kind, Reader] = {
    "text": read_text,
    "html": read_html,
    "json": read_json,
    "jsonl": read_jsonl,
    "csv": read_csv,
}


def _json_lines(text: str, path: str, encoding: str, options: Options) -> Output:
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}#L{n}"
        try:
            item = _loads(line)
        except json.JSONDecodeError as exc:
            yield Rejected(where, "ingest", f"invalid JSON on line {n} ({exc}); the other lines were read")
            continue
        except RecursionError:
            yield Rejected(where, "ingest", f"JSON on line {n} nested too deeply to read")
            continue
        yield _record(item, where, encoding, options)


def _parse_int(digits: str) -> int | float:
    """A JSON integer. Python refuses to convert one of more than 4,300 digits (a ValueError
    that is not a JSON error, which lost the whole file); such a number is never an article's
    text, so it is read as a float (``inf`` past 10**308) and the record is kept.

    >>> _parse_int("42"), _parse_int("9" * 5000)
    (42, inf)
    """
    return int(digits) if len(digits.lstrip("-")) <= 4000 else float(digits)


def _loads(text: str) -> Any:
    return json.loads(text, parse_int=_parse_int)


def _record(item: object, path: str, encoding: str, options: Options) -> RawDocument | Rejected:
    if not isinstance(item, dict):
        return Rejected(path, "ingest", f"expected a JSON object, found {json_type(item)}")
    try:
        return document_from_fields(item, path=path, encoding=encoding, options=options)
    except InputError as exc:
        return Rejected(path, "ingest", str(exc))


def _parses(line: str) -> bool:
    try:
        _loads(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True
