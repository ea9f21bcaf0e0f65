"""The narratives stage: narrative labels with evidence sentences, and the framing role of
each framed entity mention. The model is trained on English articles only.

The mentions framed from their contextual vector are read by the encoder for a whole group
of documents at once (:meth:`Narratives.for_group`, called by the per-document runner): the
same vectors, bit for bit, in fewer, longer matrix products."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import nlp
from ..errors import NarratraceError
from ..stage import DocFn, DocStage, StageContext
from ..types import DocAnalysis, Document
from . import FRAMED_TYPES, classify_narratives, contextual_spans, frame_entities, score_documents
from ._framing import texts_mention_vectors
from ._model import framing_encoder


class Narratives:
    """The stage's function (one document and its parse), and :meth:`for_group`."""

    def __call__(self, document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext, *,
                 vectors: np.ndarray | None = None) -> dict[str, Any]:
        model = ctx.models.narratives
        if model is None or document.language != "en":
            return {"narratives": (), "framing": ()}
        sentences = nlp.sentence_spans(parsed)
        scores = score_documents(model, [document.text])[0]  # once, for the labels and the roles
        labels = classify_narratives(document, model=model, sentences=sentences, scores=scores)
        framed = [m for m in got.mentions if m.type in FRAMED_TYPES]
        contextual = ctx.options.framing == "contextual"
        return {"narratives": tuple(labels),
                "framing": tuple(frame_entities(document, framed, model=model,
                                                contextual=contextual, scores=scores,
                                                vectors=vectors))}

    def for_group(self, items: Sequence[tuple[Document, Any, DocAnalysis]],
                  ctx: StageContext) -> DocFn:
        """The function for each of ``items`` (a group's ``(document, parse, products)``):
        this one, with the contextual mention vectors of all of them made in one encoder pass
        (:func:`~._framing.texts_mention_vectors`); a document whose vectors were not made
        here makes its own."""
        model = ctx.models.narratives
        if model is None:
            return self
        contextual = ctx.options.framing == "contextual"
        wanted: list[tuple[Document, list[tuple[int, int]]]] = []
        for document, _, got in items:
            if document.language != "en":
                continue
            try:
                spans = contextual_spans(document, [m for m in got.mentions if m.type in FRAMED_TYPES],
                                         model=model, contextual=contextual)
            except NarratraceError:  # the document's own call says so
                continue
            if spans:
                wanted.append((document, spans))
        made = texts_mention_vectors([(d.text, spans) for d, spans in wanted],
                                     encoder=framing_encoder(model))
        by_document = {id(d): v for (d, _), v in zip(wanted, made, strict=True)}

        def fn(document: Document, parsed: Any, got: DocAnalysis,
               ctx: StageContext) -> Mapping[str, Any]:
            return self(document, parsed, got, ctx, vectors=by_document.get(id(document)))

        return fn


DOC = DocStage("narratives", requires=("text", "parse", "mentions"),
               assigns=("narratives", "framing"), fn=Narratives())
