"""Who copied whom: publication dates first, then credit lines naming the other outlet."""

from __future__ import annotations

import re
from typing import Literal

from ..types import Document

Direction = Literal["a->b", "b->a", "unknown"]

# Wire services and state outlets under their usual names and abbreviations (facts, not
# text): a credit line may use either form ("(AP)" for the Associated Press).
_AGENCY_ALIASES: tuple[frozenset[str], ...] = (
    frozenset({"ap", "associated press", "the associated press"}),
    frozenset({"afp", "agence france-presse", "agence france presse"}),
    frozenset({"rt", "russia today", "rt.com"}),
    frozenset({"reuters", "thomson reuters"}),
    frozenset({"tass", "itar-tass"}),
    frozenset({"ria novosti", "ria"}),
    frozenset({"sputnik", "sputnik news", "sputniknews"}),
    frozenset({"xinhua", "xinhua news agency"}),
    frozenset({"upi", "united press international"}),
    frozenset({"dpa", "deutsche presse-agentur"}),
    frozenset({"anadolu", "anadolu agency", "aa"}),
    frozenset({"efe", "agencia efe"}),
    frozenset({"ansa"}),
    frozenset({"pa", "press association", "pa media"}),
    frozenset({"bbc", "bbc news"}),
    frozenset({"cnn"}),
)
_TLD = re.compile(r"^(?:https?://)?(?:www\.)?|\.(?:com|org|net|ru|co\.uk|info|news)/?$")


def outlet_aliases(outlet: str | None) -> frozenset[str]:
    """Lower-case names an outlet may be credited under.

    >>> sorted(outlet_aliases("Russia Today"))
    ['rt', 'rt.com', 'russia today']
    """
    if not outlet or not outlet.strip():
        return frozenset()
    name = outlet.strip().lower()
    names = {name, _TLD.sub("", name)}
    for group in _AGENCY_ALIASES:
        if names & group:
            names |= group
    return frozenset(n for n in names if n)


def _credit_pattern(aliases: frozenset[str]) -> re.Pattern[str] | None:
    if not aliases:
        return None
    # Longest first so "russia today" wins over a shorter alias at the same place.
    alt = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    name = rf"(?:the\s+)?(?:{alt})"
    credit = "|".join((
        rf"\(\s*{name}\s*\)",  # "(AP)" dateline credit
        rf"according\s+to\s+{name}\b",
        rf"\b{name}\s+(?:reported|reports|said|says|wrote|writes|cited)\b",
        rf"\b(?:via|source|sources|courtesy\s+of|copyright|credit|©|\(c\))\s*:?\s*{name}\b",
        rf"\b(?:originally|first)\s+(?:published|appeared|ran|posted)\s+(?:by|in|on|at)\s+{name}\b",
        rf"\b(?:reprinted|republished|adapted)\s+(?:from|with\s+permission\s+(?:from|of))\s+{name}\b",
        rf"^\s*{name}\s*(?:[-–|,]?\s*\d{{1,4}}[-./]\d{{1,2}}[-./]\d{{1,4}})?\s*$",  # credit line
        rf"^\s*{name}\s*\d{{1,2}}[-./]\d{{1,2}}[-./]\d{{2,4}}",  # "Russia Today06-06-2025"
    ))
    return re.compile(credit, re.IGNORECASE | re.MULTILINE)


def credits(document: Document, outlet: str | None) -> bool:
    """Whether ``document`` credits ``outlet`` (by name or alias) as its source."""
    aliases = outlet_aliases(outlet)
    if document.syndicator and outlet_aliases(document.syndicator) & aliases:
        return True
    pattern = _credit_pattern(aliases)
    return bool(pattern and pattern.search(document.text))


def direction(a: Document, b: Document) -> Direction:
    """Direction of reuse between ``a`` and ``b``: ``"a->b"`` means ``a`` is the origin.

    Publication dates decide when both are known and differ (earlier is the origin);
    otherwise a credit line in one text naming the other's outlet; otherwise ``"unknown"``.
    """
    if a.published and b.published and a.published[:10] != b.published[:10]:
        return "a->b" if a.published[:10] < b.published[:10] else "b->a"
    same_outlet = bool(outlet_aliases(a.outlet) & outlet_aliases(b.outlet))
    if same_outlet:
        return "unknown"
    b_credits_a, a_credits_b = credits(b, a.outlet), credits(a, b.outlet)
    if b_credits_a != a_credits_b:
        return "a->b" if b_credits_a else "b->a"
    return "unknown"
