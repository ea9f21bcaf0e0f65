"""Hedges (words that weaken a report) and denials (stance), found with plain regexes."""

from __future__ import annotations

import re

# Multi-word hedges first so "it is highly likely" wins over "likely".
_EN_HEDGES = (
    r"it is (?:highly |very |most )?(?:likely|probable|possible|believed|alleged|understood|thought|claimed)",
    r"highly likely", r"most likely", r"more than likely",
    r"(?:a |the )?preliminary (?:investigation|findings|assessment|report|analysis)",
    r"(?:unnamed |anonymous |some |military |informed |intelligence )?sources (?:say|said|claim|claimed|suggest)",
    r"according to (?:some|unnamed|anonymous|unconfirmed)(?: \w+)?",
    r"allegedly", r"alleged", r"reportedly", r"purportedly", r"supposedly", r"apparently",
    r"presumably", r"seemingly", r"unconfirmed", r"unverified", r"rumou?red",
    r"may have", r"might have", r"could have", r"may be", r"might be",
    r"possibly", r"probably", r"likely", r"perhaps", r"suspected",
    r"claimed", r"claims?", r"appears? to", r"seems? to", r"is said to", r"are said to",
)
_FR_HEDGES = (
    r"selon (?:certaines|plusieurs|des) sources", r"il est (?:très |fort )?probable",
    r"probablement", r"vraisemblablement", r"présumée?s?", r"prétendue?s?", r"prétendument",
    r"supposée?s?", r"apparemment", r"aurait", r"auraient", r"pourrait", r"pourraient",
    r"non confirmée?s?", r"une enquête préliminaire", r"peut-être",
)
_HEDGES: dict[str, re.Pattern[str]] = {
    lang: re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)
    for lang, words in (("en", _EN_HEDGES), ("fr", _FR_HEDGES))
}
_NO_EVIDENCE = {
    "en": re.compile(r"\b(?:there is|there was|there's|with) no (?:evidence|proof|basis)\b|"
                     r"\bno (?:evidence|proof) (?:that|of)\b", re.IGNORECASE),
    "fr": re.compile(r"\baucune (?:preuve|base)\b", re.IGNORECASE),
}


def find_hedges(*texts: str, lang: str = "en") -> tuple[str, ...]:
    """Return the hedges in ``texts`` (lower-cased, first occurrence order, no repeats).

    >>> find_hedges("The drones were allegedly supplied, it is highly likely.")
    ('allegedly', 'it is highly likely')
    """
    pattern = _HEDGES.get(lang, _HEDGES["en"])
    seen: dict[str, None] = {}
    for text in texts:
        for m in pattern.finditer(text):
            seen.setdefault(" ".join(m.group(0).lower().split()), None)
    return tuple(seen)


def says_no_evidence(text: str, *, lang: str = "en") -> bool:
    """True when ``text`` states that there is no evidence (a denial in content)."""
    return bool(_NO_EVIDENCE.get(lang, _NO_EVIDENCE["en"]).search(text))
