"""Dates placed by the document date in both directions (#15, the timeline): year-less dates
with a written weekday, future clauses, day-month abbreviations and publication dates read
from a wire's foot line. Invented sentences; the parse-based cases are marked ``model``."""

from __future__ import annotations

import pytest

from narratrace.clean import clean_document
from narratrace.clean._meta import find_date
from narratrace.dates import extract_dates
from narratrace.types import Document, RawDocument


def _values(text: str, base: str, parsed: object = None) -> list[tuple[str, str]]:
    doc = Document(id="d", path="-", text=text, source_text=text, published=base)
    return [(m.text, m.value) for m in extract_dates(doc, parsed)]  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "base", "expected"), [
    # a written weekday picks the year in which the date falls on it, ahead or behind
    ("The club holds its fair on Saturday, 26 April.", "2025-04-15", [("Saturday, 26 April", "2025-04-26")]),
    ("The club held its fair on Saturday, 26 April.", "2025-05-10", [("Saturday, 26 April", "2025-04-26")]),
    ("The fair was on Friday, 26 April.", "2025-04-15", [("Friday, 26 April", "2024-04-26")]),
    ("Talks opened on Monday 3 March in Orvel.", "2025-02-20", [("Monday 3 March", "2025-03-03")]),
    # no weekday: the nearest occurrence the clause's direction allows
    ("On 3 January the talks ended.", "2025-12-20", [("3 January", "2025-01-03")]),
    ("The talks will resume on 3 January.", "2025-12-20", [("3 January", "2026-01-03")]),
    ("The talks ended on 28 December.", "2026-01-04", [("28 December", "2025-12-28")]),
    ("The ferry service would restart on 12 May.", "2025-05-02", [("12 May", "2025-05-12")]),
    # reported future: "would" in the clause before the weekday
    ("She said the pumps would start on Wednesday.", "2025-03-10", [("Wednesday", "2025-03-12")]),
    ("She said the pumps started on Wednesday.", "2025-03-10", [("Wednesday", "2025-03-05")]),
    # a day and a month abbreviation joined by dashes
    ("The listing was first seen on 05-Jun-2024 online.", "2025-01-01", [("05-Jun-2024", "2024-06-05")]),
])
def test_year_less_dates_and_future_clauses(text: str, base: str, expected: list[tuple[str, str]]) -> None:
    assert _values(text, base) == expected


@pytest.mark.parametrize("text", ["Ref 05-Junk-2024 here.", "Code AB-05-Jun-20244 here.", "x05-Jun-2024"])
def test_abbreviated_month_needs_its_own_token(text: str) -> None:
    assert _values(text, "2025-01-01") == []


@pytest.mark.model
@pytest.mark.parametrize(("text", "base", "expected"), [
    # present tense with a weekday is a fixture to come; past tense stays past
    ("The team play away at Orvel on Sunday.", "2025-10-21", "2025-10-26"),
    ("The team played away at Orvel on Sunday.", "2025-10-21", "2025-10-19"),
    ("Police say the fire started on Friday.", "2025-09-27", "2025-09-26"),
    ("The committee is meeting on Thursday.", "2025-09-27", "2025-10-02"),
    ("The minister plans to visit the dam on Monday.", "2025-09-27", "2025-09-29"),
    # "would" inside a relative clause does not make the main clause future
    ("The fire, which would burn for days, broke out on Tuesday.", "2025-08-15", "2025-08-12"),
    ("The mayor said on Tuesday that the roads will reopen.", "2025-09-27", "2025-09-23"),
])
def test_the_parse_tells_past_from_future(text: str, base: str, expected: str) -> None:
    from narratrace.nlp import load_spacy

    parsed = load_spacy("en")(text)
    assert [v for _, v in _values(text, base, parsed)] == [expected]


def test_a_blank_parse_falls_back_to_the_words() -> None:
    import spacy

    text = "She said the pumps would start on Wednesday."
    assert _values(text, "2025-03-10", spacy.blank("en")(text)) == [("Wednesday", "2025-03-12")]


def test_publication_dates_from_a_filed_line_and_an_abbreviated_month() -> None:
    assert find_date("Orvel Daily — Health — 05-Jun-2024") == "2024-06-05"
    body = ("ORVEL, Feb 10 (OWS) - The port authority said on Monday that the cranes had stopped "
            "working for two days after a power fault.\n\n"
            "Dock workers said the queue of lorries stretched for eight kilometres on Sunday.\n\n"
            "The authority expects the cranes to run normally by the end of the week.\n\n")
    text = "Cranes stop at Orvel port\n\n" + body + \
        "Filed: 10 Feb 2025 17:55 UTC | Reporting by Ana Prell | Orvel Wire Service\n"
    doc = clean_document(RawDocument(id="w", path="w.txt", content=text, format="text", encoding="utf-8"))
    assert doc.published == "2025-02-10"
    plain = clean_document(RawDocument(id="p", path="p.txt", content="Cranes stop at Orvel port\n\n" + body,
                                       format="text", encoding="utf-8"))
    assert plain.published is None  # negative: the dateline has no year, nothing else dates it


@pytest.mark.parametrize(("text", "expected"), [
    ("The minister spoke on Wednesday, a day after the paper first reported the payments.",
     [("Wednesday", "2025-10-22"), ("a day after", "2025-10-21")]),
    ("The fire broke out on 13 August. Two days later it was contained.",
     [("13 August", "2025-08-13"), ("Two days later", "2025-08-15")]),
    ("Talks opened on Monday and the deal was signed the next day.",
     [("Monday", "2025-10-20"), ("the next day", "2025-10-21")]),
])
def test_days_counted_from_another_date_of_the_text(text: str, expected: list[tuple[str, str]]) -> None:
    assert _values(text, "2025-10-23") == expected


@pytest.mark.parametrize("text", ["A day after the vote, nobody spoke.", "He left two days later.",
                                  "The next day was quiet."])
def test_a_shift_without_a_day_to_count_from_is_no_date(text: str) -> None:
    assert _values(text, "2025-10-23") == []
