"""ENTITIES stage: typing rules, acronym definitions, merging. Blank spaCy pipeline only."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from narratrace.entities import (exact_key, extract_aliases, extract_mentions, merge_entities,
                                 translit_key)
from narratrace.errors import PipelineError
from narratrace.types import Document, Mention

_NLP = spacy.blank("en")


def _doc(text: str) -> Document:
    return Document(id="d1", path="-", text=text, source_text=text)


def _parsed(text: str, ents: list[tuple[str, str]]):
    """A blank-pipeline Doc with hand-set entities (first occurrence of each surface)."""
    doc = _NLP(text)
    spans, cursor = [], 0
    for surface, label in ents:
        start = text.index(surface, cursor)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, surface
        spans.append(span)
        cursor = start + len(surface)
    doc.ents = spans
    return doc


def _typed(text: str, ents: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(m.text, m.type) for m in extract_mentions(_doc(text), _parsed(text, ents))]


TYPING = [
    # spaCy's PERSON on countries and cities is fixed by the gazetteer
    ("Troops left Mali and Niger for Kiev.", [("Mali", "PERSON"), ("Niger", "PERSON"), ("Kiev", "PERSON")],
     [("Mali", "place"), ("Niger", "place"), ("Kiev", "place")]),
    # outlets: curated, cue before, cue after, name shape
    ("He told TASS that local outlet Zarbo had it, as Varda News and Kolo reported.",
     [("TASS", "ORG"), ("Zarbo", "PERSON"), ("Varda News", "ORG"), ("Kolo", "GPE")],
     [("TASS", "outlet"), ("Zarbo", "outlet"), ("Varda News", "outlet"), ("Kolo", "outlet")]),
    # groups: "X group", armed forces, militant cue before
    ("The Duru group and the Tamba Armed Forces fought the militant group Vosk.",
     [("Duru", "ORG"), ("the Tamba Armed Forces", "ORG"), ("Vosk", "ORG")],
     [("Duru", "group"), ("Tamba Armed Forces", "group"), ("Vosk", "group")]),
    # demonym tagged GPE is a group; "the" and possessive stripped
    ("The Ukrainian envoy met the Kremlin’s aide.", [("Ukrainian", "GPE"), ("the Kremlin’s", "ORG")],
     [("Ukrainian", "group"), ("Kremlin", "organisation")]),
    # surname tagged GPE after the full name; person-shaped ORG
    ("Ivo Petrenko spoke. Later Petrenko and Olga Sidorova left.",
     [("Ivo Petrenko", "PERSON"), ("Petrenko", "GPE"), ("Olga Sidorova", "ORG")],
     [("Ivo Petrenko", "person"), ("Petrenko", "person"), ("Olga Sidorova", "person")]),
    # leading preposition in a headline, glued byline date
    ("Talks Between Mali and Chad\nZeta News06-06-2025\nBody text here.",
     [("Between Mali", "PERSON"), ("Chad", "PERSON"), ("Zeta News06-06-2025", "PERSON")],
     [("Mali", "place"), ("Chad", "place"), ("Zeta News", "outlet")]),
    # a post or a body's kind written beside the name types it, whatever the tagger said; the
    # surname after the full name follows; an outlet's name the tagger cut before "Today"
    ("Lidia Farkash, a spokeswoman for Corgas Transit, said so. Corgas Transit, the state-owned company "
     "that runs the line, agreed. Farkash left. Quillon Today, the island's news site, reported it.",
     [("Lidia Farkash", "ORG"), ("Corgas Transit", "ORG"), ("Corgas Transit", "PERSON"), ("Farkash", "GPE"),
      ("Quillon", "PERSON")],
     [("Lidia Farkash", "person"), ("Corgas Transit", "organisation"), ("Corgas Transit", "organisation"),
      ("Farkash", "person"), ("Quillon Today", "outlet")]),
    # a name after "the village of" is a place; a post after it that reports ("…, the county's
    # fire officer said") is the subject of the report, not the name's apposition
    ("The fire began near the village of Tarn Reach, the county's chief fire officer said.",
     [("Tarn Reach", "PERSON")], [("Tarn Reach", "place")]),
    ("Crews reached Tarn Reach, the county's chief fire officer said.",
     [("Tarn Reach", "GPE")], [("Tarn Reach", "place")]),
    # a name ending in a firm's trade word is an organisation whatever the tagger says; a person
    # whose surname is a common word stays a person
    ("The roof was built by Oldmere Structures. Brenna Logistics and Harl Printing spoke.",
     [("Oldmere Structures", "PERSON"), ("Brenna Logistics", "PERSON"), ("Harl Printing", "PERSON")],
     [("Oldmere Structures", "organisation"), ("Brenna Logistics", "organisation"), ("Harl Printing", "organisation")]),
    ("Ada Brun of the Oldmere Structures site spoke.", [("Ada Brun", "PERSON")], [("Ada Brun", "person")]),
]


@pytest.mark.parametrize(("text", "ents", "expected"), TYPING)
def test_typing_rules(text: str, ents: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    assert _typed(text, ents) == expected


def test_non_entity_labels_and_lowercase_spans_are_dropped() -> None:
    text = "On 5 May jihadist fighters moved 300 km."
    assert _typed(text, [("5 May", "DATE"), ("jihadist", "NORP"), ("300 km", "QUANTITY")]) == []


def test_headline_capitalisation_is_not_an_entity() -> None:
    text = "Army Says Kamikaze Drones Hit Town\nThe army said kamikaze drones hit the town."
    assert _typed(text, [("Kamikaze Drones", "ORG")]) == []


def test_acronym_definition_replaces_partial_ner_span() -> None:
    text = "Fighters of Jama'at Nasr al-Islam wal-Muslimin (JNIM) militants attacked. JNIM left."
    got = _typed(text, [("Nasr al-Islam", "PERSON"), ("JNIM", "ORG")])
    assert got == [("Jama'at Nasr al-Islam wal-Muslimin", "group"), ("JNIM", "group"),
                   ("JNIM", "group")]


def test_gazetteer_finds_names_spacy_missed() -> None:
    text = "Aid reached Burkina Faso, said Reuters."
    assert _typed(text, []) == [("Burkina Faso", "place"), ("Reuters", "outlet")]


def test_parsed_for_another_text_is_refused() -> None:
    with pytest.raises(PipelineError):
        extract_mentions(_doc("abc"), _NLP("xyz"))


ALIASES = [
    ("attacks by Jama'at Nasr al-Islam wal-Muslimin (JNIM) fighters",
     [("JNIM", "Jama'at Nasr al-Islam wal-Muslimin")]),
    ("operations by the Malian Armed Forces (FAMa) near", [("FAMa", "Malian Armed Forces")]),
    ("head of the Commonwealth of Officers for International Security (COMS), said",
     [("COMS", "Commonwealth of Officers for International Security")]),
    ("the North Atlantic Treaty Organization (NATO) met", [("NATO", "North Atlantic Treaty Organization")]),
    ("the Democratic Republic of the Congo (DRC) said", [("DRC", "Democratic Republic of the Congo")]),
    ("Hayat Tahrir al-Sham, also known as HTS, said", [("HTS", "Hayat Tahrir al-Sham")]),
    # negatives: not acronyms, or letters that do not fit
    ("he said on Monday (Reuters) that", []),
    ("the ministry (see above) denied it", []),
    ("the military intelligence service (HUR) said", []),
    ("prices rose (by 5%) in May", []),
    ("the Foreign Ministry (UN) said", []),
]


@pytest.mark.parametrize(("text", "expected"), ALIASES)
def test_extract_aliases(text: str, expected: list[tuple[str, str]]) -> None:
    assert extract_aliases(_doc(text)) == expected


def _m(doc: str, text: str, typ: str, start: int = 0) -> Mention:
    return Mention(doc=doc, start=start, end=start + len(text), text=text, type=typ)  # type: ignore[arg-type]


def _groups(entities) -> set[frozenset[str]]:
    return {frozenset(m.text for m in e.mentions) for e in entities}


def test_merge_transliterations_surnames_acronyms_and_case() -> None:
    ms = [_m("a", "Kiev", "place"), _m("b", "Kyiv", "place"), _m("c", "KYIV", "place", 5),
          _m("a", "Andrey Yusov", "person", 10), _m("b", "Andriy Yusov", "person", 10),
          _m("c", "Yusov", "person", 20), _m("a", "Yury Pivovarov", "person", 30),
          _m("b", "Yurii Pivovarov", "person", 30), _m("a", "Sergey Lavrov", "person", 50),
          _m("b", "Serhiy Lavrov", "person", 50), _m("a", "Aleksandr Petrov", "person", 70),
          _m("b", "Oleksandr Petrov", "person", 70), _m("c", "Alexander Petrov", "person", 70),
          _m("a", "JNIM", "group", 90), _m("b", "Jama'at Nasr al-Islam wal-Muslimin", "group", 90),
          _m("a", "Côte d’Ivoire's", "place", 120), _m("b", "Cote d'Ivoire", "place", 120),
          _m("a", "Niger", "place", 140), _m("b", "Nigeria", "place", 140),
          _m("a", "Mali", "place", 150), _m("c", "Jordan", "person", 160), _m("a", "Jordan", "place", 170)]
    ents = merge_entities(ms, aliases=[("JNIM", "Jama'at Nasr al-Islam wal-Muslimin")])
    groups = _groups(ents)
    assert frozenset({"Kiev", "Kyiv", "KYIV"}) in groups
    assert frozenset({"Andrey Yusov", "Andriy Yusov", "Yusov"}) in groups
    assert frozenset({"Yury Pivovarov", "Yurii Pivovarov"}) in groups
    assert frozenset({"Sergey Lavrov", "Serhiy Lavrov"}) in groups
    assert frozenset({"Aleksandr Petrov", "Oleksandr Petrov", "Alexander Petrov"}) in groups
    assert frozenset({"JNIM", "Jama'at Nasr al-Islam wal-Muslimin"}) in groups
    assert frozenset({"Côte d’Ivoire's", "Cote d'Ivoire"}) in groups
    # negatives: Niger is not Nigeria; the surname Jordan is not the country
    assert frozenset({"Niger"}) in groups and frozenset({"Nigeria"}) in groups
    by_name = {e.name: e for e in ents}
    assert by_name["Kyiv"].wikidata == "Q1899" and by_name["Kyiv"].type == "place"
    assert by_name["Jama'at Nasr al-Islam wal-Muslimin"].type == "group"
    assert by_name["Jordan"].type in {"person", "place"}
    assert {e.type for e in ents if e.name == "Jordan"} == {"person", "place"}


def test_surname_not_merged_when_ambiguous() -> None:
    ms = [_m("a", "Ivan Petrov", "person"), _m("b", "Oleg Petrov", "person"), _m("c", "Petrov", "person")]
    assert frozenset({"Petrov"}) in _groups(merge_entities(ms))


def test_a_surname_with_a_title_is_no_second_full_name() -> None:
    ms = [_m("a", "Teodora Vantrell", "person"), _m("b", "Ms Vantrell", "person"), _m("c", "Vantrell", "person")]
    assert frozenset({"Teodora Vantrell", "Ms Vantrell", "Vantrell"}) in _groups(merge_entities(ms))


def test_acronym_with_two_long_forms_is_not_merged() -> None:
    ms = [_m("a", "ADF", "group"), _m("b", "Allied Democratic Forces", "group"),
          _m("c", "Australian Defence Force", "organisation")]
    pairs = [("ADF", "Allied Democratic Forces"), ("ADF", "Australian Defence Force")]
    assert frozenset({"ADF"}) in _groups(merge_entities(ms, aliases=pairs))


def test_entity_ids_are_stable_and_names_complete() -> None:
    ms = [_m("a", "Ivanov", "person"), _m("b", "Alexander Ivanov", "person"), _m("c", "Ivanov", "person")]
    (ent,) = merge_entities(ms)
    assert ent.name == "Alexander Ivanov" and set(ent.aliases) == {"Ivanov", "Alexander Ivanov"}
    assert ent.id == merge_entities(list(reversed(ms)))[0].id and ent.id.startswith("ent_")


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Kiev", "Kyiv", True), ("Odessa", "Odesa", True), ("Zakharova", "Zaharova", True),
    ("Alexander", "Oleksandr", True), ("Andrei", "Andrii", True), ("Yuri", "Iurii", True),
    ("Niger", "Nigeria", False), ("Mali", "Malawi", False), ("Iran", "Iraq", False),
])
def test_translit_key(a: str, b: str, same: bool) -> None:
    assert (translit_key(a, person=True) == translit_key(b, person=True)) is same


def test_exact_key_folds_case_diacritics_possessive() -> None:
    assert exact_key("The Côte d’Ivoire's") == exact_key("cote d'ivoire") == "cote divoire"


def test_alias_file_is_facts_with_valid_types() -> None:
    data = json.loads(resources.files("narratrace").joinpath("data/aliases.json").read_text("utf-8"))
    entries = data["entities"]
    assert len(entries) > 500
    names = [e["name"] for e in entries]
    assert len(names) == len(set(names))
    for e in entries:
        assert e["type"] in {"person", "organisation", "outlet", "place", "group"}
        assert e.get("wikidata") is None or e["wikidata"].startswith("Q")
    types = {e["name"]: e["type"] for e in entries}
    assert types["TASS"] == types["Reuters"] == "outlet" and types["ECOWAS"] == "organisation"


_NAMES = st.sampled_from(["Kiev", "Kyiv", "Ivanov", "Alexander Ivanov", "Mali", "JNIM", "Niger",
                          "Andriy Yusov", "Andrey Yusov", "Yusov", "TASS", "the Kremlin's"])
_TYPES = st.sampled_from(["person", "place", "group", "outlet", "organisation"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_NAMES, _TYPES, st.integers(0, 3), st.integers(0, 50)), max_size=20),
       st.randoms(use_true_random=False))
def test_merge_is_order_independent(rows, rnd) -> None:
    ms = [_m(f"d{doc}", name, typ, start) for name, typ, doc, start in rows]
    shuffled = list(ms)
    rnd.shuffle(shuffled)
    pairs = [("JNIM", "Jama'at Nasr al-Islam wal-Muslimin")]
    first, second = merge_entities(ms, aliases=pairs), merge_entities(shuffled, aliases=pairs)
    assert first == second
    assert sum(len(e.mentions) for e in first) == len(set(ms))


_TEXT = st.lists(st.sampled_from(["Kiev", "the", "Mali’s", "army", "(JNIM)", "Reuters", "said",
                                  "Niger", ".", "\n", "Burkina Faso", "Ivanov"]), max_size=30)


@settings(max_examples=60, deadline=None)
@given(_TEXT)
def test_mention_offsets_are_exact(words: list[str]) -> None:
    text = " ".join(words)
    parsed = _NLP(text)
    parsed.ents = [parsed.char_span(t.idx, t.idx + len(t), label="PERSON")
                   for t in parsed if t.text[:1].isupper() and t.text.isalpha()]
    for m in extract_mentions(_doc(text), parsed):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text


def test_a_speaker_linked_by_a_run_before_gives_the_mention_it_first_gave():
    # The speakers stage stores each attribution with its actor's canonical name and id; the
    # next run over the same store reads those back: its mentions must be the first run's.
    from dataclasses import replace

    from narratrace.entities.stage import speaker_mentions
    from narratrace.types import Actor, Attribution, Speaker

    first = Attribution("a", "d", "indirect", Speaker("Marek", 40, 45, mention_start=40, mention_end=45,
                                                      actor=Actor("Marek", "person", "name", 40, 45)),
                        "say", "x", 50, 60)
    linked = replace(first, speaker=replace(first.speaker, entity="ent_1", actor=Actor(
        "Ivo Marek", "person", "name", 40, 45, id="ent_1")))
    assert [(m.text, m.start) for m in speaker_mentions([], [first])] == [("Marek", 40)]
    assert speaker_mentions([], [linked]) == speaker_mentions([], [first])
    # a speaker named otherwise than written ("the ministry" for its full name) stays no mention
    ministry = replace(first, speaker=Speaker("the ministry", 40, 52, mention_start=40, mention_end=52,
                                              entity="ent_2", actor=Actor("Ministry of Energy", "organisation",
                                                                          "role noun", 40, 52, id="ent_2")))
    assert speaker_mentions([], [ministry]) == []


def test_one_name_typed_a_person_in_one_document_and_a_company_in_others_is_one_entity():
    ms = [Mention("d1", 0, 19, "Hardacre Structures", "person"),
          Mention("d2", 0, 19, "Hardacre Structures", "organisation"),
          Mention("d3", 5, 24, "Hardacre Structures", "organisation"),
          Mention("d1", 40, 46, "Jordan", "person"), Mention("d2", 40, 46, "Jordan", "place")]
    got = sorted((e.name, e.type, len(e.mentions)) for e in merge_entities(ms))
    # the surname and the country of one word stay apart
    assert got == [("Hardacre Structures", "organisation", 3), ("Jordan", "person", 1), ("Jordan", "place", 1)]
