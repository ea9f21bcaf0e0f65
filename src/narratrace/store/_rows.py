"""How a Document is laid out in a ``documents`` row: shared by every backend, so SQLite and
PostgreSQL store (and give back) exactly the same thing."""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from ..types import Document, Removed

DOC_COLUMNS = ("id", "path", "title", "outlet", "syndicator", "url", "published", "language",
               "analysed", "format", "text", "source_text", "removed", "updated_at")


def document_row(document: Document) -> tuple[Any, ...]:
    """Column values in ``DOC_COLUMNS`` order (``removed`` as JSON, ``analysed`` as 0/1)."""
    row = asdict(document)
    row["removed"] = json.dumps([[r.kind, r.start, r.end] for r in document.removed])
    row["analysed"] = int(document.analysed)
    row["updated_at"] = now()
    return tuple(row[c] for c in DOC_COLUMNS)


_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def field_names(fields: Sequence[str]) -> list[str]:
    """``fields`` checked as top-level keys of a JSON row (they are spelt into a query).

    >>> field_names(["signature", "rows"])
    ['signature', 'rows']
    >>> field_names(["a-b"])
    Traceback (most recent call last):
    ...
    ValueError: 'a-b' is not a field name (letters, digits and underscores, not first a digit)
    """
    for name in fields:
        if not _FIELD.fullmatch(name):
            raise ValueError(f"{name!r} is not a field name (letters, digits and underscores, not first a digit)")
    return list(fields)


def document_from_row(row: tuple[Any, ...]) -> Document:
    data = dict(zip(DOC_COLUMNS, row, strict=True))
    removed = tuple(Removed(k, s, e) for k, s, e in json.loads(data.pop("removed")))
    data.pop("updated_at")
    data["analysed"] = bool(data["analysed"])
    if data["source_text"] == data["text"]:  # a plain-text input: one string, not two copies
        data["source_text"] = data["text"]
    return Document(removed=removed, **data)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: Pair kinds whose rows keep some fields in columns of their own rather than in the JSON
#: ``data`` (migration 4): the same-story candidates, ~24 a document, every one of which an
#: incremental run reads back (121,179 rows on the 5,000-document scale store; decoded as
#: JSON, then turned into arrays, they took 0.9 s of that run's CPU). ``a``, ``b``, ``doc_a``
#: and ``doc_b`` are columns of every pair row; for these kinds they are not repeated in
#: ``data``, which holds the other fields only (``{}`` for most rows). A field of these holds
#: a float (``cos``, ``lead``) or a bool (``by_a``, ``by_b``); absent, its column is NULL.
PAIR_COLUMNS: dict[str, tuple[tuple[str, type], ...]] = {
    "story": (("cos", float), ("by_a", bool), ("by_b", bool), ("lead", float)),
}
#: The columns of every pair row (the key and the documents it belongs to).
_PAIR_KEYS = ("a", "b", "doc_a", "doc_b")


@dataclass(frozen=True, slots=True)
class PairColumns:
    """The pairs of one kind as columns, in ``(a, b)`` order: the pair, the values of the
    kind's :data:`PAIR_COLUMNS` (None where a row lacks the field), and by position the other
    fields of the rows that have any (as :meth:`Store.pairs` would give them)."""

    a: list[str]
    b: list[str]
    values: dict[str, list[Any]]
    rest: dict[int, dict[str, Any]]


def pair_values(kind: str, row: Mapping[str, Any]) -> tuple[tuple[Any, ...], str]:
    """A pair row of ``kind`` as its column values (:data:`PAIR_COLUMNS`; bools as 0/1) and
    the JSON of its other fields. A field of a column kind whose value is not of the column's
    type stays in the JSON (so nothing is lost).

    >>> pair_values("story", {"a": "x", "b": "y", "doc_a": "x", "doc_b": "y", "cos": 0.5,
    ...                       "by_a": True, "by_b": False, "credit_a": None})
    ((0.5, 1, 0, None), '{"credit_a": null}')
    >>> pair_values("copy", {"a": "x", "b": "y", "doc_a": "x", "doc_b": "y", "link": None})
    ((), '{"a": "x", "b": "y", "doc_a": "x", "doc_b": "y", "link": null}')
    """
    columns = PAIR_COLUMNS.get(kind)
    if columns is None:
        return (), json.dumps(row, ensure_ascii=False)
    rest = {k: v for k, v in row.items() if k not in _PAIR_KEYS}
    values: list[Any] = []
    for name, typ in columns:
        value = rest.get(name)
        if type(value) is typ:
            del rest[name]
            values.append((1 if value else 0) if typ is bool else value)
        else:
            values.append(None)
    return tuple(values), json.dumps(rest, ensure_ascii=False)


def pair_row(kind: str, a: str, b: str, doc_a: str, doc_b: str, values: Sequence[Any],
             data: str) -> dict[str, Any]:
    """The row :func:`pair_values` split, as it was put (the column fields first).

    >>> pair_row("story", "x", "y", "x", "y", (0.5, 1, 0, None), '{"credit_a": null}')
    {'a': 'x', 'b': 'y', 'cos': 0.5, 'by_a': True, 'by_b': False, 'credit_a': None, 'doc_a': 'x', 'doc_b': 'y'}
    """
    columns = PAIR_COLUMNS.get(kind)
    if columns is None:
        return dict(json.loads(data))
    row: dict[str, Any] = {"a": a, "b": b}
    for (name, typ), value in zip(columns, values, strict=True):
        if value is not None:
            row[name] = bool(value) if typ is bool else float(value)
    if data != "{}":
        row.update(json.loads(data))
    row.update(doc_a=doc_a, doc_b=doc_b)
    return row


def pair_columns(kind: str, rows: Iterable[Sequence[Any]]) -> PairColumns:
    """:class:`PairColumns` from query rows ``(a, b, *column values, data)`` in ``(a, b)``
    order. A row stored before its kind had columns (all NULL, every field in ``data``) gives
    the same. Equal short ``data`` texts (``{"credit_a": null, "credit_b": null}``: a pair
    checked for a rewrite and found none, most of those with more than the columns) are
    decoded once."""
    columns = PAIR_COLUMNS.get(kind, ())
    got = list(rows)
    if not got:
        return PairColumns([], [], {name: [] for name, _ in columns}, {})
    # a column at a time (``zip(*got)`` takes every row as an argument: 0.19-0.27 s for the
    # 121,179 same-story rows of the 5,000-document bench store, 0.03 s this way)
    a, b, *cols, data = (list(map(operator.itemgetter(k), got)) for k in range(len(got[0])))
    values = {name: [None if v is None else bool(v) for v in col] if typ is bool else col
              for (name, typ), col in zip(columns, cols, strict=True)}
    rest: dict[int, dict[str, Any]] = {}
    seen: dict[str, dict[str, Any]] = {}
    for k, text in enumerate(data):
        if text == "{}":
            continue
        if (fields := seen.get(text)) is None:
            fields = json.loads(text)
            if len(text) < 80:
                seen[text] = fields
        row = dict(fields)
        for name, typ in columns:
            if name in row:
                values[name][k] = row.pop(name)
        if extra := {n: v for n, v in row.items() if n not in _PAIR_KEYS}:
            rest[k] = extra
    return PairColumns(a, b, values, rest)


class KeptRows(Sequence[Any]):
    """The records of a corpus kind where some are held as the JSON text the store holds for
    them (the rows an incremental run keeps as they are, :meth:`Store.corpus_texts`): such a
    record is decoded only when it is read, and :meth:`rows` gives its text back, so writing
    the kind again neither decodes nor encodes it.

    >>> kept = KeptRows(['{"n": 1}', {"n": 2}], decode=dict)
    >>> len(kept), kept[0], kept[1]
    (2, {'n': 1}, {'n': 2})
    >>> list(kept.rows(lambda record: dict(record, new=True)))
    ['{"n": 1}', {'n': 2, 'new': True}]
    """

    def __init__(self, items: Iterable[Any], decode: Callable[[Mapping[str, Any]], Any]) -> None:
        self._items = list(items)  # a record, or the stored JSON text of one
        self._decode = decode

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        item = self._items[k]
        return self._decode(json.loads(item)) if isinstance(item, str) else item

    def rows(self, encode: Callable[[Any], Mapping[str, Any]]) -> Iterator[Mapping[str, Any] | str]:
        """Each record's row: the stored text of a kept one, ``encode(record)`` of the others."""
        for item in self._items:
            yield item if isinstance(item, str) else encode(item)
