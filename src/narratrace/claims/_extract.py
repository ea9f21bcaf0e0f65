"""Per-document claim extraction: attributed contents and check-worthy narrator sentences."""

from __future__ import annotations

import bisect
import itertools

import re
from collections.abc import Sequence

from ..errors import NarratraceError
from ..types import Attribution, Claim, DateMention, Document, Mention
from . import lexicon as lex
from .text import content_id, in_span, refine_sentences, split_sentences, words

#: Shorter contents are fragments ("he said", a one-word scare quote), not propositions.
MIN_WORDS = 5
#: Longer narrator "sentences" are almost always a failed split (a list or a paragraph).
MAX_WORDS = 90
#: A narrator sentence this much inside an attribution's content is that attribution's claim.
COVERED = 0.5

_NUMBER = re.compile(r"\b\d[\d,.]*\b|\b(?:dozens?|hundreds?|thousands?|millions?|billions?)\b|"
                     # a share: "a fifth of its stock", "two-thirds", "half the crew"
                     r"\b(?:a|one|two|three|four|nine)[- ](?:thirds?|quarters?|fifths?|tenths?)\b|\bhalf\b", re.I)
_QUOTES = "\"'“”‘’«»"
_ACTOR_TYPES = ("person", "organisation", "group", "place", "outlet")
_FALLBACK_CUE = re.compile(r"\b(?:said|says|alleged|claimed|accused|stated|declared|told|argued|"
                           r"insisted|warned|asserted|reported|added)\b", re.I)
_ACCORDING = re.compile(r"\baccording to\b", re.I)
_LOCATIVE = re.compile(r"\b(?:in|at|near|across|via|through|into|(?:village|town|city|region|province|"
                       r"district|port|base|camp) of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$", re.I)


def extract_claims(document: Document, *, attributions: Sequence[Attribution],
                   mentions: Sequence[Mention], dates: Sequence[DateMention],
                   sentences: Sequence[tuple[int, int]] | None = None,
                   cuts: Sequence[tuple[int, int]] = ()) -> list[Claim]:
    """Check-worthy propositions of one document, normalised as actor/action/target/place/time.

    Claims come from the contents of ``attributions`` (speaker, stance and hedges carried over)
    and from the narrator's own sentences that name an actor and an accusation or event verb.
    ``cuts`` (:func:`narratrace.nlp.clause_cuts`) split two clauses with subjects of their own,
    joined in one sentence, into two claims (one proposition each), when each has at least
    :data:`MIN_WORDS` words.

    >>> doc = Document(id="d1", path="d1", text="Zorland supplied rockets to the Vexan rebels.",
    ...                source_text="")
    >>> [c.action for c in extract_claims(doc, attributions=[], dates=[],
    ...     mentions=[Mention("d1", 0, 7, "Zorland", "place")])]
    ['supply']
    """
    text = document.text
    records: tuple[Attribution | Mention | DateMention, ...] = (*attributions, *mentions, *dates)
    for item in records:
        if item.doc != document.id:
            raise NarratraceError(f"extract_claims got a record of document {item.doc!r} while "
                                  f"reading {document.id!r}; pass each document's own records.")
    spans = refine_sentences(text, sentences) if sentences is not None else split_sentences(text)
    own = sorted((a for a in attributions if 0 <= a.start < a.end <= len(text)), key=lambda a: a.start)
    spans = sorted(spans)
    ends = list(itertools.accumulate((e for _, e in spans), max))  # for the spans around a span
    claims: list[Claim] = []
    seen: set[str] = set()

    cut_at = sorted(cuts)

    def add(start: int, end: int, *, speaker: str | None, stance: str, hedges: tuple[str, ...],
            attribution: str | None = None) -> None:
        pieces = _pieces(text, start, end, cut_at)
        if len(pieces) > 1:
            # a hedge of the report (the cue's: "reportedly said") covers every clause; one written
            # in a clause covers that clause
            written = {m.group(0).lower() for m in lex.HEDGES.finditer(text[start:end])}
            kept = tuple(h for h in hedges if h not in written)
            for s, e in pieces:
                own = tuple(m.group(0).lower() for m in lex.HEDGES.finditer(text[s:e]))
                one(s, e, speaker=speaker, stance=stance, hedges=tuple(dict.fromkeys((*kept, *own))),
                    attribution=attribution)
            return
        one(start, end, speaker=speaker, stance=stance, hedges=hedges, attribution=attribution)

    def one(start: int, end: int, *, speaker: str | None, stance: str, hedges: tuple[str, ...],
            attribution: str | None = None) -> None:
        start, end = _trim(text, start, end)
        body = text[start:end]
        key = " ".join(body.lower().split())
        # A speaker's call ("X must stop ...") is their claim; the narrator's is opinion.
        if key in seen or len(words(body)) < MIN_WORDS or (attribution is None and lex.PRESCRIPTIVE.search(body)):
            return
        seen.add(key)
        claims.append(_claim(document, start, end, speaker=speaker, stance=stance, hedges=hedges,
                             mentions=mentions, dates=dates, attribution=attribution))

    speakers = _resolve_pronouns(own, text)
    # a report inside another ("she said the ambassador had assured her that P") first: P is the
    # ambassador's words, not hers
    for attr in sorted(own, key=lambda a: a.outer is None):
        speaker = speakers[attr.id]
        # A long quote holds several propositions: one claim per check-worthy sentence in it.
        parts = [(max(s, attr.start), min(e, attr.end)) for s, e in _overlapping(spans, ends, attr.start, attr.end)]
        # "X, he said, but Y": the speaker and cue written inside the words cut two propositions
        parts = [half for part in parts or [(attr.start, attr.end)] for half in _around_cue(text, part, attr)]
        # "X has denied concealing any damage", "X maintains that nothing leaked": a report's
        # words are often too few to stand alone; the report is then the claim
        if (short := _short_report(attr, text)) is not None:
            parts = [short]
        # "… the group Quiet Magpie, which the centre said operates for X": the relative clause is
        # the centre's report of the group, a claim of its own; the outer report ends before it
        parts = [(s, _before_relative_report(text, s, e, own, attr)) for s, e in parts]
        # Every sentence of what someone is reported to have said is a claim of theirs: whether
        # it is check-worthy is for the reader, and provenance needs all of them.
        for start, end in parts:
            body = text[start:end]
            own_hedges = tuple(m.group(0).lower() for m in lex.HEDGES.finditer(body))
            add(start, end, speaker=speaker, stance=attr.stance,
                hedges=tuple(dict.fromkeys((*attr.hedges, *own_hedges))), attribution=attr.id)
    for (start, end), covered in zip(spans, _covered(own, spans, text), strict=True):
        if covered:
            continue
        body = text[start:end]
        n = len(words(body))
        if n < MIN_WORDS or n > MAX_WORDS or body.rstrip(_QUOTES).endswith("?"):
            continue
        named = [m for m in in_span(mentions, start, end) if m.type in _ACTOR_TYPES]
        # A narrator's sentence is a claim when a named actor (not only a place) does something
        # in it, or it gives a figure or a date, or an action happens at a named place, or it
        # hedges (a hedge marks an allegation even when nobody is named).
        if not (any(m.type != "place" for m in named) or _NUMBER.search(body) or lex.HEDGES.search(body)
                or (named and _action(body) in lex.CHECKWORTHY_ACTIONS)
                or any(start <= d.start < end for d in dates)):  # something dated happened
            continue
        if (cut := _background_before_report(text, start, end, own)) is not None:
            # "The council, which has set the papers since 1994, insisted that P": P is the
            # council's (its report), what the narrator says of the council is the rest
            add(start, cut, speaker=None, stance="asserts",
                hedges=tuple(dict.fromkeys(m.group(0).lower() for m in lex.HEDGES.finditer(text, start, cut))))
            continue
        speaker = _fallback_speaker(body, start, named)
        stance = "denies" if lex.DENIAL.search(body) else "asserts"
        hedges = tuple(dict.fromkeys(m.group(0).lower() for m in lex.HEDGES.finditer(body)))
        add(start, end, speaker=speaker, stance=stance, hedges=hedges)
    return sorted(claims, key=lambda c: (c.start, c.end))


#: A wire dateline opening a sentence: "PORT CITY, March 10 (AGENCY) - ", "TOWN, 9 July 2024 -".
_DATELINE = re.compile(r"[A-Z][A-Z'’.\- ]{1,40}(?:,\s*[A-Z][\w'’.\- ]{1,30})?,\s*[^\n]{0,30}?\d{1,4}[^\n]{0,12}?"
                       r"(?:\([A-Za-z][\w .&-]{0,30}\))?\s*[-–—]+\s+")


def _pieces(text: str, start: int, end: int, cuts: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``start``-``end`` cut at the clause boundaries inside it (a leading "that" of a second
    reported clause left out), or whole when a piece would have fewer than :data:`MIN_WORDS`
    words.

    >>> t = "The reserve holds a fifth of its stock, and most of the rest was sold abroad last year."
    >>> [t[s:e] for s, e in _pieces(t, 0, len(t), [(38, 44)])]
    ['The reserve holds a fifth of its stock', 'most of the rest was sold abroad last year.']
    >>> _pieces(t, 0, len(t), [(10, 12)]) == [(0, len(t))]
    True
    """
    k = bisect.bisect_left(cuts, (start, start))
    out, at = [], start
    while k < len(cuts) and cuts[k][1] < end:
        a, b = cuts[k]
        if a > at:
            out.append((at, a))
            at = b + (5 if text.startswith("that ", b) else 0)
        k += 1
    out.append((at, end))
    if len(out) == 1 or any(len(words(text[s:e])) < MIN_WORDS for s, e in out):
        return [(start, end)]
    return out


_RELATIVE_LEAD = re.compile(r",\s*(?:which|who|whom|that)\s+(?:[\w'’.-]+\s+){0,6}?$", re.I)


def _before_relative_report(text: str, start: int, end: int, attributions: Sequence[Attribution],
                            outer: Attribution) -> int:
    """Where ``start``-``end`` (words of ``outer``) ends when a report nested in it opens a
    relative clause (", which the centre said …"): at the comma before the relative pronoun.

    >>> from narratrace.types import Speaker
    >>> t = "the attack was the work of Quiet Magpie, which the centre said works for the army"
    >>> outer = Attribution(id="o", doc="d", kind="indirect", speaker=Speaker("X", 0, 0), cue="say",
    ...     content=t, start=0, end=len(t))
    >>> at, said, words = t.index("the centre"), t.index("said"), t.index("works")
    >>> inner = Attribution(id="i", doc="d", kind="indirect", speaker=Speaker(
    ...     "the centre", 0, 3, mention_start=at, mention_end=at + 10),
    ...     cue="say", content=t[words:], start=words, end=len(t), cue_start=said, cue_end=said + 4, outer="o")
    >>> t[:_before_relative_report(t, 0, len(t), [outer, inner], outer)]
    'the attack was the work of Quiet Magpie'
    """
    for a in attributions:
        written = None if a.speaker is None else (
            a.speaker.mention_start if a.speaker.mention_start is not None else a.speaker.start)
        if a.outer != outer.id or written is None or not start < written < a.start < end:
            continue
        lead = _RELATIVE_LEAD.search(text, start, written)
        if lead is not None and a.end >= end - 1:
            return lead.start()
    return end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    dateline = _DATELINE.match(text, start, end)
    if dateline:
        start = dateline.end()
    while start < end and (text[start].isspace() or text[start] in _QUOTES + ",;"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTES + ",;:"):
        end -= 1
    return start, end


def _around_cue(text: str, part: tuple[int, int], attr: Attribution) -> list[tuple[int, int]]:
    """A span of an attribution's words cut where the speaker and the cue are written inside it
    ("Sparks may have started the fire, he said, but the inquiry is at an early stage" → the two
    clauses on either side of "he said"), when each side is a proposition of its own (at least
    :data:`MIN_WORDS` words); a subject cut from its verb ("The fire, she said, began at
    dawn") stays whole.

    >>> import dataclasses
    >>> from narratrace.types import Speaker
    >>> t = "Sparks from the wire may have lit the grass, he said, but the review is still at an early stage."
    >>> a = Attribution(id="a", doc="d", kind="mixed", speaker=Speaker("he", 45, 47, mention_start=45,
    ...     mention_end=47), cue="say", content=t[:-1], start=0, end=len(t) - 1, cue_start=48, cue_end=52)
    >>> [t[s:e] for s, e in _around_cue(t, (0, len(t) - 1), a)]
    ['Sparks from the wire may have lit the grass, ', ', but the review is still at an early stage']
    >>> t2 = "The fire, she said, began at dawn near the old mill."
    >>> a2 = dataclasses.replace(a, speaker=Speaker("she", 10, 13, mention_start=10, mention_end=13),
    ...     cue_start=14, cue_end=18, end=len(t2) - 1)
    >>> [t2[s:e] for s, e in _around_cue(t2, (0, len(t2) - 1), a2)]
    ['The fire, she said, began at dawn near the old mill']
    """
    start, end = part
    written = _speaker_and_cue(attr)
    if written is None:
        return [part]
    cut0, cut1 = written
    if not (start < cut0 and cut1 < end) or cut1 - cut0 > 60:
        return [part]
    halves = [(start, cut0), (cut1, end)]
    if _APPOSED.match(text, cut1, end) and len(words(text[start:cut0])) >= MIN_WORDS:
        return [(start, cut0)]  # '"…," said X, a spokeswoman for Y.': the rest describes X
    if any(len(words(text[s:e])) < MIN_WORDS for s, e in halves):
        return [part]
    return halves


def _overlapping(spans: Sequence[tuple[int, int]], ends: Sequence[int], start: int,
                 end: int) -> list[tuple[int, int]]:
    """The spans (sorted by start; ``ends`` their running maximum end) that overlap
    ``[start, end)``, found by bisection: a document of thousands of quotations stays linear.

    >>> spans = [(0, 5), (6, 10), (11, 20)]
    >>> _overlapping(spans, [5, 10, 20], 4, 12)
    [(0, 5), (6, 10), (11, 20)]
    >>> _overlapping(spans, [5, 10, 20], 10, 11)
    []
    """
    out = []
    for k in range(bisect.bisect_right(ends, start), len(spans)):
        s, e = spans[k]
        if s >= end:
            break
        if start < e:
            out.append((s, e))
    return out


_BACKGROUND = re.compile(r",\s+(?:which|who)\s+\w+", re.I)


def _background_before_report(text: str, start: int, end: int, attrs: Sequence[Attribution]) -> int | None:
    """Where the narrator's words end in a sentence that opens with a report's speaker and a
    relative clause on it, before the report's cue ("The council, which has set the papers since
    1994, insisted that ..."): the cue's start, less the comma before it; else None.

    >>> from narratrace.types import Speaker
    >>> t = "The Varn Board, which has run the dam since 1961, insisted that it was safe."
    >>> a = Attribution("a", "d", "indirect", Speaker("The Varn Board", 0, 14, mention_start=0, mention_end=14),
    ...                 "insist", "it was safe", 63, 74, cue_start=50, cue_end=58)
    >>> t[:_background_before_report(t, 0, len(t), [a])]
    'The Varn Board, which has run the dam since 1961'
    """
    for a in attrs:
        sp = a.speaker.mention_start if a.speaker.mention_start is not None else a.speaker.start
        if a.cue_start is None or sp is None or not (start <= sp < a.cue_start < end) or a.start < a.cue_start:
            continue
        if sp - start <= 4 and _BACKGROUND.search(text, sp, a.cue_start):
            return len(text[:a.cue_start].rstrip(" ,"))
    return None


def _covered(attrs: Sequence[Attribution], spans: Sequence[tuple[int, int]], text: str = "") -> list[bool]:
    """Per span (sorted by start): is at least :data:`COVERED` of it inside attributions
    (``attrs`` sorted by start)? One sweep with the attributions open at each span."""
    out = []
    # a report whose words are too short to be a claim ("X denied the accusations") leaves its
    # sentence to the narrator's claims
    extents = sorted(_extent(a) if len(words(a.content)) >= MIN_WORDS else _short_report(a, text) or (a.start, a.end)
                     for a in attrs)
    active: list[tuple[int, int]] = []
    k = 0
    for start, end in spans:
        while k < len(extents) and extents[k][0] < end:
            active.append(extents[k])
            k += 1
        active = [a for a in active if a[1] > start]
        inside = sum(max(0, min(end, a1) - max(start, a0)) for a0, a1 in active)
        out.append(inside / max(end - start, 1) >= COVERED)
    return out


def _short_report(attr: Attribution, text: str = "") -> tuple[int, int] | None:
    """The span from the speaker to the end of a report whose words are too few to be a claim
    ("Gullwing has denied concealing any damage", "the director rejected the report", "the
    council maintains that nothing leaked"), when the speaker and cue are written just before
    them; else None."""
    if len(words(attr.content)) >= MIN_WORDS:
        return None
    if attr.stance != "denies" and (attr.kind == "according_to" or attr.speaker.actor is None
                                     or attr.speaker.actor.type == "anonymous"):
        # a report of two words is worth a claim when someone known said them
        return None
    written = _speaker_and_cue(attr)
    if written is None or not (0 <= attr.start - written[1] <= 40) or attr.start - written[0] > 160:
        return None
    if attr.stance != "denies" and attr.cue_start is not None and _BACKGROUND.search(text, written[0], attr.cue_start):
        # "the council, which has run the exams since 1994, maintains that nothing leaked": the
        # sentence is mostly what the narrator says of the council (its claim, cut before the cue)
        return None
    return written[0], attr.end


def _extent(attr: Attribution) -> tuple[int, int]:
    """Where an attribution is written: its words, and its speaker and cue when they are
    written beside them ("X, who farms below the line, said she saw the fire start" is all
    the report of X's words, none of it the narrator's own claim)."""
    written = _speaker_and_cue(attr)
    if written is None or written[1] - written[0] > 80 or written[0] > attr.end + 80 \
            or written[1] < attr.start - 80:
        return attr.start, attr.end
    return min(attr.start, written[0]), max(attr.end, written[1])


def _speaker_and_cue(attr: Attribution) -> tuple[int, int] | None:
    """The span from the written speaker to the cue ("he said", "said the minister"), when
    both are known."""
    sp = attr.speaker
    ends = [x for x in (sp.mention_start, sp.mention_end, attr.cue_start, attr.cue_end) if x is not None]
    return (min(ends), max(ends)) if len(ends) == 4 else None


def _resolve_pronouns(attrs: Sequence[Attribution], text: str) -> dict[str, str | None]:
    """Speaker per attribution; "he"/"it" point to their antecedent (the span the attribution
    stage resolved, else the last named speaker before them)."""
    out: dict[str, str | None] = {}
    last: str | None = None
    for attr in attrs:
        sp = attr.speaker
        # The speaker's words, not an entity id: claims are read by people; provenance matches
        # names with its own keys.
        name = sp.text.strip() or None
        # start/end point to the named antecedent of "he", "it", "the outlet"
        named = text[sp.start:sp.end].strip() if sp.start is not None and sp.end is not None else ""
        if named and named.lower() not in lex.PRONOUNS:
            name = named
        if name and name.lower() in lex.PRONOUNS:
            name = last
        elif name:
            last = name
        out[attr.id] = name
    return out


def _fallback_speaker(body: str, offset: int, named: Sequence[Mention]) -> str | None:
    """``according to X`` / ``X said`` in a sentence the attribution stage left alone."""
    match = _ACCORDING.search(body)
    if match:
        after = [m for m in named if m.start >= offset + match.end()]
        if after:
            return after[0].text
    # "X is said to be closing": a hedge in the passive, not X speaking
    cue = next((c for c in _FALLBACK_CUE.finditer(body) if not _PASSIVE_BEFORE.search(body, 0, c.start())), None)
    if cue:
        before = [m for m in named if m.end <= offset + cue.start() and m.type in ("person", "organisation", "outlet")]
        if before and offset + cue.start() - before[-1].end < 40:
            # "a person inside the X dressing room told ...": the speaker is unnamed, not X
            lead = body[max(0, before[-1].start - offset - 40):before[-1].start - offset]
            if _UNNAMED_LEAD.search(lead):
                return None
            return before[-1].text
    return None


#: What follows a speaker's name to describe them: ", a spokeswoman for the firm".
_APPOSED = re.compile(r"\s*,\s*(?:a|an|the|its|their|his|her)\s+[^.;!?]{0,80}[.;!?]?\s*$", re.I)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$", re.I)
#: The words before a name that make it the place of an unnamed speaker, not the speaker.
_UNNAMED_LEAD = re.compile(r"\b(?:person|people|source|sources|insider|official|officials|someone|member|"
                           r"employee|worker|figure)\s+(?:\w+\s+){0,3}$", re.I)


def _action(body: str) -> str | None:
    found = _action_match(body)
    return found[0] if found else None


def _action_match(body: str) -> tuple[str, int, int] | None:
    """The main action of a sentence: its first substantive verb, else an accusation verb."""
    best: tuple[int, str, int] | None = None
    for name, rx in lex.ACTIONS:
        m = rx.search(body)
        if m and name != "accuse" and (best is None or m.start() < best[0]):
            best = (m.start(), name, m.end())
    if best is None:
        m = lex.ACTIONS[-1][1].search(body)
        return ("accuse", m.start(), m.end()) if m else None
    return best[1], best[0], best[2]


def _claim(document: Document, start: int, end: int, *, speaker: str | None, stance: str,
           hedges: tuple[str, ...], mentions: Sequence[Mention], dates: Sequence[DateMention],
           attribution: str | None = None) -> Claim:
    text = document.text
    body = text[start:end]
    inside = [m for m in in_span(mentions, start, end) if m.type in _ACTOR_TYPES]
    actor = target = place = None
    found = _action_match(body)
    action = found[0] if found else None
    def locative(m: Mention) -> bool:
        return m.type == "place" and bool(_LOCATIVE.search(text[max(0, m.start - 40):m.start]))

    if found:
        verb_at = start + found[1]
        before = [m for m in inside if m.end <= verb_at and not locative(m)]
        after = [m for m in inside if m.start >= start + found[2] and not locative(m)]
        actor = before[-1].text if before else None
        target = after[0].text if after else _object_phrase(body[found[2]:])
    place = next((m.text for m in inside if locative(m) and m.text not in (actor, target)), None)
    time = next((d.value for d in sorted(dates, key=lambda d: d.start) if start <= d.start < end), None)
    evidence = tuple(name for name, rx in lex.EVIDENCE if rx.search(body))
    return Claim(id=content_id(document.id, start, end), doc=document.id, text=body, start=start, end=end,
                 attributed_to=speaker, stance=stance,  # type: ignore[arg-type]
                 hedges=hedges, evidence=evidence, actor=actor, action=action, target=target,
                 place=place, time=time, attribution=attribution)


def _object_phrase(rest: str) -> str | None:
    """``... to terrorist groups`` → ``terrorist groups`` when no named target follows the verb."""
    m = re.search(r"\b(?:to|against|for|with)\s+((?:[\w'’-]+\s+){0,3}?(?:groups?|militants?|terrorists?|"
                  r"rebels?|fighters?|insurgents?|forces|troops|soldiers|army|civilians|networks?))\b",
                  rest[:120], re.I)
    return m.group(1) if m else None
