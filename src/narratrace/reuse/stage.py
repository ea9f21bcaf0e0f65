"""The reuse stage, both halves: per-document sketches (MinHash signature, story embedding,
one vector per claim, the spans of the narrative sentences), computed where the document is
analysed; copies and same-story links across the corpus, merged from the sketches.

The narrative sentences' vectors (for the sentence alignment that finds uncredited rewrites)
are made in the corpus stage, only for the documents of a pair checked for a rewrite
(:class:`_LazySentences`, :func:`narrative_vectors`), and kept with the document's sketches. On
40 SemEval-2025 EN training articles (9 of them in a checked pair) the encoder read 885 texts
(27,857 word pieces, framing included) instead of 1,148 (35,823) when every document's were
embedded up front; the analysis was the same. On real news most documents are in such a pair
(314 of the 396 SemEval-2025 EN training articles analysed), so they are made together before
the pairs are taken (:meth:`_LazySentences.prepare`), split between this process and a helper
process per further core in a local run whose documents were analysed by worker processes
(``CorpusContext.mapper``): on those articles the single-core tail of the run (the corpus
stages) took 21.7 s of the main process's CPU instead of 31.8, the stored vectors and the
analysis the same.

Pairwise work is cached in the store's ``pairs`` table (the copies that exact checks of LSH
candidates found; every same-story candidate, with its lead term, credits, sentence alignment
and passages once computed):
each is a pure function of the two documents, so it stays valid while both are stored; only
pairs with a new document are computed. Copy candidates are looked up only for new documents
(their LSH bands and, against short texts, their single slots), the older copies read from the
pairs table: the full search's, except that a stored copy whose every shared bucket has since
grown past the bucket cap (1,000 documents, boilerplate) stays a candidate. A check that found
no copy is not stored: two older documents that are no copy cannot become one, and on a
templated corpus (nearly every pair a candidate, nearly none a copy) those rows were nearly
all the corpus update wrote (1,000 weather reports of one wording, ``bench/bench_hostile.py
--group 6``: 498,001 copy rows before, 959 after); a run after a deletion, which searches
every document again, checks such a pair again. Same-story
candidates (at most ``STORY_NEIGHBOURS`` per document within ``STORY_CANDIDATE``) are searched
only for new documents. Same-story scores depend on corpus-wide name IDF and canonical
entities, so they are redone (in bulk).

The stored same-story rows (~24 a document) are read back as columns
(:meth:`~narratrace.store.Store.pair_columns`: the cosine, list flags and lead term of each
pair are columns of the ``pairs`` table, migration 4) into arrays
(:class:`~._candidates.StoredRows`), not as one JSON object and one dict per row: on the
5,100-document scale store after 100 additions (118,536 rows) reading them took 0.42-0.44 s
CPU instead of 0.52-0.55 s (three alternating runs each), and the candidate arrays are made
from them without a Python loop over the rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .. import nlp
from ..claims.lexicon import CLAUSE_KEY, denied_text
from ..entities import DESCRIBED
from ..records import EMBEDDING_DIM, b64, unb64
from ..records import kind as stored_kind
from ..stage import CorpusContext, CorpusStage, DocStage, StageContext
from ..types import Claim, DocAnalysis, Document, ReuseFeatures
from . import (COPY_RULE, NUM_PERM, REWRITE_NEIGHBOURS, STORY_CANDIDATE, STORY_NEIGHBOURS, Mapper, signature,
               story_sentences, update_reuse)
from ._candidates import StoredRows, StoryRows
from ._rewrite import NEAR, claim_stand_ins, narrative_sentences


def reuse_features(items: Sequence[tuple[Document, Sequence[Claim]]], *,
                   sentences: Mapping[str, Sequence[tuple[int, int]]] | None = None,
                   near: float = NEAR, speakers: Mapping[str, str] | None = None,
                   embed_sentences: bool = True) -> list[ReuseFeatures]:
    """The sketches of several documents, with one embedder call for all of them: the
    embedder sorts its inputs by length, so a group's batches pad far less than one
    document's (6.1 s vs 10.4 s for the same 920 texts of 80 news articles, measured here).
    Story sentences, claims and the narrative sentences rewrites are aligned on
    (:func:`~narratrace.reuse._rewrite.narrative_sentences` of the document's sentence spans,
    ``sentences`` by document id; split here when absent) go through the embedder together,
    and their vectors are stored so that an incremental run never embeds an old text again.
    ``speakers`` (claim id → the actor its attribution resolved to) name who a denial is by in
    what it says is not so (:func:`~narratrace.claims.lexicon.denied_text`).

    Each text is embedded once: a narrative sentence that is nearly one of the document's
    claims (:func:`~narratrace.reuse._rewrite.claim_stand_ins` at ``near``: the claim is the
    sentence without quotation marks, a dateline or a speaker tag) takes that claim's vector,
    and equal texts share one. On the first 40 SemEval-2025 EN training articles the encoder
    read 1,053 texts (30,716 word pieces) instead of 1,121 (32,928); the claims' vectors are
    unchanged, and the provenance development corpus's analysis was identical.

    ``embed_sentences=False`` (the pipeline's document stage) keeps the narrative sentences'
    spans but not their vectors: the corpus stage embeds them only for the documents of a pair
    it checks for a rewrite (:func:`narrative_vectors`, the same vectors bit for bit)."""
    signatures = [b64(np.asarray(signature(document), dtype="<u4")) for document, _ in items]
    texts: list[str] = []
    # Per analysed document: (index, first text, story sentences, the text of each sentence).
    plans: list[tuple[int, int, int, list[int]]] = []
    clauses: dict[int, list[tuple[str, int]]] = {}  # per document: (claim id, text index)
    narrative: dict[int, list[tuple[int, int]]] = {}
    for index, (document, claims) in enumerate(items):
        if document.analysed:
            story = story_sentences(document)
            first = len(texts)
            texts.extend(story)
            texts.extend(c.text for c in claims)
            own = narrative[index] = narrative_sentences(
                document.text, (sentences or {}).get(document.id, ()))
            rows: list[int] = []
            for (a, b), claim in zip(own, claim_stand_ins(
                    own, [(c.start, c.end, k) for k, c in enumerate(claims)], document.text,
                    near=near), strict=True) if embed_sentences else ():
                if claim is None:
                    rows.append(len(texts))
                    texts.append(document.text[a:b])
                else:
                    rows.append(first + len(story) + claim)
            # what a denial says is not so (the clause it names, or its statement without the
            # negation), compared later with what it answers
            for said in claims:
                if (clause := denied_text(said.text, (speakers or {}).get(said.id) or said.attributed_to,
                                          said.stance)) is not None:
                    clauses.setdefault(index, []).append((said.id, len(texts)))
                    texts.append(clause)
            plans.append((index, first, len(story), rows))
    # Each distinct text once (a lead sentence that is also a claim, a reprint's claims): a
    # text's vector does not depend on what it is embedded with, so this changes no vector.
    unique = list(dict.fromkeys(texts))
    where = {text: k for k, text in enumerate(unique)}
    vectors = np.asarray(nlp.embed(unique), dtype="<f4")[[where[t] for t in texts]] \
        if texts else np.zeros((0, EMBEDDING_DIM), dtype="<f4")
    out = [ReuseFeatures(document.id, sig) for (document, _), sig in zip(items, signatures, strict=True)]
    for index, first, n, rows in plans:
        claims = items[index][1]
        out[index] = ReuseFeatures(
            out[index].doc, out[index].signature, embedding=b64(vectors[first:first + n]), rows=n,
            claim_vectors={c.id: b64(v) for c, v in
                           zip(claims, vectors[first + n:first + n + len(claims)], strict=True)}
            | {claim_id + CLAUSE_KEY: b64(vectors[at]) for claim_id, at in clauses.get(index, ())},
            sentence_spans=tuple(narrative[index]),
            sentence_vectors=b64(np.asarray(vectors[rows], dtype="<f2")) if embed_sentences else None)
    return out


def narrative_vectors(document: Document, claims: Sequence[Claim], features: ReuseFeatures, *,
                      near: float = NEAR, embedded: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """The vectors of ``features.sentence_spans`` that :func:`reuse_features` stores with
    ``embed_sentences=True`` (``float16 [sentences, EMBEDDING_DIM]``), for a document whose
    features were stored without them: a sentence that a claim stands for
    (:func:`~narratrace.reuse._rewrite.claim_stand_ins`) takes the claim's stored vector, one
    that is a title or lead sentence the stored story vector, one in ``embedded`` (text →
    vector, made for several documents at once: :func:`missing_texts`) that vector, and only
    the others are embedded (each distinct text once). A text's vector does not depend on the
    texts embedded with it, so these are the same bits."""
    texts, known = _narrative_texts(document, claims, features, near=near)
    for text in texts:
        if text not in known and embedded is not None and text in embedded:
            known[text] = embedded[text]
    missing = list(dict.fromkeys(text for text in texts if text not in known))
    if missing:
        known.update(zip(missing, np.asarray(nlp.embed(missing), dtype="<f4")))
    return np.asarray([known[text] for text in texts], dtype="<f2").reshape(len(texts), EMBEDDING_DIM)


def missing_texts(document: Document, claims: Sequence[Claim], features: ReuseFeatures, *,
                  near: float = NEAR) -> list[str]:
    """The texts :func:`narrative_vectors` would embed for the document (each once, in order):
    its narrative sentences that neither a claim nor a story sentence stands for."""
    texts, known = _narrative_texts(document, claims, features, near=near)
    return list(dict.fromkeys(text for text in texts if text not in known))


def _narrative_texts(document: Document, claims: Sequence[Claim], features: ReuseFeatures, *,
                     near: float) -> tuple[list[str], dict[str, np.ndarray]]:
    """The text each narrative sentence is embedded as (a claim's text where the claim stands
    for it) and the vectors the stored features hold for some of them, by text."""
    spans = list(features.sentence_spans or ())
    known = {text: vector for text, vector in zip(
        story_sentences(document),
        unb64(features.embedding, "<f4", (int(features.rows or 0), -1)) if features.embedding else ())}
    claim_vectors = features.claim_vectors or {}
    stand_ins = claim_stand_ins(spans, [(c.start, c.end, k) for k, c in enumerate(claims)],
                                document.text, near=near)
    texts = []
    for (a, b), k in zip(spans, stand_ins, strict=True):
        text = document.text[a:b] if k is None else claims[k].text
        if k is not None and claims[k].id in claim_vectors:
            known.setdefault(text, unb64(claim_vectors[claims[k].id], "<f4", (-1,)))
        texts.append(text)
    return texts, known


def embed_in_parts(texts: Sequence[str], *, mapper: Mapper = map, parts: int = 1,
                   least: int = 0) -> np.ndarray:
    """``nlp.embed(texts)`` (``float32 [len(texts), EMBEDDING_DIM]``), as ``parts`` calls through
    ``mapper`` when there are at least ``least`` texts (every ``parts``-th text in each, so the
    calls are of a size): a text's vector does not depend on the texts embedded with it, so
    these are the same bits however the texts are split.

    >>> embed_in_parts([]).shape == (0, EMBEDDING_DIM)
    True
    """
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype="<f4")
    if parts <= 1 or len(texts) < max(least, parts):
        return np.asarray(nlp.embed(list(texts)), dtype="<f4")
    out = np.empty((len(texts), EMBEDDING_DIM), dtype="<f4")
    for k, vectors in enumerate(mapper(nlp.embed, [list(texts[k::parts]) for k in range(parts)])):
        out[k::parts] = vectors
    return out


#: Texts embedded per call when the reuse stage makes the narrative sentences' vectors of the
#: documents in the pairs it checks (:meth:`_LazySentences.prepare`): the float32 vectors of
#: one call are held until its documents' features are stored (6 MiB at 4,096 texts).
EMBED_BLOCK = 4096
#: Fewer texts than this are embedded in this process, not in parts (``CorpusContext.parts``):
#: a helper process that loads the encoder for them would take longer than it saves.
PARALLEL_TEXTS = 512


class _LazySentences(Mapping[str, tuple[Any, tuple[tuple[int, int], ...]]]):
    """Document id -> (narrative sentence vectors, spans), for the sentence alignment of the
    pairs the reuse corpus stage checks for a rewrite. A document's stored features are read
    from the store the first time a pair asks for it (not every document's held for the whole
    stage: on the 2,000-document scale store they took 54 MiB as base64 text); vectors the
    store holds are read as stored.

    A document stored with spans only (the document stage defers them) gets its vectors
    before the pairs are taken (:meth:`prepare`, told every pair to be checked): the texts of
    all such documents are embedded together, :data:`EMBED_BLOCK` at a time, in
    ``CorpusContext.parts`` calls through ``CorpusContext.mapper`` (a process per core in a
    local run whose documents were analysed by worker processes), and each document's completed
    features are stored, where the pairs then read them. One asked for without being prepared
    is embedded alone then (:func:`narrative_vectors`), and :attr:`embedded` keeps its
    completed features for the store. Membership never reads or embeds."""

    def __init__(self, ctx: CorpusContext, with_spans: set[str],
                 documents: Sequence[Document]) -> None:
        self._ctx = ctx
        self._documents = {d.id: d for d in documents if d.analysed}
        self._with_spans = {doc for doc in with_spans if doc in self._documents}
        self._ready: dict[str, tuple[Any, tuple[tuple[int, int], ...]]] = {}
        #: features completed with their sentence vectors in this run, by document id
        self.embedded: dict[str, ReuseFeatures] = {}
        #: documents whose features :meth:`prepare` completed and stored
        self.prepared: set[str] = set()

    def __contains__(self, doc: object) -> bool:
        return doc in self._with_spans

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._with_spans))

    def __len__(self) -> int:
        return len(self._with_spans)

    def __getitem__(self, doc: str) -> tuple[Any, tuple[tuple[int, int], ...]]:
        if doc not in self._ready:
            if doc not in self._with_spans:
                raise KeyError(doc)
            row = self._features(doc)
            spans = tuple(row.sentence_spans or ())
            if row.sentence_vectors:
                vectors = unb64(row.sentence_vectors, "<f2", (len(spans), -1))
            else:
                vectors = narrative_vectors(self._documents[doc], self._claims(doc), row)
                self.embedded[doc] = dataclasses.replace(row, sentence_vectors=b64(vectors))
            self._ready[doc] = (vectors, spans)
        return self._ready[doc]

    def _features(self, doc: str) -> ReuseFeatures:
        return stored_kind("reuse_features", scope="document").from_row(
            self._ctx.store.annotations("reuse_features", doc=doc)[0])

    def _claims(self, doc: str) -> list[Claim]:
        spec = stored_kind("claims", scope="document")
        return [spec.from_row(r) for r in self._ctx.store.annotations("claims", doc=doc)]

    def prepare(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Make and store, ahead of ``pairs`` (the pairs whose sentences will be aligned, in
        the order they will be), the vectors of their documents stored with spans only: one
        embedder call (in parts) for the texts of many documents, each distinct text once,
        instead of one call per document in this process. On the 399 SemEval-2025 EN training
        articles (their per-document phase's store, the corpus stages alone, a shared 2-core
        machine) the encoder read 2,384 texts in one call instead of 2,425 in 312 calls, the
        same vectors bit for bit; with a helper process (``workers=2``) the reuse stage took
        14.1 s of this process's CPU instead of 25.9 (one process: 25.5)."""
        block: list[tuple[str, list[Claim], ReuseFeatures]] = []
        texts: dict[str, None] = {}
        seen: set[str] = set()
        for pair in pairs:
            if not all(doc in self._with_spans for doc in pair):
                continue  # (no alignment: neither side is read)
            for doc in pair:
                if doc in seen or doc in self._ready or doc in self.embedded:
                    continue
                seen.add(doc)
                row = self._features(doc)
                if row.sentence_vectors:
                    continue
                claims = self._claims(doc)
                texts.update(dict.fromkeys(missing_texts(self._documents[doc], claims, row)))
                block.append((doc, claims, row))
                if len(texts) >= EMBED_BLOCK:
                    self._complete(block, list(texts))
                    block, texts = [], {}
        if block:
            self._complete(block, list(texts))

    def _complete(self, block: Sequence[tuple[str, list[Claim], ReuseFeatures]], texts: list[str]) -> None:
        """Embed ``texts`` (in parts) and store the completed features of ``block``'s documents."""
        vectors = embed_in_parts(texts, mapper=self._ctx.mapper, parts=self._ctx.parts, least=PARALLEL_TEXTS)
        made = dict(zip(texts, vectors))
        spec = stored_kind("reuse_features", scope="document")
        for doc, claims, row in block:
            own = narrative_vectors(self._documents[doc], claims, row, embedded=made)
            self._ctx.store.replace_annotations(
                doc, "reuse_features", [spec.to_row(dataclasses.replace(row, sentence_vectors=b64(own)))])
            self.prepared.add(doc)

    def forget(self, doc: str) -> None:
        """Let go of ``doc``'s vectors (read again if asked for again): the reuse stage calls it
        after a document's last pair."""
        self._ready.pop(doc, None)


def _store_sentence_vectors(ctx: CorpusContext, embedded: Mapping[str, ReuseFeatures]) -> None:
    """Keep the sentence vectors embedded during a corpus run with their document's features,
    so that a later run aligning a new pair with the document reads them instead."""
    spec = stored_kind("reuse_features", scope="document")
    for doc in sorted(embedded):
        ctx.store.replace_annotations(doc, "reuse_features", [spec.to_row(embedded[doc])])


def _features(analyses: Sequence[DocAnalysis], ctx: StageContext) -> list[dict[str, Any]]:
    return [{"reuse_features": f} for f in reuse_features(
        [(a.document, a.claims) for a in analyses],
        sentences={a.document.id: a.sentences for a in analyses},
        speakers=_actors(analyses), embed_sentences=False)]


def _actors(analyses: Sequence[DocAnalysis]) -> dict[str, str]:
    """Claim id → the actor its attribution resolved to ("Officials in Kyiv" → the government)."""
    out: dict[str, str] = {}
    for analysis in analyses:
        actors = {a.id: a.speaker.actor.name for a in analysis.attributions if a.speaker.actor is not None}
        out.update({c.id: actors[c.attribution] for c in analysis.claims
                    if c.attribution in actors and actors[c.attribution]})
    return out


def _incomplete(document: Document, features: ReuseFeatures) -> bool:
    """An analysed document stored without a story embedding (an older store). A document
    stored without sentence spans (a store older than them) is not back-filled for them
    (that would analyse it again): its rewrites are found by their credits until it is
    analysed again; one stored with spans only gets its vectors when a pair needs them."""
    return document.analysed and features.embedding is None


#: Stored features read per page by the corpus stages: a row is ~27 KiB of base64 text on
#: real-shaped documents (story, claim and denial vectors), so a page of the store's default
#: 2,000 rows held 54 MiB while it was decoded.
FEATURES_PAGE = 200
#: The fields of a stored ``reuse_features`` row the corpus stage reads for every document.
INDEX_FIELDS = ("signature", "embedding", "rows", "sentence_spans")


def _reuse(ctx: CorpusContext) -> Mapping[str, Any]:
    """Reuse links over the whole store, verifying only pairs not compared before."""
    # Each document's features decoded as they are read (the base64 rows are not kept): its
    # signature, its story embedding, whether it has narrative sentence spans.
    analysed = {d.id for d in ctx.documents if d.analysed}
    known = {d.id for d in ctx.documents}
    signatures: dict[str, Any] = {}
    embeddings: dict[str, Any] = {}
    with_spans: set[str] = set()
    # Only these fields of each stored row are decoded, not its claim and sentence vectors
    # (on the 5,000-document bench store 0.52 → 0.49 s of CPU with the decoding below: most
    # of it is reading the rows at all).
    for doc, signature, embedding, count, spans in ctx.store.annotation_fields(
            "reuse_features", INDEX_FIELDS, page_size=FEATURES_PAGE):
        if doc not in known:
            continue
        signatures[doc] = unb64(signature, "<u4", (-1,))
        if doc in analysed:
            rows = int(count or 0)
            embeddings[doc] = unb64(embedding or "", "<f4", (rows, -1) if rows else (0, EMBEDDING_DIM))
            if spans:
                with_spans.add(doc)
    # A document whose reuse stage failed or was stopped at its budget has no features (its
    # warning is stored with it): it takes part in no reuse link, and the run goes on.
    documents = [d for d in ctx.documents if d.id in signatures]
    ctx.counts["copy_checks"] = ctx.counts["story_pairs"] = 0
    if len(documents) < 2:
        return {"reuse": [], "story_context": ()}
    names: dict[str, set[str]] = {d.id: set() for d in documents}
    for (doc, _, _), entity in ctx["entity_spans"].items():
        if not entity.startswith(DESCRIBED):  # a described source is no name two texts share
            names.setdefault(doc, set()).add(entity)
    dates: dict[str, set[str]] = {d.id: set() for d in documents}
    for doc, value in ctx.store.annotation_fields("dates", ("value",)):  # (no other stage reads them)
        dates.setdefault(doc, set()).add(value)
    sentences = _LazySentences(ctx, with_spans, documents)
    stored = ctx.store.pair_columns("story")  # ~24 a document: arrays, not a dict per row
    update = update_reuse(
        documents, new=ctx.new, signatures=signatures, embeddings=embeddings, entities=names,
        sentences=sentences,
        dates=dates, options=ctx.options,
        copies={(p["a"], p["b"]): p["link"] for p in ctx.store.pairs("copy")},
        stories=StoredRows.from_columns(stored.a, stored.b, stored.values, stored.rest),
        deleted=bool(ctx.gone))
    _store_sentence_vectors(ctx, sentences.embedded)
    # (the links the copy checks found: a templated corpus checks a pair of nearly every two
    # documents, and a check that found no copy is not kept)
    ctx.store.put_pairs("copy", ({"a": a, "b": b, "doc_a": a, "doc_b": b, "link": update.copies[(a, b)]}
                                 for a, b in sorted(update.copies)))
    ctx.store.drop_pair_keys("story", update.dropped)
    ctx.store.put_pairs("story", ({**row, "doc_a": row["a"], "doc_b": row["b"]} for row in _rows(update.stories)))
    ctx.counts["copy_checks"], ctx.counts["story_pairs"] = update.checked, len(update.stories)
    return {"reuse": update.links, "story_context": update.context}


def _rows(stories: Mapping[tuple[str, str], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The rows of ``stories`` in key order, one at a time where they are made as read
    (:class:`~narratrace.reuse._candidates.StoryRows`: not every row of a full run held at once)."""
    if isinstance(stories, StoryRows):
        yield from stories.rows()
    else:
        for key in sorted(stories):
            yield stories[key]


DOC = DocStage("reuse", requires=("text", "claims", "sentences", "attributions"), assigns=("reuse_features",),
               batch_fn=_features, every_document=True, incomplete=_incomplete)
CORPUS = CorpusStage("reuse", requires=("documents", "reuse_features", "dates", "entity_spans"),
                     assigns=("reuse", "story_context"), fn=_reuse,
                     stamp=f"perm {NUM_PERM}; {COPY_RULE}; story {STORY_CANDIDATE} k{STORY_NEIGHBOURS} kept; "
                           f"rewrite k{REWRITE_NEIGHBOURS}")
