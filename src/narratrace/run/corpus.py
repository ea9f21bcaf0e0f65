"""The corpus runner: what the stored documents say together, kept up to date run after run.

The corpus stages (:data:`narratrace.registry.CORPUS_STAGES`: entities merged across documents,
speakers linked to them, text reuse, claim families, their origins, events) run over the whole
store, so ``analysis.json`` always reflects every stored document. A run after new documents
were added does not start over:

* **pairwise work is cached in the store** (``pairs`` table) by the stages that compare pairs
  (reuse, claim families): each pair is a pure function of its two items, so it stays valid
  while both are stored; a deleted or replaced document takes its pairs with it;
* **only new items are searched for neighbours**: same-story candidates and claim neighbours
  are kept as bounded neighbour lists (each pair with the side that lists it), and a run
  after documents were added compares only their items with every item and updates the lists
  they enter (:func:`narratrace.reuse.neighbour_lists`); a run after a deletion searches every
  item again, since a list that lost an item takes its next best;
* **the rest is recomputed from those pairs**, because it is global by definition (entity
  merge, same-story scores, family clustering, origins, events: most of an incremental run's
  CPU, ``bench/bench_scale.py`` prints it by stage);
* **writes touch only what changed**: per-document rows the corpus stages rewrite (linked
  speakers, claim families) are rewritten only for documents whose rows differ;
* **a document kind a corpus stage needs but the store lacks** (a store written before the
  per-document stage existed, or a document whose stage failed) is back-filled first by running
  that kind's own per-document stage on the stored records it requires.

The result equals a full run over the same documents (``tests/test_corpus_incremental.py``)
while the full run's neighbour search is exhaustive (up to ``CELL * PROBE`` = 8,192 items of
a kind: documents with a story embedding, or claims); past that a full run searches an
approximate index, and a grown store holds its lists updated exactly, so the two may differ
in the pairs the index misses. ``Options(incremental=False)`` forgets the cached pairs and
recomputes everything. The whole
update is one transaction, so a crash leaves the previous corpus results intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import PipelineError
from ..options import Options
from ..records import kind, names
from ..registry import CORPUS_STAGES, DOC_STAGES
from ..stage import CorpusContext, CorpusStage, DocStage, StageContext, check_corpus_stages
from ..store import Store
from ..types import DocAnalysis, Document
from ..version import __version__

#: Documents back-filled per call of a stage (a batched stage embeds them together).
BACKFILL_CHUNK = 200


@dataclass(frozen=True, slots=True)
class CorpusRun:
    """What one :func:`run_corpus_stages` call did (for progress lines and tests)."""

    documents: int  # stored documents the corpus results now cover
    new: int  # documents compared with the others for the first time
    gone: int  # documents deleted or replaced since the last run (their pairs dropped)
    full: bool  # cached pairs were forgotten and everything recomputed
    copy_checks: int = 0  # LSH candidates verified exactly in this run
    story_pairs: int = 0  # same-story candidate pairs stored or changed in this run
    claim_pairs: int = 0  # claim-neighbour pairs stored or changed in this run
    backfilled: int = 0  # document kinds computed here for documents stored without them


def run_corpus_stages(store: Store, *, options: Options = Options(),
                      stages: Sequence[CorpusStage] = CORPUS_STAGES) -> CorpusRun:
    """Bring the corpus results up to date with the documents in ``store``.

    Incremental unless ``options.incremental`` is False: only documents added since the last
    call are compared with the others; the result is the one a full run gives.
    """
    check_corpus_stages(stages)
    with store.transaction():
        return _run(store, options, stages)


def pairs_stamp(stages: Sequence[CorpusStage] = CORPUS_STAGES) -> str:
    """What cached pairs depend on besides their two items: the code version and the
    thresholds of the stages that keep pairs."""
    return "; ".join([f"narratrace {__version__}", *(s.stamp for s in stages if s.stamp)])


def _run(store: Store, options: Options, stages: Sequence[CorpusStage]) -> CorpusRun:
    documents = list(store.documents())
    ids = {d.id for d in documents}
    # Cached pairs are valid for the code and thresholds that computed them: a store made by
    # another narratrace version (or with other pair thresholds) starts over once.
    stamp, stored = [{"pairs": pairs_stamp(stages)}], store.corpus("corpus_stamp")
    full = not options.incremental or bool(stored) and stored != stamp
    if stored != stamp:
        store.replace_corpus("corpus_stamp", stamp)
    if full:
        store.drop_pairs()
    known = set() if full else store.corpus_docs()
    gone = known - ids
    if gone:
        store.drop_pairs(gone)
    new = ids - known

    ctx = CorpusContext(store=store, options=options, documents=documents, new=new, gone=gone,
                        full=full)
    backfilled, refreshed = _backfill(ctx, {r for s in stages for r in s.requires})
    ctx.new = ctx.new | refreshed  # their items (a story embedding) may be new to the lists
    corpus_kinds = set(names(scope="corpus"))
    for done, stage in enumerate(stages, 1):
        products = stage.fn(ctx)
        if set(products) != set(stage.assigns):
            raise PipelineError(f"Corpus stage {stage.name!r} returned {sorted(products)} but "
                                f"declares {list(stage.assigns)}.")
        for name, value in products.items():
            ctx.products[name] = value
            if name in corpus_kinds:
                spec = kind(name, scope="corpus")
                store.replace_corpus(name, (spec.to_row(r) for r in value))  # row by row
        _release(ctx, stages[done:])
    store.add_corpus_docs(sorted(new))
    return CorpusRun(documents=len(documents), new=len(new), gone=len(gone), full=full,
                     copy_checks=ctx.counts.get("copy_checks", 0),
                     story_pairs=ctx.counts.get("story_pairs", 0),
                     claim_pairs=ctx.counts.get("claim_pairs", 0), backfilled=backfilled)


def _release(ctx: CorpusContext, later: Sequence[CorpusStage]) -> None:
    """Let go of the stored rows read and the products made that no ``later`` stage requires:
    what the corpus run holds shrinks stage by stage instead of keeping every kind it read
    until the end (on the 5,000-document store of ``bench/bench_scale.py``, tracemalloc: the
    mentions and attributions the entity stage reads take 22 MiB, the story, claim and
    sentence vectors 109 MiB)."""
    needed = {r for stage in later for r in stage.requires}
    for name in [n for n in ctx.products if n not in needed]:
        del ctx.products[name]
    for name in names(scope="document"):
        if name not in needed:
            ctx.forget(name)


def _backfill(ctx: CorpusContext, wanted: set[str],
              stages: Sequence[DocStage] = DOC_STAGES) -> tuple[int, set[str]]:
    """Run the per-document stage of each wanted one-row-per-document kind on the stored
    documents that lack it (or hold an incomplete one), from the stored records it requires.
    Returns how many kinds were computed, and for which documents."""
    done = 0
    which: set[str] = set()
    by_id = {d.id: d for d in ctx.documents}
    for stage in stages:
        kinds = [k for k in stage.assigns if k in wanted and kind(k).one]
        if not kinds or "parse" in stage.requires:
            continue  # only kinds whose stage can run from stored records
        complete = {name: _complete_docs(ctx, stage, name, by_id) for name in kinds}
        todo = [d for d in ctx.documents
                if (stage.every_document or d.analysed)
                and any(d.id not in complete[name] for name in kinds)]
        for lo in range(0, len(todo), BACKFILL_CHUNK):
            chunk = todo[lo:lo + BACKFILL_CHUNK]
            got = [_stored_analysis(ctx, d, stage.requires) for d in chunk]
            if stage.batch_fn is not None:
                outs = list(stage.batch_fn(got, StageContext(options=ctx.options)))
            else:
                assert stage.fn is not None
                outs = [stage.fn(d, None, g, StageContext(options=ctx.options))
                        for d, g in zip(chunk, got, strict=True)]
            for document, out in zip(chunk, outs, strict=True):
                for name in kinds:
                    if out.get(name) is not None:
                        ctx.store.replace_annotations(document.id, name,
                                                      [kind(name).to_row(out[name])])
            done += len(chunk)
            which.update(d.id for d in chunk)
        for name in kinds:
            ctx.forget(name)
    return done, which


def _complete_docs(ctx: CorpusContext, stage: DocStage, name: str,
                   by_id: dict[str, Document]) -> set[str]:
    """The stored documents whose row of the one-row kind ``name`` is there and complete,
    read a page at a time and not kept: the stage that needs the rows reads them when it
    runs (kept from here, the vectors and the event sentences of every document were held
    through every corpus stage before theirs: 109 and 22 MiB on 5,000 documents, above)."""
    spec = kind(name)
    have: set[str] = set()
    for row in ctx.store.iter_annotations(name):
        record = spec.from_row(row)
        document = by_id.get(record.doc)
        if document is not None and (stage.incomplete is None
                                     or not stage.incomplete(document, record)):
            have.add(record.doc)
    return have


def _stored_analysis(ctx: CorpusContext, document: Document, requires: Sequence[str]) -> DocAnalysis:
    """The stored products ``requires`` names for one document, as a DocAnalysis."""
    values: dict[str, Any] = {}
    for name in requires:
        if name in ("text", "published"):
            continue
        spec = kind(name, scope="document")
        rows = ctx.store.annotations(name, doc=document.id)
        if spec.one:
            if rows:
                values[name] = spec.from_row(rows[0])
        else:
            values[name] = tuple(spec.from_row(r) for r in rows)
    return DocAnalysis(document=document, **values)


__all__ = ["BACKFILL_CHUNK", "CorpusRun", "pairs_stamp", "run_corpus_stages"]
