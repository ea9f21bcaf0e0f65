"""Corpus-stage scaling: time, peak memory and the fitted growth exponent, and the incremental case.

    python bench/bench_scale.py [--sizes 1000,5000,20000] [--repeat 3] [--add 100] [--recall]

The corpus stages (entity merge, speaker links, reuse, claim families, origins, events) run
over the whole store, so their cost decides how far one machine goes. This bench fills stores
of ``n`` real-shaped synthetic documents without running the models (the per-document phase is
linear and measured by ``bench_pipeline.py``), then times a full corpus run on each size in a
fresh subprocess (CPU seconds of the process, wall seconds, peak RSS of the run alone) and fits
``cpu = a * n ** b`` by least squares on logs. Sizes alternate across repeats (1k, 5k, 20k,
1k, 5k, …) so a busy machine spreads its noise over all of them; medians and spreads are printed.
The incremental case adds ``--add`` documents to the middle size's store and runs the corpus
stages again, then runs them once more with nothing new; the CPU of each corpus stage is
printed for the full and the incremental runs, with how many claim families had their origins
traced again (the others' inputs were unchanged), how many components of linked claims were
clustered and how many denials linked again (the others kept theirs: frozen corpus
statistics, :mod:`narratrace.claims.stage`) and whether a run kept the last results.

The documents: synthetic articles (the made-up people, places and topics of
``tests/scale_corpus.py``, prose of made-up words with a Zipf-like frequency; a title, a
dateline, quoted and reported statements, a denial), every seventh a reprint of the one before
(a copy link), every eleventh a sentence-by-sentence retelling of the one before (a rewrite,
by its narrative sentence vectors), grouped into stories of 1 to 7 articles. Story and claim vectors
are drawn around a topic direction plus a story direction plus noise, so articles of one story
are near each other, articles of one topic are loosely related (about 3 % of all pairs of lead
vectors reach the same-story candidate cosine 0.5; 2.7 % on synthetic news and 3.5 % on the
SemEval articles with the real encoder), and the rest is unrelated. Eight topics that keep
growing with the corpus make hubs for the bounded neighbour search.

``--recall`` prints, for the middle size, how many of the exact top-k claim neighbours
(a brute-force search) the bounded index returns.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import math
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from _peak import high_water_kib, reset_high_water  # noqa: E402
from scale_corpus import _MONTHS, _PEOPLE, _PLACES, _TOPICS  # noqa: E402

DIM = 384
# Made-up words with a Zipf-like frequency: articles share common words, not their sentences.
_VOCAB = ["".join(random.Random(k * 3 + r).choice("bcdfghjklmnprstvwz") + random.Random(k * 5 + r).choice("aeiou")
                  for r in range(1 + k % 3)) + str(k % 89) for k in range(20_000)]
_CUM = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(_VOCAB))))


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(_VOCAB, cum_weights=_CUM, k=n))


def article(i: int) -> str:
    """Synthetic article ``i``: a title, a dateline, prose, reported and quoted statements by
    made-up people, a denial."""
    rng = random.Random(i)
    person, other = rng.sample(_PEOPLE, 2)
    place, topic = rng.choice(_PLACES), rng.choice(_TOPICS)
    day, month = rng.randint(1, 28), rng.choice(_MONTHS)
    lines = [
        f"{topic.capitalize()}: {_words(rng, 6)} in {place}",
        f"{place}, {month} {day}, 2025",
        f"{_words(rng, 16).capitalize()} {topic}.",
        f"{person} said on {month} {day} that {topic} {_words(rng, 10)}.",
        f"\"{_words(rng, 12).capitalize()},\" {person} told reporters in {place}.",
        f"{_words(rng, 20).capitalize()}.",
        f"{other} denied that {_words(rng, 11)}.",
        f"{_words(rng, 18).capitalize()} on {rng.choice(_MONTHS)} {rng.randint(1, 28)}.",
    ]
    return "\n\n".join(lines) + "\n"
_NAMES = re.compile("|".join(map(re.escape, _PEOPLE + _PLACES)))
_PERSON = re.compile("|".join(map(re.escape, _PEOPLE)))
_DATE = re.compile(rf"(?:{'|'.join(_MONTHS)}) \d{{1,2}}\b")


def _direction(key: str) -> np.ndarray:
    """A fixed random unit direction per key: unrelated keys are ~orthogonal in 384 dims."""
    seed = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")
    v = np.random.default_rng(seed).normal(size=DIM)
    return v / np.linalg.norm(v)


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype("<f4")


def story_of(i: int) -> int:
    """Stories of 1-7 consecutive articles (mean 4)."""
    return i // 4 if random.Random(i // 4).random() < 0.5 else i // 3


def records(i: int) -> dict:
    """Document ``i`` and every annotation the corpus stages read, derived from its text."""
    from narratrace.claims.lexicon import CLAUSE_KEY, denied_clause
    from narratrace.records import b64
    from narratrace.reuse import signature
    from narratrace.types import Attribution, Claim, DateMention, Document, Mention, Speaker

    text = article(i)
    if i % 7 == 6:  # a wire reprint of the article before
        text = "WIRE COPY\n\n" + article(i - 1).replace(f"(report {i - 1})", f"(report {i}, wire)")
    doc = Document(id=f"s{i:07d}", path=f"in/doc_{i:07d}.txt", text=text, source_text=text,
                   published=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                   outlet=["Portvale Courier", "Bay Observer", "Lindholm Daily", None][i % 4])
    mentions = [Mention(doc.id, m.start(), m.end(), m.group(0),
                        "place" if m.group(0) in _PLACES else "person") for m in _NAMES.finditer(text)]
    dates = [DateMention(doc.id, m.group(0), m.start(), m.end(),
                         f"2025-{_MONTHS.index(m.group(0).split()[0]) + 1:02d}-"
                         f"{int(m.group(0).split()[1]):02d}") for m in _DATE.finditer(text)]
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    topic = next((t for t in _TOPICS if t in text.lower()), "none")
    story = story_of(i)
    rng = np.random.default_rng(i)
    attributions, claims, vectors = [], [], {}
    for k, (s, e) in enumerate(sentences):
        line = text[s:e]
        speaker = _PERSON.search(line)
        if speaker is None or not re.search(r"\b(said|denied|told)\b", line):
            continue
        stance = "denies" if "denied" in line else "asserts"
        attributions.append(Attribution(
            id=f"{doc.id}-a{k}", doc=doc.id, kind="indirect", stance=stance, cue="said",
            speaker=Speaker(speaker.group(0), s + speaker.start(), s + speaker.end()),
            content=line, start=s, end=e))
        cid = f"{doc.id}-c{k}"
        claims.append(Claim(id=cid, doc=doc.id, text=line, start=s, end=e, stance=stance,
                            attributed_to=speaker.group(0), action="supply" if k % 2 else "attack",
                            attribution=f"{doc.id}-a{k}"))
        vectors[cid] = _unit(0.5 * _direction(f"{topic}|{k}") + _direction(f"story{story}|{k}")
                             + 0.5 * rng.normal(size=DIM) / math.sqrt(DIM))
        if denied_clause(line) is not None:  # the per-document stage embeds a denied clause too
            vectors[cid + CLAUSE_KEY] = _unit(vectors[cid] + 0.3 * rng.normal(size=DIM) / math.sqrt(DIM))
    story_rows = np.stack([_unit(0.64 * _direction(topic) + _direction(f"story{story}|{r}")
                                 + 0.6 * rng.normal(size=DIM) / math.sqrt(DIM)) for r in range(3)])
    narrative = _narrative_vectors(i)
    if i % 11 == 10:  # a retelling retells the lead too
        from narratrace.records import unb64

        before = unb64(records(i - 1)["rows"]["reuse_features"][0]["embedding"], "<f4", (3, -1))
        story_rows = np.stack([_unit(v + 0.3 * rng.normal(size=DIM) / math.sqrt(DIM)) for v in before])
    features = {"doc": doc.id, "signature": b64(np.asarray(signature(doc), dtype="<u4")),
                "embedding": b64(story_rows), "rows": 3,
                "claim_vectors": {c: b64(v) for c, v in vectors.items()},
                "sentence_spans": [list(s) for s in sentences[:len(narrative)]],
                "sentence_vectors": b64(narrative.astype("<f2"))}
    row = dataclasses.asdict
    return {"doc": doc, "rows": {
        "mentions": [row(m) for m in mentions], "aliases": [], "dates": [row(d) for d in dates],
        "attributions": [row(a) for a in attributions], "claims": [row(c) for c in claims],
        "citations": [], "sentences": [{"spans": [list(s) for s in sentences]}],
        "reuse_features": [features]}}


def _narrative_vectors(i: int) -> np.ndarray:
    """Vectors of the narrative sentences rewrites are aligned on: four statements of the
    story (shared, in order, by its articles) and four of the article's own; every eleventh
    article retells the one before sentence by sentence (an uncredited rewrite)."""
    if i % 11 == 10:
        rng = np.random.default_rng(i)
        return np.stack([_unit(v + 0.3 * rng.normal(size=DIM) / math.sqrt(DIM))
                         for v in _narrative_vectors(i - 1)])
    rng = np.random.default_rng(i)
    rows = [_unit(_direction(f"story{story_of(i)}|s{k}") + 0.5 * rng.normal(size=DIM) / math.sqrt(DIM))
            for k in range(4)]
    rows += [_unit(rng.normal(size=DIM)) for _ in range(4)]
    return np.stack(rows)


def fill(store, start: int, stop: int) -> None:
    """Store documents ``start .. stop-1`` with their annotations, one transaction each."""
    for i in range(start, stop):
        rec = records(i)
        with store.transaction():
            store.upsert_document(rec["doc"])
            for name, rows in rec["rows"].items():
                store.replace_annotations(rec["doc"].id, name, rows)


def _child(path: str, full: bool) -> None:
    """One corpus run on the store at ``path``; prints JSON (cpu s, wall s, peak MiB)."""
    from narratrace import Options, open_store
    from narratrace.analysis import build_analysis
    from narratrace.run.corpus import run_corpus_stages

    from narratrace.registry import CORPUS_STAGES

    stages_cpu: dict[str, float] = {}

    def timed(stage):
        def fn(ctx):
            c = time.process_time()
            try:
                return stage.fn(ctx)
            finally:
                stages_cpu[stage.name] = time.process_time() - c
        return dataclasses.replace(stage, fn=fn)

    store = open_store(path)
    reset_high_water()
    t0, c0 = time.perf_counter(), time.process_time()
    run = run_corpus_stages(store, options=Options(quiet=True, incremental=not full),
                            stages=[timed(s) for s in CORPUS_STAGES])
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    peak = high_water_kib() / 1024
    t1, c1 = time.perf_counter(), time.process_time()
    n = len(json.dumps(build_analysis(store)))
    stages_cpu["rest"] = cpu - sum(stages_cpu.values())  # reading documents, back-fills, writes
    out = {"cpu": cpu, "wall": wall, "peak": peak, "new": run.new, "docs": run.documents,
           "traced": run.traced, "kept": run.kept, "clustered": run.clustered, "relinked": run.relinked,
           "analysis_cpu": time.process_time() - c1, "analysis_wall": time.perf_counter() - t1,
           "analysis_mib": n / 2**20, "stages": stages_cpu}
    store.close()
    print(json.dumps(out))


def _measure(path: Path, *, full: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", str(path)] + (["--full"] if full else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _build(folder: Path, n: int) -> Path:
    """A store of ``n`` documents whose corpus stages ran once (back-fills done), grown from
    the largest smaller store already built in ``folder`` (the documents are the same). A
    cached store is brought up to date with the code measured (nothing to do when this code
    made it): the incremental case grows a copy of it, and a store left by other code would
    have every claim family's origins traced again there instead of those whose inputs changed."""
    from narratrace import Options, open_store
    from narratrace.run.corpus import run_corpus_stages

    path = folder / f"scale_{n}.sqlite"
    if path.exists():
        store = open_store(path)
        run_corpus_stages(store, options=Options(quiet=True))
        store.close()
    if not path.exists():
        tmp = folder / f"building_{n}.sqlite"
        smaller = sorted((int(p.stem.split("_")[1]), p) for p in folder.glob("scale_*.sqlite")
                         if int(p.stem.split("_")[1]) < n)
        start = 0
        if smaller:
            start, base = smaller[-1]
            shutil.copy(base, tmp)
        store = open_store(tmp)
        fill(store, start, n)
        run_corpus_stages(store, options=Options(quiet=True))
        store.close()
        tmp.rename(path)
    return path


def _fit(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(cpu) on log(n)."""
    x = np.log([n for n, _ in points])
    y = np.log([max(t, 1e-6) for _, t in points])
    return float(np.polyfit(x, y, 1)[0])


def _recall(n: int, k: int = 32) -> None:
    from narratrace.claims import RELATED
    from narratrace.records import unb64
    from narratrace.reuse import nearest_pairs

    vecs = []
    for i in range(n):
        vecs.extend(unb64(v, "<f4", (-1,)) for v in records(i)["rows"]["reuse_features"][0]["claim_vectors"].values())
    mat = np.stack(vecs)
    got = {(i, j) for i, j, _ in nearest_pairs(mat, k=k, threshold=RELATED)}
    exact = {(i, j) for i, j, _ in nearest_pairs(mat, k=k, threshold=RELATED, cell=len(mat))}
    print(f"claim neighbours at {n} documents ({len(mat)} claims, k={k}): index found "
          f"{len(got & exact)} of {len(exact)} exact pairs ({len(got & exact) / max(1, len(exact)):.4f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--add", type=int, default=100, help="documents added for the incremental case")
    parser.add_argument("--cache", type=Path, help="keep the generated stores here between runs")
    parser.add_argument("--recall", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.full)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.cache or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        stores = {}
        for n in sizes:
            t0 = time.perf_counter()
            stores[n] = _build(folder, n)
            print(f"store of {n} documents ready ({time.perf_counter() - t0:.0f} s)", flush=True)
        runs: dict[int, list[dict]] = {n: [] for n in sizes}
        for _ in range(args.repeat):
            for n in sizes:
                runs[n].append(_measure(stores[n], full=True))
                r = runs[n][-1]
                print(f"  {n:>7} docs: corpus stages {r['cpu']:7.1f} s CPU {r['wall']:7.1f} s wall, "
                      f"peak {r['peak']:6.0f} MiB; analysis.json {r['analysis_mib']:.0f} MiB in "
                      f"{r['analysis_wall']:.1f} s", flush=True)
        print("\nfull corpus run, median (min-max) over repeats:")
        medians = []
        for n in sizes:
            cpu = [r["cpu"] for r in runs[n]]
            peak = [r["peak"] for r in runs[n]]
            medians.append((n, statistics.median(cpu)))
            print(f"  {n:>7} docs: {statistics.median(cpu):7.1f} s CPU ({min(cpu):.1f}-{max(cpu):.1f}), "
                  f"peak {statistics.median(peak):6.0f} MiB ({min(peak):.0f}-{max(peak):.0f})")
        if len(sizes) > 1:
            print(f"fitted exponent (CPU ~ n^b over {sizes}): b = {_fit(medians):.2f}")
            for (n0, t0_), (n1, t1_) in zip(medians, medians[1:]):
                print(f"  {n0} -> {n1}: b = {math.log(t1_ / t0_) / math.log(n1 / n0):.2f}")
        if args.add:
            mid = sizes[len(sizes) // 2]
            grown = folder / f"grown_{mid}.sqlite"
            inc, none = [], []
            for _ in range(args.repeat):
                shutil.copy(stores[mid], grown)
                from narratrace import open_store

                store = open_store(grown)
                fill(store, mid, mid + args.add)
                store.close()
                inc.append(_measure(grown, full=False))
                none.append(_measure(grown, full=False))
            full_cpu = statistics.median(r["cpu"] for r in runs[mid])
            for label, rs in ((f"full run of {mid}", runs[mid]), (f"{args.add} new into {mid}", inc),
                              ("nothing new", none)):
                cpu = [r["cpu"] for r in rs]
                if rs is not runs[mid]:
                    print(f"incremental, {label}: corpus stages {statistics.median(cpu):.1f} s CPU "
                          f"({min(cpu):.1f}-{max(cpu):.1f}) = {statistics.median(cpu) / full_cpu:.2f}x "
                          f"the full corpus run; analysis.json "
                          f"{statistics.median(r['analysis_wall'] for r in rs):.1f} s; origins "
                          f"traced again for {rs[-1]['traced']} families (the full run of {mid} "
                          f"traced {runs[mid][-1]['traced']}); components clustered again "
                          f"{rs[-1].get('clustered', 0)} (full run {runs[mid][-1].get('clustered', 0)}), "
                          f"denials linked again {rs[-1].get('relinked', 0)} "
                          f"(full run {runs[mid][-1].get('relinked', 0)})"
                          + ("; the last results kept" if rs[-1]["kept"] else ""))
                if rs[0]["stages"]:
                    print(f"  CPU by stage ({label}, median s): " + ", ".join(
                        f"{name} {statistics.median(r['stages'].get(name, 0.0) for r in rs):.1f}"
                        for name in rs[0]["stages"]))
            grown.unlink(missing_ok=True)
    if args.recall:
        _recall(sizes[len(sizes) // 2])


if __name__ == "__main__":
    main()
