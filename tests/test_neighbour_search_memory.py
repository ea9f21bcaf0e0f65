"""The claim vectors the neighbour search reads, and the search's index, held once (issue #16):
no step copies the whole matrix, and the results are those of the whole-matrix computation."""

from __future__ import annotations

import numpy as np

from narratrace.claims._group import unit_rows
from narratrace.reuse._ann import nearest_pairs
from _tracing import traced_peak


def test_the_index_samples_rows_without_copying_the_matrix():
    """Issue #16: fitting the cells copied every row in rank order to take a sample of them (88
    MiB for the 60,000 claims of the 20,000-document scale store); the sample alone is taken."""
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(9000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    peak = traced_peak(lambda: nearest_pairs(vectors, [0, 1, 2], k=4, threshold=0.1))
    assert peak < vectors.nbytes / 2


def test_rows_are_normalised_a_block_at_a_time_to_the_same_bits():
    """Issue #16: the norms of every claim vector at once squared a copy of the whole matrix
    (88 MiB for the 60,000 claims of the 20,000-document scale store)."""
    rng = np.random.default_rng(4)
    mat = (rng.normal(size=(20_000, 384)) * rng.uniform(0.1, 5.0, size=(20_000, 1))).astype(np.float32)
    mat[7] = 0.0
    want = mat.copy()
    norms = np.linalg.norm(want, axis=1, keepdims=True)
    want /= np.where(norms == 0, 1, norms)
    peak = traced_peak(lambda: unit_rows(mat))
    assert mat.tobytes() == want.tobytes()
    assert peak < mat.nbytes / 4
