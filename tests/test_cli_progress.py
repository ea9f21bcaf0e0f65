"""Progress that says what it does (issue #17): each long wait is named on standard error
before it starts: loading models, starting N workers, each corpus stage by name."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from narratrace.cli._common import CORPUS_STEPS, phase_label, progress_hook
from narratrace.options import Options
from narratrace.registry import CORPUS_STAGES
from narratrace.run.analyze import _workers_started


def _terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=160, color_system=None)


#: The phases a run on two worker processes reports, in order (narratrace.analyze's docstring).
WORKER_RUN = [("read", 1, None), ("read", 1, None), ("models", 0, None), ("models", 1, None),
              ("models", 0, 1), ("workers", 0, 2), ("analyse", 0, 2), ("workers", 2, 2),
              ("analyse", 1, 2), ("analyse", 1, 2),
              *[(f"corpus:{s.name}", n, 1) for s in CORPUS_STAGES for n in (0, 1)],
              ("write", 0, 1), ("write", 1, 1)]


def test_each_wait_is_named_on_a_terminal():
    screen = _terminal()
    with progress_hook(quiet=False, on=screen) as hook:
        for tick in WORKER_RUN:
            hook(*tick)
    text = screen.file.getvalue()
    lines = ["reading inputs", "loading models",
             "starting 2 worker processes (each loads its models)", "analysing documents",
             *(f"corpus: {CORPUS_STEPS[s.name]}" for s in CORPUS_STAGES),
             "writing analysis.json and report.html"]
    last = text.rsplit("reading inputs", 1)[1]  # the final frame: every line, in order
    where = [last.find(line) for line in lines[1:]]
    assert -1 not in where and where == sorted(where), (lines, last)
    assert "2/2" in last  # the workers' and the documents' counts


def test_every_corpus_stage_has_words():
    assert {s.name for s in CORPUS_STAGES} <= set(CORPUS_STEPS)


@pytest.mark.parametrize("quiet,screen", [(True, _terminal),
                                          (False, lambda: Console(file=io.StringIO()))])
def test_quiet_and_off_a_terminal_it_says_nothing(quiet, screen):
    on = screen()
    with progress_hook(quiet=quiet, on=on) as hook:
        for tick in WORKER_RUN:
            hook(*tick)
    assert on.file.getvalue() == ""


@pytest.mark.parametrize("options,todo,started", [
    (Options(workers=2), 10, 2),     # asked for
    (Options(), 10, 0),              # too few documents: this process
    (Options(workers=1), 500, 0),    # this process only
    (Options(workers=3), 0, 0),      # nothing to analyse: nothing starts
    (Options(engine="processes", workers=3), 5, 3),
    (Options(engine="dask"), 5, None),  # the cluster decides
])
def test_workers_named_are_the_workers_started(options, todo, started):
    assert _workers_started(options, todo) == started
    if started:
        assert phase_label("workers", started).startswith(f"starting {started} worker processes")


ARTICLES = {
    "a.txt": "Harbour strike ends in Portvale\n\nThe dockers' union said on Monday that the "
             "strike at Portvale harbour was over. \"We have a fair deal,\" said Mira Tolvan, "
             "the union's secretary. The harbour authority confirmed that ships would be "
             "unloaded again from Tuesday.",
    "b.txt": "Portvale dockers return to work\n\nDockers in Portvale went back to work on "
             "Tuesday after the union accepted a pay offer, according to the harbour "
             "authority. Mira Tolvan told reporters the deal was fair.",
}


@pytest.mark.model
def test_a_run_names_its_phases_in_order(tmp_path):
    from narratrace import analyze, open_store

    corpus = tmp_path / "c"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    seen: list[tuple[str, int, int | None]] = []
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        summary = analyze([corpus], store=store, options=Options(quiet=True, workers=1),
                          progress=lambda *tick: seen.append(tick))
    finally:
        store.close()
    assert summary.documents == 2
    first = {}
    for i, (phase, _, _) in enumerate(seen):
        first.setdefault(phase, i)
    corpus_phases = [f"corpus:{s.name}" for s in CORPUS_STAGES]
    order = ["read", "models", "analyse", *corpus_phases]
    assert [p for p in first if p in order] == order, seen
    assert "workers" not in first  # this process analysed them: no worker was started
    # models: narrative model, sentence encoder and the English pipeline, then marked done
    assert [t for t in seen if t[0] == "models"][-1] == ("models", 0, 3)
    loaded = [i for i, t in enumerate(seen) if t[0] == "models" and t[1] == 1]
    analysed = [i for i, t in enumerate(seen) if t[0] == "analyse" and t[1] == 1]
    assert len(loaded) == 3 and max(loaded) < min(analysed)  # all loaded before any document
    for phase in corpus_phases:
        assert [t for t in seen if t[0] == phase] == [(phase, 0, 1), (phase, 1, 1)]
