"""Generate a copy-detection benchmark: originals, edited copies of them, and distractors.

Originals are read at run time from ../shared (SemEval-2025 Task 10 EN train texts, Zyte
article bodies) and are never copied into the repository; a synthetic source (pseudo-words
with a Zipf distribution) needs no data at all. Every document (original, copy or
distractor) is wrapped in the boilerplate of a made-up outlet, so unrelated documents share
boilerplate the way articles of one site do; copies get another outlet's boilerplate and
then one of these edits:

* ``reprint``    - other boilerplate only (re-syndication)
* ``edited``     - light word edits (2-4 % of words substituted, deleted or inserted)
* ``trimmed``    - 1-3 sentences deleted, plus light edits
* ``truncated``  - cut to the first 40-60 % at a sentence boundary
* ``truncated_edited`` - truncated and lightly edited

Positives are all pairs within one group (original + its copies); every other pair is a
negative.

With ``furniture=True`` the corpus is shaped like a crawl of many outlets of unequal size
(Zipf-distributed, so several hold under 5% of the documents), and every article of an outlet
ends with that outlet's own note (an editor's note, a funding line, an author blurb: a
paragraph, not a menu line). Unrelated articles of one outlet then share a paragraph, which
on short articles (``words``: originals cut to about that many words) is a large share of
their text. :func:`raw_documents` gives the corpus as raw inputs (a URL on the outlet's site
each) for the cleaning stage, so that the copy detector sees what cleaning leaves.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from narratrace.reuse._minhash import shingle_set  # noqa: E402
from narratrace.types import Document, RawDocument  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEMEVAL = SHARED / "data/semeval2025-task10/EN/train/raw-documents"
ZYTE = SHARED / "data/zyte-aeb/ground-truth.json"
EDITS = ("reprint", "edited", "trimmed", "truncated", "truncated_edited")
MIN_WORDS = 150

# Made-up outlets and boilerplate written for this benchmark.
_OUTLETS = ("The Morning Ledger", "Coastline Post", "Daily Meridian", "Northgate Herald",
            "Valley Wire", "Harbor Times", "Capital Dispatch", "Lakeside Observer")
_HEADERS = ("Home | World | Politics | Business | Opinion",
            "{outlet} — Breaking news and analysis",
            "Menu  Search  Sign in",
            "Listen to this article  5 min",
            "Share on Facebook  Share on X  Copy link")
_FOOTERS = ("Subscribe to {outlet} to get the day's top stories straight to your inbox.",
            "© {year} {outlet}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
            "Follow {outlet} on Telegram and never miss an update.",
            "Read more: our editors pick the stories you should not miss this week",
            "Comments are closed for this article.",
            "Download the {outlet} app for breaking news alerts on your phone.")


# A crawl of many outlets (furniture=True): invented names, each with its own closing note.
_FIRST = ("Morning", "Coastline", "Meridian", "Northgate", "Valley", "Harbor", "Capital", "Lakeside",
          "Prairie", "Summit", "Riverside", "Granite")
_LAST = ("Ledger", "Post", "Herald", "Wire", "Courier")
_NOTES = ("Editor's note: {outlet} is supported by readers like you. Our reporters cover the region "
          "without fear or favour, and every donation, however small, keeps the newsroom open for "
          "another year.",
          "{outlet} is a nonprofit newsroom. This story was produced with support from our members and "
          "from local foundations, which have no say over what we report or how we report it.",
          "About the author: our staff writers at {outlet} have covered city hall, the courts and the "
          "schools of the valley for more than twenty years. Send tips and corrections to our news desk.",
          "Correction policy: {outlet} corrects errors of fact promptly and notes every change at the "
          "foot of the article. If you see something that needs fixing, tell us and we will look into it.")


@dataclass
class Corpus:
    documents: list[Document]
    positives: set[tuple[str, str]]
    kind: dict[str, str] = field(default_factory=dict)  # doc id -> original / edit / distractor
    source: dict[str, str] = field(default_factory=dict)  # doc id -> source name
    outlet: dict[str, str] = field(default_factory=dict)  # doc id -> outlet name


# --------------------------------------------------------------------------- originals


def semeval_texts() -> list[str]:
    if not SEMEVAL.is_dir():
        print(f"../shared not present: {SEMEVAL} missing, skipping SemEval originals", file=sys.stderr)
        return []
    return [Path(f).read_text(encoding="utf-8") for f in sorted(glob.glob(str(SEMEVAL / "*.txt")))]


def zyte_texts() -> list[str]:
    if not ZYTE.is_file():
        print(f"../shared not present: {ZYTE} missing, skipping Zyte originals", file=sys.stderr)
        return []
    data = json.loads(ZYTE.read_text(encoding="utf-8"))
    return [v["articleBody"] for _, v in sorted(data.items()) if v.get("articleBody")]


def synthetic_texts(n: int, *, seed: int = 0) -> list[str]:
    """Articles of pseudo-words (Zipf-distributed over a 5,000-word vocabulary)."""
    rng = np.random.default_rng(seed)
    syllables = [c + v for c in "bdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    vocab = sorted({"".join(rng.choice(syllables, rng.integers(1, 4))) for _ in range(7000)})[:5000]
    probs = 1 / np.arange(1, len(vocab) + 1)
    probs /= probs.sum()
    texts = []
    for _ in range(n):
        paragraphs = []
        for _ in range(rng.integers(4, 9)):
            sentences = []
            for _ in range(rng.integers(2, 5)):
                words = list(rng.choice(vocab, rng.integers(8, 26), p=probs))
                sentences.append(" ".join(words).capitalize() + ".")
            paragraphs.append(" ".join(sentences))
        texts.append("\n\n".join(paragraphs))
    return texts


def _dedupe(texts: Iterable[str], *, max_containment: float = 0.2) -> list[str]:
    """Drop texts too short or overlapping an earlier one (sources have their own reprints)."""
    kept: list[str] = []
    seen: dict[int, int] = {}
    for text in texts:
        text = text.strip()
        if len(text.split()) < MIN_WORDS:
            continue
        sh = shingle_set(text)
        hits: dict[int, int] = {}
        for h in sh.tolist():
            if h in seen:
                hits[seen[h]] = hits.get(seen[h], 0) + 1
        if any(c / len(sh) >= max_containment for c in hits.values()):
            continue
        for h in sh.tolist():
            seen.setdefault(h, len(kept))
        kept.append(text)
    return kept


def originals(sources: Sequence[str] = ("semeval", "zyte", "synthetic"), *, synthetic: int = 200,
              seed: int = 0) -> dict[str, list[str]]:
    """Original texts per source, deduplicated within and across sources."""
    loaders = {"semeval": semeval_texts, "zyte": zyte_texts,
               "synthetic": lambda: synthetic_texts(synthetic, seed=seed)}
    out: dict[str, list[str]] = {}
    pooled: list[str] = []
    for name in sources:
        texts = _dedupe(pooled + loaders[name]())[len(_dedupe(pooled)):] if pooled else _dedupe(loaders[name]())
        out[name] = texts
        pooled += texts
    return out


# --------------------------------------------------------------------------- edits

_SENT = re.compile(r"(?<=[.!?])\s+")


def _wrap(text: str, outlet: str, rng: np.random.Generator, note: str | None = None) -> str:
    year = int(rng.integers(2019, 2026))
    head = [h.format(outlet=outlet) for h in rng.choice(_HEADERS, rng.integers(1, 4), replace=False)]
    foot = [f.format(outlet=outlet, year=year) for f in rng.choice(_FOOTERS, rng.integers(1, 4), replace=False)]
    body = [text, "", note] if note else [text]
    return "\n".join(head + body + foot)


def crawl_outlets(n: int = 40) -> list[str]:
    """``n`` invented outlet names (at most 60)."""
    return [f"The {a} {b}" for b in _LAST for a in _FIRST][:n]


def outlet_note(outlet: str) -> str:
    """The note a crawl outlet puts under each of its articles (its name filled in)."""
    return _NOTES[crawl_outlets(60).index(outlet) % len(_NOTES)].format(outlet=outlet)


def shorten(text: str, words: int) -> str:
    """``text`` cut at the first sentence end past ``words`` words."""
    kept: list[str] = []
    for s in _sentences(text):
        kept.append(s)
        if len(" ".join(kept).split()) >= words:
            break
    return " ".join(kept)


def raw_documents(corpus: Corpus) -> list[RawDocument]:
    """The corpus as raw text inputs, each with a URL on its outlet's site."""
    return [RawDocument(id=d.id, path=f"{d.id}.txt", content=d.source_text, format="text", encoding="utf-8",
                        url=f"https://www.{re.sub(r'[^a-z]+', '', corpus.outlet[d.id].lower())}.example/{d.id}")
            for d in corpus.documents]


def _light_edits(text: str, rng: np.random.Generator, rate: float) -> str:
    words = text.split(" ")
    out: list[str] = []
    fillers = ("reportedly", "also", "now", "officially", "recently", "still")
    for w in words:
        r = rng.random()
        if r < rate / 3:
            continue  # deletion
        if r < 2 * rate / 3:
            out.append(str(rng.choice(fillers)))  # substitution
            continue
        out.append(w)
        if r < rate:
            out.append(str(rng.choice(fillers)))  # insertion
    return " ".join(out)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT.split(text) if s]


def edit(text: str, how: str, rng: np.random.Generator) -> str:
    """One edited copy of ``text`` (without boilerplate)."""
    if how == "reprint":
        return text
    if how == "edited":
        return _light_edits(text, rng, float(rng.uniform(0.02, 0.04)))
    if how == "trimmed":
        sents = _sentences(text)
        drop = set(rng.choice(len(sents), min(len(sents) - 1, int(rng.integers(1, 4))), replace=False).tolist())
        return _light_edits(" ".join(s for k, s in enumerate(sents) if k not in drop), rng, 0.02)
    if how in ("truncated", "truncated_edited"):
        sents = _sentences(text)
        target = len(text) * rng.uniform(0.4, 0.6)
        kept, size = [], 0
        for s in sents:
            if size >= target:
                break
            kept.append(s)
            size += len(s) + 1
        cut = " ".join(kept)
        return _light_edits(cut, rng, 0.02) if how == "truncated_edited" else cut
    raise ValueError(f"unknown edit {how!r}; use one of {EDITS}")


def build(texts: dict[str, list[str]], *, copies: tuple[int, int] = (1, 3),
          distractor_share: float = 0.3, seed: int = 0, furniture: bool = False,
          words: int | None = None) -> Corpus:
    """Wrap originals, add edited copies to ``1 - distractor_share`` of them.

    ``furniture``: a crawl of 40 outlets of Zipf-distributed size, each article closing with
    its outlet's note; ``words``: originals cut to about that many words first."""
    rng = np.random.default_rng(seed)
    corpus = Corpus([], set())
    outlets = crawl_outlets() if furniture else list(_OUTLETS)
    weights = 1 / np.arange(1, len(outlets) + 1)
    note = {o: outlet_note(o) for o in outlets} if furniture else {}

    def pick(exclude: str | None = None) -> str:
        names = [o for o in outlets if o != exclude]
        if not furniture:  # uniform, drawn as before (the pinned corpora stay the same)
            return str(rng.choice(names))
        w = weights[[outlets.index(o) for o in names]]
        return str(rng.choice(names, p=w / w.sum()))

    for source, items in texts.items():
        for g, text in enumerate(items):
            if words is not None:
                text = shorten(text, words)
            group = f"{source[:3]}{g:05d}"
            outlet = pick()
            members = [(f"{group}-orig", _wrap(text, outlet, rng, note.get(outlet)), "original", outlet)]
            if rng.random() >= distractor_share:
                for c in range(int(rng.integers(copies[0], copies[1] + 1))):
                    how = str(rng.choice(EDITS))
                    other = pick(outlet)
                    members.append((f"{group}-c{c}", _wrap(edit(text, how, rng), other, rng, note.get(other)),
                                    how, other))
            else:
                members[0] = (members[0][0], members[0][1], "distractor", outlet)
            for doc_id, body, kind, where in members:
                corpus.documents.append(Document(id=doc_id, path=doc_id, text=body, source_text=body))
                corpus.kind[doc_id] = kind
                corpus.source[doc_id] = source
                corpus.outlet[doc_id] = where
            ids = sorted(m[0] for m in members)
            corpus.positives.update(combinations(ids, 2))
    return corpus


def evaluate(corpus: Corpus, predicted: Iterable[tuple[str, str]], *, source: str | None = None) -> dict[str, float]:
    """Pairwise precision / recall / F1 (restricted to pairs of one source when given)."""
    def keep(pair: tuple[str, str]) -> bool:
        return source is None or corpus.source[pair[0]] == source or corpus.source[pair[1]] == source
    pred = {tuple(sorted(p)) for p in predicted if keep(tuple(p))}
    gold = {p for p in corpus.positives if keep(p)}
    tp = len(pred & gold)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "gold": len(gold), "predicted": len(pred), "tp": tp}


def recall_by_edit(corpus: Corpus, predicted: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Recall of original<->copy pairs per edit kind."""
    pred = {tuple(sorted(p)) for p in predicted}
    out: dict[str, float] = {}
    for how in EDITS:
        gold = [p for p in corpus.positives
                if {corpus.kind[p[0]], corpus.kind[p[1]]} == {"original", how}]
        if gold:
            out[how] = round(sum(p in pred for p in gold) / len(gold), 4)
    return out


if __name__ == "__main__":  # pragma: no cover
    c = build(originals())
    print(len(c.documents), "documents,", len(c.positives), "positive pairs", file=sys.stderr)
    os.makedirs("/tmp/reuse", exist_ok=True)
