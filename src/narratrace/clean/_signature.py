"""Corpus-level evidence: normalised line keys, counted per document and summed over a corpus.

A line that many documents of one crawl share (a site's menu, its newsletter prompt, a
syndication service's disclaimer) is boilerplate even when its wording is not in a lexicon.
Furniture of one outlet (an editor's note under each of its articles) is counted per outlet
too: a line in at least ``OUTLET_SHARE`` of an outlet's documents (and in ``min_docs``) is
that outlet's boilerplate even when the outlet is a small part of the corpus. The outlet of
a raw document is its stated outlet, else its URL's host, else a copyright holder its text
names (:func:`outlet_scope`); documents with none are counted corpus-wide only.
A corpus is counted in a :class:`LineCounts` (64-bit hashes in numpy arrays, ~12 bytes per
distinct line instead of a ``Counter`` of strings); counts of several workers merge, and a
plain ``Counter`` is still accepted by :func:`boilerplate_lines`.

>>> line_key("  Sign up for our NEWSLETTER (2024)! ")
'sign up for our newsletter 0000'
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable

import numpy as np

from ..types import RawDocument

__all__ = ["LineCounts", "line_key", "line_signatures", "boilerplate_lines", "MAX_KEY_WORDS",
           "outlet_scope", "document_boilerplate"]

# Lines up to this many words get a key: an outlet's furniture runs to whole paragraphs (an
# editor's note, a funding statement, an author blurb appended to every article). Syndicated
# copies of one story share long paragraphs too, but together with their neighbours, which
# keeps them article text (see :func:`boilerplate_lines`); longer lines are never furniture.
MAX_KEY_WORDS = 120
# A line must be in at least this many documents to be boilerplate (``boilerplate_lines``'s
# default ``min_docs``; outlet signatures seen fewer times drop their strings early).
MIN_DOCS = 3
# A line must also be in at least this share of the corpus (with small corpora ``min_docs``
# dominates): a story syndicated to 3 of 300 documents stays article text.
MIN_SHARE = 0.05
_CONTEXT = "\x00"  # separates a line key from the digest of a neighbouring line
# A line in this share of one outlet's documents (and in ``min_docs`` of them) is the outlet's
# furniture: "many articles of one outlet" carry it. On bench/bench_furniture.py's crawl (short
# articles) a half and a quarter both leave the note only under articles of outlets with one or
# two articles (10 of 280); the half is kept, as the stricter. A story the outlet ran several
# times loses at most the recurring lines at its edges, never all of it (see clean_document).
OUTLET_SHARE = 0.5
_SCOPE = "\x01"  # separates an outlet from a line key: "outlet\x01key"; "outlet\x01" counts its documents


def line_key(text: str) -> str:
    """Normalised form of one line: lower case, digits as 0, punctuation and spacing folded."""
    text = re.sub(r"\d", "0", text.lower())
    return re.sub(r"[\W_]+", " ", text).strip()


def _prose(line: str) -> bool:
    """A sentence of running text: enough words and closing punctuation."""
    return len(line.split()) >= 6 and bool(re.search(r"[.!?…]['\"”’»)]*$", line))


def outlet_scope(raw: RawDocument) -> str | None:
    """The outlet a raw document's lines are counted under: the outlet it states, else its
    URL's host, else the holder of a copyright line in its text; None when nothing says.

    >>> from narratrace.types import RawDocument
    >>> outlet_scope(RawDocument("d", "p", "A story.", "text", "utf-8", url="https://www.example.org/a"))
    'example org'
    >>> outlet_scope(RawDocument("d", "p", "A story.\\n© 2031 Example Ledger Ltd.", "text", "utf-8"))
    'example ledger'
    """
    from ._html import render_html

    return _scope(raw, render_html(raw.content) if raw.format == "html" else raw.content)


def _scope(raw: RawDocument, text: str) -> str | None:
    from ._meta import copyright_holder

    name = raw.outlet
    if not name and raw.url and (m := _HOST.match(raw.url)):
        name = m[1]
    if not name:
        name = next((h for ln in text.splitlines() if len(ln.split()) <= 25
                     and (h := copyright_holder(ln)) is not None), None)
    # folded like a line key, digits kept: "site7.example" and "site9.example" are two outlets
    key = re.sub(r"[\W_]+", " ", name.lower()).strip() if name else ""
    return key or None


_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:www\d?\.)?([^/:?#]+)", re.I)


def document_boilerplate(boilerplate: frozenset[str], scope: str | None) -> frozenset[str]:
    """The keys of ``boilerplate`` that apply to a document of outlet ``scope``: the corpus-wide
    ones and that outlet's own.

    >>> sorted(document_boilerplate(frozenset({"menu", "ledger\\x01a note", "post\\x01other"}), "ledger"))
    ['a note', 'menu']
    """
    prefix = f"{scope}{_SCOPE}" if scope else None
    return frozenset(k[len(prefix):] if prefix and k.startswith(prefix) else k
                     for k in boilerplate if _SCOPE not in k or (prefix and k.startswith(prefix)))


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def line_signatures(raw: RawDocument) -> Counter[str]:
    """Keys of the distinct short lines of one document (each counted once per document).

    A prose line also gets one context key per prose neighbour (``key\\x00<hash of the
    neighbour>``): when a sentence recurs *with its neighbour*, the documents share a stretch
    of article (a syndicated story), not a site's boilerplate (see :func:`boilerplate_lines`).

    >>> from narratrace.types import RawDocument
    >>> sorted(line_signatures(RawDocument("d", "p", "Menu\\nMenu\\nA story.", "text", "utf-8")))
    ['a story', 'menu']
    """
    from ._html import render_html  # local: plain-text callers never need the HTML parser

    text = render_html(raw.content) if raw.format == "html" else raw.content
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    keys = set()
    for idx, line in enumerate(lines):
        key = line_key(line)
        if not key or len(key.split()) > MAX_KEY_WORDS:
            continue
        keys.add(key)
        if _prose(line):
            for nb in (idx - 1, idx + 1):
                if 0 <= nb < len(lines) and _prose(lines[nb]):
                    keys.add(f"{key}{_CONTEXT}{_digest(line_key(lines[nb]))}")
    if (scope := _scope(raw, text)) is not None:  # the outlet's signatures (no context keys:
        keys |= {f"{scope}{_SCOPE}{k}" for k in keys if _CONTEXT not in k}  # see boilerplate_lines)
        keys.add(f"{scope}{_SCOPE}")  # the outlet's document count
    return Counter(keys)


def _hash64(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")


class LineCounts:
    """In how many documents each line signature occurs, for a corpus of any size.

    Exact counts, held as sorted 64-bit hashes with ``uint32`` counts (~12 bytes per distinct
    signature; a ``Counter`` of the strings took ~200, which made the counting pass the peak of
    a 100k-document run). The strings themselves are kept only for signatures that can still
    reach the boilerplate threshold: a signature is in fewer than ``MIN_SHARE * n`` of the
    first ``n`` documents, and that share only rises, so a signature below it now can become
    boilerplate only by occurring again, which brings its string back. The kept strings are
    therefore bounded by ``1 / MIN_SHARE`` times the signatures per document, whatever the
    corpus size. Two distinct signatures share a hash with probability ~``d**2 / 2**65``
    (1e-7 for two million distinct lines); they would then be counted together.

    >>> counts = LineCounts()
    >>> for keys in (["menu", "a story"], ["menu"], ["menu", "other"]):
    ...     counts.add(keys)
    >>> counts["menu"], counts["a story"], counts.n_docs
    (3, 1, 3)
    >>> counts.at_least(2)
    {'menu': 3}
    """

    # Signatures buffered before they are merged into the sorted arrays: merging costs one
    # pass over the arrays, so fewer merges are cheaper, more buffered strings cost memory.
    _MERGE_EVERY = 1 << 15

    def __init__(self) -> None:
        self.n_docs = 0
        self._hashes = np.empty(0, dtype=np.uint64)  # sorted, distinct
        self._counts = np.empty(0, dtype=np.uint32)
        self._pending: list[int] = []  # hashes added since the last merge
        self._pending_keys: dict[int, str] = {}
        self._keys: dict[int, str] = {}  # hash -> signature, for those that may be boilerplate
        self._outlet_of: dict[int, int] = {}  # kept outlet signature -> its outlet's counter

    def add(self, signatures: Iterable[str]) -> None:
        """Count one document's signatures (each distinct one once)."""
        self.n_docs += 1
        for key in set(signatures):
            h = _hash64(key)
            self._pending.append(h)
            self._pending_keys[h] = key
        if len(self._pending) >= self._MERGE_EVERY:
            self._merge()

    def update(self, other: LineCounts) -> None:
        """Add the counts of ``other`` (another worker's share of the corpus)."""
        other._merge()
        self._merge()
        self.n_docs += other.n_docs
        self._add_counts(other._hashes, other._counts, other._keys)

    def __getitem__(self, key: str) -> int:
        self._merge()
        h = np.uint64(_hash64(key))
        pos = int(np.searchsorted(self._hashes, h))
        return int(self._counts[pos]) if pos < len(self._hashes) and self._hashes[pos] == h else 0

    def __len__(self) -> int:
        """Distinct signatures counted."""
        self._merge()
        return len(self._hashes)

    def at_least(self, need: int) -> dict[str, int]:
        """``{signature: documents}`` for the signatures in at least ``need`` documents.

        ``need`` may not be under the share this object keeps strings for (``MIN_SHARE`` of
        the documents counted, less one): those strings are gone.
        """
        if need < self._floor():
            raise ValueError(f"LineCounts keeps signatures in at least {MIN_SHARE:.0%} of its "
                             f"{self.n_docs} documents; {need} is below that. Count the corpus "
                             "in a Counter to ask for rarer lines.")
        self._merge()
        idx = np.flatnonzero(self._counts >= max(need, 1))
        # An outlet signature under its outlet's floor has no string kept (see _floors).
        return {self._keys[h]: c for h, c in zip(self._hashes[idx].tolist(), self._counts[idx].tolist(),
                                                   strict=True) if h in self._keys}

    def outlet_signatures(self) -> dict[str, int]:
        """``{signature: documents}`` for the outlet signatures still kept, each outlet's
        document counter (``"outlet\\x01"``) among them."""
        self._merge()
        kept = np.fromiter(self._outlet_of, dtype=np.uint64, count=len(self._outlet_of))
        counts = self._counts[np.searchsorted(self._hashes, kept)]
        return {self._keys[h]: int(c) for h, c in zip(kept.tolist(), counts.tolist(), strict=True)}

    def _floor(self) -> float:
        # One under the share of the documents seen so far, so that float rounding can never
        # drop a string the threshold of boilerplate_lines (ceil of the share) still needs.
        return MIN_SHARE * self.n_docs - 1

    def _merge(self) -> None:
        if not self._pending:
            return
        new, inc = np.unique(np.fromiter(self._pending, dtype=np.uint64, count=len(self._pending)),
                             return_counts=True)
        keys, self._pending, self._pending_keys = self._pending_keys, [], {}
        self._add_counts(new, inc.astype(np.uint32), keys)

    def _add_counts(self, hashes: np.ndarray, counts: np.ndarray, keys: dict[int, str]) -> None:
        """Add sorted distinct ``hashes`` with their ``counts``; ``keys`` names (some of) them."""
        pos = np.searchsorted(self._hashes, hashes)
        hit = pos < len(self._hashes)
        hit[hit] = self._hashes[pos[hit]] == hashes[hit]
        self._counts[pos[hit]] += counts[hit]
        miss = ~hit
        self._hashes = np.insert(self._hashes, pos[miss], hashes[miss])
        self._counts = np.insert(self._counts, pos[miss], counts[miss])
        # Keep the strings that may still be boilerplate: the newly counted ones that reach
        # the floor, and of those kept before, the ones the (rising) floor has not passed.
        # An outlet's signature has its outlet's floor (see _floors).
        named = np.fromiter((h for h in hashes.tolist() if h in keys), dtype=np.uint64)
        outlets = {h: _hash64(keys[h].split(_SCOPE, 1)[0] + _SCOPE) for h in named.tolist()
                   if _SCOPE in keys[h]}
        now = self._counts[np.searchsorted(self._hashes, named)]
        for h in named[now >= self._floors(named, outlets)].tolist():
            self._keys[h] = keys[h]
            if h in outlets:
                self._outlet_of[h] = outlets[h]
        if self._keys:
            kept = np.fromiter(self._keys, dtype=np.uint64, count=len(self._keys))
            counts = self._counts[np.searchsorted(self._hashes, kept)]
            for h in kept[counts < self._floors(kept, self._outlet_of)].tolist():
                del self._keys[h]
                self._outlet_of.pop(h, None)

    def _floors(self, hashes: np.ndarray, outlets: dict[int, int]) -> np.ndarray:
        """The count under which each signature can no longer become boilerplate unless it
        occurs again: the corpus floor, or for an outlet's signature the larger of
        ``OUTLET_SHARE`` of that outlet's documents and ``MIN_DOCS``, less one."""
        floors = np.full(len(hashes), self._floor())
        scoped = [(k, o) for k, h in enumerate(hashes.tolist()) if (o := outlets.get(h)) is not None]
        if scoped:
            idx = np.fromiter((k for k, _ in scoped), dtype=np.int64, count=len(scoped))
            counters = np.fromiter((o for _, o in scoped), dtype=np.uint64, count=len(scoped))
            pos = np.minimum(np.searchsorted(self._hashes, counters), len(self._hashes) - 1)
            docs = np.where(self._hashes[pos] == counters, self._counts[pos], 0)
            floors[idx] = np.maximum(OUTLET_SHARE * docs, MIN_DOCS) - 1
        return floors


def boilerplate_lines(counts: Counter[str] | LineCounts, n_docs: int, *,
                      min_docs: int = MIN_DOCS) -> frozenset[str]:
    """Keys seen in at least ``min_docs`` documents and in at least 5% of ``n_docs``, except
    sentences that recur together with a neighbouring sentence that often (a story several
    outlets reprinted keeps its article text; in a corpus of 30 documents, three copies of a
    wire story made its closing sentences "boilerplate" before).

    >>> boilerplate_lines(Counter({"menu": 3, "a story": 1}), 4)
    frozenset({'menu'})
    """
    if n_docs <= 0:
        return frozenset()
    need = max(min_docs, math.ceil(MIN_SHARE * n_docs))
    if isinstance(counts, LineCounts):
        frequent = {k for k in counts.at_least(need) if _SCOPE not in k}
        scoped = counts.outlet_signatures()
    else:
        frequent = {k for k, c in counts.items() if c >= need and _SCOPE not in k}
        scoped = {k: c for k, c in counts.items() if _SCOPE in k}
    docs = {k[:-1]: c for k, c in scoped.items() if k.endswith(_SCOPE)}
    frequent |= {k for k, c in scoped.items() if not k.endswith(_SCOPE) and
                 c >= max(min_docs, math.ceil(OUTLET_SHARE * docs.get(k.split(_SCOPE, 1)[0], 0)))}
    # Across outlets, a stretch of sentences that recurs together is a reprinted story; within
    # one outlet, a stretch in half its articles is its furniture (a note with its footer),
    # removed only at the article's edges (see clean_text).
    shared = {k.split(_CONTEXT, 1)[0] for k in frequent if _CONTEXT in k}
    return frozenset(k for k in frequent if _CONTEXT not in k and k not in shared)
