"""Unit tests for the reuse stage: no models, small hand-written texts."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narratrace.errors import UsageError
from narratrace.reuse import align, direction, estimate_jaccard, find_reuse, merge, signature
from narratrace.reuse._minhash import (band_keys, candidate_pairs, minhash, shingle_hashes,
                                       shingle_set, tokenize)
from narratrace.reuse._story import fallback_dates, fallback_names, overlap, story_sentences
from narratrace.types import Document

ARTICLE = (
    "The harbour authority said on Tuesday that the northern pier would close for repairs after "
    "inspectors found cracks in three of its supporting columns. Ferry services to the islands "
    "will move to the southern terminal from next week, according to a statement from the port. "
    "Engineers expect the work to take at least four months and to cost about twelve million. "
    "Local traders warned that fewer visitors would reach the old market during the summer season. "
    "The mayor promised a shuttle bus between the two terminals and said the city would cover the "
    "extra cost until the pier reopens. Fishermen who moor their boats at the pier were offered "
    "berths in the marina at no charge. A public meeting on the closure is planned for Thursday "
    "evening in the town hall, where residents can question the engineers and the port director."
)
OTHER = (
    "Scientists at the mountain observatory reported the discovery of a faint comet that will pass "
    "closest to the sun in early spring. The object was spotted in images taken over four nights "
    "and confirmed by two amateur astronomers in the south. Its orbit suggests it last visited the "
    "inner solar system several thousand years ago. Observers with small telescopes may see it low "
    "in the western sky after sunset in March, the team said, though it is unlikely to become bright "
    "enough for the naked eye. The discovery adds to a busy year for the observatory, which "
    "recently upgraded its main camera with funding from the regional government."
)
HEADER = "Home | World | Business\nCoastline Post - news you can trust\n"
FOOTER = "\nSubscribe to the Coastline Post newsletter for the top stories every morning."


def doc(doc_id: str, text: str, **kw: object) -> Document:
    return Document(id=doc_id, path=doc_id, text=text, source_text=text, **kw)  # type: ignore[arg-type]


def edited(text: str) -> str:
    return (text.replace("Tuesday", "Wednesday").replace("at least four", "at least five")
            .replace(" old market", " market").replace("no charge", "no cost at all"))


COPIES = {
    "reprint": HEADER + ARTICLE + FOOTER,
    "light_edits": edited(ARTICLE),
    "truncated": ARTICLE[: int(len(ARTICLE) * 0.45)],
    "truncated_boilerplate": "Read more at the Valley Wire\n" + ARTICLE[: int(len(ARTICLE) * 0.5)] + FOOTER,
    "sentence_deleted": ARTICLE.replace("Engineers expect the work to take at least four months and "
                                        "to cost about twelve million. ", ""),
}


def links(*docs: Document) -> list[tuple[str, str, str]]:
    return [(r.a, r.b, r.kind) for r in find_reuse(docs, embeddings={})]


def test_one_template_filled_with_other_figures_is_no_copy() -> None:
    """A weather or results service writes every report in one wording: reports of other days
    are not copies of each other (every pair of a thousand such reports was linked as one);
    a reprint of one report, which keeps its figures, still is."""
    import random

    rng = random.Random(7)

    def report(town: str) -> str:
        return (f"Temperatures in {town} reached {rng.randint(-5, 35)} degrees on day {rng.randint(1, 28)}, "
                f"the weather service said. Winds of {rng.randint(5, 90)} km/h are expected, with "
                f"{rng.randint(0, 40)} mm of rain. \"Drivers should take care on route {rng.randint(1, 99)},\" "
                f"a spokesperson for {town} said.")

    reports = [doc(f"w{k}", report("Arlen")) for k in range(6)]
    reprint = doc("copy", reports[0].text + "\nThis report first appeared in the Arlen Courier.")
    found = links(*reports, reprint)
    assert [(a, b) for a, b, kind in found if kind in ("duplicate", "syndicated")] == [("copy", "w0")]


@pytest.mark.parametrize("name", sorted(COPIES))
def test_edited_copies_are_found(name: str) -> None:
    found = links(doc("orig", ARTICLE), doc("copy", COPIES[name]))
    assert [(a, b) for a, b, _ in found] == [("copy", "orig")]
    assert found[0][2] in ("duplicate", "syndicated")


@pytest.mark.parametrize("text_b", [OTHER, HEADER + OTHER + FOOTER, "", "Subscribe now.",
                                    " ".join(reversed(ARTICLE.split()))])
def test_unrelated_texts_are_not_linked(text_b: str) -> None:
    assert links(doc("a", HEADER + ARTICLE + FOOTER), doc("b", text_b)) == []


def test_kinds_duplicate_versus_syndicated() -> None:
    found = {b: k for _, b, k in links(doc("a0", ARTICLE), doc("b1", ARTICLE + " Share this."),
                                       doc("b2", COPIES["truncated"]))}
    assert found == {"b1": "duplicate", "b2": "syndicated"}


def test_pairs_are_ordered_and_deterministic() -> None:
    docs = [doc("z", ARTICLE), doc("m", COPIES["reprint"]), doc("a", COPIES["light_edits"]), doc("q", OTHER)]
    first = find_reuse(docs, embeddings={})
    assert first == find_reuse(list(reversed(docs)), embeddings={})
    assert [(r.a, r.b) for r in first] == [("a", "m"), ("a", "z"), ("m", "z")]
    assert all(0.0 <= r.score <= 1.0 for r in first)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(UsageError, match="appears twice"):
        find_reuse([doc("a", ARTICLE), doc("a", OTHER)], embeddings={})


def test_unanalysed_documents_are_compared_by_minhash() -> None:
    found = links(doc("a", ARTICLE, analysed=False, language=None), doc("b", COPIES["reprint"], analysed=False))
    assert [(a, b) for a, b, _ in found] == [("a", "b")]


def test_precomputed_signatures_are_used() -> None:
    docs = [doc("a", ARTICLE), doc("b", COPIES["reprint"])]
    sigs = {d.id: signature(d) for d in docs}
    assert find_reuse(docs, signatures=sigs, embeddings={}) == find_reuse(docs, embeddings={})
    with pytest.raises(UsageError, match="different lengths"):
        find_reuse(docs, signatures={"a": signature(docs[0], num_perm=64), "b": signature(docs[1])}, embeddings={})


# --------------------------------------------------------------------------- passages


@pytest.mark.parametrize("name", sorted(COPIES))
def test_passages_are_in_bounds_and_point_at_the_same_text(name: str) -> None:
    a, b = doc("a", ARTICLE), doc("b", COPIES[name])
    (reuse,) = find_reuse([a, b], embeddings={})
    assert reuse.passages
    for a0, a1, b0, b1 in reuse.passages:
        assert 0 <= a0 < a1 <= len(a.text) and 0 <= b0 < b1 <= len(b.text)
        words_a, words_b = a.text[a0:a1].split(), b.text[b0:b1].split()
        assert words_a[:3] == words_b[:3] and words_a[-3:] == words_b[-3:]  # same anchors


def test_exact_copied_passage_is_returned_verbatim() -> None:
    passage = ARTICLE[200:700]
    al = align("Intro text of another kind entirely. " + passage + " Trailing bits.",
               "Something else first, quite different. " + passage)
    (a0, a1, b0, b1), = al.passages
    text_a = "Intro text of another kind entirely. " + passage + " Trailing bits."
    assert text_a[a0:a1] == ("Something else first, quite different. " + passage)[b0:b1]
    assert passage.strip(" .").endswith(text_a[a0:a1].rstrip(".")[-20:])


def test_single_word_edit_does_not_split_the_passage() -> None:
    al = align(ARTICLE, ARTICLE.replace("supporting columns", "supporting pillars"))
    assert len(al.passages) == 1 and al.coverage > 0.95


def test_no_passages_between_unrelated_texts() -> None:
    assert align(ARTICLE, OTHER).passages == ()


# --------------------------------------------------------------------------- minhash


def test_tokenize_offsets_survive_case_changes_of_other_length() -> None:
    text = "İstanbul’s CAFÉ opened"
    starts, ends, _ = tokenize(text)
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)] == ["İstanbul", "s", "CAFÉ", "opened"]


def test_signature_is_deterministic_and_picklable() -> None:
    d = doc("a", ARTICLE)
    sig = signature(d)
    assert sig.dtype == np.uint32 and sig.shape == (128,)
    assert np.array_equal(sig, signature(doc("other-id", ARTICLE)))
    assert np.array_equal(pickle.loads(pickle.dumps(sig)), sig)


def test_signatures_merge_to_the_signature_of_the_union() -> None:
    parts = [" ".join(f"w{i}" for i in range(k, k + 60)) for k in (0, 100, 200)]
    sets = [shingle_set(p) for p in parts]
    union = np.union1d(np.union1d(sets[0], sets[1]), sets[2])
    assert np.array_equal(merge(*[minhash(s) for s in sets]), minhash(union))


@pytest.mark.parametrize("overlap_words", [0, 200, 500, 800])
def test_minhash_estimate_is_close_to_true_jaccard(overlap_words: int) -> None:
    a = shingle_set(" ".join(f"w{i}" for i in range(1000)))
    b = shingle_set(" ".join(f"w{i}" for i in range(1000 - overlap_words, 2000 - overlap_words)))
    true = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    est = estimate_jaccard(minhash(a, 256), minhash(b, 256))
    assert abs(est - true) < 0.08  # 3 standard deviations at 256 slots


def test_empty_and_short_texts() -> None:
    assert shingle_hashes(tokenize("")[2]).size == 0
    assert shingle_hashes(tokenize("two words")[2]).size == 1
    assert estimate_jaccard(signature(doc("e", "")), signature(doc("f", ""))) == 0.0
    assert band_keys(np.stack([signature(doc("e", ""))]), 64, 2).max() == 0  # never indexed


def test_candidate_pairs_from_shared_band_keys() -> None:
    keys = np.array([[5, 1], [5, 2], [7, 1], [8, 3]], dtype=np.uint64)
    assert candidate_pairs(keys).tolist() == [[0, 1], [0, 2]]
    assert candidate_pairs(np.array([[1], [2]], dtype=np.uint64)).tolist() == []


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=0, max_size=300), st.text(min_size=0, max_size=300))
def test_alignment_offsets_always_in_bounds(a: str, b: str) -> None:
    for a0, a1, b0, b1 in align(a + " " + b, b + " " + a, min_words=1).passages:
        assert 0 <= a0 < a1 <= len(a) + len(b) + 1 and 0 <= b0 < b1 <= len(a) + len(b) + 1


# --------------------------------------------------------------------------- direction

CASES = [
    # (published a, published b, outlet a, outlet b, text a, text b, expected)
    ("2024-03-01", "2024-03-02", None, None, "x", "y", "a->b"),
    ("2024-03-05", "2024-03-02", None, None, "x", "y", "b->a"),
    (None, None, "Associated Press", "Valley Wire", "x", "LONDON (AP) — The pier closed.", "a->b"),
    (None, None, "Valley Wire", "RT", "Ukraine coordinating attacks\nRussia Today06-06-2025\nText", "x", "b->a"),
    (None, None, "Valley Wire", "RT", "The report came according to RT on Monday.", "x", "b->a"),
    (None, None, "Valley Wire", "Harbor Times", "x", "y", "unknown"),
    (None, None, None, None, "(AP) text", "(AP) text", "unknown"),
    ("2024-03-01", "2024-03-01", "Reuters", "Harbor Times", "x", "Reuters reported the closure.", "a->b"),
    (None, None, "Reuters", "Harbor Times", "x", "The report mentions Reutersville.", "unknown"),
]


@pytest.mark.parametrize(("pa", "pb", "oa", "ob", "ta", "tb", "expected"), CASES)
def test_direction(pa: str | None, pb: str | None, oa: str | None, ob: str | None, ta: str, tb: str,
                   expected: str) -> None:
    a = doc("a", ta, published=pa, outlet=oa)
    b = doc("b", tb, published=pb, outlet=ob)
    assert direction(a, b) == expected


def test_direction_in_links_follows_dates() -> None:
    (reuse,) = find_reuse([doc("b", COPIES["reprint"], published="2024-01-03"),
                           doc("a", ARTICLE, published="2024-01-05")], embeddings={})
    assert (reuse.a, reuse.b, reuse.direction) == ("a", "b", "b->a")


# --------------------------------------------------------------------------- same-story features


def test_story_sentences_take_title_and_prose_lead() -> None:
    d = doc("a", "Pier closes for repairs\nSubscribe\nThe harbour authority said the pier would close. "
                 "Ferries will move south next week, the port said.\nMore")
    assert story_sentences(d) == ["Pier closes for repairs", "The harbour authority said the pier would close.",
                                  "Ferries will move south next week, the port said."]


def test_fallback_names_and_dates() -> None:
    text = "On Tuesday the Port Authority of Valmora said Maria Keller would visit on May 30, 2024 and in August 2024."
    assert {"port authority of valmora", "maria keller"} <= fallback_names(text)
    assert "tuesday" not in fallback_names(text) and "on" not in fallback_names(text)
    assert fallback_dates(text) == {"05-30", "2024-08"}
    assert overlap({"A", "b"}, {"a"}) == 1.0 and overlap(set(), {"a"}) == 0.0


def test_same_story_uses_given_embeddings() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(3, 384)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    far = rng.normal(size=(3, 384)).astype(np.float32)
    far /= np.linalg.norm(far, axis=1, keepdims=True)
    a = doc("a", "Maria Keller of Valmora spoke on May 30.")
    b = doc("b", "In Valmora, Maria Keller said on May 30 that ...")
    c = doc("c", "Completely different people elsewhere.")
    found = find_reuse([a, b, c], embeddings={"a": base, "b": base, "c": far})
    assert [(r.a, r.b, r.kind) for r in found] == [("a", "b", "same_story")]
