"""Memory of the per-document phase (issue #7 item 5): the repeated-line counts of a corpus
(:class:`LineCounts`) and the ids and paths ``analyze`` remembers between its two passes are
held compactly, and give exactly what the plain ``Counter`` / ``dict`` versions gave."""

from __future__ import annotations

import json
import math
import random
import tracemalloc
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narratrace.clean import LineCounts, boilerplate_lines, line_signatures
from narratrace.clean._signature import _CONTEXT, MIN_SHARE
from narratrace.records import hash64 as _hash64
from narratrace.run.plan import InputIndex as _Inputs
from narratrace.run.plan import KeySet as _KeySet
from narratrace.types import RawDocument
from _tracing import traced_peak

# --------------------------------------------------------------------------- generated corpora


def _corpus(n: int, seed: int) -> list[set[str]]:
    """Signature sets of ``n`` documents, with keys whose document counts sit on both sides
    of the boilerplate threshold and keys that fade out and come back (the case where
    LineCounts drops a string and must get it back)."""
    rng = random.Random(seed)
    need = max(3, math.ceil(MIN_SHARE * n))
    docs: list[set[str]] = [{f"noise {seed} {i} {j}" for j in range(rng.randint(0, 12))}
                            for i in range(n)]
    for i, doc in enumerate(docs):
        doc.add("home")  # in every document
        if i % 7 == 0:
            doc.add("sign up for our newsletter")  # ~14%: boilerplate
        if i < 0.02 * n or i >= 0.96 * n:
            doc.add("comeback")  # 2% early, dropped in the middle, 4% late: 6% in all
        if i < 0.04 * n:
            doc.add("faded")  # 4% early, never again: not boilerplate
        if i >= n // 2 and i % 10 == 0:
            doc.add("late menu")  # 5% of all, only in the second half
        if i % 5 == 0:  # a sentence that always comes with its neighbour (syndicated story)
            doc.update({"shared sentence", f"shared sentence{_CONTEXT}beef"})
    for key, count in (("exactly at", need), ("one under", need - 1), ("one over", need + 1)):
        for i in rng.sample(range(n), count):
            docs[i].add(key)
    return docs


def _count_both(docs: list[set[str]]) -> tuple[LineCounts, Counter[str]]:
    lines, exact = LineCounts(), Counter[str]()
    for doc in docs:
        lines.add(doc)
        exact.update(doc)
    return lines, exact


@pytest.fixture
def small_merges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Merge every few signatures, so that a test corpus goes through hundreds of merges
    (dropping and re-acquiring strings) as a 100k-document one does."""
    monkeypatch.setattr(LineCounts, "_MERGE_EVERY", 97)


@pytest.mark.parametrize(("n", "seed"), [(10, 0), (59, 1), (61, 2), (500, 3), (2000, 4), (4001, 5)])
def test_line_counts_equal_the_exact_counter(small_merges: None, n: int, seed: int) -> None:
    docs = _corpus(n, seed)
    lines, exact = _count_both(docs)
    need = max(3, math.ceil(MIN_SHARE * n))
    assert lines.n_docs == n and len(lines) == len(exact)
    assert lines.at_least(need) == {k: c for k, c in exact.items() if c >= need}
    assert boilerplate_lines(lines, n) == boilerplate_lines(exact, n)
    bp = boilerplate_lines(lines, n)
    if n < 500:  # too few documents for the shares below to mean anything
        return
    assert {"home", "sign up for our newsletter", "comeback", "late menu", "exactly at",
            "one over"} <= bp
    # negative cases: under the threshold, or a sentence shared together with its neighbour
    assert not {"faded", "one under", "shared sentence"} & bp
    assert all(lines[k] == c for k, c in exact.items() if not k.startswith("noise"))
    assert lines["never seen"] == 0


@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_merged_worker_counts_equal_one_count(small_merges: None, parts: int) -> None:
    docs = _corpus(3000, 11)
    random.Random(3).shuffle(docs)
    whole, exact = _count_both(docs)
    merged = LineCounts()
    for p in range(parts):
        share = LineCounts()
        for doc in docs[p::parts]:
            share.add(doc)
        merged.update(share)
    need = math.ceil(MIN_SHARE * 3000)
    assert merged.n_docs == 3000 and len(merged) == len(exact)
    assert merged.at_least(need) == whole.at_least(need) == {k: c for k, c in exact.items() if c >= need}
    assert boilerplate_lines(merged, 3000) == boilerplate_lines(exact, 3000)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.sampled_from("abcdefgh")), max_size=120), st.integers(1, 4))
def test_line_counts_match_counter_on_any_corpus(docs: list[set[str]], min_docs: int) -> None:
    lines, exact = _count_both(docs)
    assert boilerplate_lines(lines, len(docs), min_docs=min_docs) == \
        boilerplate_lines(exact, len(docs), min_docs=min_docs)
    assert all(lines[k] == c for k, c in exact.items())


def test_line_counts_of_raw_documents_match() -> None:
    def word(i: int) -> str:  # digits are folded to 0 in line keys: spell the number
        return "".join("abcdefghij"[int(d)] for d in str(i))

    pages = [RawDocument(str(i), f"p{i}", f"Menu\nStory {word(i)} is told here in full, "
                         f"with a line of its own.\nContact us ({i % 3})\n", "text", "utf-8")
             for i in range(40)]
    lines, exact = LineCounts(), Counter[str]()
    for page in pages:
        lines.add(line_signatures(page))
        exact.update(line_signatures(page))
    assert boilerplate_lines(lines, 40) == boilerplate_lines(exact, 40) == {"menu", "contact us 0"}


def test_too_low_a_threshold_is_refused() -> None:
    lines = LineCounts()
    for i in range(400):
        lines.add({"home", f"unique {i}"})
    with pytest.raises(ValueError, match="below that"):
        lines.at_least(2)  # the strings of lines in 2 of 400 documents were not kept
    with pytest.raises(ValueError, match="below that"):
        boilerplate_lines(lines, 100)  # fewer documents than were counted
    assert boilerplate_lines(lines, 400) == {"home"}


def test_issue_7_kept_strings_do_not_grow_with_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (issue #7 item 5): a Counter of every line of 100k documents was the peak of
    the per-document phase (348 -> 664 MiB from 1k to 100k). Unique lines cost their hash and
    count only; the strings kept are bounded by 1 / MIN_SHARE x the lines per document."""
    monkeypatch.setattr(LineCounts, "_MERGE_EVERY", 1024)  # a small buffer: measure the arrays
    kept, peaks = {}, {}
    for n in (2_000, 20_000):
        lines = LineCounts()
        tracemalloc.start()
        for i in range(n):
            lines.add({f"a unique line {i} {j}" for j in range(8)} | {"home"})
        len(lines)  # merge what is pending
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        kept[n], peaks[n] = len(lines._keys), peak
    # 8 bytes of hash and 4 of count per line, twice while the arrays are copied on a merge
    # (a Counter of the strings took ~200)
    per_line = (peaks[20_000] - peaks[2_000]) / (8 * 18_000)
    assert per_line < 30, f"{per_line:.0f} bytes per distinct line"
    assert kept[2_000] == kept[20_000] == 1  # only "home" can still be boilerplate


# --------------------------------------------------------------------------- ids and paths


def test_key_set_membership_across_folds() -> None:
    keys = _KeySet()
    assert [keys.add(k) for k in ("a", "b", "a")] == [True, True, False]
    many = [f"id-{i}" for i in range(20_000)]  # several folds into the sorted array
    assert all(keys.add(k) for k in many)
    assert not any(keys.add(k) for k in many[::97])
    assert len(keys) == 20_002 and "id-19999" in keys and "a" in keys
    assert "id-20000" not in keys and "" not in keys
    assert len(keys.hashes()) == 20_002 and list(keys.hashes()) == sorted(keys.hashes())


@pytest.mark.parametrize("paths", [
    ["a.txt", "b.txt"],
    ["dossier/é.txt", "", "x.jsonl#3", "\udcff-surrogate.txt"],
])
def test_inputs_keep_paths_in_read_order(paths: list[str]) -> None:
    seen = _Inputs()
    assert all(seen.add(f"id{i}", p) for i, p in enumerate(paths))
    assert not seen.add("id0", "elsewhere.txt")  # a duplicate id keeps its first path
    assert len(seen) == len(paths) and [seen.path(i) for i in range(len(paths))] == paths
    assert "id1" in seen.ids and "id9" not in seen.ids
    assert len(seen.order()) == len(paths)


def test_no_inputs() -> None:
    seen = _Inputs()
    assert len(seen) == 0 and len(seen.order()) == 0 and len(_KeySet().hashes()) == 0


def test_key_set_from_hashes_in_bulk_equals_one_by_one() -> None:
    keys = [f"doc-{i}" for i in range(5000)] + ["doc-7", "doc-4999"]  # repeats allowed
    bulk = _KeySet.from_hashes([_hash64(k) for k in keys])
    single = _KeySet(keys)
    assert len(bulk) == len(single) == 5000
    assert list(bulk.hashes()) == list(single.hashes())
    assert "doc-123" in bulk and "doc-5000" not in bulk and "" not in bulk
    assert bulk.add("doc-5000") and not bulk.add("doc-5000") and "doc-5000" in bulk
    assert len(_KeySet.from_hashes(())) == 0


# --------------------------------------------------------------------------- the corpus run and its output


def _filled_store(path, n: int):
    """A store of ``n`` invented documents with a few rows of two kinds each (no stages run)."""
    from narratrace.store import open_store
    from narratrace.types import Document

    store = open_store(f"sqlite:///{path}")
    with store.transaction():
        for i in range(n):
            doc_id = f"doc{i:05d}"
            text = f"Harbour report {i}. The council of Velmora met on May {1 + i % 28}. " * 6
            store.upsert_document(Document(doc_id, f"in/{doc_id}.txt", text, text, language="en"))
            store.replace_annotations(doc_id, "dates", [
                {"doc": doc_id, "text": f"May {1 + k}", "start": k, "end": k + 5,
                 "value": f"2025-05-{1 + k:02d}"} for k in range(12)])
            store.replace_annotations(doc_id, "mentions", [
                {"doc": doc_id, "start": k, "end": k + 7, "text": "Velmora", "type": "place"}
                for k in range(8)])
    return store


def test_streamed_analysis_json_holds_a_page_not_the_store(tmp_path):
    """Issue #19 item 2 / #18: writing ``analysis.json`` from the store holds a page of rows,
    so its peak does not grow with the store, where building the whole dict first does (at
    20,000 stored documents the dict and its JSON text took 1.4 GB more than the run)."""
    from narratrace.analysis import build_analysis, write_analysis

    streamed, whole = {}, {}
    for n in (200, 600):  # 12 and 8 rows a document: several pages of each kind
        store = _filled_store(tmp_path / f"s{n}.sqlite", n)
        out = tmp_path / f"a{n}.json"
        streamed[n] = traced_peak(lambda: write_analysis(store, out))
        whole[n] = traced_peak(lambda: write_analysis(build_analysis(store), out))
        assert len(json.loads(out.read_text("utf-8"))["dates"]) == 12 * n
        store.close()
    assert whole[600] > 2 * whole[200]  # the dict grows with the store...
    assert streamed[600] < 1.25 * streamed[200] + 256 * 1024  # ...the stream does not
    assert streamed[600] < whole[600] / 4


def test_corpus_run_lets_go_of_what_no_later_stage_needs(tmp_path):
    """The corpus runner keeps a stored kind read, or a product made, only while a later
    stage requires it; the back-fill check keeps nothing."""
    import dataclasses

    from narratrace.registry import CORPUS_STAGES
    from narratrace.run.corpus import run_corpus_stages
    from test_corpus_incremental import _doc_records, _store

    store = _store(tmp_path, "release", [_doc_records(i) for i in range(12)])
    held: dict[str, tuple[set[str], set[str]]] = {}

    def watched(stage):
        def fn(ctx):
            held[stage.name] = (set(ctx._read), set(ctx.products))
            return stage.fn(ctx)
        return dataclasses.replace(stage, fn=fn)

    run = run_corpus_stages(store, stages=[watched(s) for s in CORPUS_STAGES])
    assert run.backfilled == 12  # the event sentences were back-filled, then not kept
    for k, stage in enumerate(CORPUS_STAGES):
        needed = {r for later in CORPUS_STAGES[k:] for r in later.requires}
        cached, products = held[stage.name]
        assert cached <= needed and products <= needed, stage.name
    assert held["entities"][0] == set()  # nothing read before the first stage is kept
    assert held["events"] == (set(), set())  # the last stage reads its own rows
    assert held["reuse"][1] == {"entities", "entity_spans", "entity_spans_by_doc",
                                "linked_attributions"}
