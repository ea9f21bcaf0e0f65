from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from ._base import Store


def open_store(url: str | Path) -> Store:
    """Open the store named by ``url``; a bare path means SQLite."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        raise StoreError("The PostgreSQL backend is not available in this version; "
                         "use --db sqlite:///path/narratrace.sqlite (the default).")
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    elif "://" in text:
        raise StoreError(f"Unknown store URL {text!r}: use sqlite:///PATH or postgresql://…")
    from ._sqlite import SQLiteStore

    return SQLiteStore(text)
