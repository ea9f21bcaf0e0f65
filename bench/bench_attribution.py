"""Time spaCy's parse against extract_attributions on the seeds and some PolNeAR dev texts,
and the growth of extract_attributions with the length of one document.

    .venv/bin/python bench/bench_attribution.py [--dev 20] [--long 50000,100000,200000,400000]

Prints both times and the ratio attribution / parse (target: <= ~0.2; the typed mentions are
the entities stage's work and are found before the clock starts, as in the pipeline). With
``--long``, one synthetic document of each length (invented quotes, reported speech, role
nouns and pronouns) is parsed, then attributed; the fitted exponent of attribution time
against length must stay near 1 (it was quadratic and worse before the speaker rework).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import math
import random

from narratrace.attribution import extract_attributions
from narratrace.entities import extract_mentions
from narratrace.nlp import load_spacy
from narratrace.types import Document

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=int, default=20, help="number of PolNeAR dev texts")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--long", default="", help="comma-separated document lengths in characters")
    args = ap.parse_args()
    if args.long:
        return long_documents([int(x) for x in args.long.split(",")])
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8")
              for p in sorted((SHARED / "data/polnear/data/dev/text").glob("*.txt"))[:args.dev]]
    if not texts:
        raise SystemExit("../shared not present: nothing to benchmark")
    nlp = load_spacy("en")
    nlp("warm up")
    parse_s = extract_s = 0.0
    n = 0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=25))
        parse_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        documents = [Document(id=str(i), path="", text=text, source_text=text) for i, text in enumerate(texts)]
        mentions = [extract_mentions(d, parsed) for d, parsed in zip(documents, docs)]
        t0 = time.perf_counter()
        for d, parsed, found in zip(documents, docs, mentions):
            n += len(extract_attributions(d, parsed, mentions=found))
        extract_s += time.perf_counter() - t0
    chars = sum(map(len, texts))
    print(f"{len(texts)} texts, {chars} chars, {n // args.repeat} attributions per pass")
    print(f"spaCy parse:          {parse_s / args.repeat:.3f} s per pass")
    print(f"extract_attributions: {extract_s / args.repeat:.3f} s per pass")
    print(f"ratio attribution/parse: {extract_s / parse_s:.3f}")


_NAMES = ["Anna Petrenko", "Tom Reyes", "Mirela Dancu", "Oleg Varga", "Ines Moll"]


def _long_text(size: int) -> str:
    rng = random.Random(7)
    parts: list[str] = []
    n = 0
    while n < size:
        who, i, r = rng.choice(_NAMES), len(parts), rng.random()
        if r < 0.3:
            p = f"“We will not accept plan {i},” {who} said on Tuesday."
        elif r < 0.6:
            p = f"{who} told reporters that vote {i} had been delayed, and added that it was unfair."
        elif r < 0.8:
            p = f"According to the Daily Courier, plant {i} will close next year."
        else:
            p = f"The minister said report {i} was false. “It is a lie,” he said."
        parts.append(p)
        n += len(p) + 2
    return "\n\n".join(parts)


def long_documents(sizes: list[int]) -> None:
    nlp = load_spacy("en")
    nlp.max_length = max(sizes) * 2
    points = []
    for size in sizes:
        text = _long_text(size)
        parsed = nlp(text)
        d = Document(id="long", path="", text=text, source_text=text)
        found = extract_mentions(d, parsed)
        t0 = time.process_time()
        n = len(extract_attributions(d, parsed, mentions=found))
        took = time.process_time() - t0
        points.append((len(text), took))
        print(f"{len(text):>9} chars  {n:>6} attributions  {took:7.2f} s CPU")
    if len(points) >= 2:
        xs = [math.log(c) for c, _ in points]
        ys = [math.log(max(t, 1e-6)) for _, t in points]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        print(f"growth exponent (time ~ length^k): k = {slope:.2f}")


if __name__ == "__main__":
    main()
