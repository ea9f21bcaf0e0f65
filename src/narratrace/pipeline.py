"""Assemble the stages and run them over a corpus.

Per-document stages are pure functions ``(Document, parsed Doc, context) -> records`` that
declare what they need and what they add; :func:`check_stages` verifies the chain before a run
and names the missing producer. Corpus stages run over the store, so ``analysis.json`` always
reflects every document the store holds.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import nlp
from .errors import CleaningError, NarratraceError, PipelineError, UsageError
from .options import Options
from .store import Store
from .types import (Attribution, DateMention, DocAnalysis, Document, Framing, NarrativeLabel,
                    RawDocument, Rejected)

ProgressHook = Callable[[str, int, int | None], None]  # (phase, advance, total)


# --------------------------------------------------------------------------- stage registry

@dataclass(frozen=True, slots=True)
class DocStage:
    """A per-document stage: ``fn(document, parsed, ctx) -> dict[str, records]``."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    fn: Callable[[Document, Any, dict[str, Any]], dict[str, Any]]


def _stage_mentions(document: Document, parsed: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    from .entities import extract_aliases, extract_mentions

    return {"mentions": tuple(extract_mentions(document, parsed)),
            "aliases": tuple(extract_aliases(document))}


def _stage_attributions(document: Document, parsed: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    from .attribution import extract_attributions

    return {"attributions": tuple(extract_attributions(document, parsed, lang=document.language or "en"))}


def _stage_dates(document: Document, parsed: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    from .dates import extract_dates

    return {"dates": tuple(extract_dates(document, parsed, base_date=document.published))}


def _stage_narratives(document: Document, parsed: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    from .narratives import classify_narratives, frame_entities, score_documents

    model = ctx.get("narrative_model")
    if model is None or document.language != "en":
        # The narrative model is trained on English articles only.
        return {"narratives": (), "framing": ()}
    sentences = nlp.sentence_spans(parsed)
    scores = score_documents(model, [document.text])[0]  # once, for the labels and the roles
    labels = classify_narratives(document, model=model, sentences=sentences, scores=scores)
    framed = [m for m in ctx["mentions"] if m.type in ("person", "organisation", "place", "group")]
    contextual = ctx.get("framing", "contextual") == "contextual"
    return {"narratives": tuple(labels),
            "framing": tuple(frame_entities(document, framed, model=model, contextual=contextual,
                                            scores=scores))}


def _stage_claims(document: Document, parsed: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    from .claims import extract_claims
    from .provenance import extract_citations

    sentences = nlp.sentence_spans(parsed)
    claims = extract_claims(document, attributions=ctx["attributions"], mentions=ctx["mentions"],
                            dates=ctx["dates"], sentences=sentences)
    citations = extract_citations(document, attributions=ctx["attributions"], mentions=ctx["mentions"])
    return {"claims": tuple(claims), "citations": tuple(citations), "sentences": sentences}


def _stage_events(document: Document, parsed: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    from .events import event_candidates

    # The per-document half of the events corpus stage, here so that workers do it in parallel.
    return {"event_candidates": tuple(event_candidates(
        document, dates=ctx["dates"], mentions=ctx["mentions"], sentences=ctx["sentences"]))}


DOC_STAGES: tuple[DocStage, ...] = (
    DocStage("entities", ("text", "parse"), ("mentions", "aliases"), _stage_mentions),
    DocStage("attribution", ("text", "parse"), ("attributions",), _stage_attributions),
    DocStage("dates", ("text", "published"), ("dates",), _stage_dates),
    DocStage("claims", ("text", "parse", "attributions", "mentions", "dates"),
             ("claims", "citations", "sentences"), _stage_claims),
    DocStage("narratives", ("text", "parse", "mentions"), ("narratives", "framing"), _stage_narratives),
    DocStage("events", ("text", "dates", "mentions", "sentences"), ("event_candidates",), _stage_events),
)


def check_stages(stages: Sequence[DocStage], *, provided: Iterable[str] = ("text", "parse", "published")) -> None:
    """Refuse a stage list whose requirements are not produced by an earlier stage."""
    have = set(provided)
    for stage in stages:
        missing = [r for r in stage.requires if r not in have]
        if missing:
            raise PipelineError(f"Stage {stage.name!r} needs {', '.join(missing)}, which no earlier "
                                "stage produces; add the producing stage before it.")
        have.update(stage.assigns)


def analyze_document(document: Document, parsed: Any, *, stages: Sequence[DocStage] = DOC_STAGES,
                     context: dict[str, Any] | None = None) -> tuple[DocAnalysis, list[Rejected]]:
    """Run the per-document stages; a failing stage is recorded, the others still run."""
    ctx: dict[str, Any] = dict(context or {})
    ctx.setdefault("mentions", ())
    problems: list[Rejected] = []
    for stage in stages:
        try:
            ctx.update(stage.fn(document, parsed, ctx))
        except Exception as exc:  # one bad document never stops a run: keep the reason
            problems.append(Rejected(document.path, stage.name, f"{type(exc).__name__}: {exc}"))
            for key in stage.assigns:
                ctx.setdefault(key, ())
    analysis = DocAnalysis(document=document, mentions=ctx.get("mentions", ()),
                           attributions=ctx.get("attributions", ()), dates=ctx.get("dates", ()),
                           narratives=ctx.get("narratives", ()), framing=ctx.get("framing", ()),
                           extra={"aliases": ctx.get("aliases", ()), "claims": ctx.get("claims", ()),
                                  "citations": ctx.get("citations", ()),
                                  "sentences": ctx.get("sentences", ()),
                                  "event_candidates": ctx.get("event_candidates")})
    return analysis, problems


# --------------------------------------------------------------------------- run


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
        """0 when every input was analysed, 3 when some were rejected."""
        return 3 if self.rejected else 0


def prepare_documents(raws: Sequence[RawDocument], *, options: Options,
                      boilerplate: frozenset[str] | None = None) -> tuple[list[Document], list[Rejected]]:
    """Clean raw inputs using corpus-level evidence (lines repeated across documents).

    ``boilerplate`` (from :func:`~narratrace.clean.boilerplate_lines`) may be computed over a
    larger set than ``raws``, as :func:`analyze` does when it cleans a corpus chunk by chunk.
    """
    from .clean import LineCounts, boilerplate_lines, clean_document, line_signatures

    if boilerplate is None:
        counts = LineCounts()
        for raw in raws:
            counts.add(line_signatures(raw))
        boilerplate = boilerplate_lines(counts, len(raws))
    documents: list[Document] = []
    rejected: list[Rejected] = []
    for raw in raws:
        try:
            document = clean_document(raw, boilerplate=boilerplate)
        except CleaningError as exc:
            rejected.append(Rejected(raw.path, "clean", str(exc)))
            continue
        except Exception as exc:  # a cleaner bug must not lose the other documents
            rejected.append(Rejected(raw.path, "clean", f"unexpected {type(exc).__name__}: {exc}"))
            continue
        lang = nlp.detect_language(document.text)
        documents.append(dataclasses.replace(document, language=lang,
                                             analysed=lang in options.languages))
    return documents, rejected


Result = tuple[DocAnalysis, list[Rejected]]


def analyze_batch(documents: Sequence[Document], *, options: Options = Options(),
                  context: dict[str, Any] | None = None,
                  stages: Sequence[DocStage] = DOC_STAGES) -> list[Result]:
    """Parse and analyse a batch of cleaned documents (any languages) in this process.

    The unit of work of the Dask engine (one call per partition on a worker); the local engine
    streams the same thing with :func:`iter_batch`. Also attaches each document's reuse
    features (MinHash signature, story embedding), the per-document half of the reuse stage.
    """
    return list(iter_batch(documents, options=options, context=context, stages=stages))


def iter_batch(documents: Sequence[Document], *, options: Options = Options(),
               context: dict[str, Any] | None = None,
               stages: Sequence[DocStage] = DOC_STAGES) -> Iterator[Result]:
    """:func:`analyze_batch`, one result at a time as spaCy yields parses."""
    from threadpoolctl import threadpool_limits

    # spaCy's small matrices gain nothing from numpy's BLAS threads, and those threads spin
    # while torch's OpenMP threads embed, slowing both: one BLAS thread took the
    # whole-pipeline benchmark from 0.23 to 0.29 of spaCy's words/s on 2 cores.
    with threadpool_limits(limits=1, user_api="blas"):
        yield from _iter_batch(documents, options=options, context=context, stages=stages)


def _iter_batch(documents: Sequence[Document], *, options: Options,
                context: dict[str, Any] | None, stages: Sequence[DocStage]) -> Iterator[Result]:
    group: list[Result] = []
    for lang in sorted({d.language for d in documents if d.analysed and d.language}):
        batch = [d for d in documents if d.analysed and d.language == lang]
        for parsed, document in nlp.parse(((d.text, d) for d in batch), lang=lang,
                                          batch_size=options.batch_size, n_process=options.n_process):
            group.append(analyze_document(document, parsed, stages=stages, context=context))
            if len(group) >= options.batch_size:
                yield from _with_features(group)
                group = []
    group.extend((DocAnalysis(document=d), []) for d in documents if not (d.analysed and d.language))
    yield from _with_features(group)


def _with_features(results: Sequence[Result]) -> list[Result]:
    """Attach reuse features to a group of results, embedding the whole group in one call:
    the embedder sorts its inputs by length, so a group's batches pad far less than one
    document's (6.1 s vs 10.4 s for the same 920 texts of 80 news articles, measured here)."""
    features = reuse_features_many([(a.document, a.extra.get("claims", ())) for a, _ in results])
    out: list[Result] = []
    for (analysis, problems), row in zip(results, features, strict=True):
        extra = dict(analysis.extra)
        extra["reuse_features"] = row
        out.append((dataclasses.replace(analysis, extra=extra), problems))
    return out


def reuse_features(document: Document, *, claims: Sequence[Any] = ()) -> dict[str, Any]:
    """The per-document sketches the corpus stages merge: MinHash signature, story embedding
    and one vector per claim, base64 little-endian so they fit a JSON annotation row (and
    cross to a Dask driver). Story sentences and claims go through the embedder in one call,
    and claim vectors are stored so an incremental run never embeds an old claim again."""
    return reuse_features_many([(document, claims)])[0]


def reuse_features_many(items: Sequence[tuple[Document, Sequence[Any]]]) -> list[dict[str, Any]]:
    """:func:`reuse_features` for several documents, with one embedder call for all of them."""
    import numpy as np

    from .reuse import signature, story_sentences

    rows: list[dict[str, Any]] = []
    texts: list[str] = []
    spans: list[tuple[int, int, int]] = []  # per analysed row: (row index, first text, n sentences)
    for document, claims in items:
        rows.append({"doc": document.id,
                     "signature": _b64(np.asarray(signature(document), dtype="<u4"))})
        if document.analysed:
            sentences = story_sentences(document)
            spans.append((len(rows) - 1, len(texts), len(sentences)))
            texts.extend(sentences)
            texts.extend(c.text for c in claims)
    # Each distinct text once (a lead sentence that is also a claim, a reprint's claims): a
    # text's vector does not depend on what it is embedded with, so this changes no vector.
    unique = list(dict.fromkeys(texts))
    where = {text: k for k, text in enumerate(unique)}
    vectors = np.asarray(nlp.embed(unique), dtype="<f4")[[where[t] for t in texts]] \
        if texts else np.zeros((0, 384), dtype="<f4")
    for index, first, n in spans:
        row, claims = rows[index], items[index][1]
        row["embedding"] = _b64(vectors[first:first + n])
        row["rows"] = n
        row["claim_vectors"] = {c.id: _b64(v) for c, v in
                                zip(claims, vectors[first + n:first + n + len(claims)], strict=True)}
    return rows


def _b64(array: Any) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def _unb64(text: str, dtype: str, shape: tuple[int, ...]) -> Any:
    import numpy as np

    return np.frombuffer(base64.b64decode(text), dtype=dtype).reshape(shape)


def _local_engine(chunks: Iterable[list[Document]], *, options: Options,
                  context: dict[str, Any], todo: int = 0) -> Iterator[Result]:
    from ._processes import analyze_in_processes, local_workers

    workers = local_workers(options, todo)
    if workers > 1:
        yield from analyze_in_processes(
            chunks, options=options, workers=workers, narratives="narrative_model" in context,
            framing=options.framing, total=todo,
            in_process=lambda part: iter_batch(part, options=options, context=context))
        return
    for chunk in chunks:
        yield from iter_batch(chunk, options=options, context=context)


def _dask_engine(chunks: Iterable[list[Document]], *, options: Options,
                 context: dict[str, Any], todo: int = 0) -> Iterator[Result]:
    from ._dask import analyze_on_dask  # the only module that imports dask

    yield from analyze_on_dask(chunks, options=options,
                               narratives="narrative_model" in context, framing=options.framing)


#: Engines that run the per-document stages: ``fn(chunks, options=, context=, todo=) -> results``
#: (``todo``: how many documents the chunks hold). A result whose analysis is None is a part
#: the engine lost (a worker died): its reasons are stored, its documents are not.
ENGINES: dict[str, Callable[..., Iterator[Result]]] = {"local": _local_engine, "dask": _dask_engine}


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")


class _KeySet:
    """A growing set of strings held as sorted 64-bit hashes: 8 bytes a member where a ``set``
    of ids or paths takes ~100, so that what ``analyze`` remembers per input stays small."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        import numpy as np

        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()
        for key in keys:
            self.add(key)

    @classmethod
    def from_hashes(cls, hashes: Any) -> _KeySet:
        """A set of the members whose :func:`_hash64` values are ``hashes`` (any order, repeats
        allowed), sorted in one go."""
        import numpy as np

        keys = cls()
        keys._sorted = np.unique(np.asarray(hashes, dtype=np.uint64))
        return keys

    def add(self, key: str) -> bool:
        """Add ``key``; False when it was already there."""
        h = _hash64(key)
        if self._has(h):
            return False
        self._recent.add(h)
        # Fold the recent hashes in once they are an eighth of the sorted ones: each fold
        # copies the array, so folds get rarer as it grows (amortised linear).
        if len(self._recent) >= max(4096, len(self._sorted) >> 3):
            self.hashes()
        return True

    def __contains__(self, key: str) -> bool:
        return self._has(_hash64(key))

    def has_hash(self, h: int) -> bool:
        """Whether a member hashes to ``h`` (a :func:`_hash64` value)."""
        return self._has(h)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def hashes(self) -> Any:
        """The members' hashes, sorted (a numpy ``uint64`` array)."""
        import numpy as np

        if self._recent:
            recent = np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent))
            self._sorted = np.union1d(self._sorted, recent)
            self._recent = set()
        return self._sorted

    def _has(self, h: int) -> bool:
        import numpy as np

        if h in self._recent:
            return True
        pos = int(np.searchsorted(self._sorted, np.uint64(h)))
        return pos < len(self._sorted) and int(self._sorted[pos]) == h


class _Inputs:
    """Ids and paths of the distinct inputs read in pass 1, in read order, compactly: a
    hash per id and the paths utf-8 in one buffer (100k inputs with 40-character paths:
    6.5 MB, where a ``dict`` of the strings took 18 MB, and the sets of pass 2 ~20 more)."""

    def __init__(self) -> None:
        self.ids = _KeySet()
        self._order = array("Q")  # id hash of each input, in read order
        self._ends = array("Q")  # where its path ends in _paths
        self._paths = bytearray()

    def add(self, doc_id: str, path: str) -> bool:
        """Remember an input; False when its id was already read (a duplicate)."""
        if not self.ids.add(doc_id):
            return False
        self._order.append(_hash64(doc_id))
        self._paths += path.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._paths))
        return True

    def __len__(self) -> int:
        return len(self._order)

    def order(self) -> Any:
        """Id hashes in read order (a numpy ``uint64`` array)."""
        import numpy as np

        return np.frombuffer(self._order, dtype=np.uint64) if self._order else np.empty(0, np.uint64)

    def path(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._paths[start:self._ends[index]].decode("utf-8", "surrogatepass")


def analyze(paths: Sequence[str | Path], *, store: Store, options: Options = Options(),
            progress: ProgressHook | None = None) -> RunSummary:
    """Read, clean and analyse ``paths`` into ``store``; then run the corpus stages.

    Incremental (``options.incremental``, the default): an input whose content id the store
    already holds is skipped, since its document and annotations were written in one
    transaction (the per-document completion marker); a changed input at the path of a stored
    document replaces it. Inputs are read twice (ids and repeated lines first, then chunk by
    chunk), so memory does not grow with the corpus during the per-document phase.
    """
    import numpy as np

    from .clean import LineCounts, boilerplate_lines, line_signatures
    from .ingest import iter_inputs

    tick = progress or (lambda phase, n, total: None)
    check_stages(DOC_STAGES)
    if options.engine not in ENGINES:
        raise UsageError(f"Unknown engine {options.engine!r}; choose one of {', '.join(ENGINES)}.")
    summary = RunSummary()

    # Pass 1: ids, paths and repeated-line counts, all in compact form (hashes, one path
    # buffer, LineCounts); no document text is kept, so memory hardly grows with the corpus.
    counts = LineCounts()
    seen = _Inputs()
    for item in iter_inputs(paths, options=options):
        summary.inputs += 1
        tick("read", 1, None)
        if isinstance(item, Rejected):
            summary.rejected.append(item)
        elif not seen.add(item.id, item.path):
            summary.duplicates += 1
        else:
            counts.add(line_signatures(item))
    boiler = boilerplate_lines(counts, len(seen))
    del counts
    with store.transaction():
        for rej in summary.rejected:
            store.add_rejected(rej)

    # A stored document whose content is no longer among the inputs, at a path a new input now
    # occupies, is the old version of a changed file: the new one replaces it.
    gone_at: dict[str, list[str]] = {}
    stored = array("Q")  # the stored ids' hashes, sorted once: adding 1M ids one by one took 8-60 s
    for doc_id, path in (store.iter_document_paths() if options.incremental else ()):
        h = _hash64(doc_id)
        stored.append(h)
        if not seen.ids.has_hash(h):
            gone_at.setdefault(path, []).append(doc_id)
    stored_ids = _KeySet.from_hashes(np.frombuffer(stored, dtype=np.uint64) if stored else ())
    del stored
    summary.skipped = int(np.isin(seen.order(), stored_ids.hashes()).sum())
    todo = len(seen) - summary.skipped

    if options.framing not in ("contextual", "fast"):
        raise UsageError(f"Unknown framing {options.framing!r}; choose contextual or fast.")
    context: dict[str, Any] = {"framing": options.framing}
    if todo:
        from .narratives import load_model

        try:
            context["narrative_model"] = load_model()
        except NarratraceError as exc:
            summary.warnings.append(Rejected("<model>", "narratives", str(exc)))

    # Pass 2: read again, keep only what is new, clean and analyse it chunk by chunk.
    def fresh() -> Iterator[RawDocument]:
        done = _KeySet()
        paths_now = _KeySet()
        for item in iter_inputs(paths, options=options):
            paths_now.add(item.path)
            if isinstance(item, Rejected):
                if item not in summary.rejected:  # the input changed or vanished since pass 1
                    summary.rejected.append(item)
                    store.add_rejected(item)
            elif item.id not in stored_ids and done.add(item.id):
                yield item
        # Read in pass 1, gone in pass 2 (deleted or moved during the run): say so.
        order = seen.order()
        missing = ~np.isin(order, stored_ids.hashes()) & ~np.isin(order, done.hashes())
        for index in np.flatnonzero(missing).tolist():
            path = seen.path(index)
            if path not in paths_now:
                rej = Rejected(path, "ingest", "the input disappeared during the run; it was "
                                               "not analysed (run again once it is back)")
                summary.rejected.append(rej)
                store.add_rejected(rej)

    def chunks() -> Iterator[list[Document]]:
        for raws in _batched(fresh(), max(1, options.chunk_size)):
            documents, rejected = prepare_documents(raws, options=options, boilerplate=boiler)
            if rejected:
                summary.rejected.extend(rejected)
                with store.transaction():
                    for rej in rejected:
                        store.add_rejected(rej)
            if documents:
                yield documents

    tick("analyse", 0, todo)
    for analysis, problems in ENGINES[options.engine](chunks(), options=options, context=context,
                                                      todo=todo):
        if analysis is None:
            summary.rejected.extend(problems)
            with store.transaction():
                for rej in problems:
                    store.add_rejected(rej)
            continue
        replaces = gone_at.pop(analysis.document.path, [])
        _save_analysis(store, analysis, problems, replaces=replaces)
        summary.replaced += len(replaces)
        summary.warnings.extend(problems)
        summary.documents += 1
        tick("analyse", 1, todo)
    tick("corpus", 0, None)
    run_corpus_stages(store, options=options)
    return summary


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _save_analysis(store: Store, analysis: DocAnalysis, problems: list[Rejected], *,
                   replaces: Sequence[str] = ()) -> None:
    """Write one document and all its annotations in ONE transaction: a document row in the
    store means the document is complete (what an incremental or resumed run skips)."""
    doc = analysis.document
    with store.transaction():
        for old in replaces:
            if old != doc.id:
                store.delete_document(old)
        store.clear_rejected(doc.path)
        store.upsert_document(doc)
        store.replace_annotations(doc.id, "mentions", [_row(m) for m in analysis.mentions])
        store.replace_annotations(doc.id, "aliases", [{"short": s, "long": long}
                                                      for s, long in analysis.extra.get("aliases", ())])
        store.replace_annotations(doc.id, "attributions", [_row(a) for a in analysis.attributions])
        store.replace_annotations(doc.id, "dates", [_row(d) for d in analysis.dates])
        store.replace_annotations(doc.id, "narratives", [_row(n) for n in analysis.narratives])
        store.replace_annotations(doc.id, "framing", [_row(f) for f in analysis.framing])
        store.replace_annotations(doc.id, "claims", [_row(c) for c in analysis.extra.get("claims", ())])
        store.replace_annotations(doc.id, "citations",
                                  [_row(c) for c in analysis.extra.get("citations", ())])
        store.replace_annotations(doc.id, "sentences",
                                  [{"spans": [list(s) for s in analysis.extra.get("sentences", ())]}])
        candidates = analysis.extra.get("event_candidates")
        if candidates is not None:  # None: the events stage did not run (a custom stage list)
            store.replace_annotations(doc.id, "event_candidates",
                                      [{"doc": doc.id, "candidates": list(candidates)}])
        features = analysis.extra.get("reuse_features")
        if features:
            store.replace_annotations(doc.id, "reuse_features", [features])  # type: ignore[list-item]
        for problem in problems:
            store.add_rejected(problem)


def _row(record: Any) -> dict[str, Any]:
    """``dataclasses.asdict(record)`` without its deep copies of immutable values (records are
    frozen; their fields hold strings, numbers, tuples and records): the same dict, 3x faster,
    which was a third of the driver's time writing a corpus to the store."""
    names = _FIELDS.get(type(record))
    if names is None:
        names = _FIELDS[type(record)] = tuple(f.name for f in dataclasses.fields(record))
    return {name: _plain(getattr(record, name)) for name in names}


_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _row(value)
    if type(value) is tuple:
        return tuple(_plain(v) for v in value)
    if type(value) is list:
        return [_plain(v) for v in value]
    if type(value) is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return _asdict_value(value)


def _asdict_value(value: Any) -> Any:
    """What ``asdict`` makes of any other value (a named tuple, a set, a date)."""
    import copy

    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[_plain(v) for v in value])
    return copy.deepcopy(value)


# --------------------------------------------------------------------------- corpus stages


def run_corpus_stages(store: Store, *, options: Options = Options()) -> Any:
    """Entities merged across the corpus, speakers linked to them, text reuse, claim families
    and events, brought up to date incrementally (see :mod:`narratrace.corpus`)."""
    from .corpus import run_corpus_stages as run

    return run(store, options=options)


def content_id(*parts: object) -> str:
    """A short stable id from the parts (used for records derived from content)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    return digest[:16]


__all__ = ["DOC_STAGES", "ENGINES", "DocStage", "RunSummary", "analyze", "analyze_batch",
           "analyze_document", "check_stages", "iter_batch", "prepare_documents",
           "reuse_features", "run_corpus_stages", "content_id",
           "Attribution", "DateMention", "Framing", "NarrativeLabel"]
