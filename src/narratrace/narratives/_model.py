"""The shipped narrative/framing model: linear heads over TF-IDF features, as plain arrays.

Files (``narratives.npz`` + ``narratives.json`` in one directory):

* npz: the document and mention TF-IDF vocabularies and idf, and for every head a weight
  matrix (float16) and bias (float32): ``domain`` (climate vs war), ``other`` (no narrative),
  ``coarse`` (one row per narrative), ``fine`` (one row per "<narrative>: <subnarrative>"),
  ``main`` (softmax over the three main roles) and ``roles`` (one row per fine role) on
  TF-IDF mention features, and ``main_ctx`` / ``roles_ctx`` (softmax over main roles / over
  fine roles) on the mention's contextual vector (``_framing.mention_vectors``), and the
  entity priors (``prior_keys``/``prior_counts``/``prior_overall``, see ``_priors``) that
  those heads read when they were trained with them, and the changes to the sentence
  encoder's six layers that those heads were trained with (``enc_delta_<layer>_<tensor>``,
  float16, see ``_finetune``).
* json: label names, the taxonomy (narrative -> subnarratives, main role -> fine roles), the
  decision thresholds and the cross-validated metrics of the training run.

No pickle: loading is ``np.load(allow_pickle=False)`` + ``json.load`` and does not depend on
the scikit-learn version that trained it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..errors import ModelNotFoundError
from ._features import Tfidf
from ._finetune import Deltas
from ._priors import EntityPriors

ARRAYS = "narratives.npz"
META = "narratives.json"
DEFAULT_DIR = Path(__file__).parent / "model"
OTHER = "Other"
HEADS = ("domain", "other", "coarse", "fine", "main", "roles", "main_ctx", "roles_ctx")


@dataclass(frozen=True)
class Head:
    """A linear head: ``scores = x @ weights.T + bias``."""

    weights: np.ndarray  # (labels, features)
    bias: np.ndarray  # (labels,)

    def scores(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x @ self.weights.T + self.bias, dtype=np.float32)


@dataclass(frozen=True)
class NarrativeModel:
    """Everything needed to label articles and frame mentions; build with :func:`load_model`."""

    doc_tfidf: Tfidf
    mention_tfidf: Tfidf
    heads: Mapping[str, Head]
    meta: Mapping[str, Any] = field(default_factory=dict)
    priors: EntityPriors | None = None  # role counts per entity name (contextual heads)
    #: Changes to the sentence encoder's layers that the contextual heads were trained with
    #: (``_finetune``); None: they read the plain encoder.
    encoder_deltas: Deltas | None = None
    #: Derived objects built on first use (the adapted encoder); not part of the model.
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # A pickled model (sent to a worker) rebuilds its derived objects there.
        return {**self.__dict__, "_cache": {}}

    # ------------------------------------------------------------------ label names
    @property
    def narratives(self) -> list[str]:
        return list(self.meta["narratives"])

    @property
    def subnarratives(self) -> list[str]:
        """Fine labels as ``"<narrative>: <subnarrative>"`` (the official spelling)."""
        return list(self.meta["subnarratives"])

    @property
    def main_roles(self) -> list[str]:
        return list(self.meta["main_roles"])

    @property
    def fine_roles(self) -> list[str]:
        return list(self.meta["fine_roles"])

    @property
    def role_taxonomy(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.meta["role_taxonomy"].items()}

    @property
    def thresholds(self) -> dict[str, float]:
        return dict(self.meta["thresholds"])

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(self.meta.get("metrics", {}))

    # ------------------------------------------------------------------ persistence
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        arrays.update(self.doc_tfidf.to_arrays("doc"))
        arrays.update(self.mention_tfidf.to_arrays("mention"))
        for name, head in self.heads.items():
            arrays[f"{name}_w"] = head.weights.astype(np.float16)
            arrays[f"{name}_b"] = head.bias.astype(np.float32)
        if self.priors is not None:
            arrays["prior_keys"] = np.array(self.priors.keys, dtype=np.str_)
            arrays["prior_counts"] = self.priors.counts.astype(np.float32)
            arrays["prior_overall"] = self.priors.overall.astype(np.float32)
            arrays["prior_nmain"] = np.array(self.priors.n_main)
        if self.encoder_deltas is not None:
            arrays.update(self.encoder_deltas.to_arrays())
        # numpy's stub puts a bool ``allow_pickle`` beside **kwds and mypy would match an array
        # to it (none is named so; older numpy would save allow_pickle=... as an array).
        np.savez_compressed(directory / ARRAYS, **cast("dict[str, Any]", arrays))
        (directory / META).write_text(json.dumps(self.meta, indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")


def load_model(path: Path | None = None) -> NarrativeModel:
    """Load a model directory (default: the one shipped inside the package).

    >>> load_model().narratives[:1]  # doctest: +SKIP
    ['CC: Amplifying Climate Fears']
    """
    directory = Path(path) if path is not None else DEFAULT_DIR
    arrays_path, meta_path = directory / ARRAYS, directory / META
    if not arrays_path.is_file() or not meta_path.is_file():
        raise ModelNotFoundError(
            f"No narrative model in {directory} (expected {ARRAYS} and {META}). Rebuild it with "
            "`narratrace train narratives --data DIR` (DIR: the SemEval-2025 Task 10 EN train "
            "split) or reinstall narratrace, which ships one.")
    with np.load(arrays_path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    heads = {name: Head(arrays[f"{name}_w"].astype(np.float32), arrays[f"{name}_b"])
             for name in HEADS if f"{name}_w" in arrays}
    priors = None
    if "prior_keys" in arrays:
        priors = EntityPriors(tuple(arrays["prior_keys"].tolist()), arrays["prior_counts"],
                              arrays["prior_overall"], int(arrays["prior_nmain"]))
    return NarrativeModel(doc_tfidf=Tfidf.from_arrays(arrays, "doc"),
                          mention_tfidf=Tfidf.from_arrays(arrays, "mention"),
                          heads=heads, meta=meta, priors=priors,
                          encoder_deltas=Deltas.from_arrays(arrays))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class DocScores:
    """Probabilities of one article under every narrative head."""

    domain_cc: float  # P(climate change) vs Ukraine-Russia war
    other: float  # P(no narrative)
    coarse: np.ndarray
    fine: np.ndarray


def score_documents(model: NarrativeModel, texts: list[str]) -> list[DocScores]:
    x = model.doc_tfidf.transform(texts)
    dom = sigmoid(model.heads["domain"].scores(x))[:, 0]
    oth = sigmoid(model.heads["other"].scores(x))[:, 0]
    coarse = sigmoid(model.heads["coarse"].scores(x))
    fine = sigmoid(model.heads["fine"].scores(x))
    return [DocScores(float(dom[i]), float(oth[i]), coarse[i], fine[i]) for i in range(len(texts))]


def decide(scores: DocScores, *, narratives: list[str], subnarratives: list[str],
           thresholds: Mapping[str, float]) -> list[tuple[str, str | None, float]]:
    """Turn probabilities into ``(narrative, subnarrative | None, score)`` labels.

    The hierarchy is a constraint: narratives of the other domain are never predicted, a
    subnarrative is only considered under a predicted narrative, and a narrative whose
    subnarratives all fall below the threshold keeps its best one (the annotators' practice:
    every narrative comes with a subnarrative, ``Other`` when none fits). ``Other`` is returned
    when P(no narrative) passes its threshold and no narrative of the domain reaches ``keep``
    (a confident narrative overrides the Other head; CV: coarse F1 +0.01, fine +0.015).
    """
    prefix = "CC:" if scores.domain_cc >= 0.5 else "URW:"
    candidates = [j for j, n in enumerate(narratives) if n.startswith(prefix)]
    if not candidates or (scores.other >= thresholds["other"]
                          and top_narrative(scores, candidates) < thresholds.get("keep", 2.0)):
        return [(OTHER, None, scores.other)]
    chosen = [j for j in candidates if scores.coarse[j] >= thresholds["coarse"]]
    if not chosen:
        chosen = [max(candidates, key=lambda j: scores.coarse[j])]
    out: list[tuple[str, str | None, float]] = []
    for j in sorted(chosen, key=lambda j: -scores.coarse[j]):
        name = narratives[j]
        subs = [k for k, s in enumerate(subnarratives) if s.startswith(name + ": ")]
        picked = [k for k in subs if scores.fine[k] >= thresholds["fine"]]
        if not picked and subs:
            picked = [max(subs, key=lambda k: scores.fine[k])]
        if not picked:
            out.append((name, None, float(scores.coarse[j])))
        for k in sorted(picked, key=lambda k: -scores.fine[k]):
            sub = subnarratives[k][len(name) + 2:]
            out.append((name, None if sub == OTHER else sub, float(scores.fine[k])))
    return out


def top_narrative(scores: DocScores, candidates: list[int]) -> float:
    return float(max(scores.coarse[j] for j in candidates)) if candidates else 0.0


def official_labels(labels: list[tuple[str, str | None, float]]) -> tuple[list[str], list[str]]:
    """``(narratives, subnarratives)`` in the official spelling, deduplicated, in order."""
    coarse: list[str] = []
    fine: list[str] = []
    for narrative, sub, _ in labels:
        if narrative not in coarse:
            coarse.append(narrative)
        label = OTHER if narrative == OTHER else f"{narrative}: {sub or OTHER}"
        if label not in fine:
            fine.append(label)
    return coarse, fine


def mention_matrix(model: NarrativeModel, features: list[str],
                   doc_coarse: np.ndarray | None = None) -> np.ndarray:
    """Mention feature rows: TF-IDF of the feature strings, then (when the heads were trained
    with them) the article's narrative probabilities, one row per mention (``doc_coarse``:
    ``(len(features), narratives)`` or one row broadcast to all)."""
    x = model.mention_tfidf.transform(features)
    extra = model.heads["main"].weights.shape[1] - x.shape[1]
    if extra <= 0:  # a model trained on mention words only
        return x
    if doc_coarse is None:
        raise ValueError("This framing model needs the article's narrative scores (doc_coarse).")
    ctx = np.broadcast_to(np.asarray(doc_coarse, np.float32).reshape(-1, extra), (len(x), extra))
    return np.hstack([x, ctx])


def frame_scores(model: NarrativeModel, features: list[str],
                 doc_coarse: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(P(main role), P(fine role))`` for mention feature strings of one article whose
    narrative probabilities are ``doc_coarse`` (see :func:`mention_matrix`)."""
    x = mention_matrix(model, features, doc_coarse)
    return softmax(model.heads["main"].scores(x)), sigmoid(model.heads["roles"].scores(x))


def has_contextual_heads(model: NarrativeModel) -> bool:
    """True when the model frames mentions from their contextual vectors (see ``_framing``)."""
    return "main_ctx" in model.heads and "roles_ctx" in model.heads


def framing_encoder(model: NarrativeModel) -> Any:
    """The sentence encoder the model's contextual heads read: the pipeline's embedder with
    the model's fine-tuned layers (built once per model), or None for the plain embedder."""
    if model.encoder_deltas is None:
        return None
    if "encoder" not in model._cache:
        from ..nlp import load_embedder
        from ._finetune import adapted

        model._cache["encoder"] = adapted(load_embedder(), model.encoder_deltas)
    return model._cache["encoder"]


def frame_scores_contextual(model: NarrativeModel, vectors: np.ndarray,
                            doc_coarse: np.ndarray, mentions: list[str] | None = None,
                            ) -> tuple[np.ndarray, np.ndarray]:
    """``(P(main role), P(fine role))`` from mention vectors ``(n, 384)`` of one article whose
    narrative probabilities are ``doc_coarse``, followed by the entity priors of the mention
    surfaces ``mentions`` when the model has them; both heads are softmax regressions."""
    ctx = np.broadcast_to(np.asarray(doc_coarse, np.float32).reshape(1, -1),
                          (len(vectors), len(doc_coarse)))
    parts = [np.asarray(vectors, np.float32), ctx]
    if model.priors is not None:
        if mentions is None or len(mentions) != len(vectors):
            raise ValueError("This framing model needs the mention surfaces (entity priors).")
        parts.append(model.priors.features(mentions))
    x = np.hstack(parts)
    return softmax(model.heads["main_ctx"].scores(x)), softmax(model.heads["roles_ctx"].scores(x))


def decide_roles(main_p: np.ndarray, role_p: np.ndarray, *, main_roles: list[str],
                 fine_roles: list[str], taxonomy: Mapping[str, list[str]],
                 extra: float) -> tuple[str, tuple[str, ...], float]:
    """The main role (argmax) and its fine roles: the best one allowed under that main role,
    plus any other allowed one at or above ``extra`` (most mentions carry exactly one)."""
    m = int(np.argmax(main_p))
    main = main_roles[m]
    allowed = [fine_roles.index(r) for r in taxonomy[main] if r in fine_roles]
    ranked = sorted(allowed, key=lambda k: -role_p[k])
    picked = ranked[:1] + [k for k in ranked[1:] if role_p[k] >= extra]
    return main, tuple(fine_roles[k] for k in picked), float(main_p[m])
