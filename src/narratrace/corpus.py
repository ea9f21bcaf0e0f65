"""Corpus stages: what the stored documents say together, kept up to date run after run.

Entities merged across documents, speakers linked to them, text reuse, claim families and
events are computed over the whole store, so ``analysis.json`` always reflects every stored
document. A run after new documents were added does not start over (issue #7):

* **pairwise work is cached in the store** (``pairs`` table): exact copy checks of LSH
  candidates, same-story candidates (doc vectors within ``STORY_CANDIDATE``) and claim
  neighbours (cosine >= ``claims.RELATED``). Each is a pure function of the two documents or
  claims, so it stays valid while both are stored; a new document is compared with every
  stored one (``k x n`` vector products, candidates only for the exact checks) and a deleted
  or replaced one takes its pairs with it;
* **the rest is recomputed from those pairs**, because it is global by definition: copy
  candidates come from a sort over every signature's LSH bands (O(n log n)), same-story
  scores depend on corpus-wide name IDF and canonical entities, families are the connected
  components of the claim-neighbour graph clustered one by one, events a greedy pass over
  every dated sentence, entities a union-find over every mention;
* **writes touch only what changed**: per-document rows (linked speakers, claim families) are
  rewritten only for documents whose rows differ.

The result equals a full run over the same documents (``tests/test_corpus_incremental.py``);
``Options(incremental=False)`` forgets the cached pairs and recomputes everything.
The whole update is one transaction, so a crash leaves the previous corpus results intact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import nlp
from .options import Options
from .pipeline import _row
from .store import Store
from .types import Claim, DateMention, Document, Mention


@dataclass(frozen=True, slots=True)
class CorpusRun:
    """What one :func:`run_corpus_stages` call did (for progress lines and tests)."""

    documents: int  # stored documents the corpus results now cover
    new: int  # documents compared with the others for the first time
    gone: int  # documents deleted or replaced since the last run (their pairs dropped)
    full: bool  # cached pairs were forgotten and everything recomputed
    copy_checks: int = 0  # LSH candidates verified exactly in this run
    story_pairs: int = 0  # same-story candidates found or completed in this run
    claim_pairs: int = 0  # claim-neighbour pairs found in this run


def run_corpus_stages(store: Store, *, options: Options = Options()) -> CorpusRun:
    """Bring the corpus results up to date with the documents in ``store``.

    Incremental unless ``options.incremental`` is False: only documents added since the last
    call are compared with the others; the result is the one a full run gives.
    """
    with store.transaction():
        return _run(store, options)


def _run(store: Store, options: Options) -> CorpusRun:
    from .entities import merge_entities

    documents = list(store.documents())
    ids = {d.id for d in documents}
    # Cached pairs are valid for the code and thresholds that computed them: a store made by
    # another narratrace version (or with other pair thresholds) starts over once.
    stamp, stored = [{"pairs": _pairs_stamp()}], store.corpus("corpus_stamp")
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

    # Entities: a union-find over every mention (global by nature, and cheap: about 0.1 s
    # for 400 documents, see the module report).
    mentions = [Mention(**row) for row in store.annotations("mentions")]
    aliases = [(row["short"], row["long"]) for row in store.annotations("aliases")]
    entities = merge_entities(mentions, aliases=aliases)
    by_span = {(m.doc, m.start, m.end): e.id for e in entities for m in e.mentions}
    store.replace_corpus("entities", [_entity_row(e) for e in entities])
    attributions = _link_speakers(store, by_span)

    features = {row["doc"]: row for row in store.annotations("reuse_features")}
    reuse, copy_checks, story_pairs = _reuse(store, documents, new, by_span, features, options)
    store.replace_corpus("reuse", [_row(r) for r in reuse])
    claim_pairs = _claim_families(store, documents, new, reuse, by_span, entities, attributions,
                                  features)
    _events(store, documents, mentions)
    store.add_corpus_docs(sorted(new))
    return CorpusRun(documents=len(documents), new=len(new), gone=len(gone), full=full,
                     copy_checks=copy_checks, story_pairs=story_pairs, claim_pairs=claim_pairs)


# --------------------------------------------------------------------------- entities, speakers


def _entity_row(entity: Any) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "type": entity.type,
            "aliases": list(entity.aliases), "wikidata": entity.wikidata,
            "mentions": [{"doc": m.doc, "start": m.start, "end": m.end, "text": m.text}
                         for m in entity.mentions]}


def _spans_by_doc(by_span: Mapping[tuple[str, int, int], str]) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = {}
    for (doc, start, end), entity in by_span.items():
        out.setdefault(doc, []).append((start, end, entity))
    return out


def _link_speakers(store: Store, by_span: Mapping[tuple[str, int, int], str]) -> list[dict[str, Any]]:
    """Point each attribution's speaker at the canonical entity whose mention it overlaps;
    rewrite only documents whose attributions changed. Returns every attribution row."""
    spans_by_doc = _spans_by_doc(by_span)
    rows = store.annotations("attributions")
    by_doc: dict[str, list[dict[str, Any]]] = {}
    changed: set[str] = set()
    for row in rows:
        speaker = row["speaker"]
        s, e = speaker.get("start"), speaker.get("end")
        if s is not None and e is not None:
            best = [ent for ms, me, ent in spans_by_doc.get(row["doc"], []) if ms < e and s < me]
            entity = best[0] if best else None
            if speaker.get("entity", ...) != entity:  # absent (never linked) counts as changed
                changed.add(row["doc"])
            speaker["entity"] = entity
        by_doc.setdefault(row["doc"], []).append(row)
    for doc in sorted(changed):
        store.replace_annotations(doc, "attributions", by_doc[doc])
    return rows


# --------------------------------------------------------------------------- reuse


def _reuse(store: Store, documents: Sequence[Document], new: set[str],
           by_span: Mapping[tuple[str, int, int], str], features: dict[str, dict[str, Any]],
           options: Options) -> tuple[list[Any], int, int]:
    """Reuse links over the whole store, verifying only pairs not compared before."""
    from .reuse import update_reuse

    if len(documents) < 2:
        return [], 0, 0
    names: dict[str, set[str]] = {d.id: set() for d in documents}
    for (doc, _, _), entity in by_span.items():
        names.setdefault(doc, set()).add(entity)
    dates: dict[str, set[str]] = {d.id: set() for d in documents}
    for row in store.annotations("dates"):
        dates.setdefault(row["doc"], set()).add(row["value"])
    signatures, embeddings = _stored_features(store, documents, features)
    update = update_reuse(
        documents, new=new, signatures=signatures, embeddings=embeddings, entities=names,
        dates=dates, options=options,
        copies={(p["a"], p["b"]): p["link"] for p in store.pairs("copy")},
        stories={(p["a"], p["b"]): p for p in store.pairs("story")})
    store.put_pairs("copy", [{"a": a, "b": b, "doc_a": a, "doc_b": b, "link": link}
                             for (a, b), link in sorted(update.copies.items())])
    store.put_pairs("story", [{**row, "doc_a": a, "doc_b": b}
                              for (a, b), row in sorted(update.stories.items())])
    return update.links, update.checked, len(update.stories)


def _stored_features(store: Store, documents: Sequence[Document],
                     features: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Signatures and story embeddings per document, from the store; a document stored
    without them (an older store) gets them computed and saved now, once."""
    from .pipeline import _unb64, reuse_features

    signatures: dict[str, Any] = {}
    embeddings: dict[str, Any] = {}
    for document in documents:
        row = features.get(document.id)
        if row is None or (document.analysed and "embedding" not in row):
            row = reuse_features(document)
            features[document.id] = row
            store.replace_annotations(document.id, "reuse_features", [row])
        signatures[document.id] = _unb64(row["signature"], "<u4", (-1,))
        if document.analysed:
            embeddings[document.id] = _unb64(row["embedding"], "<f4", (int(row["rows"]), -1)
                                             if row["rows"] else (0, 384))
    return signatures, embeddings


# --------------------------------------------------------------------------- claim families


def _claim_families(store: Store, documents: Sequence[Document], new: set[str], reuse: Sequence[Any],
                    by_span: Mapping[tuple[str, int, int], str], entities: Sequence[Any],
                    attributions: Sequence[dict[str, Any]],
                    features: Mapping[str, dict[str, Any]]) -> int:
    """Group claims across documents and trace each family's independent origins; only
    claims of new documents are searched for neighbours. Returns the pairs found."""
    from .claims import group_claims
    from .claims._group import _vectors, claim_neighbours
    from .provenance import trace_origins
    from .types import Citation

    stored = store.annotations("claims")
    claims = [Claim(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()})
              for row in stored]
    claims = _canonical_speakers(claims, entities, attributions)
    citations = [Citation(**row) for row in store.annotations("citations")]
    by_id = {d.id: d for d in documents}
    spans_by_doc = _spans_by_doc(by_span)  # per document: linear, not claims x mentions
    vectors = _claim_vectors(features, claims)
    neighbours = {(p["a"], p["b"]): p["sim"] for p in store.pairs("claim")}
    found: list[dict[str, Any]] = []
    rows = [k for k, c in enumerate(claims) if c.doc in new]
    if claims and rows:
        for i, j, sim in claim_neighbours(_vectors(claims, vectors), rows):
            a, b = sorted((claims[i], claims[j]), key=lambda c: c.id)
            neighbours[(a.id, b.id)] = sim
            found.append({"a": a.id, "b": b.id, "doc_a": a.doc, "doc_b": b.doc, "sim": sim})
    store.put_pairs("claim", found)
    # Names only matter for claims with a neighbour (a claim without one is its own family).
    paired = {c for pair in neighbours for c in pair}
    entities_by_claim: dict[str, set[str]] = {}
    for claim in claims:
        if claim.id in paired:
            entities_by_claim[claim.id] = {ent for s, e, ent in spans_by_doc.get(claim.doc, ())
                                           if s < claim.end and claim.start < e}
    grouped, families = group_claims(claims, documents=by_id, entities_by_claim=entities_by_claim,
                                     embeddings=vectors, neighbours=neighbours)
    families = trace_origins(families, claims=grouped, citations=citations, reuse=reuse,
                             documents=by_id)
    # Grouping changes two fields of a stored claim row: rewrite only documents where one did.
    changed: set[str] = set()
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row, claim in zip(stored, grouped, strict=True):
        if (row.get("family"), row.get("attributed_to")) != (claim.family, claim.attributed_to):
            row = {**row, "family": claim.family, "attributed_to": claim.attributed_to}
            changed.add(claim.doc)
        by_doc.setdefault(claim.doc, []).append(row)
    for doc in sorted(changed):
        store.replace_annotations(doc, "claims", by_doc[doc])
    store.replace_corpus("claim_families", [_row(f) for f in families])
    return len(found)


def _claim_vectors(features: Mapping[str, dict[str, Any]], claims: Sequence[Claim]) -> dict[str, Any]:
    """Claim vectors stored by the per-document stage; claims stored without one (an older
    store) are embedded now."""
    from .pipeline import _unb64

    vectors: dict[str, Any] = {}
    docs = {c.doc for c in claims}
    for doc, row in features.items():
        if doc in docs:
            for claim_id, text in row.get("claim_vectors", {}).items():
                vectors[claim_id] = _unb64(text, "<f4", (-1,))
    missing = [c for c in claims if c.id not in vectors]
    if missing:
        for claim, vector in zip(missing, nlp.embed([c.text for c in missing]), strict=True):
            vectors[claim.id] = vector
    return vectors


def _canonical_speakers(claims: Sequence[Claim], entities: Sequence[Any],
                        attributions: Sequence[dict[str, Any]]) -> list[Claim]:
    """Name a claim's speaker by its canonical entity ("She", "Dancu" → "Mirela Dancu"), so
    origins count a person once however the articles refer to them."""
    names = {e.id: e.name for e in entities}
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for row in attributions:
        entity = row["speaker"].get("entity")
        if entity in names:
            spans.setdefault(row["doc"], []).append((row["start"], row["end"], names[entity]))
    out = []
    for claim in claims:
        if claim.attributed_to:
            hits = [name for s, e, name in spans.get(claim.doc, ()) if s < claim.end and claim.start < e]
            if hits:
                claim = dataclasses.replace(claim, attributed_to=hits[0])
        out.append(claim)
    return out


# --------------------------------------------------------------------------- events


def _events(store: Store, documents: Sequence[Document], mentions: Sequence[Mention]) -> None:
    """One event per happening, with every document that describes it. Each document's event
    sentences are found once and kept (annotation ``event_candidates``, written with the
    document by the per-document stages, or here for a document stored without them); the merge
    is a greedy pass over all of them (order-dependent, so global), indexed by names and terms."""
    from .events import event_candidates, merge_events

    cached = {row["doc"]: row["candidates"] for row in store.annotations("event_candidates")}
    todo = [d for d in documents if d.id not in cached]
    if todo:
        wanted = {d.id for d in todo}
        dates: dict[str, list[DateMention]] = {}
        for row in store.annotations("dates"):
            if row["doc"] in wanted:
                dates.setdefault(row["doc"], []).append(DateMention(**row))
        doc_mentions: dict[str, list[Mention]] = {}
        for m in mentions:
            if m.doc in wanted:
                doc_mentions.setdefault(m.doc, []).append(m)
        for d in todo:
            rows = store.annotations("sentences", doc=d.id)
            spans = [(s[0], s[1]) for s in rows[0]["spans"]] if rows else []
            cached[d.id] = event_candidates(d, dates=dates.get(d.id, []),
                                            mentions=doc_mentions.get(d.id, []), sentences=spans)
            store.replace_annotations(d.id, "event_candidates", [{"doc": d.id, "candidates": cached[d.id]}])
    events = merge_events([], documents={d.id: d for d in documents}, mentions=[],
                          candidates=cached)
    store.replace_corpus("events", [_row(e) for e in events])


__all__ = ["CorpusRun", "run_corpus_stages"]


def _pairs_stamp() -> str:
    """What cached pairs depend on besides the two documents: the code version and the
    thresholds that decide which pairs are kept."""
    from .version import __version__
    from .claims._group import RELATED
    from .reuse import NUM_PERM, STORY_CANDIDATE

    return f"narratrace {__version__}; perm {NUM_PERM}; story {STORY_CANDIDATE}; claims {RELATED}"
