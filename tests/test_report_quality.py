"""Honest confidence in the report (issue #17): every narrative and framing view states the
model's measured quality, from the model's own metadata, and links to its model card."""

from __future__ import annotations

import json

from narratrace.narratives import default_model_path
from narratrace.report._model import model_quality
from test_report import render

DOC = {"id": "d1", "path": "a.txt", "title": "Talks", "outlet": None, "published": "2025-05-01",
       "language": "en", "text": "The minister blamed the rebels for the attack.", "removed": []}


def _analysis(**tables):
    base = {"schema_version": "1", "generator": {"name": "narratrace", "version": "0"},
            "generated_at": "2026-01-01T00:00:00+00:00", "documents": [DOC]}
    for key in ("errors", "entities", "attributions", "dates", "claims", "claim_families", "reuse",
                "citations", "events", "narratives", "framing"):
        base[key] = []
    base.update(tables)
    return base


def test_quality_comes_from_the_shipped_model():
    meta = json.loads((default_model_path() / "narratives.json").read_text(encoding="utf-8"))
    quality = model_quality()
    assert quality is not None
    assert quality["exact_match"] == meta["metrics"]["framing"]["exact_match_ratio"]
    assert quality["f1_coarse"] == meta["metrics"]["narratives"]["f1_coarse"]
    assert (default_model_path().parent / "MODEL_CARD.md").is_file()
    assert quality["card"] == "narratrace/narratives/MODEL_CARD.md"


def test_narrative_and_framing_views_state_the_quality():
    quality = model_quality()
    html = render(_analysis(
        narratives=[{"doc": "d1", "narrative": "Blaming the war on others", "subnarrative": None,
                     "score": 0.7, "evidence": [[0, 46]]}],
        framing=[{"doc": "d1", "entity": "rebels", "start": 28, "end": 34, "main_role": "Antagonist",
                  "fine_roles": ["Instigator"], "score": 0.8}]))
    assert html.count('class="caveat"') == 2
    assert f"samples-F1 {quality['f1_coarse']:.2f}" in html
    assert f"exactly right for {100 * quality['exact_match']:.0f}%" in html
    assert quality["card"] in html


def test_the_framing_caveat_comes_with_framing_rows_only():
    html = render(_analysis())
    assert html.count('class="caveat"') == 1  # the narratives tab's; no framing table, no caveat
    assert 'class="caveat"' not in html.split('id="narratives"')[0]


def test_an_untitled_document_is_shown_by_its_first_line_never_its_path():
    untitled = dict(DOC, title=None, path="/home/ana/secret-project/a.txt",
                    text="Dockers return to work after a week.\nThe union said so.")
    html = render(_analysis(documents=[untitled]))
    assert "Dockers return to work after a week." in html
    path = "/home/ana/secret-project/a.txt"
    # the path shows in its own column only, never as the document's name
    assert html.count(path) == html.count(f'class="path">{path}<') >= 1
