"""The source of a cue: its span, and a small rule-based resolver for pronouns and role nouns.

Resolution (no coreference model is available): a pronoun or a definite role noun ("the
prime minister", "the outlet") is resolved to the nearest *preceding* named mention of a
fitting type -- PERSON for he/she and person roles, ORG (or a media-like name) for it /
outlet / ministry roles, ORG/GPE/NORP for they. For a person role, a preceding PERSON whose
title (the few words before the name) contains the role word is preferred over a nearer one
("Prime Minister X ... the prime minister said"). Speakers of earlier attributions count as
candidates too, since a pronoun speaker usually continues the last speaker.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..nlp import doc_text

_PERSON_PRONOUNS = {"en": frozenset("he she him her".split()),
                    "fr": frozenset("il elle".split())}
_THING_PRONOUNS = {"en": frozenset(["it"]), "fr": frozenset()}
_PLURAL_PRONOUNS = {"en": frozenset(["they", "them"]), "fr": frozenset("ils elles".split())}

# Role nouns after a definite article that stand for a named person.
_PERSON_ROLES = frozenset("""
minister premier president spokesman spokeswoman spokesperson official diplomat ambassador
envoy senator congressman congresswoman lawmaker governor mayor candidate nominee leader
chief head director secretary chairman chairwoman chair general commander officer adviser
advisor analyst expert professor researcher lawyer attorney prosecutor judge king queen
prince pope chancellor deputy representative businessman founder ceo author journalist
reporter correspondent editor activist ministre président porte-parole ambassadeur
""".split())
# Role nouns that stand for a named organisation, outlet or government.
_ORG_ROLES = frozenset("""
outlet newspaper paper agency ministry department government administration embassy
company firm group organization organisation network channel broadcaster website site
publication magazine daily tabloid service office army military committee commission
council campaign party kremlin court police report study survey poll media
ministère gouvernement agence journal média ambassade armée
""".split())
_ORG_LABELS = frozenset(["ORG", "NORP", "GPE", "FAC"])
_FR_PER = "PER"


@dataclass(frozen=True, slots=True)
class Source:
    """A source span as written, and the span it resolves to (the same when it is a name)."""

    text: str
    start: int
    end: int
    ref_start: int
    ref_end: int


# "a spokesman for the ministry": the person is described by whom they speak for
_SPOKES = frozenset("spokesman spokeswoman spokesperson representative envoy adviser advisor".split())
_CUT_DEPS = frozenset(["case", "mark", "relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep", "acl:relcl",
                       "nmod"])


def source_span(head: Token, *, text: str | None = None) -> tuple[int, int]:
    """Char span of the noun phrase headed by ``head``, without relative clauses or appositions.

    ``text`` is ``head.doc.text`` when the caller has it (spaCy rebuilds it on each access).
    """
    left = head.i
    right = head.i
    for child in head.lefts:
        if child.dep_ not in _CUT_DEPS:
            left = min(left, child.left_edge.i)
    for child in head.rights:
        if child.dep_ in ("compound", "flat", "flat:name", "nummod", "amod") or \
                (child.dep_ in ("prep", "nmod") and child.text.lower() in ("of", "by", "de", "du", "des")) or \
                (child.dep_ == "prep" and child.lower_ == "for" and head.lemma_.lower() in _SPOKES) or \
                (child.pos_ == "PROPN" and child.left_edge.i == right + 1):  # "le journal Le Monde"
            right = max(right, child.right_edge.i)
        else:
            break
    doc = head.doc
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    while right > left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    start, end = doc[left].idx, doc[right].idx + len(doc[right].text)
    # A source never runs over a paragraph break (the parser merges headings into sentences).
    text = doc_text(doc) if text is None else text
    nl = text.rfind("\n", start, head.idx)
    if nl >= 0:
        start = nl + 1
    nl = text.find("\n", head.idx, end)
    if nl >= 0:
        end = nl
    return start, end


def _entity_type(ent: Span, lang: str) -> str:
    if ent.label_ in ("PERSON", _FR_PER):
        return "person"
    if ent.label_ in _ORG_LABELS or ent.label_ == "LOC" and lang == "fr":
        return "org"
    return "other"


def name_types(doc: Doc, lang: str) -> dict[str, str]:
    """Type every name of ``doc`` by votes over all its mentions (keyed by its last word).

    The small models often tag a surname alone as a place; a title before any mention
    ("Prime Minister X", "spokeswoman X") counts double for person.
    """
    votes: dict[str, dict[str, int]] = {}
    for ent in doc.ents:
        kind = _entity_type(ent, lang)
        if kind == "other":
            continue
        key = ent[-1].lower_
        box = votes.setdefault(key, {"person": 0, "org": 0})
        box[kind] += 1
        if any(
                t.lemma_.lower() in _PERSON_ROLES for t in doc[max(0, ent.start - 3):ent.start]):
            box["person"] += 2
    return {k: ("person" if v["person"] >= v["org"] else "org") for k, v in votes.items()}


def _title_words(doc: Doc, ent: Span) -> str:
    lo = max(0, ent.start - 4)
    return " ".join(t.lower_ for t in doc[lo:ent.start]) + " " + ent.text.lower()


def resolve(head: Token, start: int, end: int, *, prior: list[tuple[int, int, str]],
            lang: str, types: dict[str, str]) -> tuple[int, int]:
    """Return the span ``[start, end)`` resolves to (itself when it needs no resolution).

    ``prior`` lists earlier resolved speaker spans with their type ("person"/"org"), so that
    a pronoun can continue the last speaker; ``types`` comes from :func:`name_types`.
    """
    doc = head.doc
    lower = head.lower_
    want: str | None = None
    role: str | None = None
    if lower in _PERSON_PRONOUNS.get(lang, frozenset()):
        want = "person"
    elif lower in _THING_PRONOUNS.get(lang, frozenset()) or lower in _PLURAL_PRONOUNS.get(lang, frozenset()):
        want = "org"
    elif head.pos_ == "NOUN" and not head.ent_type_ \
            and any(c.lower_ in ("the", "le", "la", "l'", "l’") for c in head.lefts) \
            and not any(c.dep_ in ("prep", "nmod", "acl", "relcl", "appos") for c in head.rights):
        # "the ministry" is resolved; "the ministry of defence" already names itself.
        if head.lemma_.lower() in _PERSON_ROLES:
            want, role = "person", head.lemma_.lower()
        elif head.lemma_.lower() in _ORG_ROLES:
            want, role = "org", head.lemma_.lower()
    if want is None:
        return start, end
    best: tuple[int, int] | None = None
    best_role: tuple[int, int] | None = None
    for ent in doc.ents:
        if ent.end_char > start:
            break
        kind = types.get(ent[-1].lower_, _entity_type(ent, lang))
        # "it" and org roles want an organisation, "they" may also be a country or a people.
        if kind != want or (want == "org" and lower not in ("they", "them", "ils", "elles")
                            and ent.label_ not in ("ORG", "ORG_", "MISC") and lang == "en"):
            continue
        best = (ent.start_char, ent.end_char)
        if role and role in _title_words(doc, ent):
            best_role = best
    for s, e, kind in prior:
        if kind in (want, "other") and e <= start and (best is None or s > best[0]):
            best = (s, e)
    if best_role is not None:
        return best_role
    return best if best is not None else (start, end)


def entity_kind(doc: Doc, start: int, end: int, lang: str, types: dict[str, str]) -> str:
    """"person", "org" or "other" for the named mention overlapping ``[start, end)``."""
    for ent in doc.ents:
        if ent.start_char < end and start < ent.end_char:
            return types.get(ent[-1].lower_, _entity_type(ent, lang))
    return "other"
