"""Same-story candidates held as arrays, one entry per pair, and what is summed over them in
bulk (the names and dates two documents share).

The story index lists at most ``STORY_NEIGHBOURS`` candidates per document: 121,179 pairs on
the 5,000-document scale store (``bench/bench_scale.py``), ~24 a document. Held as one dict per
pair (its row as the store keeps it) with a tuple key, and the neighbour lists as another dict,
they grew the traced peak of the reuse pass by 734 bytes a candidate pair; here a pair is its
two document indices, its cosine, its two list flags and its lead term in parallel arrays (34
bytes), and only the pairs with more to keep (credits and sentence alignment once a pair was
checked for a rewrite, passages once it linked) have a dict of those fields. The stored rows
are made from the arrays as they are written (:class:`StoryRows`). With the links, their
passages and that evidence, the peak grows by 353 bytes a pair
(``tests/test_story_candidates.py``, 1,000 to 2,000 made-up documents).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: The fields of a stored same-story row that the arrays hold (``lead`` once computed).
BASE = ("a", "b", "cos", "by_a", "by_b", "lead")


@dataclass
class Candidates:
    """Same-story candidate pairs ``(lo[k], hi[k])`` (document indices, ``lo < hi``), sorted
    by ``(lo, hi)``: each pair's lead cosine, whether each side lists it among its
    ``STORY_NEIGHBOURS``, its lead term (NaN until computed) and, by position, the other
    fields of its row (``extra``). ``touched``: the pairs whose row may differ from the one
    stored by an earlier run (new pairs, changed list flags, fields added or dropped now);
    None: every pair (a full run)."""

    lo: np.ndarray
    hi: np.ndarray
    cos: np.ndarray
    by_lo: np.ndarray
    by_hi: np.ndarray
    lead: np.ndarray
    extra: dict[int, dict[str, Any]] = field(default_factory=dict)
    touched: np.ndarray | None = None

    def touch(self, at: Any) -> None:
        """Mark the pairs at positions ``at`` as changed in this run."""
        if self.touched is not None:
            self.touched[at] = True

    def __len__(self) -> int:
        return len(self.lo)

    def codes(self, n: int) -> np.ndarray:
        """Each pair as one integer ``lo * n + hi`` (ascending, as the pairs are sorted)."""
        return self.lo * n + self.hi


def positions(codes: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of ``wanted`` sits in the ascending ``codes``; -1 for those not there.

    >>> positions(np.array([2, 5, 9]), np.array([9, 3, 2])).tolist()
    [2, -1, 0]
    """
    at = np.minimum(np.searchsorted(codes, wanted), max(len(codes) - 1, 0))
    hit = codes[at] == wanted if len(codes) else np.zeros(len(wanted), dtype=bool)
    return np.where(hit, at, -1)


class StoryRows(Mapping[tuple[str, str], dict[str, Any]]):
    """Same-story candidate rows as the store keeps them (``a``, ``b``, ``cos``, ``by_a``,
    ``by_b``, ``lead`` once computed, and the pair's other fields), keyed by ``(a, b)`` and
    iterated in key order, made from :class:`Candidates` when read (:meth:`rows` one at a
    time, for the store) rather than held. ``at``: the positions of the pairs it covers (all
    when None)."""

    def __init__(self, ids: Sequence[str], candidates: Candidates, at: np.ndarray | None = None) -> None:
        self._ids = ids
        self._c = candidates
        self._at = np.arange(len(candidates)) if at is None else np.asarray(at, dtype=np.int64)
        self._index: dict[tuple[str, str], int] | None = None

    def __len__(self) -> int:
        return len(self._at)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        ids, lo, hi = self._ids, self._c.lo, self._c.hi
        for p in self._at.tolist():
            yield ids[lo[p]], ids[hi[p]]

    def __getitem__(self, key: tuple[str, str]) -> dict[str, Any]:
        if self._index is None:
            self._index = dict(zip(self, self._at.tolist(), strict=True))
        return self.row(self._index[key])

    def row(self, p: int) -> dict[str, Any]:
        """The stored row of the pair at position ``p``."""
        c = self._c
        out: dict[str, Any] = {"a": self._ids[c.lo[p]], "b": self._ids[c.hi[p]], "cos": float(c.cos[p]),
                               "by_a": bool(c.by_lo[p]), "by_b": bool(c.by_hi[p])}
        if not math.isnan(lead := float(c.lead[p])):
            out["lead"] = lead
        out.update(c.extra.get(p, ()))
        return out

    def rows(self) -> Iterator[dict[str, Any]]:
        """Every row, in key order, each made as it is asked for."""
        for p in self._at.tolist():
            yield self.row(p)

    def changed(self, stored: Mapping[tuple[str, str], Mapping[str, Any]]) -> StoryRows:
        """The rows that differ from ``stored`` (or are not in it): of those the candidates
        mark as touched, only (an untouched row is the stored one, made again)."""
        if not stored:
            return self
        ids, lo, hi = self._ids, self._c.lo, self._c.hi
        maybe = self._at if self._c.touched is None else self._at[self._c.touched[self._at]]
        keep = [p for p in maybe.tolist() if stored.get((ids[lo[p]], ids[hi[p]])) != self.row(p)]
        return StoryRows(self._ids, self._c, np.asarray(keep, dtype=np.int64))

    def missing(self, keys: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        """Those of ``keys`` that are not rows here."""
        keys = list(keys)
        row_of = {doc: k for k, doc in enumerate(self._ids)}
        n = len(self._ids)
        mine = np.sort(self._c.codes(n)[self._at])
        wanted = np.asarray([row_of[a] * n + row_of[b] if a in row_of and b in row_of else -1
                             for a, b in keys], dtype=np.int64)
        gone = positions(mine, wanted) < 0
        return tuple(key for key, out in zip(keys, gone.tolist(), strict=True) if out)


def set_index(sets: Sequence[Iterable[str]]) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Sets of strings as sorted integer ids, concatenated: ``(starts, ids, vocabulary)``,
    the ids of set ``k`` being ``ids[starts[k]:starts[k + 1]]``.

    >>> starts, ids, vocab = set_index([{"b", "a"}, set(), {"b"}])
    >>> starts.tolist(), ids.tolist(), sorted(vocab.items())
    ([0, 2, 2, 3], [0, 1, 1], [('a', 0), ('b', 1)])
    """
    vocab = {s: k for k, s in enumerate(sorted({s for values in sets for s in values}))}
    rows = [sorted(vocab[s] for s in values) for values in sets]
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(r) for r in rows])
    ids = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(starts[-1]))
    return starts, ids, vocab


def shared(starts: np.ndarray, ids: np.ndarray, weights: np.ndarray, a: np.ndarray, b: np.ndarray,
           *, block: int = 16_384) -> tuple[np.ndarray, np.ndarray]:
    """For each pair of sets ``(a[k], b[k])`` (rows of :func:`set_index`): how many members
    they share, and the sum of ``weights`` (by id) over those members. Summed in id order, so
    a sum may differ from one taken in another order in its last bits.

    >>> starts, ids, vocab = set_index([{"x", "y"}, {"y", "z"}, {"x", "y", "z"}])
    >>> count, total = shared(starts, ids, np.array([1.0, 2.0, 4.0]), np.array([0, 0, 1]), np.array([1, 2, 2]))
    >>> count.tolist(), total.tolist()
    ([1, 2, 2], [2.0, 3.0, 6.0])
    """
    n_ids = max(int(ids.max(initial=-1)) + 1, 1)
    sizes = np.diff(starts)
    # every (set, member) as one integer, ascending: sets in order, members sorted within each
    members = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes) * n_ids + ids
    count = np.zeros(len(a), dtype=np.int64)
    total = np.zeros(len(a))
    for lo in range(0, len(a), block):
        pa, pb = a[lo:lo + block], b[lo:lo + block]
        size = sizes[pa]
        owner = np.repeat(np.arange(len(pa)), size)  # one entry per member of a
        nth = np.arange(len(owner)) - np.repeat(np.cumsum(size) - size, size)
        member = ids[starts[pa][owner] + nth]
        both = positions(members, pb[owner] * n_ids + member) >= 0
        count[lo:lo + len(pa)] = np.bincount(owner, weights=both, minlength=len(pa)).astype(np.int64)
        total[lo:lo + len(pa)] = np.bincount(owner, weights=np.where(both, weights[member], 0.0),
                                             minlength=len(pa))
    return count, total


class StoredRows(Mapping[tuple[str, str], dict[str, Any]]):
    """The same-story rows an earlier run stored, as the store gives them in columns
    (:meth:`narratrace.store.Store.pair_columns`): each pair's ids, cosine, list flags and lead
    term (NaN where not computed) in arrays, and the other fields of the rows that have any.
    A mapping ``(a, b)`` → row like the stored rows (without ``doc_a``/``doc_b``); a row is made
    only when asked for.

    >>> rows = StoredRows(["x", "x"], ["y", "z"], np.array([0.6, 0.5]), np.array([True, False]),
    ...                   np.array([False, True]), np.array([0.2, np.nan]), {1: {"retold": True}})
    >>> rows[("x", "z")]
    {'a': 'x', 'b': 'z', 'cos': 0.5, 'by_a': False, 'by_b': True, 'retold': True}
    >>> list(rows), len(rows), ("y", "x") in rows
    ([('x', 'y'), ('x', 'z')], 2, False)
    """

    def __init__(self, a: Sequence[str], b: Sequence[str], cos: np.ndarray, by_a: np.ndarray,
                 by_b: np.ndarray, lead: np.ndarray, extra: Mapping[int, dict[str, Any]]) -> None:
        self.a, self.b = list(a), list(b)
        self.cos, self.by_a, self.by_b, self.lead = cos, by_a, by_b, lead
        self.extra = extra
        self._index: dict[tuple[str, str], int] | None = None

    @classmethod
    def from_columns(cls, a: Sequence[str], b: Sequence[str], values: Mapping[str, Sequence[Any]],
                     rest: Mapping[int, dict[str, Any]]) -> StoredRows:
        """From the columns the store reads (``values``: ``cos``, ``by_a``, ``by_b``, ``lead``,
        None where a row lacks the field; ``rest``: the other fields by position)."""
        n = len(a)

        def floats(name: str) -> np.ndarray:
            return np.fromiter((math.nan if v is None else v for v in values[name]), dtype=np.float64, count=n)

        return cls(a, b, floats("cos"), np.fromiter(map(bool, values["by_a"]), dtype=bool, count=n),
                   np.fromiter(map(bool, values["by_b"]), dtype=bool, count=n), floats("lead"), rest)

    @classmethod
    def from_rows(cls, rows: Mapping[tuple[str, str], Mapping[str, Any]]) -> StoredRows:
        """From rows given one dict each (keys ``(a, b)``), in key order."""
        keys = sorted(rows)
        values: dict[str, list[Any]] = {name: [rows[k].get(name) for k in keys] for name in BASE[2:]}
        rest = {p: extra for p, k in enumerate(keys)
                if (extra := {n: v for n, v in rows[k].items() if n not in BASE})}
        return cls.from_columns([a for a, _ in keys], [b for _, b in keys], values, rest)

    def __len__(self) -> int:
        return len(self.a)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return zip(self.a, self.b, strict=True)

    def __getitem__(self, key: object) -> dict[str, Any]:
        if self._index is None:
            self._index = {k: p for p, k in enumerate(self)}
        return self.row(self._index[key])  # type: ignore[index]

    def row(self, p: int) -> dict[str, Any]:
        """The row of the pair at position ``p``."""
        out: dict[str, Any] = {"a": self.a[p], "b": self.b[p], "cos": float(self.cos[p]),
                               "by_a": bool(self.by_a[p]), "by_b": bool(self.by_b[p])}
        if not math.isnan(lead := float(self.lead[p])):
            out["lead"] = lead
        out.update(self.extra.get(p, ()))
        return out
