"""Peak memory of ``analyze`` from 1k to 100k synthetic documents, in one run (issue #7).

    python bench/bench_memory.py [--sizes 1000,10000,100000] [--models]

Each size runs in its own subprocess (so peaks do not mix) over a folder of generated articles
and reports peak RSS after the per-document phase and after the corpus stages, then the ratio
of the largest to the smallest size. The per-document phase streams (two passes over the
inputs, chunks of ``Options.chunk_size``), so its peak should stay flat; the corpus stages hold
the index (signatures, story vectors, mentions, claims) and grow with the corpus.

By default the models are replaced by cheap stand-ins (spaCy's blank pipeline with a
sentencizer, a hashed bag-of-words "embedding") so that 100k documents finish on a laptop: the
bench measures the pipeline's own memory, not the models'. ``--models`` uses the real ones.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A Zipf-ish vocabulary of made-up words: documents share common words but not their leads,
# as news does (a corpus of near-identical texts would measure the reuse stage's pair count).
_VOCAB = ["".join(random.Random(k).choice("bcdfghjklmnprstvwz") + random.Random(k + 7).choice("aeiou")
                  for _ in range(1 + k % 3)) + str(k % 97) for k in range(20_000)]
_CUM = list(__import__("itertools").accumulate(1.0 / (rank + 10) for rank in range(len(_VOCAB))))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(_VOCAB, cum_weights=_CUM, k=n)).capitalize() + "."


def _article(i: int) -> str:
    rng = random.Random(i)
    title = _sentence(rng, 7).rstrip(".")
    paras = [_sentence(rng, rng.randint(12, 22)) for _ in range(5)]
    paras.insert(2, f"\"{_sentence(rng, 10)}\" the spokesperson said on May {rng.randint(1, 28)}, 2025.")
    return title + "\n\n" + "\n\n".join(paras) + "\n"


def _write(folder: Path, n: int) -> int:
    # JSONL shards of 1,000: 100k loose files would measure the file system, not narratrace.
    words = 0
    for shard in range(0, n, 1000):
        with open(folder / f"shard_{shard // 1000:04d}.jsonl", "w", encoding="utf-8") as fh:
            for i in range(shard, min(n, shard + 1000)):
                text = _article(i)
                words += len(text.split())
                fh.write(json.dumps({"title": f"Report {i}", "text": text}) + "\n")
    return words


def _child(folder: str, models: bool) -> None:
    """Run analyze in this process and print peaks (KiB) as JSON."""
    import numpy as np

    from narratrace import Options, analyze, nlp, open_store

    if not models:
        import spacy

        def blank(lang: str = "en"):  # noqa: ANN202 - stand-in for nlp.load_spacy
            pipe = spacy.blank(lang)
            pipe.add_pipe("sentencizer")
            return pipe

        def hashed(sentences: list[str], *, batch_size: int = 64) -> np.ndarray:
            out = np.zeros((len(sentences), 384), dtype=np.float32)
            for row, sentence in enumerate(sentences):
                for word in sentence.lower().split():
                    out[row, hash(word) % 384] += 1.0
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            return out / np.where(norms == 0, 1, norms)

        nlp.load_spacy = blank  # type: ignore[assignment]
        nlp.embed = hashed  # type: ignore[assignment]
    peaks: dict[str, float] = {}

    def hook(phase: str, n: int, total: int | None) -> None:
        if phase == "corpus" and "documents" not in peaks:
            peaks["documents"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            peaks["t_documents"] = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite")
        t0 = time.perf_counter()
        summary = analyze([folder], store=store, options=Options(quiet=True), progress=hook)
        peaks["total"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peaks["t_total"] = time.perf_counter() - t0
        peaks["docs"] = summary.documents
    print(json.dumps(peaks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--models", action="store_true", help="use the real spaCy/embedding models")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.models)
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            words = _write(Path(tmp), n)
            cmd = [sys.executable, __file__, "--child", tmp] + (["--models"] if args.models else [])
            out = subprocess.run(cmd, capture_output=True, text=True, check=True)
            peaks = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append((n, words, peaks))
        print(f"{n:>7} docs {words:>10,} words: per-document phase peak "
              f"{peaks['documents'] / 1024:7.0f} MiB ({peaks['t_documents']:6.0f} s), "
              f"with corpus stages {peaks['total'] / 1024:7.0f} MiB ({peaks['t_total']:6.0f} s)",
              flush=True)
    if len(rows) > 1:
        (n0, _, p0), (n1, _, p1) = rows[0], rows[-1]
        print(f"ratio {n1 // 1000}k/{n0 // 1000}k: per-document phase "
              f"{p1['documents'] / p0['documents']:.2f}x, whole run {p1['total'] / p0['total']:.2f}x "
              f"for {n1 / n0:.0f}x the documents")


if __name__ == "__main__":
    main()
