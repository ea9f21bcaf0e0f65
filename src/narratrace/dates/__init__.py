"""DATES stage: temporal expressions, normalised against the publication date.

A rule layer of regular expressions, no model: one pass of a handful of compiled patterns costs
well under a millisecond per article, against tens of milliseconds for the spaCy parse. Every
rule yields candidates; the longest candidate wins where they overlap.

Values: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a range ``start/end`` of those.
Kinds: ``absolute`` (a full date), ``partial`` (a month or a year), ``range`` (an explicit
span: "July 24-26, 2024", "late May 2024") and ``relative`` (anything resolved against the
base date: "on Friday", "last week", "earlier this year", "late May", "on May 30").

Choices:

* The tense of the clause decides the direction of a bare weekday and of a year-less date. With
  a parse, the verb the expression hangs on says it: "said on Friday" is past; "will meet on
  Friday", "would begin on Wednesday", "play away on Sunday" (present tense), "is due on
  Friday" are future. Without a parse (or where the verb says neither), news is past tense
  unless a future marker ("will", "would", "scheduled", ...) precedes the expression in its
  clause.
* A year-less date ("26 April", "Saturday, 26 April") is placed by the base date in both
  directions: a written weekday picks the year in which the date falls on that weekday;
  otherwise the occurrence nearest the base date in the clause's direction (a past clause
  never lands more than a week after the base date, a future one never before it).
* Without a base date (``base_date=None`` and no ``document.published``), relative
  expressions are skipped: an unresolved value would be useless to the timeline.
* ``15/08/2022``: a field over 12 decides the order; when both fields are ≤ 12 the
  ``day_first`` option decides (default True: most of the world, and most wire copy outside
  the US, writes day first).
* Decades ("the 1990s"), durations ("for three years"), and clock times are not extracted.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from ..errors import PipelineError, UsageError
from ..types import DateMention, Document

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = ["extract_dates", "parse_base_date"]

Kind = Literal["absolute", "partial", "relative", "range"]

_MONTHS = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}
_WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBERS.update({"a": 1, "an": 1, "a couple of": 2, "several": 3, "a few": 3})

# Month names must be capitalised: "may" the verb and "march" the verb stay out.
_M = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
      r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:1[89]\d\d|20\d\d)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DASH = r"\s*[-–—]\s*"
_QUAL = r"(?:(?:early|mid|late|Early|Mid|Late)[- ]|(?:the )?(?:end|beginning|start|middle) of )"
_NUMW = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
        r"a couple of|several|a few)"
_FUTURE = re.compile(r"\b(?:will|shall|would|is due|are due|scheduled|plans? to|planned|expected to|"
                     r"set to|upcoming|next|later this|to be held|going to)\b", re.IGNORECASE)

_Candidate = tuple[int, int, str, Kind]
_Rule = tuple[re.Pattern[str], Callable[["_Ctx", re.Match[str]], "tuple[str, Kind] | None"]]


class _Ctx:
    """What a rule handler needs: the text, its parse (optional), the base date and the option."""

    def __init__(self, text: str, base: date | None, day_first: bool, parsed: Doc | None = None) -> None:
        self.text = text
        self.base = base
        self.day_first = day_first
        self.parsed = parsed

    def future(self, m: re.Match[str]) -> bool:
        """True when the clause of the match speaks of the future ("will meet on ...").

        The parse decides when it can (:func:`_tense`); otherwise only the words before the
        expression count, within its sentence: in "said on Tuesday that the sites will be
        returned" the "will" belongs to the reported clause.
        """
        tense = self.tense(m)
        if tense is not None:
            return tense == "future"
        lo = max(self.text.rfind(". ", 0, m.start()), self.text.rfind("\n", 0, m.start()),
                 m.start() - 80) + 1
        return bool(_FUTURE.search(self.text, max(lo, 0), m.start()))

    def tense(self, m: re.Match[str]) -> Literal["past", "future"] | None:
        """The direction the parse gives the expression at ``m``; None without a parse."""
        if self.parsed is None:
            return None
        span = self.parsed.char_span(m.start(), m.end(), alignment_mode="expand")
        return _tense(span.root) if span is not None and len(span) else None


#: Verbs whose infinitive complement is still to come ("plans to meet on Friday").
_PLAN_VERBS = frozenset("plan intend expect schedule set due aim hope prepare go agree promise "
                        "vow pledge threaten".split())
_FUTURE_AUX = frozenset({"will", "shall", "would", "'ll", "wo"})


def _tense(token: Any) -> Literal["past", "future"] | None:
    """Past or future for a date token, from the verb it hangs on (a spaCy token; English
    morphology and dependency labels).

    Future: a will/shall/would auxiliary, a present-tense finite verb ("play away on Sunday",
    "is due on Friday", "is meeting on Friday"), an infinitive under a verb of planning.
    Past: a past-tense verb or auxiliary, a perfect ("has said"). None: no verb found, or an
    imperative or infinitive that says neither.
    """
    verb = token
    for _ in range(8):  # the clause's verb is a few heads up at most
        if verb.pos_ in ("VERB", "AUX"):
            break
        if verb.head is verb:
            return None
        verb = verb.head
    else:
        return None
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lemmas = {c.lower_ for c in aux} | {c.lemma_.lower() for c in aux}
    if lemmas & _FUTURE_AUX:
        return "future"
    if any("Past" in c.morph.get("Tense") for c in aux) or "have" in lemmas:
        return "past"
    if "to" in lemmas:  # infinitive: the governing verb decides
        head = verb.head
        if head is not verb and head.lemma_.lower() in _PLAN_VERBS:
            return "future"
        return None
    tense = verb.morph.get("Tense")
    if "Past" in tense:
        return "past"
    forms = verb.morph.get("VerbForm")
    if "Pres" in tense and "Fin" in forms:
        return "future"
    if any("Pres" in c.morph.get("Tense") for c in aux):  # "is meeting", "is scheduled"
        return "future"
    return None


# --------------------------------------------------------------------------- value helpers


def _month(token: str) -> int:
    return _MONTHS[token.rstrip(".").lower()]


def _day(token: str) -> int:
    return int(re.match(r"\d+", token).group())  # type: ignore[union-attr]


def _iso(d: date) -> str:
    return d.isoformat()


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_range(y: int, m: int, qual: str | None) -> tuple[str, Kind]:
    """``YYYY-MM`` or a thirds-of-month range for early/mid/late."""
    last = calendar.monthrange(y, m)[1]
    q = (qual or "").lower().strip(" -")
    if not q:
        return _ym(y, m), "partial"
    if q.startswith(("early", "beginning", "start")):
        lo, hi = 1, 10
    elif q.startswith(("mid", "middle")):
        lo, hi = 11, 20
    else:  # late, end of — "late May" → 21-31 (the last third of the month)
        lo, hi = 21, last
    return f"{_ym(y, m)}-{lo:02d}/{_ym(y, m)}-{hi:02d}", "range"


def _year_range(y: int, qual: str | None) -> tuple[str, Kind]:
    q = (qual or "").lower().strip(" -")
    if not q:
        return f"{y:04d}", "partial"
    if q.startswith(("early", "beginning", "start")):
        return f"{y:04d}-01/{y:04d}-04", "range"
    if q.startswith(("mid", "middle")):
        return f"{y:04d}-05/{y:04d}-08", "range"
    return f"{y:04d}-09/{y:04d}-12", "range"


def _infer_year(ctx: _Ctx, m: re.Match[str], month: int, day: int) -> int | None:
    """Year of a year-less date, placed by the base date in both directions.

    A written weekday ("Saturday, 26 April") picks the year in which the date is that weekday;
    otherwise the occurrence nearest the base date wins among those the clause's direction
    allows: a past clause at most a week after the base date, a future one not before it.
    """
    base = ctx.base
    assert base is not None
    options = [d for y in (base.year - 1, base.year, base.year + 1)
               if (d := _safe_date(y, month, min(day, calendar.monthrange(y, month)[1])))]
    if not options:
        return None
    weekday = m.groupdict().get("wd")
    if weekday:
        fit = [d for d in options if d.weekday() == _WEEKDAYS[weekday.lower()]]
        if fit:
            return min(fit, key=lambda d: abs(d - base)).year
    if ctx.future(m):
        allowed = [d for d in options if d >= base - timedelta(days=1)]
    else:
        allowed = [d for d in options if d <= base + timedelta(days=7)]
    return min(allowed or options, key=lambda d: abs(d - base)).year


# --------------------------------------------------------------------------- rules


def _r_iso(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    d = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return (_iso(d), "absolute") if d else None


def _r_numeric(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if a > 12 and b <= 12:
        day, month = a, b
    elif b > 12 and a <= 12:
        day, month = b, a
    elif a <= 12 and b <= 12:
        day, month = (a, b) if ctx.day_first else (b, a)
    else:
        return None
    d = _safe_date(y, month, day)
    return (_iso(d), "absolute") if d else None


def _r_mdy(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    d = _safe_date(int(m["y"]), _month(m["m"]), _day(m["d"]))
    return (_iso(d), "absolute") if d else None


def _r_md(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    if ctx.base is None:
        return None
    month, day = _month(m["m"]), _day(m["d"])
    y = _infer_year(ctx, m, month, day)
    d = _safe_date(y, month, day) if y else None
    return (_iso(d), "relative") if d else None


def _r_day_range(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    m1 = _month(m["m"])
    m2 = _month(m["m2"]) if m["m2"] else m1
    d1, d2 = _day(m["d"]), _day(m["d2"])
    y: int | None
    kind: Kind
    if m["y"]:
        y, kind = int(m["y"]), "range"
    elif ctx.base is not None:
        y, kind = _infer_year(ctx, m, m1, d1), "relative"
    else:
        return None
    if y is None:
        return None
    a, b = _safe_date(y, m1, d1), _safe_date(y, m2, d2)
    if a is None or b is None or b < a:
        return None
    return f"{_iso(a)}/{_iso(b)}", kind


def _simple_date(ctx: _Ctx, m: re.Match[str], s: str) -> tuple[date, bool] | None:
    """Parse "May 1", "May 1, 2024", "1 May 2024"; the bool says whether a year was written."""
    mm = re.fullmatch(rf"(?P<m>{_M}) (?P<d>{_D})(?:,? (?P<y>{_Y}))?|(?P<d2>{_D}) (?:of )?"
                      rf"(?P<m2>{_M})(?:,? (?P<y2>{_Y}))?", s)
    if mm is None:
        return None
    month = _month(mm["m"] or mm["m2"])
    day = _day(mm["d"] or mm["d2"])
    year_s = mm["y"] or mm["y2"]
    if year_s:
        d = _safe_date(int(year_s), month, day)
        return (d, True) if d else None
    if ctx.base is None:
        return None
    y = _infer_year(ctx, m, month, day)
    d = _safe_date(y, month, day) if y else None
    return (d, False) if d else None


def _r_between(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    a, b = _simple_date(ctx, m, m["a"]), _simple_date(ctx, m, m["b"])
    if a is None or b is None:
        return None
    (da, ya), (db, yb) = a, b
    if yb and not ya:  # "between May 1 and May 5, 2024": the year belongs to both
        da = _safe_date(db.year, da.month, da.day) or da
    if db < da:
        return None
    return f"{_iso(da)}/{_iso(db)}", ("range" if ya or yb else "relative")


def _r_year_range(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    a, b = int(m["y"]), int(m["y2"])
    if not 0 < b - a <= 50:
        return None
    return f"{a:04d}/{b:04d}", "range"


def _r_month_year(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    return _month_range(int(m["y"]), _month(m["m"]), m["q"])


def _r_month(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    if ctx.base is None:
        return None
    month = _month(m["m"])
    rel = (m["rel"] or "").lower()
    y = ctx.base.year
    if rel == "last":
        y = y if month < ctx.base.month else y - 1
    elif rel == "next":
        y = y if month > ctx.base.month else y + 1
    elif rel != "this":
        start = date(y, month, 1)
        if start > ctx.base + timedelta(days=7) and not ctx.future(m):
            y -= 1
    value, _kind = _month_range(y, month, m["q"])
    return value, "relative"


def _r_year(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    return _year_range(int(m["y"]), m["q"] or m["q2"])


def _r_word_day(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    if ctx.base is None:
        return None
    word = m.group().lower()
    if m.group()[0].isupper():
        # Capitalised: only at a sentence start ("Yesterday, ..."), never inside a name
        # ("Russia Today"); "Today" also needs its comma ("Today, the minister ...").
        before = ctx.text[:m.start()].rstrip(" \t")
        if before and before[-1] not in ".!?\n\"“":
            return None
        if word == "today" and not ctx.text.startswith(",", m.end()):
            return None
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1}.get(word, -2)
    return _iso(ctx.base + timedelta(days=shift)), "relative"


def _r_weekday(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    if ctx.base is None:
        return None
    target = _WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").lower()
    if not rel:
        # "Good Friday", "Black Friday", "Ash Wednesday": a capitalised word right before the
        # weekday makes it a name, unless it is a preposition ("On Friday").
        prev = re.search(r"(\S+)\s+$", ctx.text[max(0, m.start() - 30):m.start()])
        if prev and prev.group(1)[:1].isupper() and prev.group(1).rstrip(",") not in _WEEKDAY_LEAD:
            return None
    back = (ctx.base.weekday() - target) % 7
    if rel in {"next", "coming"} or (not rel.startswith(("last", "past", "prev")) and ctx.future(m)):
        ahead = (target - ctx.base.weekday()) % 7 or (7 if rel else 0)
        return _iso(ctx.base + timedelta(days=ahead)), "relative"
    if rel in {"last", "past", "previous"} and back == 0:
        back = 7
    return _iso(ctx.base - timedelta(days=back)), "relative"


def _r_period(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    """last/this/next/earlier this/later this + week/month/year."""
    if ctx.base is None:
        return None
    rel, unit = m["rel"].lower(), m["unit"].lower()
    base = ctx.base
    if unit == "week":
        monday = base - timedelta(days=base.weekday())
        if rel == "last":
            return f"{_iso(monday - timedelta(days=7))}/{_iso(monday - timedelta(days=1))}", \
                "relative"
        if rel == "next":
            return f"{_iso(monday + timedelta(days=7))}/{_iso(monday + timedelta(days=13))}", \
                "relative"
        lo, hi = monday, monday + timedelta(days=6)
    elif unit == "weekend":
        sat = base - timedelta(days=(base.weekday() - 5) % 7)
        if rel == "last" and sat == base:
            sat -= timedelta(days=7)
        if rel == "next":
            sat += timedelta(days=7)
        return f"{_iso(sat)}/{_iso(sat + timedelta(days=1))}", "relative"
    elif unit == "month":
        if rel in {"last", "next"}:
            y, mo = (base.year, base.month - 1) if rel == "last" else (base.year, base.month + 1)
            if mo == 0:
                y, mo = y - 1, 12
            if mo == 13:
                y, mo = y + 1, 1
            return _ym(y, mo), "relative"
        lo = base.replace(day=1)
        hi = base.replace(day=calendar.monthrange(base.year, base.month)[1])
        if rel == "this":
            return _ym(base.year, base.month), "relative"
    else:  # year
        if rel in {"last", "next"}:
            return f"{base.year + (1 if rel == 'next' else -1):04d}", "relative"
        if rel == "this":
            return f"{base.year:04d}", "relative"
        lo, hi = date(base.year, 1, 1), date(base.year, 12, 31)
    if rel.startswith("earlier"):
        return f"{_iso(lo)}/{_iso(base)}", "relative"
    if rel.startswith("later"):
        return f"{_iso(base)}/{_iso(hi)}", "relative"
    return f"{_iso(lo)}/{_iso(hi)}", "relative"


def _count(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBERS[word]


def _shift(base: date, n: int, unit: str) -> tuple[str, date]:
    """Go back ``n`` units; returns the granularity-appropriate value and the date."""
    unit = unit.rstrip("s")
    if unit == "day":
        d = base - timedelta(days=n)
        return _iso(d), d
    if unit == "week":
        d = base - timedelta(weeks=n)
        return _iso(d), d
    if unit == "month":
        total = base.year * 12 + base.month - 1 - n
        y, mo = divmod(total, 12)
        d = date(y, mo + 1, min(base.day, calendar.monthrange(y, mo + 1)[1]))
        return _ym(y, mo + 1), d
    d = _safe_date(base.year - n, base.month, min(base.day, 28)) or base
    return f"{base.year - n:04d}", d


def _r_ago(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    if ctx.base is None:
        return None
    n = _count(m["n"])
    if n > 1000:
        return None
    value, _d = _shift(ctx.base, n, m["unit"].lower())
    return value, "relative"


def _r_past(ctx: _Ctx, m: re.Match[str]) -> tuple[str, Kind] | None:
    """"the past week", "the past three months", "the last 10 days" → base - n units / base."""
    if ctx.base is None:
        return None
    n = _count(m["n"]) if m["n"] else 1
    if n > 1000:
        return None
    _v, d = _shift(ctx.base, n, m["unit"].lower())
    return f"{_iso(d)}/{_iso(ctx.base)}", "relative"


_WEEKDAY_LEAD = frozenset({"On", "By", "Since", "Until", "Before", "After", "From", "Through",
                           "Early", "Late", "Until", "Till", "Each", "Every", "And", "Or"})
_PREP = (r"(?:[Ii]n|[Ss]ince|[Uu]ntil|till|[Bb]y|[Dd]uring|[Ff]rom|[Bb]efore|[Aa]fter|through|"
         r"throughout|of|[Aa]s of)")
_NOT_AFTER_WEEKDAY = r"(?!['’]?s?\s+(?:prayers?|sermons?|mass|masses|services?|edition|Times)\b)"
_RULES: tuple[_Rule, ...] = tuple((re.compile(p), h) for p, h in (
    (r"(?<![\d/.-])(?P<y>(?:1[89]|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<d>[0-3]\d)(?![\d])", _r_iso),
    (r"(?<![\d/.-])(?P<y>(?:1[89]|20)\d\d)/(?P<mo>0?[1-9]|1[0-2])/(?P<d>[0-3]?\d)(?![\d/])",
     _r_iso),
    (r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:1[89]|20)\d\d)"
     r"(?![\d/]|\.\d)", _r_numeric),
    (rf"(?:{_WD},? )?(?P<m>{_M}) (?P<d>{_D}),? (?P<y>{_Y})\b", _r_mdy),
    (rf"(?:{_WD},? )?(?:the )?(?P<d>{_D}) (?:of )?(?P<m>{_M}),? (?P<y>{_Y})\b", _r_mdy),
    (rf"(?:(?P<wd>{_WD}),? )?(?P<m>{_M}) (?P<d>{_D})\b(?!,? ?\d)(?![-–—/])", _r_md),
    (rf"(?:(?P<wd>{_WD}),? )?(?:the )?(?P<d>{_D}) (?:of )?(?P<m>{_M})\b(?!,? ?\d)", _r_md),
    (rf"(?<![\w-])(?P<d>[0-3]?\d)-(?P<m>{_M})-(?P<y>{_Y})\b", _r_mdy),
    (rf"(?P<m>{_M}) (?P<d>{_D}){_DASH}(?:(?P<m2>{_M}) )?(?P<d2>{_D})\b(?:,? (?P<y>{_Y})\b)?",
     _r_day_range),
    (rf"(?P<d>{_D}){_DASH}(?P<d2>{_D}) (?P<m>{_M})(?P<m2>)?(?:,? (?P<y>{_Y})\b)?", _r_day_range),
    (rf"\b(?:[Bb]etween|[Ff]rom) (?P<a>(?:{_M} {_D}|{_D} (?:of )?{_M})(?:,? {_Y})?) (?:and|to|"
     rf"until|till|through) (?P<b>(?:{_M} {_D}|{_D} (?:of )?{_M})(?:,? {_Y})?)\b", _r_between),
    (rf"\b(?:[Bb]etween|[Ff]rom) (?P<y>{_Y}) (?:and|to|until|till|through) (?P<y2>{_Y})\b",
     _r_year_range),
    (rf"(?<![\d$€£.,-])(?P<y>{_Y}){_DASH}(?P<y2>{_Y})(?![\d-])", _r_year_range),
    (rf"(?P<q>{_QUAL})?(?P<m>{_M}),? (?P<y>{_Y})\b", _r_month_year),
    (rf"(?:\b(?:{_PREP}|the) (?P<body>(?P<q>{_QUAL})?)|\b(?P<q2>(?:[Ee]arly|[Mm]id|[Ll]ate)[- ]))"
     rf"(?P<y>{_Y})\b(?![-–—/]?\d)"
     r"(?!\s+(?:[a-z]+s|people|percent|per cent|km|kg|tons|tonnes|troops|soldiers|men|women)\b)"
     r"(?!\s*%)", _r_year),
    (rf"(?:\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext) |\b(?:{_PREP}|[Ii]n early|[Ii]n late|[Ii]n mid-) |"
     rf"\b(?=[Ee]arly |[Mm]id-|[Ll]ate |(?:the )?(?:end|beginning|start|middle) of ))"
     rf"(?P<body>(?P<q>{_QUAL})?)(?P<m>{_M})\b(?![ ,]*\d)", _r_month),
    (r"\b(?:[Tt]oday|[Yy]esterday|[Tt]omorrow|the day before yesterday)\b", _r_word_day),
    (rf"(?:(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast|[Pp]revious|[Cc]oming) )?\b(?P<wd>{_WD})\b"
     rf"{_NOT_AFTER_WEEKDAY}", _r_weekday),
    (r"\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Ee]arlier this|[Ll]ater this|[Ee]arlier in the|"
     r"[Oo]ver the|[Aa]t the)\s+(?P<unit>week|month|year|weekend)\b", _r_period),
    (rf"\b(?P<n>{_NUMW}) (?P<unit>days?|weeks?|months?|years?) ago\b", _r_ago),
    (rf"\b(?:the )?(?:past|last|previous) (?:(?P<n>{_NUMW}) )?(?P<unit>days|weeks|months|years|"
     rf"day|week|month|year)\b(?<!last week)(?<!last month)(?<!last year)", _r_past),
))


#: "a day after the paper reported" (the reported thing is a day before the date it hangs on),
#: "two days later" / "the next day" (a day after the date before it).
_SHIFT = re.compile(
    rf"\b(?:(?P<n>(?i:{_NUMW})) days? (?P<rel>after|before)(?= (?:the |a |an |his |her |its |their |it |he |she |they |[A-Z]))"
    rf"|(?P<n2>(?i:{_NUMW})) days? (?P<rel2>later|earlier)\b|(?i:the) (?:next|following) day\b)")


def _shifted(text: str, found: list[DateMention], doc: str) -> list[DateMention]:
    """Dates counted from another day of the text: the nearest day before the expression, in
    its sentence for "a day after X", within a few sentences for "two days later"."""
    out: list[DateMention] = []
    for m in _SHIFT.finditer(text):
        if any(d.start < m.end() and m.start() < d.end for d in found):
            continue
        window = 80 if m["rel"] else 300
        lo = max(text.rfind(". ", 0, m.start()), m.start() - window) if m["rel"] else m.start() - window
        anchor = next((d for d in reversed(found) if lo <= d.start and d.end <= m.start()
                       and len(d.value) == 10), None)
        if anchor is None:
            continue
        n = _count(m["n"] or m["n2"] or "1")
        sign = {"after": -1, "before": 1, "later": 1, "earlier": -1}.get(m["rel"] or m["rel2"] or "later", 1)
        day = date.fromisoformat(anchor.value) + timedelta(days=sign * n)
        out.append(DateMention(doc=doc, text=m.group(), start=m.start(), end=m.end(),
                               value=_iso(day), kind="relative"))
    return out


def parse_base_date(value: str | None) -> date | None:
    """ISO ``YYYY-MM-DD`` (a time part is ignored) → date; None stays None.

    >>> parse_base_date("2025-09-27T10:00:00Z")
    datetime.date(2025, 9, 27)
    """
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise UsageError(f"Base date {value!r} is not an ISO date (YYYY-MM-DD); pass e.g. "
                         "base_date='2025-09-27'.") from exc


def extract_dates(document: Document, parsed: Doc | None = None, *, base_date: str | None = None,
                  day_first: bool = True) -> list[DateMention]:
    """Temporal expressions of ``document`` with normalised values.

    ``base_date`` (ISO) defaults to ``document.published``; a malformed ``published`` is
    treated as missing, a malformed ``base_date`` raises :class:`UsageError`. ``parsed`` (the
    spaCy parse of ``document.text``) is optional: the rules work on the text alone, and the
    parse only tells past from future clauses where a weekday or a year-less date needs it.

    >>> t = "Troops withdrew on Friday after clashes on July 24-26, 2024."
    >>> d = Document(id="d", path="-", text=t, source_text=t, published="2025-09-27")
    >>> [(m.text, m.value, m.kind) for m in extract_dates(d)]
    [('Friday', '2025-09-26', 'relative'), ('July 24-26, 2024', '2024-07-24/2024-07-26', 'range')]
    """
    text = document.text
    # A cheap consistency check (Doc.text rebuilds the string): the last token must end the text.
    if parsed is not None and len(parsed) and \
            parsed[-1].idx + len(parsed[-1].text_with_ws) != len(text):
        raise PipelineError(f"Document {document.id!r}: the parsed spaCy Doc is not a parse of "
                            "document.text; parse the cleaned text (Document.text) itself.")
    if base_date is not None:
        base = parse_base_date(base_date)
    else:
        try:
            base = parse_base_date(document.published)
        except UsageError:
            base = None
    ctx = _Ctx(text, base, day_first, parsed)
    found: list[_Candidate] = []
    for pattern, handler in _RULES:
        body = "body" in pattern.groupindex  # a trigger word before "body" is not the mention
        for m in pattern.finditer(text):
            result = handler(ctx, m)
            if result is not None:
                start = m.start("body") if body and m.start("body") >= 0 else m.start()
                found.append((start, m.end(), *result))
    # Longest candidate first; ties go to the earlier start, then to the order of _RULES.
    found.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for start, end, value, kind in found:
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        out.append(DateMention(doc=document.id, text=text[start:end], start=start, end=end,
                               value=value, kind=kind))
    out.sort(key=lambda d: (d.start, d.end))
    return sorted(out + _shifted(text, out, document.id), key=lambda d: (d.start, d.end))
