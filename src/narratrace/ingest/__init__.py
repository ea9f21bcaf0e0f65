"""Ingest: turn files and folders into RawDocuments, and every unreadable input into a Rejected.

>>> from narratrace.ingest import iter_inputs
>>> for item in iter_inputs(["articles/"]):  # doctest: +SKIP
...     print(item.path, type(item).__name__)
articles/a.html RawDocument
articles/b.pdf Rejected
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Iterator

from narratrace.errors import InputError
from narratrace.options import Options
from narratrace.types import RawDocument, Rejected

from ._files import Kind, classify, walk
from ._readers import READERS, Reader
from ._warc import read_warc

__all__ = ["iter_inputs"]

_READERS: dict[Kind, Reader] = {**READERS, "warc": read_warc}


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    options: Options = Options(),
) -> Iterator[RawDocument | Rejected]:
    """Stream the documents found under ``paths``: a RawDocument per document, else a Rejected.

    Folders are walked recursively in name order, skipping hidden names. Never raises for a
    bad input: a missing path, an unsupported type, a binary, empty, oversized or corrupt file,
    or a broken record inside a container each become a ``Rejected(path, "ingest", reason)``
    and the run goes on. A document read with damage repaired (raw NUL bytes dropped from a
    text or HTML file) is followed directly by a Rejected with the same path that says what
    was repaired: a warning about that document, not a rejection. A single path may be given
    instead of a list.

    >>> docs = [d for d in iter_inputs(["news/"]) if isinstance(d, RawDocument)]  # doctest: +SKIP
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for given in paths:
        for found in walk(os.fspath(given)):
            if isinstance(found, Rejected):
                yield _located(found)
            else:
                for item in _read_file(found, options):
                    yield _located(item)


# C0 and C1 controls and DEL: legal in file names and WARC record ids, but a newline or an
# escape sequence in a stored path would reach the terminal and the report as is. So would the
# line and paragraph separators and the bidirectional overrides and isolates, which make a
# terminal show "evil\u202etxt.exe" as "evilexe.txt".
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def display_path(path: str) -> str:
    """``path`` as stored and shown: bytes that are not UTF-8 (which Python keeps as lone
    surrogates, and no store can hold) and control characters written as ``\\xNN`` (or
    ``\\uNNNN``).

    >>> display_path("caf\\udce9.txt"), display_path("a\\nb\\x1b[31m.txt"), display_path("été.txt")
    ('caf\\\\xe9.txt', 'a\\\\x0ab\\\\x1b[31m.txt', 'été.txt')
    >>> display_path("evil\\u202etxt.exe")
    'evil\\\\u202etxt.exe'
    """
    if path.isprintable() and path.isascii():
        return path
    text = path
    if _has_surrogate(path):
        try:  # a file name's undecodable bytes, as os.fsdecode keeps them
            raw = path.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # any other lone surrogate
            raw = path.encode("utf-8", "backslashreplace")
        text = raw.decode("utf-8", "backslashreplace")
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _located(item: RawDocument | Rejected) -> RawDocument | Rejected:
    shown = display_path(item.path)
    return item if shown == item.path else dataclasses.replace(item, path=shown)


def _read_file(path: str, options: Options) -> Iterator[RawDocument | Rejected]:
    try:
        src = classify(path)
        yield from _READERS[src.kind](src, options)
    except InputError as exc:
        yield Rejected(path, "ingest", str(exc))
    except Exception as exc:  # noqa: BLE001
        # A bug or a library error on a strange file: one odd file must never stop the run,
        # so it is kept as data with enough detail to report it.
        yield Rejected(
            path, "ingest", f"could not read ({type(exc).__name__}: {str(exc)[:160]}); please report it"
        )
