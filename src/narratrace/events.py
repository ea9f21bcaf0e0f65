"""Timeline: dated events, merged across documents.

An event is a dated sentence with an event verb (attack, severed relations, signed, launched…)
and, usually, actors and places. Descriptions of one event in several articles merge into one
:class:`~narratrace.types.Event` listing all their documents.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .claims._text import content_id, in_span, key_terms, norm_name, refine_sentences, split_sentences
from .types import DateMention, Document, Event, Mention

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
    lo: date | None
    hi: date | None
    places: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)


def merge_events(dates: Sequence[DateMention], *, documents: Mapping[str, Document],
                 mentions: Sequence[Mention],
                 sentences: Mapping[str, Sequence[tuple[int, int]]] | None = None) -> list[Event]:
    """Dated events from ``dates`` and their sentences, merged across documents.

    Two descriptions merge when their dates are compatible (same day or month, overlapping
    ranges), their event class is the same and they share a place, an actor or key terms. An
    undated sentence of the same class that shares names and key terms with exactly one event
    ("the ambush", "severed ties") joins it. Events come back in date order.
    """
    by_doc: dict[str, list[Mention]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc, []).append(m)
    spans = {d: refine_sentences(doc.text, sentences[d]) if sentences and d in sentences else split_sentences(doc.text)
             for d, doc in documents.items()}
    dated: list[_Cand] = []
    dated_sents: set[tuple[str, int]] = set()
    for dm in sorted(dates, key=lambda d: (d.doc, d.start)):
        document = documents.get(dm.doc)
        interval = _interval(dm.value)
        if document is None or interval is None:
            continue
        sent = next(((s, e) for s, e in spans[dm.doc] if s <= dm.start < e), None)
        if sent is None:
            continue
        cand = _candidate(document, sent, by_doc.get(dm.doc, []), near=dm.start - sent[0], date_mention=dm,
                          interval=interval)
        if cand is not None:
            dated.append(cand)
            dated_sents.add((dm.doc, sent[0]))
    clusters = _cluster(dated)
    # Undated retellings ("the ambush", "severed ties with X") join the one event they match.
    for doc_id, document in documents.items():
        for sent in spans[doc_id]:
            if (doc_id, sent[0]) in dated_sents:
                continue
            cand = _candidate(document, sent, by_doc.get(doc_id, []), near=None, date_mention=None, interval=None)
            if cand is None:
                continue
            published = _interval(document.published or "")
            fits = [c for c in clusters if c[0].cls == cand.cls and _shares(c, cand)
                    and (published is None or _bounds(c)[0] <= published[1])]
            if len(fits) == 1:
                fits[0].append(cand)
    events: list[Event] = []
    seen: dict[str, int] = {}
    for cluster in sorted(clusters, key=lambda c: min((x.doc, x.start) for x in c)):
        event = _event(cluster)
        n = seen.get(event.id, 0)
        seen[event.id] = n + 1
        if n:  # same day, class and places but not merged: keep both, ids still stable
            event = Event(**{**{f: getattr(event, f) for f in event.__slots__}, "id": f"{event.id}-{n}"})
        events.append(event)
    return sorted(events, key=lambda e: (e.date, e.id))


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


def _bounds(cluster: list[_Cand]) -> tuple[date, date]:
    lo = max(c.lo for c in cluster if c.lo is not None)
    hi = min(c.hi for c in cluster if c.hi is not None)
    return lo, hi


def _width(c: _Cand) -> int:
    return (c.hi - c.lo).days if c.lo and c.hi else 10_000


def _compatible(cluster: list[_Cand], cand: _Cand) -> bool:
    """Dates overlap everyone's, and none is coarser than a month."""
    lo, hi = _bounds(cluster)
    if cand.lo is None or cand.hi is None or max(lo, cand.lo) > min(hi, cand.hi):
        return False
    return all(_width(c) <= MAX_SPAN_DAYS for c in (*cluster, cand))


def _shares(cluster: list[_Cand], cand: _Cand) -> bool:
    names = set().union(*(c.names for c in cluster))
    terms = set().union(*(c.terms for c in cluster))
    if cand.date is None:  # undated: a shared place (or two shared names) and shared words
        places = {norm_name(p) for c in cluster for p in c.places}
        anchored = bool(places & {norm_name(p) for p in cand.places}) or len(names & cand.names) >= 2
        return anchored and len(terms & cand.terms) >= MIN_SHARED_TERMS_UNDATED
    return bool(names & cand.names) or len(terms & cand.terms) >= MIN_SHARED_TERMS


def _cluster(cands: list[_Cand]) -> list[list[_Cand]]:
    """Greedy: most precise dates first; each joins the best compatible cluster or starts one.

    Every member's date must overlap the cluster's intersection, so month-level mentions cannot
    chain two different days into one event.
    """
    clusters: list[list[_Cand]] = []
    for cand in sorted(cands, key=lambda c: (_width(c), c.doc, c.start)):
        best, score = None, 0
        for cluster in clusters:
            if cluster[0].cls != cand.cls or not _compatible(cluster, cand) or not _shares(cluster, cand):
                continue
            names = set().union(*(c.names for c in cluster))
            terms = set().union(*(c.terms for c in cluster))
            s = 2 * len(names & cand.names) + len(terms & cand.terms)
            if s > score:
                best, score = cluster, s
        if best is None:
            clusters.append([cand])
        else:
            best.append(cand)
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


__all__ = ["EVENT_CLASSES", "merge_events"]
