"""PostgreSQL backend: the same protocol, tables and JSON rows as the SQLite store.

Rows are kept as JSON *text* (not ``jsonb``, which reorders keys), so ``analysis.json`` built
from either backend is byte-for-byte the same. Sort orders use ``COLLATE "C"`` to match
SQLite's binary text order whatever the server's locale.

PostgreSQL text cannot hold the NUL character (nor can a JSON ``\\u0000`` escape be read as
text), and one would abort the whole write: a NUL in any written value is stored as U+FFFD,
the replacement character, which keeps every character offset where it was.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import StoreError
from ..records import kind as stored_kind
from ..types import Document, Rejected
from ._rows import (DOC_COLUMNS, PAIR_COLUMNS, PairColumns, document_from_row, document_row, field_names, now,
                    pair_columns, pair_row, pair_values)


# Text-search configuration: 'simple' (no stemming, no stopword list) because the corpus is
# multilingual and a query should find the word as written, like SQLite FTS5's unicode61.
# A title hit weighs more than a body hit (weights A and B), as in the SQLite bm25 call.
_TS_CONFIG = "simple"
_TS_DOCUMENT = (f"setweight(to_tsvector('{_TS_CONFIG}', coalesce(title, '')), 'A') || "
                f"setweight(to_tsvector('{_TS_CONFIG}', text), 'B')")
_TS_ATTRIBUTION = (f"setweight(to_tsvector('{_TS_CONFIG}', coalesce((data::json)->'speaker'->>'text', '')), 'A')"
                   f" || setweight(to_tsvector('{_TS_CONFIG}', coalesce((data::json)->>'content', '')), 'B')")

#: Numbered migrations of the PostgreSQL schema; versions line up with the SQLite ones
#: (1 tables, 2 full-text search, 3 corpus-stage pairs, 4 same-story pair columns). Append new ones; never edit a released one.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        title TEXT, outlet TEXT, syndicator TEXT, url TEXT, published TEXT,
        language TEXT, analysed INTEGER NOT NULL DEFAULT 1, format TEXT NOT NULL,
        text TEXT NOT NULL, source_text TEXT NOT NULL, removed TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE rejected (
        path TEXT NOT NULL, stage TEXT NOT NULL, reason TEXT NOT NULL,
        PRIMARY KEY (path, stage)
    );
    CREATE TABLE annotations (
        doc TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (doc, kind, seq)
    );
    CREATE TABLE corpus (
        kind TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (kind, seq)
    );
    """),
    (2, f"""
    CREATE INDEX documents_fts ON documents USING GIN (({_TS_DOCUMENT}));
    CREATE INDEX attributions_fts ON annotations USING GIN (({_TS_ATTRIBUTION}))
        WHERE kind = 'attributions'
    """),
    # Incremental corpus stages: cached pairs and the documents the last corpus run covered.
    (3, """
    CREATE TABLE pairs (
        kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
        doc_a TEXT NOT NULL, doc_b TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (kind, a, b)
    );
    CREATE INDEX pairs_doc_a ON pairs (doc_a);
    CREATE INDEX pairs_doc_b ON pairs (doc_b);
    CREATE TABLE corpus_docs (doc TEXT PRIMARY KEY)
    """),
    # Same-story pair rows: their cosine, list flags and lead term in columns (as on SQLite).
    (4, """
    ALTER TABLE pairs ADD COLUMN cos DOUBLE PRECISION, ADD COLUMN by_a INTEGER,
        ADD COLUMN by_b INTEGER, ADD COLUMN lead DOUBLE PRECISION;
    UPDATE pairs SET cos = (data::jsonb->>'cos')::double precision,
        by_a = CASE WHEN data::jsonb->'by_a' = 'true'::jsonb THEN 1 ELSE 0 END,
        by_b = CASE WHEN data::jsonb->'by_b' = 'true'::jsonb THEN 1 ELSE 0 END,
        lead = (data::jsonb->>'lead')::double precision,
        data = (data::jsonb - 'a' - 'b' - 'doc_a' - 'doc_b' - 'cos' - 'by_a' - 'by_b' - 'lead')::text
    WHERE kind = 'story' AND jsonb_typeof(data::jsonb->'cos') = 'number'
        AND jsonb_typeof(data::jsonb->'by_a') = 'boolean' AND jsonb_typeof(data::jsonb->'by_b') = 'boolean'
        AND coalesce(jsonb_typeof(data::jsonb->'lead'), 'number') = 'number'
    """),
)

_PAGE = 500  # documents fetched per query when streaming: memory stays flat


class PostgresStore:
    """PostgreSQL backend (one connection, explicit transactions, nested calls join the outer).

    A connection the server drops (a restart, ``pg_terminate_backend``) fails the statement
    that meets it with a ``StoreError``, and the server rolls its transaction back. The next
    call made outside any transaction connects again, so a long-lived store (``serve``)
    recovers once the server is back; inside a transaction every later statement fails too.
    """

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self._psycopg = psycopg
        self._closed = False
        self._db = self._connect()
        self._depth = 0
        self._migrate()

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except self._psycopg.Error as exc:
            raise StoreError(f"Cannot connect to the store {_redact(self.url)}: "
                             f"{_oneline(exc)} Is the server running, and do the user, password "
                             "and database exist?") from exc

    # ------------------------------------------------------------------ schema
    def _migrate(self) -> None:
        with self.transaction():
            # One migrating process at a time (two runs starting together on a fresh database).
            self._execute("SELECT pg_advisory_xact_lock(72817201)")
            self._execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                          " applied_at TEXT NOT NULL)")
            done = {row[0] for row in self._execute("SELECT version FROM schema_migrations")}
            for version, sql in MIGRATIONS:
                if version in done:
                    continue
                for statement in filter(str.strip, sql.split(";")):
                    self._execute(statement)
                self._execute("INSERT INTO schema_migrations VALUES (%s, %s)", (version, now()))

    @property
    def schema_version(self) -> int:
        return int(self._execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0])

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested calls join the outer transaction."""
        if self._depth == 0:
            self._execute("BEGIN")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._rollback()
            raise
        self._depth -= 1
        if self._depth == 0:
            self._commit()

    def _commit(self) -> None:
        # Never on a new connection: only the transaction's own session can commit it. And
        # PostgreSQL answers COMMIT of a transaction in which a statement failed (its error
        # caught by a caller) with ROLLBACK, not an error: say so rather than report success.
        try:
            status = self._db.execute("COMMIT").statusmessage
        except self._psycopg.Error as exc:
            raise self._error(exc, "written") from exc
        if status != "COMMIT":
            raise StoreError(f"The store {_redact(self.url)} rolled a transaction back instead "
                             f"of committing it ({status}): a statement in it had failed. "
                             "Nothing of it was kept; run again.")

    def _rollback(self) -> None:
        try:
            self._db.execute("ROLLBACK")
        except self._psycopg.Error:  # the connection is gone: the server rolled back already
            pass

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> Any:
        self._reconnect_if_lost()
        try:
            return self._db.execute(sql, tuple(map(_no_nul, params)))  # type: ignore[arg-type]
        except self._psycopg.Error as exc:
            raise self._error(exc, "read or written") from exc

    def _executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        self._reconnect_if_lost()
        try:
            with _quiet_teardown(), self._db.cursor() as cur:
                cur.executemany(sql, [tuple(map(_no_nul, row)) for row in rows])
        except self._psycopg.Error as exc:
            raise self._error(exc, "written") from exc

    def _reconnect_if_lost(self) -> None:
        # Only between transactions: the lost one was rolled back by the server, and its
        # caller was told (a StoreError); a transaction must never continue on a new session.
        if self._db.closed and self._depth == 0 and not self._closed:
            self._db = self._connect()

    def _error(self, exc: Exception, doing: str) -> StoreError:
        """A StoreError that says which of the usual causes it is (by SQLSTATE class)."""
        state = getattr(exc, "sqlstate", None) or ""
        kept = "nothing half-written was kept, and what was committed stays"
        detail = _oneline(exc)
        if self._closed:
            hint = "This store was closed; open it again"
        elif state.startswith("53"):  # insufficient resources: 53100 disk full, 53200 memory
            hint = (f"The database server is out of resources (SQLSTATE {state}: disk full, out "
                    f"of memory or too many connections). Free space on it, then run again: {kept}")
        elif self._connection_lost() or state.startswith(("08", "57P")):  # lost, shutdown
            hint = ("The connection to the database server was lost (it stopped, restarted or "
                    f"ended this session). Check that it is up, then run again: {kept}")
            # libpq's first line says what happened; the next ones ("This probably means the
            # server terminated abnormally...") guess at what the hint says plainly.
            detail = _oneline(str(exc).strip().split("\n", 1)[0])
        else:
            hint = "Check that the server is up and has free disk space"
        return StoreError(f"The store {_redact(self.url)} could not be {doing}: {detail} "
                          f"{hint}.")

    def _connection_lost(self) -> bool:
        """Whether the session is gone: closed, marked broken, or libpq's status is bad (a
        batch write in pipeline mode meets a terminated session as "cannot exit pipeline
        mode while busy", with no SQLSTATE, before psycopg marks the connection broken)."""
        db = self._db
        if db.closed or getattr(db, "broken", False):
            return True
        try:
            return bool(db.pgconn.status != self._psycopg.pq.ConnStatus.OK)
        except Exception:  # noqa: BLE001 - no status to read: treat it as lost
            return True

    # ------------------------------------------------------------------ writes
    def upsert_document(self, document: Document) -> None:
        cols = ", ".join(DOC_COLUMNS)
        marks = ", ".join("%s" for _ in DOC_COLUMNS)
        update = ", ".join(f"{c}=excluded.{c}" for c in DOC_COLUMNS if c != "id")
        with self.transaction():
            self._execute(f"INSERT INTO documents ({cols}) VALUES ({marks}) "
                          f"ON CONFLICT (id) DO UPDATE SET {update}", document_row(document))

    def delete_document(self, doc_id: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM annotations WHERE doc = %s", (doc_id,))
            self._execute("DELETE FROM documents WHERE id = %s", (doc_id,))
            # Its pairs go; its corpus mark stays, so the next corpus run counts it as gone
            # (neighbour lists that held it are searched again).
            self._execute("DELETE FROM pairs WHERE doc_a = %s OR doc_b = %s", (doc_id, doc_id))

    # ------------------------------------------------------------------ corpus-stage state
    def put_pairs(self, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
        with self.transaction():
            self._executemany("INSERT INTO pairs (kind, a, b, doc_a, doc_b, data, cos, by_a, by_b, lead) "
                              "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                              "ON CONFLICT (kind, a, b) DO UPDATE SET doc_a = excluded.doc_a, "
                              "doc_b = excluded.doc_b, data = excluded.data, cos = excluded.cos, "
                              "by_a = excluded.by_a, by_b = excluded.by_b, lead = excluded.lead",
                              [_pair_params(kind, row) for row in rows])

    def _pair_rows(self, kind: str, *, docs: bool = True) -> Any:
        select = ("doc_a, doc_b, " if docs else "") + "".join(f"{name}, " for name, _ in PAIR_COLUMNS.get(kind, ()))
        return self._execute(f"SELECT a, b, {select}data FROM pairs WHERE kind = %s "
                             'ORDER BY a COLLATE "C", b COLLATE "C"', (kind,))

    def pairs(self, kind: str) -> list[dict[str, Any]]:
        return [pair_row(kind, row[0], row[1], row[2], row[3], row[4:-1], row[-1])
                for row in self._pair_rows(kind)]

    def pair_columns(self, kind: str) -> PairColumns:
        return pair_columns(kind, self._pair_rows(kind, docs=False))

    def drop_pairs(self, docs: Iterable[str] | None = None) -> None:
        with self.transaction():
            if docs is None:
                self._execute("DELETE FROM pairs")
                self._execute("DELETE FROM corpus_docs")
                return
            ids = list(docs)
            if ids:
                self._execute("DELETE FROM pairs WHERE doc_a = ANY(%s) OR doc_b = ANY(%s)", (ids, ids))
                self._execute("DELETE FROM corpus_docs WHERE doc = ANY(%s)", (ids,))

    def drop_pair_keys(self, kind: str, keys: Iterable[tuple[str, str]]) -> None:
        with self.transaction():
            self._executemany("DELETE FROM pairs WHERE kind = %s AND a = %s AND b = %s",
                              [(kind, a, b) for a, b in keys])

    def corpus_docs(self) -> set[str]:
        return {row[0] for row in self._execute("SELECT doc FROM corpus_docs")}

    def add_corpus_docs(self, docs: Iterable[str]) -> None:
        with self.transaction():
            self._executemany("INSERT INTO corpus_docs VALUES (%s) ON CONFLICT (doc) DO NOTHING",
                              [(doc,) for doc in docs])

    def add_rejected(self, rejected: Rejected) -> None:
        with self.transaction():
            self._execute("INSERT INTO rejected VALUES (%s, %s, %s) ON CONFLICT (path, stage) "
                          "DO UPDATE SET reason = excluded.reason",
                          (rejected.path, rejected.stage, rejected.reason))

    def clear_rejected(self, path: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM rejected WHERE path = %s", (path,))

    def replace_annotations(self, doc: str, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
        stored_kind(kind, scope="document")
        with self.transaction():
            self._execute("DELETE FROM annotations WHERE doc = %s AND kind = %s", (doc, kind))
            self._executemany("INSERT INTO annotations VALUES (%s, %s, %s, %s)",
                              [(doc, kind, seq, _json(row))
                               for seq, row in enumerate(rows)])

    def replace_corpus(self, kind: str, rows: Iterable[Mapping[str, Any] | str]) -> None:
        stored_kind(kind, scope="corpus")
        # Only the positions whose row changed are written (see the SQLite store).
        params = [(kind, seq, row if isinstance(row, str) else _json(row)) for seq, row in enumerate(rows)]
        with self.transaction():
            self._executemany("INSERT INTO corpus VALUES (%s, %s, %s) ON CONFLICT (kind, seq) "
                              "DO UPDATE SET data = excluded.data "
                              "WHERE corpus.data IS DISTINCT FROM excluded.data", params)
            self._execute("DELETE FROM corpus WHERE kind = %s AND seq >= %s", (kind, len(params)))

    # ------------------------------------------------------------------ reads
    def documents(self) -> Iterator[Document]:
        # Ids first (small), then pages of rows: the caller may run other queries in between.
        ids = [row[0] for row in self._execute(
            'SELECT id FROM documents ORDER BY published IS NULL, published COLLATE "C", '
            'id COLLATE "C"')]
        cols = ", ".join(DOC_COLUMNS)
        for lo in range(0, len(ids), _PAGE):
            page = ids[lo:lo + _PAGE]
            rows = {row[0]: row for row in self._execute(
                f"SELECT {cols} FROM documents WHERE id = ANY(%s)", (page,))}
            for doc_id in page:
                if doc_id in rows:
                    yield document_from_row(rows[doc_id])

    def document(self, doc_id: str) -> Document | None:
        row = self._execute(f"SELECT {', '.join(DOC_COLUMNS)} FROM documents WHERE id = %s",
                            (doc_id,)).fetchone()
        return document_from_row(row) if row else None

    def has_document(self, doc_id: str) -> bool:
        return self._execute("SELECT 1 FROM documents WHERE id = %s", (doc_id,)).fetchone() is not None

    def document_paths(self) -> dict[str, str]:
        return dict(self.iter_document_paths())

    def iter_document_paths(self, *, page_size: int = 10_000) -> Iterator[tuple[str, str]]:
        # Keyset pages on the primary key (its index, in the database's collation): a psycopg
        # cursor holds a whole result in client memory, so one query for all rows is not flat.
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        sql = "SELECT id, path FROM documents {} ORDER BY id LIMIT %s"
        rows = self._execute(sql.format(""), (page_size,)).fetchall()
        while rows:
            yield from ((row[0], row[1]) for row in rows)
            if len(rows) < page_size:
                return
            rows = self._execute(sql.format("WHERE id > %s"), (rows[-1][0], page_size)).fetchall()

    def count_documents(self) -> int:
        return int(self._execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def rejected(self) -> list[Rejected]:
        return [Rejected(*row) for row in self._execute(
            'SELECT path, stage, reason FROM rejected ORDER BY path COLLATE "C", stage COLLATE "C"')]

    def annotations(self, kind: str, *, doc: str | None = None) -> list[dict[str, Any]]:
        stored_kind(kind, scope="document")
        if doc is None:
            cur = self._execute('SELECT data FROM annotations WHERE kind = %s '
                                'ORDER BY doc COLLATE "C", seq', (kind,))
        else:
            cur = self._execute("SELECT data FROM annotations WHERE kind = %s AND doc = %s "
                                "ORDER BY seq", (kind, doc))
        return [json.loads(row[0]) for row in cur]

    def annotated_docs(self, kind: str) -> set[str]:
        stored_kind(kind, scope="document")
        return {row[0] for row in self._execute("SELECT DISTINCT doc FROM annotations WHERE kind = %s",
                                                (kind,))}

    def iter_annotations(self, kind: str, *, page_size: int = 2_000) -> Iterator[dict[str, Any]]:
        # Keyset pages, as iter_document_paths: a psycopg cursor holds its whole result.
        stored_kind(kind, scope="document")
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        sql = ('SELECT doc, seq, data FROM annotations WHERE kind = %s {} '
               'ORDER BY doc COLLATE "C", seq LIMIT %s')
        rows = self._execute(sql.format(""), (kind, page_size)).fetchall()
        while rows:
            yield from (json.loads(row[2]) for row in rows)
            if len(rows) < page_size:
                return
            doc, seq = rows[-1][0], rows[-1][1]
            rows = self._execute(sql.format('AND (doc COLLATE "C" > %s OR (doc = %s AND seq > %s))'),
                                 (kind, doc, doc, seq, page_size)).fetchall()

    def annotation_fields(self, kind: str, fields: Sequence[str], *,
                          page_size: int = 2_000) -> Iterator[tuple[Any, ...]]:
        # As iter_annotations, with the server taking the fields out of each row's text.
        stored_kind(kind, scope="document")
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        picks = "".join(f", ((data::json) -> '{field}')::text" for field in field_names(fields))
        sql = (f'SELECT doc, seq{picks} FROM annotations WHERE kind = %s {{}} '
               'ORDER BY doc COLLATE "C", seq LIMIT %s')
        rows = self._execute(sql.format(""), (kind, page_size)).fetchall()
        while rows:
            yield from ((row[0], *(None if v is None else json.loads(v) for v in row[2:])) for row in rows)
            if len(rows) < page_size:
                return
            doc, seq = rows[-1][0], rows[-1][1]
            rows = self._execute(sql.format('AND (doc COLLATE "C" > %s OR (doc = %s AND seq > %s))'),
                                 (kind, doc, doc, seq, page_size)).fetchall()

    def corpus(self, kind: str) -> list[dict[str, Any]]:
        stored_kind(kind, scope="corpus")
        cur = self._execute("SELECT data FROM corpus WHERE kind = %s ORDER BY seq", (kind,))
        return [json.loads(row[0]) for row in cur]

    def corpus_texts(self, kind: str, key: str) -> list[tuple[Any, str]]:
        stored_kind(kind, scope="corpus")
        (name,) = field_names([key])
        cur = self._execute(f"SELECT ((data::json) -> '{name}')::text, data FROM corpus WHERE kind = %s "
                            "ORDER BY seq", (kind,))
        return [(None if value is None else json.loads(value), text) for value, text in cur]

    def iter_corpus(self, kind: str, *, page_size: int = 2_000) -> Iterator[dict[str, Any]]:
        stored_kind(kind, scope="corpus")
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        last = -1
        while True:
            rows = self._execute("SELECT seq, data FROM corpus WHERE kind = %s AND seq > %s "
                                 "ORDER BY seq LIMIT %s", (kind, last, page_size)).fetchall()
            yield from (json.loads(row[1]) for row in rows)
            if len(rows) < page_size:
                return
            last = rows[-1][0]

    def search(self, query: str, *, limit: int = 50) -> list[dict[str, Any]]:
        """Documents (title, text) then attributions (speaker, content) matching every word of
        ``query``: the same hits and shape as the SQLite store (see ``_fts.search``); ``rank``
        is minus ``ts_rank`` so that, as with SQLite's bm25, lower is better."""
        from ._fts import MARK_END, MARK_START, MAX_LIMIT, MAX_QUERY_CHARS, MAX_TERMS, _TERM

        terms = _TERM.findall(query[:MAX_QUERY_CHARS])[:MAX_TERMS]
        if not terms:
            return []
        limit = max(1, min(int(limit), MAX_LIMIT))
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8, MaxFragments=1"
        hits: list[dict[str, Any]] = []
        rows = self._execute(
            f"SELECT id, title, outlet, published, ts_headline('{_TS_CONFIG}', text, q, %s), "
            f"ts_rank({_TS_DOCUMENT}, q) AS r "
            f"FROM documents, plainto_tsquery('{_TS_CONFIG}', %s) AS q "
            f'WHERE ({_TS_DOCUMENT}) @@ q ORDER BY r DESC, id COLLATE "C" LIMIT %s',
            (marks, " ".join(terms), limit))
        for doc, title, outlet, published, snippet, rank in rows:
            hits.append({"kind": "document", "doc": doc, "title": title, "outlet": outlet,
                         "published": published, "snippet": snippet, "rank": -float(rank)})
        rows = self._execute(
            f"SELECT doc, data, ts_headline('{_TS_CONFIG}', "
            f"coalesce((data::json)->>'content', ''), q, %s), ts_rank({_TS_ATTRIBUTION}, q) AS r "
            f"FROM annotations, plainto_tsquery('{_TS_CONFIG}', %s) AS q "
            f"WHERE kind = 'attributions' AND ({_TS_ATTRIBUTION}) @@ q "
            f'ORDER BY r DESC, doc COLLATE "C", seq LIMIT %s',
            (marks, " ".join(terms), limit))
        for doc, data, snippet, rank in rows:
            row = json.loads(data)
            speaker = row.get("speaker") if isinstance(row.get("speaker"), dict) else {}
            hits.append({"kind": "attribution", "doc": doc, "id": row.get("id"),
                         "speaker": speaker.get("text"), "content": row.get("content"),
                         "snippet": snippet, "rank": -float(rank)})
        return hits

    def close(self) -> None:
        self._closed = True
        self._db.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _TeardownNoise(logging.Filter):
    """Drops psycopg's "error ignored terminating <Pipeline>" warning: when a batch write
    fails (a lost connection), closing its pipeline fails the same way, and that second
    failure, printed as an extra line, says nothing the raised error does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("error ignored terminating")


@contextmanager
def _quiet_teardown() -> Iterator[None]:
    """:class:`_TeardownNoise` on psycopg's logger for the length of one batch write."""
    logger = logging.getLogger("psycopg")
    noise = _TeardownNoise()
    logger.addFilter(noise)
    try:
        yield
    finally:
        logger.removeFilter(noise)


_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def _no_nul(value: Any) -> Any:
    """A written value with every NUL character replaced by U+FFFD (see the module's note)."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _pair_params(kind: str, row: Mapping[str, Any]) -> tuple[Any, ...]:
    values, data = pair_values(kind, row)
    if "\\u0000" in data:
        data = _JSON_NUL.sub(r"\1\\ufffd", data)
    return (kind, row["a"], row["b"], row["doc_a"], row["doc_b"], data, *(values or (None,) * 4))


def _json(row: Any) -> str:
    """A row as JSON text whose ``\\u0000`` escapes (NUL characters) are ``\\ufffd``.

    >>> _json({"a": "x\\x00y", "b": "\\\\u0000"})
    '{"a": "x\\\\ufffdy", "b": "\\\\\\\\u0000"}'
    """
    text = json.dumps(row, ensure_ascii=False)
    return _JSON_NUL.sub(r"\1\\ufffd", text) if "\\u0000" in text else text


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url


def _oneline(exc: Exception | str) -> str:
    """A libpq message (it may span lines) as one sentence for the message that wraps it."""
    text = " ".join(str(exc).split())
    return text if text.endswith((".", "?", "!")) else text + "."
