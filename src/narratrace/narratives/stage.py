"""The narratives stage: narrative labels with evidence sentences, and the framing role of
each framed entity mention. The model is trained on English articles only."""

from __future__ import annotations

from typing import Any

from .. import nlp
from ..stage import DocStage, StageContext
from ..types import DocAnalysis, Document
from . import FRAMED_TYPES, classify_narratives, frame_entities, score_documents


def _narratives(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    model = ctx.models.narratives
    if model is None or document.language != "en":
        return {"narratives": (), "framing": ()}
    sentences = nlp.sentence_spans(parsed)
    scores = score_documents(model, [document.text])[0]  # once, for the labels and the roles
    labels = classify_narratives(document, model=model, sentences=sentences, scores=scores)
    framed = [m for m in got.mentions if m.type in FRAMED_TYPES]
    contextual = ctx.options.framing == "contextual"
    return {"narratives": tuple(labels),
            "framing": tuple(frame_entities(document, framed, model=model, contextual=contextual,
                                            scores=scores))}


DOC = DocStage("narratives", requires=("text", "parse", "mentions"),
               assigns=("narratives", "framing"), fn=_narratives)
