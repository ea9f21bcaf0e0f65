"""A small hand-built store for the web tests (no models), and the store's full-text search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from narratrace.store import open_store
from narratrace.store._fts import MAX_QUERY_CHARS, fts_query
from narratrace.store._migrations import MIGRATIONS
from narratrace.types import Document, Removed

#: Payloads that must stay text wherever they are shown.
HOSTILE = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
           '<a href="javascript:window.__pwned=1">x</a></script>"\'><svg onload=window.__pwned=1>')
HOSTILE_ID = "evil0000000000ff"

_TEXTS = [
    ("Transport minister resigns", "Harbour Daily", "2025-03-02",
     "Ana Petrova said the port expansion would probably cost 2 billion. "
     "The ministry said on March 1 that the plan was delayed."),
    ("Port plan delayed", "North Wire", "2025-03-03",
     "According to Ana Petrova, the port expansion would cost 2 billion. "
     "Officials denied that the plan was cancelled."),
    ("Port costs questioned", "Harbour Daily", "2025-04-10",
     "Critics said the port expansion would reportedly cost far more. "
     "Ana Petrova told reporters the figure was correct."),
    ("Kommentar zur Hafenerweiterung", "Nordkurier", "2025-04-12",
     "Die Ministerin Ana Petrová sagte, die Erweiterung koste zwei Milliarden."),
]


def _attr(doc: str, i: int, text: str, speaker: str, content: str, *, entity: str | None,
          stance: str = "asserts", hedges: tuple[str, ...] = ()) -> dict:
    start = text.index(content)
    s_start = text.index(speaker) if speaker in text else None
    return {"id": f"a{doc[:6]}{i}", "doc": doc, "kind": "indirect",
            "speaker": {"text": speaker, "start": s_start,
                        "end": None if s_start is None else s_start + len(speaker),
                        "entity": entity},
            "cue": "said", "content": content, "start": start, "end": start + len(content),
            "medium": None, "stance": stance, "hedges": list(hedges)}


def build_store(path: Path) -> str:
    """Four plain documents in three outlets plus one hostile document; returns the URL."""
    url = f"sqlite:///{path}"
    store = open_store(url)
    docs = []
    for i, (title, outlet, published, text) in enumerate(_TEXTS):
        doc = Document(id=f"doc{i:013d}", path=f"in/{i}.txt", text=text,
                       source_text="Menu | Home\n" + text + "\nSubscribe now!",
                       removed=(Removed("navigation", 0, 11),
                                Removed("subscribe", 12 + len(text), 12 + len(text) + 14)),
                       title=title, outlet=outlet, published=published,
                       language="de" if i == 3 else "en")
        docs.append(doc)
    evil_text = "Start. " + HOSTILE + " said the man. End."
    docs.append(Document(id=HOSTILE_ID, path="in/<evil>.html", text=evil_text,
                         source_text=HOSTILE + "\n" + evil_text,
                         removed=(Removed("other", 0, len(HOSTILE)),), title=HOSTILE,
                         outlet=HOSTILE, url="javascript:window.__pwned=1",
                         published="2025-04-20", language="en"))
    person, ministry = "ent_person0000001", "ent_org000000001"
    mentions: dict[str, list[dict]] = {person: [], ministry: [], "ent_evil00000001": []}
    with store.transaction():
        for doc in docs:
            store.upsert_document(doc)
        for doc in docs[:4]:
            for name in ("Ana Petrova", "Ana Petrová"):
                if name in doc.text:
                    s = doc.text.index(name)
                    mentions[person].append({"doc": doc.id, "start": s, "end": s + len(name),
                                             "text": name})
            if "ministry" in doc.text:
                s = doc.text.index("ministry")
                mentions[ministry].append({"doc": doc.id, "start": s, "end": s + 8,
                                           "text": "ministry"})
        t0, t1, t2 = (d.text for d in docs[:3])
        store.replace_annotations(docs[0].id, "attributions", [
            _attr(docs[0].id, 0, t0, "Ana Petrova", "the port expansion would probably cost 2 billion",
                  entity=person, hedges=("probably",)),
            _attr(docs[0].id, 1, t0, "The ministry", "the plan was delayed", entity=ministry)])
        store.replace_annotations(docs[1].id, "attributions", [
            _attr(docs[1].id, 0, t1, "Ana Petrova", "the port expansion would cost 2 billion",
                  entity=person),
            _attr(docs[1].id, 1, t1, "Officials", "the plan was cancelled", entity=None,
                  stance="denies")])
        store.replace_annotations(docs[2].id, "attributions", [
            _attr(docs[2].id, 0, t2, "Critics", "the port expansion would reportedly cost far more",
                  entity=None, hedges=("reportedly",)),
            _attr(docs[2].id, 1, t2, "Ana Petrova", "the figure was correct", entity=person)])
        evil_content = HOSTILE
        store.replace_annotations(HOSTILE_ID, "attributions", [
            {"id": "aevil", "doc": HOSTILE_ID, "kind": "direct",
             "speaker": {"text": HOSTILE, "start": 0, "end": 7, "entity": "ent_evil00000001"},
             "cue": HOSTILE, "content": evil_content, "start": 7, "end": 7 + len(HOSTILE),
             "medium": HOSTILE, "stance": "asserts", "hedges": [HOSTILE]}])
        mentions["ent_evil00000001"].append({"doc": HOSTILE_ID, "start": 7, "end": 20,
                                             "text": "x"})
        store.replace_annotations(docs[0].id, "dates", [
            {"doc": docs[0].id, "text": "March 1", "start": t0.index("March 1"),
             "end": t0.index("March 1") + 7, "value": "2025-03-01", "kind": "partial"}])
        claims = [
            {"id": "c0", "doc": docs[0].id, "text": "the port expansion would probably cost 2 billion",
             "start": 0, "end": 10, "attributed_to": "Ana Petrova", "stance": "asserts",
             "hedges": ["probably"], "family": "famcost00000001"},
            {"id": "c1", "doc": docs[1].id, "text": "the port expansion would cost 2 billion",
             "start": 0, "end": 10, "attributed_to": "Ana Petrova", "stance": "asserts",
             "hedges": [], "family": "famcost00000001"},
            {"id": "c2", "doc": docs[3].id, "text": "die Erweiterung koste zwei Milliarden",
             "start": 0, "end": 10, "attributed_to": "Ana Petrová", "stance": "asserts",
             "hedges": [], "family": "famcost00000001"},
            {"id": "c3", "doc": HOSTILE_ID, "text": HOSTILE, "start": 0, "end": 5,
             "attributed_to": HOSTILE, "stance": "asserts", "hedges": [],
             "family": "famevil00000001"}]
        for doc in {c["doc"] for c in claims}:
            store.replace_annotations(doc, "claims", [c for c in claims if c["doc"] == doc])
        for doc in docs:
            store.replace_annotations(doc.id, "narratives", [
                {"doc": doc.id, "narrative": HOSTILE if doc.id == HOSTILE_ID else
                 ("Economy: costs" if "cost" in doc.text else "Other"),
                 "subnarrative": None, "score": 0.7, "evidence": []}])
        store.replace_annotations(docs[0].id, "framing", [
            {"doc": docs[0].id, "entity": "Ana Petrova", "start": 0, "end": 11,
             "main_role": "Protagonist", "fine_roles": ["Guardian"], "score": 0.8}])
        store.replace_annotations(HOSTILE_ID, "framing", [
            {"doc": HOSTILE_ID, "entity": HOSTILE, "start": 0, "end": 3,
             "main_role": "Antagonist", "fine_roles": [HOSTILE], "score": 0.5}])
        store.replace_corpus("entities", [
            {"id": person, "name": "Ana Petrova", "type": "person",
             "aliases": ["Ana Petrova", "Ana Petrová", "Petrova"], "wikidata": None,
             "mentions": mentions[person]},
            {"id": ministry, "name": "Ministry of Transport", "type": "organisation",
             "aliases": ["ministry"], "wikidata": None, "mentions": mentions[ministry]},
            {"id": "ent_evil00000001", "name": HOSTILE, "type": HOSTILE,
             "aliases": [HOSTILE], "wikidata": HOSTILE, "mentions": mentions["ent_evil00000001"]}])
        store.replace_corpus("claim_families", [
            {"id": "famcost00000001", "label": "the port expansion would cost 2 billion",
             "claims": ["c0", "c1", "c2"], "docs": [docs[0].id, docs[1].id, docs[3].id],
             "origins": ["Ana Petrova"], "independent_origins": 1, "first_seen": "2025-03-02",
             "circular": False, "origin_types": ["official"], "contradicts": []},
            {"id": "famevil00000001", "label": HOSTILE, "claims": ["c3"], "docs": [HOSTILE_ID],
             "origins": [HOSTILE], "independent_origins": 1, "first_seen": "2025-04-20",
             "circular": True, "origin_types": [HOSTILE], "contradicts": ["famcost00000001"]}])
        store.replace_corpus("reuse", [
            {"a": docs[0].id, "b": docs[1].id, "kind": "same_story", "score": 0.7,
             "passages": [], "direction": "a->b"}])
        store.replace_corpus("events", [
            {"id": "ev1", "date": "2025-03-01", "date_text": "March 1",
             "summary": "The port plan was delayed.", "docs": [docs[0].id],
             "places": ["port"], "actors": ["ministry"]},
            {"id": "ev2", "date": "2025-04-20", "date_text": HOSTILE, "summary": HOSTILE,
             "docs": [HOSTILE_ID], "places": [HOSTILE], "actors": [HOSTILE]}])
    store.close()
    return url


@pytest.fixture()
def store_url(tmp_path: Path) -> str:
    return build_store(tmp_path / "web.sqlite")


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize("text, expected", [
    ("port plan", '"port" "plan"'),
    ('"; DROP TABLE documents; --', '"DROP" "TABLE" "documents"'),
    ("NEAR(port plan)", '"NEAR" "port" "plan"'),
    ("title:port*", '"title" "port"'),
    ("a OR b NOT c", '"a" "OR" "b" "NOT" "c"'),
    ("Petrová", '"Petrová"'),
    ("", None), ("  \"' *:^()- ", None),
])
def test_fts_query_quotes_every_term(text, expected):
    assert fts_query(text) == expected


def test_fts_query_is_bounded():
    query = fts_query("word " * 1000)
    assert query is not None and query.count('"word"') <= 12
    assert fts_query("x" * (MAX_QUERY_CHARS + 50)) == '"' + "x" * MAX_QUERY_CHARS + '"'


@pytest.mark.parametrize("query, docs, speakers", [
    ("port expansion", 3, {"Ana Petrova", "Critics"}),
    ("petrova", 4, {"Ana Petrova"}),  # diacritics folded: Petrová matches petrova
    ("Officials", 1, {"Officials"}),
    ("transport minister", 1, set()),  # the title counts
    ("zebra", 0, set()),
    ('" OR 1=1 --', 0, set()),
    ("NEAR(", 0, set()),
])
def test_search_documents_and_attributions(store_url, query, docs, speakers):
    store = open_store(store_url)
    hits = store.search(query)
    assert len([h for h in hits if h["kind"] == "document"]) == docs
    assert {h["speaker"] for h in hits if h["kind"] == "attribution"} == speakers
    for h in hits:
        assert h["snippet"].count("\x02") == h["snippet"].count("\x03")


def test_search_follows_every_write(store_url):
    store = open_store(store_url)
    doc = next(d for d in store.documents() if d.id == "doc0000000000000")
    store.upsert_document(Document(**{**{f: getattr(doc, f) for f in doc.__slots__},
                                      "text": "Nothing about harbours now."}))
    assert [h["doc"] for h in store.search("harbours")] == [doc.id]
    assert doc.id not in [h["doc"] for h in store.search("minister resigns expansion")]
    store.replace_annotations(doc.id, "attributions", [])
    assert "doc0000000000000" not in [h["doc"] for h in store.search("probably")]
    store.replace_annotations(doc.id, "attributions", [
        {"id": "n", "speaker": {"text": "Zora Lind"}, "content": "quays"}])
    assert [(h["kind"], h["speaker"]) for h in store.search("quays zora")] == \
        [("attribution", "Zora Lind")]


def test_search_limit_is_capped(store_url):
    store = open_store(store_url)
    assert len([h for h in store.search("port", limit=1) if h["kind"] == "document"]) == 1
    assert store.search("port", limit=10**9)  # capped, not an error


def test_migration_2_indexes_an_existing_v1_store(tmp_path):
    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0][1])
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
    db.execute("INSERT INTO schema_migrations VALUES (1, 'x')")
    db.execute("INSERT INTO documents VALUES ('d1', 'p', 'Old title', NULL, NULL, NULL, NULL, "
               "'en', 1, 'text', 'old lighthouse text', 'src', '[]', 'x')")
    db.execute("INSERT INTO annotations VALUES ('d1', 'attributions', 0, ?)",
               ('{"speaker": {"text": "Keeper"}, "content": "the lamp works"}',))
    db.commit()
    db.close()
    store = open_store(path)
    assert store.schema_version == max(v for v, _ in MIGRATIONS)  # 2 and every later one
    assert [h["kind"] for h in store.search("lighthouse")] == ["document"]
    assert [h["speaker"] for h in store.search("lamp")] == ["Keeper"]
