"""Scale (issue #19): bounded nearest-neighbour candidates and the streamed ``analysis.json``.

No models: vectors are drawn around made-up cluster directions; the store is filled with the
synthetic documents of ``test_corpus_incremental``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from narratrace.analysis import build_analysis, stream_analysis, write_analysis
from narratrace.claims import claim_neighbours
from narratrace.reuse import nearest_pairs, story_candidates
from narratrace.reuse import neighbour_lists
from narratrace.reuse import _ann
from narratrace.reuse._ann import CELL, EXACT_BUDGET, PROBE, nearest_lists, update_lists
from narratrace.run.corpus import run_corpus_stages
from scale_corpus import pair_formula
from test_corpus_incremental import _doc_records, _store


def _clustered(n: int, clusters: int, dim: int = 48, noise: float = 0.6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    x = centres[rng.integers(0, clusters, size=n)] + noise * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _brute(vectors: np.ndarray, k: int, threshold: float) -> set[tuple[int, int]]:
    """Every row's top-k other rows at or above the threshold (ties by index), pairs once."""
    sims = vectors.astype(np.float64) @ vectors.astype(np.float64).T
    out = set()
    for r in range(len(vectors)):
        order = sorted((c for c in range(len(vectors)) if c != r and sims[r, c] >= threshold),
                       key=lambda c: (-sims[r, c], c))
        out.update((min(r, c), max(r, c)) for c in order[:k])
    return out


@pytest.mark.parametrize("k, threshold", [(3, 0.5), (10, 0.3), (1, 0.9)])
def test_exhaustive_index_is_the_brute_force_top_k(k, threshold):
    vectors = _clustered(300, 6)
    got = nearest_pairs(vectors, k=k, threshold=threshold)
    want = _brute(vectors, k, threshold)
    assert want, "the fixture must have pairs"
    assert {(i, j) for i, j, _ in got} == want
    assert all(i < j and cos >= threshold for i, j, cos in got)
    assert got == sorted(got)


@pytest.mark.parametrize("n, rows, block", [(300, 7, 5), (300, 64, 1), (CELL * PROBE + 700, 100, 37)])
def test_the_search_in_small_blocks_finds_the_same_pairs_and_cosines(monkeypatch, n, rows, block):
    """The search compares blocks of BLOCK queries with ROWS rows of a cell and keeps each
    query's running k best: the pairs and their cosines do not depend on the block sizes, in
    the exhaustive search (one cell) and over many cells."""
    vectors = _clustered(n, 12, dim=24, noise=0.5, seed=5)
    want = nearest_pairs(vectors, k=6, threshold=0.5)
    lists = nearest_lists(vectors, k=6, threshold=0.5)
    monkeypatch.setattr(_ann, "ROWS", rows)
    monkeypatch.setattr(_ann, "BLOCK", block)
    assert len(want) > 100
    assert nearest_pairs(vectors, k=6, threshold=0.5) == want
    assert nearest_lists(vectors, k=6, threshold=0.5) == lists


def test_near_ties_at_the_kth_place_are_ranked_in_float64(monkeypatch):
    """Rows whose float32 cosines with a query tie at its k-th place are ranked by their
    float64 cosines (then by index), whichever row block each falls in."""
    rng = np.random.default_rng(6)
    query = rng.normal(size=16)
    query /= np.linalg.norm(query)
    other = rng.normal(size=16)
    other -= (other @ query) * query
    other /= np.linalg.norm(other)
    # 40 rows at nearly the same angle (cosines within ~1e-7 of each other), shuffled
    angles = 0.8 + 1e-7 * rng.permutation(40)
    rows = np.cos(angles)[:, None] * query + np.sin(angles)[:, None] * other
    vectors = np.vstack([query, rows]).astype(np.float32)
    exact = vectors.astype(np.float64) @ vectors[0].astype(np.float64)
    want = sorted(range(1, 41), key=lambda c: (-exact[c], c))[:5]
    for size in (2048, 3):
        monkeypatch.setattr(_ann, "ROWS", size)
        got = [j for i, j, _ in nearest_pairs(vectors, [0], k=5, threshold=0.5)]
        assert sorted(got) == sorted(want)


def test_no_pair_below_the_threshold_and_nothing_for_isolated_rows():
    vectors = np.eye(5, dtype=np.float32)  # orthogonal: no pair reaches any positive threshold
    assert nearest_pairs(vectors, k=4, threshold=0.1) == []
    assert nearest_pairs(vectors[:1], k=4, threshold=0.1) == []
    assert nearest_pairs(vectors, [], k=4, threshold=0.1) == []


def test_each_query_keeps_at_most_k_neighbours_of_its_own():
    """A hub: 60 near-identical vectors. Queried from one row, it keeps k pairs, not 59."""
    rng = np.random.default_rng(1)
    base = rng.normal(size=32)
    vectors = np.stack([base + 0.05 * rng.normal(size=32) for _ in range(60)])
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    assert len(story_candidates(vectors, [7], threshold=0.5, k=5)) == 5
    assert len(claim_neighbours(vectors, [7], threshold=0.5, k=5)) == 5
    everything = story_candidates(vectors, threshold=0.5, k=5)
    assert 5 * 60 / 2 <= len(everything) <= 5 * 60  # bounded by k per row, not 60 * 59 / 2


def test_the_index_over_many_cells_finds_most_of_the_exact_neighbours():
    """Beyond CELL * PROBE rows only PROBE cells are searched: recall stays high on clustered
    data (the bench measures it on real-shaped corpora)."""
    n = CELL * PROBE * 2 + 100
    vectors = _clustered(n, 40, dim=32, noise=0.5, seed=2)
    rows = list(range(0, n, 37))
    got = {(i, j) for i, j, _ in nearest_pairs(vectors, rows, k=5, threshold=0.6)}
    exact = {(i, j) for i, j, _ in nearest_pairs(vectors, rows, k=5, threshold=0.6, cell=n)}
    assert len(exact) > 300
    assert len(got & exact) / len(exact) >= 0.95


def test_the_index_does_not_depend_on_the_order_of_the_rows():
    """The cells are fitted on the vectors' content: the same corpus in another order gives
    the same pairs (what lets a grown store equal a fresh one)."""
    n = CELL * PROBE + 500
    vectors = _clustered(n, 30, dim=24, noise=0.5, seed=3)
    perm = np.random.default_rng(4).permutation(n)
    got = {(i, j) for i, j, _ in nearest_pairs(vectors, k=4, threshold=0.7)}
    shuffled = {tuple(sorted((int(perm[i]), int(perm[j]))))
                for i, j, _ in nearest_pairs(vectors[perm], k=4, threshold=0.7)}
    assert got and got == shuffled


def _split_lists(vectors: np.ndarray, new: np.ndarray, k: int, threshold: float):
    """The lists of the rows not in ``new``, found over those rows alone, in full-row indices."""
    old_rows = np.setdiff1d(np.arange(len(vectors)), new)
    sub = nearest_lists(vectors[old_rows], k=k, threshold=threshold)
    return {(int(old_rows[i]), int(old_rows[j])): v for (i, j), v in sub.items()}


@pytest.mark.parametrize("k, threshold, added", [(3, 0.5, 40), (8, 0.3, 1), (2, 0.6, 150)])
def test_updated_lists_are_a_full_search_of_the_grown_rows(k, threshold, added):
    """Issue #19: adding rows updates the stored lists to exactly what a search of every row
    finds, where the k bound binds (rows with far more than k candidates) and new rows sort
    anywhere among the old."""
    vectors = _clustered(300, 5, noise=0.5, seed=5)
    new = np.sort(np.random.default_rng(6).choice(300, size=added, replace=False))
    old = _split_lists(vectors, new, k, threshold)
    want = nearest_lists(vectors, k=k, threshold=threshold)
    sims = vectors @ vectors.T
    assert ((sims >= threshold).sum(axis=1) - 1).max() > 3 * k, "the k bound must bind"
    assert old != want  # new rows displace old pairs, and add their own
    assert update_lists(vectors, new.tolist(), old, k=k, threshold=threshold) == want
    assert neighbour_lists(vectors, new.tolist(), old, k=k, threshold=threshold) == want


def test_past_the_exhaustive_size_new_rows_get_their_exact_lists_and_old_pairs_only_go():
    """Issue #19, the bound where a grown store may differ from a fresh run: past CELL * PROBE
    rows a full search uses the index, while an update gives every new row its exact k best
    and only drops old pairs (entrants push them out), never inventing one."""
    k, threshold = 4, 0.7
    vectors = _clustered(CELL * PROBE + 300, 30, dim=24, noise=0.5, seed=9)
    new = np.sort(np.random.default_rng(10).choice(len(vectors), size=60, replace=False))
    old = _split_lists(vectors, new, k, threshold)
    got = update_lists(vectors, new.tolist(), old, k=k, threshold=threshold)
    sims = vectors[new].astype(np.float64) @ vectors.astype(np.float64).T
    fresh = set(new.tolist())
    for x, row in zip(new.tolist(), sims, strict=True):
        row[x] = -np.inf
        best = sorted((c for c in np.nonzero(row >= threshold)[0].tolist()),
                      key=lambda c: (-row[c], c))[:k]
        listed = {j if i == x else i for (i, j), (_, by_i, by_j) in got.items()
                  if (i == x and by_i) or (j == x and by_j)}
        assert listed == set(best)
    assert any(len(set(p) & fresh) == 1 for p in got)
    assert all(cos >= threshold for cos, _, _ in got.values())
    counts = np.zeros(len(vectors), dtype=int)
    for (i, j), (_, by_i, by_j) in got.items():
        counts[i] += by_i
        counts[j] += by_j
    assert counts.max() == k
    assert {p for p in got if not set(p) & fresh} <= set(old)
    assert {p for p in got if not set(p) & fresh} != set(old)  # entrants pushed some out


def test_lists_say_which_side_chose_a_pair_and_pairs_match_nearest_pairs():
    vectors = _clustered(200, 4, noise=0.7, seed=7)
    lists = nearest_lists(vectors, k=4, threshold=0.4)
    pairs = nearest_pairs(vectors, k=4, threshold=0.4)
    assert [(i, j, c) for (i, j), (c, _, _) in sorted(lists.items())] == pairs
    chosen: dict[int, int] = {}
    for (i, j), (_, by_i, by_j) in lists.items():
        assert by_i or by_j
        chosen[i] = chosen.get(i, 0) + by_i
        chosen[j] = chosen.get(j, 0) + by_j
    assert max(chosen.values()) == 4  # each row lists at most k, and the bound is reached


def test_no_new_rows_keep_the_lists_and_a_large_update_searches_everything(monkeypatch):
    from narratrace.reuse import _ann

    vectors = _clustered(120, 3, seed=8)
    lists = nearest_lists(vectors, k=3, threshold=0.5)
    assert update_lists(vectors, [], lists, k=3, threshold=0.5) == lists
    # No stored lists (a run after deletions): every row is searched.
    assert neighbour_lists(vectors, [5], None, k=3, threshold=0.5) == lists
    # Stored lists are used while new rows x rows fits the budget, and ignored past it.
    assert 10 * 120 <= EXACT_BUDGET
    assert neighbour_lists(vectors, range(10), {}, k=3, threshold=0.5) != lists
    monkeypatch.setattr(_ann, "EXACT_BUDGET", 10 * 120 - 1)
    assert neighbour_lists(vectors, range(10), {}, k=3, threshold=0.5) == lists


def test_streamed_analysis_is_the_dict_written_out(tmp_path: Path):
    store = _store(tmp_path, "stream", [_doc_records(i) for i in range(8)])
    run_corpus_stages(store)
    streamed = tmp_path / "streamed.json"
    whole = tmp_path / "whole.json"
    write_analysis(store, streamed)
    write_analysis(build_analysis(store), whole)

    def stamp(text: str) -> str:
        return re.sub(r'"generated_at": "[^"]+"', "", text)

    assert stamp(streamed.read_text("utf-8")) == stamp(whole.read_text("utf-8"))
    parsed = json.loads(streamed.read_text("utf-8"))
    assert len(parsed["documents"]) == 8 and parsed["reuse"] and parsed["claim_families"]
    assert not (tmp_path / "streamed.json.tmp").exists()


def test_streamed_analysis_of_an_empty_store(tmp_path: Path):
    store = _store(tmp_path, "empty", [])
    text = "".join(stream_analysis(store))
    parsed = json.loads(text)
    assert parsed["documents"] == [] and parsed["errors"] == []
    assert re.sub(r'"generated_at": "[^"]+"', "", text) == re.sub(
        r'"generated_at": "[^"]+"', "", json.dumps(build_analysis(store), ensure_ascii=False, indent=1))


@pytest.mark.parametrize("n, parts", [(300, 3), (CELL * PROBE + 700, 4)])
def test_lists_searched_in_parts_are_the_lists_of_one_search(n, parts):
    """Issue #19 item 4: the query rows split into parts (each part one task on a cluster),
    searched apart and merged, give the lists of one search, past the exhaustive size too
    (where every part fits the same cells)."""
    vectors = _clustered(n, 30, dim=24, noise=0.5, seed=7)
    calls: list[int] = []

    def mapper(fn, runs):
        calls.append(len(runs))
        return [fn(rows) for rows in reversed(runs)][::-1]  # any order of work, results in order

    want = nearest_lists(vectors, k=4, threshold=0.6)
    assert len(want) > n  # most rows list some
    assert nearest_lists(vectors, k=4, threshold=0.6, parts=parts, mapper=mapper) == want
    assert neighbour_lists(vectors, [], None, k=4, threshold=0.6, parts=parts, mapper=mapper) == want
    assert calls == [parts, parts]


def test_story_scores_from_per_document_parts_are_thepair_formula():
    """Issue #19: the corpus run sums each document's name weights and normalises its dates
    once, not once per candidate pair; every score is the same float as the pair formula's."""
    from narratrace.reuse import _combined, _weight
    from narratrace.reuse._story import normalised, overlap_of

    rng = np.random.default_rng(7)
    vocab = [f"name{k}" for k in range(40)]
    days = ["2025-03-01", "2025-03-02", " 2025-03-02", "03-04", "", "2025-03"]
    idf = {n: float(rng.uniform(0.1, 6.0)) for n in vocab[:35]}  # some names without an IDF
    docs = [({str(n) for n in rng.choice(vocab, size=rng.integers(0, 8), replace=False)},
             {str(d) for d in rng.choice(days, size=rng.integers(0, 4), replace=False)})
            for _ in range(60)]
    weight = [_weight(names, idf) for names, _ in docs]
    day_sets = [normalised(dates) for _, dates in docs]
    compared = 0
    for a in range(len(docs)):
        for b in range(a + 1, len(docs)):
            emb = float(rng.uniform(0, 1))
            want = pair_formula(emb, docs[a][0], docs[b][0], docs[a][1], docs[b][1], idf)
            got = _combined(emb, docs[a][0] & docs[b][0], weight[a], weight[b],
                            overlap_of(day_sets[a], day_sets[b]), idf)
            assert got == want, (a, b)
            compared += bool(docs[a][0] & docs[b][0])
    assert compared > 100  # the name term was exercised


def test_outlet_names_looked_up_by_first_word_are_every_run_of_words():
    """Issue #19: the event merge looks outlet names up only where a run of words starts with
    an outlet's first word; it finds the names a look-up of every run of up to eight words
    finds."""
    from narratrace.claims.text import norm_name
    from narratrace.events import _MAX_OUTLET_WORDS, _Cand, _add_outlet_names, _outlet_index

    outlets = ["Bay Observer", "Bay", "Portvale Courier", "The Lindholm Daily Evening Post",
               "Kestrel", "Kestrel Kestrel", "A B C D E F G H I J"]  # the last: too long to find
    keys = {norm_name(o) for o in outlets} - {""}
    words = ["bay", "observer", "said", "portvale", "courier", "lindholm", "daily", "evening",
             "post", "kestrel", "on", "monday", "the", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    rng = np.random.default_rng(3)
    found_any = 0
    for _ in range(400):
        sentence = " ".join(rng.choice(words, size=rng.integers(1, 25)))
        naive = []
        runs = norm_name(sentence).split()
        for i in range(len(runs)):
            for j in range(i + 1, min(i + _MAX_OUTLET_WORDS, len(runs)) + 1):
                if (run := " ".join(runs[i:j])) in keys:
                    naive.append(run)
        cand = _Cand("d", 0, len(sentence), sentence, "other", None, None, None)
        _add_outlet_names(cand, {}, _outlet_index(keys))
        assert cand.names == set(naive), sentence
        found_any += len(cand.names) > 1
    assert found_any > 20


def test_copy_candidates_of_new_rows_and_the_older_pairs_are_the_full_search():
    """An incremental run looks up only its new documents' signatures and keeps the older
    candidates: with no bucket past its cap, the union is the full search's candidates."""
    from narratrace.reuse import copy_candidates

    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 60, size=(400, 64), dtype=np.uint32)  # small values: slots collide
    for k in range(0, 399, 9):  # near-copies: most slots of the row before
        sigs[k + 1] = np.where(rng.random(64) < 0.7, sigs[k], sigs[k + 1])
    words = np.where(np.arange(400) % 3 == 0, 120, 600)  # a third short texts
    full = {tuple(p) for p in copy_candidates(sigs, words).tolist()}
    new = np.arange(400)[rng.random(400) < 0.1]
    fresh = set(new.tolist())
    got = {tuple(p) for p in copy_candidates(sigs, words, rows=new).tolist()}
    assert got and all(set(p) & fresh for p in got)
    older = {p for p in full if not set(p) & fresh}
    assert older and got | older == full


@pytest.mark.parametrize("rows", [None, [3, 50, 51, 200]])
def test_one_slot_pairs_dropped_as_found_are_the_pairs_filtered_after(rows):
    """Issue #19: the single-slot lookups of short texts drop the pairs not worth a check
    block by block as they are found (on a corpus of short texts, all of them together were
    the corpus run's peak): the copy candidates are those of filtering every pair after."""
    from narratrace.reuse import MIN_CONTAINMENT_ESTIMATE, SHINGLE, SHORT_TEXT, copy_candidates, signature
    from narratrace.reuse._minhash import slot_pairs
    from narratrace.types import Document

    rng = np.random.default_rng(12)
    # texts made of a few shared phrases: many pairs agree on a slot or two, few hold much of
    # one another
    phrases = [" ".join(f"p{k}w{j}" for j in range(8)) for k in range(400)]
    texts = [" ".join(rng.choice(phrases, size=int(rng.integers(3, 32))).tolist()) for _ in range(240)]
    texts += [t[: len(t) // 2] for t in texts[:40]]  # short copies of some
    sigs = np.stack([signature(Document(id=str(k), path=str(k), text=t, source_text=t))
                     for k, t in enumerate(texts)])
    words = np.array([len(t.split()) for t in texts])
    short = words <= SHORT_TEXT
    looked = np.flatnonzero(short) if rows is None else np.asarray(rows)
    every = slot_pairs(sigs, looked)
    agree = (sigs[every[:, 0]] == sigs[every[:, 1]]).mean(axis=1)
    size = np.maximum(words - (SHINGLE - 1), 1.0)
    na, nb = size[every[:, 0]], size[every[:, 1]]
    worth = ((short[every[:, 0]] | short[every[:, 1]])
             & (agree * (na + nb) / ((1 + agree) * np.minimum(na, nb)) >= MIN_CONTAINMENT_ESTIMATE)
             & (agree * sigs.shape[1] >= 2))
    bands = copy_candidates(sigs, rows=None if rows is None else np.asarray(rows))
    want = {tuple(p) for p in bands.tolist()} | {tuple(p) for p in every[worth].tolist()}
    got = copy_candidates(sigs, words, rows=None if rows is None else np.asarray(rows))
    assert len(every) > 5 * worth.sum() > 0  # most one-slot pairs are dropped
    assert {tuple(p) for p in got.tolist()} == want
    assert np.array_equal(got, np.array(sorted(want), dtype=np.intp).reshape(-1, 2))
    assert slot_pairs(sigs, looked, keep=lambda pairs: np.zeros(len(pairs), dtype=bool)).shape == (0, 2)
