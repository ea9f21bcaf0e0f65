"""Quality gate: a small copy-detection benchmark with pinned floors.

The synthetic split needs no data and always runs; the SemEval and Zyte splits read
../shared at run time and skip when it is absent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from reuse_corpus import build, evaluate, originals, recall_by_edit  # noqa: E402

from narratrace.reuse import find_reuse  # noqa: E402

BASELINE = json.loads((ROOT / "tests/eval_baseline_reuse.json").read_text())
LIMIT = {"synthetic": 80, "zyte": 60, "semeval": 120}


@pytest.mark.parametrize("source", ["synthetic", "zyte", "semeval"])
def test_copy_detection_meets_floor(source: str) -> None:
    texts = originals((source,), synthetic=LIMIT["synthetic"], seed=1)
    if not texts[source]:
        pytest.skip(f"../shared not present: no {source} originals")
    texts[source] = texts[source][: LIMIT[source]]
    corpus = build(texts, seed=1)
    links = find_reuse(corpus.documents, embeddings={})
    predicted = {(r.a, r.b) for r in links if r.kind in ("duplicate", "syndicated")}
    scores = evaluate(corpus, predicted)
    floor = BASELINE[source]
    assert scores["gold"] > 50, "benchmark too small to mean anything"
    assert scores["precision"] >= floor["precision"], scores
    assert scores["recall"] >= floor["recall"], (scores, recall_by_edit(corpus, predicted))
