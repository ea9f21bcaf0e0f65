"""Fine-tuning the sentence encoder for entity framing.

The contextual framing heads read a mention's vector under all-MiniLM-L6-v2. With the encoder
frozen, the vector says who the mention is and what is near it in the terms the encoder was
trained for (paraphrase similarity), not in terms of heroes and villains. Here every weight of
the six transformer layers is trained together with the two softmax heads on the gold mentions
(the embeddings stay frozen, so the pipeline's tokenizer and embedding table are shared). The
model ships the change of each layer weight (:class:`Deltas`, float16, 10.6M numbers); at
inference they are added to a copy of the pipeline's encoder once (:func:`adapted`), so framing
reads as many word pieces as with the frozen encoder.

Measured (5-fold CV grouped by article on the SemEval EN train split, 414 mentions, the same
folds, narrative context and entity priors as the frozen heads; main-role accuracy / EMR, fold
seeds 0 / 1 / 2):

* frozen encoder + logistic heads (shipped before): 0.696 / 0.205, 0.693 / 0.174,
  0.659 / 0.169 (mean 0.683 / 0.183)
* all six layers (this module): 0.715 / 0.213, 0.703 / 0.213, 0.693 / 0.193 (mean 0.704 /
  0.206); seed 0 read in bfloat16 as the pipeline does: 0.710 / 0.210
* LoRA rank 8 on the four matrices of each layer: mean 0.689 / 0.189 (seed 2 lost main-role
  accuracy); only the top one / two layers (seed 0): 0.662 / 0.171, 0.679 / 0.203

The settings below were fixed before those runs (usual fine-tuning values; which layers to
train was chosen on fold seed 0 only) and not tuned on the outer folds.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LR = 5e-5  # the encoder's layers
HEAD_LR = 1e-2  # the two heads (torch's default initialisation)
EPOCHS = 10
BATCH = 8  # windows per step
WEIGHT_DECAY = 0.01
#: The unit mention vector is multiplied by this before the heads, so that it can outweigh the
#: narrative probabilities and priors beside it early in training; folded into the shipped
#: head weights.
VECTOR_SCALE = 4.0
#: Torch threads while fine-tuning. One: on the shared 2-core machine one epoch of a CV fold
#: (222 windows) took 107 s with two threads at load ~2 and 33 s with one at load ~5 (padded
#: batches, before packing), as two threads wait on each other when a core is busy.
THREADS = 1


@dataclass(frozen=True)
class Deltas:
    """Fine-tuned minus original value of every tensor of every encoder layer, in the order
    of ``Encoder._layers`` tuples and in the checkpoint's layout (matrices ``[out, in]``, as
    torch's ``F.linear`` reads them; see :func:`layer_params`)."""

    layers: tuple[tuple[np.ndarray, ...], ...]

    def to_arrays(self, prefix: str = "enc_delta") -> dict[str, np.ndarray]:
        return {f"{prefix}_{n}_{k}": d.astype(np.float16)
                for n, layer in enumerate(self.layers) for k, d in enumerate(layer)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str = "enc_delta") -> Deltas | None:
        """The deltas stored in ``arrays`` by :meth:`to_arrays`, or None when there are none."""
        keys = [k for k in arrays if k.startswith(prefix + "_")]
        if not keys:
            return None
        n_layers = 1 + max(int(k.split("_")[-2]) for k in keys)
        n_tensors = 1 + max(int(k.split("_")[-1]) for k in keys)
        return cls(tuple(tuple(arrays[f"{prefix}_{n}_{k}"] for k in range(n_tensors))
                         for n in range(n_layers)))


def layer_params(encoder: Any) -> list[tuple[np.ndarray, ...]]:
    """The encoder's layer tensors in the checkpoint's layout: matrices ``[out, in]`` (the
    numpy encoder keeps them transposed, ``[in, out]``, for ``x @ w``)."""
    return [tuple(t.T if t.ndim == 2 else t for t in params) for params in encoder._layers]


def adapted(encoder: Any, deltas: Deltas) -> Any:
    """A copy of ``encoder`` (an :class:`narratrace.encoder.Encoder`) whose layer weights carry
    ``deltas``; embeddings and tokenizer are shared, not copied. Needs numpy only."""
    if len(deltas.layers) != len(encoder._layers) or any(
            len(d) != len(p) or any(np.shape(x) != y.shape for x, y in zip(d, p))
            for d, p in zip(deltas.layers, layer_params(encoder))):
        raise ValueError("these encoder deltas were trained for an encoder of another shape")
    out = copy.copy(encoder)
    out._layers = [tuple(t + np.asarray(d.T if d.ndim == 2 else d, np.float32)
                         for t, d in zip(params, layer, strict=True))
                   for params, layer in zip(encoder._layers, deltas.layers, strict=True)]
    return out


# ----------------------------------------------------------------------------- training
@dataclass(frozen=True)
class Window:
    """A text window as the encoder reads it: word-piece ids and, per training row (mention
    index), which pieces lie inside the mention."""

    ids: tuple[int, ...]
    inside: dict[int, np.ndarray]


def _layer(x: Any, index: Any, mask: Any, params: Sequence[Any], heads: int, eps: float,
           keep: Any = None) -> Any:
    """One post-LayerNorm BERT layer, differentiable: the computation of
    ``Encoder.packed_states`` over packed rows ``x [N, D]`` (the pieces of several windows one
    after another). The dense products run on the packed rows only; attention runs on a padded
    view, ``index [B, L]`` giving each slot's packed row (``N`` for padding) and ``mask [B, L]``
    True on real pieces, so that a window attends only to itself. With ``keep`` (packed row
    indices) only those rows' outputs are computed after attention (every row is still a key
    and a value): the last layer is needed at the mention pieces only."""
    import torch
    import torch.nn.functional as F

    qkv_w, qkv_b, ao_w, ao_b, ln1_w, ln1_b, in_w, in_b, out_w, out_b, ln2_w, ln2_b = params
    dim = x.shape[1]
    b, length = index.shape
    qkv = F.linear(x, qkv_w, qkv_b)
    padded = torch.cat([qkv, qkv.new_zeros(1, qkv.shape[1])])[index]
    q, k, v = padded.view(b, length, 3, heads, dim // heads).permute(2, 0, 3, 1, 4).unbind(0)
    att = F.scaled_dot_product_attention(q, k, v, attn_mask=mask[:, None, None, :],
                                         scale=1 / math.sqrt(dim // heads))
    att = att.transpose(1, 2).reshape(b, length, dim)[mask]  # back to the packed rows
    if keep is not None:
        x, att = x[keep], att[keep]
    x = F.layer_norm(x + F.linear(att, ao_w, ao_b), (dim,), ln1_w, ln1_b, eps)
    return F.layer_norm(x + F.linear(F.gelu(F.linear(x, in_w, in_b)), out_w, out_b), (dim,),
                        ln2_w, ln2_b, eps)


class _Trainee:
    """A float32 copy of the encoder's layers (trainable) and the two heads."""

    def __init__(self, encoder: Any, n_extra: int, n_main: int, n_fine: int) -> None:
        import torch

        self.encoder = encoder
        self.original = [[torch.from_numpy(np.ascontiguousarray(t, np.float32)) for t in params]
                         for params in layer_params(encoder)]
        self.layers = [[torch.nn.Parameter(t.clone()) for t in params] for params in self.original]
        dim = encoder.dim
        self.main = torch.nn.Linear(dim + n_extra, n_main)
        self.fine = torch.nn.Linear(dim + n_extra, n_fine)

    def encoder_params(self) -> list[Any]:
        return [p for layer in self.layers for p in layer]

    def head_params(self) -> list[Any]:
        return [*self.main.parameters(), *self.fine.parameters()]

    def vectors(self, windows: Sequence[Window], rows: Sequence[int]) -> Any:
        """Unit mention vectors (mean of the last two layers over the mention's pieces) of
        ``rows``, each found in one of ``windows``.

        The windows' pieces are packed one after another, so no product runs on padding (a
        batch of 8 windows of the SemEval train split padded to its longest would be 1.6x the
        pieces), and the last layer runs on the mention pieces only: the same vectors as a
        padded batch (tested against the inference path, ``mention_vectors``). One epoch of a
        CV fold (222 windows, one thread) took 15.9 s of CPU instead of 23.0 s padded."""
        import torch

        enc = self.encoder
        lengths = [len(w.ids) for w in windows]
        starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        ids = np.fromiter((p for w in windows for p in w.ids), np.int64, int(starts[-1]))
        positions = np.concatenate([np.arange(n) for n in lengths])
        index = np.full((len(windows), max(lengths)), starts[-1], np.int64)
        for b, n in enumerate(lengths):
            index[b, :n] = np.arange(starts[b], starts[b] + n)
        mask = torch.from_numpy(index < starts[-1])
        index_t = torch.from_numpy(index)
        # Each row's pieces as packed rows, and the rows the last layer must compute.
        where = {r: starts[b] + np.flatnonzero(w.inside[r]) for b, w in enumerate(windows)
                 for r in w.inside}
        keep = np.unique(np.concatenate([where[r] for r in rows]))
        average = np.zeros((len(rows), len(keep)), np.float32)
        for n, r in enumerate(rows):
            cols = np.searchsorted(keep, where[r])
            average[n, cols] = 1.0 / len(cols)
        keep_t = torch.from_numpy(keep)
        x = torch.from_numpy(enc.embeddings(ids, positions))  # frozen
        for params in self.layers[:-1]:
            x = _layer(x, index_t, mask, params, enc.heads, enc.eps)
        last = _layer(x, index_t, mask, self.layers[-1], enc.heads, enc.eps, keep=keep_t)
        vecs = torch.from_numpy(average) @ ((x[keep_t] + last) / 2)
        return vecs / vecs.norm(dim=1, keepdim=True).clamp_min(1e-12)

    def logits(self, windows: Sequence[Window], rows: Sequence[int], extra: Any) -> tuple[Any, Any]:
        import torch

        z = torch.cat([self.vectors(windows, rows) * VECTOR_SCALE, extra], 1)
        return self.main(z), self.fine(z)

    def export(self) -> tuple[Deltas, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """The layer deltas and the heads as ``(weights, bias)`` over ``[unit vector | extra]``."""
        def head(lin: Any) -> tuple[np.ndarray, np.ndarray]:
            w = lin.weight.detach().numpy().copy()
            w[:, :self.encoder.dim] *= VECTOR_SCALE
            return w.astype(np.float32), lin.bias.detach().numpy().astype(np.float32)

        deltas = Deltas(tuple(tuple((p.detach() - o).numpy() for p, o in zip(layer, orig))
                              for layer, orig in zip(self.layers, self.original)))
        return deltas, head(self.main), head(self.fine)


def fit(encoder: Any, windows: Sequence[Window], extra: np.ndarray, y_main: np.ndarray,
        y_fine: np.ndarray, train: Sequence[int] | np.ndarray, *, n_main: int, n_fine: int,
        seed: int = 0, epochs: int = EPOCHS, threads: int = THREADS,
        ) -> tuple[Deltas, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Fine-tune the encoder's layers and train the main/fine softmax heads on the mentions
    ``train`` (row indices into ``extra``/``y_main``/``y_fine``; each row lies in one of
    ``windows``).

    ``encoder`` must hold float32 weights; it is not changed. ``extra`` holds the features read
    beside the mention vector (narrative probabilities, entity priors). Returns the layer
    deltas and the heads as ``(weights, bias)`` over ``[unit mention vector | extra]``.
    Deterministic for a given ``seed`` and ``threads`` (torch's intra-op threads while it runs).
    """
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return _fit(encoder, windows, extra, y_main, y_fine, train, n_main=n_main,
                    n_fine=n_fine, seed=seed, epochs=epochs)
    finally:
        torch.set_num_threads(previous)


def _fit(encoder: Any, windows: Sequence[Window], extra: np.ndarray, y_main: np.ndarray,
         y_fine: np.ndarray, train: Sequence[int] | np.ndarray, *, n_main: int, n_fine: int,
         seed: int, epochs: int,
         ) -> tuple[Deltas, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    import torch
    import torch.nn.functional as F

    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    model = _Trainee(encoder, extra.shape[1], n_main, n_fine)
    chosen = {int(r) for r in train}
    used = [w for w in windows if chosen & set(w.inside)]
    opt = torch.optim.AdamW([{"params": model.encoder_params(), "lr": LR},
                             {"params": model.head_params(), "lr": HEAD_LR}],
                            weight_decay=WEIGHT_DECAY)
    steps = max(1, epochs * math.ceil(len(used) / BATCH))
    # Linear warm-up over the first 10 % of the steps, then linear decay to zero.
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1.0, 0.1 * steps)) * max(0.0, (steps - s) / steps))
    extra_t = torch.from_numpy(np.asarray(extra, np.float32))
    ym = torch.from_numpy(np.asarray(y_main, np.int64))
    yf = torch.from_numpy(np.asarray(y_fine, np.int64))
    for _ in range(epochs):
        order = rng.permutation(len(used))
        for i in range(0, len(order), BATCH):
            batch = [used[k] for k in order[i:i + BATCH]]
            rows = [r for w in batch for r in w.inside if r in chosen]
            main, fine = model.logits(batch, rows, extra_t[rows])
            loss = F.cross_entropy(main, ym[rows]) + F.cross_entropy(fine, yf[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return model.export()
