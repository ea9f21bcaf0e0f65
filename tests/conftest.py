from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout (read-only third-party data); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared not present: third-party data and seeds are not in the repo")
    return SHARED
