"""Text reuse between documents: copies, syndicated reprints and same-story links.

Three passes over a corpus, each scaling differently:

1. **Copies** (``duplicate`` / ``syndicated``): a MinHash signature per document (a pure
   function of its clean text, computed anywhere, mergeable), banding LSH over the
   signatures for candidates, then exact verification on shingle sets and passage
   alignment for the char spans that were copied.
2. **Same story**: embeddings of title + lead sentences (:func:`embed_for_story`, per
   document), compared by soft matching and corroborated by shared names and dates.
3. **Rewrites** (``rewrite``), among the same-story candidates of the index (at most
   ``REWRITE_NEIGHBOURS`` per document): a text that credits the other by name ("according
   to X", "X reported"; the credit's words and span are kept), or whose narrative sentences
   retell the other's in the same order (sentence vectors aligned, :mod:`._rewrite`).
4. **Direction**: earlier publication date, else a credit line naming the other outlet, else
   (rewrites) the text that kept the names and numbers the other dropped; ``direction_by``
   says which.

>>> from narratrace.types import Document
>>> body = " ".join(f"word{i}" for i in range(80))
>>> a = Document(id="a", path="a", text=body, source_text=body)
>>> b = Document(id="b", path="b", text="Reprinted. " + body[:300], source_text="")
>>> [(r.a, r.b, r.kind) for r in find_reuse([a, b], embeddings={})]
[('a', 'b', 'syndicated')]
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import UsageError
from ..options import Options
from ..types import Document, Reuse, ReuseKind
from ._align import Alignment, align
from ._ann import Listed, Mapper, nearest_pairs, neighbour_listed, neighbour_lists
from ._candidates import Candidates, StoredRows, StoryRows, positions, set_index, shared
from ._direction import decide, direction, find_credit, source_names
from ._minhash import (EMPTY, band_columns, buckets, estimate_jaccard, lsh_params, merge, minhash,
                       pair_blocks, shingle_set, tokenize)
from ._rewrite import align_sentences, detail_direction, is_rewrite, narrative_sentences
from ._story import (doc_vector, embed_for_story, fallback_dates, fallback_names, normalised, overlap,
                     overlap_of, soft_match, story_sentences)

__all__ = ["signature", "find_reuse", "update_reuse", "ReuseUpdate", "copy_candidates",
           "story_candidates", "embed_for_story", "align", "direction", "merge",
           "estimate_jaccard", "Alignment", "story_sentences", "Mapper", "nearest_pairs", "neighbour_lists", "story_scores",
           "align_sentences", "narrative_sentences", "find_credit", "source_names"]

NUM_PERM = 128
SHINGLE = 5

# Verification thresholds, on exact word-5-shingle sets. Reasoning: a copy truncated to 40 %
# keeps containment near 0.4 / (0.4 + boilerplate share) minus what light edits remove, so
# 0.3 leaves margin; a near-identical copy with other boilerplate keeps Jaccard >= 0.8. On the
# copy benchmark (bench/bench_reuse.py: SemEval-2025 EN + Zyte + synthetic originals, our own
# edits, 1,616 docs) these gave P 1.0 / R 0.9988, the misses being LSH candidates, not
# verification; with the regrouped bands and the rules below, P 1.0 / R 1.0 (1,601 of 1,601).
DUPLICATE_JACCARD = 0.8
SYNDICATED_CONTAINMENT = 0.3
MIN_COPIED_WORDS = 30  # a shared boilerplate line is not a reprint
# Where the copy sits. A reprint, a trimmed or a truncated copy keeps the story's opening;
# furniture that two outlets share (a closing note, a funding line, an author blurb: 25-40
# words at the end of both texts) does not, and on short articles it reaches the thresholds
# above. So copied passages count only when they hold MIN_COPIED_ELSEWHERE words (full-length
# copies share far more) unless a run of MIN_COPIED_OPENING copied words starts within the
# first OPENING_WORDS words of one text (a menu line both texts begin with, 10-17 words, is
# no such run: with its footers it linked a short uncleaned text to unrelated ones once short
# texts were looked up slot by slot, 6 false pairs on bench/bench_reuse.py).
# Short copies: two copies of a short article that each kept a different part of it (a
# trimmed and a truncated one) share 20-30 words, and every light edit removes up to five
# shingles, so shingle containment falls under 0.3 while the aligned passages (which bridge
# the edits) still cover a third of the shorter text. A pair that keeps the opening is a copy
# when its aligned passages cover SYNDICATED_CONTAINMENT of the shorter text with
# MIN_COPIED_OPENING words (a shared boilerplate line, 10-17 words, stays below). Pairs under
# PREFILTER_CONTAINMENT are not aligned: light edits (one word in 25) keep two thirds of a
# copy's shingles. Measured with bench/bench_furniture.py (150 originals per source, articles
# cut to 120 words; the figures are in its docstring); the thresholds are round values
# checked on five seeds, not fitted to any.
# Very short copies (a trimmed copy of 40 words): twenty copied words are half of such a text,
# and two copies that kept one sentence of the opening share 15-19. An opening run of
# SYNDICATED_CONTAINMENT of the shorter text, within [MIN_COPIED_SHORT, MIN_COPIED_OPENING]
# words (:func:`_run_bar`: 15 under 50 words, 20 from 67 on) will do when it is running text,
# sharing a line with other words in one of the texts: a subscription prompt or a menu two
# texts begin with (up to 17 words) is a line of its own in both. A text's title counts as its
# opening when it holds MIN_COPIED_OPENING words and the other text opens with it or has it as
# its title: cleaning takes an opening paragraph for a title in one copy and leaves it in the
# body of another whose furniture differs. On bench/bench_furniture.py, articles cut to 120
# words: R 0.9806 -> 0.9852 on seed 2 (4 more of 876 pairs: two of each), seeds 1, 3 and 4
# unchanged, and on seeds not looked at 0.9809 -> 0.9847 (5), 0.9723 -> 0.9856 (6),
# 0.9731 -> 0.9796 (7), 0.9813 -> 0.9837 (8); precision 1.0000 and the full-length figures
# unchanged; bench/bench_reuse.py (uncleaned texts) P 1.0 / R 1.0 unchanged.
OPENING_WORDS = 10
MIN_COPIED_ELSEWHERE = 60
MIN_COPIED_OPENING = 20
MIN_COPIED_SHORT = 15
PREFILTER_CONTAINMENT = 0.2
#: What a stored copy check depends on besides the two texts (part of the reuse stage's stamp).
COPY_RULE = (f"copy j{DUPLICATE_JACCARD} c{SYNDICATED_CONTAINMENT} w{MIN_COPIED_WORDS} "
             f"open{OPENING_WORDS}/{MIN_COPIED_OPENING}/{MIN_COPIED_ELSEWHERE} short{MIN_COPIED_SHORT} "
             f"pre{PREFILTER_CONTAINMENT} "
             "bands x2, one-slot short texts, own-outlet templates blanked, opening run, title opening")
# LSH candidates whose signatures agree on fewer slots are not worth an exact check
# (at J = 0.15 a 128-slot estimate falls below 0.06 with probability < 0.3 %).
MIN_ESTIMATE = 0.06
# A short text copied into a longer one has a small Jaccard similarity even when all of it is
# copied (a 25-word excerpt of a 130-word article: J = 0.1, which two-slot bands catch with
# probability 0.7 and MIN_ESTIMATE drops half the time). Texts of at most SHORT_TEXT words are
# therefore also looked up slot by slot, and a pair is checked when its estimated containment
# of the shorter text (from the slot agreement and the word counts) reaches
# MIN_CONTAINMENT_ESTIMATE, under the exact prefilter's (the estimate rests on a few slots),
# with at least two equal slots (one is often a shared common phrase). On bench_reuse's
# uncleaned texts (116 of 1,616 at most 200 words) that adds 6,932 pairs to check (0.1 would
# add 21,579, 0.2 2,121); the short copies found on bench_furniture estimate 0.18-0.79.
SHORT_TEXT = 200
MIN_CONTAINMENT_ESTIMATE = 0.15

# Same-story candidates: mean title+lead vectors this close (cosine); the seeds' linked
# pairs sit at 0.65-0.86 and candidate recall matters more than precision here.
STORY_CANDIDATE = 0.5
# At most this many same-story candidates per document (its most similar leads): a story told
# by more outlets still links up through the copies and the candidates of the others, and the
# work and the stored pairs stay linear in the corpus. On the 399 SemEval articles 3.5 % of all
# pairs pass STORY_CANDIDATE (~14 per document, a few documents far more).
STORY_NEIGHBOURS = 32
# Rewrite checks (credit search, sentence alignment) per document: its most similar
# same-story candidates only, so the checks stay linear in the corpus. On the provenance
# development corpus every gold derivation is among both documents' 4 nearest candidates (but
# no document there has more than 4 candidates, so the bound is not tested by it).
REWRITE_NEIGHBOURS = 8
# Pairs whose same-story score reaches this (below the link threshold) are kept as story
# context: not shown as links, but claims of the two texts may join one family at the claim
# stage's story bar (which also wants a shared name, figure or speaker). On provenance-dev
# every candidate pair scoring 0.4-0.6 is two outlets on one story (13 pairs; no candidate
# pair across stories scores above 0.2 there); the links themselves keep the 0.6 bar, whose
# precision was measured on real articles.
STORY_CONTEXT = 0.4
# A text that credits more than this many other texts among its candidates traces a story
# (a fact-check, a round-up) rather than retelling one source.
MAX_CREDITED = 2


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
    emb = _lead_term(soft_match(emb_a, emb_b))
    return _combine(emb, names_a, names_b, dates_a, dates_b, idf)


def _lead_term(soft: Any) -> Any:
    """Soft-match cosine 0.35 -> 0, 0.60 -> 1 (a float or an array)."""
    return np.clip((np.asarray(soft, dtype=np.float64) - 0.35) / 0.25, 0.0, 1.0)


def _combine(emb: float, names_a: set[str], names_b: set[str], dates_a: set[str],
             dates_b: set[str], idf: Mapping[str, float]) -> float:
    return _combined(emb, names_a & names_b, _weight(names_a, idf), _weight(names_b, idf),
                     overlap(dates_a, dates_b), idf)


def _weight(names: Iterable[str], idf: Mapping[str, float]) -> float:
    """The summed IDF of a document's names (the name term's denominator)."""
    return sum(idf.get(n, 0.0) for n in names)


def _combined(emb: float, shared: set[str], weight_a: float, weight_b: float, date: float,
              idf: Mapping[str, float]) -> float:
    """:func:`_combine` from its per-document parts (each document's :func:`_weight`, the date
    overlap), which a caller scoring many pairs computes once per document: the same floats."""
    if shared:
        total = min(weight_a, weight_b)
        name = min(1.0, sum(idf.get(n, 0.0) for n in shared) / total) if total else 0.0
    else:
        name = 0.0
    return round(0.6 * float(emb) + 0.3 * name + 0.1 * date, 4)


#: What the name and date terms can add to the lead term at most: a pair whose lead term
#: keeps it below the threshold even with both is not scored further.
_CORROBORATION = 0.3 + 0.1


def story_scores(embeddings: Sequence[np.ndarray], pairs: np.ndarray, *, floor: float = 0.0,
                 block: int = 1024) -> np.ndarray:
    """The lead term of :func:`story_score` (in [0, 1]) for many index ``pairs`` of
    ``embeddings`` at once (batched matrix products over rows padded to the longest lead).
    Pairs whose score cannot reach ``floor`` even with full name and date agreement get -1,
    so the caller scores only the others.

    >>> e = [np.array([[1.0, 0.0]]), np.array([[0.8, 0.6]]), np.array([[0.0, 1.0]])]
    >>> story_scores(e, np.array([[0, 1], [0, 2]])).round(2).tolist()
    [1.0, 0.0]
    >>> story_scores(e, np.array([[0, 1], [0, 2]]), floor=0.6).round(2).tolist()
    [1.0, -1.0]
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.full(len(pairs), -1.0)
    lengths = np.array([len(e) for e in embeddings], dtype=np.int64)
    if not len(pairs) or not lengths.max(initial=0):
        return out
    rows = int(lengths.max())  # every lead padded to the longest of all: the same products whatever the pairs
    dim = next(np.asarray(e).shape[1] for e in embeddings if len(e))
    for lo in range(0, len(pairs), block):
        # the leads of this block's pairs only, padded (all the leads the pairs use, padded at
        # once, were a second copy of every lead: with the block's products, +132 MiB for a
        # moment on the 20,000-document scale store)
        used, at = np.unique(pairs[lo:lo + block], return_inverse=True)
        padded = _padded(embeddings, used, lengths, rows, dim)
        a, b = at.reshape(-1, 2)[:, 0], at.reshape(-1, 2)[:, 1]
        size = lengths[used]
        valid = np.arange(rows)[None, :] < size[:, None]
        sims = np.matmul(padded[a], padded[b].transpose(0, 2, 1)).astype(np.float64)
        va, vb = valid[a], valid[b]
        both = va[:, :, None] & vb[:, None, :]
        sims = np.where(both, sims, -np.inf)
        best_a = np.where(va, sims.max(axis=2), 0.0).sum(axis=1) / np.maximum(size[a], 1)
        best_b = np.where(vb, sims.max(axis=1), 0.0).sum(axis=1) / np.maximum(size[b], 1)
        soft = np.where((size[a] > 0) & (size[b] > 0), (best_a + best_b) / 2, 0.0)
        lead = _lead_term(soft)
        out[lo:lo + block] = np.where(0.6 * lead + _CORROBORATION >= floor - 1e-9, lead, -1.0)
    return out


def _padded(embeddings: Sequence[np.ndarray], used: np.ndarray, lengths: np.ndarray, rows: int,
            dim: int) -> np.ndarray:
    """The leads ``used`` (indices of ``embeddings``) as one float32 array of ``rows`` rows
    each, zero below a shorter lead's rows (leads of one length stacked at once)."""
    padded = np.zeros((len(used), rows, dim), dtype=np.float32)
    size = lengths[used]
    for length in np.unique(size).tolist():
        if length:
            at = np.flatnonzero(size == length)
            padded[at, :length] = np.stack([np.asarray(embeddings[e], dtype=np.float32)
                                            for e in used[at].tolist()])
    return padded


def find_reuse(documents: Sequence[Document], *, signatures: Mapping[str, np.ndarray] | None = None,
               entities: Mapping[str, set[str]] | None = None,
               dates: Mapping[str, set[str]] | None = None,
               embeddings: Mapping[str, np.ndarray] | None = None,
               sentences: Mapping[str, tuple[np.ndarray, Sequence[tuple[int, int]]]] | None = None,
               options: Options = Options()) -> list[Reuse]:
    """Reuse links between documents, one per pair, ordered by ``(a, b)`` with ``a < b``.

    ``signatures``, ``entities`` (names per doc), ``dates`` (date values per doc) and
    ``embeddings`` (:func:`embed_for_story` per doc) may be precomputed; missing signatures
    are computed, missing names/dates fall back to capitalised-word and month-name patterns,
    and ``embeddings=None`` embeds the analysed documents here (loading the model), while an
    explicit mapping (even empty) is taken as complete: documents absent from it get no
    same-story links. :func:`update_reuse` is the same computation, reusing pairs already
    compared in an earlier run.
    """
    return update_reuse(documents, signatures=signatures, entities=entities, dates=dates,
                        embeddings=embeddings, sentences=sentences, options=options).links


@dataclass(frozen=True)
class ReuseUpdate:
    """What :func:`update_reuse` found, and the pair checks to keep for the next run."""

    links: list[Reuse]
    #: the links found by the copy checks made now (a check that found none is not kept:
    #: see :func:`update_reuse`)
    copies: dict[tuple[str, str], dict[str, Any] | None]
    #: same-story candidate rows new or changed now (a :class:`~._candidates.StoryRows`, made as read)
    stories: Mapping[tuple[str, str], dict[str, Any]]
    checked: int = 0  # copy candidates verified exactly in this call
    dropped: tuple[tuple[str, str], ...] = ()  # stored same-story candidates no list holds now
    context: tuple[tuple[str, str], ...] = ()  # unlinked pairs scoring STORY_CONTEXT or more


def update_reuse(documents: Sequence[Document], *, new: Collection[str] | None = None,
                 copies: Mapping[tuple[str, str], Mapping[str, Any] | None] | None = None,
                 stories: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
                 signatures: Mapping[str, np.ndarray] | None = None,
                 entities: Mapping[str, set[str]] | None = None,
                 dates: Mapping[str, set[str]] | None = None,
                 embeddings: Mapping[str, np.ndarray] | None = None,
                 sentences: Mapping[str, tuple[np.ndarray, Sequence[tuple[int, int]]]] | None = None,
                 options: Options = Options(), deleted: bool = False) -> ReuseUpdate:
    """:func:`find_reuse` over ``documents``, given the pairs an earlier run compared.

    ``copies`` maps a pair ``(a, b)``, ``a < b``, to its exact copy check (a ``Reuse`` row or
    None; the links alone will do, as :attr:`ReuseUpdate.copies` keeps them) and ``stories``
    holds every same-story candidate an earlier run found (rows with its cosine, and its
    credits, sentence alignment and passages once computed), among the documents not in
    ``new`` (``new=None``: every document is new, a full run). Both are pure functions of the
    two texts, so they stay valid while the documents do. Copy candidates are
    found over every document (LSH over every signature: the full run's); same-story
    candidates only for the new documents (:func:`_story_candidates`: the full run's wherever
    its search is exhaustive); the costly part is skipped for pairs done before (exact copy
    checks, alignments). Every candidate is scored again, in
    bulk, because a same-story score depends on the corpus (name IDF, canonical entities).
    ``deleted``: documents were deleted since ``stories`` was found, so every document is
    searched again (the stored rows still spare the costly part).
    """
    docs = sorted(documents, key=lambda d: d.id)
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        dup = next(i for i, c in Counter(ids).items() if c > 1)
        raise UsageError(f"Document id {dup!r} appears twice; reuse needs unique ids "
                         "(ingest assigns content-hash ids, so the same input was given twice).")
    fresh = set(ids) if new is None else set(new)
    copies = copies or {}
    stories = stories or {}
    if len(docs) < 2:
        return ReuseUpdate([], {}, {})
    given = [np.asarray(signatures[d.id], dtype=np.uint32)
             if signatures is not None and d.id in signatures else None for d in docs]
    num_perm = next((len(g) for g in given if g is not None), NUM_PERM)
    if any(g is not None and len(g) != num_perm for g in given):
        raise UsageError("Signatures of different lengths were given; compute all with one num_perm.")
    sigs = np.stack([g if g is not None else signature(d, num_perm=num_perm)
                     for g, d in zip(given, docs, strict=True)])

    shingles: dict[int, np.ndarray] = {}  # local to this call: no state survives it

    def shingled(i: int) -> np.ndarray:
        if i not in shingles:
            shingles[i] = shingle_set(docs[i].text, SHINGLE)
        return shingles[i]

    slots: dict[str, Slots] = {}  # each document's figures, read once (local to this call too)

    def figures(document: Document) -> Slots:
        if document.id not in slots:
            slots[document.id] = _figure_slots(document.text)
        return slots[document.id]

    # Copies: LSH candidates over every signature (sort-based, O(n log n) per band, so the
    # candidate set is always the full run's, bucket caps included); only candidates never
    # verified before are checked exactly. Only the checks that found a link are kept: a
    # templated corpus makes nearly every pair a candidate and nearly none a copy, and keeping
    # every "no" wrote one row per pair (1,000 weather reports of one wording: 498,001
    # checks, 959 links). A pair of two older documents that did not link cannot link
    # now (the check is a pure function of the two texts), so the search below never needs it;
    # a run after a deletion, which searches every document again, checks such a pair again.
    found: dict[tuple[int, int], Reuse] = {}
    done: dict[tuple[str, str], dict[str, Any] | None] = {}
    checked = 0
    words = np.array([len(d.text.split()) for d in docs])
    if new is None or deleted or fresh >= set(ids):
        blocks: Iterable[np.ndarray] = copy_candidate_blocks(sigs, words)
    else:
        # Only the new documents are looked up; the older candidates that matter are the
        # stored links: the full run's, except that a pair whose every shared bucket has since
        # grown past the bucket cap stays a candidate.
        row_of = {doc: k for k, doc in enumerate(ids)}
        kept = np.array(sorted((row_of[a], row_of[b]) for a, b in copies
                               if a in row_of and b in row_of and a not in fresh and b not in fresh),
                        dtype=np.intp).reshape(-1, 2)
        blocks = itertools.chain([kept], copy_candidate_blocks(
            sigs, words, rows=np.array(sorted(row_of[d] for d in fresh if d in row_of), dtype=np.intp)))
    # Checked a block of documents' candidates at a time, as they are found (all of a templated
    # corpus's at once were the step's peak), and as Python ints a slice at a time (all of a
    # block's took ~130 bytes a pair).
    for i, j in (pair for pairs in blocks for lo in range(0, len(pairs), 65_536)
                 for pair in pairs[lo:lo + 65_536].tolist()):
        key = (ids[i], ids[j])
        if key in copies and not (fresh & set(key)):
            row = copies[key]
        else:
            checked += 1
            reuse = _copy_link(docs[i], docs[j], shingled(i), shingled(j), figures=figures)
            row = dataclasses.asdict(reuse) if reuse is not None else None
            if row is not None:
                done[key] = row
        if row is not None:
            found[(i, j)] = _reuse_from_row(row)
    # the copy checks' shingle sets and figures (of every document in a candidate pair: they
    # grew the step by 49 MiB on the 20,000-document scale store) are not needed by the
    # same-story pass
    shingles.clear()
    slots.clear()
    story, rows, context = _same_story(docs, found, entities, dates, embeddings, options,
                                       fresh=fresh, cached=stories, sentences=sentences or {},
                                       deleted=deleted)
    found.update(story)
    changed = rows.changed(stories)
    dropped = rows.missing(stories)
    return ReuseUpdate([found[k] for k in sorted(found)], done, changed, checked=checked,
                       dropped=dropped, context=context)


def copy_candidates(sigs: np.ndarray, words: np.ndarray | None = None, *,
                    rows: np.ndarray | None = None) -> np.ndarray:
    """Index pairs ``(i, j)``, ``i < j``, worth an exact copy check: LSH band collisions (each
    slot in two bands, :func:`~._minhash.paired_band_keys`) whose signatures agree on at least
    ``MIN_ESTIMATE`` of their slots; with ``words`` (each text's word count), also the pairs
    of a text of at most ``SHORT_TEXT`` words that agree on a single slot (the pairs of
    :func:`~._minhash.slot_pairs`) and whose estimated containment of the shorter text
    reaches ``MIN_CONTAINMENT_ESTIMATE``. With ``rows``, only the pairs with a member among
    them (an incremental run's new documents; the same pairs as the full search has there).
    All of :func:`copy_candidate_blocks`, in one array.

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 3, 4], [5, 6, 7, 8]], dtype=np.uint32)
    >>> copy_candidates(sigs).tolist()
    [[0, 1]]
    >>> copy_candidates(sigs, rows=np.array([2])).tolist()
    []
    """
    blocks = list(copy_candidate_blocks(sigs, words, rows=rows))
    return np.concatenate(blocks) if blocks else np.zeros((0, 2), dtype=np.intp)


#: Pairs listed per block of documents by :func:`copy_candidate_blocks` (a pair once for each
#: bucket it shares), before they are filtered: a few tens of MiB of index arrays at a time.
PAIR_BLOCK = 1 << 19


def copy_candidate_blocks(sigs: np.ndarray, words: np.ndarray | None = None, *,
                          rows: np.ndarray | None = None, budget: int = PAIR_BLOCK) -> Iterator[np.ndarray]:
    """:func:`copy_candidates` a block of documents at a time: each block's pairs (those whose
    first document is in the block, ascending, each once) are listed from the shared buckets
    (:class:`~._minhash.Buckets`), filtered and handed on before the next block's are listed,
    so a caller that checks and drops them never holds every candidate. A templated corpus
    makes nearly every two texts a candidate: on 4,000 weather reports of one wording
    (``bench/bench_hostile.py``'s) the 5,068,608 pairs, listed for every band and slot they
    share before they were made unique, raised the peak by 518 MiB.

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4]], dtype=np.uint32)
    >>> [block.tolist() for block in copy_candidate_blocks(sigs, budget=1)]
    [[[0, 1], [0, 3]], [[1, 3]]]
    """
    n = len(sigs)
    mine = None
    if rows is not None:
        mine = np.zeros(n, dtype=bool)
        mine[np.asarray(rows, dtype=np.intp)] = True
    _, band_rows = lsh_params(sigs.shape[1])
    bands = buckets(band_columns(sigs, band_rows), n, empty=0, wanted=mine)
    work = bands.work()
    slots = None
    if words is not None:
        is_short = np.asarray(words) <= SHORT_TEXT
        # J (|A| + |B|) = |A & B| (1 + J): the estimate of how much of the shorter text the other holds
        sizes = np.maximum(np.asarray(words, dtype=np.float64) - (SHINGLE - 1), 1.0)
        flat = np.asarray(sigs, dtype=np.uint32)
        # one-slot buckets holding a looked-up text: a short one (with ``rows``: one of them)
        slots = buckets((flat[:, s] for s in range(flat.shape[1])), n, empty=int(EMPTY),
                        wanted=is_short if mine is None else mine)
        work = work + slots.work()

    def worth(extra: np.ndarray) -> np.ndarray:
        """Which one-slot pairs are worth a check: one of the two is short, and the estimated
        containment and the equal slots reach their bars."""
        agree = _agreement(sigs, extra)
        na, nb = sizes[extra[:, 0]], sizes[extra[:, 1]]
        contained = agree * (na + nb) / ((1 + agree) * np.minimum(na, nb))
        return ((is_short[extra[:, 0]] | is_short[extra[:, 1]]) & (contained >= MIN_CONTAINMENT_ESTIMATE)
                & (agree * sigs.shape[1] >= 2))

    for lo, hi in pair_blocks(work, budget):
        codes = bands.pairs(lo, hi)
        pairs = _agreeing(sigs, np.stack([codes // n, codes % n], axis=1).astype(np.intp), MIN_ESTIMATE)
        if slots is not None:
            codes = slots.pairs(lo, hi)
            extra = np.stack([codes // n, codes % n], axis=1).astype(np.intp)
            extra = extra[worth(extra)] if len(extra) else extra
            if len(extra):
                codes = np.union1d(pairs[:, 0].astype(np.int64) * n + pairs[:, 1],
                                   extra[:, 0].astype(np.int64) * n + extra[:, 1])
                pairs = np.stack([codes // n, codes % n], axis=1).astype(np.intp)
        if len(pairs):
            yield pairs


def _agreement(sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The share of equal signature slots of each pair (in blocks: the two gathered signature
    blocks take 1 KiB per pair, which at a few hundred thousand LSH candidates was the corpus
    run's peak; the equal slots counted, not averaged, which took a float64 copy of them)."""
    out = np.zeros(len(pairs))
    for lo in range(0, len(pairs), 8_192):
        block = pairs[lo:lo + 8_192]
        out[lo:lo + len(block)] = np.count_nonzero(sigs[block[:, 0]] == sigs[block[:, 1]], axis=1) / sigs.shape[1]
    return out


def _agreeing(sigs: np.ndarray, pairs: np.ndarray, floor: float) -> np.ndarray:
    return pairs[_agreement(sigs, pairs) >= floor] if len(pairs) else pairs


def _reuse_from_row(row: Mapping[str, Any]) -> Reuse:
    return Reuse(a=row["a"], b=row["b"], kind=row["kind"], score=row["score"],
                 passages=tuple(tuple(p) for p in row["passages"]),
                 direction=row["direction"], credit=row.get("credit"),
                 credit_start=row.get("credit_start"), credit_end=row.get("credit_end"),
                 direction_by=row.get("direction_by", ""))


def _copy_link(a: Document, b: Document, sa: np.ndarray, sb: np.ndarray, *,
               figures: Callable[[Document], Slots] | None = None) -> Reuse | None:
    """Verify a candidate pair exactly; a ``duplicate``/``syndicated`` link or None.

    Lines in which each text names its own outlet and which share wording (one template, each
    outlet's name filled in: an editor's note, a funding line) are outlet furniture, not
    evidence: they are blanked in both texts (:func:`_without_templates`) before the check.
    ``figures``: a document's :func:`_figure_slots`, kept by a caller that checks many pairs
    (a templated corpus pairs nearly every two texts; reading each text's figures again for
    every pair was three quarters of the check).
    """
    text_a, text_b, sa, sb = _without_templates(a, b, sa, sb)
    if len(sa) == 0 or len(sb) == 0:
        return None
    inter = len(np.intersect1d(sa, sb, assume_unique=True))
    jaccard = inter / (len(sa) + len(sb) - inter)
    containment = inter / min(len(sa), len(sb))
    if containment < PREFILTER_CONTAINMENT:
        return None
    slots = figures or (lambda d: _figure_slots(d.text))
    if _other_slots(slots(a) if text_a is a.text else _figure_slots(text_a),
                    slots(b) if text_b is b.text else _figure_slots(text_b)):
        return None
    alignment = align(text_a, text_b, shingle=SHINGLE)
    share = _copied_share(text_a, text_b, alignment, containment, titled=_title_opening(a, b, text_a, text_b))
    if share is None:
        return None
    kind: ReuseKind = "duplicate" if jaccard >= DUPLICATE_JACCARD else "syndicated"
    score = jaccard if kind == "duplicate" else share
    in_a, in_b = find_credit(a, source_names(b)), find_credit(b, source_names(a))
    way, by = decide(a, b, credit_in_a=in_a, credit_in_b=in_b)
    credit = in_b if way == "a->b" else in_a if way == "b->a" else None
    return Reuse(a=a.id, b=b.id, kind=kind, score=round(float(score), 4),
                 passages=alignment.passages, direction=way, direction_by=by,
                 **_credit_fields(credit))


#: A copy keeps its source's figures where it keeps its words; one template filled with other
#: facts (a weather or results service, a price list) puts other figures after the same words.
#: Two texts are template instances, not copies, when at least :data:`TEMPLATE_SLOTS` of the
#: figures they both introduce with the same two words differ, and they agree on fewer than
#: half of those. A thousand weather reports of one wording (eight towns, every figure drawn at
#: random), whole run: 498,001 copy links before (every pair) and 959 after; 1,417 → 140 s
#: wall, peak RSS 2,406 → 409 MiB, report 57 → 4.3 MB. Near-duplicate precision and recall of
#: the furniture bench unchanged (seeds 1-2, full and cut to 120 words).
TEMPLATE_SLOTS = 3
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


Slots = dict[tuple[str, str], set[str]]


def _figure_slots(text: str) -> Slots:
    """Each figure of a text by the two words before it ("winds of" → {"40"})."""
    words = _TOKEN.findall(text.lower())
    out: dict[tuple[str, str], set[str]] = {}
    for k in range(2, len(words)):
        w = words[k]
        if w[0].isdigit() and not words[k - 1][0].isdigit() and not words[k - 2][0].isdigit():
            out.setdefault((words[k - 2], words[k - 1]), set()).add(w)
    return out


def _other_figures(text_a: str, text_b: str) -> bool:
    """Do two texts put other figures after the same words (:data:`TEMPLATE_SLOTS`)?

    >>> _other_figures("Rain of 12 mm and winds of 40 km/h on day 3 in Arlen.",
    ...                "Rain of 30 mm and winds of 15 km/h on day 9 in Arlen.")
    True
    >>> _other_figures("Rain of 12 mm and winds of 40 km/h on day 3 in Arlen.",
    ...                "Rain of 12 mm and winds of 40 km/h on day 3, the service said.")
    False
    """
    return _other_slots(_figure_slots(text_a), _figure_slots(text_b))


def _other_slots(sa: Slots, sb: Slots) -> bool:
    """:func:`_other_figures` of two texts' :func:`_figure_slots`."""
    shared = sa.keys() & sb.keys()
    if len(shared) < TEMPLATE_SLOTS:
        return False
    agree = sum(bool(sa[k] & sb[k]) for k in shared)
    return agree < 0.5 * len(shared)


def _own_names(document: Document) -> frozenset[str]:
    """The document's own outlet as folded word runs (``themeridianpost``, ``meridianpost``):
    its outlet and its URL's site name (``www.meridianpost.example`` -> ``meridianpost``).

    >>> d = Document(id="x", path="x", text="", source_text="", outlet="The Eastmoor Courier",
    ...              url="https://news.eastmoorcourier.example/a/1")
    >>> sorted(_own_names(d))
    ['eastmoorcourier', 'theeastmoorcourier']
    """
    names: set[str] = set()
    if document.outlet:
        names.add(re.sub(r"\W+", "", document.outlet.lower()))
    if document.url and (host := _SITE.match(document.url)):
        labels = host[1].lower().split(".")[:-1]  # without the top-level domain
        if len(labels) > 1 and len(labels[-1]) <= 3:  # a second-level suffix: co.uk, com.au
            labels = labels[:-1]
        if labels:
            names.add(re.sub(r"\W+", "", labels[-1]))
    names |= {n[3:] for n in names if n.startswith("the")}
    return frozenset(n for n in names if len(n) >= _MIN_NAME)


_SITE = re.compile(r"^[a-z][a-z0-9+.-]*://([^/:?#]+)", re.I)
_MIN_NAME = 5  # shorter folded names ("abc", "the") would be found inside ordinary words


def _self_naming_lines(text: str, own: frozenset[str], other: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` that name one of ``own`` and none of ``other`` (names
    as folded runs of 1-6 words)."""
    spans: list[tuple[int, int]] = []
    if not own:
        return spans
    pos = 0
    for line in text.split("\n"):
        words = re.findall(r"\w+", line.lower())
        runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(i + 7, len(words) + 1))}
        if runs & own and not runs & other:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _without_templates(a: Document, b: Document, sa: np.ndarray, sb: np.ndarray
                       ) -> tuple[str, str, np.ndarray, np.ndarray]:
    """Both texts with their shared self-naming lines blanked (same length, so offsets hold),
    and the shingle sets of what is left; the inputs when there are none.

    A copy keeps the name of the outlet it copied (or credits it): it does not put its own
    name where the other text has the other's. Two lines that do, and share wording, are one
    outlet template (a closing note, a funding line, an author blurb), the furniture cleaning
    cannot see when an outlet has too few articles for its note to recur. Each line must name
    its own text's outlet and not the other's, and the two outlets must differ, so a reprint of
    a paragraph that names its source (or a dateline both texts keep) stays evidence.

    >>> note = "{} is a nonprofit newsroom funded by its members and by local foundations."
    >>> a = Document(id="a", path="a", text="A story of the harbour.\\n" + note.format("The Eastmoor Courier"),
    ...              source_text="", url="https://eastmoorcourier.example/1")
    >>> b = Document(id="b", path="b", text=note.format("The Westfield Post"), source_text="",
    ...              url="https://westfieldpost.example/2")
    >>> ta, tb, _, sb = _without_templates(a, b, shingle_set(a.text), shingle_set(b.text))
    >>> ta.strip(), tb.strip(), len(sb)
    ('A story of the harbour.', '', 0)
    """
    names_a, names_b = _own_names(a), _own_names(b)
    if names_a & names_b:  # one outlet (or one detected source): not two outlets' template
        return a.text, b.text, sa, sb
    la = _self_naming_lines(a.text, names_a, names_b)
    lb = _self_naming_lines(b.text, names_b, names_a) if la else []
    if not lb:
        return a.text, b.text, sa, sb
    sets_a = [shingle_set(a.text[s:e], SHINGLE) for s, e in la]
    sets_b = [shingle_set(b.text[s:e], SHINGLE) for s, e in lb]
    all_a, all_b = np.concatenate(sets_a), np.concatenate(sets_b)
    drop_a = [span for span, sh in zip(la, sets_a, strict=True) if np.isin(sh, all_b).any()]
    drop_b = [span for span, sh in zip(lb, sets_b, strict=True) if np.isin(sh, all_a).any()]
    if not drop_a:
        return a.text, b.text, sa, sb
    text_a, text_b = _blank(a.text, drop_a), _blank(b.text, drop_b)
    return text_a, text_b, shingle_set(text_a, SHINGLE), shingle_set(text_b, SHINGLE)


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _copied_share(text_a: str, text_b: str, alignment: Alignment, containment: float, *,
                  titled: bool = False) -> float | None:
    """The share of the shorter text that was copied, or None when the pair is not a copy.

    A copy keeps the story's opening (a passage of ``MIN_COPIED_OPENING`` words, or all of the
    shorter text, starts within ``OPENING_WORDS`` words of the start of one text; in a short
    text, :func:`_run_bar` words of running text will do; ``titled``: the two texts share a
    title as their opening, :func:`_title_opening`) or shares at least ``MIN_COPIED_ELSEWHERE``
    words: furniture two texts share at their ends (a menu line above, a closing note below)
    is neither. It then shares
    ``SYNDICATED_CONTAINMENT`` of the shorter text's shingles in passages of at least
    ``MIN_COPIED_WORDS`` words (or the whole shorter text); a copy that keeps the opening may
    instead cover that share with its aligned passages (edits do not cut them) and as many
    words as its opening run needs.

    >>> body = " ".join(f"w{i}" for i in range(40))
    >>> note = " ".join(f"n{i}" for i in range(35))
    >>> a, b = f"{body} {note}", " ".join(f"x{i}" for i in range(50)) + f" {note}"
    >>> _copied_share(a, b, align(a, b), 0.33) is None  # a closing note: not a copy
    True
    >>> c = " ".join(body.split()[:22]) + " " + " ".join(f"y{i}" for i in range(40))
    >>> round(_copied_share(a, c, align(a, c), 0.25), 2)  # a short copy of the opening
    0.35
    >>> menu = " ".join(f"m{i}" for i in range(12))
    >>> d, e = f"{menu} {a}", f"{menu} " + " ".join(f"z{i}" for i in range(30)) + f" {note}"
    >>> _copied_share(d, e, align(d, e), 0.4) is None  # a menu line above, a note below
    True
    >>> f = " ".join(body.split()[:16]) + " " + " ".join(f"v{i}" for i in range(24))
    >>> round(_copied_share(a, f, align(a, f), 0.3), 2)  # one sentence of a 40-word copy's opening
    0.4
    >>> line = " ".join(body.split()[:16])
    >>> g, h = f"{line}\\n{note}", f"{line}\\n" + " ".join(f"u{i}" for i in range(24))
    >>> _copied_share(g, h, align(g, h), 0.3) is None  # ...but not a line of its own in both
    True
    """
    shorter = min(alignment.total_a, alignment.total_b)
    copied = min(alignment.words_a, alignment.words_b)
    if not alignment.passages:
        return None
    bar = min(MIN_COPIED_OPENING, shorter)
    run, first, last = _opening_run(alignment.words)
    if _run_bar(shorter) <= run < bar and _in_running_text(text_a, text_b, alignment.passages[first],
                                                          alignment.passages[last]):
        bar = run
    opening = titled or run >= bar
    if not opening and copied < MIN_COPIED_ELSEWHERE:
        return None
    if containment >= SYNDICATED_CONTAINMENT and copied >= min(MIN_COPIED_WORDS, shorter):
        return containment
    share = max(containment, alignment.coverage)
    if opening and share >= SYNDICATED_CONTAINMENT and copied >= bar:
        return share
    return None


def _run_bar(shorter: int) -> int:
    """The opening run, in words, that shows a short pair keeps its opening, for a shorter
    text of ``shorter`` words: ``SYNDICATED_CONTAINMENT`` of it, at least ``MIN_COPIED_SHORT``
    and at most ``MIN_COPIED_OPENING`` words (all of a text shorter than that).

    >>> [_run_bar(n) for n in (8, 40, 60, 120)]
    [8, 15, 18, 20]
    """
    share = math.ceil(SYNDICATED_CONTAINMENT * shorter)
    return min(shorter, MIN_COPIED_OPENING, max(MIN_COPIED_SHORT, share))


def _in_running_text(text_a: str, text_b: str, first: tuple[int, int, int, int],
                     last: tuple[int, int, int, int]) -> bool:
    """Does the copied run from passage ``first`` to ``last`` (char offsets, as
    :attr:`Alignment.passages`) share its line with other words in one of the texts?
    Furniture is whole lines (a menu, a subscription prompt); a sentence of a story sits in a
    paragraph of one of its copies at least.

    >>> run = (0, 18, 0, 18)
    >>> _in_running_text("Lead sentence here. More", "Lead sentence here.\\nOther", run, run)
    True
    >>> _in_running_text("Sign up now.\\nA", "Sign up now.\\nB", (0, 11, 0, 11), (0, 11, 0, 11))
    False
    """
    for text, start, end in ((text_a, first[0], last[1]), (text_b, first[2], last[3])):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end) % (len(text) + 1)  # -1 (the last line) -> len(text)
        if _WORD.search(text, line_start, start) or _WORD.search(text, end, line_end):
            return True
    return False


_WORD = re.compile(r"\w")


def _title_opening(a: Document, b: Document, text_a: str, text_b: str) -> bool:
    """Do the two texts share a title as their opening: one text's title opens the other text
    (a run of ``MIN_COPIED_OPENING`` words within ``OPENING_WORDS`` words of its start) or is
    the other's title too?

    Cleaning takes a text's opening paragraph for its title when it looks like one; a copy
    whose furniture differs keeps that paragraph in its body. ``text_a`` and ``text_b`` are
    the texts as compared (outlet templates blanked). A headline or a menu line taken for a
    title (4-15 words) is too short to count.

    >>> lead = " ".join(f"w{i}" for i in range(25))
    >>> a = Document(id="a", path="a", text="x1 x2 x3", source_text="", title=lead)
    >>> b = Document(id="b", path="b", text="Read this. " + lead + " y1 y2", source_text="")
    >>> _title_opening(a, b, a.text, b.text)
    True
    >>> c = Document(id="c", path="c", text="z1 z2", source_text="", title=lead + ".")
    >>> _title_opening(c, a, c.text, a.text)  # the same title: the same opening
    True
    >>> _title_opening(a, b, a.text, "z " * 20 + lead)  # deep in the other text: not its opening
    False
    """
    for doc, other, other_text in ((a, b, text_b), (b, a, text_a)):
        title = doc.title or ""
        if len(tokenize(title)[0]) < MIN_COPIED_OPENING:
            continue
        for target in (other_text, other.title or ""):
            run = align(title, target, shingle=SHINGLE, min_words=MIN_COPIED_OPENING)
            if any(b0 < OPENING_WORDS for _, _, b0, _ in run.words):
                return True
    return False


def _opening_words(spans: Sequence[tuple[int, int, int, int]]) -> int:
    """Words copied in the opening: the passages from one that starts within ``OPENING_WORDS``
    words of either text's start, on through those that follow it within ``OPENING_WORDS``
    words in one text (light edits cut a lead into several passages; a sentence one copy
    dropped leaves a gap in the other). A menu or share line two texts begin with (10-17 words)
    followed by nothing shared until their footers is not a story's lead.

    ``spans`` are the passages as word ranges (:attr:`Alignment.words`).

    >>> lead = " ".join(f"w{i}" for i in range(30))
    >>> _opening_words(align(lead, "Read this. " + lead).words)
    30
    >>> _opening_words([(0, 12, 0, 12), (200, 230, 90, 120)])  # a menu line, then the footers
    12
    """
    return _opening_run(spans)[0]


def _opening_run(spans: Sequence[tuple[int, int, int, int]]) -> tuple[int, int, int]:
    """:func:`_opening_words`, and the indices in ``spans`` of the first and the last passage
    of that run (``-1`` when there is none).

    >>> _opening_run([(60, 80, 65, 85), (0, 12, 0, 12), (15, 30, 14, 29)])
    (27, 1, 2)
    """
    order = sorted(range(len(spans)), key=lambda k: spans[k])
    best, first, last = 0, -1, -1
    for n, k in enumerate(order):
        if spans[k][0] >= OPENING_WORDS and spans[k][2] >= OPENING_WORDS:
            continue
        words, end_a, end_b, at = 0, -1, -1, k
        for m in order[n:]:
            a0, a1, b0, b1 = spans[m]
            if end_a >= 0 and not (a0 >= end_a and b0 >= end_b
                                   and min(a0 - end_a, b0 - end_b) <= OPENING_WORDS):
                break
            words += min(a1 - a0, b1 - b0)
            end_a, end_b, at = a1, b1, m
        if words > best:
            best, first, last = words, k, at
    return best, first, last


def _credit_fields(credit: Sequence[Any] | None) -> dict[str, Any]:
    if credit is None:
        return {"credit": None, "credit_start": None, "credit_end": None}
    text, start, end = credit
    return {"credit": text, "credit_start": start if start >= 0 else None,
            "credit_end": end if start >= 0 else None}


def _same_story(docs: list[Document], found: Mapping[tuple[int, int], Reuse],
                entities: Mapping[str, set[str]] | None, dates: Mapping[str, set[str]] | None,
                embeddings: Mapping[str, np.ndarray] | None, options: Options, *,
                fresh: set[str], cached: Mapping[tuple[str, str], Mapping[str, Any]],
                sentences: Mapping[str, tuple[np.ndarray, Sequence[tuple[int, int]]]],
                deleted: bool = False
                ) -> tuple[dict[tuple[int, int], Reuse], StoryRows, tuple[tuple[str, str], ...]]:
    """Same-story and rewrite links among the candidates of the story index, the rows of
    every candidate (as the store keeps them) and the story context (unlinked pairs scoring
    ``STORY_CONTEXT`` or more).

    What a pair costs (its credits both ways, its sentence alignment, its passages) is a pure
    function of the two texts, computed once and kept in the pair's row; what depends on the
    corpus (the story score, how many texts one document credits) is decided on every run.
    The candidates are arrays (:class:`~._candidates.Candidates`) and their scores are summed
    in bulk; a pair is looked at one by one only where it may link or be context.
    """
    ids = [d.id for d in docs]
    if embeddings is None:
        embeddings = {d.id: embed_for_story(d) for d in docs if d.analysed}
    have = [i for i, d in enumerate(docs) if d.id in embeddings and len(embeddings[d.id])]
    if len(have) < 2:
        return {}, StoryRows(ids, _no_candidates()), ()
    vectors = np.stack([doc_vector(np.asarray(embeddings[docs[i].id])) for i in have])
    names, when = _story_features([docs[i] for i in have], entities, dates)
    df = Counter(n for i in have for n in names[docs[i].id])
    idf = {n: math.log((len(have) + 1) / (c + 0.5)) for n, c in df.items()}
    cand = _story_candidates(docs, have, vectors, fresh, cached, deleted=deleted)
    rows = StoryRows(ids, cand)
    out: dict[tuple[int, int], Reuse] = {}
    n = len(docs)
    copied = np.asarray(sorted(i * n + j for i, j in found), dtype=np.int64)
    todo = positions(copied, cand.codes(n)) < 0
    if not todo.any():
        return out, rows, ()
    # The lead term is a pure function of the two leads: computed once per pair, kept in its row.
    need = np.flatnonzero(todo & np.isnan(cand.lead))
    if len(need):
        pos = np.full(n, -1, dtype=np.int64)
        pos[have] = np.arange(len(have))
        cand.lead[need] = story_scores([np.asarray(embeddings[docs[i].id]) for i in have],
                                       np.stack([pos[cand.lo[need]], pos[cand.hi[need]]], axis=1))
        cand.touch(need)
    floor = min(options.same_story_threshold, STORY_CONTEXT)
    checked = _rewrite_checks(cand, todo, n)
    own_names: dict[int, frozenset[str]] = {}
    for p in [p for p, row in cand.extra.items() if "credit_a" in row and todo[p] and not checked[p]]:
        # evidence cached when the pair was within the bound: not now (_pair_evidence writes
        # credit_a whenever it writes any field)
        row = cand.extra[p]
        for name in _EVIDENCE:
            row.pop(name, None)
        cand.touch(p)
    pending = np.asarray([p for p in np.flatnonzero(todo & checked).tolist()
                          if "credit_a" not in cand.extra.get(p, ())], dtype=np.int64)
    # Each pair's evidence is a function of its two texts alone, so the pairs are taken in an
    # order that keeps each document's pairs close (visit_order), and a mapping of sentences
    # that can let go of a document's vectors (``forget``) is told to after its last pair:
    # what it holds is the documents between their first and last pair, not every one of them.
    pending = pending[visit_order(cand.lo[pending], cand.hi[pending], n)]
    forget = getattr(sentences, "forget", None)
    prepare = getattr(sentences, "prepare", None)
    if prepare is not None:  # a mapping that makes vectors when asked: every pair's at once
        prepare(list(zip([docs[i].id for i in cand.lo[pending].tolist()],
                         [docs[j].id for j in cand.hi[pending].tolist()], strict=True)))
    last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last, cand.lo[pending], np.arange(len(pending)))
    np.maximum.at(last, cand.hi[pending], np.arange(len(pending)))
    for at, p in enumerate(pending.tolist()):
        i, j = int(cand.lo[p]), int(cand.hi[p])
        cand.extra.setdefault(p, {}).update(_pair_evidence(docs, (i, j), sentences, own_names))
        cand.touch(p)
        if forget is not None:
            for k in (i, j):
                if last[k] == at:
                    forget(docs[k].id)
    # A pair whose lead term cannot reach the lower bar even with every name and date shared
    # (as story_scores prunes), and that was not checked for a rewrite (so it has no credit
    # and no retelling), is neither a link nor context: it is passed over without a score.
    # (With the default bars the lower one is STORY_CONTEXT, which names and dates alone
    # reach, so every candidate is scored.)
    lead_ok = todo & (0.6 * cand.lead + _CORROBORATION >= floor - 1e-9)
    # Every score in bulk (names and dates shared, summed over arrays), to find the pairs that
    # may link or be context: those are scored again one by one, as the formula is.
    weight = {docs[i].id: _weight(names[docs[i].id], idf) for i in have}
    day_set = {docs[i].id: normalised(when[docs[i].id]) for i in have}
    rough = _rough_scores(cand, np.flatnonzero(lead_ok), [names.get(d, set()) for d in ids],
                          [day_set.get(d, frozenset()) for d in ids],
                          np.asarray([weight.get(d, 0.0) for d in ids]), idf)
    # How many candidate texts each document credits: a trace of the story (a fact-check, a
    # round-up) names every outlet in it, a rewrite its source.
    credited: Counter[int] = Counter()
    for p in np.flatnonzero(checked).tolist():
        row = cand.extra[p]
        credited[int(cand.lo[p])] += row.get("credit_a") is not None
        credited[int(cand.hi[p])] += row.get("credit_b") is not None
    context: list[tuple[str, str]] = []
    for p in np.flatnonzero(todo & checked | lead_ok & (rough >= floor - _ROUGH)).tolist():
        i, j = int(cand.lo[p]), int(cand.hi[p])
        row = cand.extra.get(p, {})
        a, b = docs[i], docs[j]
        if lead_ok[p]:
            emb = float(cand.lead[p])
            score = _combined(emb, names[a.id] & names[b.id], weight[a.id], weight[b.id],
                              overlap_of(day_set[a.id], day_set[b.id]), idf)
        else:
            emb, score = -1.0, 0.0
        in_a = row.get("credit_a") if credited[i] <= MAX_CREDITED else None
        in_b = row.get("credit_b") if credited[j] <= MAX_CREDITED else None
        in_a, in_b = _credit_after_source(a, b, in_a, in_b)
        retold = bool(row.get("retold"))
        rewrite = retold or (in_a is None) != (in_b is None)
        if not rewrite and score < options.same_story_threshold:
            if emb >= 0 and score >= floor:
                context.append((a.id, b.id))
            continue
        if "passages" not in row:  # aligned once, the first time the pair links
            row = cand.extra.setdefault(p, row)
            row["passages"] = [list(x) for x in align(a.text, b.text, shingle=SHINGLE).passages]
            cand.touch(p)
        passages = (row.get("aligned") or row["passages"]) if retold else row["passages"]
        if rewrite:
            way, by = decide(a, b, credit_in_a=in_a, credit_in_b=in_b,
                             fallback=(row.get("detail", "unknown"), "detail"))
            credit = in_b if way == "a->b" else in_a if way == "b->a" else (in_a or in_b)
            out[(i, j)] = Reuse(a=a.id, b=b.id, kind="rewrite", score=max(score, row.get("share", 0.0)),
                                passages=tuple(tuple(x) for x in passages),
                                direction=way, direction_by=by, **_credit_fields(credit))
        else:
            way, by = decide(a, b)
            out[(i, j)] = Reuse(a=a.id, b=b.id, kind="same_story", score=score,
                                passages=tuple(tuple(x) for x in row["passages"]),
                                direction=way, direction_by=by)
    return out, rows, tuple(context)


#: A bulk score (:func:`_rough_scores`) and the pair formula's differ by the rounding to four
#: places and the order of a float sum: pairs within this of a bar are scored one by one.
_ROUGH = 1e-3


def _rough_scores(cand: Candidates, at: np.ndarray, names: Sequence[Iterable[str]],
                  days: Sequence[frozenset[str]], weight: np.ndarray,
                  idf: Mapping[str, float], *, block: int = 65_536) -> np.ndarray:
    """:func:`_combined` of the candidates at positions ``at`` (-1 elsewhere), unrounded, over
    arrays: the names and days each pair shares counted with :func:`~._candidates.shared`
    (``names``, ``days`` and each document's :func:`_weight` by document index)."""
    out = np.full(len(cand), -1.0)
    if not len(at):
        return out
    name_starts, name_ids, vocab = set_index(names)
    value = np.zeros(len(vocab))
    for text, k in vocab.items():
        value[k] = idf.get(text, 0.0)
    day_starts, day_ids, vocab = set_index(days)
    no_weight = np.zeros(len(vocab))
    sizes = np.diff(day_starts)
    # a block of pairs at a time (a dozen arrays over every candidate were +55 MiB on the
    # 20,000-document scale store); each pair's sums are the same whatever its block
    for lo in range(0, len(at), block):
        part = at[lo:lo + block]
        a, b = cand.lo[part], cand.hi[part]
        count, total = shared(name_starts, name_ids, value, a, b)
        least = np.minimum(weight[a], weight[b])
        name = np.where((count > 0) & (least > 0),
                        np.minimum(1.0, total / np.where(least > 0, least, 1.0)), 0.0)
        both, _ = shared(day_starts, day_ids, no_weight, a, b)
        fewer = np.minimum(sizes[a], sizes[b])
        date = np.where(fewer > 0, both / np.maximum(fewer, 1), 0.0)
        out[part] = 0.6 * cand.lead[part] + 0.3 * name + 0.1 * date
    return out


def _no_candidates() -> Candidates:
    empty = np.zeros(0, dtype=np.int64)
    return Candidates(empty, empty, np.zeros(0), np.zeros(0, dtype=bool), np.zeros(0, dtype=bool),
                      np.zeros(0))


def _story_candidates(docs: Sequence[Document], have: Sequence[int], vectors: np.ndarray,
                      fresh: set[str], cached: Mapping[tuple[str, str], Mapping[str, Any]], *,
                      deleted: bool = False) -> Candidates:
    """Same-story candidates, with their cosines, the sides that list them among their
    ``STORY_NEIGHBOURS`` best and what earlier runs computed for them (``cached``, rows of
    pairs of documents not in ``fresh``: their lead term and other fields).

    Only the new documents are searched while the cached rows hold every earlier candidate
    (:func:`~._ann.neighbour_listed`): the candidates are a full run's wherever the full
    search is exhaustive.
    """
    ids = [docs[i].id for i in have]
    pos = {doc: r for r, doc in enumerate(ids)}
    query = [r for r, doc in enumerate(ids) if doc in fresh]
    # The stored rows as arrays (the store's columns; no dict per row), those of two documents
    # still here and neither new, sorted by pair code.
    stored = cached if isinstance(cached, StoredRows) else StoredRows.from_rows(cached)
    at_a = np.fromiter((-1 if a in fresh else pos.get(a, -1) for a in stored.a), dtype=np.int64,
                       count=len(stored))
    at_b = np.fromiter((-1 if b in fresh else pos.get(b, -1) for b in stored.b), dtype=np.int64,
                       count=len(stored))
    mine = np.flatnonzero((at_a >= 0) & (at_b >= 0))
    mine = mine[np.argsort(at_a[mine] * len(ids) + at_b[mine], kind="stable")]
    codes = at_a[mine] * len(ids) + at_b[mine]
    old = None
    if not deleted and len(query) < len(ids):
        old = Listed(codes // len(ids), codes % len(ids), stored.cos[mine], stored.by_a[mine],
                     stored.by_b[mine])
    listed = neighbour_listed(vectors, query, old, k=STORY_NEIGHBOURS, threshold=STORY_CANDIDATE)
    index = np.asarray(have, dtype=np.int64)  # ascending: the pairs stay sorted
    cand = Candidates(index[listed.lo], index[listed.hi], listed.cos, listed.by_lo, listed.by_hi,
                      np.full(len(listed.lo), np.nan))
    at = positions(listed.lo * len(ids) + listed.hi, codes)
    found = at >= 0
    cand.lead[at[found]] = stored.lead[mine[found]]
    back = np.full(len(stored), -1, dtype=np.int64)  # stored position -> candidate position
    back[mine[found]] = at[found]
    for k, extra in stored.extra.items():  # most rows hold the base fields only
        if back[k] >= 0 and extra:
            cand.extra[int(back[k])] = dict(extra)
    if old is not None:  # rows not stored, or whose list flags changed, differ from the stored ones
        cand.touched = np.ones(len(cand), dtype=bool)
        found = at >= 0
        cand.touched[at[found]] = ((old.cos[found] != cand.cos[at[found]])
                                   | (old.by_lo[found] != cand.by_lo[at[found]])
                                   | (old.by_hi[found] != cand.by_hi[at[found]]))
    return cand


def visit_order(lo: np.ndarray, hi: np.ndarray, n: int) -> np.ndarray:
    """Positions of the pairs ``(lo[k], hi[k])`` (indices of ``n`` items) in an order that
    keeps each item's pairs close together: the items ranked breadth first over the graph of
    the pairs (each connected part from its least connected item, as Cuthill and McKee's
    ordering starts), and each pair taken when the later ranked of its two items is reached.
    An item is then used from its first pair to its last within a band of neighbouring ranks,
    whatever order the items had: a caller reading something per item can let it go after
    its last pair.

    >>> visit_order(np.array([0, 0, 1, 2]), np.array([3, 1, 3, 3]), 4).tolist()
    [3, 0, 2, 1]
    """
    lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
    if not len(lo):
        return np.zeros(0, dtype=np.int64)
    ends, other = np.concatenate([lo, hi]), np.concatenate([hi, lo])
    by_end = np.argsort(ends, kind="stable")
    start = np.searchsorted(ends[by_end], np.arange(n + 1)).tolist()
    other_of = other[by_end].tolist()
    degree = np.diff(start)
    rank = [-1] * n
    ranked = 0
    for seed in np.argsort(degree, kind="stable").tolist():
        if rank[seed] >= 0 or not degree[seed]:
            continue
        rank[seed] = ranked
        ranked += 1
        queue = [seed]
        for item in queue:  # grows as it is read: breadth first
            for x in other_of[start[item]:start[item + 1]]:
                if rank[x] < 0:
                    rank[x] = ranked
                    ranked += 1
                    queue.append(x)
    ranks = np.asarray(rank, dtype=np.int64)
    ra, rb = ranks[lo], ranks[hi]
    return np.lexsort((np.minimum(ra, rb), np.maximum(ra, rb)))


#: The fields of a pair's row that :func:`_pair_evidence` writes.
_EVIDENCE = ("credit_a", "credit_b", "retold", "aligned", "share", "detail")


def _rewrite_checks(cand: Candidates, todo: np.ndarray, n: int) -> np.ndarray:
    """Whether each candidate pair is checked for a rewrite: each document's
    ``REWRITE_NEIGHBOURS`` most similar candidates (by lead cosine; a pair is checked when it
    is among the closest of both or of either, within both documents' bound), of those in
    ``todo``. ``n``: the number of documents."""
    at = np.flatnonzero(todo)
    order = at[np.lexsort((cand.hi[at], cand.lo[at], -cand.cos[at]))]
    count = [0] * n
    chosen = np.zeros(len(cand), dtype=bool)
    for p, i, j in zip(order.tolist(), cand.lo[order].tolist(), cand.hi[order].tolist(), strict=True):
        if count[i] < REWRITE_NEIGHBOURS and count[j] < REWRITE_NEIGHBOURS:
            chosen[p] = True
            count[i] += 1
            count[j] += 1
    return chosen


def _pair_evidence(docs: Sequence[Document], key: tuple[int, int],
                   sentences: Mapping[str, tuple[np.ndarray, Sequence[tuple[int, int]]]],
                   own_names: dict[int, frozenset[str]]) -> dict[str, Any]:
    """Credits both ways and the sentence alignment of one pair (pure in the two texts)."""
    i, j = key
    a, b = docs[i], docs[j]
    for k in key:
        if k not in own_names:
            own_names[k] = source_names(docs[k])
    same_outlet = bool(own_names[i] & own_names[j])
    in_a = None if same_outlet else find_credit(a, own_names[j])
    in_b = None if same_outlet else find_credit(b, own_names[i])
    row: dict[str, Any] = {"credit_a": list(in_a) if in_a else None,
                           "credit_b": list(in_b) if in_b else None}
    if a.id in sentences and b.id in sentences:
        (va, sa), (vb, sb) = sentences[a.id], sentences[b.id]
        pairs = align_sentences(np.asarray(va, dtype=np.float32), np.asarray(vb, dtype=np.float32))
        spans = [[sa[p][0], sa[p][1], sb[q][0], sb[q][1]] for p, q in pairs]
        if is_rewrite(len(pairs), len(sa), len(sb)):
            row.update(retold=True, aligned=spans, share=round(len(pairs) / min(len(sa), len(sb)), 4),
                       detail=detail_direction(a.text, b.text, [(p[0], p[1], p[2], p[3]) for p in spans]))
    return row


def _credit_after_source(a: Document, b: Document, in_a: Any, in_b: Any) -> tuple[Any, Any]:
    """Credits that dates contradict are dropped: a text cannot credit one published later."""
    if a.published and b.published and a.published[:10] != b.published[:10]:
        if a.published[:10] < b.published[:10]:
            in_a = None  # a is earlier: it cannot retell b
        else:
            in_b = None
    return in_a, in_b


def story_candidates(vectors: np.ndarray, rows: Sequence[int] | None = None, *,
                     threshold: float = STORY_CANDIDATE, k: int | None = None
                     ) -> list[tuple[int, int, float]]:
    """Pairs ``(r, c, cosine)``, ``r < c``, each once: for every row in ``rows`` (all when
    None), its at most ``k`` (default ``STORY_NEIGHBOURS``) most similar other rows among unit
    ``vectors`` with cosine at least ``threshold``.

    Searched in a bounded inverted-file index (:func:`nearest_pairs`): a query costs the same
    whatever the corpus size, and each pair's cosine is a float64 dot of its own two rows, so
    whether a pair counts never depends on the batch it was found in. A pair is found from
    either side: an incremental run that queries only new rows finds the full run's pairs
    restricted to those rows, except where an old row lists the new one among its ``k`` best
    while the new row does not list the old one (an old row with more than ``k`` candidates).
    """
    return nearest_pairs(np.asarray(vectors, dtype=np.float32), rows,
                         k=STORY_NEIGHBOURS if k is None else k, threshold=threshold)
