"""Incremental corpus stages (issue #7 item 2): a run after documents were added, replaced or
deleted gives exactly what a full run over the same documents gives, while comparing only
the new documents with the others.

No models: the stores are filled by hand with synthetic articles and their annotations
(mentions, dates, sentences, attributions, claims) and with synthetic story and claim
vectors, so every corpus stage has something to find (copies, same-story pairs, families,
denials, events) and a test takes well under a second per run.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import re

import numpy as np
import pytest

from narratrace.analysis import build_analysis
from narratrace.claims import NEIGHBOURS
from narratrace.claims.stage import STATS_GROWTH, CorpusStats
from narratrace.run.corpus import CorpusRun, run_corpus_stages
from narratrace.options import Options
from narratrace.records import b64 as _b64
from narratrace.records import kind
from narratrace.reuse import signature, story_candidates
from narratrace.stage import CorpusStage
from narratrace.store import open_store
from narratrace.types import (Attribution, Claim, DateMention, Document, Mention, Speaker)
from pg_server import SKIP_REASON, fresh_database, postgres_binaries, postgres_server
from scale_corpus import _MONTHS, _PEOPLE, _PLACES, _TOPICS, article

DIM = 384


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype("<f4")


def _base(key: str) -> np.ndarray:
    """A fixed random direction per key (a topic, a place): unrelated keys are ~orthogonal."""
    return np.random.default_rng(abs(hash_key(key))).normal(size=DIM)


def hash_key(key: str) -> int:
    return int.from_bytes(key.encode("utf-8")[:16].ljust(16, b"\0"), "little") % (2**32)


def _topic(key: str) -> np.ndarray:
    """``_base`` seeded from the whole key: ``hash_key`` reads its first 4 bytes, the same
    for every topic ("the ..."), so claims of all topics lie near one direction there."""
    seed = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "little")
    return np.random.default_rng(seed).normal(size=DIM)


def _text(i: int) -> str:
    if i % 5 == 4:  # a wire reprint of the article before: a copy link
        return "WIRE COPY\n\n" + article(i - 1).replace(f"(report {i - 1})", f"(report {i}, wire)")
    return article(i)


def _spans(rx: str, text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in re.finditer(rx, text)]


def _doc_records(i: int, *, variant: int = 0, topics: bool = False) -> dict:
    """A document and every annotation the corpus stages read, derived from its text.
    ``topics``: claim vectors of different topics apart (many small claim families), not
    all near one direction (two large ones, every neighbour list full)."""
    text = _text(i) if not variant else article(i, seed=variant)
    doc = Document(id=f"d{i:03d}" + (f"v{variant}" if variant else ""), path=f"in/doc_{i:03d}.txt",
                   text=text, source_text=text, published=f"2025-0{1 + i % 6}-{10 + i % 17}",
                   outlet=["Portvale Courier", "Bay Observer", None][i % 3])
    names = "|".join(map(re.escape, _PEOPLE + _PLACES))
    mentions = [Mention(doc.id, s, e, t, "place" if t in _PLACES else "person")
                for s, e, t in _spans(names, text)]
    dates = [DateMention(doc.id, t, s, e, f"2025-{_MONTHS.index(t.split()[0]) + 1:02d}-"
                                           f"{int(t.split()[1]):02d}")
             for s, e, t in _spans(rf"(?:{'|'.join(_MONTHS)}) \d{{1,2}}\b", text)]
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    topic = next((t for t in _TOPICS if t in text.lower()), "none")
    place = next((p for p in _PLACES if p in text), "none")
    rng = np.random.default_rng(hash_key(doc.id))
    attributions, claims, vectors = [], [], {}
    for k, (s, e) in enumerate(sentences):
        line = text[s:e]
        speaker = next(((ms, me, mt) for ms, me, mt in _spans("|".join(map(re.escape, _PEOPLE)), line)), None)
        if speaker is None or not re.search(r"\b(said|denied|told)\b", line):
            continue
        stance = "denies" if "denied" in line else "asserts"
        attributions.append(Attribution(
            id=f"{doc.id}-a{k}", doc=doc.id, kind="indirect", stance=stance, cue="said",
            speaker=Speaker(speaker[2], s + speaker[0], s + speaker[1]), content=line,
            start=s, end=e))
        cid = f"{doc.id}-c{k}"
        claims.append(Claim(id=cid, doc=doc.id, text=line, start=s, end=e, stance=stance,
                            attributed_to=speaker[2], action="supply" if k % 2 else "attack"))
        # Same topic: near-paraphrases or related claims (noise picks which), else unrelated.
        noise = [0.25, 0.6, 0.9][(i + k) % 3]
        base = _base(f"{topic}|{k}")
        if topics:  # a denial answers the topic's first statement
            base = _topic(f"{topic}|2") + 0.8 * _topic(f"{topic}|denial") if stance == "denies" \
                else _topic(f"{topic}|{k}")
        vectors[cid] = _unit(base + noise * rng.normal(size=DIM) / np.sqrt(DIM) * 8)
    story = np.stack([_unit(_base(f"{topic}|{place}|{r}") + 0.5 * rng.normal(size=DIM) / np.sqrt(DIM) * 8)
                      for r in range(3)])
    features = {"doc": doc.id, "signature": _b64(np.asarray(signature(doc), dtype="<u4")),
                "embedding": _b64(story), "rows": 3,
                "claim_vectors": {c: _b64(v) for c, v in vectors.items()}}
    return {"doc": doc, "mentions": mentions, "dates": dates, "sentences": sentences,
            "attributions": attributions, "claims": claims, "features": features}


def _add(store, records: dict) -> None:
    doc = records["doc"]
    row = dataclasses.asdict
    with store.transaction():
        store.upsert_document(doc)
        store.replace_annotations(doc.id, "mentions", [row(m) for m in records["mentions"]])
        store.replace_annotations(doc.id, "aliases", [])
        store.replace_annotations(doc.id, "dates", [row(d) for d in records["dates"]])
        store.replace_annotations(doc.id, "attributions", [row(a) for a in records["attributions"]])
        store.replace_annotations(doc.id, "claims", [row(c) for c in records["claims"]])
        store.replace_annotations(doc.id, "citations", [])
        store.replace_annotations(doc.id, "sentences", [{"spans": [list(s) for s in records["sentences"]]}])
        store.replace_annotations(doc.id, "reuse_features", [records["features"]])


def read_claims(store) -> list[Claim]:
    return [kind("claims").from_row(row) for row in store.iter_annotations("claims")]


def _snapshot(store) -> dict:
    out = build_analysis(store)
    out.pop("generated_at")
    return out


def _store(tmp_path, name: str, docs: list[dict], url: str | None = None):
    store = open_store(url or f"sqlite:///{tmp_path / name}.sqlite")
    for records in docs:
        _add(store, records)
    return store


@pytest.fixture(scope="module")
def corpus() -> dict[int, dict]:
    return {i: _doc_records(i) for i in range(30)}


def test_synthetic_corpus_exercises_every_stage(tmp_path, corpus):
    """Guards the equality tests below against passing on empty results."""
    store = _store(tmp_path, "all", list(corpus.values()))
    run = run_corpus_stages(store)
    out = _snapshot(store)
    kinds = {r["kind"] for r in out["reuse"]}
    assert {"syndicated", "same_story"} <= kinds or {"duplicate", "same_story"} <= kinds, kinds
    assert any(len(f["claims"]) > 1 for f in out["claim_families"])
    assert any(f["contradicts"] for f in out["claim_families"])
    assert any(len(e["docs"]) > 1 for e in out["events"])
    # The documents are stored without event candidates (as an older store has them): each is
    # back-filled once by the events stage's per-document half, and never again.
    assert run == CorpusRun(documents=30, new=30, gone=0, full=False, copy_checks=run.copy_checks,
                            story_pairs=run.story_pairs, claim_pairs=run.claim_pairs,
                            backfilled=30, traced=len(out["claim_families"]),
                            clustered=run.clustered, relinked=run.relinked)
    assert run.copy_checks and run.story_pairs and run.claim_pairs
    # Claims fill their NEIGHBOURS-long lists: the incremental runs below update bounded
    # neighbour lists (new claims push old ones out), not just add pairs (issue #19).
    listed: dict[str, int] = {}
    for p in store.pairs("claim"):
        listed[p["a"]] = listed.get(p["a"], 0) + p["by_a"]
        listed[p["b"]] = listed.get(p["b"], 0) + p["by_b"]
    assert max(listed.values()) == NEIGHBOURS
    assert run_corpus_stages(store).backfilled == 0


@pytest.mark.parametrize("first, then", [
    (range(0, 20), range(20, 30)),  # add 10 to 20
    (range(0, 29), range(29, 30)),  # add one
    (range(10, 30), range(0, 10)),  # add documents that sort (and publish) before the old ones
    (range(0, 30, 2), range(1, 30, 2)),  # interleaved: every reprint pair spans the two runs
])
def test_adding_documents_equals_a_full_run(tmp_path, corpus, first, then):
    grown = _store(tmp_path, "grown", [corpus[i] for i in first])
    run_corpus_stages(grown)
    for i in then:
        _add(grown, corpus[i])
    second = run_corpus_stages(grown)
    fresh = _store(tmp_path, "fresh", [corpus[i] for i in (*first, *then)])
    full = run_corpus_stages(fresh)
    a, b = _snapshot(grown), _snapshot(fresh)
    for key in b:
        assert a[key] == b[key], key
    assert (second.new, second.documents) == (len(then), 30)
    # Only pairs that involve a new document were compared this time.
    assert second.copy_checks < full.copy_checks
    assert second.claim_pairs < full.claim_pairs
    for kind in ("copy", "story", "claim"):
        assert grown.pairs(kind) == fresh.pairs(kind), kind


def _stats(store) -> CorpusStats:
    return CorpusStats.from_row(next(p for p in store.pairs("claim_stats") if p["a"] == "stats"))


@pytest.mark.parametrize("corpus_name", ["corpus", "topics"])
def test_frozen_statistics_give_a_fresh_run_with_the_same_statistics(tmp_path, request, corpus_name,
                                                                     monkeypatch):
    """Adding fewer documents than STATS_GROWTH of the store keeps the statistics counted
    before (frozen): only the components and denials whose fingerprint changed are done
    again, and the result is the one a fresh run over all documents gives when it is handed
    the same statistics."""
    docs = request.getfixturevalue(corpus_name)
    grown = _store(tmp_path, "grown", [docs[i] for i in range(29)])
    first = run_corpus_stages(grown)
    _add(grown, docs[29])
    second = run_corpus_stages(grown)
    frozen = _stats(grown)
    assert frozen.docs == 29 and 30 <= (1 + STATS_GROWTH) * 29  # frozen, not refreshed
    assert first.clustered > 0 and first.relinked > 0
    # every document of these small corpora is story- or context-linked to the new one, so
    # every denial reads it and is linked again; components are clustered again only where a
    # new claim or link is (the topics corpus has several)
    assert second.relinked == first.relinked + 2  # the new document's two denials
    assert second.clustered < first.clustered if corpus_name == "topics" else second.clustered <= first.clustered
    fresh_stats = CorpusStats.count(read_claims(grown))
    assert fresh_stats.docs == 30 and fresh_stats != frozen
    monkeypatch.setattr(CorpusStats, "count", classmethod(lambda cls, claims: frozen))
    fresh = _store(tmp_path, "fresh", [docs[i] for i in range(30)])
    run_corpus_stages(fresh)
    a, b = _snapshot(grown), _snapshot(fresh)
    for key in b:
        assert a[key] == b[key], key


def test_statistics_are_refreshed_past_their_growth_share_and_then_equal_a_full_run(tmp_path, corpus):
    """Small additions run on frozen statistics until the documents exceed the count they
    were made from by STATS_GROWTH; that run counts them again, every family is clustered and
    every denial linked again, and the store equals a full run."""
    grown = _store(tmp_path, "grown", [corpus[i] for i in range(20)])
    run_corpus_stages(grown)
    counts = []
    for i in range(20, 24):
        _add(grown, corpus[i])
        run = run_corpus_stages(grown)
        counts.append((_stats(grown).docs, run.relinked))
    assert [docs for docs, _ in counts] == [20, 20, 23, 23]  # 23 > 1.1 * 20 refreshes
    fresh = _store(tmp_path, "fresh", [corpus[i] for i in range(23)])
    full = run_corpus_stages(fresh)
    assert counts[2][1] == full.relinked > counts[1][1]
    _add(fresh, corpus[23])
    run_corpus_stages(fresh)
    assert _snapshot(grown) == _snapshot(fresh)


@pytest.fixture(scope="module")
def topics() -> dict[int, dict]:
    return {i: _doc_records(i, topics=True) for i in range(30)}


@pytest.mark.parametrize("first, then, gone, fewer", [
    (range(0, 20), range(20, 30), (), True),  # add 10 to 20
    # earlier articles arrive: the synthetic articles share their template, so stored ones
    # now derive from new ones (a new lineage) and their families are traced again; how many
    # depends on which texts the copy rule pairs, so only "some, at most all" is asserted
    (range(10, 30), range(0, 10), (), False),
    (range(0, 24), range(24, 26), ("d005", "d017"), True),  # add two, delete two
])
def test_origins_are_traced_again_only_where_their_inputs_changed(tmp_path, topics, first, then,
                                                                  gone, fewer):
    """Origins are traced again only for the families whose inputs changed (their claims,
    documents, lineage or deniers); every other family keeps its stored trace, and the
    result is a full run's."""
    grown = _store(tmp_path, "grown", [topics[i] for i in first])
    run_corpus_stages(grown)
    with grown.transaction():
        for doc in gone:
            grown.delete_document(doc)
        for i in then:
            _add(grown, topics[i])
    second = run_corpus_stages(grown)
    final = [topics[i] for i in (*first, *then) if f"d{i:03d}" not in gone]
    fresh = _store(tmp_path, "fresh", final)
    full = run_corpus_stages(fresh)
    a, b = _snapshot(grown), _snapshot(fresh)
    for key in b:
        assert a[key] == b[key], key
    assert len(b["claim_families"]) >= 20 and any(len(f["docs"]) > 2 for f in b["claim_families"])
    assert any(f["contradicts"] for f in b["claim_families"])
    assert full.traced == len(b["claim_families"])
    assert (0 < second.traced < full.traced) if fewer else 0 < second.traced <= full.traced


def test_kept_families_are_written_back_as_stored_neither_decoded_nor_encoded(tmp_path, topics, monkeypatch):
    """Issue #19: a claim family whose origins are kept stays the JSON text stored for it:
    only the families traced again are encoded, none is decoded, and the grown store holds
    what a full run stores."""
    from narratrace.records._kinds import Kind
    from narratrace.registry import CORPUS_STAGES

    grown = _store(tmp_path, "grown", [topics[i] for i in range(20)])
    run_corpus_stages(grown)
    with grown.transaction():
        for i in range(20, 22):
            _add(grown, topics[i])
    coded = {"from_row": 0, "to_row": 0}
    stage = next(s for s in CORPUS_STAGES if s.name == "origins")

    def origins(ctx):  # counted from the origins stage on (the claims stage decodes its memo)
        for name in coded:
            def counted(self, value, _name=name, _fn=getattr(Kind, name)):
                coded[_name] += self.name == "claim_families"
                return _fn(self, value)
            monkeypatch.setattr(Kind, name, counted)
        return stage.fn(ctx)

    stages = [dataclasses.replace(s, fn=origins) if s.name == "origins" else s for s in CORPUS_STAGES]
    second = run_corpus_stages(grown, stages=stages)
    monkeypatch.undo()
    fresh = _store(tmp_path, "fresh", [topics[i] for i in range(22)])
    run_corpus_stages(fresh)
    assert _snapshot(grown) == _snapshot(fresh)
    families = len(_snapshot(fresh)["claim_families"])
    assert 0 < second.traced < families
    assert coded == {"from_row": 0, "to_row": second.traced}


def test_claim_facts_are_computed_for_new_claims_only(tmp_path, topics, monkeypatch):
    """Issue #19: whether a claim denies (and the figures it states) is read for every claim
    on every run; an incremental run works it out for the new documents' claims only (the
    others' are kept in the store), and the result is a full run's."""
    import narratrace.claims._group as group

    grown = _store(tmp_path, "grown", [topics[i] for i in range(20)])
    run_corpus_stages(grown)
    with grown.transaction():
        for i in range(20, 22):
            _add(grown, topics[i])
    asked: list[str] = []

    def denies(claim):
        asked.append(claim.doc)
        return real(claim)

    real = group.denies
    monkeypatch.setattr(group, "denies", denies)
    run_corpus_stages(grown)
    monkeypatch.undo()
    new = {"d020", "d021"}
    assert sorted(asked) == sorted(c.doc for c in read_claims(grown) if c.doc in new)
    fresh = _store(tmp_path, "fresh", [topics[i] for i in range(22)])
    run_corpus_stages(fresh)
    assert _snapshot(grown) == _snapshot(fresh)


def test_replaced_and_deleted_documents_equal_a_full_run(tmp_path, corpus):
    """A changed file (new id at the same path) and a deleted one: their pairs go, the
    replacement is compared with everyone, and the result is the full run's."""
    grown = _store(tmp_path, "grown", [corpus[i] for i in range(24)])
    run_corpus_stages(grown)
    changed = _doc_records(3, variant=7)
    with grown.transaction():
        grown.delete_document("d003")
        grown.delete_document("d010")
        _add(grown, changed)
    second = run_corpus_stages(grown)
    final = [corpus[i] for i in range(24) if i not in (3, 10)] + [changed]
    fresh = _store(tmp_path, "fresh", final)
    run_corpus_stages(fresh)
    a, b = _snapshot(grown), _snapshot(fresh)
    for key in b:
        assert a[key] == b[key], key
    assert (second.new, second.documents) == (1, 23)
    for kind in ("copy", "story", "claim"):
        pairs = grown.pairs(kind)
        assert pairs == fresh.pairs(kind), kind
        assert not {"d003", "d010"} & ({p["doc_a"] for p in pairs} | {p["doc_b"] for p in pairs})


def test_nothing_new_changes_nothing_and_compares_nothing(tmp_path, corpus):
    store = _store(tmp_path, "s", [corpus[i] for i in range(12)])
    run_corpus_stages(store)
    before = _snapshot(store)
    again = run_corpus_stages(store)
    assert (again.new, again.gone, again.copy_checks, again.claim_pairs, again.story_pairs) \
        == (0, 0, 0, 0, 0)
    assert again.kept and not run_corpus_stages(store, options=Options(incremental=False)).kept
    assert _snapshot(store) == before


def test_nothing_new_with_other_options_or_outlets_runs_again(tmp_path, corpus, monkeypatch):
    """A run with nothing new keeps the last results only when what they were computed with
    is unchanged: another same-story threshold, or another outlet registry, runs the stages
    again and gives a fresh run's result."""
    store = _store(tmp_path, "s", [corpus[i] for i in range(12)])
    run_corpus_stages(store)
    before = _snapshot(store)
    stricter = Options(same_story_threshold=0.95)
    again = run_corpus_stages(store, options=stricter)
    assert not again.kept
    fresh = _store(tmp_path, "f", [corpus[i] for i in range(12)])
    run_corpus_stages(fresh, options=stricter)
    assert _snapshot(store) == _snapshot(fresh) != before
    assert run_corpus_stages(store, options=Options(same_story_threshold=0.95, quiet=True,
                                                     workers=2)).kept

    registry = tmp_path / "outlets.json"
    registry.write_text('[{"name": "Bay Observer", "kind": "agency", "ownership": "state", '
                        '"country": "RU"}]', encoding="utf-8")
    monkeypatch.setenv("NARRATRACE_OUTLETS", str(registry))
    run = run_corpus_stages(store, options=stricter)
    assert not run.kept and run.traced == len(before["claim_families"])  # every family again
    run_corpus_stages(fresh, options=Options(same_story_threshold=0.95, incremental=False))
    assert _snapshot(store) == _snapshot(fresh)

    # Changed code of the same version (a rule edited between two releases): traced again.
    from narratrace.run import corpus as corpus_module

    monkeypatch.setattr(corpus_module, "_source_digest", lambda: "edited")
    run = run_corpus_stages(store, options=stricter)
    assert not run.kept and run.traced == len(before["claim_families"])
    assert run_corpus_stages(store, options=stricter).kept


def test_back_filled_old_documents_are_compared_again_and_equal_a_full_run(tmp_path, corpus):
    """Issue #19: an old document back-filled in a later run (its event candidates lost here,
    as a failed stage leaves them) is searched again like a new one; its items re-enter the
    neighbour lists they were in, and the result is the full run's."""
    grown = _store(tmp_path, "grown", [corpus[i] for i in range(16)])
    run_corpus_stages(grown)
    with grown.transaction():
        for doc in ("d002", "d009"):
            grown.replace_annotations(doc, "event_candidates", [])
    for i in range(16, 20):
        _add(grown, corpus[i])
    second = run_corpus_stages(grown)
    assert (second.new, second.backfilled) == (4, 6)
    fresh = _store(tmp_path, "fresh", [corpus[i] for i in range(20)])
    run_corpus_stages(fresh)
    assert _snapshot(grown) == _snapshot(fresh)
    for kind in ("copy", "story", "claim"):
        assert grown.pairs(kind) == fresh.pairs(kind), kind


def test_the_back_fill_check_reads_only_new_documents_and_those_without_a_row(tmp_path, corpus,
                                                                            monkeypatch):
    """An incremental run of the same code reads the stored rows of the kinds its stages need
    only for the new documents, those with a stored warning and those holding no row (a
    covered document's row was complete when it was covered); a run of other code reads all."""
    from narratrace.run import corpus as corpus_module

    store = _store(tmp_path, "s", [corpus[i] for i in range(14)])
    run_corpus_stages(store)
    assert store.annotated_docs("event_candidates") == {d.id for d in store.documents()}
    with store.transaction():
        store.replace_annotations("d003", "event_candidates", [])
    assert "d003" not in store.annotated_docs("event_candidates")
    for i in range(14, 16):
        _add(store, corpus[i])
    new = {f"d{i:03d}" for i in (14, 15)}
    read: dict[str, set[str]] = {}
    complete = corpus_module._complete_docs

    def spy(ctx, stage, name, by_id, *, whole=True):
        read[name] = set(by_id) if not whole else {d.id for d in ctx.documents}
        return complete(ctx, stage, name, by_id, whole=whole)

    monkeypatch.setattr(corpus_module, "_complete_docs", spy)
    run = run_corpus_stages(store)
    assert run.new == 2 and run.backfilled == 3  # the two new documents' events, and d003's
    assert read["event_candidates"] == new | {"d003"}
    assert read["reuse_features"] == new
    fresh = _store(tmp_path, "fresh", [corpus[i] for i in range(16)])
    run_corpus_stages(fresh)
    assert _snapshot(store) == _snapshot(fresh)
    _add(store, corpus[16])
    monkeypatch.setattr(corpus_module, "_source_digest", lambda: "edited")
    run_corpus_stages(store)
    assert read["reuse_features"] == {d.id for d in store.documents()}


def test_not_incremental_forgets_the_cache_and_gives_the_same_result(tmp_path, corpus):
    store = _store(tmp_path, "s", [corpus[i] for i in range(15)])
    run_corpus_stages(store)
    for i in range(15, 20):
        _add(store, corpus[i])
    run_corpus_stages(store)
    incremental = _snapshot(store)
    full = run_corpus_stages(store, options=Options(incremental=False))
    assert full.full and full.new == 20
    assert _snapshot(store) == incremental


def test_a_failing_corpus_run_leaves_the_previous_results(tmp_path, corpus, monkeypatch):
    """One transaction: an error half-way (here in the events stage) rolls everything back,
    cached pairs and corpus marks included, so the next run starts from a consistent state."""
    import dataclasses

    from narratrace.registry import CORPUS_STAGES

    store = _store(tmp_path, "s", [corpus[i] for i in range(10)])
    run_corpus_stages(store)
    before = (_snapshot(store), store.pairs("claim"), store.corpus_docs())
    for i in range(10, 14):
        _add(store, corpus[i])

    def boom(*args, **kwargs):
        raise RuntimeError("disk gone")

    assert CORPUS_STAGES[-1].name == "events"  # the last stage: every other one has written
    stages = (*CORPUS_STAGES[:-1], dataclasses.replace(CORPUS_STAGES[-1], fn=boom))
    with pytest.raises(RuntimeError):
        run_corpus_stages(store, stages=stages)
    assert store.pairs("claim") == before[1] and store.corpus_docs() == before[2]
    run = run_corpus_stages(store)
    assert run.new == 4
    fresh = _store(tmp_path, "f", [corpus[i] for i in range(14)])
    run_corpus_stages(fresh)
    assert _snapshot(store) == _snapshot(fresh)


def test_incremental_on_postgres_equals_a_full_run_on_sqlite(tmp_path, corpus):
    """The pair cache behaves the same on the PostgreSQL backend (grown there, fresh here)."""
    if postgres_binaries() is None:
        pytest.skip(SKIP_REASON)
    with postgres_server() as admin:
        grown = _store(tmp_path, "pg", [corpus[i] for i in range(12)], url=fresh_database(admin))
        run_corpus_stages(grown)
        with grown.transaction():
            grown.delete_document("d002")
            for i in range(12, 18):
                _add(grown, corpus[i])
        second = run_corpus_stages(grown)
        got = _snapshot(grown)
        annotated = {name: grown.annotated_docs(name) for name in ("claims", "event_candidates")}
        grown.close()
    fresh = _store(tmp_path, "fresh", [corpus[i] for i in range(18) if i != 2])
    run_corpus_stages(fresh)
    assert second.new == 6
    assert annotated == {name: fresh.annotated_docs(name) for name in annotated}
    assert annotated["event_candidates"] == {d.id for d in fresh.documents()}
    assert got == _snapshot(fresh)


@pytest.mark.parametrize("rows", [None, [0], [3, 1], []])
def test_story_candidates_from_some_rows_are_the_full_search_restricted(rows):
    rng = np.random.default_rng(0)
    base = rng.normal(size=(5, 16))
    vectors = np.stack([_unit(base[k % 5] + 0.7 * rng.normal(size=16)) for k in range(40)])
    every = story_candidates(vectors, threshold=0.5)
    assert every, "the fixture must have candidates"
    assert all(r < c and cos >= 0.5 for r, c, cos in every)
    got = story_candidates(vectors, rows, threshold=0.5)
    wanted = set(range(40)) if rows is None else set(rows)
    assert got == [p for p in every if p[0] in wanted or p[1] in wanted]


def test_cached_pairs_from_another_version_are_recomputed(tmp_path, corpus, monkeypatch):
    """A store whose pairs were made by other code (version or thresholds) starts over."""
    from narratrace.run import corpus as corpus_module

    store = _store(tmp_path, "stamp", [corpus[i] for i in range(6)])
    first = run_corpus_stages(store)
    assert first.new == 6 and not first.full
    assert run_corpus_stages(store).new == 0  # same code: the cache is used
    monkeypatch.setattr(corpus_module, "pairs_stamp",
                        lambda stages=(): "narratrace 9.9; other thresholds")
    again = run_corpus_stages(store)
    assert again.full and again.new == 6
    assert not run_corpus_stages(store).full


def test_a_corpus_stage_runs_with_what_was_made_before_it_frozen(tmp_path):
    """Issue #19: the cyclic collector leaves out what a corpus stage finds made before it
    (its full passes walked every object of the run again and again); the run thaws it at
    the end, also when a stage fails, and leaves objects the process froze itself as they are."""
    seen: list[int] = []

    def probe(ctx):
        seen.append(gc.get_freeze_count())
        return {"probe": 1}

    def run(fn, **options):
        store = open_store(f"sqlite:///{tmp_path / 'probe.sqlite'}")
        try:
            run_corpus_stages(store, options=Options(quiet=True, **options),
                              stages=[CorpusStage("probe", ("documents",), ("probe",), fn=fn)])
        finally:
            store.close()

    earlier = gc.get_freeze_count()  # an earlier test in this process may have frozen objects (the web app does)
    gc.unfreeze()
    try:
        run(probe)
        assert seen[-1] > 0 and gc.get_freeze_count() == 0
        with pytest.raises(ZeroDivisionError):
            run(lambda ctx: {"probe": 1 / 0}, incremental=False)
        assert gc.get_freeze_count() == 0
        gc.freeze()
        before = gc.get_freeze_count()
        run(probe, incremental=False)
        assert seen[-1] == before and gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
        if earlier:
            gc.freeze()


def test_the_entity_merge_builds_stored_mentions_without_the_generic_decoding(tmp_path, corpus, monkeypatch):
    """Issue #19: a mention is flat, so the entity merge of every run builds each stored one
    from its row straight (the generic record decoding of 30,600 mentions took 0.12 s of a
    run on the 5,100-document bench store); the result is a full run's, and a row with a key
    the record does not know still decodes."""
    import narratrace.records._kinds as kinds

    decoded: list[str] = []

    def from_row(cls, row):
        decoded.append(cls.__name__)
        return real(cls, row)

    real = kinds.from_row
    store = _store(tmp_path, "grown", [corpus[i] for i in range(8)])
    run_corpus_stages(store)  # (the back-fill of the event sentences reads mentions)
    doc = corpus[0]["doc"].id
    rows = store.annotations("mentions", doc=doc)
    with store.transaction():
        store.replace_annotations(doc, "mentions", [{**rows[0], "newer": 1}, *rows[1:]])
    monkeypatch.setattr(kinds, "from_row", from_row)
    run_corpus_stages(store, options=Options(incremental=False))
    monkeypatch.undo()
    assert decoded.count("Mention") == 1  # the row with the unknown key
    fresh = _store(tmp_path, "fresh", [corpus[i] for i in range(8)])
    run_corpus_stages(fresh)
    assert _snapshot(store) == _snapshot(fresh)


def test_origin_fingerprints_read_a_family_once_however_many_families_it_denies():
    """Issue #19: the fingerprint of a family that others deny reads the deniers' claims and
    documents too; each family's part is made once per run (the bench store's 10,000 families
    were read again for every family they deny), and a change of a denier still reaches the
    fingerprints of the families it denies."""
    from narratrace.provenance.stage import family_inputs
    from narratrace.types import ClaimFamily

    shown: list[str] = []

    @dataclasses.dataclass(frozen=True, slots=True)
    class Counted(Claim):
        def __repr__(self) -> str:
            shown.append(self.id)
            return Claim.__repr__(self)

    docs = {d: Document(id=d, path=d, text="t", source_text="t", outlet="The Ledger") for d in "abc"}
    claims = [Counted("c1", "a", "x", 0, 1), Counted("c2", "b", "y", 0, 1),
              Counted("g", "c", "not so", 0, 1, stance="denies")]
    families = [ClaimFamily("f1", "x", ("c1",), ("a",)), ClaimFamily("f2", "y", ("c2",), ("b",)),
                ClaimFamily("fg", "not so", ("g",), ("c",), contradicts=("f1", "f2"))]
    got = family_inputs(families, claims=claims, citations=[], reuse=[], documents=docs,
                        attributions=[], entities=[])
    assert sorted(shown) == ["c1", "c2", "g"]
    changed = [*claims[:2], dataclasses.replace(claims[2], text="never so")]
    again = family_inputs(families, claims=changed, citations=[], reuse=[], documents=docs,
                          attributions=[], entities=[])
    assert all(again[f] != got[f] for f in ("f1", "f2", "fg"))  # a denier's change reaches them


def test_claim_facts_find_a_claims_digest_once_for_all_its_facts(monkeypatch):
    """Issue #19: grouping asks for several facts of every claim on every run (whether it
    denies, its figures, amounts, actions); the digest they are kept under is made once per
    claim, not once per fact asked."""
    from narratrace.claims._incremental import FACTS, ClaimFacts

    made: list[str] = []

    def key(self, claim):
        made.append(claim.id)
        return real(self, claim)

    real = ClaimFacts._key
    monkeypatch.setattr(ClaimFacts, "_key", key)
    facts = ClaimFacts()
    claim = Claim("c1", "d1", "Velmar shipped 40 tonnes", 0, 24)
    got = [facts.get(claim, name, lambda c: {"x"}) for name in FACTS for _ in range(2)]
    assert made == ["c1"]
    assert got == [{"x"}] * 2 * len(FACTS)
    other = dataclasses.replace(claim, text="Velmar shipped 50 tonnes")  # another claim object
    facts.get(other, "figures", lambda c: {"50 tonnes"})
    assert made == ["c1", "c1"]
