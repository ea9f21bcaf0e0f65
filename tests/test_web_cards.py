"""Issue #15 item 8 in the web explorer: the family page is an evidence card with its flow, the
overview opens with key findings, a document page says what it rests on, the timeline shows
each event's kind and origins; all read from a store holding the provenance contract."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narratrace.store import open_store
from narratrace.types import Document
from narratrace.web import create_app
from provenance_fixture import provenance_analysis

HTML = {"accept": "text/html"}


def build_provenance_store(path: Path) -> str:
    a = provenance_analysis()
    url = f"sqlite:///{path}"
    store = open_store(url)
    with store.transaction():
        for d in a["documents"]:
            store.upsert_document(Document(id=d["id"], path=d["path"], text=d["text"],
                                           source_text=d["source_text"], title=d["title"],
                                           outlet=d["outlet"], published=d["published"],
                                           language="en"))
        for doc in {c["doc"] for c in a["claims"]}:
            store.replace_annotations(doc, "claims", [c for c in a["claims"] if c["doc"] == doc])
        for kind in ("entities", "claim_families", "reuse", "events"):
            store.replace_corpus(kind, a[kind])
    store.close()
    return url


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    url = build_provenance_store(tmp_path_factory.mktemp("web-cards") / "p.sqlite")
    return TestClient(create_app(url), base_url="http://127.0.0.1")


def test_family_api_carries_the_card(client: TestClient) -> None:
    card = client.get("/api/families/fPier").json()["card"]
    assert [c["doc"]["id"] for c in card["carriers"]] == ["dW", "dC", "dB"]
    assert card["chain"][-1] == "→ 1 origin: Lowmere Port Authority"
    assert card["denials"][0]["excerpt"] == "Pier Builders Ltd denied that the pier was unsafe."
    assert card["denials"][0]["href"] == "/entities/ent_pb"
    assert card["carriers"][2]["copy_of"][0]["href"] == "/documents/dW"
    assert card["hardening"][0]["dropped"] == ["may"]


def test_family_page_reads_in_the_issue_order_with_a_flow(client: TestClient) -> None:
    page = client.get("/families/fPier", headers=HTML).text
    heads = re.findall(r"<h2>(.*?)</h2>", page)
    order = ["Carried by", "Derivation chain", "Origins", "Denials", "Hardening", "Dates",
             "Provenance flow"]
    positions = [next(i for i, h in enumerate(heads) if h.startswith(o)) for o in order]
    assert positions == sorted(positions)
    svg = page[page.index('<svg class="flow"'):page.index("</svg>") + 6]
    root = ET.fromstring(svg)
    assert {a.get("href") for a in root.iter("a")} >= {"/documents/dW", "/entities/ent_lpa"}
    assert "Bay Ledger is an uncredited rewrite of Harbour Wire" in page
    circular = client.get("/families/fFerry", headers=HTML).text
    assert "Gull Post → Tide Blog → Gull Post" in circular


def test_overview_opens_with_key_findings(client: TestClient) -> None:
    data = client.get("/api/overview").json()
    assert [f["id"] for f in data["key_findings"]] == ["fPier", "fFerry"]
    assert data["n_key_findings"] == 2
    assert data["key_findings"][0]["denied_by"] == ["Pier Builders Ltd"]
    page = client.get("/", headers=HTML).text
    assert page.index("Key findings") < page.index("Narratives over time")
    first = re.search(r'<ol class="findings"><li>(.*?)</li>', page, re.S)
    assert first and "The north pier is unsafe" in first.group(1)
    assert "denied by Pier Builders Ltd" in first.group(1)


def test_document_page_says_what_it_rests_on(client: TestClient) -> None:
    data = client.get("/api/documents/dB").json()["rests_on"]
    assert [o["name"] for o in data["origins"]] == ["Lowmere Port Authority"]
    assert data["copies"][0]["href"] == "/documents/dW"
    page = client.get("/documents/dB", headers=HTML).text
    rests = page[page.index('<dd class="rests">'):]
    rests = rests[:rests.index("</dd>")]
    assert "Lowmere Port Authority" in rests and "rewrite, uncredited" in rests


def test_family_list_and_timeline_show_flags_and_event_kinds(client: TestClient) -> None:
    rows = {r["id"]: r for r in client.get("/api/families").json()["items"]}
    assert rows["fPier"]["hardened"] and rows["fPier"]["denied"] and rows["fFerry"]["circular"]
    page = client.get("/timeline", headers=HTML).text
    assert 'class="ev-kind k-statement">statement' in page
    assert "Known from: Lowmere Port Authority" in page
