"""Unit tests of the narratives stage: official formats, scorer, features, decisions (no models)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narratrace.errors import InputError
from narratrace.narratives import _semeval as S
from narratrace.narratives._features import Tfidf, ngrams, sklearn_vectorizer, split_sentences
from narratrace.narratives._framing import mention_features, mention_window
from narratrace.narratives import __all__ as PUBLIC
from narratrace.narratives import default_model_path
from narratrace.narratives._model import (ARRAYS, META, DocScores, Head, NarrativeModel, decide,
                                          decide_roles, frame_scores, frame_scores_contextual,
                                          has_contextual_heads, mention_matrix, official_labels)

G = S.GoldNarratives


@pytest.mark.parametrize(("gold", "pred", "expected"), [
    ({"a": {"X"}}, {"a": {"X"}}, 1.0),
    ({"a": {"X", "Y"}}, {"a": {"X"}}, 0.6667),
    ({"a": {"X"}}, {"a": {"Y"}}, 0.0),            # negative: disjoint sets
    ({"a": {"X"}}, {}, 0.0),                       # negative: missing prediction scores 0
    ({"a": {"Other"}, "b": {"X"}}, {"a": {"Other"}, "b": {"Other"}}, 0.5),  # Other is a label
])
def test_samples_f1(gold, pred, expected):
    g = {k: frozenset(v) for k, v in gold.items()}
    p = {k: frozenset(v) for k, v in pred.items()}
    assert S.samples_f1(g, p)[0] == expected


def test_samples_f1_drops_labels_outside_the_official_lists():
    g = {"a": frozenset({"X"})}
    assert S.samples_f1(g, {"a": frozenset({"X", "Bogus"})}, classes={"X"})[0] == 1.0
    assert S.samples_f1(g, {"a": frozenset({"X", "Bogus"})})[0] == 0.6667


def test_narrative_file_round_trip(tmp_path: Path):
    path = tmp_path / "p.txt"
    S.write_lines(path, [S.format_narratives("d1.txt", ["URW: A", "URW: B"],
                                             ["URW: A: x", "URW: B: Other"]),
                         S.format_narratives("d2.txt", [], [])])
    assert path.read_text().splitlines()[1] == "d2.txt\tOther\tOther"
    back = S.read_narratives(path)
    assert back["d1.txt"] == G(frozenset({"URW: A", "URW: B"}),
                               frozenset({"URW: A: x", "URW: B: Other"}))
    assert S.narrative_scores(back, back)["f1_fine"] == 1.0


@pytest.mark.parametrize("line", ["d1.txt\tonly two", "d1.txt\ta\tb\tc"])
def test_narrative_reader_rejects_bad_lines(tmp_path: Path, line: str):
    (tmp_path / "p.txt").write_text(line + "\n")
    with pytest.raises(InputError):
        S.read_narratives(tmp_path / "p.txt")


def test_framing_offsets_are_inclusive_in_files_and_exclusive_inside(tmp_path: Path):
    text = "The army of Ruritania shelled Freedonia."
    path = tmp_path / "f.txt"
    # official: end inclusive (Ruritania = 12..20); one gold line shifted by one character
    path.write_text("d.txt\tRuritania\t12\t20\tAntagonist\tInstigator\tTyrant\r\n"
                    "d.txt\tFreedonia\t31\t39\tInnocent\tVictim\r\n")
    rows = S.read_framing(path, texts={"d.txt": text})
    assert [text[r.start:r.end] for r in rows] == ["Ruritania", "Freedonia"]
    assert rows[0].fine_roles == ("Instigator", "Tyrant")
    S.write_lines(tmp_path / "o.txt", (S.format_framing(r) for r in rows))
    assert (tmp_path / "o.txt").read_text().splitlines()[0] == \
        "d.txt\tRuritania\t12\t20\tAntagonist\tInstigator\tTyrant"


@pytest.mark.parametrize("line", ["d.txt\tX\t1", "d.txt\tX\ta\tb\tAntagonist",
                                  "d.txt\tX\t1\t2\tVillain\tTyrant"])
def test_framing_reader_rejects_bad_lines(tmp_path: Path, line: str):
    (tmp_path / "f.txt").write_text(line + "\n")
    with pytest.raises(InputError):
        S.read_framing(tmp_path / "f.txt")


def test_framing_scores():
    gold = [S.FramingRow("d", "A", 0, 1, "Antagonist", ("Tyrant",)),
            S.FramingRow("d", "B", 2, 3, "Innocent", ("Victim",)),
            S.FramingRow("d", "C", 4, 5, "Protagonist", ("Guardian", "Peacemaker"))]
    pred = [S.FramingRow("d", "A", 0, 1, "Antagonist", ("Tyrant",)),
            S.FramingRow("d", "B", 2, 3, "Antagonist", ("Victim",)),
            S.FramingRow("d", "C", 4, 5, "Protagonist", ("Guardian",))]  # partial: not exact
    assert S.framing_scores(gold, pred) == {"main_role_accuracy": 0.6667,
                                            "exact_match_ratio": 0.6667, "mentions": 3}
    assert S.framing_scores(gold, [])["main_role_accuracy"] == 0.0  # negative: nothing matched


@pytest.mark.parametrize(("text", "expected"), [
    ("One. Two!\nThree", ["One.", "Two!", "Three"]),
    ("Dr. who? no split here", ["Dr. who? no split here"]),
    ("He said “go.” Then left.", ["He said “go.”", "Then left."]),
    ("", []),
    ("   \n \n", []),
])
def test_split_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_tfidf_matches_sklearn():
    docs = ["Sanctions will backfire on Europe", "Europe buys gas; sanctions hurt Europe",
            "The climate movement is alarmist", "alarmist claims about the climate"]
    vec = sklearn_vectorizer(n_max=2, min_df=1)
    ref = vec.fit_transform(docs).toarray()
    ours = Tfidf.from_sklearn(vec)
    assert np.allclose(ours.transform(docs), ref, atol=1e-6)
    again = Tfidf.from_arrays(ours.to_arrays("x"), "x")
    assert np.allclose(again.transform(docs), ref, atol=1e-6)
    assert not again.transform(["zzz qqq"]).any()  # negative: unknown words give a zero row


def test_ngrams_and_mention_features():
    assert ngrams("A big Dog", 2) == ["big", "dog", "big dog"]
    feats = mention_features("Rebels attacked Ruritania today.", 16, 25, "Ruritania", "URW").split()
    assert "e_ruritania" in feats and "c_attacked" in feats and "de_urw_ruritania" in feats
    assert all(f.isidentifier() or f.replace("_", "").isalnum() for f in feats)


NARR = ["CC: Doom", "URW: Blame", "URW: Discredit"]
SUBS = ["CC: Doom: Other", "URW: Blame: Other", "URW: Blame: West", "URW: Discredit: Other",
        "URW: Discredit: Puppet"]
TH = {"other": 0.5, "keep": 0.6, "coarse": 0.3, "fine": 0.3}


def _scores(dom, other, coarse, fine):
    return DocScores(dom, other, np.array(coarse, float), np.array(fine, float))


@pytest.mark.parametrize(("scores", "expected"), [
    # a confident war narrative with one subnarrative
    (_scores(0.1, 0.1, [0.9, 0.8, 0.1], [0.9, 0.1, 0.7, 0.1, 0.1]),
     (["URW: Blame"], ["URW: Blame: West"])),
    # the climate narrative is never predicted for a war article (domain constraint)
    (_scores(0.1, 0.1, [0.99, 0.2, 0.1], [0.9, 0.1, 0.1, 0.1, 0.1]),
     (["URW: Blame"], ["URW: Blame: Other"])),
    # no subnarrative passes: the best child is kept, here "<narrative>: Other"
    (_scores(0.1, 0.2, [0.0, 0.1, 0.5], [0.0, 0.0, 0.0, 0.2, 0.1]),
     (["URW: Discredit"], ["URW: Discredit: Other"])),
    # negative: the Other head wins and no narrative reaches "keep"
    (_scores(0.1, 0.7, [0.0, 0.5, 0.2], [0.0, 0.0, 0.9, 0.0, 0.0]), (["Other"], ["Other"])),
    # a narrative above "keep" overrides the Other head
    (_scores(0.1, 0.7, [0.0, 0.65, 0.2], [0.0, 0.0, 0.9, 0.0, 0.0]),
     (["URW: Blame"], ["URW: Blame: West"])),
])
def test_decide_hierarchy(scores, expected):
    labels = decide(scores, narratives=NARR, subnarratives=SUBS, thresholds=TH)
    assert official_labels(labels) == expected


@pytest.mark.parametrize(("main_p", "role_p", "extra", "expected"), [
    ([0.2, 0.7, 0.1], [0.9, 0.3, 0.2, 0.1], 1.01, ("Antagonist", ("Tyrant",))),  # Guardian not allowed
    ([0.2, 0.7, 0.1], [0.0, 0.6, 0.8, 0.1], 0.5, ("Antagonist", ("Spy", "Tyrant"))),
    ([0.2, 0.1, 0.7], [0.9, 0.9, 0.9, 0.05], 0.5, ("Innocent", ("Victim",))),
])
def test_decide_roles_respects_taxonomy(main_p, role_p, extra, expected):
    taxonomy = {"Protagonist": ["Guardian"], "Antagonist": ["Tyrant", "Spy"], "Innocent": ["Victim"]}
    main, fine, score = decide_roles(np.array(main_p), np.array(role_p),
                                     main_roles=list(taxonomy), fine_roles=["Guardian", "Tyrant", "Spy", "Victim"],
                                     taxonomy=taxonomy, extra=extra)
    assert (main, fine) == expected and 0 < score <= 1


def test_public_api_and_default_model_path():
    assert {"load_model", "default_model_path", "classify_narratives", "frame_entities",
            "train", "predict_semeval"} <= set(PUBLIC)
    path = default_model_path()
    assert path.is_dir() and (path / ARRAYS).is_file() and (path / META).is_file()


def _toy_framing_model(context: int) -> NarrativeModel:
    """Two-word vocabulary; ``context`` extra columns for the article's narrative scores."""
    tfidf = Tfidf({"e_a": 0, "e_b": 1}, np.ones(2, np.float32), 1)
    width = 2 + context
    main = Head(np.eye(3, width, dtype=np.float32), np.zeros(3, np.float32))
    roles = Head(np.zeros((2, width), np.float32), np.zeros(2, np.float32))
    return NarrativeModel(doc_tfidf=tfidf, mention_tfidf=tfidf,
                          heads={"main": main, "roles": roles}, meta={})


def test_mention_matrix_appends_the_article_context():
    model = _toy_framing_model(context=2)
    x = mention_matrix(model, ["e_a", "e_b e_b"], np.array([0.25, 0.75]))
    assert x.shape == (2, 4)
    assert np.allclose(x[:, 2:], [[0.25, 0.75], [0.25, 0.75]])  # one article row, broadcast
    main_p, role_p = frame_scores(model, ["e_a"], np.array([0.0, 1.0]))
    assert main_p.shape == (1, 3) and np.isclose(main_p.sum(), 1.0) and role_p.shape == (1, 2)
    with pytest.raises(ValueError, match="narrative scores"):  # negative: context missing
        mention_matrix(model, ["e_a"])


def test_mention_matrix_of_a_words_only_model_ignores_context():
    model = _toy_framing_model(context=0)
    assert mention_matrix(model, ["e_a"], np.array([0.5, 0.5])).shape == (1, 2)
    assert not mention_matrix(model, ["zzz"]).any()  # negative: unknown words, zero row


@pytest.mark.parametrize(("text", "start", "end", "chars", "expected"), [
    ("The army shelled Kyiv again.", 17, 21, 6, ("elled Kyiv again", 6, 10)),
    ("Ruritania invaded.", 0, 9, 200, ("Ruritania invaded.", 0, 9)),   # clipped at both ends
    ("ab X", 3, 4, 0, ("X", 0, 1)),                                   # no context at all
])
def test_mention_window(text, start, end, chars, expected):
    window, s, e = mention_window(text, start, end, chars=chars)
    assert (window, s, e) == expected and window[s:e] == text[start:end]


def test_frame_scores_contextual_appends_the_article_context():
    """The contextual heads read [vector | narrative probabilities]; both are softmaxes."""
    width = 4 + 2
    main_w = np.zeros((3, width), np.float32)
    main_w[2, 5] = 5.0  # the second narrative's probability pushes towards the third role
    heads = {"main_ctx": Head(main_w, np.zeros(3, np.float32)),
             "roles_ctx": Head(np.zeros((2, width), np.float32), np.zeros(2, np.float32))}
    model = NarrativeModel(doc_tfidf=Tfidf({}, np.zeros(0, np.float32), 1),
                           mention_tfidf=Tfidf({}, np.zeros(0, np.float32), 1), heads=heads)
    assert has_contextual_heads(model)
    vectors = np.ones((2, 4), np.float32)
    main_p, role_p = frame_scores_contextual(model, vectors, np.array([0.0, 1.0]))
    assert main_p.shape == (2, 3) and np.allclose(main_p.sum(1), 1.0)
    assert np.allclose(role_p, 0.5) and (main_p.argmax(1) == 2).all()
    low, _ = frame_scores_contextual(model, vectors, np.array([1.0, 0.0]))
    assert np.allclose(low, 1 / 3)  # negative: without that narrative, no preference
    assert not has_contextual_heads(_toy_framing_model(context=0))  # TF-IDF-only model


@pytest.mark.parametrize(("names", "cap", "expected"), [
    (["A", "B", "C"], 2, [0, 1]),
    (["A", "a", "B", "A", "C"], 3, [0, 2, 4]),       # a repeated name waits for the distinct ones
    (["A", "a", "A"], 2, [0, 1]),                    # then repeats fill the cap, in order
    (["A", "B"], 0, []),                             # negative: no encoder passes allowed
    ([], 5, []),                                     # negative: nothing to frame
])
def test_contextual_choice_prefers_distinct_names(names, cap, expected):
    from narratrace.narratives import _contextual_choice

    items = [(10 * i, 10 * i + 1, n) for i, n in enumerate(names)]
    assert _contextual_choice(items, cap) == expected


@pytest.mark.parametrize("length, spans, chars, max_chars, expected", [
    (1000, [(300, 305), (0, 4), (150, 160), (900, 910)], 100, 1000,
     [(0, 405, [1, 2, 0]), (800, 1000, [3])]),
    (1000, [(100, 110), (400, 410)], 100, 1000, [(0, 210, [0]), (300, 510, [1])]),  # apart
    (1000, [(0, 4), (150, 160), (300, 305)], 100, 300, [(0, 260, [0, 1]), (200, 405, [2])]),  # cap
    (50, [(10, 20), (10, 20)], 100, 1000, [(0, 50, [0, 1])]),  # same mention twice, short text
    (50, [], 100, 1000, []),
])
def test_merged_windows(length, spans, chars, max_chars, expected):
    from narratrace.narratives._framing import merged_windows

    assert merged_windows(length, spans, chars=chars, max_chars=max_chars) == expected


# ----------------------------------------------------------------------------- entity priors
@pytest.mark.parametrize(("mention", "expected"), [
    ("Ruritania", ("ruritania", None)),
    ("the Ruritania's", ("ruritania", None)),         # leading "the", possessive
    ("U.S.", ("united states", None)),                # alias from data/aliases.json
    ("Americans", ("united states", None)),           # demonym -> its country
    ("Jan Novak", ("jan novak", "novak")),            # person: the last word as fallback
    ("United States", ("united states", None)),       # negative: a canonical name, no fallback
])
def test_name_keys(mention, expected):
    from narratrace.narratives._priors import name_keys

    assert name_keys(mention) == expected


def _prior_labels(rows):  # main one-hot (2 main roles here) + fine multi-hot (2 fine roles)
    return np.array(rows, np.float32)


def test_priors_count_the_same_name_and_fall_back_to_the_last_word():
    from narratrace.narratives._priors import ALPHA, fit_priors

    labels = _prior_labels([[1, 0, 1, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 1, 0, 1]])
    priors = fit_priors(["Novak", "novak's", "Freedonia", "Freedonia"], labels, n_main=2)
    assert priors.keys == ("freedonia", "novak") and priors.width == 5
    assert np.allclose(priors.overall, 0.5)
    feats = priors.features(["Novak", "Jan Novak", "Ruritania"])
    expected = (np.array([2, 0, 2, 0]) + ALPHA * 0.5) / (2 + ALPHA) - 0.5
    assert np.allclose(feats[0, :4], expected) and np.isclose(feats[0, 4], np.log1p(2) / 3)
    assert np.allclose(feats[1], feats[0])           # "Jan Novak" falls back to "novak"
    assert not feats[2].any()                        # negative: unseen name, no prior, count 0


def test_leave_article_out_priors_ignore_the_mentions_own_article():
    from narratrace.narratives._priors import fit_priors, leave_article_out

    mentions, docs = ["Novak", "Novak", "Novak"], ["a", "a", "b"]
    labels = _prior_labels([[1, 0, 1, 0], [1, 0, 1, 0], [0, 1, 0, 1]])
    feats = leave_article_out(mentions, docs, labels, 2, train=[0, 1, 2], rows=[0, 2])
    overall = labels.mean(0)
    only_b = fit_priors(["Novak"], labels[2:], 2)
    # row 0 (article a) sees only article b's mention; row 2 sees article a's two mentions
    assert np.allclose(feats[0, :4], (labels[2] + 2 * overall) / 3 - overall)
    assert np.isclose(feats[0, 4], np.log1p(1) / 3) and np.isclose(feats[1, 4], np.log1p(2) / 3)
    assert only_b.counts.shape == (1, 4)
    alone = leave_article_out(mentions, docs, labels, 2, train=[0, 1], rows=[0])
    assert not alone.any()  # negative: the name occurs in no other training article


def test_frame_scores_contextual_reads_the_entity_priors():
    from narratrace.narratives._priors import fit_priors

    priors = fit_priors(["Novak", "Freedonia"],
                        _prior_labels([[0, 0, 1, 1, 0, 0], [1, 0, 0, 0, 1, 0]]), n_main=3)
    width = 4 + 2 + priors.width
    main_w = np.zeros((3, width), np.float32)
    main_w[2, 6 + 2] = 50.0  # the prior of the third main role decides
    heads = {"main_ctx": Head(main_w, np.zeros(3, np.float32)),
             "roles_ctx": Head(np.zeros((3, width), np.float32), np.zeros(3, np.float32))}
    empty = Tfidf({}, np.zeros(0, np.float32), 1)
    model = NarrativeModel(doc_tfidf=empty, mention_tfidf=empty, heads=heads, priors=priors)
    vectors, ctx = np.ones((3, 4), np.float32), np.array([0.5, 0.5])
    main_p, _ = frame_scores_contextual(model, vectors, ctx, ["Novak", "Freedonia", "Ruritania"])
    assert main_p[0].argmax() == 2 and main_p[1, 2] < 1 / 3   # framed so / never so before
    assert np.allclose(main_p[2], 1 / 3)  # negative: an unseen name has no prior
    with pytest.raises(ValueError, match="mention surfaces"):  # negative: surfaces missing
        frame_scores_contextual(model, vectors, ctx)


def test_model_with_priors_round_trips(tmp_path: Path):
    from narratrace.narratives._model import load_model
    from narratrace.narratives._priors import fit_priors

    priors = fit_priors(["Novak", "Freedonia"], _prior_labels([[1, 0, 1, 0], [0, 1, 0, 1]]), 2)
    empty = Tfidf({}, np.zeros(0, np.float32), 1)
    NarrativeModel(doc_tfidf=empty, mention_tfidf=empty, heads={}, meta={"x": 1},
                   priors=priors).save(tmp_path)
    loaded = load_model(tmp_path)
    assert loaded.priors is not None and loaded.priors.keys == priors.keys
    assert np.array_equal(loaded.priors.features(["Novak"]), priors.features(["Novak"]))


GROUP_TEXTS = [
    "Officials in Valmora said on Tuesday that the Northern Alliance had shelled the port. "
    "The Northern Alliance denied it. Mayor Ilse Brandt asked the United Nations to send "
    "observers, and the Red Cross said Valmora's hospital was full.",
    "The weather was mild. Nobody was named in this short note about a garden show.",
    "Greenpeace accused the ministry of hiding data on the spill. The ministry said Greenpeace "
    "had misread the report, and Professor Amal Haddad of the Coastal Institute agreed.",
]


@pytest.mark.model
def test_mention_vectors_of_several_texts_read_in_one_pass_are_each_texts_own():
    from narratrace.narratives import load_model
    from narratrace.narratives._framing import mention_vectors, texts_mention_vectors
    from narratrace.narratives._model import framing_encoder

    encoder = framing_encoder(load_model())
    texts = [(GROUP_TEXTS[0], [(0, 9), (13, 20), (48, 64), (154, 168)]), (GROUP_TEXTS[1], []),
             (GROUP_TEXTS[2], [(0, 10), (91, 101)])]
    together = texts_mention_vectors(texts, encoder=encoder)
    for (text, spans), vectors in zip(texts, together, strict=True):
        assert vectors.shape == (len(spans), 384)
        assert np.array_equal(vectors, mention_vectors(text, spans, encoder=encoder))
    assert texts_mention_vectors([("No one.", [])], encoder=encoder)[0].shape == (0, 384)


@pytest.mark.model
def test_the_narratives_stage_frames_a_group_as_each_document_alone():
    """The stage reads a group's mention windows in one encoder pass (``for_group``): every
    document gets the labels and framing it gets when analysed alone, bit for bit."""
    from narratrace.narratives import load_model
    import dataclasses

    from narratrace.narratives.stage import DOC as NARRATIVES
    from narratrace.narratives.stage import Narratives
    from narratrace.options import Options
    from narratrace.registry import DOC_STAGES
    from narratrace.run.document import analyze_batch
    from narratrace.stage import Models, StageContext
    from narratrace.types import Document

    docs = [Document(f"g{i}", f"g{i}.txt", t, t, language="en") for i, t in enumerate(GROUP_TEXTS)]
    context = StageContext(options=Options(), models=Models(narratives=load_model()))
    calls: list[int] = []
    for_group = NARRATIVES.fn.for_group  # type: ignore[union-attr]

    def counted(items, ctx):  # type: ignore[no-untyped-def]
        calls.append(len(items))
        return for_group(items, ctx)

    stages = tuple(s for s in DOC_STAGES if s.name in ("entities", "narratives"))
    together = analyze_batch(docs, context=context, stages=stages)
    alone = [analyze_batch([d], context=context, stages=stages)[0] for d in docs]
    assert [a.framing for a, _ in together] == [a.framing for a, _ in alone]
    assert [a.narratives for a, _ in together] == [a.narratives for a, _ in alone]
    assert any(a.framing for a, _ in together)
    grouped = Narratives()
    grouped.for_group = counted  # type: ignore[method-assign]
    again = analyze_batch(docs, context=context, stages=tuple(
        dataclasses.replace(s, fn=grouped) if s.name == "narratives" else s for s in stages))
    assert calls == [3] and [a.framing for a, _ in again] == [a.framing for a, _ in alone]
