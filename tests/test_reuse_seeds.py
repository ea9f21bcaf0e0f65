"""Same-story links on the seed articles (loads the sentence embedder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.reuse import find_reuse
from narratrace.types import Document, RawDocument

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _load() -> list[Document]:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared not present: {SEEDS} missing")
    try:
        from narratrace.clean import clean_document
    except ImportError:  # the cleaner is optional here: title + lead embeddings cope with raw text
        clean_document = None
    docs = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        seed_id = path.name[:3]
        if clean_document is not None:
            cleaned = clean_document(RawDocument(id=seed_id, path=str(path), content=text,
                                                 format="text", encoding="utf-8"))
            docs.append(cleaned)
        else:
            docs.append(Document(id=seed_id, path=str(path), text=text, source_text=text))
    return docs


@pytest.mark.model
def test_seed_same_story_links() -> None:
    docs = _load()
    assert [d.id for d in docs] == ["000", "001", "002", "003", "004"]
    links = {(r.a, r.b): r for r in find_reuse(docs)}
    assert links[("002", "003")].kind == "same_story"
    assert links[("001", "004")].kind == "same_story"
    assert ("000", "003") not in links
    # the others are one narrative but different events
    assert set(links) == {("002", "003"), ("001", "004")}, {k: v.score for k, v in links.items()}
