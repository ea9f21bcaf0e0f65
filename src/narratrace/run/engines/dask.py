"""The Dask engine: per-document stages on a cluster, and the parts of the corpus stages'
neighbour searches (:func:`corpus_mapper`). The only module that imports dask.

The driver (the ``narratrace analyze`` process) reads and cleans the inputs, sends chunks of
cleaned :class:`~narratrace.types.Document` records to the workers, and writes the
:class:`~narratrace.types.DocAnalysis` records they send back to the store, one transaction per
document, as they arrive. Each worker process loads spaCy (and the narrative model) once and
keeps it for every chunk it gets. Corpus stages then run on the driver over the store, merging
the per-document sketches (MinHash signatures, story embeddings) the workers computed.

Point it at a running cluster with ``--scheduler tcp://HOST:8786``; every worker needs the same
narratrace version and model packages installed (``pip install '.[dask]'`` from a checkout, as
the README says).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ...errors import UsageError
from ...options import Options
from ...reuse import Mapper
from ...stage import StageContext
from ...types import Document
from ..document import Result
from .base import Lost
from .worker import die_with, run_part


class DaskEngine:
    """The per-document stages on a Dask cluster (``Options.scheduler``, or a LocalCluster of
    ``Options.workers`` processes)."""

    name = "dask"

    def map(self, chunks: Iterable[list[Document]], ctx: StageContext, *,
            todo: int = 0) -> Iterator[Result | Lost]:
        yield from analyze_on_dask(chunks, options=ctx.options,
                                   narratives=ctx.models.narratives is not None)


def analyze_on_dask(chunks: Iterable[list[Document]], *, options: Options,
                    narratives: bool = True) -> Iterator[Result | Lost]:
    """Analyse every chunk on the cluster; yield results as chunks finish.

    At most two chunks per worker are in flight, so the driver never holds the corpus.
    """
    client, cluster = _connect(options)
    try:
        from dask.distributed import as_completed

        window = 2 * _workers(client, options)
        pending = as_completed()
        source = iter(chunks)
        in_flight = 0

        def submit() -> bool:
            chunk = next(source, None)
            if chunk is None:
                return False
            # run_part builds the worker's stage context once (models included) and keeps it.
            pending.add(client.submit(run_part, chunk, options, narratives, pure=False))
            return True

        while in_flight < window and submit():
            in_flight += 1
        for future in pending:
            results = future.result()
            future.release()
            in_flight -= 1
            if submit():
                in_flight += 1
            yield from results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def corpus_mapper(options: Options) -> Iterator[tuple[Mapper, int]]:
    """A mapper that runs each part of a corpus stage's search as one task on the cluster
    (``Options.scheduler``, or a LocalCluster of ``Options.workers`` processes), and how many
    parts to make: one per worker. A LocalCluster starts on the first search that uses it
    (an incremental run may search nothing in parts) and is closed when the block ends."""
    held: list[tuple[Any, Any]] = [_connect(options)] if options.scheduler else []

    def mapper(fn: Callable[[Any], Any], parts: Sequence[Any]) -> list[Any]:
        if not held:
            held.append(_connect(options))
        client = held[0][0]
        return list(client.gather(client.map(fn, list(parts), pure=False)))

    try:
        yield mapper, (_workers(held[0][0], options) if held
                       else options.workers or os.cpu_count() or 1)
    finally:
        for client, cluster in held:
            client.close()
            if cluster is not None:
                cluster.close()


def _connect(options: Options) -> tuple[Any, Any]:
    """A client of ``Options.scheduler``, or of a new LocalCluster (returned too, to close)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is an optional dependency
        raise UsageError("The dask engine needs dask[distributed]: pip install 'dask[distributed]'."
                         ) from exc

    if options.scheduler:
        try:
            return Client(options.scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"Cannot reach the Dask scheduler at {options.scheduler}: {exc}. "
                             "Is `dask scheduler` running there?") from exc
    n_workers = options.workers or os.cpu_count() or 1
    # One thread per worker: spaCy and torch are not faster with threads sharing a process,
    # and processes keep each worker's models independent.
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    # The cluster is this run's own: its workers must end with it, even when it is killed
    # with ``kill -9`` mid-part. Dask's own guard (a pipe the worker reads in a thread)
    # cannot act while the part holds the interpreter lock in one long C call (a regex, a
    # parse): workers were left running with their models' memory (issue #18).
    client.register_plugin(_die_with_driver(os.getpid()))
    return client, cluster


def _workers(client: Any, options: Options) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})) or options.workers or 1)


def _die_with_driver(driver: int) -> Any:
    """A worker plugin that makes each worker of a LocalCluster end when the run that started
    it (process ``driver``) is gone: :func:`~.worker.die_with`, called from the worker's main
    thread, where the kernel's parent-death signal stays set for the worker's whole life."""
    from distributed import WorkerPlugin

    class DieWithDriver(WorkerPlugin):  # defined here: dask is imported only by this engine
        name = "narratrace-die-with-driver"

        def __init__(self, driver: int) -> None:
            self.driver = driver

        def setup(self, worker: Any) -> None:
            die_with(self.driver)

    return DieWithDriver(driver)


__all__ = ["DaskEngine", "analyze_on_dask", "corpus_mapper"]
