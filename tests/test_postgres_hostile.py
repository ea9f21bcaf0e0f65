"""The PostgreSQL store under hostile conditions (issue #7): the server ends the session
(``pg_terminate_backend``), stops or crashes mid-run, or runs out of disk. Each is a
``StoreError`` that names the cause, nothing half-written is kept, and a rerun completes.

A full disk is simulated with a trigger that raises SQLSTATE 53100 (``disk_full``), the
error PostgreSQL itself raises when it cannot extend a file; filling a real disk under the
throw-away server would need a mount this test cannot count on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psycopg
import pytest

from narratrace import Options, analyze
from narratrace.errors import StoreError
from narratrace.store import open_store
from narratrace.types import Document, Rejected
from scale_corpus import write_corpus

QUIET = Options(quiet=True, batch_size=4)
CLI = [sys.executable, "-c", "from narratrace.cli import main; main()"]
LOST = "connection to the database server was lost"
FULL = "out of resources .SQLSTATE 53100"


def _doc(i: int) -> Document:
    return Document(id=f"d{i}", path=f"in/{i}.txt", text="Body.", source_text="Body.", removed=())


def _terminate(url: str, store) -> None:
    """End the store's session from another connection, as an operator (or a restart) would."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (store._db.info.backend_pid,))
    time.sleep(0.1)  # the backend exits asynchronously


def _disk_full_trigger(url: str, *, table: str, when: str = "true") -> None:
    """Make inserts into ``table`` fail as a full disk does, once ``when`` (SQL) holds."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"""CREATE OR REPLACE FUNCTION narratrace_disk_full() RETURNS trigger
            LANGUAGE plpgsql AS $$ BEGIN
              IF {when} THEN
                RAISE EXCEPTION 'could not extend file "base/1/2": No space left on device'
                USING ERRCODE = 'disk_full', HINT = 'Check free disk space.';
              END IF;
              RETURN NEW;
            END $$""")
        admin.execute(f"CREATE TRIGGER narratrace_disk_full BEFORE INSERT ON {table} "
                      "FOR EACH ROW EXECUTE FUNCTION narratrace_disk_full()")


def _space_is_back(url: str, table: str) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP TRIGGER narratrace_disk_full ON {table}")


# --------------------------------------------------------------------------- the store alone

def test_session_ended_between_transactions_is_a_store_error_then_reconnects(pg_url):
    store = open_store(pg_url)
    store.upsert_document(_doc(1))
    _terminate(pg_url, store)
    with pytest.raises(StoreError, match=LOST) as info:
        store.upsert_document(_doc(2))
    assert "Check that it is up, then run again" in str(info.value)
    store.upsert_document(_doc(2))  # outside a transaction: a new session, and on it goes
    assert [d.id for d in store.documents()] == ["d1", "d2"]
    store.close()


def test_session_ended_inside_a_transaction_keeps_nothing_of_it(pg_url):
    store = open_store(pg_url)
    with pytest.raises(StoreError, match=LOST):
        with store.transaction():
            store.upsert_document(_doc(1))
            store.replace_annotations("d1", "dates", [{"n": 1}])
            _terminate(pg_url, store)
            # never carried on in a new session: the rest of this transaction fails too
            store.replace_annotations("d1", "mentions", [{"n": 2}])
    assert store.count_documents() == 0 and store.annotations("dates") == []
    store.close()


def test_failed_statement_caught_inside_a_transaction_is_not_reported_as_committed(pg_url):
    """Regression (issue #7): PostgreSQL answers COMMIT of a transaction in which a statement
    failed with ROLLBACK and no error, so a caller that caught the failure inside the
    transaction was told its other writes were committed when none was."""
    store = open_store(pg_url)
    _disk_full_trigger(pg_url, table="rejected")
    with pytest.raises(StoreError, match="rolled a transaction back instead of committing"):
        with store.transaction():
            store.upsert_document(_doc(1))
            with pytest.raises(StoreError, match=FULL):
                store.add_rejected(Rejected("x", "ingest", "y"))
    assert store.count_documents() == 0
    store.upsert_document(_doc(1))  # the connection is fine afterwards
    assert store.count_documents() == 1
    store.close()


@pytest.mark.parametrize("table, write", [
    ("documents", lambda s: s.upsert_document(_doc(1))),
    ("annotations", lambda s: s.replace_annotations("d1", "dates", [{"n": 1}, {"n": 2}])),
    ("corpus", lambda s: s.replace_corpus("events", [{"id": 1}])),
    ("pairs", lambda s: s.put_pairs("copy", [{"a": "a", "b": "b", "doc_a": "a", "doc_b": "b"}])),
])
def test_full_disk_is_a_store_error_that_names_it(pg_url, table, write):
    store = open_store(pg_url)
    _disk_full_trigger(pg_url, table=table)
    with pytest.raises(StoreError, match=FULL) as info:
        write(store)
    assert "No space left on device" in str(info.value) and "Free space on it" in str(info.value)
    _space_is_back(pg_url, table)
    write(store)
    store.close()


def test_closed_store_says_so_and_does_not_reconnect(pg_url):
    store = open_store(pg_url)
    store.close()
    with pytest.raises(StoreError, match="This store was closed"):
        store.count_documents()


def test_server_stopped_then_started_again(pg_cluster):
    from pg_server import fresh_database

    url = fresh_database(pg_cluster.url)
    store = open_store(url)
    store.upsert_document(_doc(1))
    pg_cluster.stop("fast")
    with pytest.raises(StoreError, match=LOST):
        store.upsert_document(_doc(2))
    with pytest.raises(StoreError, match="Cannot connect to the store .* Is the server running"):
        store.upsert_document(_doc(2))
    pg_cluster.start()
    store.upsert_document(_doc(2))
    assert store.count_documents() == 2
    store.close()


# --------------------------------------------------------------------------- whole runs

def _check_whole(url: str) -> set[str]:
    """Every stored document has every per-document annotation; nothing is orphaned."""
    with psycopg.connect(url) as con:
        docs = {r[0] for r in con.execute("SELECT id FROM documents")}
        for kind in ("sentences", "reuse_features"):
            have = {r[0] for r in con.execute(
                "SELECT DISTINCT doc FROM annotations WHERE kind = %s", (kind,))}
            assert have == docs, f"{kind}: a document is stored whole or not at all"
        orphans = con.execute("SELECT COUNT(*) FROM annotations WHERE doc NOT IN "
                              "(SELECT id FROM documents)").fetchone()[0]
        assert orphans == 0
    return docs


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.parametrize("how", ["terminate", "crash"])
def test_server_gone_mid_run_is_a_store_error_and_a_rerun_completes(pg_cluster, tmp_path, how):
    """The run's session is ended (``pg_terminate_backend``), or the server crashes
    (``pg_ctl stop -m immediate``, WAL recovery on restart), after 3 documents are stored."""
    from pg_server import fresh_database

    corpus = tmp_path / "c"
    write_corpus(corpus, 8, reprint_every=0)
    url = fresh_database(pg_cluster.url)
    with psycopg.connect(url, autocommit=True) as admin:
        # The test server acknowledges commits before their WAL is written (fast, and fine
        # until it crashes: then the last ones are lost, as measured). A real server's default
        # is on: a commit is written before it is acknowledged, so a crash keeps it.
        admin.execute(f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" SET synchronous_commit = on')
    store = open_store(url)
    stored = 0

    def hook(phase: str, n: int, total: int | None) -> None:
        nonlocal stored
        if phase == "analyse" and n == 1:
            stored += 1
            if stored == 3:
                _terminate(url, store) if how == "terminate" else pg_cluster.stop("immediate")

    with pytest.raises(StoreError, match=LOST):
        analyze([corpus], store=store, options=QUIET, progress=hook)
    if how == "crash":
        pg_cluster.start()
    docs = _check_whole(url)
    assert len(docs) == 3
    # The same store object goes on (it reconnects between transactions): the rest is added.
    summary = analyze([corpus], store=store, options=QUIET)
    assert (summary.documents, summary.skipped) == (5, 3)
    assert len(_check_whole(url)) == 8 and store.corpus("entities")
    store.close()


@pytest.mark.model
def test_cli_full_disk_exit_code_and_message_then_rerun(pg_url, tmp_path):
    """``narratrace analyze --db postgresql://…`` on a server whose disk fills after four
    documents: exit code 1 and one line saying so (no traceback), four whole documents kept;
    with space back, the rerun adds the rest and exits 0."""
    corpus = tmp_path / "c"
    write_corpus(corpus, 8, reprint_every=0)
    open_store(pg_url).close()  # the tables, so that the trigger has something to sit on
    _disk_full_trigger(pg_url, table="annotations",
                       when="(SELECT COUNT(*) FROM documents) > 4")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "COLUMNS": "400"}
    argv = [*CLI, "analyze", str(corpus), "--out", str(tmp_path / "out"), "--db", pg_url,
            "--quiet", "--batch-size", "4"]
    run = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 1, run.stderr
    assert "error:" in run.stderr and "53100" in run.stderr and "Traceback" not in run.stderr
    assert len(_check_whole(pg_url)) == 4
    _space_is_back(pg_url, "annotations")
    again = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "4 already in the store" in again.stdout
    assert len(_check_whole(pg_url)) == 8
