"""Issue #16 item 6: one document must never stall a run (the per-document stage budget)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from narratrace.errors import UsageError
from narratrace.options import Options
from narratrace.run.document import analyze_document
from narratrace.stage import DocStage, StageContext
from narratrace.types import DateMention, DocAnalysis, Document

DOC = Document("d1", "slow.txt", "A short text.", "A short text.")
FAST = Document("d2", "fast.txt", "Another text.", "Another text.")
MARK = DateMention("d1", "A", 0, 1, "2024-07-24")


def _spin(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    """A stage stuck in a Python loop on one document, as a pathological input makes one."""
    while True:
        try:  # a stage's own broad handler must not swallow the stop
            sum(range(1000))
        except Exception:
            pass


def _mark(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    return {"citations": ()}


SPIN = DocStage("spin", requires=("text",), assigns=("dates",), fn=_spin, every_document=True)
AFTER = DocStage("after", requires=("text",), assigns=("citations",), fn=_mark, every_document=True)


def _ctx(budget: float) -> StageContext:
    return StageContext(options=Options(stage_budget=budget))


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_issue16_stage_past_budget_is_stopped_and_document_kept() -> None:
    start = time.monotonic()
    got, problems = analyze_document(DOC, None, stages=(SPIN, AFTER), context=_ctx(0.3))
    assert time.monotonic() - start < 30  # stopped, not run forever
    assert got.document == DOC and got.dates == ()
    assert [(p.stage, p.path) for p in problems] == [("spin", "slow.txt")]
    assert "stopped after 0.3 s" in problems[0].reason and "dates" in problems[0].reason


def _slow_on_one(docs: Sequence[DocAnalysis], ctx: StageContext) -> list[dict[str, Any]]:
    if any(d.document.id == "d1" for d in docs):
        time.sleep(3600)
    return [{"dates": (MARK,)} for _ in docs]


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_batched_stage_loses_only_the_slow_document() -> None:
    from narratrace.run.document import _run_group

    stage = DocStage("slow", requires=("text",), assigns=("dates",), batch_fn=_slow_on_one,
                     every_document=True)
    problems: list[list[Any]] = [[], []]
    got = _run_group([(DOC, None), (FAST, None)], stages=(stage,), context=_ctx(0.2),
                     problems=problems)
    assert got[0].dates == () and got[1].dates == (MARK,)
    assert [p.stage for p in problems[0]] == ["slow"] and problems[1] == []


def _sleepy(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    time.sleep(0.3)
    return {"dates": (MARK,)}


def test_outside_the_main_thread_an_overrun_is_reported_not_stopped() -> None:
    stage = DocStage("sleepy", requires=("text",), assigns=("dates",), fn=_sleepy,
                     every_document=True)
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(
        analyze_document(DOC, None, stages=(stage,), context=_ctx(0.05))))
    worker.start()
    worker.join()
    got, problems = out[0]
    assert got.dates == (MARK,)
    assert len(problems) == 1 and "could not be stopped" in problems[0].reason


def test_fast_stages_and_no_limit_give_no_warning() -> None:
    stage = DocStage("sleepy", requires=("text",), assigns=("dates",), fn=_sleepy,
                     every_document=True)
    got, problems = analyze_document(DOC, None, stages=(stage, AFTER), context=_ctx(0))
    assert got.dates == (MARK,) and problems == []
    got, problems = analyze_document(DOC, None, stages=(AFTER,), context=_ctx(5))
    assert problems == []


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_a_callers_timer_and_handler_survive() -> None:
    rang: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: rang.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        analyze_document(DOC, None, stages=(AFTER,), context=_ctx(5))
        delay, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < delay <= 0.5  # still armed, with what was left
        time.sleep(0.7)
        assert rang == [1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
def test_budget_option_is_validated(bad: float) -> None:
    with pytest.raises(UsageError, match="stage_budget"):
        Options(stage_budget=bad)


def test_issue16_text_past_the_parser_limit_does_not_stop_the_batch() -> None:
    # A 1.25-million-character document (20,000 quoted statements) made spaCy raise and took
    # the whole batch down; it now skips the parse with a warning, the others are analysed.
    from narratrace import nlp
    from narratrace.run.document import analyze_batch

    limit = nlp.load_spacy("en").max_length
    huge = Document("h", "huge.txt", "x " * (limit // 2 + 1), "", language="en")
    small = Document("s", "small.txt", "The council met on Tuesday.", "", language="en")
    results = analyze_batch([huge, small], stages=(AFTER,))
    by_id = {analysis.document.id: problems for analysis, problems in results}
    assert set(by_id) == {"h", "s"}
    assert [p.stage for p in by_id["h"]] == ["nlp"] and "not parsed" in by_id["h"][0].reason
    assert by_id["s"] == []


class _Grouped:
    """A per-document stage function with ``for_group``: what it makes once for the group is
    what each document's function returns; ``fail`` makes ``for_group`` raise, ``sleep`` makes
    it run on."""

    def __init__(self, *, fail: bool = False, sleep: float = 0.0) -> None:
        self.fail, self.sleep = fail, sleep
        self.groups: list[list[str]] = []
        self.alone: list[str] = []

    def __call__(self, document: Document, parsed: Any, got: DocAnalysis,
                 ctx: StageContext) -> dict[str, Any]:
        self.alone.append(document.id)
        return {"dates": (MARK,)}

    def for_group(self, items: Sequence[tuple[Document, Any, DocAnalysis]], ctx: StageContext) -> Any:
        self.groups.append([document.id for document, _, _ in items])
        time.sleep(self.sleep)
        if self.fail:
            raise RuntimeError("shared work failed")
        made = {document.id: (MARK,) for document, _, _ in items}

        def fn(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
            return {"dates": made[document.id]}

        return fn


@pytest.mark.parametrize("fail,sleep", [(False, 0.0), (True, 0.0), (False, 3600.0)])
def test_work_shared_by_a_group_gives_each_document_what_its_own_call_gives(fail, sleep) -> None:
    """A stage function's ``for_group`` runs once per group and its function on each document;
    when it fails or runs past the group's budget, each document runs the stage's own
    function, without a warning (the runner's protocol, used by the narratives stage)."""
    from narratrace.run.document import _run_group

    if sleep and not hasattr(signal, "setitimer"):
        pytest.skip("needs POSIX interval timers")
    fn = _Grouped(fail=fail, sleep=sleep)
    stage = DocStage("grouped", requires=("text",), assigns=("dates",), fn=fn, every_document=True)
    problems: list[list[Any]] = [[], []]
    got = _run_group([(DOC, None), (FAST, None)], stages=(stage,), context=_ctx(0.2),
                     problems=problems)
    assert [g.dates for g in got] == [(MARK,), (MARK,)] and problems == [[], []]
    assert fn.groups == [["d1", "d2"]]
    assert fn.alone == ([] if not (fail or sleep) else ["d1", "d2"])
    alone = _Grouped()
    got, problems1 = analyze_document(DOC, None, stages=(DocStage(
        "grouped", requires=("text",), assigns=("dates",), fn=alone, every_document=True),),
        context=_ctx(0.2))
    assert got.dates == (MARK,) and alone.groups == [] and alone.alone == ["d1"]  # one: no group
