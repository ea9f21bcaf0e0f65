"""RECORDS: what the store holds and how records cross its boundary.

One registry of stored kinds (:data:`KINDS`: name, record class, document or corpus scope,
whether it is in ``analysis.json``), one codec record ↔ row (:func:`to_row`, :func:`from_row`),
the vector helpers with the embedding width, and the content-derived ids.

    >>> from narratrace.records import kind, names
    >>> names(scope="document", in_analysis=True)
    ('attributions', 'dates', 'claims', 'citations', 'narratives', 'framing')
    >>> kind("mentions").scope
    'document'
"""

from __future__ import annotations

from ._codec import from_row, to_row
from ._ids import content_id, hash64
from ._kinds import KINDS, Kind, Scope, kind, names
from ._vectors import EMBEDDING_DIM, b64, unb64

__all__ = ["EMBEDDING_DIM", "KINDS", "Kind", "Scope", "b64", "content_id", "from_row", "hash64",
           "kind", "names", "to_row", "unb64"]
