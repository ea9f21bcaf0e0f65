"""How a Document is laid out in a ``documents`` row: shared by every backend, so SQLite and
PostgreSQL store (and give back) exactly the same thing."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from ..types import Document, Removed

DOC_COLUMNS = ("id", "path", "title", "outlet", "syndicator", "url", "published", "language",
               "analysed", "format", "text", "source_text", "removed", "updated_at")


def document_row(document: Document) -> tuple[Any, ...]:
    """Column values in ``DOC_COLUMNS`` order (``removed`` as JSON, ``analysed`` as 0/1)."""
    row = asdict(document)
    row["removed"] = json.dumps([[r.kind, r.start, r.end] for r in document.removed])
    row["analysed"] = int(document.analysed)
    row["updated_at"] = now()
    return tuple(row[c] for c in DOC_COLUMNS)


def document_from_row(row: tuple[Any, ...]) -> Document:
    data = dict(zip(DOC_COLUMNS, row, strict=True))
    removed = tuple(Removed(k, s, e) for k, s, e in json.loads(data.pop("removed")))
    data.pop("updated_at")
    data["analysed"] = bool(data["analysed"])
    if data["source_text"] == data["text"]:  # a plain-text input: one string, not two copies
        data["source_text"] = data["text"]
    return Document(removed=removed, **data)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
