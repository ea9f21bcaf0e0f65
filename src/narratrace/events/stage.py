"""The events stage, both halves: the event sentences of each document (found where the
document is analysed, kept in the store); one event per happening across the corpus, with
every document that dates it (a greedy merge, order-dependent, so global: on the 5,100-document
store of ``bench/bench_scale.py`` the merge of the stored descriptions takes ~1.1 s of every
corpus run, 5,854 events, under load: medians of 5 runs 1.14–1.17 s before an event's summary
counted what its descriptions share once per event, 1.05–1.17 s after)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..stage import CorpusContext, CorpusStage, DocStage, StageContext
from ..types import DocAnalysis, Document, EventCandidates
from . import event_candidates, merge_events


def _candidates(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    found = event_candidates(document, dates=got.dates, mentions=got.mentions,
                             sentences=got.sentences, attributions=got.attributions)
    return {"event_candidates": EventCandidates(document.id, tuple(found))}


def _merge(ctx: CorpusContext) -> Mapping[str, Any]:
    stored: list[EventCandidates] = ctx.read("event_candidates")
    candidates = {c.doc: list(c.candidates) for c in stored}
    events = merge_events([], documents={d.id: d for d in ctx.documents}, mentions=[],
                          candidates=candidates)
    return {"events": events}


DOC = DocStage("events", requires=("text", "dates", "mentions", "sentences", "attributions"),
               assigns=("event_candidates",), fn=_candidates, every_document=True)
CORPUS = CorpusStage("events", requires=("documents", "event_candidates"), assigns=("events",),
                     fn=_merge)
