"""Crash safety on PostgreSQL (issue #7): ``kill -9`` a running ``narratrace analyze --db
postgresql://…`` at several points, run it again, and every document is in the store exactly
once with its annotations, nothing is orphaned, and the final analysis equals an uninterrupted
run's (the same guarantee as ``test_crash.py`` gives on SQLite).

The kill points are made exact with locks another session holds: the run blocks at a known
statement with its transaction open, the test sees it waiting (``pg_stat_activity``), kills the
CLI, and releases the lock; the server then finds the client gone and rolls the transaction
back. Points: inside the schema migration (before any document), inside a document's
transaction (its row written, its annotations not yet), and at the last write of the corpus
stages (every corpus result written, not committed).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from scale_corpus import write_corpus

pytestmark = [pytest.mark.model, pytest.mark.slow]

N_DOCS = 24
CLI = [sys.executable, "-c", "from narratrace.cli import main; main()"]
MIGRATION_LOCK = 72817201  # the advisory lock PostgresStore._migrate takes


class _Db:
    """A watching session and a lock-holding session on the run's database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.watch = psycopg.connect(url, autocommit=True)
        self.holder: psycopg.Connection | None = None

    def count(self, table: str = "documents") -> int:
        try:
            return int(self.watch.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        except psycopg.errors.UndefinedTable:
            return 0

    def hold(self, sql: str) -> None:
        """Take a lock in an open transaction of another session (until ``release``)."""
        self.holder = psycopg.connect(self.url)
        self.holder.execute(sql)

    def release(self) -> None:
        if self.holder is not None:
            self.holder.rollback()
            self.holder.close()
            self.holder = None

    def waiting(self, app: str) -> bool:
        """The run's session is blocked on a lock (with its transaction open)."""
        return self.watch.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = %s "
                                  "AND wait_event_type = 'Lock'", (app,)).fetchone() is not None

    def wait_gone(self, app: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.watch.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = %s",
                                 (app,)).fetchone():
            assert time.monotonic() < deadline, "the killed run's session did not end"
            time.sleep(0.05)


def _run(corpus: Path, out: Path, url: str, *, app: str,
         kill_when: Callable[[], bool] | None = None, timeout: float = 300) -> None:
    """Run the CLI as session ``app``; SIGKILL it as soon as ``kill_when()`` holds."""
    env = {**os.environ, "PGAPPNAME": app, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([*CLI, "analyze", str(corpus), "--out", str(out), "--db", url,
                             "--quiet", "--batch-size", "4"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if kill_when is not None and kill_when():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return
        time.sleep(0.01)
    if proc.poll() is None:
        proc.kill()
        pytest.fail("narratrace analyze did not finish in time")
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert kill_when is None, f"the run ended before its kill point: {stderr}"
    assert proc.returncode == 0, stderr


def _kill_blocked(db: _Db, app: str, lock_sql: str,
                  ready: Callable[[], bool]) -> Callable[[], bool]:
    """A kill condition: once ``ready()``, take the lock; kill once the run waits on it."""
    def when() -> bool:
        if db.holder is None:
            if ready():
                db.hold(lock_sql)
            return False
        return db.waiting(app)
    return when


def _check_store(url: str) -> None:
    with psycopg.connect(url) as con:
        docs = [row[0] for row in con.execute("SELECT id FROM documents")]
        assert len(docs) == len(set(docs)) == N_DOCS
        paths = [row[0] for row in con.execute("SELECT path FROM documents")]
        assert len(set(paths)) == N_DOCS, "every input exactly once"
        orphans = con.execute("SELECT COUNT(*) FROM annotations WHERE doc NOT IN "
                              "(SELECT id FROM documents)").fetchone()[0]
        assert orphans == 0
        for kind in ("sentences", "reuse_features", "mentions"):
            have = {r[0] for r in con.execute(
                "SELECT DISTINCT doc FROM annotations WHERE kind = %s", (kind,))}
            assert have == set(docs), kind
        dup = con.execute("SELECT COUNT(*) FROM (SELECT doc, kind, data FROM annotations "
                          "WHERE kind IN ('mentions','attributions','dates','claims') "
                          "GROUP BY doc, kind, data HAVING COUNT(*) > 1) AS d").fetchone()[0]
        assert dup == 0, "no annotation written twice"
        covered = {r[0] for r in con.execute("SELECT doc FROM corpus_docs")}
        assert covered == set(docs), "the corpus stages covered every document"


def _analysis(out: Path) -> dict:
    data = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    data.pop("generated_at")
    return data


def test_kill_9_at_several_points_then_rerun_on_postgres(pg_url, pg_admin_url, tmp_path):
    from pg_server import fresh_database

    corpus = tmp_path / "corpus"
    write_corpus(corpus, N_DOCS, reprint_every=5)
    out = tmp_path / "out"
    db = _Db(pg_url)
    try:
        # 1. Inside the schema migration, before any table or document exists.
        app = "crash-1"
        _run(corpus, out, pg_url, app=app, kill_when=_kill_blocked(
            db, app, f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})", lambda: True))
        db.release()
        db.wait_gone(app)
        tables = db.watch.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone()[0] == 0, "the migration is rolled back as a whole"

        # 2. Inside a document's transaction: its row is written, its annotations wait.
        app = "crash-2"
        _run(corpus, out, pg_url, app=app, kill_when=_kill_blocked(
            db, app, "LOCK TABLE annotations IN EXCLUSIVE MODE", lambda: db.count() >= 6))
        before = db.count()  # the blocked document is not committed: not counted
        db.release()
        db.wait_gone(app)
        assert 6 <= db.count() == before < N_DOCS
        assert db.count("annotations WHERE doc NOT IN (SELECT id FROM documents)") == 0

        # 3. The corpus stages' last write: all their results written, none committed.
        app = "crash-3"
        _run(corpus, out, pg_url, app=app, kill_when=_kill_blocked(
            db, app, "LOCK TABLE corpus_docs IN EXCLUSIVE MODE",
            lambda: db.count() == N_DOCS))
        db.release()
        db.wait_gone(app)
        assert db.count() == N_DOCS
        assert (db.count("corpus"), db.count("pairs"), db.count("corpus_docs")) == (0, 0, 0)

        # 4. An uninterrupted run finishes the job.
        _run(corpus, out, pg_url, app="crash-4")
        _check_store(pg_url)
    finally:
        db.release()
        db.watch.close()

    reference = tmp_path / "ref"
    _run(corpus, reference, fresh_database(pg_admin_url), app="crash-ref")
    assert _analysis(out) == _analysis(reference)
