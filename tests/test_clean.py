"""Unit tests for the CLEAN stage: invented boilerplate, article lines that must survive."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import narratrace.clean as clean
from narratrace.clean import boilerplate_lines, clean_document, line_signatures
from narratrace.clean._lexicon import match_line, tail_heading
from narratrace.clean._meta import find_date, glued_byline, syndication_names
from narratrace.errors import CleaningError
from narratrace.types import RawDocument

# An invented article: four paragraphs of sentence-like lines (never copied from any source).
ARTICLE = [
    "The harbour council in Eastbridge voted on Tuesday to close the old ferry pier for repairs, "
    "a decision that will reroute commuters for at least three months.",
    "Council member Dana Reyes said the structure had failed two inspections this year and that "
    "engineers found corrosion in the main supports.",
    "Local shop owners said they were worried about losing customers while the pier is closed.",
    "The council will publish a timetable for the replacement bus service next week, officials said.",
]


def raw(text: str, **kw: object) -> RawDocument:
    return RawDocument(id="t", path="t.txt", content=text, format="text", encoding="utf-8", **kw)  # type: ignore[arg-type]


def test_public_api_is_pinned() -> None:
    assert sorted(clean.__all__) == ["LineCounts", "boilerplate_lines", "clean_document",
                                     "line_signatures"]


@pytest.mark.parametrize(("line", "kind"), [
    ("Legal Disclaimer:", "disclaimer"),
    ("Acme Wire provides this news content \"as is\" without warranty of any kind.", "disclaimer"),
    ("© 2031 Example Media Group. All rights reserved.", "disclaimer"),
    # a cookie banner is site chrome ("other"), not a legal notice about the article
    ("This site uses cookies to improve your browsing experience. By continuing you agree.", "other"),
    ("Download the Foo News app today", "promo"),
    ("Advertisement", "promo"),
    ("Subscribe to our newsletter", "subscribe"),
    ("Sign in", "subscribe"),
    ("Share on Facebook", "share"),
    ("Image credit: Jane Doe / Example Agency", "credit"),
    ("© Example Photo / John Roe", "credit"),
    ("Skip to main content", "navigation"),
    ("By Jane Doe and John Roe", "byline"),
    ("Published: March 4, 2031", "byline"),
    ("4 min read", "byline"),
])
def test_lexicon_marks_boilerplate(line: str, kind: str) -> None:
    assert match_line(line, len(line.split())) == kind


@pytest.mark.parametrize("line", [
    # article sentences that mention lexicon words must not match
    "The company said it would share its findings with regulators on Facebook and elsewhere.",
    "Readers who subscribe to the theory that prices will fall may be disappointed, analysts said.",
    "\"We never asked for this,\" she said.",
    "The app store owner denied the allegations in a statement to reporters on Monday evening, "
    "adding that it had cooperated with the investigation from the start and would continue to.",
    "Home prices rose for the third month in a row.",
])
def test_lexicon_keeps_article_lines(line: str) -> None:
    assert match_line(line, len(line.split())) is None
    assert tail_heading(line, len(line.split())) is None


@pytest.mark.parametrize(("line", "kind"), [
    ("Related Articles", "related"), ("Read more", "related"), ("You may also like", "related"),
    ("More from Example News", "related"), ("Comments", "comments"), ("12 Comments", "comments"),
    ("Leave a reply", "comments"), ("Most popular", "related"),
])
def test_tail_headings(line: str, kind: str) -> None:
    assert tail_heading(line, len(line.split())) == kind


@pytest.mark.parametrize(("text", "iso"), [
    ("Published: May 3, 2031", "2031-05-03"),
    ("date 2031-09-27 Some headline", "2031-09-27"),
    ("Updated 14 February 2030, 10:02", "2030-02-14"),
    ("06-07-2031", "2031-07-06"),  # numeric dates read day-first
    ("12/31/2031", "2031-12-31"),  # unless impossible
    ("no date here, only 2031", None),
    ("Call 555-12-1234 now", None),
])
def test_find_date(text: str, iso: str | None) -> None:
    assert find_date(text) == iso


@pytest.mark.parametrize(("line", "expected"), [
    ("Example Daily06-06-2031", ("Example Daily", "2031-06-06")),
    ("Example Daily 06.06.2031", ("Example Daily", "2031-06-06")),
    ("time5 days ago", None),
    ("The meeting ended on 06-06-2031 without a deal.", None),
])
def test_glued_byline(line: str, expected: tuple[str, str] | None) -> None:
    assert glued_byline(line) == expected


def test_syndication_names() -> None:
    assert syndication_names("Acme Wire provides this news content \"as is\"")[1] == "Acme Wire"
    assert syndication_names("This article was originally published by The Example Post.")[0] == "The Example Post"
    assert syndication_names("The mayor provided no information.") == (None, None)


def _page(*parts: list[str] | str) -> str:
    lines: list[str] = []
    for p in parts:
        lines.extend([p] if isinstance(p, str) else p)
    return "\n".join(lines) + "\n"


NAV = ["Home", "World", "Business", "Sport", "Weather", "Video"]
RELATED = ["Related Articles", "Another Story Headline About Something Else",
           "Some Outlet", "3 days ago",
           "A different story whose teaser is a long paragraph about an unrelated topic that runs on "
           "and on for many words so that it looks like prose, with commas, clauses and a period."]


@pytest.mark.parametrize(("name", "source", "gone_kinds"), [
    ("nav_and_related", _page(NAV, "Pier Closes For Repairs", ARTICLE, RELATED), {"navigation", "related"}),
    ("title_twice", _page("Pier Closes For Repairs", "", "Pier Closes For Repairs", "", ARTICLE), {"title_repeat"}),
    ("disclaimer_wrapped", _page(ARTICLE, "Legal Disclaimer:", "Acme Wire supplies the",
                                 "material \"as is\" and without warranty of any kind; it takes no",
                                 "responsibility for the accuracy of this article."), {"disclaimer"}),
    ("credit_caption_subscribe", _page("© Example Photo / Jane DoeA harbour worker inspects the pier supports on Monday morning before the vote.",
                                       "Subscribe", ARTICLE, "Share on Facebook", "Comments", "No comments yet..."),
     {"credit", "caption", "subscribe", "share", "comments"}),
])
def test_clean_document_table(name: str, source: str, gone_kinds: set[str]) -> None:
    doc = clean_document(raw(source))
    for sentence in ARTICLE:
        assert sentence in doc.text, name
    assert gone_kinds <= {r.kind for r in doc.removed}, name
    for bad in ("Related Articles", "Legal Disclaimer", "Subscribe", "No comments", "Home\n"):
        assert bad not in doc.text, name
    assert "Pier Closes For Repairs" not in doc.text


def test_subheading_and_short_paragraph_inside_article_are_kept() -> None:
    body = [ARTICLE[0], ARTICLE[1], "What Happens Next", "\"It is a sad day,\" she said.",
            "Nobody objected.", ARTICLE[2], ARTICLE[3]]
    doc = clean_document(raw(_page(NAV, body)))
    assert "What Happens Next" in doc.text
    assert "\"It is a sad day,\" she said." in doc.text
    assert "Nobody objected." in doc.text


def test_a_subheading_run_into_its_paragraph_is_cut_and_the_paragraph_kept() -> None:
    glued = ("Engineers Say The Supports Cannot Be SavedThe harbour engineer said the corrosion "
             "had spread to every support and the pier could not be repaired.")
    body = [ARTICLE[0], ARTICLE[1], glued, ARTICLE[2], ARTICLE[3]]
    doc = clean_document(raw(_page(NAV, "Pier Closes For Repairs", body)))
    assert "The harbour engineer said the corrosion had spread" in doc.text
    assert "Cannot Be Saved" not in doc.text
    heading = [r for r in doc.removed if r.kind == "heading"]
    assert [doc.source_text[r.start:r.end] for r in heading] == ["Engineers Say The Supports Cannot Be Saved"]


def test_glued_teasers_among_teasers_are_still_related_stories() -> None:
    teasers = ["Another Story About The Old Town HallThe council is still arguing about the roof.",
               "A Third Story About The Night MarketTraders say the new rules are confusing."]
    doc = clean_document(raw(_page(NAV, "Pier Closes For Repairs", ARTICLE, "Related", teasers)))
    assert "still arguing about the roof" not in doc.text
    assert "new rules are confusing" not in doc.text
    assert not any(r.kind == "heading" for r in doc.removed)


def test_inline_related_box_does_not_cut_the_article() -> None:
    body = [ARTICLE[0], ARTICLE[1], "Related", "Some Headline Of Another Story",
            "Second Headline Of Another Story", ARTICLE[2], ARTICLE[3],
            "The harbour council will meet again next month to review the repair costs and "
            "consider whether to replace the pier entirely, a spokesperson said."]
    doc = clean_document(raw(_page(NAV, body)))
    assert ARTICLE[3] in doc.text
    assert "Some Headline Of Another Story" not in doc.text


def test_metadata_from_text() -> None:
    doc = clean_document(raw(_page("logo", "Pier Closes For Repairs", "Example Daily06-06-2031",
                                   ARTICLE, "Download Harbour Reader app today")))
    assert (doc.title, doc.outlet, doc.published) == ("Pier Closes For Repairs", "Example Daily", "2031-06-06")
    assert doc.syndicator == "Harbour Reader"
    assert "byline" in {r.kind for r in doc.removed}
    assert doc.language is None and doc.format == "text"


def test_dated_title_line() -> None:
    doc = clean_document(raw(_page("date 2031-09-27 Pier Closes For Repairs - Council", ARTICLE)))
    assert doc.published == "2031-09-27"
    assert doc.title == "Pier Closes For Repairs - Council"
    assert "Pier Closes" not in doc.text


def test_raw_metadata_wins() -> None:
    doc = clean_document(raw(_page("Example Daily06-06-2031", ARTICLE), title="Given",
                             published="2030-01-01", outlet="Given Outlet"))
    assert (doc.title, doc.published, doc.outlet) == ("Given", "2030-01-01", "Given Outlet")


@pytest.mark.parametrize("source", ["", "\n\n", "Home\nMenu\nSign in\n", "Related Articles\n"])
def test_no_article_raises(source: str) -> None:
    with pytest.raises(CleaningError, match="no article text|boilerplate"):
        clean_document(raw(source))


def test_corpus_boilerplate() -> None:
    shared = "Orange banner text"
    docs = [raw(_page(ARTICLE[k % 4], ARTICLE[(k + 1) % 4], shared)) for k in range(4)]
    counts: Counter[str] = sum((line_signatures(d) for d in docs), Counter())
    bp = boilerplate_lines(counts, len(docs), min_docs=3)
    assert "orange banner text" in bp
    # article sentences shared by 2 of 4 documents are not boilerplate
    assert all(len(k.split()) <= 30 for k in bp) and len(bp) == 1
    doc = clean_document(docs[0], boilerplate=bp)
    assert shared not in doc.text and "repeated" in {r.kind for r in doc.removed}
    assert boilerplate_lines(counts, 0) == frozenset()


def test_syndicated_sentence_in_many_docs_is_kept() -> None:
    short = "Nobody objected to the plan at the meeting."
    bp = frozenset({clean._signature.line_key(short)})
    doc = clean_document(raw(_page(ARTICLE[0], short, ARTICLE[1])), boilerplate=bp)
    assert short in doc.text


def test_html_document() -> None:
    paras = "".join(f"<p>{s}</p>" for s in ARTICLE * 2)
    page = (f"<html><head><title>Pier Closes</title></head><body><nav><ul><li>Home</li><li>World</li>"
            f"</ul></nav><article><h1>Pier Closes</h1>{paras}</article>"
            f"<footer><p>© 2031 Example Media. All rights reserved.</p></footer></body></html>")
    doc = clean_document(RawDocument("h", "h.html", page, "html", "utf-8"))
    assert ARTICLE[0] in doc.text and "All rights reserved" not in doc.text
    assert "Home" in doc.source_text and doc.format == "html"
    kept = doc.source_text
    for r in doc.removed:
        assert 0 <= r.start < r.end <= len(kept)
    assert any("Home" in kept[r.start:r.end] for r in doc.removed)


_LINES = st.sampled_from(NAV + RELATED + ARTICLE + ["", "Subscribe", "Legal Disclaimer:",
                                                     "© Example Photo / Jane Doe", "Comments"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=25))
def test_removed_spans_are_valid_and_deterministic(lines: list[str]) -> None:
    source = "\n".join(lines)
    try:
        doc = clean_document(raw(source))
    except CleaningError:
        return
    prev_end = 0
    for r in doc.removed:
        assert 0 <= r.start < r.end <= len(doc.source_text)
        assert r.start >= prev_end  # sorted, non-overlapping
        prev_end = r.end
    assert doc.source_text == source
    assert clean_document(raw(source)) == doc
    assert doc.text.strip()
