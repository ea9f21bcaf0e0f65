"""Fine-tuning the encoder for framing (narratives._finetune), issue #5.

The training forward pass (packed batches, differentiable) and the inference path (fine-tuned
layers in a copy of the encoder, packed pieces) must give the same mention vectors, or the heads
would be trained on vectors the pipeline never computes.
"""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.narratives import _finetune as ft
from narratrace.narratives._framing import mention_vectors, piece_windows

pytestmark = pytest.mark.model

TEXT = ("Ruritania shelled the port of Bosk again on Monday, officials in Freedonia said. "
        "The Freedonian navy evacuated 300 civilians. Observers from Lakeland called for a "
        "ceasefire, while Ruritania's foreign minister blamed Freedonia for the escalation.")
NAMES = ["Ruritania", "Freedonia", "Freedonian", "Lakeland", "Ruritania's", "Freedonia for"]


def _spans() -> list[tuple[int, int]]:
    out, at = [], 0
    for name in NAMES:
        start = TEXT.index(name, at)
        word = name.split()[0].removesuffix("'s")
        out.append((start, start + len(word)))
        at = start + 1
    return out


SPANS = _spans()


@pytest.fixture(scope="module")
def encoder():
    from narratrace.encoder import Encoder
    from narratrace.nlp import embedder_path

    return Encoder(embedder_path(), dtype="float32")


def _random_deltas(encoder, seed: int, size: float = 0.01) -> ft.Deltas:
    rng = np.random.RandomState(seed)
    return ft.Deltas(tuple(tuple(rng.normal(0, size, tuple(t.shape)).astype(np.float32)
                                 for t in params) for params in ft.layer_params(encoder)))


def test_spans_name_the_mentions():
    assert [TEXT[s:e] for s, e in SPANS] == ["Ruritania", "Freedonia", "Freedonian",
                                             "Lakeland", "Ruritania", "Freedonia"]
    assert len(set(SPANS)) == len(SPANS)


def test_training_vectors_equal_inference_vectors(encoder):
    """The padded, differentiable forward over the trainable layers gives the vectors that
    mention_vectors reads from the encoder copy carrying the same deltas."""
    import torch

    deltas = _random_deltas(encoder, 0)
    trainee = ft._Trainee(encoder, 0, 3, 4)
    with torch.no_grad():
        for params, layer in zip(trainee.layers, deltas.layers):
            for p, d in zip(params, layer):
                p.add_(torch.from_numpy(d))
        windows = [ft.Window(tuple(ids), inside)
                   for ids, inside in piece_windows(encoder, TEXT, SPANS)]
        train_vecs = trainee.vectors(windows, list(range(len(SPANS)))).numpy()
    infer_vecs = mention_vectors(TEXT, SPANS, encoder=ft.adapted(encoder, deltas))
    plain = mention_vectors(TEXT, SPANS, encoder=encoder)
    assert np.abs(train_vecs - infer_vecs).max() < 1e-4
    # negative: the deltas do change the vectors, so the check above can fail
    assert np.abs(plain - infer_vecs).max() > 1e-2
    # exported deltas are what was added
    back, _, _ = trainee.export()
    np.testing.assert_allclose(back.layers[3][6], deltas.layers[3][6], atol=1e-6)


def test_packed_batch_of_unequal_windows_gives_each_window_its_own_vectors(encoder):
    """Windows of different lengths trained in one batch (packed, the last layer on the
    mention pieces only) give the vectors each text gives alone at inference."""
    import torch

    short = "Officials in Lakeland blamed Ruritania."
    texts = [TEXT, short]
    spans = [SPANS[:3], [(short.index("Lakeland"), short.index("Lakeland") + 8),
                         (short.index("Ruritania"), short.index("Ruritania") + 9)]]
    deltas = _random_deltas(encoder, 3)
    trainee = ft._Trainee(encoder, 0, 3, 4)
    windows, row = [], 0
    for text, sp in zip(texts, spans):
        for ids, inside in piece_windows(encoder, text, sp):
            windows.append(ft.Window(tuple(ids), {row + i: m for i, m in inside.items()}))
        row += len(sp)
    assert len({len(w.ids) for w in windows}) > 1  # the batch needs padding for attention
    with torch.no_grad():
        for params, layer in zip(trainee.layers, deltas.layers):
            for p, d in zip(params, layer):
                p.add_(torch.from_numpy(d))
        # rows asked in another order than the windows hold them, and a subset
        got = trainee.vectors(windows[::-1], [4, 0, 2]).numpy()
    tuned = ft.adapted(encoder, deltas)
    want = np.vstack([mention_vectors(t, sp, encoder=tuned) for t, sp in zip(texts, spans)])
    assert np.abs(got - want[[4, 0, 2]]).max() < 1e-4
    assert np.abs(got[1] - got[0]).max() > 1e-2  # negative: the rows differ


def test_zero_deltas_leave_the_encoder_unchanged(encoder):
    same = ft.adapted(encoder, _random_deltas(encoder, 1, size=0.0))
    ids = [ids for ids, _ in encoder.encode_pieces(["Officials denied the report.", TEXT])]
    assert np.array_equal(encoder.packed_states(ids), same.packed_states(ids))
    assert same.tokenizer is encoder.tokenizer and same._emb is encoder._emb  # shared


def test_deltas_round_trip_and_shape_check(encoder):
    deltas = _random_deltas(encoder, 2)
    back = ft.Deltas.from_arrays(deltas.to_arrays())
    assert back is not None and len(back.layers) == len(deltas.layers)
    for got, want in zip(back.layers[5], deltas.layers[5]):
        np.testing.assert_array_equal(got, want.astype(np.float16))
    assert ft.Deltas.from_arrays({"other_w": np.zeros(1)}) is None  # a model without them
    with pytest.raises(ValueError, match="another shape"):
        ft.adapted(encoder, ft.Deltas(deltas.layers[:2]))
    # a matrix in the numpy encoder's own layout ([in, out]) is not the checkpoint's [out, in]
    flipped = tuple(tuple(d.T if d.ndim == 2 else d for d in layer) for layer in deltas.layers)
    with pytest.raises(ValueError, match="another shape"):
        ft.adapted(encoder, ft.Deltas(flipped))


def test_fit_learns_the_training_mentions(encoder):
    """Mentions that attack vs mentions that are attacked, in sentences of our own: after
    fine-tuning, the heads separate the training mentions."""
    attackers = ["Ruritania", "General Vorn", "The junta", "Colonel Brask"]
    victims = ["the villagers", "a hospital", "the refugees", "the farmers"]
    texts, spans, labels = [], [], []
    for n, (a, v) in enumerate(zip(attackers, victims)):
        t = f"On day {n}, {a} bombed and looted the valley, and {v} fled in terror."
        texts.append(t)
        spans.append([(t.index(a), t.index(a) + len(a)), (t.index(v), t.index(v) + len(v))])
        labels += [0, 1]
    windows, row = [], 0
    for t, sp in zip(texts, spans):
        for ids, inside in piece_windows(encoder, t, sp):
            windows.append(ft.Window(tuple(ids), {row + i: m for i, m in inside.items()}))
        row += len(sp)
    y = np.array(labels)
    before = [p.copy() for p in encoder._layers[0]]
    deltas, (wm, bm), _ = ft.fit(encoder, windows, np.zeros((len(y), 0), np.float32), y, y,
                                 np.arange(len(y)), n_main=2, n_fine=2, seed=0, epochs=8)
    assert all((a == b).all() for a, b in zip(before, encoder._layers[0]))  # not changed
    assert max(np.abs(d).max() for layer in deltas.layers for d in layer) > 0
    tuned = ft.adapted(encoder, deltas)
    vecs = np.vstack([mention_vectors(t, sp, encoder=tuned) for t, sp in zip(texts, spans)])
    predicted = (vecs @ wm.T + bm).argmax(1)
    assert (predicted == y).all(), predicted
