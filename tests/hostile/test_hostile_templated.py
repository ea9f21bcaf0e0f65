"""Never lose a run (issue #18) on a templated corpus: short articles of one wording that
differ only in their figures. Nearly every two of them are copy candidates and nearly none is
a copy; the corpus update is one transaction, so what it writes per pair stays in the
write-ahead log until it commits. What the reuse stage keeps must grow with the documents,
not with the pairs (counted in rows, not timed), and a grown store must still equal a fresh
run. No models: the documents and the kinds the corpus stages read are stored by hand."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing

import numpy as np
import pytest

from narratrace.analysis import build_analysis
from narratrace.records import b64
from narratrace.reuse import signature, update_reuse
from narratrace.run.corpus import run_corpus_stages
from narratrace.store import open_store
from narratrace.types import Document

PLACES = ["Ostry", "Penwick", "Quillon", "Rassel"]


def _report(i: int, rng: random.Random) -> str:
    place = rng.choice(PLACES)
    return (f"Tides at {place}, bulletin {i}\n\nThe harbour office of {place} recorded a high "
            f"tide of {rng.randint(200, 900)} centimetres at {rng.randint(100, 999)} hours, with a "
            f"swell of {rng.randint(10, 99)} decimetres and gusts of {rng.randint(10, 99)} knots. "
            f"Boats should keep clear of berth {rng.randint(100, 999)} until the office reports again, "
            f"its duty officer said.\n")


def _documents(n: int, *, reprints: int = 0) -> list[Document]:
    """``n`` bulletins of one wording with other figures, and ``reprints`` of the first ones
    word for word under another title (real copies)."""
    rng = random.Random(n)
    texts = [_report(i, rng) for i in range(n)]
    texts += ["Reprinted bulletin\n\n" + texts[k].split("\n\n", 1)[1] for k in range(reprints)]
    return [Document(id=f"t{i:04d}", path=f"in/t{i:04d}.txt", text=t, source_text=t, language="en",
                     published=f"2025-03-{1 + i % 28:02d}") for i, t in enumerate(texts)]


def _add(store, document: Document) -> None:
    vector = np.random.default_rng(int(document.id[1:])).normal(size=(1, 384)).astype("<f4")
    vector /= np.linalg.norm(vector)
    with store.transaction():
        store.upsert_document(document)
        for name in ("mentions", "aliases", "dates", "attributions", "claims", "citations"):
            store.replace_annotations(document.id, name, [])
        store.replace_annotations(document.id, "sentences", [{"spans": []}])
        store.replace_annotations(document.id, "reuse_features", [{
            "doc": document.id, "signature": b64(np.asarray(signature(document), dtype="<u4")),
            "embedding": b64(vector), "rows": 1, "claim_vectors": {}}])


def _store(tmp_path, name: str, documents: list[Document]):
    store = open_store(f"sqlite:///{tmp_path / name}.sqlite")
    for document in documents:
        _add(store, document)
    return store


def _copies(links) -> list[tuple[str, str]]:
    return [(r.a, r.b) for r in links if r.kind in ("duplicate", "syndicated")]


def test_a_check_that_finds_no_copy_is_not_kept():
    docs = _documents(60, reprints=2)
    update = update_reuse(docs, embeddings={})
    # nearly every pair is a candidate and checked; only the two reprints are copies
    assert update.checked > 1_000
    assert _copies(update.links) == [("t0000", "t0060"), ("t0001", "t0061")]
    assert sorted(update.copies) == [("t0000", "t0060"), ("t0001", "t0061")]
    assert all(row is not None for row in update.copies.values())


def test_the_copy_rows_a_templated_corpus_stores_grow_with_its_documents(tmp_path):
    counts = {}
    for n in (40, 80):
        store = _store(tmp_path, f"n{n}", _documents(n, reprints=2))
        run = run_corpus_stages(store)
        assert run.copy_checks > n * (n - 1) // 4  # most pairs were checked ...
        copies = store.pairs("copy")
        assert [(p["a"], p["b"]) for p in copies] == [("t0000", f"t{n:04d}"), ("t0001", f"t{n + 1:04d}")]
        store.close()
        with closing(sqlite3.connect(tmp_path / f"n{n}.sqlite")) as db:
            counts[n] = db.execute("SELECT COUNT(*) FROM pairs").fetchone()[0]
    # ... but the pair rows kept (of every kind) grow with the documents, not with the pairs
    # (which grew 4-fold)
    assert 0 < counts[40] <= 40 and counts[80] <= 80
    assert counts[80] <= 2 * counts[40]


@pytest.mark.parametrize("change", ["add", "delete"])
def test_a_grown_templated_store_equals_a_fresh_run(tmp_path, change):
    docs = _documents(50, reprints=2)  # t0050 reprints t0000, t0051 t0001
    grown = _store(tmp_path, "grown", docs[:30] if change == "add" else docs)
    run_corpus_stages(grown)
    if change == "add":  # twenty more bulletins and the reprints of two older ones
        for document in docs[30:]:
            _add(grown, document)
        final = docs
    else:  # a reprint's source goes: its link with it too
        with grown.transaction():
            grown.delete_document("t0001")
        final = [d for d in docs if d.id != "t0001"]
    second = run_corpus_stages(grown)
    fresh = _store(tmp_path, "fresh", final)
    full = run_corpus_stages(fresh)
    a, b = build_analysis(grown), build_analysis(fresh)
    a.pop("generated_at"), b.pop("generated_at")
    assert a == b
    assert grown.pairs("copy") == fresh.pairs("copy")
    links = [(r["a"], r["b"]) for r in b["reuse"] if r["kind"] in ("duplicate", "syndicated")]
    assert links == ([("t0000", "t0050"), ("t0001", "t0051")] if change == "add" else [("t0000", "t0050")])
    if change == "add":
        assert 0 < second.copy_checks < full.copy_checks


def test_the_bulletins_are_templated_not_copies():
    """Guards the tests above: the bulletins share their wording (every pair is a candidate)
    and differ in their figures."""
    docs = _documents(20)
    assert len({d.text for d in docs}) == 20
    update = update_reuse(docs, embeddings={})
    assert update.checked == 20 * 19 // 2 and update.links == []
