"""Whole-pipeline words/s against spaCy's own parse of the same clean texts, in one run.

    python bench/bench_pipeline.py [--limit N] [--workers W] [PATH ...]

Default corpus: the SemEval-2025 English training articles in ../shared (399 real news
articles, ~190k words) when present, else examples/corpus and ../shared/seeds. Prints spaCy's
parse rate on one process and on two (``nlp.pipe(n_process=2)``), the whole pipeline's rate
(read, clean, every per-document and corpus stage, store; worker start-up and model loading in
the workers included) and the ratios (target ≥ 0.8 against spaCy's own parse, issue #7).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from narratrace import Options, analyze, open_store
from narratrace.run.engines.processes import cpu_cores, local_workers
from narratrace.ingest import iter_inputs
from narratrace.nlp import load_spacy
from narratrace.run.prepare import prepare_documents
from narratrace.types import RawDocument

root = Path(__file__).resolve().parents[1]
semeval = root.parent / "shared" / "data" / "semeval2025-task10" / "EN" / "train" / "raw-documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="first N files of the default corpus")
    parser.add_argument("--workers", type=int, default=0, help="Options.workers (0: automatic)")
    parser.add_argument("--framing", default="contextual", help="Options.framing: contextual|fast")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        paths = args.paths
        if not paths:
            if semeval.exists():
                files = sorted(semeval.glob("*.txt"))[:args.limit or None]
                corpus = Path(tmp) / "corpus"
                corpus.mkdir()
                for f in files:  # a temporary copy: --limit picks files, analyze takes a folder
                    shutil.copy(f, corpus / f.name)
                paths = [corpus]
            else:
                paths = [p for p in (root / "examples" / "corpus", root.parent / "shared" / "seeds")
                         if p.exists()]
        options = Options(workers=args.workers, quiet=True, framing=args.framing)
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
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=options.batch_size, n_process=2):
            pass
        parse2_s = time.perf_counter() - t0

        workers = local_workers(options, len(documents))
        if workers == 1:
            # One process: load its models before timing, as spaCy's was warmed above (worker
            # processes load their own inside the timed run).
            from narratrace.narratives import load_model
            from narratrace.nlp import embed

            embed(["warm-up"])
            load_model()

        phases: dict[str, float] = {}

        def hook(phase: str, n: int, total: int | None) -> None:
            phases.setdefault(phase, time.perf_counter())

        store = open_store(Path(tmp) / "bench.sqlite")
        t0 = time.perf_counter()
        analyze(paths, store=store, options=options, progress=hook)
        pipeline_s = time.perf_counter() - t0
        end = time.perf_counter()
        # The fixed cost of a pool, in a fresh process (this one's worker start-up machinery,
        # e.g. the fork server with torch imported, is warm now).
        startup_s = _startup_seconds(workers, args.framing) if workers > 1 else 0.0

    print(f"documents: {len(documents)} ({len(texts)} English), words: {words}, cores: {cpu_cores()}, "
          f"pipeline worker processes: {workers}, framing: {options.framing}")
    print(f"spaCy parse, 1 process:   {words / parse_s:8.0f} words/s")
    print(f"spaCy parse, 2 processes: {words / parse2_s:8.0f} words/s")
    print(f"whole pipeline:           {words / pipeline_s:8.0f} words/s (read, clean, all stages, store)")
    if {"analyse", "corpus"} <= phases.keys():
        print(f"  phases: read {phases['analyse'] - t0:.1f} s, per-document {phases['corpus'] - phases['analyse']:.1f} s,"
              f" corpus stages {end - phases['corpus']:.1f} s")
    print(f"ratio pipeline / spaCy 1 process:  {parse_s / pipeline_s:.2f}  (target ≥ 0.8)")
    print(f"ratio pipeline / spaCy 2 processes: {parse2_s / pipeline_s:.2f}")
    if workers > 1:
        print(f"worker start-up, measured alone in a fresh process: {startup_s:.1f} s (a pool of "
              f"{workers} analysing one short document each: importing torch and spaCy, loading "
              f"spaCy, the encoder and the models)")
        print(f"ratio without that fixed cost:      {parse_s / (pipeline_s - startup_s):.2f}  "
              f"(what a long run approaches)")


def _startup_seconds(workers: int, framing: str) -> float:
    """Seconds a fresh process takes to start a pool of ``workers`` and have each analyse one
    short document (importing torch and spaCy, loading spaCy, the encoder and the models)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, __file__, "--startup-only", str(workers), "--framing", framing],
                         check=True, capture_output=True, text=True).stdout
    return float(out.split()[-1])


def _startup_only(workers: int, framing: str) -> None:
    from narratrace.run.engines.processes import analyze_in_processes
    from narratrace.types import Document

    text = "The ministry said on Friday that talks with the union would resume in Vienna. " * 3
    short = [Document(id=f"warm{i}", path=f"warm{i}.txt", text=text, source_text=text, language="en")
             for i in range(workers)]
    t0 = time.perf_counter()
    list(analyze_in_processes(iter([short]), options=Options(batch_size=1, framing=framing),
                              workers=workers, narratives=True))
    print(f"{time.perf_counter() - t0:.3f}")


if __name__ == "__main__":  # the pipeline's worker processes re-import this module
    import sys

    if len(sys.argv) > 2 and sys.argv[1] == "--startup-only":
        _startup_only(int(sys.argv[2]), sys.argv[4] if len(sys.argv) > 4 else "contextual")
    else:
        main()
