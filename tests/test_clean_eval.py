"""Quality gate: token F1 of the cleaner on the Zyte benchmark pages must not fall below the
floors pinned in eval_baseline_clean.json (floors only move up, on purpose)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narratrace.evaluation.clean import evaluate_clean

BASELINE = json.loads((Path(__file__).parent / "eval_baseline_clean.json").read_text())


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["html", "txt"])
def test_clean_f1_floor(shared_dir: Path, mode: str) -> None:
    data = shared_dir / "data" / "zyte-aeb"
    if not (data / mode).is_dir():
        pytest.skip(f"../shared not present: {data / mode} missing")
    result = evaluate_clean(data, mode=mode)  # type: ignore[arg-type]
    floor = BASELINE[mode]
    assert result["pages"] == floor["pages"]
    assert result["clean"]["f1"] >= floor["f1"], result  # type: ignore[index]
    # the cleaner must beat keeping everything by a wide margin
    assert result["clean"]["f1"] >= result["baseline"]["f1"] + 0.15, result  # type: ignore[index]


def test_evaluate_clean_rejects_missing_data(tmp_path: Path) -> None:
    from narratrace.errors import InputError
    with pytest.raises(InputError, match="ground-truth.json"):
        evaluate_clean(tmp_path, mode="txt")


def test_evaluate_clean_on_tiny_fixture(tmp_path: Path) -> None:
    body = ("The harbour council voted on Tuesday to close the old ferry pier for repairs, a "
            "decision that will reroute commuters for at least three months.")
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "p1.txt").write_text(f"Home\nWorld\nSign in\n{body}\nShare on Facebook\n")
    (tmp_path / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": body, "url": None}}))
    result = evaluate_clean(tmp_path, mode="txt")
    assert result["clean"]["f1"] == 1.0  # type: ignore[index]
    assert result["baseline"]["f1"] < 1.0  # type: ignore[index]
