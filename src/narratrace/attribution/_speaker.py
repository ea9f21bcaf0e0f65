"""The source of a cue as written: the span of the noun phrase that heads it.

Who that source is (a name, a pronoun's antecedent, the person a role noun stands for) is
:mod:`._resolve`'s work.
"""

from __future__ import annotations

from spacy.tokens import Token

from ..nlp import doc_text

# "a spokesman for the ministry": the person is described by whom they speak for
_SPOKES = frozenset("spokesman spokeswoman spokesperson representative envoy adviser advisor".split())
# "analysts at the Example Institute", "a researcher from Varn University": people described
# by where they work
_MEMBERS = frozenset("""analyst researcher expert scientist official officer economist professor
student lecturer fellow staff employee engineer spokesman spokeswoman spokesperson diplomat
person people nurse doctor worker executive source insider resident witness member
""".split())
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
                (child.dep_ == "prep" and child.lower_ in ("at", "from", "with", "inside", "within") and
                 head.lemma_.lower() in _MEMBERS and any(t.pos_ == "PROPN" for t in child.subtree)) or \
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
