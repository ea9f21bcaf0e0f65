"""The provenance stage, both halves: the sources each document cites; each claim family's
independent origins, traced through citations and reuse across the corpus.

A family's trace reads only its own claims, their documents and the documents those derive
from, the families that deny it, and the corpus's outlet names (:func:`family_inputs`). An
incremental corpus run keeps a fingerprint of those inputs per family (``origins`` pairs in
the store) and traces again only the families whose fingerprint changed; the others keep
the trace stored by the run before, which is the one a trace now would give. A kept trace is
not decoded: its row is handed on as the JSON text stored (:class:`~narratrace.store.KeptRows`)
and written back as it is (100 documents into the 5,000-document bench store: the family rows
read, decoded and encoded again took ~0.3 s of that run's CPU). The fingerprints are taken on
every run, of every family: a family's part of them (its claims, its documents' lineage) is made
once, however many families it denies (on that store, 11,354 families, the same inputs:
0.33 → 0.30 s).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..records import kind
from ..stage import CorpusContext, CorpusStage, DocStage, StageContext
from ..store import KeptRows
from ..types import (Attribution, Citation, Claim, ClaimFamily, DocAnalysis, Document, Entity,
                     Reuse)
from . import extract_citations, load_outlets, trace_origins
from ._origins import _ends


def _citations(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    return {"citations": tuple(extract_citations(document, attributions=got.attributions,
                                                 mentions=got.mentions))}


def _origins(ctx: CorpusContext) -> Mapping[str, Any]:
    """Trace the families whose inputs changed since the last run (all of them on a full
    run); keep the stored trace of the others."""
    families: list[ClaimFamily] = ctx["families"]
    claims: list[Claim] = ctx["grouped_claims"]
    documents = {d.id: d for d in ctx.documents}
    citations: list[Citation] = ctx.read("citations")
    inputs = family_inputs(families, claims=claims, citations=citations, reuse=ctx["reuse"],
                           documents=documents, attributions=ctx["linked_attributions"],
                           entities=ctx["entities"])
    stored_inputs = {} if ctx.full else {p["a"]: p["inputs"] for p in ctx.store.pairs("origins")}
    # a kept family's stored row, as its JSON text: written back as it is, decoded only if read
    kept: dict[str, str] = {}
    if stored_inputs:
        unchanged = {f.id for f in families if stored_inputs.get(f.id) == inputs[f.id]}
        kept = {fid: text for fid, text in ctx.store.corpus_texts("claim_families", "id")
                if fid in unchanged}
    todo = [f for f in families if f.id not in kept]
    # A traced family lists its deniers: the families that contradict it are passed along.
    wanted = {f.id for f in todo}
    deniers = [f for f in families if f.id not in wanted and wanted.intersection(f.contradicts)]
    traced = {f.id: f for f in trace_origins(
        [*todo, *deniers], claims=claims, citations=citations, reuse=ctx["reuse"],
        documents=documents, attributions=ctx["linked_attributions"], entities=ctx["entities"])
        if f.id in wanted}
    ctx.counts["traced_families"] = len(traced)
    ctx.store.drop_pair_keys("origins", [(a, a) for a in stored_inputs if a not in inputs])
    ctx.store.put_pairs("origins", [{"a": f.id, "b": f.id, "doc_a": f.docs[0], "doc_b": f.docs[-1],
                                     "inputs": inputs[f.id]}
                                    for f in families if stored_inputs.get(f.id) != inputs[f.id]])
    spec = kind("claim_families", scope="corpus")
    return {"claim_families": KeptRows([kept.get(f.id) or traced[f.id] for f in families], spec.from_row)}


def family_inputs(families: Sequence[ClaimFamily], *, claims: Sequence[Claim],
                  citations: Iterable[Citation], reuse: Sequence[Reuse],
                  documents: Mapping[str, Document], attributions: Iterable[Attribution],
                  entities: Iterable[Entity]) -> dict[str, str]:
    """A fingerprint of everything :func:`~narratrace.provenance.trace_origins` reads to
    trace each family: the family, its claims, each of its documents and the documents it
    derives from (the document, its attributions, citations and the entities named in it),
    the families that deny it (their claims and documents), and the outlet registry with
    the outlets of the corpus. Two runs whose fingerprints of a family are equal trace it
    alike.

    >>> from narratrace.types import Document
    >>> doc = Document(id="a", path="a", text="t", source_text="t", outlet="The Ledger")
    >>> fam = ClaimFamily("f", "x", ("c1",), ("a",))
    >>> one = family_inputs([fam], claims=[Claim("c1", "a", "x", 0, 1)], citations=[], reuse=[],
    ...                     documents={"a": doc}, attributions=[], entities=[])
    >>> two = family_inputs([fam], claims=[Claim("c1", "a", "x", 0, 1, stance="denies")],
    ...                     citations=[], reuse=[], documents={"a": doc}, attributions=[], entities=[])
    >>> len(one["f"]), one == two
    (32, False)
    """
    # What the trace reads, gathered as :class:`~._origins.Corpus` gathers it (the same
    # attributions by id, citations, entities by document in mention order, lineage), without
    # the indexes only a trace uses.
    attr = {a.id: a for a in attributions}
    entity_by_id = {e.id: e for e in entities}
    cited: dict[str, list[Citation]] = {}
    for c in citations:
        cited.setdefault(c.doc, []).append(c)
    named: dict[str, list[tuple[int, Entity]]] = {}
    for e in entity_by_id.values():
        for m in e.mentions:
            named.setdefault(m.doc, []).append((m.start, e))
    parent: dict[str, tuple[str, Reuse]] = {}
    for r in reuse:
        if r.kind != "same_story":
            src, dst = _ends(r, documents)
            parent.setdefault(dst, (src, r))
    by_doc: dict[str, list[str]] = {}
    for a in attr.values():
        text = repr(a)
        if a.speaker.actor is not None and a.speaker.actor.id in entity_by_id:
            text += repr(entity_by_id[a.speaker.actor.id].name)
        by_doc.setdefault(a.doc, []).append(text)
    outlets = sorted({d.outlet for d in documents.values() if d.outlet})
    common = _digest([repr(load_outlets()), repr(outlets)])
    doc_prints: dict[str, str] = {}

    def doc_print(doc: str) -> str:
        if doc not in doc_prints:
            d = documents.get(doc)
            parts = [repr(d.__class__) if d is None else
                     repr((d.id, d.path, d.title, d.outlet, d.syndicator, d.url, d.published,
                           d.language, d.analysed, hashlib.blake2b(d.text.encode("utf-8", "surrogatepass"),
                                                                   digest_size=16).hexdigest()))]
            parts += sorted(by_doc.get(doc, ()))
            parts += [repr(c) for c in cited.get(doc, ())]
            parts += [repr((s, e.id, e.name, e.type, e.aliases, e.roles))
                      for s, e in sorted(named.get(doc, ()), key=lambda x: x[0])]
            doc_prints[doc] = _digest(parts)
        return doc_prints[doc]

    lineages: dict[str, list[str]] = {}

    def lineage(doc: str) -> list[str]:
        start = doc
        if start not in lineages:
            out, seen = [doc_print(doc)], {doc}
            while doc in parent and parent[doc][0] not in seen:
                doc, link = parent[doc]
                seen.add(doc)
                out += [repr(link), doc_print(doc)]
            lineages[start] = out
        return lineages[start]

    by_id = {c.id: c for c in claims}
    # a family's part, made once: a family denied by others is read again for each of them
    made: dict[str, list[str]] = {}

    def members(fam: ClaimFamily) -> list[str]:
        if fam.id not in made:
            found = [by_id[c] for c in fam.claims if c in by_id]
            made[fam.id] = [repr(c) for c in found] + [p for d in sorted({c.doc for c in found})
                                                       for p in lineage(d)]
        return made[fam.id]

    denied_by: dict[str, list[ClaimFamily]] = {}
    for fam in families:
        for target in fam.contradicts:
            denied_by.setdefault(target, []).append(fam)
    return {fam.id: _digest([common, repr(fam), *members(fam),
                             *(p for g in denied_by.get(fam.id, ()) for p in [g.id, *members(g)])])
            for fam in families}


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


DOC = DocStage("citations", requires=("text", "attributions", "mentions"), assigns=("citations",),
               fn=_citations)
CORPUS = CorpusStage("origins", requires=("documents", "families", "grouped_claims", "citations",
                                          "reuse", "linked_attributions", "entities"),
                     assigns=("claim_families",), fn=_origins)
