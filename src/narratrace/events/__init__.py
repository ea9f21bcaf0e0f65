"""Timeline: dated events, merged across documents.

An event is one thing on one day (or in one narrow period). Its descriptions are:

* the sentences that date something to a day ("broke out on Tuesday", "said on Monday"); a
  sentence dated to a coarser period (a month, a range of days) counts when it has an event word
  (attack, severed relations, signed, launched, ...);
* the publication of each dated document (``kind`` "publication"): other articles that date
  it ("The Example Post reported on Monday ...") join it;
* undated retellings ("the ambush", "severed ties") that match exactly one event, and a bare
  weekday in an undated document ("his address to the assembly on Friday") that matches exactly
  one event on that weekday.

A description is a ``statement`` when the word nearest its date is a speech act (an attribution
cue, "said", "announced", "speech", "press conference"), a ``publication`` when it is a
publishing verb ("reported", "posted"), else a ``happening``. Descriptions of one day in
several documents merge when they share a name (actor, place, outlet) and an action or content
word, or several content words; different things on one day stay apart when nothing ties them.
``origins`` are the speakers of the statements an event is known from, else the outlets of the
documents that date it.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import operator
import re
from calendar import monthrange
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..claims.text import content_id, in_span, key_terms, norm_name, refine_sentences, split_sentences
from ..types import Attribution, DateMention, Document, Event, Mention

_I = re.IGNORECASE
#: Event classes → verb/noun pattern. Nouns count ("the July ambush"): news often names an
#: event instead of narrating it.
EVENT_CLASSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((n, re.compile(rx, _I)) for n, rx in (
    ("sever_ties", r"\b(?:sever\w*|cut\w*|br[oe]ke\w*(?: off)?|suspend\w*|end\w*)\s+(?:\w+\s+){0,2}(?:ties|relations)\b"),
    ("attack", r"\b(?:attack\w*|ambush\w*|assault\w*|offensive|strikes?|struck|bomb\w*|shell\w*|raid\w*|"
               r"massacre\w*|clash\w*|killed|explosion|blast|invasion|invaded|incident)\b"),
    ("agreement", r"\b(?:sign(?:s|ed|ing)|ratif\w*|agreement|treaty|charter|accord|deal)\b"),
    ("launch", r"\b(?:launch\w*|opened|inaugurat\w*|establish\w*|founded|created)\b"),
    ("withdrawal", r"\b(?:withdr[ae]w\w*|expel\w*|pull(?:ed)? out|left|exit\w*|handed over|returned)\b"),
    ("election", r"\b(?:elect\w*|vote[ds]?|referendum|sworn in|took office|coup)\b"),
    ("meeting", r"\b(?:met|meeting|summit|visit\w*|talks|conference|session|summon\w*|hearing|vigil)\b"),
    ("arrest", r"\b(?:arrest\w*|detain\w*|charged|indict\w*|sentenc\w*|convict\w*)\b"),
    ("speech", r"\b(?:speech|address(?:ed)?|declared|announced|appealed|condemned)\b"),
))

#: Any event word at all: one scan that rules out most sentences (an alternation matches
#: wherever one of its patterns does) before the per-class scans.
_ANY_EVENT = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in EVENT_CLASSES), _I)

#: Speech acts: a date next to one of these dates a statement ("said on Monday"). Attribution
#: cues found by the attribution stage count too.
_STATEMENT = re.compile(
    r"\b(?:sa(?:id|ys?)|told|tells?|announc\w*|declar\w*|stated|statement|speech|address(?:ed)?|"
    r"remarks|press conference|news conference|briefing|interview\w*|testif\w*|confirm\w*|"
    r"denied|denies|rejected|rejects|accus\w*|warned|urged|insisted|claimed|admitted|appealed|"
    r"condemned|blamed|named)\b", _I)
#: Publishing: a date next to one of these dates a document coming out.
_PUBLICATION = re.compile(
    r"\b(?:publish\w*|reported|reports|posted|broadcast\w*|aired|printed|revealed|article|"
    r"exclusive|newsletter|edition|blog post|first post)\b", _I)
#: Something happened (or will): a past-tense verb, a modal with a verb, a scheduling verb. A
#: sentence dated to a day needs one of these or an event, speech or publishing word; "the
#: weather was warm on 3 March" is no event.
_ACTION = re.compile(
    r"\b(?:(?!(?:based|related|armed|united|detailed|limited|aged|noted|alleged)\b)[a-z]{3,}ed|began|begun|"
    r"broke|went|sank|sunk|took|held|met|found|gave|made|came|fell|rose|hit|shot|fought|ran|spoke|"
    r"wrote|sent|saw|brought|lost|won|kept|paid|sold|put|became|drove|flew|stood|threw|caught|"
    r"(?:will|would|shall|to) (?:be )?[a-z]{3,}|takes? place|begins?|starts?|opens?|closes?|"
    r"plays?|meets?|happened)\b", _I)
#: Words for the same happening that retellings swap ("the blaze" for "the fire", "began" for
#: "broke out"): each adds its group's key to a description's words.
_SAME_ACTION: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(rx, _I)) for k, rx in (
    ("~fire", r"\b(?:fires?|blazes?|wildfires?|flames|bushfires?|inferno)\b"),
    ("~begin", r"\b(?:beg[ia]n\w*|start\w*|broke out|erupt\w*|outbreak|went up|went online|posted)\b"),
    ("~stop", r"\b(?:went down|knocked out|shut\w*|outage|disrupt\w*|paralys\w*|halt\w*|stopp\w*)\b"),
    ("~restore", r"\b(?:restor\w*|back online|resum\w*|reopen\w*|recover\w*)\b"),
    ("~sink", r"\b(?:sank|sunk|sink\w*|went down|capsiz\w*|foundered)\b"),
    ("~collide", r"\b(?:ramm\w*|collid\w*|collision|struck|hit)\b"),
    ("~attack", r"\b(?:attack\w*|assault\w*|raid\w*|ambush\w*|hack\w*|cyber-attack\w*)\b"),
    ("~meet", r"\b(?:met|meet\w*|summon\w*|talks|hearing|session)\b"),
    ("~arrest", r"\b(?:arrest\w*|detain\w*|custody)\b"),
    ("~contain", r"\b(?:contain\w*|under control|extinguish\w*)\b"),
    ("~evacuate", r"\b(?:evacuat\w*|leave their homes|fled)\b"),
    ("~match", r"\b(?:match\w*|game|fixture|defeat\w*|lost|thrashing)\b"),
    ("~inspect", r"\b(?:inspect\w*|raid\w*|search\w*|dawn raid)\b"),
))
#: Date words are the date, not what happened on it: never shared content.
_DATE_WORDS = frozenset(key_terms(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december today yesterday tomorrow morning "
    "afternoon evening night week weekend month year earlier later last next"))
_FIRST_PERSON = re.compile(r"\b(?:we|us|our)\b", _I)

_CLAUSE = re.compile(r"[,;:()\u2014\u2013]| - ")

#: Shared content words (besides names) two descriptions need when they share no name,
#: measured on the seed articles: retellings of one event share 3-6 stems, different events
#: of one class 0-2.
MIN_SHARED_TERMS = 3
#: An undated sentence must already be of the same event class and share a place; then two
#: shared words ("severed", "diplomatic") suffice.
MIN_SHARED_TERMS_UNDATED = 2
#: Partial dates coarser than this many days never merge with a different value ("2024" is a
#: year: two things that happened "in 2024" are not one event).
MAX_SPAN_DAYS = 31
#: At most this many events are compared with one description per shared key (the most
#: recent ones): with the day in the key this bounds the merge to O(descriptions) even when a
#: name recurs in thousands of articles.
MAX_PER_KEY = 64

Kind = str  # "happening" | "statement" | "publication" (see types.Event.kind)


@dataclass
class _Cand:
    doc: str
    start: int
    end: int
    sentence: str
    cls: str
    date: DateMention | None
    # ``date`` above is the field: inside the class body the day type is spelt in full
    lo: datetime.date | None
    hi: datetime.date | None
    places: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)
    kind: Kind = "happening"
    speakers: list[str] = field(default_factory=list)  # resolved speakers of its attributions
    weekday: int | None = None  # an undated document's bare weekday (0 = Monday)
    own: bool = False  # the document's own publication
    first_person: bool = False  # "we told you on Saturday": the document's outlet speaks
    context: set[str] = field(default_factory=set)  # names of the sentence before ("The listing ...")
    crowded: int = 0  # other dates in the sentence ("from Saturday to Sunday evening")
    # :func:`_tokens` of its names and context, taken once (by the merge, when both are complete)
    name_tokens: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def name_words(self) -> frozenset[str]:
        """:func:`_tokens` of the names and context, computed the first time it is asked (the
        merge asks once the outlet names are added: every event compared with the description
        used to compute them again)."""
        if self.name_tokens is None:
            self.name_tokens = frozenset(_tokens(self.names | self.context))
        return self.name_tokens


def merge_events(dates: Sequence[DateMention], *, documents: Mapping[str, Document],
                 mentions: Sequence[Mention],
                 sentences: Mapping[str, Sequence[tuple[int, int]]] | None = None,
                 candidates: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
                 attributions: Sequence[Attribution] = ()) -> list[Event]:
    """Dated events from ``dates`` and their sentences, merged across documents.

    Descriptions of one day merge when they share a name and a word, or several words (see the
    module docstring); coarser dates merge only within an event class and never chain two
    different days. Each dated document adds its own publication. Undated retellings join the
    one event they match. Events come back in date order.

    ``candidates`` (document id → :func:`event_candidates` rows) may hold what an earlier run
    found in a document; the others are read from ``dates``, ``mentions``, ``sentences`` and
    ``attributions``. The merge is one greedy pass over the descriptions, most precise date
    first, with an index from (day, name or word) to events instead of a scan.

    >>> t = "Kesh fighters attacked the post in Dorn on Tuesday."
    >>> doc = Document(id="a", path="a", text=t, source_text=t, published="2024-08-15")
    >>> dm = DateMention("a", "Tuesday", 43, 50, "2024-08-13", "relative")
    >>> [(e.date, e.kind, e.docs) for e in merge_events([dm], documents={"a": doc}, mentions=[])]
    [('2024-08-13', 'happening', ('a',)), ('2024-08-15', 'publication', ('a',))]
    """
    by_doc: dict[str, list[Mention]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc, []).append(m)
    dates_by_doc: dict[str, list[DateMention]] = {}
    for dm in dates:
        dates_by_doc.setdefault(dm.doc, []).append(dm)
    attrs_by_doc: dict[str, list[Attribution]] = {}
    for a in attributions:
        attrs_by_doc.setdefault(a.doc, []).append(a)
    outlets = {d: document_outlet(document) for d, document in documents.items()}
    outlet_keys = _outlet_index({_name_key(o) for o in outlets.values() if o} - {""})
    first = _first_words(outlet_keys)
    per_doc: dict[str, tuple[list[_Cand], list[_Cand]]] = {}
    for d, document in documents.items():
        if candidates is not None and d in candidates:
            rows = [_cand_from_row(row) for row in candidates[d]]
        else:
            rows = _doc_candidates(document, dates_by_doc.get(d, []), by_doc.get(d, []),
                                   sentences[d] if sentences and d in sentences else None,
                                   attrs_by_doc.get(d, []))
        own = _publication(document, outlets[d])
        dated = ([own] if own else []) + [c for c in rows if c.date is not None]
        per_doc[d] = (dated, [c for c in rows if c.date is None])
    dated = [c for d in sorted(per_doc) for c in per_doc[d][0]]
    for c in dated:  # an outlet named in a sentence is a name of it ("the Example Post reported")
        _add_outlet_names(c, outlets, outlet_keys, first)
    index: dict[tuple[str, ...], list[int]] = {}
    reads = _reads(dated, [c for d in per_doc for c in per_doc[d][1]])
    clusters = _cluster(dated, index, outlets, reads)
    # Undated retellings ("the ambush", "severed ties with X") join the one event they match.
    for doc_id, document in documents.items():
        published = _interval(document.published or "")
        for cand in per_doc[doc_id][1]:
            _add_outlet_names(cand, outlets, outlet_keys, first)
            keys: list[tuple[str, ...]]
            if cand.weekday is not None:
                keys = [("w", str(cand.weekday), "n", n) for n in cand.names]
                keys += [("w", str(cand.weekday), "t", t) for t in cand.terms]
            else:
                keys = [(cand.cls, "n", n) for n in cand.names]
                keys += [(cand.cls, "p", _name_key(p)) for p in cand.places]
            near = {_live(clusters, g) for k in keys for g in index.get(k, ())[-MAX_PER_KEY:]}
            fits = [g for g in sorted(near) if _undated_fits(clusters[g], cand)
                    and (published is None or clusters[g].lo <= published[1])]
            if cand.weekday is not None and len(fits) > 1:  # the one event it ties to best, if one
                scored = sorted(((_weekday_score(clusters[g], cand), g) for g in fits), reverse=True)
                fits = [scored[0][1]] if scored[0][0] > scored[1][0] else []
            if len(fits) == 1:
                clusters[fits[0]].add(cand, index, fits[0], reads)
    events: list[Event] = []
    seen: dict[str, int] = {}
    live = [c for c in clusters if c.into is None]
    for cluster in sorted(live, key=lambda c: min(map(_doc_start, c.members))):
        event = _event(cluster.members, outlets)
        n = seen.get(event.id, 0)
        seen[event.id] = n + 1
        if n:  # same day, class and places but not merged: keep both, ids still stable
            event = dataclasses.replace(event, id=f"{event.id}-{n}")
        events.append(event)
    return sorted(events, key=lambda e: (e.date, e.id))


def event_candidates(document: Document, *, dates: Sequence[DateMention], mentions: Sequence[Mention],
                     sentences: Sequence[tuple[int, int]] | None = None,
                     attributions: Sequence[Attribution] = ()) -> list[dict[str, Any]]:
    """The event sentences of one document (dated ones first, in text order) as JSON rows:
    the per-document half of :func:`merge_events`, which a corpus stage may keep and pass
    back as ``candidates`` so that a later run never reads the document again."""
    return [_cand_row(c) for c in _doc_candidates(document, [d for d in dates if d.doc == document.id],
                                                  [m for m in mentions if m.doc == document.id],
                                                  sentences,
                                                  [a for a in attributions if a.doc == document.id])]


def document_outlet(document: Document) -> str | None:
    """Who published ``document``: its outlet, else the name a removed masthead line starts
    with ("The Example Post - news for ..."), else None.

    >>> t = "Example Post - all the news\\nBody."
    >>> from narratrace.types import Removed
    >>> document_outlet(Document(id="a", path="a", text="Body.", source_text=t,
    ...                          removed=(Removed("other", 0, 28),)))
    'Example Post'
    """
    if document.outlet:
        return document.outlet
    for r in document.removed[:4]:
        if r.kind == "title_repeat" or r.start > 600:
            continue
        line = document.source_text[r.start:r.end].strip().split("\n", 1)[0]
        head = re.split(r"\s+[-|·—–]\s+|\s*\|\s*", line, maxsplit=1)[0]
        head = re.sub(r"\s*\([^)]*\)\s*$", "", head).strip()
        words = head.split()
        if 1 <= len(words) <= 6 and not re.search(r"\d|[.:,;!?]$", head) and words[0][:1].isupper() \
                and all(w[:1].isupper() or w.lower() in ("of", "the", "and", "for", "de", "&") for w in words):
            return head
    return None


def _doc_candidates(document: Document, dates: Sequence[DateMention], mentions: Sequence[Mention],
                    sentences: Sequence[tuple[int, int]] | None,
                    attributions: Sequence[Attribution] = ()) -> list[_Cand]:
    spans = refine_sentences(document.text, sentences) if sentences is not None \
        else split_sentences(document.text)
    dated: list[_Cand] = []
    dated_sents: set[int] = set()
    for dm in sorted(dates, key=lambda d: d.start):
        interval = _interval(dm.value)
        if interval is None:
            continue
        i = next((i for i, (s, e) in enumerate(spans) if s <= dm.start < e), None)
        if i is None:
            continue
        sent = spans[i]
        cand = _candidate(document, sent, mentions, attributions, near=dm.start - sent[0],
                          date_mention=dm, interval=interval)
        if cand is not None:
            cand.crowded = sum(1 for d in dates if d is not dm and sent[0] <= d.start < sent[1])
            if i:  # who "it" and "the listing" are: the names of the sentence before
                prev = in_span(mentions, *spans[i - 1])
                cand.context = {norm_name(m.text) for m in prev if m.type != "date"} - {""}
            dated.append(cand)
            dated_sents.add(sent[0])
    undated = []
    for sent in spans:
        if sent[0] in dated_sents:
            continue
        cand = _candidate(document, sent, mentions, attributions, near=None, date_mention=None,
                          interval=None)
        if cand is not None:
            undated.append(cand)
    return dated + undated


def _cand_row(c: _Cand) -> dict[str, Any]:
    return {"doc": c.doc, "start": c.start, "end": c.end, "sentence": c.sentence, "cls": c.cls,
            "date": dataclasses.asdict(c.date) if c.date else None,
            "lo": c.lo.isoformat() if c.lo else None, "hi": c.hi.isoformat() if c.hi else None,
            "places": c.places, "actors": c.actors, "names": sorted(c.names), "terms": sorted(c.terms),
            "kind": c.kind, "speakers": c.speakers, "weekday": c.weekday,
            "first_person": c.first_person, "context": sorted(c.context), "crowded": c.crowded}


def _cand_from_row(row: Mapping[str, Any]) -> _Cand:
    """A stored row back as a description (rows of an older store lack the newer keys)."""
    return _Cand(row["doc"], row["start"], row["end"], row["sentence"], row["cls"],
                 DateMention(**row["date"]) if row["date"] else None,
                 date.fromisoformat(row["lo"]) if row["lo"] else None,
                 date.fromisoformat(row["hi"]) if row["hi"] else None,
                 list(row["places"]), list(row["actors"]), set(row["names"]), set(row["terms"]),
                 kind=row.get("kind", "happening"), speakers=list(row.get("speakers", [])),
                 weekday=row.get("weekday"), first_person=bool(row.get("first_person", False)),
                 context=set(row.get("context", ())), crowded=int(row.get("crowded", 0)))


def _interval(value: str) -> tuple[date, date] | None:
    """``2024-07-24`` / ``2024-07`` / ``2024`` / ``a/b`` → the days it covers."""
    try:
        if "/" in value:
            a, b = value.split("/", 1)
            ia, ib = _interval(a), _interval(b)
            return (ia[0], ib[1]) if ia and ib else None
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            d = date(*parts)
            return d, d
        if len(parts) == 2:
            return date(parts[0], parts[1], 1), date(parts[0], parts[1], monthrange(parts[0], parts[1])[1])
        if len(parts) == 1 and len(value) == 4:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
    except ValueError:
        return None
    return None


_WEEKDAY = re.compile(r"\b(?:on |last |this )?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
                      r"(?!['’]?s?\s+(?:prayers?|sermons?|mass|masses|services?|edition)\b)")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _candidate(document: Document, sent: tuple[int, int], mentions: Sequence[Mention],
               attributions: Sequence[Attribution], *, near: int | None,
               date_mention: DateMention | None, interval: tuple[date, date] | None) -> _Cand | None:
    text = document.text[sent[0]:sent[1]]
    day = interval is not None and interval[0] == interval[1]
    weekday = None
    if date_mention is None and document.published is None and (w := _WEEKDAY.search(text)):
        weekday = _WEEKDAYS.index(w.group(1).lower())  # placed later by the event it matches
        near = w.start(1)
    if not _ANY_EVENT.search(text) and not ((day or weekday is not None) and (
            _ACTION.search(text) or _STATEMENT.search(text) or _PUBLICATION.search(text))):
        return None
    # Speech acts: the lexicon and the attribution cues inside the sentence.
    inside = [a for a in attributions if a.cue_start is not None and sent[0] <= a.cue_start < sent[1]]
    found: list[tuple[int, int, str]] = []
    words: list[tuple[int, str]] = [(m.start(), name) for name, rx in EVENT_CLASSES for m in rx.finditer(text)]
    words += [(m.start(), "=statement") for m in _STATEMENT.finditer(text)]
    words += [(a.cue_start - sent[0], "=statement") for a in inside if a.cue_start is not None]
    words += [(m.start(), "=publication") for m in _PUBLICATION.finditer(text)]
    # the verb of the date's own clause: "the disruption, which lasted from Saturday, ..., the
    # chamber said" dates a happening, not the statement
    words += [(m.start(), "=action") for m in _ACTION.finditer(text)
              if not (_STATEMENT.fullmatch(m.group()) or _PUBLICATION.fullmatch(m.group()))]
    for pos, name in words:
        if near is None:
            found.append((0, pos, name))
            continue
        lo, hi = sorted((pos, near))
        # clause breaks between the word and the date count first, then the distance
        found.append((len(_CLAUSE.findall(text, lo, hi)), abs(pos - near), name))
    classes = [f for f in found if not f[2].startswith("=")]
    if not classes and not day and weekday is None:
        return None
    cls = min(classes)[2] if classes else "other"  # the event word of the date's clause
    nearest = min(found)[2] if found else "other"
    kind = "statement" if nearest == "=statement" else "publication" if nearest == "=publication" \
        else "happening"
    if weekday is not None and kind != "statement" and not classes:
        return None
    inner = in_span(mentions, *sent)
    places = list(dict.fromkeys(m.text for m in inner if m.type == "place"))
    actors = list(dict.fromkeys(m.text for m in inner if m.type in ("person", "organisation", "group")))
    names = {norm_name(x) for x in (*places, *actors)} - {""}
    terms = _terms(text) - {t for n in names for t in key_terms(n)}
    speakers = [a.speaker.actor.name for a in attributions
                if a.speaker.actor is not None and a.speaker.actor.name
                and (a.cue_start is not None and sent[0] <= a.cue_start < sent[1]
                     or a.start < sent[1] and sent[0] < a.end)]
    return _Cand(document.id, sent[0], sent[1], " ".join(text.split()), cls, date_mention,
                 interval[0] if interval else None, interval[1] if interval else None,
                 places, actors, names, terms, kind=kind, speakers=list(dict.fromkeys(speakers)),
                 weekday=weekday, first_person=bool(_FIRST_PERSON.search(text)))


def _terms(text: str) -> set[str]:
    """Content words of a description, date words out, same-action groups in."""
    return (key_terms(text) - _DATE_WORDS) | {k for k, rx in _SAME_ACTION if rx.search(text)}


def _tokens(names: set[str]) -> set[str]:
    """The words of names ("harrow gap" → harrow, gap): a short and a long form of one name
    share them."""
    return {w for n in names for w in _name_tokens(n)}


def _publication(document: Document, outlet: str | None) -> _Cand | None:
    """The document's own publication as a description of its day."""
    interval = _interval(document.published or "")
    if interval is None or interval[0] != interval[1] or document.published is None:
        return None
    title = " ".join((document.title or "").split())
    names = {_name_key(outlet)} - {""} if outlet else set()
    dm = DateMention(document.id, document.published, 0, 0, document.published, "absolute")
    summary = (f"{outlet} publishes" if outlet else "Published:") + (f" \u201c{title}\u201d" if title else "")
    return _Cand(document.id, -1, -1, summary, "publication", dm, interval[0], interval[1],
                 [], [outlet] if outlet else [], names, key_terms(title) - {t for n in names for t in key_terms(n)},
                 kind="publication", own=True)


_doc_start = operator.attrgetter("doc", "start")

#: Outlet names are looked up by their word sequences, up to this many words.
_MAX_OUTLET_WORDS = 8


def _outlet_index(keys: set[str]) -> dict[str, tuple[tuple[int, str], ...]]:
    """The normalised outlet names by their first word, each with its number of words (at
    most ``_MAX_OUTLET_WORDS``), fewest words first.

    >>> _outlet_index({"bay observ", "bay", "portvale courier"})
    {'bay': ((1, 'bay'), (2, 'bay observ')), 'portvale': ((2, 'portvale courier'),)}
    """
    index: dict[str, set[tuple[int, str]]] = {}
    for key in keys:
        words = key.split(" ")
        if len(words) <= _MAX_OUTLET_WORDS and all(words):
            index.setdefault(words[0], set()).add((len(words), key))
    return {first: tuple(sorted(names)) for first, names in sorted(index.items())}


def _fold(text: str) -> str:
    """Lower case with one sigma: :func:`~narratrace.claims.text.norm_name` lowers word by
    word, and a whole sentence lowered at once may spell a word's last sigma the other way."""
    return text.lower().replace("\u03c2", "\u03c3")


def _first_words(keys: Mapping[str, tuple[tuple[int, str], ...]]) -> re.Pattern[str] | None:
    """A pattern that finds, in a sentence :func:`_fold` ed with straight apostrophes, every
    place where a word could normalise to an outlet name's first word (``keys`` as
    :func:`_outlet_index` gives them); None when there is no outlet.

    A normalised word is a prefix of the lowered word (an ending is cut, never added), so a
    sentence where no first word occurs at all names no outlet and is not normalised.

    >>> _first_words(_outlet_index({"bay observ"})).search("the bay observer said") is not None
    True
    """
    firsts = sorted({_fold(first) for first in keys}, key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, firsts))) if firsts else None


def _add_outlet_names(cand: _Cand, outlets: Mapping[str, str | None],
                      keys: Mapping[str, tuple[tuple[int, str], ...]],
                      first: re.Pattern[str] | None = None) -> None:
    """Outlets of the corpus named in the sentence become names of it; the document's own
    outlet too when the sentence speaks in the first person ("On Saturday we told you").
    ``keys`` are the normalised outlet names as :func:`_outlet_index` gives them: only runs
    of words that start with an outlet name's first word and are as long as it are compared
    with it, so the cost does not grow with the number of documents. ``first``
    (:func:`_first_words` of ``keys``) passes over a sentence where no first word occurs, without
    normalising it (on the 5,100-document bench store most sentences name no outlet)."""
    if cand.own:
        return
    words = [] if not keys or first is not None and first.search(
        _fold(cand.sentence.replace("\u2019", "'"))) is None else norm_name(cand.sentence).split()
    for i, word in enumerate(words):
        for size, name in keys.get(word, ()):
            if i + size > len(words):
                break
            if size == 1 or " ".join(words[i:i + size]) == name:
                cand.names.add(name)
    own = outlets.get(cand.doc)
    if own and cand.first_person and cand.kind in ("statement", "publication") and (key := _name_key(own)):
        cand.names.add(key)


@dataclass(frozen=True)
class _Reads:
    """The index keys besides the day keys that some description of the merge looks up: a
    description coarser than a day looks up its class's names and words, an undated one its
    class's names and places, or, a bare weekday, the weekday's names and words
    (:func:`_cluster`, :func:`merge_events`). An event writes only these, so an index list no
    description reads is not built (on the 5,100-document bench store, with every date a day
    and every document dated: no word of a class and no weekday key, most of the writes); the
    lists that are read are the same."""

    classes: frozenset[tuple[str, str]]  # (event class, "n" | "t" | "p")
    weekdays: bool


def _reads(dated: Sequence[_Cand], undated: Sequence[_Cand]) -> _Reads:
    """What the descriptions ``dated`` and ``undated`` will look up (:class:`_Reads`).

    >>> day, month = date(2024, 8, 13), date(2024, 8, 31)
    >>> coarse = _Cand("a", 0, 1, "", "attack", None, date(2024, 8, 1), month)
    >>> bare = _Cand("b", 0, 1, "", "speech", None, None, None, weekday=4)
    >>> r = _reads([coarse, _Cand("a", 2, 3, "", "launch", None, day, day)], [bare])
    >>> sorted(r.classes), r.weekdays
    ([('attack', 'n'), ('attack', 't')], True)
    """
    classes: set[tuple[str, str]] = set()
    for c in dated:
        if c.lo != c.hi:
            classes.update(((c.cls, "n"), (c.cls, "t")))
    weekdays = False
    for c in undated:
        if c.weekday is not None:
            weekdays = True
        else:
            classes.update(((c.cls, "n"), (c.cls, "p")))
    return _Reads(frozenset(classes), weekdays)


@dataclass
class _Group:
    """One event being built: its descriptions and the unions the merge rules test."""

    members: list[_Cand]
    cls: str
    lo: date  # intersection of the dated members' intervals
    hi: date
    narrow: bool  # every member's date spans at most MAX_SPAN_DAYS
    names: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)  # normalised
    context: set[str] = field(default_factory=set)  # names of the members' sentences before
    tokens: set[str] = field(default_factory=set)  # the words of names and context
    own: bool = False  # the publication of a document
    into: int | None = None  # merged into that event by the settling pass
    outlet: str | None = None  # normalised outlet of the document whose publication this is
    classes: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)

    def add(self, cand: _Cand, index: dict[tuple[str, ...], list[int]], gid: int,
            reads: _Reads | None = None) -> None:
        """Add ``cand`` to this event (number ``gid``) and its new names, words and places to
        ``index``: the day keys always, the other keys where ``reads`` says a description
        will look them up (None: all)."""
        self.members.append(cand)
        if cand.lo is not None and cand.hi is not None:
            self.lo, self.hi = max(self.lo, cand.lo), min(self.hi, cand.hi)
        self.narrow = self.narrow and _width(cand) <= MAX_SPAN_DAYS
        new_names, new_terms = cand.names - self.names, cand.terms - self.terms
        places = {_name_key(p) for p in cand.places}
        new_places = places - self.places
        self.names |= cand.names
        self.terms |= cand.terms
        self.places |= places
        self.context |= cand.context
        self.tokens |= cand.name_words()
        self.classes.add(cand.cls)
        self.kinds.add(cand.kind)
        if cand.own:
            self.own = True
            self.outlet = next(iter(cand.names), None)
        cls = self.cls
        looked = None if reads is None else reads.classes
        keys: list[tuple[str, ...]] = []
        if looked is None or (cls, "n") in looked:
            keys += [(cls, "n", n) for n in new_names]
        if looked is None or (cls, "t") in looked:
            keys += [(cls, "t", t) for t in new_terms]
        if looked is None or (cls, "p") in looked:
            keys += [(cls, "p", p) for p in new_places]
        if self.lo == self.hi:  # one day: keyed by the day, and by its weekday for undated retellings
            day = self.lo.isoformat()
            keys += [("d", day, "n", n) for n in new_names]
            keys += [("d", day, "t", t) for t in new_terms]
            if reads is None or reads.weekdays:
                wd = str(self.lo.weekday())
                keys += [("w", wd, "n", n) for n in new_names]
                keys += [("w", wd, "t", t) for t in new_terms]
        # (the keys are distinct: each kind has its own tag, and a key already pointing at
        # this event is not appended twice)
        get = index.get
        for key in keys:
            ids = get(key)
            if ids is None:
                index[key] = [gid]
            elif ids[-1] != gid:
                ids.append(gid)


@functools.lru_cache(maxsize=8_192)
def _name_key(name: str) -> str:
    """:func:`~narratrace.claims.text.norm_name` of a place or an outlet, remembered: a merge
    normalises the places of every description as it joins an event and of every event's
    record, and each document's outlet (the same few names again and again). Bounded, so a
    process that merges many corpora does not hold every name it saw."""
    return norm_name(name)


@functools.lru_cache(maxsize=8_192)
def _name_tokens(name: str) -> tuple[str, ...]:
    """The words of one name that :func:`_tokens` takes, remembered (bounded as
    :func:`_name_key`): every description's and event's names are split, the same names."""
    return tuple(w for w in name.split() if len(w) >= 4)


def _width(c: _Cand) -> int:
    return (c.hi - c.lo).days if c.lo and c.hi else 10_000


def _compatible(cluster: _Group, cand: _Cand) -> bool:
    """Dates overlap everyone's, and none is coarser than a month."""
    if cand.lo is None or cand.hi is None or max(cluster.lo, cand.lo) > min(cluster.hi, cand.hi):
        return False
    return cluster.narrow and _width(cand) <= MAX_SPAN_DAYS


def _same_day_score(cluster: _Group, cand: _Cand) -> int:
    """How strongly a description of a day ties to an event of that day; 0: not at all.

    A document's publication takes only descriptions that name its outlet. Otherwise a shared
    name (actor, place, outlet) needs a shared word too (an event word of the same class or a
    content word); a name shared only through the sentences before ("The listing went online
    on Sunday") needs a content word and the same class or kind; without a shared name,
    several content words must be shared.
    """
    if cand.own:  # two documents' publications are two events
        return 0
    if cluster.own:
        return 4 if cluster.outlet is not None and cluster.outlet in cand.names else 0
    names = len(cluster.names & cand.names)
    near = len(cluster.tokens & cand.name_words())
    terms = len(cluster.terms & cand.terms)
    action = cand.cls in cluster.classes and cand.cls != "other"
    same = action or cand.kind in cluster.kinds
    if names and (terms or action) or near and terms and (same or terms >= 2) or terms >= MIN_SHARED_TERMS:
        return 3 * names + near + terms + 2 * action + (cand.kind in cluster.kinds)
    return 0


def _shares(cluster: _Group, cand: _Cand) -> bool:
    return bool(cluster.names & cand.names) or len(cluster.terms & cand.terms) >= MIN_SHARED_TERMS


def _weekday_score(cluster: _Group, cand: _Cand) -> int:
    """How strongly an undated document's "on Friday" ties to an event on a Friday: a shared
    name (or word of a name) and a shared word, event class or kind; 0: not at all."""
    names = len(cluster.names & cand.names)
    near = len(cluster.tokens & cand.name_words())
    terms = len(cluster.terms & cand.terms)
    action = cand.cls in cluster.classes and cand.cls != "other"
    same = cand.kind in cluster.kinds
    if (names or near) and (terms or action or same):
        return 3 * names + near + 2 * terms + 2 * action + same
    return 0


def _undated_fits(cluster: _Group, cand: _Cand) -> bool:
    if cand.weekday is not None:  # a bare weekday of an undated document: that weekday, one day
        return cluster.lo == cluster.hi and cluster.lo.weekday() == cand.weekday \
            and not cluster.own and _weekday_score(cluster, cand) > 0
    # undated: same class, a shared place (or two shared names) and shared words
    anchored = bool(cluster.places & {_name_key(p) for p in cand.places}) \
        or len(cluster.names & cand.names) >= 2
    return cand.cls in cluster.classes and anchored \
        and len(cluster.terms & cand.terms) >= MIN_SHARED_TERMS_UNDATED


def _cluster(cands: list[_Cand], index: dict[tuple[str, ...], list[int]],
             outlets: Mapping[str, str | None], reads: _Reads | None = None) -> list[_Group]:
    """Greedy: most precise dates first (a document's own publication first on its day); each
    joins the best compatible event or starts one.

    A description of one day looks only at events of that day sharing a name or a word with it
    (the ``("d", day, ...)`` keys); a coarser one only at events of its class sharing one. Every
    member's date must overlap the event's, so month-level mentions cannot chain two different
    days into one event.
    """
    clusters: list[_Group] = []
    for cand in sorted(cands, key=lambda c: (_width(c), not c.own, c.doc, c.start)):
        assert cand.lo is not None and cand.hi is not None
        day = cand.lo == cand.hi
        keys: list[tuple[str, ...]] = []
        if day:
            d = cand.lo.isoformat()
            keys += [("d", d, "n", n) for n in cand.names] + [("d", d, "t", t) for t in cand.terms]
        else:
            keys += [(cand.cls, "n", n) for n in cand.names] + [(cand.cls, "t", t) for t in cand.terms]
        # (a description coarser than a month is compatible with no event: nothing to score)
        near = {g for k in keys for g in index.get(k, ())[-MAX_PER_KEY:]} \
            if _width(cand) <= MAX_SPAN_DAYS else set()
        best, score = None, 0
        lo, hi = cand.lo, cand.hi
        for g in sorted(near):
            cluster = clusters[g]
            # _compatible, with the description's own width checked above (the two dates
            # overlap unless one ends before the other begins: max(los) > min(his))
            if not cluster.narrow or cluster.lo > hi or lo > cluster.hi or cluster.lo > cluster.hi or lo > hi:
                continue
            if day and cluster.lo == cluster.hi:
                s = _same_day_score(cluster, cand)
            elif cand.cls == cluster.cls and _shares(cluster, cand):
                s = 2 * len(cluster.names & cand.names) + len(cluster.terms & cand.terms)
            else:
                s = 0
            if s > score:
                best, score = g, s
        if best is None:
            clusters.append(_Group([], cand.cls, cand.lo, cand.hi, True))
            clusters[-1].add(cand, index, len(clusters) - 1, reads)
        else:
            clusters[best].add(cand, index, best, reads)
    return _settle(clusters, index, reads)


def _settle(clusters: list[_Group], index: dict[tuple[str, ...], list[int]],
            reads: _Reads | None = None) -> list[_Group]:
    """One more pass over the events of one day: the greedy order can start two events for
    one thing before the description that ties them arrives ("the attack began on Saturday",
    "the customs system went down on Saturday", "the disruption lasted from Saturday"). An
    event whose descriptions, taken together, tie to an earlier event of its day joins it."""
    alive = [True] * len(clusters)
    for g, group in enumerate(clusters):
        if group.own or group.lo != group.hi:
            continue
        day = group.lo.isoformat()
        keys = [("d", day, "n", n) for n in group.names] + [("d", day, "t", t) for t in group.terms]
        near = {h for k in keys for h in index.get(k, ())[-MAX_PER_KEY:] if h < g and alive[h]}
        whole = _Cand("", 0, 0, "", group.cls, None, group.lo, group.hi, [], [], group.names,
                      group.terms, kind=Counter(m.kind for m in group.members).most_common(1)[0][0],
                      context=group.context)
        best, score = None, 0
        for h in sorted(near):
            other = clusters[h]
            # two events of a day join only when they are of one kind or one class: a summons
            # and a statement on the same Monday stay two events
            alike = group.kinds & other.kinds or (group.classes & other.classes) - {"other"}
            if other.lo == other.hi == group.lo and alike and (s := _same_day_score(other, whole)) > score:
                best, score = h, s
        if best is not None:
            for member in group.members:
                clusters[best].add(member, index, best, reads)
            alive[g] = False
            group.into = best
    return clusters


def _live(clusters: list[_Group], g: int) -> int:
    """The event an index entry points to, after the settling pass merged some."""
    while (into := clusters[g].into) is not None:
        g = into
    return g


class _Centrality:
    """How much of a description the other descriptions of its event share (among the first
    ``MAX_PER_KEY``; a shared name counts twice): the summary says what they agree on.
    Counted from how many of them hold each name and word, not by intersecting every pair of
    descriptions (the sum over the others of what each shares is the sum over the
    description's names and words of how many others hold each: 116,580 pairs of descriptions
    intersected by the merge of the 5,100-document bench store before).

    >>> a = _Cand("a", 0, 1, "", "attack", None, None, None, names={"dorn"}, terms={"post", "raid"})
    >>> b = _Cand("b", 0, 1, "", "attack", None, None, None, names={"dorn", "kesh"}, terms={"raid"})
    >>> central = _Centrality([a, b])
    >>> central(a), central(b)  # (2 * 1 + 1 each: "dorn" and "raid")
    (3, 3)
    """

    def __init__(self, cluster: list[_Cand]) -> None:
        head = cluster[:MAX_PER_KEY]
        self._names = Counter(n for c in head for n in c.names)
        self._terms = Counter(t for c in head for t in c.terms)
        self._times = Counter(id(c) for c in head)  # (a description is not one of its others)

    def __call__(self, cand: _Cand) -> int:
        names, terms = self._names.get, self._terms.get
        shared = 2 * sum(names(n, 0) for n in cand.names) + sum(terms(t, 0) for t in cand.terms)
        return shared - self._times.get(id(cand), 0) * (2 * len(cand.names) + len(cand.terms))


def _event(cluster: list[_Cand], outlets: Mapping[str, str | None]) -> Event:
    dated = sorted((c for c in cluster if c.date), key=lambda c: (_width(c), not c.own, c.doc, c.start))
    head = dated[0]
    assert head.date is not None
    kinds = Counter(c.kind for c in cluster)
    if any(c.own for c in cluster):
        kind = "publication"
    else:
        kind = max(kinds, key=lambda k: (kinds[k], k == head.kind, k))
    own = [c.sentence for c in cluster if c.own]
    said = [c for c in cluster if c.kind == kind and c.date is not None and not c.own] or cluster
    clear = [c for c in said if len(c.sentence) >= 40] or said
    # what the descriptions agree on, in the sentence with the fewest other dates, shortest
    central = None if own else _Centrality(cluster)
    summary = own[0] if central is None else max(clear, key=lambda c: (central(c), -c.crowded,
                                                                       -len(c.sentence))).sentence
    places = list(dict.fromkeys(p for c in cluster for p in c.places))
    actors = list(dict.fromkeys(a for c in cluster for a in c.actors))
    origins: list[str] = []
    for c in sorted(cluster, key=lambda c: (c.doc, c.start)):
        origins += c.speakers or ([o] if (o := outlets.get(c.doc)) else [])
    eid = content_id("event", head.date.value, head.cls, *sorted({_name_key(p) for p in places}))
    return Event(id=eid, date=head.date.value, date_text=head.date.text, summary=summary,
                 docs=tuple(dict.fromkeys(c.doc for c in sorted(cluster, key=lambda c: (c.doc, c.start)))),
                 places=tuple(places), actors=tuple(actors), kind=kind,
                 origins=tuple(dict.fromkeys(origins)))


__all__ = ["EVENT_CLASSES", "document_outlet", "event_candidates", "merge_events"]
