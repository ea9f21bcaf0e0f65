"""Same-story links: different texts about the same event.

A document is represented by the embeddings of its title and lead sentences (where news
puts the who/what/when), compared with soft matching, and corroborated by shared names and
dates, which separate two articles on the same *topic* from two articles on the same *event*.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from ..types import Document

DIM = 384  # all-MiniLM-L6-v2
LEAD_SENTENCES = 3

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])|\n+")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_WORDS = re.compile(r"\w+", re.UNICODE)


def _substantive(line: str, min_words: int) -> bool:
    """A line of prose rather than a menu item, caption credit or date line."""
    words = _WORDS.findall(line)
    if len(words) < min_words:
        return False
    return len(_LETTERS.findall(line)) >= 0.6 * len(line.replace(" ", ""))


def story_sentences(document: Document, *, lead: int = LEAD_SENTENCES) -> list[str]:
    """The title and the first ``lead`` substantive sentences of the text.

    Without a title, a short first line without final punctuation is taken as the headline.
    Lines repeating the title and lines too short to be prose (leftover boilerplate such as
    "Subscribe" or a logo) are skipped.
    """
    out: list[str] = []
    title = (document.title or "").strip()
    lines = [ln.strip() for ln in document.text.splitlines() if ln.strip()]
    if not title and lines and 3 <= len(_WORDS.findall(lines[0])) <= 20 \
            and not lines[0].endswith((".", "!", "?", ":", ";", ",")):
        title = lines[0]
    if title:
        out.append(title)
    seen = {title.lower()}
    for line in lines:
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if len(out) >= lead + bool(title):
                return out
            if sentence.lower() in seen or not _substantive(sentence, 6) \
                    or not sentence.rstrip("\"'”’)]").endswith((".", "!", "?", "…")):
                continue  # repeated, too short, or a subheading
            seen.add(sentence.lower())
            out.append(sentence)
    return out


def embed_for_story(document: Document, *, lead: int = LEAD_SENTENCES) -> np.ndarray:
    """Embeddings (``float32[n, 384]``, L2-normalised rows) of title and lead sentences.

    A per-document pure function, so the pipeline can run it on workers; an empty text
    gives a ``(0, 384)`` array (such a document has no same-story links).

    >>> embed_for_story(Document(id="x", path="x", text="", source_text="")).shape
    (0, 384)
    """
    sentences = story_sentences(document, lead=lead)
    if not sentences:
        return np.zeros((0, DIM), dtype=np.float32)
    from ..nlp import embed

    return np.asarray(embed(sentences), dtype=np.float32)


def doc_vector(embedding: np.ndarray) -> np.ndarray:
    """One normalised vector per document (mean of its rows), for candidate search."""
    if len(embedding) == 0:
        return np.zeros(DIM, dtype=np.float32)
    v = embedding.mean(axis=0)
    norm = float(np.linalg.norm(v))
    return (v / norm).astype(np.float32) if norm else v.astype(np.float32)


def soft_match(emb_a: np.ndarray, emb_b: np.ndarray) -> float:
    """Symmetric mean best-match cosine between two sets of sentence embeddings."""
    if len(emb_a) == 0 or len(emb_b) == 0:
        return 0.0
    sims = emb_a @ emb_b.T
    return float((sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2)


def overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Overlap coefficient ``|A & B| / min(|A|, |B|)`` of two normalised string sets."""
    return overlap_of(normalised(a), normalised(b))


def normalised(values: Iterable[str]) -> frozenset[str]:
    """The strings as :func:`overlap` compares them (stripped, lower case, blanks out), so that
    a caller scoring many pairs normalises each document's set once."""
    return frozenset(s.strip().lower() for s in values if s and s.strip())


def overlap_of(sa: frozenset[str], sb: frozenset[str]) -> float:
    """:func:`overlap` of two sets already :func:`normalised`.

    >>> overlap_of(normalised(["03-04", " 03-05"]), normalised(["03-05 "]))
    1.0
    """
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


# --------------------------------------------------------------------------- fallbacks
# Used when the entities / dates stages did not run (or for languages they do not analyse):
# capitalised word runs approximate names, month-name expressions approximate dates.

_NAME = re.compile(r"\b[A-Z][\w’'-]*[\w](?:\s+(?:of\s+|de\s+|al-)?[A-Z][\w’'-]*[\w])*", re.UNICODE)
_NOT_NAMES = frozenset(
    "the a an in on at of for to and but or he she it they we i his her its their this that "
    "these those there here when while after before as by with from according however also "
    "according meanwhile during since earlier later today yesterday monday tuesday wednesday "
    "thursday friday saturday sunday read more subscribe photo".split())
_MONTHS = ("january february march april may june july august september october november "
           "december").split()
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
_DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+(\d{{4}}))?", re.I),
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+(\d{{4}}))?", re.I),
    re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b", re.I),
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
)


def fallback_names(text: str) -> set[str]:
    """Capitalised word runs that are not sentence-initial function words."""
    names: set[str] = set()
    for match in _NAME.finditer(text):
        words = match.group(0).replace("’s", "").replace("'s", "").split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        if words and not (len(words) == 1 and len(words[0]) < 3):
            names.add(" ".join(words).lower())
    return names


def fallback_dates(text: str) -> set[str]:
    """Month-day, month-year and ISO dates as ``MM-DD`` / ``YYYY-MM`` / ISO strings."""
    found: set[str] = set()
    for m in _DATE_PATTERNS[0].finditer(text):
        found.add(f"{_MONTHS.index(m.group(1).lower()) + 1:02d}-{int(m.group(2)):02d}")
    for m in _DATE_PATTERNS[1].finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            found.add(f"{_MONTHS.index(m.group(2).lower()) + 1:02d}-{int(m.group(1)):02d}")
    for m in _DATE_PATTERNS[2].finditer(text):
        found.add(f"{m.group(2)}-{_MONTHS.index(m.group(1).lower()) + 1:02d}")
    for m in _DATE_PATTERNS[3].finditer(text):
        found.add(m.group(0))
        found.add(f"{m.group(2)}-{m.group(3)}")
    return found
