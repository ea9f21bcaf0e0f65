"""Corpus-level evidence: normalised line keys, counted per document and summed over a corpus.

A line that many documents of one crawl share (a site's menu, its newsletter prompt, a
syndication service's disclaimer) is boilerplate even when its wording is not in a lexicon.
Counts are plain ``Counter``s so that workers can count their share and the results add up.

>>> line_key("  Sign up for our NEWSLETTER (2024)! ")
'sign up for our newsletter 0000'
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter

from ..types import RawDocument

__all__ = ["line_key", "line_signatures", "boilerplate_lines", "MAX_KEY_WORDS"]

# Only lines up to this many words get a key: longer lines are article sentences, and
# syndicated copies of one story share those, which must not make them "boilerplate".
MAX_KEY_WORDS = 30
# A line must also be in at least this share of the corpus (with small corpora ``min_docs``
# dominates): a story syndicated to 3 of 300 documents stays article text.
MIN_SHARE = 0.05
_CONTEXT = "\x00"  # separates a line key from the digest of a neighbouring line


def line_key(text: str) -> str:
    """Normalised form of one line: lower case, digits as 0, punctuation and spacing folded."""
    text = re.sub(r"\d", "0", text.lower())
    return re.sub(r"[\W_]+", " ", text).strip()


def _prose(line: str) -> bool:
    """A sentence of running text: enough words and closing punctuation."""
    return len(line.split()) >= 6 and bool(re.search(r"[.!?…]['\"”’»)]*$", line))


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
    return Counter(keys)


def boilerplate_lines(counts: Counter[str], n_docs: int, *, min_docs: int = 3) -> frozenset[str]:
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
    frequent = {k for k, c in counts.items() if c >= need}
    shared = {k.split(_CONTEXT, 1)[0] for k in frequent if _CONTEXT in k}
    return frozenset(k for k in frequent if _CONTEXT not in k and k not in shared)
