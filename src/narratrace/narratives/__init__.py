"""Narratives stage: SemEval-2025 Task 10 narrative labels and entity framing.

>>> from narratrace.narratives import load_model, classify_narratives
>>> model = load_model()                                        # doctest: +SKIP
>>> [(l.narrative, l.subnarrative) for l in classify_narratives(doc, model=model)]  # doctest: +SKIP
[('URW: Discrediting Ukraine', 'Ukraine is a hub for criminal activities')]

Labels follow the SemEval-2025 Task 10 taxonomy (Ukraine-Russia war and climate change).
A document with no narrative gets one label ``NarrativeLabel(narrative="Other")``; a narrative
without a specific subnarrative has ``subnarrative=None`` (``"<narrative>: Other"`` in the
official format). See ``MODEL_CARD.md`` beside this file for data, metrics and limits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UsageError
from ..types import Document, Framing, NarrativeLabel
from . import _semeval
from ._features import split_sentences
from ._findings import (Cues, FindingThresholds, cue_terms, finding_thresholds, has_cue,
                        specific_cues, vocabulary_terms)
from ._framing import mention_features, mention_vectors
from ._model import (DEFAULT_DIR, OTHER, DocScores, NarrativeModel, decide, decide_roles,
                     frame_scores, frame_scores_contextual, framing_encoder,
                     has_contextual_heads, load_model, official_labels, score_documents)

__all__ = ["NarrativeModel", "load_model", "default_model_path", "classify_narratives",
           "frame_entities", "train", "predict_semeval", "FRAMED_TYPES", "FindingThresholds",
           "finding_thresholds", "label_cues", "contextual_spans"]

# Entity types worth framing in a full pipeline run: the SemEval annotations frame people,
# organisations, countries/places and groups, never outlets or dates.
FRAMED_TYPES = frozenset({"person", "organisation", "place", "group"})
EVIDENCE_SENTENCES = 2  # sentences shown per label; the two strongest carry most of the score
# Mentions per article framed from their contextual vector: one encoder pass of ~45 word
# pieces each (see MODEL_CARD.md, Speed), so an entity-dense article costs at
# most this many passes. The first mention of each distinct name is chosen first; the others
# use the TF-IDF heads. The SemEval train articles list 3.9 mentions on average.
MAX_CONTEXTUAL = 5


def default_model_path() -> Path:
    """The model directory shipped inside the package (what :func:`load_model` reads by default).

    >>> default_model_path().name
    'model'
    """
    return DEFAULT_DIR


def classify_narratives(document: Document, *, model: NarrativeModel,
                        sentences: Sequence[tuple[int, int]] | None = None,
                        scores: DocScores | None = None) -> list[NarrativeLabel]:
    """Label ``document`` with narratives/subnarratives and the sentences that carry them.

    ``sentences`` are ``(start, end)`` spans into ``document.text`` (e.g. from the parser); a
    regex splitter is used when they are not given. Evidence sentences are those whose own
    TF-IDF vector scores highest under the label's linear head (positive contributions only)
    among the sentences that mention one of the label's cues (:func:`label_cues`): a sentence
    that says nothing of the label is never its evidence, and a label without such a sentence
    has none (and so is no finding: :class:`FindingThresholds`).
    ``scores`` (from :func:`score_documents`) saves scoring the text again when the caller
    already has them.
    """
    if sentences is None:
        sentences = split_sentences(document.text)
    if scores is None:
        scores = score_documents(model, [document.text])[0]
    labels = decide(scores, narratives=model.narratives, subnarratives=model.subnarratives,
                    thresholds=model.thresholds)
    if labels[0][0] == OTHER:
        return [NarrativeLabel(document.id, OTHER, None, round(labels[0][2], 4), ())]
    spans = [(int(s), int(e)) for s, e in sentences if e > s]
    x = model.doc_tfidf.transform([document.text[s:e] for s, e in spans]) if spans else None
    out = []
    for narrative, sub, score in labels:
        if sub is None:
            head, row = model.heads["coarse"], model.narratives.index(narrative)
        else:
            head, row = model.heads["fine"], model.subnarratives.index(f"{narrative}: {sub}")
        evidence: tuple[tuple[int, int], ...] = ()
        if x is not None:
            contrib = x @ head.weights[row]
            cues = label_cues(model, narrative, sub)
            cued: list[int] = []  # the strongest cued sentences, EVIDENCE_SENTENCES of them
            for k in np.argsort(-contrib).tolist():
                if len(cued) == EVIDENCE_SENTENCES or not contrib[k] > 0:
                    break
                if has_cue(document.text[spans[k][0]:spans[k][1]], cues):
                    cued.append(k)
            evidence = tuple(spans[k] for k in sorted(cued))
        out.append(NarrativeLabel(document.id, narrative, sub, round(score, 4), evidence))
    return out


def label_cues(model: NarrativeModel, narrative: str, subnarrative: str | None) -> Cues:
    """What a sentence must mention to be a label's evidence: the strongest terms of the
    label's head (the subnarrative's when there is one) and the words of its name
    (:func:`cue_terms`), less those that many narratives share (:func:`specific_cues`: "ukraine"
    says a sentence is about the war, not that it calls Ukraine a Nazi state). Cached on the
    model."""
    if "cues" not in model._cache:
        vocabulary = model.doc_tfidf.vocabulary
        idf = model.doc_tfidf.idf
        terms = vocabulary_terms(vocabulary)
        raw = {name: cue_terms(model.heads["coarse"].weights[j].astype(np.float32),
                               vocabulary, [name], idf=idf, terms=terms)
               for j, name in enumerate(model.narratives)}
        raw.update({name: cue_terms(model.heads["fine"].weights[k].astype(np.float32),
                                    vocabulary, [name], idf=idf, terms=terms)
                    for k, name in enumerate(model.subnarratives)})
        model._cache["cues"] = specific_cues(raw)
    cues: dict[str, Cues] = model._cache["cues"]
    label = narrative if subnarrative is None else f"{narrative}: {subnarrative}"
    return cues.get(label, cues.get(narrative, (frozenset(), frozenset())))


def _mention_tuple(m: Any) -> tuple[int, int, str, str | None]:
    if isinstance(m, tuple):
        start, end, text = m[:3]
        return int(start), int(end), str(text), None
    return int(m.start), int(m.end), str(m.text), getattr(m, "type", None)


def frame_entities(document: Document, mentions: Sequence[Any], *, model: NarrativeModel,
                   contextual: bool = True, scores: DocScores | None = None,
                   vectors: np.ndarray | None = None) -> list[Framing]:
    """Main role and fine roles of each mention (``(start, end, text)`` or a ``Mention``).

    ``Mention`` records whose ``type`` is not in :data:`FRAMED_TYPES` are skipped. Ends are
    exclusive. The fine roles are constrained to the predicted main role's taxonomy branch.
    With ``contextual`` (and a model that has the heads) up to :data:`MAX_CONTEXTUAL`
    mentions (see :func:`contextual_choice`) are framed from their vector under the sentence
    encoder (loads all-MiniLM-L6-v2 on first use); the others, or all with
    ``contextual=False``, from TF-IDF features of their context. ``vectors``: those mentions'
    vectors when the caller has made them already (:func:`contextual_spans` says which, and
    ``_framing.texts_mention_vectors`` makes them for several documents in one pass).
    """
    items = _framed_items(document, mentions)
    if not items:
        return []
    doc_scores = scores if scores is not None else score_documents(model, [document.text])[0]
    roles = _frame(model, document.text, items, doc_scores, contextual=contextual, vectors=vectors)
    return [Framing(document.id, t, s, e, main, fine, round(score, 4))  # type: ignore[arg-type]
            for (s, e, t), (main, fine, score) in zip(items, roles)]


def contextual_spans(document: Document, mentions: Sequence[Any], *, model: NarrativeModel,
                     contextual: bool = True) -> list[tuple[int, int]]:
    """The ``(start, end)`` of the mentions :func:`frame_entities` frames from their contextual
    vector, in the order of its ``vectors``."""
    items = _framed_items(document, mentions)
    return [(items[i][0], items[i][1]) for i in _contextual_mentions(model, items, contextual)]


def _framed_items(document: Document, mentions: Sequence[Any]) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` of the mentions to frame; an error for one outside the text."""
    items = []
    for m in mentions:
        start, end, text, kind = _mention_tuple(m)
        if kind is not None and kind not in FRAMED_TYPES:
            continue
        if not 0 <= start < end <= len(document.text):
            raise UsageError(f"Mention {text!r} at {start}:{end} lies outside document "
                             f"{document.id} ({len(document.text)} characters).")
        items.append((start, end, text))
    return items


def _contextual_mentions(model: NarrativeModel, items: Sequence[tuple[int, int, str]],
                         contextual: bool, max_contextual: int = MAX_CONTEXTUAL) -> list[int]:
    """Indices of the items framed from their contextual vector."""
    return _contextual_choice(items, max_contextual) \
        if contextual and has_contextual_heads(model) else []


def _contextual_choice(items: Sequence[tuple[int, int, str]], cap: int) -> list[int]:
    """Indices of the mentions to frame from their contextual vector: the first mention of each
    distinct name (case-insensitive) in the given order, then repeats, at most ``cap``.

    >>> _contextual_choice([(0, 1, "A"), (5, 6, "a"), (9, 10, "B")], 2)
    [0, 2]
    """
    seen: set[str] = set()
    first: list[int] = []
    repeats: list[int] = []
    for i, (_, _, name) in enumerate(items):
        (repeats if name.lower() in seen else first).append(i)
        seen.add(name.lower())
    return sorted((first + repeats)[:max(0, cap)])


def _frame(model: NarrativeModel, text: str, items: Sequence[tuple[int, int, str]],
           doc_scores: DocScores, *, contextual: bool, max_contextual: int = MAX_CONTEXTUAL,
           vectors: np.ndarray | None = None) -> list[tuple[str, tuple[str, ...], float]]:
    """``(main role, fine roles, P(main role))`` per ``(start, end, text)`` mention of one
    article; ``vectors``: those of the contextually framed mentions, when made already."""
    domain = "CC" if doc_scores.domain_cc >= 0.5 else "URW"
    chosen = _contextual_mentions(model, items, contextual, max_contextual)
    if vectors is not None and len(vectors) != len(chosen):
        raise UsageError(f"{len(vectors)} mention vectors given for {len(chosen)} mentions "
                         "framed from their vectors")
    rest = sorted(set(range(len(items))) - set(chosen))
    main_p = np.zeros((len(items), len(model.main_roles)), np.float32)
    role_p = np.zeros((len(items), len(model.fine_roles)), np.float32)
    extra = np.full(len(items), model.thresholds.get("extra_role", 1.01))
    if chosen:
        if vectors is None:
            vectors = mention_vectors(text, [(items[i][0], items[i][1]) for i in chosen],
                                      encoder=framing_encoder(model))
        main_p[chosen], role_p[chosen] = frame_scores_contextual(
            model, vectors, doc_scores.coarse, [items[i][2] for i in chosen])
        extra[chosen] = 1.01  # the contextual fine-role head is a softmax: one fine role
    if rest:
        feats = [mention_features(text, *items[i], domain) for i in rest]
        main_p[rest], role_p[rest] = frame_scores(model, feats, doc_scores.coarse)
    return [decide_roles(mp, rp, main_roles=model.main_roles, fine_roles=model.fine_roles,
                         taxonomy=model.role_taxonomy, extra=float(x))
            for mp, rp, x in zip(main_p, role_p, extra)]


def train(data_dir: Path, *, out: Path, folds: int = 5, seed: int = 0,
          progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Cross-validate on a SemEval split, fit on all of it and write the model to ``out``;
    ``progress`` receives a line per finished step (the run takes ~10 minutes on 2 cores).

    >>> train(Path("../shared/data/semeval2025-task10/EN/train"), out=Path("/tmp/m"))  # doctest: +SKIP
    {'narratives': {'f1_coarse': ..., 'f1_fine': ...}, 'framing': {...}, ...}
    """
    from ._train import train as _train

    return _train(Path(data_dir), out=Path(out), folds=folds, seed=seed, progress=progress)


def predict_semeval(data_dir: Path, out_dir: Path, *, model: NarrativeModel,
                    contextual: bool = True) -> dict[str, Any]:
    """Write official-format predictions for a SemEval directory; score them when gold exists.

    Writes ``out_dir/subtask-2-predictions.txt`` for every article in ``raw-documents/`` and
    ``out_dir/subtask-1-predictions.txt`` for the mentions listed in
    ``subtask-1-entity-mentions.txt`` (or, failing that, in the gold ``subtask-1-annotations.txt``).
    Returns counts, and the official metrics when gold files are present. ``contextual``: as
    in :func:`frame_entities`.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    texts = _semeval.read_documents(data_dir)
    lines, preds = [], {}
    all_scores = score_documents(model, list(texts.values()))
    scores_of = dict(zip(texts, all_scores))
    for (doc_id, _text), scores in zip(texts.items(), all_scores):
        coarse, fine = official_labels(decide(scores, narratives=model.narratives,
                                              subnarratives=model.subnarratives,
                                              thresholds=model.thresholds))
        preds[doc_id] = _semeval.GoldNarratives(frozenset(coarse), frozenset(fine))
        lines.append(_semeval.format_narratives(doc_id, coarse, fine))
    _semeval.write_lines(out_dir / _semeval.NARRATIVE_PREDICTIONS, lines)
    result: dict[str, Any] = {"articles": len(texts)}

    gold_frames = data_dir / _semeval.FRAMING_FILE
    listed = data_dir / _semeval.MENTIONS_FILE
    source = listed if listed.is_file() else gold_frames if gold_frames.is_file() else None
    framed: list[_semeval.FramingRow] = []
    role_scores: list[float] = []
    if source is not None:
        wanted = [r for r in _semeval.read_framing(source, texts=texts) if r.doc in texts]
        by_doc: dict[str, list[_semeval.FramingRow]] = {}
        for row in wanted:
            by_doc.setdefault(row.doc, []).append(row)
        for doc_id, doc_rows in by_doc.items():
            roles = _frame(model, texts[doc_id], [(r.start, r.end, r.mention) for r in doc_rows],
                           scores_of[doc_id], contextual=contextual,
                           max_contextual=len(doc_rows))  # a short list: frame all in context
            framed.extend(_semeval.FramingRow(r.doc, r.mention, r.start, r.end, main, fine)
                          for r, (main, fine, _) in zip(doc_rows, roles))
            role_scores.extend(p for _, _, p in roles)
    _semeval.write_lines(out_dir / _semeval.FRAMING_PREDICTIONS,
                         (_semeval.format_framing(r) for r in framed))
    result["mentions"] = len(framed)

    gold_narr = data_dir / _semeval.NARRATIVES_FILE
    if gold_narr.is_file():
        gold = {k: v for k, v in _semeval.read_narratives(gold_narr).items() if k in texts}
        result.update(_semeval.narrative_scores(
            gold, preds, coarse_classes=[*model.narratives, OTHER],
            fine_classes=[*model.subnarratives, OTHER]))
        result.update(_narrative_findings(model, texts, scores_of, gold))
    if gold_frames.is_file():
        gold_rows = [r for r in _semeval.read_framing(gold_frames, texts=texts) if r.doc in texts]
        result.update(_semeval.framing_scores(gold_rows, framed))
        result.update(_role_findings(model, framed, role_scores, gold_rows))
    return result


def _precision(rows: list[tuple[bool, bool]]) -> dict[str, Any]:
    """Counts and precision of ``(right, finding)`` predictions: all of them, and the findings."""
    found = [right for right, finding in rows if finding]
    return {"predicted": len(rows),
            "precision": round(sum(r for r, _ in rows) / len(rows), 4) if rows else None,
            "findings": len(found),
            "finding_precision": round(sum(found) / len(found), 4) if found else None}


def _narrative_findings(model: NarrativeModel, texts: dict[str, str],
                        scores_of: dict[str, DocScores],
                        gold: dict[str, _semeval.GoldNarratives]) -> dict[str, Any]:
    """How often a narrative label is right (its narrative among the article's gold ones), for
    every label and for those shown as findings (:class:`FindingThresholds`, cued evidence)."""
    thresholds = FindingThresholds.from_meta(model.meta)
    rows = []
    for doc_id, text in texts.items():
        if doc_id not in gold:
            continue
        document = Document(doc_id, doc_id, text, text, language="en")
        for label in classify_narratives(document, model=model, scores=scores_of[doc_id]):
            if label.narrative != OTHER:
                rows.append((label.narrative in gold[doc_id].coarse,
                             thresholds.narrative(label.narrative, label.score, label.evidence)))
    return {f"narrative_labels_{k}": v for k, v in _precision(rows).items()}


def _role_findings(model: NarrativeModel, framed: list[_semeval.FramingRow],
                   scores: list[float], gold_rows: list[_semeval.FramingRow]) -> dict[str, Any]:
    """How often a framed mention's main role is right, for all and for the findings."""
    thresholds = FindingThresholds.from_meta(model.meta)
    truth = {(r.doc, r.start, r.end): r.main_role for r in gold_rows}
    rows = [(truth.get((r.doc, r.start, r.end)) == r.main_role, thresholds.role(r.main_role, p))
            for r, p in zip(framed, scores) if (r.doc, r.start, r.end) in truth]
    return {f"main_roles_{k}": v for k, v in _precision(rows).items()}
