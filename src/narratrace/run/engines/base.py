"""What every engine is: the protocol and the shape of a lost part."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from ...stage import StageContext
from ...types import Document, Rejected
from ..document import Result

#: ``(None, [Rejected, ...])``: documents an engine could not analyse; the driver stores the
#: reasons but not the documents, so an incremental rerun retries them.
Lost = tuple[None, list[Rejected]]


class Engine(Protocol):
    """What every engine offers: ``map`` chunks of cleaned documents to results."""

    name: str

    def map(self, chunks: Iterable[list[Document]], ctx: StageContext, *,
            todo: int = 0) -> Iterator[Result | Lost]:
        """Analyse every document of ``chunks`` (``todo``: how many they hold, when known)."""
        ...


__all__ = ["Engine", "Lost"]
