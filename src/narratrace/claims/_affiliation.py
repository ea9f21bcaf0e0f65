"""Who speaks for whom: a person whose role names an organisation speaks for it.

"Eleni Vardaki, director of the Example Cyber Centre" and "the Example Cyber Centre said" are
one source: an outlet that quotes the director and one that quotes the centre report one
statement, not two. Claim grouping reads the person as the body they speak for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from . import lexicon as lex
from .text import norm_name

_WORD = re.compile(r"[\w'’-]+")
#: Words that do not tell one body from another.
_FILLER = frozenset({"the", "of", "and", "for", "de", "la", "le", "du", "des"})


def _words(text: str) -> set[str]:
    return {norm_name(w) for w in _WORD.findall(text) if w.lower() not in _FILLER} - {""}


def _initials(name: str) -> str | None:
    caps = [w for w in _WORD.findall(name) if w[:1].isupper() and w.lower() not in _FILLER]
    return "".join(w[0] for w in caps).upper() if len(caps) >= 2 else None


def speaks_for(roles: Mapping[str, Iterable[str]], bodies: Iterable[str]) -> dict[str, str]:
    """Person → the one organisation (of ``bodies``) their roles name.

    A role names a body when every word of the body's name is in it ("director of Pelagon's
    National Cyber Security Centre" names "National Cyber Security Centre"), or it holds the
    body's initials as a word ("NCSC director"). Bodies of one word ("Reuters") are matched
    only whole; a person whose roles name two bodies speaks for neither. Only a role with a
    post does (:data:`~narratrace.claims.lexicon.POST`): a critic or a former director of a body
    does not speak for it.

    >>> speaks_for({"Ana Ruiz": ["director of the Lune Water Board"], "Bo Li": ["NWA spokesman"],
    ...             "Cy Ode": ["a critic of the Lune Water Board"]},
    ...            ["Lune Water Board", "National Water Agency", "Lune"])
    {'Ana Ruiz': 'Lune Water Board', 'Bo Li': 'National Water Agency'}
    """
    keyed = []
    for body in dict.fromkeys(bodies):
        words = _words(body)
        if len(words) >= 2:
            keyed.append((body, words, _initials(body)))
    out: dict[str, str] = {}
    for person, texts in roles.items():
        found: set[str] = set()
        for role in texts:
            if lex.FORMER.search(role) or not lex.POST.search(role):
                continue
            have = _words(role)
            upper = {w for w in _WORD.findall(role) if len(w) >= 3 and w.isupper()}
            found.update(body for body, words, initials in keyed
                         if words <= have or (initials is not None and initials in upper))
        if len(found) == 1:
            out[person] = found.pop()
    return out
