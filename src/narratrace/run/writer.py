"""Writing what the per-document stages found: one document and all its kinds in ONE
transaction, driven by the registry of stored kinds (:data:`narratrace.records.KINDS`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..records import KINDS
from ..store import Store
from ..types import DocAnalysis, Rejected

_DOCUMENT_KINDS = tuple(k for k in KINDS if k.scope == "document")


def save_analysis(store: Store, analysis: DocAnalysis, problems: Iterable[Rejected], *,
                  replaces: Sequence[str] = ()) -> None:
    """Write one document, every document kind of it and its warnings in one transaction: a
    document row in the store means the document is complete (what an incremental or resumed
    run skips). ``replaces``: ids of stored documents this one replaces (a changed file). A
    kind stored one row per document is not written while it is None (its stage did not run)."""
    doc = analysis.document
    with store.transaction():
        for old in replaces:
            if old != doc.id:
                store.delete_document(old)
        store.clear_rejected(doc.path)
        store.upsert_document(doc)
        for spec in _DOCUMENT_KINDS:
            value = getattr(analysis, spec.name)
            if spec.one:
                if value is not None:
                    store.replace_annotations(doc.id, spec.name, [spec.to_row(value)])
            else:
                store.replace_annotations(doc.id, spec.name, [spec.to_row(r) for r in value])
        for problem in problems:
            store.add_rejected(problem)


def save_rejected(store: Store, rejected: Iterable[Rejected]) -> None:
    """Store the reasons inputs were rejected, in one transaction."""
    with store.transaction():
        for rej in rejected:
            store.add_rejected(rej)


__all__ = ["save_analysis", "save_rejected"]
