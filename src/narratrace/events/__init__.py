"""Timeline: dated events, merged across documents.

An event is a dated sentence with an event verb (attack, severed relations, signed, launched…)
and, usually, actors and places. Descriptions of one event in several articles merge into one
:class:`~narratrace.types.Event` listing all their documents.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..claims.text import content_id, in_span, key_terms, norm_name, refine_sentences, split_sentences
from ..types import DateMention, Document, Event, Mention

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
    ("meeting", r"\b(?:met|meeting|summit|visit\w*|talks|conference|session)\b"),
    ("arrest", r"\b(?:arrest\w*|detain\w*|charged|indict\w*|sentenc\w*|convict\w*)\b"),
    ("speech", r"\b(?:speech|address(?:ed)?|declared|announced|appealed|condemned)\b"),
))

#: Any event word at all: one scan that rules out most sentences (an alternation matches
#: wherever one of its patterns does) before the per-class scans.
_ANY_EVENT = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in EVENT_CLASSES), _I)

_CLAUSE = re.compile(r"[,;:()\u2014\u2013]| - ")

#: Shared content words (besides names) two undated-to-dated descriptions need, measured on
#: the seed articles: retellings of one event share 3-6 stems, different events of one class 0-2.
MIN_SHARED_TERMS = 3
#: An undated sentence must already be of the same event class and share a place; then two
#: shared words ("severed", "diplomatic") suffice.
MIN_SHARED_TERMS_UNDATED = 2
#: Partial dates coarser than this many days never merge with a different value ("2024" is a
#: year: two things that happened "in 2024" are not one event).
MAX_SPAN_DAYS = 31


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


def merge_events(dates: Sequence[DateMention], *, documents: Mapping[str, Document],
                 mentions: Sequence[Mention],
                 sentences: Mapping[str, Sequence[tuple[int, int]]] | None = None,
                 candidates: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> list[Event]:
    """Dated events from ``dates`` and their sentences, merged across documents.

    Two descriptions merge when their dates are compatible (same day or month, overlapping
    ranges), their event class is the same and they share a place, an actor or key terms. An
    undated sentence of the same class that shares names and key terms with exactly one event
    ("the ambush", "severed ties") joins it. Events come back in date order.

    ``candidates`` (document id → :func:`event_candidates` rows) may hold what an earlier run
    found in a document; the others are read from ``dates``, ``mentions`` and ``sentences``.
    The merge itself is one greedy pass over every candidate (the order decides which event a
    description joins), with an index from names and terms to events instead of a scan.
    """
    by_doc: dict[str, list[Mention]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc, []).append(m)
    dates_by_doc: dict[str, list[DateMention]] = {}
    for dm in dates:
        dates_by_doc.setdefault(dm.doc, []).append(dm)
    per_doc: dict[str, tuple[list[_Cand], list[_Cand]]] = {}
    for d, document in documents.items():
        if candidates is not None and d in candidates:
            rows = [_cand_from_row(row) for row in candidates[d]]
        else:
            rows = _doc_candidates(document, dates_by_doc.get(d, []), by_doc.get(d, []),
                                   sentences[d] if sentences and d in sentences else None)
        per_doc[d] = ([c for c in rows if c.date is not None], [c for c in rows if c.date is None])
    dated = [c for d in sorted(per_doc) for c in per_doc[d][0]]
    index: dict[tuple[str, str, str], list[int]] = {}
    clusters = _cluster(dated, index)
    # Undated retellings ("the ambush", "severed ties with X") join the one event they match.
    for doc_id, document in documents.items():
        published = _interval(document.published or "")
        for cand in per_doc[doc_id][1]:
            near = {g for k in (*(("n", n) for n in cand.names),
                                *(("p", norm_name(p)) for p in cand.places))
                    for g in index.get((cand.cls, *k), ())}
            fits = [g for g in sorted(near) if _shares(clusters[g], cand)
                    and (published is None or clusters[g].lo <= published[1])]
            if len(fits) == 1:
                clusters[fits[0]].add(cand, index, fits[0])
    events: list[Event] = []
    seen: dict[str, int] = {}
    for cluster in sorted(clusters, key=lambda c: min((x.doc, x.start) for x in c.members)):
        event = _event(cluster.members)
        n = seen.get(event.id, 0)
        seen[event.id] = n + 1
        if n:  # same day, class and places but not merged: keep both, ids still stable
            event = Event(**{**{f: getattr(event, f) for f in event.__slots__}, "id": f"{event.id}-{n}"})
        events.append(event)
    return sorted(events, key=lambda e: (e.date, e.id))


def event_candidates(document: Document, *, dates: Sequence[DateMention], mentions: Sequence[Mention],
                     sentences: Sequence[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """The event sentences of one document (dated ones first, in text order) as JSON rows:
    the per-document half of :func:`merge_events`, which a corpus stage may keep and pass
    back as ``candidates`` so that a later run never reads the document again."""
    return [_cand_row(c) for c in _doc_candidates(document, [d for d in dates if d.doc == document.id],
                                                  [m for m in mentions if m.doc == document.id],
                                                  sentences)]


def _doc_candidates(document: Document, dates: Sequence[DateMention], mentions: Sequence[Mention],
                    sentences: Sequence[tuple[int, int]] | None) -> list[_Cand]:
    spans = refine_sentences(document.text, sentences) if sentences is not None \
        else split_sentences(document.text)
    dated: list[_Cand] = []
    dated_sents: set[int] = set()
    for dm in sorted(dates, key=lambda d: d.start):
        interval = _interval(dm.value)
        if interval is None:
            continue
        sent = next(((s, e) for s, e in spans if s <= dm.start < e), None)
        if sent is None:
            continue
        cand = _candidate(document, sent, mentions, near=dm.start - sent[0], date_mention=dm,
                          interval=interval)
        if cand is not None:
            dated.append(cand)
            dated_sents.add(sent[0])
    undated = []
    for sent in spans:
        if sent[0] in dated_sents:
            continue
        cand = _candidate(document, sent, mentions, near=None, date_mention=None, interval=None)
        if cand is not None:
            undated.append(cand)
    return dated + undated


def _cand_row(c: _Cand) -> dict[str, Any]:
    return {"doc": c.doc, "start": c.start, "end": c.end, "sentence": c.sentence, "cls": c.cls,
            "date": dataclasses.asdict(c.date) if c.date else None,
            "lo": c.lo.isoformat() if c.lo else None, "hi": c.hi.isoformat() if c.hi else None,
            "places": c.places, "actors": c.actors, "names": sorted(c.names), "terms": sorted(c.terms)}


def _cand_from_row(row: Mapping[str, Any]) -> _Cand:
    return _Cand(row["doc"], row["start"], row["end"], row["sentence"], row["cls"],
                 DateMention(**row["date"]) if row["date"] else None,
                 date.fromisoformat(row["lo"]) if row["lo"] else None,
                 date.fromisoformat(row["hi"]) if row["hi"] else None,
                 list(row["places"]), list(row["actors"]), set(row["names"]), set(row["terms"]))


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


def _candidate(document: Document, sent: tuple[int, int], mentions: Sequence[Mention], *, near: int | None,
               date_mention: DateMention | None, interval: tuple[date, date] | None) -> _Cand | None:
    text = document.text[sent[0]:sent[1]]
    if not _ANY_EVENT.search(text):
        return None
    found = []
    for name, rx in EVENT_CLASSES:
        for m in rx.finditer(text):
            if near is None:
                found.append((0, m.start(), name))
                continue
            lo, hi = sorted((m.start(), near))
            # clause breaks between the word and the date count first, then the distance
            found.append((len(_CLAUSE.findall(text, lo, hi)), abs(m.start() - near), name))
    if not found:
        return None
    cls = min(found)[2]  # the event word of the date's clause (the first one when undated)
    inside = in_span(mentions, *sent)
    places = list(dict.fromkeys(m.text for m in inside if m.type == "place"))
    actors = list(dict.fromkeys(m.text for m in inside if m.type in ("person", "organisation", "group")))
    names = {norm_name(x) for x in (*places, *actors)} - {""}
    terms = key_terms(text) - {t for n in names for t in key_terms(n)}
    return _Cand(document.id, sent[0], sent[1], " ".join(text.split()), cls, date_mention,
                 interval[0] if interval else None, interval[1] if interval else None,
                 places, actors, names, terms)


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

    def add(self, cand: _Cand, index: dict[tuple[str, str, str], list[int]], gid: int) -> None:
        self.members.append(cand)
        if cand.lo is not None and cand.hi is not None:
            self.lo, self.hi = max(self.lo, cand.lo), min(self.hi, cand.hi)
        self.narrow = self.narrow and _width(cand) <= MAX_SPAN_DAYS
        keys = [("n", n) for n in cand.names - self.names] + [("t", t) for t in cand.terms - self.terms]
        places = {norm_name(p) for p in cand.places}
        keys += [("p", p) for p in places - self.places]
        self.names |= cand.names
        self.terms |= cand.terms
        self.places |= places
        for kind, key in keys:
            index.setdefault((self.cls, kind, key), []).append(gid)


def _width(c: _Cand) -> int:
    return (c.hi - c.lo).days if c.lo and c.hi else 10_000


def _compatible(cluster: _Group, cand: _Cand) -> bool:
    """Dates overlap everyone's, and none is coarser than a month."""
    if cand.lo is None or cand.hi is None or max(cluster.lo, cand.lo) > min(cluster.hi, cand.hi):
        return False
    return cluster.narrow and _width(cand) <= MAX_SPAN_DAYS


def _shares(cluster: _Group, cand: _Cand) -> bool:
    if cand.date is None:  # undated: a shared place (or two shared names) and shared words
        anchored = bool(cluster.places & {norm_name(p) for p in cand.places}) \
            or len(cluster.names & cand.names) >= 2
        return anchored and len(cluster.terms & cand.terms) >= MIN_SHARED_TERMS_UNDATED
    return bool(cluster.names & cand.names) or len(cluster.terms & cand.terms) >= MIN_SHARED_TERMS


def _cluster(cands: list[_Cand], index: dict[tuple[str, str, str], list[int]]) -> list[_Group]:
    """Greedy: most precise dates first; each joins the best compatible cluster or starts one.

    Every member's date must overlap the cluster's intersection, so month-level mentions cannot
    chain two different days into one event. Only clusters that share a name or a term with
    the candidate (``index``) can qualify, so only those are looked at, in creation order.
    """
    clusters: list[_Group] = []
    for cand in sorted(cands, key=lambda c: (_width(c), c.doc, c.start)):
        assert cand.lo is not None and cand.hi is not None
        near = {g for k in (*(("n", n) for n in cand.names), *(("t", t) for t in cand.terms))
                for g in index.get((cand.cls, *k), ())}
        best, score = None, 0
        for g in sorted(near):
            cluster = clusters[g]
            if not _compatible(cluster, cand) or not _shares(cluster, cand):
                continue
            s = 2 * len(cluster.names & cand.names) + len(cluster.terms & cand.terms)
            if s > score:
                best, score = g, s
        if best is None:
            clusters.append(_Group([], cand.cls, cand.lo, cand.hi, True))
            clusters[-1].add(cand, index, len(clusters) - 1)
        else:
            clusters[best].add(cand, index, best)
    return clusters


def _event(cluster: list[_Cand]) -> Event:
    dated = sorted((c for c in cluster if c.date), key=lambda c: (_width(c), c.doc, c.start))
    head = dated[0]
    assert head.date is not None
    clear = [c.sentence for c in cluster if len(c.sentence) >= 40] or [c.sentence for c in cluster]
    places = list(dict.fromkeys(p for c in cluster for p in c.places))
    actors = list(dict.fromkeys(a for c in cluster for a in c.actors))
    eid = content_id("event", head.date.value, head.cls, *sorted({norm_name(p) for p in places}))
    return Event(id=eid, date=head.date.value, date_text=head.date.text, summary=min(clear, key=len),
                 docs=tuple(dict.fromkeys(c.doc for c in sorted(cluster, key=lambda c: (c.doc, c.start)))),
                 places=tuple(places), actors=tuple(actors))


__all__ = ["EVENT_CLASSES", "event_candidates", "merge_events"]
