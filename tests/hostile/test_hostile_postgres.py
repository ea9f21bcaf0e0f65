"""Never lose a run (issue #18) on PostgreSQL: its text type cannot hold the NUL character,
and one NUL in any written value used to abort the whole run. Each is stored as U+FFFD (same
length, so every offset still points at the same character); the rest is kept as written."""

from __future__ import annotations

import json
from pathlib import Path

from narratrace import Options, analyze
from narratrace.store import open_store
from narratrace.types import Document, Rejected

NUL_TEXT = "The port \x00reopened on Monday, the harbour master said."


def test_nul_in_every_kind_of_value_is_stored_as_the_replacement_character(pg_url: str) -> None:
    store = open_store(pg_url)
    doc = Document(id="d1", path="in/a\x00.txt", text=NUL_TEXT, source_text="<p>" + NUL_TEXT,
                   title="Port\x00 news", outlet="The \x00Courier")
    with store.transaction():
        store.upsert_document(doc)
        store.replace_annotations("d1", "attributions", [
            {"content": "reopened\x00", "speaker": {"text": "the harbour\x00master"}, "start": 9},
            {"content": "a literal backslash-u-0000: \\u0000", "speaker": {"text": "x"}}])
        store.add_rejected(Rejected("in/b.txt", "ingest", "bad \x00 byte"))
    (got,) = list(store.documents())
    assert got.text == NUL_TEXT.replace("\x00", "\ufffd") and len(got.text) == len(NUL_TEXT)
    assert (got.path, got.title, got.outlet) == ("in/a\ufffd.txt", "Port\ufffd news", "The \ufffdCourier")
    rows = store.annotations("attributions", doc="d1")
    assert rows[0]["content"] == "reopened\ufffd" and rows[0]["speaker"]["text"] == "the harbour\ufffdmaster"
    assert rows[1]["content"] == "a literal backslash-u-0000: \\u0000"  # text, not an escape: kept
    assert store.rejected() == [Rejected("in/b.txt", "ingest", "bad \ufffd byte")]
    assert store.search("reopened")  # the full-text index reads the row
    store.close()


def test_a_run_with_a_nul_in_one_article_keeps_every_article(pg_url: str, tmp_path: Path, monkeypatch) -> None:
    from narratrace.run import analyze as run_analyze
    from narratrace.types import DocAnalysis

    class Echo:
        name = "echo"

        def map(self, chunks, ctx, *, todo=0):
            for chunk in chunks:
                for d in chunk:
                    yield DocAnalysis(document=d), []

    monkeypatch.setattr(run_analyze, "engine", lambda name: Echo())  # the store is what is tested
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"text": NUL_TEXT, "title": "With\x00 a NUL"},
        {"text": "The council adopted its budget on Tuesday, the mayor said."}]), encoding="utf-8")
    store = open_store(pg_url)
    summary = analyze([tmp_path], store=store, options=Options(quiet=True, framing="fast"))
    assert summary.documents == 2 and not summary.rejected
    texts = sorted(d.text for d in store.documents())
    assert texts == ["The council adopted its budget on Tuesday, the mayor said.",
                     NUL_TEXT.replace("\x00", "\ufffd")]
    store.close()


def test_a_lost_connection_during_a_batch_write_is_one_message(pg_url: str, caplog) -> None:
    import logging

    import psycopg
    import pytest

    from narratrace.errors import StoreError

    store = open_store(pg_url)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(StoreError) as info:
            with store.transaction():
                with psycopg.connect(pg_url, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (store._db.info.backend_pid,))
                store.add_corpus_docs([f"d{i}" for i in range(50)])  # a pipelined batch write
    message = str(info.value)
    assert "connection to the database server was lost" in message
    assert "\n" not in message and "This probably means" not in message
    assert not [r for r in caplog.records if "error ignored" in r.getMessage()]
