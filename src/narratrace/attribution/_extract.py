"""Assemble attributions from cue verbs, "according to" phrases and quotation marks."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from spacy.tokens import Doc, Span, Token

from ..errors import PipelineError, UsageError
from ..nlp import doc_text
from ..types import Actor, Attribution, AttributionKind, Document, Mention, Speaker, Stance
from ._cues import LEXICONS, Lexicon, cue_patterns
from ._hedges import says_no_evidence, split_hedges
from ._medium import MEDIUM_NOUNS, find_medium
from ._quotes import Quote, find_quotes, strip_marks
from ._resolve import OUTLET_ROLES, Resolver
from ._speaker import inverted_handle, source_span

# Verbs whose infinitive complement is the reported content ("urged X to ...", "wants to ...").
_XCOMP_CUES = frozenset("""
urge ask call want plan seek promise pledge vow threaten refuse decline agree hope expect
intend decide prefer demand propose recommend advise warn claim appear seem encourage
deny admit
""".split())
# Verbs whose noun object is the reported content ("denied the accusations").
_OBJECT_CUES = frozenset("""
deny reject dismiss refute dispute rebut announce confirm reveal acknowledge admit condemn
denounce decry criticize criticise praise question predict describe call blame accuse
welcome hail endorse support oppose defend propose demand promise pledge
nier démentir rejeter réfuter contester annoncer confirmer dénoncer condamner saluer
""".split())
# Verbs whose gerund complement is what they report ("reported hearing shots", "reported
# "heavy" selling of ...", which the parser reads as a gerund).
_GERUND_CUES = frozenset("report recall".split())
# Verbs with a clausal complement that do not report anything.
_NOT_CUES = frozenset("""
be have make let get ensure mean help need go come take give put keep leave become remain
seem appear look sound try begin start stop continue use do happen cause prove turn
""".split())
# Cue verbs whose noun object is a recipient or a formula, not the reported content.
_NO_OBJECT = frozenset("say tell add ask answer reply respond write post tweet quote cite".split())
# Cue verbs whose noun object may be the one addressed ("told the committee the plan was
# dead", "warned investors the fund would close"): before a clause it is not the clause's subject.
_ADDRESSING = frozenset("""
tell inform assure reassure brief warn remind show promise ask advise notify convince persuade
urge teach caution alert instruct order guarantee
""".split())
# Verbs that evaluate their subject without a source: "X seemed to ...", "X appears unfazed".
_RAISING = frozenset("seem appear look sound paraître sembler".split())
_RELATIVE = frozenset(["who", "which", "that", "qui"])
_REFLEXIVE = frozenset("himself herself themselves itself myself ourselves yourself".split())
_SUBJ = ("nsubj", "nsubjpass", "nsubj:pass", "csubj")
_CONTENT_DEPS = ("ccomp",)
_MIN_ORPHAN_WORDS = 6  # a cue-less quote shorter than this is a scare quote or a title
_MAX_CUE_GAP = 14  # tokens between a quote and a cue after it ("..., the ministry said in a report")


@dataclass(frozen=True, slots=True)
class _Cand:
    kind: AttributionKind
    cue: Token | None
    cue_text: str
    cue_start: int | None
    cue_end: int | None
    src: Token | None
    start: int
    end: int
    root: Token | None = None  # head of the content in the parse, when it has one
    outer: tuple[int, int, int | None] | None = None  # (start, end, cue_start) of the report it is in


def _subject(verb: Token, depth: int = 0) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in _SUBJ]
    if len(subjects) > 1:  # "..., which the politician claims to be ...": both made subjects
        subjects.sort(key=lambda c: c.lower_ in _RELATIVE)
        a, b = subjects[0], subjects[1]
        if a.pos_ == "NOUN" and b.pos_ == "PROPN" and b.i == a.i + 2 and a.nbor().text == ",":
            subjects = [b]  # "wrote another reader, Ivo_M.": the name in apposition
    for child in subjects:
        if child.dep_ == "csubj" and (stray := _stray_subject(verb)) is not None:
            # "Speaking to the paper from his bed, Ivo Marek, 52, described ...": a clause is
            # no speaker; the name the parser hung on the clause is
            return stray
        if child.dep_.startswith("nsubjpass") or child.dep_ == "nsubj:pass":
            for agent in verb.children:  # "it was reported by X"
                if agent.dep_ == "agent":
                    for pobj in agent.children:
                        if pobj.dep_ == "pobj":
                            return pobj
            return None
        # "Borges, who predicted ...": the source as written is "who" (as PolNeAR marks
        # it); ``extract`` resolves it to the noun the clause hangs on.
        if child.lower_ in ("it", "there") and any(c.dep_ == "ccomp" for c in verb.children) \
                and child.dep_ == "nsubj" and verb.lemma_ in ("seem", "appear"):
            return None
        return _past_dateline(child, verb)
    if verb.dep_ == "pcomp" and verb.head.lower_ == "as" and verb.head.head.lemma_.lower() in ("quote", "cite"):
        # "The Gazette quoted a dock worker as saying ...": the one quoted says it
        return next((c for c in verb.head.head.children if c.dep_ in ("dobj", "obj")), None)
    # "Ada Brun, who farms below the line, repeated to the paper ...": a finite verb the parser
    # hung on the name that opens the sentence is that name's verb
    if verb.dep_ == "acl" and verb.tag_ in ("VBD", "VBN") and verb.head.dep_ == "ROOT" and verb.head.pos_ == "PROPN" \
            and verb.head.i < verb.i and verb.doc[verb.i - 1].text == ",":
        return verb.head
    # "..., adding that ...", "saying ...": participles share the main verb's subject.
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN"):
        if not verb.doc[verb.i - 1].is_punct:
            return verb.head  # "military sources claiming that ...", "a statement saying ..."
        # "levelled allegations against Ukraine, asserting that ...": the participle goes
        # with the clause's verb, whatever the parser hung it on.
        node = verb.head
        while node.head.i != node.i and node.pos_ not in ("VERB", "AUX"):
            node = node.head
        if node.pos_ in ("VERB", "AUX") and depth < 2:
            return _subject(node, depth + 1)
        return None
    if verb.dep_ == "conj" and (hung := _hung_name(verb)) is not None:
        return hung
    if depth < 2 and verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") and verb.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head, depth + 1)
    return None


def _hung_name(verb: Token) -> Token | None:
    """"... troops at the border - something which Ivo Marek, an army chief, said he had
    not seen": the parser hung the name on "something" and made "said" a second verb of the
    sentence. A person's name right before the verb (past its apposition) is its subject."""
    i = verb.i - 1
    while i > verb.sent.start and verb.doc[i].is_punct:
        i -= 1
    node = verb.doc[i]
    while node.i >= verb.sent.start and not (node.pos_ == "PROPN" and node.ent_type_ == "PERSON"):
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i or node.head.i > verb.i:
            return None
        node = node.head
    if node.i < verb.sent.start or node.dep_ not in ("relcl", "appos", "dep", "npadvmod"):
        return None
    return node


#: A wire dateline opening a sentence: "PORT CITY, Country, May 19 (AGENCY) - ", "PORT CITY
#: (AGENCY) - ", or the city alone in capitals: "PORT CITY - ".
_DATELINE = re.compile(r"[A-Z][A-Z'’. -]{1,40}(?:,[^\n]{0,40}?)?\([A-Za-z][\w .&-]{0,30}\)\s*[-–—]+\s*|"
                       r"[A-Z][A-Z'’.]{2,}(?: [A-Z][A-Z'’.]+)* [-–—]+ ")


def _dateline_end(text: str, at: int) -> int:
    """Where the dateline of the line holding char ``at`` ends (-1 when it has none)."""
    line = text.rfind("\n", 0, at) + 1
    found = _DATELINE.match(text, line)
    return found.end() if found is not None else -1


def _past_dateline(subj: Token, verb: Token) -> Token:
    """The subject, unless the parser took it from the sentence's dateline ("PORT CITY, May 19
    (AGENCY) - Velmar accused ..."): then the first name or noun after the dateline (the head
    of its name: "Interior Commissioner Mara Lenz", not "Interior")."""
    sent = subj.sent
    end = _dateline_end(doc_text(sent.doc), subj.idx)
    if end < 0 or subj.idx >= end or end > verb.idx:
        return subj
    after = next((t for t in sent if end <= t.idx and t.i < verb.i and t.pos_ in ("PROPN", "NOUN")), None)
    if after is None:
        return subj
    while after.dep_ in ("compound", "flat") and after.i < after.head.i < verb.i:
        after = after.head
    return after


#: Named places, and titles held somewhere: "who" after "X, ambassador to Velmar," is X.
_PLACES = frozenset(("GPE", "LOC", "FAC"))
_TITLE = re.compile(r"(?i)(?:ambassador|envoy|minister|consul|representative|delegate|correspondent|spokes\w*|"
                    r"director|head|chief|secretary|president|governor|mayor|commander|member)s?$")


def _is_relative(tok: Token) -> bool:
    """"who" in "Borges, who predicted ...": a relative pronoun subject of a relative clause."""
    return tok.lower_ in _RELATIVE and tok.head.dep_ in ("relcl", "acl:relcl") and tok.head.head.i != tok.i


def _clip(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    """Char span of tokens ``lo..hi`` (inclusive), without edge punctuation and "that"."""
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space or doc[lo].lower_ in ("that", "que", "qu'", "qu’")
                       and doc[lo].dep_ in ("mark", "advmod")):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space) and doc[hi].text not in ('"', "”", "'", "’", "»"):
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _same_paragraph(doc: Doc, cue: Token, lo: int, hi: int, text: str) -> tuple[int, int]:
    """Cut tokens ``lo..hi`` to the paragraph of the cue (or the nearest one to it).

    ``text`` is ``doc.text``, passed in because spaCy rebuilds that string on every access.
    """
    if "\n" not in text[doc[lo].idx:doc[hi].idx]:
        return lo, hi
    if cue.i > hi:  # content before the cue: keep its last paragraph
        while lo < hi and "\n" in text[doc[lo].idx:doc[hi].idx]:
            lo += 1
    else:
        while hi > lo and "\n" in text[doc[lo].idx:doc[hi].idx]:
            hi -= 1
    return lo, hi


def _cue_span(verb: Token) -> tuple[str, int, int]:
    toks = [verb] + [c for c in verb.children if c.dep_ in ("prt", "neg", "aux", "aux:tense", "compound:prt")]
    toks.sort(key=lambda t: t.i)
    start = toks[0].idx
    end = toks[-1].idx + len(toks[-1].text)
    return verb.lemma_.lower(), min(start, verb.idx), max(end, verb.idx + len(verb.text))


def _verb_cands(doc: Doc, lex: Lexicon, with_cognition: bool,
                patterns: dict[tuple[str, str, str], bool]) -> list[_Cand]:
    text = doc_text(doc)
    cands: list[_Cand] = []
    for tok in doc:
        if tok.pos_ not in ("VERB", "AUX") or not tok.is_alpha:
            continue
        lemma = tok.lemma_.lower()
        if lemma in ("call", "name", "style") and any(c.lower_ in _REFLEXIVE for c in tok.children):
            continue  # "a reader calling himself X": a name, not a statement
        if tok.dep_ == "advcl" and tok.head.lemma_.lower() in _DISMISS and _dismissed_as(tok.head) is not None:
            continue  # "fabrications reports that …" in "rejected as fabrications reports that …": no report
        pos = "A" if tok.pos_ == "AUX" else "V"
        known = lemma in lex.speech or (with_cognition and lemma in lex.cognition)
        content: Token | None = None
        cue_last: Token = tok
        hi_extra = -1
        told_what = -1
        ccomp = _nearest_ccomp(tok, text)
        if ccomp is None and known:
            ccomp = _that_clause_past_pp(tok)
        if ccomp is not None:
            # Any verb with a clausal complement and a subject reports content in news style
            # ("documents show that ...", "he bet that ..."), unless train says otherwise.
            verdict = patterns.get((pos, lemma, "ccomp"))
            if verdict or verdict is None and (known or lemma not in _NOT_CUES and pos == "V"):
                content = ccomp
                if known and ccomp.i > tok.i:
                    # "said A had told her the cutter “never came close”": the parser split
                    # the reported clause into two complements; the content spans both
                    # (a second cue with a speaker of its own is not: "“…,” X told the paper")
                    hi_extra = max([c.right_edge.i for c in tok.children if c.dep_ in _CONTENT_DEPS
                                    and c.i > ccomp.i and "\n" not in text[tok.idx:c.idx]
                                    and c.lemma_.lower() not in lex.speech], default=-1)
        if content is not None and content.left_edge.lower_ == "what" and content.right_edge.i + 1 < len(doc) \
                and doc[content.right_edge.i + 1].text == ":":
            # "repeated what she had told reporters: that she saw ...": what was said follows
            # the colon, to the end of the sentence
            sent = tok.sent
            if content.right_edge.i + 1 < sent.end - 1:
                hi_extra = max(hi_extra, sent.end - 1)
                told_what = content.right_edge.i + 2  # the content starts after the colon
        if content is None:
            xcomp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
            verdict = patterns.get((pos, lemma, "xcomp"))
            if xcomp is not None and (verdict or verdict is None and (
                    lemma in _XCOMP_CUES or lemma in _GERUND_CUES and xcomp.tag_ == "VBG")):
                content = xcomp
        if content is None:
            obj = next((c for c in tok.children if c.dep_ in ("dobj", "obj")), None)
            verdict = patterns.get((pos, lemma, "dobj"))
            if obj is not None and (split := _split_clause(tok, obj)) is not None:
                content, hi_extra = obj, split  # "He said the lorry then braked and skidded"
            elif obj is not None and (verdict or verdict is None and (
                    lemma in _OBJECT_CUES or known and lemma not in _NO_OBJECT)):
                content = obj
                # "accused Kiev of sending ...", "called the attack a 'successful operation'"
                for c in tok.rights:
                    if c.i > content.i and c.dep_ in ("prep", "oprd", "xcomp", "ccomp", "obl", "advcl") \
                            and not (c.dep_ == "prep" and c.lower_ in ("in", "at", "on", "during")):
                        hi_extra = max(hi_extra, c.right_edge.i)
        if content is None and lemma in _DISMISS and (named := _dismissed_as(tok)) is not None:
            content = named  # "rejected as fabrications reports that it had built ...": what is rejected
        if content is None and lemma in ("tell", "assure") and (told := _told_clause(tok)) is not None:
            content, hi_extra = told  # "the envoy had told her the cutter never came close"
        if content is None and known and lemma not in _NO_OBJECT and (
                shown := _unparsed_object(tok)) is not None:
            content, hi_extra = shown  # "the company reported “highly irregular” betting on ..."
        if content is None and lemma == "call":
            # "called for all hospitals to publish their audits": as "urged all hospitals to
            # publish", who is to do what (unlike "called for calm"); the parser made it a clause
            content = next((c for c in tok.rights if c.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ == "for" and m.i == tok.i + 1 for m in c.children)), None)
        if content is None:
            # "talked about the wall", "called for a ban", "referring to the report"
            for prep in tok.rights:
                if prep.dep_ != "prep" or not patterns.get((pos, lemma, "prep:" + prep.lower_)):
                    continue
                pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
                if pobj is not None:
                    content, cue_last = pobj, prep
                    break
        if content is None and tok.dep_ == "parataxis" and tok.head.pos_ in ("VERB", "AUX") and (
                known or patterns.get((pos, lemma, "ccomp"))):
            # "Things have changed, she says, since ...": the cue interrupts its content.
            content = tok.head
            hi_extra = content.right_edge.i
            if tok.right_edge.i >= content.right_edge.i - 1:  # the cue closes the sentence
                hi_extra = tok.left_edge.i - 1
        trailing = None
        src = None
        if content is None and known and tok.pos_ == "VERB":
            trailing = _trailing_content(tok, text)
            if trailing is None and (hung := _closing_apposed(tok, text)) is not None:
                src, trailing = hung  # "..., the county's fire chief said.": the parser's apposition
            if trailing is None:
                continue
        elif content is None:
            continue
        src = src or _subject(tok)
        if trailing is not None:
            if src is None or src.i > tok.i:
                continue
            cue_text, cs, ce = _cue_span(tok)
            cands.append(_Cand("indirect", tok, cue_text, cs, ce, src, trailing[0], trailing[1], None))
            continue
        if src is None and tok.sent.start_char < text.rfind("\n", 0, tok.idx) + 1:
            src = _subject_on_line(doc, tok, text)  # a heading glued to the sentence
        if src is None and known and tok.dep_ == "ccomp" and tok.head.pos_ == "VERB" and \
                tok.head.lemma_.lower() in lex.speech and not any(c.dep_ in _SUBJ for c in tok.children):
            # "X said A, acknowledged B" parsed as said(A, acknowledged B)
            src = _subject(tok.head) or (_stray_subject(tok.head) if tok.head.dep_ == "ROOT" else None)
        if src is None and known and content is not None and content.i < tok.i and \
                (hung := _closing_apposed(tok, text)) is not None:
            # "Crews have contained the fire, the county fire service said.": the parser made
            # the clause the cue's complement and its speaker an apposition inside it
            cue_text, cs, ce = _cue_span(tok)
            cands.append(_Cand("indirect", tok, cue_text, cs, ce, hung[0], *hung[1], None))
            continue
        if src is None and known and tok.dep_ == "ROOT":
            src = _lent_subject(tok) or _stray_subject(tok)
        if content is None:
            continue
        lo, hi = content.left_edge.i, max(content.right_edge.i, hi_extra)
        if content.dep_ == "ccomp" and content.i > tok.i:
            lo = _that_taken_for_relative(tok, lo)
            lo = _subject_taken_for_object(tok, lemma, lo)
            lo = _relative_report(tok, content, lo)
            if told_what > lo:
                lo = told_what + (doc[told_what].lower_ == "that" and told_what < hi)
        subj = next((c for c in tok.children if c.dep_ in _SUBJ), None)
        if subj is not None and content.dep_ in ("xcomp", "acomp") and subj.i < tok.i and (
                lemma in _RAISING or subj.dep_ in ("nsubjpass", "nsubj:pass") and src is None) and not (
                content.lemma_.lower() in lex.speech or content.lemma_.lower() in lex.cognition
                or any(patterns.get(("V", content.lemma_.lower(), _relation(c))) for c in content.children)):
            # "X seemed to waver", "X is expected to win": an evaluation of X by nobody named;
            # PolNeAR's content runs from X to the end of the complement.
            src, lo = None, subj.left_edge.i
            lo, hi = _same_paragraph(doc, tok, lo, hi, text)
            start, end = _clip(doc, lo, hi)
            cue_text, cs, ce = _cue_span(tok)
            if end - start >= 2:
                cands.append(_Cand("indirect", tok, cue_text, cs, max(ce, cue_last.idx + len(cue_last.text)),
                                   None, start, end, content))
            continue
        if src is None:
            continue
        inner = content.i == tok.head.i and tok.dep_ == "parataxis"
        if inner:
            lo, hi = min(content.left_edge.i, tok.left_edge.i), hi_extra
        lo, hi = _same_paragraph(doc, tok, lo, hi, text)
        if lo <= src.i <= hi and not (inner and src.head.i == tok.i):
            continue
        start, end = _clip(doc, lo, hi)
        if end - start < 2:
            continue
        cue_text, cs, ce = _cue_span(tok)
        ce = max(ce, cue_last.idx + len(cue_last.text))
        cands.append(_Cand("indirect", tok, cue_text, cs, ce, src, start, end, content))
    return cands


def _split_clause(verb: Token, obj: Token) -> int | None:
    """"He said the lorry then braked hard and skidded": the parser split the reported clause
    into an object of "said" and a subjectless adverbial clause after it. The last token of
    that clause, when so; "say" never takes a plain noun object in news style."""
    if verb.lemma_.lower() != "say" or obj.left_edge.i != verb.i + 1 or obj.pos_ not in ("NOUN", "PROPN"):
        return None
    clause = next((c for c in verb.children if c.dep_ == "advcl" and c.pos_ == "VERB" and c.i > obj.i
                   and not any(g.dep_ in _SUBJ or g.dep_ == "mark" for g in c.children)), None)
    return clause.right_edge.i if clause is not None else None


def _trailing_content(verb: Token, text: str) -> tuple[int, int] | None:
    """"The plant may close next year, the company's chief, Carl Brant, said on
    Tuesday.": a cue closing its sentence whose content the parser lost. The content is the
    clause before the comma that opens the subject, in the cue's paragraph."""
    subj = next((c for c in verb.children if c.dep_ in _SUBJ and c.i < verb.i), None)
    if subj is None or any(c.i > verb.i and c.dep_ in ("ccomp", "dobj", "obj", "xcomp", "conj")
                           and not _addressee(verb, c) for c in verb.children):
        return None
    doc = verb.doc
    comma = subj.left_edge.i - 1
    if verb.dep_ in ("relcl", "acl:relcl") and verb.head.i < subj.i and verb.head.pos_ in ("NOUN", "ADJ") \
            and not any(t.tag_ in ("WDT", "WP", "WP$", "WRB") for t in verb.subtree):
        # "..., the weekly paper Tarn Post reported.": the cue taken for a relative clause
        # of the noun that opens its subject (a real one has its "which": "the remarks,
        # from which the Post reported")
        comma = verb.head.left_edge.i - 1
    if comma < 1 or doc[comma].text != ",":
        return None
    line = max(text.rfind("\n", 0, verb.idx) + 1, _dateline_end(text, verb.idx))
    first = next((t for t in doc[verb.sent.start:comma] if t.idx >= line and not t.is_space), None)
    if first is None or first.i >= comma - 1 or first.pos_ in ("ADP", "VERB") and not any(
            t.pos_ in ("VERB", "AUX") and t.i > first.i for t in doc[first.i:comma]):
        return None  # "According to the federation, the company reported ...": no clause there
    start, end = first.idx, doc[comma - 1].idx + len(doc[comma - 1].text)
    return (start, end) if _word_count(text[start:end]) >= 4 else None


def _closing_apposed(verb: Token, text: str) -> tuple[Token, tuple[int, int]] | None:
    """"The fire started under the line, the county's chief fire officer said on Wednesday.":
    a cue closing its sentence with no subject of its own, whose speaker the parser hung on the
    content as an apposition of its last noun. The speaker is the outermost such apposition
    right before the cue (past its own appositions: "X, director of Y, told a news
    conference"); the content is the clause before it, as for :func:`_trailing_content`."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.dep_ in ("acl", "relcl", "amod") or \
            any(c.dep_ in _SUBJ or c.dep_ == "agent" for c in verb.children) or any(
            c.i > verb.i and c.dep_ in ("ccomp", "xcomp", "conj") or
            c.dep_ in ("dobj", "obj") and not _addressee(verb, c) for c in verb.children):
        return None
    doc = verb.doc
    i = verb.i - 1
    while i > verb.sent.start and doc[i].is_punct:
        i -= 1
    node, best = doc[i], None
    while node.head.i != node.i and node.head.i < verb.i and node.i >= verb.sent.start:
        if (node.dep_ == "appos" or node.dep_ == "conj" and not any(  # (a list has its "and")
                t.pos_ == "CCONJ" for t in doc[node.head.i:node.left_edge.i])) and node.left_edge.i > 0 \
                and doc[node.left_edge.i - 1].text == "," and node.head.i < node.left_edge.i \
                and node.pos_ in ("NOUN", "PROPN"):
            best = node
        node = node.head
    if best is None or any(t.pos_ in ("VERB", "AUX") for t in doc[best.left_edge.i:verb.i]):
        return None
    comma = best.left_edge.i - 1
    line = max(text.rfind("\n", 0, verb.idx) + 1, _dateline_end(text, verb.idx))
    first = next((t for t in doc[verb.sent.start:comma] if t.idx >= line and not t.is_space), None)
    if first is None or not any(t.pos_ in ("VERB", "AUX") for t in doc[first.i:comma]):
        return None
    start, end = first.idx, doc[comma - 1].idx + len(doc[comma - 1].text)
    return (best, (start, end)) if _word_count(text[start:end]) >= 4 else None


def _lent_subject(verb: Token) -> Token | None:
    """"The newspaper, citing logs it said it had obtained, reported that ...": the parser
    gave the sentence's subject to the verb of the inserted clause, which has its own ("it
    said"), and left the cue none. The first of the inserted verb's two subjects is the cue's."""
    for c in verb.children:
        if c.i > verb.i or c.dep_ not in ("parataxis", "advcl", "ccomp"):
            continue
        subjects = [g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
        if len(subjects) == 2 and subjects[0].pos_ in ("NOUN", "PROPN") and \
                verb.doc[subjects[0].right_edge.i + 1].text == ",":
            return subjects[0]
    return None


def _that_taken_for_relative(verb: Token, lo: int) -> int:
    """"said in a note to clients that bets worth 1.8 million had been placed": the parser
    took "that bets worth ..." for a relative clause of "clients" and left the complement
    only its verb phrase. The content then starts after that "that"."""
    doc = verb.doc
    prev = doc[lo - 1] if lo > verb.i + 1 else None
    if prev is None:
        return lo
    rel = prev
    while rel.dep_ not in ("relcl", "acl:relcl") and rel.head.i != rel.i and rel.head.i < lo:
        rel = rel.head
    if rel.dep_ not in ("relcl", "acl:relcl") or rel.right_edge.i != lo - 1 or rel.head.dep_ not in ("pobj", "obj"):
        return lo
    that = doc[rel.left_edge.i]
    if that.lower_ != "that" or that.head.i != rel.i or not verb.i < that.i:
        return lo
    return that.i + 1


def _subject_taken_for_object(verb: Token, lemma: str, lo: int) -> int:
    """"claims online polls over 300 depots showed a rate of ...": the parser made the
    clause's subject ("online polls") the cue's object and hung the clause on it without
    its subject. A noun object right before the clause, of a verb that addresses no one, is
    the clause's subject: the content starts at it.

    >>> from narratrace.nlp import load_spacy
    >>> doc = load_spacy()("The union says the number of strikers is not known, but claims online polls "
    ...                    "over 300 depots showed a rate of 90 percent support.")
    >>> verb = next(t for t in doc if t.lower_ == "claims")
    >>> clause = next(c for c in verb.children if c.dep_ == "ccomp")
    >>> doc[clause.left_edge.i].text, doc[_subject_taken_for_object(verb, "claim", clause.left_edge.i)].text
    ('over', 'online')
    """
    if lemma in _ADDRESSING:
        return lo
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj") and verb.i < c.i), None)
    if obj is None or obj.pos_ != "NOUN" or obj.right_edge.i + 1 != lo \
            or any(t.pos_ in ("VERB", "AUX") for t in obj.subtree):
        return lo
    return obj.left_edge.i


def _relative_report(verb: Token, content: Token, lo: int) -> int:
    """Where the content of a report inside a relative clause starts: "the group Quiet Magpie,
    which the centre said operates on behalf of …" reports what the centre said of the group;
    the relative pronoun, the content's subject, stands before the speaker and the cue, so the
    content is what follows the cue.

    >>> from narratrace.nlp import load_spacy
    >>> doc = load_spacy()("The rebels, who Washington says are backed by Tehran, seized the port.")
    >>> says = doc[5]
    >>> doc[_relative_report(says, doc[7], doc[7].left_edge.i):doc[8].right_edge.i + 1].text
    'are backed by Tehran'
    """
    if verb.dep_ not in ("relcl", "acl:relcl") or lo > verb.i:
        return lo
    if any(c.dep_ in _SUBJ and c.lower_ in _RELATIVE and c.i < verb.i for c in content.children):
        return verb.i + 1
    return lo


# Verbs that dismiss a report as something ("rejected as fabrications reports that ...").
_DISMISS = frozenset("reject dismiss deny denounce brand condemn describe".split())


def _dismissed_as(verb: Token) -> Token | None:
    """What ``verb`` dismisses when the parser read "rejected as fabrications reports that P" as
    "fabrications" reporting P: the clause P, hung on "reports" (an adverbial clause opened by
    "as").

    >>> from narratrace.nlp import load_spacy
    >>> doc = load_spacy()("Varn rejected as fabrications reports in Tessel that it had built a dam.")
    >>> _dismissed_as(doc[1]).text
    'built'
    """
    for c in verb.children:
        if c.dep_ == "advcl" and c.i > verb.i and c.lemma_.lower() in ("report", "claim", "allegation") \
                and any(m.dep_ == "mark" and m.lower_ == "as" and m.i < c.i for m in c.children):
            return next((g for g in c.children if g.dep_ == "ccomp" and g.i > c.i), None)
    return None


def _told_clause(verb: Token) -> tuple[Token, int] | None:
    """"She said the envoy had told her the cutter “never came closer” to the boat": the
    parser made the one told and the subject of the told clause two objects of "told" and
    hung the clause's verb elsewhere. The content runs from the second object to the end of
    the sentence."""
    objs = [c for c in verb.children if c.dep_ in ("dobj", "obj", "dative")]
    if len(objs) != 2 or objs[0].i > objs[1].i or objs[0].pos_ not in ("PRON", "PROPN") \
            or objs[1].left_edge.i != objs[0].right_edge.i + 1 or objs[1].pos_ not in ("NOUN", "PROPN"):
        return None
    end = verb.sent.end - 1
    doc = verb.doc
    while end > objs[1].i and (doc[end].is_punct or doc[end].is_space):
        end -= 1
    if not any(t.pos_ in ("VERB", "AUX") for t in doc[objs[1].i + 1:end + 1]):
        return None
    return objs[1], end


def _unparsed_object(verb: Token) -> tuple[Token, int] | None:
    """"The company reported “highly irregular” betting on the match": what is reported,
    read by the parser as a predicate and an adverbial clause rather than an object. The
    words right after the cue, up to the end of those dependents, when the first is a
    predicate or a quotation (never a time or a place: "reported on Tuesday")."""
    doc = verb.doc
    nxt = verb.i + 1
    while nxt < len(doc) and doc[nxt].text in ('"', "“", "‘", "'"):
        nxt += 1
    rights = [c for c in verb.rights if c.dep_ in ("oprd", "acomp", "advcl", "xcomp")]
    if not rights or rights[0].left_edge.i > nxt or rights[0].dep_ not in ("oprd", "acomp"):
        return None
    last = max(c.right_edge.i for c in rights)
    if _word_count(doc[verb.i + 1:last + 1].text) < 3:
        return None
    return rights[0], last


def _addressee(verb: Token, obj: Token) -> bool:
    """The one told, not what was told: "..., a person inside the club has told the Courier.",
    "..., the minister told parliament on Wednesday." (a name or a noun with no clause in it,
    only the time or place of the telling after it)."""
    if verb.lemma_.lower() not in ("tell", "inform", "assure", "brief") or obj.dep_ not in ("dobj", "obj") \
            or obj.pos_ not in ("PROPN", "PRON", "NOUN") or any(t.pos_ in ("VERB", "AUX") for t in obj.subtree):
        return False
    return all(c.dep_ in ("prep", "npadvmod", "advmod", "punct") and not any(t.pos_ in ("VERB", "AUX") for t in c.subtree)
               for c in verb.children if c.i > obj.right_edge.i)


def _that_clause_past_pp(verb: Token) -> Token | None:
    """"warned in a report that ...", "emphasized for the first time that ...": the parser
    hangs the that-clause on the noun of the phrase between the verb and the clause."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.i < verb.i:
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            for clause in pobj.children:
                if clause.dep_ in ("acl", "relcl", "ccomp") and clause.i > pobj.i and \
                        clause.doc[clause.left_edge.i].lower_ == "that" and \
                        any(c.dep_ in _SUBJ and c.lower_ != "that" for c in clause.children):
                    return clause
    return None


def _relation(child: Token) -> str:
    """The relation name used in the cue patterns: "prep:about" for a preposition."""
    return "prep:" + child.lower_ if child.dep_ == "prep" else child.dep_


def _nearest_ccomp(verb: Token, text: str) -> Token | None:
    """The clausal complement of ``verb`` nearest to it and in its paragraph.

    The parser sometimes hangs a quote of the previous paragraph on the next "said" as a
    second complement ("“...?”\\n\\nThe agency said it ...").
    """
    best: Token | None = None
    for child in verb.children:
        if child.dep_ not in _CONTENT_DEPS:
            continue
        lo, hi = sorted((verb.idx, child.idx))
        if "\n" in text[lo:hi]:
            continue  # (either way: a headline without a full stop is glued to the next paragraph)
        if best is None or abs(child.i - verb.i) < abs(best.i - verb.i):
            best = child
    return best


def _split_coordinated(cands: list[_Cand]) -> list[_Cand]:
    """"X said A, and urged B" / "X said A, insisting B": two attributions, not A-and-B.

    A cue coordinated with (or adverbial to) the head of another cue's content is a second
    speech act of the same speaker: the outer content stops before it, and the inner cue
    takes the outer source when it has no subject of its own.
    """
    out = list(cands)
    by_head: dict[int, list[int]] = {}  # head token of a cue -> the candidates with that cue
    for m, k in enumerate(out):
        if k.cue is not None:
            by_head.setdefault(k.cue.head.i, []).append(m)
    for n, c in enumerate(out):
        if c.root is None or c.cue is None:
            continue
        for m in by_head.get(c.root.i, []) + by_head.get(c.cue.i, []):
            k = out[m]
            cue = k.cue
            own_subject = cue is not None and any(ch.dep_ in _SUBJ for ch in cue.children)
            if cue is None or m == n or not (
                    cue.dep_ in ("conj", "advcl") and cue.head.i == c.root.i or
                    cue.dep_ == "ccomp" and not own_subject and cue.i > c.root.i and
                    cue.head.i in (c.root.i, c.cue.i)):
                continue
            if not c.start <= cue.idx < c.end or cue.i <= c.root.i:
                continue
            doc = cue.doc
            hi = cue.left_edge.i - 1
            while hi > c.root.left_edge.i and (doc[hi].is_punct or doc[hi].dep_ == "cc"):
                hi -= 1
            end = doc[hi].idx + len(doc[hi].text)
            if end <= c.start or _word_count(doc_text(doc)[c.start:end]) < 2:  # rare: cost is fine
                continue
            out[n] = c = replace(c, end=end)
            if not any(ch.dep_ in _SUBJ for ch in cue.children):
                out[m] = replace(k, src=c.src)
    return out


def _governing_subject(tok: Token) -> Token | None:
    """Subject of the nearest verb above ``tok`` when ``tok`` is its object or in its object."""
    node = tok
    for _ in range(4):
        if node.dep_ in _SUBJ or node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return _subject(node)
    return None


def _noun_cands(doc: Doc, patterns: dict[tuple[str, str, str], bool]) -> list[_Cand]:
    """"his support for the bill", "voiced concern about the deal": nouns that carry content.

    The source is the possessor, else the subject of the verb the noun is the object of
    ("Obama expressed concern about ..."); without either the noun is left alone.
    """
    text = doc_text(doc)
    cands: list[_Cand] = []
    for tok in doc:
        if tok.pos_ != "NOUN":
            continue
        lemma = tok.lemma_.lower()
        for prep in tok.rights:
            if prep.dep_ != "prep" or not patterns.get(("N", lemma, "prep:" + prep.lower_)):
                continue
            pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
            if pobj is None:
                break
            src = next((c for c in tok.children if c.dep_ == "poss"), None)
            if src is not None and src.pos_ == "PRON":
                # "Republicans were unsparing in their criticism of ...": PolNeAR marks the
                # clause's subject rather than the possessive pronoun.
                src = _governing_subject(tok) or src
            elif src is None and tok.dep_ in ("dobj", "obj") and tok.head.pos_ == "VERB":
                src = _subject(tok.head)  # "Obama expressed concern about ..."
            if src is None:
                break
            lo, hi = _same_paragraph(doc, tok, pobj.left_edge.i, pobj.right_edge.i, text)
            start, end = _clip(doc, lo, hi)
            if end - start >= 2:
                cands.append(_Cand("indirect", None, lemma, tok.idx, prep.idx + len(prep.text), src,
                                   start, end, pobj))
            break
    return cands


def _lowers(doc: Doc) -> list[str]:
    """Lower-cased token texts, read once per parse (each ``Token`` spaCy builds costs more than
    the comparison it is built for)."""
    cached = doc.user_data.get("narratrace.lowers")
    if cached is None or len(cached) != len(doc):
        strings = doc.vocab.strings
        cached = [strings[h] for h in doc.to_array("LOWER").tolist()]
        doc.user_data["narratrace.lowers"] = cached
    return cached


def _according_cands(doc: Doc, lex: Lexicon) -> list[_Cand]:
    text = doc_text(doc)
    cands: list[_Cand] = []
    lowers = _lowers(doc)
    firsts = {phrase[0] for phrase in lex.according}
    for i in (i for i, w in enumerate(lowers) if w in firsts):
        tok = doc[i]
        for phrase in lex.according:
            if tuple(lowers[i:i + len(phrase)]) != phrase:
                continue
            last = doc[tok.i + len(phrase) - 1]
            src = next((c for c in last.children if c.dep_ in ("pobj", "obj")), None)
            if src is None and last.dep_ == "case":
                src = last.head  # French UD: "selon" is a case marker of its noun
            if src is None:
                src = next((c for c in tok.children if c.dep_ in ("pobj", "obj")), None)
            if src is None:
                continue
            phrase_toks = {t.i for t in tok.subtree} | {t.i for t in src.subtree} | set(range(tok.i, last.i + 1))
            sent = tok.sent
            keep = [t.i for t in sent if t.i not in phrase_toks and not t.is_space]
            if not keep:
                continue
            # The content is the rest of the sentence on the larger side of the phrase.
            before = [i for i in keep if i < tok.i]
            after = [i for i in keep if i > tok.i]
            side = before if len(before) > len(after) else after
            side = [i for i in side if not doc[i].is_punct] and side
            if not side or len(side) < 2:
                continue
            lo, hi = _same_paragraph(doc, tok, side[0], side[-1], text)
            start, end = _clip(doc, lo, hi)
            if end - start < 2:
                continue
            cue_end = doc[last.i].idx + len(doc[last.i].text)
            cands.append(_Cand("according_to", None, " ".join(phrase), tok.idx, cue_end, src, start, end))
            break
    return cands


# Nouns of statement that take a that-clause ("the claim that ...", "the UK assessment that").
_STATEMENT_NOUNS = frozenset("claim allegation accusation assertion statement assessment warning "
                             "conclusion finding suggestion insistence contention charge denial "
                             "view position belief opinion understanding judgement judgment verdict "
                             "affirmation allégation accusation affirmation déclaration".split())
# Of these, the ones whose "of X" names who holds them ("the view of the fire service that ...",
# "the conclusion of the inquiry that ..."), not what they are about ("the accusation of fraud").
_HELD_NOUNS = frozenset("view position belief opinion understanding judgement judgment verdict "
                        "assessment conclusion finding".split())
# Verbs that put a statement noun forward: "X made the claim that ...", "was raised by X".
_PUT_FORWARD = frozenset("make raise repeat voice level advance echo put issue publish "
                         "formuler lancer".split())


#: Adjectives that, with a clause, say what their subject holds to be so ("X is confident that P",
#: "we are convinced this was deliberate"). Not the impersonal ones ("it is clear that"): those
#: have no source.
_STANCE_ADJECTIVES = frozenset("concerned worried confident convinced certain sure adamant satisfied "
                               "hopeful optimistic fearful afraid".split())


def _adjective_cands(doc: Doc) -> list[_Cand]:
    """"The authority is concerned that the companies may have fixed the prices", "We are
    confident this is the group": a stance adjective with a clause, its subject the source.

    >>> from narratrace.nlp import load_spacy
    >>> [(c.src.text, c.cue_text) for c in _adjective_cands(load_spacy()("Police are convinced that the fire was set."))]
    [('Police', 'convinced')]
    """
    text = doc_text(doc)
    cands: list[_Cand] = []
    for tok in doc:
        if tok.lower_ not in _STANCE_ADJECTIVES:
            continue
        if tok.dep_ == "acomp" and tok.pos_ in ("ADJ", "VERB"):
            cop = tok.head  # "is confident that ..."
        elif tok.tag_ == "VBN" and any(c.dep_ in ("auxpass", "aux:pass") for c in tok.children):
            cop = tok  # "is concerned that ...", read as a passive
        else:
            continue
        clause = next((c for c in (*tok.children, *cop.children) if c.dep_ == "ccomp" and c.i > tok.i), None)
        subj = next((c for c in cop.children if c.dep_ in ("nsubj", "nsubjpass", "nsubj:pass") and c.i < tok.i), None)
        if clause is None or subj is None or subj.lower_ in ("it", "there", "this", "that"):
            continue
        lo, hi = _same_paragraph(doc, tok, clause.left_edge.i, clause.right_edge.i, text)
        start, end = _clip(doc, lo, hi)
        if end - start < 2:
            continue
        cands.append(_Cand("indirect", tok, tok.lower_, min(cop.idx, tok.idx), tok.idx + len(tok.text),
                           subj, start, end, clause))
    return cands


def _noun_statement_cands(doc: Doc) -> list[_Cand]:
    """"claims from the United Kingdom that ...", "Moscow's claims that ...", "the UK
    assessment that ...", "the claim that ... has been made by X", "the view of the fire
    service that ...": a statement noun with a that-clause and a source the sentence names.

    >>> from narratrace.nlp import load_spacy
    >>> doc = load_spacy()("The firm noted the view of the fire service that the blaze began near its line.")
    >>> [(c.src.text, c.cue_text, doc.text[c.start:c.end]) for c in _noun_statement_cands(doc)]
    [('service', 'view', 'the blaze began near its line')]
    """
    text = doc_text(doc)
    cands: list[_Cand] = []
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in _STATEMENT_NOUNS:
            continue
        def that_clause(c: Token) -> bool:
            # (a relative clause whose "that" is a complementiser: it has a subject of its own)
            return c.dep_ in ("acl", "ccomp", "advcl", "relcl") and c.i > tok.i and \
                any(m.dep_ == "mark" and m.lower_ in ("that", "que") for m in c.children) and \
                (c.dep_ != "relcl" or any(m.dep_ in _SUBJ for m in c.children))

        clause = next((c for c in tok.children if that_clause(c)), None)
        if clause is None and tok.lemma_.lower() in _HELD_NOUNS:
            # "the view of the fire service that the blaze began ...": the parser hangs the
            # clause on the holder, as if it were a relative clause of theirs
            clause = next((c for p in tok.children if p.dep_ == "prep" and p.lower_ == "of"
                           for g in p.children if g.dep_ == "pobj" for c in g.children
                           if that_clause(c) and c.dep_ == "relcl"), None)
        if clause is None and tok.dep_ in ("dobj", "obj"):
            # "dismissed claims from X that ...": the parser hangs the clause on the verb
            clause = next((c for c in tok.head.children if that_clause(c)
                           and c.left_edge.i == tok.right_edge.i + 1), None)
        if clause is None and tok.dep_ in ("dobj", "obj") and tok.head.lemma_.lower() in _PUT_FORWARD:
            # "X raised claims about Y's covert operations": what the claims are about
            clause = next((g for p in tok.children if p.dep_ == "prep" and
                           p.lower_ in ("about", "regarding", "concerning") for g in p.children
                           if g.dep_ == "pobj"), None)
        if clause is None:
            continue
        src: Token | None = None
        for c in tok.children:
            if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN"):
                src = c
            elif c.dep_ == "compound" and c.pos_ == "PROPN" and src is None:
                src = c
            elif c.dep_ == "prep" and c.lower_ in ("from", "by", "de", "par") and src is None:
                src = next((g for g in c.children if g.dep_ == "pobj"), None)
            elif c.dep_ == "prep" and c.lower_ == "of" and src is None and tok.lemma_.lower() in _HELD_NOUNS:
                src = next((g for g in c.children if g.dep_ == "pobj" and g.pos_ in ("PROPN", "NOUN")), None)
        head = tok.head
        if src is None and tok.dep_ in ("nsubjpass", "nsubj:pass") and head.lemma_.lower() in _PUT_FORWARD:
            agent = next((c for c in head.children if c.dep_ == "agent"), None)
            if agent is not None:
                src = next((g for g in agent.children if g.dep_ == "pobj"), None)
        if src is None and tok.dep_ in ("dobj", "obj") and head.lemma_.lower() in _PUT_FORWARD:
            src = _subject(head)
        if src is None:
            continue
        lo, hi = _same_paragraph(doc, tok, clause.left_edge.i, clause.right_edge.i, text)
        start, end = _clip(doc, lo, hi)
        if end - start >= 2:
            cands.append(_Cand("indirect", None, tok.lemma_.lower(), tok.idx, tok.idx + len(tok.text),
                               src, start, end, clause))
    return cands


_SOURCELESS = {"en": frozenset("reportedly allegedly purportedly reputedly".split()),
               "fr": frozenset("prétendument apparemment".split())}


def _adverb_cands(doc: Doc, lang: str) -> list[_Cand]:
    """"The phone reportedly contained ...": a report without a named source."""
    text = doc_text(doc)
    cands: list[_Cand] = []
    words = _SOURCELESS.get(lang, frozenset())
    for i in (i for i, w in enumerate(_lowers(doc)) if w in words):
        tok = doc[i]
        if tok.dep_ != "advmod":
            continue
        head = tok.head
        if head.pos_ not in ("VERB", "AUX"):
            continue
        toks = [t.i for t in head.subtree if t.i != tok.i]
        lo, hi = _same_paragraph(doc, tok, min(toks), max(toks), text)
        start, end = _clip(doc, lo, hi)
        if end - start >= 2:
            cands.append(_Cand("indirect", None, tok.lower_, tok.idx, tok.idx + len(tok.text), None, start, end))
    return cands


_MAX_LABEL_TOKENS = 5  # "Sen. Elizabeth Warren: ..." — longer heads are sentences, not labels


def _label_cands(doc: Doc) -> list[_Cand]:
    """"Marco Rubio: We will win": a line opening with a name and a colon (headlines, transcripts)."""
    cands: list[_Cand] = []
    text = doc_text(doc)
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        colon = line.find(":")
        if colon <= 0 or colon > 60 or _word_count(line[colon + 1:]) < 3:
            continue
        head = doc.char_span(start, start + colon, alignment_mode="expand")
        if head is None or not 0 < len(head) <= _MAX_LABEL_TOKENS:
            continue
        words = [t for t in head if t.is_alpha]
        names = [t for t in head if t.pos_ == "PROPN" and len(t.text) > 1]
        if not names or any(not (t.is_title or t.is_upper) for t in words):
            continue
        if line.lstrip().startswith("[") or len(names) == len(words) == 1 and (
                names[0].ent_type_ in ("GPE", "LOC", "FAC") or _is_place(names[0].text)):
            continue  # an editor's note ("[ZH: ...]") or a dateline ("Davos: ...")
        lo = start + colon + 1
        while lo < len(text) and text[lo].isspace():
            lo += 1
        hi = start + len(line)
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi - lo < 2:
            continue
        at = start + colon
        cands.append(_Cand("indirect", None, ":", at, at + 1, names[-1], lo, hi))
    return cands


def _quote_cue(doc: Doc, q: Quote, lex: Lexicon, text: str) -> tuple[Token, Token | None] | None:
    """Find the speech verb that introduces or follows quote ``q`` (not inside it)."""
    # After: "“…,” he declared." / "“…,” the ministry said in a statement."
    i = q.end
    while i < len(text) and (text[i].isspace() or text[i] in ",.;:—–-"):
        i += 1
    after = doc.char_span(i, i + 1, alignment_mode="expand") if i < len(text) else None
    if after is not None and len(after):
        first = after[0]
        same_par = "\n" not in text[q.end:i]
        closes_clause = text[q.inner_end - 1] in ",.!?…" or (
            _word_count(text[q.inner_start:q.inner_end]) >= _MIN_ORPHAN_WORDS and text[q.end:q.end + 1] in ",.")
        if closes_clause and (same_par or first.is_lower or first.lower_ in ("he", "she", "they", "it")):
            for tok in doc[first.i:min(len(doc), first.i + _MAX_CUE_GAP)]:
                if tok.text in ("“", '"', "«", "‘") or (tok.is_sent_start and tok.i > first.i):
                    break
                if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in lex.speech:
                    if tok.i == first.i and (handle := inverted_handle(tok)) is not None:
                        return tok, handle  # "“…,” posted Ivo_M.": the name, however parsed
                    return tok, _subject(tok) or _inverted_subject(tok)
            if first.lower_ in ("read", "reads") and (text_by := _read_by(first)) is not None:
                return first, text_by
    # Before: "X said: “…”" / "X told Sputnik, “…”" / "..., adding,\n\n“…”"
    j = q.start
    while j > 0 and text[j - 1].isspace():
        j -= 1
    before = doc.char_span(max(0, j - 1), j, alignment_mode="expand") if j > 0 else None
    if before is not None and len(before):
        last = before[-1]
        long_quote = _word_count(text[q.inner_start:q.inner_end]) >= _MIN_ORPHAN_WORDS
        if long_quote and ("\n" not in text[j:q.start] or last.text in (":", ",")):
            lo = last.sent.start
            for tok in reversed(doc[lo:last.i + 1]):
                if tok.text in ("”", '"', "»", "’") and tok.i != last.i:
                    break
                if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in lex.speech:
                    return tok, _subject(tok) or _subject_in_clause(tok)
    return None


def _subject_in_clause(verb: Token) -> Token | None:
    """"Ada Brun, 29, whose son had his jab on Monday, said: “…”": the parser read the name
    and the relative clause after it as a clause complementing the cue. A quotation's cue
    with no subject takes the name that opens such a clause, set off by a comma."""
    for c in verb.children:
        if c.dep_ not in _CONTENT_DEPS or c.i > verb.i:
            continue
        subj = next((g for g in c.children if g.dep_ in _SUBJ), None)
        if subj is not None and subj.pos_ == "PROPN" and subj.ent_type_ == "PERSON" and \
                subj.i + 1 < len(verb.doc) and verb.doc[subj.i + 1].text == ",":
            return subj
    return None


def _inverted_subject(verb: Token) -> Token | None:
    """"“…,” replied Ivo_M." with the name parsed as the verb's object: after a quotation
    the noun phrase right after the cue is who spoke."""
    for child in verb.rights:
        if child.dep_ in ("dobj", "attr", "oprd", "npadvmod", "dative") and child.pos_ in ("NOUN", "PROPN") \
                and all(t.dep_ in ("det", "amod", "compound", "poss", "nummod") for t in
                        verb.doc[verb.i + 1:child.i]):
            return child
        break
    return None


def _read_by(verb: Token) -> Token | None:
    """"“…,” read a statement from the ministry": the text that "read" it (the parser often
    takes "read" for a noun), or who wrote that text ("a post by X", "a statement from X")."""
    for tok in verb.doc[verb.i + 1:min(len(verb.doc), verb.i + 4)]:
        if tok.lemma_.lower() in MEDIUM_NOUNS and tok.pos_ == "NOUN":
            for prep in [*tok.children, *verb.children]:
                if prep.dep_ in ("prep", "agent") and prep.lower_ in ("by", "from"):
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            return obj
            return tok
        if tok.is_punct:
            return None
    return None


def _word_count(text: str) -> int:
    return sum(any(ch.isalnum() for ch in w) for w in text.split())


def _governor(doc: Doc, q: Quote) -> tuple[Token, Token] | None:
    """The verb (with a subject, before the quote) that a quote inside a sentence depends on."""
    span = doc.char_span(q.inner_start, q.inner_end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    head = span.root.head
    if head.dep_ == "prep" and head.lower_ in ("for", "of", "as") and head.i < span.start and \
            head.head.pos_ == "VERB" and head.head.i < head.i:
        head = head.head  # "thanked the minister for “...”", "accused them of “...”"
    if head.i == span.root.i or span.start <= head.i < span.end or head.i > span.start:
        return None
    if head.pos_ != "VERB" or head.lemma_.lower() in _NOT_CUES:
        return None
    src = _subject(head)
    if src is None or src.i > head.i:
        return None
    return head, src


def _colon_lead(doc: Doc, at: int, text: str) -> tuple[Token, Token] | None:
    """The colon right before char ``at`` and the subject of the clause it ends, if any."""
    j = at
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j == 0 or text[j - 1] != ":":
        return None
    span = doc.char_span(j - 1, j, alignment_mode="expand")
    if span is None or not len(span):
        return None
    colon = span[0]
    root = colon.head if colon.head.i != colon.i else colon.sent.root
    src = _subject(root) if root.pos_ in ("VERB", "AUX") else root if root.pos_ in ("NOUN", "PROPN") else None
    if src is None or src.i > colon.i:
        return None
    return colon, src


def _quote_cands(doc: Doc, lex: Lexicon, cands: list[_Cand]) -> list[_Cand]:
    """Turn quotes into direct/mixed attributions, merging with the verb candidates.

    Quotes come in text order; the candidates are indexed by start (with a running maximum
    of their ends) so each quote looks only at the candidates that can overlap it, and the
    quoted speakers so far are kept sorted by where their words end: linear in the number
    of quotes and candidates, whatever the document's length.
    """
    text = doc_text(doc)
    out = list(cands)
    order = sorted(range(len(cands)), key=lambda n: cands[n].start)
    starts = [cands[n].start for n in order]
    reach: list[int] = []
    for n in order:
        reach.append(max(reach[-1], cands[n].end) if reach else cands[n].end)
    quoted: list[tuple[int, int]] = []  # (end, index in out) of direct/mixed with a source
    for q in find_quotes(text):
        qs, qe = strip_marks(text, q.inner_start, q.inner_end)
        if qe <= qs:
            continue
        # A verb candidate whose content holds the quote: direct when the quote is (nearly)
        # all of it, mixed when the quote is a fragment of a paraphrase.
        hit = None
        k = bisect.bisect_left(starts, q.end) - 1
        while k >= 0 and reach[k] > q.start:
            n = order[k]
            c = out[n]
            cue_at = c.cue_start if c.cue_start is not None else -1
            if c.start < q.end and q.start < c.end and c.kind in ("indirect", "according_to") \
                    and not q.start <= cue_at < q.end and (hit is None or n < hit):
                hit = n
            k -= 1
        if hit is not None:
            c = out[hit]
            outside = _word_count(text[c.start:min(c.end, q.start)]) + _word_count(text[max(c.start, q.end):c.end])
            if outside <= 1:
                out[hit] = replace(c, kind="direct", start=qs, end=qe)
            else:
                out[hit] = replace(c, kind="mixed", start=min(c.start, qs), end=max(c.end, qe))
            if out[hit].src is not None:
                bisect.insort(quoted, (out[hit].end, hit))
            continue
        found = _quote_cue(doc, q, lex, text)
        if found is not None:
            verb, src = found
            cue_text, cs, ce = _cue_span(verb)
            out.append(_Cand("direct", verb, cue_text, cs, ce, src, qs, qe))
            if src is not None:
                bisect.insort(quoted, (qe, len(out) - 1))
            continue
        words = _word_count(text[qs:qe])
        lead = _colon_lead(doc, q.start, text)
        if lead is not None and words >= 3:
            # "The headline reads:\n\n“...”": the sentence ending in the colon introduces it.
            colon, src = lead
            out.append(_Cand("direct", None, ":", colon.idx, colon.idx + 1, src, qs, qe))
            bisect.insort(quoted, (qe, len(out) - 1))
            continue
        gov = _governor(doc, q) if words >= _MIN_ORPHAN_WORDS else None
        if gov is not None:
            # "The ad targets “...”": the verb the quote is an argument of is its cue.
            verb, src = gov
            cue_text, cs, ce = _cue_span(verb)
            out.append(_Cand("direct", verb, cue_text, cs, ce, src, qs, qe))
            bisect.insort(quoted, (qe, len(out) - 1))
            continue
        if words >= _MIN_ORPHAN_WORDS:
            # A full-sentence quote with no cue of its own continues the previous speaker.
            # Its speaker is the last one quoted, not the last one paraphrased (tuned on
            # PolNeAR train: source accuracy of such quotes 0.37 -> 0.44).
            j = bisect.bisect_right(quoted, (q.start, len(out))) - 1
            if j >= 0:
                last = out[quoted[j][1]]
                if text.count("\n", last.end, q.start) <= 4:
                    out.append(_Cand("direct", None, "", None, None, last.src, qs, qe))
                    bisect.insort(quoted, (qe, len(out) - 1))
    return out


def _dedupe(cands: list[_Cand], *, nested: bool = False) -> list[_Cand]:
    """Keep one attribution per stretch of text: outer ones win over ones nested in them.

    With ``nested``, a report inside another one's content ("X said Y had denied ...",
    "Ivo Marek said ..., the Daily Courier reported") is kept too, linked to the outer one. Kept spans
    barely overlap, so each candidate is checked against its neighbours in start order
    (linear in the number of candidates, not quadratic).
    """
    order = sorted(cands, key=lambda c: (c.kind != "direct" and c.kind != "mixed", c.src is None and c.cue is None,
                                         -(c.end - c.start)))
    kept: list[_Cand] = []
    starts: list[int] = []
    inner: list[_Cand] = []
    for c in order:
        cue_pos = c.cue_start if c.cue_start is not None else -1
        i = bisect.bisect_right(starts, max(cue_pos, c.start))
        near = kept[max(0, i - _NEIGHBOURS):i + _NEIGHBOURS]
        host = next((k for k in near if k.start <= cue_pos < k.end), None)
        if host is not None:
            if nested and c.src is not None and c.cue_start is not None and \
                    host.start <= c.start and c.end <= host.end and c.end - c.start < host.end - host.start:
                inner.append(replace(c, outer=(host.start, host.end, host.cue_start)))
            continue
        clash = [k for k in near if min(c.end, k.end) - max(c.start, k.start) > 0.5 * (c.end - c.start)]
        if clash:
            # "Ivo Marek said ..., the Daily Courier reported": an outer report found after the quote it
            # holds; the kept one becomes nested in it.
            k = clash[0]
            if nested and len(clash) == 1 and c.src is not None and k.src is not None and \
                    c.cue_start is not None and k.cue_start is not None and \
                    not c.start <= cue_pos < c.end and (
                        c.start <= k.cue_start < c.end  # "X said ..., the Courier reported"
                        or cue_pos > k.cue_start and _same_span(c, k)):  # "X said Y, it said"
                j = kept.index(k)
                del kept[j], starts[j]
                c = replace(c, start=min(c.start, k.start), end=max(c.end, k.end))
                inner.append(replace(k, outer=(c.start, c.end, c.cue_start)))
                i = bisect.bisect_right(starts, c.start)
                kept.insert(i, c)
                starts.insert(i, c.start)
            continue
        kept.insert(i, c)
        starts.insert(i, c.start)
    kept = _merge_fragments(kept)
    # A nested report keeps the span its outer report has after fragments merge.
    spans = {(k.start, k.cue_start): (k.start, k.end, k.cue_start) for k in kept}
    out = kept + [replace(c, outer=spans.get((c.outer[0], c.outer[2]), c.outer)) for c in inner
                  if c.outer is not None]
    out.sort(key=lambda c: (c.start, c.end))
    return out


_NEIGHBOURS = 8


def _same_span(a: _Cand, b: _Cand) -> bool:
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return overlap > 0.9 * (a.end - a.start) and overlap > 0.9 * (b.end - b.start)


def _citing(cands: list[_Cand]) -> list[_Cand]:
    """"..., the FT said, citing two unnamed officials": the cited source says the same
    thing, nested in the report that cites it."""
    out = []
    for c in cands:
        if c.cue is None or c.src is None or c.outer is not None:
            continue
        for verb in c.cue.children:
            if verb.dep_ not in ("advcl", "xcomp", "conj") or verb.lemma_.lower() not in ("cite", "quote") \
                    or verb.i < c.cue.i:
                continue
            obj = next((o for o in verb.children if o.dep_ in ("dobj", "obj")), None)
            if obj is None or not (obj.pos_ == "PROPN" or obj.ent_type_ in ("PERSON", "ORG", "NORP")
                                   or obj.lemma_.lower() in _CITABLE):
                continue
            out.append(_Cand(c.kind, verb, verb.lemma_.lower(), verb.idx, verb.idx + len(verb.text),
                             obj, c.start, c.end, c.root, outer=(c.start, c.end, c.cue_start)))
    return out


_CITABLE = frozenset("official officer source diplomat expert analyst spokesman spokeswoman "
                     "spokesperson person insider report statement document study "
                     "minister adviser advisor aide".split())
_FIRST_SECOND = frozenset("i we you me us je nous vous on".split())


def _merge_fragments(cands: list[_Cand]) -> list[_Cand]:
    """One cue, one attribution: "“A,” she said. “B.”" is a single content split by its cue.

    PolNeAR annotates such a quote as one attribution with a discontinuous content; as one
    span it runs from the first fragment to the last (the cue in between is kept). Only
    fragments in one paragraph merge, so a quote never swallows a paragraph break.
    """
    out: list[_Cand] = []
    by_cue: dict[int, int] = {}
    text = next((doc_text(c.cue.doc) for c in cands if c.cue is not None), "")
    for c in cands:
        key = c.cue.i if c.cue is not None else None
        n = by_cue.get(key) if key is not None else None
        if n is not None:
            prev = out[n]
            lo, hi = min(prev.start, c.start), max(prev.end, c.end)
            if "\n" not in text[lo:hi]:
                kind = prev.kind if prev.kind == c.kind else "mixed"
                out[n] = replace(prev, kind=kind, start=lo, end=hi)
                continue
        if key is not None:
            by_cue[key] = len(out)
        out.append(c)
    return out


def _attribution_id(doc_id: str, start: int, end: int, cue_start: int | None) -> str:
    return hashlib.sha1(f"{doc_id}:{start}:{end}:{cue_start}".encode()).hexdigest()[:16]


# Statements only (the product's scope): which cue verbs report a statement when their
# content is an infinitive or a noun phrase. Intentions, refusals, perceptions and acts
# ("hopes to", "refused to", "sees", "cited a speech", "shared glimpses") are not statements.
_STATEMENT_XCOMP = frozenset("claim promise pledge vow threaten deny admit profess urge "
                             "prétendre promettre menacer nier exhorter".split())
# Verbs whose noun-phrase object is a statement: denials and accusations ("denied the
# claims", "accused Kyiv of ..."), and telling verbs whose object is what they tell
# ("described a network ...", "stated its involvement").
_STATEMENT_OBJECT = frozenset("deny reject dismiss refute dispute rebut disavow repudiate "
                              "admit acknowledge confirm accuse blame charge describe highlight "
                              "state announce reveal allege detail outline predict report "
                              "nier démentir rejeter réfuter contester confirmer accuser "
                              "décrire annoncer révéler".split())
# Cognition verbs that state a position in news style ("an expert fears", "X believes").
_STATEMENT_COGNITION = frozenset("think believe fear expect doubt suspect reckon assume "
                                 "penser croire craindre estimer".split())
# Prepositions through which a speech verb reaches what it is about ("spoke about").
_ABOUT = frozenset("about on of sur de".split())
_TALK = frozenset("speak talk write testify parler".split())
# Cue verbs strong enough to make any subject a source ("the document says").
_STRONG = frozenset("say state claim tell add write warn allege report deny insist argue "
                    "conclude note read assert declare dire déclarer affirmer écrire".split())
_QUESTION_MARKS = frozenset("whether if why how what when where who".split())


def _trailing_reports(cands: list[_Cand], lex: Lexicon) -> list[_Cand]:
    """"Ivo Marek said the talks had failed, the Daily Courier reported.": the parser often
    hangs the closing "X reported" inside the statement it reports. Cut it out of that
    statement and make it the outer report, whose content is the whole statement."""
    out = list(cands)
    for n, c in enumerate(cands):
        if c.cue is None or c.root is None or c.src is None:
            continue
        doc = c.cue.doc
        sent = c.cue.sent
        for v in c.root.subtree:
            if v.i <= c.cue.i or v.pos_ != "VERB" or v.lemma_.lower() not in lex.speech:
                continue
            subj = next((ch for ch in v.children if ch.dep_ in ("nsubj",) and ch.i < v.i), None)
            if subj is None or any(ch.i > v.i and not ch.is_punct for ch in v.children):
                continue
            comma = subj.left_edge.i - 1
            if comma <= c.cue.i or doc[comma].text != "," or \
                    any(not (t.is_punct or t.is_space) for t in doc[v.i + 1:sent.end]):
                continue
            start = doc[sent.start].idx
            end = doc[comma - 1].idx + len(doc[comma - 1].text)
            if end <= c.start:
                continue
            out[n] = replace(c, end=min(c.end, end))
            out.append(_Cand("indirect", v, v.lemma_.lower(), v.idx, v.idx + len(v.text), subj,
                             start, end, c.cue))
            break
    return out


def _is_statement(c: _Cand, lex: Lexicon) -> bool:
    """Keep the candidates that report a statement (the product's scope); see above."""
    if c.cue is None or c.root is None or c.cue.lower_ in _STANCE_ADJECTIVES and c.cue.pos_ in ("ADJ", "VERB"):
        return True
    lemma = c.cue.lemma_.lower()
    if c.cue.dep_ in ("advcl", "relcl", "acl") and any(
            a.dep_ == "aux" and a.lower_ in ("can", "could", "pourrait", "peut") for a in c.cue.children):
        return False  # "so that a reader can show it works": what someone could say, not what they said
    root = c.root
    if root.head.i == c.cue.i:
        rel = root.dep_
    elif root.i == c.cue.head.i:
        rel = "parataxis"
    else:
        rel = "prep"  # content reached through a preposition ("talked about", "called for")
    if rel == "xcomp":
        return lemma in _STATEMENT_XCOMP or lemma in _GERUND_CUES and root.tag_ == "VBG"
    if rel in ("dobj", "obj"):
        if lemma in _STATEMENT_OBJECT or root.lemma_.lower() in lex.nouns or \
                _split_clause(c.cue, root) is not None or _told_clause(c.cue) is not None:
            return True  # "denied the claims", "raised claims about", "cited comments"
        # "called the attack a 'successful operation'", "condemned X as ...": a predication
        return lemma in lex.speech and any(
            ch.i > root.i and (ch.dep_ in ("oprd", "xcomp", "ccomp") or
                               ch.dep_ == "prep" and ch.lower_ in ("as", "comme"))
            for ch in c.cue.children)
    if rel == "prep":
        if c.cue.doc[root.left_edge.i].lower_ == "that":
            return lemma in lex.speech  # "warned in a report that ..."
        # "talked about the wall"; "called for a cyber command": a call for something is its
        # caller's words ("called for calm" is a mood, not a proposal)
        return lemma in _TALK and root.head.lower_ in _ABOUT or lemma == "call" and root.head.lower_ == "for" \
            and root.right_edge.i > root.left_edge.i
    if rel == "ccomp":
        first = c.cue.doc[root.left_edge.i].lower_
        if first in _QUESTION_MARKS and (lemma in ("ask", "wonder", "question", "demander")
                                         or first in ("whether", "if")):
            return False  # a question (or "admit if ...", "clarify whether ...") is not a statement
        return lemma in lex.speech or lemma in _STATEMENT_COGNITION
    return True


_AUTHORS = frozenset("military army government ministry agency outlet newspaper police "
                     "prosecutor prosecutors authorities officials researchers scientists "
                     "experts analysts committee commission council court".split())


def _report_author(src: Token) -> Token:
    """"a report by X", "a statement from X", "X's claims": the author, not the document."""
    from ._resolve import REPORT_ROLES

    lex = LEXICONS.get(src.lang_, LEXICONS["en"])
    if src.lemma_.lower() in lex.nouns or src.lemma_.lower() in REPORT_ROLES:
        poss = next((c for c in src.children if c.dep_ == "poss"), None)
        if poss is not None and (poss.pos_ == "PROPN" or poss.lower_ in ("his", "her", "its", "their")):
            return poss
    if src.lemma_.lower() in REPORT_ROLES or src.lemma_.lower() in ("statement", "investigation",
                                                                     "analysis", "assessment"):
        for prep in src.children:
            if prep.dep_ in ("prep", "agent") and prep.lower_ in ("by", "from", "of", "de", "par"):
                pobj = next((c for c in prep.children if c.dep_ in ("pobj", "obj")), None)
                if pobj is not None and (pobj.pos_ == "PROPN" or
                                         any(t.pos_ == "PROPN" or t.ent_type_ for t in pobj.subtree) or
                                         pobj.lemma_.lower() in _AUTHORS):
                    return pobj
    return src


def _inanimate(src: Token, actor: Actor | None) -> bool:
    """A source no one would quote: a common noun naming a thing ("footage", "signs")."""
    from ._resolve import GOV_NOUNS, ORG_ROLES, OUTLET_ROLES, PERSON_ROLES, REPORT_ROLES

    if actor is not None or src.pos_ != "NOUN":
        return False
    lemma = src.lemma_.lower()
    return not (lemma in PERSON_ROLES or lemma in ORG_ROLES or lemma in OUTLET_ROLES
                or lemma in REPORT_ROLES or lemma in GOV_NOUNS or src.ent_type_
                or lemma in ("people", "group", "country", "nation", "statement", "poll",
                             "analysis", "assessment", "letter", "memo", "communique", "draft"))




def extract(document: Document, parsed: Doc, *, lang: str, with_cognition: bool = True,
            mentions: Sequence[Mention] | None = None,
            scope: Literal["statements", "all"] = "statements") -> list[Attribution]:
    if lang not in LEXICONS:
        raise UsageError(f"Attribution does not support language {lang!r}; "
                         f"supported: {', '.join(sorted(LEXICONS))}.")
    if scope not in ("statements", "all"):
        raise UsageError(f"Unknown attribution scope {scope!r}; use 'statements' or 'all'.")
    if parsed.text != document.text:
        raise PipelineError(f"The parse given for document {document.id} is not a parse of its text; "
                            "parse document.text with narratrace.nlp.load_spacy(lang) first.")
    if len(parsed) and not parsed.has_annotation("DEP"):
        raise PipelineError("Attribution needs a dependency parse; load the full spaCy pipeline "
                            "with narratrace.nlp.load_spacy(lang).")
    lex = LEXICONS[lang]
    text = document.text
    statements = scope == "statements"
    cands = _split_coordinated(_verb_cands(parsed, lex, with_cognition, cue_patterns(lang)))
    if statements:
        cands = _trailing_reports(cands, lex)
    cands += _according_cands(parsed, lex) + _noun_statement_cands(parsed) + _adjective_cands(parsed)
    if statements:
        cands = [c for c in cands if _is_statement(c, lex)]
    else:
        cands += _noun_cands(parsed, cue_patterns(lang))
    cands += _adverb_cands(parsed, lang) + _label_cands(parsed)
    cands = _dedupe(_quote_cands(parsed, lex, cands), nested=statements)
    if statements:
        cands = sorted(cands + _citing(cands), key=lambda c: (c.start, c.end))
    if mentions is None:
        from ..entities import extract_mentions

        mentions = extract_mentions(document, parsed)
    resolver = Resolver.build(parsed, text, list(mentions))
    out: list[Attribution] = []
    by_src: dict[int, Actor | None] = {}
    previous: Attribution | None = None
    for c in cands:
        actor: Actor | None = None
        how_cont = c.cue is None and c.cue_text == "" and c.kind == "direct"
        if c.src is not None:
            src = _report_author(c.src)
            s, e = source_span(src, text=text)
            if c.cue is not None and statements and "\n" in text[min(s, c.cue.idx):max(e, c.cue.idx)]:
                # A heading glued to the sentence by the parser is not a speaker: the
                # subject is the name nearest before the cue on the cue's own line.
                glued = _subject_on_line(parsed, c.cue, text)
                if glued is None:
                    continue
                src = glued
                s, e = source_span(src, text=text)
            if statements and _in_brackets(text, s):
                continue
            if s < (cut := _dateline_end(text, s)) < e:
                s = cut  # "PORT CITY - Varenia rejected ...": the dateline is no part of the source
            if how_cont and c.src.i in by_src:
                prev_actor = by_src[c.src.i]
                actor = replace(prev_actor, how="continuation") if prev_actor is not None else None
            else:
                head = src.head.head if _is_relative(src) else src
                if _is_relative(src):
                    title = head.head.head
                    if src.lower_ == "who" and head.dep_ == "pobj" and title.dep_ == "appos" \
                            and title.pos_ == "NOUN" and (head.ent_type_ in _PLACES or _TITLE.match(title.text)):
                        head = title  # "X, ambassador to Velmar, who said ...": X, not Velmar
                    if head.dep_ == "appos" and head.pos_ == "PROPN" and head.head.lemma_.lower() in OUTLET_ROLES:
                        head = head.head  # "the website The Open Lab, which says ...": the website named so
                    elif head.dep_ == "appos" and head.pos_ == "NOUN" and head.head.pos_ == "PROPN" \
                            and head.head.i < head.i:
                        head = head.head  # "Ada Brun, a farmer who says ...": the one named
                    hs, he = source_span(head, text=text)
                    actor = resolver.resolve(head, hs, he)
                else:
                    actor = resolver.resolve(src, s, e)
                by_src[c.src.i] = actor
            if statements and not how_cont and c.cue is not None and _inanimate(src, actor) and \
                    c.cue.lemma_.lower() not in _STRONG:
                continue
            if c.outer is not None and (actor is None or src.lower_ in _FIRST_SECOND):
                continue  # a nested report needs a speaker the text identifies ("I think" is not one)
            if how_cont and actor is not None:
                resolver.remember(c.start, actor, until=c.end)  # the quote passage goes on
            elif actor is not None:
                resolver.remember(s, actor, until=c.end, plural=src.tag_ in ("NNS", "NNPS") or
                                  src.lower_ in ("they", "them", "their"),
                                  pronoun=src.lower_, inner=c.outer is not None)
            rs, re_ = (actor.start, actor.end) if actor is not None and actor.start is not None \
                and actor.end is not None else (s, e)
            speaker = Speaker(text=text[s:e], start=rs, end=re_, mention_start=s, mention_end=e,
                              actor=actor)
        elif c.cue_text in _SOURCELESS.get(lang, frozenset()):
            # "The phone reportedly contained ...": in a passage reporting one outlet's or
            # one person's account, the report is theirs; elsewhere it has no source.
            last = resolver.last_speaker()
            if last is not None and resolver.para(c.start) - last.para <= 1 and \
                    last.actor.how != "description":
                actor = replace(last.actor, how="continuation")
                speaker = Speaker(text="", start=actor.start, end=actor.end, actor=actor)
            elif statements:
                continue
            else:
                speaker = Speaker(text="", start=None, end=None)
        else:
            speaker = Speaker(text="", start=None, end=None)
        content = text[c.start:c.end]
        anchor = c.cue if c.cue is not None else parsed.char_span(c.start, c.end, alignment_mode="expand")
        sent = anchor.sent if anchor is not None else None
        sent_tokens = list(sent) if sent is not None else []
        medium = find_medium(c.cue, sent_tokens, exclude=(c.start, c.end))
        inherited = False
        if medium is None and how_cont and previous is not None and previous.medium is not None and \
                _same_actor(previous.speaker.actor, speaker.actor):
            medium, inherited = previous.medium, True  # a quote paragraph goes on where it began
        cue_phrase = text[c.cue_start:c.cue_end] if c.cue_start is not None and c.cue_end is not None else ""
        frame = _frame(text, sent, c) if sent is not None else ""
        if c.src is not None:  # "a preliminary investigation by X found ..."
            fs, fe = source_span(c.src, text=text)
            frame += " " + text[fs:fe]
        hedges, content_hedges = split_hedges(content, cue_phrase if c.cue is not None else "",
                                              frame, kind=c.kind,
                                              quotes=_quote_spans(text, c.start, c.end), lang=lang)
        if speaker.actor is not None and speaker.actor.type == "anonymous" and \
                _unnamed(text[speaker.mention_start or 0:speaker.mention_end or 0]):
            hedges = hedges + ("unnamed source",)
        stance: Stance = "asserts"
        if c.cue is not None:
            negated = any(ch.dep_ == "neg" or ch.lower_ in ("not", "never", "pas")
                          for ch in c.cue.children)
            if c.cue_text in lex.deny and not negated:
                stance = "denies"
            elif not statements and negated:
                stance = "denies"
        if stance == "asserts" and says_no_evidence(content, lang=lang):
            stance = "denies"
        attribution = Attribution(
            id=_attribution_id(document.id, c.start, c.end, c.cue_start), doc=document.id,
            kind=c.kind, speaker=speaker, cue=c.cue_text, content=content, start=c.start, end=c.end,
            medium=medium, stance=stance, hedges=hedges, cue_start=c.cue_start, cue_end=c.cue_end,
            content_hedges=content_hedges, medium_inherited=inherited,
            outer=_attribution_id(document.id, *c.outer) if c.outer is not None else None)
        out.append(attribution)
        previous = attribution
    return _name_the_described(out, resolver)


def _name_the_described(out: list[Attribution], resolver: Resolver) -> list[Attribution]:
    """A lede that describes its speaker ("a former spy has claimed ...", "an expert fears
    ...") names them in the next paragraphs: link the description to the first person named
    as a speaker there. Only in the first two paragraphs, where news style does this."""
    linked: dict[str, Actor] = {}
    for i, a in enumerate(out):
        act = a.speaker.actor
        if act is None or act.how != "description" or act.type != "person" or act.name in linked \
                or resolver.para(a.start) > 2:
            continue
        here = resolver.para(a.start)
        for b in out[i + 1:]:
            if resolver.para(b.start) - here > 2:
                break
            other = b.speaker.actor
            if other is not None and other.type == "person" and other.how == "name":
                linked[act.name] = Actor(other.name, "person", "role noun", other.start, other.end,
                                         role=act.name)
                break
    if not linked:
        return out
    result = []
    for a in out:
        act = a.speaker.actor
        new = linked.get(act.name) if act is not None and (act.start is None or act.how != "name") else None
        if new is not None and act is not None:
            new = replace(new, how=act.how if act.how in ("pronoun", "continuation") else "role noun")
            a = replace(a, speaker=replace(a.speaker, actor=new, start=new.start, end=new.end))
        result.append(a)
    return result


def _stray_subject(verb: Token) -> Token | None:
    """The subject a parser lost: "In a message to reporters, Ivo Marek, an adviser,
    said ..." with the name hung on "Reuters". The nearest name before the verb in its
    sentence, with only an apposition between them."""
    for tok in reversed(verb.doc[verb.sent.start:verb.i]):
        if tok.pos_ in ("VERB", "AUX"):
            return None
        if tok.pos_ == "PROPN" and (tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or
                                    not tok.ent_type_ and tok.dep_ == "appos") and \
                tok.dep_ in ("conj", "appos", "npadvmod", "dep", "nsubj"):
            return tok
    return None


def _is_place(text: str) -> bool:
    from ..entities import load_gazetteer

    entry = load_gazetteer().lookup(text)
    return entry is not None and entry.type == "place"


def _subject_on_line(doc: Doc, cue: Token, text: str) -> Token | None:
    line_start = text.rfind("\n", 0, cue.idx) + 1
    for tok in reversed(doc[:cue.i]):
        if tok.idx < line_start:
            break
        if tok.pos_ == "PROPN" and tok.ent_type_ and (tok.dep_ not in ("pobj", "poss") or tok.head.idx < line_start):
            while tok.dep_ in ("compound", "flat") and tok.head.i > tok.i and tok.head.pos_ == "PROPN":
                tok = tok.head
            if tok.dep_ not in ("pobj", "poss") or tok.head.idx < line_start:
                return tok  # (a name the parser hung on the heading is the subject)
    return None


def _in_brackets(text: str, at: int) -> bool:
    """An editor's note: "[emphasis, links added]", "[ZH: ...]"."""
    line_start = text.rfind("\n", 0, at) + 1
    opened = text.rfind("[", line_start, at)
    return opened >= 0 and text.rfind("]", opened, at) < 0


_UNNAMED = re.compile(r"\b(?:unnamed|anonymous|unidentified|sources?|insiders?)\b|"
                      r"^(?:an?|one|two|three|several|some)\s+(?:\w+\s+){0,3}(?:official|diplomat|officer)s?$",
                      re.IGNORECASE)


def _unnamed(surface: str) -> bool:
    """Sourcing a reader cannot check: "two unnamed officials", "an Indonesian official",
    "military sources" (a plain "officials" or "analysts" is a description, not a hedge)."""
    return bool(_UNNAMED.search(surface.strip()))


def _same_actor(a: Actor | None, b: Actor | None) -> bool:
    return a is not None and b is not None and a.name == b.name and a.type == b.type


def _frame(text: str, sent: Span, c: _Cand) -> str:
    """The reporter's words right around the cue ("allegedly said", "is said to have"),
    outside the content: a hedge elsewhere in the sentence frames something else."""
    if c.cue is None:
        return ""
    doc = c.cue.doc
    lo = max(sent.start, c.cue.i - 3)
    hi = min(sent.end, c.cue.i + 3)
    words = [t.text for t in doc[lo:hi] if not c.start <= t.idx < c.end]
    return " ".join(words)


def _quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted stretches inside ``[start, end)``, relative to ``start``."""
    return [(q.start - start, q.end - start) for q in find_quotes(text[start:end])]
