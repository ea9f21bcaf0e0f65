"""The store: documents, rejected inputs and every annotation, behind a small protocol.

Chosen by URL: ``sqlite:///path/to/narratrace.sqlite`` (the default, a plain path works too)
or ``postgresql://…``. Writes are idempotent upserts keyed by content ids.

>>> from narratrace.store import open_store
>>> store = open_store("sqlite:///:memory:")
>>> store.count_documents()
0
"""

from __future__ import annotations

from ._base import ANNOTATION_KINDS, CORPUS_KINDS, Store
from ._fts import MARK_END, MARK_START, MAX_QUERY_CHARS
from ._open import open_store
from ._rows import KeptRows

__all__ = ["ANNOTATION_KINDS", "CORPUS_KINDS", "KeptRows", "Store", "open_store"]
