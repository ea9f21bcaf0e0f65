"""Never lose a run (issue #18) in ``serve``: a token link cannot redirect off-site, HEAD is
answered like GET, a server bound to another loopback address answers requests made to it."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from narratrace.store import open_store
from narratrace.types import Document
from narratrace.web import create_app

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("web") / "n.sqlite"
    store = open_store(f"sqlite:///{path}")
    text = "The harbour master said on Monday that the ferry would resume in May."
    store.upsert_document(Document(id="d1", path="in/a.txt", text=text, source_text=text,
                                   title="Ferry", language="en"))
    store.close()
    return f"sqlite:///{path}"


@pytest.mark.parametrize("target", ["//evil.example", "//evil.example/x?y=1", "/\\evil.example",
                                    "///evil.example"])
def test_the_token_link_never_redirects_to_another_host(url: str, target: str) -> None:
    client = TestClient(create_app(url, token=TOKEN), base_url="http://127.0.0.1")
    sep = "&" if "?" in target else "?"
    response = client.get(f"{target}{sep}token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert urlsplit(urljoin("http://127.0.0.1/", location)).netloc == "127.0.0.1"
    assert TOKEN not in location


def test_the_token_link_keeps_the_page_and_its_other_parameters(url: str) -> None:
    client = TestClient(create_app(url, token=TOKEN), base_url="http://127.0.0.1")
    response = client.get(f"/documents?offset=0&token={TOKEN}", follow_redirects=False)
    assert response.headers["location"] == "/documents?offset=0"


@pytest.mark.parametrize("path", ["/", "/documents", "/documents/d1", "/api/overview",
                                  "/api/documents/d1", "/static/web.js"])
def test_head_is_answered_like_get_without_a_body(url: str, path: str) -> None:
    client = TestClient(create_app(url), base_url="http://127.0.0.1")
    get, head = client.get(path), client.head(path)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-security-policy"] == get.headers["content-security-policy"]


def test_head_on_a_missing_page_is_404_not_405(url: str) -> None:
    client = TestClient(create_app(url), base_url="http://127.0.0.1")
    assert client.head("/documents/nope").status_code == 404


def test_post_is_still_refused(url: str) -> None:
    client = TestClient(create_app(url), base_url="http://127.0.0.1")
    assert client.post("/").status_code == 405


@pytest.mark.parametrize("host", ["127.0.0.2", "127.0.0.2:8000", "127.1.2.3", "[::1]:8000"])
def test_a_server_on_another_loopback_address_answers(url: str, host: str) -> None:
    client = TestClient(create_app(url), base_url=f"http://{host}")
    assert client.get("/api/overview").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "10.0.0.5", "localhost.evil"])
def test_a_rebinding_name_is_still_refused(url: str, host: str) -> None:
    client = TestClient(create_app(url), base_url=f"http://{host}")
    assert client.get("/api/overview").status_code == 400
