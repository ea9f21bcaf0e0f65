"""The static report in a real headless Chromium: packed tabs unpack, a click on a graph node
lands on its section, tables sort and filter by facet, and the page is usable at 390 px.

Opened from disk (file://), like a user would; skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from _chromium import WIDTHS, needs_chromium, start_chromium, wait_for
from narratrace.report import write_report
from test_report import full_analysis

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile-report"))
    yield driver
    driver.quit()


def _analysis() -> dict[str, Any]:
    """The full fixture plus an undated, untitled document with a very long path."""
    a = full_analysis()
    a["documents"].append({"id": "docU", "path": "/srv/" + "deeply/nested/" * 12 + "u.txt",
                           "title": None, "outlet": "Harbour Post", "published": None,
                           "language": "en", "analysed": True,
                           "text": "Ferry timetable changes next week.\nMore text here."})
    return a


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(_analysis(), path)
    return path.as_uri()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_graph_node_click_lands_on_the_document(browser, report_url, tmp_path, width) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    browser.set_window_size(*WIDTHS[width])
    browser.get(report_url + "#graph")
    wait_for(browser, "document.querySelector('#graph canvas[data-state=done]')")
    assert browser.execute_script("return document.querySelectorAll('script[src]').length") == 0
    # Nodes are not in the DOM: find a document node by probing pixels of its colour.
    hit = browser.execute_script("""
        const c = document.querySelector('#graph canvas'), g = c.getContext('2d');
        const d = g.getImageData(0, 0, c.width, c.height).data, r = window.devicePixelRatio || 1;
        for (let y = 0; y < c.height; y += 2) for (let x = 0; x < c.width; x += 2) {
          const i = (y * c.width + x) * 4;
          if (d[i] === 0x34 && d[i + 1] === 0x66 && d[i + 2] === 0xa8) return [x / r, y / r];
        }
        return null;""")
    assert hit is not None, "no document node drawn"
    canvas = browser.find_element("css selector", "#graph canvas")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(hit[0] - size["width"] / 2), int(hit[1] - size["height"] / 2)).click().perform()
    wait_for(browser, r"/^#d\d+$/.test(location.hash)", timeout=5)
    anchor = browser.execute_script("return location.hash.slice(1)")
    # The documents tab unpacks, then the document's section is shown, opened and on screen.
    wait_for(browser, "document.getElementById(arguments[0]) && "
             "document.getElementById(arguments[0]).open".replace("arguments[0]", repr(anchor)))
    assert browser.execute_script(
        "const t = document.getElementById(arguments[0]);"
        "const r = t.getBoundingClientRect();"
        "return t.open && t.closest('section').classList.contains('active') && "
        "r.top < window.innerHeight && r.bottom > 0", anchor)
    browser.save_screenshot(str(tmp_path / f"report-graph-click-{width}.png"))


def test_family_flow_shows_when_opened(browser, report_url) -> None:
    browser.set_window_size(*WIDTHS["laptop"])
    browser.get(report_url + "#f0")
    wait_for(browser, "document.querySelector('#f0') && document.querySelector('#f0').open")
    # The flow is server-drawn SVG: it has its size as soon as its card is open, no script.
    assert browser.execute_script(
        "return document.querySelector('#f0 svg.flow').getBoundingClientRect().width") > 0


def _rows(browser: Any, table: str) -> list[list[str]]:
    """The visible rows of ``table`` (a CSS selector), as cell texts."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr'))"
        ".filter(r => !r.hidden).map(r => Array.from(r.cells).map(c => c.textContent.trim()))",
        table)


def test_packed_tabs_unpack_on_first_view(browser, report_url) -> None:
    browser.set_window_size(*WIDTHS["laptop"])
    browser.get(report_url)
    wait_for(browser, "document.querySelector('#overview.active')")
    # Before it is shown, the documents tab holds packed data and no document.
    assert browser.execute_script(
        "return document.querySelectorAll('#documents details.doc').length") == 0
    assert browser.execute_script("return document.querySelectorAll('script[src]').length") == 0
    browser.find_element("css selector", "nav.tabs a[href='#documents']").click()
    wait_for(browser, "document.querySelector('#documents[data-ready]')")
    assert browser.execute_script(
        "return document.querySelectorAll('#documents details.doc').length") == 4
    assert not browser.execute_script("return document.querySelector('#documents script.tab-data')")
    # Hostile text arrives as text: the fixture's <script>/<img onerror> never became elements.
    assert browser.execute_script("return document.querySelectorAll('main img').length") == 0
    assert "<script>alert(1)</script>" in browser.execute_script(
        "return document.getElementById('documents').textContent")


def test_tables_sort_and_filter_by_facet(browser, report_url) -> None:
    browser.set_window_size(*WIDTHS["laptop"])
    browser.get(report_url + "#attributions")
    wait_for(browser, "document.querySelector('#attributions[data-ready] .table-tools')")
    assert len(_rows(browser, "#attributions table")) == 2
    stance = browser.find_element("css selector", "#attributions select[aria-label='Facet: Stance']")
    from selenium.webdriver.support.ui import Select

    Select(stance).select_by_value("denies")
    rows = _rows(browser, "#attributions table")
    assert len(rows) == 1 and rows[0][5] == "denies"
    assert "1 of 2 rows" in browser.find_element("css selector", "#attributions .shown").text
    Select(stance).select_by_index(0)  # all
    assert len(_rows(browser, "#attributions table")) == 2
    # The documents table: sorted by title, both ways; the outlet facet narrows it.
    browser.get(report_url + "#overview")
    wait_for(browser, "document.querySelector('#doctable[data-enhanced]')")
    title = browser.find_element("css selector", "#doctable th:first-child button.sort")
    title.click()
    up = [r[0] for r in _rows(browser, "#doctable")]
    assert up == sorted(up, key=str.lower)
    title.click()
    assert [r[0] for r in _rows(browser, "#doctable")] == up[::-1]
    Select(browser.find_element("css selector", "#overview select[aria-label='Facet: Outlet']")
           ).select_by_value("Harbour Post")
    assert sorted(r[0] for r in _rows(browser, "#doctable")) == [
        "Bridge opening delayed", "Ferry timetable changes next week."]
    search = browser.find_element("css selector", "#overview .table-tools input[type=search]")
    search.send_keys("ferry")
    assert [r[0] for r in _rows(browser, "#doctable")] == ["Ferry timetable changes next week."]


def test_undated_documents_are_counted_and_shown(browser, report_url) -> None:
    browser.set_window_size(*WIDTHS["laptop"])
    browser.get(report_url)
    wait_for(browser, "document.querySelector('#doctable[data-enhanced]')")
    counts = browser.find_element("css selector", "#overview ul.counts").text
    assert "1 undated documents" in counts.replace("\n", " ")
    row = next(r for r in _rows(browser, "#doctable") if r[0].startswith("Ferry"))
    assert row[2] == "undated"
    # The chart has an "undated" column and a key naming each narrative's colour.
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart text')).map(t => t.lastChild.textContent)")
    assert "undated" in labels and "Criticism of institutions" in labels
    published = browser.find_element("css selector", "#overview select[aria-label='Facet: Published']")
    assert [o.text for o in published.find_elements("css selector", "option")] == [
        "Published: all", "2025-06 (3)", "undated (1)"]  # months in order, undated last


def test_usable_at_phone_width(browser, report_url, tmp_path) -> None:
    browser.set_window_size(*WIDTHS["phone"])
    for tab in ("overview", "documents", "entities", "attributions", "reuse", "narratives",
                "timeline"):
        browser.get(report_url + "#" + tab)
        wait_for(browser, f"document.querySelector('#{tab}.active') && "
                 f"!document.querySelector('#{tab}[aria-busy], #{tab} .unpacking')")
        # Nothing wider than the screen: wide tables scroll inside their own box.
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1"), tab
    browser.get(report_url + "#overview")
    wait_for(browser, "document.querySelector('#doctable[data-enhanced]')")
    # Titles stay readable (the issue: one character per line); the path column gives way.
    widths = browser.execute_script(
        "return Array.from(document.querySelectorAll('#doctable td.title'))"
        ".map(td => td.getBoundingClientRect().width)")
    assert widths and min(widths) >= 150, widths
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('#doctable td.path')).display") == "none"
    browser.save_screenshot(str(tmp_path / "report-phone-overview.png"))


def test_narrative_cards_show_a_page_at_a_time(browser, tmp_path, monkeypatch) -> None:
    """Issue #17 (the Narratives tab at 1k documents): one page of cards, then "Show more"."""
    import narratrace.report._model as model

    monkeypatch.setattr(model, "NARRATIVE_PAGE", 2)
    a = _analysis()
    a["narratives"] = [{"doc": d["id"], "narrative": f"Story {k}", "subnarrative": None,
                        "score": 0.9, "evidence": []} for k, d in enumerate(a["documents"])]
    assert len(a["narratives"]) >= 3
    path = tmp_path / "report.html"
    write_report(a, path)
    browser.set_window_size(*WIDTHS["laptop"])
    browser.get(path.as_uri() + "#narratives")
    wait_for(browser, "document.querySelector('#narratives[data-ready]')")
    visible = "return document.querySelectorAll('#narratives div.paged > div.card').length"
    assert browser.execute_script(visible) == 2
    button = browser.find_element("css selector", "#narratives button.more")
    shown = browser.find_element("css selector", "#narratives .shown")
    total = len(a["narratives"])
    while button.is_displayed():
        button.click()
    assert browser.execute_script(visible) == total
    assert shown.text == f"{total} of {total} documents shown"
    assert not browser.execute_script("return document.querySelector('#narratives template.page')")
