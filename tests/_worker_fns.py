"""Module-level part functions for the process-engine tests (a spawned worker imports them)."""

from __future__ import annotations

import os

from narratrace.types import DocAnalysis, Document


def echo_or_die(documents: list[Document], options, narratives: bool) -> list:
    """Return an empty analysis per document; kill this worker on a document saying POISON."""
    if any("POISON" in d.text for d in documents):
        os._exit(17)  # as an out-of-memory kill would: no exception, the process is gone
    return [(DocAnalysis(document=d), []) for d in documents]


def raise_on_bug(documents: list[Document], options, narratives: bool) -> list:
    if any("BUG" in d.text for d in documents):
        raise RuntimeError("a stage outside the guarded ones failed")
    return [(DocAnalysis(document=d), []) for d in documents]


def fail_at_start(options, narratives: bool, driver: int | None = None) -> None:
    """A worker initialiser that fails, as a worker re-running an unguarded script does."""
    raise RuntimeError("cannot start here")
