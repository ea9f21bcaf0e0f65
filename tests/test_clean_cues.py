"""Issue #16 item 5: outlet, syndicator and date from text cues; unknown is better than wrong.

Every text is invented for these tests; the names are fictional outlets.
"""

from __future__ import annotations

import pytest

from narratrace.clean import clean_document
from narratrace.types import RawDocument

BODY = ("The regional council approved the new water plan on Tuesday after a debate that "
        "lasted most of the afternoon, officials said.\n\nThe plan now goes to the ministry, "
        "which has three months to reply to the council.\n")


def _clean(text: str):  # noqa: ANN202 - a Document
    return clean_document(RawDocument("d", "a.txt", text, "text", "utf-8"))


@pytest.mark.parametrize(("text", "outlet", "syndicator", "published"), [
    # a dateline with a date names the agency and the day
    (f"Water plan passes\n\nGENEVA, 23 June 2031 (Example Wire) - {BODY}",
     "Example Wire", None, "2031-06-23"),
    # a byline with an outlet word
    (f"Water plan passes\n\nby Jane Roe, The Example Daily:\n\n{BODY}", "The Example Daily", None, None),
    # a copyright line with a dotted corporate suffix
    (f"Water plan passes\n\n{BODY}\n©2031 Example Ledger L.P.\n", "Example Ledger", None, None),
    # credit lines, by name and by URL: the source the text came from, not its publisher
    (f"Water plan passes\n\n{BODY}\nSource: Example Wire\n", None, "Example Wire", None),
    (f"Water plan passes\n\n{BODY}\nSource: https://www.example-press.org/2031/06/water-plan/\n",
     None, "example-press.org", None),
], ids=["dateline", "byline", "copyright", "source-name", "source-url"])
def test_issue16_text_cues(text: str, outlet: str, syndicator: str | None,
                           published: str | None) -> None:
    doc = _clean(text)
    assert (doc.outlet, doc.syndicator, doc.published) == (outlet, syndicator, published)


@pytest.mark.parametrize("text", [
    # a place after the author's name is not an outlet
    f"Water plan passes\n\nBy Jane Roe, Geneva\n\n{BODY}",
    # a name-shaped headline over a byline is not a masthead
    f"The Council Finally Agrees Again\n\nby Jane Roe\n\n{BODY}",
    # an organisation named in the repeated headline and the text is the topic, not the outlet
    f"Regional Water Taskforce\n\nRegional Water Taskforce\n\nThe Regional Water Taskforce "
    f"met on Tuesday to discuss the plan, and its members agreed on most points.\n\n{BODY}",
    # a source line that is a sentence
    f"Water plan passes\n\n{BODY}\nSource: officials who asked not to be named said so.\n",
], ids=["byline-place", "headline-over-byline", "topic-organisation", "source-sentence"])
def test_issue16_no_outlet_rather_than_a_wrong_one(text: str) -> None:
    doc = _clean(text)
    assert doc.outlet is None and doc.syndicator is None


def test_issue16_embedded_post_date_is_not_the_publication_date() -> None:
    text = (f"Water plan passes\n\n{BODY}\nWe will keep going.\n"
            "— Jane Roe (@janeroe_example) June 2, 2031\n\nMore reaction followed in the "
            "evening, when the mayor spoke to reporters outside the hall.\n")
    assert _clean(text).published is None
