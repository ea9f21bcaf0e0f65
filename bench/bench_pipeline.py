"""Whole-pipeline words/s against spaCy's own parse of the same clean texts, in one run.

    python bench/bench_pipeline.py [--limit N] [--workers W] [--in-process] [PATH ...]

Default corpus: the SemEval-2025 English training articles in ../shared (399 real news
articles, ~180k words) when present, else examples/corpus and ../shared/seeds. The floors are
spaCy's parse rate of the same clean texts, spaCy loaded and warm, its start-up not counted
(the floors are strict):

* **spaCy as shipped** (the floors the ratios are against): ``spacy.load`` of the configured
  English model (:data:`narratrace.nlp.SPACY_MODELS`), every component of it, none of
  narratrace's changes; ``nlp.pipe`` on one process and on two (``n_process=2``);
* **narratrace's spaCy** (an extra line each, not a floor): the pipeline as
  :func:`narratrace.nlp.load_spacy` loads it for the stages (numpy products, the lemmatizer's
  word lists, the attribute ruler's compiled rules, the quotation-mark tokenizer rules), which
  parses faster than spaCy as shipped.

Then the whole pipeline's rate as a user runs it: ``narratrace analyze CORPUS --out OUT`` in a
fresh process (start-up, imports, model loading, worker start-up, read, clean, every
per-document and corpus stage, the store, analysis.json and the report), with the ratios to
both floors. The pipeline uses every core, so spaCy's two-process parse is the fair floor on
two cores (issue #19: target >= 0.6 of it).
``--in-process`` also times :func:`narratrace.analyze` in this process with its models warm
(no start-up, no analysis.json or report), with its phases.

``--against OTHER`` (another checkout: its root or its ``src``) compares instead, as the
whole-pipeline speed is judged against an earlier version: ``narratrace analyze`` in one
process (``--workers 1``), this checkout's and OTHER's in turn, ``--pairs`` times each, and
prints each one's CPU seconds (user + system, the process's own accounting; median, min, max)
and the ratio this / OTHER pair by pair (median, min, max): CPU and pairs, so that a shared,
drifting machine still gives a fair ratio.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from narratrace import Options, analyze, open_store
from narratrace.run.engines.processes import cpu_cores, local_workers
from narratrace.ingest import iter_inputs
from narratrace.nlp import SPACY_MODELS, import_spacy, load_spacy
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
    parser.add_argument("--in-process", action="store_true",
                        help="also time narratrace.analyze in this process, models warm")
    parser.add_argument("--against", type=Path, help="another checkout: paired CPU ratio, one process")
    parser.add_argument("--pairs", type=int, default=3, help="runs of each with --against")
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
        if args.against is not None:
            _paired(paths, args.against, Path(tmp), args.pairs, args.framing)
            return
        options = Options(workers=args.workers, quiet=True, framing=args.framing)
        raws = [r for r in iter_inputs(paths, options=options) if isinstance(r, RawDocument)]
        documents, _ = prepare_documents(raws, options=options)
        texts = [d.text for d in documents if d.language == "en"]
        words = sum(len(t.split()) for t in texts)

        import_spacy()
        import spacy

        # spaCy as shipped (the floors), then the pipeline as narratrace loads it (extra lines)
        parse_s, parse2_s = _parse_seconds(spacy.load(SPACY_MODELS["en"]), texts, options.batch_size)
        tuned_s, tuned2_s = _parse_seconds(load_spacy("en"), texts, options.batch_size)

        workers = local_workers(options, len(documents))
        cli_s = _cli_run(paths, Path(tmp) / "out", args.workers, args.framing)
        phases: dict[str, float] = {}
        if args.in_process:
            if workers == 1:
                # One process: load its models before timing, as spaCy's was warmed above
                # (worker processes load their own inside the timed run).
                from narratrace.narratives import load_model
                from narratrace.nlp import embed

                embed(["warm-up"])
                load_model()

            def hook(phase: str, n: int, total: int | None) -> None:
                phases.setdefault(phase, time.perf_counter())

            store = open_store(Path(tmp) / "bench.sqlite")
            t0 = time.perf_counter()
            analyze(paths, store=store, options=options, progress=hook)
            pipeline_s = time.perf_counter() - t0
            end = time.perf_counter()

    print(f"documents: {len(documents)} ({len(texts)} English), words: {words}, cores: {cpu_cores()}, "
          f"pipeline worker processes: {workers}, framing: {options.framing}")
    print(f"spaCy as shipped ({SPACY_MODELS['en']}, all its components), warm, start-up not counted:")
    print(f"spaCy parse, 1 process:   {words / parse_s:8.0f} words/s")
    print(f"spaCy parse, 2 processes: {words / parse2_s:8.0f} words/s")
    print(f"narratrace's spaCy (load_spacy, not a floor): 1 process {words / tuned_s:8.0f} words/s, "
          f"2 processes {words / tuned2_s:8.0f} words/s")
    print(f"whole run (narratrace analyze, a fresh process): {words / cli_s:8.0f} words/s, "
          f"{cli_s:.1f} s wall (start-up, models, all stages, outputs)")
    print(f"ratio whole run / spaCy 1 process:  {parse_s / cli_s:.2f}")
    print(f"ratio whole run / spaCy 2 processes: {parse2_s / cli_s:.2f}  (target >= 0.6, issue #19)")
    print(f"ratio whole run / narratrace's spaCy 2 processes: {tuned2_s / cli_s:.2f}")
    if args.in_process:
        print(f"in process, models warm:  {words / pipeline_s:8.0f} words/s (read, clean, all stages, store)")
        corpus = min((at for phase, at in phases.items() if phase.startswith("corpus:")), default=None)
        if "analyse" in phases and corpus is not None:
            print(f"  phases: read {phases['analyse'] - t0:.1f} s, per-document "
                  f"{corpus - phases['analyse']:.1f} s, corpus stages {end - corpus:.1f} s")
        print(f"ratio in process / spaCy 1 process:  {parse_s / pipeline_s:.2f}  (target >= 0.8, issue #7)")
        print(f"ratio in process / spaCy 2 processes: {parse2_s / pipeline_s:.2f}")


def _parse_seconds(nlp: Any, texts: list[str], batch_size: int) -> tuple[float, float]:
    """Wall seconds of ``nlp.pipe`` over ``texts`` on one process and on two, warmed up first."""
    list(nlp.pipe(texts[:2]))  # warm-up
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=2):
        pass
    return one, time.perf_counter() - t0


def _paired(paths: list[Path], other: Path, tmp: Path, pairs: int, framing: str) -> None:
    """This checkout's and ``other``'s ``narratrace analyze`` (one process, a fresh output
    folder each run) in turn after a warm-up of each; CPU seconds of each run and the ratio
    this / other of each pair."""
    import resource
    import statistics

    trees = {"this": root / "src", "other": other / "src" if (other / "src").is_dir() else other}
    cpu: dict[str, list[float]] = {"this": [], "other": []}
    for run in range(pairs + 1):  # the first pair warms the file cache
        for name, src in trees.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            _cli_run(paths, tmp / f"out-{name}-{run}", 1, framing, src=src)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if run:
                cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    ratios = [a / b for a, b in zip(cpu["this"], cpu["other"], strict=True)]
    for name, src in trees.items():
        print(f"{name} ({src}): CPU median {statistics.median(cpu[name]):.2f} s, "
              f"min {min(cpu[name]):.2f}, max {max(cpu[name]):.2f} ({pairs} runs)")
    print(f"ratio CPU this / other, pair by pair: median {statistics.median(ratios):.3f}, "
          f"min {min(ratios):.3f}, max {max(ratios):.3f}")


def _cli_run(paths: list[Path], out: Path, workers: int, framing: str, *, src: Path | None = None) -> float:
    """Wall seconds of ``narratrace analyze`` over ``paths`` in a fresh process, as a user runs
    it. (Its CPU is not reported: the worker processes are the fork server's children, and
    ``RUSAGE_CHILDREN`` does not count them.)"""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(src or root / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "narratrace", "analyze", *map(str, paths), "--out", str(out),
                    "--workers", str(workers), "--framing", framing, "--quiet"],
                   check=True, capture_output=True, env=env)
    return time.perf_counter() - t0


if __name__ == "__main__":  # the pipeline's worker processes re-import this module
    main()
