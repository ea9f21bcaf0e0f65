"""Features of an entity mention for role framing (shared by training and inference).

A mention is described by bag-of-words features with a prefix per source, so that one TF-IDF
vocabulary serves them all:

* ``l_``/``r_``: words in a window of ``window`` characters left/right of the mention,
* ``c_``: the ``near`` words closest to the mention on either side (what it does / suffers),
* ``e_``: the words of the mention itself (who it is),
* ``d_``: the article's domain (war or climate), and ``de_``: domain x mention word, because
  the same name is framed differently in the two domains.

Window sizes were chosen by 5-fold grouped CV on the SemEval EN train split: 100 characters
beat 200/400/600 (main-role accuracy 0.65 vs 0.64/0.63/0.64) and 8 near words is the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._features import TOKEN

WINDOW = 100
NEAR = 8


def mention_features(text: str, start: int, end: int, mention: str, domain: str, *,
                     window: int = WINDOW, near: int = NEAR) -> str:
    """A space-joined string of prefixed feature tokens for one mention (end exclusive).

    >>> mention_features("The army shelled Kyiv again.", 17, 21, "Kyiv", "URW")
    'l_the l_army l_shelled r_again c_the c_army c_shelled c_again e_kyiv d_urw de_urw_kyiv'
    """
    left = TOKEN.findall(text[max(0, start - window):start].lower())
    right = TOKEN.findall(text[end:end + window].lower())
    name = TOKEN.findall(mention.lower())
    dom = domain.lower()
    tokens = (["l_" + w for w in left] + ["r_" + w for w in right]
              + ["c_" + w for w in left[-near:] + right[:near]]
              + ["e_" + w for w in name] + ["d_" + dom] + [f"de_{dom}_{w}" for w in name])
    return " ".join(tokens)


# ----------------------------------------------------------------------------- contextual vectors
# The mention as the sentence encoder reads it in context: all-MiniLM-L6-v2's vectors of the
# word pieces inside the mention (mean of the last two layers), averaged, for a window of
# CONTEXT_CHARS characters on either side. Grouped 5-fold CV on the SemEval EN train split
# (414 mentions; main-role accuracy / EMR, softmax heads, with the article's narrative
# probabilities; TF-IDF heads 0.667 / 0.138): last layer 0.674 / 0.227 (fold seeds 1, 2:
# 0.669 / 0.179, 0.645 / 0.164), last two layers 0.698 / 0.232 (0.676 / 0.174, 0.681 / 0.193).
# Window: +-200 characters, nested CV over fold seeds 0/1/2, mean 0.683 / 0.199; +-100
# characters 0.678 / 0.197 at half the encoder time, so 100 (the 50 ms/article budget). The
# embedding of the name alone 0.640 / 0.18; the mean vector of the whole window 0.56-0.62 /
# 0.09-0.11.
CONTEXT_CHARS = 100
#: Windows of mentions of one text that overlap are read as one window (their union) unless it
#: would exceed this many characters: the first five names of a news article mostly sit in its
#: first paragraphs, and reading their windows once halved the word pieces the encoder reads
#: for framing (16,741 -> 8,398 on 80 SemEval articles, 5 mentions each).
MAX_MERGED_CHARS = 1000
MAX_PIECES = 256  # a 1000-character window is ~220 word pieces; the cap only guards odd input


def mention_window(text: str, start: int, end: int, *,
                   chars: int = CONTEXT_CHARS) -> tuple[str, int, int]:
    """``(window, start, end)``: the text around a mention and the mention's offsets in it.

    >>> mention_window("The army shelled Kyiv again.", 17, 21, chars=6)
    ('elled Kyiv again', 6, 10)
    """
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    return text[lo:hi], start - lo, end - lo


def merged_windows(length: int, spans: list[tuple[int, int]], *, chars: int = CONTEXT_CHARS,
                   max_chars: int = MAX_MERGED_CHARS) -> list[tuple[int, int, list[int]]]:
    """``(lo, hi, mention indices)``: the windows to read for mentions ``spans`` of a text of
    ``length`` characters; overlapping windows are joined while the union stays within
    ``max_chars``.

    >>> merged_windows(1000, [(300, 305), (0, 4), (150, 160), (900, 910)], chars=100)
    [(0, 405, [1, 2, 0]), (800, 1000, [3])]
    """
    out: list[tuple[int, int, list[int]]] = []
    for i in sorted(range(len(spans)), key=lambda k: spans[k]):
        lo, hi = max(0, spans[i][0] - chars), min(length, spans[i][1] + chars)
        if out and lo <= out[-1][1] and max(hi, out[-1][1]) - out[-1][0] <= max_chars:
            out[-1] = (out[-1][0], max(hi, out[-1][1]), out[-1][2] + [i])
        else:
            out.append((lo, hi, [i]))
    return out


def piece_windows(encoder: Any, text: str, spans: list[tuple[int, int]], *,
                  chars: int = CONTEXT_CHARS) -> list[tuple[list[int], dict[int, np.ndarray]]]:
    """The windows :func:`mention_vectors` reads for the mentions at ``spans`` of ``text``:
    ``(word-piece ids, {span index: which pieces lie inside that mention})`` per window."""
    windows = merged_windows(len(text), spans, chars=chars)
    pieces = encoder.encode_pieces([text[lo:hi] for lo, hi, _ in windows], max_length=MAX_PIECES)
    out = []
    for (lo, _, members), (ids, offsets) in zip(windows, pieces, strict=True):
        p_lo, p_hi = np.array(offsets, dtype=np.int64).reshape(-1, 2).T
        inside_of = {}
        for i in members:
            s, e = spans[i][0] - lo, spans[i][1] - lo
            inside = (p_hi > p_lo) & (p_lo < e) & (p_hi > s)
            if not inside.any():  # mention cut off by truncation: the first piece stands in
                inside[min(1, len(inside) - 1)] = True
            inside_of[i] = inside
        out.append((list(ids), inside_of))
    return out


def mention_vectors(text: str, spans: list[tuple[int, int]], *, chars: int = CONTEXT_CHARS,
                    encoder: Any = None) -> np.ndarray:
    """L2-normalised contextual vectors ``(len(spans), 384)`` of the mentions at ``spans``
    (``(start, end)``, end exclusive) of ``text``, each read in its window of ``chars``
    characters either side (:func:`merged_windows`) by ``encoder`` (default: the sentence
    encoder of :func:`narratrace.nlp.load_embedder`; a framing model with a fine-tuned
    encoder passes its own, see ``_finetune.adapted``).

    Windows are read packed without padding, so a mention's vector does not depend on what
    else is read with it (:func:`texts_mention_vectors` reads several texts' at once). Loads
    the encoder on first use.
    """
    return texts_mention_vectors([(text, spans)], chars=chars, encoder=encoder)[0]


def texts_mention_vectors(texts: Sequence[tuple[str, list[tuple[int, int]]]], *,
                          chars: int = CONTEXT_CHARS, encoder: Any = None) -> list[np.ndarray]:
    """:func:`mention_vectors` of each ``(text, spans)``, all their windows read in one
    encoder pass: the same vectors, bit for bit (a window's states do not depend on the
    windows packed with it), with the encoder's products over many texts' rows at once
    instead of one text's (~110 rows) at a time: the framing windows of 40 SemEval-2025
    articles (73 windows, 4,497 word pieces) took 1.25 s of CPU instead of 1.60 here. Of a
    window only the pieces inside a mention are read (445 of those 4,497), so the encoder runs
    its last layer past attention on those alone (``keep``), with the same bits: the framing
    windows of the 399 SemEval-2025 EN training articles (the first six capitalised names of
    each) 7.71 s of CPU instead of 8.35, every vector the same bits."""
    out = [np.zeros((len(spans), 384), dtype=np.float32) for _, spans in texts]
    if not any(spans for _, spans in texts):
        return out
    if encoder is None:
        from ..nlp import load_embedder

        encoder = load_embedder()
    windows = [piece_windows(encoder, text, spans, chars=chars) if spans else []
               for text, spans in texts]
    # Only the pieces inside a mention are read: the encoder runs the last layer past
    # attention on those alone (``keep``), with the same bits.
    wanted = [np.logical_or.reduce(list(inside_of.values())) for each in windows
              for _, inside_of in each]
    hidden = encoder.packed_states([ids for each in windows for ids, _ in each], layers=2,
                                   keep=np.concatenate(wanted)).mean(0)
    first, k = 0, 0
    for vectors, each in zip(out, windows, strict=True):
        for _, inside_of in each:
            states = hidden[first:first + int(wanted[k].sum())]
            for i, inside in inside_of.items():
                vectors[i] = states[inside[wanted[k]]].mean(0)
            first += len(states)
            k += 1
    return [vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            if len(vectors) else vectors for vectors in out]
