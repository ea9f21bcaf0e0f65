"""Train the narrative and framing heads on a SemEval-2025 Task 10 split and cross-validate them.

Choices, measured by 5-fold CV on the EN train split (399 articles, 414 mentions):

* Document features: TF-IDF of word unigrams (min_df 2, sublinear tf). Unigrams matched
  uni+bigrams (coarse/fine samples-F1 0.591/0.491 vs 0.585/0.480 with thresholds tuned on the
  out-of-fold scores) at a third of the vocabulary, so the shipped model stays small.
* Heads: one-vs-rest logistic regression (liblinear, C=10, balanced class weights; C=1 and
  C=100 were worse, unbalanced weights lost 0.03 coarse F1). A domain head (climate vs war,
  98.7 % accurate) restricts narratives to one domain; an "Other" head decides "no narrative".
* Thresholds (P(Other), narrative, subnarrative) are tuned for samples-F1 on out-of-fold
  scores. The reported metrics are nested: each outer fold's thresholds come from an inner CV
  on its training part only, so they are honest held-out numbers.
* Framing, TF-IDF heads (the fallback): softmax regression over the three main roles and
  one-vs-rest fine-role heads on prefixed context/mention features (see ``_framing``) plus the
  article's narrative probabilities (out-of-fold during training, so they look like those of
  an unseen article), folds grouped by article: main-role accuracy 0.667, EMR 0.138.
* Framing, contextual heads (shipped, used first): the mention's own vector under the
  sentence encoder (``_framing.mention_vectors``) + the narrative probabilities + entity
  priors (``_priors``; leave-the-article-out inside training) into softmax heads for the main
  role and the first fine role. The encoder's six layers are fine-tuned with them on the gold
  mentions (``_finetune``; settings fixed there, no inner tuning). 5-fold CV (fold seeds
  0/1/2, float32): 0.715/0.213, 0.703/0.213, 0.693/0.193; the frozen encoder with logistic
  heads (C by inner CV) gave 0.696/0.205, 0.693/0.174, 0.659/0.169.
  Also not better (MODEL_CARD.md): occurrence counts, agency words, a second fine role,
  class weights, joint main/fine decoding, a +-200-character window, entity markers, the mean
  over all occurrences of the name, the name alone, the window's mean vector, averaging with
  the TF-IDF heads, one-vs-rest or per-main-role fine heads.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from . import _semeval as S
from ._features import Tfidf, sklearn_vectorizer
from . import _finetune as finetune
from ._finetune import Deltas, Window
from ._framing import mention_features, mention_vectors, piece_windows
from ._findings import calibrate
from ._priors import fit_priors, leave_article_out
from ._model import (OTHER, DocScores, Head, NarrativeModel, decide, decide_roles,
                     official_labels, sigmoid, softmax, top_narrative)

C_DOC = 10.0
C_MENTION = 10.0
MIN_DF = 2
GRID_OTHER = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65)
GRID_COARSE = (0.1, 0.2, 0.3, 0.4, 0.5)
GRID_FINE = (0.1, 0.2, 0.3, 0.4, 0.5)
GRID_KEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 2.0)  # 2.0: the Other head alone decides
GRID_EXTRA = (0.5, 0.7, 0.9, 1.01)
ROLES_FALLBACK = {  # the SemEval-2025 entity-framing taxonomy (label names are facts)
    "Protagonist": ["Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous"],
    "Antagonist": ["Instigator", "Conspirator", "Tyrant", "Foreign Adversary", "Traitor", "Spy",
                   "Saboteur", "Corrupt", "Incompetent", "Terrorist", "Deceiver", "Bigot"],
    "Innocent": ["Forgotten", "Exploited", "Victim", "Scapegoat"],
}


# --------------------------------------------------------------------------- data
def _find(data_dir: Path, name: str) -> Path | None:
    for base in (data_dir, data_dir.parent, data_dir.parent.parent):
        if (base / name).exists():
            return base / name
    return None


def label_lists(data_dir: Path, gold: dict[str, S.GoldNarratives]) -> tuple[list[str], list[str]]:
    """Narratives and subnarratives (without ``Other``): the official lists found beside the
    data (``official_label_lists/``, the 93-line subnarrative list), plus any gold label."""
    folder = _find(data_dir, "official_label_lists")
    coarse: set[str] = set()
    fine: set[str] = set()
    if folder is not None:
        narr = folder / "subtask2_narratives.txt"
        subs = sorted(folder.glob("subtask2_subnarratives_93*.txt")) or sorted(
            folder.glob("subtask2_subnarratives*.txt"))
        if narr.is_file():
            coarse.update(x.strip() for x in narr.read_text(encoding="utf-8").splitlines())
        if subs:
            fine.update(x.strip() for x in subs[0].read_text(encoding="utf-8").splitlines())
    for g in gold.values():
        coarse.update(g.coarse)
        fine.update(g.fine)
    coarse.discard("")
    fine.discard("")
    coarse.discard(OTHER)
    fine.discard(OTHER)
    return sorted(coarse), sorted(fine)


def role_taxonomy(data_dir: Path) -> dict[str, list[str]]:
    path = _find(data_dir, "taxonomy")
    file = path / "entity_framing_roles_taxonomy.json" if path is not None else None
    if file is None or not file.is_file():
        return {k: list(v) for k, v in ROLES_FALLBACK.items()}
    tree = json.loads(file.read_text(encoding="utf-8"))
    return {c["name"]: [g["name"] for g in c.get("children", [])] for c in tree["children"]}


def domain_of(doc_id: str, gold: S.GoldNarratives | None) -> int | None:
    """1 = climate change, 0 = Ukraine-Russia war, None = unknown (from the id or the labels)."""
    if "_CC_" in doc_id:
        return 1
    if "_UA_" in doc_id or "_URW_" in doc_id:
        return 0
    if gold is not None:
        if any(c.startswith("CC:") for c in gold.coarse):
            return 1
        if any(c.startswith("URW:") for c in gold.coarse):
            return 0
    return None


# --------------------------------------------------------------------------- fitting
def _fit_binary(X: Any, y: np.ndarray, *, C: float, balanced: bool) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():  # constant label: a bias that says so, no weights
        return np.zeros(X.shape[1], dtype=np.float32), (8.0 if y[0] else -8.0)
    clf = LogisticRegression(C=C, solver="liblinear", max_iter=500,
                             class_weight="balanced" if balanced else None).fit(X, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def _fit_heads(X: Any, Y: np.ndarray, *, C: float, balanced: bool) -> Head:
    rows = [_fit_binary(X, Y[:, j], C=C, balanced=balanced) for j in range(Y.shape[1])]
    return Head(np.stack([w for w, _ in rows]), np.array([b for _, b in rows], np.float32))


def _fit_softmax(X: Any, y: np.ndarray, n: int, *, C: float) -> Head:
    from sklearn.linear_model import LogisticRegression

    present = sorted(set(y.tolist()))
    W = np.zeros((n, X.shape[1]), np.float32)
    b = np.full(n, -30.0, np.float32)
    if len(present) == 1:
        b[present[0]] = 0.0
        return Head(W, b)
    clf = LogisticRegression(C=C, max_iter=2000).fit(X, y)
    coef, icpt = clf.coef_, clf.intercept_
    if len(present) == 2:  # sklearn returns one row for a binary problem
        coef, icpt = np.vstack([-coef / 2, coef / 2]), np.array([-icpt[0] / 2, icpt[0] / 2])
    for row, cls in enumerate(clf.classes_):
        W[cls], b[cls] = coef[row], icpt[row]
    return Head(W, b)


class _Docs:
    """Narrative training data as arrays."""

    def __init__(self, ids: list[str], texts: list[str], gold: dict[str, S.GoldNarratives],
                 narratives: list[str], subnarratives: list[str]):
        self.ids, self.texts, self.narratives, self.subnarratives = ids, texts, narratives, subnarratives
        self.gold = [gold[i] for i in ids]
        self.Yc = np.array([[n in g.coarse for n in narratives] for g in self.gold], np.int8)
        self.Yf = np.array([[s in g.fine for s in subnarratives] for g in self.gold], np.int8)
        self.other = (self.Yc.sum(1) == 0).astype(np.int8)
        doms = [domain_of(i, g) for i, g in zip(ids, self.gold)]
        self.dom = np.array([-1 if d is None else d for d in doms], np.int8)


def fit_documents(data: _Docs, idx: np.ndarray) -> tuple[Tfidf, dict[str, Head]]:
    vec = sklearn_vectorizer(n_max=1, min_df=MIN_DF)
    X = vec.fit_transform([data.texts[i] for i in idx])  # type: ignore[attr-defined]
    known = data.dom[idx] >= 0
    dom_w, dom_b = _fit_binary(X[known], data.dom[idx][known], C=C_DOC, balanced=True)
    oth_w, oth_b = _fit_binary(X, data.other[idx], C=C_DOC, balanced=True)
    heads = {"domain": Head(dom_w[None, :], np.array([dom_b], np.float32)),
             "other": Head(oth_w[None, :], np.array([oth_b], np.float32)),
             "coarse": _fit_heads(X, data.Yc[idx], C=C_DOC, balanced=True),
             "fine": _fit_heads(X, data.Yf[idx], C=C_DOC, balanced=True)}
    return Tfidf.from_sklearn(vec), heads


def _score(tfidf: Tfidf, heads: dict[str, Head], texts: list[str]) -> list[DocScores]:
    x = tfidf.transform(texts)
    dom = sigmoid(heads["domain"].scores(x))[:, 0]
    oth = sigmoid(heads["other"].scores(x))[:, 0]
    coarse, fine = sigmoid(heads["coarse"].scores(x)), sigmoid(heads["fine"].scores(x))
    return [DocScores(float(dom[i]), float(oth[i]), coarse[i], fine[i]) for i in range(len(texts))]


def _folds(n: int, k: int, seed: int) -> list[np.ndarray]:
    perm = np.random.RandomState(seed).permutation(n)
    return [np.sort(perm[j::k]) for j in range(k)]


def _oof_scores(data: _Docs, idx: np.ndarray, k: int, seed: int) -> list[DocScores]:
    out: list[DocScores | None] = [None] * len(idx)
    for te in _folds(len(idx), k, seed):
        tr = np.setdiff1d(np.arange(len(idx)), te)
        tfidf, heads = fit_documents(data, idx[tr])
        for pos, sc in zip(te, _score(tfidf, heads, [data.texts[idx[t]] for t in te])):
            out[pos] = sc
    return [s for s in out if s is not None]


def _doc_f1(pred: tuple[list[str], list[str]], gold: S.GoldNarratives) -> tuple[float, float]:
    c = S.samples_f1({"d": gold.coarse}, {"d": frozenset(pred[0])})[0]
    f = S.samples_f1({"d": gold.fine}, {"d": frozenset(pred[1])})[0]
    return c, f


def tune_thresholds(data: _Docs, idx: np.ndarray, scores: Sequence[DocScores]) -> dict[str, float]:
    """Grid-search the three thresholds for coarse + fine samples-F1 on ``scores``."""
    gold = [data.gold[i] for i in idx]
    as_other = np.array([_doc_f1(([OTHER], [OTHER]), g) for g in gold]).sum(1)
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for tc, tf in itertools.product(GRID_COARSE, GRID_FINE):
        th = {"other": 2.0, "coarse": tc, "fine": tf}
        labelled = np.array([sum(_doc_f1(official_labels(decide(
            s, narratives=data.narratives, subnarratives=data.subnarratives, thresholds=th)), g))
            for s, g in zip(scores, gold)])
        p_other = np.array([s.other for s in scores])
        p_top = np.array([top_narrative(s, _domain_candidates(s, data.narratives)) for s in scores])
        for to, keep in itertools.product(GRID_OTHER, GRID_KEEP):
            total = float(np.where((p_other >= to) & (p_top < keep), as_other, labelled).sum())
            if total > best[0]:
                best = (total, {"other": to, "keep": keep, "coarse": tc, "fine": tf})
    return best[1]


def _domain_candidates(s: DocScores, narratives: list[str]) -> list[int]:
    prefix = "CC:" if s.domain_cc >= 0.5 else "URW:"
    return [j for j, n in enumerate(narratives) if n.startswith(prefix)]


def _evaluate(data: _Docs, idx: np.ndarray, scores: Sequence[DocScores],
              th: dict[str, float]) -> dict[str, Any]:
    preds = {}
    for i, s in zip(idx, scores):
        c, f = official_labels(decide(s, narratives=data.narratives,
                                      subnarratives=data.subnarratives, thresholds=th))
        preds[data.ids[i]] = S.GoldNarratives(frozenset(c), frozenset(f))
    return S.narrative_scores({data.ids[i]: data.gold[i] for i in idx}, preds)


# --------------------------------------------------------------------------- framing
class _Mentions:
    """Framing training data. ``doc_coarse`` holds each article's narrative probabilities from
    a model that did not see the article (out-of-fold), as they will look on unseen articles."""

    def __init__(self, rows: list[S.FramingRow], texts: dict[str, str],
                 taxonomy: dict[str, list[str]], doc_coarse: dict[str, np.ndarray]):
        self.rows = rows
        self.context = np.array([doc_coarse[r.doc] for r in rows], np.float32)
        self.main_roles = list(taxonomy)
        self.fine_roles = [r for m in taxonomy for r in taxonomy[m]]
        self.taxonomy = taxonomy
        dom = {0: "URW", 1: "CC"}
        self.features = [mention_features(texts[r.doc], r.start, r.end, r.mention,
                                          dom.get(domain_of(r.doc, None) or 0, "URW"))
                         for r in rows]
        self.y_main = np.array([self.main_roles.index(r.main_role) for r in rows], np.int64)
        self.Y_fine = np.array([[f in r.fine_roles for f in self.fine_roles] for r in rows], np.int8)
        # The softmax fine-role head learns the first listed role (389 of 414 mentions have one).
        self.y_first = np.array([self.fine_roles.index(r.fine_roles[0]) if r.fine_roles
                                 and r.fine_roles[0] in self.fine_roles else 0 for r in rows],
                                np.int64)
        # Main one-hot + fine multi-hot, the labels that entity priors count (``_priors``).
        self.labels = np.hstack([np.eye(len(self.main_roles), dtype=np.float32)[self.y_main],
                                 self.Y_fine.astype(np.float32)])
        docs = sorted({r.doc for r in rows})
        self.group = np.array([docs.index(r.doc) for r in rows])
        self.n_docs = len(docs)


def fit_mentions(m: _Mentions, idx: np.ndarray) -> tuple[Tfidf, dict[str, Head]]:
    from scipy import sparse

    # Feature tokens are \w+ strings, so the word vectoriser keeps each one whole. The
    # article's narrative probabilities follow the TF-IDF columns (see _model.mention_matrix).
    vec = sklearn_vectorizer(n_max=1, min_df=MIN_DF)
    words = vec.fit_transform([m.features[i] for i in idx])  # type: ignore[attr-defined]
    X = sparse.hstack([words, sparse.csr_matrix(m.context[idx])]).tocsr()
    heads = {"main": _fit_softmax(X, m.y_main[idx], len(m.main_roles), C=C_MENTION),
             "roles": _fit_heads(X, m.Y_fine[idx], C=C_MENTION, balanced=False)}
    return Tfidf.from_sklearn(vec), heads


def _mention_eval(m: _Mentions, idx: np.ndarray, tfidf: Tfidf, heads: dict[str, Head],
                  extra: float) -> tuple[int, int, list[tuple[str, float, bool]]]:
    """Main-role and exact-match hits of the TF-IDF heads on mentions ``idx``, and
    ``(main role, P(main role), right)`` of each prediction."""
    x = np.hstack([tfidf.transform([m.features[i] for i in idx]), m.context[idx]])
    pm, pr = softmax(heads["main"].scores(x)), sigmoid(heads["roles"].scores(x))
    main_ok = exact = 0
    rows = []
    for row, i in enumerate(idx):
        main, fine, p = decide_roles(pm[row], pr[row], main_roles=m.main_roles,
                                     fine_roles=m.fine_roles, taxonomy=m.taxonomy, extra=extra)
        main_ok += main == m.rows[i].main_role
        exact += set(fine) == set(m.rows[i].fine_roles)
        rows.append((main, p, main == m.rows[i].main_role))
    return main_ok, exact, rows


def _mention_folds(m: _Mentions, idx: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    groups = sorted(set(m.group[idx].tolist()))
    perm = np.random.RandomState(seed).permutation(len(groups))
    fold_of = {groups[g]: n % k for n, g in enumerate(perm)}
    return [idx[np.array([fold_of[m.group[i]] == j for i in idx])] for j in range(k)]


def _tune_extra(m: _Mentions, idx: np.ndarray, k: int, seed: int) -> float:
    totals = dict.fromkeys(GRID_EXTRA, 0)
    for te in _mention_folds(m, idx, k, seed):
        tr = np.setdiff1d(idx, te)
        tfidf, heads = fit_mentions(m, tr)
        for extra in GRID_EXTRA:
            totals[extra] += _mention_eval(m, te, tfidf, heads, extra)[1]
    return max(GRID_EXTRA, key=lambda e: (totals[e], e))


def _contextual_extra(m: _Mentions, train: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """What the contextual heads read beside the mention vector, for mentions ``idx``: the
    article's narrative probabilities and the entity priors from the ``train`` mentions of
    other articles (as ``_model.frame_scores_contextual`` builds them for an unseen article)."""
    priors = leave_article_out([r.mention for r in m.rows], [r.doc for r in m.rows], m.labels,
                               len(m.main_roles), train, idx)
    return np.hstack([m.context[idx], priors]).astype(np.float32)


class _Contextual:
    """Gold mentions read by the sentence encoder: the windows to fine-tune on (float32) and,
    for fine-tuned layers, the mention vectors as the pipeline reads them (its dtype)."""

    def __init__(self, rows: list[S.FramingRow], texts: dict[str, str]) -> None:
        from ..nlp import embedder_path
        from ..encoder import Encoder

        self.encoder = Encoder(embedder_path(), dtype="float32")
        self.rows, self.texts = rows, texts
        self.by_doc: dict[str, list[int]] = {}
        for k, r in enumerate(rows):
            self.by_doc.setdefault(r.doc, []).append(k)
        self.windows = []
        for doc, ks in self.by_doc.items():  # an article's mentions together, as at inference
            for ids, inside in piece_windows(self.encoder, texts[doc],
                                             [(rows[k].start, rows[k].end) for k in ks]):
                self.windows.append(Window(tuple(ids), {ks[i]: v for i, v in inside.items()}))

    def fit(self, m: _Mentions, train: np.ndarray, seed: int) -> tuple[Deltas, dict[str, Head]]:
        extra = _contextual_extra(m, train, np.arange(len(m.rows)))
        deltas, main, fine = finetune.fit(self.encoder, self.windows, extra, m.y_main,
                                           m.y_first, train, n_main=len(m.main_roles),
                                           n_fine=len(m.fine_roles), seed=seed)
        return deltas, {"main_ctx": Head(*main), "roles_ctx": Head(*fine)}

    def vectors(self, deltas: Deltas, idx: np.ndarray) -> np.ndarray:
        """Mention vectors of rows ``idx`` as the pipeline reads them with ``deltas``."""
        from ..nlp import load_embedder

        encoder = finetune.adapted(load_embedder(), deltas)
        out = np.zeros((len(idx), self.encoder.dim), np.float32)
        where = {int(k): n for n, k in enumerate(idx)}
        for ks in self.by_doc.values():
            ks = [k for k in ks if k in where]
            if ks:
                out[[where[k] for k in ks]] = mention_vectors(
                    self.texts[self.rows[ks[0]].doc],
                    [(self.rows[k].start, self.rows[k].end) for k in ks], encoder=encoder)
        return out

    def predict(self, m: _Mentions, train: np.ndarray, idx: np.ndarray, deltas: Deltas,
                heads: dict[str, Head]) -> list[tuple[str, tuple[str, ...], float]]:
        """``(main role, fine roles, P(main role))`` of mentions ``idx``, as the pipeline
        frames them."""
        x = np.hstack([self.vectors(deltas, idx), _contextual_extra(m, train, idx)])
        pm, pr = softmax(heads["main_ctx"].scores(x)), softmax(heads["roles_ctx"].scores(x))
        return [decide_roles(pm[row], pr[row], main_roles=m.main_roles, fine_roles=m.fine_roles,
                             taxonomy=m.taxonomy, extra=1.01) for row in range(len(idx))]


def _contextual(rows: list[S.FramingRow], texts: dict[str, str],
                say: Callable[[str], None]) -> _Contextual | None:
    """The gold mentions read by the sentence encoder, or None when the encoder (torch or the
    model package) is missing: then only the TF-IDF framing heads are trained."""
    from ..errors import ModelNotFoundError

    try:
        return _Contextual(rows, texts)
    except (ModelNotFoundError, ImportError) as exc:
        say(f"framing: no contextual heads ({exc})")
        return None


def _narrative_cv(data: _Docs, folds: int, seed: int, say: Callable[[str], None],
                  ) -> tuple[list[np.ndarray], dict[int, DocScores], list[dict[str, float]]]:
    """Nested CV for honest narrative metrics: the outer folds, each article's scores from the
    heads of the other folds, and each outer fold's thresholds (tuned on its training part)."""
    all_idx = np.arange(len(data.ids))
    outer = _folds(len(data.ids), folds, seed)
    preds_scores: dict[int, DocScores] = {}
    fold_th = []
    for n, te in enumerate(outer, 1):
        tr = np.setdiff1d(all_idx, te)
        th = tune_thresholds(data, tr, _oof_scores(data, tr, max(2, folds - 1), seed))
        tfidf, heads = fit_documents(data, tr)
        fold_th.append(th)
        for i, s in zip(te, _score(tfidf, heads, [data.texts[i] for i in te])):
            preds_scores[int(i)] = s
        say(f"narratives: outer fold {n}/{folds} done")
    return outer, preds_scores, fold_th


def _narrative_findings(data: _Docs, outer: list[np.ndarray], scores: dict[int, DocScores],
                        fold_th: list[dict[str, float]]) -> list[tuple[str, float, bool]]:
    """``(narrative, score, right)`` of every narrative label the nested CV predicted (its
    narrative among the article's gold narratives), for the finding thresholds."""
    rows = []
    for n, te in enumerate(outer):
        for i in te:
            for narrative, _, score in decide(scores[int(i)], narratives=data.narratives,
                                              subnarratives=data.subnarratives,
                                              thresholds=fold_th[n]):
                if narrative != OTHER:
                    rows.append((narrative, score, narrative in data.gold[i].coarse))
    return rows


@dataclass
class _FramingCV:
    """What the grouped framing CV measured: main-role and exact-match hits of the TF-IDF and
    of the contextual heads, and ``(main role, P(main role), right)`` of each of their
    predictions (for the finding thresholds)."""

    main_ok: int = 0
    exact: int = 0
    ctx_main: int = 0
    ctx_exact: int = 0
    tfidf_rows: list[tuple[str, float, bool]] = field(default_factory=list)
    ctx_rows: list[tuple[str, float, bool]] = field(default_factory=list)


def _framing_cv(ment: _Mentions, ctx: _Contextual | None, folds: int, seed: int,
                say: Callable[[str], None]) -> _FramingCV:
    """Framing CV grouped by article (the outer folds of :func:`train`)."""
    midx = np.arange(len(ment.rows))
    cv = _FramingCV()
    for n, te in enumerate(_mention_folds(ment, midx, folds, seed), 1):
        tr = np.setdiff1d(midx, te)
        extra = _tune_extra(ment, tr, max(2, folds - 1), seed)
        tfidf, heads = fit_mentions(ment, tr)
        a, e, rows = _mention_eval(ment, te, tfidf, heads, extra)
        cv.main_ok, cv.exact = cv.main_ok + a, cv.exact + e
        cv.tfidf_rows.extend(rows)
        if ctx is not None:
            for i, (main, fine, p) in zip(te, ctx.predict(ment, tr, te, *ctx.fit(ment, tr, seed))):
                gold = ment.rows[i]
                cv.ctx_main += main == gold.main_role
                cv.ctx_exact += set(fine) == set(gold.fine_roles)
                cv.ctx_rows.append((main, p, main == gold.main_role))
            say(f"framing: outer fold {n}/{folds} fine-tuned")
    return cv


def _role_rows(cv: _FramingCV) -> list[tuple[str, float, bool, str]]:
    """The framing CV's predictions to calibrate the roles on, by heads: the pipeline frames a
    mention with the contextual heads or (beyond ``MAX_CONTEXTUAL`` per article) the TF-IDF
    heads, and a role's threshold must hold for either, as a view cannot tell them apart."""
    return ([(*r, "contextual") for r in cv.ctx_rows]
            + [(*r, "tfidf") for r in cv.tfidf_rows])


def _findings(narrative_rows: list[tuple[str, float, bool]],
              role_rows: list[tuple[str, float, bool, str]],
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The finding thresholds (``thresholds.findings``) and what they kept in CV (metrics)."""
    narratives, roles = calibrate(narrative_rows), calibrate(role_rows)
    thresholds = {"narratives": narratives["thresholds"], "roles": roles["thresholds"]}
    return thresholds, {"narratives": narratives, "roles": roles}


def calibrate_findings(data_dir: Path, model_dir: Path, *, folds: int = 5, seed: int = 0,
                       framing: bool = True,
                       progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Calibrate the finding thresholds of the model in ``model_dir`` (trained on
    ``data_dir`` with these folds and seed) by the cross-validation :func:`train` runs, and
    write them into its metadata; the arrays are not touched. Returns the findings metrics.
    The framing CV fine-tunes the encoder five times: 781 s of CPU on one core for the
    shipped model (2026-12-03; the narratives' CV 33 s of it), 45 minutes of wall time under
    ``nice`` at load average 7-10 on a shared 2-core machine. ``framing=False`` calibrates
    the narratives only and keeps the roles' thresholds the metadata has."""
    from ._model import META

    say = progress or (lambda _msg: None)
    data_dir, model_dir = Path(data_dir), Path(model_dir)
    texts = S.read_documents(data_dir)
    gold = {k: v for k, v in S.read_narratives(data_dir / S.NARRATIVES_FILE).items() if k in texts}
    narratives, subnarratives = label_lists(data_dir, gold)
    ids = sorted(gold)
    data = _Docs(ids, [texts[i] for i in ids], gold, narratives, subnarratives)
    outer, preds_scores, fold_th = _narrative_cv(data, folds, seed, say)
    role_rows: list[tuple[str, float, bool, str]] = []
    if framing:
        rows = [r for r in S.read_framing(data_dir / S.FRAMING_FILE, texts=texts)
                if r.doc in gold and r.main_role]
        ment = _Mentions(rows, texts, role_taxonomy(data_dir),
                         {ids[i]: preds_scores[i].coarse for i in range(len(ids))})
        t0 = time.perf_counter()
        cv = _framing_cv(ment, _contextual(rows, texts, say), folds, seed, say)
        role_rows = _role_rows(cv)
        measured = {"mentions": len(rows), "seconds": round(time.perf_counter() - t0, 1),
                    "main_role_accuracy": round(cv.ctx_main / len(rows), 4),
                    "exact_match_ratio": round(cv.ctx_exact / len(rows), 4)}
    path = model_dir / META
    meta = json.loads(path.read_text(encoding="utf-8"))
    thresholds, findings = _findings(_narrative_findings(data, outer, preds_scores, fold_th),
                                     role_rows)
    if framing:  # what this run's framing CV measured, beside the thresholds it gave
        findings["roles"]["cv"] = measured
    else:  # keep what the metadata has for the roles
        old = meta["thresholds"].get("findings") or {}
        thresholds["roles"] = old.get("roles", {})
        findings["roles"] = meta.get("metrics", {}).get("findings", {}).get("roles", {})
    meta["thresholds"]["findings"] = thresholds
    meta.setdefault("metrics", {})["findings"] = findings
    path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return findings


# --------------------------------------------------------------------------- entry point
def train(data_dir: Path, *, out: Path, folds: int = 5, seed: int = 0,
          progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Cross-validate, fit on all of ``data_dir`` and write the model to ``out``.

    Returns the metrics written into the model card metadata.
    """
    say = progress or (lambda _msg: None)
    data_dir = Path(data_dir)
    t0 = time.perf_counter()
    texts = S.read_documents(data_dir)
    gold_path = data_dir / S.NARRATIVES_FILE
    if not gold_path.is_file():
        raise InputError(f"{gold_path} is missing: training needs the subtask-2 gold labels.")
    gold = {k: v for k, v in S.read_narratives(gold_path).items() if k in texts}
    if len(gold) < 2 * folds:
        raise InputError(f"Only {len(gold)} labelled articles in {data_dir}; need at least "
                         f"{2 * folds} for {folds}-fold cross-validation.")
    narratives, subnarratives = label_lists(data_dir, gold)
    ids = sorted(gold)
    data = _Docs(ids, [texts[i] for i in ids], gold, narratives, subnarratives)
    all_idx = np.arange(len(ids))

    outer, preds_scores, fold_th = _narrative_cv(data, folds, seed, say)
    cv_pred = {}
    narrative_rows = _narrative_findings(data, outer, preds_scores, fold_th)
    for n, te in enumerate(outer):
        for i in te:
            c, f = official_labels(decide(preds_scores[int(i)], narratives=narratives,
                                          subnarratives=subnarratives, thresholds=fold_th[n]))
            cv_pred[ids[i]] = S.GoldNarratives(frozenset(c), frozenset(f))
    narrative_cv = S.narrative_scores(gold, cv_pred)
    domain_acc = float(np.mean([(preds_scores[int(i)].domain_cc >= 0.5) == bool(data.dom[i])
                                for i in all_idx if data.dom[i] >= 0]))

    # Final thresholds from one (non-nested) CV over everything, final heads on everything.
    oof = [preds_scores[int(i)] for i in all_idx]
    thresholds = tune_thresholds(data, all_idx, oof)
    doc_tfidf, doc_heads = fit_documents(data, all_idx)
    say("narratives: final model fitted")

    # Framing.
    taxonomy = role_taxonomy(data_dir)
    frame_path = data_dir / S.FRAMING_FILE
    rows = [r for r in S.read_framing(frame_path, texts=texts) if r.doc in gold and r.main_role] \
        if frame_path.is_file() else []
    framing_cv: dict[str, Any] = {"mentions": len(rows)}
    priors = deltas = None
    role_rows: list[tuple[str, float, bool, str]] = []
    if len(rows) >= 2 * folds:
        oof_coarse = {ids[i]: preds_scores[int(i)].coarse for i in all_idx}
        ment = _Mentions(rows, texts, taxonomy, oof_coarse)
        ctx = _contextual(rows, texts, say)
        midx = np.arange(len(rows))
        cv = _framing_cv(ment, ctx, folds, seed, say)
        main_ok, exact, ctx_main, ctx_exact = cv.main_ok, cv.exact, cv.ctx_main, cv.ctx_exact
        role_rows = _role_rows(cv)
        majority = float(np.bincount(ment.y_main).max() / len(rows))
        tfidf_cv = {"main_role_accuracy": round(main_ok / len(rows), 4),
                    "exact_match_ratio": round(exact / len(rows), 4)}
        framing_cv = {**tfidf_cv, "heads": "tfidf", "mentions": len(rows),
                      "articles": ment.n_docs, "majority_main_role_accuracy": round(majority, 4)}
        thresholds["extra_role"] = _tune_extra(ment, midx, folds, seed)
        mention_tfidf, mention_heads = fit_mentions(ment, midx)
        if ctx is not None:
            framing_cv.update({"main_role_accuracy": round(ctx_main / len(rows), 4),
                               "exact_match_ratio": round(ctx_exact / len(rows), 4),
                               "heads": "contextual, fine-tuned encoder",
                               "tfidf_heads": tfidf_cv})
            deltas, ctx_heads = ctx.fit(ment, midx, seed)
            mention_heads.update(ctx_heads)
            priors = fit_priors([r.mention for r in rows], ment.labels, len(ment.main_roles))
        say("framing: fitted")
    else:  # no framing gold: an empty head that always says the first role
        ment_roles = [r for m in taxonomy for r in taxonomy[m]]
        mention_tfidf = Tfidf({}, np.zeros(0, np.float32), 1)
        mention_heads = {"main": Head(np.zeros((len(taxonomy), 0), np.float32),
                                      np.zeros(len(taxonomy), np.float32)),
                         "roles": Head(np.zeros((len(ment_roles), 0), np.float32),
                                       np.zeros(len(ment_roles), np.float32))}
        thresholds["extra_role"] = 1.01

    finding_thresholds, findings = _findings(narrative_rows, role_rows)
    metrics = {"narratives": {**narrative_cv, "domain_accuracy": round(domain_acc, 4),
                              "fold_thresholds": fold_th},
               "framing": framing_cv, "findings": findings, "folds": folds, "seed": seed,
               "protocol": "nested k-fold CV: thresholds tuned on inner out-of-fold scores of "
                           "each outer training part; framing folds grouped by article"}
    meta = {"format": 1, "trained": date.today().isoformat(),
            "data": {"dir": data_dir.name, "articles": len(ids), "mentions": len(rows)},
            "narratives": narratives, "subnarratives": subnarratives,
            "main_roles": list(taxonomy), "fine_roles": [r for m in taxonomy for r in taxonomy[m]],
            "role_taxonomy": taxonomy, "thresholds": {**thresholds, "findings": finding_thresholds},
            "metrics": metrics,
            "train_seconds": round(time.perf_counter() - t0, 1)}
    model = NarrativeModel(doc_tfidf=doc_tfidf, mention_tfidf=mention_tfidf,
                           heads={**doc_heads, **mention_heads}, meta=meta, priors=priors,
                           encoder_deltas=deltas)
    model.save(Path(out))
    return metrics
