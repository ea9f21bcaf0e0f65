"""Never lose a run (issue #18), end to end: one hostile input among good ones never crashes,
stalls or corrupts a run. The run exits 0 or 3 without a traceback, names the hostile input
with a true reason, and keeps every good document with its text. Inputs are built here.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from narratrace import Options, analyze
from narratrace.run.analyze import MAX_ANALYSED_CHARS
from narratrace.run.engines.base import contained
from narratrace.stage import StageContext
from narratrace.store import open_store
from narratrace.types import DocAnalysis, Document

from _hostile_fns import EchoEngine

CLI = [sys.executable, "-c", "from narratrace.cli import main; main()"]
QUIET = Options(quiet=True, batch_size=4, framing="fast")

# Invented articles: a title line and reported speech, enough for every stage to run on.
ARTICLES = {
    "ferry.txt": "Ferry service to resume\n\nThe harbour authority said on Monday that the "
                 "ferry to Lindholm would resume in May. \"We have repaired the pier,\" the "
                 "harbour master told reporters in Portvale.\n",
    "budget.txt": "Council adopts budget\n\nThe Eastmoor council adopted its budget on Tuesday. "
                  "According to the finance officer, the school budget will rise by 4 percent. "
                  "The opposition denied that the figures had been checked.\n",
}


def _doc(i: int, text: str) -> Document:
    return Document(id=f"d{i}", path=f"in/{i}.txt", text=text, source_text=text, language="en")


# --------------------------------------------------------------------------- containment (no model)

def _fake_run(fail_on: str):
    """A batch runner that raises as soon as it meets a document holding ``fail_on``."""
    calls: list[list[str]] = []

    def run(documents, *, context):
        calls.append([d.id for d in documents])
        for d in documents:
            if fail_on in d.text:
                raise ValueError(f"refused {d.id}")
            yield DocAnalysis(document=d), []

    return run, calls


def test_one_document_that_raises_is_rejected_alone_and_the_rest_analysed() -> None:
    run, calls = _fake_run("POISON")
    docs = [_doc(0, "fine"), _doc(1, "fine"), _doc(2, "POISON here"), _doc(3, "fine")]
    got = list(contained(docs, StageContext(), run=run))
    kept = [a.document.id for a, _ in got if a is not None]
    lost = [r for a, problems in got if a is None for r in problems]
    assert sorted(kept) == ["d0", "d1", "d3"]
    assert [r.path for r in lost] == ["in/2.txt"] and lost[0].stage == "analyse"
    assert "ValueError: refused d2" in lost[0].reason
    assert "run again" not in lost[0].reason  # the same input fails the same way every time
    # The batch ran once; after it raised, only the documents it had not given back ran again.
    assert calls[0] == ["d0", "d1", "d2", "d3"] and ["d0"] not in calls[1:]


def test_a_batch_that_never_raises_runs_once() -> None:
    run, calls = _fake_run("POISON")
    docs = [_doc(i, "fine") for i in range(5)]
    assert [a.document.id for a, _ in contained(docs, StageContext(), run=run)] == [d.id for d in docs]
    assert len(calls) == 1


def test_a_document_the_store_cannot_write_is_rejected_not_the_run(tmp_path: Path, monkeypatch) -> None:
    from narratrace.run import analyze as run_analyze

    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    real = run_analyze.save_analysis

    def save(store, analysis, problems, *, replaces=()):
        if analysis.document.path.endswith("budget.txt"):
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real(store, analysis, problems, replaces=replaces)

    monkeypatch.setattr(run_analyze, "save_analysis", save)
    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    store = open_store(":memory:")
    summary = analyze([tmp_path], store=store, options=QUIET)
    assert summary.documents == 1 and summary.exit_code == 3
    (rej,) = summary.rejected
    assert rej.path == str(tmp_path / "budget.txt") and rej.stage == "store"
    assert "could not be stored (UnicodeEncodeError" in rej.reason
    assert [d.path for d in store.documents()] == [str(tmp_path / "ferry.txt")]
    assert store.rejected() == [rej]


def test_a_page_without_article_text_is_named_once_with_its_reason(tmp_path: Path, monkeypatch) -> None:
    # The reason began with the path again: "rejected a.html [clean]: a.html: no article ...".
    from narratrace.run import analyze as run_analyze

    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "scripts.html").write_text("<html><head><script>var a = 1;</script></head>"
                                           "<body><script>start()</script></body></html>",
                                           encoding="utf-8")
    summary = analyze([tmp_path], store=open_store(":memory:"), options=QUIET)
    assert summary.documents == 2 and summary.exit_code == 3
    (rej,) = summary.rejected
    assert rej.path == str(tmp_path / "scripts.html") and rej.stage == "clean"
    assert rej.reason.startswith("no article text found: ") and str(tmp_path) not in rej.reason


def test_a_document_over_the_length_limit_is_rejected_before_analysis(tmp_path: Path, monkeypatch) -> None:
    from narratrace.run import analyze as run_analyze

    monkeypatch.setattr(run_analyze, "MAX_ANALYSED_CHARS", 400)  # the mechanism, at a small size
    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    long = "The council met again on Friday and said nothing new about the bridge. " * 12
    (tmp_path / "long.txt").write_text(long, encoding="utf-8")
    store = open_store(":memory:")
    summary = analyze([tmp_path], store=store, options=QUIET)
    assert summary.documents == 2 and summary.exit_code == 3
    (rej,) = summary.rejected
    assert rej.path == str(tmp_path / "long.txt") and rej.stage == "analyse"
    assert f"the clean text is {len(long.strip()):,} characters, over the 400" in rej.reason
    assert "split it" in rej.reason and "run again" not in rej.reason
    assert sorted(d.path for d in store.documents()) == [str(tmp_path / n) for n in sorted(ARTICLES)]


def test_the_length_limit_is_the_parsers() -> None:
    import spacy

    assert MAX_ANALYSED_CHARS <= spacy.blank("en").max_length


# --------------------------------------------------------------------------- the real parser

@pytest.mark.model
def test_the_parser_refusing_one_document_loses_only_that_document() -> None:
    """What used to crash a whole run: a document the parser raises on (a lone surrogate, which
    spaCy cannot hash) in a batch with good ones; a text over the parser's max_length (which
    ingest rejects first) is kept unparsed with a warning, its batch untouched."""
    docs = [_doc(0, ARTICLES["ferry.txt"]), _doc(1, "Officials said \ud800 the port was closed."),
            _doc(2, ARTICLES["budget.txt"]), _doc(3, "x" * (MAX_ANALYSED_CHARS + 1))]
    got = list(contained(docs, StageContext(options=QUIET)))
    kept = {a.document.id: a for a, _ in got if a is not None}
    lost = {r.path: r.reason for a, problems in got if a is None for r in problems}
    warned = {r.path: r.reason for a, problems in got if a is not None for r in problems}
    assert sorted(kept) == ["d0", "d2", "d3"] and sorted(lost) == ["in/1.txt"]
    assert "UnicodeEncodeError" in lost["in/1.txt"] and "in/3.txt" in warned
    assert not kept["d3"].attributions
    assert kept["d0"].attributions, "the good documents were analysed, not only kept"


def _hostile_corpus(folder: Path) -> dict[str, str]:
    """Good articles beside one of each hostile input; returns path → the reason's key words."""
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    expect: dict[str, str] = {}
    # Over 1,000,000 characters in one document (the reader allows 20 MB).
    sentence = "The port committee met again on Thursday and said the dredging would continue. "
    (folder / "huge.txt").write_text(sentence * (MAX_ANALYSED_CHARS // len(sentence) + 50), encoding="utf-8")
    expect[str(folder / "huge.txt")] = "over the 1,000,000 one document may have"
    # A lone surrogate escape, valid JSON, beside a good record in the same file.
    (folder / "feed.json").write_text(json.dumps([
        {"text": "Officials said \ud800 the port was closed after the storm."},
        {"title": "Storm closes port", "text": "The port was closed on Tuesday after a storm, "
                                               "the harbour master said."}]), encoding="utf-8")
    expect[f"{folder / 'feed.json'}#1"] = "lone surrogate (U+D800"
    # A file name that is not UTF-8, with an escape sequence in it.
    with open(os.path.join(os.fsencode(folder), b"r\xe9sum\xe9\x1b[2J.txt"), "w", encoding="utf-8") as fh:
        fh.write("Summary of the week\n\nThe mayor said on Friday that the market would stay open "
                 "on Sundays until the end of the year.\n")
    # A named pipe: opening it would wait forever.
    os.mkfifo(folder / "pipe.txt")
    expect[str(folder / "pipe.txt")] = "a named pipe, not a regular file"
    # A raw NUL byte on one line of JSON Lines.
    (folder / "wire.jsonl").write_bytes(
        json.dumps({"text": "The union said the strike at the rail depot would end on Monday."}).encode()
        + b'\n{"text": "broken \x00 line"}\n')
    expect[f"{folder / 'wire.jsonl'}#L2"] = "raw NUL byte on line 2"
    # Excel's semicolon CSV with quotes and commas in the article.
    with (folder / "export.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([
            ["titre", "text", "date"],
            ["Grève", "Le ministre a dit, lundi, que la grève «finirait bientôt»; les syndicats, "
                      "eux, ont dit non.", "2024-05-02"]])
    return expect


@pytest.mark.model
@pytest.mark.slow
def test_cli_run_with_every_hostile_input_exits_3_and_keeps_every_good_document(tmp_path: Path) -> None:
    corpus, out = tmp_path / "in", tmp_path / "out"
    expect = _hostile_corpus(corpus)
    proc = subprocess.run([*CLI, "analyze", str(corpus), "--out", str(out), "-q", "--framing", "fast"],
                          capture_output=True, timeout=600,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 3, stderr[-3000:]
    assert "Traceback" not in stdout + stderr and "\x1b" not in stdout + stderr
    for path, why in expect.items():
        line = next((ln for ln in stdout.splitlines() if f"rejected {path} " in ln), None)
        assert line is not None and why in line, (path, stdout)
    con = sqlite3.connect(out / "narratrace.sqlite")
    stored = dict(con.execute("SELECT path, text FROM documents").fetchall())
    assert set(stored) == {str(corpus / "ferry.txt"), str(corpus / "budget.txt"),
                           f"{corpus / 'feed.json'}#2", f"{corpus}/r\\xe9sum\\xe9\\x1b[2J.txt",
                           f"{corpus / 'wire.jsonl'}#L1", f"{corpus / 'export.csv'}#R1"}
    assert "\"We have repaired the pier,\" the harbour master told reporters" in stored[str(corpus / "ferry.txt")]
    assert "«finirait bientôt»; les syndicats, eux, ont dit non." in stored[f"{corpus / 'export.csv'}#R1"]
    assert "market would stay open on Sundays" in stored[f"{corpus}/r\\xe9sum\\xe9\\x1b[2J.txt"]
    rejected = {p for (p,) in con.execute("SELECT path FROM rejected")}
    assert set(expect) <= rejected
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert len(analysis["documents"]) == 6
    # A rerun has nothing new to do and rejects the same inputs the same way: no crash loop.
    again = subprocess.run([*CLI, "analyze", str(corpus), "--out", str(out), "-q", "--framing", "fast"],
                           capture_output=True, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert again.returncode == 3 and b"Traceback" not in again.stdout + again.stderr


# --------------------------------------------------------------------------- orphaned workers

_DRIVER = """
import sys
from narratrace import Options
from narratrace.run.engines.processes import analyze_in_processes
from narratrace.types import Document
from _hostile_fns import wait_forever

if __name__ == "__main__":
    docs = [Document(id=f"d{i}", path=f"p{i}", text=sys.argv[1], source_text=sys.argv[1]) for i in range(8)]
    for _ in analyze_in_processes(iter([docs]), options=Options(batch_size=1), workers=2,
                                  narratives=False, fn=wait_forever):
        pass
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie is dead
    except FileNotFoundError:
        return True
    except OSError:  # no /proc: ask the process table
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checks /proc and SIGKILL")
def test_workers_die_with_a_killed_run(tmp_path: Path) -> None:
    _kill_the_driver_and_check_its_workers(tmp_path, _DRIVER)


_DASK_DRIVER = """
import sys
from narratrace import Options
from narratrace.run.engines import dask as dask_engine
from narratrace.types import Document
from _hostile_fns import hold_the_lock_forever

if __name__ == "__main__":
    dask_engine.run_part = hold_the_lock_forever  # what each worker runs on its part
    docs = [Document(id="d0", path="p0", text=sys.argv[1], source_text=sys.argv[1])]
    for _ in dask_engine.analyze_on_dask(iter([docs] * 4), options=Options(workers=2),
                                         narratives=False):
        pass
"""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checks /proc and SIGKILL")
@pytest.mark.parametrize("driver", [_DRIVER, _DASK_DRIVER], ids=["processes", "dask"])
def test_busy_workers_die_with_a_killed_run(tmp_path: Path, driver: str) -> None:
    """Workers stuck in one long C call (no Python thread of theirs can run) still end with a
    run killed with ``kill -9``: Dask's own guard is such a thread, and was not enough."""
    if driver is _DASK_DRIVER:
        pytest.importorskip("dask.distributed", reason="dask[distributed] is a dev extra")
    else:
        driver = driver.replace("wait_forever", "hold_the_lock_forever")
    _kill_the_driver_and_check_its_workers(tmp_path, driver)


def _kill_the_driver_and_check_its_workers(tmp_path: Path, source: str) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    script = tmp_path / "driver.py"
    script.write_text(source, encoding="utf-8")
    here = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(here), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1"}
    driver = subprocess.Popen([sys.executable, str(script), str(pids)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
            assert driver.poll() is None, driver.stderr.read().decode() if driver.stderr else ""
            time.sleep(0.1)
        workers = sorted(int(p.name) for p in pids.iterdir())
        assert len(workers) == 2, "both workers started"
        assert not any(_gone(pid) for pid in workers)
        time.sleep(1)  # the workers are deep in their call
    finally:
        driver.send_signal(signal.SIGKILL)  # no clean-up runs in the driver
        driver.wait()
    deadline = time.monotonic() + 30
    while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if not _gone(pid)]
    for pid in left:  # never leave them behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left, "worker processes outlived the run that started them"


def test_a_document_in_a_language_the_run_does_not_analyse_is_kept_with_a_notice(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    from narratrace.run import analyze as run_analyze

    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    (tmp_path / "de.txt").write_text(
        "Der Bürgermeister sagte am Montag, dass die Fähre nach Lindholm im Mai wieder fahren "
        "werde. Die Gewerkschaft widersprach und kündigte einen Streik im Hafen an.\n",
        encoding="utf-8")
    (tmp_path / "en.txt").write_text(ARTICLES["ferry.txt"], encoding="utf-8")
    store = open_store(":memory:")
    summary = analyze([tmp_path], store=store, options=QUIET)
    assert summary.documents == 2 and summary.exit_code == 0
    (notice,) = summary.warnings
    assert notice.path == str(tmp_path / "de.txt") and notice.stage == "nlp"
    assert "its language (de) is not analysed (this run analyses en, fr)" in notice.reason
    assert store.rejected() == [notice]  # stored with the document, so the output shows it


# --------------------------------------------------------------------------- inputs changing mid-run

REOPENED = "The pier reopened on Friday, the harbour master said, and the ferry sailed at noon.\n"


def _line(text: str) -> str:
    return json.dumps({"text": text}) + "\n"


def test_inputs_that_change_grow_shrink_or_vanish_during_a_run_end_with_true_reasons(
        tmp_path: Path, monkeypatch) -> None:
    # Every input is read twice (ids first, then for analysis): each file here is touched
    # between the two reads, as a feed being written or a folder being tidied during a run.
    from narratrace.run import analyze as run_analyze

    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    ferry, budget = ARTICLES["ferry.txt"], ARTICLES["budget.txt"]
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "changes.txt").write_text(ferry, encoding="utf-8")
    (corpus / "empties.txt").write_text(budget, encoding="utf-8")
    (corpus / "gone.txt").write_text(budget + "The mayor left.\n", encoding="utf-8")
    (corpus / "keep.txt").write_text(budget + "The school opened.\n", encoding="utf-8")
    (corpus / "grows.jsonl").write_text(_line(ferry), encoding="utf-8")
    (corpus / "cut.jsonl").write_text("".join(_line(t + f" Part {n}.") for n, t in
                                              enumerate([ferry, budget, ferry])), encoding="utf-8")
    (corpus / "half.jsonl").write_text(_line(budget + " Part 5.") + '{"text": "The ferry', encoding="utf-8")

    def between_the_reads(phase, n, total):
        if phase == "analyse" and n == 0 and (corpus / "gone.txt").exists():
            (corpus / "changes.txt").write_text(ferry + REOPENED, encoding="utf-8")
            (corpus / "empties.txt").write_bytes(b"")
            (corpus / "gone.txt").unlink()
            with (corpus / "grows.jsonl").open("a", encoding="utf-8") as feed:
                feed.write(_line(budget))
            (corpus / "cut.jsonl").write_text(_line(ferry + " Part 0."), encoding="utf-8")
            (corpus / "half.jsonl").write_text(_line(budget + " Part 5.") + _line(ferry + " Part 7."), encoding="utf-8")

    store = open_store(":memory:")
    summary = analyze([corpus], store=store, options=QUIET, progress=between_the_reads)
    stored = {d.path.removeprefix(f"{corpus}/"): d.text for d in store.documents()}
    # Each input is analysed as the second read found it; nothing else is lost.
    assert sorted(stored) == ["changes.txt", "cut.jsonl#L1", "grows.jsonl#L1", "grows.jsonl#L2",
                              "half.jsonl#L1", "half.jsonl#L2", "keep.txt"]
    assert stored["changes.txt"].endswith("the ferry sailed at noon.")
    assert stored["half.jsonl#L2"].startswith("The harbour authority said on Monday")
    why = {r.path.removeprefix(f"{corpus}/"): r.reason for r in summary.rejected}
    assert sorted(why) == ["cut.jsonl#L2", "cut.jsonl#L3", "empties.txt", "gone.txt"]
    assert why["cut.jsonl#L2"].startswith("its file changed during the run and no longer holds "
                                          "this record") and why["cut.jsonl#L3"] == why["cut.jsonl#L2"]
    assert why["gone.txt"].startswith("the input disappeared during the run")
    assert why["empties.txt"].startswith("empty (0 bytes)")
    # The half-written record was read whole the second time: stored, and no longer rejected.
    assert {r.path for r in store.rejected()} == {r.path for r in summary.rejected}
    assert summary.documents == 7 and summary.exit_code == 3


def test_a_stored_file_that_changes_during_a_run_replaces_its_old_version(tmp_path: Path,
                                                                         monkeypatch) -> None:
    # Pass 1 finds the file unchanged (its document is stored); it changes before pass 2
    # reads it. The new version is analysed and the old one goes: one document per path.
    from narratrace.run import analyze as run_analyze

    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = open_store(":memory:")
    assert analyze([tmp_path], store=store, options=QUIET).documents == 2
    ferry = tmp_path / "ferry.txt"

    def between_the_reads(phase, n, total):
        if phase == "analyse" and n == 0:
            ferry.write_text(ARTICLES["ferry.txt"] + REOPENED, encoding="utf-8")

    summary = analyze([tmp_path], store=store, options=QUIET, progress=between_the_reads)
    assert (summary.documents, summary.replaced, summary.exit_code) == (1, 1, 0)
    texts = {d.path: d.text for d in store.documents()}
    assert store.count_documents() == 2 and texts[str(ferry)].endswith("the ferry sailed at noon.")
    again = analyze([tmp_path], store=store, options=QUIET)  # and the next run has nothing to do
    assert (again.documents, again.skipped, store.count_documents()) == (0, 2, 2)


def test_an_old_version_stored_beside_the_new_one_goes_at_the_next_run(tmp_path: Path,
                                                                      monkeypatch) -> None:
    # What the case above left before it was handled (or a run killed between storing the
    # new version and deleting the old): the next run finds both at one path, keeps the one
    # the file holds and deletes the other; a document stored from another folder stays.
    from narratrace.run import analyze as run_analyze

    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = open_store(":memory:")
    analyze([tmp_path], store=store, options=QUIET)
    ferry = str(tmp_path / "ferry.txt")
    for doc_id, path in (("old-ferry", ferry), ("elsewhere", "/another/folder/a.txt")):
        store.upsert_document(Document(id=doc_id, path=path, text=REOPENED, source_text=REOPENED,
                                       language="en"))
    summary = analyze([tmp_path], store=store, options=QUIET)
    assert (summary.documents, summary.skipped, summary.replaced) == (0, 2, 1)
    assert sorted(d.id for d in store.documents() if d.path == ferry) != ["old-ferry"]
    assert [d.path for d in store.documents()].count(ferry) == 1
    assert store.document("elsewhere") is not None and store.document("old-ferry") is None
