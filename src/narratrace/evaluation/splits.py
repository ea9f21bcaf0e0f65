"""Which split an evaluation reads: scores on a model's own training articles measure how well
it fits them, not how well it labels unseen news, and must say so."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def training_split_warning(data_dir: Path, meta: Mapping[str, Any], *, card: str) -> str | None:
    """A warning when ``data_dir`` is the split the model was trained on (its ``data.dir`` in
    the model's metadata, e.g. SemEval's ``train``), else None. ``card`` names where the
    cross-validated scores are.

    >>> training_split_warning(Path("EN/train"), {"data": {"dir": "train"}}, card="MODEL_CARD.md")[:40]
    'EN/train is the split the model was trai'
    >>> training_split_warning(Path("EN/dev"), {"data": {"dir": "train"}}, card="MODEL_CARD.md") is None
    True
    """
    trained_on = str((meta.get("data") or {}).get("dir") or "")
    if not trained_on or Path(data_dir).name != trained_on:
        return None
    return (f"{data_dir} is the split the model was trained on ({trained_on}): these scores "
            "measure how well it fits its training articles, not how well it labels unseen "
            f"news. The cross-validated scores are in {card}.")


__all__ = ["training_split_warning"]
