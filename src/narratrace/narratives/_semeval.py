"""SemEval-2025 Task 10 official formats: reading, writing and scoring.

Layout of a data directory::

    DIR/raw-documents/<id>.txt
    DIR/subtask-2-annotations.txt     id \\t narratives (;) \\t subnarratives (;)   (gold, optional)
    DIR/subtask-1-annotations.txt     id \\t mention \\t start \\t end \\t main \\t fine...  (gold, optional)
    DIR/subtask-1-entity-mentions.txt id \\t mention \\t start \\t end        (mentions to frame, optional)

Offsets in the subtask-1 files are character offsets with an INCLUSIVE end
(``text[start:end + 1] == mention``); inside narratrace ends are exclusive, so the readers add
one and the writer subtracts one. Three training articles carry offsets shifted by one or two
characters; :func:`read_framing` re-anchors a mention on the nearest exact occurrence within
``realign`` characters and keeps the given offsets otherwise.

Scoring mirrors the official scorers:

* subtask 2: samples-F1 - the per-article F1 of the predicted vs gold label SET, averaged over
  the gold articles (an article without a prediction scores 0). Coarse labels are narratives,
  fine labels are written ``"<narrative>: <subnarrative>"``; ``"Other"`` is an ordinary label in
  both (an article with no narrative is labelled ``Other``/``Other``), and a narrative without a
  specific subnarrative is labelled ``"<narrative>: Other"``. Labels outside the official lists
  are dropped before scoring, as the official ``MultiLabelBinarizer(classes=...)`` does. The
  scorer prints ``mean (std)`` of the per-article F1; we return both.
* subtask 1: mentions are matched on ``(id, start, end)``; main-role accuracy and the exact-match
  ratio (EMR, the official metric) of the fine-role set, over the gold mentions.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

NARRATIVES_FILE = "subtask-2-annotations.txt"
FRAMING_FILE = "subtask-1-annotations.txt"
MENTIONS_FILE = "subtask-1-entity-mentions.txt"
NARRATIVE_PREDICTIONS = "subtask-2-predictions.txt"
FRAMING_PREDICTIONS = "subtask-1-predictions.txt"
OTHER = "Other"
MAIN_ROLES = ("Protagonist", "Antagonist", "Innocent")


@dataclass(frozen=True, slots=True)
class GoldNarratives:
    coarse: frozenset[str]
    fine: frozenset[str]


@dataclass(frozen=True, slots=True)
class FramingRow:
    """One subtask-1 line; ``end`` is exclusive here. Roles are empty for a mentions file."""

    doc: str
    mention: str
    start: int
    end: int
    main_role: str = ""
    fine_roles: tuple[str, ...] = ()


def _lines(path: Path) -> Iterable[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        for number, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if line.strip():
                yield [number, *line.split("\t")]  # type: ignore[list-item]


def read_documents(data_dir: Path) -> dict[str, str]:
    """Read ``DIR/raw-documents/*.txt`` as ``{file name: text}`` (offsets index this text)."""
    folder = Path(data_dir) / "raw-documents"
    if not folder.is_dir():
        raise InputError(f"{folder} does not exist; a SemEval data directory holds the articles "
                         "in raw-documents/<id>.txt.")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def read_narratives(path: Path) -> dict[str, GoldNarratives]:
    """Read a subtask-2 gold or prediction file."""
    out: dict[str, GoldNarratives] = {}
    for number, *cols in _lines(Path(path)):
        if len(cols) != 3:
            raise InputError(f"{path}:{number}: expected 3 tab-separated columns "
                             f"(id, narratives, subnarratives), got {len(cols)}.")
        doc, coarse, fine = cols
        out[doc] = GoldNarratives(frozenset(_split_labels(coarse)), frozenset(_split_labels(fine)))
    return out


def _split_labels(cell: str) -> list[str]:
    return [x.strip() for x in cell.split(";") if x.strip()]


def read_framing(path: Path, *, texts: Mapping[str, str] | None = None,
                 realign: int = 3) -> list[FramingRow]:
    """Read a subtask-1 annotations or entity-mentions file (end made exclusive)."""
    rows = []
    for number, *cols in _lines(Path(path)):
        if len(cols) < 4:
            raise InputError(f"{path}:{number}: expected at least 4 tab-separated columns "
                             f"(id, mention, start, end), got {len(cols)}.")
        doc, mention, start_s, end_s, *roles = cols
        try:
            start, end = int(start_s), int(end_s) + 1
        except ValueError:
            raise InputError(f"{path}:{number}: start/end must be integers, got "
                             f"{start_s!r}, {end_s!r}.") from None
        if texts is not None and doc in texts:
            start, end = _realign(texts[doc], mention, start, end, realign)
        main = roles[0].strip() if roles else ""
        if main and main not in MAIN_ROLES:
            raise InputError(f"{path}:{number}: unknown main role {main!r}; "
                             f"expected one of {', '.join(MAIN_ROLES)}.")
        fine = tuple(r.strip() for r in roles[1:] if r.strip())
        rows.append(FramingRow(doc, mention, start, end, main, fine))
    return rows


def _realign(text: str, mention: str, start: int, end: int, window: int) -> tuple[int, int]:
    if text[start:end] == mention:
        return start, end
    for shift in sorted(range(-window, window + 1), key=abs):
        s = start + shift
        if s >= 0 and text[s:s + len(mention)] == mention:
            return s, s + len(mention)
    return start, end


def format_narratives(doc: str, narratives: Sequence[str], subnarratives: Sequence[str]) -> str:
    """One subtask-2 prediction line (no newline)."""
    return "\t".join([doc, ";".join(narratives) or OTHER, ";".join(subnarratives) or OTHER])


def format_framing(row: FramingRow) -> str:
    """One subtask-1 prediction line (no newline); the end offset is written inclusive."""
    return "\t".join([row.doc, row.mention, str(row.start), str(row.end - 1), row.main_role,
                      *row.fine_roles])


def write_lines(path: Path, lines: Iterable[str]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line + "\n")
            count += 1
    return count


def _f1(gold: frozenset[str], pred: frozenset[str]) -> float:
    if not gold and not pred:
        return 1.0
    hit = len(gold & pred)
    return 2.0 * hit / (len(gold) + len(pred)) if hit else 0.0


def samples_f1(gold: Mapping[str, frozenset[str]], pred: Mapping[str, frozenset[str]], *,
               classes: Iterable[str] | None = None) -> tuple[float, float]:
    """``(mean, std)`` of per-article F1 over the gold articles, as the official scorer prints.

    >>> samples_f1({"a": frozenset({"X", "Y"})}, {"a": frozenset({"X"})})
    (0.6667, 0.0)
    """
    keep = frozenset(classes) if classes is not None else None
    scores = []
    for doc, g in gold.items():
        p = pred.get(doc, frozenset())
        if keep is not None:
            g, p = g & keep, p & keep
        scores.append(_f1(g, p))
    if not scores:
        return 0.0, 0.0
    return round(statistics.fmean(scores), 4), round(statistics.pstdev(scores), 4)


def narrative_scores(gold: Mapping[str, GoldNarratives], pred: Mapping[str, GoldNarratives], *,
                     coarse_classes: Iterable[str] | None = None,
                     fine_classes: Iterable[str] | None = None) -> dict[str, float]:
    """Official subtask-2 numbers: samples-F1 coarse and fine (mean and std)."""
    c_mean, c_std = samples_f1({d: g.coarse for d, g in gold.items()},
                               {d: p.coarse for d, p in pred.items()}, classes=coarse_classes)
    f_mean, f_std = samples_f1({d: g.fine for d, g in gold.items()},
                               {d: p.fine for d, p in pred.items()}, classes=fine_classes)
    return {"f1_coarse": c_mean, "f1_coarse_std": c_std, "f1_fine": f_mean, "f1_fine_std": f_std,
            "articles": len(gold)}


def framing_scores(gold: Sequence[FramingRow], pred: Sequence[FramingRow]) -> dict[str, float]:
    """Official subtask-1 numbers: main-role accuracy and exact-match ratio of fine roles."""
    by_key = {(p.doc, p.start, p.end): p for p in pred}
    main = exact = 0
    for g in gold:
        p = by_key.get((g.doc, g.start, g.end))
        if p is None:
            continue
        main += p.main_role == g.main_role
        exact += set(p.fine_roles) == set(g.fine_roles)
    n = len(gold)
    return {"main_role_accuracy": round(main / n, 4) if n else 0.0,
            "exact_match_ratio": round(exact / n, 4) if n else 0.0, "mentions": n}
