"""The provenance stage, both halves: the sources each document cites; each claim family's
independent origins, traced through citations and reuse across the corpus."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..stage import CorpusContext, CorpusStage, DocStage, StageContext
from ..types import DocAnalysis, Document
from . import extract_citations, trace_origins


def _citations(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    return {"citations": tuple(extract_citations(document, attributions=got.attributions,
                                                 mentions=got.mentions))}


def _origins(ctx: CorpusContext) -> Mapping[str, Any]:
    families = trace_origins(ctx["families"], claims=ctx["grouped_claims"],
                             citations=ctx.read("citations"), reuse=ctx["reuse"],
                             documents={d.id: d for d in ctx.documents},
                             attributions=ctx["linked_attributions"], entities=ctx["entities"])
    return {"claim_families": families}


DOC = DocStage("citations", requires=("text", "attributions", "mentions"), assigns=("citations",),
               fn=_citations)
CORPUS = CorpusStage("origins", requires=("documents", "families", "grouped_claims", "citations",
                                          "reuse", "linked_attributions", "entities"),
                     assigns=("claim_families",), fn=_origins)
