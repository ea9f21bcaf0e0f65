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
    # Full-text search (the web explorer's /search). Triggers keep the indexes in step with
    # every write path, including ones added later; the last statements index what is there.
    (2, """
    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
    CREATE VIRTUAL TABLE attributions_fts USING fts5(
        speaker, content, tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER attributions_fts_insert AFTER INSERT ON annotations
    WHEN new.kind = 'attributions' BEGIN
        INSERT INTO attributions_fts(rowid, speaker, content)
        VALUES (new.rowid, json_extract(new.data, '$.speaker.text'),
                json_extract(new.data, '$.content'));
    END;
    CREATE TRIGGER attributions_fts_delete AFTER DELETE ON annotations
    WHEN old.kind = 'attributions' BEGIN
        DELETE FROM attributions_fts WHERE rowid = old.rowid;
    END;
    CREATE TRIGGER attributions_fts_update AFTER UPDATE ON annotations
    WHEN old.kind = 'attributions' OR new.kind = 'attributions' BEGIN
        DELETE FROM attributions_fts WHERE rowid = old.rowid;
        INSERT INTO attributions_fts(rowid, speaker, content)
        SELECT new.rowid, json_extract(new.data, '$.speaker.text'),
               json_extract(new.data, '$.content')
        WHERE new.kind = 'attributions';
    END;
    INSERT INTO attributions_fts(rowid, speaker, content)
    SELECT rowid, json_extract(data, '$.speaker.text'), json_extract(data, '$.content')
    FROM annotations WHERE kind = 'attributions';
    """),
    # Incremental corpus stages (issue #7): cached document/claim pairs (LSH copy checks,
    # same-story candidates, claim neighbours) and the documents the last corpus run covered.
    (3, """
    CREATE TABLE pairs (
        kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
        doc_a TEXT NOT NULL, doc_b TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (kind, a, b)
    );
    CREATE INDEX pairs_doc_a ON pairs (doc_a);
    CREATE INDEX pairs_doc_b ON pairs (doc_b);
    CREATE TABLE corpus_docs (doc TEXT PRIMARY KEY);
    """),
    # Same-story pair rows keep their cosine, list flags and lead term in columns (read back as
    # arrays on every incremental run) and only their other fields in ``data``
    # (narratrace.store._rows.PAIR_COLUMNS); the rows stored before are moved over.
    (4, """
    ALTER TABLE pairs ADD COLUMN cos REAL;
    ALTER TABLE pairs ADD COLUMN by_a INTEGER;
    ALTER TABLE pairs ADD COLUMN by_b INTEGER;
    ALTER TABLE pairs ADD COLUMN lead REAL;
    UPDATE pairs SET cos = json_extract(data, '$.cos'), by_a = json_extract(data, '$.by_a'),
        by_b = json_extract(data, '$.by_b'), lead = json_extract(data, '$.lead'),
        data = json_remove(data, '$.a', '$.b', '$.doc_a', '$.doc_b', '$.cos', '$.by_a', '$.by_b', '$.lead')
    WHERE kind = 'story' AND json_type(data, '$.cos') = 'real'
        AND json_type(data, '$.by_a') IN ('true', 'false') AND json_type(data, '$.by_b') IN ('true', 'false')
        AND coalesce(json_type(data, '$.lead'), 'real') = 'real';
    """),
)
