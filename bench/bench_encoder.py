"""The sentence encoder's own time on the same sentences: row-tiled products against per-text
products (the encoder before #17) and, when installed, sentence-transformers (torch), in one run.

    python bench/bench_encoder.py [--limit N] [--sentences S] [--rounds R] [PATH ...]

Sentences: the substantive sentences of the first N documents of the SemEval-2025 English
training articles in ../shared (default 120 documents, first S = 1216 sentences), else of
examples/corpus and ../shared/seeds. Each encoder embeds all of them R times, in turn (so
each sees the same machine state); the best round's process CPU time and wall time are
printed, with the ratios. One BLAS thread throughout, as in the pipeline. The vectors of the
two numpy paths are compared (cosine, largest component difference), and the row-tiled
path's with and without its long products (``encoder.BIG_ROWS``) bit for bit.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from narratrace import Options, encoder
from narratrace.ingest import iter_inputs
from narratrace.nlp import embedder_path, load_embedder
from narratrace.reuse import story_sentences
from narratrace.run.prepare import prepare_documents
from narratrace.types import RawDocument

root = Path(__file__).resolve().parents[1]
semeval = root.parent / "shared" / "data" / "semeval2025-task10" / "EN" / "train" / "raw-documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=120, help="first N files of the default corpus")
    parser.add_argument("--sentences", type=int, default=1216, help="first S sentences")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    paths = args.paths or ([semeval] if semeval.exists() else
                           [p for p in (root / "examples" / "corpus", root.parent / "shared" / "seeds")
                            if p.exists()])
    options = Options(quiet=True)
    raws = [r for r in iter_inputs(paths, options=options) if isinstance(r, RawDocument)]
    if paths == [semeval]:
        raws = sorted(raws, key=lambda r: r.path)[:args.limit]
    documents, _ = prepare_documents(raws, options=options)
    sentences = [s for d in documents if d.language == "en"
                 for s in story_sentences(d, lead=10 ** 6)][:args.sentences]

    tiled = load_embedder()
    per_text = copy.copy(tiled)
    per_text.tile = None

    def small_products() -> np.ndarray:
        """The row-tiled path with every product of CHUNK_ROWS rows (no BIG_ROWS products)."""
        big, encoder.BIG_ROWS = encoder.BIG_ROWS, encoder.CHUNK_ROWS
        try:
            return tiled.sentence_vectors(sentences)
        finally:
            encoder.BIG_ROWS = big

    runs: dict[str, Callable[[], np.ndarray]] = {
        f"row-tiled products (tile {tiled.tile})": lambda: tiled.sentence_vectors(sentences),
        "per-text products (before #17)": lambda: per_text.sentence_vectors(sentences),
        f"row-tiled, {encoder.CHUNK_ROWS}-row products only": small_products,
    }
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError:
        print("sentence-transformers not installed: no torch reference")
    else:
        torch.set_num_threads(1)
        reference = SentenceTransformer(str(embedder_path()), device="cpu")
        reference.max_seq_length = tiled.max_length
        runs["sentence-transformers (torch, batches of 32)"] = lambda: reference.encode(
            sentences, batch_size=32, convert_to_numpy=True)
        reference.encode(sentences[:50], batch_size=32)

    warm = sentences[:50]
    tiled.sentence_vectors(warm)
    per_text.sentence_vectors(warm)
    best: dict[str, tuple[float, float]] = {}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):
        for name, run in runs.items():
            cpu, wall = time.process_time(), time.perf_counter()
            vectors[name] = np.asarray(run(), dtype=np.float32)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if name not in best or cpu < best[name][0]:
                best[name] = (cpu, wall)

    pieces = sum(len(ids) for ids, _ in tiled.encode_pieces(sentences))
    print(f"documents: {len(documents)}, sentences: {len(sentences)}, word pieces: {pieces}, "
          f"rounds: {args.rounds} (best shown)")
    names = list(runs)
    for name in names:
        cpu, wall = best[name]
        print(f"{name:48s} CPU {cpu:6.2f} s  wall {wall:6.2f} s  {len(sentences) / cpu:6.0f} sentences/CPU-s")
    base = best[names[1]][0]
    for name in names[:1] + names[2:]:
        print(f"ratio CPU {names[1]} / {name}: {base / best[name][0]:.2f}")
    a, b = (v / np.linalg.norm(v, axis=1, keepdims=True) for v in (vectors[names[0]], vectors[names[1]]))
    print(f"row-tiled with {encoder.BIG_ROWS}-row products vs {encoder.CHUNK_ROWS}-row only: same bits "
          f"{np.array_equal(vectors[names[0]], vectors[names[2]])}")
    print(f"row-tiled vs per-text vectors: min cosine {float((a * b).sum(axis=1).min()):.7f}, "
          f"largest component difference {float(np.abs(a - b).max()):.1e}")


if __name__ == "__main__":
    main()
