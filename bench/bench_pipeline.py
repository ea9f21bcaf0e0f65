"""Whole-pipeline words/s against spaCy's own parse of the same clean texts, in one run.

    python bench/bench_pipeline.py [PATH ...]   (default: examples/corpus and ../shared/seeds)

Prints both rates and their ratio (target ≥ 0.8 once every stage is tuned, issue #7).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from narratrace import Options, analyze, open_store
from narratrace.ingest import iter_inputs
from narratrace.nlp import load_spacy
from narratrace.pipeline import prepare_documents
from narratrace.types import RawDocument

root = Path(__file__).resolve().parents[1]
paths = [Path(p) for p in sys.argv[1:]] or [p for p in (root / "examples" / "corpus",
                                                        root.parent / "shared" / "seeds") if p.exists()]
options = Options()
raws = [r for r in iter_inputs(paths, options=options) if isinstance(r, RawDocument)]
documents, _ = prepare_documents(raws, options=options)
texts = [d.text for d in documents if d.language == "en"]
words = sum(len(t.split()) for t in texts)

nlp = load_spacy("en")
list(nlp.pipe(texts[:2]))  # warm-up
t0 = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=options.batch_size):
    pass
parse_s = time.perf_counter() - t0

# Load every model before timing, as spaCy's was warmed above: the ratio compares throughput,
# not model start-up (which a long run pays once).
from narratrace.narratives import load_model
from narratrace.nlp import embed

for lang in sorted({d.language for d in documents if d.analysed and d.language}):
    load_spacy(lang)
embed(["warm-up"])
load_model()

phases: dict[str, float] = {}


def hook(phase: str, n: int, total: int | None) -> None:
    phases.setdefault(phase, time.perf_counter())


with tempfile.TemporaryDirectory() as tmp:
    store = open_store(Path(tmp) / "bench.sqlite")
    t0 = time.perf_counter()
    analyze(paths, store=store, options=options, progress=hook)
    pipeline_s = time.perf_counter() - t0
    end = time.perf_counter()

print(f"documents: {len(documents)} ({len(texts)} English), words: {words}")
print(f"spaCy parse only:   {words / parse_s:8.0f} words/s")
print(f"whole pipeline:     {words / pipeline_s:8.0f} words/s (ingest, clean, all stages, store)")
if {"analyse", "corpus"} <= phases.keys():
    print(f"  phases: read {phases['analyse'] - t0:.1f} s, per-document {phases['corpus'] - phases['analyse']:.1f} s,"
          f" corpus stages {end - phases['corpus']:.1f} s")
print(f"ratio pipeline/spaCy: {parse_s / pipeline_s:.2f}  (target ≥ 0.8)")
