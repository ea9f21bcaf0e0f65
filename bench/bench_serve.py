"""Benchmark: web explorer page times on a 10,000-document store (target: under 200 ms).

The store is synthetic, written directly through the store API (no NLP): 10,000 documents
of ~2,500 characters in 40 outlets over two years, 8 attributions, 12 entity mentions,
2 dates, 3 claims, 1 narrative label and 4 framing rows per document, 3,000 entities,
2,000 claim families, 5,000 reuse pairs, 1,500 events. It is cached under
/tmp/bench-serve/ (delete it to rebuild).

    .venv/bin/python bench/bench_serve.py [--docs 10000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from narratrace.store import open_store
from narratrace.types import Document, Removed
from narratrace.web import create_app

WORDS = ("minister port harbour drone border strike ministry agency officials report claimed "
         "denied said according council budget election army village province talks ceasefire "
         "attack supply weapons investigation committee court ruling protest energy grid").split()


def build(path: Path, n_docs: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    store = open_store(path)
    n_entities, n_families = max(30, n_docs * 3 // 10), max(20, n_docs // 5)
    mentions: dict[int, list[dict]] = {e: [] for e in range(n_entities)}
    family_claims: dict[int, list[str]] = {f: [] for f in range(n_families)}
    family_docs: dict[int, set[str]] = {f: set() for f in range(n_families)}
    with store.transaction():
        for i in range(n_docs):
            doc_id = f"{i:016x}"
            text = " ".join(rng.choice(WORDS) for _ in range(330))
            published = f"{2024 + i * 2 // n_docs}-{1 + (i * 24 // n_docs) % 12:02d}-{1 + i % 28:02d}"
            store.upsert_document(Document(
                id=doc_id, path=f"bench/{i}.txt", text=text, source_text="Menu\n" + text,
                removed=(Removed("navigation", 0, 4),), title=f"Report {i}: {rng.choice(WORDS)}",
                outlet=f"Outlet {i % 40}", published=published, language="en"))
            attributions, claims = [], []
            for k in range(8):
                s = rng.randrange(0, len(text) - 200)
                ent = rng.randrange(n_entities)
                attributions.append({
                    "id": f"{doc_id}a{k}", "doc": doc_id, "kind": "indirect",
                    "speaker": {"text": f"Person {ent}", "start": s, "end": s + 10,
                                "entity": f"ent_{ent:06d}"},
                    "cue": "said", "content": text[s + 20:s + 150], "start": s + 20,
                    "end": s + 150, "medium": None, "stance": rng.choice(("asserts", "denies")),
                    "hedges": ["reportedly"] if k % 3 == 0 else [], "cue_start": s + 11,
                    "cue_end": s + 15})
            for k in range(12):
                s = rng.randrange(0, len(text) - 20)
                mentions[rng.randrange(n_entities)].append(
                    {"doc": doc_id, "start": s, "end": s + 8, "text": text[s:s + 8]})
            for k in range(3):
                fam = rng.randrange(n_families)
                cid = f"{doc_id}c{k}"
                family_claims[fam].append(cid)
                family_docs[fam].add(doc_id)
                claims.append({"id": cid, "doc": doc_id, "text": text[100 * k:100 * k + 90],
                               "start": 100 * k, "end": 100 * k + 90,
                               "attributed_to": f"Person {rng.randrange(n_entities)}",
                               "stance": "asserts", "hedges": [], "family": f"fam{fam:06d}"})
            store.replace_annotations(doc_id, "attributions", attributions)
            store.replace_annotations(doc_id, "claims", claims)
            store.replace_annotations(doc_id, "dates", [
                {"doc": doc_id, "text": "Monday", "start": 50 * k, "end": 50 * k + 6,
                 "value": published, "kind": "relative"} for k in range(2)])
            store.replace_annotations(doc_id, "narratives", [
                {"doc": doc_id, "narrative": f"Narrative {rng.randrange(8)}", "subnarrative": None,
                 "score": rng.random(), "evidence": []}])
            store.replace_annotations(doc_id, "framing", [
                {"doc": doc_id, "entity": f"Person {rng.randrange(n_entities)}", "start": 0,
                 "end": 5, "main_role": rng.choice(("Protagonist", "Antagonist", "Innocent")),
                 "fine_roles": ["Guardian"], "score": rng.random()} for _ in range(4)])
        store.replace_corpus("entities", [
            {"id": f"ent_{e:06d}", "name": f"Person {e}", "type": "person",
             "aliases": [f"Person {e}", f"P. {e}"], "wikidata": None, "mentions": mentions[e]}
            for e in range(n_entities)])
        store.replace_corpus("claim_families", [
            {"id": f"fam{f:06d}", "label": f"claim {f} about {WORDS[f % len(WORDS)]}",
             "claims": family_claims[f], "docs": sorted(family_docs[f]),
             "origins": [f"Person {f % n_entities}", f"Person {(f * 7) % n_entities}"],
             "independent_origins": 2, "first_seen": "2024-01-01", "circular": False,
             "origin_types": ["official", "other"], "contradicts": []}
            for f in range(n_families)])
        store.replace_corpus("reuse", [
            {"a": f"{rng.randrange(n_docs):016x}", "b": f"{rng.randrange(n_docs):016x}",
             "kind": "same_story", "score": 0.6, "passages": [], "direction": "unknown"}
            for _ in range(n_docs // 2)])
        store.replace_corpus("events", [
            {"id": f"ev{k}", "date": f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}", "date_text": "then",
             "summary": " ".join(rng.choice(WORDS) for _ in range(25)),
             "docs": [f"{rng.randrange(n_docs):016x}" for _ in range(3)], "places": [],
             "actors": []} for k in range(n_docs * 3 // 20)])
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    folder = Path("/tmp/bench-serve")
    folder.mkdir(exist_ok=True)
    path = folder / f"store-{args.docs}.sqlite"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.docs)
        print(f"built {path} in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    app = create_app(f"sqlite:///{path}")
    print(f"app start (index build): {time.perf_counter() - started:.2f} s")
    client = TestClient(app, base_url="http://127.0.0.1")
    html = {"accept": "text/html"}
    rng = random.Random(1)
    n_ent, n_fam = max(30, args.docs * 3 // 10), max(20, args.docs // 5)
    pages = {
        "overview": lambda: "/",
        "documents": lambda: f"/documents?offset={rng.randrange(args.docs - 50)}",
        "document": lambda: f"/documents/{rng.randrange(args.docs):016x}",
        "families": lambda: "/families",
        "family": lambda: f"/families/fam{rng.randrange(n_fam):06d}",
        "entities": lambda: "/entities",
        "entity": lambda: f"/entities/ent_{rng.randrange(n_ent):06d}",
        "timeline": lambda: "/timeline",
        "graph": lambda: "/graph",
        "search": lambda: f"/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}",
        "api document": lambda: f"/api/documents/{rng.randrange(args.docs):016x}",
        "api search": lambda: f"/api/search?q={rng.choice(WORDS)}",
    }
    print(f"{'page':<14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'KiB':>7}")
    for name, make in pages.items():
        times, size = [], 0
        for _ in range(args.repeat):
            url = make()
            t0 = time.perf_counter()
            response = client.get(url, headers=html)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code, response.text[:200])
            size = len(response.content)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<14} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f} "
              f"{size / 1024:7.0f}")


if __name__ == "__main__":
    main()
