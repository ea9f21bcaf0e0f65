"""SQLite full-text search over documents and attributions (FTS5, schema migration 2).

Users type arbitrary text; FTS5 has its own query language (``AND``, ``NEAR``, ``col:``,
``"``, ``*``), so a query is never passed through: it is cut to word tokens, each token is
quoted, and the quoted tokens are ANDed. Matched terms in snippets are wrapped in
``MARK_START`` / ``MARK_END`` (control characters no article text is expected to hold) so the
caller can escape the snippet first and then turn the marks into ``<mark>`` tags.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

#: Longest query read, in characters; the rest is ignored (bounds the work per request).
MAX_QUERY_CHARS = 200
#: Most terms kept from a query.
MAX_TERMS = 12
#: Most hits returned per kind, whatever the caller asks.
MAX_LIMIT = 200
MARK_START, MARK_END = "\x02", "\x03"

_TERM = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """The FTS5 MATCH expression for free text, or None when it holds no word.

    >>> fts_query('drone AND "strike" col:x*')
    '"drone" "AND" "strike" "col" "x"'
    >>> fts_query("  ?! ") is None
    True
    """
    terms = _TERM.findall(text[:MAX_QUERY_CHARS])[:MAX_TERMS]
    return " ".join(f'"{t}"' for t in terms) or None


def search(db: sqlite3.Connection, query: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Documents (title, text) then attributions (speaker, content) matching ``query``.

    At most ``limit`` hits of each kind, each kind best first (BM25; a title hit weighs more
    than a body hit). Hits are dicts with ``kind`` ("document" or "attribution"), ``doc``,
    ``snippet`` and ``rank``; documents add ``title``, ``outlet``, ``published``;
    attributions add ``id``, ``speaker``, ``content``.
    """
    match = fts_query(query)
    if match is None:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    hits: list[dict[str, Any]] = []
    rows = db.execute(
        "SELECT d.id, d.title, d.outlet, d.published, "
        "snippet(documents_fts, 1, char(2), char(3), '…', 24), bm25(documents_fts, 5.0, 1.0) AS r "
        "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
        "WHERE documents_fts MATCH ? ORDER BY r LIMIT ?", (match, limit))
    for doc, title, outlet, published, snippet, rank in rows:
        hits.append({"kind": "document", "doc": doc, "title": title, "outlet": outlet,
                     "published": published, "snippet": snippet, "rank": rank})
    rows = db.execute(
        "SELECT a.doc, a.data, snippet(attributions_fts, -1, char(2), char(3), '…', 24), "
        "bm25(attributions_fts, 2.0, 1.0) AS r "
        "FROM attributions_fts JOIN annotations a ON a.rowid = attributions_fts.rowid "
        "WHERE attributions_fts MATCH ? ORDER BY r LIMIT ?", (match, limit))
    for doc, data, snippet, rank in rows:
        row = json.loads(data)
        speaker = row.get("speaker") if isinstance(row.get("speaker"), dict) else {}
        hits.append({"kind": "attribution", "doc": doc, "id": row.get("id"),
                     "speaker": speaker.get("text"), "content": row.get("content"),
                     "snippet": snippet, "rank": rank})
    return hits
