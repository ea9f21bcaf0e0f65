from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from ._base import Store


def open_store(url: str | Path, *, read_only: bool = False) -> Store:
    """Open the store named by ``url``: ``sqlite:///PATH`` (a bare path means SQLite too) or
    ``postgresql://user:password@host:port/database`` (the database must exist).
    ``read_only``: an existing SQLite store, opened for reading only (a PostgreSQL store's
    permissions are the server's: it is opened as usual)."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        from ._postgres import PostgresStore

        return PostgresStore(text)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    elif "://" in text:
        raise StoreError(f"Unknown store URL {text!r}: use sqlite:///PATH or postgresql://…")
    from ._sqlite import SQLiteStore

    return SQLiteStore(text, read_only=read_only)
