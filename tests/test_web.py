"""The web explorer over HTTP (FastAPI TestClient): pages, API twins, the one error shape,
security (CSP, token, Host, hostile text), and the serve command."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from test_web_store import HOSTILE_ID, build_store
from typer.testing import CliRunner

from narratrace.web import create_app
from narratrace.web._corpus import Corpus

HTML = {"accept": "text/html"}
PAGES = ["/", "/documents", "/documents?outlet=Harbour%20Daily", "/documents/doc0000000000000",
         f"/documents/{HOSTILE_ID}", "/families", "/families/famcost00000001",
         "/families/famevil00000001", "/entities", "/entities?type=person",
         "/entities/ent_person0000001", "/entities/ent_evil00000001", "/timeline", "/graph",
         "/search?q=port", "/search?q=%3Cscript%3E", "/search"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    url = build_store(tmp_path_factory.mktemp("web") / "web.sqlite")
    return TestClient(create_app(url), base_url="http://127.0.0.1")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_and_its_api_twin_answer(client, path):
    page = client.get(path, headers=HTML)
    assert page.status_code == 200, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    api = client.get("/api" + (path if path != "/" else "/overview"))
    assert api.status_code == 200
    assert api.headers["content-type"] == "application/json"


def test_openapi_lists_every_api_route_and_no_cdn_docs(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/overview", "/api/documents", "/api/documents/{doc_id}", "/api/families",
        "/api/families/{family_id}", "/api/entities", "/api/entities/{entity_id}",
        "/api/timeline", "/api/graph", "/api/search"}
    assert client.get("/docs").status_code == 404


def _assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Content-Security-Policy" in response.headers
    return body["error"]


@pytest.mark.parametrize("path, status, code", [
    ("/api/documents/doc9999999999999", 404, "not_found"),
    ("/api/families/nope", 404, "not_found"),
    ("/api/entities/nope", 404, "not_found"),
    ("/api/nothing-here", 404, "not_found"),
    ("/static/../_app.py", 404, "not_found"),
    ("/static/%2e%2e/_app.py", 404, "not_found"),
    ("/api/documents/..%2F..%2Fetc%2Fpasswd", 404, "not_found"),
    ("/api/documents/bad%20id!", 422, "invalid_request"),
    ("/api/documents?limit=0", 422, "invalid_request"),
    ("/api/documents?limit=100000", 422, "invalid_request"),
    ("/api/documents?offset=-1", 422, "invalid_request"),
    ("/api/search?q=" + "x" * 201, 422, "invalid_request"),
    ("/api/documents?outlet=" + "o" * 201, 422, "invalid_request"),
    ("/api/search?q=" + "x" * 3000, 414, "uri_too_long"),
])
def test_errors_have_one_json_shape(client, path, status, code):
    _assert_error_shape(client.get(path), status, code)


def test_validation_error_names_the_parameter(client):
    error = _assert_error_shape(client.get("/api/documents?limit=0"), 422, "invalid_request")
    assert error["details"][0]["loc"] == ["query", "limit"]


def test_unexpected_error_is_a_500_in_the_same_shape(tmp_path, monkeypatch):
    app = create_app(build_store(tmp_path / "s.sqlite"))

    def boom(self: Corpus) -> dict:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(Corpus, "overview", boom)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    error = _assert_error_shape(client.get("/api/overview"), 500, "internal_error")
    assert "secret" not in error["message"]
    page = client.get("/", headers=HTML)
    assert page.status_code == 500 and "Error 500" in page.text and "secret" not in page.text


def test_html_errors_are_pages(client):
    page = client.get("/documents/doc9999999999999", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Error 404" in page.text


# --------------------------------------------------------------------------- security


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


ALLOWED_TAGS = {"html", "head", "meta", "title", "link", "script", "body", "header", "a", "nav",
                "form", "input", "main", "footer", "h1", "h2", "ul", "ol", "li", "b", "span",
                "div", "section", "table", "thead", "tbody", "tr", "th", "td", "p", "i", "em",
                "article", "dl", "dt", "dd", "aside", "details", "summary", "canvas", "button",
                "noscript", "svg", "text", "rect", "line", "mark", "meter", "code",
                "g", "path", "polygon"}


@pytest.mark.parametrize("path", [p for p in PAGES if "evil" in p or p in
                                  ("/", "/timeline", "/graph", "/entities", "/families",
                                   "/search?q=%3Cscript%3E", "/documents")])
def test_hostile_text_renders_inert(client, path):
    page = client.get(path, headers=HTML)
    assert page.status_code == 200
    assert "Content-Security-Policy" in page.headers
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    parser = _Tags()
    parser.feed(page.text)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action"):
            value = attrs.get(name)
            assert value is None or value.startswith("/"), (tag, attrs)
        if tag == "script":
            assert attrs in ({"src": "/static/web.js", "defer": None},
                             {"type": "application/json", "id": "graph-data"})
    assert "javascript:" not in re.sub(r"<script type=\"application/json\".*?</script>", "",
                                       page.text, flags=re.S).replace("javascript:window", "")


def test_hostile_document_text_is_escaped_not_dropped(client):
    page = client.get(f"/documents/{HOSTILE_ID}", headers=HTML).text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "<img" not in page and "<svg onload" not in page


def test_graph_json_cannot_close_its_script_block(client):
    page = client.get("/families/famevil00000001", headers=HTML).text
    block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>',
                      page, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert any(n["label"] == json.loads(json.dumps(n["label"])) and "<script>" in n["label"]
               for n in data["nodes"])
    assert "<" not in block.group(1)
    for node in data["nodes"]:
        assert node["href"] is None or re.fullmatch(r"/[A-Za-z0-9_/%?=.-]*", node["href"])


@pytest.mark.parametrize("host, status", [("127.0.0.1", 200), ("localhost:8000", 200),
                                          ("evil.example", 400), ("127.0.0.1.evil.example", 400)])
def test_loopback_server_rejects_foreign_host_headers(client, host, status):
    assert client.get("/api/overview", headers={"host": host}).status_code == status


def test_token_is_required_when_set(tmp_path):
    app = create_app(build_store(tmp_path / "s.sqlite"), token="s3cret-token")
    client = TestClient(app, base_url="http://192.0.2.10")
    _assert_error_shape(client.get("/api/overview"), 401, "unauthorized")
    _assert_error_shape(client.get("/api/overview", headers={"authorization": "Bearer nope"}),
                        401, "unauthorized")
    assert client.get("/api/overview",
                      headers={"authorization": "Bearer s3cret-token"}).status_code == 200
    first = client.get("/documents?token=s3cret-token&offset=0", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/documents?offset=0"
    assert "httponly" in first.headers["set-cookie"].lower()
    assert client.get("/documents").status_code == 200  # the cookie now carries the token
    client.cookies.clear()
    assert client.get("/documents?token=wrong").status_code == 401


def test_security_headers_on_every_response(client):
    for path in ("/", "/static/web.js", "/api/overview", "/api/nothing"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


# --------------------------------------------------------------------------- content


def test_document_page_highlights_speakers_hedges_dates_and_removed_text(client):
    page = client.get("/documents/doc0000000000000", headers=HTML).text
    assert re.search(r'class="att sp\d+"', page)
    assert 'class="hedge"' in page and ">probably<" in page
    assert 'class="dt"' in page and "March 1" in page
    assert 'class="ent t-person"' in page
    assert 'class="rm k-navigation"' in page and "Show the source with removed boilerplate" in page
    assert '/entities/ent_person0000001' in page and '/families/famcost00000001' in page


def test_speakers_get_distinct_colours(client):
    page = client.get("/documents/doc0000000000000", headers=HTML).text
    assert len(set(re.findall(r'class="att (sp\d+)', page))) == 2


def test_family_page_shows_origins_members_and_graph(client):
    data = client.get("/api/families/famcost00000001").json()
    assert data["independent_origins"] == 1
    assert [o["entity"]["id"] for o in data["origins"]] == ["ent_person0000001"]
    assert len(data["members"]) == 3
    kinds = {n["kind"] for n in data["graph"]["nodes"]}
    assert kinds == {"document", "outlet", "origin"}
    assert {e["kind"] for e in data["graph"]["edges"]} == {"publishes", "quotes", "same_story"}


def test_entity_page_shows_what_it_said_and_framing(client):
    data = client.get("/api/entities/ent_person0000001").json()
    assert data["said_total"] == 3 and data["n_documents"] == 4
    assert data["roles"] == {"Protagonist": 1}
    assert "Ana Petrová" in data["aliases"]
    assert any("Ana Petrov" in m["excerpt"] for m in data["mentions"])


def test_overview_counts_and_chart(client):
    data = client.get("/api/overview").json()
    assert data["counts"]["documents"] == 5 and data["counts"]["outlets"] == 4
    assert data["narratives_over_time"]["months"] == ["2025-03", "2025-04"]
    page = client.get("/", headers=HTML).text
    assert "<svg class=\"chart\"" in page and "<title>Harbour Daily · 2025-03" in page


def test_pagination_is_bounded(client):
    data = client.get("/api/documents?limit=2&offset=2").json()
    assert data["total"] == 5 and len(data["items"]) == 2
    assert client.get("/api/documents?offset=99").json()["items"] == []


def test_search_page_marks_hits_and_escapes(client):
    page = client.get("/search?q=port+expansion", headers=HTML).text
    assert "<mark>port</mark> <mark>expansion</mark>" in page
    page = client.get("/search?q=pwned", headers=HTML).text
    assert "&lt;script&gt;" in page and "<script>window" not in page


# --------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True),
                                            ("::1", True), ("0.0.0.0", False),
                                            ("192.168.1.5", False), ("example.org", False)])
def test_is_loopback(host, loopback):
    from narratrace.cli.serve import _is_loopback

    assert _is_loopback(host) is loopback


@pytest.mark.parametrize("host, needs_token", [("127.0.0.1", False), ("0.0.0.0", True)])
def test_serve_requires_a_token_off_loopback(tmp_path, monkeypatch, host, needs_token):
    import uvicorn

    from narratrace.cli import app

    seen = {}

    def run(server, sockets=None):
        seen.update(app=server.config.app, host=server.config.host, port=server.config.port,
                    bound=sockets[0].getsockname()[1])
        sockets[0].close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    monkeypatch.delenv("NARRATRACE_TOKEN", raising=False)
    url = build_store(tmp_path / "s.sqlite")
    result = CliRunner().invoke(app, ["serve", "--db", url, "--host", host, "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen["host"] == host and seen["port"] == 8123 == seen["bound"]
    assert ("?token=" in result.output) is needs_token
    status = TestClient(seen["app"], base_url="http://127.0.0.1").get("/api/overview").status_code
    assert status == (401 if needs_token else 200)


def test_serve_reports_a_bad_store_cleanly(tmp_path):
    from narratrace.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path}/no/such/dir.db"])
    assert result.exit_code == 2
    assert "No store at" in result.output
    assert not (tmp_path / "no").exists()  # nothing created
