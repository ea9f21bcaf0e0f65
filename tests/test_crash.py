"""Crash safety (issue #7): ``kill -9`` a running ``narratrace analyze`` at several points, run
it again, and every document is in the store exactly once with its annotations, none orphaned
or duplicated; the final analysis equals an uninterrupted run's."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scale_corpus import write_corpus

pytestmark = [pytest.mark.model, pytest.mark.slow]

N_DOCS = 40
CLI = [sys.executable, "-c", "from narratrace.cli import main; main()"]


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not created yet, or mid-migration


def _run(corpus: Path, out: Path, *, kill_at: int | None = None, timeout: float = 240) -> int | None:
    """Run the CLI; with ``kill_at``, SIGKILL it once that many documents are stored."""
    proc = subprocess.Popen([*CLI, "analyze", str(corpus), "--out", str(out), "--quiet",
                             "--batch-size", "4"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1",
                                                     # one torch thread: on a shared 2-core
                                                     # machine more threads spin and run 10x slower
                                                     "OMP_NUM_THREADS": "1"})
    deadline = time.monotonic() + timeout
    db = out / "narratrace.sqlite"
    while proc.poll() is None and time.monotonic() < deadline:
        if kill_at is not None and _count(db) >= kill_at:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return None
        time.sleep(0.02)
    if proc.poll() is None:
        proc.kill()
        pytest.fail("narratrace analyze did not finish in time")
    assert proc.returncode in (0, 3), proc.stderr.read().decode() if proc.stderr else ""
    return proc.returncode


def _check_store(db: Path) -> None:
    con = sqlite3.connect(db)
    docs = [row[0] for row in con.execute("SELECT id FROM documents")]
    assert len(docs) == len(set(docs)) == N_DOCS
    paths = [row[0] for row in con.execute("SELECT path FROM documents")]
    assert len(set(paths)) == N_DOCS, "every input exactly once"
    orphans = con.execute("SELECT COUNT(*) FROM annotations WHERE doc NOT IN "
                          "(SELECT id FROM documents)").fetchone()[0]
    assert orphans == 0
    # every document is complete: each per-document kind written with it
    for kind in ("sentences", "reuse_features"):
        have = {r[0] for r in con.execute("SELECT DISTINCT doc FROM annotations WHERE kind = ?", (kind,))}
        assert have == set(docs), kind
    dup = con.execute("SELECT COUNT(*) FROM (SELECT doc, kind, data FROM annotations "
                      "WHERE kind IN ('mentions','attributions','dates','claims') "
                      "GROUP BY doc, kind, data HAVING COUNT(*) > 1)").fetchone()[0]
    assert dup == 0, "no annotation written twice"
    con.close()


def _analysis(out: Path) -> dict:
    data = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    data.pop("generated_at")
    return data


def test_kill_9_at_several_points_then_rerun(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, N_DOCS, reprint_every=0)
    out = tmp_path / "out"
    # mid-way through the documents, then once every document is stored (the kill lands in
    # the last writes or the corpus stages); each run resumes where the last one stopped
    for kill_at in (6, N_DOCS):
        _run(corpus, out, kill_at=kill_at)
        assert kill_at <= _count(out / "narratrace.sqlite") <= N_DOCS
    _run(corpus, out)
    _check_store(out / "narratrace.sqlite")

    reference = tmp_path / "ref"
    _run(corpus, reference)
    assert _analysis(out) == _analysis(reference)
