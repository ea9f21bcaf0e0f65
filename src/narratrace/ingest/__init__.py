"""Ingest: turn files and folders into RawDocuments, and every unreadable input into a Rejected.

>>> from narratrace.ingest import iter_inputs
>>> for item in iter_inputs(["articles/"]):  # doctest: +SKIP
...     print(item.path, type(item).__name__)
articles/a.html RawDocument
articles/b.pdf Rejected
"""

from __future__ import annotations

import os
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
    and the run goes on. A single path may be given instead of a list.

    >>> docs = [d for d in iter_inputs(["news/"]) if isinstance(d, RawDocument)]  # doctest: +SKIP
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for given in paths:
        for found in walk(os.fspath(given)):
            if isinstance(found, Rejected):
                yield found
            else:
                yield from _read_file(found, options)


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
