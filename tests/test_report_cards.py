"""Issue #15 item 8: evidence cards, key findings, "rests on" lines and the provenance flow,
built from the provenance contract only (hand-made records, invented names)."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from narratrace.report._cards import (MAX_CARRIERS, family_card, key_findings, priority,
                                      rests_on)
from narratrace.report._evidence import AnalysisSource, Links, build_index
from narratrace.report._flow import flow_layout, flow_svg
from provenance_fixture import provenance_analysis
from test_report import render

NO_LINKS = Links(doc=lambda d: f"#doc-{d}", outlet=lambda o: None, entity=lambda e: f"#ent-{e}")


def _index(analysis: dict[str, Any] | None = None):
    return build_index(AnalysisSource(analysis or provenance_analysis()))


def _card(fid: str, analysis: dict[str, Any] | None = None) -> dict[str, Any]:
    a = analysis or provenance_analysis()
    texts = {d["id"]: d["text"] for d in a["documents"]}
    return family_card(_index(a), fid, NO_LINKS, text_of=lambda d: texts.get(d, ""))


def _section(page: str, start: str, end: str) -> str:
    part = page[page.index(start):]
    return part[:part.index(end)]


# --------------------------------------------------------------------------- cards


def test_card_carriers_are_in_time_order_with_their_derivation() -> None:
    card = _card("fPier")
    assert [c["doc"]["id"] for c in card["carriers"]] == ["dW", "dC", "dB"]
    wire, reprint, rewrite = card["carriers"]
    assert wire["copy_of"] == [] and wire["on_word_of"] == ["Lowmere Port Authority"]
    assert reprint["copy_of"][0]["doc"]["id"] == "dW"
    assert "reprint" in reprint["copy_of"][0]["how"]
    assert "This story first appeared in Harbour Wire." in reprint["copy_of"][0]["how"]
    assert rewrite["copy_of"][0]["doc"]["id"] == "dW"  # direction b->a: the wire is the source
    assert rewrite["copy_of"][0]["how"].startswith("rewrite, uncredited")
    assert "direction from dates" in rewrite["copy_of"][0]["how"]
    # the role noun "port authority" is the origin named in full
    assert rewrite["on_word_of"] == ["Lowmere Port Authority"] and rewrite["hedge_dropped"]


def test_card_carries_chain_origins_denials_hardening_and_dates() -> None:
    card = _card("fPier")
    assert card["chain"][-1] == "→ 1 origin: Lowmere Port Authority"
    assert card["independent_origins"] == 1
    assert card["origins"] == [{"name": "Lowmere Port Authority", "type": "official",
                                "entity": {"id": "ent_lpa", "name": "Lowmere Port Authority",
                                           "type": "government"},
                                "href": "#ent-ent_lpa", "in_loop": False}]
    assert card["denied_by"] == ["Pier Builders Ltd"]
    assert card["denials"][0]["excerpt"] == "Pier Builders Ltd denied that the pier was unsafe."
    assert card["denials"][0]["href"] == "#ent-ent_pb"
    assert card["hardening"][0]["dropped"] == ["may"] and card["hardened"]
    assert card["first_seen"] == "2025-03-10" and card["last_seen"] == "2025-03-12"
    assert [(t["date"], t["what"]) for t in card["timeline"]] == [
        ("2025-03-10", "carried"), ("2025-03-10", "denied"), ("2025-03-11", "copied"),
        ("2025-03-12", "copied"), ("2025-03-12", "hedge dropped")]


def test_same_story_is_no_derivation_and_undated_carriers_come_last() -> None:
    card = _card("fFerry")
    assert card["derivations"] == []  # dG/dT are same_story: independent coverage
    assert [c["doc"]["id"] for c in card["carriers"]] == ["dG", "dT"]
    assert card["carriers"][1]["published"] is None or card["carriers"][1]["published"] == ""
    assert card["circular"] and card["circular_loop"] == ["Gull Post", "Tide Blog"]
    assert card["origins"][0]["in_loop"]
    assert card["timeline"][-1]["date"] == "" and card["timeline"][-1]["what"] == "carried"


def test_an_older_analysis_without_the_contract_gives_an_empty_card_not_an_error() -> None:
    a = provenance_analysis()
    for f in a["claim_families"]:
        for key in ("chain", "denials", "hardening", "origin_ids", "circular_loop", "hedge_drop",
                    "origin_types", "background"):
            f.pop(key, None)
    for r in a["reuse"]:
        for key in ("credit", "credit_start", "credit_end", "direction_by"):
            r.pop(key, None)
    a["claim_families"][1]["denials"] = "junk"
    a["claim_families"][1]["hardening"] = [None, 3, {"dropped": "x"}]
    card = _card("fPier", a)
    assert card["chain"] == [] and card["denials"] == [] and not card["denied"]
    assert card["hardening"][0]["dropped"] == []
    assert card["carriers"][2]["copy_of"][0]["how"] == "rewrite, uncredited"


def test_carriers_are_capped_with_a_count() -> None:
    n = MAX_CARRIERS + 7
    a = provenance_analysis()
    a["documents"] += [{"id": f"x{i}", "path": f"x{i}.txt", "title": f"Copy {i}",
                        "outlet": f"Outlet {i}", "published": "2025-04-01", "text": "x"}
                       for i in range(n)]
    a["claim_families"][1]["docs"] += [f"x{i}" for i in range(n)]
    card = _card("fPier", a)
    assert len(card["carriers"]) == MAX_CARRIERS and card["more_carriers"] == n + 3 - MAX_CARRIERS
    assert card["n_docs"] == n + 3


# --------------------------------------------------------------------------- key findings


@pytest.mark.parametrize("card, expected", [
    ({"n_docs": 1, "independent_origins": 1}, 0),
    ({"n_docs": 4, "independent_origins": 1}, 3),
    ({"n_docs": 4, "independent_origins": 4}, 0),
    ({"n_docs": 4, "independent_origins": 0}, 3),  # unknown origins count as one
    ({"n_docs": 2, "independent_origins": 1, "circular": True}, 4),
    ({"n_docs": 1, "independent_origins": 1, "hardened": True, "denied": True}, 3),
])
def test_priority_table(card: dict[str, Any], expected: int) -> None:
    assert priority(card) == expected


def test_key_findings_put_amplified_circular_hardened_denied_first() -> None:
    idx = _index()
    cards = [family_card(idx, fid, NO_LINKS) for fid in idx.families]
    found, total = key_findings(cards)
    assert [c["id"] for c in found] == ["fPier", "fFerry"]  # 2 extra carriers + hardened + denied
    assert total == 2  # the one-document family with no flag is no finding
    assert found[0]["summary"] == ("“The north pier is unsafe”: 3 articles, 1 independent origin "
                                   "(Lowmere Port Authority), hedge dropped, denied by "
                                   "Pier Builders Ltd")
    assert "circular sourcing" in found[1]["summary"]


def test_key_findings_are_capped_and_counted() -> None:
    cards = [{"id": f"f{i}", "label": f"c{i}", "n_docs": 2 + i % 5, "independent_origins": 1,
              "circular": False, "hardened": False, "denied": False, "priority": 1 + i % 5}
             for i in range(50)]
    found, total = key_findings(cards, limit=10)
    assert len(found) == 10 and total == 50
    assert all(c["priority"] == 5 for c in found)


# --------------------------------------------------------------------------- rests on


def test_rests_on_names_origins_and_copies() -> None:
    idx = _index()
    bay = rests_on(idx, "dB", NO_LINKS)
    assert [o["name"] for o in bay["origins"]] == ["Lowmere Port Authority"]
    assert bay["origins"][0]["type"] == "official" and bay["origins"][0]["href"] == "#ent-ent_lpa"
    assert [c["doc"]["id"] for c in bay["copies"]] == ["dW"]
    wire = rests_on(idx, "dW", NO_LINKS)
    assert wire["copies"] == []  # the wire is the source of both copies, not a copy
    assert rests_on(idx, "dT", NO_LINKS)["copies"] == []  # same_story is no copy
    assert rests_on(idx, "nope", NO_LINKS) == {"origins": [], "copies": [], "families": 0}


# --------------------------------------------------------------------------- flow


def test_flow_is_time_ordered_left_to_right() -> None:
    lay = flow_layout(_card("fPier"))
    cols = {n["label"]: n["col"] for n in lay["nodes"]}
    assert cols["Lowmere Port Authority"] == 0 and cols["Pier Builders Ltd"] == 0
    assert cols["Harbour Wire"] < cols["Coast Daily"] < cols["Bay Ledger"]
    assert lay["columns"] == ["origins", "2025-03-10", "2025-03-11", "2025-03-12"]
    edges = {(e["source"], e["target"], e["kind"]) for e in lay["edges"]}
    key = {n["label"]: n["key"] for n in lay["nodes"]}
    assert (key["Lowmere Port Authority"], key["Harbour Wire"], "quotes") in edges
    assert (key["Harbour Wire"], key["Coast Daily"], "copy") in edges
    assert (key["Harbour Wire"], key["Bay Ledger"], "copy-uncredited") in edges
    assert (key["Pier Builders Ltd"], key["Harbour Wire"], "denies") in edges
    # a copy's arrow comes from its source, not again from the origin
    assert not any(s == key["Lowmere Port Authority"] and t == key["Bay Ledger"]
                   for s, t, _ in edges)
    undated = flow_layout(_card("fFerry"))
    assert undated["columns"][-1] == "undated"


def test_flow_svg_is_well_formed_escaped_and_labelled() -> None:
    a = provenance_analysis()
    a["documents"][0]["outlet"] = 'Wire <script>alert(1)</script> & "co"'
    svg = str(flow_svg(_card("fPier", a)))
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and "in time order" in root.get("aria-label")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style=" not in svg and " id=" not in svg  # CSP: classes only; no ids to collide
    titles = [t.text for t in root.iter("title")]
    assert any(t and t.startswith("Pier may be unsafe · Wire <script>") for t in titles)
    assert {a.get("href") for a in root.iter("a")} >= {"#doc-dW", "#ent-ent_lpa"}


def test_flow_is_capped() -> None:
    card = {"origins": [], "denials": [], "carriers": [
        {"doc": {"id": f"d{i}", "title": "t"}, "href": None, "published": f"2025-01-{1 + i % 28:02d}",
         "outlet": f"O{i}", "copy_of": [], "on_word_of": []} for i in range(100)]}
    lay = flow_layout(card, max_docs=10)
    assert len(lay["nodes"]) == 10 and lay["hidden_docs"] == 90


# --------------------------------------------------------------------------- report page


@pytest.fixture(scope="module")
def page() -> str:
    return render(provenance_analysis())


def test_overview_opens_with_key_findings(page: str) -> None:
    overview = _section(page, '<section id="overview"', "</section>")
    findings = _section(overview, '<ol class="findings">', "</ol>")
    assert overview.index("Key findings") < overview.index('<ul class="counts">')
    items = re.findall(r"<li>(.*?)</li>", findings, re.S)
    assert len(items) == 2
    assert "The north pier is unsafe" in items[0] and "<b>3</b> articles" in items[0]
    assert "denied by Pier Builders Ltd" in items[0] and "hedge dropped" in items[0]
    assert "Ferries will stop on Friday" in items[1] and "circular" in items[1]


def test_each_card_reads_in_the_issue_order(page: str) -> None:
    anchor = re.search(r'<details class="family card-ev" id="(f\d+)">\s*<summary><b>The north pier',
                       page)
    assert anchor and anchor.group(1) == "f1"  # numbered as analysis.json lists the families
    card = _section(page, f'id="{anchor.group(1)}"', "</details>\n")
    heads = re.findall(r"<h4>(.*?)</h4>", card)
    assert [h.split(" ")[0].split(":")[0] for h in heads] == [
        "Claim", "Carried", "Derivation", "Origins", "Denials", "Hardening", "Dates",
        "Provenance"]
    assert "Bay Ledger is an uncredited rewrite of Harbour Wire" in card
    assert "Pier Builders Ltd denied that the pier was unsafe." in card
    assert 'href="#e0"' in card  # the origin links to its entity row
    assert '<svg class="flow"' in card and "copy, uncredited" in card  # flow and its legend


def test_cards_come_most_urgent_first(page: str) -> None:
    order = re.findall(r'<details class="family card-ev" id="f\d+">\s*<summary><b>([^<]+)</b>', page)
    assert order == ["The north pier is unsafe", "Ferries will stop on Friday",
                     "The harbour master retires in June"]


def test_documents_say_what_they_rest_on(page: str) -> None:
    bay = _section(page, "<summary><b>Pier IS unsafe</b>", "</dl>")
    rests = _section(bay, '<dd class="rests">', "</dd>")
    assert "Lowmere Port Authority" in rests and "(official)" in rests
    assert "copy of" in rests and "rewrite, uncredited" in rests
    retire = _section(page, "<summary><b>Harbour master to retire</b>", "</dl>")
    assert "no origin recorded" in retire


def test_timeline_shows_event_kind_and_origins(page: str) -> None:
    timeline = _section(page, '<section id="timeline"', "</section>")
    assert 'class="ev-kind k-statement">statement' in timeline
    assert "Known from: Lowmere Port Authority" in timeline


def test_thousands_of_families_are_capped_with_counts_shown() -> None:
    from narratrace.report._model import MAX_CARDS, MAX_FAMILY_ROWS

    n = MAX_CARDS + MAX_FAMILY_ROWS + 300
    a = provenance_analysis()
    a["claim_families"] += [{"id": f"g{i}", "label": f"Generated claim {i}", "claims": [],
                             "docs": ["dW", "dC"] if i % 2 else ["dU"], "origins": ["Someone"],
                             "independent_origins": 1} for i in range(n)]
    started = time.perf_counter()
    page = render(a)
    elapsed = time.perf_counter() - started
    assert page.count('<details class="family card-ev"') == MAX_CARDS
    assert page.count('<svg class="flow"') <= MAX_CARDS
    assert f"{n + 3} families." in page
    assert f"{n + 3 - MAX_CARDS - MAX_FAMILY_ROWS} are left out of this page" in page
    findings = _section(page, '<ol class="findings">', "</ol>")
    assert findings.count("<li>") == 20
    print(f"{n} families rendered in {elapsed:.1f}s, {len(page) / 1e6:.1f} MB")


# --------------------------------------------------------------------------- corpus graph


def test_corpus_graph_is_a_directed_flow_in_time() -> None:
    from narratrace.report._evidence import corpus_graph

    a = provenance_analysis()
    a["attributions"] = [{"id": "at1", "doc": "dW", "kind": "indirect", "cue": "said",
                          "content": "x", "start": 0, "end": 5,
                          "speaker": {"text": "Lowmere Port Authority", "entity": "ent_lpa"}}]
    g = corpus_graph(_index(a), NO_LINKS)
    t = {n["id"]: n["t"] for n in g["nodes"]}
    assert t["d:dW"] == 0.0 and t["d:dU"] == 1.0 and t["d:dW"] < t["d:dC"] < t["d:dB"]
    assert t["d:dT"] > 1.0  # undated: after the last date
    assert t["e:ent_lpa"] < t["d:dW"] and t["u:Bay Ledger"] < t["d:dB"]
    kinds = {n["id"]: n["kind"] for n in g["nodes"]}
    assert kinds["e:ent_lpa"] == "origin"  # the speaker is the origin of a claim family
    edges = {(e["source"], e["target"], e["kind"]): e["directed"] for e in g["edges"]}
    assert edges[("d:dW", "d:dC", "syndicated")] and edges[("d:dW", "d:dB", "rewrite")]
    assert edges[("e:ent_lpa", "d:dW", "quotes")]
    assert edges[("d:dG", "d:dT", "same_story")] is False
    assert [x["label"] for x in g["axis"]][0] == "2025-03-10" and g["axis"][-1]["label"] == "undated"


def test_full_texts_and_tables_are_capped_with_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    import narratrace.report._model as model

    monkeypatch.setattr(model, "MAX_FULL_DOCS", 3)
    monkeypatch.setattr(model, "MAX_TABLE_ROWS", 1)
    a = provenance_analysis()
    a["dates"] = [{"doc": "dW", "text": "Monday", "start": 0, "end": 3, "value": v, "kind": "relative"}
                  for v in ("2025-03-10", "2025-03-09")]
    a["citations"] = [{"doc": "dW", "source": src, "kind": "official", "start": 0, "end": 3}
                      for src in ("Harbour board", "Port office")]
    a["framing"] = [{"doc": "dW", "entity": name, "start": 0, "end": 3, "main_role": "Innocent",
                     "fine_roles": [], "score": 0.5} for name in ("Ora Pell", "Ivo Lasko", "Una Brisk")]
    page = render(a)
    docs = _section(page, '<section id="documents"', "</section>")
    # the carriers of the most urgent card get their text first: the pier story's three
    assert re.findall(r'<details id="(d\d)" class="doc">', docs) == ["d0", "d1", "d2"]
    assert "The full text of 3 of 6 documents is in this page" in docs
    table = _section(page, '<table id="doctable"', "</table>")
    assert 'href="#d0"' in table and 'href="#d3"' not in table and "Ferries to stop" in table
    assert 'href="#d3"' not in page  # no link lands on a document that is not in the page
    assert "2 date mentions, sorted by value (the first 1 shown" in page
    narratives = _section(page, '<section id="narratives"', "</section>")
    assert "The first 1 of 3 framed mentions" in narratives
    reuse = _section(page, '<section id="reuse"', "</section>")
    assert "The first 1 of 2 citations" in reuse and "Harbour board" in reuse
    assert "Port office" not in reuse
    assert narratives.count("<td>Ora Pell</td>") + narratives.count("<td>Ivo Lasko</td>") \
        + narratives.count("<td>Una Brisk</td>") == 1
    entities = _section(page, '<section id="entities"', "</section>")
    assert "The 1 most mentioned of 2 entities" in entities


def test_narrative_cards_are_paged_in_inert_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #17 (report at scale): the tab opens with one page of cards; the rest wait in
    <template> blocks (parsed, never laid out) for the "Show more" button."""
    import narratrace.report._model as model

    monkeypatch.setattr(model, "NARRATIVE_PAGE", 2)
    a = provenance_analysis()
    docs = [d["id"] for d in a["documents"]][:5]
    a["narratives"] = [{"doc": d, "narrative": f"Story {k}", "subnarrative": None, "score": 0.9,
                        "evidence": []} for k, d in enumerate(docs)]
    tab = _section(render(a), '<section id="narratives"', "</section>")
    before, _, rest = tab.partition('<template class="page">')
    assert before.count('<div class="card">') == 2
    pages = re.findall(r'<template class="page">(.*?)</template>', tab, re.S)
    assert [p.count('<div class="card">') for p in pages] == [2, 1]
    assert '<button type="button" class="more" data-step="2">Show 2 more</button>' in tab
    assert "2 of 5 documents shown" in tab


def test_a_single_page_of_narrative_cards_has_no_button() -> None:
    a = provenance_analysis()
    a["narratives"] = [{"doc": a["documents"][0]["id"], "narrative": "Story", "subnarrative": None,
                        "score": 0.9, "evidence": []}]
    tab = _section(render(a), '<section id="narratives"', "</section>")
    assert tab.count('<div class="card">') == 1
    assert "<template" not in tab and 'class="more"' not in tab
