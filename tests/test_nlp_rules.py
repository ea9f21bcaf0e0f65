"""The attribute ruler's rules answered from the token arrays (narratrace.nlp.RuleMatcher)
give the matches, and so the parts of speech, morphology and lemmas, of spaCy's Matcher."""

from __future__ import annotations

import pytest

TEXTS = ["The ministers were meeting the striking dockers, who said the talks had stalled.",
         "Gonna be fine, y'all said. It isn't nothin'. Let's go: there is time, ain't it?",
         "I told you it was them. Whatever she does, he did not say whether they'd come.",
         "  \n Officials denied that any payments were made , because the   audit  was late.\n",
         "", "Yes"]


@pytest.mark.model
@pytest.mark.parametrize("text", TEXTS)
def test_the_english_rules_match_as_spacys_matcher(text: str) -> None:
    import spacy

    from narratrace.nlp import RuleMatcher, load_spacy

    ours = load_spacy("en")
    matcher = ours.get_pipe("attribute_ruler").matcher
    assert isinstance(matcher, RuleMatcher) and matcher._compiled() is not None
    doc = ours(text, disable=["attribute_ruler", "lemmatizer", "ner"])
    assert sorted(matcher(doc, allow_missing=True)) \
        == sorted(matcher.matcher(doc, allow_missing=True))
    plain = spacy.load(ours.meta["lang"] + "_" + ours.meta["name"])
    assert not isinstance(plain.get_pipe("attribute_ruler").matcher, RuleMatcher)
    plain.tokenizer = ours.tokenizer
    assert [(t.pos_, str(t.morph), t.lemma_, t.tag_) for t in ours(text)] \
        == [(t.pos_, str(t.morph), t.lemma_, t.tag_) for t in plain(text)]


def _matchers(patterns: dict[str, list[list[dict]]], **add: object) -> tuple[object, object]:
    import spacy
    from spacy.matcher import Matcher

    from narratrace.nlp import RuleMatcher

    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    for key, rules in patterns.items():
        matcher.add(key, rules, **add)  # type: ignore[arg-type]
    return nlp, RuleMatcher(matcher)


RULES = {
    "eq": [[{"LOWER": "the"}], [{"LOWER": "the"}, {"LOWER": "cat"}]],
    "in": [[{"LOWER": {"IN": ["a", "cat", "dog"]}}, {"IS_SPACE": False}]],
    "not_in": [[{"LOWER": {"NOT_IN": ["the", "a"]}}, {"LOWER": "dog"}]],
    "regex": [[{"LOWER": {"REGEX": "^c"}}], [{"LOWER": "the"}, {"LOWER": {"REGEX": "t$"}}]],
    "space": [[{"IS_SPACE": True}]],
    "twice": [[{"LOWER": "cat"}], [{"LOWER": {"IN": ["cat"]}}]],  # one match, not two
}


@pytest.mark.parametrize("text", ["The cat saw a dog and the  cat", "", "cat", "the the dog dog"])
def test_each_kind_of_rule_matches_as_spacys_matcher(text: str) -> None:
    nlp, ours = _matchers(RULES)
    doc = nlp(text)
    got = ours(doc, allow_missing=True)  # type: ignore[operator]
    assert ours._compiled() is not None  # type: ignore[attr-defined]
    assert sorted(got) == sorted(ours.matcher(doc, allow_missing=True))  # type: ignore[attr-defined]
    assert len(got) == len(set(got))


def test_a_rule_it_does_not_cover_leaves_the_matching_to_spacy() -> None:
    nlp, ours = _matchers({"op": [[{"LOWER": "a", "OP": "?"}, {"LOWER": "cat"}]],
                           "pos": [[{"POS": "NOUN"}]]})
    assert ours._compiled() is None  # type: ignore[attr-defined]
    doc = nlp("a cat and a cat")
    assert ours(doc, allow_missing=True) == ours.matcher(doc, allow_missing=True)  # type: ignore[attr-defined,operator]
    nlp, greedy = _matchers({"eq": [[{"LOWER": "cat"}]]}, greedy="LONGEST")
    assert greedy._compiled() is None  # type: ignore[attr-defined]


def test_rules_added_later_are_matched_too() -> None:
    nlp, ours = _matchers({"eq": [[{"LOWER": "cat"}]]})
    doc = nlp("a cat and a dog")
    assert len(ours(doc, allow_missing=True)) == 1  # type: ignore[operator]
    ours.add("more", [[{"LOWER": "dog"}]])  # type: ignore[attr-defined]
    assert sorted(ours(doc, allow_missing=True)) == sorted(ours.matcher(doc, allow_missing=True))  # type: ignore[attr-defined,operator]
    assert len(ours) == 2 and "more" in ours  # type: ignore[arg-type,operator]
