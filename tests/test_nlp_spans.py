"""Fast reads of a parse (narratrace.nlp.doc_text / sentence_spans) against spaCy's own."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

TEXTS = ["", "   ", "One sentence without an end",
         "First line.\n\nSecond  paragraph, with  double spaces.  \n\n\"A quote!\" she said. Then?",
         "Headline In Title Case\nBody text follows here. And more text… \u00a0End.\n",
         "Le ministre a déclaré lundi que les négociations reprendraient. « Nous verrons », a-t-il dit."]


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_spans_and_text_equal_spacys(text):
    from narratrace.nlp import doc_text, load_spacy, sentence_spans

    doc = load_spacy("en")(text)
    assert sentence_spans(doc) == tuple((s.start_char, s.end_char) for s in doc.sents)
    assert sentence_spans(doc) is sentence_spans(doc)  # read once per parse
    assert doc_text(doc) == doc.text == text


def test_a_doc_without_sentence_boundaries_is_spacys_error():
    import spacy

    from narratrace.nlp import sentence_spans

    doc = spacy.blank("en")("No parser ran on this. So no boundaries.")
    with pytest.raises(ValueError):
        sentence_spans(doc)


def test_lemmas_with_the_word_lists_as_sets_equal_spacys_own():
    """The rule lemmatizer's word lists answer ``in`` from a set (WordList): every token gets
    the lemma the plain lists give, in English and French, and the lists stay lists."""
    import spacy

    from narratrace.nlp import WordList, load_spacy

    text = ("The ministers were meeting the striking dockers, who said the talks had stalled; "
            "officials denied that any payments were made. Les ministres ont démenti les "
            "accusations portées contre leurs services. The children's toys broke.")
    for lang in ("en", "fr"):
        ours = load_spacy(lang)
        tables = ours.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        assert tables and all(isinstance(tables[pos], WordList) for pos in tables)
        plain = spacy.load(ours.meta["lang"] + "_" + ours.meta["name"])
        assert not isinstance(next(iter(plain.get_pipe("lemmatizer").lookups.get_table(
            "lemma_index").values())), WordList)
        plain.tokenizer = ours.tokenizer
        assert [t.lemma_ for t in ours(text)] == [t.lemma_ for t in plain(text)]
    words = WordList(["run", "dog"])
    assert "dog" in words and "cat" not in words and words == ["run", "dog"]
