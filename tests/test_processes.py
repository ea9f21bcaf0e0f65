"""The local engine's worker processes (issue #7): same store as one process, in input order;
a worker that dies loses only its own part, reported, never stored."""

from __future__ import annotations

import pytest

from narratrace import Options, analyze
from narratrace.run.engines.processes import (MIN_DOCUMENTS_FOR_PROCESSES, analyze_in_processes,
                                              local_workers)
from narratrace.analysis import build_analysis
from narratrace.store import open_store
from narratrace.types import Document
from scale_corpus import write_corpus


def _doc(i: int, text: str = "An ordinary sentence.") -> Document:
    return Document(id=f"d{i:03d}", path=f"p{i:03d}.txt", text=text, source_text=text)


@pytest.mark.parametrize(("workers", "n_process", "todo", "cores", "want"), [
    (3, 1, 5, 2, 3),                                  # asked for: taken as is
    (0, 1, MIN_DOCUMENTS_FOR_PROCESSES - 1, 8, 1),    # too little work to repay start-up
    (0, 1, MIN_DOCUMENTS_FOR_PROCESSES, 8, 2),        # one worker per 30 documents...
    (0, 1, 10_000, 8, 8),                             # ...up to one per core
    (0, 1, 10_000, 1, 1),                             # one core: this process
    (0, 2, 10_000, 8, 1),                             # spaCy's own processes asked for
])
def test_local_workers(monkeypatch, workers, n_process, todo, cores, want):
    monkeypatch.setattr("narratrace.run.engines.processes.cpu_cores", lambda: cores)
    assert local_workers(Options(workers=workers, n_process=n_process), todo) == want


def test_results_come_back_in_input_order():
    chunks = [[_doc(i) for i in range(0, 7)], [_doc(i) for i in range(7, 12)]]
    from _worker_fns import echo_or_die

    got = list(analyze_in_processes(iter(chunks), options=Options(batch_size=2), workers=2,
                                    narratives=False, fn=echo_or_die))
    assert [a.document.id for a, _ in got] == [f"d{i:03d}" for i in range(12)]


def test_a_dying_worker_loses_only_its_part():
    from _worker_fns import echo_or_die

    docs = [_doc(i) for i in range(9)]
    docs[4] = _doc(4, "POISON pill")
    got = list(analyze_in_processes(iter([docs]), options=Options(batch_size=2), workers=2,
                                    narratives=False, fn=echo_or_die))
    kept = [a.document.id for a, _ in got if a is not None]
    lost = [r for a, problems in got if a is None for r in problems]
    # Only the document that kills a worker on its own is lost; the parts in flight when the
    # pool broke ran again, in order.
    assert kept == ["d000", "d001", "d002", "d003", "d005", "d006", "d007", "d008"]
    assert [r.path for r in lost] == ["p004.txt"]
    assert "worker process analysing it died" in lost[0].reason and "run again" in lost[0].reason


def test_a_worker_exception_is_reported_not_raised():
    from _worker_fns import raise_on_bug

    docs = [_doc(0), _doc(1, "BUG here"), _doc(2)]
    got = list(analyze_in_processes(iter([docs]), options=Options(batch_size=2), workers=2,
                                    narratives=False, fn=raise_on_bug))
    assert [a.document.id for a, _ in got if a is not None] == ["d000", "d002"]
    (lost,) = [p for a, p in got if a is None]
    assert lost[0].path == "p001.txt" and "RuntimeError: a stage outside" in lost[0].reason


@pytest.mark.model
@pytest.mark.slow
def test_worker_processes_equal_single_process(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 10)
    (corpus / "bad.bin").write_bytes(b"\x00\x01\x02" * 100)
    one = open_store(f"sqlite:///{tmp_path / 'one.sqlite'}")
    one_summary = analyze([corpus], store=one, options=Options(quiet=True, workers=1))
    two = open_store(f"sqlite:///{tmp_path / 'two.sqlite'}")
    # batch_size 3: several parts, spread over both workers
    two_summary = analyze([corpus], store=two, options=Options(quiet=True, workers=2, batch_size=3))
    assert two_summary.documents == one_summary.documents == 10
    assert [r.path for r in two_summary.rejected] == [r.path for r in one_summary.rejected]
    got, want = build_analysis(two), build_analysis(one)
    got.pop("generated_at"), want.pop("generated_at")
    assert want["reuse"] and want["attributions"]
    for key in want:
        assert got[key] == want[key], key


def test_the_driver_stores_the_reason_not_the_document_of_a_lost_part(tmp_path, monkeypatch):
    from narratrace.run import engines
    from narratrace.types import Rejected

    class LosingEngine:
        name = "losing"

        def map(self, chunks, ctx, *, todo=0):
            for chunk in chunks:
                for d in chunk:
                    yield None, [Rejected(d.path, "analyse", "the worker died; run again to retry it")]

    monkeypatch.setitem(engines.ENGINES, "processes", LosingEngine)
    write_corpus(tmp_path / "c", 2)
    store = open_store(":memory:")
    summary = analyze([tmp_path / "c"], store=store, options=Options(quiet=True, engine="processes"))
    assert summary.documents == 0 and summary.exit_code == 3
    assert len(summary.rejected) == 2 and not list(store.documents())
    assert {r.reason for r in store.rejected()} == {"the worker died; run again to retry it"}


def test_when_no_worker_can_start_the_run_goes_on_in_this_process(monkeypatch, caplog):
    from _worker_fns import echo_or_die, fail_at_start

    from narratrace.types import DocAnalysis

    monkeypatch.setattr("narratrace.run.engines.processes.start_worker", fail_at_start)
    docs = [_doc(i) for i in range(7)]
    here: list[str] = []

    def in_process(part):
        here.extend(d.id for d in part)
        return [(DocAnalysis(document=d), []) for d in part]

    got = list(analyze_in_processes(iter([docs[:4], docs[4:]]), options=Options(batch_size=2),
                                    workers=2, narratives=False, fn=echo_or_die,
                                    in_process=in_process))
    assert [a.document.id for a, _ in got] == [d.id for d in docs] == here
    assert "no worker process could start" in caplog.text


@pytest.mark.model
def test_a_texts_vector_does_not_depend_on_the_texts_embedded_with_it():
    import numpy as np

    from narratrace.nlp import embed

    texts = ["The council met on Tuesday.", "A much longer sentence about the harbour strike, "
             "the port authority and the ministry that denied every report.", "Officials said no.",
             "The council met on Monday."]
    together = embed(texts)
    alone = np.vstack([embed([t]) for t in texts])
    shuffled = embed(texts[::-1])[::-1]
    assert np.array_equal(together, alone) and np.array_equal(together, shuffled)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-6)
    assert together[0] @ together[3] > together[0] @ together[1]  # and it still means something


@pytest.mark.model
def test_framing_option_reaches_every_engine(tmp_path):
    """--framing fast frames with the TF-IDF heads only, in this process and in workers."""
    from narratrace.errors import UsageError

    write_corpus(tmp_path / "c", 4)
    stores = {}
    for name, options in {"fast-1": Options(quiet=True, workers=1, framing="fast"),
                          "fast-2": Options(quiet=True, workers=2, framing="fast"),
                          "ctx-1": Options(quiet=True, workers=1)}.items():
        stores[name] = open_store(f"sqlite:///{tmp_path / name}.sqlite")
        analyze([tmp_path / "c"], store=stores[name], options=options)
    framing = {k: build_analysis(s)["framing"] for k, s in stores.items()}
    assert framing["fast-1"] and framing["fast-1"] == framing["fast-2"]
    assert framing["fast-1"] != framing["ctx-1"]  # the encoder heads gave other scores
    with pytest.raises(UsageError, match="Unknown framing"):
        Options(framing="slow")  # refused where the options are built, before any work


@pytest.mark.parametrize("sizes, size, total, workers, expected", [
    ([100], 25, 100, 2, [25, 19, 14, 11, 8, 6, 5, 4, 4, 4]),   # shrinking to the end
    ([30, 30], 25, 0, 2, [25, 5, 25, 5]),                     # total unknown: full parts
    ([10, 50], 25, 60, 1, [10, 25, 13, 6, 4, 2]),             # parts never cross chunks
    ([3], 25, 3, 4, [3]),
])
def test_parts_shrink_towards_the_end_and_keep_every_document(sizes, size, total, workers, expected):
    from narratrace.run.engines.processes import _parts

    chunks, n = [], 0
    for k in sizes:
        chunks.append(list(range(n, n + k)))
        n += k
    parts = list(_parts(iter(chunks), size=size, total=total, workers=workers))
    assert [len(p) for p in parts] == expected
    assert [d for p in parts for d in p] == list(range(n))


def test_the_fork_servers_imports_start_no_thread():
    """Workers are forked from a server that ran narratrace.run.engines._preload: a thread
    started there would be missing (and its locks possibly held) in every worker."""
    import subprocess
    import sys

    code = ("import threading, narratrace.run.engines._preload, sys; "
            "print(threading.active_count(), 'numpy' in sys.modules, 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["1", "True", "True"]
