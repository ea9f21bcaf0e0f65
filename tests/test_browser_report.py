"""The static report in a real headless Chromium: a click on a graph node lands on its section.

Opened from disk (file://), like a user would; skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from _chromium import WIDTHS, needs_chromium, start_chromium, wait_for
from narratrace.report import render_report
from test_report import full_analysis

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile-report"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(full_analysis()), encoding="utf-8")
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
    # The document's section is shown, opened and on screen.
    assert browser.execute_script(
        "const t = document.getElementById(arguments[0]);"
        "const r = t.getBoundingClientRect();"
        "return t.open && t.closest('section').classList.contains('active') && "
        "r.top < window.innerHeight && r.bottom > 0", anchor)
    browser.save_screenshot(str(tmp_path / f"report-graph-click-{width}.png"))


def test_family_flow_shows_when_opened(browser, report_url) -> None:
    browser.set_window_size(*WIDTHS["laptop"])
    browser.get(report_url + "#f0")
    wait_for(browser, "document.querySelector('#f0').open")
    # The flow is server-drawn SVG: it has its size as soon as its card is open, no script.
    assert browser.execute_script(
        "return document.querySelector('#f0 svg.flow').getBoundingClientRect().width") > 0
