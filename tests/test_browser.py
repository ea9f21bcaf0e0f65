"""The web explorer in a real headless Chromium (Debian ``chromium`` + ``chromium-driver``,
driven by Selenium with the system driver; nothing is downloaded).

Clicks overview → document → claim family → entity at laptop and phone width, checks the
graph lays out, that hostile article HTML stays inert, and saves screenshots under the pytest
tmp dir (copied to /tmp/web-shots/ for people to look at).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _chromium import WIDTHS, needs_chromium, start_chromium, wait_for
from test_web_store import HOSTILE_ID, build_store

SHOTS = Path("/tmp/web-shots")

pytestmark = [pytest.mark.slow, needs_chromium]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from narratrace.web import create_app

    url = build_store(tmp_path_factory.mktemp("browser") / "web.sqlite")
    port = _free_port()
    config = uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def _shot(driver, tmp_path: Path, name: str, *, full: bool = True) -> Path:
    if full:  # grow the window to the page so the screenshot shows all of it
        width = driver.execute_script("return window.innerWidth")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(int(height) + 140, 4000))
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    return path


def _click(driver, css: str) -> None:
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_click_through_overview_document_family_entity(server, browser, tmp_path, width):
    w, h = WIDTHS[width]
    browser.set_window_size(w, h)
    browser.get(server + "/")
    assert browser.title.startswith("Overview")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= w + 1
    _shot(browser, tmp_path, f"{width}-1-overview")

    browser.set_window_size(w, h)
    _click(browser, 'ol.latest a[href="/documents/doc0000000000000"]')
    wait_for(browser, "location.pathname === '/documents/doc0000000000000'")
    assert browser.find_elements("css selector", "#doc-text .hedge")
    assert len(browser.find_elements("css selector", "#doc-text .att")) >= 2
    _click(browser, "details.source summary")
    assert browser.execute_script("return document.getElementById('removed').open")
    _shot(browser, tmp_path, f"{width}-2-document")

    browser.set_window_size(w, h)
    _click(browser, 'aside a[href="/families/famcost00000001"]')
    wait_for(browser, "location.pathname === '/families/famcost00000001'")
    wait_for(browser, "document.querySelector('canvas[data-state=done]')")
    nodes = int(browser.execute_script("return document.querySelector('canvas').dataset.nodes"))
    assert nodes == 7  # 3 documents, 3 outlets, 1 origin
    _shot(browser, tmp_path, f"{width}-3-family")

    browser.set_window_size(w, h)
    _click(browser, 'ul.plain a[href="/entities/ent_person0000001"]')
    wait_for(browser, "location.pathname === '/entities/ent_person0000001'")
    assert "Ana Petrova" in browser.find_element("css selector", "h1").text
    assert len(browser.find_elements("css selector", "ul.said li")) == 3
    _shot(browser, tmp_path, f"{width}-4-entity")


def test_graph_node_click_opens_the_document(server, browser):
    browser.set_window_size(*WIDTHS["laptop"])
    browser.get(server + "/families/famcost00000001")
    wait_for(browser, "document.querySelector('canvas[data-state=done]')")
    # The canvas hides its nodes from the DOM; find one by probing pixels of a document colour.
    hit = browser.execute_script("""
        const c = document.querySelector('canvas'), g = c.getContext('2d');
        const d = g.getImageData(0, 0, c.width, c.height).data, r = window.devicePixelRatio || 1;
        for (let y = 0; y < c.height; y += 2) for (let x = 0; x < c.width; x += 2) {
          const i = (y * c.width + x) * 4;
          if (d[i] === 0x34 && d[i + 1] === 0x66 && d[i + 2] === 0xa8) return [x / r, y / r];
        }
        return null;""")
    assert hit is not None, "no document node drawn"
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = browser.find_element("css selector", "canvas")
    # Selenium offsets are from the centre of the element's visible part: show all of it.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(hit[0] - size["width"] / 2), int(hit[1] - size["height"] / 2)).click().perform()
    wait_for(browser, "location.pathname.startsWith('/documents/')", timeout=5)


def test_hostile_article_html_renders_inert(server, browser, tmp_path):
    browser.set_window_size(*WIDTHS["laptop"])
    for path in (f"/documents/{HOSTILE_ID}", "/families/famevil00000001",
                 "/entities/ent_evil00000001", "/search?q=pwned", "/timeline", "/"):
        browser.get(server + path)
        wait_for(browser, "document.readyState === 'complete'")
        time.sleep(0.2)
        assert browser.execute_script("return window.__pwned === undefined"), path
        assert not browser.find_elements("css selector", "main img, main svg[onload], "
                                                         "main a[href^='javascript']"), path
        scripts = browser.execute_script(
            "return [...document.scripts].map(s => s.src || s.type)")
        assert all(s.endswith("/static/web.js") or s == "application/json" for s in scripts)
    browser.get(server + f"/documents/{HOSTILE_ID}")
    assert "<script>window.__pwned=1</script>" in browser.find_element("css selector",
                                                                       "#doc-text").text
    _shot(browser, tmp_path, "laptop-5-hostile")


def test_big_graph_lays_out_and_stays_responsive(tmp_path, browser):
    """600+ nodes: the layout settles, and hovering still answers quickly."""
    import uvicorn

    from narratrace.store import open_store
    from narratrace.types import Document
    from narratrace.web import create_app

    url = f"sqlite:///{tmp_path / 'big.sqlite'}"
    store = open_store(url)
    with store.transaction():
        for i in range(520):
            store.upsert_document(Document(id=f"d{i:05d}", path=f"{i}", text="t", source_text="t",
                                           title=f"Document {i}", outlet=f"Outlet {i % 12}",
                                           published=f"2025-{1 + i % 12:02d}-01"))
        for i in range(520):
            store.replace_annotations(f"d{i:05d}", "attributions", [
                {"id": f"a{i}", "doc": f"d{i:05d}", "speaker": {"text": f"P{i % 90}",
                                                               "entity": f"e{i % 90}"},
                 "content": "x", "start": 0, "end": 1}])
        store.replace_corpus("entities", [{"id": f"e{k}", "name": f"Speaker {k}",
                                           "type": "person", "mentions": []} for k in range(90)])
        store.replace_corpus("reuse", [{"a": f"d{i:05d}", "b": f"d{i + 1:05d}",
                                        "kind": "same_story", "score": 0.5}
                                       for i in range(0, 500, 3)])
    store.close()
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    try:
        browser.set_window_size(*WIDTHS["laptop"])
        started = time.monotonic()
        browser.get(f"http://127.0.0.1:{port}/graph")
        wait_for(browser, "document.querySelector('canvas[data-state=done]')", timeout=60)
        settle = time.monotonic() - started
        nodes = int(browser.execute_script("return document.querySelector('canvas').dataset.nodes"))
        assert nodes == 520 + 12 + 90
        assert settle < 60
        _shot(browser, tmp_path, "laptop-6-graph-622-nodes", full=False)
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
