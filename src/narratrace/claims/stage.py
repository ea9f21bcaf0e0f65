"""The claims stage, both halves: check-worthy propositions per document (with the sentence
spans the later stages share); claims grouped into families across the corpus.

Claim neighbours (cosine >= ``STORY``, at most ``NEIGHBOURS`` per claim) are stored as pairs:
a full run searches them for every claim in a bounded nearest-neighbour index, an incremental
run only for the claims of new documents.
The claim vectors are held once, as one float32 matrix read straight from the stored rows
(float64 rows are made as they are read): on the 20k store of ``bench/bench_scale.py`` the
step's peak went from 1,048 to 806 MiB, the families unchanged (docs/scale.md).

Families are clustered from them with frozen corpus statistics (:class:`CorpusStats`, the
document frequencies rarity is judged by): counted at a full run, or when the documents holding
claims have grown by more than :data:`STATS_GROWTH` since they were counted, or after a deletion
(a refresh); kept in the store (pairs ``claim_stats``) and reused by the incremental runs in
between. With frozen statistics, only the connected components whose fingerprint changed (a
new or changed claim, link, bar, speaker or outlet) are clustered again, and only the denials
whose fingerprint changed are linked again (pairs ``claim_group`` and ``claim_denial`` keep the
others' results). What can differ from a fresh run over the same documents: between two
refreshes, the rarity of words and figures is the one counted at the last refresh (a word or
figure first seen since counts as used by no document, and the rare-word bar
``max(3, RARE_SHARE * documents)`` is the one of that count), so a pair or a denial decided by
two rare words may be decided as the fresh run's counts would not. A grown store equals a fresh
run given the same statistics, and after a refresh equals a fresh run
(``tests/test_corpus_incremental.py``). What each claim's own words give (whether it denies,
the figures, amounts and actions it states: :class:`~narratrace.claims._incremental.ClaimFacts`)
is kept in the store too (pairs ``claim_facts``) and worked out for new claims only: pure
functions of a claim's text and fields, so nothing differs from a fresh run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .. import nlp
from ..entities import DESCRIBED
from ..records import kind, unb64
from ..reuse import neighbour_lists
from ..reuse.stage import FEATURES_PAGE
from ..stage import CorpusContext, CorpusStage, DocStage, StageContext
from ..types import Attribution, Claim, DocAnalysis, Document, Entity, ReuseFeatures
from . import NEIGHBOURS, RELATED, STORY, extract_claims, group_claims
from ._denials import CorpusStats, DenialMemo
from ._affiliation import speaks_for
from ._group import FamilyMemo, unit_rows
from ._incremental import ClaimFacts
from .text import same_actor

#: Frozen corpus statistics are counted again (a refresh, with every family clustered and
#: every denial linked again) once the documents holding claims exceed the count they were
#: made from by more than this share.
STATS_GROWTH = 0.10


def _claims(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    sentences = nlp.sentence_spans(parsed)
    claims = extract_claims(document, attributions=got.attributions, mentions=got.mentions,
                            dates=got.dates, sentences=sentences, cuts=nlp.clause_cuts(parsed))
    return {"claims": tuple(claims), "sentences": sentences}


def _families(ctx: CorpusContext) -> Mapping[str, Any]:
    """Group claims across documents. The claims' ``family`` and canonical ``attributed_to``
    are rewritten only in documents where one changed."""
    stored: list[Claim] = ctx.read("claims")
    claims = _canonical_speakers(stored, ctx["entities"], ctx["linked_attributions"])
    by_id = {d.id: d for d in ctx.documents}
    spans_by_doc: Mapping[str, list[tuple[int, int, str]]] = ctx["entity_spans_by_doc"]
    order = sorted(range(len(claims)), key=lambda k: claims[k].id)  # the neighbour search's rows
    # only the claim vectors of each stored features row are decoded, not its signature,
    # story embedding and sentence vectors
    sorted_rows, vectors = _claim_vectors(
        (ReuseFeatures(doc=doc, signature="", claim_vectors=claim_vectors) for doc, claim_vectors in
         ctx.store.annotation_fields("reuse_features", ("claim_vectors",), page_size=FEATURES_PAGE)),
        claims, order)
    neighbours = _neighbours(ctx, claims, order, sorted_rows)
    # the grouping reads row k as claim k: the rows put in that order, the other copy let go
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    matrix = sorted_rows[rank]
    del sorted_rows
    # Names only matter for claims with a neighbour (a claim without one is its own family).
    paired = {c for pair in neighbours for c in pair}
    entities_by_claim: dict[str, set[str]] = {}
    for claim in claims:
        if claim.id in paired:
            entities_by_claim[claim.id] = {ent for s, e, ent in spans_by_doc.get(claim.doc, ())
                                           if s < claim.end and claim.start < e and not ent.startswith(DESCRIBED)}
    stories = {frozenset((r.a, r.b)) for r in ctx["reuse"]}
    derived = {frozenset((r.a, r.b)) for r in ctx["reuse"] if r.kind != "same_story"}
    context = {frozenset(p) for p in ctx["story_context"]}  # pairs nearly linked as one story
    entity_names = {e.id: e.name for e in ctx["entities"]}
    speaker_key = {a.id: entity_names.get(a.speaker.entity or "") or (a.speaker.actor.name if a.speaker.actor else None)
                   for a in ctx["linked_attributions"]}
    # who each claim is on the word of: its attribution's speaker, else the source the
    # sentence cites ("according to a report by the outlet X")
    speakers = {c.id: key for c in claims
                if (key := (speaker_key.get(c.attribution) if c.attribution else None) or c.attributed_to)}
    # a person read as the body their role names: the director's words and the centre's are one source
    spoken = set(speakers.values())
    roles: dict[str, list[str]] = {}
    for e in ctx["entities"]:
        if e.type == "person" and e.name in spoken and e.roles:
            roles.setdefault(e.name, []).extend(e.roles)
    for a in ctx["linked_attributions"]:
        key = speaker_key.get(a.id)
        if key in roles and a.speaker.actor is not None and a.speaker.actor.role:
            roles[key].append(a.speaker.actor.role)
    bodies = [e.name for e in ctx["entities"] if e.type in ("organisation", "government") and e.name in spoken]
    body_of = speaks_for(roles, bodies)
    doc_of = {c.id: c.doc for c in claims}

    def voice(claim: str, key: str) -> str:
        body = body_of.get(key)
        # in the body's own publication its director's words stay theirs: the narrator is the body
        if body is None or same_actor(body, getattr(by_id.get(doc_of[claim]), "outlet", None) or ""):
            return key
        return body
    speakers = {c: voice(c, key) for c, key in speakers.items()}
    stats, memo = _load_memo(ctx, claims)
    grouped, families = group_claims(claims, documents=by_id, entities_by_claim=entities_by_claim,
                                     embeddings=vectors, matrix=matrix, neighbours=neighbours, stories=stories,
                                     speakers=speakers, context=context, derived=derived,
                                     stats=stats, memo=memo)
    _store_memo(ctx, memo, claims)
    # Grouping changes two fields of a stored claim: rewrite only documents where one did.
    changed: set[str] = set()
    by_doc: dict[str, list[Claim]] = {}
    for old, claim in zip(stored, grouped, strict=True):
        if (old.family, old.attributed_to) != (claim.family, claim.attributed_to):
            old = dataclasses.replace(old, family=claim.family, attributed_to=claim.attributed_to)
            changed.add(claim.doc)
        by_doc.setdefault(claim.doc, []).append(old)
    spec = kind("claims")
    for doc in sorted(changed):
        ctx.store.replace_annotations(doc, "claims", [spec.to_row(c) for c in by_doc[doc]])
    ctx.forget("claims")
    return {"grouped_claims": grouped, "families": families}


def _load_memo(ctx: CorpusContext, claims: Sequence[Claim]) -> tuple[CorpusStats, FamilyMemo]:
    """The frozen statistics and what the last run clustered and linked, or, at a refresh,
    statistics counted now and an empty memo (then every component and denial is done)."""
    stored = {} if ctx.full else {p["a"]: p for p in ctx.store.pairs("claim_stats")}
    docs = len({c.doc for c in claims})
    row = stored.get("stats")
    # what each claim's own words give does not depend on the statistics: kept at a refresh
    facts = ClaimFacts() if ctx.full else ClaimFacts.from_rows(ctx.store.pairs("claim_facts"))
    if row is None or ctx.gone or docs > (1 + STATS_GROWTH) * row["docs"]:
        stats = CorpusStats.count(claims)
        for pair_kind in ("claim_group", "claim_denial"):
            ctx.store.drop_pair_keys(pair_kind, [(p["a"], p["b"]) for p in ctx.store.pairs(pair_kind)])
        ctx.store.put_pairs("claim_stats", [{"a": "stats", "b": "stats", "doc_a": "", "doc_b": "",
                                             **stats.to_row()}])
        return stats, FamilyMemo(groups={}, denials=DenialMemo(old={}), facts=facts)
    spec = kind("claim_families", scope="corpus")
    groups = {p["a"]: [spec.from_row(f) for f in p["families"]] for p in ctx.store.pairs("claim_group")}
    denials = {p["a"]: (p["key"], tuple(p["chosen"])) for p in ctx.store.pairs("claim_denial")}
    return CorpusStats.from_row(row), FamilyMemo(groups=groups, denials=DenialMemo(old=denials), facts=facts)


def _store_memo(ctx: CorpusContext, memo: FamilyMemo, claims: Sequence[Claim]) -> None:
    """Keep this run's components and denial answers; rows no longer current are dropped."""
    spec = kind("claim_families", scope="corpus")
    doc_of = {c.id: c.doc for c in claims}
    ctx.store.drop_pair_keys("claim_group", [(k, k) for k in memo.groups if k not in memo.new_groups])
    ctx.store.put_pairs("claim_group", [
        {"a": k, "b": k, "doc_a": fams[0].docs[0], "doc_b": fams[-1].docs[-1],
         "families": [spec.to_row(f) for f in fams]}
        for k, fams in memo.new_groups.items() if k not in memo.groups])
    old, new = memo.denials.old, memo.denials.new
    ctx.store.drop_pair_keys("claim_denial", [(c, c) for c in old if c not in new])
    ctx.store.put_pairs("claim_denial", [
        {"a": c, "b": c, "doc_a": doc_of[c], "doc_b": doc_of[c], "key": key, "chosen": list(chosen)}
        for c, (key, chosen) in new.items() if old.get(c) != (key, chosen)])
    # the facts of the documents whose claims got one computed in this run (a document's row
    # holds its claims' facts; a deleted document's row goes with its pairs)
    ctx.store.put_pairs("claim_facts", memo.facts.rows(claims, docs=memo.facts.grown))
    ctx.counts["clustered_components"] = memo.clustered
    ctx.counts["relinked_denials"] = memo.denials.relinked


def _neighbours(ctx: CorpusContext, claims: Sequence[Claim], order: Sequence[int],
                matrix: np.ndarray) -> dict[tuple[str, str], float]:
    """Candidate links ``(id_a, id_b) -> cosine`` (``id_a < id_b``), kept in the store as
    pairs with the side(s) that list each among their ``NEIGHBOURS`` best: a run after
    documents were added searches only their claims and updates the lists they enter
    (:func:`narratrace.reuse.neighbour_lists`); the result is a full run's wherever the full
    search is exhaustive. A run after documents were deleted searches every claim again.
    ``order``: the claims by id, the rows of ``matrix`` (their vectors)."""
    ids = [claims[k].id for k in order]
    pos = {claim: p for p, claim in enumerate(ids)}
    doc_of = {c.id: c.doc for c in claims}
    stored = {} if ctx.full else {(p["a"], p["b"]): p for p in ctx.store.pairs("claim")}
    new_rows = [p for p, claim in enumerate(ids) if doc_of[claim] in ctx.new]
    old = None
    if not ctx.gone and not ctx.full and len(new_rows) < len(ids):
        old = {(pos[a], pos[b]): (p["cos"], p["by_a"], p["by_b"]) for (a, b), p in stored.items()
               if a in pos and b in pos}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    if claims and (new_rows or old is None):
        lists = neighbour_lists(matrix, new_rows, old, k=NEIGHBOURS, threshold=min(RELATED, STORY),
                                parts=ctx.parts, mapper=ctx.mapper)
        for (i, j), (cos, by_a, by_b) in lists.items():
            a, b = ids[i], ids[j]
            rows[(a, b)] = {"a": a, "b": b, "doc_a": doc_of[a], "doc_b": doc_of[b], "cos": cos,
                            "by_a": by_a, "by_b": by_b}
    else:
        rows = stored
    changed = [row for key, row in sorted(rows.items()) if stored.get(key) != row]
    ctx.store.drop_pair_keys("claim", [key for key in stored if key not in rows])
    ctx.store.put_pairs("claim", changed)
    ctx.counts["claim_pairs"] = len(changed)
    return {key: row["cos"] for key, row in rows.items()}


def _claim_vectors(features: Iterable[ReuseFeatures], claims: Sequence[Claim],
                   order: Sequence[int]) -> tuple[np.ndarray, Mapping[str, Any]]:
    """The claim vectors stored by the per-document reuse stage, decoded from each row as it is
    read (the rows not kept): the claims' as one float32 matrix, row ``r`` claim ``order[r]``,
    normalised as :func:`~narratrace.claims.claim_matrix` normalises them, and the other
    vectors (the denied clauses') by key, stacked a page at a time (:class:`_Stacked`).
    Claims stored without one (an older store) are embedded now."""
    at = {claims[k].id: r for r, k in enumerate(order)}
    docs = {c.doc for c in claims}
    matrix: np.ndarray | None = None
    have = np.zeros(len(claims), dtype=bool)
    others = _Stacked()
    ids: list[str] = []
    rows: list[Any] = []
    for row in features:
        if row.doc in docs:
            for key, text in (row.claim_vectors or {}).items():
                vector = unb64(text, "<f4", (-1,))
                r = at.get(key)
                if r is None:
                    ids.append(key)
                    rows.append(vector)
                    continue
                if matrix is None:
                    matrix = np.zeros((len(claims), len(vector)), dtype=np.float32)
                matrix[r] = vector
                have[r] = True
        if len(ids) >= _STACK:
            others.add(ids, rows)
            ids, rows = [], []
    others.add(ids, rows)
    missing = np.flatnonzero(~have)
    if len(missing):
        made = np.asarray(nlp.embed([claims[order[r]].text for r in missing.tolist()]), dtype=np.float32)
        if matrix is None:
            matrix = np.zeros((len(claims), made.shape[1]), dtype=np.float32)
        matrix[missing] = made
    return unit_rows(matrix if matrix is not None else np.zeros((0, 1), dtype=np.float32)), others


#: Vectors stacked into one array at a time by :func:`_claim_vectors`.
_STACK = 4_096


class _Stacked(Mapping[str, Any]):
    """Vectors by id, held as a few stacked float32 arrays instead of one small array (and
    one bytes object) per vector; a value is a row of its stack."""

    def __init__(self) -> None:
        self._stacks: list[Any] = []
        self._at: dict[str, tuple[int, int]] = {}

    def add(self, ids: Sequence[str], vectors: Sequence[Any]) -> None:
        if ids:
            self._at.update((key, (len(self._stacks), r)) for r, key in enumerate(ids))
            self._stacks.append(np.asarray(np.stack(vectors), dtype=np.float32))

    def __getitem__(self, key: str) -> Any:
        stack, row = self._at[key]
        return self._stacks[stack][row]

    def __contains__(self, key: object) -> bool:
        return key in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


def _canonical_speakers(claims: Sequence[Claim], entities: Sequence[Entity],
                        attributions: Sequence[Attribution]) -> list[Claim]:
    """Name a claim's speaker by its canonical entity ("She", "Dancu" → "Mirela Dancu"), so
    origins count a person once however the articles refer to them: the entity of the claim's
    own attribution; for a claim that has none, of the innermost attribution around it. A
    report inside another ("she said the ambassador had assured her that P") keeps P's
    speaker, the ambassador, not the one who passes it on."""
    names = {e.id: e.name for e in entities}
    own: dict[str, str | None] = {}
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for a in attributions:
        entity = a.speaker.entity
        own[a.id] = names.get(entity) if entity is not None else None
        if entity in names:
            spans.setdefault(a.doc, []).append((a.start, a.end, names[entity]))
    out = []
    for claim in claims:
        if claim.attributed_to:
            if claim.attribution in own:
                name = own[claim.attribution]
            else:
                hits = sorted((e - s, name) for s, e, name in spans.get(claim.doc, ())
                              if s < claim.end and claim.start < e)
                name = hits[0][1] if hits else None
            if name and name != claim.attributed_to:  # (a stored claim has its name from the run before)
                claim = dataclasses.replace(claim, attributed_to=name)
        out.append(claim)
    return out


DOC = DocStage("claims", requires=("text", "parse", "attributions", "mentions", "dates"),
               assigns=("claims", "sentences"), fn=_claims)
#: ``grouped_claims``: every stored claim with its family; ``families``: the claim families
#: before their origins are traced (the provenance stage's input).
CORPUS = CorpusStage("claim_families",
                     requires=("documents", "claims", "reuse_features", "entities",
                               "entity_spans_by_doc", "linked_attributions", "reuse", "story_context"),
                     assigns=("grouped_claims", "families"), fn=_families,
                     stamp=f"claims {RELATED} {STORY} k{NEIGHBOURS} kept")
