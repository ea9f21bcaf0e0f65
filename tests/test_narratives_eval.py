"""Quality gates and model-level tests of the narratives stage (loads the shipped artefact).

The artefact is small (TF-IDF + linear heads as arrays); these tests never train on the full
split. Held-out numbers come from the nested CV that ``train()`` records in the model metadata.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from narratrace.errors import ModelNotFoundError
from narratrace.narratives import (classify_narratives, frame_entities, load_model,
                                   predict_semeval)
from narratrace.narratives import _semeval as S
from narratrace.narratives._framing import mention_vectors
from narratrace.narratives._model import ARRAYS, DEFAULT_DIR, has_contextual_heads
from narratrace.types import Document, Mention

BASELINE = json.loads((Path(__file__).parent / "eval_baseline_narratives.json").read_text())
pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_shipped_model_is_small_and_loads_fast():
    assert (DEFAULT_DIR / ARRAYS).stat().st_size <= BASELINE["max_artefact_bytes"]
    t0 = time.perf_counter()
    load_model()
    assert time.perf_counter() - t0 < BASELINE["max_load_seconds"]


def test_missing_model_says_how_to_rebuild(tmp_path: Path):
    with pytest.raises(ModelNotFoundError, match="narratrace train narratives"):
        load_model(tmp_path)


@pytest.mark.parametrize(("section", "metric"), [
    ("narratives", "f1_coarse"), ("narratives", "f1_fine"),
    ("framing", "main_role_accuracy"), ("framing", "exact_match_ratio")])
def test_recorded_cv_metrics_meet_floors(model, section, metric):
    """Gate: the nested 5-fold CV scores recorded by train() stay at or above the floors."""
    recorded = model.metrics[section]
    assert recorded[metric] >= BASELINE[section][metric], (section, metric, recorded[metric])


def _doc(text: str, doc_id: str = "d") -> Document:
    return Document(id=doc_id, path=doc_id, text=text, source_text=text)


def test_labels_are_in_taxonomy_and_evidence_spans_are_sentences(model):
    text = ("Sanctions against Russia will backfire on Europe.\nEuropean industry is paying "
            "for expensive gas. The West is weak and divided.\n")
    labels = classify_narratives(_doc(text), model=model)
    assert labels
    for label in labels:
        assert label.narrative == "Other" or label.narrative in model.narratives
        if label.subnarrative:
            assert f"{label.narrative}: {label.subnarrative}" in model.subnarratives
        for s, e in label.evidence:
            assert 0 <= s < e <= len(text) and "\n" not in text[s:e]


def test_empty_document_is_other(model):  # negative case
    assert [lab.narrative for lab in classify_narratives(_doc(""), model=model)] == ["Other"]


def test_frame_entities_tuples_and_mentions(model):
    text = "Ruritania invaded Freedonia and killed civilians. Freedonia defended itself."
    framings = frame_entities(_doc(text), [(0, 9, "Ruritania"), (18, 27, "Freedonia")],
                              model=model)
    assert [f.entity for f in framings] == ["Ruritania", "Freedonia"]
    for f in framings:
        assert f.main_role in ("Protagonist", "Antagonist", "Innocent")
        assert set(f.fine_roles) <= set(model.role_taxonomy[f.main_role]) and f.fine_roles
    mentions = [Mention("d", 0, 9, "Ruritania", "place"), Mention("d", 18, 27, "Freedonia", "other")]
    assert [f.entity for f in frame_entities(_doc(text), mentions, model=model)] == ["Ruritania"]


def test_contextual_framing_covers_the_first_mentions_and_tfidf_the_rest(model):
    """Issue #5 (entity framing): the first MAX_CONTEXTUAL distinct names are framed from their
    encoder vector, later ones exactly as with ``contextual=False`` (TF-IDF heads)."""
    from narratrace.narratives import MAX_CONTEXTUAL

    assert has_contextual_heads(model)
    text = " ".join(f"Ruritania{i} shelled the villages of Freedonia." for i in range(12))
    spans = [(m.start(), m.end(), m.group()) for m in re.finditer(r"Ruritania\d+", text)]
    assert len(spans) > MAX_CONTEXTUAL
    ctx = frame_entities(_doc(text), spans, model=model)
    plain = frame_entities(_doc(text), spans, model=model, contextual=False)
    assert [f.start for f in ctx] == [s for s, _, _ in spans] == [f.start for f in plain]
    for f in ctx[:MAX_CONTEXTUAL]:
        assert len(f.fine_roles) == 1 and set(f.fine_roles) <= set(model.role_taxonomy[f.main_role])
    assert ctx[MAX_CONTEXTUAL:] == plain[MAX_CONTEXTUAL:]


def test_mention_vectors_read_the_mention_in_its_context():
    text = "Rebels attacked Ruritania at dawn. Ruritania sent aid to the flood victims."
    a, b = text.index("Ruritania"), text.index("Ruritania", 20)
    v = mention_vectors(text, [(a, a + 9), (a, a + 9), (b, b + 9), (0, 6)])
    assert v.shape == (4, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(v[0], v[1])                   # same mention, same vector
    assert float(v[0] @ v[3]) < 0.95                    # negative: another mention differs
    assert mention_vectors(text, []).shape == (0, 384)  # negative: nothing to encode


def test_a_mention_vector_does_not_depend_on_mentions_far_away():
    far = " ".join(["The weather stayed calm all week."] * 20)
    text = "Rebels attacked Ruritania at dawn. " + far + " Freedonia sent aid to the victims."
    a, b = text.index("Ruritania"), text.index("Freedonia")
    alone = mention_vectors(text, [(a, a + 9)])
    both = mention_vectors(text, [(b, b + 9), (a, a + 9)])
    assert np.array_equal(alone[0], both[1])
    assert not np.array_equal(both[0], both[1])


def test_predict_semeval_writes_official_files(tmp_path: Path, model):
    data = tmp_path / "DIR"
    (data / "raw-documents").mkdir(parents=True)
    texts = {"EN_X_1.txt": "Ruritania shelled Freedonia. Sanctions will backfire on Europe.\n",
             "EN_X_2.txt": "Climate activists are alarmist and the climate agenda is a hoax.\n"}
    for name, text in texts.items():
        (data / "raw-documents" / name).write_text(text, encoding="utf-8")
    (data / S.MENTIONS_FILE).write_text("EN_X_1.txt\tRuritania\t0\t8\n", encoding="utf-8")
    (data / S.NARRATIVES_FILE).write_text("EN_X_1.txt\tOther\tOther\nEN_X_2.txt\tOther\tOther\n")
    out = tmp_path / "OUT"
    result = predict_semeval(data, out, model=model)
    narr = (out / S.NARRATIVE_PREDICTIONS).read_text().splitlines()
    assert sorted(line.split("\t")[0] for line in narr) == sorted(texts)
    for line in narr:
        doc, coarse, fine = line.split("\t")
        for c in coarse.split(";"):
            assert c == "Other" or c in model.narratives
        for f in fine.split(";"):
            assert f == "Other" or f in model.subnarratives
    frame = (out / S.FRAMING_PREDICTIONS).read_text().splitlines()
    cols = frame[0].split("\t")
    assert cols[:4] == ["EN_X_1.txt", "Ruritania", "0", "8"]  # inclusive end kept
    assert cols[4] in ("Protagonist", "Antagonist", "Innocent") and len(cols) >= 6
    assert result["articles"] == 2 and result["mentions"] == 1 and "f1_coarse" in result


SEEDS_DU = "URW: Discrediting Ukraine"


def _seeds(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "seeds").glob("*.txt"))


def _clean_seed(path: Path) -> Document:
    """The seed as the pipeline classifies it: cleaned (boilerplate and unrelated "related
    articles" removed), not the raw page text."""
    from narratrace.clean import clean_document
    from narratrace.ingest import iter_inputs
    from narratrace.types import RawDocument

    (raw,) = [r for r in iter_inputs([path]) if isinstance(r, RawDocument)]
    return clean_document(raw)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seeds_discrediting_ukraine(shared_dir, model, prefix):
    """Issue #5: the seed articles come out under "URW: Discrediting Ukraine" with evidence.
    Issue #17: evidence sentences mention the label, so a subnarrative label that no sentence
    of the seed mentions (here "Ukraine is a puppet of the West") has none (and is no finding);
    the narrative still has evidence through another of its labels."""
    from narratrace.narratives import label_cues
    from narratrace.narratives._findings import has_cue

    path = next(p for p in _seeds(shared_dir) if p.name.startswith(prefix))
    document = _clean_seed(path)
    labels = classify_narratives(document, model=model)
    hits = [lab for lab in labels if lab.narrative == SEEDS_DU]
    assert hits and any(lab.evidence for lab in hits)
    for lab in hits:
        cues = label_cues(model, lab.narrative, lab.subnarrative)
        assert all(has_cue(document.text[s:e], cues) for s, e in lab.evidence)


@pytest.mark.xfail(strict=True, reason="004 is not yet labelled 'Discrediting the West'")
def test_seed_004_discrediting_the_west(shared_dir, model):
    path = next(p for p in _seeds(shared_dir) if p.name.startswith("004"))
    labels = classify_narratives(_clean_seed(path), model=model)
    assert "URW: Discrediting the West, Diplomacy" in {lab.narrative for lab in labels}


def test_predict_semeval_on_train_subset_is_in_sample_sanity(shared_dir, tmp_path, model):
    """IN-SAMPLE sanity only (the model was fitted on these articles), not a held-out score:
    a broken reader/writer/decision path shows up as a score far below the training fit."""
    src = shared_dir / "data/semeval2025-task10/EN/train"
    data = tmp_path / "sub"
    (data / "raw-documents").mkdir(parents=True)
    names = sorted(p.name for p in (src / "raw-documents").glob("*.txt"))[::10]
    for n in names:
        (data / "raw-documents" / n).write_text(
            (src / "raw-documents" / n).read_text(encoding="utf-8"), encoding="utf-8")
    for f in (S.NARRATIVES_FILE, S.FRAMING_FILE):
        keep = [ln for ln in (src / f).read_text(encoding="utf-8").splitlines(True)
                if ln.split("\t")[0] in names]
        (data / f).write_text("".join(keep), encoding="utf-8")
    result = predict_semeval(data, tmp_path / "out", model=model)
    assert result["f1_coarse"] > 0.7 and result["f1_fine"] > 0.6
    assert result["main_role_accuracy"] > 0.7
