"""Peak memory of ``analyze`` from 1k to 100k synthetic documents, in one run (issue #7).

    python bench/bench_memory.py [--sizes 1000,10000,100000] [--models] [--layout jsonl|news|files|tiny]

Each size runs in its own subprocess (so peaks do not mix) over a folder of generated articles
and reports the peak RSS of each phase: pass 1 (ids, paths and repeated-line counts), the
per-document phase as a whole (pass 1, then cleaning and analysing chunk by chunk), and the
corpus stages alone (the kernel's high-water mark is reset between phases), then the ratio of
the largest to the smallest size for each. The per-document phase streams, so its peak should
stay flat; the corpus stages hold the index (signatures, story vectors, mentions, claims) and
grow with the corpus. Peak RSS on the shared 2-core dev box (blank spaCy, hashed embedder):

    per-document phase        1k       10k      100k
    Counter of line strings   333 MiB  335 MiB  664 MiB (100k: the previous session's run)
    LineCounts, hashed ids    335 MiB  336 MiB  349 MiB (pass 1 alone: 285 MiB at 1k, 347 at 100k)
    corpus stages alone       317 MiB  447 MiB  1432 MiB (not flat: they hold the index)

The default layout's made-up words are recognised as no language, so the language stages do
not run on them; ``--layout news`` (real-shaped English articles) is the one that exercises
every per-document stage. One ~300-byte file per item (``--layout tiny``, issue #18's "10,000
tiny files"), stand-in models, same box under heavy load (wall seconds: pass 1, per-document
phase, total):

    --layout tiny             1k       5k       10k
    per-document phase        326 MiB  365 MiB  369 MiB (1.13x for 10x the files)
    corpus stages alone       521 MiB  656 MiB  982 MiB
    wall seconds              1/15/33  5/97/137 30/460/823 (CPU of the per-document phase:
                                                  4.7 s at 1k, 17.7 s at 4k: linear)

With the real models (``--layout news --models``, same box):

    --layout news --models    500      1k       2k
    per-document phase        614 MiB  616 MiB  620 MiB (flat)
    corpus stages alone       722 MiB  763 MiB  1015 MiB (1.33x from 1k to 2k: not flat)
    wall seconds, total       376      1815     786 (1k ran under four times the load)

The corpus stages read stored rows a page at a time and let go of each kind after the last
stage that needs it; ``analysis.json`` is streamed from the store (its column: the peak while
it is written, after the corpus stages' high-water mark is reset: it adds nothing). Before and
after that change, ``--layout tiny --sizes 1000,5000``, the same box and hour (load ~10 on 2
cores; the table above, 326 MiB at 1k, was measured on older code):

    --layout tiny             1k before  1k after  5k before  5k after
    per-document phase        490 MiB    490 MiB   528 MiB    502 MiB
    corpus stages alone       622 MiB    621 MiB   758 MiB    748 MiB
    analysis.json             477 MiB    477 MiB   594 MiB    594 MiB

Tiny files carry few vectors, so most of what the corpus stages hold there is the stages' own
working memory; on real-shaped stored documents (``bench/bench_scale.py``'s stores, a full
corpus run) the peak went from 464 / 734 / 1,852 MiB to 465 / 696 / 1,674 MiB at
1k / 5k / 20k, and writing ``analysis.json`` from the 20k store from +173 MiB to +23 MiB.
What still grows is the story, claim and sentence vectors the reuse and claim stages read
whole, as base64 text and decoded arrays at once.

``--layout stores`` (no inputs: the corpus stages of a full run, then ``analysis.json`` and
``report.html`` as the CLI writes them, in one process, on ``bench_scale``'s stores; before →
after ``analyze`` returned the heap the corpus stages freed, same box, load ~8):

    --layout stores           1k             5k             20k
    corpus stages             472 MiB        766-774 MiB    2390 MiB (5.1x: not flat)
    analysis.json             403 -> 319     600 -> 381     1305 -> 549 MiB
    report.html               437 -> 360     765 -> 551     2033 -> 1292 MiB

Then the neighbour searches kept each query's running k best instead of every candidate of
every probed cell, and the stored features were streamed and decoded as read (before -> after;
before re-measured at 1k and 5k the same day, 20k before is the row above; docs/scale.md):

    --layout stores           1k             5k             20k
    corpus stages             291 -> 192     556 -> 381     2390 -> 1617 MiB
    report.html               182 -> 183     377 -> 380     1292 -> 1125 MiB

Then the same-story candidates were held as arrays, and the single-slot copy lookups of short
texts dropped the pairs not worth a check as they were found instead of holding every pair
(the 20k peak was there; docs/scale.md), before -> after, the same day:

    --layout stores           1k             5k             20k
    corpus stages             210 -> 199     399 -> 398     1635 -> 1074 MiB
    report.html               202 -> 202     395 -> 395     1146 -> 1144 MiB

Then the claim-families step held the claim vectors once, as one float32 matrix (float64 rows
made as read, not a float64 copy; docs/scale.md), before -> after, the same day on stores built
afresh (20k: that step's own peak, RSS high-water mark reset at its start):

    --layout stores           1k             5k             20k
    corpus stages             182 -> 181     381 -> 311     claim step 1048 -> 806 MiB
    report.html               185 -> 185     377 -> 377

Then the report was read from the store a kind at a time (``write_report(store, ...)``,
``narratrace.analysis.StoredAnalysis``) instead of from the whole ``analysis.json`` dict, and
its view kept only what the page shows (the first rows of each table, the legends of the
documents in the page, each entity's first statements and mentions); the same page, byte for
byte. Before -> after, the same day, one after the other:

    --layout stores           1k             5k             20k
    analysis.json             144 -> 144     208 -> 207     356 -> 352 MiB
    report.html               186 -> 159     379 -> 240     1135 -> 552 MiB

Where the 20k peak is (issue #16 asks for the whole within 1.5x from 1k to 20k), re-measured
the same day on the stores as they are (``--layout stores --sizes 1000,20000``, which now also
prints each corpus stage's own peak under its row; the outputs alone: a fresh process reading
the 20k store):

    --layout stores           1k        20k
    corpus stages             182 MiB   777 MiB (4.28x; the whole: 777 in three runs)
    analysis.json             144-145   335-350 (alone, fresh process: 125 MiB: flat; the rest
                                                 is what the corpus stages leave resident)
    report.html               160       537-557 (alone: 111 -> 480; the page's index takes
                                                 102 -> 300, of which 173 MiB traced: 82 the
                                                 decoded rows it keeps, over 50 the 45,759
                                                 families as dicts of lists)
    20k, each stage's own     entities 276, speakers 273, reuse 777, claim families 773,
    peak                      origins 641, events 726 MiB (the same hook in a script of
                              its own: 271, 268, 771, 816, 678, 767)

Each stage starts from what the last left resident (640-680 MiB from reuse on): glibc keeps
what reuse freed. Handed back before each stage, the live heap is 260 MiB at reuse's start
and 371 at the claim families', and those two stages still peak at 768 and 771: the whole is
their working memory (about +400 to +500 MiB each over what is live when they start), not
what the stages hand on nor the outputs, and a flat whole needs both bounded.

Tried and not kept: the claim-families step normalising its matrix a block of rows at a time
and putting it in claim order in place (no second matrix even for a moment; the families bit
for bit the same). With the heap handed back at the step's start its own peak fell, two runs
each in turn, 726 / 759 -> 709 / 701 MiB (reading the vectors 593 / 596 -> 520 / 515); but in
this bench, where the step starts from what reuse left resident, it rose, 773 / 773 -> 820 /
819 MiB, and the whole with it (777 -> 819 / 820), in two pairs run the same hour.

Then the copy candidates were listed, checked and dropped a block of documents at a time
(``narratrace.reuse.copy_candidate_blocks``; at 20k they had added ~100 MiB for a moment, not
at the step's peak), the neighbour index stopped copying the matrix to sample and probe it,
the claim vectors were normalised a block of rows at a time (each had copied the 60,000 claim
vectors whole, 88 MiB), and each corpus stage handed back the heap it freed as it ended
(``malloc_trim``). Before -> after, ``--layout stores --sizes 1000,20000``, the same hour
(20k: a second pair, ``--sizes 20000``, run before -> after one after the other):

    --layout stores           1k             20k
    corpus stages (whole)     182 -> 186     826 -> 772 MiB (4.54x -> 4.14x); 827 -> 773
    20k, each stage's own     reuse 776 -> 772 / 776 -> 773, claim families 826 -> 755 /
    peak                      827 -> 759, origins 695 -> 463 / 696 -> 464, events 712 -> 539 /
                              773 -> 546 MiB

Without the hand-back (the other three changes alone) the 20k whole was 840 MiB (claim
families 840): its working memory fell (the claim neighbour search alone, 153 -> 79 MiB
over its start on the store's claim vectors) but it started from what reuse left resident
(669 MiB against 626). The whole is now the reuse step's same-story pass: at 20k the copy
search ends near 460 MiB and the story scoring (the padded leads, the rewrite evidence and
the bulk scores held together) takes it to 772.

Then the same-story pass let go of the copy checks' shingle sets and figures before it starts,
padded the leads of a block of 1,024 pairs at a time, took the bulk scores 65,536 pairs at a
time and the rewrite evidence in a breadth-first order of the pair graph, letting go of each
document's sentence vectors after its last pair (they had all been held: +138 MiB at 20k), and
the neighbour searches ran their products on one BLAS thread (docs/scale.md). Before -> after,
``--layout stores --sizes 1000,20000``, at the start and the end of that work (load 4-5):

    --layout stores           1k             20k
    corpus stages (whole)     179 -> 160     771 -> 746 MiB (4.30x -> 4.66x)
    each stage's own peak     reuse 179 -> 152, claim families 174 -> 160 (1k); reuse 771 ->
                              608, claim families 756 -> 746, origins 461 -> 443, events
                              531 -> 529 (20k)

Then the neighbour search handed back the heap it freed (the claim grouping after it had
started from what the search's blocks left resident), the same day:

    --layout stores           1k             20k
    corpus stages (whole)     160 -> 160     746 -> 643 MiB (4.66x -> 4.02x)
    each stage's own peak     reuse 152 / 152, claim families 160 / 160 (1k); reuse 608 ->
                              606, claim families 746 -> 643 (20k)

The whole is the claim-families step's at 20k: the neighbour search's working memory.

By default the models are replaced by cheap stand-ins (spaCy's blank pipeline with a
sentencizer, a hashed bag-of-words "embedding") so that 100k documents finish on a laptop: the
bench measures the pipeline's own memory, not the models'. ``--models`` uses the real ones.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _peak import high_water_kib, reset_high_water
from bench_scale import article as news_article

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


def _tiny(i: int) -> str:
    """A short item (a title and two sentences, ~300 bytes): what a folder of scraped
    snippets or a feed saved one item per file holds."""
    rng = random.Random(i)
    return (_sentence(rng, 6).rstrip(".") + "\n\n" + _sentence(rng, 14) + " "
            + f"\"{_sentence(rng, 8)}\" the spokesperson said on May {rng.randint(1, 28)}, 2025.\n")


def _write(folder: Path, n: int, layout: str = "jsonl") -> int:
    if layout in ("files", "tiny"):  # one .txt file per document, 1,000 to a folder
        words = 0
        for i in range(n):
            sub = folder / f"d{i // 1000:04d}"
            if i % 1000 == 0:
                sub.mkdir()
            text = _article(i) if layout == "files" else _tiny(i)
            words += len(text.split())
            (sub / f"item{i:06d}.txt").write_text(text, encoding="utf-8")
        return words
    # JSONL shards of 1,000: 100k loose files would measure the file system, not narratrace.
    words = 0
    for shard in range(0, n, 1000):
        with open(folder / f"shard_{shard // 1000:04d}.jsonl", "w", encoding="utf-8") as fh:
            for i in range(shard, min(n, shard + 1000)):
                text = _article(i) if layout == "jsonl" else news_article(i)
                words += len(text.split())
                fh.write(json.dumps({"title": f"Report {i}", "text": text}) + "\n")
    return words


def _child(folder: str, models: bool) -> None:
    """Run analyze in this process and print peaks (KiB) as JSON."""
    import numpy as np

    from narratrace import Options, analyze, nlp, open_store
    from narratrace.analysis import write_analysis

    if not models:
        import spacy

        @functools.lru_cache(maxsize=4)  # cached per language, as nlp.load_spacy is
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
        if phase == "read":  # the high-water mark at the last input read is pass 1's peak
            peaks["pass1"] = high_water_kib()
            peaks["t_pass1"] = time.perf_counter() - t0
        if phase.startswith("corpus:") and "documents" not in peaks:  # the first corpus stage
            peaks["documents"] = max(peaks.get("pass1", 0.0), high_water_kib())
            peaks["t_documents"] = time.perf_counter() - t0
            reset_high_water()

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite")
        t0 = time.perf_counter()
        # workers=1: everything in this process, so that its RSS is the whole footprint
        summary = analyze([folder], store=store, options=Options(quiet=True, workers=1),
                          progress=hook)
        peaks["corpus"] = high_water_kib()
        peaks["t_total"] = time.perf_counter() - t0
        peaks["docs"] = summary.documents
        # analysis.json, streamed from the store: its own peak (high-water mark reset again)
        reset_high_water()
        write_analysis(store, Path(tmp) / "analysis.json")
        peaks["write"] = high_water_kib()
        peaks["t_write"] = time.perf_counter() - t0 - peaks["t_total"]
    print(json.dumps(peaks))


def _child_store(path: str) -> None:
    """The steps of ``narratrace analyze`` after the per-document phase, on a copy of a
    ``bench_scale`` store, in this process: a full corpus run (``analyze`` with nothing new to
    read and ``--reanalyze``), then ``analysis.json`` and ``report.html`` as the CLI writes
    them. Prints each step's peak RSS (KiB; the high-water mark reset between steps, so the
    largest of them is the peak of the whole) as JSON, with each corpus stage's own peak
    (``stage:NAME``; the mark reset as it starts and ends, and what runs between two stages
    counted in ``corpus``)."""
    from narratrace import Options, analyze, open_store
    from narratrace.analysis import write_analysis
    from narratrace.report import write_report

    peaks: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.sqlite"
        copy.write_bytes(Path(path).read_bytes())
        (Path(tmp) / "inputs").mkdir()
        store = open_store(copy)
        peaks["start"] = high_water_kib()
        reset_high_water()
        between = [0.0]  # the peaks outside the stages (back-fills, writes between stages)

        def hook(phase: str, n: int, total: int | None) -> None:
            if phase.startswith("corpus:"):
                if n:
                    peaks["stage:" + phase.removeprefix("corpus:")] = high_water_kib()
                else:
                    between.append(high_water_kib())
                reset_high_water()

        t0 = time.perf_counter()
        analyze([Path(tmp) / "inputs"], store=store,
                options=Options(quiet=True, workers=1, incremental=False), progress=hook)
        peaks["corpus"] = max(high_water_kib(), *between,
                              *(v for k, v in peaks.items() if k.startswith("stage:")))
        peaks["t_corpus"] = time.perf_counter() - t0
        reset_high_water()
        write_analysis(store, Path(tmp) / "analysis.json")
        peaks["write"] = high_water_kib()
        reset_high_water()
        t0 = time.perf_counter()
        write_report(store, Path(tmp) / "report.html")  # read from the store a kind at a time
        peaks["report"], peaks["t_report"] = high_water_kib(), time.perf_counter() - t0
        store.close()
    print(json.dumps(peaks))


def _stores(sizes: list[int], cache: Path | None) -> None:
    """``--layout stores``: the corpus steps and outputs of ``analyze`` on bench_scale's
    real-shaped stores (built once into ``cache``), one subprocess per size."""
    from bench_scale import _build

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = cache or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            store = _build(folder, n)
            out = subprocess.run([sys.executable, __file__, "--child-store", str(store)],
                                 capture_output=True, text=True, check=True)
            peaks = json.loads(out.stdout.strip().splitlines()[-1])
            peaks["whole"] = max(peaks["corpus"], peaks["write"], peaks["report"])
            rows.append((n, peaks))
            print(f"{n:>7} docs | peak RSS: corpus stages {peaks['corpus'] / 1024:6.0f} MiB"
                  f" | analysis.json {peaks['write'] / 1024:6.0f} MiB"
                  f" | report {peaks['report'] / 1024:6.0f} MiB"
                  f" | whole {peaks['whole'] / 1024:6.0f} MiB"
                  f" | {peaks['t_corpus']:.0f} s, {peaks['t_report']:.0f} s", flush=True)
            print("        corpus stages' own peaks: " + ", ".join(
                f"{k.removeprefix('stage:')} {v / 1024:.0f}" for k, v in peaks.items()
                if k.startswith("stage:")) + " MiB", flush=True)
    if len(rows) > 1:
        (n0, p0), (n1, p1) = rows[0], rows[-1]
        print(f"ratio {n1}/{n0} documents: " + ", ".join(
            f"{key} {p1[key] / p0[key]:.2f}x" for key in ("corpus", "write", "report", "whole")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--models", action="store_true", help="use the real spaCy/embedding models")
    parser.add_argument("--layout", choices=["jsonl", "news", "files", "tiny", "stores"],
                        default="jsonl",
                        help="jsonl: shards of 1,000 articles of made-up words (no language is "
                             "recognised in them: the language stages do not run); news: shards "
                             "of real-shaped articles (bench_scale's: English names, places, "
                             "quotes, a denial, dates; the language stages run); files: one .txt "
                             "per jsonl article; tiny: one ~300-byte English .txt per item "
                             "(issue #18's 10,000 tiny files); stores: no inputs, the corpus "
                             "stages, analysis.json and report.html on bench_scale's stores "
                             "(real-shaped documents with every annotation; see --cache)")
    parser.add_argument("--cache", type=Path, help="--layout stores: keep bench_scale's stores "
                        "here between runs (the 20k store takes a while to build)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-store", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.models)
        return
    if args.child_store:
        _child_store(args.child_store)
        return
    if args.layout == "stores":
        _stores([int(s) for s in args.sizes.split(",")], args.cache)
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            words = _write(Path(tmp), n, args.layout)
            cmd = [sys.executable, __file__, "--child", tmp] + (["--models"] if args.models else [])
            out = subprocess.run(cmd, capture_output=True, text=True, check=True)
            peaks = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append((n, words, peaks))
        print(f"{n:>7} docs {words:>11,} words | peak RSS: pass 1 {peaks['pass1'] / 1024:6.0f} MiB"
              f" | per-document phase {peaks['documents'] / 1024:6.0f} MiB"
              f" | corpus stages {peaks['corpus'] / 1024:6.0f} MiB"
              f" | analysis.json {peaks['write'] / 1024:6.0f} MiB"
              f" | {peaks['t_pass1']:.0f} s, {peaks['t_documents']:.0f} s, {peaks['t_total']:.0f} s",
              flush=True)
    if len(rows) > 1:
        (n0, _, p0), (n1, _, p1) = rows[0], rows[-1]
        label = f"{n1 // 1000}k/{n0 // 1000}k" if n0 >= 1000 else f"{n1}/{n0}"
        print(f"ratio {label} ({n1 / n0:.0f}x the documents): "
              f"per-document phase {p1['documents'] / p0['documents']:.2f}x, "
              f"corpus stages {p1['corpus'] / p0['corpus']:.2f}x, "
              f"analysis.json {p1['write'] / p0['write']:.2f}x")


if __name__ == "__main__":
    main()
