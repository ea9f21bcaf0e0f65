"""Issue #16 item 6: what the corpus stages freed goes back to the system before the outputs
are written, so the report does not start from the corpus stages' footprint."""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

import pytest

from narratrace import Options, analyze, open_store
from narratrace.run import analyze as analyze_module
from narratrace.run.analyze import return_freed_memory


def _rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _has_malloc_trim() -> bool:
    try:
        ctypes.CDLL(None).malloc_trim  # noqa: B018 - looking the symbol up is the check
    except (OSError, AttributeError, TypeError):
        return False
    return True


@pytest.mark.skipif(not (sys.platform.startswith("linux") and _has_malloc_trim()),
                    reason="needs /proc and glibc's malloc_trim")
def test_freed_heap_goes_back_to_the_system() -> None:
    blocks = [bytes(2_000) for _ in range(50_000)]  # ~100 MiB of glibc heap, not Python arenas
    pin = bytes(2_000)  # allocated last: the heap's top stays in use, so free() alone keeps it
    del blocks
    held = _rss_mib()
    assert return_freed_memory() is True
    assert _rss_mib() < held - 50  # most of the 100 MiB is returned
    del pin


def test_analyze_returns_freed_memory_after_the_corpus_stages(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    real = analyze_module.run_corpus_stages

    def corpus(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append("corpus")
        return real(*args, **kwargs)

    monkeypatch.setattr(analyze_module, "run_corpus_stages", corpus)
    monkeypatch.setattr(analyze_module, "return_freed_memory", lambda: calls.append("trim") or True)
    (tmp_path / "in").mkdir()
    store = open_store(tmp_path / "s.sqlite")
    analyze([tmp_path / "in"], store=store, options=Options(quiet=True, workers=1))
    assert calls[0] == "corpus" and calls[-1] == "trim"  # (and as each corpus stage ends)
    assert calls.count("trim") == len(analyze_module.CORPUS_STAGES) + 1


def test_each_corpus_stage_hands_back_what_it_freed_as_it_ends(monkeypatch) -> None:
    """Issue #16 item 6: a corpus stage starts from what the last one left resident unless it
    is handed back (on the 20,000-document scale store the claim-families step peaked at 840
    MiB, and 755 with the heap handed back: bench/bench_memory.py --layout stores)."""
    from narratrace.run.analyze import announced
    from narratrace.stage import CorpusStage

    calls: list[str] = []
    monkeypatch.setattr(analyze_module, "return_freed_memory", lambda: calls.append("trim") or True)
    stages = [CorpusStage(name, requires=(), assigns=(), fn=lambda ctx, name=name: calls.append(name) or {})
              for name in ("reuse", "claim_families")]
    for stage in announced(stages, lambda phase, n, total: calls.append(f"{phase} {n}")):
        stage.fn(None)
    assert calls == ["corpus:reuse 0", "reuse", "trim", "corpus:reuse 1",
                     "corpus:claim_families 0", "claim_families", "trim", "corpus:claim_families 1"]
