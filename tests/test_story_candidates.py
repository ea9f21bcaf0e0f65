"""Same-story candidates held as arrays (issue #19): the links, the story context and the
stored rows are those of the pair-by-pair computation, and what the search holds per
candidate pair stays small.

No models: lead vectors are drawn around made-up story directions, names and dates from
made-up pools, texts of made-up words (a few texts reprinted whole, so that some candidate
pairs are copies).
"""

from __future__ import annotations

import math
import tracemalloc
from collections import Counter

import numpy as np
import pytest

from narratrace.options import Options
from narratrace.reuse import (STORY_CANDIDATE, STORY_CONTEXT, STORY_NEIGHBOURS, signature, story_scores,
                              update_reuse)
from narratrace.reuse._ann import as_listed, as_lists, nearest_lists, update_listed, update_lists
from narratrace.reuse._candidates import StoredRows, StoryRows
from narratrace.reuse._story import doc_vector
from narratrace.types import Document
from _tracing import traced_peak
from scale_corpus import pair_formula

_WORDS = [f"w{k}" for k in range(3000)]
_NAMES = [f"Person {k}" for k in range(120)]
_DAYS = [f"2025-03-{d:02d}" for d in range(1, 29)]


def _corpus(n: int, *, dim: int = 32, seed: int = 0, noise: float = 1.5):
    """``n`` documents in stories of a few texts (one story direction, some names and days
    each), the story leads loosely grouped in topics so that many documents have more than
    ``STORY_NEIGHBOURS`` candidates; every 9th text reprints the one before."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(4, dim))
    docs, embeddings, entities, dates = [], {}, {}, {}
    story = None
    for i in range(n):
        if story is None or rng.random() < 0.3:
            story = (topics[rng.integers(4)] + 0.5 * rng.normal(size=dim),
                     set(rng.choice(_NAMES, size=3, replace=False).tolist()),
                     set(rng.choice(_DAYS, size=2, replace=False).tolist()))
        centre, names, days = story
        text = " ".join(rng.choice(_WORDS, size=80).tolist()) if i % 9 != 8 else docs[-1].text
        doc = Document(id=f"d{i:04d}", path=f"d{i}.txt", text=text, source_text=text)
        docs.append(doc)
        rows = centre + noise * rng.normal(size=(3, dim))
        embeddings[doc.id] = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
        entities[doc.id] = set(rng.choice(sorted(names), size=2, replace=False).tolist()) \
            | {str(rng.choice(_NAMES))}
        dates[doc.id] = set(rng.choice(sorted(days), size=1).tolist()) | ({" 2025-04-01"} if i % 5 == 0 else set())
    return docs, embeddings, entities, dates


def _pairwise(docs, embeddings, entities, dates, copies, options=Options()):
    """The same-story links, context and candidate rows as the pair formula gives them:
    every candidate of the story index (:func:`nearest_lists`, a dict per pair), its lead
    term, its score taken pair by pair with the corpus's name IDF; a pair that is a copy is no
    same-story link and gets no lead term."""
    ids = sorted(d.id for d in docs)
    vectors = np.stack([doc_vector(embeddings[d]) for d in ids])
    lists = nearest_lists(vectors, k=STORY_NEIGHBOURS, threshold=STORY_CANDIDATE)
    names = {d: {x.lower() for x in entities[d]} for d in ids}
    df = Counter(x for d in ids for x in names[d])
    idf = {x: math.log((len(ids) + 1) / (c + 0.5)) for x, c in df.items()}
    keys = sorted(lists)
    lead = story_scores([embeddings[d] for d in ids], np.asarray(keys))
    links, context, rows = {}, [], {}
    for (i, j), x in zip(keys, lead.tolist(), strict=True):
        a, b = ids[i], ids[j]
        cos, by_a, by_b = lists[(i, j)]
        rows[(a, b)] = {"a": a, "b": b, "cos": cos, "by_a": by_a, "by_b": by_b}
        if (a, b) in copies:
            continue
        rows[(a, b)]["lead"] = x
        score = pair_formula(x, names[a], names[b], dates[a], dates[b], idf)
        if score >= options.same_story_threshold:
            links[(a, b)] = score
        elif score >= min(options.same_story_threshold, STORY_CONTEXT):
            context.append((a, b))
    return links, tuple(context), rows


def _run(docs, embeddings, entities, dates, **kwargs):
    return update_reuse(docs, signatures={d.id: signature(d) for d in docs}, embeddings=embeddings,
                        entities=entities, dates=dates, **kwargs)


def _without_passages(rows):
    """Rows without the passages a linked pair keeps (the pair formula aligns no texts)."""
    return {key: {f: v for f, v in row.items() if f not in ("passages", "credit_a", "credit_b")}
            for key, row in rows.items()}


@pytest.mark.parametrize("n, seed", [(400, 0), (700, 1)])
def test_links_context_and_rows_are_the_pair_formulas(n, seed):
    """Issue #19: the candidates held as arrays and scored in bulk give the links, the story
    context and the stored candidate rows of the pair-by-pair computation."""
    docs, embeddings, entities, dates = _corpus(n, seed=seed)
    update = _run(docs, embeddings, entities, dates)
    copies = {(r.a, r.b) for r in update.links if r.kind in ("duplicate", "syndicated")}
    links, context, rows = _pairwise(docs, embeddings, entities, dates, copies)
    got = {(r.a, r.b): r.score for r in update.links if r.kind == "same_story"}
    assert copies and len(links) > 50 and len(context) > 50
    assert not [r for r in update.links if r.kind == "rewrite"]  # no credits, no sentences
    assert got == links
    assert update.context == context
    assert isinstance(update.stories, StoryRows)
    assert _without_passages(update.stories) == rows
    assert Counter(len(r) for r in rows.values())[5] == len(copies & set(rows))  # copies: no lead
    many = Counter(d for r in rows.values() if r["by_a"] for d in [r["a"]])
    assert max(many.values()) == STORY_NEIGHBOURS  # the k bound binds


def test_a_run_after_new_documents_keeps_the_rows_and_gives_the_full_runs_links():
    """The rows a run stores (lead terms, evidence, passages) are read back by the next run
    into the arrays: a run with new documents gives a full run's links, context and rows,
    and gives back as changed only the rows that are new or differ."""
    docs, embeddings, entities, dates = _corpus(500, seed=2)
    first = _run(docs[:450], embeddings, entities, dates)
    stored = {key: first.stories[key] for key in first.stories}
    copies = {(r.a, r.b): {"a": r.a, "b": r.b, "kind": r.kind, "score": r.score,
                           "passages": [list(p) for p in r.passages], "direction": r.direction,
                           "direction_by": r.direction_by}
              for r in first.links if r.kind in ("duplicate", "syndicated")}
    later = _run(docs, embeddings, entities, dates, new={d.id for d in docs[450:]}, stories=stored,
                 copies={**{key: None for key in first.copies}, **copies})
    full = _run(docs, embeddings, entities, dates)
    assert later.links == full.links and later.context == full.context
    merged = {**stored, **{key: later.stories[key] for key in later.stories}}
    for key in later.dropped:
        del merged[key]
    # (a pair that linked before keeps the passages it was aligned with then: a pure function
    # of the two texts, kept whether or not it links now)
    assert _without_passages(merged) == _without_passages(full.stories)
    assert 0 < len(later.stories) < len(full.stories)
    assert later.dropped and set(later.dropped) <= set(stored)


def test_rows_read_back_from_the_store_as_columns_give_what_the_rows_give():
    """Issue #19: the stored same-story rows read back as columns (the store's
    ``pair_columns``, :class:`StoredRows`: arrays, no dict per row) give the next run the
    links, context and changed rows that the rows as dicts give it; as a mapping they are the
    rows that were stored."""
    from narratrace.store import open_store

    docs, embeddings, entities, dates = _corpus(400, seed=3)
    first = _run(docs[:360], embeddings, entities, dates)
    stored = {key: first.stories[key] for key in first.stories}
    store = open_store(":memory:")
    store.put_pairs("story", ({**row, "doc_a": row["a"], "doc_b": row["b"]} for row in stored.values()))
    got = store.pair_columns("story")
    columns = StoredRows.from_columns(got.a, got.b, got.values, got.rest)
    assert dict(columns.items()) == stored and list(columns) == sorted(stored)
    assert got.rest and any(math.isnan(v) for v in columns.lead)  # evidence, copies without a lead
    new = {d.id for d in docs[360:]}
    as_dicts = _run(docs, embeddings, entities, dates, new=new, stories=stored)
    as_columns = _run(docs, embeddings, entities, dates, new=new, stories=columns)
    assert as_columns.links == as_dicts.links and as_columns.context == as_dicts.context
    assert dict(as_columns.stories.items()) == dict(as_dicts.stories.items())
    assert as_columns.dropped == as_dicts.dropped


def test_listed_arrays_are_the_lists():
    """The neighbour lists as arrays (what the story candidates are searched into) are the
    dict of lists, full and updated."""
    docs, embeddings, _, _ = _corpus(300, seed=3)
    vectors = np.stack([doc_vector(embeddings[d.id]) for d in docs])
    old = nearest_lists(vectors[:250], k=5, threshold=0.4)
    grown = update_listed(vectors, range(250, 300), as_listed(old), k=5, threshold=0.4)
    assert as_lists(grown) == update_lists(vectors, list(range(250, 300)), old, k=5, threshold=0.4) \
        == nearest_lists(vectors, k=5, threshold=0.4)
    assert np.all(np.diff(grown.lo * 300 + grown.hi) > 0)  # sorted, each pair once


def test_what_a_run_holds_grows_little_per_candidate_pair():
    """Issue #19: the memory the same-story search and scoring take per candidate pair, as
    the traced peak's growth from 1,000 to 2,000 documents (what does not grow with the
    corpus, such as the search's fixed blocks, cancels out). Rows kept as one dict per pair
    with a tuple key, and the neighbour lists as another dict, took 734 bytes a pair here;
    as arrays, with rows made as they are written, 353 (the links, their passages and the
    evidence of the pairs checked for a rewrite included)."""
    peaks, pairs = [], []
    for n in (1000, 2000):
        docs, embeddings, entities, dates = _corpus(n, seed=4)
        sigs = {d.id: signature(d) for d in docs}
        tracemalloc.start()
        try:
            update = update_reuse(docs, signatures=sigs, embeddings=embeddings, entities=entities,
                                  dates=dates)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        pairs.append(len(update.stories))
    assert pairs[1] - pairs[0] > 20_000
    assert (peaks[1] - peaks[0]) / (pairs[1] - pairs[0]) < 500


def test_lead_terms_of_a_few_pairs_hold_only_their_leads():
    """Issue #19: an incremental run computes the lead term of its new pairs only; the leads
    are padded for the documents those pairs use, not for every stored document (5,000 leads
    of 3 rows took 23 MiB for a handful of pairs), and the terms are the same."""
    rng = np.random.default_rng(5)
    leads = [rng.normal(size=(int(rng.integers(1, 4)), 384)).astype(np.float32) for _ in range(5000)]
    leads = [e / np.linalg.norm(e, axis=1, keepdims=True) for e in leads]
    few = np.array([[0, 1], [7, 4999], [7, 1], [2500, 2501]])
    assert traced_peak(lambda: story_scores(leads, few)) < 1 << 20
    every = story_scores(leads, np.concatenate([few, rng.integers(0, 5000, size=(3000, 2))]))
    assert np.array_equal(story_scores(leads, few), every[:len(few)])
    assert np.array_equal(story_scores(leads, few, floor=0.6), story_scores(leads, few[::-1], floor=0.6)[::-1])
