"""Quality gate for the CLEAN stage: token overlap of cleaned text with a gold article body.

The gold data is the Zyte article-extraction benchmark layout (``ground-truth.json`` mapping a
page id to ``{"articleBody": ..., "url": ...}``, ``html/<id>.html.gz`` and ``txt/<id>.txt``).
Scores are bag-of-tokens overlap (lower-cased ``\\w+`` tokens, multiset intersection), the
measure used by the Zyte benchmark itself. We report the **mean over pages** (``precision``,
``recall``, ``f1``: every page weighs the same, so long pages do not hide failures on short ones)
and the micro-averaged scores (``micro_*``: pooled token counts) next to it.

>>> _prf(Counter("a b c".split()), Counter("a b d".split()))
(0.6666666666666666, 0.6666666666666666, 0.6666666666666666)
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from ..clean import clean_document
from ..errors import CleaningError, InputError
from ..types import RawDocument

__all__ = ["evaluate_clean", "tokens"]

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    """Bag of lower-cased word tokens of ``text``."""
    return Counter(m.group().lower() for m in _TOKEN.finditer(text))


def _prf(pred: Counter[str], gold: Counter[str]) -> tuple[float, float, float]:
    tp = sum((pred & gold).values())
    p = tp / sum(pred.values()) if pred else 0.0
    r = tp / sum(gold.values()) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _raw(data: bytes, *, path: str, fmt: Literal["html", "text"], url: str | None) -> RawDocument:
    """A RawDocument for an eval page (the benchmark pages are UTF-8)."""
    content = data.decode("utf-8", errors="replace")
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    return RawDocument(id=digest, path=path, content=content, format=fmt, encoding="utf-8", url=url)


def _pages(data_dir: Path, mode: Literal["html", "txt"]) -> Iterator[tuple[str, RawDocument, str]]:
    """Yield (page id, raw document, gold article body) for every page that has an input."""
    truth_path = data_dir / "ground-truth.json"
    if not truth_path.exists():
        raise InputError(f"{truth_path} not found: data_dir must hold ground-truth.json and "
                         f"an {mode}/ folder (the Zyte article-extraction benchmark layout).")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        gold = truth[page_id].get("articleBody") or ""
        url = truth[page_id].get("url")
        if mode == "html":
            path = data_dir / "html" / f"{page_id}.html.gz"
            if not path.exists():
                continue
            raw = _raw(gzip.decompress(path.read_bytes()), path=str(path), fmt="html", url=url)
        else:
            path = data_dir / "txt" / f"{page_id}.txt"
            if not path.exists():
                continue
            raw = _raw(path.read_bytes(), path=str(path), fmt="text", url=None)
        yield page_id, raw, gold


def evaluate_clean(data_dir: Path, *, mode: Literal["html", "txt"],
                   limit: int | None = None,
                   on_page: Callable[[str, dict[str, float]], None] | None = None) -> dict[str, object]:
    """Score ``clean_document`` against gold article bodies under ``data_dir``.

    Returns ``{"mode", "pages", "failed", "averaging", "clean": {...}, "baseline": {...}}``
    where each score block has ``precision``, ``recall``, ``f1`` (mean per page) and
    ``micro_precision``, ``micro_recall``, ``micro_f1``. ``baseline`` keeps everything (the
    plain text, or for HTML the full text rendering of the page). A page the cleaner rejects
    with ``CleaningError`` scores 0 and is counted in ``failed``. ``on_page`` receives each
    page's scores (for error analysis).
    """
    per: dict[str, list[tuple[float, float, float]]] = {"clean": [], "baseline": []}
    pooled = {k: [0, 0, 0] for k in per}  # tp, predicted, gold
    failed = 0
    for i, (page_id, raw, gold) in enumerate(_pages(Path(data_dir), mode)):
        if limit is not None and i >= limit:
            break
        gold_t = tokens(gold)
        try:
            doc = clean_document(raw)
            texts = {"clean": doc.text, "baseline": doc.source_text}
        except CleaningError:
            failed += 1
            texts = {"clean": "", "baseline": raw.content}
        scores: dict[str, float] = {}
        for key, text in texts.items():
            pred = tokens(text)
            per[key].append(_prf(pred, gold_t))
            pooled[key][0] += sum((pred & gold_t).values())
            pooled[key][1] += sum(pred.values())
            pooled[key][2] += sum(gold_t.values())
            scores[f"{key}_f1"] = per[key][-1][2]
        if on_page is not None:
            on_page(page_id, scores)

    def block(key: str) -> dict[str, float]:
        rows = per[key]
        n = len(rows) or 1
        tp, npred, ngold = pooled[key]
        mp = tp / npred if npred else 0.0
        mr = tp / ngold if ngold else 0.0
        return {
            "precision": round(sum(r[0] for r in rows) / n, 4),
            "recall": round(sum(r[1] for r in rows) / n, 4),
            "f1": round(sum(r[2] for r in rows) / n, 4),
            "micro_precision": round(mp, 4),
            "micro_recall": round(mr, 4),
            "micro_f1": round(2 * mp * mr / (mp + mr) if mp + mr else 0.0, 4),
        }

    return {"mode": mode, "pages": len(per["clean"]), "failed": failed,
            "averaging": "mean per page (micro_* pool tokens over pages)",
            "clean": block("clean"), "baseline": block("baseline")}
