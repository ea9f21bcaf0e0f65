"""DATES stage: table-driven rules, negatives, invariants. No model is loaded."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narratrace.dates import extract_dates, parse_base_date
from narratrace.errors import PipelineError, UsageError
from narratrace.types import Document

BASE = "2025-09-27"  # a Saturday


def _doc(text: str, published: str | None = BASE) -> Document:
    return Document(id="d", path="-", text=text, source_text=text, published=published)


def _values(text: str, **kw: object) -> list[tuple[str, str, str]]:
    return [(m.text, m.value, m.kind) for m in extract_dates(_doc(text), **kw)]  # type: ignore[arg-type]


CASES = [
    # absolute
    ("The deal was signed on May 30, 2025 in town.", [("May 30, 2025", "2025-05-30", "absolute")]),
    ("It happened on 30 May 2025.", [("30 May 2025", "2025-05-30", "absolute")]),
    ("Dated 2025-05-30 in the file.", [("2025-05-30", "2025-05-30", "absolute")]),
    ("A letter of 15/08/2022 said so.", [("15/08/2022", "2022-08-15", "absolute")]),
    ("A US form of 08/15/2022 said so.", [("08/15/2022", "2022-08-15", "absolute")]),
    ("Ambiguous 05/06/2022 reads day first.", [("05/06/2022", "2022-06-05", "absolute")]),
    ("He left on Sunday, June 30, 2024.", [("Sunday, June 30, 2024", "2024-06-30", "absolute")]),
    ("Published 12-03-2024 online.", [("12-03-2024", "2024-03-12", "absolute")]),
    # partial
    ("Ties were cut in August 2024.", [("August 2024", "2024-08", "partial")]),
    ("In 2023, the talks failed.", [("2023", "2023", "partial")]),
    ("The pact dates from September 2023.", [("September 2023", "2023-09", "partial")]),
    ("Fighting has gone on since 2014.", [("2014", "2014", "partial")]),
    # ranges
    ("Raids on July 24-26, 2024 killed many.", [("July 24-26, 2024", "2024-07-24/2024-07-26", "range")]),
    ("Raids on 24-26 July 2024 killed many.", [("24-26 July 2024", "2024-07-24/2024-07-26", "range")]),
    ("Talks ran between May 1 and May 5, 2024.",
     [("between May 1 and May 5, 2024", "2024-05-01/2024-05-05", "range")]),
    ("The mission lasted from 2019 to 2021.", [("from 2019 to 2021", "2019/2021", "range")]),
    ("Output fell in mid-2024 sharply.", [("mid-2024", "2024-05/2024-08", "range")]),
    ("It ends by the end of July 2025.", [("the end of July 2025", "2025-07-21/2025-07-31", "range")]),
    # relative, against Saturday 2025-09-27
    ("He spoke at the assembly on Friday.", [("Friday", "2025-09-26", "relative")]),
    ("She arrived last Saturday.", [("last Saturday", "2025-09-20", "relative")]),
    ("The minister will visit on Monday.", [("Monday", "2025-09-29", "relative")]),
    ("Troops moved in yesterday.", [("yesterday", "2025-09-26", "relative")]),
    ("Officials met last week.", [("last week", "2025-09-15/2025-09-21", "relative")]),
    ("A report published earlier this week.", [("earlier this week", "2025-09-22/2025-09-27", "relative")]),
    ("The attack came in late May.", [("late May", "2025-05-21/2025-05-31", "relative")]),
    ("Drills began in early June.", [("early June", "2025-06-01/2025-06-10", "relative")]),
    ("Earlier this year, Moscow said so.", [("Earlier this year", "2025-01-01/2025-09-27", "relative")]),
    ("Prices rose last month.", [("last month", "2025-08", "relative")]),
    ("Exports grew this year.", [("this year", "2025", "relative")]),
    ("Posts were attacked on May 30.", [("May 30", "2025-05-30", "relative")]),
    ("The ship sank three days ago.", [("three days ago", "2025-09-24", "relative")]),
    ("Strikes over the past two weeks.", [("the past two weeks", "2025-09-13/2025-09-27", "relative")]),
    # year-less date far after the base date is last year's
    ("In November, the president announced it.", [("November", "2024-11", "relative")]),
    ("On December 12 he resigned.", [("December 12", "2024-12-12", "relative")]),
    ("The summit will be held on October 5.", [("October 5", "2025-10-05", "relative")]),
]

NEGATIVES = [
    "Friday prayers drew large crowds.",
    "It was Good Friday in the city.",
    "Shops opened for Black Friday.",
    "He may leave soon, officials said.",
    "Protesters march on the capital.",
    "Theresa May said nothing.",
    "The March on Rome is history.",
    "There were 2000 cases and 1500 deaths.",
    "He paid $2025 for 300 tons.",
    "Music of the 1990s is back.",
    "Call 555-1234 now.",
    "Fridays are quiet here.",
    "The version 2.0.2024 is out.",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rules(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _values(text) == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_negatives(text: str) -> None:
    assert _values(text) == []


def test_relative_skipped_without_base_date() -> None:
    doc = _doc("On Friday, talks that began on May 30, 2025 resumed; last week too.", None)
    assert [(m.text, m.kind) for m in extract_dates(doc)] == [("May 30, 2025", "absolute")]


def test_base_date_argument_overrides_published() -> None:
    doc = _doc("He spoke on Friday.", "2020-01-01")
    assert extract_dates(doc, base_date="2025-09-27")[0].value == "2025-09-26"


def test_bad_base_date_is_a_usage_error_but_bad_published_is_missing() -> None:
    with pytest.raises(UsageError):
        extract_dates(_doc("on Friday"), base_date="27/09/2025")
    assert extract_dates(_doc("on Friday", "not a date")) == []
    assert parse_base_date("2025-09-27T10:00:00Z").isoformat() == BASE


def test_month_first_option() -> None:
    assert _values("Form of 05/06/2022 here.", day_first=False)[0][1] == "2022-05-06"


def test_parsed_for_another_text_is_refused() -> None:
    import spacy

    with pytest.raises(PipelineError):
        extract_dates(_doc("on Friday"), spacy.blank("en")("something else entirely"))


_WORDS = st.sampled_from(["on", "Friday", "May", "30,", "2025", "in", "August", "late", "last",
                          "week", "the", "army", "15/08/2022", "July", "24-26,", "2024", "said",
                          "yesterday", "earlier", "this", "year", "between", "and", "1", "5", "."])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=25), st.dates().map(lambda d: d.isoformat()))
def test_offsets_are_exact_and_disjoint(words: list[str], base: str) -> None:
    text = " ".join(words)
    found = extract_dates(_doc(text), base_date=base)
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.value[:1].isdigit()
    spans = [(m.start, m.end) for m in found]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
