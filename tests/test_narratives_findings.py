"""Honest confidence (issue #17, item 2): a narrative label or a framing role is a finding only
at or above a threshold calibrated for precision in cross-validation; below it, it is kept and
shown as such; evidence sentences mention the label."""

from __future__ import annotations

import pytest

from narratrace.narratives import FindingThresholds, finding_thresholds
from narratrace.narratives._findings import (TARGET_PRECISION, calibrate, cue_terms, has_cue,
                                             name_words, precision_threshold, vocabulary_terms)


@pytest.mark.parametrize("scores,correct,target,support,expected", [
    ([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 0], 0.6, 2, 0.7),     # 2/3 right at 0.7, 2/4 at 0.6
    ([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 0], 0.6, 4, None),    # not enough predictions
    ([0.9, 0.8, 0.7], [0, 0, 0], 0.1, 1, None),            # never right: never a finding
    ([0.5, 0.5, 0.4], [1, 0, 1], 0.6, 1, 0.4),             # ties move together: 0.5 is 1/2
    ([], [], 0.7, 1, None),
])
def test_precision_threshold(scores, correct, target, support, expected):
    assert precision_threshold(scores, correct, target=target, min_support=support) == expected


@pytest.mark.parametrize("groups,expected", [
    (None, 0.5),                                  # pooled: 4 of 5 right at 0.5
    (["ctx", "ctx", "ctx", "ctx", "tfidf"], 0.6),  # tfidf's one prediction, at 0.5, is wrong
    (["ctx", "tfidf", "ctx", "ctx", "tfidf"], 0.6),  # tfidf 1 of 1 at 0.6, 1 of 2 at 0.5
    (["tfidf", "ctx", "ctx", "ctx", "ctx"], 0.5),  # both groups right often enough at 0.5
])
def test_a_threshold_must_hold_for_every_group(groups, expected):
    scores, correct = [0.9, 0.8, 0.7, 0.6, 0.5], [1, 1, 1, 1, 0]
    assert precision_threshold(scores, correct, target=0.75, min_support=3,
                               groups=groups) == expected


def test_calibrate_by_groups_reports_each_group():
    rows = [("Antagonist", 0.9, True, "contextual")] * 6 + [("Antagonist", 0.9, False, "tfidf")] * 3 \
        + [("Antagonist", 0.95, True, "tfidf")] * 5
    out = calibrate(rows, target=0.7, min_support=5)
    # at 0.9 tfidf is right 5 of 8 times: only 0.95 holds for both
    assert out["thresholds"] == {"Antagonist": 0.95}
    assert out["groups"]["Antagonist"] == {
        "contextual": {"predicted": 6, "kept": 0, "precision": None},
        "tfidf": {"predicted": 8, "kept": 5, "precision": 1.0}}
    pooled = calibrate([r[:3] for r in rows], target=0.7, min_support=5)
    assert pooled["thresholds"] == {"Antagonist": 0.9} and "groups" not in pooled  # 11 of 14


def test_calibrate_keeps_only_what_reached_the_target():
    rows = [("a", 0.9, True)] * 8 + [("a", 0.3, False)] * 8 + [("b", 0.9, False)] * 20
    out = calibrate(rows, target=0.7, min_support=5)
    assert out["thresholds"] == {"a": 0.9, "b": None}
    assert out["kept"] == {"a": 8, "b": 0} and out["precision"] == {"a": 1.0}
    assert out["predicted"] == {"a": 16, "b": 20}


def test_uncalibrated_or_unknown_is_never_a_finding():
    nothing = FindingThresholds()
    assert not nothing.narrative("URW: Anything", 0.99, [(0, 5)])
    assert not nothing.role("Antagonist", 0.99)
    some = FindingThresholds({"CC: A": 0.3}, {"Innocent": 0.5}, calibrated=True)
    assert some.narrative("CC: A", 0.3, [(0, 5)]) and not some.narrative("CC: B", 0.9, [(0, 5)])
    assert not some.narrative("CC: A", 0.9, [])  # no cued evidence: no finding
    assert some.role("Innocent", 0.5) and not some.role("Innocent", 0.49)


def test_the_shipped_model_is_calibrated_for_precision():
    from narratrace.narratives import load_model

    model = load_model()
    thresholds = finding_thresholds()
    assert thresholds.calibrated
    assert set(thresholds.narratives) <= set(model.narratives)
    assert set(thresholds.roles) <= set(model.main_roles)
    assert any(t is not None for t in thresholds.narratives.values())
    findings = model.metrics["findings"]
    for kind in ("narratives", "roles"):
        cal = findings[kind]
        assert cal["target_precision"] == TARGET_PRECISION
        for key, t in cal["thresholds"].items():
            if t is not None:  # what a threshold keeps reached the target in CV
                assert cal["precision"][key] >= TARGET_PRECISION
                assert cal["kept"][key] >= cal["min_support"]


def test_every_main_role_is_calibrated_for_both_framing_heads():
    """Issue #17: the roles' calibration ran on the shipped model (it did not fit in the time
    before the fine-tuning packed its batches): each main role has a threshold, and what it
    keeps of the contextual and of the TF-IDF heads' CV predictions reached the target."""
    from narratrace.narratives import load_model

    model = load_model()
    thresholds = finding_thresholds()
    assert set(thresholds.roles) == set(model.main_roles)
    assert all(t is not None for t in thresholds.roles.values())
    roles = model.metrics["findings"]["roles"]
    for role, heads in roles["groups"].items():
        assert set(heads) == {"contextual", "tfidf"}
        for head in heads.values():
            assert head["kept"] == 0 or head["precision"] >= TARGET_PRECISION
    # the run that gave them is the framing CV of the model card (414 gold mentions)
    assert roles["cv"]["mentions"] == model.metrics["framing"]["mentions"]
    assert abs(roles["cv"]["main_role_accuracy"] - model.metrics["framing"]["main_role_accuracy"]) < 0.01
    # a framing at its role's threshold is a finding, just below it is not
    for role, t in thresholds.roles.items():
        assert thresholds.role(role, t) and not thresholds.role(role, t - 0.001)
        assert thresholds.role_note(role, t - 0.001) == "below threshold: not a finding"


def test_cues():
    assert {"nuclear", "weapons"} <= name_words("URW: Amplifying war-related fears: Nuclear weapons")
    cues = (frozenset({"tank"}), frozenset({"nucle", "weapo"}))
    assert has_cue("A nuclear plant was shelled.", cues)
    assert has_cue("Weaponry arrived.", cues)
    assert not has_cue("The harvest festival opened on Sunday.", cues)
    assert not has_cue("Tanks and more.", (frozenset({"tank"}), frozenset()))  # whole words


def test_cue_terms_read_the_vocabulary_terms_made_once():
    import numpy as np

    vocabulary = {"war": 0, "tea": 1, "tank": 2, "fuel": 3}
    terms = vocabulary_terms(vocabulary)
    assert terms.tolist() == ["war", "tea", "tank", "fuel"]
    for weights in ([0.5, -1.0, 2.0, 0.1], [0.0, 0.0, -1.0, 3.0]):
        head = np.array(weights)
        assert cue_terms(head, vocabulary, ["URW: Fuel"], top=2, terms=terms) \
            == cue_terms(head, vocabulary, ["URW: Fuel"], top=2)


ARTICLE = ("Fears grow over the Valmora power station\n\n"
           "Officials in Valmora warned on Tuesday that shelling near the nuclear power station "
           "could cause a disaster across Europe. NATO allies said the risk of a wider war was "
           "growing. The town council met to discuss its budget for the new library. "
           "Residents queued for bread in the morning. Russia and Ukraine traded accusations "
           "over the attack on the plant, and Western leaders warned of escalation.")


@pytest.mark.model
def test_every_evidence_sentence_mentions_its_label():
    from narratrace.narratives import classify_narratives, label_cues, load_model
    from narratrace.types import Document

    model = load_model()
    doc = Document("d1", "d1.txt", ARTICLE, ARTICLE, language="en")
    labels = [label for label in classify_narratives(doc, model=model) if label.narrative != "Other"]
    assert labels  # the article is about war fears: the model labels it
    for label in labels:
        cues = label_cues(model, label.narrative, label.subnarrative)
        for start, end in label.evidence:
            assert has_cue(ARTICLE[start:end], cues), (label, ARTICLE[start:end])
        assert all("library" not in ARTICLE[s:e] and "bread" not in ARTICLE[s:e]
                   for s, e in label.evidence)


def _analysis():
    text = "Officials warned of war. Lunch was served."
    return {"documents": [{"id": "d1", "path": "a.txt", "title": "A", "text": text,
                           "source_text": text, "language": "en", "analysed": True}],
            "narratives": [
                {"doc": "d1", "narrative": "URW: Sure", "subnarrative": None, "score": 0.9,
                 "evidence": [[0, 24]]},
                {"doc": "d1", "narrative": "URW: Weak", "subnarrative": None, "score": 0.2,
                 "evidence": [[0, 24]]}],
            "entities": [{"id": "e1", "name": "Officials", "type": "group"}],
            "framing": [
                {"doc": "d1", "entity": "Officials", "start": 0, "end": 9,
                 "main_role": "Antagonist", "fine_roles": ["Instigator"], "score": 0.95},
                {"doc": "d1", "entity": "Officials", "start": 0, "end": 9,
                 "main_role": "Innocent", "fine_roles": ["Victim"], "score": 0.4}]}


def test_report_shows_below_threshold_labels_as_such(monkeypatch):
    import narratrace.narratives as narratives
    from narratrace.report import render_report, unpack_html

    monkeypatch.setattr(narratives, "finding_thresholds", lambda: FindingThresholds(
        {"URW: Sure": 0.5, "URW: Weak": 0.5}, {"Antagonist": 0.9, "Innocent": 0.9},
        calibrated=True))
    page = unpack_html(render_report(_analysis()))  # the narratives tab is packed
    tab = page[page.index('id="narratives"'):]
    sure, weak = tab.index("URW: Sure"), tab.index("URW: Weak")
    assert sure < weak  # findings first
    assert "below threshold" not in tab[sure:weak]
    assert "below threshold: not a finding" in tab[weak:weak + 300]
    rows = tab[tab.index("Entity framing"):]
    antagonist, innocent = rows.index(">Antagonist"), rows.index(">Innocent")
    assert antagonist < innocent and "below threshold" in rows[innocent:innocent + 80]
    assert "below threshold" not in rows[antagonist:innocent]
