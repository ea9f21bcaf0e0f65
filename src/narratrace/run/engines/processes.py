"""The processes engine: per-document stages on every core of this machine.

spaCy and the stages hold the GIL, so threads cannot use a second core; processes can. The
driver (this process) reads and cleans the inputs and writes results to the store; each worker
process loads spaCy, the embedder and the narrative model once and analyses parts of
``Options.batch_size`` documents. Results come back in input order, so a run writes the store in
the same order as a single-process run, and the result is the same (tested).

A worker that dies (killed, out of memory) loses only the parts it had in flight: their
documents are reported as rejected with the reason, a fresh pool takes the rest, and an
incremental rerun retries them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from ...options import Options
from ...stage import StageContext
from ...types import Document, Rejected
from ..document import Result
from .base import Lost, contained, failed
from .worker import die_with, run_part, start_worker

log = logging.getLogger(__name__)

#: Below this many documents to analyse, "auto" stays in this process: starting a worker
#: (importing torch and spaCy, loading spaCy, the encoder and the narrative model) costs ~2 s
#: of CPU. Measured on 60 news articles (2 cores, bench_pipeline --limit 60): two workers,
#: start-up included, 2,759 words/s; one process with its models loaded before the clock, 2,853.
MIN_DOCUMENTS_FOR_PROCESSES = 60


def cpu_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def local_workers(options: Options, todo: int) -> int:
    """Worker processes for the local engine: ``options.workers`` when set, else one per core
    when there are enough documents to repay the start-up; 1 means this process only."""
    if options.workers:
        return options.workers
    if options.n_process > 1 or todo < MIN_DOCUMENTS_FOR_PROCESSES:
        return 1  # spaCy's own processes were asked for, or too little work to share
    return min(cpu_cores(), max(1, todo // (MIN_DOCUMENTS_FOR_PROCESSES // 2)))


def analyze_in_processes(chunks: Iterable[list[Document]], *, options: Options, workers: int,
                         narratives: bool,
                         fn: Callable[[list[Document], Options, bool], list[Result | Lost]] | None = None,
                         in_process: Callable[[list[Document]], Iterable[Result | Lost]] | None = None,
                         total: int = 0) -> Iterator[Result | Lost]:
    """Analyse every chunk on ``workers`` processes, yielding results in input order.

    At most four parts per worker are in flight (work queued while the driver cleans the next
    chunk or writes results), so neither side holds the corpus. A document
    that kills its worker (or raises outside the guarded stages) comes back as :data:`Lost`:
    not stored, so a rerun retries it; every other document is analysed.
    ``fn(part, options, narratives)`` analyses one part in a worker (default:
    :func:`~narratrace.run.engines.worker.run_part`, every per-document stage).
    ``total`` (how many documents the chunks hold, when known) lets the last parts shrink so
    the workers finish together (:func:`_parts`).
    When no worker can start at all (e.g. a script that calls :func:`~narratrace.analyze`
    without an ``if __name__ == "__main__":`` guard, which every worker process re-runs), the run
    goes on in this process with ``in_process(part)``, and says so in the log.
    """
    parts = _parts(chunks, size=max(1, options.batch_size), total=total, workers=workers)
    runner = _Runner(workers, narratives, options=options, fn=fn)
    try:
        for part in parts:
            runner.submit(part)
            while len(runner.window) >= 4 * workers:
                yield from runner.next_results()
        while runner.window:
            yield from runner.next_results()
        return
    except _NoWorkers as exc:
        log.warning("no worker process could start (%s); analysing in this process", exc)
    finally:
        runner.pool.shutdown(cancel_futures=True)
    for part in [*(part for part, _ in runner.window), *parts]:
        if in_process is None:
            yield _lost(part, "no worker process could start")
        else:
            yield from in_process(part)


#: The smallest part :func:`_parts` makes at the end of a run.
MIN_PART = 4


def _parts(chunks: Iterable[list[Document]], *, size: int, total: int,
           workers: int) -> Iterator[list[Document]]:
    """The chunks cut into parts of ``size`` documents; with ``total`` known, parts shrink
    towards the end (to the documents left over twice the workers, at least
    :data:`MIN_PART`), so no worker idles while another works through a full last part: on 399
    news articles and 2 workers a full part was ~5 s of work.

    >>> [len(p) for p in _parts([list(range(100))], size=25, total=100, workers=2)]
    [25, 19, 14, 11, 8, 6, 5, 4, 4, 4]
    """
    done = 0
    for chunk in chunks:
        i = 0
        while i < len(chunk):
            n = size
            if total > done:
                n = max(MIN_PART, min(size, -(-(total - done) // (2 * workers))))
            part = chunk[i:i + n]
            i += len(part)
            done += len(part)
            yield part


def _context() -> Any:
    """How workers start: from a fork server that imported torch and spaCy once
    (:mod:`narratrace.run.engines._preload`), so each worker only loads its models; where there is no fork
    server (Windows), spawned. Never a fork of this process: a forked child of a process that
    has started torch's or BLAS's threads can deadlock; the server only imports, it runs nothing.

    Measured on 399 articles, 2 workers: whole run 4,299 words/s (fork server, its start
    included) against 4,148-4,176 spawned; a fresh pool's start-up 2.4 s against 3.0 s.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Taken when the server starts (once per process); an already running server is kept.
    context.set_forkserver_preload(["narratrace.run.engines._preload"])
    return context


class _NoWorkers(Exception):
    """The pool broke before any worker finished a part: workers cannot start here."""


class _Runner:
    """A process pool with a window of parts in flight.

    When the pool breaks (a worker died), the parts that were in flight are run again one at a
    time on a fresh pool, and a part that still kills its worker is run document by document:
    only the documents that kill a worker on their own are lost.
    """

    def __init__(self, workers: int, narratives: bool, *, options: Options,
                 fn: Callable[[list[Document], Options, bool], list[Result | Lost]] | None = None) -> None:
        self.workers, self.narratives, self.options = workers, narratives, options
        self.fn = fn or run_part  # module-level, so a worker process can import it
        self.pool = self._new_pool()
        self.window: deque[tuple[list[Document], Future[list[Result | Lost]]]] = deque()
        self.started = False  # a worker has finished a part: workers can start here

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=_context(),
                                   initializer=start_worker,
                                   initargs=(self.options, self.narratives, os.getpid()))

    def _restart(self) -> None:
        log.warning("a worker process died; starting a fresh pool of %d", self.workers)
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new_pool()

    def _start(self, part: list[Document]) -> Future[list[Result | Lost]]:
        try:
            return self.pool.submit(self.fn, part, self.options, self.narratives)
        except BrokenProcessPool:
            self._restart()
            return self.pool.submit(self.fn, part, self.options, self.narratives)

    def submit(self, part: list[Document]) -> None:
        self.window.append((part, self._start(part)))

    def next_results(self) -> list[Result | Lost]:
        part, future = self.window[0]
        try:
            results: list[Result | Lost] = list(future.result())
            self.started = True
        except BrokenProcessPool as exc:
            if not self.started:
                raise _NoWorkers(str(exc) or "the pool broke at start-up") from exc
            return self._recover()
        except Exception:  # a worker bug outside the guarded stages: find its documents
            results = self._alone(part, split=True)
        self.window.popleft()
        return results

    def _recover(self) -> list[Result | Lost]:
        """Every part in flight: its results when it finished before the pool broke, else a
        run of its own on a fresh pool."""
        self._restart()
        results: list[Result | Lost] = []
        for part, future in self.window:
            finished = future.done() and not future.cancelled() and future.exception() is None
            results.extend(future.result() if finished else self._alone(part, split=True))
        self.window.clear()
        return results

    def _alone(self, part: list[Document], *, split: bool) -> list[Result | Lost]:
        try:
            return list(self._start(part).result())
        except BrokenProcessPool as exc:
            self._restart()
            if split and len(part) > 1:
                return [r for d in part for r in self._alone([d], split=False)]
            return [_lost(part, f"the worker process analysing it died "
                                f"({exc or 'killed or out of memory'})")]
        except Exception as exc:
            if split and len(part) > 1:
                return [r for d in part for r in self._alone([d], split=False)]
            # It raised, the same way on every run: no rerun would help.
            return [(None, [failed(d, exc) for d in part])]


def _lost(part: list[Document], reason: str) -> Lost:
    return None, [Rejected(d.path, "analyse", f"{reason}; run again to retry it") for d in part]


@contextmanager
def corpus_mapper(workers: int) -> Iterator[tuple[Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]], int]]:
    """A mapper for the parts of a corpus stage's work (``CorpusContext.mapper``; one result
    per part, in order) on ``workers`` processes: this one takes the first part while helper
    processes, started from the fork server on the first call (:func:`_context`, the workers'
    own: they load only what their part needs), take the others; and how many parts to make.
    The pool ends with the block. One worker: the builtin ``map``, one part.

    A part whose helper cannot start or dies is done in this process: the results are the same
    (a part is a pure function), only later.

    >>> with corpus_mapper(1) as (mapper, parts):
    ...     parts, list(mapper(abs, [-2]))
    (1, [2])
    """
    if workers <= 1:
        yield map, 1  # type: ignore[misc]
        return
    held: list[ProcessPoolExecutor] = []

    def mapper(fn: Callable[[Any], Any], parts: Sequence[Any]) -> list[Any]:
        parts = list(parts)
        if len(parts) <= 1:
            return [fn(part) for part in parts]
        if not held:
            held.append(ProcessPoolExecutor(max_workers=workers - 1, mp_context=_context(),
                                            initializer=start_helper, initargs=(os.getpid(),)))
        try:
            futures: list[Future[Any] | None] = [held[0].submit(fn, part) for part in parts[1:]]
        except BrokenProcessPool:
            futures = [None] * (len(parts) - 1)
        out = [fn(parts[0])]
        for part, future in zip(parts[1:], futures, strict=True):
            try:
                out.append(future.result() if future is not None else fn(part))
            except BrokenProcessPool:
                log.warning("a helper process of a corpus stage could not run; its part runs here")
                out.append(fn(part))
        return out

    try:
        yield mapper, workers
    finally:
        for pool in held:
            pool.shutdown(cancel_futures=True)


def start_helper(driver: int | None = None) -> None:
    """A corpus helper process's initialiser: one BLAS thread (the helpers share the machine's
    cores with the run), and it ends with the run (:func:`~.worker.die_with`)."""
    from threadpoolctl import threadpool_limits

    if driver is not None:
        die_with(driver)
    threadpool_limits(limits=1)


class ProcessesEngine:
    """The per-document stages on a pool of worker processes of this machine, results in
    input order. ``workers``: how many (None: ``Options.workers``, or one per core)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def map(self, chunks: Iterable[list[Document]], ctx: StageContext, *,
            todo: int = 0) -> Iterator[Result | Lost]:
        workers = self.workers or ctx.options.workers or cpu_cores()
        yield from analyze_in_processes(
            chunks, options=ctx.options, workers=workers, total=todo,
            narratives=ctx.models.narratives is not None,
            in_process=lambda part: contained(part, ctx))


__all__ = ["MIN_DOCUMENTS_FOR_PROCESSES", "ProcessesEngine", "analyze_in_processes", "corpus_mapper", "cpu_cores",
           "local_workers", "start_helper"]
