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
MAX_PIECES = 256  # a 200-character window is ~45 word pieces; the cap only guards odd input


def mention_window(text: str, start: int, end: int, *,
                   chars: int = CONTEXT_CHARS) -> tuple[str, int, int]:
    """``(window, start, end)``: the text around a mention and the mention's offsets in it.

    >>> mention_window("The army shelled Kyiv again.", 17, 21, chars=6)
    ('elled Kyiv again', 6, 10)
    """
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    return text[lo:hi], start - lo, end - lo


def mention_vectors(windows: list[tuple[str, int, int]], *, batch_size: int = 8) -> np.ndarray:
    """L2-normalised contextual vectors ``(len(windows), 384)`` of mentions in their windows
    (from :func:`mention_window`), with the sentence encoder of :func:`narratrace.nlp.load_embedder`.

    Loads torch and the encoder on first use; one forward pass per ``batch_size`` windows.
    """
    import torch

    from ..nlp import load_embedder

    out = np.zeros((len(windows), 384), dtype=np.float32)
    if not windows:
        return out
    encoder = load_embedder()
    tokenizer, network = encoder.tokenizer, encoder[0].auto_model
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))
    for b in range(0, len(order), batch_size):
        batch = order[b:b + batch_size]
        enc = tokenizer([windows[i][0] for i in batch], padding=True, truncation=True,
                        max_length=MAX_PIECES, return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy()
        with torch.inference_mode():
            layers = network(**enc, output_hidden_states=True).hidden_states
            hidden = ((layers[-1] + layers[-2]) / 2).float().numpy()
        for row, i in enumerate(batch):
            _, s, e = windows[i]
            lo, hi = offsets[row, :, 0], offsets[row, :, 1]
            inside = (hi > lo) & (lo < e) & (hi > s)
            if not inside.any():  # mention cut off by truncation: the first piece stands in
                inside[1] = True
            out[i] = hidden[row][inside].mean(0)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
