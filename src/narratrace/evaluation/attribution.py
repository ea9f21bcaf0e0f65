"""Evaluate attribution extraction on PolNeAR (BRAT standoff: Source, Cue, Content spans).

Metric, content spans: texts are split into word tokens (``\\w+``); a span covers the tokens
it overlaps. A predicted content *matches* a gold content when they share at least one token;
matching is one-to-one, greedy by decreasing token Jaccard (overlap / union), so a long
prediction cannot match two gold contents. P = matched / predicted, R = matched / gold,
F1 their harmonic mean ("overlap"). The same is reported with Jaccard >= 0.5 ("strict").

Source: among matched pairs whose gold attribution has a Source span, the share whose
predicted source *as written* (``Speaker.mention_start/end``; PolNeAR annotates "he", not
its antecedent) shares a token with the gold source.

Gold: an article annotated by several annotators uses the file of the lexicographically
smallest annotator id (deterministic). Only ``text/*.txt`` files with an ``.ann`` are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..types import Attribution, Document

_TOKEN = re.compile(r"\w+")
STRICT_JACCARD = 0.5


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    content: tuple[tuple[int, int], ...]
    source: tuple[tuple[int, int], ...]


def read_brat(path: Path) -> list[GoldAttribution]:
    """Read the attribution relations of one PolNeAR ``.ann`` file."""
    spans: dict[str, tuple[tuple[int, int], ...]] = {}
    events: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            label, _, offsets = parts[1].partition(" ")
            segs = tuple((int(a), int(b)) for a, b in (s.split() for s in offsets.split(";")))
            spans[parts[0]] = segs
            spans[parts[0] + ":type"] = ((0, 0),) if label else ()
        elif parts[0].startswith("E"):
            events.append(parts[1].split())
    out: list[GoldAttribution] = []
    for args in events:
        content: list[tuple[int, int]] = []
        source: list[tuple[int, int]] = []
        for arg in args[1:]:
            role, _, tid = arg.partition(":")
            role = role.rstrip("0123456789")
            if role == "Content":
                content.extend(spans.get(tid, ()))
            elif role == "Source":
                source.extend(spans.get(tid, ()))
        if content:
            out.append(GoldAttribution(tuple(content), tuple(source)))
    return out


def _token_index(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN.finditer(text)]


def _tokens(index: list[tuple[int, int]], spans: tuple[tuple[int, int], ...]) -> frozenset[int]:
    import bisect

    starts = [s for s, _ in index]
    out: set[int] = set()
    for a, b in spans:
        i = max(0, bisect.bisect_right(starts, a) - 1)
        while i < len(index) and index[i][0] < b:
            if index[i][1] > a:
                out.add(i)
            i += 1
    return frozenset(out)


def _match(pred: list[frozenset[int]], gold: list[frozenset[int]], min_jaccard: float) -> list[tuple[int, int]]:
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            inter = len(p & g)
            if inter:
                jac = inter / len(p | g)
                if jac >= min_jaccard:
                    pairs.append((jac, i, j))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def score_document(text: str, predicted: list[Attribution], gold: list[GoldAttribution]) -> dict[str, int]:
    """Counts for one document (they add up over a corpus)."""
    index = _token_index(text)
    pred_tokens = [_tokens(index, ((a.start, a.end),)) for a in predicted]
    keep = [n for n, t in enumerate(pred_tokens) if t]
    predicted = [predicted[n] for n in keep]
    pred_tokens = [pred_tokens[n] for n in keep]
    gold_tokens = [_tokens(index, g.content) for g in gold]
    counts = {"pred": len(predicted), "gold": len(gold)}
    for name, thr in (("overlap", 1e-9), ("strict", STRICT_JACCARD)):
        matches = _match(pred_tokens, gold_tokens, thr)
        counts[f"{name}_tp"] = len(matches)
        if name == "overlap":
            with_source = right = 0
            for i, j in matches:
                if not gold[j].source:
                    continue
                with_source += 1
                sp = predicted[i].speaker
                s = sp.mention_start if sp.mention_start is not None else sp.start
                e = sp.mention_end if sp.mention_end is not None else sp.end
                if s is not None and e is not None and _tokens(index, ((s, e),)) & _tokens(index, gold[j].source):
                    right += 1
            counts["with_source"] = with_source
            counts["source_right"] = right
    return counts


def _prf(tp: int, pred: int, gold: int) -> dict[str, float]:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def load_split(data_dir: Path, *, limit: int | None = None) -> list[tuple[str, str, list[GoldAttribution]]]:
    """``(name, text, gold)`` for the articles of a PolNeAR split directory, in name order."""
    anns: dict[str, Path] = {}
    for ann in sorted((data_dir / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        anns.setdefault(name, ann)  # sorted: the smallest annotator id wins
    out = []
    for name in sorted(anns):
        txt = data_dir / "text" / f"{name}.txt"
        if not txt.exists():
            continue
        out.append((name, txt.read_text(encoding="utf-8"), read_brat(anns[name])))
        if limit is not None and len(out) >= limit:
            break
    return out


def evaluate_attribution(data_dir: Path, *, limit: int | None = None, cache: Path | None = None) -> dict:
    """Score ``extract_attributions`` on a PolNeAR split directory (with text/ and attributions/).

    ``cache`` names a DocBin file to reuse parses across runs (written when missing).

    >>> # evaluate_attribution(Path("../shared/data/polnear/data/dev"))["overlap"]["f1"]
    """
    from spacy.tokens import DocBin

    from ..attribution import extract_attributions
    from ..nlp import load_spacy

    data_dir = Path(data_dir)
    articles = load_split(data_dir, limit=limit)
    if not articles:
        raise FileNotFoundError(f"No PolNeAR articles under {data_dir}; expected text/ and attributions/.")
    nlp = load_spacy("en")
    texts = [t for _, t, _ in articles]
    docs = None
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] != texts:
            docs = None
    if docs is None:
        docs = list(nlp.pipe(texts, batch_size=20))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            DocBin(docs=docs).to_disk(cache)
    totals: dict[str, int] = {}
    for (name, text, gold), parsed in zip(articles, docs):
        doc = Document(id=name, path=name, text=text, source_text=text)
        counts = score_document(text, extract_attributions(doc, parsed, scope="all"), gold)
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
    return {
        "articles": len(articles),
        "predicted": totals["pred"],
        "gold": totals["gold"],
        "overlap": _prf(totals["overlap_tp"], totals["pred"], totals["gold"]),
        "strict": _prf(totals["strict_tp"], totals["pred"], totals["gold"]),
        "source_accuracy": round(totals["source_right"] / totals["with_source"], 4) if totals["with_source"] else 0.0,
        "matched_with_source": totals["with_source"],
    }
