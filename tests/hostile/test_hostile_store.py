"""Never lose a run (issue #18) at the store: a read-only SQLite store is named as such (not
as a lock), and ``serve`` browses it read-only; a full disk is named as such. Running as root
would write any file whatever its mode, so read-only files are simulated the way SQLite sees
them: a ``mode=ro`` open. A full disk is a file size limit on the process (``RLIMIT_FSIZE``):
SQLite's writes then fail as they do when the disk fills."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from narratrace.errors import ReadOnlyStoreError, StoreError
from narratrace.store import open_store
from narratrace.types import Document

TEXT = "The harbour master said on Monday that the ferry would resume in May."


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "n.sqlite"
    store = open_store(f"sqlite:///{path}")
    store.upsert_document(Document(id="d1", path="in/a.txt", text=TEXT, source_text=TEXT,
                                   title="Ferry", language="en"))
    store.close()
    return path


def _as_read_only(monkeypatch) -> None:
    """Every connection the store makes opens its file as a read-only file would be opened."""
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        if kwargs.get("uri"):
            return real(database, *args, **kwargs)
        kwargs["uri"] = True
        return real(f"{Path(database).resolve().as_uri()}?mode=ro", *args, **kwargs)

    monkeypatch.setattr("narratrace.store._sqlite.sqlite3.connect", connect)


def test_a_read_only_store_is_named_read_only_not_locked(tmp_path: Path, monkeypatch) -> None:
    path = _store(tmp_path)
    _as_read_only(monkeypatch)
    with pytest.raises(ReadOnlyStoreError) as info:  # at the open, or the first write
        store = open_store(f"sqlite:///{path}")
        store.upsert_document(Document(id="d2", path="in/b.txt", text=TEXT, source_text=TEXT))
    message = str(info.value)
    assert "is read-only" in message and "lock" not in message and "serve" in message


def test_read_only_open_reads_and_refuses_writes(tmp_path: Path) -> None:
    path = _store(tmp_path)
    store = open_store(f"sqlite:///{path}", read_only=True)
    assert [d.text for d in store.documents()] == [TEXT]
    with pytest.raises(StoreError):
        store.upsert_document(Document(id="d2", path="b", text="x", source_text="x"))
    store.close()
    assert [d.id for d in open_store(f"sqlite:///{path}").documents()] == ["d1"]


def test_read_only_open_of_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such file"):
        open_store(f"sqlite:///{tmp_path / 'none.sqlite'}", read_only=True)
    assert not (tmp_path / "none.sqlite").exists()  # never created by a reader


def test_serve_browses_a_read_only_store(tmp_path: Path, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from narratrace.web import create_app

    path = _store(tmp_path)
    _as_read_only(monkeypatch)
    client = TestClient(create_app(f"sqlite:///{path}"), base_url="http://127.0.0.1")
    assert TEXT in client.get("/api/documents/d1").text
    assert client.get("/documents").status_code == 200


def test_serve_falls_back_to_read_only_when_the_store_refuses_a_writer(tmp_path: Path, monkeypatch) -> None:
    """A store in a folder it may not write: the writable open fails as read-only, and the
    explorer opens it read-only instead of refusing to start."""
    from fastapi.testclient import TestClient

    from narratrace.store import _sqlite
    from narratrace.web import create_app

    path = _store(tmp_path)
    real_init = _sqlite.SQLiteStore.__init__

    def init(self, p, *, timeout=30.0, read_only=False):
        if not read_only:
            raise ReadOnlyStoreError(f"The store {p!r} is read-only")
        real_init(self, p, timeout=timeout, read_only=True)

    monkeypatch.setattr(_sqlite.SQLiteStore, "__init__", init)
    client = TestClient(create_app(f"sqlite:///{path}"), base_url="http://127.0.0.1")
    assert TEXT in client.get("/api/documents/d1").text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a file size limit from setrlimit")
@pytest.mark.parametrize("limit", [8_192, 40_000])
def test_a_full_disk_at_the_first_open_is_named_not_hidden_by_the_rollback(tmp_path: Path, limit: int) -> None:
    """#18: a store created on a full disk said "cannot rollback - no transaction is active. Is
    it a narratrace SQLite file ...?": SQLite had rolled the migration back by itself, and the
    second ROLLBACK hid the real error."""
    import resource

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(f"Ferry\n\n{TEXT}\n", encoding="utf-8")

    def full_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-c", "from narratrace.cli import main; main()", "analyze",
                           str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"],
                          capture_output=True, text=True, timeout=300, preexec_fn=full_disk)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "rollback" not in proc.stderr
    assert "Cannot open the store" in proc.stderr and "Check free disk space" in proc.stderr
    assert "lock" not in proc.stderr


def test_an_error_sqlite_rolled_back_itself_is_the_error_raised(tmp_path: Path) -> None:
    """On a full disk or an I/O error SQLite ends the transaction itself; the store's own
    ROLLBACK must not replace that error with "cannot rollback"."""
    store = open_store(f"sqlite:///{tmp_path / 'n.sqlite'}")
    with pytest.raises(OSError, match="disk full"):
        with store.transaction():
            store._db.execute("ROLLBACK")  # what SQLite does by itself on SQLITE_FULL
            raise OSError("disk full")
    store.upsert_document(Document(id="d1", path="in/a.txt", text=TEXT, source_text=TEXT))
    assert [d.id for d in store.documents()] == ["d1"]


# --------------------------------------------------------------------------- the write-ahead log

def _big_transaction(store, docs: int) -> None:
    with store.transaction():
        for i in range(docs):
            store.replace_corpus("entities", [{"n": i, "text": TEXT * 20}])
            store.upsert_document(Document(id=f"w{i}", path=f"in/{i}.txt", text=TEXT * 20,
                                           source_text=TEXT, language="en"))


def test_the_log_a_large_transaction_leaves_is_cut_back_when_it_commits(tmp_path: Path,
                                                                         monkeypatch) -> None:
    # One transaction keeps every page it writes in the log until it commits (the corpus
    # update: hundreds of MiB on a templated corpus); the file must not stay that size.
    from narratrace.store import _sqlite

    monkeypatch.setattr(_sqlite, "WAL_KEEP_BYTES", 256 << 10)
    path = tmp_path / "n.sqlite"
    store = open_store(f"sqlite:///{path}")
    wal = Path(f"{path}-wal")
    _big_transaction(store, 400)  # about 3 MiB of pages
    assert wal.stat().st_size <= 256 << 10
    assert store.count_documents() == 400
    store.close()
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM documents").fetchone() == (400,)


def test_a_reader_holding_the_log_is_not_waited_for(tmp_path: Path, monkeypatch) -> None:
    # serve reading the store while analyze writes: the commit neither waits for the reader
    # nor fails; the log is cut back once nothing reads an older snapshot.
    from narratrace.store import _sqlite

    monkeypatch.setattr(_sqlite, "WAL_KEEP_BYTES", 256 << 10)
    path = _store(tmp_path)
    store = open_store(f"sqlite:///{path}")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM documents").fetchone() == (1,)  # its snapshot
    _big_transaction(store, 400)
    assert Path(f"{path}-wal").stat().st_size > 256 << 10  # held for the reader
    assert reader.execute("SELECT COUNT(*) FROM documents").fetchone() == (1,)
    reader.execute("COMMIT")
    _big_transaction(store, 1)
    assert Path(f"{path}-wal").stat().st_size <= 256 << 10
    assert store.count_documents() == 401
    store.close()
