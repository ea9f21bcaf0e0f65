"""What every engine is: the protocol and the shape of a lost part."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

from ...stage import StageContext
from ...types import Document, Rejected
from ..document import Result, iter_batch

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


def contained(documents: Sequence[Document], context: StageContext, *,
              run: Callable[..., Iterable[Result]] = iter_batch) -> Iterator[Result | Lost]:
    """``run(documents, context=context)``, such that one document that makes it raise (the
    parser refusing a text, a bug outside the guarded stages) is rejected alone: when the
    batch raises, the documents it had not yet given back are run again one at a time, and
    the one that still raises on its own comes back as :data:`Lost` with the error. Such a
    failure repeats on every run, so its reason does not promise that a rerun would help.
    """
    done: set[tuple[str, str]] = set()
    try:
        for result in run(documents, context=context):
            done.add(_key(result[0].document))
            yield result
        return
    except Exception as exc:  # noqa: BLE001 - which document failed is found below
        error = exc
    rest = [d for d in documents if _key(d) not in done]
    if len(documents) == 1:
        for document in rest:
            yield None, [failed(document, error)]
        return
    for document in rest:
        yield from contained([document], context, run=run)


def _key(document: Document) -> tuple[str, str]:
    return document.id, document.path


def failed(document: Document, exc: BaseException) -> Rejected:
    """The rejection of a document whose analysis raised ``exc``."""
    message = str(exc).replace("\n", " ").strip()
    if len(message) > 300:
        message = message[:297] + "..."
    return Rejected(document.path, "analyse",
                    f"could not be analysed ({type(exc).__name__}: {message}); rejected "
                    "alone, the other documents went on")


__all__ = ["Engine", "Lost", "contained", "failed"]
