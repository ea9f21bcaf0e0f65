"""The corpus runner: what the stored documents say together, kept up to date run after run.

The corpus stages (:data:`narratrace.registry.CORPUS_STAGES`: entities merged across documents,
speakers linked to them, text reuse, claim families, their origins, events) run over the whole
store, so ``analysis.json`` always reflects every stored document. A run after new documents
were added does not start over:

* **pairwise work is cached in the store** (``pairs`` table) by the stages that compare pairs
  (reuse, claim families): each pair is a pure function of its two items, so it stays valid
  while both are stored; a deleted or replaced document takes its pairs with it;
* **only new items are searched for neighbours**: copy candidates are looked up for the new
  documents' signatures only (the stored copies stand for the others); same-story
  candidates and claim neighbours are kept as bounded neighbour lists (each pair with the
  side that lists it), and a run after documents were added compares only their items with
  every item and updates the lists they enter (:func:`narratrace.reuse.neighbour_lists`); a
  run after a deletion searches every item again, since a list that lost an item takes its
  next best;
* **claim families are clustered with frozen corpus statistics**, counted at a full run or a
  refresh (:data:`narratrace.claims.stage.STATS_GROWTH`), and only the components of linked
  claims and the denials whose fingerprint changed are done again (the others keep their stored
  families and answers; what can differ from a fresh run is stated in
  :mod:`narratrace.claims.stage`); what each claim's own words give (whether it denies, the
  figures, amounts and actions it states) is kept too, and worked out for new claims only
  (:class:`narratrace.claims._incremental.ClaimFacts`);
* **origins are traced again only for families whose inputs changed**: a fingerprint of what
  a family's trace reads (its claims, their documents and lineage, its deniers, the outlets;
  :func:`narratrace.provenance.stage.family_inputs`) is kept per family, and a family whose
  fingerprint is unchanged keeps its stored trace;
* **the rest is recomputed from those pairs**, because it is global by definition (entity
  merge, same-story scores, the links of every claim family, events: most of an incremental
  run's CPU,
  ``bench/bench_scale.py`` prints it by stage);
* **a run with nothing new keeps the last results**: no document added, replaced, deleted or
  back-filled, and the same code, thresholds, options and outlet registry
  (:func:`inputs_stamp`), so the stages would compute what is stored;
* **writes touch only what changed**: per-document rows the corpus stages rewrite (linked
  speakers, claim families) are rewritten only for documents whose rows differ; a claim
  family whose trace is kept stays the JSON text stored for it (:class:`~narratrace.store.KeptRows`),
  neither decoded nor encoded again;
* **a document kind a corpus stage needs but the store lacks** (a store written before the
  per-document stage existed, or a document whose stage failed) is back-filled first by running
  that kind's own per-document stage on the stored records it requires, under the stage
  budget; a document where that stage was stopped at its budget is left without it (its
  stored warning says so). A run of the same code and options checks only the new documents,
  those with a stored warning and those holding no row of the kind: a document an earlier run
  covered held a complete row then.

The result equals a full run over the same documents (``tests/test_corpus_incremental.py``)
given the same frozen claim statistics (equal after each refresh), while no LSH bucket of
copy candidates has grown past its cap (above) and the full run's neighbour search is exhaustive (up to ``CELL * PROBE`` = 8,192 items of
a kind: documents with a story embedding, or claims); past that a full run searches an
approximate index, and a grown store holds its lists updated exactly, so the two may differ
in the pairs the index misses. ``Options(incremental=False)`` forgets the cached pairs and
recomputes everything. The whole
update is one transaction, so a crash leaves the previous corpus results intact.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PipelineError
from ..options import Options
from ..provenance import load_outlets
from ..records import kind, names
from ..reuse import Mapper
from ..registry import CORPUS_STAGES, DOC_STAGES
from ..stage import CorpusContext, CorpusStage, DocStage, StageContext, check_corpus_stages
from ..store import KeptRows, Store
from ..types import DocAnalysis, Document, Rejected
from ..version import __version__
from .document import run_stage, was_stopped

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
    traced: int = 0  # claim families whose origins were traced (the others' inputs were unchanged)
    clustered: int = 0  # components of linked claims clustered (the others' families were kept)
    relinked: int = 0  # denials linked to what they answer (the others kept their answer)
    kept: bool = False  # nothing changed since the last run: its results were kept as they are
    #: Back-filled stages that failed or were stopped at their budget (also in the store).
    warnings: tuple[Rejected, ...] = ()


def run_corpus_stages(store: Store, *, options: Options = Options(),
                      stages: Sequence[CorpusStage] = CORPUS_STAGES, workers: int = 1) -> CorpusRun:
    """Bring the corpus results up to date with the documents in ``store``.

    Incremental unless ``options.incremental`` is False: only documents added since the last
    call are compared with the others; the result is the one a full run gives. ``workers``
    (local engines): processes the stages' parts may run on (this one and helpers started
    when a stage first maps its parts, :func:`~.engines.processes.corpus_mapper`); ``analyze``
    passes the number its per-document phase used. The results are the same for any number.
    """
    check_corpus_stages(stages)
    if options.engine == "dask":
        from .engines.dask import corpus_mapper

        with corpus_mapper(options) as (mapper, parts), store.transaction():
            return _run(store, options, stages, mapper=mapper, parts=parts)
    from .engines.processes import corpus_mapper as local_mapper

    with local_mapper(workers) as (mapper, parts), store.transaction():
        return _run(store, options, stages, mapper=mapper, parts=parts)


def pairs_stamp(stages: Sequence[CorpusStage] = CORPUS_STAGES) -> str:
    """What cached pairs depend on besides their two items: the code version and the
    thresholds of the stages that keep pairs."""
    return "; ".join([f"narratrace {__version__}", *(s.stamp for s in stages if s.stamp)])


#: Options that change how a run is carried out, not what the corpus stages compute.
_RUN_ONLY = ("quiet", "incremental", "engine", "scheduler", "workers", "chunk_size", "n_process",
             "batch_size", "stage_budget")


def inputs_stamp(options: Options, stages: Sequence[CorpusStage] = CORPUS_STAGES) -> str:
    """What the corpus results depend on besides the stored documents: the code (its version,
    thresholds and source files, so that a changed rule counts between two releases), the
    options the stages read and the outlet registry.

    >>> inputs_stamp(Options(quiet=True)) == inputs_stamp(Options(workers=3))
    True
    >>> inputs_stamp(Options()) == inputs_stamp(Options(same_story_threshold=0.7))
    False
    """
    neutral = Options()
    what = repr((pairs_stamp(stages), _source_digest(),
                 dataclasses.replace(options, **{f: getattr(neutral, f) for f in _RUN_ONLY}),
                 load_outlets()))
    return hashlib.blake2b(what.encode("utf-8"), digest_size=16).hexdigest()


def _source_digest() -> str:
    """A digest of the package's source and data files (a few ms to read)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".tsv", ".txt", ".csv"):
            digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


#: Pair kinds that cache corpus results rather than pure functions of two items (the traced
#: origins of each claim family): forgotten when the code, options or registry change.
_RESULT_PAIRS = ("origins", "claim_stats", "claim_group", "claim_denial", "claim_facts")


def _run(store: Store, options: Options, stages: Sequence[CorpusStage], *,
         mapper: Mapper = map, parts: int = 1) -> CorpusRun:
    documents = list(store.documents())
    ids = {d.id for d in documents}
    # Cached pairs are valid for the code and thresholds that computed them: a store made by
    # another narratrace version (or with other pair thresholds) starts over once.
    stamp, stored = [{"pairs": pairs_stamp(stages)}], store.corpus("corpus_stamp")
    full = not options.incremental or bool(stored) and stored[:1] != stamp
    if stored[:1] != stamp:
        store.replace_corpus("corpus_stamp", stamp)
    if full:
        store.drop_pairs()
    known = set() if full else store.corpus_docs()
    gone = known - ids
    if gone:
        store.drop_pairs(gone)
    new = ids - known

    ctx = CorpusContext(store=store, options=options, documents=documents, new=new, gone=gone,
                        full=full, mapper=mapper, parts=parts)
    inputs = [*stamp, {"inputs": inputs_stamp(options, stages)}]
    # A document an earlier run of this code covered had a complete row of every kind its
    # stages need then (back-filled, or left without where its stage failed or stopped, with a
    # warning stored): only new documents, those with a warning and those without a row are
    # checked, unless the code or the options changed since.
    check = None
    if not full and stored[1:] == inputs[1:]:
        warned = {p.path for p in store.rejected()}
        check = new | {d.id for d in documents if d.path in warned}
    backfilled, refreshed, warnings = _backfill(ctx, {r for s in stages for r in s.requires},
                                                check=check)
    ctx.new = ctx.new | refreshed  # their items (a story embedding) may be new to the lists
    if stored[1:] != inputs[1:]:
        for pair_kind in _RESULT_PAIRS:
            store.drop_pair_keys(pair_kind, [(p["a"], p["b"]) for p in store.pairs(pair_kind)])
    elif not (full or ctx.new or gone):
        # The documents, their stored kinds, the code and the options are those of the last
        # run: its results are this run's.
        return CorpusRun(documents=len(documents), new=0, gone=0, full=False, kept=True,
                         warnings=tuple(warnings))
    corpus_kinds = set(names(scope="corpus"))
    # What a stage finds made before it (documents, earlier products, cached rows) is left out
    # of the cyclic collector's passes while it runs: its full passes walked every object of
    # the run again and again (100 documents into the 5,000-document bench store: 9.8 → 9.0 s
    # of CPU; with the collector off altogether 8.4 s, but a full run then peaked 15 MiB
    # higher). The stages leave no cyclic garbage (none found when the run ends), so nothing
    # is kept longer. Not where something else in the process froze objects: unfreezing
    # would thaw its objects too.
    freeze = gc.isenabled() and gc.get_freeze_count() == 0
    try:
        for done, stage in enumerate(stages, 1):
            if freeze:
                gc.freeze()
            products = stage.fn(ctx)
            if set(products) != set(stage.assigns):
                raise PipelineError(f"Corpus stage {stage.name!r} returned {sorted(products)} but "
                                    f"declares {list(stage.assigns)}.")
            for name, value in products.items():
                ctx.products[name] = value
                if name in corpus_kinds:
                    spec = kind(name, scope="corpus")
                    # row by row; a kept row as the text stored (not decoded, not encoded)
                    store.replace_corpus(name, value.rows(spec.to_row) if isinstance(value, KeptRows)
                                         else (spec.to_row(r) for r in value))
            _release(ctx, stages[done:])
    finally:
        if freeze:
            gc.unfreeze()
    store.add_corpus_docs(sorted(new))
    store.replace_corpus("corpus_stamp", inputs)
    return CorpusRun(documents=len(documents), new=len(new), gone=len(gone), full=full,
                     copy_checks=ctx.counts.get("copy_checks", 0),
                     story_pairs=ctx.counts.get("story_pairs", 0),
                     claim_pairs=ctx.counts.get("claim_pairs", 0), backfilled=backfilled,
                     warnings=tuple(warnings),
                     traced=ctx.counts.get("traced_families", 0),
                     clustered=ctx.counts.get("clustered_components", 0),
                     relinked=ctx.counts.get("relinked_denials", 0))


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


def _backfill(ctx: CorpusContext, wanted: set[str], stages: Sequence[DocStage] = DOC_STAGES, *,
              check: set[str] | None = None) -> tuple[int, set[str], list[Rejected]]:
    """Run the per-document stage of each wanted one-row-per-document kind on the stored
    documents that lack it (or hold an incomplete one), from the stored records it requires.
    With ``check``, a document outside it that holds a row of the kind is taken as complete
    (its row is not read). Returns how many kinds were computed, for which documents, and the
    stage's warnings."""
    done = 0
    which: set[str] = set()
    warned: list[Rejected] = []
    for stage in stages:
        kinds = [k for k in stage.assigns if k in wanted and kind(k).one]
        if not kinds or "parse" in stage.requires:
            continue  # only kinds whose stage can run from stored records
        look = check
        if look is not None:
            look = look.union(*({d.id for d in ctx.documents} - ctx.store.annotated_docs(name)
                                for name in kinds))
        by_id = {d.id: d for d in ctx.documents if look is None or d.id in look}
        whole = look is None or 2 * len(by_id) > len(ctx.documents)
        complete = {name: _complete_docs(ctx, stage, name, by_id, whole=whole) for name in kinds}
        todo = [d for d in ctx.documents
                if (stage.every_document or d.analysed) and d.id in by_id
                and any(d.id not in complete[name] for name in kinds)]
        if todo:  # not the documents where the stage was stopped at its budget (stored warning)
            stopped = {p.path for p in ctx.store.rejected() if was_stopped(p, stage)}
            todo = [d for d in todo if d.path not in stopped]
        for lo in range(0, len(todo), BACKFILL_CHUNK):
            chunk = todo[lo:lo + BACKFILL_CHUNK]
            got, problems = run_stage(stage, [_stored_analysis(ctx, d, stage.requires) for d in chunk],
                                      context=StageContext(options=ctx.options))
            for document, analysis, warnings in zip(chunk, got, problems, strict=True):
                for name in kinds:
                    if (value := getattr(analysis, name)) is not None:
                        ctx.store.replace_annotations(document.id, name, [kind(name).to_row(value)])
                for warning in warnings:
                    ctx.store.add_rejected(warning)
                    warned.append(warning)
            done += len(chunk)
            which.update(d.id for d in chunk)
        for name in kinds:
            ctx.forget(name)
    return done, which, warned


def _complete_docs(ctx: CorpusContext, stage: DocStage, name: str,
                   by_id: dict[str, Document], *, whole: bool = True) -> set[str]:
    """The documents of ``by_id`` whose stored row of the one-row kind ``name`` is there and
    complete, read a page at a time and not kept: the stage that needs the rows reads them
    when it runs (kept from here, the vectors and the event sentences of every document were
    held through every corpus stage before theirs: 109 and 22 MiB on 5,000 documents, above).
    Not ``whole``: ``by_id`` is a few documents, whose rows are read one document at a time."""
    spec = kind(name)
    have: set[str] = set()
    rows = ctx.store.iter_annotations(name) if whole else \
        (row for doc in sorted(by_id) for row in ctx.store.annotations(name, doc=doc))
    for row in rows:
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
