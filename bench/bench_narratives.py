"""Benchmark the narratives stage: model load time and per-article inference after loading.

    .venv/bin/python bench/bench_narratives.py [--data DIR] [--limit N]

DIR defaults to ../shared/data/semeval2025-task10/EN/train/raw-documents (read-only).
Inference = classify_narratives (regex sentences, evidence) + frame_entities on 5 mentions
(contextual heads: one sentence-encoder pass per mention; ``--tfidf-only`` skips them). The
encoder is loaded and warmed before timing, as in a pipeline run; its load time is printed.
torch runs on ``--threads`` threads (default 1, as in the pipeline's worker processes).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from narratrace.narratives import classify_narratives, frame_entities, load_model
from narratrace.types import Document

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/semeval2025-task10/EN/train/raw-documents"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--tfidf-only", action="store_true", help="frame without the sentence encoder")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (pipeline workers: 1)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    model = load_model()
    load_s = time.perf_counter() - t0
    docs = [p.read_text(encoding="utf-8") for p in sorted(args.data.glob("*.txt"))[:args.limit]]
    contextual = not args.tfidf_only
    t0 = time.perf_counter()
    if contextual:  # load torch + the encoder and run it once, outside the timed loop
        import torch

        torch.set_num_threads(args.threads)
        warm = Document(id="w", path="w", text=docs[0], source_text=docs[0])
        frame_entities(warm, [(0, 1, docs[0][:1])], model=model)
    encoder_s = time.perf_counter() - t0
    times = []
    for i, text in enumerate(docs):
        doc = Document(id=str(i), path=str(i), text=text, source_text=text)
        words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[A-Z]\w+", text)][:5]
        t = time.perf_counter()
        classify_narratives(doc, model=model)
        frame_entities(doc, words, model=model, contextual=contextual)
        times.append((time.perf_counter() - t) * 1000)
    print(f"load: {load_s:.2f} s" + (f", encoder load + warm-up {encoder_s:.2f} s" if contextual else ""))
    print(f"articles: {len(times)}, mean {statistics.fmean(times):.1f} ms, "
          f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms, "
          f"mean chars {statistics.fmean(len(d) for d in docs):.0f}")


if __name__ == "__main__":
    main()
