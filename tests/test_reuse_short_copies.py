"""Copies of short articles against furniture that outlets share (issue #16, item 4): the copy
rule, checked pair by pair without the LSH step (whose collisions depend on the hash family).
Invented texts; no models."""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.reuse import _copy_link, find_reuse
from narratrace.reuse._minhash import band_keys, paired_band_keys, shingle_set
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
