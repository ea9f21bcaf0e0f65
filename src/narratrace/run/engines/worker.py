"""How a worker process (the local engine's pool or a Dask worker) starts and analyses a part.

One start-up for every engine: the worker gets the run's whole :class:`~narratrace.options.Options`
(picklable, frozen) and whether the narrative model is to be loaded, builds its
:class:`~narratrace.stage.StageContext` once, and keeps it for every part it is given. A model
is a pure function of its installed package, so the cached context never makes a result depend
on what the process saw before.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

from ...options import Options
from ...stage import Models, StageContext
from ...types import Document
from ..document import Result, analyze_batch


@lru_cache(maxsize=4)
def worker_context(options: Options, narratives: bool) -> StageContext:
    """The stage context of this worker process (built once per options)."""
    from threadpoolctl import threadpool_limits

    # Workers share the machine's cores: a BLAS's default of one thread per core in every
    # worker makes them spin against each other (with torch's: 0.53 s vs 0.05 s for 5
    # sentences with two workers on 2 cores, measured here). One thread per worker process.
    threadpool_limits(limits=1)
    model = None
    if narratives:
        from ...narratives import load_model

        model = load_model()
    # A worker is one process: spaCy's own processes are never nested in it.
    return StageContext(options=dataclasses.replace(options, n_process=1), models=Models(narratives=model))


def start_worker(options: Options, narratives: bool) -> None:
    """A pool's initialiser: load the models before the first part arrives."""
    worker_context(options, narratives)


def run_part(documents: list[Document], options: Options, narratives: bool) -> list[Result]:
    """Parse and analyse one part in this worker with its cached context."""
    return analyze_batch(documents, context=worker_context(options, narratives))


__all__ = ["run_part", "start_worker", "worker_context"]
