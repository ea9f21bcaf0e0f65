"""Text reuse between documents: copies, syndicated reprints and same-story links.

Three passes over a corpus, each scaling differently:

1. **Copies** (``duplicate`` / ``syndicated``): a MinHash signature per document (a pure
   function of its clean text, computed anywhere, mergeable), banding LSH over the
   signatures for candidates, then exact verification on shingle sets and passage
   alignment for the char spans that were copied.
2. **Same story**: embeddings of title + lead sentences (:func:`embed_for_story`, per
   document), compared by soft matching and corroborated by shared names and dates.
3. **Direction**: earlier publication date, else a credit line naming the other outlet.

>>> from narratrace.types import Document
>>> body = " ".join(f"word{i}" for i in range(80))
>>> a = Document(id="a", path="a", text=body, source_text=body)
>>> b = Document(id="b", path="b", text="Reprinted. " + body[:300], source_text="")
>>> [(r.a, r.b, r.kind) for r in find_reuse([a, b], embeddings={})]
[('a', 'b', 'syndicated')]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import UsageError
from ..options import Options
from ..types import Document, Reuse
from ._align import Alignment, align
from ._direction import direction
from ._minhash import (band_keys, candidate_pairs, estimate_jaccard, lsh_params, merge, minhash,
                       shingle_set)
from ._story import (doc_vector, embed_for_story, fallback_dates, fallback_names, overlap,
                     soft_match, story_sentences)

__all__ = ["signature", "find_reuse", "embed_for_story", "align", "direction", "merge",
           "estimate_jaccard", "Alignment", "story_sentences"]

NUM_PERM = 128
SHINGLE = 5

# Verification thresholds, on exact word-5-shingle sets. Reasoning: a copy truncated to 40 %
# keeps containment near 0.4 / (0.4 + boilerplate share) minus what light edits remove, so
# 0.3 leaves margin; a near-identical copy with other boilerplate keeps Jaccard >= 0.8. On the
# copy benchmark (bench/bench_reuse.py: SemEval-2025 EN + Zyte + synthetic originals, our own
# edits, 1,616 docs) these give P 1.0 / R 0.9988, the misses being LSH candidates, not
# verification; the per-pair containment distribution was not tuned further.
DUPLICATE_JACCARD = 0.8
SYNDICATED_CONTAINMENT = 0.3
MIN_COPIED_WORDS = 30  # a shared boilerplate line is not a reprint
# LSH candidates whose signatures agree on fewer slots are not worth an exact check
# (at J = 0.15 a 128-slot estimate falls below 0.06 with probability < 0.3 %).
MIN_ESTIMATE = 0.06

# Same-story candidates: mean title+lead vectors this close (cosine); the seeds' linked
# pairs sit at 0.65-0.86 and candidate recall matters more than precision here.
STORY_CANDIDATE = 0.5


def signature(document: Document, *, num_perm: int = NUM_PERM, shingle: int = SHINGLE) -> np.ndarray:
    """MinHash signature (``uint32[num_perm]``) of the document's word shingles.

    Pure and picklable: compute it on any worker; ``merge`` of signatures is the signature of
    the union of the texts. Language-independent, so unanalysed documents are compared too.

    >>> from narratrace.types import Document
    >>> d = Document(id="x", path="x", text="one two three four five six", source_text="")
    >>> signature(d).shape, bool((signature(d) == signature(d)).all())
    ((128,), True)
    """
    return minhash(shingle_set(document.text, shingle), num_perm)


def _story_features(documents: Sequence[Document], entities: Mapping[str, set[str]] | None,
                    dates: Mapping[str, set[str]] | None) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    names = {d.id: {n.lower() for n in entities[d.id]} if entities is not None and d.id in entities
             else fallback_names(d.text) for d in documents}
    when = {d.id: set(dates[d.id]) if dates is not None and d.id in dates
            else fallback_dates(d.text) for d in documents}
    return names, when


def story_score(emb_a: np.ndarray, emb_b: np.ndarray, names_a: set[str], names_b: set[str],
                dates_a: set[str], dates_b: set[str], idf: Mapping[str, float]) -> float:
    """Same-story score in [0, 1]: lead similarity, corroborated by rare shared names and dates.

    ``0.6 * lead + 0.3 * names + 0.1 * dates``. The lead term maps soft-match cosine
    0.35 -> 0 and 0.60 -> 1. Calibrated on the five seed articles (cleaned): the two rewrite
    pairs of one event have soft-match 0.59 and 0.71, same-narrative pairs about other events
    0.42-0.52. On SemEval-2025 EN train (399 raw, uncleaned articles, 79k pairs, fallback
    names) 14 pairs reach the default threshold 0.6 (``Options.same_story_threshold``): by
    hand, 5 are reprints or one event, 1 shares an uncleaned boilerplate lead, 8 are
    commentary on one topic (false links: the known weakness). The seed
    scores are 0.74 and 0.93 for the linked pairs and at most 0.50 for the others. Names
    count by inverse document frequency in the corpus, so "Ukraine" in every document adds
    little and the name of the speaker at one event adds a lot.
    """
    emb = min(1.0, max(0.0, (soft_match(emb_a, emb_b) - 0.35) / 0.25))
    shared = names_a & names_b
    if shared:
        total = min(sum(idf.get(n, 0.0) for n in names_a), sum(idf.get(n, 0.0) for n in names_b))
        name = min(1.0, sum(idf.get(n, 0.0) for n in shared) / total) if total else 0.0
    else:
        name = 0.0
    date = overlap(dates_a, dates_b)
    return round(0.6 * emb + 0.3 * name + 0.1 * date, 4)


def find_reuse(documents: Sequence[Document], *, signatures: Mapping[str, np.ndarray] | None = None,
               entities: Mapping[str, set[str]] | None = None,
               dates: Mapping[str, set[str]] | None = None,
               embeddings: Mapping[str, np.ndarray] | None = None,
               options: Options = Options()) -> list[Reuse]:
    """Reuse links between documents, one per pair, ordered by ``(a, b)`` with ``a < b``.

    ``signatures``, ``entities`` (names per doc), ``dates`` (date values per doc) and
    ``embeddings`` (:func:`embed_for_story` per doc) may be precomputed; missing signatures
    are computed, missing names/dates fall back to capitalised-word and month-name patterns,
    and ``embeddings=None`` embeds the analysed documents here (loading the model), while an
    explicit mapping (even empty) is taken as complete: documents absent from it get no
    same-story links.
    """
    docs = sorted(documents, key=lambda d: d.id)
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        dup = next(i for i, c in Counter(ids).items() if c > 1)
        raise UsageError(f"Document id {dup!r} appears twice; reuse needs unique ids "
                         "(ingest assigns content-hash ids, so the same input was given twice).")
    if len(docs) < 2:
        return []
    given = [np.asarray(signatures[d.id], dtype=np.uint32)
             if signatures is not None and d.id in signatures else None for d in docs]
    num_perm = next((len(g) for g in given if g is not None), NUM_PERM)
    if any(g is not None and len(g) != num_perm for g in given):
        raise UsageError("Signatures of different lengths were given; compute all with one num_perm.")
    sigs = np.stack([g if g is not None else signature(d, num_perm=num_perm)
                     for g, d in zip(given, docs, strict=True)])
    bands, rows = lsh_params(sigs.shape[1])

    shingles: dict[int, np.ndarray] = {}  # local to this call: no state survives it

    def shingled(i: int) -> np.ndarray:
        if i not in shingles:
            shingles[i] = shingle_set(docs[i].text, SHINGLE)
        return shingles[i]

    found: dict[tuple[int, int], Reuse] = {}
    pairs = candidate_pairs(band_keys(sigs, bands, rows))
    if len(pairs):
        estimates = (sigs[pairs[:, 0]] == sigs[pairs[:, 1]]).mean(axis=1)
        pairs = pairs[estimates >= MIN_ESTIMATE]
    for i, j in pairs.tolist():
        reuse = _copy_link(docs[i], docs[j], shingled(i), shingled(j))
        if reuse is not None:
            found[(i, j)] = reuse

    for (i, j), reuse in _same_story(docs, found, entities, dates, embeddings, options).items():
        found[(i, j)] = reuse
    return [found[k] for k in sorted(found)]


def _copy_link(a: Document, b: Document, sa: np.ndarray, sb: np.ndarray) -> Reuse | None:
    """Verify a candidate pair exactly; a ``duplicate``/``syndicated`` link or None."""
    if len(sa) == 0 or len(sb) == 0:
        return None
    inter = len(np.intersect1d(sa, sb, assume_unique=True))
    jaccard = inter / (len(sa) + len(sb) - inter)
    containment = inter / min(len(sa), len(sb))
    if containment < SYNDICATED_CONTAINMENT:
        return None
    alignment = align(a.text, b.text, shingle=SHINGLE)
    if min(alignment.words_a, alignment.words_b) < min(MIN_COPIED_WORDS, min(alignment.total_a, alignment.total_b)):
        return None
    kind = "duplicate" if jaccard >= DUPLICATE_JACCARD else "syndicated"
    score = jaccard if kind == "duplicate" else containment
    return Reuse(a=a.id, b=b.id, kind=kind, score=round(float(score), 4),
                 passages=alignment.passages, direction=direction(a, b))


def _same_story(docs: list[Document], found: Mapping[tuple[int, int], Reuse],
                entities: Mapping[str, set[str]] | None, dates: Mapping[str, set[str]] | None,
                embeddings: Mapping[str, np.ndarray] | None, options: Options) -> dict[tuple[int, int], Reuse]:
    if embeddings is None:
        embeddings = {d.id: embed_for_story(d) for d in docs if d.analysed}
    have = [i for i, d in enumerate(docs) if d.id in embeddings and len(embeddings[d.id])]
    if len(have) < 2:
        return {}
    vectors = np.stack([doc_vector(np.asarray(embeddings[docs[i].id])) for i in have])
    names, when = _story_features([docs[i] for i in have], entities, dates)
    df = Counter(n for i in have for n in names[docs[i].id])
    idf = {n: math.log((len(have) + 1) / (c + 0.5)) for n, c in df.items()}
    out: dict[tuple[int, int], Reuse] = {}
    block = 2048  # rows per block of the similarity matrix: memory stays O(block * n)
    for lo in range(0, len(have), block):
        sims = vectors[lo:lo + block] @ vectors.T
        for r, c in zip(*np.nonzero(sims >= STORY_CANDIDATE), strict=True):
            i, j = have[lo + int(r)], have[int(c)]
            if i >= j or (i, j) in found:
                continue
            a, b = docs[i], docs[j]
            score = story_score(np.asarray(embeddings[a.id]), np.asarray(embeddings[b.id]),
                                names[a.id], names[b.id], when[a.id], when[b.id], idf)
            if score >= options.same_story_threshold:
                passages = align(a.text, b.text, shingle=SHINGLE).passages
                out[(i, j)] = Reuse(a=a.id, b=b.id, kind="same_story", score=score,
                                    passages=passages, direction=direction(a, b))
    return out
