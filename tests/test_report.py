"""The static HTML report: content, escaping of hostile text, CSP, tolerance, speed."""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import narratrace.report as report_pkg
from narratrace.report import render_report, unpack_html
from narratrace.report._highlight import Span, highlight


def render(analysis: Any) -> str:
    """The report page with every packed tab unpacked (what a reader sees)."""
    return unpack_html(render_report(analysis))


# --------------------------------------------------------------------------- fixtures

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> javascript:alert(2)'

TEXT_A = ('Minister Ana Brel said on Friday that "the bridge will open in May". '
          'According to the port authority, costs allegedly doubled. '
          'The mayor denied that any money was lost.')
SOURCE_A = "HOME | NEWS | SPORT\n" + TEXT_A + "\nThis article is republished from Wire X under licence."


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def full_analysis() -> dict[str, Any]:
    """A hand-made analysis.json dict with every key filled."""
    q_start, q_end = _span(TEXT_A, "the bridge will open in May")
    d_start, d_end = _span(TEXT_A, "on Friday")
    nav = _span(SOURCE_A, "HOME | NEWS | SPORT")
    disc = _span(SOURCE_A, "This article is republished from Wire X under licence.")
    brel = _span(TEXT_A, "Ana Brel")
    hostile_text = f"Body {HOSTILE} end. The envoy said it was fine."
    h_start, h_end = _span(hostile_text, "it was fine")
    return {
        "schema_version": "1.0",
        "generated_at": "2025-06-30T12:00:00+00:00",
        "documents": [
            {"id": "docA", "path": "corpus/a.html", "title": "Bridge opening delayed",
             "outlet": "Harbour Post", "syndicator": "Wire X", "url": "https://harbour.example/a",
             "published": "2025-06-13", "language": "en", "analysed": True, "text": TEXT_A,
             "source_text": SOURCE_A,
             "removed": [{"kind": "navigation", "start": nav[0], "end": nav[1]},
                         {"kind": "disclaimer", "start": disc[0], "end": disc[1]}]},
            {"id": "docH", "path": "corpus/h.txt", "title": f"Evil {HOSTILE}",
             "outlet": f"Outlet {HOSTILE}", "url": "javascript:alert(3)", "published": "2025-06-14",
             "language": "en", "analysed": True, "text": hostile_text,
             "source_text": hostile_text, "removed": []},
            {"id": "docD", "path": "corpus/d.txt", "title": "Brückenstreit", "outlet": "Rundblick",
             "published": "2025-06-20", "language": "de", "analysed": False,
             "text": "Ein Text.", "source_text": "Ein Text.", "removed": []},
        ],
        "errors": [{"path": "bad/empty.txt", "stage": "ingest", "reason": "empty (0 bytes)"},
                   {"path": f"bad/{HOSTILE}", "stage": "ingest", "reason": HOSTILE}],
        "entities": [
            {"id": "e1", "name": "Ana Brel", "type": "person", "aliases": ["Anna Brel", "Brel"],
             "mentions": [{"doc": "docA", "start": brel[0], "end": brel[1], "text": "Ana Brel"}]},
            {"id": "e2", "name": HOSTILE, "type": "organisation", "aliases": [HOSTILE],
             "mentions": []},
        ],
        "attributions": [
            {"id": "a1", "doc": "docA", "kind": "direct",
             "speaker": {"text": "Ana Brel", "start": brel[0], "end": brel[1], "entity": "e1"},
             "cue": "said", "content": "the bridge will open in May", "start": q_start,
             "end": q_end, "medium": "Radio Harbour", "stance": "asserts",
             "hedges": ["allegedly"]},
            {"id": "a2", "doc": "docH", "kind": "indirect",
             "speaker": {"text": HOSTILE, "start": None, "end": None, "entity": None},
             "cue": HOSTILE, "content": HOSTILE, "start": h_start, "end": h_end,
             "medium": HOSTILE, "stance": "denies", "hedges": [HOSTILE]},
        ],
        "dates": [{"doc": "docA", "text": "on Friday", "start": d_start, "end": d_end,
                   "value": "2025-06-13", "kind": "relative"}],
        "reuse": [{"a": "docA", "b": "docH", "kind": "syndicated", "score": 0.93,
                   "passages": [[0, 20, 0, 20]], "direction": "a->b"}],
        "claims": [{"id": "c1", "doc": "docA", "text": "The bridge will open in May",
                    "start": q_start, "end": q_end, "attributed_to": "Ana Brel",
                    "stance": "asserts"}],
        "claim_families": [{"id": "f1", "label": "Bridge opens in May", "claims": ["c1"],
                            "docs": ["docA", "docH"], "origins": ["docA"],
                            "independent_origins": 1, "first_seen": "2025-06-13",
                            "circular": True}],
        "citations": [{"doc": "docA", "source": "port authority", "kind": "official",
                       "start": 0, "end": 10}],
        "events": [{"id": "ev1", "date": "2025-06-13", "date_text": "on Friday",
                    "summary": "Minister announces bridge opening", "docs": ["docA"],
                    "places": ["Harbour"], "actors": ["Ana Brel"]},
                   {"id": "ev2", "date": "2025-05-01", "date_text": "May",
                    "summary": HOSTILE, "docs": ["docH", "unknown-doc"], "places": [],
                    "actors": []}],
        "narratives": [{"doc": "docA", "narrative": "Criticism of institutions",
                        "subnarrative": "Corruption", "score": 0.71,
                        "evidence": [[q_start, q_end], [9999, 10005]]}],
        "framing": [{"doc": "docA", "entity": "e1", "start": brel[0], "end": brel[1],
                     "main_role": "Protagonist", "fine_roles": ["Guardian"], "score": 0.6}],
    }


class _Tags(HTMLParser):
    """Collects every tag, its attributes, and the text of <script>/<style> blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.depth = 0
        self.min_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.blocks:
            self._in = tag
            self.blocks[tag].append("")
        if tag == "span":
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.blocks:
            self._in = None
        if tag == "span":
            self.depth -= 1
            self.min_depth = min(self.min_depth, self.depth)

    def handle_data(self, data: str) -> None:
        if self._in:
            self.blocks[self._in][-1] += data


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def page() -> str:
    return render(full_analysis())


# --------------------------------------------------------------------------- content


def test_public_api_is_pinned() -> None:
    assert report_pkg.__all__ == ["iter_report", "render_report", "unpack_html", "write_report"]


def test_documents_listed_with_title_outlet_date_language(page: str) -> None:
    table = page[page.index('id="doctable"'):page.index("</table>", page.index('id="doctable"'))]
    for title, outlet, date, lang in (("Bridge opening delayed", "Harbour Post", "2025-06-13", "en"),
                                      ("Brückenstreit", "Rundblick", "2025-06-20", "de")):
        row = next(r for r in table.split("<tr") if title in r)
        assert outlet in row and date in row and lang in row
    assert "not analysed" in table  # the German document is flagged
    assert "(via Wire X)" in table


def test_errors_table_lists_reasons(page: str) -> None:
    assert "bad/empty.txt" in page and "empty (0 bytes)" in page


def test_removed_spans_are_greyed_and_labelled_by_kind(page: str) -> None:
    assert '<span class="rm k-navigation" title="Removed: navigation">' \
           '<span class="lbl">navigation</span>HOME | NEWS | SPORT</span>' in page
    assert '<span class="lbl">disclaimer</span>This article is republished' in page
    assert "Show removed boilerplate (disclaimer 1, navigation 1)" in page


def test_attributions_highlighted_with_tooltip(page: str) -> None:
    m = re.search(r'<span class="att (sp\d+)" title="([^"]*)">the bridge will open in May</span>',
                  page)
    assert m, "direct quote not highlighted"
    tip = m.group(2)
    for part in ("Speaker: Ana Brel", "cue: said", "medium: Radio Harbour", "stance: asserts",
                 "hedges: allegedly"):
        assert part in tip
    # The speaker span shares the attribution's colour; the denial carries the deny class.
    assert f'class="spk {m.group(1)}"' in page
    assert re.search(r'<span class="att sp\d+ deny" title="[^"]*">it was fine</span>', page)


def test_entities_dates_and_what_an_entity_said(page: str) -> None:
    assert 'title="Entity: Ana Brel (person)"' in page
    assert 'class="dt" title="Date: 2025-06-13 (relative)">on Friday</span>' in page
    entities = page[page.index('id="entities"'):page.index('id="attributions"')]
    assert "Anna Brel, Brel" in entities and "1 statement<" in entities
    assert "the bridge will open in May" in entities


def test_reuse_families_narratives_timeline(page: str) -> None:
    assert "syndicated" in page and "0.93" in page and "a-&gt;b" in page
    assert "circular sourcing" in page and "1 independent origin ·" in page
    assert "Criticism of institutions" in page and "“the bridge will open in May”" in page
    timeline = page[page.index('id="timeline"'):]
    # Events are sorted by date: May before June.
    assert timeline.index("2025-05-01") < timeline.index("2025-06-13")
    assert "Minister announces bridge opening" in timeline


# --------------------------------------------------------------------------- hostile input


def test_hostile_text_is_escaped(page: str) -> None:
    parsed = _parse(page)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    code = [a for a in scripts if a.get("type") != "application/json"]
    assert code == [{}, {}], "only our own two inline scripts (report + graph), no src"
    assert not [tag for tag, _ in parsed.tags if tag in ("img", "iframe", "object", "embed")]
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler attribute on <{tag}>"
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name)
    for attrs, block in zip(scripts, parsed.blocks["script"]):
        if attrs.get("type") != "application/json":
            assert "alert(1)" not in block
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and "javascript:alert(3)" not in page


def test_ids_and_hrefs_carry_no_data(page: str) -> None:
    for tag, attrs in _parse(page).tags:
        if "id" in attrs:
            assert re.fullmatch(r"(graph-)?[def]\d+|graph-corpus|[a-z]+", attrs["id"] or ""), \
                attrs["id"]
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or href.startswith("https://harbour.example/"), href


def test_csp_hashes_match_the_inline_blocks(page: str) -> None:
    parsed = _parse(page)
    meta = next(a for t, a in parsed.tags
                if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    csp = meta["content"] or ""
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp

    def digest(block: str) -> str:
        return base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()

    scripts = [a for t, a in parsed.tags if t == "script"]
    code = [b for a, b in zip(scripts, parsed.blocks["script"]) if a.get("type") is None]
    assert len(code) == 2
    assert f"script-src 'sha256-{digest(code[0])}' 'sha256-{digest(code[1])}';" in csp
    assert f"style-src 'sha256-{digest(parsed.blocks['style'][0])}'" in csp
    assert not [a for _, a in parsed.tags if "style" in a], "inline style attributes are blocked"


def test_no_external_resources(page: str) -> None:
    for tag, attrs in _parse(page).tags:
        assert "src" not in attrs, tag
        if tag == "link":
            pytest.fail("no <link> to external CSS")


# --------------------------------------------------------------------------- packed tabs


def test_heavy_tabs_are_packed_and_the_rest_is_plain() -> None:
    packed_page = render_report(full_analysis())
    parsed = _parse(packed_page)
    scripts = [(a.get("type"), a.get("class"), b)
               for (t, a), b in zip([x for x in parsed.tags if x[0] == "script"],
                                    parsed.blocks["script"])]
    data = [b for kind, cls, b in scripts if kind == "text/x-narratrace-tab"]
    assert len(data) == 6 and all(cls == "tab-data" for kind, cls, _ in scripts
                                  if kind == "text/x-narratrace-tab")
    assert all(re.fullmatch(r"[A-Za-z0-9+/]+=*", b) for b in data), "base64 only"
    assert [kind for kind, _, _ in scripts if kind not in ("text/x-narratrace-tab",)] == \
        ["application/json", None, None]  # the graph's data, then our two scripts
    # The overview and the graph are plain; a document's text is only in the packed data.
    assert 'id="doctable"' in packed_page and 'data-graph="graph-corpus"' in packed_page
    assert "the bridge will open in May" not in packed_page.split('id="documents"')[1]
    # Each packed tab says which anchors it holds, so a deep link unpacks the right one.
    for tab, prefix in (("documents", "d"), ("entities", "e"), ("reuse", "f")):
        assert f'<section id="{tab}" class="tab packed" data-anchors="{prefix}">' in packed_page
    unpacked = unpack_html(packed_page)
    assert "text/x-narratrace-tab" not in unpacked and "Unpacking…" not in unpacked
    assert '<details id="d0" class="doc">' in unpacked


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=40), st.integers(1, 500))
def test_packed_pieces_decode_to_the_text(pieces: list[str], batch: int) -> None:
    import narratrace.report._pack as pack

    original = pack.BATCH_CHARS
    pack.BATCH_CHARS = batch  # small batches: many base64 pieces, carries across them
    try:
        data = "".join(pack.packed(iter(pieces)))
    finally:
        pack.BATCH_CHARS = original
    assert re.fullmatch(r"[A-Za-z0-9+/]*=*", data)
    assert gzip.decompress(base64.b64decode(data)).decode("utf-8") == "".join(pieces)


def test_write_report_streams_the_same_page(tmp_path) -> None:
    from narratrace.report import iter_report, write_report

    target = write_report(full_analysis(), tmp_path / "report.html")
    assert target.read_text(encoding="utf-8") == render_report(full_analysis())
    assert sum(1 for _ in iter_report(full_analysis())) > 10  # pieces, not one string
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


# --------------------------------------------------------------------------- tolerance


@pytest.mark.parametrize("analysis", [
    {},
    {"documents": []},
    {"documents": None, "entities": "junk", "attributions": 3},
    {"documents": [{"id": "x"}]},  # no text, no title, no source_text
    {"documents": [None, "junk", 7, {"id": "x", "text": "hi", "removed": "junk"}]},
    {"documents": [{"id": "x", "text": "abc", "source_text": "abc",
                    "removed": [{"kind": "<b>", "start": "0", "end": 2}, None,
                                {"kind": "promo", "start": -5, "end": 99},
                                {"kind": "promo", "start": float("inf"), "end": 1}]}],
     "attributions": [{"doc": "x", "speaker": None, "start": 2, "end": 1},
                      {"doc": "nope", "speaker": "str", "start": 0, "end": 3},
                      {"doc": "x", "speaker": {"text": None}, "start": True, "end": 3}],
     "dates": [{"doc": "x", "start": None}], "narratives": [{"doc": "x", "evidence": [[1], "a"]}],
     "reuse": [{"a": "x", "b": "missing", "passages": [[5], None]}],
     "claim_families": [{"claims": None, "docs": "x"}], "events": [{}], "framing": [{}]},
    {"documents": [{"id": "dup", "text": "one"}, {"id": "dup", "text": "two"}]},
], ids=["empty", "empty-docs", "wrong-types", "bare-doc", "junk-items", "bad-offsets", "dup-ids"])
def test_missing_keys_and_junk_are_tolerated(analysis: dict[str, Any]) -> None:
    page = render(analysis)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parsed = _parse(page)
    assert parsed.depth == 0 and parsed.min_depth >= 0


def test_unsafe_urls_are_not_linked() -> None:
    for url, linked in (("https://ok.example/a", True), ("http://ok.example/b", True),
                        ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
                        (" javascript:alert(1)", False), ("data:text/html,<b>x</b>", False),
                        ("java\tscript:alert(1)", False), ("//evil.example/x", False)):
        page = render({"documents": [{"id": "x", "text": "t", "url": url}]})
        assert (f'href="{html.escape(url, quote=True)}"' in page
                or f'href="{url}"' in page) is linked, url


# --------------------------------------------------------------------------- highlighting


def _strip(markup: str) -> str:
    """Drop the tags and labels we add, then unescape: must give the original text back."""
    markup = re.sub(r'<span class="lbl">[^<]*</span>', "", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("abc", [], "abc"),
    ("a<b", [], "a&lt;b"),
    ("abc", [Span(0, 3, "x")], '<span class="x">abc</span>'),
    ("abc", [Span(1, 1, "x")], "abc"),  # empty span: nothing
    ("abc", [Span(2, 1, "x")], "abc"),  # inverted span: nothing
    ("abc", [Span(5, 9, "x")], "abc"),  # beyond the end: nothing
    ("abc", [Span(-4, 1, "x")], '<span class="x">a</span>bc'),  # clipped
    ("abcd", [Span(0, 4, "o"), Span(1, 2, "i")],
     '<span class="o">a<span class="i">b</span>cd</span>'),  # nested
    ("abcd", [Span(1, 2, "i"), Span(0, 4, "o")],
     '<span class="o">a<span class="i">b</span>cd</span>'),  # order does not matter
    ("abcd", [Span(0, 3, "p"), Span(1, 4, "q")],  # crossing: q is closed and re-opened
     '<span class="p">a<span class="q">bc</span></span><span class="q">d</span>'),
    ("ab", [Span(0, 2, "x", title='"><i>')], '<span class="x" title="&#34;&gt;&lt;i&gt;">ab</span>'),
])
def test_highlight_table(text: str, spans: list[Span], expected: str) -> None:
    assert str(highlight(text, spans)) == expected


def test_highlight_label_written_once_across_reopen() -> None:
    out = str(highlight("abcd", [Span(0, 3, "p", label="L<"), Span(1, 4, "q", label="M")]))
    assert out.count("L&lt;") == 1 and out.count(">M<") == 1
    assert _strip(out) == "abcd"


_spans = st.lists(st.builds(Span, st.integers(-5, 60), st.integers(-5, 60),
                            st.sampled_from(["a", "b", "c"]), st.text(max_size=5),
                            st.sampled_from(["", "k"])), max_size=12)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab <>&\"'\n\u00e9")), max_size=50),
       spans=_spans)
def test_highlight_invariants(text: str, spans: list[Span]) -> None:
    out = str(highlight(text, spans))
    assert _strip(out) == text
    parsed = _parse(f"<div>{out}</div>")
    assert parsed.depth == 0 and parsed.min_depth >= 0
    assert {t for t, _ in parsed.tags} <= {"div", "span"}


@settings(max_examples=40, deadline=None)
@given(spans=_spans, removed=_spans)
def test_render_report_with_random_offsets(spans: list[Span], removed: list[Span]) -> None:
    text = "Alpha said <b>beta</b> & gamma on Friday. " * 2
    analysis = {
        "documents": [{"id": "x", "text": text, "source_text": text,
                       "removed": [{"kind": "promo", "start": s.start, "end": s.end}
                                   for s in removed]}],
        "attributions": [{"doc": "x", "speaker": {"text": "Alpha", "start": s.end,
                                                  "end": s.start}, "start": s.start,
                          "end": s.end, "cue": "said"} for s in spans],
        "dates": [{"doc": "x", "start": s.start, "end": s.end + 3, "value": "2025"}
                  for s in spans],
    }
    page = render(analysis)
    parsed = _parse(page)
    assert parsed.depth == 0 and parsed.min_depth >= 0
    assert "<b>beta" not in page


# --------------------------------------------------------------------------- scale


def _big_analysis(n_docs: int) -> dict[str, Any]:
    sentence = 'Official {i} said "the convoy crossed at dawn" on Friday, according to Agency {i}. '
    docs, entities, attributions, dates = [], [], [], []
    for d in range(n_docs):
        text = "".join(sentence.format(i=i) for i in range(40))  # ~3,400 characters
        doc_id = f"doc{d}"
        docs.append({"id": doc_id, "path": f"corpus/{d}.txt", "title": f"Story {d}",
                     "outlet": f"Outlet {d % 17}", "published": "2025-06-01", "language": "en",
                     "text": text, "source_text": "MENU\n" + text + "\nFOOTER",
                     "removed": [{"kind": "navigation", "start": 0, "end": 4}]})
        step = len(sentence.format(i=0))
        for i in range(0, 40, 2):
            base = text.index(f"Official {i} said")
            q = text.index("the convoy", base)
            attributions.append({"doc": doc_id, "kind": "direct",
                                 "speaker": {"text": f"Official {i}", "start": base,
                                             "end": base + 10, "entity": f"e{i}"},
                                 "cue": "said", "content": "the convoy crossed at dawn",
                                 "start": q, "end": q + 26, "stance": "asserts", "hedges": []})
            f = text.index("on Friday", base)
            dates.append({"doc": doc_id, "text": "on Friday", "start": f, "end": f + 9,
                          "value": "2025-05-30", "kind": "relative"})
        del step
    for i in range(40):
        entities.append({"id": f"e{i}", "name": f"Official {i}", "type": "person", "aliases": [],
                         "mentions": [{"doc": f"doc{d}", "start": 0, "end": 8, "text": "Official"}
                                      for d in range(n_docs)]})
    return {"documents": docs, "entities": entities, "attributions": attributions,
            "dates": dates}


def test_renders_300_documents() -> None:
    analysis = _big_analysis(300)
    page = render(analysis)
    assert page.count('<details id="d') == 300
