"""Readers for the single-file formats: text, HTML, JSON, JSON Lines and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator

from narratrace.errors import InputError
from narratrace.options import Options
from narratrace.types import RawDocument, Rejected

from ._encoding import Decoded, decode, decode_detail
from ._files import Kind, Source, read_bytes
from ._records import TEXT_FIELDS, document_from_fields, make_document

Output = Iterator[RawDocument | Rejected]
Reader = Callable[[Source, Options], Output]


def read_text(src: Source, options: Options) -> Output:
    found = decode_detail(read_bytes(src, options=options))
    yield make_document(path=src.path, content=found.text, fmt="text", encoding=found.encoding,
                        options=options, encoding_confidence=_guessed(found))


def read_html(src: Source, options: Options) -> Output:
    found = decode_detail(read_bytes(src, options=options), html=True)
    yield make_document(path=src.path, content=found.text, fmt="html", encoding=found.encoding,
                        options=options, encoding_confidence=_guessed(found))


def _guessed(found: Decoded) -> float | None:
    return found.confidence if found.guessed else None


def read_json(src: Source, options: Options) -> Output:
    """A JSON list of objects, one object, or (despite the name) JSON Lines."""
    text, encoding = decode(read_bytes(src, options=options))
    try:
        data = json.loads(text)
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
        raise InputError(
            f"JSON holds a {type(data).__name__}, not an object or a list of objects"
        )


def read_jsonl(src: Source, options: Options) -> Output:
    text, encoding = decode(read_bytes(src, options=options))
    yield from _json_lines(text, src.path, encoding, options)


def read_csv(src: Source, options: Options) -> Output:
    """A CSV file with a header row; rows are numbered from 1 after the header (``#R<n>``)."""
    text, encoding = decode(read_bytes(src, options=options))
    reader = _dict_reader(text)
    if reader is None:
        first = text.split("\n", 1)[0][:200]
        raise InputError(
            f"CSV header has no text, html or content column (header: {first!r}); "
            "rename the article column"
        )
    n = 0
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module cannot resynchronise after a malformed row: say where it stopped.
            yield Rejected(f"{src.path}#R{n}", "ingest", f"malformed CSV row ({exc}); the rest of the file was skipped")
            return
        yield _record(row, f"{src.path}#R{n}", encoding, options)


def _dict_reader(text: str) -> csv.DictReader[str] | None:
    """A DictReader in the first dialect whose header names an article column, else None.

    The sniffer is tried first but can pick ';' when article text is full of semicolons, so
    plain comma and tab are tried after it.
    """
    dialects: list[type[csv.Dialect] | csv.Dialect] = []
    try:
        dialects.append(csv.Sniffer().sniff(text[:8192], delimiters=",;\t|"))
    except csv.Error:
        pass
    dialects += [csv.excel, csv.excel_tab]
    for dialect in dialects:
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        try:
            header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        except csv.Error:
            continue
        if any(name in header for name in TEXT_FIELDS):
            return reader
    return None


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
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejected(where, "ingest", f"invalid JSON on line {n} ({exc}); the other lines were read")
            continue
        except RecursionError:
            yield Rejected(where, "ingest", f"JSON on line {n} nested too deeply to read")
            continue
        yield _record(item, where, encoding, options)


def _record(item: object, path: str, encoding: str, options: Options) -> RawDocument | Rejected:
    if not isinstance(item, dict):
        return Rejected(path, "ingest", f"expected a JSON object, found a {type(item).__name__}")
    try:
        return document_from_fields(item, path=path, encoding=encoding, options=options)
    except InputError as exc:
        return Rejected(path, "ingest", str(exc))


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True
