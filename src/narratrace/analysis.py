"""Build and write ``analysis.json`` — the public output contract — from the store.

The keys below are an interface that users' scripts rely on: extend, never remove or rename.
The JSON Schema lives in ``narratrace/schema/analysis.schema.json``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .version import __version__
from .store import Store

SCHEMA_VERSION = "1.0"

#: Keys of ``analysis.json`` in the order they are written.
KEYS: tuple[str, ...] = ("schema_version", "generator", "generated_at", "documents", "errors",
                         "entities", "attributions", "dates", "claims", "claim_families", "reuse",
                         "citations", "events", "narratives", "framing")


def build_analysis(store: Store) -> dict[str, Any]:
    """Everything the store holds, as the ``analysis.json`` dict."""
    documents = [{"id": d.id, "path": d.path, "title": d.title, "outlet": d.outlet,
                  "syndicator": d.syndicator, "url": d.url, "published": d.published,
                  "language": d.language, "analysed": d.analysed, "format": d.format,
                  "text": d.text, "source_text": d.source_text,
                  "removed": [{"kind": r.kind, "start": r.start, "end": r.end} for r in d.removed]}
                 for d in store.documents()]
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "narratrace", "version": __version__},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": documents,
        "errors": [{"path": r.path, "stage": r.stage, "reason": r.reason} for r in store.rejected()],
        "entities": store.corpus("entities"),
        "attributions": store.annotations("attributions"),
        "dates": store.annotations("dates"),
        "claims": store.annotations("claims"),
        "claim_families": store.corpus("claim_families"),
        "reuse": store.corpus("reuse"),
        "citations": store.annotations("citations"),
        "events": store.corpus("events"),
        "narratives": store.annotations("narratives"),
        "framing": store.annotations("framing"),
    }


def write_analysis(analysis: dict[str, Any], path: Path) -> Path:
    """Write atomically (a crash never leaves a half-written file)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(analysis, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def schema_path() -> Path:
    return Path(__file__).parent / "schema" / "analysis.schema.json"
