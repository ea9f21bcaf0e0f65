"""Vectorised MinHash over word shingles, and banding LSH built from signatures.

Everything here is a pure function of its inputs: a signature depends only on the document
text and ``(num_perm, shingle, seed)``, so signatures computed on different workers can be
merged (element-wise minimum is the signature of the union of shingle sets) and indexed
anywhere.

Hashing is done once per document, without a Python loop over tokens or shingles:
the text becomes an array of code points, word boundaries come from a character-class
mask, each word gets a polynomial hash from prefix sums (``uint64`` arithmetic wraps, which is
the modulo), shingles combine ``k`` consecutive word hashes, and the permutation family is
``a_k * h + b_k mod 2**32`` with odd ``a_k`` on MurmurHash3-mixed shingle hashes (the scheme
datasketch >= 2.0 calls "affine32", so estimates behave the same).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

import numpy as np

U64 = np.uint64
EMPTY = np.uint32(0xFFFFFFFF)  # the value of every slot of an empty signature
_P = U64(0x100000001B3)  # FNV-64 prime: odd, so it has an inverse modulo 2**64
_PINV = U64(pow(0x100000001B3, -1, 2**64))


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 64-bit finaliser: a bijection that spreads structured inputs."""
    h = h ^ (h >> U64(33))
    h = h * U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> U64(33))
    h = h * U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> U64(33))


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters lower-case to two (U+0130 -> "i̇"); keep offsets valid.
    return "".join(ch.lower()[:1] or ch for ch in text)


def sorted_codes(codes: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-D integer array (its distinct values, ascending) by a sort: numpy
    2.4's ``np.unique`` hashes them, which on the 7.8 million pair codes the single-slot
    buckets list at 10,000 documents of the scale bench (a pair once per bucket it shares)
    was most of the copy candidate search: 5.0 s of CPU for it, 2.1 s with a sort.

    >>> sorted_codes(np.array([7, 3, 7, 1, 3])).tolist()
    [1, 3, 7]
    """
    codes = np.sort(np.asarray(codes).ravel())
    if len(codes) > 1:
        keep = np.empty(len(codes), dtype=bool)
        keep[0] = True
        np.not_equal(codes[1:], codes[:-1], out=keep[1:])
        codes = codes[keep]
    return codes


def _word_mask(cp: np.ndarray) -> np.ndarray:
    """Which code points belong to words: ASCII digits/letters and non-ASCII letters.

    Non-ASCII code points count as letters except the symbol and punctuation blocks
    (general punctuation, arrows, maths, box drawing, CJK punctuation, emoji), so curly
    quotes and dashes split words the way ASCII punctuation does.
    """
    ascii_word = ((cp >= 48) & (cp <= 57)) | ((cp >= 97) & (cp <= 122))
    other = ((cp >= 0xC0) & (cp != 0xD7) & (cp != 0xF7)
             & ((cp < 0x2000) | (cp > 0x2BFF)) & ((cp < 0x3000) | (cp > 0x303F))
             & ((cp < 0xFE30) | (cp > 0xFF20)) & (cp < 0x1F000))
    return ascii_word | other


def tokenize(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(starts, ends, hashes)`` of the words of ``text`` (case-insensitive).

    Offsets are character offsets into ``text``; hashes are ``uint64``.

    >>> s, e, h = tokenize("The cat, the CAT.")
    >>> s.tolist(), e.tolist(), bool(h[0] == h[2]) and bool(h[1] == h[3])
    ([0, 4, 9, 13], [3, 7, 12, 16], True)
    """
    if not text:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0, dtype=U64)
    cp = np.frombuffer(_lower_same_length(text).encode("utf-32-le"), dtype=np.uint32)
    edges = np.diff(_word_mask(cp).astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    n = len(cp)
    powers = np.full(n + 1, _P, dtype=U64)
    powers[0] = 1
    np.cumprod(powers, out=powers)
    inverse = np.full(n + 1, _PINV, dtype=U64)
    inverse[0] = 1
    np.cumprod(inverse, out=inverse)
    prefix = np.zeros(n + 1, dtype=U64)
    np.cumsum(cp.astype(U64) * powers[:n], out=prefix[1:])
    # hash(word) = sum c_j P^(j - start): position-independent via the inverse power.
    hashes = (prefix[ends] - prefix[starts]) * inverse[starts]
    return starts, ends, _fmix64(hashes)


def shingle_hashes(word_hashes: np.ndarray, shingle: int = 5) -> np.ndarray:
    """Hash every run of ``shingle`` consecutive words (one value per start position).

    A text shorter than ``shingle`` words yields one shingle of all its words, so short
    texts can still be compared; an empty text yields none.
    """
    n = len(word_hashes) - shingle + 1
    if len(word_hashes) == 0:
        return np.zeros(0, dtype=U64)
    if n <= 0:
        word_hashes, n, shingle = word_hashes, 1, len(word_hashes)
    out = word_hashes[:n].copy()
    for j in range(1, shingle):
        out = out * _P + word_hashes[j:j + n]
    return _fmix64(out)


def shingle_set(text: str, shingle: int = 5) -> np.ndarray:
    """The sorted unique shingle hashes of ``text``."""
    return np.unique(shingle_hashes(tokenize(text)[2], shingle))


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` coefficients of the permutation family (a pure function of its args)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**32, num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, num_perm, dtype=np.uint64).astype(np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def minhash(shingles: np.ndarray, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """MinHash signature (``uint32[num_perm]``) of a set of 64-bit shingle hashes."""
    if len(shingles) == 0:
        return np.full(num_perm, EMPTY, dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    h = (shingles >> U64(32)).astype(np.uint32)
    values = np.multiply.outer(a, h)  # (num_perm, n): uint32 arithmetic wraps mod 2**32
    values += b[:, None]
    return values.min(axis=1)


def merge(*signatures: np.ndarray) -> np.ndarray:
    """Signature of the union of the documents' shingle sets (element-wise minimum)."""
    return np.minimum.reduce(np.asarray(signatures, dtype=np.uint32), axis=0)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Fraction of equal slots: an unbiased estimate of the Jaccard similarity."""
    if np.all(sig_a == EMPTY) or np.all(sig_b == EMPTY):
        return 0.0
    return float(np.mean(sig_a == sig_b))


def lsh_params(num_perm: int, rows: int = 2) -> tuple[int, int]:
    """``(bands, rows)`` for a signature length.

    Two rows per band: a pair with Jaccard J becomes a candidate with probability
    ``1 - (1 - J**2) ** bands``; for 64 bands that is 0.93 at J = 0.2 and 0.998 at J = 0.3,
    which is where truncated (40 %) copies with other boilerplate land, while unrelated news
    texts (J < 0.01) collide with probability < 0.7 %. Candidates are verified exactly.
    """
    return num_perm // rows, rows


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One ``uint64`` key per (document, band); ``0`` marks an empty signature (not indexed).

    ``signatures`` is ``(n_docs, num_perm)``; rows beyond ``bands * rows`` are ignored.
    Keys are a pure per-document function, so they can be computed where signatures are.
    """
    sig = np.asarray(signatures, dtype=np.uint32)[:, : bands * rows].astype(U64)
    sig = sig.reshape(len(sig), bands, rows)
    key = np.zeros(sig.shape[:2], dtype=U64)
    for r in range(rows):
        key = _fmix64(key * _P + sig[:, :, r] + U64(r + 1))
    key |= U64(1)  # never 0
    key[np.all(sig == U64(EMPTY), axis=(1, 2))] = 0
    return key


def paired_band_keys(signatures: np.ndarray, rows: int = 2) -> np.ndarray:
    """Band keys of the signature slots grouped twice: consecutive slots (:func:`band_keys`)
    and slots half a signature apart (slot ``k`` with ``k + num_perm / rows``, ...), so every
    slot sits in two bands, with different partners.

    Twice the bands from the same signature: a pair with Jaccard J collides with probability
    about ``1 - (1 - J**rows) ** (2 * bands)``, for 128 slots in bands of 2 rows 0.95 at
    J = 0.15 and 0.995 at J = 0.2 (one grouping: 0.77 and 0.93). That is where two short copies
    of one story land when each kept a different part of it (a trimmed and a truncated copy of a
    120-word article). Unrelated texts (J < 0.01) still collide with probability < 1.3 %, and
    candidates are filtered on their signature estimate before any exact check.

    >>> sig = np.arange(8, dtype=np.uint32)[None, :]
    >>> paired_band_keys(sig).shape
    (1, 8)
    """
    sig = np.asarray(signatures, dtype=np.uint32)
    bands = sig.shape[1] // rows
    regrouped = sig[:, : bands * rows].reshape(len(sig), rows, bands).transpose(0, 2, 1)
    return np.concatenate([band_keys(sig, bands, rows),
                           band_keys(regrouped.reshape(len(sig), bands * rows), bands, rows)], axis=1)


def candidate_pairs(keys: np.ndarray, *, max_bucket: int = 1000) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of documents that share a key in some band.

    Vectorised: per band, sort the keys and pair up the members of each run of equal keys.
    Buckets larger than ``max_bucket`` (boilerplate-only texts repeated across a corpus)
    are skipped rather than exploding quadratically.
    """
    n_docs, bands = keys.shape
    found: list[np.ndarray] = []
    for band in range(bands):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")
        sorted_keys = col[order]
        starts = np.concatenate(([0], np.flatnonzero(np.diff(sorted_keys) != 0) + 1))
        sizes = np.diff(np.concatenate((starts, [n_docs])))
        keep = (sizes > 1) & (sizes <= max_bucket) & (sorted_keys[starts] != 0)
        if not keep.any():
            continue
        # Every member x of a kept run pairs with the members after it in the run.
        group_end = np.repeat(starts + sizes, sizes)
        member = np.repeat(keep, sizes)
        pos = np.flatnonzero(member)
        later = group_end[pos] - pos - 1
        first = np.repeat(pos, later)
        offset = np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)
        x, y = order[first], order[first + 1 + offset]
        found.append(np.minimum(x, y).astype(np.int64) * n_docs + np.maximum(x, y))
    if not found:
        return np.zeros((0, 2), dtype=np.intp)
    codes = sorted_codes(np.concatenate(found))
    return np.stack([codes // n_docs, codes % n_docs], axis=1).astype(np.intp)


def slot_pairs(signatures: np.ndarray, rows: np.ndarray, *, max_bucket: int = 1000,
               keep: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, one of them in ``rows``, whose signatures agree on at least
    one slot (bands of one row, searched for ``rows`` only).

    For a text much shorter than the other, even a full copy has a small Jaccard similarity
    (a 25-word excerpt of a 130-word article: J = 0.1), and a band of two slots catches it
    with probability ``1 - (1 - J**2) ** 128`` = 0.72; one slot of 128 agrees with probability
    ``1 - (1 - J) ** 128`` > 0.99. Searching one-slot bands for every pair would pair most of
    a corpus, so only the ``rows`` (short texts) are looked up, in one sorted array of every
    document's ``(slot, value)`` keys. Values shared by more than ``max_bucket`` documents
    (an empty text's) are skipped. ``keep`` (pairs ``[m, 2]`` -> a mask of those to keep) is
    applied to each block's pairs as they are found, so the pairs a caller drops are never
    held together: the 5,000 texts of ``bench/bench_scale.py``'s store are all short, and
    agree on a slot in 1,836,294 pairs, of which :func:`~narratrace.reuse.copy_candidates`
    keeps fewer than 2,000 (with its band pairs: 1,959).

    >>> sig = np.array([[1, 2, 3], [9, 2, 8], [7, 6, 5]], dtype=np.uint32)
    >>> slot_pairs(sig, np.array([0])).tolist()
    [[0, 1]]
    >>> slot_pairs(sig, np.array([0]), keep=lambda pairs: pairs[:, 1] != 1).tolist()
    []
    """
    sig = np.asarray(signatures, dtype=np.uint32)
    rows = np.asarray(rows, dtype=np.intp)
    n_docs, num_perm = sig.shape
    if not len(rows) or n_docs < 2:
        return np.zeros((0, 2), dtype=np.intp)
    slot = np.arange(num_perm, dtype=U64) << U64(32)
    keys = (sig.astype(U64) | slot[None, :]).ravel()
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    found: list[np.ndarray] = []
    for block in range(0, len(rows), _SLOT_ROWS):  # bounded memory: a few rows' buckets at a time
        part = rows[block:block + _SLOT_ROWS]
        query = (sig[part].astype(U64) | slot[None, :]).ravel()
        owner = np.repeat(part, num_perm)
        valid = sig[part].ravel() != EMPTY
        query, owner = query[valid], owner[valid]
        lo = np.searchsorted(sorted_keys, query, side="left")
        sizes = np.searchsorted(sorted_keys, query, side="right") - lo
        live = (sizes > 1) & (sizes <= max_bucket)
        lo, sizes, owner = lo[live], sizes[live], owner[live]
        if not len(lo):
            continue
        first = np.repeat(lo, sizes)
        offset = np.arange(len(first)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        other = order[first + offset] // num_perm
        mine = np.repeat(owner, sizes)
        differ = other != mine
        x, y = mine[differ].astype(np.int64), other[differ].astype(np.int64)
        codes = sorted_codes(np.minimum(x, y) * n_docs + np.maximum(x, y))
        if keep is not None and len(codes):
            codes = codes[keep(np.stack([codes // n_docs, codes % n_docs], axis=1).astype(np.intp))]
        found.append(codes)
    if not found:
        return np.zeros((0, 2), dtype=np.intp)
    codes = sorted_codes(np.concatenate(found))
    return np.stack([codes // n_docs, codes % n_docs], axis=1).astype(np.intp)


#: Short texts looked up together in :func:`slot_pairs` (each of their 128 slots may open a
#: bucket of up to ``max_bucket`` documents, so the pairs of a block are bounded).
_SLOT_ROWS = 32


class Buckets(NamedTuple):
    """The shared buckets of one family of keys (every band of :func:`paired_band_keys`, or
    every single slot), as flat arrays, to list each document's partners a block of documents
    at a time (:meth:`pairs`) instead of every pair of the corpus at once.

    An entry is one document in one bucket of 2 to ``max_bucket`` documents that holds a
    ``wanted`` document; entries are grouped by key column, then by bucket, documents
    ascending within a bucket, so the entries after a document's in its bucket are its
    partners of higher index. A pair counts when one of its two is wanted: a wanted document
    pairs with every later member of its bucket, another one with the later wanted members
    only (``wanted_before``, ``wanted_member``).
    """

    n: int
    member: np.ndarray  # the document of each entry
    end: np.ndarray  # one past the last entry of the entry's bucket
    wanted: np.ndarray  # bool per document
    wanted_before: np.ndarray  # per entry: the wanted entries before it and it
    wanted_member: np.ndarray  # the documents of the wanted entries, in entry order
    first: np.ndarray  # the entries of document d: by_doc[first[d]:first[d + 1]]
    by_doc: np.ndarray

    def work(self) -> np.ndarray:
        """How many pairs each document's entries list (a pair listed once per bucket it
        shares), by document."""
        later = self._later(np.arange(len(self.member)))[1]
        return np.bincount(self.member, weights=later, minlength=self.n).astype(np.int64)

    def _later(self, entries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each entry: where its partners start, how many there are, and whether they are
        read from ``member`` (the entry's document is wanted) or ``wanted_member``."""
        entries = entries.astype(np.int64)
        own = self.wanted[self.member[entries]]
        last = self.end[entries].astype(np.int64) - 1
        start = np.where(own, entries + 1, self.wanted_before[entries])
        count = np.where(own, last - entries, self.wanted_before[last] - self.wanted_before[entries])
        return start, count, own

    def pairs(self, lo: int, hi: int) -> np.ndarray:
        """The pairs ``(i, j)``, ``i < j``, of documents ``lo <= i < hi`` that share a bucket
        (one of them wanted), each once, as ascending codes ``i * n + j``."""
        entries = self.by_doc[self.first[lo]:self.first[hi]]
        start, count, own = self._later(entries)
        x = np.repeat(self.member[entries].astype(np.int64), count)
        pos = np.repeat(start, count) + np.arange(len(x)) - np.repeat(np.cumsum(count) - count, count)
        own = np.repeat(own, count)
        y = np.empty(len(x), dtype=np.int64)
        y[own] = self.member[pos[own]]
        y[~own] = self.wanted_member[pos[~own]]
        return sorted_codes(x * self.n + y)


def buckets(columns: Iterable[np.ndarray], n: int, *, empty: int, wanted: np.ndarray | None = None,
            max_bucket: int = 1000) -> Buckets:
    """:class:`Buckets` of key ``columns`` (one key per document each), made a column at a
    time: runs of equal keys of 2 to ``max_bucket`` documents (larger ones are boilerplate, as
    :func:`candidate_pairs` skips them) and not ``empty`` (an empty signature's), holding at
    least one ``wanted`` document (all when None).

    >>> b = buckets([np.array([5, 5, 7, 5], dtype=np.uint64)], 4, empty=0)
    >>> b.pairs(0, 4).tolist()  # codes i * 4 + j: (0, 1), (0, 3), (1, 3)
    [1, 3, 7]
    >>> buckets([np.array([5, 5, 7, 5], dtype=np.uint64)], 4, empty=0,
    ...         wanted=np.array([False, False, True, True])).pairs(0, 4).tolist()
    [3, 7]
    """
    wanted = np.ones(n, dtype=bool) if wanted is None else np.asarray(wanted, dtype=bool)
    index = np.int32 if n * 256 < 2**31 else np.int64
    members: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    done = 0
    for col in columns:
        order = np.argsort(col, kind="stable")  # ties by document: ascending within a bucket
        keys = col[order]
        if not n:
            break
        starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
        sizes = np.diff(np.append(starts, n))
        keep = ((sizes > 1) & (sizes <= max_bucket) & (keys[starts] != empty)
                & (np.add.reduceat(wanted[order].astype(np.int64), starts) > 0))  # a wanted member
        starts, sizes = starts[keep], sizes[keep]
        if not len(starts):
            continue
        total = int(sizes.sum())
        pos = np.repeat(starts, sizes) + np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        members.append(order[pos].astype(index))
        ends.append((done + np.repeat(np.cumsum(sizes), sizes)).astype(index))
        done += total
    member = np.concatenate(members) if members else np.zeros(0, dtype=index)
    end = np.concatenate(ends) if ends else np.zeros(0, dtype=index)
    flags = wanted[member]
    by_doc = np.argsort(member, kind="stable").astype(index)
    first = np.searchsorted(member[by_doc], np.arange(n + 1)).astype(np.int64)
    return Buckets(n, member, end, wanted, np.cumsum(flags, dtype=np.int64).astype(index),
                   member[flags], first, by_doc)


def band_columns(signatures: np.ndarray, rows: int = 2) -> Iterator[np.ndarray]:
    """The columns of :func:`paired_band_keys`, one band at a time (the same keys; all of
    them at once are 2 KiB a document).

    >>> sig = np.arange(16, dtype=np.uint32).reshape(2, 8)
    >>> bool((np.stack(list(band_columns(sig)), axis=1) == paired_band_keys(sig)).all())
    True
    """
    sig = np.asarray(signatures, dtype=np.uint32)
    bands = sig.shape[1] // rows
    used = sig[:, : bands * rows]
    empty = np.all(used == EMPTY, axis=1)
    for grouping in range(2):
        for band in range(bands):
            slots = ([band * rows + r for r in range(rows)] if grouping == 0
                     else [r * bands + band for r in range(rows)])
            key = np.zeros(len(sig), dtype=U64)
            for r, slot in enumerate(slots):
                key = _fmix64(key * _P + used[:, slot].astype(U64) + U64(r + 1))
            key |= U64(1)
            key[empty] = 0
            yield key


def pair_blocks(work: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Runs ``[lo, hi)`` of documents whose ``work`` sums to about ``budget`` (a document
    above it alone), covering every document.

    >>> pair_blocks(np.array([3, 3, 9, 1, 1]), 6)
    [(0, 2), (2, 3), (3, 5)]
    """
    n = len(work)
    cum = np.cumsum(work)
    cuts, lo = [], 0
    while lo < n:
        base = int(cum[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(cum, base + budget, side="right")))
        cuts.append((lo, min(hi, n)))
        lo = hi
    return cuts
