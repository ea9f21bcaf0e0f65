"""What a stage is: the declarations every stage package makes in its ``stage.py``.

A stage declares what it needs and what it adds (spaCy's ``requires=`` / ``assigns=``), on both
sides of a run:

* a :class:`DocStage` runs on one document (in this process, a worker process or a Dask
  worker): ``fn(document, parsed, got, ctx)`` reads the products of earlier stages from ``got``
  (a :class:`~narratrace.types.DocAnalysis`) and returns its own, keyed by the names it
  assigns. A batched stage (``batch_fn``) gets a group of documents at once (one embedder call
  for all of them).
* a :class:`CorpusStage` runs over the store after the documents are written:
  ``fn(ctx)`` reads stored kinds and earlier corpus products from a :class:`CorpusContext` and
  returns its products; the corpus kinds among them are written by the corpus runner.

Options and models come in through a :class:`StageContext`, products go out through typed
fields: an option and a product can never share a name. The registry of stages and their order
is :mod:`narratrace.registry`; the runners are in :mod:`narratrace.run`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import PipelineError
from .options import Options
from .records import kind as stored_kind
from .records import names
from .store import Store
from .types import DocAnalysis, Document

#: What every document brings before any stage runs.
PROVIDED: tuple[str, ...] = ("text", "parse", "published")
#: The products a DocStage may assign: the typed fields of DocAnalysis.
PRODUCTS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(DocAnalysis) if f.name != "document")


@dataclass(frozen=True, slots=True)
class Models:
    """Models loaded once per process and handed to the stages that use them."""

    narratives: Any | None = None  # narratrace.narratives.NarrativeModel; None: not installed


@dataclass(frozen=True, slots=True)
class StageContext:
    """What a per-document stage reads besides the document: the run's options and models."""

    options: Options = Options()
    models: Models = Models()


DocFn = Callable[[Document, Any, DocAnalysis, StageContext], Mapping[str, Any]]
BatchFn = Callable[[Sequence[DocAnalysis], StageContext], Sequence[Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class DocStage:
    """A per-document stage. Exactly one of ``fn`` (one document and its parse) and
    ``batch_fn`` (a group of documents, no parse) is given. ``every_document``: it also runs
    on documents whose language is not analysed (no parse, no other products).

    >>> DocStage("x", requires=("text",), assigns=("dates",))
    Traceback (most recent call last):
    ...
    narratrace.errors.PipelineError: Stage 'x' needs exactly one of fn and batch_fn.
    """

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    fn: DocFn | None = None
    batch_fn: BatchFn | None = None
    every_document: bool = False
    #: A stored product this says is incomplete (an older store's) is back-filled too.
    incomplete: Callable[[Document, Any], bool] | None = None

    def __post_init__(self) -> None:
        if (self.fn is None) == (self.batch_fn is None):
            raise PipelineError(f"Stage {self.name!r} needs exactly one of fn and batch_fn.")
        unknown = [a for a in self.assigns if a not in PRODUCTS]
        if unknown:
            raise PipelineError(f"Stage {self.name!r} assigns {', '.join(unknown)}, which is not a "
                                f"product of a document; the products are {', '.join(PRODUCTS)}.")
        if self.batch_fn is not None and "parse" in self.requires:
            raise PipelineError(f"Stage {self.name!r} is batched and cannot require the parse.")


@dataclass
class CorpusContext:
    """What the corpus stages share during one corpus run: the store, the options, the stored
    documents, which of them are new or gone since the last run, and the products of the stages
    that ran before (:attr:`products`). Stored kinds are read once, decoded, with :meth:`read`."""

    store: Store
    options: Options
    documents: list[Document]
    new: set[str]
    gone: set[str]
    full: bool
    products: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    #: How a neighbour search runs its parts, and how many to make: ``map`` in this process,
    #: or a cluster's (:func:`narratrace.run.engines.dask.corpus_mapper`).
    mapper: Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]] = map
    parts: int = 1
    _read: dict[str, list[Any]] = field(default_factory=dict)

    def read(self, kind: str) -> list[Any]:
        """Every stored row of the document kind ``kind``, as records (cached for the run;
        :meth:`forget` after a stage rewrites them)."""
        if kind not in self._read:
            spec = stored_kind(kind, scope="document")
            # A page of decoded rows at a time: never every row as JSON and as a record at once.
            self._read[kind] = [spec.from_row(row) for row in self.store.iter_annotations(kind)]
        return self._read[kind]

    def stream(self, kind: str, *, page_size: int = 2_000) -> Iterator[Any]:
        """Every stored row of the document kind ``kind``, as records, ``page_size`` rows at a
        time and not kept (the cached rows when :meth:`read` holds them): for a stage that
        takes what it needs from each row (decoded vectors, not their base64 text)."""
        if kind in self._read:
            yield from self._read[kind]
            return
        spec = stored_kind(kind, scope="document")
        for row in self.store.iter_annotations(kind, page_size=page_size):
            yield spec.from_row(row)

    def forget(self, kind: str) -> None:
        self._read.pop(kind, None)

    def __getitem__(self, name: str) -> Any:
        """A product of an earlier corpus stage."""
        return self.products[name]


CorpusFn = Callable[[CorpusContext], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class CorpusStage:
    """A corpus stage: ``fn(ctx)`` returns its products by name; those that are corpus kinds
    (:data:`narratrace.records.KINDS`) are written to the store by the corpus runner.
    ``stamp``: what the pairs it caches in the store depend on besides the two items (its
    thresholds); when a stamp changes, every cached pair is forgotten once."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    fn: CorpusFn
    stamp: str = ""


def check_stages(stages: Sequence[DocStage], *, provided: Iterable[str] = PROVIDED) -> None:
    """Refuse a stage list whose requirements are not produced by an earlier stage.

    >>> check_stages([DocStage("x", requires=("mentions",), assigns=("framing",), fn=print)])
    Traceback (most recent call last):
    ...
    narratrace.errors.PipelineError: Stage 'x' needs mentions, which no earlier stage produces; add the producing stage before it.
    """
    have = set(provided)
    for stage in stages:
        _check(stage.name, stage.requires, have)
        have.update(stage.assigns)


def check_corpus_stages(stages: Sequence[CorpusStage], *,
                        provided: Iterable[str] = ("documents",)) -> None:
    """:func:`check_stages` for corpus stages: a requirement is a stored document kind or a
    product of an earlier corpus stage."""
    have = set(provided) | set(names(scope="document"))
    for stage in stages:
        _check(stage.name, stage.requires, have)
        have.update(stage.assigns)


def _check(name: str, requires: Iterable[str], have: set[str]) -> None:
    missing = [r for r in requires if r not in have]
    if missing:
        raise PipelineError(f"Stage {name!r} needs {', '.join(missing)}, which no earlier "
                            "stage produces; add the producing stage before it.")


__all__ = ["PRODUCTS", "PROVIDED", "CorpusContext", "CorpusStage", "DocStage", "Models",
           "StageContext", "check_corpus_stages", "check_stages"]
