"""What the reuse corpus stage holds at once (issue #16): the rewrite evidence lets go of a
document's sentence vectors after its last pair, the lead term pads a block of pairs' leads
at a time, and the pair codes of the copy search are made unique as ``np.unique`` makes them;
the links and rows are the same."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from narratrace.reuse import story_scores, update_reuse
from narratrace.types import Document
from _tracing import traced_peak

_WORDS = [f"w{k}" for k in range(400)]


class _Forgetful(Mapping[str, tuple[np.ndarray, tuple[tuple[int, int], ...]]]):
    """Sentence vectors by document, counting what is held (read and not forgotten yet)."""

    def __init__(self, data: dict[str, tuple[np.ndarray, tuple[tuple[int, int], ...]]]) -> None:
        self._data = data
        self.held: set[str] = set()
        self.most = 0
        self.forgotten: list[str] = []

    def __getitem__(self, doc: str) -> tuple[np.ndarray, tuple[tuple[int, int], ...]]:
        self.held.add(doc)
        self.most = max(self.most, len(self.held))
        return self._data[doc]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def forget(self, doc: str) -> None:
        self.held.discard(doc)
        self.forgotten.append(doc)


def _corpus(n: int, *, seed: int = 0, dim: int = 16):
    """``n`` documents in stories of 3 to 5 (a story direction each), their ids shuffled so
    that no story's documents are neighbours in id order; each has 6 sentence vectors, the
    first 4 shared with its story, so that pairs of a story are retellings."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    docs, embeddings, sentences = [], {}, {}
    k = 0
    while k < n:
        size = int(rng.integers(3, 6))
        centre = rng.normal(size=dim)
        shared = rng.normal(size=(4, dim))
        for _ in range(min(size, n - k)):
            text = " ".join(rng.choice(_WORDS, size=60).tolist()) + "."
            doc = Document(id=f"d{order[k]:05d}", path=f"{k}.txt", text=text, source_text=text)
            docs.append(doc)
            rows = centre + 0.6 * rng.normal(size=(3, dim))
            embeddings[doc.id] = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
            own = np.concatenate([shared + 0.1 * rng.normal(size=(4, dim)), rng.normal(size=(2, dim))])
            own /= np.linalg.norm(own, axis=1, keepdims=True)
            sentences[doc.id] = (own.astype(np.float16), tuple((10 * s, 10 * s + 9) for s in range(6)))
            k += 1
    return docs, embeddings, sentences


def test_sentence_vectors_are_let_go_after_a_documents_last_pair_with_the_same_rows():
    """Issue #16: the evidence of the rewrite checks read every document's sentence vectors
    and held them all to the end of the same-story pass (138 MiB on the 20,000-document
    scale store). Taken in the pair graph's breadth-first order, a document is held from its
    first pair to its last, and let go then; the rows are those of a plain mapping."""
    docs, embeddings, sentences = _corpus(600)
    plain = update_reuse(docs, embeddings=embeddings, sentences=sentences, entities={}, dates={})
    forgetful = _Forgetful(sentences)
    held = update_reuse(docs, embeddings=embeddings, sentences=forgetful, entities={}, dates={})
    assert [r for r in held.links] == [r for r in plain.links]
    assert dict(held.stories) == dict(plain.stories)
    assert any(row.get("retold") for row in plain.stories.values())
    assert not forgetful.held  # every document read was let go
    assert sorted(forgetful.forgotten) == sorted(set(forgetful.forgotten))  # each once, after its last pair
    assert len(set(forgetful.forgotten)) > 500
    assert forgetful.most < 300  # of the 600 documents read (all of them before)


def test_visit_order_keeps_each_items_pairs_close_whatever_the_item_order():
    """Pairs along a chain of items with shuffled indices: taken by their first index, nearly
    every item is waiting for its last pair at some point; in the visit order, two at most."""
    from narratrace.reuse import visit_order

    rng = np.random.default_rng(3)
    n = 2000
    label = rng.permutation(n)
    a, b = label[:-1], label[1:]
    lo, hi = np.minimum(a, b), np.maximum(a, b)

    def most_open(order: np.ndarray) -> int:
        x, y = lo[order], hi[order]
        first = np.full(n, len(x))
        last = np.full(n, -1)
        for ends in (x, y):
            np.minimum.at(first, ends, np.arange(len(x)))
            np.maximum.at(last, ends, np.arange(len(x)))
        delta = np.zeros(len(x) + 1, dtype=np.int64)
        np.add.at(delta, first, 1)
        np.add.at(delta, last + 1, -1)
        return int(np.cumsum(delta).max())

    order = visit_order(lo, hi, n)
    assert sorted(order.tolist()) == list(range(n - 1))  # each pair once
    assert most_open(order) <= 3
    assert most_open(np.lexsort((hi, lo))) > n // 10


def test_story_scores_pad_a_block_of_leads_at_a_time():
    """Issue #16: the lead term padded every lead the pairs use into one array at once (a
    second copy of the leads: with the products, +132 MiB for a moment on the 20,000-document
    scale store); a block's leads now, with the same lead terms."""
    rng = np.random.default_rng(5)
    leads = [rng.normal(size=(int(rng.integers(1, 4)), 384)).astype(np.float32) for _ in range(6000)]
    leads = [x / np.linalg.norm(x, axis=1, keepdims=True) for x in leads]
    pairs = np.sort(rng.integers(0, 6000, size=(3000, 2)), axis=1)
    whole = story_scores(leads, pairs, block=4096)
    peak = traced_peak(lambda: story_scores(leads, pairs, block=256))
    assert np.array_equal(story_scores(leads, pairs, block=256), whole)
    assert peak < sum(x.nbytes for x in leads) / 2


def test_sorted_codes_are_np_uniques():
    from narratrace.reuse._minhash import sorted_codes

    rng = np.random.default_rng(7)
    for size in (0, 1, 2, 1000):
        codes = rng.integers(0, 50, size=size).astype(np.int64)
        assert np.array_equal(sorted_codes(codes), np.unique(codes))
