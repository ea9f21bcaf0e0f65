"""Seed quality gate for claims, provenance and the timeline (real spaCy, embedder, stages).

Reads the 5 seed articles in ../shared/seeds (a "Ukraine arms jihadists in Mali" story told by
an interview, two reports of one UN speech, and two versions of one local-outlet report).
"""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_run():
    if not SEEDS.is_dir():
        pytest.skip(f"../shared not present: {SEEDS} is missing")
    try:
        from narratrace.attribution import extract_attributions
        from narratrace.dates import extract_dates
        from narratrace.entities import extract_mentions
        from narratrace.run.prepare import prepare_documents
        from narratrace.reuse import find_reuse
    except Exception as exc:  # another stage is not importable yet
        pytest.skip(f"an upstream stage is not importable yet: {type(exc).__name__}: {exc}")
    from narratrace import nlp
    from narratrace.claims import extract_claims, group_claims
    from narratrace.events import merge_events
    from narratrace.options import Options
    from narratrace.provenance import extract_citations, load_outlets, trace_origins
    from narratrace.types import RawDocument

    raws = [RawDocument(id=p.stem[:3], path=str(p), content=p.read_text(encoding="utf-8"), format="text",
                        encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    docs, _ = prepare_documents(raws, options=Options())
    registry = load_outlets(env={})
    claims, citations, dates, mentions, sentences = [], [], [], [], {}
    for parsed, doc in nlp.parse((d.text, d) for d in docs):
        ms = extract_mentions(doc, parsed)
        attrs = extract_attributions(doc, parsed, lang="en")
        ds = extract_dates(doc, parsed, base_date=doc.published)
        sentences[doc.id] = [(s.start_char, s.end_char) for s in parsed.sents]
        claims += extract_claims(doc, attributions=attrs, mentions=ms, dates=ds, sentences=sentences[doc.id])
        citations += extract_citations(doc, attributions=attrs, mentions=ms, registry=registry)
        dates += ds
        mentions += ms
    by_id = {d.id: d for d in docs}
    reuse = find_reuse(docs, options=Options())
    # as the pipeline groups them: across the texts that tell one story, and by speaker
    claims, families = group_claims(claims, documents=by_id, stories={frozenset((r.a, r.b)) for r in reuse},
                                    derived={frozenset((r.a, r.b)) for r in reuse if r.kind != "same_story"},
                                    speakers={c.id: c.attributed_to for c in claims if c.attributed_to})
    families = trace_origins(families, claims=claims, citations=citations, reuse=reuse,
                             documents=by_id, registry=registry)
    events = merge_events(dates, documents=by_id, mentions=mentions, sentences=sentences)
    return {"docs": by_id, "claims": claims, "families": families, "citations": citations, "events": events}


def test_the_prime_ministers_drone_claim_is_one_family_of_the_two_speech_reports_with_one_origin(seed_run):
    """Two outlets report one UN speech: its drone accusation is one claim, one origin."""
    text = {c.id: c.text.lower() for c in seed_run["claims"]}
    drone = [f for f in seed_run["families"] if any("suppliers of kamikaze drones" in text[c] for c in f.claims)]
    assert len(drone) == 1, [f.label for f in drone]
    assert sorted(drone[0].docs) == ["001", "004"]
    assert drone[0].independent_origins == 1 and "Maiga" in drone[0].origins[0]
    assert not drone[0].circular


@pytest.mark.parametrize("month, word", [("2024-07", ""), ("2024-08", "sever")])
def test_attack_and_severed_relations_are_single_events_across_three_documents(seed_run, month, word):
    events = [e for e in seed_run["events"] if e.date.startswith(month) and len(e.docs) >= 3]
    assert len(events) == 1, [(e.date, e.docs, e.summary) for e in seed_run["events"]]
    assert word in events[0].summary.lower()


def test_rt_article_cites_the_local_outlet(seed_run):
    doc = next(d for d in seed_run["docs"].values() if "Russia Today" in d.source_text[:400])
    assert ("Bamada", "outlet") in {(c.source, c.kind) for c in seed_run["citations"] if c.doc == doc.id}


def test_claims_have_valid_spans_and_families(seed_run):
    docs = seed_run["docs"]
    fam_ids = {f.id for f in seed_run["families"]}
    for c in seed_run["claims"]:
        assert docs[c.doc].text[c.start:c.end] == c.text and c.family in fam_ids
    for f in seed_run["families"]:
        stances = {c.stance for c in seed_run["claims"] if c.id in f.claims}
        assert len(stances) == 1
