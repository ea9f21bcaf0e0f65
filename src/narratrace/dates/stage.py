"""The dates stage: every date a document mentions, resolved against its publication date."""

from __future__ import annotations

from typing import Any

from ..stage import DocStage, StageContext
from ..types import DocAnalysis, Document
from . import extract_dates


def _dates(document: Document, parsed: Any, got: DocAnalysis, ctx: StageContext) -> dict[str, Any]:
    return {"dates": tuple(extract_dates(document, parsed, base_date=document.published))}


DOC = DocStage("dates", requires=("text", "parse", "published"), assigns=("dates",), fn=_dates)
