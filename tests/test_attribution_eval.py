"""Quality gate: attribution on the PolNeAR dev split must not drop below the pinned floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "data" / "dev"
BASELINE = Path(__file__).with_name("eval_baseline_attribution.json")


@pytest.mark.model
@pytest.mark.slow
def test_polnear_dev_floors() -> None:
    if not DEV.is_dir():
        pytest.skip(f"../shared not present: no PolNeAR dev split at {DEV}")
    from narratrace.evaluation.attribution import evaluate_attribution

    floors = json.loads(BASELINE.read_text(encoding="utf-8"))["dev"]
    result = evaluate_attribution(DEV)
    assert result["articles"] == floors["articles"]
    assert result["overlap"]["f1"] >= floors["overlap_f1"], result
    assert result["overlap"]["precision"] >= floors["overlap_precision"], result
    assert result["overlap"]["recall"] >= floors["overlap_recall"], result
    assert result["strict"]["f1"] >= floors["strict_f1"], result
    assert result["source_accuracy"] >= floors["source_accuracy"], result
