"""Who copied whom: publication dates first, then credit lines naming the other outlet.

A credit is the copy's words naming its source: "according to the health website X",
"X reported on Monday", "This story first appeared in X", "(X)" after a dateline, a credit
line "X 06-06-2025". The source is recognised by its outlet (and the usual aliases of wire
services), and by the masthead lines under its title ("X - health news ..."), with the short
form of a masthead ("the Bugle" for "The Kestrelby Bugle") when that is not a generic word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
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


# Last words of mastheads too generic to stand for the outlet on their own.
_GENERIC = frozenset("""times news post daily weekly review journal wire agency network service
radio today press report reports notes herald tribune gazette online media magazine bulletin
newsletter watch world digest monitor blog""".split())
_HEADER_SKIP = re.compile(r"^(?:by|posted|published|updated|date|dated|issue|source|filed|ref|"
                          r"photo|image|read|share|subscribe|follow)\b", re.IGNORECASE)
_CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday mon tue wed thu
fri sat sun january february march april may june july august september october november
december""".split())
_SEPARATOR = re.compile(r"\s+[-–—|·•:]\s+|\s*[|·•]\s*")
_HAS_DIGIT = re.compile(r"\d")


def masthead_names(document: Document, *, lines: int = 5) -> frozenset[str]:
    r"""Lower-case names a document gives itself in the short lines under its title.

    >>> d = Document(id="x", path="x", text="", source_text="Title of the piece here\n\n"
    ...              "The Kestrelby Bugle - your town, your news\nPosted 12 Apr 2025\n\nBody text.")
    >>> sorted(masthead_names(d))
    ['bugle', 'kestrelby bugle', 'the kestrelby bugle']
    """
    found: set[str] = set()
    # The masthead is usually page furniture the cleaner removed: read the source text.
    heads = [ln.strip() for ln in (document.source_text or document.text).splitlines() if ln.strip()]
    title = (document.title or (heads[0] if heads else "")).strip().lower()
    for line in heads[:lines]:
        if line.lower() == title or line == heads[0]:
            continue
        if line.endswith((".", "!", "?", ",", ";")) or len(line.split()) > 14:
            break  # the body has begun
        head = _SEPARATOR.split(line, maxsplit=1)[0].strip()
        head = re.sub(r"\s*\d.*$", "", head).strip()  # "Russia Today06-06-2025"
        words = head.split()
        if not (1 <= len(words) <= 6) or not head[0].isupper() or _HEADER_SKIP.match(head) \
                or _HAS_DIGIT.search(head) or head.isupper() and len(words) != 2 \
                or words[0].lower().rstrip(",") in _CALENDAR:
            continue  # a byline, a date, a section label ("SPORT"), a shouted headline
        found.add(head.lower())
        found |= _short_forms(head.lower())
    return frozenset(found)


def source_names(document: Document) -> frozenset[str]:
    """Every name a copy may credit ``document`` under: its outlet (with aliases and its short
    form) and its masthead names."""
    names = set(outlet_aliases(document.outlet))
    for name in list(names):
        names |= _short_forms(name)
    return frozenset(names) | masthead_names(document)


def _short_forms(name: str) -> set[str]:
    """``the kestrelby bugle`` -> ``kestrelby bugle``, ``bugle`` (a generic last word is not
    kept: "the times" names too many papers)."""
    bare = re.sub(r"^the\s+", "", name)
    out = {bare}
    words = bare.split()
    if len(words) > 1 and len(words[-1]) >= 4 and words[-1] not in _GENERIC:
        out.add(words[-1])
    return out


# Cues before the name ("according to the health website X", "first appeared in X") and
# after it ("X reported", "X has revealed"). "said" is not a credit cue: outlets are rarely
# said to say, and "the ministry said" is an official, not a source text.
_BEFORE = re.compile(
    r"\baccording\s+to\b|\b(?:first|originally)\s+(?:appeared|published|ran|posted)\s+(?:on|in|by|at)\b|"
    r"\b(?:appeared|published|ran|posted)\s+first\s+(?:on|in|by|at)\b|"
    r"\b(?:reprinted|republished|adapted|taken)\s+(?:with\s+permission\s+)?(?:from|of)\b|"
    r"\b(?:via|courtesy\s+of|copyright|credit|©)\s*:?|\bsources?\s*:|"
    r"\b(?:a|the)\s+(?:report|story|article|post|investigation)\s+(?:by|in|from|of)\b|\bciting\b",
    re.IGNORECASE)
_AFTER = re.compile(r"(?:,\s+(?:which|who)\s[^,.;!?\n]{1,80},|,\s+(?:the|a|an)\s[^,.;!?\n]{1,60},)?"
                    r"\s+(?:has\s+|had\s+|have\s+|also\s+|first\s+)?"
                    r"(?:reported|reports|revealed|reveals|wrote|writes|confirmed|published|broke|"
                    r"warned|claimed|alleged|told\s+(?:its|their)\s+(?:readers|members|listeners|viewers|subscribers))\b",
                    re.IGNORECASE)
_BEFORE_WINDOW = 60
# "a day after the sports paper X first reported it": the story's history, not the text's source.
_HISTORY = re.compile(r"\b(?:after|since|before|until|when|once)\s+(?:[\w'’-]+\s+){0,4}$", re.IGNORECASE)
# Words that make what lies between a cue and a name a clause, not a description.
_LINKING = frozenset("by seen from of in on at to that which who whom was were is are had has".split())


def find_credit(copy: Document, names: frozenset[str], *, lowered: str | None = None
                ) -> tuple[str, int, int] | None:
    """The first credit in ``copy``'s text naming one of ``names`` (lower case): the words and
    their span, or None. The copy's syndicator counts too (its words when the text names it).
    ``lowered``: the copy's text in lower case, when the caller has it.

    >>> d = Document(id="c", path="c", source_text="",
    ...              text="Batch X is bad, according to the health website The Glass Ward, which says so.")
    >>> find_credit(d, frozenset({"the glass ward", "glass ward"}))
    ('according to the health website The Glass Ward', 16, 62)
    >>> find_credit(d, frozenset({"the bugle"})) is None
    True
    >>> e = Document(id="e", path="e", source_text="",
    ...              text="The Bugle, the town's biggest paper, reported yesterday that the mill will shut.")
    >>> find_credit(e, frozenset({"the bugle", "bugle"}))[0]
    "The Bugle, the town's biggest paper, reported"
    """
    names = frozenset(n for n in names if n)
    if not names:
        return None
    syndicated = bool(copy.syndicator and outlet_aliases(copy.syndicator) & names)
    low = copy.text.lower() if lowered is None else lowered
    if not syndicated and not any(n in low for n in names):
        return None  # most candidate pairs: the text never names the other
    name, paren, line = _name_patterns(names)
    text = copy.text
    best: tuple[str, int, int] | None = None
    for cue in _BEFORE.finditer(text):
        window = text[cue.end():cue.end() + _BEFORE_WINDOW]
        window = re.split(r"[.!?;\n]|,\s+(?:which|who|and)\b", window, maxsplit=1)[0]
        hit = name.search(window)
        # Up to five describing words between cue and name ("the health website X"), not a
        # clause ("a sample of the files seen by X" is the source's own words, not a credit).
        between = window[:hit.start()].split() if hit else []
        if hit and len(between) <= 5 and not _LINKING.intersection(w.lower() for w in between) \
                and not re.search(r"[A-Z]\w*\s+$", window[:hit.start()].replace("The ", "the ")):
            end = cue.end() + hit.end()
            best = _earlier(best, (text[cue.start():end], cue.start(), end))
            break
    for hit in name.finditer(text):
        after = _AFTER.match(text, hit.end())
        if after and not _HISTORY.search(text, max(0, hit.start() - 60), hit.start()):
            best = _earlier(best, (text[hit.start():after.end()], hit.start(), after.end()))
            break
    for hit in paren.finditer(text):
        best = _earlier(best, (hit.group(0), hit.start(), hit.end()))
        break
    for hit in line.finditer(text):
        best = _earlier(best, (hit.group(0).strip(), hit.start() + len(hit.group(0)) - len(hit.group(0).lstrip()),
                               hit.end()))
        break
    if best is None and copy.syndicator and syndicated:
        at = text.find(copy.syndicator)
        best = (copy.syndicator, at, at + len(copy.syndicator)) if at >= 0 else (copy.syndicator, -1, -1)
    return best


@functools.lru_cache(maxsize=4096)  # a pure function of its argument: compiling is the cost
def _name_patterns(names: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The name itself, the name in parentheses, a credit line "NAME 06-06-2025"."""
    alt = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return (re.compile(rf"(?<![\w-])(?:the\s+)?(?:{alt})(?![\w-])", re.IGNORECASE),
            re.compile(rf"\(\s*(?:{alt})\s*\)", re.IGNORECASE),
            re.compile(rf"^[ \t]*(?:{alt})[ \t]*[-–|,]?[ \t]*\d{{1,4}}[-./]\d{{1,2}}[-./]\d{{1,4}}",
                       re.IGNORECASE | re.MULTILINE))


def _earlier(a: tuple[str, int, int] | None, b: tuple[str, int, int]) -> tuple[str, int, int]:
    return b if a is None or b[1] < a[1] else a


def decide(a: Document, b: Document, *, credit_in_a: object = None, credit_in_b: object = None,
           fallback: Sequence[str] = ("unknown", "")) -> tuple[Direction, str]:
    """Direction between ``a`` and ``b`` and what decided it: ``"dates"`` (both dated, on
    different days), ``"credit"`` (exactly one of them credits the other: ``credit_in_a`` is
    ``a``'s credit of ``b``), else ``fallback`` (a direction and its reason, e.g. from
    :func:`~narratrace.reuse._rewrite.detail_direction`), else ``("unknown", "")``.

    >>> x = Document(id="x", path="x", text="", source_text="", published="2024-06-04")
    >>> y = Document(id="y", path="y", text="", source_text="")
    >>> decide(x, y), decide(x, y, credit_in_a="according to Y")
    (('unknown', ''), ('b->a', 'credit'))
    """
    if a.published and b.published and a.published[:10] != b.published[:10]:
        return ("a->b" if a.published[:10] < b.published[:10] else "b->a"), "dates"
    same_outlet = bool(outlet_aliases(a.outlet) & outlet_aliases(b.outlet))
    if not same_outlet and (credit_in_a is None) != (credit_in_b is None):
        return ("a->b" if credit_in_b is not None else "b->a"), "credit"
    if fallback[0] in ("a->b", "b->a"):
        return ("a->b" if fallback[0] == "a->b" else "b->a"), fallback[1]
    return "unknown", ""
