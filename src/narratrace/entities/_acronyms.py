"""Acronym and alias definitions written in the text itself.

"Long Form Name (LFN)" is the common pattern; the acronym is checked against the long form so
that "(see above)" or "(Reuters)" never become aliases. Three checks, strictest first:

1. initials in order, function words skippable, hyphen parts count ("Jama'at Nasr al-Islam
   wal-Muslimin (JNIM)");
2. the same initials in any order — acronyms kept from another language ("Malian Armed Forces
   (FAMa)" from French *Forces Armées du Mali*);
3. Schwartz & Hearst (2003) letter matching, with at least half the letters on word starts
   ("Commonwealth of Officers for International Security (COMS)", transliterated acronym).
"""

from __future__ import annotations

import re
from collections import Counter

from ._normalise import strip_diacritics

_FUNCTION_WORDS = frozenset(
    "of the and for in on at to de du des la le les el al wal ul ud ad ash as an a y et und "
    "da do dos das der die von van for".split())
# Acronym: 2-10 letters/digits with at least two capitals (checked by _acronym_ok, not in the
# pattern: a look-ahead for the capitals scanned to the next ")" from every word start, which
# made this module 0.07 x spaCy's parse time on news articles), optional lowercase (FAMa).
_ACRONYM = r"(?P<acr>[A-Z][A-Za-z0-9&.\-]{1,9})"
_DEFINITION = re.compile(r"\s\(" + _ACRONYM + r"\)")
_REVERSED = re.compile(r"\b" + _ACRONYM + r"\s+\((?P<long>[A-Z][^()\n]{3,150}?)\)")
_KNOWN_AS = re.compile(
    r"(?P<long>(?:[A-Z][\w'’.\-]*)(?:\s+(?:of|the|for|and|de|[a-z]{1,3}-[A-Z][\w'’\-]*|[A-Z][\w'’.\-]*)){0,8}),?\s+"
    r"(?:also\s+|better\s+|commonly\s+|widely\s+)?known\s+as\s+(?:the\s+)?"
    r"(?P<short>[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,4})")
_WORD = re.compile(r"[^\s]+")


def _acronym_ok(acronym: str) -> bool:
    return sum(ch.isupper() for ch in acronym) >= 2


def _letters(acronym: str) -> str:
    return "".join(ch for ch in acronym if ch.isalnum())


def _parts(word: str) -> list[str]:
    """Hyphen/apostrophe parts of a word, Arabic articles dropped ("al-Islam" → ["Islam"])."""
    parts = [p for p in re.split(r"[-'’]", word) if p]
    kept = [p for p in parts if p.lower() not in _FUNCTION_WORDS]
    return kept or parts


def _initials_in_order(acr: str, words: list[str]) -> int | None:
    """Start index in ``words`` of the shortest suffix whose initials spell ``acr``."""
    target = acr.lower()
    for start in range(len(words) - 1, -1, -1):
        if _spells(target, words[start:]):
            return start
    return None


def _spells(target: str, words: list[str]) -> bool:
    """True when the initials of ``words`` (function words optional) spell ``target``."""
    bare_first = re.sub(r"^\W+", "", words[0]) if words else ""
    if not bare_first or bare_first.lower() in _FUNCTION_WORDS:
        return False
    initials_first = [p[0].lower() for p in _parts(bare_first)]
    if not target.startswith(initials_first[0]):
        return False

    def go(ti: int, wi: int) -> bool:
        if wi == len(words):
            return ti == len(target)
        bare = re.sub(r"^\W+|\W+$", "", words[wi])
        if wi > 0 and bare.lower() in _FUNCTION_WORDS and go(ti, wi + 1):
            return True
        initials = [p[0].lower() for p in _parts(bare) if p]
        for take in {1, len(initials)}:
            if take and "".join(initials[:take]) == target[ti:ti + take] and go(ti + take, wi + 1):
                return True
        return False

    return go(0, 0)


def _initials_any_order(acr: str, words: list[str]) -> int | None:
    """Start of a suffix of content words whose initials are the acronym's capitals, any order."""
    caps = Counter(ch.lower() for ch in acr if ch.isupper())
    n = sum(caps.values())
    content = [i for i, w in enumerate(words) if w.lower().strip(",") not in _FUNCTION_WORDS]
    if len(content) < n or n < 2:
        return None
    chosen = content[-n:]
    initials = Counter(re.sub(r"^\W+", "", words[i])[:1].lower() for i in chosen)
    if initials == caps and all(words[i][:1].isupper() for i in chosen):
        return chosen[0]
    return None


def _schwartz_hearst(acr: str, long: str) -> int | None:
    """Char offset in ``long`` where a Schwartz-Hearst long form starts, or None.

    Letters match left to right anywhere in the text, the first one on a word start. Unlike
    the original greedy scan, this keeps the alignment with the most letters on word starts
    and asks for at least half of them there (the greedy scan accepted "(AES)" for a long
    form only by matching the final "s" of "States").
    """
    short = [ch for ch in acr.lower() if ch.isalnum()]
    text = long.lower()
    starts = [i == 0 or not text[i - 1].isalnum() for i in range(len(text))]
    memo: dict[tuple[int, int], tuple[int, int] | None] = {}

    def best(s: int, limit: int) -> tuple[int, int] | None:
        # Best (word-start count, start offset) matching short[:s + 1] inside text[:limit].
        key = (s, limit)
        if key in memo:
            return memo[key]
        result: tuple[int, int] | None = None
        for li in range(limit - 1, -1, -1):
            if text[li] != short[s] or (s == 0 and not starts[li]):
                continue
            if s == 0:
                cand: tuple[int, int] | None = (int(starts[li]), li)
            else:
                sub = best(s - 1, li)
                cand = None if sub is None else (sub[0] + int(starts[li]), sub[1])
            if cand is not None and (result is None or cand[0] > result[0]):
                result = cand
        memo[key] = result
        return result

    found = best(len(short) - 1, len(text))
    if found is None or found[0] * 2 < len(short):
        return None
    return found[1]


def _trim_long(long: str, acr: str) -> str | None:
    """The long form of ``acr`` at the end of ``long``, or None when it does not verify."""
    letters = _letters(acr)
    if len(letters) < 2:
        return None
    # Stop at a clause boundary: the long form is a noun phrase right before "(".
    long = re.split(r"[.;:!?\"“”]\s|,\s(?=[a-z])|\s[–—-]\s", long)[-1].strip()
    words = _WORD.findall(long)
    # Schwartz & Hearst's window: at most min(|A| + 5, 2|A|) words.
    window = min(len(letters) + 5, 2 * len(letters))
    words = words[-window:]
    if not words:
        return None
    plain = strip_diacritics(letters)
    for finder in (_initials_in_order, _initials_any_order):
        start = finder(plain, [strip_diacritics(w) for w in words])
        if start is not None:
            return _strip_leading_the(" ".join(words[start:]))
    joined = " ".join(words)
    start = _schwartz_hearst(plain, strip_diacritics(joined))
    if start is not None:
        candidate = _strip_leading_the(joined[start:])
        if candidate and candidate[0].isupper() and len(candidate.split()) >= 2:
            return candidate
    return None


def _strip_leading_the(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text).strip(" ,")


def find_aliases(text: str) -> list[tuple[str, str, int, int]]:
    """``(short, long, long_start, long_end)`` for every verified definition in ``text``."""
    found: list[tuple[str, str, int, int]] = []
    for m in _DEFINITION.finditer(text):
        # Find "(ACR)" first, then look back: a lazy "long form before (" regex backtracks at
        # every character of the text.
        acr = m.group("acr").rstrip(".")
        if not _acronym_ok(acr) or acr.lower() in {"eds", "ed"}:
            continue
        lo = max(0, m.start() - 150)
        window = text[lo:m.start()]
        lo += max(window.rfind("("), window.rfind(")"), window.rfind("\n")) + 1
        long = _trim_long(text[lo:m.start()], acr)
        if long and long[0].isupper():
            start = text.rfind(long, lo, m.start() + 1)
            if start >= 0:
                found.append((acr, long, start, start + len(long)))
    for m in _REVERSED.finditer(text):
        acr = m.group("acr")
        if not _acronym_ok(acr):
            continue
        long = _trim_long(m.group("long"), acr)
        if long and long == m.group("long").strip():
            found.append((acr, long, m.start("long"), m.start("long") + len(long)))
    for m in (_KNOWN_AS.finditer(text) if "known as" in text else ()):
        long, short = m.group("long").strip(), m.group("short").strip()
        long = _strip_leading_the(re.sub(r"^(?:[A-Z][a-z]+\s+)?(?:the|The)\s+", "", long)) \
            if re.match(r"^(?:[A-Z][a-z]+\s+)?(?:the|The)\s+", long) else long
        if short and long and short != long and len(long) > len(short):
            start = text.find(long, m.start("long"))
            found.append((short, long, start, start + len(long)))
    return found
