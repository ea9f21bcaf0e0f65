from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ReadOnlyStoreError, StoreError
from ..records import kind as stored_kind
from ..types import Document, Rejected
from . import _fts
from ._migrations import MIGRATIONS
from ._rows import (DOC_COLUMNS, PAIR_COLUMNS, PairColumns, document_from_row, document_row, field_names, now,
                    pair_columns, pair_row, pair_values)


#: Whether this SQLite has the ``->`` JSON operator (3.38 and later).
JSON_ARROW = sqlite3.sqlite_version_info >= (3, 38, 0)

#: The write-ahead log is cut back to this size once what it holds is in the database file.
#: SQLite checkpoints the log every 1,000 pages (4 MiB) of committed writes, which bounds it
#: while transactions are small (one document each: at most 4.0 MiB through the per-document
#: phase of 1,000 and 2,000 templated articles); but one transaction holds all its pages in
#: the log until it commits, and a checkpoint leaves the file at its largest size. The corpus
#: update is one transaction (a crash keeps the previous results whole), so the log reaches the
#: size of what it writes and stayed there, beside the database, until the store was closed.
#: What it writes must therefore grow with the documents: on 1,000 and 2,000 templated articles
#: the log peaked at 215 and 726 MiB while the reuse stage stored every copy check (one row a
#: pair), and at 59 and 117 MiB (237 at 4,000) once it stored only the copies found
#: (``bench/bench_hostile.py --group 6``).
WAL_KEEP_BYTES = 64 << 20


class SQLiteStore:
    """SQLite backend (WAL mode, one transaction per write batch). ``read_only``: open an
    existing store for reading only (``serve`` on a file or folder it may not write)."""

    def __init__(self, path: str, *, timeout: float = 30.0, read_only: bool = False) -> None:
        self.url = f"sqlite:///{path}"
        self._depth = 0
        self._wal = None if path == ":memory:" else Path(f"{path}-wal").expanduser()
        if read_only and path != ":memory:":
            self._db = _open_read_only(path, timeout=timeout)
            return
        if path != ":memory:":
            parent = Path(path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(f"Cannot create the store {path!r}: folder {parent} does not exist.")
        try:
            # timeout: how long a write waits for another process's lock before StoreError
            self._db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute(f"PRAGMA journal_size_limit={WAL_KEEP_BYTES}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if _is_read_only(exc, path):
                raise ReadOnlyStoreError(
                    f"The store {path!r} is read-only ({exc}): analysing writes to it. Choose a "
                    "writable --out or --db; `narratrace serve` can browse it as it is.") from exc
            if _is_disk_error(exc):
                raise StoreError(f"Cannot open the store {path!r}: {exc}. Check free disk space "
                                 "(a full disk stops SQLite), or choose another --out or --db.") from exc
            raise StoreError(f"Cannot open the store {path!r}: {exc}. Is it a narratrace "
                             "SQLite file, and is no other program holding a lock on it?") from exc

    # ------------------------------------------------------------------ schema
    def _migrate(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                         " applied_at TEXT NOT NULL)")
        done = {row[0] for row in self._db.execute("SELECT version FROM schema_migrations")}
        for version, sql in MIGRATIONS:
            if version in done:
                continue
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    self._db.execute(statement)
                self._db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, now()))
                self._db.execute("COMMIT")
            except BaseException:
                _rollback(self._db)
                raise

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0])

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested calls join the outer transaction."""
        if self._depth == 0:
            self._execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                _rollback(self._db)
            raise
        self._depth -= 1
        if self._depth == 0:
            self._execute("COMMIT")
            self._cut_log()

    def _cut_log(self) -> None:
        """After a transaction that left the log over :data:`WAL_KEEP_BYTES`: copy it into the
        database and empty it, now, if no reader holds an older snapshot (a reader is not
        waited for: SQLite cuts the log back to that size at a later checkpoint instead)."""
        try:
            if self._wal is None or self._wal.stat().st_size <= WAL_KEEP_BYTES:
                return
        except OSError:  # no log file (yet, or any more)
            return
        wait = self._db.execute("PRAGMA busy_timeout").fetchone()[0]
        self._db.execute("PRAGMA busy_timeout=0")
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:  # busy or locked: the next checkpoint does it
            pass
        finally:
            self._db.execute(f"PRAGMA busy_timeout={int(wait)}")

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, tuple(params))
        except sqlite3.OperationalError as exc:
            raise self._write_error(exc) from exc

    def _execute_many(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        try:
            self._db.executemany(sql, rows)
        except sqlite3.OperationalError as exc:
            raise self._write_error(exc) from exc

    def _write_error(self, exc: sqlite3.OperationalError) -> StoreError:
        if _is_read_only(exc, self.url[len("sqlite:///"):]):
            return ReadOnlyStoreError(
                f"The store {self.url} is read-only ({exc}): analysing writes to it. Choose a "
                "writable --out or --db; `narratrace serve` can browse it as it is.")
        return StoreError(f"The store {self.url} could not be written: {exc}. Check free disk "
                          "space and that no other process locks the file.")

    # ------------------------------------------------------------------ writes
    def upsert_document(self, document: Document) -> None:
        cols = ", ".join(DOC_COLUMNS)
        marks = ", ".join("?" for _ in DOC_COLUMNS)
        update = ", ".join(f"{c}=excluded.{c}" for c in DOC_COLUMNS if c != "id")
        with self.transaction():
            self._execute(f"INSERT INTO documents ({cols}) VALUES ({marks}) "
                          f"ON CONFLICT(id) DO UPDATE SET {update}", document_row(document))

    def add_rejected(self, rejected: Rejected) -> None:
        with self.transaction():
            self._execute("INSERT INTO rejected VALUES (?, ?, ?) ON CONFLICT(path, stage) "
                          "DO UPDATE SET reason=excluded.reason",
                          (rejected.path, rejected.stage, rejected.reason))

    def clear_rejected(self, path: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM rejected WHERE path = ?", (path,))

    def replace_annotations(self, doc: str, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
        stored_kind(kind, scope="document")
        with self.transaction():
            self._execute("DELETE FROM annotations WHERE doc = ? AND kind = ?", (doc, kind))
            self._execute_many("INSERT INTO annotations VALUES (?, ?, ?, ?)",
                               ((doc, kind, seq, json.dumps(row, ensure_ascii=False))
                                for seq, row in enumerate(rows)))

    def replace_corpus(self, kind: str, rows: Iterable[Mapping[str, Any] | str]) -> None:
        # Only the positions whose row changed are written (the comparison is SQLite's): an
        # incremental run that changes a few claim families leaves the other rows' pages clean.
        stored_kind(kind, scope="corpus")
        count = [0]

        def params() -> Iterator[tuple[str, int, str]]:
            for seq, row in enumerate(rows):
                count[0] = seq + 1
                yield kind, seq, row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)

        with self.transaction():
            self._execute_many("INSERT INTO corpus VALUES (?, ?, ?) ON CONFLICT(kind, seq) "
                               "DO UPDATE SET data = excluded.data WHERE data != excluded.data",
                               params())
            self._execute("DELETE FROM corpus WHERE kind = ? AND seq >= ?", (kind, count[0]))

    # ------------------------------------------------------------------ reads
    def documents(self) -> Iterator[Document]:
        cur = self._db.execute(f"SELECT {', '.join(DOC_COLUMNS)} FROM documents "
                               "ORDER BY published IS NULL, published, id")
        for row in cur:
            yield document_from_row(row)

    def document(self, doc_id: str) -> Document | None:
        row = self._db.execute(f"SELECT {', '.join(DOC_COLUMNS)} FROM documents WHERE id = ?",
                               (doc_id,)).fetchone()
        return document_from_row(row) if row else None

    def has_document(self, doc_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def document_paths(self) -> dict[str, str]:
        return dict(self.iter_document_paths())

    def iter_document_paths(self, *, page_size: int = 10_000) -> Iterator[tuple[str, str]]:
        # Keyset pages in rowid order: each page is a finished query, so nothing stays open
        # between pages and the caller may write to the store while it iterates. Rowid, not
        # id: the table is read in storage order (id order looked each row up through the
        # index: 85 s instead of 28 for a million documents, measured).
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        last = -1 << 63
        while True:
            rows = self._db.execute("SELECT rowid, id, path FROM documents WHERE rowid > ? "
                                    "ORDER BY rowid LIMIT ?", (last, page_size)).fetchall()
            yield from ((row[1], row[2]) for row in rows)
            if len(rows) < page_size:
                return
            last = rows[-1][0]

    def delete_document(self, doc_id: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM annotations WHERE doc = ?", (doc_id,))
            self._execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            # Its pairs go; its corpus mark stays, so the next corpus run counts it as gone
            # (neighbour lists that held it are searched again).
            self._execute("DELETE FROM pairs WHERE doc_a = ? OR doc_b = ?", (doc_id, doc_id))

    # ------------------------------------------------------------------ corpus-stage state
    def put_pairs(self, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
        with self.transaction():
            self._execute_many("INSERT INTO pairs (kind, a, b, doc_a, doc_b, data, cos, by_a, by_b, lead) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(kind, a, b) "
                               "DO UPDATE SET doc_a=excluded.doc_a, doc_b=excluded.doc_b, "
                               "data=excluded.data, cos=excluded.cos, by_a=excluded.by_a, "
                               "by_b=excluded.by_b, lead=excluded.lead",
                               (_pair_params(kind, row) for row in rows))

    def pairs(self, kind: str) -> list[dict[str, Any]]:
        cur = self._db.execute(f"SELECT a, b, doc_a, doc_b, {_pair_select(kind)}data FROM pairs "
                               "WHERE kind = ? ORDER BY a, b", (kind,))
        return [pair_row(kind, row[0], row[1], row[2], row[3], row[4:-1], row[-1]) for row in cur]

    def pair_columns(self, kind: str) -> PairColumns:
        cur = self._db.execute(f"SELECT a, b, {_pair_select(kind)}data FROM pairs "
                               "WHERE kind = ? ORDER BY a, b", (kind,))
        return pair_columns(kind, cur)

    def drop_pairs(self, docs: Iterable[str] | None = None) -> None:
        with self.transaction():
            if docs is None:
                self._execute("DELETE FROM pairs")
                self._execute("DELETE FROM corpus_docs")
                return
            for doc in docs:
                self._execute("DELETE FROM pairs WHERE doc_a = ? OR doc_b = ?", (doc, doc))
                self._execute("DELETE FROM corpus_docs WHERE doc = ?", (doc,))

    def drop_pair_keys(self, kind: str, keys: Iterable[tuple[str, str]]) -> None:
        with self.transaction():
            self._execute_many("DELETE FROM pairs WHERE kind = ? AND a = ? AND b = ?",
                               ((kind, a, b) for a, b in keys))

    def corpus_docs(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT doc FROM corpus_docs")}

    def add_corpus_docs(self, docs: Iterable[str]) -> None:
        with self.transaction():
            for doc in docs:
                self._execute("INSERT INTO corpus_docs VALUES (?) ON CONFLICT(doc) DO NOTHING", (doc,))

    def count_documents(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def rejected(self) -> list[Rejected]:
        return [Rejected(*row) for row in
                self._db.execute("SELECT path, stage, reason FROM rejected ORDER BY path, stage")]

    def annotations(self, kind: str, *, doc: str | None = None) -> list[dict[str, Any]]:
        stored_kind(kind, scope="document")
        if doc is None:
            cur = self._db.execute("SELECT data FROM annotations WHERE kind = ? ORDER BY doc, seq",
                                   (kind,))
        else:
            cur = self._db.execute("SELECT data FROM annotations WHERE kind = ? AND doc = ? "
                                   "ORDER BY seq", (kind, doc))
        return [json.loads(row[0]) for row in cur]

    def annotated_docs(self, kind: str) -> set[str]:
        stored_kind(kind, scope="document")
        return {row[0] for row in self._db.execute("SELECT DISTINCT doc FROM annotations WHERE kind = ?",
                                                   (kind,))}

    def iter_annotations(self, kind: str, *, page_size: int = 2_000) -> Iterator[dict[str, Any]]:
        # Keyset pages on the primary key (doc, kind, seq): each page is a finished query, so
        # nothing stays open between pages and the caller may write while it iterates.
        stored_kind(kind, scope="document")
        _check_page(page_size)
        rows = self._db.execute("SELECT doc, seq, data FROM annotations WHERE kind = ? "
                                "ORDER BY doc, seq LIMIT ?", (kind, page_size)).fetchall()
        while rows:
            yield from (json.loads(row[2]) for row in rows)
            if len(rows) < page_size:
                return
            doc, seq = rows[-1][0], rows[-1][1]
            rows = self._db.execute(
                "SELECT doc, seq, data FROM annotations WHERE kind = ? AND (doc > ? OR "
                "(doc = ? AND seq > ?)) ORDER BY doc, seq LIMIT ?",
                (kind, doc, doc, seq, page_size)).fetchall()

    def annotation_fields(self, kind: str, fields: Sequence[str], *,
                          page_size: int = 2_000) -> Iterator[tuple[Any, ...]]:
        # As iter_annotations, with SQLite taking the fields out of each row's text (its
        # ``->`` gives a field's JSON text as stored; json_extract would round a float to 15
        # digits). Before SQLite 3.38 the rows are decoded whole and the fields picked here.
        stored_kind(kind, scope="document")
        _check_page(page_size)
        names = field_names(fields)
        if JSON_ARROW:
            picks = "".join(f", data -> '$.{name}'" for name in names)

            def pick(row: tuple[Any, ...]) -> tuple[Any, ...]:
                return (row[0], *(None if v is None else json.loads(v) for v in row[2:]))
        else:
            picks = ", data"

            def pick(row: tuple[Any, ...]) -> tuple[Any, ...]:
                data = json.loads(row[2])
                return (row[0], *(data.get(name) for name in names))
        sql = f"SELECT doc, seq{picks} FROM annotations WHERE kind = ? {{}}ORDER BY doc, seq LIMIT ?"
        rows = self._db.execute(sql.format(""), (kind, page_size)).fetchall()
        while rows:
            yield from map(pick, rows)
            if len(rows) < page_size:
                return
            doc, seq = rows[-1][0], rows[-1][1]
            rows = self._db.execute(sql.format("AND (doc > ? OR (doc = ? AND seq > ?)) "),
                                    (kind, doc, doc, seq, page_size)).fetchall()

    def corpus(self, kind: str) -> list[dict[str, Any]]:
        stored_kind(kind, scope="corpus")
        cur = self._db.execute("SELECT data FROM corpus WHERE kind = ? ORDER BY seq", (kind,))
        return [json.loads(row[0]) for row in cur]

    def corpus_texts(self, kind: str, key: str) -> list[tuple[Any, str]]:
        stored_kind(kind, scope="corpus")
        (name,) = field_names([key])
        if JSON_ARROW:
            cur = self._db.execute(f"SELECT data -> '$.{name}', data FROM corpus WHERE kind = ? "
                                   "ORDER BY seq", (kind,))
            return [(None if value is None else json.loads(value), text) for value, text in cur]
        cur = self._db.execute("SELECT data FROM corpus WHERE kind = ? ORDER BY seq", (kind,))
        return [(json.loads(text).get(name), text) for (text,) in cur]

    def iter_corpus(self, kind: str, *, page_size: int = 2_000) -> Iterator[dict[str, Any]]:
        stored_kind(kind, scope="corpus")
        _check_page(page_size)
        last = -1
        while True:
            rows = self._db.execute("SELECT seq, data FROM corpus WHERE kind = ? AND seq > ? "
                                    "ORDER BY seq LIMIT ?", (kind, last, page_size)).fetchall()
            yield from (json.loads(row[1]) for row in rows)
            if len(rows) < page_size:
                return
            last = rows[-1][0]

    def search(self, query: str, *, limit: int = 50) -> list[dict[str, Any]]:
        """Full-text search over documents and attributions (see ``_fts.search``)."""
        return _fts.search(self._db, query, limit=limit)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pair_select(kind: str) -> str:
    """The columns of its own a pair kind is read with, each followed by a comma
    (:data:`~._rows.PAIR_COLUMNS`; none for most kinds)."""
    return "".join(f"{name}, " for name, _ in PAIR_COLUMNS.get(kind, ()))


def _pair_params(kind: str, row: Mapping[str, Any]) -> tuple[Any, ...]:
    values, data = pair_values(kind, row)
    return (kind, row["a"], row["b"], row["doc_a"], row["doc_b"], data, *(values or (None,) * 4))


def _check_page(page_size: int) -> None:
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, not {page_size}")


def _rollback(db: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already: on a full disk or an I/O
    error it rolls back by itself, and a second ROLLBACK would hide the error that caused it."""
    if db.in_transaction:
        db.execute("ROLLBACK")


def _is_disk_error(exc: sqlite3.DatabaseError) -> bool:
    """A full disk (or file size limit) or a failed write, as SQLite names it."""
    return getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_FULL", "SQLITE_IOERR"))


def _is_read_only(exc: sqlite3.DatabaseError, path: str) -> bool:
    if "readonly" in str(exc).replace("-", "").replace(" ", "").lower():
        return True
    if path == ":memory:":
        return False
    target = Path(path).expanduser()
    folder = target.resolve().parent
    return ((target.exists() and not os.access(target, os.W_OK))
            or (folder.is_dir() and not os.access(folder, os.W_OK)))


def _open_read_only(path: str, *, timeout: float) -> sqlite3.Connection:
    """A connection that can only read an existing, up-to-date store. In a folder it may not
    write, SQLite cannot make the shared-memory file a WAL database needs; the file is then
    read as immutable (what it is to this reader)."""
    target = Path(path).expanduser().resolve()
    if not target.is_file():
        raise StoreError(f"Cannot open the store {path!r} read-only: no such file.")
    last = None
    for mode in ("ro", "ro&immutable=1"):
        try:
            db = sqlite3.connect(f"{target.as_uri()}?mode={mode}", uri=True, timeout=timeout,
                                 isolation_level=None)
            db.execute("PRAGMA query_only=1")
            version = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            last = exc
            continue
        if version != MIGRATIONS[-1][0]:
            db.close()
            raise StoreError(f"The store {path!r} has schema version {version}, this narratrace "
                             f"reads {MIGRATIONS[-1][0]}: open it once where it can be written "
                             "(narratrace analyze) to upgrade it.")
        return db
    raise StoreError(f"Cannot open the store {path!r} read-only: {last}. Is it a narratrace "
                     "SQLite file?")


def _statements(sql: str) -> Iterator[str]:
    """Split a migration into statements; a trigger body's inner ``;`` does not end one."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip():
        yield pending
