"""Build and write ``analysis.json`` — the public output contract — from the store.

The keys below are an interface that users' scripts rely on: extend, never remove or rename.
The JSON Schema lives in ``narratrace/schema/analysis.schema.json``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .outfile import write_text_atomic
from .records import KINDS
from .store import Store
from .version import __version__

SCHEMA_VERSION = "1.1"

#: The stored kinds in ``analysis.json``, in the order they are written (the registry's).
KINDS_IN_ANALYSIS = tuple(k for k in KINDS if k.in_analysis)
#: Keys of ``analysis.json`` in the order they are written.
KEYS: tuple[str, ...] = ("schema_version", "generator", "generated_at", "documents", "errors",
                         *(k.name for k in KINDS_IN_ANALYSIS))


def build_analysis(store: Store) -> dict[str, Any]:
    """Everything the store holds, as the ``analysis.json`` dict."""
    documents = [{"id": d.id, "path": d.path, "title": d.title, "outlet": d.outlet,
                  "syndicator": d.syndicator, "url": d.url, "published": d.published,
                  "language": d.language, "analysed": d.analysed, "format": d.format,
                  "text": d.text, "source_text": d.source_text,
                  "removed": [{"kind": r.kind, "start": r.start, "end": r.end} for r in d.removed]}
                 for d in store.documents()]
    analysis: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "narratrace", "version": __version__},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "documents": documents,
        "errors": [{"path": r.path, "stage": r.stage, "reason": r.reason} for r in store.rejected()],
    }
    for kind in KINDS_IN_ANALYSIS:
        # Stored rows as they are: what the stages wrote is what users read.
        analysis[kind.name] = (store.corpus(kind.name) if kind.scope == "corpus"
                               else store.annotations(kind.name))
    return analysis


def write_analysis(analysis: dict[str, Any], path: Path) -> Path:
    """Write atomically (a crash or a full disk never leaves a half-written file)."""
    return write_text_atomic(path, json.dumps(analysis, ensure_ascii=False, indent=1))


def schema_path() -> Path:
    return Path(__file__).parent / "schema" / "analysis.schema.json"
