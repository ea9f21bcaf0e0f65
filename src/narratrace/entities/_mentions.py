"""Entity mentions from spaCy NER, corrected with rules and the curated gazetteer.

The small English model makes the same mistakes again and again on international news: it
tags countries and cities as PERSON ("Mali", "Kiev", "Sahel"), nationality words as GPE
("Ukrainian"), surnames as GPE/ORG ("Diallo" after "Amadou Diallo"), and title-cased headline
words as ORG ("Kamikaze Drones"). Each correction below is one rule with its evidence; rules
are ordered by how much to trust them, and one surface form gets one type per document.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import PipelineError
from ..nlp import doc_text
from ..types import Document, EntityType, Mention
from ._acronyms import find_aliases
from ._gazetteer import Gazetteer, load_gazetteer
from ._normalise import exact_key

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

LABEL_TYPES: dict[str, EntityType] = {"PERSON": "person", "ORG": "organisation", "GPE": "place",
                                      "LOC": "place", "FAC": "place", "NORP": "group"}

# Evidence strength, strongest first; the strongest evidence for a surface form in a document
# decides the type of all its mentions there.
_GAZETTEER, _DEMONYM, _ALIAS, _OUTLET_CUE, _GROUP_CUE, _SURNAME, _NAME_SHAPE, _NER = range(8)

_LEADING_WORDS = re.compile(
    r"^(?:(?:the|The|THE|Between|And|In|On|At|From|For|With|By|Of|To|As|After|Before|Against|"
    r"Accuses|Says|Said|Why|How|When|While|Despite|Over|Under|Amid|Near|Via)\s+)+(?=\S)")
_TRAILING = re.compile(r"(?:['’]s|['’])?[\s.,;:!?\"'“”()\[\]\-–—]*$")
_GLUED_DIGITS = re.compile(r"(?<=[A-Za-z])\d")
#: A courtesy title before a capitalised word: a person, whatever the tagger says ("Ms Vorstrand"
#: tagged as a place).
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Mme|Mlle|Herr|Frau|Sr|Sra)\.?\s+[A-Z]")

_OUTLET_BEFORE = re.compile(
    r"(?:\boutlet|\bnews\s+agency|\bpress\s+agency|\bnewspaper|\bdaily|\bbroadcaster|\bchannel|"
    r"\btabloid|\bnews\s+site|\bwebsite|\bportal|\bblog|\bnewsletter|\bmagazine|\bweekly|\bpublication|"
    r"\bsports\s+paper|\bnews\s*paper|\bdaily\s+paper)"
    r"\s+(?:the\s+)?$", re.IGNORECASE)
_OUTLET_AFTER = re.compile(
    r"^(?:['’]s)?\s*(?:,\s*)?(?:has\s+|had\s+|have\s+)?(?:reported|reports|quoted|"
    r"said\s+in\s+(?:a|its)\s+(?:report|article|publication))\b")
_OUTLET_NAME = re.compile(
    r"\s(?:News|Times|Post|Press|Gazette|Herald|Tribune|Journal|Telegraph|Chronicle|Observer|"
    r"Daily|Media|TV|Television|Radio|Broadcasting|(?:News|Press)\s+Agency)$")
# Newspaper nameplates: "the Lowmoor Bugle", "the Varn Courier" (after "the" only: a person
# may be called Mercury or Echo).
_NAMEPLATE = re.compile(r"\s(?:Bugle|Courier|Courant|Clarion|Mercury|Packet|Examiner|Echo|Sentinel|"
                        r"Dispatch|Bulletin|Inquirer|Enquirer|Advertiser|Recorder|Argus|Gazette|Weekly)$")
_THE_BEFORE = re.compile(r"(?:^|\s)the\s*$", re.IGNORECASE)
#: The word after a name that makes it an outlet's, left out of the tagger's span.
_OUTLET_TAIL = re.compile(r" (?:Today|Times|Post|Gazette|Herald|Tribune|Journal|Telegraph|Chronicle|Observer|"
                          r"Courier|Courant|Bugle|Clarion|Examiner|Sentinel|Dispatch|Inquirer)\b(?! [A-Z])")


def outlet_tail(text: str, end: int) -> int | None:
    """The end of an outlet's name a parser or tagger cut before its last word ("Quillon" of
    "Quillon Today, the island's news site, reported"), or None.

    >>> t = "Quillon Today, the news site, reported it."
    >>> t[:outlet_tail(t, 7)], outlet_tail("Ada Times Square", 3)
    ('Quillon Today', None)
    """
    tail = _OUTLET_TAIL.match(text, end)
    return tail.end() if tail else None


def looks_like_outlet(surface: str, before: str = "") -> bool:
    """Is ``surface`` an outlet's name by its shape: "Varn Times", "Lowmoor Radio", or a
    nameplate after "the" ("the Lowmoor Bugle")? ``before`` is the text right before it.

    >>> looks_like_outlet("Lowmoor Bugle", "reported by the "), looks_like_outlet("Ada Bugle")
    (True, False)
    """
    bare = re.sub(r"^(?:the|The|THE)\s+", "", surface.strip())
    the = bare != surface.strip() or bool(_THE_BEFORE.search(before))
    return bool(bare) and bool(_OUTLET_NAME.search(" " + bare) or the and _NAMEPLATE.search(" " + bare))


_GROUP_NAME = re.compile(r"(?:^|\s)(?:Group|Brigade|Battalion|Regiment|Militia|Front|Army|"
                         r"Forces|Legion|Mujahideen|Jihad)$")
_GROUP_ADJ = (r"(?:jihadist|jihadi|terrorist|militant|armed|rebel|insurgent|extremist|islamist|"
              r"separatist|paramilitary|criminal|mercenary|al-qaeda-linked|militia)")
#: A person's post written beside the name: "X, a spokeswoman for", "X, the chief executive
#: of", "the company's spokesman, X,".
_POSTS = (r"(?:spokes(?:man|woman|person)|minister|director|chief executive|chief|head|manager|official|"
          r"engineer|inspector|secretary|president|chairman|chairwoman|chair|ambassador|envoy|adviser|"
          r"advisor|analyst|researcher|professor|lawyer|mayor|governor|councillor|commissioner|officer|"
          r"owner|founder|farmer|resident|teacher|nurse|doctor|midwife|reporter|editor|correspondent)")
_PERSON_APPOSED = re.compile(r"^,\s+(?:a|an|the|its|their|his|her)\s+(?:[\w'’-]+\s+){0,3}?" + _POSTS + r"\b",
                             re.IGNORECASE)
_PERSON_APPOSED_BEFORE = re.compile(r"\b(?:[\w'’-]+['’]s|its|their)\s+(?:[\w'’-]+\s+){0,2}?" + _POSTS
                                    + r",\s*$", re.IGNORECASE)
#: A post after a name and a comma that is the subject of a report, not the name's apposition:
#: "near the village of Linwood Gap, the county's chief fire officer said".
_POST_REPORTS = re.compile(r"^,[^,.;:()]{0,60}?\b(?:said|says|told|added|announced|warned|confirmed)\b",
                           re.IGNORECASE)
#: A name after "the village of", "the port of": a place, whatever shape the name has.
_PLACE_OF = re.compile(r"\b(?:village|town|city|hamlet|port|district|region|province|island|municipality|"
                       r"suburb|borough|parish)\s+of\s+$", re.IGNORECASE)
#: A body's kind written beside its name: "X, the state-owned company that runs ...".
_BODY_APPOSED = re.compile(r"^,\s+(?:a|an|the)\s+(?:[\w'’-]+\s+){0,4}?(?:company|firm|operator|corporation|"
                           r"agency|authority|ministry|council|board|association|union|manufacturer|contractor|"
                           r"supplier|charity|organi[sz]ation|institute|bank|regulator)\b", re.IGNORECASE)
_GROUP_AFTER = re.compile(
    r"^(?:['’]s)?\s*(?:\)\s*)?(?:" + _GROUP_ADJ + r"\s+(?:group|organi[sz]ation|movement|"
    r"faction|network|coalition|alliance|fighters|militants|insurgents|rebels)|group|militia|"
    r"fighters|militants|insurgents|rebels|jihadists)\b", re.IGNORECASE)
_GROUP_BEFORE = re.compile(r"\b" + _GROUP_ADJ + r"\s+(?:group|organi[sz]ation|movement|"
                           r"faction|network)?\s*(?:the\s+)?$", re.IGNORECASE)
# Words that end an institution's name, never a place's ("... Water Service", "... Authority").
_INSTITUTION_WORDS = frozenset("ministry council agency company committee commission office department "
                               "service institute university association federation organization "
                               "organisation corporation authority directorate bureau".split())
_ORG_WORDS = frozenset(
    "ministry council group agency company bank party forces army committee commission union "
    "office department service institute university association federation organization "
    "organisation corporation inc ltd llc fund foundation assembly court parliament government "
    "embassy center centre network alliance front movement coalition league directorate bureau "
    "authority news times post press club school college hospital church police navy guard "
    "media tv radio summit forum".split())
# Plural or trade words that end a firm's name and no person's ("Hardacre Structures", "Tarn
# Logistics"): a name of two words or more ending so is an organisation whatever the tagger says.
COMPANY_TAILS = frozenset(
    "structures holdings industries systems services partners logistics ferries airlines airways "
    "shipping mining motors foods works engineering technologies pharmaceuticals laboratories "
    "solutions consulting investments securities ventures enterprises textiles chemicals "
    "electronics construction contractors builders printing transit utilities telecom "
    "telecoms".split())
# Endings of Slavic, Caucasian, Romanian and Turkish surnames: a two/three-token ORG ending in
# one of them is nearly always a person the small model mis-tagged ("Olga Semenko/ORG").
_SURNAME_END = re.compile(r"(?:ov|ova|ev|eva|yov|yova|in|ina|yn|yna|enko|chuk|yuk|uk|sky|ski|"
                          r"skiy|skyi|skaya|ska|vich|ovic|evic|ovich|yan|dze|shvili|escu|oglu)$")
_TOKEN = re.compile(r"\S+")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]+")


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    label: str
    evidence: int
    type: EntityType


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` to the name: no leading "the"/preposition, no possessive."""
    span = text[start:end]
    cut = _GLUED_DIGITS.search(span)  # "Russia Today06-06-2025": byline glued to a date
    if cut:
        span = span[:cut.start()]
    for stop in ("\n", " (", " / "):  # line breaks, "(ACR", photo credits "AP Photo / Name"
        cut_at = span.find(stop)
        if cut_at > 0:
            span = span[:cut_at]
    lead = _LEADING_WORDS.match(span)
    offset = lead.end() if lead else 0
    span = span[offset:]
    trail = _TRAILING.search(span)
    if trail:
        span = span[:trail.start()]
    return start + offset, start + offset + len(span)


#: "Office of the Data Protection Commissioner": an "of" name the tagger cut before its last word.
_OF_NAME = re.compile(r"\bof(?: the)? [A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*$")
_BODY_TAIL = re.compile(r" (Commissioner|Ombudsman|Council|Committee|Commission|Authority|Board|Service|Services|"
                        r"Office|Agency|Tribunal|Inspectorate|Registrar|Directorate|Secretariat|Bureau)\b")


def _whole_of_name(text: str, start: int, end: int) -> int:
    """The end of an organisation's "of" name the tagger cut before its last word.

    >>> t = "The Office of the Data Protection Commissioner said so."
    >>> t[:_whole_of_name(t, 4, 33)]
    'The Office of the Data Protection Commissioner'
    >>> t = "The Bank of Velmar Board met."
    >>> _whole_of_name(t, 4, 18) == 18 + len(" Board")
    True
    >>> _whole_of_name("The Bank of Velmar said so.", 4, 18)
    18
    """
    if _OF_NAME.search(text, start, end) is None:
        return end
    tail = _BODY_TAIL.match(text, end)
    return tail.end() if tail else end


def _is_headline_artifact(text: str, start: int, end: int, lower_words: frozenset[str]) -> bool:
    """True for a title-cased phrase on a headline line whose words all occur in lower case."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]{3,}", line)]
    if not words or len(line) > 200:
        return False
    if sum(w[0].isupper() for w in words) < 0.6 * len(words):
        return False
    for token in text[start:end].split():
        low = token.lower().strip(".,'’")
        if low not in lower_words and low.rstrip("s") not in lower_words:
            return False
    return True


@lru_cache(maxsize=1)
def _scan_pattern() -> re.Pattern[str]:
    """One alternation of gazetteer surfaces for finding names spaCy missed."""
    gaz = load_gazetteer()
    surfaces = sorted((s for s in gaz.case_sensitive if _scannable(s)), key=len, reverse=True)
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(re.escape(s) for s in surfaces)
                      + r")(?![\w'’-])")


# Single words that are also common given names or English words: never added by the scan
# (spaCy may still tag them, and then the gazetteer types them).
_SCAN_SKIP = frozenset({"Male", "Victoria", "Lima", "Sucre", "Georgia", "Jordan", "Chad", "Kingston",
                        "Santiago", "Georgetown", "Praia", "Gao", "Dominica", "Nassau", "Gulf",
                        "America", "Arctic", "Pacific", "Atlantic", "Emirates", "Amnesty",
                        "Guardian", "Economist", "Politico", "Bloomberg", "Sputnik", "Kremlin",
                        "Pentagon", "Interpol", "Europol", "Bern", "Roma", "Victoria"})


def _scannable(surface: str) -> bool:
    if surface in _SCAN_SKIP or len(surface) < 2 or not surface[0].isupper():
        return False
    return not (surface.isupper() and len(surface) < 3 and surface not in {"UN", "EU", "US", "UK",
                                                                          "AU", "AP"})


def _alias_type(text: str, short: str, long: str, long_end: int) -> EntityType:
    """Type of a doc-defined acronym from its long form and the words after "(ACR)"."""
    gaz = load_gazetteer()
    for surface in (long, short):
        entry = gaz.lookup(surface)
        if entry is not None:
            return entry.type
    after = text[long_end: long_end + 60]
    after = after[after.find(")") + 1:] if ")" in after else after
    if _GROUP_NAME.search(" " + long) or _GROUP_AFTER.match(after):
        return "group"
    if _OUTLET_NAME.search(" " + long):
        return "outlet"
    return "organisation"


def extract_mentions(document: Document, parsed: Doc) -> list[Mention]:
    """Typed entity mentions of ``document`` with char offsets into ``document.text``.

    >>> from narratrace.nlp import load_spacy
    >>> from narratrace.types import Document
    >>> t = "Russian troops left Kyiv, TASS reported. The Malian Armed Forces denied it."
    >>> doc = Document(id="d1", path="-", text=t, source_text=t)
    >>> [(m.text, m.type) for m in extract_mentions(doc, load_spacy("en")(t))]
    [('Russian', 'group'), ('Kyiv', 'place'), ('TASS', 'outlet'), ('Malian Armed Forces', 'group')]
    """
    text = document.text
    if doc_text(parsed) != text:
        raise PipelineError(f"Document {document.id!r}: the parsed spaCy Doc is not a parse of "
                            "document.text; parse the cleaned text (Document.text) itself.")
    gaz = load_gazetteer()
    lower_words = frozenset(_LOWER_WORD.findall(text))
    candidates: list[_Candidate] = []

    # 1. Doc-defined aliases: their long forms and acronyms are mentions, and they win over
    # the partial spans spaCy often gives long transliterated names.
    alias_types: dict[str, EntityType] = {}
    defined = find_aliases(text)
    for short, long, _s, long_end in defined:
        typ = _alias_type(text, short, long, long_end)
        alias_types.setdefault(exact_key(short), typ)
        alias_types.setdefault(exact_key(long), typ)
    alias_spans: list[tuple[int, int]] = []
    if alias_types:
        forms = sorted({s for s, lf, _a, _b in defined for s in (s, lf)}, key=len,
                       reverse=True)
        pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(re.escape(f) for f in forms)
                             + r")(?![\w-])")
        for m in pattern.finditer(text):
            alias_spans.append((m.start(), m.end()))
            candidates.append(_Candidate(m.start(), m.end(), "ALIAS", _ALIAS,
                                         alias_types[exact_key(m.group())]))

    def overlaps_alias(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in alias_spans)

    # 2. spaCy's entities, trimmed and filtered.
    for ent in parsed.ents:
        if ent.label_ not in LABEL_TYPES:
            continue
        start, end = _trim(text, ent.start_char, ent.end_char)
        surface = text[start:end]
        if end <= start or not any(ch.isupper() for ch in surface) or overlaps_alias(start, end):
            continue
        if ent.label_ != "NORP" and _is_headline_artifact(text, start, end, lower_words):
            continue
        if " " not in surface and surface.lower() in lower_words and _sentence_initial(text, start):
            continue  # "Media reports ...": an ordinary word capitalised at a sentence start
        # "Prime Minister of Chad Amadou Diallo" in a headline: place glued to a person.
        if ent.label_ == "PERSON":
            tokens = list(_TOKEN.finditer(surface))
            if len(tokens) >= 3:
                for k in (2, 1):
                    head = surface[:tokens[k - 1].end()]
                    entry = gaz.case_sensitive.get(head)
                    if entry is not None and entry.type == "place" and len(tokens) - k >= 2:
                        candidates.append(_Candidate(start, start + len(head), ent.label_,
                                                     _NER, "place"))
                        start += tokens[k].start()
                        surface = text[start:end]
                        break
        if ent.label_ == "ORG":
            end = _whole_of_name(text, start, end)
        if (tail := outlet_tail(text, end)) is not None:
            # "Quillon Today", "Varn Post": a name the tagger cut before the word that makes it
            # a news outlet's
            candidates.append(_Candidate(start, tail, ent.label_, _OUTLET_CUE, "outlet"))
            continue
        candidates.append(_Candidate(start, end, ent.label_, _NER, LABEL_TYPES[ent.label_]))

    # 3. Gazetteer names spaCy missed entirely.
    taken = sorted((c.start, c.end) for c in candidates)
    for m in _scan_pattern().finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        if " " not in m.group() and _sentence_initial(text, m.start()):
            continue  # sentence-initial single word: too often an ordinary word or a name
        candidates.append(_Candidate(m.start(), m.end(), "GAZ", _GAZETTEER,
                                     gaz.case_sensitive[m.group()].type))

    _correct_types(text, candidates, gaz, alias_types)
    mentions = {(c.start, c.end): Mention(doc=document.id, start=c.start, end=c.end,
                                          text=text[c.start:c.end], type=c.type, label=c.label)
                for c in candidates}
    return sorted(mentions.values(), key=lambda m: (m.start, m.end))


def _correct_types(text: str, candidates: list[_Candidate], gaz: Gazetteer,
                   alias_types: dict[str, EntityType]) -> None:
    """Attach the strongest evidence to each candidate, then harmonise per surface form."""
    person_surnames: set[str] = set()
    for c in candidates:
        if c.label == "PERSON":
            tokens = exact_key(text[c.start:c.end]).split()
            if len(tokens) >= 2 and gaz.lookup(text[c.start:c.end]) is None:
                person_surnames.add(tokens[-1])

    for c in candidates:
        surface = text[c.start:c.end]
        key = exact_key(surface)
        before = text[max(0, c.start - 40):c.start]
        after = text[c.end:c.end + 60]
        tokens = key.split()
        entry = gaz.lookup(surface)
        if c.evidence in (_ALIAS, _OUTLET_CUE):  # settled where it was found
            continue
        if _HONORIFIC.match(surface):
            c.evidence, c.type = _SURNAME, "person"  # "Ms Vorstrand", whatever its label
        elif c.label == "PERSON" and len(tokens) == 1 and key in person_surnames:
            c.evidence, c.type = _SURNAME, "person"  # "Jordan" after "Michael Jordan"
        elif entry is not None:
            c.evidence, c.type = _GAZETTEER, entry.type
        elif key in gaz.demonyms:
            c.evidence, c.type = _DEMONYM, "group"
        elif key in alias_types:
            c.evidence, c.type = _ALIAS, alias_types[key]
        elif len(tokens) <= 4 and _PLACE_OF.search(before):
            c.evidence, c.type = _GROUP_CUE, "place"  # "the village of Linwood Gap"
        elif len(tokens) <= 4 and (_PERSON_APPOSED.match(after) and not _POST_REPORTS.match(after)
                                   or _PERSON_APPOSED_BEFORE.search(before)):
            c.evidence, c.type = _GROUP_CUE, "person"  # "Lidia Farkash, a spokeswoman for ..."
        elif len(tokens) <= 5 and _BODY_APPOSED.match(after):
            c.evidence, c.type = _GROUP_CUE, "organisation"  # "Corgas Transit, the company that runs ..."
        elif c.label == "NORP":
            c.evidence, c.type = _NER, "group"
        elif len(tokens) <= 5 and (_OUTLET_BEFORE.search(before) or _OUTLET_AFTER.match(after)
                                   or looks_like_outlet(surface, before)):
            c.evidence, c.type = _OUTLET_CUE, "outlet"
        elif _GROUP_NAME.search(" " + surface) or _GROUP_AFTER.match(after) or (
                c.label != "PERSON" and _GROUP_BEFORE.search(before)):
            c.evidence, c.type = _GROUP_CUE, "group"
        elif len(tokens) == 1 and key in person_surnames:
            c.evidence, c.type = _SURNAME, "person"  # "Diallo/GPE" after "Amadou Diallo"
        elif len(tokens) >= 2 and tokens[-1] in COMPANY_TAILS:
            c.evidence, c.type = _NAME_SHAPE, "organisation"  # "Hardacre Structures/PERSON"
        elif c.label in {"ORG", "GPE"} and _looks_like_person(surface):
            c.evidence, c.type = _NAME_SHAPE, "person"
        elif c.label in {"GPE", "LOC", "FAC"} and len(tokens) >= 2 and tokens[-1] in _INSTITUTION_WORDS:
            c.evidence, c.type = _NAME_SHAPE, "organisation"  # "Varn Valley Water Authority"

    # a surname after a full name the cues above made a person ("Farkash" after "Lidia Farkash,
    # a spokeswoman for ...", which the tagger called an organisation)
    named = {exact_key(text[c.start:c.end]).split()[-1] for c in candidates
             if c.type == "person" and c.evidence < _NER and len(exact_key(text[c.start:c.end]).split()) >= 2}
    for c in candidates:
        key = exact_key(text[c.start:c.end])
        if c.type != "person" and c.evidence >= _SURNAME and " " not in key and key in named:
            c.evidence, c.type = _SURNAME, "person"
    # One type per surface form per document: the strongest evidence wins; among NER-only
    # candidates, the majority label (ties: the first in the type order below).
    by_key: dict[str, list[_Candidate]] = defaultdict(list)
    for c in candidates:
        by_key[exact_key(text[c.start:c.end])].append(c)
    order: tuple[EntityType, ...] = ("person", "place", "organisation", "outlet", "group", "other")
    for group in by_key.values():
        best = min(c.evidence for c in group)
        strongest = [c for c in group if c.evidence == best]
        votes = Counter(c.type for c in strongest)
        winner = max(votes, key=lambda t: (votes[t], -order.index(t)))
        for c in group:
            c.type = winner


def _sentence_initial(text: str, start: int) -> bool:
    prev = text[max(0, start - 20):start].rstrip()
    return not prev or prev[-1] in ".!?\n\"“:"


def _looks_like_person(surface: str) -> bool:
    tokens = surface.split()
    if not 2 <= len(tokens) <= 3 or not all(t[:1].isupper() and t[1:].islower() for t in tokens):
        return False
    if any(t.lower() in _ORG_WORDS for t in tokens):
        return False
    return bool(_SURNAME_END.search(tokens[-1].lower()))
