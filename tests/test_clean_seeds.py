"""The five seed articles in ../shared/seeds: boilerplate gone, article kept, metadata found.

Assertions are on properties (kinds removed, counts of sentences, dates), never on copied text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from narratrace.clean import clean_document
from narratrace.clean._lexicon import match_line, tail_heading
from narratrace.types import Document, RawDocument


def _seed(shared_dir: Path, prefix: str) -> tuple[str, Document]:
    paths = sorted((shared_dir / "seeds").glob(f"{prefix}_*.txt"))
    if not paths:
        pytest.skip(f"../shared not present: seed {prefix} missing")
    source = paths[0].read_text(encoding="utf-8")
    raw = RawDocument(id=prefix, path=str(paths[0]), content=source, format="text", encoding="utf-8")
    return source, clean_document(raw)


def _sentences(text: str) -> int:
    """Lines that are article sentences (long enough, with sentence punctuation)."""
    return sum(1 for ln in text.splitlines()
               if len(ln.split()) >= 8 and re.search(r"[.!?,:]['\"”’]*\s*$|[.!?]\s", ln))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_has_no_boilerplate_line(shared_dir: Path, prefix: str) -> None:
    _, doc = _seed(shared_dir, prefix)
    for line in doc.text.splitlines():
        n = len(line.split())
        assert match_line(line, n) is None, line[:40]
        assert tail_heading(line, n) is None, line[:40]
        assert not line.startswith("©")
    if doc.title:
        assert doc.text.count(doc.title) == 0  # the title lives in metadata only
    # removed spans are sorted, in bounds, non-overlapping
    prev = 0
    for r in doc.removed:
        assert prev <= r.start < r.end <= len(doc.source_text)
        prev = r.end


# (seed, article paragraphs judged by eye, kinds that must be removed)
EXPECTED = {
    "000": (17, set()),
    "001": (11, {"title_repeat", "related"}),
    "002": (7, {"title_repeat", "disclaimer"}),
    "003": (10, {"title_repeat", "byline", "promo", "comments", "related"}),
    "004": (10, {"credit", "caption", "subscribe", "byline"}),
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_article_kept_and_boilerplate_kinds(shared_dir: Path, prefix: str) -> None:
    source, doc = _seed(shared_dir, prefix)
    n_paragraphs, kinds = EXPECTED[prefix]
    assert _sentences(doc.text) >= round(0.95 * n_paragraphs)
    assert _sentences(doc.text) <= n_paragraphs  # nothing from other stories
    assert kinds <= {r.kind for r in doc.removed}
    # the last article paragraph of the source survives (the text ends where the article ends)
    last = doc.text.splitlines()[-1]
    assert len(last.split()) >= 8 and last in source


def test_seed_metadata(shared_dir: Path) -> None:
    _, d1 = _seed(shared_dir, "001")
    _, d2 = _seed(shared_dir, "002")
    _, d3 = _seed(shared_dir, "003")
    _, d4 = _seed(shared_dir, "004")
    assert d3.published == "2025-06-06"
    assert d4.published == "2025-09-27"
    assert d3.outlet is not None and d3.outlet.split()[0] == "Russia"
    assert d3.syndicator is not None and d3.syndicator != d3.outlet
    assert d2.syndicator is not None and d2.syndicator.isupper()  # the syndication service
    for d in (d1, d2, d3, d4):
        assert d.title and 4 <= len(d.title.split()) <= 20
    assert d4.title is not None and not re.search(r"\d{4}-\d{2}-\d{2}", d4.title)
