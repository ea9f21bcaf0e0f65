"""Build and write ``analysis.json`` — the public output contract — from the store.

The keys below are an interface that users' scripts rely on: extend, never remove or rename.
The JSON Schema lives in ``narratrace/schema/analysis.schema.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from .outfile import write_text_atomic
from .records import KINDS
from .store import Store
from .version import __version__

SCHEMA_VERSION = "1.2"

#: The stored kinds in ``analysis.json``, in the order they are written (the registry's).
KINDS_IN_ANALYSIS = tuple(k for k in KINDS if k.in_analysis)
#: Keys of ``analysis.json`` in the order they are written.
KEYS: tuple[str, ...] = ("schema_version", "generator", "generated_at", "documents", "errors",
                         *(k.name for k in KINDS_IN_ANALYSIS))


def build_analysis(store: Store) -> dict[str, Any]:
    """Everything the store holds, as the ``analysis.json`` dict."""
    analysis = _header()
    analysis["documents"] = list(_documents(store))
    analysis["errors"] = _errors(store)
    for kind in KINDS_IN_ANALYSIS:
        analysis[kind.name] = _rows(store, kind.name)
    return analysis


class Rows(Iterable[dict[str, Any]]):
    """One list key of ``analysis.json`` read from the store each time it is iterated, a page
    at a time, so that nothing holds the whole list. ``len()`` counts the rows (read once more,
    unless an iteration already ran to the end).

    >>> from narratrace.store import open_store
    >>> rows = StoredAnalysis(open_store("sqlite:///:memory:"))["claims"]
    >>> list(rows), len(rows)
    ([], 0)
    """

    def __init__(self, read: Callable[[], Iterator[dict[str, Any]]]) -> None:
        self._read = read
        self._len: int | None = None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        n = 0
        for row in self._read():
            yield row
            n += 1
        self._len = n

    def __len__(self) -> int:
        if self._len is None:
            self._len = sum(1 for _ in self._read())
        return self._len


class StoredAnalysis(Mapping[str, Any]):
    """The ``analysis.json`` dict as a read-only view of ``store``: the same keys and values as
    :func:`build_analysis`, but each list is a :class:`Rows` that reads the store when it is
    iterated, never held whole (what the report reads: ``narratrace.report.write_report``).

    >>> from narratrace.store import open_store
    >>> view = StoredAnalysis(open_store("sqlite:///:memory:"))
    >>> list(view) == list(KEYS), view["schema_version"] == SCHEMA_VERSION
    (True, True)
    """

    def __init__(self, store: Store) -> None:
        self._values: dict[str, Any] = _header()
        self._values["documents"] = Rows(lambda: _documents(store))
        self._values["errors"] = Rows(lambda: iter(_errors(store)))
        for kind in KINDS_IN_ANALYSIS:
            self._values[kind.name] = Rows(partial(_iter_rows, store, kind.name))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _header() -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION,
            "generator": {"name": "narratrace", "version": __version__},
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds")}


def _documents(store: Store) -> Iterator[dict[str, Any]]:
    for d in store.documents():
        yield {"id": d.id, "path": d.path, "title": d.title, "outlet": d.outlet,
               "syndicator": d.syndicator, "url": d.url, "published": d.published,
               "language": d.language, "analysed": d.analysed, "format": d.format,
               "text": d.text, "source_text": d.source_text,
               "removed": [{"kind": r.kind, "start": r.start, "end": r.end} for r in d.removed]}


def _errors(store: Store) -> list[dict[str, Any]]:
    return [{"path": r.path, "stage": r.stage, "reason": r.reason} for r in store.rejected()]


def _rows(store: Store, name: str) -> list[dict[str, Any]]:
    # Stored rows as they are: what the stages wrote is what users read.
    kind = next(k for k in KINDS_IN_ANALYSIS if k.name == name)
    return store.corpus(name) if kind.scope == "corpus" else store.annotations(name)


def _iter_rows(store: Store, name: str) -> Iterator[dict[str, Any]]:
    """:func:`_rows` a page at a time."""
    kind = next(k for k in KINDS_IN_ANALYSIS if k.name == name)
    return store.iter_corpus(name) if kind.scope == "corpus" else store.iter_annotations(name)


def write_analysis(analysis: dict[str, Any] | Store, path: Path) -> Path:
    """Write atomically (a crash or a full disk never leaves a half-written file).

    ``analysis`` is the dict :func:`build_analysis` returns, or a store: then the file is
    streamed from it (:func:`stream_analysis`), so that memory holds a page of rows rather
    than the whole analysis and its JSON text. Both give the same bytes.
    """
    if isinstance(analysis, dict):
        return write_text_atomic(path, json.dumps(analysis, ensure_ascii=False, indent=1))
    return write_text_atomic(path, stream_analysis(analysis))


def stream_analysis(store: Store) -> Iterator[str]:
    """The text of ``analysis.json`` in pieces, read from ``store`` as it is written: the same
    text as ``json.dumps(build_analysis(store), ensure_ascii=False, indent=1)``. Documents and
    rows are read a page at a time (:meth:`~narratrace.store.Store.iter_annotations`), so
    memory does not grow with the store: on the 20,000-document store of
    ``bench/bench_scale.py`` (a 160 MiB file) the process's peak RSS stayed at 1,189 MiB while
    it wrote, where building the dict and dumping it rose from 1,279 to 2,691 MiB."""
    yield "{"
    first = True
    values: list[tuple[str, Any]] = list(_header().items())
    values += [("documents", _documents(store)), ("errors", _errors(store))]
    for key, value in values:
        yield ("" if first else ",") + "\n " + json.dumps(key) + ": "
        first = False
        if isinstance(value, dict):
            yield _dumps(value, 1)
        elif isinstance(value, (list, Iterator)):
            yield from _list(value)
        else:
            yield json.dumps(value, ensure_ascii=False)
    for kind in KINDS_IN_ANALYSIS:
        yield ",\n " + json.dumps(kind.name) + ": "
        yield from _list(_iter_rows(store, kind.name))
    yield "\n}"


def _dumps(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(indent=1)`` writes it at nesting ``depth``."""
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)


def _list(items: Iterable[Any]) -> Iterator[str]:
    """A list at nesting depth 1 as ``json.dumps(indent=1)`` writes it, item by item."""
    empty = True
    for item in items:
        yield ("[\n  " if empty else ",\n  ") + _dumps(item, 2)
        empty = False
    yield "[]" if empty else "\n ]"


def schema_path() -> Path:
    return Path(__file__).parent / "schema" / "analysis.schema.json"
