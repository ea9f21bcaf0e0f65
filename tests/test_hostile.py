"""Hostile conditions (issue #7): fuzzed inputs for the readers and the cleaner, half-written
files, files that vanish during a run, a full disk under the store, a locked SQLite file.
Each gives a clear error or a ``Rejected`` record, and nothing already stored is lost."""

from __future__ import annotations

import gzip
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narratrace import Options, analyze
from narratrace.errors import CleaningError, StoreError
from narratrace.ingest import iter_inputs
from narratrace.store import open_store
from narratrace.store._sqlite import SQLiteStore
from narratrace.types import Document, RawDocument, Rejected
from scale_corpus import article, write_corpus

QUIET = Options(quiet=True, batch_size=8)

# --------------------------------------------------------------------------- fuzz: readers

_SUFFIXES = [".txt", ".html", ".htm", ".json", ".jsonl", ".csv", ".warc", ".txt.gz", ".html.gz",
             ".jsonl.gz", ".xml", ""]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(_SUFFIXES))
def test_readers_never_raise_on_arbitrary_bytes(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    items = list(iter_inputs([path], options=Options()))
    assert items, "every input yields a document or a rejection"
    for item in items:
        assert isinstance(item, RawDocument | Rejected)
        if isinstance(item, Rejected):
            assert item.reason and item.stage == "ingest" and str(path) in item.path
        else:
            assert item.id and item.content and str(path) in item.path


_texty = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.one_of(_texty, st.sampled_from(["", "Subscribe now", "<p>", "Menu",
                                                         "© 2025 Outlet", "Read more"])),
                     max_size=12),
       fmt=st.sampled_from(["txt", "html", "json"]))
def test_readers_never_raise_on_text_shaped_input(tmp_path_factory, body, fmt):
    folder = tmp_path_factory.mktemp("fuzz")
    text = "\n".join(body)
    if fmt == "html":
        path, content = folder / "a.html", f"<html><body><p>{text}</p></body></html>"
    elif fmt == "json":
        path, content = folder / "a.json", json.dumps({"title": body[0] if body else "", "text": text})
    else:
        path, content = folder / "a.txt", text
    path.write_text(content, encoding="utf-8")
    for item in iter_inputs([path], options=Options()):
        assert isinstance(item, RawDocument | Rejected)


# --------------------------------------------------------------------------- fuzz: cleaner

@settings(max_examples=150, deadline=None)
@given(lines=st.lists(_texty, max_size=15), fmt=st.sampled_from(["text", "html"]),
       title=st.none() | _texty)
def test_cleaner_returns_a_consistent_document_or_a_cleaning_error(lines, fmt, title):
    from narratrace.clean import clean_document

    content = "\n".join(lines)
    if fmt == "html":
        content = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"
    raw = RawDocument(id="x", path="x", content=content, format=fmt, encoding="utf-8", title=title)
    try:
        doc = clean_document(raw, boilerplate=frozenset())
    except CleaningError as exc:
        assert str(exc)
        return
    assert isinstance(doc, Document) and doc.id == "x"
    for removed in doc.removed:
        assert 0 <= removed.start <= removed.end <= len(doc.source_text)


# --------------------------------------------------------------------------- half-written files

@pytest.mark.model
def test_half_written_files_are_rejected_and_the_rest_is_analysed(tmp_path):
    corpus = tmp_path / "c"
    write_corpus(corpus, 3, reprint_every=0)
    whole = gzip.compress(article(10).encode())
    (corpus / "cut.txt.gz").write_bytes(whole[: len(whole) // 2])  # a gzip cut mid-stream
    (corpus / "cut.jsonl").write_text(json.dumps({"title": "A", "text": article(11)}) + "\n"
                                      + '{"title": "B", "text": "half a rec', encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    summary = analyze([corpus], store=store, options=QUIET)
    rejected = {r.path.rsplit("/", 1)[-1] for r in summary.rejected}
    assert {"cut.txt.gz", "empty.txt"} <= rejected
    assert any(p.startswith("cut.jsonl") for p in rejected), rejected
    assert all(r.reason for r in summary.rejected)
    assert store.count_documents() == 4  # three files and the complete JSONL line
    assert {r.path for r in store.rejected()} >= {r.path for r in summary.rejected}
    assert summary.exit_code == 3


# --------------------------------------------------------------------------- vanishing files

@pytest.mark.model
def test_file_that_disappears_during_the_run_is_reported_not_lost(tmp_path):
    corpus = tmp_path / "c"
    paths = write_corpus(corpus, 4, reprint_every=0)
    victim = paths[2]

    def hook(phase, n, total):
        if phase == "analyse" and n == 0 and victim.exists():  # after pass 1, before pass 2
            victim.unlink()

    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    summary = analyze([corpus], store=store, options=QUIET, progress=hook)
    assert summary.documents == 3 and store.count_documents() == 3
    gone = [r for r in summary.rejected if r.path == str(victim)]
    assert gone and "disappeared" in gone[0].reason
    assert any(r.path == str(victim) for r in store.rejected())
    victim.write_text(article(2), encoding="utf-8")  # it comes back: the next run adds it
    again = analyze([corpus], store=store, options=QUIET)
    assert (again.documents, again.skipped) == (1, 3) and store.rejected() == []


# --------------------------------------------------------------------------- full disk

@pytest.mark.model
def test_full_disk_under_the_store_is_a_store_error_and_a_rerun_completes(tmp_path):
    corpus = tmp_path / "c"
    write_corpus(corpus, 12, reprint_every=0)
    db = tmp_path / "s.sqlite"
    store = open_store(f"sqlite:///{db}")
    # Simulate a full disk: SQLite may not grow the file beyond its current size + a little.
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages + 30}")
    with pytest.raises(StoreError, match="could not be written.*full"):
        analyze([corpus], store=store, options=QUIET)
    store.close()
    con = sqlite3.connect(db)
    stored = {r[0] for r in con.execute("SELECT id FROM documents")}
    complete = {r[0] for r in con.execute("SELECT DISTINCT doc FROM annotations WHERE kind = 'reuse_features'")}
    assert stored == complete, "a document is stored whole or not at all"
    assert len(stored) < 12
    con.close()
    store = open_store(f"sqlite:///{db}")  # space is back (a fresh connection has no cap)
    summary = analyze([corpus], store=store, options=QUIET)
    assert summary.documents == 12 - len(stored) and store.count_documents() == 12
    store.close()


# --------------------------------------------------------------------------- locked SQLite

def test_locked_sqlite_file_is_a_clear_store_error(tmp_path):
    db = tmp_path / "s.sqlite"
    open_store(f"sqlite:///{db}").close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing and does not let go
    store = SQLiteStore(str(db), timeout=0.2)
    try:
        with pytest.raises(StoreError, match="could not be written.*locked.*no other process"):
            store.add_rejected(Rejected("a", "ingest", "x"))
        assert store.count_documents() == 0  # readers are not blocked (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.add_rejected(Rejected("a", "ingest", "x"))  # the lock is gone: writes work again
    assert store.rejected() == [Rejected("a", "ingest", "x")]
    store.close()


def test_not_a_database_is_a_clear_store_error(tmp_path):
    bad = tmp_path / "s.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="Is it a narratrace SQLite file"):
        open_store(bad)


def test_missing_store_folder_is_a_clear_store_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "nope" / "s.sqlite")
