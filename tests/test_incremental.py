"""Incremental runs (issue #7): a second run adds only new or changed documents, and the
corpus stages then reflect the whole store, exactly as a fresh run over the same inputs."""

from __future__ import annotations

import shutil

import pytest

from narratrace import Options, analyze
from narratrace.analysis import build_analysis
from narratrace.store import open_store
from scale_corpus import article, write_corpus

pytestmark = pytest.mark.model

QUIET = Options(quiet=True, batch_size=8)


def _analysis(store) -> dict:
    out = build_analysis(store)
    out.pop("generated_at")
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One store grown in three runs (8 docs, the same again, +4 docs) and a fresh run over
    all 12; computed once for the module because each run parses with spaCy."""
    base = tmp_path_factory.mktemp("incr")
    corpus = base / "corpus"
    write_corpus(corpus, 8)
    store = open_store(f"sqlite:///{base / 'grown.sqlite'}")
    first = analyze([corpus], store=store, options=QUIET)
    after_first = _analysis(store)
    again = analyze([corpus], store=store, options=QUIET)
    after_again = _analysis(store)
    write_corpus(corpus, 4, start=8)
    grown = analyze([corpus], store=store, options=QUIET)
    after_grown = _analysis(store)
    fresh_store = open_store(f"sqlite:///{base / 'fresh.sqlite'}")
    fresh = analyze([corpus], store=fresh_store, options=QUIET)
    yield {"corpus": corpus, "store": store, "first": first, "again": again, "grown": grown,
           "fresh": fresh, "after_first": after_first, "after_again": after_again,
           "after_grown": after_grown, "after_fresh": _analysis(fresh_store), "base": base}
    store.close()
    fresh_store.close()


def test_second_run_on_the_same_folder_analyses_nothing(runs):
    assert (runs["first"].documents, runs["first"].skipped) == (8, 0)
    assert (runs["again"].documents, runs["again"].skipped) == (0, 8)
    assert runs["after_again"] == runs["after_first"]


def test_new_files_are_added_and_only_they_are_analysed(runs):
    assert (runs["grown"].documents, runs["grown"].skipped) == (4, 8)
    assert runs["store"].count_documents() == 12
    assert len(runs["after_grown"]["documents"]) == 12


def test_grown_store_equals_a_fresh_run_over_the_same_inputs(runs):
    """Corpus stages (entities, reuse, claim families, events) reflect the whole store."""
    grown, fresh = runs["after_grown"], runs["after_fresh"]
    assert fresh["reuse"], "the synthetic corpus must contain reprints"
    for key in fresh:
        assert grown[key] == fresh[key], key


def test_new_reprint_is_linked_to_an_old_document(runs):
    # doc_0013 does not exist; doc_0006 reprints doc_0005 (first run), doc_0013 is in no run;
    # in the second batch doc_0013 would be a reprint of 12: check the links that span runs.
    docs = {d["path"].rsplit("/", 1)[-1]: d["id"] for d in runs["after_grown"]["documents"]}
    pairs = {frozenset((r["a"], r["b"])) for r in runs["after_grown"]["reuse"]
             if r["kind"] in ("duplicate", "syndicated")}
    assert frozenset((docs["doc_0005.txt"], docs["doc_0006.txt"])) in pairs


def test_changed_file_replaces_its_old_version(runs, tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(runs["corpus"], corpus)
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    analyze([corpus], store=store, options=QUIET)
    before = store.document_paths()
    target = corpus / "doc_0003.txt"
    old_id = next(i for i, p in before.items() if p == str(target))
    target.write_text(article(99, seed=5), encoding="utf-8")
    summary = analyze([corpus], store=store, options=QUIET)
    after = store.document_paths()
    assert (summary.documents, summary.replaced) == (1, 1)
    assert old_id not in after and len(after) == len(before)
    assert [p for p in after.values()].count(str(target)) == 1
    for kind in ("mentions", "attributions", "dates", "claims", "sentences", "reuse_features"):
        assert store.annotations(kind, doc=old_id) == [], kind
    store.close()


def test_moved_jsonl_record_is_not_mistaken_for_a_change(tmp_path):
    """Records keep their ids when an earlier line is inserted: nothing is replaced."""
    import json

    lines = [{"title": f"Report {i}", "text": article(i)} for i in range(3)]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    analyze([src], store=store, options=QUIET)
    new = {"title": "Report 9", "text": article(9)}
    src.write_text("\n".join(json.dumps(r) for r in [new, *lines]) + "\n", encoding="utf-8")
    summary = analyze([src], store=store, options=QUIET)
    assert (summary.documents, summary.skipped, summary.replaced) == (1, 3, 0)
    assert store.count_documents() == 4
    store.close()


def test_not_incremental_reanalyses_everything(tmp_path):
    corpus = tmp_path / "c"
    write_corpus(corpus, 3, reprint_every=0)
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    analyze([corpus], store=store, options=QUIET)
    summary = analyze([corpus], store=store, options=Options(quiet=True, incremental=False))
    assert (summary.documents, summary.skipped) == (3, 0)
    assert store.count_documents() == 3
    store.close()
