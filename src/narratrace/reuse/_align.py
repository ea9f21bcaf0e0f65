"""Passage alignment: which stretches of one text were copied into another.

Matching word shingles between the two texts are grouped into runs along a diagonal
(``position_in_b - position_in_a`` constant), and runs are chained across small gaps and
diagonal shifts, so a passage survives a substituted, inserted or deleted word. Offsets are
character offsets into each text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._minhash import shingle_hashes, tokenize

# A single substituted word removes ``shingle`` consecutive shingle matches, so a run that
# resumes within shingle + 3 words on (almost) the same diagonal is the same passage.
_EXTRA_GAP = 3
# Shingles repeated more often than this in one text (refrains, list markers) are not used
# as anchors: they would pair every occurrence with every other.
_MAX_REPEAT = 4


@dataclass(frozen=True, slots=True)
class Alignment:
    """Copied passages between two texts and how much of each text they cover."""

    passages: tuple[tuple[int, int, int, int], ...]  # (a_start, a_end, b_start, b_end) chars
    words_a: int  # words of a inside passages
    words_b: int
    total_a: int  # words in a
    total_b: int
    #: the passages as word index ranges ``(a_first, a_end, b_first, b_end)``, ends exclusive
    words: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def coverage(self) -> float:
        """Share of the shorter text's words that lie in copied passages."""
        shorter = min(self.total_a, self.total_b)
        if shorter == 0:
            return 0.0
        return min(1.0, (self.words_a if self.total_a <= self.total_b else self.words_b) / shorter)


def _matches(ha: np.ndarray, hb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)`` with ``ha[i] == hb[j]`` (repeated shingles capped)."""
    common = np.intersect1d(ha, hb)
    if len(common) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    ia = np.flatnonzero(np.isin(ha, common))
    order_b = np.argsort(hb, kind="stable")
    sorted_b = hb[order_b]
    lo = np.searchsorted(sorted_b, ha[ia], side="left")
    hi = np.searchsorted(sorted_b, ha[ia], side="right")
    counts = hi - lo
    keep = counts <= _MAX_REPEAT
    ia, lo, counts = ia[keep], lo[keep], counts[keep]
    i = np.repeat(ia, counts)
    offsets = np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts)
    j = order_b[np.repeat(lo, counts) + offsets]
    return i, j


def _runs(i: np.ndarray, j: np.ndarray, gap: int) -> list[list[int]]:
    """Group matches into runs ``[i0, i1, j0, j1]`` (shingle indices, inclusive)."""
    diag = j - i
    order = np.lexsort((i, diag))
    i, j, diag = i[order], j[order], diag[order]
    breaks = np.flatnonzero((np.diff(diag) != 0) | (np.diff(i) > gap)) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(i)])) - 1
    runs = np.stack([i[starts], i[ends], j[starts], j[ends]], axis=1)
    return runs[np.argsort(runs[:, 0], kind="stable")].tolist()


def _chain(runs: list[list[int]], gap: int) -> list[list[int]]:
    """Join runs that follow each other in both texts within ``gap`` shingles."""
    chained: list[list[int]] = []
    for run in runs:
        for prev in reversed(chained[-4:]):
            da, db = run[0] - prev[1], run[2] - prev[3]
            if 0 < da <= gap and 0 < db <= gap:
                prev[1], prev[3] = max(prev[1], run[1]), max(prev[3], run[3])
                break
            if prev[0] <= run[0] and run[1] <= prev[1] and prev[2] <= run[2] and run[3] <= prev[3]:
                break  # contained in a passage already found
        else:
            chained.append(list(run))
    return chained


def align(text_a: str, text_b: str, *, shingle: int = 5, min_words: int = 10) -> Alignment:
    """Find the passages of ``text_a`` that reappear (possibly lightly edited) in ``text_b``.

    >>> a = "Intro line here. " + "the army said the convoy was hit near the border at dawn"
    >>> b = "the army said the convoy was hit near the border at dawn. Read more"
    >>> al = align(a, b, min_words=5)
    >>> a[al.passages[0][0]:al.passages[0][1]] == b[al.passages[0][2]:al.passages[0][3]]
    True
    """
    sa, ea, wa = tokenize(text_a)
    sb, eb, wb = tokenize(text_b)
    ha, hb = shingle_hashes(wa, shingle), shingle_hashes(wb, shingle)
    i, j = _matches(ha, hb)
    passages: list[tuple[int, int, int, int]] = []
    spans: list[tuple[int, int, int, int]] = []
    covered_a = np.zeros(len(wa), dtype=bool)
    covered_b = np.zeros(len(wb), dtype=bool)
    if len(i):
        gap = shingle + _EXTRA_GAP
        width = min(shingle, len(wa), len(wb))  # words per shingle
        for i0, i1, j0, j1 in _chain(_runs(i, j, gap), gap):
            a_last, b_last = min(i1 + width - 1, len(wa) - 1), min(j1 + width - 1, len(wb) - 1)
            if min(a_last - i0, b_last - j0) + 1 < min_words:
                continue
            covered_a[i0:a_last + 1] = True
            covered_b[j0:b_last + 1] = True
            passages.append((int(sa[i0]), int(ea[a_last]), int(sb[j0]), int(eb[b_last])))
            spans.append((int(i0), int(a_last) + 1, int(j0), int(b_last) + 1))
    return Alignment(tuple(passages), int(covered_a.sum()), int(covered_b.sum()), len(wa), len(wb),
                     tuple(spans))
