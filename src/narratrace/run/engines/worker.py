"""How a worker process (the local engine's pool or a Dask worker) starts and analyses a part.

One start-up for every engine: the worker gets the run's whole :class:`~narratrace.options.Options`
(picklable, frozen) and whether the narrative model is to be loaded, builds its
:class:`~narratrace.stage.StageContext` once, and keeps it for every part it is given. A model
is a pure function of its installed package, so the cached context never makes a result depend
on what the process saw before.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
import time
from functools import lru_cache

from ...options import Options
from ...stage import Models, StageContext
from ...types import Document
from ..document import Result
from .base import Lost, contained


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


def start_worker(options: Options, narratives: bool, driver: int | None = None) -> None:
    """A pool's initialiser: load the models before the first part arrives. ``driver``: the
    process id of the run that started the pool, which this worker must not outlive."""
    if driver is not None:
        die_with(driver)
    worker_context(options, narratives)


def die_with(driver: int, *, every: float = 1.0) -> None:
    """End this process when the run that started it is gone, even killed with ``kill -9``
    (which runs no clean-up in the driver): a worker left behind holds its models' memory
    (~400 MB each) for nothing. On Linux the kernel kills it as soon as its parent (the fork
    server, which exits with the driver) ends; everywhere, a thread checks every ``every``
    seconds that its parent and the driver are still there."""
    parent = os.getppid()
    _let_the_fork_server_end()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - no usable libc
            pass

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent or not _alive(driver):
                os._exit(1)

    threading.Thread(target=watch, name="narratrace-die-with-driver", daemon=True).start()


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _let_the_fork_server_end() -> None:
    """Close, in a worker that multiprocessing's fork server started, its copy of the pipe end
    whose closing tells the server that the run is gone. Every such worker is handed one, and
    the server ends only when all are closed: a worker then waited for the server to end (its
    parent-death signal) while the server waited for the worker. The watch thread broke the
    wait, but cannot run while the worker holds the interpreter lock in one long C call (a
    regex, a parse): workers were left running after ``kill -9`` (issue #18). The worker
    starts no processes of its own, so it never needs the pipe."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    # In the run's own process the server's pid is known: that end is the run's, keep it.
    if not isinstance(fd, int) or getattr(server, "_forkserver_pid", None) is not None:
        return
    try:
        os.close(fd)
    except OSError:  # pragma: no cover - already closed
        pass
    server._forkserver_alive_fd = None  # type: ignore[union-attr]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process now holds the number: ours is gone
        return False
    return True


def run_part(documents: list[Document], options: Options, narratives: bool) -> list[Result | Lost]:
    """Parse and analyse one part in this worker with its cached context; a document that
    makes the analysis raise comes back :data:`~.base.Lost` on its own (:func:`~.base.contained`)."""
    return list(contained(documents, worker_context(options, narratives)))


__all__ = ["die_with", "run_part", "start_worker", "worker_context"]
