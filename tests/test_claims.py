"""Claims: extraction from attributions and narrator sentences, and claim families (no models)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from narratrace.claims import extract_claims, group_claims, split_sentences
from narratrace.errors import NarratraceError
from narratrace.types import Actor, Attribution, Claim, DateMention, Document, Mention, Speaker


def _doc(text: str, doc_id: str = "d1", published: str | None = None) -> Document:
    return Document(id=doc_id, path=doc_id, text=text, source_text=text, published=published)


def _m(doc: Document, text: str, type_: str = "place", nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(text, start + 1)
    return Mention(doc.id, start, start + len(text), text, type_)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, names, action, actor, place, evidence", [
    ("The Zorland army shelled the village of Ostrava on Monday, killing four people.",
     [("Zorland", "place"), ("Ostrava", "place")], "attack", "Zorland", "Ostrava", ()),
    ("Velmar has supplied attack drones to the Kesh rebels through Dorn.",
     [("Velmar", "place"), ("Kesh", "group"), ("Dorn", "place")], "supply", "Velmar", "Dorn", ()),
    ("Soldiers found photos of Velmar passports and a drone bearing Velmari writing near Dorn.",
     [("Velmar", "place"), ("Dorn", "place")], "seize", None, "Dorn", ("photos", "documents", "markings")),
    ("Talia and Brosk severed diplomatic relations in March 2021 after the raid.",
     [("Talia", "place"), ("Brosk", "place")], "sever_ties", "Brosk", None, ()),
])
def test_narrator_claims_are_normalised(text, names, action, actor, place, evidence):
    doc = _doc(text)
    claims = extract_claims(doc, attributions=[], mentions=[_m(doc, n, t) for n, t in names], dates=[])
    assert len(claims) == 1
    c = claims[0]
    assert (c.action, c.actor, c.place) == (action, actor, place)
    assert set(evidence) <= set(c.evidence)
    assert c.attributed_to is None and c.stance == "asserts"
    assert doc.text[c.start:c.end] == c.text


@pytest.mark.parametrize("text", [
    "The weather in Ostrava was pleasant on Monday and the market was busy.",  # no claim verb
    "Velmar should stop supplying weapons to the Kesh rebels.",  # a call to action
    "Did Velmar supply drones to the rebels in Dorn?",  # a question
    "Velmar supplied drones.",  # too short to be a proposition
])
def test_not_check_worthy_yields_nothing(text):
    doc = _doc(text)
    mentions = [_m(doc, n) for n in ("Velmar", "Ostrava", "Dorn") if n in text]
    assert extract_claims(doc, attributions=[], mentions=mentions, dates=[]) == []


def test_attributed_claim_keeps_speaker_stance_hedges_and_time():
    text = ("Minister Ada Lovi said Velmar had allegedly shipped rockets to the Kesh rebels in May 2023. "
            "Velmar denied that it ever shipped rockets to the Kesh rebels.")
    doc = _doc(text)
    s1 = text.index("Velmar had")
    e1 = text.index(". Velmar")
    s2 = text.index("that it ever") + 5
    attrs = [
        Attribution("a1", "d1", "indirect", Speaker("Minister Ada Lovi", 0, 17), "said", text[s1:e1], s1, e1,
                    hedges=("allegedly",)),
        Attribution("a2", "d1", "indirect", Speaker("Velmar", e1 + 2, e1 + 8), "denied", text[s2:len(text) - 1],
                    s2, len(text) - 1, stance="denies"),
    ]
    dates = [DateMention("d1", "May 2023", text.index("May 2023"), text.index("May 2023") + 8, "2023-05", "partial")]
    mentions = [_m(doc, "Velmar"), _m(doc, "Velmar", nth=1), _m(doc, "Kesh", "group")]
    claims = extract_claims(doc, attributions=attrs, mentions=mentions, dates=dates)
    assert [(c.attributed_to, c.stance) for c in claims] == [("Minister Ada Lovi", "asserts"), ("Velmar", "denies")]
    assert "allegedly" in claims[0].hedges and claims[0].time == "2023-05" and claims[0].action == "supply"


def test_pronoun_speaker_resolves_to_previous_name():
    text = "Ada Lovi said Velmar trained fighters in Dorn last year. She added that Velmar armed the Kesh rebels in Dorn."
    doc = _doc(text)
    c1 = (text.index("Velmar trained"), text.index(" last year"))
    c2 = (text.index("Velmar armed"), len(text) - 1)
    attrs = [Attribution("a1", "d1", "indirect", Speaker("Ada Lovi", 0, 8), "said", text[c1[0]:c1[1]], *c1),
             Attribution("a2", "d1", "indirect", Speaker("She", None, None), "added", text[c2[0]:c2[1]], *c2)]
    mentions = [_m(doc, "Velmar"), _m(doc, "Velmar", nth=1), _m(doc, "Dorn"), _m(doc, "Dorn", nth=1)]
    claims = extract_claims(doc, attributions=attrs, mentions=mentions, dates=[])
    assert [c.attributed_to for c in claims] == ["Ada Lovi", "Ada Lovi"]


def test_a_speaker_written_inside_the_words_splits_two_propositions():
    text = ("Embers from the pylon may have lit the dry grass, she said, but the inquiry was still "
            "at an early stage. The blaze, she said, began at dawn near the quarry.")
    doc = _doc(text)
    end1 = text.index(". The blaze")

    def said(aid: str, start: int, end: int, at: str) -> Attribution:
        m = text.index(at, start)
        return Attribution(aid, "d1", "mixed", Speaker("she", m, m + 3, mention_start=m, mention_end=m + 3),
                           "say", text[start:end], start, end, cue_start=m + 4, cue_end=m + 8)

    attrs = [said("a1", 0, end1, "she said"), said("a2", end1 + 2, len(text) - 1, "she said")]
    claims = extract_claims(doc, attributions=attrs, mentions=[], dates=[])
    assert [c.text for c in claims] == ["Embers from the pylon may have lit the dry grass",
                                        "but the inquiry was still at an early stage",
                                        "The blaze, she said, began at dawn near the quarry"]
    # the hedge belongs to the clause that has it
    assert claims[0].hedges and not claims[1].hedges


def test_a_sentence_that_reports_someone_is_not_also_the_narrators_claim():
    text = ("Orla Venn, who keeps bees on the hill above the depot, said she watched the depot roof "
            "catch fire. Velmar has always denied the accusations.")
    doc = _doc(text)
    s1, e1 = text.index("she watched"), text.index(". Velmar")
    m = text.index("said")
    d = text.index("denied")
    attrs = [Attribution("a1", "d1", "indirect", Speaker("Orla Venn", 0, 9, mention_start=0, mention_end=9),
                         "say", text[s1:e1], s1, e1, cue_start=m, cue_end=m + 4),
             Attribution("a2", "d1", "indirect", Speaker("Velmar", e1 + 2, e1 + 8, mention_start=e1 + 2,
                                                         mention_end=e1 + 8),
                         "deny", "the accusations", d + 7, len(text) - 1, stance="denies", cue_start=d,
                         cue_end=d + 6)]
    mentions = [_m(doc, "Orla Venn", "person"), _m(doc, "Velmar")]
    claims = extract_claims(doc, attributions=attrs, mentions=mentions, dates=[])
    # the report is Orla Venn's claim, once; the narrator's sentence around it is not another
    assert [(c.text, c.attributed_to) for c in claims][0] == ("she watched the depot roof catch fire", "Orla Venn")
    assert not any(c.text.startswith("Orla Venn, who keeps bees") for c in claims)
    # a denial too short to be a claim is the report of it, the denier's: the denial is not lost
    assert [(c.text, c.stance, c.attributed_to) for c in claims][1:] == [
        ("Velmar has always denied the accusations", "denies", "Velmar")]


def test_a_report_too_short_to_be_a_claim_is_the_speakers_whatever_its_stance():
    # "maintains that nothing spilled": two words are no claim; the report of them is, and it is
    # the water board's, not the narrator's
    text = "On Monday the Halvorn Water Board maintains that nothing spilled."
    doc = _doc(text)
    sp, s, m = text.index("the Halvorn"), text.index("nothing"), text.index("maintains")
    board = Actor("Halvorn Water Board", "organisation", "name", sp + 4, sp + 23)
    attrs = [Attribution("a1", "d1", "indirect", Speaker("the Halvorn Water Board", sp, sp + 23, mention_start=sp,
                                                         mention_end=sp + 23, actor=board),
                         "maintain", text[s:-1], s, len(text) - 1, cue_start=m, cue_end=m + 9)]
    mentions = [_m(doc, "Halvorn Water Board", "organisation")]
    claims = extract_claims(doc, attributions=attrs, mentions=mentions, dates=[])
    assert [(c.text, c.attributed_to) for c in claims] == [(text[sp:-1], "the Halvorn Water Board")]
    # nobody known said them: the narrator's sentence, as before
    unknown = [dataclasses.replace(attrs[0], speaker=dataclasses.replace(attrs[0].speaker, actor=None))]
    claims = extract_claims(doc, attributions=unknown, mentions=mentions, dates=[])
    assert [c.attributed_to for c in claims] == [None]


def test_what_the_narrator_says_of_a_speaker_before_the_report_is_the_narrators_claim():
    # "The board, which has run the reservoir since 1988, insisted that ...": the relative clause
    # is the narrator's background; the board's words are its report, not a claim of the narrator
    text = "The Halvorn Water Board, which has run the reservoir since 1988, insisted that nothing spilled."
    doc = _doc(text)
    s, m = text.index("nothing"), text.index("insisted")
    board = Actor("Halvorn Water Board", "organisation", "name", 4, 23)
    attrs = [Attribution("a1", "d1", "indirect", Speaker("The Halvorn Water Board", 0, 23, mention_start=0,
                                                         mention_end=23, actor=board),
                         "insist", text[s:-1], s, len(text) - 1, cue_start=m, cue_end=m + 8)]
    claims = extract_claims(doc, attributions=attrs, mentions=[_m(doc, "Halvorn Water Board", "organisation")],
                            dates=[])
    assert [(c.text, c.attributed_to) for c in claims] == [
        ("The Halvorn Water Board, which has run the reservoir since 1988", None)]


def test_two_clauses_with_subjects_of_their_own_are_two_claims():
    text = ("The minister said the reserve holds a fifth of its stock, and that most of the rest was "
            "reportedly sold abroad.")
    doc = _doc(text)
    s, m = text.index("the reserve"), text.index("said")
    cut = (text.index(", and that"), text.index("that most"))
    attrs = [Attribution("a1", "d1", "indirect", Speaker("The minister", 0, 12, mention_start=0, mention_end=12),
                         "say", text[s:-1], s, len(text) - 1, cue_start=m, cue_end=m + 4)]
    claims = extract_claims(doc, attributions=attrs, mentions=[], dates=[], cuts=[cut])
    assert [(c.text, c.hedges) for c in claims] == [
        ("the reserve holds a fifth of its stock", ()),
        ("most of the rest was reportedly sold abroad", ("reportedly",))]
    # without the parse's cut, one claim
    assert len(extract_claims(doc, attributions=attrs, mentions=[], dates=[])) == 1


def test_records_of_another_document_are_refused():
    doc = _doc("Velmar shelled the town of Dorn on Monday, killing four people.")
    with pytest.raises(NarratraceError, match="each document's own records"):
        extract_claims(doc, attributions=[], mentions=[Mention("other", 0, 6, "Velmar", "place")], dates=[])


def test_split_sentences_keeps_abbreviations_and_quotes():
    text = 'Gen. Kor said "It is over." Then Mr. Lu left.\nNew line'
    assert [text[s:e] for s, e in split_sentences(text)] == ['Gen. Kor said "It is over."', "Then Mr. Lu left.", "New line"]


# --------------------------------------------------------------------------- families


def _claim(cid: str, doc: str, text: str, *, stance: str = "asserts", action: str | None = "supply",
           actor: str | None = "Velmar") -> Claim:
    return Claim(id=cid, doc=doc, text=text, start=0, end=len(text), stance=stance,  # type: ignore[arg-type]
                 action=action, actor=actor)


def _vec(*xs: float) -> np.ndarray:
    v = np.array(xs + (0.0,) * (4 - len(xs)), dtype=np.float32)
    return v / np.linalg.norm(v)


DOCS = {d: _doc("x", d, p) for d, p in (("a", "2024-03-02"), ("b", "2024-03-01"), ("c", None))}


def test_a_reported_negation_never_joins_the_assertion_it_negates_on_names_and_action():
    # "X said no drones were supplied": someone's statement that it is not so, without a denial
    # verb; similar enough, with the same names and action, to join an assertion otherwise
    said = Claim(id="2", doc="b", text="no drones were supplied to the Kesh rebels by Velmar", start=0, end=52,
                 action="supply", actor="Velmar", attributed_to="Ivo Marek")
    claims = [_claim("1", "a", "Velmar supplies drones to the Kesh rebels."), said]
    _, families = group_claims(claims, documents=DOCS, embeddings={"1": _vec(1, 0), "2": _vec(1, 1)})
    assert sorted((set(f.claims) for f in families), key=min) == [{"1"}, {"2"}]


@pytest.mark.parametrize("case, claims, vectors, expected", [
    ("paraphrases across documents join",
     [_claim("1", "a", "Velmar supplies drones to the Kesh rebels."),
      _claim("2", "b", "Velmar is supplying drones to Kesh rebels."),
      _claim("3", "c", "Velmar shipped drones to the Kesh.")],
     [_vec(1, 0.1), _vec(1, 0.12), _vec(1, 0.5)], [{"1", "2", "3"}]),
    ("a denial never joins the assertion",
     [_claim("1", "a", "Velmar supplies drones to the Kesh rebels."),
      _claim("2", "b", "Velmar denied it supplies drones to the Kesh rebels.", stance="denies")],
     [_vec(1, 0.1), _vec(1, 0.1)], [{"1"}, {"2"}]),
    ("unrelated claims stay apart",
     [_claim("1", "a", "Velmar supplies drones to the Kesh rebels."),
      _claim("2", "b", "Talia signed a fishing deal with Brosk.", action="sign", actor="Talia")],
     [_vec(1, 0), _vec(0, 1)], [{"1"}, {"2"}]),
    ("similar topic, no shared names or action: apart",
     [_claim("1", "a", "Velmar supplies drones to the Kesh rebels."),
      _claim("2", "b", "Talia attacked an army post in Brosk.", action="attack", actor="Talia")],
     [_vec(1, 0), _vec(1, 1)], [{"1"}, {"2"}]),
    ("one bridge does not chain two claims",
     [_claim("1", "a", "Velmar supplies drones to the Kesh rebels."),
      _claim("2", "b", "Velmar supplies drones and rifles to the Kesh rebels and Dorn."),
      _claim("3", "c", "Velmar supplies rifles to Dorn.")],
     [_vec(1, 0, 0), _vec(1, 1, 0), _vec(0, 1, 0)], None),
])
def test_group_claims(case, claims, vectors, expected):
    out, families = group_claims(claims, documents=DOCS, embeddings={c.id: v for c, v in zip(claims, vectors)})
    groups = [set(f.claims) for f in families]
    if expected is not None:
        assert sorted(groups, key=min) == expected, case
    else:
        assert {"1", "3"} not in [g & {"1", "3"} for g in groups if len(g) == 3], case
        assert not any({"1", "3"} <= g for g in groups), case
    fam_of = {c.id: c.family for c in out}
    for fam in families:
        assert all(fam_of[c] == fam.id for c in fam.claims)
        assert len({c.stance for c in claims if c.id in fam.claims}) == 1


def test_denial_family_points_at_the_assertion_and_first_seen_is_earliest():
    claims = [_claim("1", "a", "Velmar supplies drones to the Kesh rebels."),
              _claim("2", "b", "Velmar supplies drones to the Kesh rebels, officials say."),
              _claim("3", "c", "Velmar denied it supplies drones to the Kesh rebels.", stance="denies")]
    _, families = group_claims(claims, documents=DOCS, embeddings={"1": _vec(1, .1), "2": _vec(1, .1), "3": _vec(1, .2)})
    asserted = next(f for f in families if "1" in f.claims)
    denial = next(f for f in families if "3" in f.claims)
    assert asserted.first_seen == "2024-03-01" and set(asserted.docs) == {"a", "b"}
    assert denial.contradicts == (asserted.id,) and asserted.contradicts == ()


def test_one_persons_not_and_anothers_did_contradict_the_later_answering_the_earlier():
    def said(cid: str, doc: str, text: str, who: str) -> Claim:
        return Claim(id=cid, doc=doc, text=text, start=0, end=len(text), attributed_to=who)

    finding = said("1", "b", "two of the four pumps could not be started by the crew", "Ada Brun")
    reply = said("2", "a", "all four pumps had been started without trouble during a drill", "Orvane Water")
    vectors = {"1": _vec(1, 1), "2": _vec(1, 0)}  # cosine 0.71: alike, not one proposition
    _, families = group_claims([finding, reply], documents=DOCS, embeddings=vectors)
    of = {c: f for f in families for c in f.claims}
    assert len(families) == 2
    assert of["2"].contradicts == (of["1"].id,) and of["1"].contradicts == ()  # "a" is the later
    # one speaker's two statements, or a negated verb whose subject the other does not name: no link
    same = said("2", "a", reply.text, "Ada Brun")
    other = said("2", "a", "the engineers had started the drill with all four hoses", "Orvane Water")
    for second in (same, other):
        _, families = group_claims([finding, second], documents=DOCS, embeddings=vectors)
        assert all(f.contradicts == () for f in families), second


def test_family_ids_are_stable():
    claims = [_claim("1", "a", "Velmar supplies drones to the Kesh rebels.")]
    one = group_claims(claims, documents=DOCS, embeddings={"1": _vec(1)})[1]
    two = group_claims(claims, documents=DOCS, embeddings={"1": _vec(1)})[1]
    assert one == two and group_claims([], documents=DOCS) == ([], [])


# --------------------------------------------------------------------------- story bar


def _story_docs() -> dict:
    return {d: _doc("x", d, p) for d, p in (("a", "2024-03-02"), ("b", "2024-03-03"), ("c", "2024-03-04"),
                                             ("d", "2024-03-05"), ("e", "2024-03-06"), ("f", "2024-03-07"),
                                             ("g", "2024-03-08"))}


def test_retellings_sharing_rare_words_join_at_the_story_bar_and_common_words_do_not():
    """Two outlets on one story, no shared name or figure: two words few documents use
    ("syrups", "antibiotic") pin them to one matter; words every document uses do not."""
    docs = _story_docs()
    claims = [_claim("1", "a", "Three drug makers are suspected of coordinating the prices of antibiotic syrups.",
                     actor=None),
              _claim("2", "b", "The companies fixed the price of children's antibiotic syrups between them.",
                     actor=None)]
    # filler claims in other documents make "companies", "prices" common words
    filler = [_claim(str(k), d, "The companies said prices of goods would rise this year.", actor=None, action=None)
              for k, d in zip(range(3, 8), "cdefg")]
    # cosine 0.55: over the story bar, under the bar of shared names and actions
    vectors = {"1": _vec(1, 0), "2": _vec(1, 1.5)} | {c.id: _vec(0, 0, 1) for c in filler}
    story = [frozenset(("a", "b"))]
    _, families = group_claims(claims + filler, documents=docs, embeddings=vectors, stories=story)
    assert any({"1", "2"} <= set(f.claims) for f in families)
    # the same pair with only common words in common stays apart
    plain = [_claim("1", "a", "The companies said the prices would change.", actor=None),
             _claim("2", "b", "Prices at the companies will change, they said.", actor=None)]
    _, families = group_claims(plain + filler, documents=docs, embeddings=vectors, stories=story)
    assert not any({"1", "2"} <= set(f.claims) for f in families)


def test_two_speakers_stay_apart_at_the_story_bar_unless_one_outlet_relays_the_other():
    docs = {"a": Document(id="a", path="a", text="x", source_text="", outlet="The Ledger", published="2024-03-02"),
            "b": Document(id="b", path="b", text="x", source_text="", outlet="The Courier", published="2024-03-03")}
    claims = [_claim("1", "a", "The 48,000 records were sold on a forum.", actor=None),
              _claim("2", "b", "Records of 48,000 patients are on sale on a forum.", actor=None)]
    vectors = {"1": _vec(1, 0), "2": _vec(1, 1.5)}  # cosine 0.55
    story = [frozenset(("a", "b"))]

    def families(speakers):
        return [set(f.claims) for f in group_claims(claims, documents=docs, embeddings=vectors, stories=story,
                                                     speakers=speakers)[1]]
    assert {"1", "2"} in families({})  # the figure pins them
    assert {"1", "2"} not in families({"1": "Ivo Marek", "2": "Dana Roe"})
    # the Courier says it on the Ledger's word, and the Ledger on its own source's
    assert {"1", "2"} in families({"1": "a nurse at a clinic", "2": "The Ledger"})
    # one person under a full name and under title and surname is one speaker; two people of
    # one family name are two
    assert {"1", "2"} in families({"1": "Ivo Marek", "2": "Mr Marek"})
    assert {"1", "2"} not in families({"1": "Ivo Marek", "2": "Lena Marek"})


def test_two_speakers_saying_one_thing_in_independent_reports_of_one_story_are_one_claim_with_two_sources():
    """Corroboration: a skipper and a coast guard, quoted in two unrelated outlets' reports of
    one story, both saying the cutter rammed the trawler, are one proposition (its family then
    rests on both). Not when one report is a rewrite of the other, when nothing ties the two
    documents to one story, when only one of them denies it, or under CORROBORATE."""
    docs = {"a": Document(id="a", path="a", text="x", source_text="", outlet="The Ledger", published="2024-03-02"),
            "b": Document(id="b", path="b", text="x", source_text="", outlet="The Courier", published="2024-03-03")}
    claims = [_claim("1", "a", "A patrol cutter rammed the trawler Sea Wren off Hollin Bank.", actor=None),
              _claim("2", "b", "The cutter rammed his trawler, the Sea Wren, in the dark.", actor=None)]
    speakers = {"1": "Harbour Authority of Tessel", "2": "Orrin Vale"}
    story = [frozenset(("a", "b"))]

    def joined(t: float, *, derived=(), stories=story, texts=None) -> bool:
        cs = texts or claims
        vectors = {"1": _vec(1, 0), "2": _vec(1, t)}
        fams = group_claims(cs, documents=docs, embeddings=vectors, stories=stories, speakers=speakers,
                            derived=derived)[1]
        return any({"1", "2"} <= set(f.claims) for f in fams)

    assert joined(0.8)  # cosine 0.78
    assert not joined(1.2)  # cosine 0.64: two speakers, two claims
    assert not joined(0.8, derived=story)  # a rewrite renames its source's speaker: no new source
    assert not joined(0.8, stories=())
    denied = [claims[0], _claim("2", "b", "The cutter never rammed the trawler Sea Wren.", actor=None)]
    assert not joined(0.8, texts=denied)
    # two parties' denials are no corroboration of each other
    both = [_claim("1", "a", "Tessel has denied those claims about the trawler Sea Wren.", actor=None, stance="denies"),
            _claim("2", "b", "Orrin Vale denied the claims about the trawler Sea Wren.", actor=None, stance="denies")]
    assert not joined(0.8, texts=both)
    # nothing specific shared (no name, figure or two rare words): two statements alike in tone only
    vague = [_claim("1", "a", "This is an outrage and it must stop.", actor=None),
             _claim("2", "b", "What happened is an outrage, he said.", actor=None)]
    assert not joined(0.8, texts=vague)


def test_in_a_rewrite_a_sentence_joins_the_one_it_retells_not_another_one_alike():
    """A rewrite retells its source sentence by sentence: below the near-paraphrase bar a
    claim of the copy joins the source's claim it is closest to (and that is closest to it),
    not a second one of the source that only shares its topic."""
    docs = {"a": Document(id="a", path="a", text="x", source_text="", outlet="The Ledger", published="2024-03-02"),
            "b": Document(id="b", path="b", text="x", source_text="")}
    claims = [_claim("1", "a", "The two countries cut diplomatic ties in spring.", actor=None, action=None),
              _claim("2", "a", "Brosk has armed the rebel militias of the delta.", actor=None, action=None),
              _claim("3", "b", "The delta militias get their arms from the neighbour, it says.", actor=None,
                     action=None)]
    # the copy's sentence retells the second (0.90) and is only alike the first (0.52), which is
    # as alike the second (0.50): once the retelling joined, the first would ride along
    vectors = {"1": _vec(0.5, 0.1606, 0.851), "2": _vec(1, 0, 0),
               "3": _vec(0.9, 0.4359, 0)}
    pair = [frozenset(("a", "b"))]
    fams = group_claims(claims, documents=docs, embeddings=vectors, stories=pair, derived=pair)[1]
    assert sorted(sorted(f.claims) for f in fams) == [["1"], ["2", "3"]]


def test_a_denial_naming_the_denied_clause_answers_it_and_not_the_deniers_own_words(monkeypatch):
    import narratrace.claims._group as grouping

    docs = _story_docs()
    claims = [_claim("1", "a", "The patrol boat rammed the trawler Sea Wren.", actor=None),
              _claim("2", "b", "The trawler Sea Wren was fishing illegally, the admiral said.", actor=None),
              _claim("3", "b", "The admiral rejected claims that the patrol boat rammed the Sea Wren.",
                     stance="denies", actor=None)]
    vectors = {"1": _vec(1, 0, 0), "2": _vec(0.5, 1, 0), "3": _vec(0.3, 0.2, 1)}
    monkeypatch.setattr(grouping, "denied_propositions",
                        lambda cs, *_: {2: np.asarray(_vec(1, 0.05, 0), dtype=np.float64)})
    _, families = group_claims(claims, documents=docs, embeddings=vectors, stories=[frozenset(("a", "b"))],
                               speakers={"2": "Admiral Tarn", "3": "Admiral Tarn"})
    fam = {c: f for f in families for c in f.claims}
    assert fam["3"].contradicts == (fam["1"].id,)


def test_topic_mates_in_texts_that_tell_no_one_story_stay_apart():
    """A corpus about one matter shares its names and verbs everywhere ("Velmar", "Kesh",
    "attacked"): two different texts' sentences that share only those are two claims, unless
    one speaker said both or the texts tell one story."""
    docs = _story_docs()
    claims = [_claim("1", "a", "Velmar attacked the port of Kesh with drones at dawn.", action="attack"),
              _claim("2", "b", "Velmar attacked Kesh again, and the army said it was ready.", action="attack")]
    filler = [_claim(str(k), d, "Velmar attacked Kesh with drones and the army.", action="attack")
              for k, d in zip(range(3, 8), "cdefg")]
    vectors = {"1": _vec(1, 0), "2": _vec(1, 1)} | {c.id: _vec(0, 0, 1) for c in filler}  # cosine 0.71

    def joined(**kw) -> bool:
        _, families = group_claims(claims + filler, documents=docs, embeddings=vectors, **kw)
        return any({"1", "2"} <= set(f.claims) for f in families)

    assert not joined()
    assert joined(speakers={"1": "Ivo Marek", "2": "Marek"})
    assert joined(stories=[frozenset(("a", "b"))])


def test_two_amounts_for_one_thing_are_two_claims_however_alike_the_sentences():
    killed = [_claim("1", "a", "As many as 7,000 Velmar soldiers have been killed in Kesh.", action="attack"),
              _claim("2", "b", "At least 315,000 Velmar soldiers have been killed in Kesh.", action="attack")]
    vectors = {"1": _vec(1, 0.1), "2": _vec(1, 0.12)}  # a near-paraphrase

    def joined(claims, **kw) -> bool:
        _, families = group_claims(claims, documents=DOCS, embeddings=vectors, **kw)
        return any({"1", "2"} <= set(f.claims) for f in families)

    assert not joined(killed)
    same = [killed[0], _claim("2", "b", "Some 7,000 Velmar soldiers were killed in Kesh on 3 May.", action="attack")]
    assert joined(same)  # the day of a date is no amount
    # a rewrite may round or restate a figure: one claim
    assert joined(killed, stories=[frozenset(("a", "b"))], derived=[frozenset(("a", "b"))])


def test_a_denial_by_another_party_never_joins_the_allegation_and_one_speakers_two_wordings_do():
    """"At no time was the pressure reduced by hand" (the operator) beside "someone reduced
    the pressure by hand" (a minister, or the narrator): a denial of it, however alike the
    words. One speaker's "had not been tested since 2019" and "had gone untested since 2019",
    in two outlets with no story link, sharing two rare words: one claim."""
    docs = {d: Document(id=d, path=d, text="x", source_text="", outlet=f"Outlet {d}", published="2024-03-02")
            for d in "abcdefg"}
    claims = [_claim("1", "a", "Someone at the Hollin station reduced the pressure by hand.", actor=None, action=None),
              _claim("2", "b", "At no time was the pressure at the Hollin station reduced by hand.", actor=None,
                     action=None)]
    vectors = {"1": _vec(1, 0.1), "2": _vec(1, 0.15)}  # near-paraphrase cosine

    def families(speakers, cs=claims, vs=vectors, stories=()):
        said = [dataclasses.replace(c, attributed_to=speakers.get(c.id)) for c in cs]
        return [set(f.claims) for f in group_claims(said, documents=docs, embeddings=vs, stories=stories,
                                                     speakers=speakers)[1]]
    assert {"1", "2"} not in families({"1": "Ada Vantrell", "2": "Ivo Rumen"})
    assert {"1", "2"} not in families({"2": "Ivo Rumen"})  # the narrator's allegation, the operator's denial
    assert {"1", "2"} in families({"1": "Ivo Rumen", "2": "Ivo Rumen"})
    one = [_claim("1", "a", "The emergency valves at the Sarrow storage site had not been tested since 2019.",
                  actor=None, action=None),
           _claim("2", "b", "The emergency valves at Sarrow had gone untested since 2019.", actor=None, action=None)]
    filler = [_claim(str(k), d, "The minister spoke to parliament about gas supplies this week.", actor=None,
                     action=None) for k, d in zip(range(3, 8), "cdefg")]
    vs = {"1": _vec(1, 0), "2": _vec(1, 1)} | {c.id: _vec(0, 0, 1) for c in filler}  # cosine 0.71
    assert {"1", "2"} in families({"1": "Declan Tiernan", "2": "Declan Tiernan"}, one + filler, vs)
    assert {"1", "2"} not in families({"1": "Declan Tiernan", "2": "Nora Pask"}, one + filler, vs)


def test_a_narrators_sentence_names_its_speaker_only_when_someone_speaks():
    text = ("The maternity unit at Larch Hill Hospital is said to be closing in the spring. "
            "The Varn Health Board said the unit would stay open until 2027.")
    doc = _doc(text)
    mentions = [_m(doc, "Larch Hill Hospital", "organisation"), _m(doc, "Varn Health Board", "organisation")]
    claims = extract_claims(doc, attributions=[], mentions=mentions, dates=[])
    # "X is said to be": a hedge in the passive, not X speaking; "X said": X
    assert [(c.text.split()[1], c.attributed_to) for c in claims] == [("maternity", None), ("Varn", "Varn Health Board")]


def test_a_report_inside_another_is_its_inner_speakers_claim():
    text = ("The minister said the ambassador had assured her that Velmar had never touched a single valve "
            "and that the flows would be back to normal within days.")
    doc = _doc(text)
    s_out, s_in = text.index("the ambassador had"), text.index("Velmar had")
    m, a = text.index("said"), text.index("had assured")
    outer = Attribution("a1", "d1", "indirect", Speaker("The minister", 0, 12, mention_start=0, mention_end=12),
                        "say", text[s_out:-1], s_out, len(text) - 1, cue_start=m, cue_end=m + 4)
    inner = Attribution("a2", "d1", "indirect", Speaker("the ambassador", s_out, s_out + 14, mention_start=s_out,
                                                        mention_end=s_out + 14),
                        "assure", text[s_in:-1], s_in, len(text) - 1, cue_start=a, cue_end=a + 11, outer="a1")
    cut = (text.index(" and that the flows"), text.index("that the flows"))
    claims = extract_claims(doc, attributions=[outer, inner], mentions=[], dates=[], cuts=[cut])
    said = {c.text: c.attributed_to for c in claims}
    # the inner words are the ambassador's, once, however the outer report is cut
    assert said["the flows would be back to normal within days"] == "the ambassador"
    assert [c.text for c in claims].count("the flows would be back to normal within days") == 1


def test_a_report_opening_a_relative_clause_ends_the_outer_report_before_it():
    text = ("The agency announced that the attack had been carried out by the group Grey Heron, "
            "which the agency said works for the navy of Ostrava.")
    doc = _doc(text)
    s_out, said, s_in = text.index("the attack"), text.index("said"), text.index("works for")
    who = text.index("the agency said")
    outer = Attribution("a1", "d1", "indirect", Speaker("The agency", 0, 10, mention_start=0, mention_end=10),
                        "announce", text[s_out:-1], s_out, len(text) - 1, cue_start=11, cue_end=20)
    inner = Attribution("a2", "d1", "indirect", Speaker("the agency", 0, 10, mention_start=who, mention_end=who + 10),
                        "say", text[s_in:-1], s_in, len(text) - 1, cue_start=said, cue_end=said + 4, outer="a1")
    claims = extract_claims(doc, attributions=[outer, inner], mentions=[], dates=[])
    assert sorted(c.text for c in claims) == ["the attack had been carried out by the group Grey Heron",
                                              "works for the navy of Ostrava"]


def test_a_report_inside_another_keeps_its_own_speakers_canonical_name():
    from narratrace.claims.stage import _canonical_speakers
    from narratrace.types import Entity

    text = "Brun said the envoy, Ivo Marek, had assured her that the valves were never touched."
    inner_start = text.index("the valves")
    outer = Attribution("a1", "d1", "indirect", Speaker("Brun", 0, 4, entity="e1"), "say",
                        text[10:-1], 10, len(text) - 1)
    inner = Attribution("a2", "d1", "indirect", Speaker("the envoy", 11, 20, entity="e2"), "assure",
                        text[inner_start:-1], inner_start, len(text) - 1, outer="a1")
    claim = Claim(id="c1", doc="d1", text=text[inner_start:-1], start=inner_start, end=len(text) - 1,
                  attributed_to="the envoy", attribution="a2")
    people = [Entity("e1", "Ada Brun", "person"), Entity("e2", "Ivo Marek", "person")]
    # the attributions in text order: the outer report, which holds the claim too, comes first
    assert _canonical_speakers([claim], people, [outer, inner])[0].attributed_to == "Ivo Marek"
    # a claim of no attribution takes the innermost report around it
    bare = dataclasses.replace(claim, attribution=None)
    assert _canonical_speakers([bare], people, [outer, inner])[0].attributed_to == "Ivo Marek"
