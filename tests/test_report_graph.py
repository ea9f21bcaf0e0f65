"""The report's provenance graphs, chart and claim-family/entity detail (issue #6, 2 and 3)."""

from __future__ import annotations

import json
import re
from typing import Any

from narratrace.report._evidence import AnalysisSource, build_index, corpus_graph, Links
from test_report import render, HOSTILE, _big_analysis, full_analysis


_JSON_BLOCK = re.compile(r'<script type="application/json" id="([a-z0-9-]+)">(.*?)</script>', re.S)


def _graphs(page: str) -> dict[str, dict[str, Any]]:
    return {gid: json.loads(body) for gid, body in _JSON_BLOCK.findall(page)}


def _family_analysis() -> dict[str, Any]:
    a = full_analysis()
    a["claims"].append({"id": "c2", "doc": "docH", "text": "The bridge opens in May",
                        "attributed_to": "Ana Brel", "stance": "asserts"})
    a["claim_families"] = [
        {"id": "f1", "label": "Bridge opens in May", "claims": ["c1", "c2"],
         "docs": ["docA", "docH"], "origins": ["Ana Brel"], "independent_origins": 1,
         "circular": True, "contradicts": ["f2"], "first_seen": "2025-06-13"},
        {"id": "f2", "label": f"Bridge never opens {HOSTILE}", "claims": [], "docs": ["docD"],
         "origins": [], "independent_origins": 0, "contradicts": ["f1"]}]
    return a


def test_corpus_graph_json_is_present_and_escaped() -> None:
    page = render(_family_analysis())
    graphs = _graphs(page)
    # Claim families draw their flow as server-side SVG (test_report_cards.py); the corpus
    # graph is the one canvas graph left.
    assert set(graphs) == {"graph-corpus"}
    for _, body in _JSON_BLOCK.findall(page):
        assert not set(body) & set("<>&'"), "raw <, >, & or ' inside a JSON block"
    g = graphs["graph-corpus"]
    kinds = {n["kind"] for n in g["nodes"]}
    assert {"document", "outlet", "speaker"} <= kinds
    assert {"publishes", "syndicated", "quotes"} <= {e["kind"] for e in g["edges"]}
    # The hostile title travels as data (decoded by JSON.parse) and never as markup.
    labels = [n["label"] for n in g["nodes"]]
    assert f"Evil {HOSTILE}" in labels
    assert "<script>alert(1)" not in page.split("<body>", 1)[1].replace("\\u003c", "")


def test_graph_links_are_in_page_anchors_only() -> None:
    page = render(_family_analysis())
    for g in _graphs(page).values():
        for n in g["nodes"]:
            assert n["href"] is None or re.fullmatch(r"#[def]\d+", n["href"]), n["href"]
    ids = set(re.findall(r' id="([^"]+)"', page))
    hrefs = {n["href"][1:] for g in _graphs(page).values() for n in g["nodes"] if n["href"]}
    assert hrefs and hrefs <= ids, "every graph link lands on a section of the page"


def test_family_detail_has_origins_members_flow_and_contradictions() -> None:
    page = render(_family_analysis())
    fam = page[page.index('<details class="family card-ev" id="f0">'):]
    fam = fam[:fam.index('<details class="family card-ev" id="f1">')]
    assert "Origins: 1 independent" in fam and "circular" in fam
    assert "Contradicted by" in fam and 'href="#f1"' in fam
    assert "Bridge never opens &lt;script&gt;" in fam
    flow = fam[fam.index('<svg class="flow"'):fam.index("</svg>")]
    assert "n-origin" in flow and "n-document" in flow and "n-copy" in flow
    assert "e-copy" in flow  # docH reprints docA
    # A family with no members and no origin still gets a (documents-only) flow, never an error.
    rest = page[page.index('<details class="family card-ev" id="f1">'):]
    assert '<svg class="flow"' in rest[:rest.index("</details>\n")]


def test_entity_rows_have_anchors_roles_and_mentions() -> None:
    page = render(full_analysis())
    row = page[page.index('<tr id="e0">'):]
    row = row[:row.index("</tr>")]
    assert "Ana Brel" in row and "where mentioned" in row and "Protagonist" in row


def test_narratives_chart_on_the_overview() -> None:
    page = render(full_analysis())
    overview = page[page.index('<section id="overview"'):page.index('<section id="documents"')]
    assert '<svg class="chart"' in overview and "Criticism of institutions" in overview


def test_empty_analysis_has_no_graph_and_no_chart() -> None:
    page = render({})
    assert json.loads(_JSON_BLOCK.findall(page)[0][1]) if _JSON_BLOCK.findall(page) else True
    assert '<svg class="chart"' not in page and "No graph: no documents." in page


def test_corpus_graph_capped_to_best_connected() -> None:
    idx = build_index(AnalysisSource(_big_analysis(300)))
    links = Links(doc=lambda d: None, outlet=lambda o: None, entity=lambda e: None)
    g = corpus_graph(idx, links, max_nodes=100)
    assert len(g["nodes"]) == 100 and g["truncated"] and g["total_nodes"] == 300 + 17 + 20
    assert min(n["degree"] for n in g["nodes"]) >= 2  # documents with an outlet and speakers


def test_renders_300_documents_with_graphs() -> None:
    analysis = _big_analysis(300)
    analysis["claims"] = [{"id": f"c{d}", "doc": f"doc{d}", "text": "the convoy crossed",
                           "attributed_to": "Official 0"} for d in range(300)]
    analysis["claim_families"] = [{"id": f"f{k}", "label": f"Family {k}",
                                   "claims": [f"c{d}" for d in range(k, 300, 30)],
                                   "docs": [f"doc{d}" for d in range(k, 300, 30)],
                                   "origins": ["Official 0"]} for k in range(30)]
    page = render(analysis)
    assert len(_graphs(page)["graph-corpus"]["nodes"]) == 300 + 17 + 20
    assert page.count('<svg class="flow"') == 30


def test_graph_json_is_the_same_in_every_process() -> None:
    """Edge order must not follow Python's per-process string hashing (set iteration)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    # Every speaker is quoted in 30 documents: the edges come from a set of document ids.
    code = ("import sys; sys.path.insert(0, %r); from test_report import _big_analysis;"
            "from narratrace.report import render_report; print(render_report(_big_analysis(30)))"
            % str(Path(__file__).parent))
    pages = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True).stdout
        pages.append({gid: body for gid, body in _JSON_BLOCK.findall(out) if gid.startswith("graph")})
    assert pages[0] and pages[0] == pages[1] == pages[2]
