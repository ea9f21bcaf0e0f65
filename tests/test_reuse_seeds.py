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


def _with_sentences(docs: list[Document]) -> dict:
    from narratrace.records import unb64
    from narratrace.reuse.stage import reuse_features

    out = {}
    for doc, features in zip(docs, reuse_features([(d, ()) for d in docs]), strict=True):
        spans = features.sentence_spans or ()
        out[doc.id] = (unb64(features.sentence_vectors or "", "<f2", (len(spans), -1)), spans)
    return out


@pytest.mark.model
def test_seed_rewrite_without_credit() -> None:
    """#15: 002 retells 003 (the RT story) without naming RT: a rewrite, not same-story."""
    docs = _load()
    links = {(r.a, r.b): r for r in find_reuse(docs, sentences=_with_sentences(docs))}
    assert links[("002", "003")].kind == "rewrite"
    assert links[("002", "003")].credit is None
    assert len(links[("002", "003")].passages) >= 5
    assert links[("001", "004")].kind == "same_story"  # one speech, two reports
    assert set(links) == {("002", "003"), ("001", "004")}


@pytest.mark.model
def test_seed_rewrite_direction() -> None:
    """002 is undated and credits neither 003 nor RT: the direction 003 -> 002 comes from what
    the retelling kept (003's retold sentences name Dovgalenko, Afrique Media, Sofara, August;
    every name in 002's retold sentences is in 003)."""
    docs = _load()
    link = {(r.a, r.b): r for r in find_reuse(docs, sentences=_with_sentences(docs))}[("002", "003")]
    assert (link.direction, link.direction_by) == ("b->a", "detail")
