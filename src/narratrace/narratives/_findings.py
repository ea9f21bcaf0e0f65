"""When a narrative label or a framing role is a finding, and which sentences may carry a label.

The decision thresholds of ``_model.decide`` are tuned for samples-F1, which rewards recall: at
them a narrative label is right about as often as it is wrong. A label or role is shown as a
*finding* only when its score reaches a threshold calibrated for precision on cross-validated
predictions of the training split (:func:`precision_threshold`, per narrative and per main
role; stored in the model's ``narratives.json`` under ``thresholds.findings``); below it, it is
kept and shown as such ("below the model's precision threshold"), never as a finding. A label
that no sentence of its article cues (:func:`cue_terms`) has no evidence and is no finding.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: The precision a finding must have had in cross-validation (rows at or above its threshold
#: right at least this often) and the cross-validated predictions it must rest on. A narrative
#: or role that never gets there is never a finding. 0.7: right more than two times in three,
#: where the samples-F1 thresholds give ~0.5 for narratives.
TARGET_PRECISION = 0.7
MIN_SUPPORT = 10
#: Terms of a label's head that count as its cues: the strongest positive weights among words
#: in at most MAX_CUE_DF of the training articles (5%: about 20 of the 399).
HEAD_CUES = 5
MAX_CUE_DF = 0.05
_WORD = re.compile(r"\w+", re.UNICODE)
#: A label's cues: whole terms, and 5-letter stems of its name's words.
Cues = tuple[frozenset[str], frozenset[str]]


def precision_threshold(scores: Sequence[float], correct: Sequence[bool], *,
                        target: float = TARGET_PRECISION, min_support: int = MIN_SUPPORT,
                        groups: Sequence[str] | None = None) -> float | None:
    """The lowest score at which the predictions at or above it were right at least
    ``target`` of the time, over at least ``min_support`` of them; None when no score is.

    With ``groups`` (which model made each prediction, when a score may come from either and
    the threshold cannot tell them apart) the predictions at or above the threshold must
    reach ``target`` within every group that has some; ``min_support`` counts them all.

    >>> precision_threshold([0.9, 0.8, 0.7, 0.6, 0.5], [1, 1, 1, 0, 0], target=0.75, min_support=2)
    0.6
    >>> precision_threshold([0.9, 0.8, 0.7], [1, 0, 1], target=0.6, min_support=1)  # 2 of 3
    0.7
    >>> precision_threshold([0.9, 0.8], [0, 0], target=0.75, min_support=1) is None
    True
    >>> precision_threshold([0.9, 0.8, 0.7, 0.6], [1, 1, 1, 0], target=0.75, min_support=1,
    ...                     groups=["a", "a", "a", "b"])  # b's only prediction is wrong
    0.7
    """
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    s = s[order]
    right = np.asarray(correct, dtype=float)[order]
    names = ["" for _ in order] if groups is None else [str(groups[i]) for i in order]
    best: float | None = None
    for n in range(len(s)):
        if n + 1 < len(s) and s[n + 1] == s[n]:
            continue  # a threshold takes every row of its score
        if n + 1 < min_support:
            continue
        above, ok = names[:n + 1], right[:n + 1]
        if all(ok[[x == g for x in above]].mean() >= target for g in set(above)):
            best = float(s[n])
    return best


def calibrate(rows: Iterable[tuple[str, float, bool] | tuple[str, float, bool, str]], *,
              target: float = TARGET_PRECISION, min_support: int = MIN_SUPPORT) -> dict[str, Any]:
    """Per key, the precision threshold of ``(key, score, correct)`` predictions and what it
    keeps: ``{"thresholds": {key: t | None}, "precision": {key: p}, "kept": {key: n},
    "predicted": {key: n}}`` (precision and kept at the threshold). Rows of four,
    ``(key, score, correct, group)``, are calibrated per group as :func:`precision_threshold`
    says, and what the threshold keeps of each group is under ``"groups"``.

    >>> calibrate([("a", 0.9, True)] * 3 + [("a", 0.2, False)] * 2, min_support=2)["thresholds"]
    {'a': 0.9}
    """
    by_key: dict[str, tuple[list[float], list[bool], list[str]]] = {}
    grouped = False
    for row in rows:
        key, score, right = row[:3]
        scores, correct, groups = by_key.setdefault(key, ([], [], []))
        scores.append(float(score))
        correct.append(bool(right))
        groups.append(str(row[3]) if len(row) > 3 else "")
        grouped = grouped or len(row) > 3
    out: dict[str, Any] = {"target_precision": target, "min_support": min_support,
                           "thresholds": {}, "precision": {}, "kept": {}, "predicted": {}}
    for key in sorted(by_key):
        scores, correct, groups = by_key[key]
        t = precision_threshold(scores, correct, target=target, min_support=min_support,
                                groups=groups if grouped else None)
        out["thresholds"][key] = None if t is None else round(t, 4)
        out["predicted"][key] = len(scores)
        kept = [(c, g) for s, c, g in zip(scores, correct, groups) if t is not None and s >= t]
        out["kept"][key] = len(kept)
        if kept:
            out["precision"][key] = round(sum(c for c, _ in kept) / len(kept), 3)
        if grouped:
            out.setdefault("groups", {})[key] = {
                g: {"predicted": groups.count(g), "kept": sum(1 for _, h in kept if h == g),
                    "precision": round(sum(c for c, h in kept if h == g)
                                       / max(1, sum(1 for _, h in kept if h == g)), 3)
                    if any(h == g for _, h in kept) else None}
                for g in sorted(set(groups))}
    return out


@dataclass(frozen=True)
class FindingThresholds:
    """The calibrated thresholds of a model (``thresholds.findings`` in its metadata).
    A key without a threshold (None, or absent from a model calibrated before) is never a
    finding."""

    narratives: Mapping[str, float | None] = field(default_factory=dict)
    roles: Mapping[str, float | None] = field(default_factory=dict)
    calibrated: bool = False

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> FindingThresholds:
        findings = (meta.get("thresholds") or {}).get("findings")
        if not isinstance(findings, Mapping):
            return cls()
        return cls(narratives=dict(findings.get("narratives") or {}),
                   roles=dict(findings.get("roles") or {}), calibrated=True)

    def narrative_note(self, narrative: str, score: float | None,
                       evidence: Sequence[Any]) -> str | None:
        """Why a label is not a finding (what the report and the web show beside it); None
        when it is one.

        >>> t = FindingThresholds({"URW: X": 0.5, "URW: Y": None}, calibrated=True)
        >>> t.narrative_note("URW: X", 0.6, [(0, 9)]), t.narrative_note("URW: X", 0.4, [(0, 9)])
        (None, 'below threshold: not a finding')
        >>> t.narrative_note("URW: Y", 0.9, [(0, 9)]), t.narrative_note("URW: X", 0.9, [])
        ('never precise in cross-validation: not a finding', 'no sentence mentions it: not a finding')
        """
        return _note(self.narratives, narrative, score, evidence=bool(evidence),
                     calibrated=self.calibrated)

    def role_note(self, main_role: str, score: float | None) -> str | None:
        """Why a framing is not a finding; None when it is one (see :meth:`narrative_note`).

        >>> FindingThresholds({"URW: X": 0.5}, calibrated=True).role_note("Antagonist", 0.9)
        'not calibrated: not a finding'
        """
        return _note(self.roles, main_role, score, evidence=True, calibrated=self.calibrated)

    def narrative(self, narrative: str, score: float | None, evidence: Sequence[Any]) -> bool:
        """Is a label of ``narrative`` with this score and evidence a finding?

        >>> FindingThresholds({"URW: X": 0.5}, calibrated=True).narrative("URW: X", 0.6, [(0, 9)])
        True
        >>> t = FindingThresholds({"URW: X": 0.5, "URW: Y": None}, calibrated=True)
        >>> t.narrative("URW: X", 0.6, []), t.narrative("URW: X", 0.4, [(0, 9)]), t.narrative("URW: Y", 0.99, [(0, 9)])
        (False, False, False)
        """
        return bool(evidence) and _reaches(self.narratives.get(narrative), score)

    def role(self, main_role: str, score: float | None) -> bool:
        """Is a framing with this main role and score (P(main role)) a finding?

        >>> FindingThresholds(roles={"Antagonist": 0.6}, calibrated=True).role("Antagonist", 0.59)
        False
        """
        return _reaches(self.roles.get(main_role), score)


def _note(thresholds: Mapping[str, float | None], key: str, score: float | None, *,
          evidence: bool, calibrated: bool) -> str | None:
    if not calibrated or key not in thresholds:
        return "not calibrated: not a finding"
    if thresholds[key] is None:
        return "never precise in cross-validation: not a finding"
    if not evidence:
        return "no sentence mentions it: not a finding"
    if not _reaches(thresholds[key], score):
        return "below threshold: not a finding"
    return None


def _reaches(threshold: float | None, score: float | None) -> bool:
    return threshold is not None and score is not None and score >= threshold


def finding_thresholds(directory: Path | None = None) -> FindingThresholds:
    """The finding thresholds of the model in ``directory`` (default: the shipped one), read
    from its metadata only (no arrays); uncalibrated (nothing a finding) when it has none."""
    from ._model import DEFAULT_DIR, META

    path = Path(directory or DEFAULT_DIR) / META
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return FindingThresholds()
    return FindingThresholds.from_meta(meta)


def name_words(label: str) -> set[str]:
    """The content words of a label's name (lowercase, 4+ letters, without the domain prefix).

    >>> sorted(name_words("URW: Discrediting Ukraine: Ukraine is a hub for criminal activities"))
    ['activities', 'criminal', 'discrediting', 'ukraine']
    """
    words = _WORD.findall(label.split(":", 1)[-1].lower())
    return {w for w in words if len(w) >= 4 and w not in _NAME_STOP}


#: Name words that say nothing about what a sentence is about.
_NAME_STOP = frozenset({"about", "against", "rather", "than", "other", "others", "that",
                        "with", "from", "will", "whatever", "they", "their", "there", "more"})


def cue_terms(head_weights: np.ndarray, vocabulary: Mapping[str, int], labels: Iterable[str],
              *, idf: np.ndarray | None = None, top: int = HEAD_CUES,
              max_df: float = MAX_CUE_DF, terms: np.ndarray | None = None) -> Cues:
    """``(terms, stems)``: the label head's ``top`` strongest positive terms among those in at
    most ``max_df`` of the training articles (by ``idf``, sklearn's smooth idf: a word most
    articles of a domain use, "regime", "attack", marks no label), and the 5-letter stems of
    the words of the label names (so "nazism" cues "Nazi", "weapons" "weapon"). ``terms``:
    :func:`vocabulary_terms` of ``vocabulary``, made once by a caller that asks for many labels.

    >>> terms, stems = cue_terms(np.array([0.5, -1.0, 2.0]), {"war": 0, "tea": 1, "tank": 2},
    ...                          ["URW: Nuclear weapons"], top=2)
    >>> sorted(terms), sorted(stems)
    (['tank', 'war'], ['nucle', 'weapo'])
    """
    names = vocabulary_terms(vocabulary) if terms is None else terms
    rare = np.ones(len(head_weights), bool) if idf is None else idf >= 1.0 + np.log(1.0 / max_df)
    weights = np.where(rare, head_weights, -np.inf)
    best = [int(k) for k in np.argsort(-weights)[:top] if weights[k] > 0]
    stems = {w[:5] for label in labels for w in name_words(label)}
    return frozenset(str(names[k]) for k in best), frozenset(stems)


def vocabulary_terms(vocabulary: Mapping[str, int]) -> np.ndarray:
    """The terms of a ``term -> column`` vocabulary by column (an object array).

    >>> vocabulary_terms({"war": 1, "tea": 0}).tolist()
    ['tea', 'war']
    """
    names = np.empty(len(vocabulary), dtype=object)
    for term, column in vocabulary.items():
        names[column] = term
    return names


#: A cue shared by more than this share of the narratives (e.g. "ukraine", "climate") says
#: which domain a sentence is about, not which label: it does not count.
MAX_CUE_SHARE = 0.1



def specific_cues(raw: Mapping[str, Cues], *, max_share: float = MAX_CUE_SHARE) -> dict[str, Cues]:
    """Each label's cues without those that more than ``max_share`` of the narratives share
    (a narrative and its subnarratives count once: "<narrative>: <sub>" belongs to the
    narrative before the second colon).

    >>> raw = {f"N{i}": (frozenset({"war", f"t{i}"}), frozenset({"ukrai"})) for i in range(20)}
    >>> raw["N3: Sub"] = (frozenset({"t3", "x"}), frozenset())
    >>> cues = specific_cues(raw)
    >>> sorted(cues["N3"][0]), sorted(cues["N3"][1]), sorted(cues["N3: Sub"][0])
    (['t3'], [], ['t3', 'x'])
    """
    def family(label: str) -> str:
        return ":".join(label.split(":")[:2])

    families: dict[str, tuple[set[str], set[str]]] = {}
    for label, (terms, stems) in raw.items():
        seen = families.setdefault(family(label), (set(), set()))
        seen[0].update(terms)
        seen[1].update(stems)
    limit = max(1, int(max_share * len(families)))
    term_count = Counter(t for terms, _ in families.values() for t in terms)
    stem_count = Counter(t for _, stems in families.values() for t in stems)
    return {label: (frozenset(t for t in cues[0] if term_count[t] <= limit),
                    frozenset(t for t in cues[1] if stem_count[t] <= limit))
            for label, cues in raw.items()}


def has_cue(text: str, cues: Cues) -> bool:
    """Does ``text`` mention a cue term (whole word) or a word starting with a cue stem?

    >>> has_cue("The tanks rolled in.", (frozenset({"tank"}), frozenset()))
    False
    >>> has_cue("Nazis, they said.", (frozenset(), frozenset({"nazis"[:5]})))
    True
    >>> has_cue("Western aid", (frozenset(), frozenset({"west"})))  # a 4-letter name word
    True
    """
    terms, stems = cues
    starts = tuple(stems)
    for word in _WORD.findall(text.lower()):
        if word in terms or word.startswith(starts):
            return True
    return False


__all__ = ["Cues", "FindingThresholds", "TARGET_PRECISION", "calibrate", "cue_terms",
           "finding_thresholds", "has_cue", "precision_threshold", "specific_cues",
           "vocabulary_terms"]
