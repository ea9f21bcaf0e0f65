"""The per-document runner: parse documents and run the per-document stages on them.

A leaf of the run: it imports the stage registry, the stages' declarations and the NLP models,
never the orchestrator, so that a worker process or a Dask worker imports only what it runs.
A stage that fails on one document leaves its products empty (their defaults) and records a
warning naming the stage; the other stages and documents still run.

**Time budget.** A stage that runs past ``Options.stage_budget`` seconds on one document is
stopped the same way: its products stay empty and a warning says so. CPython cannot kill a
thread, so the runner arms a real-time timer (``SIGALRM``) around each stage call and the
signal raises inside the stage. What that bounds, honestly: Python code is interrupted within
milliseconds of the budget; a single long call into C (one regex match, one numpy or spaCy
kernel) only when it returns. The timer needs the main thread of a process on a POSIX system,
which the local run and the worker processes are; elsewhere (a Dask worker thread, Windows)
nothing can be interrupted, so a stage past its budget is only reported, and its products kept.
Arming the timer costs a few microseconds per stage call (``bench/bench_pipeline.py``).
The parse is a stage too: a text over :data:`PARSED_ALONE` characters is parsed alone under the
same budget (spaCy parses a batch in one call), in sentence-bounded pieces of at most
:data:`narratrace.nlp.PARSE_CHUNK` characters (:func:`narratrace.nlp.parse_long`), so that its
memory is bounded by the piece and the budget is checked between pieces, also where no timer can
interrupt; a parse stopped there leaves the document with the stages that need no parse. The corpus back-fill runs a stage through
:func:`run_stage`, under the same budget, and never on a document where that stage was stopped
(:func:`was_stopped`): its product stays empty, with its warning, until it is analysed again.
So one document costs at most about the budget per stage: the seven pathological documents
of ``bench/bench_hostile.py --group 3``, which ran past 20 minutes together, took 65 s of CPU
(96 s on a 2-core machine shared with other jobs) and a peak of 510 MiB over the start
(seven articles: 250 MiB; 4,707 MiB when a long text was parsed in one piece, 54 s of CPU).

**Work shared by a group.** A per-document stage's function may offer
``for_group(items, context)``: given the group's ``(document, parse, products so far)`` it
returns the function to run on each of them, one that reads what it made once for all of them
(the narratives stage reads every document's mention windows in one encoder pass). What that
function returns for a document must be what the stage's own function returns. When
``for_group`` fails, or runs past the budget of the whole group, each document runs the
stage's own function instead.
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
import typing
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from .. import nlp
from ..errors import PipelineError
from ..options import Options
from ..registry import DOC_STAGES
from ..stage import DocFn, DocStage, StageContext
from ..types import DocAnalysis, Document, Rejected

#: What the per-document runner gives back for one document: its products and the warnings of
#: the stages that failed on it.
Result = tuple[DocAnalysis, list[Rejected]]


def analyze_document(document: Document, parsed: Any, *, stages: Sequence[DocStage] = DOC_STAGES,
                     context: StageContext = StageContext()) -> Result:
    """Run the per-document stages on one parsed document (batched stages as a group of one)."""
    problems: list[Rejected] = []
    got = _run_group([(document, parsed)], stages=stages, context=context, problems=[problems])[0]
    return got, problems


def analyze_batch(documents: Sequence[Document], *, context: StageContext = StageContext(),
                  stages: Sequence[DocStage] = DOC_STAGES) -> list[Result]:
    """Parse and analyse a batch of cleaned documents (any languages) in this process: the
    unit of work of the worker processes and the Dask engine; :func:`iter_batch` streams it."""
    return list(iter_batch(documents, context=context, stages=stages))


def iter_batch(documents: Sequence[Document], *, context: StageContext = StageContext(),
               stages: Sequence[DocStage] = DOC_STAGES) -> Iterator[Result]:
    """:func:`analyze_batch`, one group of ``options.batch_size`` results at a time, in the
    order spaCy yields parses (by language, then the documents that are not analysed)."""
    from threadpoolctl import threadpool_limits

    # spaCy's small matrices gain nothing from numpy's BLAS threads, and those threads spin
    # while torch's OpenMP threads embed, slowing both: one BLAS thread took the
    # whole-pipeline benchmark from 0.23 to 0.29 of spaCy's words/s on 2 cores.
    with threadpool_limits(limits=1, user_api="blas"):
        yield from _iter_batch(documents, context=context, stages=stages)


#: Texts longer than this (characters) are parsed alone, under ``Options.stage_budget``, in
#: pieces (:func:`narratrace.nlp.parse_long`): spaCy parses a batch in one call that no timer
#: can cut for one document, and the parse of a text grows with its length (300,000 ``&``, one
#: token each: 112 s of CPU here; 20,000 quoted statements in one piece: 2.9 GiB of RSS).
#: Articles are far shorter; they are parsed in batches, as before.
PARSED_ALONE = 100_000


def _iter_batch(documents: Sequence[Document], *, context: StageContext,
                stages: Sequence[DocStage]) -> Iterator[Result]:
    options = context.options
    group: list[tuple[Document, Any]] = []
    notes: dict[str, Rejected] = {}
    # A text past the parser's length limit would stop the whole batch (spaCy raises): it goes
    # through the stages that need no parse only, with a warning (_run_group).
    unparsed = {d.id for d in documents if d.analysed and d.language
                and len(d.text) > nlp.load_spacy(d.language).max_length}
    for lang in sorted({d.language for d in documents if d.analysed and d.language}):
        batch = [d for d in documents if d.analysed and d.language == lang and d.id not in unparsed]
        for parsed, document in _parse(batch, lang=lang, options=options, notes=notes):
            group.append((document, parsed))
            if len(group) >= options.batch_size:
                yield from _results(group, stages=stages, context=context, notes=notes)
                group = []
    group.extend((d, None) for d in documents
                 if not (d.analysed and d.language) or d.id in unparsed)
    yield from _results(group, stages=stages, context=context, notes=notes)


def _parse(batch: Sequence[Document], *, lang: str, options: Options,
           notes: dict[str, Rejected]) -> Iterator[tuple[Any, Document]]:
    """``(parse, document)`` for each of ``batch``: spaCy's batches for the texts of article
    length, then each longer one alone under the stage budget; a parse stopped there is None,
    with the reason in ``notes``."""
    yield from nlp.parse(((d.text, d) for d in batch if len(d.text) <= PARSED_ALONE),
                         lang=lang, batch_size=options.batch_size, n_process=options.n_process)
    for document in batch:
        if len(document.text) <= PARSED_ALONE:
            continue
        try:
            with _deadline(options.stage_budget) as clock:
                parsed = nlp.parse_long(document.text, lang=lang, between=clock.check)
        except OverBudget:
            notes[document.id] = Rejected(
                document.path, "nlp", f"parse stopped after {options.stage_budget:g} s "
                f"(Options.stage_budget) on {len(document.text):,} characters; only the "
                "stages that need no parse ran")
            yield None, document
            continue
        if clock.overran:
            notes[document.id] = _over_parse(document, options.stage_budget)
        yield parsed, document


def _over_parse(document: Document, budget: float) -> Rejected:
    return Rejected(document.path, "nlp", f"the parse ran past its budget of {budget:g} s "
                    "(Options.stage_budget) where it could not be stopped (not the main thread)")


def _results(group: list[tuple[Document, Any]], *, stages: Sequence[DocStage],
             context: StageContext, notes: Mapping[str, Rejected] | None = None) -> list[Result]:
    problems: list[list[Rejected]] = [[] for _ in group]
    analyses = _run_group(group, stages=stages, context=context, problems=problems, notes=notes)
    return list(zip(analyses, problems, strict=True))


def _run_group(group: Sequence[tuple[Document, Any]], *, stages: Sequence[DocStage],
               context: StageContext, problems: list[list[Rejected]],
               notes: Mapping[str, Rejected] | None = None) -> list[DocAnalysis]:
    """Every stage over a group of documents, stage by stage (a batched stage sees the whole
    group at once). A document that is not analysed (``parse`` None) goes only through the
    stages that run on every document. ``notes``: what the parse said of a document, by id."""
    got = [DocAnalysis(document=document) for document, _ in group]
    for k, (document, parsed) in enumerate(group):
        if document.encoding_confidence is not None:
            problems[k].append(encoding_warning(document))
        if notes and document.id in notes:
            problems[k].append(notes[document.id])
        elif parsed is None and document.analysed and document.language:
            problems[k].append(Rejected(
                document.path, "nlp", f"not parsed: {len(document.text):,} characters, past the "
                "parser's limit; only the stages that need no parse ran"))
    for stage in stages:
        rows = [k for k, (document, parsed) in enumerate(group)
                if stage.every_document or (document.analysed and parsed is not None)]
        if not rows:
            continue
        if stage.batch_fn is not None:
            _run_batched(stage, rows, group, got, context, problems)
            continue
        fn = _group_fn(stage, [(group[k][0], group[k][1], got[k]) for k in rows], context)
        for k in rows:
            _run_one(stage, k, group, got, context, problems, fn=fn)
    return got


def _group_fn(stage: DocStage, items: Sequence[tuple[Document, Any, DocAnalysis]],
              context: StageContext) -> DocFn:
    """The function to run ``stage`` with on each of ``items``: what its function's
    ``for_group`` makes for them (within the budget of the group), else the function itself."""
    assert stage.fn is not None
    for_group = getattr(stage.fn, "for_group", None)
    if for_group is None or len(items) < 2:
        return stage.fn
    try:
        with _deadline(context.options.stage_budget * len(items)):
            fn: DocFn = for_group(items, context)
    except (OverBudget, Exception):  # noqa: BLE001 - each document runs the stage's own function
        return stage.fn
    return fn


def run_stage(stage: DocStage, analyses: Sequence[DocAnalysis], *,
              context: StageContext = StageContext()) -> tuple[list[DocAnalysis], list[list[Rejected]]]:
    """One stage over documents whose products it requires are already in ``analyses`` (read
    back from a store, without a parse), under the same budget as in a run: the analyses with
    its products added, and per document the warnings of the stage."""
    got = list(analyses)
    group = [(analysis.document, None) for analysis in got]
    problems: list[list[Rejected]] = [[] for _ in got]
    if stage.batch_fn is not None:
        _run_batched(stage, list(range(len(got))), group, got, context, problems)
    else:
        for k in range(len(got)):
            _run_one(stage, k, group, got, context, problems)
    return got, problems


def _run_one(stage: DocStage, k: int, group: Sequence[tuple[Document, Any]],
             got: list[DocAnalysis], context: StageContext,
             problems: list[list[Rejected]], *, fn: DocFn | None = None) -> None:
    """A per-document stage on document ``k`` of ``group``, within ``stage_budget`` (with
    ``fn``, what :func:`_group_fn` gave, instead of the stage's function)."""
    assert stage.fn is not None  # a DocStage has exactly one of fn and batch_fn
    budget = context.options.stage_budget
    document, parsed = group[k]
    try:
        with _deadline(budget) as clock:
            out = (fn or stage.fn)(document, parsed, got[k], context)
    except OverBudget:
        problems[k].append(_over_budget(document, stage, budget))
        return
    except Exception as exc:  # one bad document never stops a run: keep the reason
        problems[k].append(_problem(document, stage, exc))
        return
    if clock.overran:
        problems[k].append(_over_budget(document, stage, budget, stopped=False))
    try:
        got[k] = _assign(stage, got[k], out)
    except Exception as exc:
        problems[k].append(_problem(document, stage, exc))


def _run_batched(stage: DocStage, rows: list[int], group: Sequence[tuple[Document, Any]],
                 got: list[DocAnalysis], context: StageContext,
                 problems: list[list[Rejected]]) -> None:
    """A batched stage over ``rows`` with a budget of ``stage_budget`` per document; when the
    group runs past it, each document is retried alone, so that only the slow one loses it."""
    assert stage.batch_fn is not None
    budget = context.options.stage_budget
    try:
        with _deadline(budget * len(rows)) as clock:
            outs = stage.batch_fn([got[k] for k in rows], context)
        if len(outs) != len(rows):
            raise PipelineError(f"stage {stage.name!r} gave {len(outs)} results for "
                                f"{len(rows)} documents")
        updated = [_assign(stage, got[k], out) for k, out in zip(rows, outs, strict=True)]
    except OverBudget:
        if len(rows) > 1:
            for k in rows:
                _run_batched(stage, [k], group, got, context, problems)
        else:
            problems[rows[0]].append(_over_budget(group[rows[0]][0], stage, budget))
        return
    except Exception as exc:  # one bad group never stops a run: keep the reason
        for k in rows:
            problems[k].append(_problem(group[k][0], stage, exc))
        return
    if clock.overran:
        for k in rows:
            problems[k].append(_over_budget(group[k][0], stage, budget, stopped=False))
    for k, analysis in zip(rows, updated, strict=True):
        got[k] = analysis


#: How the warning of a stage stopped at its budget begins.
STOPPED = "stopped after"


class OverBudget(BaseException):  # noqa: N818 - a signal, not an error a stage should catch
    """Raised inside a stage whose time budget ran out. A BaseException, so that a stage's own
    ``except Exception`` cannot swallow it and run on."""


@dataclasses.dataclass(slots=True)
class _Clock:
    overran: bool = False  # past the budget where it could not be stopped
    budget: float = 0.0
    start: float = dataclasses.field(default_factory=time.monotonic)

    def check(self) -> None:
        """Raise :class:`OverBudget` if the budget has run out: a check between the steps of a
        long call, which stops it there where no timer can interrupt it."""
        if self.budget > 0 and time.monotonic() - self.start > self.budget:
            raise OverBudget


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def _deadline(seconds: float) -> Iterator[_Clock]:
    """Raise :class:`OverBudget` in this block once ``seconds`` have passed (0: no limit).

    Where no signal can interrupt (not the main thread, no ``setitimer``), the block runs to
    its end and the returned clock says whether it overran. A timer armed before (by a caller)
    is restored afterwards with what remained of it.
    """
    clock = _Clock(budget=seconds)
    start = clock.start
    if seconds <= 0:
        yield clock
        return
    if not _can_interrupt():
        yield clock
        clock.overran = time.monotonic() - start > seconds
        return

    def ring(signum: int, frame: Any) -> None:
        raise OverBudget

    previous = signal.signal(signal.SIGALRM, ring)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield clock
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # restored even when the signal lands between the block's end and here
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
            if old_delay:
                left = max(1e-3, old_delay - (time.monotonic() - start))
                signal.setitimer(signal.ITIMER_REAL, left, old_interval)


def _over_budget(document: Document, stage: DocStage, budget: float, *,
                 stopped: bool = True) -> Rejected:
    products = ", ".join(stage.assigns)
    if stopped:
        return Rejected(document.path, stage.name,
                        f"{STOPPED} {budget:g} s (Options.stage_budget); the document is kept "
                        f"without this stage's products ({products})")
    return Rejected(document.path, stage.name,
                    f"ran past its budget of {budget:g} s (Options.stage_budget) where it could "
                    "not be stopped (not the main thread); its products were kept")


def was_stopped(problem: Rejected, stage: DocStage) -> bool:
    """Whether ``problem`` says ``stage`` was stopped at its budget on a document (its
    products left empty on purpose: a later run does not compute them again).

    >>> was_stopped(Rejected("a.txt", "dates", f"{STOPPED} 30 s ..."), DocStage(
    ...     "dates", requires=("text",), assigns=("dates",), fn=print))
    True
    """
    return problem.stage == stage.name and problem.reason.startswith(STOPPED)


def _product_types() -> dict[str, tuple[type, ...]]:
    """The runtime types each product of DocAnalysis accepts (from its annotation)."""
    out: dict[str, tuple[type, ...]] = {}
    for name, hint in typing.get_type_hints(DocAnalysis).items():
        if name == "document":
            continue
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if typing.get_origin(hint) is tuple:
            out[name] = (tuple,)
        else:  # ``Record | None``
            out[name] = (*(typing.get_origin(a) or a for a in args), type(None))
    return out


_PRODUCT_TYPES = _product_types()


def _assign(stage: DocStage, got: DocAnalysis, out: Mapping[str, Any]) -> DocAnalysis:
    """``got`` with the products a stage returned, each checked against its declaration and
    its type: a stage can never put a value of the wrong kind into a product."""
    for name, value in out.items():
        if name not in stage.assigns:
            raise PipelineError(f"stage {stage.name!r} returned {name!r}, which it does not "
                                "declare in assigns")
        if not isinstance(value, _PRODUCT_TYPES[name]):
            raise PipelineError(f"stage {stage.name!r} returned a {type(value).__name__} for "
                                f"{name!r}, which holds {_PRODUCT_TYPES[name][0].__name__}")
    return dataclasses.replace(got, **out)


def encoding_warning(document: Document) -> Rejected:
    """The warning for a document whose encoding was guessed from its bytes.

    >>> from narratrace.types import Document
    >>> encoding_warning(Document("d", "a.txt", "x", "x", encoding="cp1252",
    ...                           encoding_confidence=0.93)).reason
    'encoding guessed: read as cp1252 (confidence 0.93); re-save the file as UTF-8 if its text looks wrong'
    """
    return Rejected(document.path, "ingest",
                    f"encoding guessed: read as {document.encoding} (confidence "
                    f"{document.encoding_confidence:.2f}); re-save the file as UTF-8 if its "
                    "text looks wrong")


def _problem(document: Document, stage: DocStage, exc: Exception) -> Rejected:
    return Rejected(document.path, stage.name, f"{type(exc).__name__}: {exc}")


__all__ = ["PARSED_ALONE", "STOPPED", "Result", "analyze_batch", "analyze_document", "encoding_warning",
           "iter_batch", "run_stage", "was_stopped"]
