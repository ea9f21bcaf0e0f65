"""Store round-trips, idempotent upserts, migrations and clear errors."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narratrace.errors import StoreError
from narratrace.store import open_store
from narratrace.types import Document, Rejected, Removed


def _doc(i: int = 0, text: str = "Body text.") -> Document:
    return Document(id=f"d{i}", path=f"in/{i}.txt", text=text, source_text="HEAD\n" + text,
                    removed=(Removed("navigation", 0, 4),), title="T", outlet="O",
                    published="2025-06-06", language="en")


def test_upsert_is_idempotent(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    for _ in range(3):
        store.upsert_document(_doc())
    assert store.count_documents() == 1
    assert list(store.documents()) == [_doc()]


def test_reopen_keeps_data_and_does_not_rerun_migrations(tmp_path):
    path = tmp_path / "s.sqlite"
    store = open_store(path)
    store.upsert_document(_doc())
    store.replace_annotations("d0", "dates", [{"value": "2025"}])
    store.close()
    again = open_store(f"sqlite:///{path}")
    assert again.count_documents() == 1
    assert again.annotations("dates", doc="d0") == [{"value": "2025"}]
    from narratrace.store._migrations import MIGRATIONS

    assert again.schema_version == max(v for v, _ in MIGRATIONS)


def test_replace_annotations_replaces_only_that_doc_and_kind(tmp_path):
    store = open_store(":memory:")
    store.replace_annotations("a", "dates", [{"n": 1}, {"n": 2}])
    store.replace_annotations("b", "dates", [{"n": 3}])
    store.replace_annotations("a", "dates", [{"n": 4}])
    assert store.annotations("dates") == [{"n": 4}, {"n": 3}]
    assert store.annotations("mentions") == []


def test_rejected_round_trip_and_clear():
    store = open_store(":memory:")
    store.add_rejected(Rejected("x.bin", "ingest", "looks binary"))
    store.add_rejected(Rejected("x.bin", "ingest", "looks binary (again)"))
    assert store.rejected() == [Rejected("x.bin", "ingest", "looks binary (again)")]
    store.clear_rejected("x.bin")
    assert store.rejected() == []


def test_transaction_rolls_back_on_error():
    store = open_store(":memory:")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert_document(_doc(1))
            raise RuntimeError("boom")
    assert store.count_documents() == 0


@pytest.mark.parametrize("url", ["mysql://x/y", "mongodb://localhost/db"])
def test_unsupported_urls_raise_clear_error(url):
    with pytest.raises(StoreError, match="sqlite"):
        open_store(url)


def test_missing_folder_and_garbage_file_raise_store_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "nope" / "s.sqlite")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="Cannot open"):
        open_store(bad)


def test_locked_store_gives_store_error(tmp_path):
    path = tmp_path / "s.sqlite"
    store = open_store(path)
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    store._db.execute("PRAGMA busy_timeout=100")  # keep the test fast
    with pytest.raises(StoreError, match="lock"):
        store.upsert_document(_doc())
    other.rollback()


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=200), st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=5))
def test_document_round_trip_property(text, spans):
    store = open_store(":memory:")
    removed = tuple(Removed("promo", min(a, b), max(a, b)) for a, b in spans)
    doc = Document(id="h", path="p", text=text, source_text=text + "x", removed=removed)
    store.upsert_document(doc)
    store.upsert_document(doc)
    assert list(store.documents()) == [doc]
