"""Text features shared by training and inference: a sentence splitter and a TF-IDF vectoriser.

The vectoriser is a plain-array re-implementation of scikit-learn's ``TfidfVectorizer``
transform (lowercase, ``\\b\\w\\w+\\b`` tokens, word n-grams joined by a space, sublinear tf,
smooth idf, L2 norm). Training fits sklearn's vectoriser and keeps only its vocabulary and idf,
so the shipped model is JSON + numpy arrays and does not depend on the sklearn version.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# sklearn's default token pattern; kept identical so that training and inference agree.
TOKEN = re.compile(r"(?u)\b\w\w+\b")

# A cheap sentence splitter: a line break always ends a sentence; inside a line, a sentence
# ends at . ! ? or … (plus closing quotes/brackets) followed by space and a capital, digit or
# opening quote. Good enough for evidence spans; parsed sentences can be passed instead.
_LINE = re.compile(r"[^\n]+")
_END = re.compile(r"(?<=[.!?…])([\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character spans of the sentences of ``text`` (end exclusive).

    >>> split_sentences("One. Two!\\nThree")
    [(0, 4), (5, 9), (10, 15)]
    """
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for cut in _END.finditer(text, line.start(), line.end()):
            spans.append((start, cut.end(1)))
            start = cut.end()
        spans.append((start, line.end()))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def ngrams(text: str, n_max: int) -> list[str]:
    """Lowercased word n-grams (1..n_max) the way sklearn's ``word`` analyser builds them."""
    tokens = TOKEN.findall(text.lower())
    grams = list(tokens)
    for n in range(2, n_max + 1):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


@dataclass(frozen=True)
class Tfidf:
    """A fitted TF-IDF transform: ``vocabulary`` maps a term to its column, ``idf`` per column."""

    vocabulary: Mapping[str, int]
    idf: np.ndarray
    n_max: int = 2

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Dense ``(len(texts), n_features)`` float32 matrix; rows are L2-normalised."""
        out = np.zeros((len(texts), len(self.idf)), dtype=np.float32)
        for row, text in enumerate(texts):
            counts = Counter(self.vocabulary[g] for g in ngrams(text, self.n_max)
                             if g in self.vocabulary)
            if not counts:
                continue
            cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            vals = (1.0 + np.log(tf)) * self.idf[cols]
            norm = float(np.sqrt((vals * vals).sum()))
            out[row, cols] = vals / norm if norm else vals
        return out

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        terms = sorted(self.vocabulary, key=lambda t: self.vocabulary[t])
        return {f"{prefix}_terms": np.array(terms, dtype=np.str_),
                f"{prefix}_idf": self.idf.astype(np.float32),
                f"{prefix}_nmax": np.array(self.n_max)}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str) -> Tfidf:
        terms = arrays[f"{prefix}_terms"].tolist()
        return cls(vocabulary={t: i for i, t in enumerate(terms)},
                   idf=np.asarray(arrays[f"{prefix}_idf"], dtype=np.float32),
                   n_max=int(arrays[f"{prefix}_nmax"]))

    @classmethod
    def from_sklearn(cls, vectorizer: object) -> Tfidf:
        vocab = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}  # type: ignore[attr-defined]
        return cls(vocabulary=vocab, idf=np.asarray(vectorizer.idf_, dtype=np.float32),  # type: ignore[attr-defined]
                   n_max=int(vectorizer.ngram_range[1]))  # type: ignore[attr-defined]


def sklearn_vectorizer(*, n_max: int = 2, min_df: int = 2, max_features: int | None = None) -> object:
    """The sklearn vectoriser whose transform :class:`Tfidf` reproduces."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(lowercase=True, token_pattern=TOKEN.pattern, ngram_range=(1, n_max),
                           sublinear_tf=True, smooth_idf=True, norm="l2", min_df=min_df,
                           max_features=max_features, dtype=np.float32)
