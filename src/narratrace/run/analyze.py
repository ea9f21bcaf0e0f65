"""The orchestrator: read, clean and analyse inputs into a store, then run the corpus stages.

It plans the run (:mod:`.plan`), cleans chunk by chunk (:mod:`.prepare`), hands the chunks to
an engine (:mod:`.engines`), writes each result as it comes back (:mod:`.writer`) and brings
the corpus results up to date (:mod:`.corpus`). Nothing here runs in a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from ..native import return_freed_memory
from ..errors import NarratraceError, StoreError
from ..options import Options
from ..records import hash64
from ..registry import CORPUS_STAGES
from ..stage import CorpusContext, CorpusStage, Models, StageContext
from ..store import Store
from ..types import Document, RawDocument, Rejected
from .corpus import run_corpus_stages
from .engines import engine
from .engines.processes import cpu_cores, local_workers
from .plan import Plan, ProgressHook, fresh_inputs, plan_inputs
from .prepare import prepare_documents
from .writer import save_analysis, save_rejected

#: The longest clean text the per-document stages take: spaCy's ``Language.max_length``, past
#: which its parser refuses a text (and the memory it needs grows with the length).
MAX_ANALYSED_CHARS = 1_000_000


@dataclass
class RunSummary:
    """What one ``analyze`` run did."""

    inputs: int = 0
    documents: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[Rejected] = field(default_factory=list)
    skipped: int = 0  # inputs already complete in the store (incremental runs)
    replaced: int = 0  # stored documents replaced by a changed input at the same path

    @property
    def exit_code(self) -> int:
        """0 when every input was analysed, 3 when some were rejected.

        >>> RunSummary().exit_code, RunSummary(rejected=[Rejected("a", "ingest", "empty")]).exit_code
        (0, 3)
        """
        return 3 if self.rejected else 0


def analyze(paths: Sequence[str | Path], *, store: Store, options: Options = Options(),
            progress: ProgressHook | None = None) -> RunSummary:
    """Read, clean and analyse ``paths`` into ``store``; then run the corpus stages.

    Incremental (``options.incremental``, the default): an input whose content id the store
    already holds is skipped, since its document and annotations were written in one
    transaction (the per-document completion marker); a changed input at the path of a stored
    document replaces it, also when it changed while this run read it (its second read is the
    one analysed). Inputs are read twice (ids and repeated lines first, then chunk by
    chunk), so memory does not grow with the corpus during the per-document phase.

    ``progress(phase, advance, total)`` is told, in order and before each wait: ``read``
    (inputs planned), ``models`` (models loaded in this process; ``total`` is set when they
    are), ``workers`` (``total``: the worker processes starting, None when a Dask cluster
    decides; done when the first result is back), ``analyse`` (documents analysed) and
    ``corpus:NAME`` for each corpus stage (0 of 1 when it starts, 1 when it ends).
    """
    tick = progress or (lambda phase, n, total: None)
    runner = engine(options.engine)
    plan = plan_inputs(paths, store=store, options=options, tick=tick)
    summary = RunSummary(inputs=plan.inputs, duplicates=plan.duplicates, skipped=plan.skipped,
                         rejected=list(plan.rejected))
    save_rejected(store, plan.rejected)
    workers = _workers_started(options, plan.todo)
    loads = _ModelLoads(tick, in_this_process=workers == 0)
    context = StageContext(options=options, models=loads.narratives(plan.todo, summary))
    if not loads.in_this_process:
        loads.done()  # workers load the rest themselves

    def rejected(item: Rejected) -> None:
        summary.rejected.append(item)
        store.add_rejected(item)

    def chunks() -> Iterator[list[Document]]:
        for raws in _batched(fresh_inputs(paths, plan, options=options, on_rejected=rejected),
                             max(1, options.chunk_size)):
            documents, refused = prepare_documents(raws, options=options,
                                                   boilerplate=plan.boilerplate)
            documents, too_long = _within_length(documents)
            refused += too_long
            if refused:
                summary.rejected.extend(refused)
                save_rejected(store, refused)
            if documents:
                loads.for_documents(documents, options)
                yield documents

    if workers != 0:
        tick("workers", 0, workers)
    tick("analyse", 0, plan.todo)
    waiting = workers != 0
    # Paths pass 1 rejected: one read whole in pass 2 (a record half-written then) is no longer
    # a rejection once its document is stored.
    refused_first = {r.path for r in plan.rejected}
    changed: dict[str, str] = {}  # path → id of an input that changed after pass 1 read it
    for analysis, problems in runner.map(chunks(), context, todo=plan.todo):
        if waiting:  # the first result is back: the workers are up
            tick("workers", workers or 1, workers or 1)
            waiting = False
        if analysis is None:  # lost by the engine: store the reasons, not the documents
            summary.rejected.extend(problems)
            save_rejected(store, problems)
            continue
        if not analysis.document.analysed:
            problems = [*problems, _not_analysed(analysis.document, options)]
        problems = [*problems, *plan.notes.pop(analysis.document.path, ())]
        replaces = plan.gone_at.pop(analysis.document.path, [])
        if not plan.seen.ids.has_hash(hash64(analysis.document.id)):
            changed[analysis.document.path] = analysis.document.id
        try:
            save_analysis(store, analysis, problems, replaces=replaces)
        except StoreError:
            raise  # the store itself failed (disk full, server gone): no document can be kept
        except Exception as exc:  # noqa: BLE001 - this document's values: keep the reason, go on
            rejected(Rejected(analysis.document.path, "store",
                              f"could not be stored ({type(exc).__name__}: {str(exc)[:200]})"))
            continue
        summary.replaced += len(replaces)
        if analysis.document.path in refused_first:
            summary.rejected = [r for r in summary.rejected if r.path != analysis.document.path]
        summary.warnings.extend(problems)
        summary.documents += 1
        tick("analyse", 1, plan.todo)
    summary.replaced += _drop_old_versions(store, plan, changed)
    corpus = run_corpus_stages(store, options=options, stages=announced(CORPUS_STAGES, tick),
                               workers=max(1, workers or 0))
    summary.warnings.extend(corpus.warnings)
    return_freed_memory()
    return summary


def announced(stages: Sequence[CorpusStage], tick: ProgressHook) -> tuple[CorpusStage, ...]:
    """The corpus stages, each telling ``tick`` its name when it starts and ends
    (``corpus:NAME``, 0 then 1 of 1) and handing back the heap it freed as it ends
    (:func:`return_freed_memory`); what they compute is unchanged.

    Each stage otherwise starts from what the last one left resident, and peaks over it: on
    the 20,000-document store of ``bench/bench_scale.py`` (``bench/bench_memory.py --layout
    stores``) the claim-families step peaked at 840 MiB, and 755 with the heap handed back
    (the stages after it 714 / 788 -> 463 / 539 MiB).

    >>> seen = []
    >>> stage = CorpusStage("events", requires=(), assigns=(), fn=lambda ctx: {})
    >>> announced([stage], lambda *a: seen.append(a))[0].fn(None), seen
    ({}, [('corpus:events', 0, 1), ('corpus:events', 1, 1)])
    """
    def telling(stage: CorpusStage) -> CorpusStage:
        def fn(ctx: CorpusContext) -> Mapping[str, Any]:
            tick(f"corpus:{stage.name}", 0, 1)
            products = stage.fn(ctx)
            return_freed_memory()
            tick(f"corpus:{stage.name}", 1, 1)
            return products

        return replace(stage, fn=fn)

    return tuple(telling(stage) for stage in stages)


def _workers_started(options: Options, todo: int) -> int | None:
    """How many worker processes the engine starts for ``todo`` documents, for the progress
    line: 0 when this process analyses them (the engines' rule), None when a Dask cluster
    decides."""
    if not todo:
        return 0
    if options.engine == "local":
        n = local_workers(options, todo)
        return n if n > 1 else 0
    if options.engine == "processes":
        return options.workers or cpu_cores()
    return None


class _ModelLoads:
    """Loads models where the wait would otherwise be silent, telling ``tick`` (phase
    ``models``): the narrative model; and when this process analyses the documents, the
    sentence encoder and each language's spaCy pipeline before the first chunk that needs
    them (the stages would load the same cached objects on first use; workers load their own).
    """

    def __init__(self, tick: ProgressHook, *, in_this_process: bool) -> None:
        self.tick, self.in_this_process = tick, in_this_process
        self.loaded: set[str] = set()

    def _load(self, name: str, load: Callable[[], Any]) -> Any:
        if not self.loaded:
            self.tick("models", 0, None)
        self.loaded.add(name)
        result = load()
        self.tick("models", 1, None)
        return result

    def narratives(self, todo: int, summary: RunSummary) -> Models:
        """The run's :class:`Models` (:func:`_models`), loaded under the ``models`` phase."""
        return self._load("narratives", lambda: _models(todo, summary)) if todo else Models()

    def for_documents(self, documents: Sequence[Document], options: Options) -> None:
        """In this process only: the encoder and the spaCy pipelines ``documents`` need."""
        if not self.in_this_process:
            return
        from .. import nlp

        wanted = ["encoder", *sorted({d.language for d in documents
                                      if d.language in options.languages})]
        missing = [name for name in wanted if name not in self.loaded]
        for name in missing:
            self._load(name, nlp.load_embedder if name == "encoder"
                       else partial(nlp.load_spacy, name))
        if missing:
            self.done()

    def done(self) -> None:
        """Mark the ``models`` phase complete (its total: the models loaded so far)."""
        if self.loaded:
            self.tick("models", 0, len(self.loaded))


def _drop_old_versions(store: Store, plan: Plan, changed: Mapping[str, str]) -> int:
    """Delete the stored versions of inputs whose new version is stored; how many went.

    Two cases the per-document loop leaves: an input that changed after pass 1 read it
    (``changed``: path → the id stored now), whose old version pass 1 took for its current one
    (one pass over the stored paths finds it, made only when some input changed); and an old
    version still listed in ``plan.gone_at`` at the path of an input whose current version was
    already stored (an earlier run stored it beside the old one: a crash between the two
    writes, or the case above before it was handled), found by one pass over the input paths.

    >>> from narratrace.store import open_store
    >>> _drop_old_versions(open_store(":memory:"), plan_inputs([], store=open_store(":memory:"),
    ...     options=Options(), tick=lambda *a: None), {})
    0
    """
    old: list[str] = []
    if changed:
        old += [doc_id for doc_id, path in store.iter_document_paths()
                if path in changed and doc_id != changed[path]]
    if plan.gone_at:
        stored = plan.stored_ids
        order = plan.seen.order()
        for index in range(len(plan.seen)):
            path = plan.seen.path(index)
            if path in plan.gone_at and stored.has_hash(int(order[index])):
                old += plan.gone_at.pop(path)
    if old:
        with store.transaction():
            for doc_id in dict.fromkeys(old):
                store.delete_document(doc_id)
    return len(set(old))


def _not_analysed(document: Document, options: Options) -> Rejected:
    """The notice for a document kept without the language stages (its language is not one
    the run analyses, or none was recognised)."""
    which = f"its language ({document.language})" if document.language else \
        "no language could be recognised in it, so it"
    return Rejected(document.path, "nlp",
                    f"{which} is not analysed (this run analyses {', '.join(options.languages)}): "
                    "the document is stored and searchable, without entities, attributions, "
                    "dates or claims")


def _within_length(documents: list[Document]) -> tuple[list[Document], list[Rejected]]:
    """The documents the per-document stages can take, and the rejection of each longer one."""
    kept: list[Document] = []
    refused: list[Rejected] = []
    for document in documents:
        if len(document.text) > MAX_ANALYSED_CHARS:
            refused.append(Rejected(
                document.path, "analyse",
                f"the clean text is {len(document.text):,} characters, over the "
                f"{MAX_ANALYSED_CHARS:,} one document may have; split it into its articles "
                "(one per file, JSON Lines record or CSV row)"))
        else:
            kept.append(document)
    return kept, refused


def _models(todo: int, summary: RunSummary) -> Models:
    """The models the stages use, loaded once in this process when there is work; a missing
    model is a warning (its stage then adds nothing), not a failed run."""
    if not todo:
        return Models()
    from ..narratives import load_model

    try:
        return Models(narratives=load_model())
    except NarratraceError as exc:
        summary.warnings.append(Rejected("<model>", "narratives", str(exc)))
        return Models()


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["MAX_ANALYSED_CHARS", "RunSummary", "analyze", "announced", "return_freed_memory"]
