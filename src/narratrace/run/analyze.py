"""The orchestrator: read, clean and analyse inputs into a store, then run the corpus stages.

It plans the run (:mod:`.plan`), cleans chunk by chunk (:mod:`.prepare`), hands the chunks to
an engine (:mod:`.engines`), writes each result as it comes back (:mod:`.writer`) and brings
the corpus results up to date (:mod:`.corpus`). Nothing here runs in a worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NarratraceError, StoreError
from ..options import Options
from ..stage import Models, StageContext
from ..store import Store
from ..types import Document, RawDocument, Rejected
from .corpus import run_corpus_stages
from .engines import engine
from .plan import ProgressHook, fresh_inputs, plan_inputs
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
    document replaces it. Inputs are read twice (ids and repeated lines first, then chunk by
    chunk), so memory does not grow with the corpus during the per-document phase.
    """
    tick = progress or (lambda phase, n, total: None)
    runner = engine(options.engine)
    plan = plan_inputs(paths, store=store, options=options, tick=tick)
    summary = RunSummary(inputs=plan.inputs, duplicates=plan.duplicates, skipped=plan.skipped,
                         rejected=list(plan.rejected))
    save_rejected(store, plan.rejected)
    context = StageContext(options=options, models=_models(plan.todo, summary))

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
                yield documents

    tick("analyse", 0, plan.todo)
    for analysis, problems in runner.map(chunks(), context, todo=plan.todo):
        if analysis is None:  # lost by the engine: store the reasons, not the documents
            summary.rejected.extend(problems)
            save_rejected(store, problems)
            continue
        if not analysis.document.analysed:
            problems = [*problems, _not_analysed(analysis.document, options)]
        problems = [*problems, *plan.notes.pop(analysis.document.path, ())]
        replaces = plan.gone_at.pop(analysis.document.path, [])
        try:
            save_analysis(store, analysis, problems, replaces=replaces)
        except StoreError:
            raise  # the store itself failed (disk full, server gone): no document can be kept
        except Exception as exc:  # noqa: BLE001 - this document's values: keep the reason, go on
            rejected(Rejected(analysis.document.path, "store",
                              f"could not be stored ({type(exc).__name__}: {str(exc)[:200]})"))
            continue
        summary.replaced += len(replaces)
        summary.warnings.extend(problems)
        summary.documents += 1
        tick("analyse", 1, plan.todo)
    tick("corpus", 0, None)
    run_corpus_stages(store, options=options)
    return summary


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


__all__ = ["MAX_ANALYSED_CHARS", "RunSummary", "analyze"]
