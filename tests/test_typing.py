"""The package type-checks: mypy reports no error anywhere in ``src/narratrace``."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[dev]' brings it)")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--ignore-missing-imports", "src/narratrace"],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    if result.returncode != 0 or "Success" not in output:
        pytest.fail(f"mypy exited {result.returncode}:\n{output}", pytrace=False)
