"""The Dask engine (issue #7): per-document stages on a LocalCluster give the same store as a
single-process run (analysis.json compared minus ``generated_at``)."""

from __future__ import annotations

import pytest

from narratrace import Options, analyze
from narratrace.analysis import build_analysis
from narratrace.errors import UsageError
from narratrace.store import open_store
from scale_corpus import write_corpus

distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] is a dev extra")


def _analysis(store) -> dict:
    out = build_analysis(store)
    out.pop("generated_at")
    return out


@pytest.mark.model
@pytest.mark.slow
def test_dask_local_cluster_equals_single_process(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 10)
    (corpus / "bad.bin").write_bytes(b"\x00\x01\x02" * 100)  # a rejected input travels too
    local = open_store(f"sqlite:///{tmp_path / 'local.sqlite'}")
    local_summary = analyze([corpus], store=local, options=Options(quiet=True))

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        remote = open_store(f"sqlite:///{tmp_path / 'dask.sqlite'}")
        # chunk_size 3: several partitions, spread over both workers
        summary = analyze([corpus], store=remote, options=Options(
            quiet=True, engine="dask", scheduler=cluster.scheduler_address, chunk_size=3))
    finally:
        cluster.close()
    assert summary.documents == local_summary.documents == 10
    assert [r.path for r in summary.rejected] == [r.path for r in local_summary.rejected]
    got, want = _analysis(remote), _analysis(local)
    assert want["reuse"] and want["attributions"]
    for key in want:
        assert got[key] == want[key], key


def test_unknown_engine_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="Unknown engine 'spark'"):
        analyze([tmp_path], store=open_store(":memory:"), options=Options(engine="spark"))


def test_unreachable_scheduler_is_a_usage_error(tmp_path):
    write_corpus(tmp_path / "c", 1)
    with pytest.raises(UsageError, match="Cannot reach the Dask scheduler"):
        analyze([tmp_path / "c"], store=open_store(":memory:"),
                options=Options(quiet=True, engine="dask", scheduler="tcp://127.0.0.1:1"))


def test_corpus_stages_on_a_cluster_equal_the_local_run(tmp_path, monkeypatch):
    """Issue #19 item 4: with the Dask engine the corpus stages search claim neighbours in
    parts on the cluster (one per worker) and merge the lists; the corpus results and the
    stored pairs are the local run's."""
    from contextlib import contextmanager

    from narratrace.run.corpus import run_corpus_stages
    from narratrace.run.engines import dask as dask_engine
    from test_corpus_incremental import _doc_records, _snapshot, _store

    docs = [_doc_records(i, topics=True) for i in range(24)]
    local = _store(tmp_path, "local", docs)
    run_corpus_stages(local)
    parts: list[int] = []
    real = dask_engine.corpus_mapper

    @contextmanager
    def counted(options):
        with real(options) as (mapper, n):
            yield (lambda fn, runs: parts.append(len(runs)) or mapper(fn, runs)), n

    monkeypatch.setattr(dask_engine, "corpus_mapper", counted)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        remote = _store(tmp_path, "dask", docs)
        run_corpus_stages(remote, options=Options(engine="dask", scheduler=cluster.scheduler_address))
    finally:
        cluster.close()
    assert parts == [2]  # the claim neighbours, in one part per worker
    want = _snapshot(local)
    assert want["claim_families"] and want["reuse"]
    assert _snapshot(remote) == want
    for kind in ("copy", "story", "claim"):
        assert remote.pairs(kind) == local.pairs(kind), kind
