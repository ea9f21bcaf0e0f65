"""Metadata found in the text itself: publication dates, outlet bylines, syndication notes.

>>> find_date("Published: May 3, 2024"), find_date("News Network — Health — 05-Jun-2024")
('2024-05-03', '2024-06-05')
>>> glued_byline("Example News06-06-2025")
('Example News', '2025-06-06')
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Literal

__all__ = ["line_credits", "DATE_KEYWORD", "OUTLET_WORDS", "acronym_of", "app_name", "byline_credit",
           "copyright_holder", "dateline_credit", "dateline_date", "expand_acronym", "find_date", "glued_byline",
           "has_outlet_word", "is_tagline", "known_outlet", "rank_credits", "masthead_name", "name_shaped", "republished_from", "same_name",
           "syndication_names", "tidy_name"]

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
    # French, Spanish, Portuguese, German, Italian month names seen in news bylines
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "enero": 1, "febrero": 2, "marzo": 3, "abril": 4,
    "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9, "octubre": 10,
    "noviembre": 11, "diciembre": 12, "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5,
    "junho": 6, "julho": 7, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})([-./])(\d{1,2})\2(\d{4})(?!\d)")
_YMD_SLASH = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_MDY_TEXT = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_DMY_TEXT = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?({_MONTH_RE})\.?,?\s+(?:de\s+)?(\d{{4}})\b", re.I)
# "05-Jun-2024", "05/Jun/2024": a day and a month abbreviation joined by dashes or slashes.
_DMY_ABBR = re.compile(rf"(?<![\w-])(\d{{1,2}})([-/])({_MONTH_RE})\2(\d{{4}})\b", re.I)

# A byline keyword in front of a date makes it the publication date (not an event date); a
# wire's "Filed:" line, often at the foot of the story, is one too.
DATE_KEYWORD = re.compile(
    r"\b(?:published|posted|date|updated|first\s+published|publié|publicado|veröffentlicht|"
    r"pubblicato)\b|\bfiled\s*:", re.I)

# An outlet name glued to a DD-MM-YYYY date ("Some Outlet06-06-2025"): what a page gives
# when the byline's outlet and date sit in adjacent inline elements.
_GLUED = re.compile(r"^\s*([A-Z][\w&.' -]{1,60}?[^\W\d_.])\s?(\d{1,2})([-./])(\d{1,2})\3(\d{4})\s*$")

# "X provides this news content "as is"": syndication services name themselves in their
# disclaimer; "originally published by/on X" names the original outlet.
_PROVIDER = re.compile(
    r"^(?:legal\s+disclaimer\s*:?\s*)?([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,4})\s+provides?\s+(?:this|the)\s+(?:news\s+)?(?:content|information)\b")
_ORIGINAL = re.compile(
    r"\b(?:originally|first)\s+(?:published|appeared)\s+(?:by|on|in|at)\s+(?:the\s+)?([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,5})")
_APP = re.compile(r"\b(?i:download)\s+(?:(?i:the)\s+)?([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})\s+(?i:app)\b")


def _valid(y: int, m: int, d: int) -> str | None:
    if 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def find_date(text: str) -> str | None:
    """The first full calendar date in ``text`` as ISO ``YYYY-MM-DD``, or None.

    Numeric dates are read day-first (``06-07-2025`` is 6 July) unless that is impossible.
    """
    found: list[tuple[int, str]] = []
    for m in _ISO.finditer(text):
        v = _valid(int(m[1]), int(m[2]), int(m[3]))
        if v:
            found.append((m.start(), v))
    for m in _YMD_SLASH.finditer(text):
        v = _valid(int(m[1]), int(m[2]), int(m[3]))
        if v:
            found.append((m.start(), v))
    for m in _DMY.finditer(text):
        a, b, y = int(m[1]), int(m[3]), int(m[4])
        v = _valid(y, b, a) or _valid(y, a, b)
        if v:
            found.append((m.start(), v))
    for m in _MDY_TEXT.finditer(text):
        v = _valid(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
        if v:
            found.append((m.start(), v))
    for m in _DMY_TEXT.finditer(text):
        v = _valid(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        if v:
            found.append((m.start(), v))
    for m in _DMY_ABBR.finditer(text):
        v = _valid(int(m[4]), _MONTHS[m[3].lower()], int(m[1]))
        if v:
            found.append((m.start(), v))
    return min(found)[1] if found else None


def glued_byline(line: str) -> tuple[str, str] | None:
    """(outlet, ISO date) for a line that is an outlet name glued to a numeric date."""
    m = _GLUED.match(line)
    if not m:
        return None
    name = m[1].strip()
    if len(name.split()) > 6 or DATE_KEYWORD.fullmatch(name):
        return None
    a, b, y = int(m[2]), int(m[4]), int(m[5])
    date = _valid(y, b, a) or _valid(y, a, b)
    return (name, date) if date else None


def syndication_names(line: str) -> tuple[str | None, str | None]:
    """(outlet, syndicator) named by a disclaimer or syndication note, each possibly None."""
    outlet = syndicator = None
    if m := _PROVIDER.search(line):
        syndicator = m[1].strip()
    if m := _ORIGINAL.search(line):
        outlet = m[1].strip().rstrip(".")
    return outlet, syndicator


def app_name(line: str) -> str | None:
    """The site named by an app promo ("Download Example app"): the host of the page."""
    for m in _APP.finditer(line):
        name = m[1].strip()
        if name.lower() not in _NOT_NAMES:
            return name
    return None


_NOT_NAMES = frozenset({"the", "our", "this", "free", "new", "mobile", "official", "an", "a"})


# --------------------------------------------------------------------------- outlet names
#
# Who published a text and who supplied it. ``outlet`` is the outlet the text presents as its
# publisher (a masthead line, a byline glued to the date, the site's copyright line);
# ``syndicator`` is another party the text credits for the content: the wire named in a
# dateline ("CITY, June 12 (XYZ) -"), a "republished from X" notice, the organisation in a
# byline that differs from the masthead, a distribution service's "as is" disclaimer, or the
# host app of an aggregator page. A wire story read on the wire's own page has no syndicator.

# Last words of news-outlet names in the languages the lexicons cover; a masthead-shaped line
# ending in (or led by) one of them names an outlet.
OUTLET_WORDS = frozenset(
    "times news post herald gazette gazeta daily weekly ledger observer tribune journal wire "
    "press agency radio television tv today review chronicle courier courrier rundschau "
    "zeitung express telegraph standard mirror monitor record dispatch bulletin sentinel "
    "independent guardian star sun globe examiner inquirer register pravda nouvelles presse "
    "kurier nachrichten noticias diario periódico corriere gazzetta notizie magazine media "
    "network broadcasting channel insider reporter bureau online live info watch voice "
    "tageblatt allgemeine spiegel monde figaro libération messenger leader citizen argus "
    "recorder advertiser enquirer mail".split())
# Words that may sit lower-case inside an outlet or institution name.
_CONNECTORS = frozenset(
    "of the de du des la le l' d' der die das el los las di del della and & on for y et und "
    "am an im".split())
# Organisation words after a byline name that are a job title, not an outlet.
_JOB_WORDS = frozenset(
    "correspondent editor reporter writer staff columnist contributor analyst producer "
    "journalist photographer chief senior special political foreign diplomatic bureau".split())
# Corporate suffixes dropped from copyright holders ("The Example Times Ltd." → "The Example Times").
_CORPORATE = re.compile(r"(?:[\s,]+(?:ltd|limited|inc|llc|l\.?p|plc|gmbh|ag|s\.?a|corp(?:oration)?|"
                        r"media\s+group|group|company|co))+\.?$", re.I)
_NAME_SEP = re.compile(r"\s*[|·•]\s*|\s+[—–-]\s+|,\s+")
_CAP_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w'’.&-]*|[A-ZÀ-ÖØ-Þ]{2,}|&)$")
_DATELINE = re.compile(
    r"^\s*[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ .'’-]{1,40}(?:/[A-ZÀ-ÖØ-Þ .'’-]{1,40})?(?:,\s*[^()\n]{0,30}?)?\s*"
    r"\(([A-Z][\w&.'’ -]{0,40}?)\)\s*[-–—:]")
_BYLINE_CREDIT = re.compile(
    r"^(?:by|written\s+by|von|par|por)\s+[A-ZÀ-ÖØ-Þ][\w.'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w.'’-]+){0,3}"
    r"(?:\s+(?:and|&|und|et|y)\s+[A-ZÀ-ÖØ-Þ][\w.'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w.'’-]+){0,3})?"
    r"\s*[,|/]\s*([^,|·•—–\d][^,|·•—–]{1,60}?)\s*(?:$|[|·•—–,]\s*)", re.I)
_COPYRIGHT = re.compile(
    r"^(?:(?:©|\(c\)|copyright)\s*(?:\d{4}(?:[-–]\d{2,4})?\s*)?(?:by\s+)?([A-Z](?:[^.|©\d]|\.(?=\w)){1,60}?)\s*(?:\d{4})?\s*(?:\.(?!\w)|[|,]|all\s+rights|$)"
    r"|([A-Z][^.|©\d]{1,60}?)\s*(?:©|\(c\))\s*\d{4})", re.I)
# "Source: Example Wire", "Via: Example Wire", "Courtesy of Example Wire": a credit line.
_SOURCE_LINE = re.compile(
    r"^\s*(?:source|sources|via|courtesy(?:\s+of)?|(?:this\s+)?(?:article|story)\s+(?:courtesy|via))\s*[:\-–—]?\s*"
    r"(?:the\s+)?([A-Z][\w&.'’-]*(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w&.'’-]*){0,5})\s*\.?\s*$", re.I)
# "Source: https://www.example-wire.com/2031/06/story": a credit line naming the source by URL.
_SOURCE_URL = re.compile(
    r"^\s*(?:source|via|courtesy(?:\s+of)?|(?:originally\s+)?published\s+(?:at|on)|read\s+more\s+at)\s*:?\s*"
    r"(?:https?://)?(?:www\.)?([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?:[/?#]\S*)?\s*$", re.I)
_REPUBLISHED = re.compile(
    r"\b(?:re-?published|reproduced|reprinted|syndicated|distributed)\s+(?:here\s+)?(?:from|courtesy\s+of)\s+"
    r"(?:the\s+)?([A-Z][\w&.'’-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w&.'’-]*){0,5})")


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’.&-]+", text)


def name_shaped(text: str, *, max_words: int = 6) -> bool:
    """Whether ``text`` reads like a proper name: 1–``max_words`` words, each capitalised, in
    capitals or a connector, starting with a capital, no digits, no sentence punctuation.

    >>> name_shaped("Le Courrier de l'Est"), name_shaped("Readers were told")
    (True, False)
    """
    words = text.split()
    if not 1 <= len(words) <= max_words or re.search(r"\d|[.!?;:,\"“”]\s*$|[\"“”]", text):
        return False
    if not _CAP_WORD.match(words[0]) or words[-1].lower() in _CONNECTORS:
        return False
    return all(_CAP_WORD.match(w) or w.lower() in _CONNECTORS
               or any(w.lower().startswith(c) for c in ("l'", "d'", "l’", "d’")) for w in words)


def tidy_name(name: str) -> str:
    """A name as printed in running text: all-capital mastheads of several words title-cased,
    corporate suffixes dropped."""
    name = _CORPORATE.sub("", name.strip(" .,:;-–—")).strip()
    words = name.split()
    if len(words) > 1 and all(w.isupper() or w.lower() in _CONNECTORS for w in words):
        name = " ".join(w.lower() if w.lower() in _CONNECTORS and i else w.capitalize()
                        for i, w in enumerate(words))
    return name


def has_outlet_word(name: str) -> bool:
    """Whether a name starts or ends with an outlet word, also inside one run-together word
    ("Example Herald", "ExamplePress").

    >>> has_outlet_word("ExamplePress"), has_outlet_word("Examplestan")
    (True, False)
    >>> has_outlet_word("Corundpress"), has_outlet_word("Cypress")
    (True, False)
    """
    words = [w.lower().strip(".") for w in name.split()]
    if len(words) == 1:
        parts = re.findall(r"[A-Z][a-z]+", name)
        if len(parts) > 1:
            words = [p.lower() for p in parts]
        elif (glued := _GLUED_OUTLET.fullmatch(words[0])) is not None:
            words = [glued[1], glued[2]]  # "Corundpress", "Kestrelnews"
    return bool(words) and (words[-1] in OUTLET_WORDS or words[0] in OUTLET_WORDS)


#: A word run together from a name of four letters or more and an outlet word.
_GLUED_OUTLET = re.compile(r"([a-zà-öø-ÿ]{4,}?)(press|news|post|times|wire|media|daily|herald|tribune)")


def masthead_name(line: str) -> tuple[str, str] | None:
    """(name, rest) when ``line`` could be a masthead: a name-shaped head, optionally followed
    by a separator and a section, a label or a date ("Example Ledger | World",
    "Example Herald — 9 June 2031"). Whether it *is* one takes evidence (see callers).

    >>> masthead_name("Example Ledger | World")
    ('Example Ledger', 'World')
    >>> masthead_name("Officials said the vote was close.") is None
    True
    """
    text = line.strip()
    parts = _NAME_SEP.split(text, maxsplit=1)
    head = parts[0].strip()
    rest = parts[1].strip() if len(parts) > 1 else ""
    # "Example Information Service (EIS)": the name with its acronym
    acronym = re.fullmatch(r"(.+?)\s*\(([A-Z]{2,6})\)", head)
    if acronym and acronym_of(acronym[1]) == acronym[2]:
        head = acronym[1]
    if not name_shaped(head) or re.match(r"(?i)(?:by|von|par|por|di|written)\b", head):
        return None
    if rest and not (find_date(rest) or len(_words(rest)) <= 4 and not re.search(r"[.!?]$", rest)
                     or is_tagline(rest) or acronym_of(rest) == head):
        return None
    return tidy_name(head), rest


def is_tagline(text: str) -> bool:
    """A site's slogan after its name ("Example Vial - the health news you are not told"): a
    phrase of 2-12 words, mostly lower-case, that is not a sentence.

    >>> is_tagline("health news they would rather you didn't read"), is_tagline("Officials said no.")
    (True, False)
    """
    words = text.split()
    return (2 <= len(words) <= 12 and not re.search(r"[.!?:;]$", text) and not name_shaped(text, max_words=12)
            and sum(w[:1].islower() for w in words) * 2 >= len(words))


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two outlet names denote the same outlet: equal up to case, a leading article and
    corporate suffixes, or one is the other's acronym ("XPA" = "Example Press Agency")."""
    if not a or not b:
        return False

    def key(s: str) -> str:
        return re.sub(r"^the\s+", "", re.sub(r"[^\w ]+", "", tidy_name(s).lower())).strip()

    ka, kb = key(a), key(b)
    if ka == kb or ka.startswith(kb + " ") or kb.startswith(ka + " "):
        return True
    return acronym_of(a) == b.strip().upper() or acronym_of(b) == a.strip().upper()


def acronym_of(name: str) -> str:
    """Initials of the capitalised words of ``name`` ("Example Press Agency" → "EPA")."""
    return "".join(w[0] for w in name.split() if w[:1].isupper() and w.lower() not in _CONNECTORS)


def dateline_date(line: str) -> str | None:
    """The full date in a wire dateline, if it has one ("CITY, 23 June 2031 (XYZ) -").

    >>> dateline_date("LONDON, 23 June 2031 (XYZ) - The talks ended."), dateline_date("LONDON (XYZ) - On 2 May 2031.")
    ('2031-06-23', None)
    """
    m = _DATELINE.match(line)
    return find_date(line[:m.start(1)]) if m else None


def dateline_credit(line: str) -> str | None:
    """The agency credited in a wire dateline ("CITY, June 12 (XYZ) - ..." → "XYZ")."""
    m = _DATELINE.match(line)
    if not m:
        return None
    name = m[1].strip()
    return name if name and len(name.split()) <= 5 else None


def byline_credit(line: str) -> str | None:
    """The organisation after the author in a byline ("By Jane Doe, Example Times" →
    "Example Times"); None for job titles ("By Jane Doe, Senior Correspondent") and names
    with no sign of being an outlet ("By Jane Doe, Moscow").

    >>> byline_credit("By Jane Doe, Example Times"), byline_credit("By Jane Doe, Moscow")
    ('Example Times', None)
    """
    m = _BYLINE_CREDIT.match(line.strip())
    if not m:
        return None
    org = m[1].strip().rstrip(":")
    if not name_shaped(org) or any(w.lower() in _JOB_WORDS for w in org.split()):
        return None
    # "By Jane Doe, Moscow": after the comma often stands a place. Unknown beats wrong, so the
    # organisation needs evidence of being an outlet: an outlet word, the registry, an acronym.
    if not (has_outlet_word(org) or known_outlet(org) or re.fullmatch(r"[A-Z]{2,6}", org)):
        return None
    return tidy_name(org)


def copyright_holder(line: str) -> str | None:
    """The holder named in a copyright line ("© 2031 The Example Times Ltd." → "The Example
    Times"), or None (photo credits, no name)."""
    m = _COPYRIGHT.match(line.strip())
    if not m:
        return None
    name = tidy_name(m[1] or m[2] or "")
    if not name or not name_shaped(name) or re.search(
            r"\b(?:photo|images?|pictures?|getty|stock|reuters|afp|ap)\b", name, re.I):
        return None
    return name


def republished_from(line: str) -> str | None:
    """The source named by a reprint notice ("... republished from Example Wire under ...")
    or a credit line ("Source: Example Wire").

    >>> republished_from("Source: Example Wire"), republished_from("Source: officials said so.")
    ('Example Wire', None)
    >>> republished_from("Source: https://www.example-wire.com/2031/06/a-story/")
    'example-wire.com'
    """
    if url := _SOURCE_URL.match(line):
        return url[1].lower()
    m = _REPUBLISHED.search(line) or _SOURCE_LINE.match(line)
    if m is None or (m.re is _SOURCE_LINE and not name_shaped(m[1].strip().rstrip("."))):
        return None
    return tidy_name(m[1])


def expand_acronym(acronym: str, text: str) -> str:
    """The spelled-out name of ``acronym`` when ``text`` contains it, else ``acronym``."""
    if not acronym.isupper() or len(acronym) < 2:
        return acronym
    words = r"[A-Z][\w'’&-]*(?:\s+(?:of|the|for|and|de|du|des|la|le)\s+|\s+)"
    pat = re.compile(rf"\b((?:{words}){{{len(acronym) - 1},{len(acronym) + 3}}}[A-Z][\w'’&-]*)")
    for m in pat.finditer(text):
        cand = m[1]
        words_ = cand.split()
        for start in range(len(words_)):  # the acronym may cover only the tail of the run
            sub = " ".join(words_[start:])
            if acronym_of(sub) == acronym:
                return sub
    return acronym


@lru_cache(maxsize=1)
def _registry_names() -> frozenset[str]:
    """Lower-cased names and aliases of the outlets in the packaged registries (package data,
    identical in every process, so caching it cannot make results depend on history)."""
    names: set[str] = set()
    data = resources.files("narratrace").joinpath("data")
    outlets = json.loads(data.joinpath("outlets.json").read_text(encoding="utf-8"))
    for o in outlets.get("outlets", []):
        names.update(n.casefold() for n in [o.get("name", ""), *o.get("aliases", [])] if n)
    aliases = json.loads(data.joinpath("aliases.json").read_text(encoding="utf-8"))
    for e in aliases.get("entities", []):
        if e.get("type") == "outlet":
            names.update(n.casefold() for n in [e.get("name", ""), *e.get("aliases", [])] if n)
    return frozenset(names)


def known_outlet(name: str) -> bool:
    """Whether ``name`` is an outlet (or alias) of the packaged registries."""
    return tidy_name(name).casefold() in _registry_names()


CreditKind = Literal["provider", "republished", "byline", "dateline", "original", "host"]
# Order in which credits name the syndicator: a distribution service's own disclaimer is the
# most explicit, an aggregator's app promo the least.
_CREDIT_RANK: dict[str, int] = {"provider": 0, "republished": 1, "byline": 2, "dateline": 3,
                                 "original": 4, "host": 5}


def rank_credits(credits: list[tuple[CreditKind, str]]) -> list[str]:
    """Credited names, most explicit first, each name once."""
    out: list[str] = []
    for _, name in sorted(credits, key=lambda c: _CREDIT_RANK[c[0]]):
        if not any(same_name(name, o) for o in out):
            out.append(name)
    return out


def line_credits(line: str) -> list[tuple[CreditKind, str]]:
    """Every party ``line`` credits for the content, with how it does so."""
    found: list[tuple[CreditKind, str]] = []
    original, provider = syndication_names(line)
    if provider:
        found.append(("provider", provider))
    if name := republished_from(line):
        found.append(("republished", name))
    if original:
        found.append(("original", original))
    if name := dateline_credit(line):
        found.append(("dateline", name))
    if len(line.split()) <= 16 and (name := byline_credit(line)):
        found.append(("byline", name))
    if name := app_name(line):
        found.append(("host", name))
    return found
