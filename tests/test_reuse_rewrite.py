"""Rewrites (#15): credited and uncredited retellings, their direction and credit span, and
independent coverage that must stay ``same_story``. No model: sentence vectors are made here."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from narratrace.reuse import align_sentences, find_credit, find_reuse, source_names
from narratrace.reuse._direction import decide, masthead_names
from narratrace.records import unb64
from narratrace.reuse._rewrite import claim_stand_ins, detail_direction, is_rewrite, narrative_sentences
from narratrace.types import Document

DIM = 16


def _doc(id_: str, text: str, *, source: str = "", outlet: str | None = None,
         published: str | None = None) -> Document:
    return Document(id=id_, path=id_, text=text, source_text=source or text, outlet=outlet,
                    published=published)


@pytest.mark.parametrize("text, names, expected", [
    ("The pier closed, according to the local weekly The Harbour Lamp, on Friday.",
     {"the harbour lamp", "harbour lamp"}, "according to the local weekly The Harbour Lamp"),
    ("The Harbour Lamp reported on Friday that the pier was closed.", {"harbour lamp"},
     "The Harbour Lamp reported"),
    ("The Lamp, which is read by most fishermen, warned that the pier was closed.", {"lamp"},
     "The Lamp, which is read by most fishermen, warned"),
    ("This story first appeared in Harbour Lamp and is reproduced here.", {"harbour lamp"},
     "first appeared in Harbour Lamp"),
    ("PORTBRIDGE, May 3 (HLN) - The pier was closed.", {"hln"}, "(HLN)"),
])
def test_credit_found(text: str, names: set[str], expected: str) -> None:
    credit = find_credit(_doc("c", text), frozenset(names))
    assert credit is not None and credit[0] == expected
    assert text[credit[1]:credit[2]] == expected


@pytest.mark.parametrize("text", [
    # The outlet as the recipient of a statement, not as a source.
    "The harbour master told The Harbour Lamp that the pier was closed.",
    # The source's own words ("seen by X") reproduced in a copy are not a credit.
    "The pier is closed, according to a report from the engineers seen by The Harbour Lamp.",
    # Another outlet is credited.
    "According to the Coastal Post, the pier was closed.",
    # The outlet said something: officials say, sources report.
    "The Harbour Lamp said nothing about the pier.",
    # The story's history: another paper had it first, this text reports something later.
    "The board met on Monday, two days after the weekly Harbour Lamp first reported the cracks.",
])
def test_credit_not_found(text: str) -> None:
    assert find_credit(_doc("c", text), frozenset({"the harbour lamp", "harbour lamp", "lamp"})) is None


def test_masthead_names_come_from_the_removed_header() -> None:
    source = ("Pier closed after storm\n\nThe Harbour Lamp - news from the quay\nPosted 3 May 2025\n"
              "SPORT\n\nThe pier was closed on Friday after the storm damaged its supports.")
    doc = _doc("h", "The pier was closed on Friday after the storm damaged its supports.", source=source)
    assert masthead_names(doc) == {"the harbour lamp", "harbour lamp", "lamp"}
    assert source_names(_doc("o", "x", outlet="The Coastal Times")) >= {"the coastal times", "coastal times"}
    assert "times" not in source_names(_doc("o", "x", outlet="The Coastal Times"))


def test_align_sentences_keeps_order_and_rejects_crossing() -> None:
    e = np.eye(4, dtype=np.float32)
    assert align_sentences(e, e) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert len(align_sentences(e, e[::-1])) == 1  # reversed order: one pair, not four
    assert align_sentences(e, np.zeros((3, 4), dtype=np.float32)) == []
    assert align_sentences(e, np.zeros((0, 4), dtype=np.float32)) == []


@pytest.mark.parametrize("aligned, na, nb, expected", [
    (7, 14, 18, True), (5, 12, 30, True), (5, 15, 20, False), (4, 8, 8, False), (0, 0, 0, False),
])
def test_is_rewrite(aligned: int, na: int, nb: int, expected: bool) -> None:
    assert is_rewrite(aligned, na, nb) is expected


def test_narrative_sentences_skip_quotes_and_fragments() -> None:
    text = ('Read more. The harbour board closed the old pier on Friday after the storm. '
            '"We will not reopen it until the engineers have checked every pile," the chair said.')
    got = [text[s:e] for s, e in narrative_sentences(text)]
    assert got == ["The harbour board closed the old pier on Friday after the storm."]


def test_detail_direction_needs_a_clear_margin() -> None:
    full = "On 3 May the Harbour Board closed Pier 7 in Portbridge, engineer Ida Vell said."
    thin = "The board closed a pier, an engineer said."
    assert detail_direction(full, thin, [(0, len(full), 0, len(thin))]) == "a->b"
    assert detail_direction(thin, full, [(0, len(thin), 0, len(full))]) == "b->a"
    assert detail_direction(full, full, [(0, len(full), 0, len(full))]) == "unknown"


def test_decide_prefers_dates_then_credit_then_fallback() -> None:
    early = _doc("a", "x", published="2025-05-03")
    late = _doc("b", "x", published="2025-05-04")
    undated = _doc("c", "x")
    assert decide(early, late, credit_in_a=("X", 0, 1)) == ("a->b", "dates")
    assert decide(undated, early, credit_in_a=("X", 0, 1)) == ("b->a", "credit")
    assert decide(undated, early, fallback=("a->b", "detail")) == ("a->b", "detail")
    assert decide(undated, early) == ("unknown", "")


# --------------------------------------------------------------------------- whole pairs

def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for part in text.split(". "):
        spans.append((pos, pos + len(part) + 1))
        pos += len(part) + 2
    return spans


def _body(prefix: str, n: int) -> str:
    """``n`` sentences of made-up words: two bodies share no shingle."""
    rng = np.random.default_rng(sum(map(ord, prefix)))
    words = ["".join(rng.choice(list("bdfgklmnprstvz")) + rng.choice(list("aeiou")) for _ in range(3))
             for _ in range(12 * n)]
    return ". ".join(" ".join(words[12 * k:12 * k + 12]).capitalize() for k in range(n)) + "."


def _pair_corpus(shared: np.ndarray, b_vectors: np.ndarray, *, b_text: str, b_outlet: str | None,
                 b_published: str | None) -> list:
    rng = np.random.default_rng(1)
    a = _doc("a", _body("Alpha", len(shared)), outlet="Harbour Lamp", published="2025-05-03",
             source="Pier story\n\nHarbour Lamp - quay news\n\n" + _body("Alpha", len(shared)))
    b = _doc("b", b_text, outlet=b_outlet, published=b_published)
    lead = _unit(rng, 1)
    embeddings = {"a": np.repeat(lead, 3, axis=0), "b": np.repeat(lead, 3, axis=0)}
    sentences = {"a": (shared, _sentences(a.text)), "b": (b_vectors, _sentences(b.text)[:len(b_vectors)])}
    return find_reuse([a, b], embeddings=embeddings, sentences=sentences, entities={"a": set(), "b": set()},
                      dates={"a": set(), "b": set()})


def test_uncredited_rewrite_is_found_with_direction() -> None:
    rng = np.random.default_rng(0)
    shared = _unit(rng, 10)
    paraphrased = shared[:8] + 0.15 * _unit(rng, 8)
    paraphrased /= np.linalg.norm(paraphrased, axis=1, keepdims=True)
    links = _pair_corpus(shared, paraphrased, b_text=_body("Beta", 8), b_outlet="Coastal Post",
                         b_published="2025-05-05")
    assert [(r.kind, r.direction, r.direction_by, r.credit) for r in links] == \
        [("rewrite", "a->b", "dates", None)]
    assert len(links[0].passages) == 8


def test_credited_rewrite_keeps_its_credit_span() -> None:
    rng = np.random.default_rng(0)
    text = "The pier closed, according to the weekly Harbour Lamp, on Friday. " + _body("Beta", 4)
    links = _pair_corpus(_unit(rng, 10), _unit(rng, 5), b_text=text, b_outlet="Coastal Post", b_published=None)
    assert len(links) == 1
    link = links[0]
    assert (link.kind, link.direction, link.direction_by) == ("rewrite", "a->b", "credit")
    assert link.credit == "according to the weekly Harbour Lamp"
    assert text[link.credit_start:link.credit_end] == link.credit


def test_independent_coverage_stays_same_story() -> None:
    """Two reports of one event share the story but neither retells the other in order nor
    credits it: at most ``same_story``, never ``rewrite`` (regression for #15)."""
    rng = np.random.default_rng(0)
    shared = _unit(rng, 10)
    # Three statements in common (the press conference), in another order; the rest their own.
    b_vectors = np.concatenate([shared[[6, 2, 4]], _unit(rng, 7)])
    links = _pair_corpus(shared, b_vectors, b_text=_body("Beta", 10), b_outlet="Coastal Post",
                         b_published="2025-05-03")
    assert all(r.kind == "same_story" for r in links), links


# --------------------------------------------------------------------------- shared vectors (#17)

_PIER = ("The harbour board voted on Monday to close the old pier for repairs for at least a "
         "month, Quist said. Engineers found cracks in three of the supports last week. The "
         "inspectors hired by the council said that the cracks in the supports were deeper than "
         "anyone expected.")
_PIER_CLAIMS = ("The harbour board voted on Monday to close the old pier for repairs for at least a month",
                "Engineers found cracks in three of the supports last week.",
                "the cracks in the supports were deeper than anyone expected")


def _spans(text: str, parts: Sequence[str]) -> list[tuple[int, int]]:
    return [(text.index(p), text.index(p) + len(p)) for p in parts]


@pytest.mark.parametrize("near, expected", [(0.9, [0, 1, None]), (1.0, [None, 1, None]),
                                            (0.5, [0, 1, 2])])
def test_claim_stand_ins_need_nearly_all_of_the_sentence(near: float, expected: list[int | None]) -> None:
    sentences = narrative_sentences(_PIER)
    claims = [(s, e, k) for k, (s, e) in enumerate(_spans(_PIER, _PIER_CLAIMS))]
    assert claim_stand_ins(sentences, claims, _PIER, near=near) == expected


def test_claim_stand_ins_negative_cases() -> None:
    text = "The board met on Monday. The pier was closed on Friday after the storm."
    first, second = (0, 24), (25, len(text))
    # A claim across two sentences stands for neither; no claim, no stand-in.
    assert claim_stand_ins([first, second], [(4, 40, 0)], text, near=0.1) == [None, None]
    assert claim_stand_ins([first, second], [], text) == [None, None]
    # Of two claims inside one sentence the longer stands in.
    assert claim_stand_ins([second], [(25, 37, 0), (25, len(text) - 1, 1)], text, near=0.2) == [1]


def test_issue17_a_sentence_that_is_nearly_a_claim_is_embedded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reuse features embed a narrative sentence only when no claim of the document stands
    for it; the claims' own vectors do not change."""
    import zlib

    from narratrace import nlp
    from narratrace.reuse.stage import reuse_features
    from narratrace.types import Claim

    def fake(texts: list[str]) -> np.ndarray:
        out = np.stack([np.random.default_rng(zlib.crc32(t.encode())).standard_normal(384)
                        for t in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    seen: list[str] = []
    monkeypatch.setattr(nlp, "embed", lambda texts: seen.extend(texts) or fake(texts))
    # The lead (the story sentences, embedded anyway), then the sentences under test.
    text = ("A storm hit the coast of Elva on Sunday night. Waves broke over the harbour wall for "
            "hours. Most boats had been moved inland by Saturday. " + _PIER)
    doc = Document(id="p", path="p", text=text, source_text=text, title="Pier closed")
    claims = [Claim(id=f"c{k}", doc="p", text=text[s:e], start=s, end=e)
              for k, (s, e) in enumerate(_spans(text, _PIER_CLAIMS))]
    spans = narrative_sentences(text)
    sentences = [text[s:e] for s, e in spans]
    assert len(sentences) == 6 and sentences[3:] == [_PIER[s:e] for s, e in narrative_sentences(_PIER)]
    for near, own in ((0.9, [sentences[5]]), (1.0, [sentences[3], sentences[5]])):
        seen.clear()
        (features,) = reuse_features([(doc, claims)], near=near)
        assert features.sentence_spans == tuple(spans)
        assert [t for t in seen if t in sentences[3:] and t not in _PIER_CLAIMS] == own
        assert len(seen) == len(set(seen)) == 4 + len(claims) + len(own)  # each text once
        stood = _PIER_CLAIMS[0] if near < 1 else sentences[3]
        expected = fake([*sentences[:3], stood, _PIER_CLAIMS[1], sentences[5]])
        got = unb64(features.sentence_vectors or "", "<f2", (6, -1))
        assert np.array_equal(got, expected.astype("<f2"))
        for claim, vector in zip(claims, fake(list(_PIER_CLAIMS)), strict=True):
            assert np.array_equal(unb64((features.claim_vectors or {})[claim.id], "<f4", (-1,)), vector)


def _fake_embed(texts: list[str]) -> np.ndarray:
    import zlib

    out = np.stack([np.random.default_rng(zlib.crc32(t.encode())).standard_normal(384)
                    for t in texts]).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_issue17_deferred_sentence_vectors_are_the_stored_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """The document stage stores the narrative sentences' spans only; the vectors the corpus
    stage makes for them later (narrative_vectors) are the ones an eager run stores, and only
    the sentences no claim stands for are embedded again."""
    from narratrace import nlp
    from narratrace.reuse import story_sentences
    from narratrace.reuse.stage import narrative_vectors, reuse_features
    from narratrace.types import Claim

    seen: list[str] = []
    monkeypatch.setattr(nlp, "embed", lambda texts: seen.extend(texts) or _fake_embed(texts))
    text = ("A storm hit the coast of Elva on Sunday night. Waves broke over the harbour wall for "
            "hours. Most boats had been moved inland by Saturday. " + _PIER)
    doc = Document(id="p", path="p", text=text, source_text=text, title="Pier closed")
    claims = [Claim(id=f"c{k}", doc="p", text=text[s:e], start=s, end=e)
              for k, (s, e) in enumerate(_spans(text, _PIER_CLAIMS))]
    (eager,) = reuse_features([(doc, claims)])
    seen.clear()
    (deferred,) = reuse_features([(doc, claims)], embed_sentences=False)
    assert deferred.sentence_vectors is None and deferred.sentence_spans == eager.sentence_spans
    assert deferred.claim_vectors == eager.claim_vectors and deferred.embedding == eager.embedding
    # the title, the lead and the claims: no other narrative sentence
    assert set(seen) == set(story_sentences(doc)) | set(_PIER_CLAIMS)
    seen.clear()
    # the claims as the corpus stage reads them: another order changes nothing
    got = narrative_vectors(doc, claims[::-1], deferred)
    assert np.array_equal(got, unb64(eager.sentence_vectors or "", "<f2", (len(got), -1)))
    spans = list(eager.sentence_spans or ())
    stood = [k for k in claim_stand_ins(spans, [(c.start, c.end, k) for k, c in enumerate(claims)], text)]
    # a claim's or a lead sentence's stored vector is not embedded again
    assert seen == [text[a:b] for (a, b), k in zip(spans, stood, strict=True)
                    if k is None and text[a:b] not in story_sentences(doc)]
    assert len(seen) == 1 and any(k is not None for k in stood)


def test_issue17_corpus_stage_embeds_sentences_of_checked_pairs_only(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path) -> None:
    """A pipeline run embeds the narrative sentences of the documents in a pair checked for a
    rewrite, in the corpus stage, and keeps them in the store; a document on another story
    keeps spans only, and the rewrite is found as with vectors stored up front."""
    from narratrace import Options, analyze, build_analysis, open_store
    from narratrace import nlp
    from narratrace.records import kind

    import narratrace.reuse.stage as reuse_stage

    calls: list[str] = []
    real = reuse_stage.narrative_vectors

    def counting(document: Document, *args: object, **kwargs: object) -> np.ndarray:
        calls.append(document.path.rsplit("/", 1)[-1])
        return real(document, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reuse_stage, "narrative_vectors", counting)

    def topical(texts: list[str]) -> np.ndarray:  # texts on the pier lie close together
        out = _fake_embed(texts) * 0.3
        out[:, 0] += np.array(["pier" in t.lower() for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    monkeypatch.setattr(nlp, "embed", topical)
    (tmp_path / "in").mkdir()
    # a and b: one story in other words (a story candidate, checked for a rewrite); c: another
    texts = {
        "a": "Old pier to close\n\n" + _PIER + " Fishermen said they would moor by the pier's "
             "ferry steps until the pier works begin.",
        "b": "Pier shut for a month\n\nThe pier at the harbour will close for a month, the "
             "board of the pier decided on Monday. Cracks were found in the pier's supports by "
             "engineers last week. The pier's inspectors said the cracks went deeper than "
             "expected at the pier.",
        "c": "Orchard fair returns\n\nThe orchard fair in Tamsby will open on Saturday with "
             "forty stalls of pears and apples. Growers from the whole valley have booked space "
             "for cider, honey and jam. The organisers expect more than two thousand visitors "
             "over the weekend.",
    }
    for name, text in texts.items():
        (tmp_path / "in" / f"{name}.txt").write_text(text, encoding="utf-8")
    store = open_store(tmp_path / "s.sqlite")
    analyze([tmp_path / "in"], store=store, options=Options(workers=1, quiet=True))
    spec = kind("reuse_features")
    features = {d.path.rsplit("/", 1)[-1]: spec.from_row(store.annotations("reuse_features", doc=d.id)[0])
                for d in store.documents()}
    assert all(f.sentence_spans for f in features.values())
    with_vectors = {name for name, f in features.items() if f.sentence_vectors}
    assert sorted(calls) == sorted(with_vectors) == ["a.txt", "b.txt"]
    assert [(r["kind"]) for r in build_analysis(store)["reuse"]]
