"""Copies of short articles against furniture that outlets share (issue #16, item 4): the copy
rule, checked pair by pair without the LSH step (whose collisions depend on the hash family).
Invented texts; no models."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from narratrace.reuse import _copy_link, copy_candidates, find_reuse, signature
from narratrace.reuse._minhash import band_keys, paired_band_keys, shingle_set, slot_pairs
from narratrace.types import Document, Reuse

NOTE = ("Editor's note: the Eastmoor Courier is supported by its readers. Our reporters cover the "
        "valley without fear or favour, and every donation, however small, keeps the newsroom open "
        "for another year.")
LIBRARY = ("The county council voted on Wednesday to close two branch libraries in the northern "
           "villages, citing a shortfall in next year's budget. Opponents said the closures would "
           "hit older residents hardest.")
RAILWAY = ("A landslide blocked the mountain railway between Altdorf and the upper valley on Sunday "
           "night, stranding two hundred passengers at the summit station. Rescue teams brought them "
           "down by road.")
DROUGHT = ("The regional water board said on Monday that reservoir levels had fallen to their lowest "
           "point in twelve years after the driest spring on record. Households in the eastern "
           "district are asked to stop watering gardens and washing cars until further notice. The "
           "board said it would open two emergency boreholes next month and fine companies that "
           "ignore the ban. Farmers warned that crops would fail without rain before July.")


def doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, path=doc_id, text=text, source_text=text)


def check(a: str, b: str) -> Reuse | None:
    """The exact copy check of one pair (what every LSH candidate goes through)."""
    da, db = doc("a", a), doc("b", b)
    return _copy_link(da, db, shingle_set(a), shingle_set(b))


def with_fillers(text: str, every: int, word: str) -> str:
    """Light edits: a filler word after every ``every``-th word (each removes five shingles)."""
    words = text.split()
    return " ".join(w if (i + 1) % every else f"{w} {word}" for i, w in enumerate(words))


def test_a_closing_note_shared_by_two_short_articles_is_not_a_copy() -> None:
    # The note is 40 % of each text: shingle containment and copied words alone would link them.
    a, b = f"{LIBRARY}\n\n{NOTE}", f"{RAILWAY}\n\n{NOTE}"
    sa, sb = shingle_set(a), shingle_set(b)
    assert len(np.intersect1d(sa, sb)) / min(len(sa), len(sb)) >= 0.3
    assert check(a, b) is None


def test_a_long_passage_copied_from_the_middle_is_still_a_copy() -> None:
    # Not at the opening of either text, but 60+ copied words: not furniture.
    a = f"{LIBRARY}\n\n{DROUGHT}\n\n{NOTE}"
    b = f"{RAILWAY}\n\n{DROUGHT}"
    found = check(a, b)
    assert found is not None and found.kind == "syndicated"


def test_two_edited_short_copies_that_keep_the_opening_are_linked() -> None:
    sentences = DROUGHT.split(". ")
    trimmed = with_fillers(". ".join(sentences[:2] + sentences[3:]), 7, "also")
    truncated = with_fillers(". ".join(sentences[:2]) + ".", 9, "now")
    st, su = shingle_set(trimmed), shingle_set(truncated)
    assert len(np.intersect1d(st, su)) / min(len(st), len(su)) < 0.3  # containment alone: missed
    found = check(trimmed, truncated)
    assert found is not None and found.kind == "syndicated" and found.score >= 0.3
    assert found.passages and found.passages[0][0] == 0 and found.passages[0][2] == 0


@pytest.mark.parametrize("line", [
    "Subscribe to the Eastmoor Courier to get the day's top stories straight to your inbox.",
    "All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
])
def test_a_shared_opening_line_is_not_a_short_copy(line: str) -> None:
    assert check(f"{line}\n\n{LIBRARY}", f"{line}\n\n{RAILWAY}") is None


def test_each_signature_slot_sits_in_two_bands() -> None:
    sigs = np.arange(2 * 128, dtype=np.uint32).reshape(2, 128)
    keys = paired_band_keys(sigs)
    assert keys.shape == (2, 128)
    assert (keys[:, :64] == band_keys(sigs, 64, 2)).all()  # the usual bands, then regrouped ones
    swapped = sigs.copy()
    swapped[:, [0, 64]] = 7  # slots 0 and 64 agree: they share a band only in the regrouping
    other = sigs + 1000
    other[:, [0, 64]] = 7
    both = paired_band_keys(np.concatenate([swapped[:1], other[:1]]))
    assert not (both[0, :64] == both[1, :64]).any() and (both[0, 64:] == both[1, 64:]).sum() == 1


def test_find_reuse_links_a_reprint_of_a_short_article_and_not_its_outlets_note() -> None:
    docs = [doc("orig", f"{DROUGHT}\n\n{NOTE}"), doc("copy", DROUGHT),
            doc("other", f"{LIBRARY}\n\n{NOTE}")]
    assert [(r.a, r.b) for r in find_reuse(docs, embeddings={})] == [("copy", "orig")]


# --------------------------------------------------------------------------- outlet templates

TEMPLATE = ("About the author: our staff writers at {} have covered the courts and the schools of "
            "the valley for twenty years. Send tips and corrections to our news desk.")


def at(doc_id: str, text: str, site: str, outlet: str | None = None) -> Document:
    return Document(id=doc_id, path=doc_id, text=text, source_text=text, outlet=outlet,
                    url=f"https://www.{site}.example/{doc_id}")


def test_a_text_left_as_its_outlets_note_is_not_a_copy_of_another_outlets_article() -> None:
    # Issue #16 item 4: a copy trimmed to nothing but its outlet's note (too small an outlet for
    # cleaning to see the note recur) matched every article carrying the same template.
    only_note = at("n", TEMPLATE.format("The Eastmoor Courier"), "eastmoorcourier")
    article = at("a", f"{DROUGHT}\n\n{TEMPLATE.format('The Westfield Post')}", "westfieldpost")
    sn, sa = shingle_set(only_note.text), shingle_set(article.text)
    assert len(np.intersect1d(sn, sa)) / len(sn) >= 0.5  # most of the note is shared wording
    assert _copy_link(only_note, article, sn, sa) is None
    assert find_reuse([only_note, article], embeddings={}) == []


def test_an_outlet_template_under_a_real_copy_leaves_the_copy() -> None:
    a = at("a", f"{DROUGHT}\n\n{TEMPLATE.format('The Eastmoor Courier')}", "eastmoorcourier")
    b = at("b", f"{DROUGHT}\n\n{TEMPLATE.format('The Westfield Post')}", "westfieldpost")
    found = _copy_link(a, b, shingle_set(a.text), shingle_set(b.text))
    assert found is not None and found.kind == "duplicate" and found.score == 1.0  # notes aside
    # the passages cover the story, not the blanked notes
    assert all(end <= len(DROUGHT) for _, end, _, _ in found.passages)


@pytest.mark.parametrize("b_site, b_outlet", [
    ("westfieldpost", None),  # a reprint: its paragraph names the source, not its own outlet
    ("eastmoorcourier", None),  # one outlet's two texts: no template of two outlets
    ("westfieldpost", "Eastmoor Courier"),  # both detected as the same source (a dateline)
])
def test_a_paragraph_naming_one_outlet_stays_evidence(b_site: str, b_outlet: str | None) -> None:
    quote = ("The harbour master told The Eastmoor Courier that the pier would stay shut until "
             "engineers had checked every pile, and that ferries would use the old quay.")
    a = at("a", quote, "eastmoorcourier")
    b = at("b", quote, b_site, b_outlet)
    found = _copy_link(a, b, shingle_set(a.text), shingle_set(b.text))
    assert found is not None and found.kind == "duplicate"


# --------------------------------------------------------------------------- short excerpts

def test_a_short_excerpt_of_a_long_article_is_a_candidate() -> None:
    # 25 words of a 240-word article: Jaccard about 0.1, under what two-slot bands catch.
    long_text = " ".join([DROUGHT, LIBRARY, RAILWAY, DROUGHT.replace("water", "river"),
                          LIBRARY.replace("council", "assembly")])
    excerpt = " ".join(long_text.split()[:25])
    texts = [long_text, excerpt, "Nothing in common at all here, only other words entirely."]
    sigs = np.stack([signature(doc(str(k), t)) for k, t in enumerate(texts)])
    words = np.array([len(t.split()) for t in texts])
    assert [0, 1] in copy_candidates(sigs, words).tolist()
    assert all(2 not in pair for pair in copy_candidates(sigs, words).tolist())
    assert [0, 1] in slot_pairs(sigs, np.array([1])).tolist()
    linked = find_reuse([doc("long", long_text), doc("excerpt", excerpt)], embeddings={})
    assert [(r.a, r.b, r.kind) for r in linked] == [("excerpt", "long", "syndicated")]


def test_a_menu_line_above_and_footers_below_are_not_a_short_copy() -> None:
    # Uncleaned texts of one site: the menu opens both, two footer lines close both; with a
    # short text that is a third of it, and the menu sits at the opening of both.
    menu = "Home | World | Politics | Business | Opinion\nShare on Facebook  Share on X  Copy link"
    footer = ("Subscribe to the Eastmoor Courier to get the day's top stories straight to your inbox.\n"
              "Comments are closed for this article. Read the rules before you post on our pages.")
    a, b = f"{menu}\n{LIBRARY}\n{footer}", f"{menu}\n{DROUGHT}\n{footer}"
    sa, sb = shingle_set(a), shingle_set(b)
    assert len(np.intersect1d(sa, sb)) / min(len(sa), len(sb)) >= 0.3
    assert check(a, b) is None
    # ...while the same pair with a story lead copied under the menu is a copy
    lead = " ".join(DROUGHT.split()[:30])
    found = check(f"{menu}\n{lead} {LIBRARY}\n{footer}", b)
    assert found is not None and found.kind == "syndicated"


# --------------------------------------------------------------------------- very short copies

PIER_LEAD = ("The harbour authority said on Thursday that the old ferry pier at Eastmoor would close "
             "for good at the end of the month after divers found cracks in its piles.")
PIER_REST = ("Ferries will use the north quay from the first of June, and the timetable will not change. "
             "Shopkeepers on the seafront said the closure would cost them the passengers who walk past "
             "on their way to the boats. The authority said a new pier would take at least four years "
             "to build and had not yet been funded.")


def test_two_copies_of_a_short_article_that_share_one_sentence_of_the_opening_are_linked() -> None:
    # A truncated copy (the first two sentences) and one trimmed to 40 words that opens with the
    # second: one 17-word sentence in common, under the 20-word run longer texts need.
    sentences = DROUGHT.split(". ")
    truncated = ". ".join(sentences[:2]) + "."
    trimmed = ". ".join(sentences[1:3]) + "."
    assert 35 <= len(trimmed.split()) <= 45
    found = check(truncated, trimmed)
    assert found is not None and found.kind == "syndicated" and found.score >= 0.3
    assert [p[2] for p in found.passages] == [0]  # the trimmed copy's opening
    # the run sits in a paragraph; the same words as a line of their own in both texts
    # (a subscription prompt, a menu) are not enough
    line = sentences[1] + "."
    assert check(f"{line}\n{LIBRARY}", f"{line}\n{RAILWAY}") is None


def test_a_title_that_a_copy_keeps_in_its_body_is_the_opening_they_share() -> None:
    # Cleaning took the lead paragraph for the original's title; the copy (trimmed of the next
    # sentence) kept it in its body. What the texts share (40 words) is at the opening of neither.
    original = Document(id="orig", path="orig", text=PIER_REST, source_text=PIER_REST, title=PIER_LEAD)
    rest = PIER_REST.split(". ", 1)[1]
    copy = doc("copy", f"{PIER_LEAD}\n\n{rest}")
    found = _copy_link(original, copy, shingle_set(original.text), shingle_set(copy.text))
    assert found is not None and found.kind == "syndicated"
    assert [(r.a, r.b, r.kind) for r in find_reuse([original, copy], embeddings={})] == [
        ("copy", "orig", "syndicated")]
    # a title of 12 words that the copy opens with (a headline, a menu line) is no such opening
    headline = dataclasses.replace(original, title=" ".join(PIER_LEAD.split()[:12]))
    assert _copy_link(headline, copy, shingle_set(original.text), shingle_set(copy.text)) is None
