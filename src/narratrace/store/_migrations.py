"""Numbered schema migrations. Append new ones; never edit a released one."""

from __future__ import annotations

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
)
