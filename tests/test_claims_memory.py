"""Issue #16 and #19: the claim-families step at scale holds one float32 matrix of the claim
vectors, not per-claim arrays and float64 copies, and groups the claims exactly as before.

The families of two generated corpora are pinned (a digest of every family and of every
claim's family): a change to how the vectors are held that moved one claim, one family id,
label or denial link fails here. A change to the grouping rules moves them on purpose: the
pins are then made again (last: two texts that tell no one story join on names and action only
with one speaker or two rare words; two different amounts never join).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import tracemalloc

import numpy as np
import pytest

from narratrace.claims import claim_matrix, group_claims
from narratrace.claims._denials import Float64Rows, denied_propositions
from narratrace.claims.lexicon import CLAUSE_KEY
from narratrace.claims.stage import _claim_vectors
from narratrace.records import b64
from narratrace.registry import CORPUS_STAGES
from narratrace.run.corpus import run_corpus_stages
from narratrace.types import Claim, ReuseFeatures
from test_corpus_incremental import _doc_records, _store

DIM = 384


def _families_digest(tmp_path, n: int, topics: bool) -> str:
    """A digest of what the claim-families stage gives on ``n`` generated documents: every
    family (id, label, members, documents, first seen, what it contradicts) and each claim's
    family and canonical speaker."""
    got: dict[str, object] = {}

    def kept(stage):
        def fn(ctx):
            out = stage.fn(ctx)
            if stage.name == "claim_families":
                got["families"] = [dataclasses.asdict(f) for f in out["families"]]
                got["claims"] = [(c.id, c.family, c.attributed_to) for c in out["grouped_claims"]]
            return out
        return dataclasses.replace(stage, fn=fn)

    names = [s.name for s in CORPUS_STAGES]
    stages = [kept(s) for s in CORPUS_STAGES[:names.index("claim_families") + 1]]
    store = _store(tmp_path, f"pinned{n}{topics}", [_doc_records(i, topics=topics) for i in range(n)])
    run_corpus_stages(store, stages=stages)
    store.close()
    assert len(got["families"]) > 1 and any(f["contradicts"] for f in got["families"])  # type: ignore[union-attr]
    return hashlib.blake2b(repr(got).encode("utf-8"), digest_size=12).hexdigest()


@pytest.mark.parametrize(("topics", "digest"), [
    (False, "61330df9e701df9fc2758a59"),  # two large families, every neighbour list full
    (True, "bab99dac99fc7e91045de014"),  # thirty small families, eight answered by a denial
])
def test_claim_families_are_the_ones_pinned(tmp_path, topics, digest):
    assert _families_digest(tmp_path, 60, topics) == digest


def _vectors(n: int, seed: int = 7) -> np.ndarray:
    """``n`` unit vectors in groups of three near-paraphrases."""
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    for k in range(0, n - 2, 3):
        vecs[k + 1] = vecs[k] + 0.1 * vecs[k + 1]
        vecs[k + 2] = vecs[k] + 0.1 * vecs[k + 2]
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs


def _claims(n: int) -> list[Claim]:
    """Claims in threes by document, every ninth a denial (its speaker's negation)."""
    return [Claim(id=f"c{k:05d}", doc=f"d{k // 3:04d}", start=0, end=40, attributed_to="Ana Vole",
                  text=f"no rifles were ever sent to Port {k // 3}" if k % 9 == 8
                  else f"Ana Vole said rifles were sent to Port {k // 3}.") for k in range(n)]


def test_grouping_holds_one_float32_copy_of_the_claim_vectors():
    """The grouping's working memory beside the claim vectors it is given: their stacked
    matrix once, with float64 rows made as they are read (a float64 copy of the matrix and
    one float64 array per denied clause took 4.2 times the matrix here)."""
    n = 6_000
    vecs = _vectors(n)
    claims = _claims(n)
    embeddings = {c.id: vecs[k] for k, c in enumerate(claims)}  # views: nothing copied
    embeddings.update({c.id + CLAUSE_KEY: vecs[k] for k, c in enumerate(claims) if k % 9 == 8})
    neighbours = {(claims[i].id, claims[j].id): float(vecs[i] @ vecs[j])
                  for k in range(0, n - 2, 3) for i, j in ((k, k + 1), (k + 1, k + 2))}
    gc.collect()
    tracemalloc.start()
    try:
        _, families = group_claims(claims, documents={}, embeddings=embeddings, neighbours=neighbours)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(families) < n  # the near-paraphrases joined
    assert peak < 3 * vecs.nbytes


def test_stored_vectors_are_read_into_the_matrix_the_grouping_stacked():
    """The stage's one matrix (rows in the order asked for) is, bit for bit, what stacking
    the stored vectors claim by claim gives; float64 rows and denied clauses read from it
    are those of a float64 copy."""
    vecs = _vectors(40) * 3  # stored vectors need not be unit length
    claims = _claims(40)
    features = [ReuseFeatures(doc=doc, signature="", claim_vectors={
        **{c.id: b64(vecs[k]) for k, c in enumerate(claims) if c.doc == doc},
        **{c.id + CLAUSE_KEY: b64(vecs[k][::-1].copy()) for k, c in enumerate(claims)
           if c.doc == doc and k % 9 == 8}}) for doc in dict.fromkeys(c.doc for c in claims)]
    order = sorted(range(len(claims)), key=lambda k: claims[k].text)
    matrix, others = _claim_vectors(features, claims, order)
    stacked = {c.id: vecs[k] for k, c in enumerate(claims)}
    assert np.array_equal(matrix, claim_matrix([claims[k] for k in order], stacked))
    assert set(others) == {c.id + CLAUSE_KEY for k, c in enumerate(claims) if k % 9 == 8}
    exact = matrix.astype(np.float64)
    rows = Float64Rows(matrix)
    assert np.array_equal(rows[[3, 1, 7]], exact[[3, 1, 7]]) and np.array_equal(rows[5], exact[5])
    assert np.array_equal(rows[[3, 1]] @ rows[7], exact[[3, 1]] @ exact[7])
    denied = denied_propositions(claims, others)
    assert sorted(denied) == [k for k in range(len(claims)) if k % 9 == 8]
    for k in denied:
        v = np.asarray(others[claims[k].id + CLAUSE_KEY], dtype=np.float64)
        assert np.array_equal(denied[k], v / max(float(np.linalg.norm(v)), 1e-12))
