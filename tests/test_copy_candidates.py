"""Copy candidates listed a block of documents at a time (issues #16 and #18): the pairs are
those of listing every band and slot collision of the corpus at once, and what is held while
they are listed is a block's, not the corpus's.

No texts: signatures are drawn from few values, so that most pairs of documents share a band
or a slot (what a templated corpus does), and near-copies take most slots of another row.
"""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.reuse import (MIN_CONTAINMENT_ESTIMATE, MIN_ESTIMATE, SHINGLE, SHORT_TEXT,
                              copy_candidate_blocks, copy_candidates)
from narratrace.reuse._minhash import EMPTY, candidate_pairs, paired_band_keys, slot_pairs
from _tracing import traced_peak


def _signatures(n: int, perm: int, values: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, values, size=(n, perm), dtype=np.uint32)
    for k in range(0, n - 1, 7):  # near-copies: most slots of the row before
        sigs[k + 1] = np.where(rng.random(perm) < 0.7, sigs[k], sigs[k + 1])
    sigs[n // 2] = EMPTY  # an empty text's signature
    words = rng.choice([30, 120, SHORT_TEXT, SHORT_TEXT + 1, 600], size=n)
    return sigs, words


def _every_pair_at_once(sigs: np.ndarray, words: np.ndarray | None, rows: np.ndarray | None) -> np.ndarray:
    """The candidates as the band and slot collisions of the whole corpus, listed together,
    then filtered (the search as it was before it streamed)."""
    n = len(sigs)
    mine = np.zeros(n, dtype=bool)
    if rows is not None:
        mine[rows] = True
    pairs = candidate_pairs(paired_band_keys(sigs))
    if rows is not None:
        pairs = pairs[mine[pairs[:, 0]] | mine[pairs[:, 1]]]
    pairs = pairs[(sigs[pairs[:, 0]] == sigs[pairs[:, 1]]).mean(axis=1) >= MIN_ESTIMATE]
    codes = set((pairs[:, 0] * n + pairs[:, 1]).tolist())
    if words is not None:
        short = words <= SHORT_TEXT
        extra = slot_pairs(sigs, np.flatnonzero(short if rows is None else mine))
        agree = (sigs[extra[:, 0]] == sigs[extra[:, 1]]).mean(axis=1)
        size = np.maximum(words - (SHINGLE - 1), 1.0)
        na, nb = size[extra[:, 0]], size[extra[:, 1]]
        worth = ((short[extra[:, 0]] | short[extra[:, 1]])
                 & (agree * (na + nb) / ((1 + agree) * np.minimum(na, nb)) >= MIN_CONTAINMENT_ESTIMATE)
                 & (agree * sigs.shape[1] >= 2))
        codes |= set((extra[worth, 0] * n + extra[worth, 1]).tolist())
    ordered = np.array(sorted(codes), dtype=np.int64)
    return np.stack([ordered // n, ordered % n], axis=1).astype(np.intp)


@pytest.mark.parametrize("budget", [1, 500, 1 << 19])
@pytest.mark.parametrize("with_words", [False, True])
@pytest.mark.parametrize("rows", [None, [0, 3, 50, 51, 199, 300]])
def test_blocks_hold_the_pairs_of_the_whole_search(budget, with_words, rows):
    sigs, words = _signatures(320, 32, 12, seed=budget + 7 * with_words)
    words = words if with_words else None
    rows = None if rows is None else np.asarray(rows)
    want = _every_pair_at_once(sigs, words, rows)
    blocks = list(copy_candidate_blocks(sigs, words, rows=rows, budget=budget))
    got = np.concatenate(blocks) if blocks else np.zeros((0, 2), dtype=np.intp)
    assert len(want) > 100
    assert np.array_equal(got, want) and got.dtype == want.dtype
    assert np.array_equal(copy_candidates(sigs, words, rows=rows), want)
    if budget == 1:
        assert len(blocks) > 50  # each document's pairs on their own
        firsts = [set(block[:, 0].tolist()) for block in blocks]
        assert all(max(a) < min(b) for a, b in zip(firsts, firsts[1:]))


def test_a_bucket_past_the_cap_pairs_nothing():
    sigs, words = _signatures(1300, 16, 3, seed=5)
    sigs[:1100, :4] = 7  # the first bands and slots: one bucket of 1,100 documents
    assert np.array_equal(copy_candidates(sigs, words), _every_pair_at_once(sigs, words, None))


def test_listing_the_candidates_holds_a_block_not_the_corpus():
    """Issue #18: on 4,000 templated weather reports nearly every two are candidates, and their
    pairs, listed for every band and slot they share before they were made unique, raised the
    reuse step's peak by 518 MiB. Listed and dropped a block at a time, the traced peak is a
    small part of what the candidates alone take as one array."""
    sigs, words = _signatures(2500, 16, 4, seed=1)
    count = [0]

    def drain() -> None:
        for block in copy_candidate_blocks(sigs, words, budget=1 << 16):
            count[0] += len(block)

    peak = traced_peak(drain)
    assert count[0] > 1_500_000
    assert peak < count[0] * 16 / 4  # under a quarter of the candidates as one int64 array
