"""Time spaCy's parse against extract_attributions on the seeds and some PolNeAR dev texts.

    .venv/bin/python bench/bench_attribution.py [--dev 20]

Prints both times and the ratio attribution / parse (target: <= ~0.2).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from narratrace.attribution import extract_attributions
from narratrace.nlp import load_spacy
from narratrace.types import Document

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=int, default=20, help="number of PolNeAR dev texts")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
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
        for i, (text, parsed) in enumerate(zip(texts, docs)):
            n += len(extract_attributions(Document(id=str(i), path="", text=text, source_text=text), parsed))
        extract_s += time.perf_counter() - t0
    chars = sum(map(len, texts))
    print(f"{len(texts)} texts, {chars} chars, {n // args.repeat} attributions per pass")
    print(f"spaCy parse:          {parse_s / args.repeat:.3f} s per pass")
    print(f"extract_attributions: {extract_s / args.repeat:.3f} s per pass")
    print(f"ratio attribution/parse: {extract_s / parse_s:.3f}")


if __name__ == "__main__":
    main()
