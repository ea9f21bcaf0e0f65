"""Bounded nearest-neighbour search over unit vectors: an inverted-file index in numpy.

The corpus stages need, for each new item (a document's lead vector, a claim's vector), its
most similar stored items above a cosine threshold. Comparing every item with every other is
O(n²); here each query compares with the members of a fixed number of coarse cells
(``probe``), each of about ``cell`` items, and keeps at most ``k`` neighbours, so a query
costs O(probe * cell) whatever the corpus size and the pairs kept are at most ``k`` per item.

* The cells are a spherical k-means of the vectors (a sample, a few Lloyd rounds), chosen from
  the vectors' content and not their order, so the index is a function of the set of vectors:
  the same corpus gives the same pairs however it was stored. (Ties between equal cosines go
  to the lower index, so callers pass rows in a canonical order, e.g. sorted by id.)
* While the corpus has no more cells than ``probe``, every cell is probed: the search is exact
  (every pair above the threshold is seen; the ``k`` cap is the only bound).
* Each kept pair's cosine is confirmed with a float64 dot of its own two rows, so whether a pair
  counts never depends on the block or the batch it was found in.

Measured recall of the top-``k`` against an exact search is printed by
``bench/bench_scale.py --recall``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from ..native import blas_controller, return_freed_memory

#: Target members per cell, and cells probed per query. While ``n <= CELL * PROBE`` (8,192
#: items) the search is exhaustive. On the scale bench's claims (9,000 vectors whose nearest
#: neighbours share a direction of their own, the cells a weaker topic direction) 8 probes
#: found 81 % of the exact top-32 pairs and 16 probes 99 %.
CELL = 512
PROBE = 16
#: k-means: Lloyd rounds, and sample size per cell (the cells are fitted on a seeded sample).
ROUNDS = 6
SAMPLE_PER_CELL = 40
#: Queries compared with a block of at most ``ROWS`` rows of a cell at a time (a 4 MiB float32
#: similarity block; the exhaustive search's one cell is up to ``CELL * PROBE`` rows).
BLOCK = 512
ROWS = 2048
#: Float32 rounding margin: a block keeps the rows within it of its ``k``-th float32 cosine
#: (and of the threshold) for the float64 confirmation.
SLACK = 1e-4
#: An incremental run compares its new items with every item exactly; callers search
#: everything again, like a full run, when new items x items is more than this many dot
#: products.
EXACT_BUDGET = 20_000_000
#: ... in blocks of at most this many dot products (a 16 MiB float32 similarity block).
EXACT_BLOCK = 4_194_304


def nearest_pairs(vectors: np.ndarray, rows: Sequence[int] | None = None, *, k: int,
                  threshold: float, cell: int = CELL, probe: int = PROBE
                  ) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, cosine)``, ``i < j``, each once and sorted: for every query row (``rows``;
    all when None), its at most ``k`` most similar other rows with cosine >= ``threshold``
    (ties by index), searched in the ``probe`` nearest cells of an inverted-file index.

    >>> v = np.array([[1, 0], [0.96, 0.28], [0, 1], [0.6, 0.8]], dtype=np.float32)
    >>> [(i, j, round(c, 2)) for i, j, c in nearest_pairs(v, k=1, threshold=0.5)]
    [(0, 1, 0.96), (1, 3, 0.8), (2, 3, 0.8)]
    >>> [(i, j) for i, j, _ in nearest_pairs(v, [2], k=5, threshold=0.5)]
    [(2, 3)]
    """
    return _pairs(*_nearest(vectors, rows, k=k, threshold=threshold, cell=cell, probe=probe))


def _nearest(vectors: np.ndarray, rows: Sequence[int] | None, *, k: int, threshold: float,
             cell: int = CELL, probe: int = PROBE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The confirmed ``(query, row, cosine)`` arrays of :func:`nearest_pairs`.

    The products run on one BLAS thread: they are blocks of at most :data:`BLOCK` x
    :data:`ROWS`, which a second thread does not speed up (on 2 cores, one 512 x 384 by
    384 x 512 product took 2.0 ms of CPU and of wall time on one thread, 7.0 ms of CPU and
    6.2 ms of wall time on two)."""
    with blas_controller().limit(limits=1, user_api="blas"):
        found = _nearest_in(vectors, rows, k=k, threshold=threshold, cell=cell, probe=probe)
    # the search's blocks are freed into the heap, which glibc keeps, and the claim grouping
    # after it started from there: on the 20,000-document scale store the claim neighbour
    # search left the process 77 MiB above its start, 9 MiB below it with the heap handed
    # back (the claim step's peak 691 -> 630 MiB)
    return_freed_memory()
    return found


def _nearest_in(vectors: np.ndarray, rows: Sequence[int] | None, *, k: int, threshold: float,
                cell: int = CELL, probe: int = PROBE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(vectors)
    queries = np.arange(n) if rows is None else np.unique(np.asarray(list(rows), dtype=np.int64))
    if n < 2 or not len(queries) or k < 1:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    mat = np.ascontiguousarray(vectors, dtype=np.float32)
    cells = max(1, -(-n // cell))
    if cells <= probe:  # exhaustive: one cell holding everything
        members = [np.arange(n)]
        probes = np.zeros((len(queries), 1), dtype=np.int64)
    else:
        centroids = _kmeans(mat, cells)
        members = _assign(mat, centroids)
        probes = _probe(mat, queries, centroids, probe)
    return _search(mat, vectors, queries, probes, members, k, threshold)


def _kmeans(mat: np.ndarray, cells: int) -> np.ndarray:
    """Unit centroids of a spherical k-means on a sample of the rows.

    The sample and the starting centres depend on the vectors, not on their order (rows are
    ranked by a fixed projection first), so the same corpus read in another order gets the
    same cells."""
    rng = np.random.default_rng(0)
    key = mat @ np.asarray(rng.standard_normal(mat.shape[1]), dtype=np.float32)
    step = max(1, len(mat) // (cells * SAMPLE_PER_CELL))
    # the sampled rows only (the rows in rank order are not copied whole: on the 60,000 claims
    # of the 20,000-document scale store that copy was 88 MiB for a sample of 8,000 rows)
    sample = mat[np.argsort(key, kind="stable")[::step]]
    centroids = sample[np.sort(rng.choice(len(sample), size=cells, replace=False))].copy()
    for _ in range(ROUNDS):
        nearest = np.concatenate([np.argmax(sample[lo:lo + BLOCK] @ centroids.T, axis=1)
                                  for lo in range(0, len(sample), BLOCK)])
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, sample)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0  # a cell that lost every member keeps its old centre
        sums[empty] = centroids[empty]
        norms[empty] = 1
        centroids = np.asarray(sums / norms, dtype=np.float32)
    return centroids


def _assign(mat: np.ndarray, centroids: np.ndarray) -> list[np.ndarray]:
    """Row indices of each cell (every row in its nearest cell)."""
    cell_of = np.concatenate([np.argmax(mat[lo:lo + BLOCK] @ centroids.T, axis=1)
                              for lo in range(0, len(mat), BLOCK)])
    order = np.argsort(cell_of, kind="stable")
    bounds = np.searchsorted(cell_of[order], np.arange(len(centroids) + 1))
    return [order[bounds[c]:bounds[c + 1]] for c in range(len(centroids))]


def _probe(mat: np.ndarray, queries: np.ndarray, centroids: np.ndarray, probe: int) -> np.ndarray:
    """The ``probe`` nearest cells of each query (rows ``queries`` of ``mat``, gathered a
    block at a time: a full run's queries are every row, and gathering them at once copied
    the whole matrix)."""
    out = []
    for lo in range(0, len(queries), BLOCK):
        sims = mat[queries[lo:lo + BLOCK]] @ centroids.T
        out.append(np.argpartition(-sims, probe - 1, axis=1)[:, :probe])
    return np.concatenate(out)


def _search(mat: np.ndarray, vectors: np.ndarray, queries: np.ndarray, probes: np.ndarray,
            members: list[np.ndarray], k: int, threshold: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The confirmed ``(query, row, cosine)`` arrays (as :func:`_confirm` orders them): per
    query, the ``k`` best rows of its probed cells by float64 cosine, ties by index.

    Cells are compared in blocks of at most :data:`BLOCK` queries by :data:`ROWS` rows; a
    block keeps the rows within :data:`SLACK` of its ``k``-th float32 cosine (float32 rounding
    can reorder only those), confirms them in float64 and merges them into each query's running
    ``k`` best. The result does not depend on the blocks, and what is held is O(queries * k)
    plus one block, not every candidate of every probed cell at once: on the 20,000-document
    scale store's claims (60,000 claims, 16 cells probed, ``k`` = 32) that was up to 30
    million candidates."""
    floor = threshold - SLACK
    k = min(k, len(mat) - 1)  # no query has more other rows
    best_cos = np.full((len(queries), k), -np.inf)
    best_row = np.full((len(queries), k), len(mat), dtype=np.int64)
    flat_q = np.repeat(np.arange(len(queries)), probes.shape[1])
    flat_c = probes.ravel()
    order = np.argsort(flat_c, kind="stable")
    bounds = np.searchsorted(flat_c[order], np.arange(len(members) + 1))
    for cell, rows in enumerate(members):
        asking = flat_q[order[bounds[cell]:bounds[cell + 1]]]  # positions in ``queries``
        for top in range(0, len(rows), ROWS):
            part = rows[top:top + ROWS]  # ascending (cells list their rows in order)
            block_rows = mat[part]
            for lo in range(0, len(asking), BLOCK):
                at = asking[lo:lo + BLOCK]
                q = queries[at]
                sims = mat[q] @ block_rows.T
                hit = np.minimum(np.searchsorted(part, q), len(part) - 1)
                self_ = part[hit] == q
                sims[np.nonzero(self_)[0], hit[self_]] = -np.inf  # not itself
                above = sims >= floor
                # A query with at most k rows above the floor keeps them all; only one with
                # more keeps those within SLACK of its k-th (the same rows as ranking every
                # query's block: most have a few neighbours, and ranking was a sixth of the
                # search)
                crowded = np.flatnonzero(np.count_nonzero(above, axis=1) > k)
                if len(crowded):
                    kth = np.partition(sims[crowded], len(part) - k, axis=1)[:, len(part) - k]
                    above[crowded] &= sims[crowded] >= (kth - SLACK)[:, None]
                rr, cc = np.nonzero(above)
                if len(rr):
                    _merge(best_cos, best_row, vectors, q, at, rr, part[cc], threshold)
    found = np.isfinite(best_cos)
    return (np.broadcast_to(queries[:, None], best_cos.shape)[found], best_row[found],
            best_cos[found])


def _merge(best_cos: np.ndarray, best_row: np.ndarray, vectors: np.ndarray, q: np.ndarray,
           at: np.ndarray, rr: np.ndarray, cols: np.ndarray, threshold: float) -> None:
    """Merge candidates ``(q[rr], cols)`` into the running ``k`` best (float64 cosine, ties
    by row) of the queries at positions ``at``, in place."""
    k = best_cos.shape[1]
    cos = _cosines(vectors, q[rr], cols)
    ok = cos >= threshold
    rr, cols, cos = rr[ok], cols[ok], cos[ok]
    if not len(rr):
        return
    touched = np.unique(rr)
    old_cos, old_row = best_cos[at[touched]], best_row[at[touched]]
    keep = np.isfinite(old_cos)
    slot = np.searchsorted(touched, rr)
    owner = np.concatenate([np.broadcast_to(np.arange(len(touched))[:, None], old_cos.shape)[keep], slot])
    rows = np.concatenate([old_row[keep], cols])
    sims = np.concatenate([old_cos[keep], cos])
    order = np.lexsort((rows, -sims, owner))
    owner, rows, sims = owner[order], rows[order], sims[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner, side="left")
    take = rank < k
    old_cos[:] = -np.inf
    old_row[:] = len(best_row)
    old_cos[owner[take], rank[take]] = sims[take]
    old_row[owner[take], rank[take]] = rows[take]
    best_cos[at[touched]] = old_cos
    best_row[at[touched]] = old_row


def _cosines(vectors: np.ndarray, q: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Float64 dots of the rows ``q`` and ``c``, pair by pair, :data:`BLOCK` pairs at a time
    (gathering both rows of many pairs in float64 at once took 6 KiB a pair)."""
    cos = np.empty(len(q))
    for lo in range(0, len(q), BLOCK):
        a = np.asarray(vectors[q[lo:lo + BLOCK]], dtype=np.float64)
        b = np.asarray(vectors[c[lo:lo + BLOCK]], dtype=np.float64)
        cos[lo:lo + len(a)] = np.einsum("ij,ij->i", a, b)
    return cos


def _confirm(vectors: np.ndarray, q: np.ndarray, c: np.ndarray, k: int, threshold: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact float64 cosines, the ``k`` best per query (ties by index): ``(query, row,
    cosine)`` arrays, sorted by query, most similar first."""
    if not len(q):
        return q, c, np.zeros(0)
    cos = _cosines(vectors, q, c)
    ok = cos >= threshold
    q, c, cos = q[ok], c[ok], cos[ok]
    order = np.lexsort((c, -cos, q))  # by query, most similar first, ties by index
    q, c, cos = q[order], c[order], cos[order]
    first = np.searchsorted(q, q, side="left")
    keep = np.arange(len(q)) - first < k
    return q[keep], c[keep], cos[keep]


def _pairs(q: np.ndarray, c: np.ndarray, cos: np.ndarray) -> list[tuple[int, int, float]]:
    """Each chosen pair once, ``(i, j, cosine)`` with ``i < j``, sorted."""
    if not len(q):
        return []
    lo, hi = np.minimum(q, c), np.maximum(q, c)
    pairs, at = np.unique(np.stack([lo, hi], axis=1), axis=0, return_index=True)
    return [(int(i), int(j), float(x)) for (i, j), x in zip(pairs.tolist(), cos[at].tolist(),
                                                             strict=True)]


#: ``{(i, j): (cosine, i lists j, j lists i)}``, ``i < j``: every pair some row lists among
#: its ``k`` best, and which side listed it (what :func:`update_lists` needs to go on).
Lists = dict[tuple[int, int], tuple[float, bool, bool]]


class Listed(NamedTuple):
    """:data:`Lists` as arrays, one entry per pair, sorted by ``(lo, hi)``: the pair
    ``(lo[k], hi[k])``, ``lo < hi``, its float64 cosine and which side lists the other among
    its ``k`` best: 26 bytes a pair, where a :data:`Lists` entry is a tuple key and a tuple
    of a float and two flags (the same-story lists of the 5,000-document scale store hold
    121,179 pairs)."""

    lo: np.ndarray  # int64
    hi: np.ndarray  # int64
    cos: np.ndarray  # float64
    by_lo: np.ndarray  # bool
    by_hi: np.ndarray  # bool


def as_lists(listed: Listed) -> Lists:
    """The :data:`Lists` dict of ``listed``."""
    return dict(zip(zip(listed.lo.tolist(), listed.hi.tolist(), strict=True),
                    zip(listed.cos.tolist(), listed.by_lo.tolist(), listed.by_hi.tolist(), strict=True),
                    strict=True))


def as_listed(lists: Lists) -> Listed:
    """The :class:`Listed` arrays of ``lists``."""
    keys = sorted(lists)
    values = [lists[key] for key in keys]
    pairs = np.asarray(keys, dtype=np.int64).reshape(-1, 2)
    return Listed(pairs[:, 0].copy(), pairs[:, 1].copy(),
                  np.asarray([v[0] for v in values], dtype=np.float64),
                  np.asarray([v[1] for v in values], dtype=bool),
                  np.asarray([v[2] for v in values], dtype=bool))


#: ``mapper(fn, parts)``: ``fn`` applied to each part, results in the parts' order (the
#: builtin ``map``, or a cluster's: :func:`narratrace.run.engines.dask.corpus_mapper`).
Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]


def nearest_lists(vectors: np.ndarray, *, k: int, threshold: float, parts: int = 1,
                  mapper: Mapper = map) -> Lists:
    """:func:`nearest_pairs` of every row, with the side(s) that chose each pair.

    ``parts`` > 1: the query rows are split into that many runs of consecutive rows, each
    searched by one call through ``mapper`` (on a Dask cluster, one task each) and the found
    pairs merged. A query's list depends only on the query and the index (a function of all
    the vectors, built alike in every part), so the lists are the same however the rows are
    split. :func:`nearest_listed` gives them as arrays.

    >>> v = np.array([[1, 0], [0.96, 0.28], [0, 1], [0.6, 0.8]], dtype=np.float32)
    >>> sorted((p, round(c, 2), x, y) for p, (c, x, y) in nearest_lists(v, k=1, threshold=0.5).items())
    [((0, 1), 0.96, True, True), ((1, 3), 0.8, False, True), ((2, 3), 0.8, True, False)]
    >>> nearest_lists(v, k=1, threshold=0.5, parts=3) == nearest_lists(v, k=1, threshold=0.5)
    True
    """
    return as_lists(nearest_listed(vectors, k=k, threshold=threshold, parts=parts, mapper=mapper))


def nearest_listed(vectors: np.ndarray, *, k: int, threshold: float, parts: int = 1,
                   mapper: Mapper = map) -> Listed:
    """:func:`nearest_lists` as :class:`Listed` arrays."""
    if parts <= 1 or len(vectors) < 2:
        return _listed(*_nearest(vectors, None, k=k, threshold=threshold))
    runs = [rows for rows in np.array_split(np.arange(len(vectors)), parts) if len(rows)]
    found = list(mapper(partial(_nearest_rows, vectors, k=k, threshold=threshold), runs))
    # The parts come back in row order, each sorted by query: concatenated, the arrays are
    # those of one search over every row.
    return _listed(*(np.concatenate(arrays) for arrays in zip(*found, strict=True)))


def _nearest_rows(vectors: np.ndarray, rows: np.ndarray, *, k: int, threshold: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_nearest` for some query rows (a part of :func:`nearest_lists`, picklable)."""
    return _nearest(vectors, rows.tolist(), k=k, threshold=threshold)


def _listed(owner: np.ndarray, other: np.ndarray, cos: np.ndarray) -> Listed:
    """The pairs of list entries ``owner`` lists ``other`` at ``cos``, each pair once with the
    side(s) that list it (the two sides' cosines are the same float64 dot)."""
    owner = np.asarray(owner, dtype=np.int64)
    other = np.asarray(other, dtype=np.int64)
    lo, hi = np.minimum(owner, other), np.maximum(owner, other)
    order = np.lexsort((hi, lo))
    lo, hi, cos, mine = lo[order], hi[order], np.asarray(cos, dtype=np.float64)[order], (owner < other)[order]
    if not len(lo):
        return Listed(lo, hi, cos, mine, mine.copy())
    first = np.ones(len(lo), dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    start = np.flatnonzero(first)
    return Listed(lo[start], hi[start], cos[start], np.logical_or.reduceat(mine, start),
                  np.logical_or.reduceat(~mine, start))


def neighbour_lists(vectors: np.ndarray, new_rows: Sequence[int], old: Lists | None, *, k: int,
                    threshold: float, parts: int = 1, mapper: Mapper = map) -> Lists:
    """The lists of every row: :func:`update_lists` of ``old`` when given and the new rows
    are few enough (new rows x rows within :data:`EXACT_BUDGET`), else :func:`nearest_lists`
    (a full run, or one that deleted rows: a list that lost a row takes its next best),
    searched in ``parts`` through ``mapper``. :func:`neighbour_listed` takes and gives them as
    arrays."""
    return as_lists(neighbour_listed(vectors, new_rows, None if old is None else as_listed(old),
                                     k=k, threshold=threshold, parts=parts, mapper=mapper))


def neighbour_listed(vectors: np.ndarray, new_rows: Sequence[int], old: Listed | None, *, k: int,
                     threshold: float, parts: int = 1, mapper: Mapper = map) -> Listed:
    """:func:`neighbour_lists` as :class:`Listed` arrays."""
    if old is None or len(set(new_rows)) * len(vectors) > EXACT_BUDGET:
        return nearest_listed(vectors, k=k, threshold=threshold, parts=parts, mapper=mapper)
    return update_listed(vectors, new_rows, old, k=k, threshold=threshold)


def update_lists(vectors: np.ndarray, new_rows: Sequence[int], old: Lists, *, k: int,
                 threshold: float) -> Lists:
    """:func:`nearest_lists` after ``new_rows`` were added to the rows ``old`` was found over.

    Each new row is compared with every row, exactly (blocks of at most
    :data:`EXACT_BLOCK` dot products): its own ``k`` best, and every old row it enters the
    ``k`` best of, whose list then drops its last. Pairs between old rows are taken from
    ``old`` (with their cosines), so the work is O(new rows * n); pairs of ``old`` with a
    row given as new are searched again (an old row whose vector did not change re-enters the
    same lists). While ``old`` came from
    an exhaustive search (n <= ``CELL * PROBE``) the result is :func:`nearest_lists` of
    every row, up to float32 rounding at a list's ``k``-th place; past that, the old lists
    are the index's and the updates exact. :func:`update_listed` takes and gives them as
    arrays.

    >>> v = np.array([[1, 0], [0.96, 0.28], [0, 1], [0.6, 0.8]], dtype=np.float32)
    >>> update_lists(v, [3], nearest_lists(v[:3], k=1, threshold=0.5), k=1,
    ...              threshold=0.5) == nearest_lists(v, k=1, threshold=0.5)
    True
    """
    return as_lists(update_listed(vectors, new_rows, as_listed(old), k=k, threshold=threshold))


def update_listed(vectors: np.ndarray, new_rows: Sequence[int], old: Listed, *, k: int,
                  threshold: float) -> Listed:
    """:func:`update_lists` as :class:`Listed` arrays: every list is its entries (the old
    lists' entries between old rows, each new row's ``k`` best, the new rows entering old
    rows' lists) ranked by cosine, ties by row, and cut at ``k``."""
    n = len(vectors)
    new = np.unique(np.asarray(list(new_rows), dtype=np.int64))
    if not len(new):
        return old  # nothing added: every list stays
    fresh = np.zeros(n, dtype=bool)
    fresh[new] = True
    # Each entry: (owner, other, cosine), the owner listing the other.
    keep = ~(fresh[old.lo] | fresh[old.hi])  # searched again (an old row given as new re-enters as one)
    lo, hi, cos = old.lo[keep], old.hi[keep], old.cos[keep]
    by_lo, by_hi = old.by_lo[keep], old.by_hi[keep]
    owners, others, cosines = [lo[by_lo], hi[by_hi]], [hi[by_lo], lo[by_hi]], [cos[by_lo], cos[by_hi]]
    if n >= 2 and k >= 1:
        mat = np.ascontiguousarray(vectors, dtype=np.float32)
        step = max(1, EXACT_BLOCK // n)
        for start in range(0, len(new), step):
            q = new[start:start + step]
            sims = mat[q] @ mat.T
            sims[np.arange(len(q)), q] = -np.inf  # not itself
            rr, cc = np.nonzero(sims >= threshold - 1e-4)
            qq, cc, found = _confirm(vectors, q[rr], cc, n, threshold)  # all, best first
            own = np.arange(len(qq)) - np.searchsorted(qq, qq, side="left") < k  # a new row's k best
            into = ~fresh[cc]  # an old row it may enter the list of
            owners += [qq[own], cc[into]]
            others += [cc[own], qq[into]]
            cosines += [found[own], found[into]]
    owner, other, sims_ = (np.concatenate(parts) for parts in (owners, others, cosines))
    order = np.lexsort((other, -sims_, owner))  # by owner, most similar first, ties by row
    owner, other, sims_ = owner[order], other[order], sims_[order]
    take = np.arange(len(owner)) - np.searchsorted(owner, owner, side="left") < k
    return _listed(owner[take], other[take], sims_[take])
