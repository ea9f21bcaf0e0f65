"""Benchmark: web explorer page times on a 10,000-document store (target: under 200 ms).

The store is synthetic, written directly through the store API (no NLP): 10,000 documents
of ~2,500 characters in 40 outlets over two years, 8 attributions, 12 entity mentions,
2 dates, 3 claims, 1 narrative label and 4 framing rows per document, 3,000 entities,
2,000 claim families, 5,000 reuse pairs, 1,500 events. It is cached under
/tmp/bench-serve/ (delete it to rebuild).

Two parts:

* in-process: each page timed sequentially through FastAPI's TestClient (no sockets);
* served: the real ``narratrace serve`` in a subprocess on 127.0.0.1, driven over loopback by
  1, 4 and 16 concurrent clients (closed loop: each client is a thread with one keep-alive
  ``http.client`` connection that sends its next request when the last one is answered)
  over a mix of pages and API twins. Per concurrency level it prints requests/s, median,
  95th and 99th percentile latency per page kind, errors (non-200 answers and socket
  failures), the ratio of each median to the one-client median of the same run, the
  server's CPU time per request, its threads and open files, and ``os.getloadavg()`` before
  and after (the bench shares its cores with other work; a level run under extreme load
  should be repeated).

    .venv/bin/python bench/bench_serve.py [--docs 10000] [--repeat 20] [--clients 1,4,16]
                                          [--requests 600] [--without KINDS]
                                          [--no-inprocess] [--no-serve]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
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


def page_urls(n_docs: int, rng: random.Random) -> dict[str, Callable[[], str]]:
    """Page kind -> a function drawing one URL of that kind (random ids, search words)."""
    n_ent, n_fam = max(30, n_docs * 3 // 10), max(20, n_docs // 5)
    return {
        "overview": lambda: "/",
        "documents": lambda: f"/documents?offset={rng.randrange(n_docs - 50)}",
        "document": lambda: f"/documents/{rng.randrange(n_docs):016x}",
        "families": lambda: "/families",
        "family": lambda: f"/families/fam{rng.randrange(n_fam):06d}",
        "entities": lambda: "/entities",
        "entity": lambda: f"/entities/ent_{rng.randrange(n_ent):06d}",
        "timeline": lambda: "/timeline",
        "graph": lambda: "/graph",
        "search": lambda: f"/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}",
        "api overview": lambda: "/api/overview",
        "api document": lambda: f"/api/documents/{rng.randrange(n_docs):016x}",
        "api family": lambda: f"/api/families/fam{rng.randrange(n_fam):06d}",
        "api entity": lambda: f"/api/entities/ent_{rng.randrange(n_ent):06d}",
        "api graph": lambda: "/api/graph",
        "api search": lambda: f"/api/search?q={rng.choice(WORDS)}",
    }


#: Share of each page kind in the served mix: a reader mostly opens documents, families and
#: entities from lists and search; corpus-wide pages and JSON twins are visited less often.
MIX = {"overview": 2, "documents": 2, "document": 6, "families": 1, "family": 3, "entities": 1,
       "entity": 3, "timeline": 1, "graph": 1, "search": 3, "api overview": 1,
       "api document": 2, "api family": 1, "api entity": 1, "api graph": 1, "api search": 1}


def _pct(times: list[float], q: float) -> float:
    """The ``q`` quantile of sorted ``times`` (nearest rank, so p99 of 20 samples is the max)."""
    return times[min(len(times) - 1, int(len(times) * q))]


def in_process(path: Path, n_docs: int, repeat: int) -> None:
    started = time.perf_counter()
    app = create_app(f"sqlite:///{path}")
    print(f"app start (index build): {time.perf_counter() - started:.2f} s")
    client = TestClient(app, base_url="http://127.0.0.1")
    html = {"accept": "text/html"}
    pages = page_urls(n_docs, random.Random(1))
    print(f"{'page':<14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'KiB':>7}")
    for name, make in pages.items():
        if name in ("api overview", "api family", "api entity", "api graph"):
            continue  # timed in the served part only, as before
        times, size = [], 0
        for _ in range(repeat):
            url = make()
            t0 = time.perf_counter()
            response = client.get(url, headers=html)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code, response.text[:200])
            size = len(response.content)
        times.sort()
        print(f"{name:<14} {statistics.median(times):8.1f} {_pct(times, 0.95):8.1f} "
              f"{times[-1]:8.1f} {size / 1024:7.0f}")


# ---------------------------------------------------------------------- served over loopback
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``narratrace serve`` in a subprocess; returns once it accepts connections."""
    script = Path(sys.executable).with_name("narratrace")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from narratrace.cli import main; main()"]
    out = log.open("wb")
    server = subprocess.Popen([*command, "serve", "--db", f"sqlite:///{path}", "--port",
                               str(port)], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300  # index build: 5-8 s idle, far longer under load
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}; see {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"server did not listen on port {port} within 300 s; see {log}")


def _proc(pid: int) -> tuple[float, int, int]:
    """CPU seconds (user + system), threads and open files of process ``pid`` (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return cpu, int(fields[17]), len(os.listdir(f"/proc/{pid}/fd"))


def drive(port: int, urls: list[tuple[str, str]], clients: int
          ) -> tuple[dict[str, list[float]], list[str], float]:
    """Send ``urls`` (kind, url) from ``clients`` threads, each with one keep-alive
    connection; returns latencies in ms per kind, error descriptions and the wall time."""
    times: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    queue = iter(urls)
    headers = {"accept": "text/html", "host": f"127.0.0.1:{port}"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            kind, url = item
            t0 = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, body = 0, repr(exc).encode()
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                times.setdefault(kind, []).append(ms)
                if status != 200:
                    errors.append(f"{kind} {url} -> {status} {body[:160]!r}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, time.perf_counter() - started


def served(path: Path, n_docs: int, levels: list[int], requests: int, gap: float,
           mix: dict[str, int]) -> None:
    port = _free_port()
    log = path.with_name("serve.log")
    started = time.perf_counter()
    server = start_server(path, port, log)
    print(f"\nserved: narratrace serve on 127.0.0.1:{port} (pid {server.pid}), listening after "
          f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} cores; log {log}")
    try:
        rng = random.Random(2)
        pages = page_urls(n_docs, rng)
        kinds = [k for k, w in mix.items() for _ in range(w)]
        # Warm-up (not counted): every kind a few times, so no level pays for first renders.
        drive(port, [(k, pages[k]()) for k in mix for _ in range(3)], 1)
        base: dict[str, float] = {}
        for clients in levels:
            urls = [(k, pages[k]()) for k in (rng.choice(kinds) for _ in range(requests))]
            load0 = os.getloadavg()
            cpu0, _, _ = _proc(server.pid)
            times, errors, wall = drive(port, urls, clients)
            cpu1, threads, files = _proc(server.pid)
            load1 = os.getloadavg()
            every = sorted(t for ts in times.values() for t in ts)
            print(f"\n{clients} concurrent client(s): {len(urls)} requests in {wall:.1f} s = "
                  f"{len(urls) / wall:.1f} req/s, {len(errors)} errors; server CPU "
                  f"{(cpu1 - cpu0) * 1000 / len(urls):.1f} ms/request "
                  f"({(cpu1 - cpu0) / wall:.2f} cores busy), {threads} threads, "
                  f"{files} open files")
            print(f"  load average before {load0[0]:.1f} {load0[1]:.1f} {load0[2]:.1f}, "
                  f"after {load1[0]:.1f} {load1[1]:.1f} {load1[2]:.1f}")
            print(f"  {'page':<14} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
                  f"{'p50/1c':>7} {'p95/1c':>7}")
            rows = [(k, sorted(times[k])) for k in mix if k in times] + [("all", every)]
            for kind, ts in rows:
                p50, p95 = statistics.median(ts), _pct(ts, 0.95)
                if clients == levels[0]:
                    base[kind], base[kind + " p95"] = p50, p95
                ratios = (f"{p50 / base[kind]:7.1f} {p95 / base[kind + ' p95']:7.1f}"
                          if kind in base else f"{'-':>7} {'-':>7}")  # kind not drawn at 1c
                print(f"  {kind:<14} {len(ts):4d} {p50:8.1f} {p95:8.1f} {_pct(ts, 0.99):8.1f} "
                      f"{ratios}")
            over = [k for k, ts in rows if k != "all" and _pct(ts, 0.95) > 200]
            print(f"  p95 over 200 ms: {', '.join(over) if over else 'none'}")
            for e in sorted(set(errors))[:5]:
                print(f"  error: {e}")
            time.sleep(gap)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    tracebacks = log.read_text(errors="replace").count("Traceback")
    print(f"\nserver log: {tracebacks} tracebacks ({log})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20, help="In-process requests per page.")
    parser.add_argument("--clients", default="1,4,16",
                        help="Concurrency levels served, comma-separated; the first is the "
                             "baseline of the ratios.")
    parser.add_argument("--requests", type=int, default=600, help="Requests per level.")
    parser.add_argument("--gap", type=float, default=2.0,
                        help="Seconds idle between levels.")
    parser.add_argument("--without", default="",
                        help="Page kinds left out of the served mix, comma-separated (e.g. "
                             "'search,api search' to see the other pages without search).")
    parser.add_argument("--no-inprocess", action="store_true")
    parser.add_argument("--no-serve", action="store_true")
    args = parser.parse_args()
    folder = Path("/tmp/bench-serve")
    folder.mkdir(exist_ok=True)
    path = folder / f"store-{args.docs}.sqlite"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.docs)
        print(f"built {path} in {time.perf_counter() - started:.1f} s")
    if not args.no_inprocess:
        in_process(path, args.docs, args.repeat)
    if not args.no_serve:
        left_out = {k.strip() for k in args.without.split(",") if k.strip()}
        unknown = left_out - set(MIX)
        if unknown:
            parser.error(f"unknown page kinds {sorted(unknown)}; known: {', '.join(MIX)}")
        mix = {k: w for k, w in MIX.items() if k not in left_out}
        print(f"\nserved mix (weights): {', '.join(f'{k} {w}' for k, w in mix.items())}")
        served(path, args.docs, [int(c) for c in args.clients.split(",")], args.requests,
               args.gap, mix)


if __name__ == "__main__":
    main()
