"""`narratrace train narratives` end to end on a small SemEval-layout corpus written here (issue #5).

The articles are our own, about invented countries, in two styles that the labels follow, so
that a working trainer must learn them and a broken one (labels shuffled against texts, heads
not written, thresholds lost) cannot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from narratrace.cli import app
from narratrace.errors import InputError
from narratrace.narratives import classify_narratives, frame_entities, load_model, train
from narratrace.types import Document

pytestmark = pytest.mark.model

BLAME = "URW: Blaming the war on others rather than the invader"
BLAME_SUB = f"{BLAME}: The West are the aggressors"
HOAX = "CC: Criticism of climate movement"
HOAX_SUB = f"{HOAX}: Climate movement is corrupt"

WAR = ("{a} sent tanks across the border and shelled the suburbs of {v} for a {n}th night. "
       "Residents of {v} hid in cellars while the artillery of {a} kept firing. "
       "Commentators on state television blamed western capitals for the bombardment. "
       "The front line moved again near the river crossing.")
CLIMATE = ("Activists of the {a} campaign demanded new fuel taxes at rally number {n}. "
           "Critics said the {a} campaign pocketed donations and flew to summits on private "
           "jets, while {v} farmers paid the bills. Emission targets were called a scam.")
ATTACKERS = ["Ruritania", "Kravia", "Osterlich", "Borduria", "Syldavia", "Pottsylvania",
             "Latveria", "Genovia", "Elbonia", "Moldavia"]
VICTIMS = ["Freedonia", "Grand Fenwick", "Zubrowka", "Sokovia", "Wadiya", "Qumar", "Markovia",
           "Kasnia", "Slovetzia", "Tomainia"]


def _write_corpus(root: Path) -> Path:
    docs, narratives, framing = root / "raw-documents", [], []
    docs.mkdir(parents=True)
    for n, (a, v) in enumerate(zip(ATTACKERS, VICTIMS)):
        for domain, template, coarse, fine in (("UA", WAR, BLAME, BLAME_SUB),
                                               ("CC", CLIMATE, HOAX, HOAX_SUB)):
            doc_id = f"EN_{domain}_{n:03d}.txt"
            text = template.format(a=a, v=v, n=n + 2)
            (docs / doc_id).write_text(text, encoding="utf-8")
            narratives.append(f"{doc_id}\t{coarse}\t{fine}\n")
            s = text.index(a)
            framing.append(f"{doc_id}\t{a}\t{s}\t{s + len(a) - 1}\tAntagonist\tInstigator\n")
            s = text.index(v)
            framing.append(f"{doc_id}\t{v}\t{s}\t{s + len(v) - 1}\tInnocent\tVictim\n")
    (root / "subtask-2-annotations.txt").write_text("".join(narratives), encoding="utf-8")
    (root / "subtask-1-annotations.txt").write_text("".join(framing), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("semeval")
    data = _write_corpus(root / "data")
    result = CliRunner().invoke(app, ["train", "narratives", "--data", str(data),
                                      "--out", str(root / "model"), "--folds", "3"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output), load_model(root / "model")


def test_cli_prints_the_recorded_cross_validated_metrics(trained):
    printed, model = trained
    assert printed == model.metrics
    assert printed["narratives"]["f1_coarse"] == pytest.approx(1.0)
    assert printed["framing"]["mentions"] == 40 and printed["framing"]["articles"] == 20
    # two roles, equally frequent: a trainer that learned nothing would score about 0.5
    assert printed["framing"]["main_role_accuracy"] >= 0.9
    assert printed["framing"]["heads"] == "contextual, fine-tuned encoder"


def test_trained_model_labels_unseen_articles_of_each_style(trained):
    _, model = trained
    assert set(model.narratives) == {BLAME, HOAX}
    war = WAR.format(a="Carpania", v="Ostland", n=40)
    climate = CLIMATE.format(a="Greenwave", v="Northmoor", n=40)
    for text, want in ((war, BLAME), (climate, HOAX)):
        doc = Document(id="new", path="new", text=text, source_text=text)
        labels = classify_narratives(doc, model=model)
        assert [lab.narrative for lab in labels] == [want]
        assert labels[0].evidence  # the sentences that carry it


def test_trained_model_frames_unseen_names(trained):
    _, model = trained
    text = WAR.format(a="Carpania", v="Ostland", n=40)
    doc = Document(id="new", path="new", text=text, source_text=text)
    spans = [(text.index(name), text.index(name) + len(name), name)
             for name in ("Carpania", "Ostland")]
    roles = [(f.main_role, f.fine_roles) for f in frame_entities(doc, spans, model=model)]
    assert roles == [("Antagonist", ("Instigator",)), ("Innocent", ("Victim",))]


def test_training_refuses_a_folder_without_narrative_labels(tmp_path):  # negative case
    data = _write_corpus(tmp_path / "data")
    (data / "subtask-2-annotations.txt").unlink()
    with pytest.raises(InputError, match="subtask-2"):
        train(data, out=tmp_path / "model")
    assert not (tmp_path / "model").exists()


def test_training_refuses_too_few_articles(tmp_path):  # negative case
    data = _write_corpus(tmp_path / "data")
    keep = (data / "subtask-2-annotations.txt").read_text(encoding="utf-8").splitlines(True)[:3]
    (data / "subtask-2-annotations.txt").write_text("".join(keep), encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "narratives", "--data", str(data),
                                      "--out", str(tmp_path / "model")])
    assert result.exit_code == 1 and "need at least 10" in result.output
