"""CLEAN stage: outlet / syndicator / title metadata and the lexicon filter on trafilatura output.

Every line here is invented (outlets, places and people do not exist). Each table has negative
rows: article sentences that use the lexicons' words in passing must survive.
"""

from __future__ import annotations

from collections import Counter

import pytest

from narratrace.clean import boilerplate_lines, clean_document, line_signatures
from narratrace.clean._html import filter_extracted
from narratrace.clean._lexicon import match_line
from narratrace.clean._meta import (byline_credit, copyright_holder, dateline_credit,
                                    expand_acronym, masthead_name, same_name)
from narratrace.types import RawDocument

ARTICLE = [
    "PORTVILLE, March 3 (NSA) - The river authority in Portville said on Tuesday it would close "
    "the lower locks for two weeks after engineers found cracks in the gates.",
    "Harbour master Ilse Brandt said barges would be rerouted through the eastern channel and "
    "that delays of up to a day were expected.",
    "Shipping firms said the closure came at the worst time of the year for grain exports.",
    "The authority will publish a full repair schedule next week, a spokesman said.",
]
BODY = ARTICLE[1:]  # the same story without the wire dateline


def raw(text: str, **kw: object) -> RawDocument:
    return RawDocument(id="t", path="t.txt", content=text, format="text", encoding="utf-8", **kw)  # type: ignore[arg-type]


def page(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


# --------------------------------------------------------------------------- lexicon


@pytest.mark.parametrize(("line", "kind"), [
    ("This article is republished from Northsea Wire under a content-sharing licence.", "disclaimer"),
    ("This story was reprinted with permission from The Lowland Courier.", "disclaimer"),
    ("Northsea Wire is solely responsible for its content.", "disclaimer"),
    ("The Portville Post does not endorse the views expressed and accepts no liability for errors.",
     "disclaimer"),
    ("This material may not be published, broadcast, rewritten or redistributed.", "disclaimer"),
    ("We and our partners use cookies to measure traffic.", "other"),
    ("About us · Advertise · Privacy policy", "navigation"),
    ("A lock keeper checks the gates on Monday. Photo: Northsea Wire", "caption"),
    ("By Ilse Brandt · 3 March 2031 · 4 min read", "byline"),
    ("Download our app for breaking news alerts.", "promo"),
])
def test_lexicon_new_rows(line: str, kind: str) -> None:
    assert match_line(line, len(line.split())) == kind


@pytest.mark.parametrize("line", [
    "The report was republished by three regional papers on Wednesday, the authority said.",
    "This article was republished by several outlets after the minister's remarks.",
    "The story was republished from the agency feed by dozens of sites, a study found.",
    "The new tracking app lets barge crews book a lock slot an hour in advance, the authority said.",
    "Contact the harbour office for details of the detour.",
    "Privacy advocates criticised the plan to film the locks around the clock.",
    "The minister said the photo: was taken years ago and proved nothing.",
])
def test_lexicon_keeps_article_sentences(line: str) -> None:
    assert match_line(line, len(line.split())) is None


# --------------------------------------------------------------------------- HTML post-filter


@pytest.mark.parametrize(("lines", "gone", "kinds"), [
    # a reprint notice closing the extraction
    ([*BODY, "This article is republished from Northsea Wire under a content-sharing licence. "
      "Northsea Wire is solely responsible for its content and accepts all liability for it."],
     1, {"disclaimer"}),
    # a share bar and a short promo inside the text
    ([BODY[0], "Share on Facebook", BODY[1], "Download our app", BODY[2]], 2, {"share", "promo"}),
    # the title repeated as the first line
    (["Locks Close For Repairs", *BODY], 1, {"title_repeat"}),
    # a "More from" heading followed by headlines only
    ([*BODY, "More from World", "Ferry strike enters third week", "Recount ordered in mayoral vote"],
     3, {"related"}),
    # negatives: sentences that mention republishing or an app, in the middle or at the end
    ([BODY[0], "The report was republished by three regional papers on Wednesday, the authority "
      "said, and the app that tracks barges showed long queues at the lower locks.", BODY[1]], 0, set()),
    ([*BODY, "Crews can download the authority's app to book a slot, and the timetable will be "
      "republished from Monday with the new closing hours for every lock on the river."], 0, set()),
    # a byline kept above the article goes; a sentence opening with "By <Day>," stays
    (["By Ilse Brandt, Northsea Wire", *BODY], 1, {"byline"}),
    (["By Tuesday, the locks had been closed to all traffic.", *BODY], 0, set()),
    # a long lexicon line in the middle is article text
    ([BODY[0], "Readers who want to subscribe to the authority's alerts can sign up for the "
      "free newsletter, which lists closures a week ahead, officials said on Tuesday.", BODY[1]],
     0, set()),
])
def test_filter_extracted(lines: list[str], gone: int, kinds: set[str]) -> None:
    text, dropped = filter_extracted("\n".join(lines), title="Locks Close For Repairs")
    kept = text.split("\n")
    assert len(kept) == len(lines) - gone
    assert set(dropped.values()) == kinds
    for sentence in BODY:
        if sentence in lines:
            assert sentence in kept


def test_html_reprint_notice_removed_with_offsets() -> None:
    notice = ("This article is republished from Northsea Wire under a content-sharing licence. "
              "Northsea Wire is solely responsible for its content.")
    paras = "".join(f"<p>{s}</p>" for s in ARTICLE)
    html = (f"<html><head><title>Locks close</title><meta property='og:site_name' "
            f"content='The Portville Post'></head><body>"
            f"<div class='cookies'><p>We use cookies to personalise content. By continuing you "
            f"agree to our use of cookies.</p></div><nav><a>Home</a> <a>World</a></nav>"
            f"<article><h1>Locks close</h1><p>By Ilse Brandt, Northsea Wire</p>{paras}"
            f"<div class='republish'><p>{notice}</p></div></article>"
            f"<footer><p>© 2031 The Portville Post Ltd.</p></footer></body></html>")
    doc = clean_document(RawDocument("h", "h.html", html, "html", "utf-8"))
    assert "republished" not in doc.text and ARTICLE[-1] in doc.text
    spans = {doc.source_text[r.start:r.end].strip(): r.kind for r in doc.removed}
    assert [k for s, k in spans.items() if s.startswith(notice)] == ["disclaimer"]
    assert "By Ilse Brandt" not in doc.text  # the byline trafilatura kept
    assert any(k == "other" and "cookies" in s for s, k in spans.items())  # not "disclaimer"
    assert (doc.outlet, doc.syndicator) == ("The Portville Post", "Northsea Wire")


# --------------------------------------------------------------------------- name helpers


@pytest.mark.parametrize(("line", "name"), [
    ("Lowland Ledger | World", "Lowland Ledger"),
    ("PORTVILLE PILOT — channel post, 2031-03-03", "Portville Pilot"),
    ("Lowland Courier — 3 March 2031", "Lowland Courier"),
    ("Le Messager de l'Ouest", "Le Messager de l'Ouest"),
    ("Ministry of Waterways of Lowlandia, Press Office", "Ministry of Waterways of Lowlandia"),
    ("Shipping firms said the closure came too late.", None),
    ("By Ilse Brandt", None),
    ("Locks close: \"we had no choice\"", None),
])
def test_masthead_name(line: str, name: str | None) -> None:
    found = masthead_name(line)
    assert (found[0] if found else None) == name


@pytest.mark.parametrize(("fn", "line", "name"), [
    (dateline_credit, "PORTVILLE, March 3 (NSA) - The river authority said", "NSA"),
    (dateline_credit, "ESTERBURG (Northsea Wire) - Officials said", "Northsea Wire"),
    (dateline_credit, "PORTVILLE - The river authority said", None),
    (dateline_credit, "The authority (NSA) said on Tuesday - again - that", None),
    (byline_credit, "By Ilse Brandt, Lowland Today", "Lowland Today"),
    (byline_credit, "By Ilse Brandt and Jan Roe, Northsea Wire · 3 March 2031", "Northsea Wire"),
    (byline_credit, "By Ilse Brandt, Senior Correspondent", None),
    (byline_credit, "By Tuesday, the locks had been closed", None),
    (copyright_holder, "© 2031 The Beacon", "The Beacon"),
    (copyright_holder, "© 2031 The Portville Post Ltd. Privacy | Terms", "The Portville Post"),
    (copyright_holder, "Lowland Courier © 2031. All rights reserved.", "Lowland Courier"),
    (copyright_holder, "© Example Photo / Jan Roe", None),
    (copyright_holder, "© 2031. Corrections", None),
])
def test_credit_helpers(fn: object, line: str, name: str | None) -> None:
    assert fn(line) == name  # type: ignore[operator]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("NSA", "Northsea Shipping Agency", True),
    ("The Portville Post", "Portville Post Ltd", True),
    ("Lowland Today", "Lowland Courier", False),
    (None, "Lowland Today", False),
])
def test_same_name(a: str | None, b: str, same: bool) -> None:
    assert same_name(a, b) is same


def test_expand_acronym() -> None:
    text = "In an interview with the Northsea Shipping Agency, she said"
    assert expand_acronym("NSA", text) == "Northsea Shipping Agency"
    assert expand_acronym("XYZ", text) == "XYZ"


# --------------------------------------------------------------------------- documents


@pytest.mark.parametrize(("name", "source", "title", "outlet", "syndicator"), [
    ("title_masthead_date", page("Locks close for two weeks", "Lowland Ledger | World",
                                 "3 March 2031", *BODY),
     "Locks close for two weeks", "Lowland Ledger", None),
    ("masthead_first", page("PORTVILLE PILOT — channel post, 2031-03-03",
                            "URGENT: locks close without warning", *BODY),
     "URGENT: locks close without warning", "Portville Pilot", None),
    ("title_name_date_layout", page("Locks close for two weeks", "Brandt Brothers Shipping",
                                    "March 3, 2031", *BODY),
     "Locks close for two weeks", "Brandt Brothers Shipping", None),
    ("wire_copy", page("Locks close for two weeks", "date 2031-03-04", "Lowland Ledger | World",
                       *ARTICLE), "Locks close for two weeks", "Lowland Ledger", "NSA"),
    ("wire_own_page", page("Locks close for two weeks", "Northsea Shipping Agency03-03-2031",
                           *ARTICLE), "Locks close for two weeks", "Northsea Shipping Agency", None),
    ("byline_credit_only", page("Locks close for two weeks", "By Ilse Brandt, Lowland Today", *BODY),
     "Locks close for two weeks", "Lowland Today", None),
    ("copyright_footer", page("Locks close for two weeks", *BODY, "© 2031 The Beacon"),
     "Locks close for two weeks", "The Beacon", None),
    ("site_with_slogan", page("Locks close for two weeks", "Canal Whispers - news the lock keepers won't tell you",
                              *BODY), "Locks close for two weeks", "Canal Whispers", None),
    ("name_and_acronym", page("Locks close for two weeks", "Lowland Information Service (LIS)",
                              "03.03.2031, 10:15", *BODY), "Locks close for two weeks", "Lowland Information Service", None),
    ("run_together_name", page("Locks close for two weeks", "LockPress | 2031-03-03 | Shipping", *BODY),
     "Locks close for two weeks", "LockPress", None),
    ("run_together_lower", page("Locks close for two weeks", "Lockpress", "2031-03-03", *BODY),
     "Locks close for two weeks", "Lockpress", None),
    ("slogan_under_a_question", page("Will the locks close for good?",
                                     "Canal Whispers - news the lock keepers won't tell you", *BODY),
     "Will the locks close for good?", "Canal Whispers", None),
    # negatives: a place dateline over a date is no outlet; no credit, no outlet; a name over
    # a sentence is no slogan
    ("name_over_sentence", page("Locks close for two weeks", "Portville Harbour - the locks were shut today.",
                                *BODY), "Locks close for two weeks", None, None),
    ("place_dateline", page("Locks close for two weeks", "Portville, 03-03-2031", *BODY),
     "Locks close for two weeks", None, None),
    ("nothing_stated", page("Locks close for two weeks", *BODY), "Locks close for two weeks", None, None),
])
def test_text_metadata(name: str, source: str, title: str, outlet: str | None,
                       syndicator: str | None) -> None:
    doc = clean_document(raw(source))
    assert (doc.title, doc.outlet, doc.syndicator) == (title, outlet, syndicator), name
    for sentence in BODY:
        assert sentence in doc.text, name
    assert title not in doc.text, name
    if outlet:
        assert not doc.text.startswith(outlet.upper()) and outlet not in doc.text.split("\n")[0]


def test_masthead_line_is_removed_as_byline() -> None:
    doc = clean_document(raw(page("Locks close for two weeks", "Lowland Ledger | World",
                                  "3 March 2031", *BODY)))
    kinds = {doc.source_text[r.start:r.end].strip(): r.kind for r in doc.removed}
    assert kinds["Lowland Ledger | World\n\n3 March 2031"] == "byline"
    assert doc.published == "2031-03-03"


def test_syndicated_story_is_not_corpus_boilerplate() -> None:
    """Three copies of one story with different site furniture: the shared sentences stay
    article text (they recur with their neighbours); the shared menu line is boilerplate."""
    sites = [["Home", "Sign in"], ["Menu", "Weather"], ["Search", "Video"]]
    docs = [raw(page(*furniture, *ARTICLE, "Orange banner text")) for furniture in sites]
    counts: Counter[str] = sum((line_signatures(d) for d in docs), Counter())
    bp = boilerplate_lines(counts, len(docs))
    assert "orange banner text" in bp
    assert not any(k.startswith("shipping firms") or k.startswith("the authority") for k in bp)
    doc = clean_document(docs[0], boilerplate=bp)
    assert doc.text.endswith(ARTICLE[-1])
    assert "repeated" in {r.kind for r in doc.removed}
