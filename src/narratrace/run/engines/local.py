"""The local engine: this machine. The per-document stages run in this process, or in worker
processes (:mod:`.processes`) once there are enough documents to repay their start-up
(``Options.workers``: 0 automatic, 1 this process only)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...stage import StageContext
from ...types import Document
from ..document import Result
from .base import Lost, contained
from .processes import ProcessesEngine, local_workers


class LocalEngine:
    """This process, or a pool of worker processes when :func:`.processes.local_workers`
    says more than one."""

    name = "local"

    def map(self, chunks: Iterable[list[Document]], ctx: StageContext, *,
            todo: int = 0) -> Iterator[Result | Lost]:
        workers = local_workers(ctx.options, todo)
        if workers > 1:
            yield from ProcessesEngine(workers).map(chunks, ctx, todo=todo)
            return
        for chunk in chunks:
            yield from contained(chunk, ctx)


__all__ = ["LocalEngine"]
