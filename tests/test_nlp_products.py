"""The pipeline's layers multiply with numpy's BLAS instead of BLIS
(narratrace.nlp.use_numpy_products), and parse as spaCy's own pipeline does."""

from __future__ import annotations

import pytest

TEXTS = {
    "en": ("The ministers were meeting the striking dockers in Rotterdam, who said the talks had "
           "stalled. \"We will not sign,\" Anna Berg told Reuters on Tuesday. Officials denied "
           "that any payments were made to the union."),
    "fr": ("Les ministres ont démenti les accusations portées contre leurs services. « Nous ne "
           "signerons pas », a déclaré Marie Dupont à Lyon mardi."),
}


def _annotations(doc: object) -> list[tuple[object, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.is_sent_start,
             t.ent_iob_, t.ent_type_) for t in doc]  # type: ignore[attr-defined]


@pytest.mark.model
@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_the_layers_multiply_with_numpy_and_parse_as_spacys_own(lang: str) -> None:
    import spacy
    from thinc.api import NumpyOps

    from narratrace.nlp import load_spacy

    ours = load_spacy(lang)
    nodes = [node for _, pipe in ours.pipeline if getattr(pipe, "model", None) is not None
             for node in pipe.model.walk()]
    assert nodes and all(isinstance(n.ops, NumpyOps) and not n.ops.use_blis for n in nodes)
    import pickle

    assert pickle.loads(pickle.dumps(nodes[0].ops)) is nodes[0].ops  # one per process
    plain = spacy.load(ours.meta["lang"] + "_" + ours.meta["name"])
    assert any(getattr(n.ops, "use_blis", False) for n in plain.get_pipe("tagger" if lang == "en"
                                                                          else "morphologizer").model.walk())
    plain.tokenizer = ours.tokenizer
    assert _annotations(ours(TEXTS[lang])) == _annotations(plain(TEXTS[lang]))
