"""Denials and rebuttals: which assertion families a denial answers (no models; invented texts)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from narratrace.claims._denials import CorpusStats, DenialMemo, denies, link_denials
from narratrace.types import Claim, ClaimFamily


def _vec(*xs: float) -> np.ndarray:
    v = np.array(xs + (0.0,) * (4 - len(xs)), dtype=np.float64)
    return v / np.linalg.norm(v)


def _claims(doc: str, *sentences: tuple[str, dict]) -> list[Claim]:
    """Claims of one document, one per sentence, in reading order (offsets as in the text)."""
    out, at = [], 0
    for text, fields in sentences:
        out.append(Claim(id=f"{doc}{len(out)}", doc=doc, text=text, start=at, end=at + len(text), **fields))
        at += len(text) + 1
    return out


def _link(claims: Sequence[Claim], vectors: Sequence[np.ndarray], *, stories: Sequence[tuple[str, str]] = (),
          speakers: Mapping[str, str] | None = None,
          denied: Mapping[int, np.ndarray] | None = None) -> dict[str, set[str]]:
    """What each claim's family contradicts, as claim ids (every claim its own family)."""
    families = [ClaimFamily(id=f"f{c.id}", label=c.text, claims=(c.id,), docs=(c.doc,)) for c in claims]
    family_of = {k: f"f{c.id}" for k, c in enumerate(claims)}
    said = speakers or {}
    out = link_denials(families, claims, family_of, [], {k: set() for k in range(len(claims))}, 0.62,
                       {frozenset(p) for p in stories}, np.asarray(vectors),
                       speaker=lambda k: said.get(claims[k].id), denied=denied or {})
    return {f.claims[0]: {t[1:] for t in f.contradicts} for f in out if f.contradicts}


def test_statements_that_contest_without_a_denial_verb_are_denials():
    assert denies(Claim(id="1", doc="d", text="Harlow Grid does not accept that its cable caused the blaze.",
                        start=0, end=60))
    assert denies(Claim(id="1", doc="d", text="The figure of 70 percent quoted online is misleading.",
                        start=0, end=50))
    assert denies(Claim(id="1", doc="d", text="the batch passed every test the inspectors required",
                        start=0, end=50, attributed_to="Orlen Foods"))
    # negatives: an admission; a compliance formula in the narrator's own voice; plain figures
    assert not denies(Claim(id="1", doc="d", text="Harlow Grid accepted that its cable caused the blaze.",
                            start=0, end=50))
    assert not denies(Claim(id="1", doc="d", text="The batch passed every test the inspectors required.",
                            start=0, end=50))
    assert not denies(Claim(id="1", doc="d", text="There has been no rain in the valley since May.",
                            start=0, end=50))


def test_a_reported_statement_that_nothing_happened_is_a_denial_and_the_narrators_is_not():
    said = dict(start=0, end=60, attributed_to="Jonas Ekberg")
    for text in ("no oil had reached the river", "nothing was taken from the dam",
                 "Mr Oster had no role in the tender", "the mayor played no part in scoring the bids"):
        assert denies(Claim(id="1", doc="d", text=text, **said)), text
        assert not denies(Claim(id="1", doc="d", text=text, start=0, end=60)), text
    # a subject negated that states something: no denial
    for text in ("no doubt was left about the result", "no one was hurt in the fire"):
        assert not denies(Claim(id="1", doc="d", text=text, **said)), text


def test_a_denial_answers_the_allegation_that_uses_the_words_it_negates():
    """"No recall": the denial and the report that the batch was recalled share little else,
    and their vectors are far apart (a negation moves a sentence embedding a long way)."""
    alleging = _claims("a", ("The inhaler maker has reportedly recalled the batch from pharmacies.",
                             {"hedges": ("reportedly",)}),
                       ("Pharmacies in Dorn sell the inhaler to about 9,000 patients.", {}))
    denying = _claims("b", ("There has been no recall of the inhaler batch, the regulator said.",
                            {"attributed_to": "Tessa Varn"}),
                      ("The regulator has never published its inspection schedule.", {"attributed_to": "Tessa Varn"}))
    # cosines: the denial 0.3 from the allegation, 0.35 from the background sentence
    vectors = [_vec(1, 0, 0), _vec(0, 1, 0), _vec(0.3, 0.35, 0.89), _vec(0, 0, 0, 1)]
    got = _link(alleging + denying, vectors, stories=[("a", "b")])
    assert got == {"b0": {"a0"}}  # the schedule was never alleged: its denial answers nothing
    # the same denial beside documents of another story answers nothing
    assert _link(alleging + denying, vectors) == {}


def test_a_rebuttal_answers_the_allegation_just_before_it_that_shares_a_word():
    claims = _claims("a", ("The county engineer says the girders are cracking because of faulty steel.",
                           {"attributed_to": "Oren Pask"}),
                     ("The bridge opened in 2011 and carries 20,000 cars a day.", {}),
                     ("Korvan Works says its steel passed every test the inspectors required.",
                      {"attributed_to": "Korvan Works"}),
                     ("The engineer will report to the council on the steel in June.", {"attributed_to": "Oren Pask"}))
    vectors = [_vec(1, 0, 0), _vec(0, 1, 0), _vec(0.25, 0.2, 1), _vec(0.2, 0, 0, 1)]
    assert _link(claims, vectors) == {"a2": {"a0"}}
    # negative: the narrator saying the same of the steel rebuts nothing
    plain = [claims[0], claims[1], Claim(id="a2", doc="a", text="The steel passed every test the inspectors required.",
                                        start=claims[2].start, end=claims[2].end), claims[3]]
    assert _link(plain, vectors) == {}


def test_a_named_clause_answers_an_allegation_of_its_act_not_background_on_its_topic():
    """"Rejects any suggestion that its members coordinated the prices of cough syrups": the closest
    sentence to that clause is background on cough syrups; the allegation of coordinated prices,
    a little further, is what is denied."""
    claims = _claims("a", ("Cough syrups are among the medicines that parents of small children buy most.", {}),
                     ("The watchdog suspects that the firms coordinated the prices of cough syrups in 2023.",
                      {"hedges": ("suspects",), "attributed_to": "the watchdog"}))
    claims += _claims("b", ("The union rejects any suggestion that its members coordinated the prices of cough syrups.",
                            {"stance": "denies", "attributed_to": "Union of Syrup Makers"}),)
    vectors = [_vec(1, 0, 0), _vec(0, 1, 0), _vec(0.3, 0.3, 1)]
    clause = {2: _vec(1, 0.9, 0.25)}  # 0.72 from the background, 0.65 from the allegation
    assert _link(claims, vectors, stories=[("a", "b")], denied=clause) == {"b0": {"a1"}}


def test_a_rebuttal_answers_the_allegation_it_quotes():
    claims = _claims("a", ('Dornia called the blockade "an act of open piracy", its minister said.',
                           {"attributed_to": "Ilse Maran"}),
                     ("The blockade has kept 40 freighters in port since Monday.", {"attributed_to": "Ilse Maran"}))
    claims += _claims("b", ('The description of the blockade as "an act of open piracy" was irresponsible, '
                            "the ministry said.", {"attributed_to": "Velmar Foreign Ministry"}),
                      ('The ministry called the report "pure theatre".', {"attributed_to": "Velmar Foreign Ministry"}))
    vectors = [_vec(1, 0, 0), _vec(0, 1, 0), _vec(0.2, 0.3, 1), _vec(0, 0, 0, 1)]
    # the quotation, not the topic: the freighters are not answered
    assert _link(claims, vectors, stories=[("a", "b")]) == {"b0": {"a0"}}


def test_a_disputed_figure_answers_the_allegations_stating_it_on_the_same_matter():
    """The statement of the accused side has no story link to the report it disputes; the
    figure and two rare words of the matter find it. The same figure on another matter does not."""
    claims = _claims("a", ("Bread prices at the Halvik bakeries reportedly rose by 45 percent within a month.",
                           {"hedges": ("reportedly",)}),)
    claims += _claims("b", ("The figure of 45 percent quoted in some media is misleading.", {}),
                      ("The guild represents the 40 Halvik bakeries, which bake most of the bread sold.", {}))
    claims += _claims("c", ("Turnout reportedly reached 45 percent in the northern districts.",
                            {"hedges": ("reportedly",)}),)
    vectors = [_vec(1, 0, 0), _vec(0.1, 0.1, 1), _vec(0, 1, 0), _vec(0, 0, 0, 1)]
    assert _link(claims, vectors) == {"b0": {"a0"}}


def test_a_contrast_is_not_a_denial_and_a_negated_statement_is_read_positively_with_its_speaker(monkeypatch):
    import narratrace.claims._denials as denials
    from narratrace import nlp

    contrast = Claim(id="c", doc="a", text="the rivalry is not confined to the north but reaches every port",
                     start=0, end=60, attributed_to="Ana Vole")
    negated = Claim(id="n", doc="a", text="no rifles were ever sent to the hill clans", start=0, end=45,
                    attributed_to="Kesh")
    reported = Claim(id="r", doc="a", text="reports linking it to the clans, saying no rifles were sent",
                     start=0, end=60, attributed_to="Kesh", stance="denies")
    assert not denies(contrast) and denies(negated) and denies(reported)
    seen: list[str] = []
    monkeypatch.setattr(nlp, "embed", lambda texts: seen.extend(texts) or [np.ones(4)] * len(texts))
    found = denials.denied_propositions([contrast, negated, reported])
    # the allegation a denial answers is made against its speaker: "Kesh sent rifles ..."; the
    # report of a denial says nothing positive of its own
    assert seen == ["Kesh: rifles were sent to the hill clans"] and set(found) == {1}


def test_the_accused_denying_the_act_answers_the_allegation_that_names_them():
    """"It denied any contact between the two ships" shares no word and little meaning with
    "a Velmari patrol boat rammed the ferry"; the denier is the accused party the allegation
    names. Its own account and a sentence naming only its country are not what it denies."""
    navy = {"stance": "denies", "attributed_to": "Velmar's navy"}
    claims = _claims("a", ("Dranor accused Velmar of piracy, saying a Velmari navy patrol boat had rammed the ferry.",
                           {"attributed_to": "Dranor"}),
                     ("Dranor's minister summoned Velmar's ambassador on Monday.", {}),
                     ("the ferry had been smuggling fuel across the strait", {"attributed_to": "Velmar's navy"}),
                     ("any contact between the two ships", navy))
    vectors = [_vec(1, 0, 0), _vec(0, 1, 0), _vec(0, 0, 1), _vec(0, 0, 0, 1)]
    own = {"a2": "Velmar's navy", "a3": "Velmar's navy"}
    assert _link(claims, vectors, speakers=own) == {"a3": {"a0"}}
    # negative: a denier no allegation names (the harbour master) answers nothing
    other = claims[:3] + [dataclasses.replace(claims[3], attributed_to="Osk harbour master")]
    assert _link(other, vectors, speakers={"a2": "Velmar's navy", "a3": "Osk harbour master"}) == {}
    # nor does a person the allegation names as its source
    source = [dataclasses.replace(claims[0], text=claims[0].text + " Ilse Maran said.")] + claims[1:3] \
        + [dataclasses.replace(claims[3], attributed_to="Ilse Maran")]
    assert _link(source, vectors, speakers={"a2": "Velmar's navy", "a3": "Ilse Maran"}) == {}


def _link_families(claims: Sequence[Claim], vectors: np.ndarray, groups: Sequence[tuple[int, ...]], *,
                   stories: Sequence[tuple[str, str]] = (),
                   denied: Mapping[int, np.ndarray] | None = None) -> dict[int, set[int]]:
    """What each claim's family contradicts, families given as groups of claim indices (the
    others alone), as the first claim index of each family."""
    fam_of = {k: f"g{g[0]}" for g in groups for k in g}
    family_of = {k: fam_of.get(k, f"g{k}") for k in range(len(claims))}
    members: dict[str, list[int]] = {}
    for k, f in family_of.items():
        members.setdefault(f, []).append(k)
    families = [ClaimFamily(id=f, label=claims[ks[0]].text, claims=tuple(claims[k].id for k in ks),
                            docs=tuple(dict.fromkeys(claims[k].doc for k in ks))) for f, ks in members.items()]
    out = link_denials(families, claims, family_of, [], {k: set() for k in range(len(claims))}, 0.62,
                       {frozenset(p) for p in stories}, np.asarray(vectors), denied=denied or {})
    return {members[f.id][0]: {members[t][0] for t in f.contradicts} for f in out if f.contradicts}


def _unit(n: int, *pairs: tuple[int, float]) -> np.ndarray:
    v = np.zeros(n)
    for i, x in pairs:
        v[i] = x
    return v / np.linalg.norm(v)


def test_a_denial_of_involvement_answers_the_allegation_against_the_party_in_documents_on_its_matter():
    """"The envoy denied any involvement by Velmar": no story link joins the minister's account
    to the reports of the attack, and the denial resembles nothing in them; the documents
    sharing the matter's rare words carry the allegation against Velmar."""
    claims = _claims("a", ("The Sorrel crew works for Velmar's naval intelligence, the customs agency said.",
                           {"attributed_to": "Tarrow Customs Agency"}),
                     ("The customs gates at Tarrow port were shut for two days.", {"attributed_to": "Jon Brek"}))
    claims += _claims("c", ("Analysts traced the Sorrel crew to Velmar's naval intelligence.",
                            {"attributed_to": "Nettle Labs"}),
                      ("Ransomware gangs hit the Tarrow customs gates every year.", {"attributed_to": "Jon Brek"}))
    claims += _claims("b", ("Minister Ada Roon summoned the envoy of Velmar over the Sorrel attack on Tarrow customs.", {}),
                      ("the envoy had denied any involvement by Velmar in the attack", {"attributed_to": "Ada Roon"}))
    claims += _claims("z", ("The Orsk dam was inspected in May, the water board said.", {"attributed_to": "Orsk Water"}),)
    vectors = [_unit(6, (0, 1)), _unit(6, (1, 1)), _unit(6, (0, 1)), _unit(6, (1, 1)),
               _unit(6, (2, 1)), _unit(6, (3, 1), (0, 0.3), (2, 0.3)), _unit(6, (4, 1))]
    groups = [(0, 2), (1, 3)]  # the allegation, and the closure of the gates, each in two documents
    assert _link_families(claims, vectors, groups) == {5: {0}}
    # negatives: naming nobody, it answers nothing; nor does a denial of something else
    unnamed = dataclasses.replace(claims[5], text="the envoy had denied any involvement in the attack")
    assert _link_families(claims[:5] + [unnamed] + claims[6:], vectors, groups) == {}
    other = dataclasses.replace(claims[5], text="the envoy had denied that Velmar would close its embassy soon")
    assert _link_families(claims[:5] + [other] + claims[6:], vectors, groups) == {}


def test_the_widest_allegation_is_found_through_the_positive_reading_when_it_names_what_the_denial_names():
    """"Velmar has never sent agents over the frontier" is far from "Velmar's agents crossed into
    Dorn" as a sentence; read positively it is near, and the allegation names Velmar. An
    allegation near the positive reading that names nothing the denial names is not answered."""
    claims = _claims("a", ("Velmar's agents crossed into Dorn in March, the police said.", {"attributed_to": "Dorn Police"}),
                     ("Smugglers crossed into Dorn at night, the police said.", {"attributed_to": "Dorn Police"}))
    claims += _claims("c", ("Agents of Velmar entered Dorn in March, officials said.", {"attributed_to": "Dorn officials"}),
                      ("Smugglers entered Dorn by night, officials said.", {"attributed_to": "Dorn officials"}))
    claims += _claims("b", ("Velmar has never sent agents over the frontier", {"attributed_to": "Ilse Maran"}),)
    vectors = [_unit(6, (0, 1)), _unit(6, (1, 1)), _unit(6, (0, 1)), _unit(6, (1, 1)),
               _unit(6, (0, 0.3), (1, 0.3), (2, 1))]  # 0.28 from each
    positive = {4: _unit(6, (0, 1), (1, 1), (2, 1.4))}  # 0.5 from each
    groups = [(0, 2), (1, 3)]
    assert _link_families(claims, vectors, groups, stories=[("a", "b"), ("b", "c")], denied=positive) == {4: {0}}
    # negative: without the positive reading, nothing is like the denial
    assert _link_families(claims, vectors, groups, stories=[("a", "b"), ("b", "c")]) == {}


def test_an_incremental_link_keeps_the_answers_of_denials_whose_documents_did_not_change():
    """With a memo and the same statistics, only the denials that read a changed document are
    linked again; the others keep their stored answer, and the result is a full link's."""
    def story(a: str, b: str, alleged: str, denial: str) -> list[Claim]:
        return _claims(a, (alleged, {"hedges": ("reportedly",)})) + \
            _claims(b, (denial, {"attributed_to": "Tessa Varn"}))

    def link(claims: list[Claim], memo: DenialMemo | None, stats: CorpusStats) -> dict[str, tuple[str, ...]]:
        families = [ClaimFamily(id=f"f{c.id}", label=c.text, claims=(c.id,), docs=(c.doc,)) for c in claims]
        vectors = np.asarray([_vec(1, 0, 0) if k % 2 == 0 else _vec(0.3, 0.35, 0.89) for k in range(len(claims))])
        out = link_denials(families, claims, {k: f"f{c.id}" for k, c in enumerate(claims)}, [],
                           {k: set() for k in range(len(claims))}, 0.62,
                           {frozenset(p) for p in (("a", "b"), ("c", "e"), ("b", "g"))}, vectors,
                           denied={}, stats=stats, memo=memo)
        return {f.id: f.contradicts for f in out if f.contradicts}

    old = story("a", "b", "The inhaler maker has reportedly recalled the batch from pharmacies.",
                "There has been no recall of the inhaler batch, the regulator said.") + \
        story("c", "e", "The ferry operator has reportedly ordered a shutdown of the pier.",
              "There has been no shutdown of the pier, the harbour office said.")
    stats = CorpusStats.count(old)
    first = DenialMemo()
    assert link(old, first, stats) == {"fb0": ("fa0",), "fe0": ("fc0",)} and first.relinked == 2
    grown = old + _claims("g", ("Pharmacies say the maker recalled the batch.", {"attributed_to": "Ilse Marr"}))
    again = DenialMemo(old=first.new)
    assert link(grown, again, stats) == link(grown, None, stats)
    assert again.relinked == 1  # b reads the new document g (a story link to b); e does not
    # what is kept is the stored answer, not a new link
    stale = DenialMemo(old={**first.new, "e0": (first.new["e0"][0], ("fsomething",))})
    assert link(grown, stale, stats)["fe0"] == ("fsomething",)


def _link_spread(claims: Sequence[Claim], vectors: Sequence[np.ndarray], docs_of: Mapping[str, tuple[str, ...]]
                 ) -> dict[str, set[str]]:
    """Like :func:`_link`, with the documents each claim's family spans given (``docs_of``)."""
    families = [ClaimFamily(id=f"f{c.id}", label=c.text, claims=(c.id,), docs=docs_of.get(c.id, (c.doc,)))
                for c in claims]
    family_of = {k: f"f{c.id}" for k, c in enumerate(claims)}
    out = link_denials(families, claims, family_of, [], {k: set() for k in range(len(claims))}, 0.62,
                       set(), np.asarray(vectors))
    return {f.claims[0]: {t[1:] for t in f.contradicts} for f in out if f.contradicts}


def test_a_denial_of_the_report_answers_what_the_report_alleges_and_a_pronoun_points_back():
    claims = _claims("a", ("The statue in the square is reportedly a resin cast of the bronze.", {"hedges": ("reportedly",)}),
                     ("The bronze was allegedly sold to a dealer in 2018.", {"hedges": ("allegedly",)}),
                     ("The sale was arranged by two council clerks, a former employee said.",
                      {"attributed_to": "a former employee"}),
                     ("The mayor, Ines Dalgaard, rejected the report.", {"attributed_to": "Ines Dalgaard",
                                                                          "stance": "denies"}))
    vectors = [_vec(1, 0, 0), _vec(0, 1, 0), _vec(0, 0, 1), _vec(0, 0, 0, 1)]
    spread = {"a0": ("a", "b", "c"), "a1": ("a", "b")}
    # every allegation of the report that others carry
    assert _link_spread(claims, vectors, spread) == {"a3": {"a0", "a1"}}
    # one statement pointed at: the nearest allegation, one others carry first
    one = claims[:3] + [dataclasses.replace(claims[3], text="The mayor, Ines Dalgaard, rejected that claim.")]
    assert _link_spread(one, vectors, spread) == {"a3": {"a1"}}
    # "denied that yesterday": a pronoun points back too (it answered nothing before)
    it = claims[:3] + [dataclasses.replace(claims[3], text="The mayor, Ines Dalgaard, denied that yesterday.")]
    assert _link_spread(it, vectors, spread) == {"a3": {"a1"}}
