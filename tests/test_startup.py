"""Start-up: importing narratrace does not import torch (thinc would, whenever it is installed),
and torch still imports afterwards for the code that trains."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_import_without_torch_then_torch_on_demand() -> None:
    code = ("import sys, narratrace, spacy, thinc.compat\n"
            "print('torch' in sys.modules, thinc.compat.has_torch)\n"
            "import torch\n"
            "print(torch.ones(2).sum().item())\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.split() == ["False", "False", "2.0"]


def test_import_spacy_leaves_an_imported_torch_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """With thinc already imported, nothing is hidden (and nothing is left in sys.modules)."""
    import spacy  # noqa: F401

    from narratrace.nlp import import_spacy

    before = sys.modules.get("torch", "absent")
    import_spacy()
    assert sys.modules.get("torch", "absent") is before
