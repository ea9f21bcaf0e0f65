"""Metadata found in the text itself: publication dates, outlet bylines, syndication notes.

>>> find_date("Published: May 3, 2024")
'2024-05-03'
>>> glued_byline("Example News06-06-2025")
('Example News', '2025-06-06')
"""

from __future__ import annotations

import re

__all__ = ["DATE_KEYWORD", "app_name", "find_date", "glued_byline", "syndication_names"]

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

# A byline keyword in front of a date makes it the publication date (not an event date).
DATE_KEYWORD = re.compile(
    r"\b(?:published|posted|date|updated|first\s+published|publié|publicado|veröffentlicht|"
    r"pubblicato)\b", re.I)

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
