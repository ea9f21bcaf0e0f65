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


# The reporter's distancing words: where they frame a statement (in the cue, around it, or in
# a paraphrase outside any quotation) they hedge the report. Modal words ("likely", "may")
# belong to the speaker; the noun "claim" names a statement and hedges nothing.
_REPORT_HEDGES = {
    "en": re.compile(r"(?<!\w)(?:allegedly|alleged|alleges|allege|reportedly|purportedly|supposedly|"
                     r"claimed|claims|claiming|claim|(?:appears?|appeared|seems?|seemed) to|"
                     r"(?:is|are|was|were) said to|unconfirmed|unverified|rumou?red|"
                     r"(?:a |the )?preliminary (?:investigation|findings|assessment|report|analysis))(?!\w)",
                     re.IGNORECASE),
    "fr": re.compile(r"(?<!\w)(?:prétendument|présumée?s?|prétendue?s?|supposée?s?|aurait|auraient|"
                     r"non confirmée?s?)(?!\w)", re.IGNORECASE),
}
_CLAIM_NOUN = re.compile(r"(?:the|these|those|such|his|her|its|their|a|an|any|similar|"
                         r"[’']s)\s+(?:\w+\s+)?$", re.IGNORECASE)


def _report_hedges(text: str, lang: str, *, verbs_only: bool = False) -> list[str]:
    out = []
    for m in _REPORT_HEDGES.get(lang, _REPORT_HEDGES["en"]).finditer(text):
        word = m.group(0).lower()
        if word.startswith("claim") and word in ("claim", "claims") and (
                _CLAIM_NOUN.search(text[:m.start()]) or verbs_only):
            continue  # "these claims", "Moscow's claims": a noun
        out.append(" ".join(word.split()))
    return out


def split_hedges(content: str, cue: str, frame: str, *, kind: str,
                 quotes: list[tuple[int, int]], lang: str = "en") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(report hedges, content hedges)`` of one attribution.

    Report hedges come from the cue ("claimed"), the reporter's words around the content in
    the cue's sentence (``frame``: "allegedly said"), and the distancing words of a paraphrase
    outside its quoted fragments. Everything else :func:`find_hedges` finds in the content is
    the speaker's own modality. "May" the month is not the modal.

    >>> split_hedges("Ukraine allegedly supplied drones that may be used", "said", "He said", kind="indirect", quotes=[])
    (('allegedly',), ('may be',))
    >>> split_hedges("It is highly likely that they did", "claimed", "", kind="direct", quotes=[(0, 33)])
    (('claimed',), ('it is highly likely',))
    >>> split_hedges("attacks in late May be investigated", "said", "", kind="indirect", quotes=[])
    ((), ())
    """
    report: dict[str, None] = {}
    for word in _report_hedges(cue, lang) + _report_hedges(frame, lang, verbs_only=True):
        report.setdefault(word, None)
    if kind != "direct":
        plain = list(content)
        for a, b in quotes:
            plain[max(0, a):max(0, b)] = " " * (max(0, b) - max(0, a))
        for word in _report_hedges("".join(plain), lang):
            if word.startswith("claim") or word in ("alleged", "alleges", "allege"):
                # a paraphrased "claims" or "its alleged activity" is the speaker's word for
                # something inside the claim; "allegedly" frames the claim itself
                continue
            report.setdefault(word, None)
    inner = [h for h in find_hedges(_no_month(content), lang=lang)
             if h not in report and not h.startswith("claim") and "preliminary" not in h]
    return tuple(report), tuple(inner)


_MONTH_MAY = re.compile(r"(?<=[a-z,] )May(?= be| have)")


def _no_month(text: str) -> str:
    return _MONTH_MAY.sub("Mxy", text)


def says_no_evidence(text: str, *, lang: str = "en") -> bool:
    """True when ``text`` states that there is no evidence (a denial in content)."""
    return bool(_NO_EVIDENCE.get(lang, _NO_EVIDENCE["en"]).search(text))
