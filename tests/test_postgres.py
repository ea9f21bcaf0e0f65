"""The PostgreSQL store against a real server that the test run starts itself (issue #7).

Every contract test runs on both backends, so the two cannot drift apart. The server is a
throw-away cluster on loopback (see ``pg_server.py``); each test gets a fresh database.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narratrace.errors import StoreError
from narratrace.store import open_store
from narratrace.store._postgres import MIGRATIONS as PG_MIGRATIONS
from narratrace.types import Document, Rejected, Removed
from pg_server import fresh_database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    else:
        s = open_store(fresh_database(request.getfixturevalue("pg_admin_url")))
    yield s
    s.close()


@pytest.fixture
def pg_store(pg_admin_url):
    s = open_store(fresh_database(pg_admin_url))
    yield s
    s.close()


def _doc(i: int = 0, text: str = "Body text.", published: str | None = "2025-06-06", **kw) -> Document:
    return Document(id=kw.pop("id", f"d{i}"), path=f"in/{i}.txt", text=text,
                    source_text="HEAD\n" + text, removed=(Removed("navigation", 0, 4),),
                    title=kw.pop("title", "T"), outlet="O", published=published, language="en",
                    **kw)


def test_open_store_picks_postgres_by_url(pg_store):
    assert type(pg_store).__name__ == "PostgresStore"
    assert pg_store.url.startswith("postgresql://")
    assert pg_store.count_documents() == 0


def test_upsert_is_idempotent(store):
    for _ in range(3):
        store.upsert_document(_doc())
    assert store.count_documents() == 1
    assert list(store.documents()) == [_doc()]
    assert store.document("d0") == _doc() and store.document("nope") is None
    assert store.has_document("d0") and not store.has_document("d1")


def test_documents_order_is_the_same_on_both_backends(store):
    # Published date first (undated last), then id in binary order: "B" < "a" < "é".
    docs = [_doc(1, id="a", published=None), _doc(2, id="B", published=None),
            _doc(3, id="é", published="2024-01-01"), _doc(4, id="z", published="2023-05-01"),
            _doc(5, id="Z", published="2024-01-01")]
    for d in docs:
        store.upsert_document(d)
    assert [d.id for d in store.documents()] == ["z", "Z", "é", "B", "a"]


def test_replace_annotations_replaces_only_that_doc_and_kind(store):
    store.replace_annotations("a", "dates", [{"n": 1}, {"n": 2}])
    store.replace_annotations("b", "dates", [{"n": 3}])
    store.replace_annotations("a", "dates", [{"n": 4}])
    assert store.annotations("dates") == [{"n": 4}, {"n": 3}]
    assert store.annotations("dates", doc="b") == [{"n": 3}]
    assert store.annotations("mentions") == []


def test_json_rows_keep_key_order_and_unicode(store):
    row = {"zeta": 1, "alpha": {"y": [1, 2], "b": None}, "text": "«Déjà» — 東京"}
    store.replace_corpus("entities", [row])
    got = store.corpus("entities")
    assert got == [row] and list(got[0]) == ["zeta", "alpha", "text"]
    assert list(got[0]["alpha"]) == ["y", "b"]


def test_corpus_rows_replace_as_a_whole(store):
    store.replace_corpus("events", [{"id": 1}, {"id": 2}])
    store.replace_corpus("events", [{"id": 3}])
    assert store.corpus("events") == [{"id": 3}]
    assert store.corpus("reuse") == []


def test_rejected_round_trip_and_clear(store):
    store.add_rejected(Rejected("x.bin", "ingest", "looks binary"))
    store.add_rejected(Rejected("x.bin", "ingest", "looks binary (again)"))
    store.add_rejected(Rejected("a.txt", "clean", "no text"))
    assert store.rejected() == [Rejected("a.txt", "clean", "no text"),
                                Rejected("x.bin", "ingest", "looks binary (again)")]
    store.clear_rejected("x.bin")
    assert store.rejected() == [Rejected("a.txt", "clean", "no text")]


def test_transaction_rolls_back_on_error_and_nested_calls_join(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert_document(_doc(1))
            with store.transaction():
                store.replace_annotations("d1", "dates", [{"v": 1}])
            raise RuntimeError("boom")
    assert store.count_documents() == 0 and store.annotations("dates") == []
    with store.transaction():
        store.upsert_document(_doc(2))
    assert store.count_documents() == 1


def test_delete_document_takes_its_annotations(store):
    store.upsert_document(_doc(1))
    store.upsert_document(_doc(2))
    store.replace_annotations("d1", "mentions", [{"x": 1}])
    store.replace_annotations("d2", "mentions", [{"x": 2}])
    store.delete_document("d1")
    assert [d.id for d in store.documents()] == ["d2"]
    assert store.annotations("mentions") == [{"x": 2}]
    assert store.document_paths() == {"d2": "in/2.txt"}


def test_search_finds_the_same_hits_on_both_backends(store):
    store.upsert_document(_doc(1, text="The minister announced a drone strike on the port.",
                               title="Drone strike"))
    store.upsert_document(_doc(2, text="Harvest figures were published on Monday.", title="Harvest"))
    store.replace_annotations("d2", "attributions", [
        {"id": "a1", "doc": "d2", "speaker": {"text": "The ministry"},
         "content": "the drone strike never happened"}])
    hits = store.search("drone strike")
    assert [(h["kind"], h["doc"]) for h in hits] == [("document", "d1"), ("attribution", "d2")]
    assert "\x02" in hits[0]["snippet"] and hits[1]["speaker"] == "The ministry"
    assert store.search("harvest")[0]["doc"] == "d2"
    # Query syntax is never passed through; empty or punctuation-only queries find nothing.
    assert store.search('drone AND "strike" col:x*') == []
    assert store.search("  ?! ") == []
    assert store.search("absent") == []


def test_migrations_run_once_and_reopen_keeps_data(pg_admin_url):
    url = fresh_database(pg_admin_url)
    s = open_store(url)
    s.upsert_document(_doc())
    assert s.schema_version == max(v for v, _ in PG_MIGRATIONS)
    s.close()
    again = open_store(url)
    assert again.count_documents() == 1 and again.schema_version == max(v for v, _ in PG_MIGRATIONS)
    again.close()


@pytest.mark.parametrize("url, message", [
    ("postgresql://nobody@127.0.0.1:1/none", "Cannot connect to the store"),
    ("postgres://u:secret@127.0.0.1:1/none", "Cannot connect to the store postgres://u@"),
])
def test_unreachable_server_is_a_clear_error_without_the_password(url, message):
    with pytest.raises(StoreError, match=message) as info:
        open_store(url)
    assert "secret" not in str(info.value)


def test_missing_database_is_a_clear_error(pg_admin_url):
    with pytest.raises(StoreError, match="database .* exist"):
        open_store(pg_admin_url.rsplit("/", 1)[0] + "/no_such_db")


def test_nul_in_text_is_stored_as_the_replacement_character(pg_store):
    # PostgreSQL text cannot hold NUL; one used to abort the whole run (issue #18).
    pg_store.upsert_document(_doc(text="a\x00b"))
    pg_store.upsert_document(_doc(1))
    assert pg_store.count_documents() == 2
    assert pg_store.document(_doc(text="a\x00b").id).text == "a\ufffdb"


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_text, title=st.none() | _text, ann=st.dictionaries(_text, st.integers() | _text, max_size=4))
def test_round_trip_property(pg_store, text, title, ann):
    doc = _doc(0, text=text, title=title)
    pg_store.upsert_document(doc)
    pg_store.replace_annotations(doc.id, "dates", [ann])
    assert pg_store.document(doc.id) == doc
    assert pg_store.annotations("dates", doc=doc.id) == [ann]


@pytest.mark.model
def test_analyze_into_postgres_equals_sqlite(pg_admin_url, tmp_path):
    """The whole pipeline writes the same analysis.json through either backend."""
    from narratrace import Options, analyze
    from narratrace.analysis import build_analysis

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    names = ["kaldonia_herald_denial.txt", "meridian_post_tarsova_drought.txt",
             "courrier_de_lest_fr.txt", "harbour_times_wire_copy.html"]
    for name in names:
        shutil.copy(ROOT / "examples" / "corpus" / name, corpus / name)
    results = []
    for url in (f"sqlite:///{tmp_path / 's.sqlite'}", fresh_database(pg_admin_url)):
        s = open_store(url)
        summary = analyze([corpus], store=s, options=Options(quiet=True))
        assert summary.documents == len(names)
        analysis = build_analysis(s)
        analysis.pop("generated_at")
        results.append(analysis)
        s.close()
    assert results[0] == results[1]
    assert len(results[0]["documents"]) == len(names)


def test_pairs_upsert_order_and_drop_by_document(store):
    """Corpus-stage pair cache (issue #7): upsert by (kind, a, b), binary id order, drop
    every pair touching a document, on both backends alike."""
    store.put_pairs("copy", [{"a": "b", "b": "c", "doc_a": "b", "doc_b": "c", "v": 1},
                             {"a": "B", "b": "a", "doc_a": "B", "doc_b": "a", "v": 2}])
    store.put_pairs("copy", [{"a": "b", "b": "c", "doc_a": "b", "doc_b": "c", "v": 3}])
    store.put_pairs("claim", [{"a": "x1", "b": "y1", "doc_a": "a", "doc_b": "c", "v": 4}])
    assert [p["v"] for p in store.pairs("copy")] == [2, 3]
    store.add_corpus_docs(["a", "b", "c"])
    store.add_corpus_docs(["a"])
    assert store.corpus_docs() == {"a", "b", "c"}
    store.drop_pairs(["c"])
    assert [p["v"] for p in store.pairs("copy")] == [2] and store.pairs("claim") == []
    assert store.corpus_docs() == {"a", "b"}
    store.upsert_document(_doc(1, id="B"))
    store.add_corpus_docs(["B"])
    store.delete_document("B")
    assert store.pairs("copy") == []
    assert "B" in store.corpus_docs()  # the next corpus run sees it gone
    store.drop_pairs()
    assert store.corpus_docs() == set() and store.pairs("kind-never-written") == []


# Ids whose binary, locale and case-folded orders differ, so a page boundary that compared
# in one order and sorted in another would skip or repeat a row.
_PAGED_IDS = ["B", "a", "é", "Z", "b", "a-1", "A", "ß", "0", "zz"]


@pytest.mark.parametrize("page_size", [1, 2, 3, 9, 10, 11, 10_000])
def test_iter_document_paths_yields_every_document_once(store, page_size):
    for i, doc_id in enumerate(_PAGED_IDS):
        store.upsert_document(_doc(i, id=doc_id))
    got = list(store.iter_document_paths(page_size=page_size))
    assert len(got) == len(_PAGED_IDS)
    assert dict(got) == {doc_id: f"in/{i}.txt" for i, doc_id in enumerate(_PAGED_IDS)}
    assert store.document_paths() == dict(got)  # the old whole-dict method still works


def test_iter_document_paths_on_an_empty_store_and_a_bad_page_size(store):
    assert list(store.iter_document_paths()) == [] and store.document_paths() == {}
    with pytest.raises(ValueError, match="page_size"):
        next(store.iter_document_paths(page_size=0))


def test_iter_document_paths_streams_pages_not_a_snapshot(store):
    """Issue #7: the ids are fetched a page at a time, not all at once. A snapshot would
    not see a document stored after iteration began; keyset pages do (it sorts last), and
    writing between pages is allowed."""
    for i in range(5):
        store.upsert_document(_doc(i, id=f"m{i}"))
    rows = store.iter_document_paths(page_size=2)
    first = [next(rows), next(rows)]
    store.upsert_document(_doc(9, id="z9"))
    store.delete_document("m4")
    rest = list(rows)
    assert [doc for doc, _ in first + rest] == ["m0", "m1", "m2", "m3", "z9"]


def _fill_annotations(store) -> None:
    """Rows of two kinds in documents whose ids sort differently by byte and by locale, with
    page boundaries falling inside a document's rows."""
    for i, doc_id in enumerate(_PAGED_IDS):
        store.upsert_document(_doc(i, id=doc_id))
        store.replace_annotations(doc_id, "dates", [
            {"doc": doc_id, "text": f"{doc_id} {k}", "start": k, "end": k + 1, "value": None}
            for k in range(i % 4)])
        store.replace_annotations(doc_id, "mentions", [
            {"doc": doc_id, "start": 0, "end": 1, "text": doc_id, "type": "person"}])


@pytest.mark.parametrize("page_size", [1, 2, 3, 7, 10_000])
def test_iter_annotations_and_iter_corpus_are_the_lists_a_page_at_a_time(store, page_size):
    _fill_annotations(store)
    whole = store.annotations("dates")
    assert len(whole) == sum(i % 4 for i in range(len(_PAGED_IDS)))
    assert list(store.iter_annotations("dates", page_size=page_size)) == whole
    assert list(store.iter_annotations("mentions", page_size=page_size)) == store.annotations("mentions")
    assert list(store.iter_annotations("claims", page_size=page_size)) == []
    store.replace_corpus("events", [{"id": f"e{k}", "k": k} for k in range(8)])
    assert list(store.iter_corpus("events", page_size=page_size)) == store.corpus("events")
    assert [r["k"] for r in store.iter_corpus("events", page_size=page_size)] == list(range(8))
    assert list(store.iter_corpus("reuse", page_size=page_size)) == []


@pytest.mark.parametrize("page_size", [1, 2, 3, 7, 10_000])
@pytest.mark.parametrize("arrow", [True, False], ids=["json-arrow", "old-sqlite"])
def test_annotation_fields_are_the_rows_fields_a_page_at_a_time(store, page_size, arrow, monkeypatch):
    if not arrow:  # an SQLite without the -> operator decodes the rows whole (PostgreSQL: the same test again)
        monkeypatch.setattr("narratrace.store._sqlite.JSON_ARROW", False)
    _fill_annotations(store)
    store.replace_annotations("B", "reuse_features", [{"doc": "B", "signature": "AAE=", "rows": 3,
                                                       "sentence_spans": [[0, 4], [5, 9]]}])
    for kind, fields in (("dates", ("text", "start", "value")), ("mentions", ("type", "end")),
                         ("reuse_features", ("signature", "embedding", "rows", "sentence_spans")),
                         ("claims", ("text",))):
        want = [(row["doc"], *(row.get(f) for f in fields)) for row in store.iter_annotations(kind)]
        assert list(store.annotation_fields(kind, fields, page_size=page_size)) == want
    assert list(store.annotation_fields("reuse_features", ("rows", "sentence_spans"))) == [("B", 3, [[0, 4], [5, 9]])]
    store.replace_annotations("B", "reuse_features", [{"doc": "B", "signature": "x", "share": 0.12345678901234567}])
    assert list(store.annotation_fields("reuse_features", ("share",))) == [("B", 0.12345678901234567)]
    with pytest.raises(ValueError, match="not a field name"):
        next(store.annotation_fields("dates", ("value') --",)))
    with pytest.raises(StoreError):
        next(store.annotation_fields("no-such-kind", ("value",)))


def _corpus_writes(store):
    """Which rows of the corpus table the next writes touch: SQLite logs them with temporary
    triggers, PostgreSQL reads each row version's transaction (``xmin``)."""
    if store.url.startswith("sqlite"):
        store._db.executescript(
            "CREATE TEMP TABLE written (seq INTEGER);"
            "CREATE TEMP TRIGGER w_ins AFTER INSERT ON corpus BEGIN INSERT INTO written VALUES (new.seq); END;"
            "CREATE TEMP TRIGGER w_upd AFTER UPDATE ON corpus BEGIN INSERT INTO written VALUES (new.seq); END;")
        return lambda: {row[0] for row in store._db.execute("SELECT seq FROM written")}
    before = dict(store._execute("SELECT seq, xmin::text FROM corpus WHERE kind = 'events'").fetchall())
    return lambda: {seq for seq, x in store._execute("SELECT seq, xmin::text FROM corpus "
                                                     "WHERE kind = 'events'").fetchall() if before.get(seq) != x}


def test_replace_corpus_writes_only_the_rows_that_changed(store):
    """Issue #19: an incremental run that changes a few results rewrites those rows only;
    what is stored is what a replacement as a whole stores."""
    rows = [{"id": f"e{k}", "k": k} for k in range(6)]
    store.replace_corpus("events", rows)
    store.replace_corpus("reuse", [{"a": 1}])
    written = _corpus_writes(store)
    grown = [*rows[:2], {"id": "x", "k": 2}, *rows[3:], {"id": "e6", "k": 6}]
    store.replace_corpus("events", grown)
    assert store.corpus("events") == grown and store.corpus("reuse") == [{"a": 1}]
    assert written() == {2, 6}
    store.replace_corpus("events", rows[:3])
    assert store.corpus("events") == rows[:3] and [r["k"] for r in store.iter_corpus("events")] == [0, 1, 2]
    store.replace_corpus("events", [])
    assert store.corpus("events") == [] and store.corpus("reuse") == [{"a": 1}]


@pytest.mark.parametrize("arrow", [True, False], ids=["json-arrow", "old-sqlite"])
def test_corpus_texts_are_the_stored_rows_undecoded_and_written_back_as_they_are(store, arrow, monkeypatch):
    """Issue #19: an incremental run keeps a row as the JSON text stored for it, with the field
    it finds it by; a text row is written back byte for byte, and an unchanged one not at all."""
    if not arrow:
        monkeypatch.setattr("narratrace.store._sqlite.JSON_ARROW", False)
    rows = [{"id": "e0", "k": 0, "name": "Zoë"}, {"id": "e1", "k": 1.5}, {"k": 2}]
    store.replace_corpus("events", rows)
    texts = store.corpus_texts("events", "id")
    assert [key for key, _ in texts] == ["e0", "e1", None]
    assert [json.loads(text) for _, text in texts] == rows
    written = _corpus_writes(store)
    store.replace_corpus("events", [texts[1][1], texts[0][1], {"id": "e2"}, texts[2][1]])
    assert store.corpus("events") == [rows[1], rows[0], {"id": "e2"}, rows[2]]
    assert [text for _, text in store.corpus_texts("events", "id")] == \
        [texts[1][1], texts[0][1], store.corpus_texts("events", "id")[2][1], texts[2][1]]
    assert written() == {0, 1, 2, 3}
    written = _corpus_writes(store) if store.url.startswith("postgresql") else written
    if store.url.startswith("sqlite"):
        store._db.execute("DELETE FROM written")
    store.replace_corpus("events", [text for _, text in store.corpus_texts("events", "id")])
    assert written() == set()
    with pytest.raises(ValueError, match="not a field name"):
        store.corpus_texts("events", "id') --")


def test_iter_annotations_allows_writes_between_pages(store):
    _fill_annotations(store)
    rows = store.iter_annotations("mentions", page_size=2)
    first = [next(rows), next(rows)]
    store.replace_annotations("a", "mentions", [])  # rewritten mid-iteration
    rest = list(rows)
    # Byte order: "0" and "A" come first; "a", emptied before its page, is not seen.
    assert [r["doc"] for r in first + rest] == sorted(set(_PAGED_IDS) - {"a"}, key=str.encode)
    with pytest.raises(ValueError, match="page_size"):
        next(store.iter_annotations("dates", page_size=0))
    with pytest.raises(StoreError):
        next(store.iter_annotations("no-such-kind"))


_STORY_ROWS = [  # same-story candidate rows as the reuse stage writes them
    {"a": "d1", "b": "d2", "cos": 0.5286091206808469, "by_a": False, "by_b": True, "lead": 0.0,
     "doc_a": "d1", "doc_b": "d2"},
    {"a": "d1", "b": "d3", "cos": 0.7, "by_a": True, "by_b": True, "doc_a": "d1", "doc_b": "d3"},
    {"a": "d2", "b": "d3", "cos": 0.61, "by_a": True, "by_b": False, "lead": 0.93,
     "credit_a": ["Bay Observer", 3, 15], "credit_b": None, "retold": True, "share": 0.75,
     "aligned": [[0, 9, 4, 12]], "passages": [[0, 40, 2, 42]], "doc_a": "d2", "doc_b": "d3"},
]


def test_same_story_rows_keep_their_numbers_in_columns_and_read_back_as_put(store):
    """Same-story rows (~24 a document, all read back on every incremental run) keep their
    cosine, list flags and lead term in columns and only their other fields as JSON: they
    read back as put (:meth:`pairs`), and as columns (:meth:`pair_columns`), on both
    backends alike; other kinds are as before."""
    store.put_pairs("story", _STORY_ROWS[::-1])
    store.put_pairs("copy", [{"a": "d1", "b": "d2", "doc_a": "d1", "doc_b": "d2", "cos": 1, "link": None}])
    assert store.pairs("story") == _STORY_ROWS
    assert store.pairs("copy") == [{"a": "d1", "b": "d2", "doc_a": "d1", "doc_b": "d2", "cos": 1, "link": None}]
    got = store.pair_columns("story")
    assert (got.a, got.b) == (["d1", "d1", "d2"], ["d2", "d3", "d3"])
    assert got.values == {"cos": [0.5286091206808469, 0.7, 0.61], "by_a": [False, True, True],
                          "by_b": [True, True, False], "lead": [0.0, None, 0.93]}
    assert got.rest == {2: {k: v for k, v in _STORY_ROWS[2].items()
                            if k not in ("a", "b", "doc_a", "doc_b", "cos", "by_a", "by_b", "lead")}}
    # an upsert replaces the columns too
    store.put_pairs("story", [{**_STORY_ROWS[1], "by_a": False, "lead": 0.25}])
    assert store.pairs("story")[1] == {**_STORY_ROWS[1], "by_a": False, "lead": 0.25}
    assert store.pair_columns("kind-never-written").a == []


def _raw(store, sql: str, params: tuple = ()) -> list:
    if hasattr(store, "_db") and store.url.startswith("sqlite"):
        return store._db.execute(sql.replace("%s", "?"), params).fetchall()
    cur = store._execute(sql, params)
    return cur.fetchall() if cur.description else []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_moves_stored_same_story_rows_into_their_columns(request, tmp_path, monkeypatch, backend):
    """A store whose same-story rows were written as JSON only (schema 3) reads the same
    rows after migration 4, now with the numbers in columns, on both backends."""
    import json

    import narratrace.store._postgres as pg_module
    import narratrace.store._sqlite as sqlite_module
    from narratrace.store._migrations import MIGRATIONS as SQLITE_MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.sqlite'}" if backend == "sqlite" else \
        fresh_database(request.getfixturevalue("pg_admin_url"))
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "MIGRATIONS", SQLITE_MIGRATIONS[:3])
        patch.setattr(pg_module, "MIGRATIONS", PG_MIGRATIONS[:3])
        old = open_store(url)
        for row in _STORY_ROWS:
            _raw(old, "INSERT INTO pairs VALUES (%s, %s, %s, %s, %s, %s)",
                 ("story", row["a"], row["b"], row["doc_a"], row["doc_b"], json.dumps(row)))
        _raw(old, "INSERT INTO pairs VALUES (%s, %s, %s, %s, %s, %s)",
             ("copy", "d1", "d2", "d1", "d2", json.dumps({"a": "d1", "b": "d2", "cos": 0.5})))
        old.close()
    new = open_store(url)
    assert new.schema_version == 4
    assert new.pairs("story") == _STORY_ROWS
    assert new.pairs("copy") == [{"a": "d1", "b": "d2", "cos": 0.5}]
    assert _raw(new, "SELECT cos, by_a, by_b, lead FROM pairs WHERE kind = %s ORDER BY a, b",
                ("story",)) == [(0.5286091206808469, 0, 1, 0.0), (0.7, 1, 1, None), (0.61, 1, 0, 0.93)]
    assert [json.loads(r[0]) for r in _raw(new, "SELECT data FROM pairs WHERE kind = %s ORDER BY a, b",
                                           ("story",))][:2] == [{}, {}]
    assert new.pair_columns("story").values["lead"] == [0.0, None, 0.93]
    new.close()
