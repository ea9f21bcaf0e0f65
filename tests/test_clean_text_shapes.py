"""Issue #16: plain-text boilerplate by its shape (lists, tables, captions, recurring lines,
cut headlines, sign-up boxes) with the article lines that must survive. All text is invented."""

from __future__ import annotations

import pytest

from narratrace.clean import clean_document
from narratrace.clean._lexicon import match_line, tail_heading
from narratrace.types import RawDocument

ARTICLE = [
    "The harbour council in Eastbridge voted on Tuesday to close the old ferry pier for repairs, "
    "a decision that will reroute commuters for at least three months.",
    "Council member Dana Reyes said the structure had failed two inspections this year and that "
    "engineers found corrosion in the main supports.",
    "Local shop owners said they were worried about losing customers while the pier is closed.",
    "The council will publish a timetable for the replacement bus service next week, officials said.",
    "A second vote on the cost of the works is expected before the end of the month, and the "
    "mayor said she would back whichever plan kept the ferry running longest.",
]
NAV = ["Home", "World", "Business", "Sport", "Weather", "Video"]


def raw(text: str) -> RawDocument:
    return RawDocument(id="t", path="t.txt", content=text, format="text", encoding="utf-8")


def page(*parts: list[str] | str) -> str:
    lines: list[str] = []
    for p in parts:
        lines.extend([p] if isinstance(p, str) else p)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("line", "kind"), [
    ("Keep an eye on your inbox for the latest harbour news.", "subscribe"),
    ("No spam, we promise. You can unsubscribe at any time.", "subscribe"),
    ("Please check the opt-in box to confirm that you would like to subscribe.", "subscribe"),
    ("Get the day's top stories and more delivered every morning!", "subscribe"),
    ("Get Harbour Monthly delivered through your letterbox every month.", "subscribe"),
    ("An email has been sent to you. Please activate your subscription with the link in it.", "subscribe"),
    ("By submitting this form you agree to Example Ledger storing your data.", "comments"),
    ("Save my name, email, and website in this browser for the next time I comment.", "comments"),
    ("You may revoke this consent at any time with effect for the future.", "comments"),
    ("Comments are subject to our community guidelines, which can be read here.", "comments"),
    ("Note: all comments are moderated before they appear.", "comments"),
    ("Registration on or use of this site constitutes acceptance of our User Agreement.", "disclaimer"),
    ("The material on this site may not be reproduced without prior written permission.", "disclaimer"),
    ("We may earn a commission on products bought through these links.", "disclaimer"),
    ("Utilizziamo i cookie per darti la migliore esperienza sul nostro sito.", "other"),
    ("A ferry leaves the old pier at dawn on Monday.Credit: Example Agency", "caption"),
    ("The pier supports after the storm. (Example Agency/Jane Doe)", "caption"),
    ("Divers inspect the supports on Friday. (AP)", "caption"),
    ("Dana Reyes speaks to reporters on Tuesday.Jane Doe / Reuters file", "caption"),
    ("Jane Doe is a reporter for Example Ledger.", "other"),
    ("Jane Doe may be reached at jdoe@example.org.", "other"),
    ("Email Jane Doe at jdoe@example.org or follow her @janedoe.", "other"),
])
def test_lexicon_marks_site_speech(line: str, kind: str) -> None:
    assert match_line(line, len(line.split())) == kind


@pytest.mark.parametrize(("line", "kind"), [
    ("6 thoughts on “Pier Closes For Repairs”", "comments"),
    ("Most read in world news", "related"),
    ("Next Up In", "related"),
    ("Read this next", "related"),
    ("Explore further", "related"),
    ("About Jane Doe", "other"), ("About this article", "other"),
])
def test_more_tail_headings(line: str, kind: str) -> None:
    assert tail_heading(line, len(line.split())) == kind


@pytest.mark.parametrize("line", [
    # news sentences that share words with the patterns above
    "The regulator said the personal data of 3,000 customers had been exposed in the breach.",
    "Readers who signed up for the paper's newsletter last year will get a refund, the owner said.",
    "Jane Doe, a reporter for the Gazette, said the vote was close.",
    "Prices rose and fell in June (and the council noticed).",
    "About the study",
    "About 300 people attended.",
    "Moderators said the comments had been left by a single account.",
    "Public comments on the harbour plan were approved by the board on Monday.",
    "Influencers may earn a commission on each sale, the regulator said.",
    "The widget loads inside an iframe on partner sites, the company said.",
])
def test_news_sentences_are_not_site_speech(line: str) -> None:
    n = len(line.split())
    assert match_line(line, n) is None
    assert tail_heading(line, n) is None


def test_numbered_list_between_paragraphs_is_kept() -> None:
    items = [f"{k}) Harbour Lamp Model {k} for sale at the quay" for k in range(1, 13)]
    doc = clean_document(raw(page(NAV, ARTICLE[:2], items, ARTICLE[2], NAV)))
    for item in items:
        assert item in doc.text
    assert ARTICLE[2] in doc.text
    assert "Weather" not in doc.text


def test_numbered_teasers_after_a_wall_are_not_the_article() -> None:
    teasers = [f"{k}. Another Headline About Something Else Number {k}" for k in range(1, 6)]
    doc = clean_document(raw(page(ARTICLE, "Most popular", teasers)))
    assert ARTICLE[-1] in doc.text
    assert "Another Headline" not in doc.text


def test_table_of_numbers_is_kept() -> None:
    rows = [["Pos.", "Crew", "Points"]] + [[str(k), f"Crew {name}", str(100 - 7 * k)]
                                          for k, name in enumerate(["Alder", "Birch", "Cedar", "Dogwood", "Elm"], 1)]
    cells = [c for row in rows for c in row]
    doc = clean_document(raw(page(NAV, ARTICLE[:2], cells, ARTICLE[2:])))
    assert "Crew Cedar" in doc.text and "86" in doc.text
    assert "Weather" not in doc.text


def test_caption_above_a_credit_goes_while_the_article_goes_on() -> None:
    caption = "Commuters wait for the last ferry at the old pier in Eastbridge on Monday evening."
    doc = clean_document(raw(page(ARTICLE[:2], caption, "Jane Doe, Associated Press", ARTICLE[2:])))
    assert caption not in doc.text and "Associated Press" not in doc.text
    assert {"caption", "credit"} <= {r.kind for r in doc.removed}
    assert ARTICLE[2] in doc.text


def test_agency_name_under_the_last_paragraph_keeps_it() -> None:
    doc = clean_document(raw(page(NAV, ARTICLE, "Reuters", "About", "Contact")))
    assert ARTICLE[-1] in doc.text


def test_teasers_parted_by_a_recurring_share_bar_are_cut() -> None:
    teasers = []
    for k in range(4):
        teasers += [f"A different story number {k} whose teaser runs on about an unrelated matter "
                    "in another town for a while, with clauses, commas and a full stop.",
                    "Facebook Pin Save"]
    doc = clean_document(raw(page(NAV, ARTICLE, "Facebook Pin Save", "You may also like", teasers)))
    assert ARTICLE[-1] in doc.text
    assert "different story" not in doc.text


def test_headline_shown_twice_is_the_title_however_long() -> None:
    head = "Eastbridge council votes to close the old ferry pier for three months of repairs after failed inspections"
    doc = clean_document(raw(page(NAV, head, head, ARTICLE)))
    assert doc.title == head
    assert head not in doc.text
    assert ARTICLE[0] in doc.text


def test_headlines_cut_with_an_ellipsis_are_a_link_list() -> None:
    links = ["Mayor says the new bus timetable will...", "Storm damage at the marina is worse...",
             "Ferry crews ask for more pay after...", "Fishing fleet returns early from the..."]
    doc = clean_document(raw(page(ARTICLE, links)))
    assert not any(link in doc.text for link in links)
    assert ARTICLE[-1] in doc.text
    trailing = "She paused. \"We will see what happens...\""
    doc = clean_document(raw(page(ARTICLE[:3], trailing, ARTICLE[3:])))
    assert trailing in doc.text


def test_inline_headline_box_does_not_cut_an_article_that_resumes() -> None:
    box = []
    for k in range(7):
        box += ["KICKER WORD", f"Some Headline Of Another Story Number {k}"]
    doc = clean_document(raw(page(NAV, ARTICLE[:3], "Most read in world news", box, ARTICLE[3:], ARTICLE[:2])))
    assert ARTICLE[4] in doc.text
    assert "Some Headline Of Another Story" not in doc.text


def test_author_box_ends_the_article() -> None:
    bio = ("Jane Doe has covered the harbour for the Example Ledger since 2029 and writes about "
           "transport, planning and the sea, and lives with two cats near the old pier.")
    doc = clean_document(raw(page(NAV, ARTICLE, "About Jane Doe", bio, NAV)))
    assert ARTICLE[-1] in doc.text
    assert bio not in doc.text
