"""Engines: where the per-document stages run.

An engine maps chunks of cleaned documents to results, in any order it likes:
``engine.map(chunks, ctx, todo=n) -> iterator of (DocAnalysis, warnings) | Lost``. A
:data:`Lost` result is a part the engine could not analyse (a worker died): the driver stores
its reasons, not its documents, so an incremental rerun retries them.

* ``local``: this process, or worker processes on this machine once there are enough
  documents to repay their start-up (:mod:`.processes`);
* ``processes``: worker processes on this machine (``Options.workers``, 0: automatic);
* ``dask``: a Dask cluster (:mod:`.dask`, the only module that imports dask, lazily).
"""

from __future__ import annotations

from collections.abc import Callable

from .base import Engine, Lost


def _local() -> Engine:
    from .local import LocalEngine

    return LocalEngine()


def _processes() -> Engine:
    from .processes import ProcessesEngine

    return ProcessesEngine()


def _dask() -> Engine:
    from .dask import DaskEngine

    return DaskEngine()


#: Engines by name (``Options.engine``): a factory each, so an engine's imports happen only
#: when it is chosen.
ENGINES: dict[str, Callable[[], Engine]] = {"local": _local, "processes": _processes, "dask": _dask}


def engine(name: str) -> Engine:
    """The engine called ``name``.

    >>> engine("local").name
    'local'
    """
    from ...errors import UsageError

    if name not in ENGINES:
        raise UsageError(f"Unknown engine {name!r}; choose one of {', '.join(ENGINES)}.")
    return ENGINES[name]()


__all__ = ["ENGINES", "Engine", "Lost", "engine"]
