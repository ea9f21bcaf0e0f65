"""The medium or venue of a statement: "in an interview with TASS", "told Sputnik", "on Telegram"."""

from __future__ import annotations

from spacy.tokens import Token

# Nouns that name a channel of speech, as the object of in/at/on/during/via.
MEDIUM_NOUNS = frozenset("""
interview statement report speech address post tweet briefing conference press letter
video broadcast op-ed oped article column editorial blog podcast message interview
session meeting summit forum hearing testimony debate rally remarks communique communiqué
release announcement channel program programme show documentary op ed note memo filing
television tv radio conversation call phone email e-mail event webinar translation
newsletter livestream stream broadcast appearance
entretien déclaration communiqué discours conférence rapport lettre message publication
""".split())
PLATFORMS = frozenset("""
telegram twitter x facebook instagram youtube vk vkontakte tiktok weibo linkedin rumble
gab truth
""".split())
_AUDIENCE = frozenset("reporters journalists media press correspondents journalistes".split())
_PREPS = frozenset("in at on during via through to before with dans lors sur à devant".split())
_MEDIA_LABELS = frozenset(["ORG", "EVENT", "FAC", "WORK_OF_ART", "PRODUCT", "MISC"])
_ADDRESSEE_LABELS = frozenset(["PERSON", "NORP", "GPE", "PER", "LOC"])


def _np_text(tok: Token) -> str:
    """The noun phrase headed by ``tok``, without a conjunct or apposition after it
    ("a message to reporters, Ivo Marek, ..." is "a message to reporters")."""
    doc = tok.doc
    left, right = tok.left_edge.i, tok.right_edge.i
    for t in tok.subtree:
        if t.i > tok.i and t.dep_ in ("conj", "appos", "cc", "relcl", "acl"):
            right = min(right, t.left_edge.i - 1)
        elif t.i > tok.i and t.is_punct and t.text in ",;(":
            right = min(right, t.i - 1)
    while right > left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    return doc[left:right + 1].text


def _known_outlet(text: str) -> bool:
    from ..entities import load_gazetteer

    entry = load_gazetteer().lookup(text)
    return entry is not None and entry.type == "outlet"


def _is_medium_np(tok: Token) -> bool:
    return (tok.lemma_.lower() in MEDIUM_NOUNS or tok.lower_ in PLATFORMS
            or tok.ent_type_ in _MEDIA_LABELS or tok.lower_ in _AUDIENCE)


def find_medium(cue: Token | None, sent_tokens: list[Token], *, exclude: tuple[int, int]) -> str | None:
    """Return the medium phrase (without its preposition) for ``cue``, or None.

    Looks at the cue's own prepositional phrases and objects first, then anywhere in the
    sentence outside the content span ``exclude`` (chars).
    """
    if cue is not None:
        heads = [cue] + ([cue.head] if cue.dep_ in ("advcl", "xcomp", "conj") else [])
        for head in heads:
            for child in head.children:
                if child.dep_ in ("prep", "agent") and child.lower_ in _PREPS:
                    for pobj in child.children:
                        if pobj.dep_ == "pobj" and _is_medium_np(pobj):
                            return _np_text(pobj)
                elif child.dep_ in ("obl", "obl:mod", "obl:arg") and _is_medium_np(child):
                    return _np_text(child)
                elif child.dep_ in ("dobj", "dative", "iobj", "obj") and head.lemma_ == "tell" \
                        and child.pos_ == "NOUN":
                    return _np_text(child)  # "told governors", "told the summit": the addressee
                elif child.dep_ in ("dobj", "dative", "iobj", "obj") and head.lemma_ in ("tell", "say") \
                        and (child.ent_type_ in _MEDIA_LABELS or child.lower_ in _AUDIENCE
                             or child.pos_ == "PROPN" and head.lemma_ == "tell"
                             # a person, a people or a country told is an addressee, not a
                             # medium — unless it is a known outlet the small model mis-typed
                             # ("told Sputnik" comes out PERSON)
                             and (child.ent_type_ not in _ADDRESSEE_LABELS
                                  or _known_outlet(_np_text(child)))):
                    return _np_text(child)
    for tok in sent_tokens:
        if exclude[0] <= tok.idx < exclude[1]:
            continue
        if tok.dep_ in ("pobj", "obl") and tok.head.lower_ in _PREPS - {"to", "with", "à"} | {"in", "at", "on"} \
                and (tok.lemma_.lower() in MEDIUM_NOUNS or tok.lower_ in PLATFORMS):
            if tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
                return _np_text(tok)
            if tok.dep_ == "obl":
                return _np_text(tok)
        if tok.lower_ == "quoted" and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "by" and \
                tok.i > 0 and tok.nbor(-1).lower_ == "as":
            for pobj in tok.nbor().children:  # "..., as quoted by RIA Novosti"
                if pobj.dep_ == "pobj":
                    return _np_text(pobj)
        if tok.lower_ in ("speaking", "talking") and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "to":
            for pobj in tok.nbor().children:
                if pobj.dep_ == "pobj":
                    return _np_text(pobj)
    return None
