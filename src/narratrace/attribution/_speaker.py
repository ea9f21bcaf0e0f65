"""The source of a cue as written: the span of the noun phrase that heads it.

Who that source is (a name, a pronoun's antecedent, the person a role noun stands for) is
:mod:`._resolve`'s work.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from ..nlp import doc_text

#: A screen name: letters with an underscore or digits inside ("Ivo_M", "Owl77", "Dr_Nope").
HANDLE = re.compile(r"^@?[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9_]+|[0-9]+[A-Za-z0-9_]*)\.?$")
# Words after which a commenter's phrase gives the name they go by: "signing as X", "calling
# himself X", "using the name X", "known as X", "a reader named X".
# People of a comment thread or forum, who go by screen names.
ONLINE_PEOPLE = frozenset("commenter reader user poster member follower subscriber viewer "
                          "listener account".split())
_NAMING = frozenset("as name handle username nickname pseudonym himself herself themselves "
                    "named called".split())

# "a spokesman for the ministry", "lawyers for the families": people described by whom they
# speak for
_SPOKES = frozenset("spokesman spokeswoman spokesperson representative envoy adviser advisor "
                    "lawyer attorney counsel".split())
# "analysts at the Example Institute", "a researcher from Varn University": people described
# by where they work
_MEMBERS = frozenset("""analyst researcher expert scientist official officer economist professor
student lecturer fellow staff employee engineer spokesman spokeswoman spokesperson diplomat
person people nurse doctor worker executive source insider resident witness member
""".split())
# "the government in Port Alder": a government named by its seat
_SEATED = frozenset("government administration authorities regime leadership".split())
_CUT_DEPS = frozenset(["case", "mark", "relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep", "acl:relcl",
                       "nmod"])


def handle_of(head: Token) -> Token | None:
    """The name a person goes by, given in the phrase: "a commenter calling himself X",
    "a reader signing as X", "a user named X"."""
    for acl in head.rights:
        if acl.dep_ == "acl" and acl.lemma_.lower() in ("call", "sign", "name", "go"):
            names = [c for c in acl.children if c.dep_ in ("oprd", "dobj", "attr") and c.pos_ == "PROPN"]
            names += [g for p in acl.children if p.dep_ == "prep" and p.lower_ in ("as", "by")
                      for g in p.children if g.dep_ == "pobj" and g.pos_ == "PROPN"]
            if names:
                return names[0]
    return None


def inverted_handle(verb: Token) -> Token | None:
    """"“…,” posted Ivo_M.", "“…,” wrote a commenter using the name owlet.": after a closing
    quotation, a cue that opens the clause is followed by who spoke; when that phrase ends
    in a screen name (or a name given by "as", "the name", "calling himself"), that name is
    the speaker, however the parser took it (it often makes the name a verb or an object)."""
    doc = verb.doc
    end = verb.i + 1
    while end < len(doc) and end - verb.i <= 10 and not (doc[end].is_punct and doc[end].text in ".!?;") \
            and "\n" not in doc[end].text and doc[end].text not in ('"', "\u201c", "\u201d"):
        end += 1
    words = [t for t in doc[verb.i + 1:end] if not t.is_punct and not t.is_space]
    return words[-1] if words and screen_name(words[-1]) else None


def screen_name(tok: Token) -> bool:
    """Is ``tok`` the name someone posts under: a handle ("Ivo_M", "Owl77"), or the word a
    commenter's phrase names them by ("a reader signing as owlet", "using the name owlet")?"""
    if HANDLE.match(tok.text):
        return "_" in tok.text or tok.pos_ in ("NOUN", "PROPN")
    doc = tok.doc
    if tok.i < 2 or doc[tok.i - 1].lower_ not in _NAMING or not tok.text[:1].isalpha() or tok.is_stop:
        return False
    return any(t.lemma_.lower() in ONLINE_PEOPLE for t in doc[max(0, tok.i - 7):tok.i - 1])


def _name_end(tok: Token) -> int:
    """The last token of the phrase ``tok`` heads, without what a comma sets off after it
    ("the website The Open Lab, which says ...": not the relative clause)."""
    end = tok.i
    for child in tok.rights:
        if child.dep_ in _CUT_DEPS and child.dep_ not in ("prep", "nmod"):
            break
        end = max(end, child.right_edge.i)
    return end


def source_span(head: Token, *, text: str | None = None) -> tuple[int, int]:
    """Char span of the noun phrase headed by ``head``, without relative clauses or appositions.

    ``text`` is ``head.doc.text`` when the caller has it (spaCy rebuilds it on each access).
    """
    left = head.i
    right = head.i
    for child in head.lefts:
        # "Department of Energy officials": a name before the head is part of the source
        if child.dep_ not in _CUT_DEPS or child.dep_ == "nmod" and child.pos_ == "PROPN":
            left = min(left, child.left_edge.i)
    handle = handle_of(head)
    for child in head.rights:
        if handle is not None and child.dep_ == "acl":  # "a commenter calling himself X"
            right = max(right, child.right_edge.i)
        elif child.dep_ in ("compound", "flat", "flat:name", "nummod", "amod") or \
                (child.dep_ in ("prep", "nmod") and child.text.lower() in ("of", "by", "de", "du", "des")) or \
                (child.dep_ == "prep" and child.lower_ == "for" and head.lemma_.lower() in _SPOKES) or \
                (child.dep_ == "prep" and child.lower_ == "in" and head.lemma_.lower() in _SEATED and
                 any(g.dep_ == "pobj" and g.pos_ == "PROPN" for g in child.children)) or \
                (child.dep_ == "prep" and child.lower_ in ("at", "from", "with", "inside", "within") and
                 head.lemma_.lower() in _MEMBERS and any(t.pos_ == "PROPN" for t in child.subtree)) or \
                (child.pos_ == "PROPN" and child.left_edge.i == right + 1):  # "le journal Le Monde"
            right = max(right, _name_end(child))
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
