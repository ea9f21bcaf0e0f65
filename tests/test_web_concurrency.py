"""The web explorer under concurrent requests (issue #7 item 5): per-thread store
connections, closed when their thread ends, and a real uvicorn server answering many clients
at once. Latency under load is measured by bench/bench_serve.py, not asserted here."""

from __future__ import annotations

import gc
import http.client
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_web_store import HOSTILE_ID, build_store

from narratrace.web import create_app
from narratrace.web._corpus import Corpus

FD_DIR = "/proc/self/fd"
# One of each page kind plus API twins and two error answers (the 404 must stay a 404).
REQUESTS = [("/", 200), ("/documents", 200), ("/documents/doc0000000000000", 200),
            (f"/documents/{HOSTILE_ID}", 200), ("/families/famcost00000001", 200),
            ("/entities/ent_person0000001", 200), ("/timeline", 200), ("/graph", 200),
            ("/search?q=port", 200), ("/api/documents/doc0000000000001", 200),
            ("/api/search?q=minister", 200), ("/api/entities/ent_person0000001", 200),
            ("/documents/doc9999999999999", 404), ("/api/families/bad!id", 422)]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("webconc") / "web.sqlite")


def _open_files() -> int:
    return len(os.listdir(FD_DIR))


@pytest.mark.skipif(not os.path.isdir(FD_DIR), reason="counts open files in /proc (Linux only)")
@pytest.mark.parametrize("threads", [1, 8])
def test_issue7_store_of_an_ended_thread_is_closed(store_url, threads):
    # Server worker threads end after 10 s idle; their SQLite connections used to stay open
    # (held by the Corpus, then by reference cycles that gc.freeze() left uncollected), two
    # files each, for the life of the server.
    corpus = Corpus(store_url)
    together = threading.Barrier(threads)  # every burst has all its connections open at once

    def read() -> None:
        assert corpus.document("doc0000000000000")["id"] == "doc0000000000000"
        together.wait(timeout=30)
        assert corpus.search("port")["documents"]

    def burst() -> None:
        workers = [threading.Thread(target=read) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    # SQLite keeps the descriptors of closed connections for reuse while another connection
    # of the process holds a lock on the file (as many as were open at once), so count from
    # after the first burst.
    burst()
    gc.collect()
    before = _open_files()
    for _ in range(3):
        burst()
        assert _open_files() == before  # no gc.collect(): the close must not wait for one
    assert len(corpus._stores) == 1  # the creating thread's store, still in use
    assert corpus.document("doc0000000000001")["id"] == "doc0000000000001"
    corpus.close()
    assert _open_files() < before


def test_concurrent_reads_equal_sequential_reads(store_url):
    corpus = Corpus(store_url)
    calls = [("document", "doc0000000000000"), ("document", HOSTILE_ID),
             ("entity", "ent_person0000001"), ("family", "famcost00000001"),
             ("search", "port"), ("search", "minister"), ("timeline", None), ("graph", None)]

    def run(call: tuple[str, str | None]) -> object:
        name, arg = call
        method = getattr(corpus, name)
        return method(arg) if arg is not None else method()

    expected = [run(c) for c in calls]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(run, calls * 12))
    assert got == expected * 12
    corpus.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_served_app_answers_concurrent_clients_without_errors(store_url):
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store_url), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)

    def client(k: int) -> list[tuple[str, int, int]]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        seen = []
        for i in range(len(REQUESTS)):
            path, expected = REQUESTS[(i + k) % len(REQUESTS)]
            conn.request("GET", path, headers={"accept": "text/html"})
            response = conn.getresponse()
            response.read()
            seen.append((path, expected, response.status))
        conn.close()
        return seen

    try:
        with ThreadPoolExecutor(12) as pool:
            answers = [a for seen in pool.map(client, range(12)) for a in seen]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    assert len(answers) == 12 * len(REQUESTS)
    wrong = [(path, expected, got) for path, expected, got in answers if got != expected]
    assert wrong == []
