"""Provenance: outlet registry, citations and claim-family origins (no models)."""

from __future__ import annotations

import json

import pytest

from narratrace.errors import UsageError
from narratrace.provenance import extract_citations, load_outlets, trace_origins
from narratrace.types import Attribution, Citation, Claim, ClaimFamily, Document, Mention, Reuse, Speaker


def _doc(doc_id: str, text: str = "x", *, outlet: str | None = None, published: str | None = None) -> Document:
    return Document(id=doc_id, path=doc_id, text=text, source_text=text, outlet=outlet, published=published)


# --------------------------------------------------------------------------- registry


def test_registry_has_major_wires_and_state_media_with_sources():
    reg = load_outlets(env={})
    for name in ("TASS", "RIA Novosti", "Sputnik", "RT", "Xinhua", "CGTN", "PressTV", "Reuters",
                 "Associated Press", "Agence France-Presse", "BBC", "Deutsche Welle", "France 24",
                 "Al Jazeera", "Anadolu Agency"):
        outlet = reg.find(name)
        assert outlet is not None, name
        assert outlet.country and outlet.ownership and (outlet.source or "").startswith("https://"), name
    assert reg.find("Russia Today").name == "RT" and reg.find("the AP").name == "Associated Press"
    assert reg.find("Zeta Courier") is None


def test_user_registry_extends_and_overrides(tmp_path):
    user = tmp_path / "outlets.json"
    user.write_text(json.dumps({"outlets": [
        {"name": "Zeta Courier", "aliases": ["ZC News"], "country": "ZZ", "kind": "newspaper", "ownership": "private"},
        {"name": "TASS", "aliases": ["Tass wire"], "country": "RU", "kind": "agency", "ownership": "state"}]}))
    reg = load_outlets(env={"NARRATRACE_OUTLETS": str(user)})
    assert reg.find("ZC News").name == "Zeta Courier"
    assert reg.find("Tass wire").name == "TASS" and reg.find("ITAR-TASS") is None  # replaced entry
    assert load_outlets(user).find("Zeta Courier") is not None
    assert load_outlets(env={}).find("Zeta Courier") is None


@pytest.mark.parametrize("content, message", [
    ("not json", "Cannot read"), ('{"outlets": 3}', "list of outlets"),
    ('[{"aliases": []}]', "has no name"), ('[{"name": "X", "colour": "red"}]', "unknown keys"),
])
def test_bad_user_registry_is_refused(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(UsageError, match=message):
        load_outlets(path)


# --------------------------------------------------------------------------- citations

@pytest.mark.parametrize("text, expected", [
    ("The port was closed, according to Reuters.", {("Reuters", "agency")}),
    ("Rebels hold the town, according to local outlet Zeta Courier.", {("Zeta Courier", "outlet")}),
    ("KESH CITY (AP) — Rebels took the town on Monday.", {("Associated Press", "agency")}),
    ("Russia Today 06-06-2025\nRebels took the town on Monday.", {("RT", "outlet")}),
    ("In an interview with TASS, a Kesh elder said the town fell.", {("TASS", "agency")}),
    ("© AP Photo / Ilo Ran\nRebels took the town on Monday.", set()),  # a photo credit cites nothing
    ("Reuters was banned from the country in 2019 and never came back to open an office.", set()),
])
def test_citations_from_text(text, expected):
    doc = _doc("d", text)
    got = {(c.source, c.kind) for c in extract_citations(doc, attributions=[], mentions=[])}
    assert got == expected
    for c in extract_citations(doc, attributions=[], mentions=[]):
        assert 0 <= c.start <= c.end <= len(text)


@pytest.mark.parametrize("speaker, mention_type, kind", [
    ("Foreign Minister Ada Lovi", "person", "official"),
    ("Ada Lovi", "person", "other"),
    ("The Zeta Courier newspaper", "outlet", "outlet"),
    ("Sputnik", "organisation", "agency"),
    ("The leaked report", None, "document"),
    ("Brosk", "place", "official"),
])
def test_speaker_citations_are_typed(speaker, mention_type, kind):
    text = f"{speaker} said the rebels took the town on Monday."
    end = len(speaker)
    attr = Attribution("a", "d", "indirect", Speaker(speaker, 0, end), "said", text[end + 6:-1], end + 6, len(text) - 1)
    mentions = [Mention("d", 0, end, speaker, mention_type)] if mention_type else []
    cites = extract_citations(_doc("d", text), attributions=[attr], mentions=mentions)
    assert [c.kind for c in cites] == [kind]


# --------------------------------------------------------------------------- origins


def _claim(cid: str, doc: str, speaker: str | None) -> Claim:
    return Claim(id=cid, doc=doc, text="Velmar supplies drones to the Kesh rebels.", start=0, end=10,
                 attributed_to=speaker)


def _family(*claims: Claim) -> ClaimFamily:
    return ClaimFamily(id="f", label="l", claims=tuple(c.id for c in claims), docs=tuple(dict.fromkeys(c.doc for c in claims)))


def _trace(claims, docs, reuse=(), citations=()):
    return trace_origins([_family(*claims)], claims=claims, citations=list(citations), reuse=list(reuse),
                         documents={d.id: d for d in docs}, registry=load_outlets(env={}))[0]


def test_outlet_citing_outlet_citing_official_counts_once():
    docs = [_doc("a", outlet="Alpha Daily", published="2024-05-03"), _doc("b", outlet="Beta Herald", published="2024-05-02"),
            _doc("c", outlet="Gamma Post", published="2024-05-01")]
    claims = [_claim("1", "a", "Beta Herald"), _claim("2", "b", "Gamma Post"), _claim("3", "c", "Minister Ada Lovi")]
    fam = _trace(claims, docs)
    assert fam.origins == ("Minister Ada Lovi",) and fam.independent_origins == 1
    assert not fam.circular and fam.first_seen == "2024-05-01"


def test_circular_sourcing_is_flagged():
    docs = [_doc("a", outlet="Alpha Daily"), _doc("b", outlet="Beta Herald")]
    fam = _trace([_claim("1", "a", "Beta Herald"), _claim("2", "b", "Alpha Daily")], docs)
    assert fam.circular and fam.independent_origins == 1
    # the loop counts once, stands for itself by one member, and is shown whole
    assert set(fam.circular_loop) == {"Alpha Daily", "Beta Herald"}
    assert any(step.startswith("circular: ") for step in fam.chain)


def test_syndicated_copies_collapse_but_same_story_does_not():
    docs = [_doc("a", outlet="Alpha Daily", published="2024-05-01"), _doc("b", outlet="Beta Herald", published="2024-05-02")]
    claims = [_claim("1", "a", None), _claim("2", "b", None)]
    assert _trace(claims, docs, [Reuse("a", "b", "syndicated", 0.9, direction="a->b")]).origins == ("Alpha Daily",)
    assert _trace(claims, docs, [Reuse("a", "b", "duplicate", 1.0)]).independent_origins == 1  # earlier one wins
    same = _trace(claims, docs, [Reuse("a", "b", "same_story", 0.7)])
    assert same.independent_origins == 2 and same.origin_types == ("outlet", "outlet")


def test_two_speakers_are_two_origins_and_name_variants_are_one():
    docs = [_doc("a", outlet="Alpha Daily"), _doc("b", outlet="Beta Herald"), _doc("c", outlet="TASS")]
    claims = [_claim("1", "a", "Prime Minister Ada Lovi"), _claim("2", "b", "Lovi"), _claim("3", "c", "Kor Benn"),
              _claim("4", "c", None)]
    cites = [Citation("a", "Prime Minister Ada Lovi", "official", 0, 5)]
    fam = _trace(claims, docs, citations=cites)
    # TASS's own sentence beside its quote of Kor Benn names no other source: it relays him
    assert fam.independent_origins == 2
    assert set(fam.origins) == {"Prime Minister Ada Lovi", "Kor Benn"}
    assert dict(zip(fam.origins, fam.origin_types))["Prime Minister Ada Lovi"] == "official"
    alone = _trace([_claim("1", "a", "Kor Benn"), _claim("4", "c", None)], docs)
    assert dict(zip(alone.origins, alone.origin_types)) == {"Kor Benn": "other"}
    own = _trace([_claim("4", "c", None)], docs)
    assert dict(zip(own.origins, own.origin_types)) == {"TASS": "agency/state/RU"} and own.background




# --------------------------------------------------------------------------- origins from actors


def _said(aid: str, doc: str, name: str | None, typ: str, start: int, end: int, *, role: str | None = None,
          how: str = "name", text: str | None = None, medium: str | None = None,
          outer: str | None = None) -> Attribution:
    from narratrace.types import Actor

    actor = Actor(name, typ, how, role=role) if name else None  # type: ignore[arg-type]
    return Attribution(aid, doc, "indirect", Speaker(text or name or "", 0, 1, actor=actor), "said", "x", start, end,
                       medium=medium, outer=outer)


def _traced(claims, docs, attributions, citations=(), reuse=()):
    return trace_origins([_family(*claims)], claims=claims, citations=list(citations), reuse=list(reuse),
                         documents={d.id: d for d in docs}, attributions=attributions,
                         registry=load_outlets(env={}))[0]


def _c(cid: str, doc: str, start: int, end: int, attribution: str | None = None, hedges=()) -> Claim:
    return Claim(id=cid, doc=doc, text="Velmar supplies drones to the Kesh rebels.", start=start, end=end,
                 attribution=attribution, hedges=hedges)


def test_a_claim_resting_on_unnamed_accounts_alone_shows_them_as_unnamed_with_the_outlet():
    # "multiple accounts have emerged of ...": "accounts" is no actor; the analyst sees that the
    # claim rests on reports nobody names, printed by this outlet
    docs = [_doc("a", outlet="Alpha Daily")]
    attrs = [_said("a1", "a", None, "other", 0, 50, text="accounts")]
    fam = _traced([_c("1", "a", 0, 50, "a1")], docs, attrs)
    assert fam.origins == ("unnamed accounts in Alpha Daily",) and fam.independent_origins == 1
    assert fam.chain[-1] == "→ 1 independent origin: unnamed accounts in Alpha Daily"


def test_unnamed_source_is_the_outlet_that_printed_it_and_a_relaying_official_adds_nothing():
    # a tabloid's unnamed source; an official repeats it "as the press revealed"; a daily
    # presents the official as confirming what the tabloid first reported: one origin, circular
    docs = [_doc("t", outlet="Kesh Kicker", published="2031-01-01"), _doc("a", outlet="Velmar Agency", published="2031-01-02"),
            _doc("d", outlet="Velmar Daily", published="2031-01-03")]
    attrs = [_said("t1", "t", "a person inside the club", "anonymous", 0, 50, how="description"),
             _said("a1", "a", "Ona Brisk", "person", 0, 80, role="Sports Minister"),
             _said("d1", "d", "Ona Brisk", "person", 0, 50, role="Sports Minister")]
    cites = [Citation("a", "Kesh Kicker", "outlet", 10, 21), Citation("d", "Kesh Kicker", "outlet", 200, 211)]
    fam = _traced([_c("1", "t", 0, 50, "t1"), _c("2", "a", 30, 80, "a1"), _c("3", "d", 0, 50, "d1")], docs, attrs, cites)
    assert fam.origins == ("Kesh Kicker",) and fam.independent_origins == 1
    assert fam.origin_types == ("anonymous",)
    assert fam.circular and "Ona Brisk" in fam.circular_loop
    assert "Ona Brisk itself cites Kesh Kicker" in fam.chain
    assert fam.chain[-1] == "→ 1 independent origin: Kesh Kicker"


def test_an_official_citing_the_paper_that_a_rewrite_retells_rests_on_that_paper():
    # The paper's unnamed ministry source says so; an agency rewrites the paper's story, and in it
    # the minister says "as the Sentinel reported, ..." -- the minister relays the paper, however
    # the agency's text came from the paper's
    docs = [_doc("s", outlet="Tarn Sentinel", published="2031-01-01"),
            _doc("v", outlet="Velmar Agency", published="2031-01-02")]
    attrs = [_said("s1", "s", "an official in the ministry", "anonymous", 0, 50, how="description"),
             _said("v1", "v", "Ona Brisk", "person", 0, 80, role="Agriculture Minister")]
    cites = [Citation("v", "Tarn Sentinel", "outlet", 10, 23)]
    rewrite = [Reuse("s", "v", "rewrite", 0.7, direction="a->b")]
    fam = _traced([_c("1", "s", 0, 50, "s1"), _c("2", "v", 0, 80, "v1")], docs, attrs, cites, rewrite)
    assert "Ona Brisk itself cites Tarn Sentinel" in fam.chain
    assert fam.origins == ("Tarn Sentinel",) and fam.independent_origins == 1


def test_outlets_citing_each_other_in_a_loop_are_circular():
    # a blog, a paper crediting it, and the blog's follow-up citing the paper as confirmation
    docs = [_doc("b1", outlet="The Vial", published="2031-02-01"), _doc("p", outlet="The Bugle", published="2031-02-02"),
            _doc("b2", outlet="The Vial", published="2031-02-03")]
    attrs = [_said("p1", "p", "The Vial", "outlet", 0, 50)]
    cites = [Citation("b2", "Bugle", "other", 100, 105)]
    fam = _traced([_c("1", "b1", 0, 50), _c("2", "p", 0, 50, "p1"), _c("3", "b2", 0, 50)], docs, attrs, cites)
    assert fam.origins == ("The Vial",) and fam.independent_origins == 1 and fam.circular


def test_documents_nobody_is_said_to_have_issued_are_the_outlets_own_finding():
    # "according to tender documents seen by the Lantern": papers are no actor
    docs = [_doc("a", outlet="The Harbour Lantern")]
    attrs = [_said("a1", "a", "tender documents", "other", 0, 80, text="tender documents")]
    cites = [Citation("a", "tender documents", "document", 0, 1)]
    fam = _traced([_c("1", "a", 0, 80, "a1")], docs, attrs, cites)
    assert fam.origins == ("The Harbour Lantern",) and fam.independent_origins == 1
    # a document whose issuer is named stays that document's
    attrs = [_said("a1", "a", "the Audit Office report", "other", 0, 80, text="the Audit Office report")]
    cites = [Citation("a", "the Audit Office report", "document", 0, 1)]
    fam = _traced([_c("1", "a", 0, 80, "a1")], docs, attrs, cites)
    assert fam.origins != ("The Harbour Lantern",)


def test_an_outlet_named_by_its_initials_is_that_outlet_of_the_corpus():
    # a wire rewriting the state agency's story credits "the state news agency KPA"
    docs = [_doc("k", outlet="Kestrel Press Agency", published="2031-03-01"),
            _doc("w", outlet="Meridian Wire", published="2031-03-02")]
    attrs = [_said("k1", "k", "Ada Lund", "person", 0, 50, role="Environment Minister"),
             _said("w1", "w", "state news agency KPA", "outlet", 0, 50)]
    fam = _traced([_c("1", "k", 0, 50, "k1"), _c("2", "w", 0, 50, "w1")], docs, attrs)
    assert fam.origins == ("Ada Lund",) and fam.independent_origins == 1


def test_a_person_speaking_for_an_origin_organisation_is_that_origin():
    docs = [_doc("a", outlet="Alpha Daily"), _doc("b", outlet="Beta Herald")]
    attrs = [_said("a1", "a", "Centre for Cyber Safety", "organisation", 0, 50),
             _said("b1", "b", "Ilse Marr", "person", 0, 50, role="director of the Centre for Cyber Safety")]
    fam = _traced([_c("1", "a", 0, 50, "a1"), _c("2", "b", 0, 50, "b1")], docs, attrs)
    assert fam.origins == ("Centre for Cyber Safety",) and fam.independent_origins == 1
    assert any("Ilse Marr speaks for Centre for Cyber Safety" in step for step in fam.chain)
    # two organisations each naming the culprit are two origins
    attrs[1] = _said("b1", "b", "Kestrel Security", "organisation", 0, 50)
    assert _traced([_c("1", "a", 0, 50, "a1"), _c("2", "b", 0, 50, "b1")], docs, attrs).independent_origins == 2


@pytest.mark.parametrize("role, counted", [
    ("the county's chief fire officer", 1),  # the body named by what it does
    ("Pell Fire and Rescue's head of investigations", 1),  # by its name, in a possessive
    ("a retired fire officer", 2),  # "retired" is no post in the service: not tied to it
    ("chief executive of Vantor Water", 2),  # another body
])
def test_a_person_whose_role_names_an_origin_body_is_that_origin(role, counted):
    docs = [_doc("a", outlet="Alpha Daily"), _doc("b", outlet="Beta Herald")]
    attrs = [_said("a1", "a", "Pell County Fire and Rescue Service", "organisation", 0, 50),
             _said("b1", "b", "Ines Varga", "person", 0, 50, role=role)]
    fam = _traced([_c("1", "a", 0, 50, "a1"), _c("2", "b", 0, 50, "b1")], docs, attrs)
    assert fam.independent_origins == counted
    if counted == 1:
        assert fam.origins == ("Pell County Fire and Rescue Service",)
        assert any("Ines Varga speaks for Pell County Fire and Rescue Service" in step for step in fam.chain)


def test_a_rewrite_adds_no_origin_and_dropped_hedges_are_hardening():
    docs = [_doc("o", outlet="Alpha Daily", published="2031-03-01"), _doc("r", outlet="Beta Herald", published="2031-03-02")]
    reuse = [Reuse("o", "r", "rewrite", 0.8, direction="a->b")]
    fam = _traced([_c("1", "o", 0, 50, hedges=("allegedly",)), _c("2", "r", 0, 50)], docs, [], reuse=reuse)
    assert fam.origins == ("Alpha Daily",) and fam.independent_origins == 1
    assert any("is a rewrite of" in step and "without credit" in step for step in fam.chain)
    assert fam.hedge_drop and fam.hardening[0].dropped == ("allegedly",)
    assert (fam.hardening[0].source_doc, fam.hardening[0].derived_doc) == ("o", "r")


def test_a_rewrite_that_adds_a_hedge_is_no_hardening_of_its_source_even_when_dated_first():
    # the rewrite carries an earlier date (a wrong or missing time zone), yet it is the copy:
    # its "allegedly" is its own caution, not a hedge its source dropped
    docs = [_doc("o", outlet="Alpha Daily", published="2031-03-02"), _doc("r", outlet="Beta Herald", published="2031-03-01")]
    reuse = [Reuse("o", "r", "rewrite", 0.8, direction="a->b")]
    fam = _traced([_c("1", "o", 0, 50), _c("2", "r", 0, 50, hedges=("allegedly",))], docs, [], reuse=reuse)
    assert not fam.hedge_drop and fam.hardening == ()
    # without the rewrite link, the earlier document's hedge dropped later is hardening
    fam = _traced([_c("1", "o", 0, 50), _c("2", "r", 0, 50, hedges=("allegedly",))], docs, [])
    assert fam.hedge_drop and (fam.hardening[0].source_doc, fam.hardening[0].derived_doc) == ("r", "o")


def test_narrator_restating_an_attributed_claim_relays_it_unless_it_is_its_own_finding():
    docs = [_doc("a", outlet="Alpha Daily"), _doc("b", outlet="Beta Herald")]
    attrs = [_said("a1", "a", "Ona Brisk", "person", 0, 50)]
    plain = _c("2", "b", 0, 50)
    fam = _traced([_c("1", "a", 0, 50, "a1"), plain], docs, attrs)
    assert fam.origins == ("Ona Brisk",)
    own = Claim(id="3", doc="b", text="We have seen the invoices for the drones.", start=0, end=40)
    fam = _traced([_c("1", "a", 0, 50, "a1"), own], docs, attrs)
    assert set(fam.origins) == {"Ona Brisk", "Beta Herald"}


def test_a_name_that_reports_is_cited():
    doc = _doc("d", "Well. The Kestrelby Bugle reported it on Monday. It reported nothing else.")
    assert [c.source for c in extract_citations(doc, attributions=[], mentions=[])] == ["Kestrelby Bugle"]


def test_a_loop_of_rewrites_back_to_the_first_outlet_is_circular_with_one_origin():
    # blog → paper (credits the blog) → newsletter (retells the paper) → the blog's follow-up
    # (retells the newsletter, presenting it as confirmation)
    docs = [_doc("b1", outlet="The Vial", published="2031-02-01"), _doc("p", outlet="The Bugle", published="2031-02-02"),
            _doc("n", outlet="Circle Weekly", published="2031-02-03"), _doc("b2", outlet="The Vial", published="2031-02-04")]
    reuse = [Reuse("b1", "p", "rewrite", 0.7, direction="a->b", credit="according to The Vial"),
             Reuse("p", "n", "rewrite", 0.7, direction="a->b"), Reuse("n", "b2", "rewrite", 0.7, direction="a->b")]
    attrs = [_said("p1", "p", "The Vial", "outlet", 0, 50)]
    own = Claim(id="1", doc="b1", text="We have learned that the batch is bad.", start=0, end=40)
    fam = _traced([own, _c("2", "p", 0, 50, "p1"), _c("3", "n", 0, 50), _c("4", "b2", 0, 50)], docs, attrs, reuse=reuse)
    assert fam.origins == ("The Vial",) and fam.independent_origins == 1 and fam.circular
    assert set(fam.circular_loop) == {"The Vial", "The Bugle", "Circle Weekly"}
    assert "Circle Weekly («b2»)".replace("«b2»", "") not in fam.chain  # chain lines name documents
    assert any(step.startswith("The Vial") and "has it from Circle Weekly" in step for step in fam.chain)


def test_a_denier_is_no_origin_unless_every_origin_denies_it():
    docs = [_doc("a", outlet="Alpha Daily"), _doc("b", outlet="Beta Herald")]
    attrs = [_said("a1", "a", "Ona Brisk", "person", 0, 50), _said("b1", "b", "Kestrel Security", "organisation", 0, 50),
             _said("b2", "b", "Ona Brisk", "person", 60, 90)]
    denial = Claim(id="9", doc="b", text="Ona Brisk denied it.", start=60, end=90, attribution="b2", stance="denies")

    def traced(*claims: Claim) -> ClaimFamily:
        fams = [_family(*claims), ClaimFamily(id="g", label="d", claims=("9",), docs=("b",), contradicts=("f",))]
        return trace_origins(fams, claims=[*claims, denial], citations=[], reuse=[], documents={d.id: d for d in docs},
                             attributions=attrs, registry=load_outlets(env={}))[0]

    # Brisk's words and Kestrel's: Brisk, who denies it, is not where it comes from
    fam = traced(_c("1", "a", 0, 50, "a1"), _c("2", "b", 0, 50, "b1"))
    assert fam.origins == ("Kestrel Security",) and "Ona Brisk denies it: not an origin" in fam.chain
    # only Brisk says it: a denial of her own words cannot be right, so she stays its origin
    fam = traced(_c("1", "a", 0, 50, "a1"))
    assert fam.origins == ("Ona Brisk",) and "Ona Brisk is also listed as denying it" in fam.chain


def test_who_states_a_claim_in_more_documents_than_they_deny_it_stays_its_origin():
    # a minister's "cracks were found" in two papers, her "the dam is not in danger" read as a
    # denial in one, and an agency's words: she is still where the claim comes from
    docs = [_doc("a", outlet="Alpha Daily"), _doc("b", outlet="Beta Herald"), _doc("c", outlet="Gamma Post")]
    attrs = [_said("a1", "a", "Ona Brisk", "person", 0, 50), _said("b1", "b", "Kestrel Security", "organisation", 0, 50),
             _said("b2", "b", "Ona Brisk", "person", 60, 90), _said("c1", "c", "Ona Brisk", "person", 0, 50)]
    denial = Claim(id="9", doc="b", text="Ona Brisk said it is not in danger.", start=60, end=90, attribution="b2",
                   stance="denies")
    claims = [_c("1", "a", 0, 50, "a1"), _c("2", "b", 0, 50, "b1"), _c("3", "c", 0, 50, "c1")]
    fams = [_family(*claims), ClaimFamily(id="g", label="d", claims=("9",), docs=("b",), contradicts=("f",))]
    fam = trace_origins(fams, claims=[*claims, denial], citations=[], reuse=[], documents={d.id: d for d in docs},
                        attributions=attrs, registry=load_outlets(env={}))[0]
    assert set(fam.origins) == {"Ona Brisk", "Kestrel Security"}


def test_a_statement_inside_a_statement_shows_who_relays_it_and_rests_on_the_inner_speaker():
    # "Ona Brisk said the Kesh ministry had admitted its role": Brisk relays the ministry's words
    docs = [_doc("a", outlet="Alpha Daily"), _doc("b", outlet="Beta Herald")]
    attrs = [_said("a1", "a", "Ona Brisk", "person", 0, 60),
             _said("a2", "a", "Kesh Ministry of Defence", "organisation", 20, 60, outer="a1"),
             _said("b1", "b", "Kesh Ministry of Defence", "organisation", 0, 50)]
    fam = _traced([_c("1", "a", 25, 60, "a1"), _c("2", "b", 0, 50, "b1")], docs, attrs)
    assert fam.origins == ("Kesh Ministry of Defence",) and fam.independent_origins == 1
    assert any(step.endswith("cites Ona Brisk") for step in fam.chain)
    assert "Ona Brisk itself cites Kesh Ministry of Defence" in fam.chain


def test_a_report_inside_a_report_is_relayed_not_circular_unless_the_accused_is_quoted_against_itself():
    # "According to the Tessel league, the firm reported odd betting": the claim is the inner
    # report itself; the league relays the firm, which a transparent relay does not make circular
    docs = [_doc("a", outlet="Alpha Daily")]
    attrs = [_said("a1", "a", "Tessel League", "organisation", 0, 80),
             _said("a2", "a", "Orrin Markets", "organisation", 30, 80, outer="a1")]
    odd = Claim(id="1", doc="a", text="the firm reported odd betting on the match", start=30, end=80,
                attribution="a2")
    fam = _traced([odd], docs, attrs)
    assert fam.origins == ("Orrin Markets",) and not fam.circular
    assert "Tessel League itself cites Orrin Markets" in fam.chain
    # "Ona Brisk said Kesh had admitted its role in the raid": Kesh's own words, relayed by its
    # accuser, are the evidence against Kesh
    attrs = [_said("a1", "a", "Ona Brisk", "person", 0, 80),
             _said("a2", "a", "Government of Kesh", "organisation", 20, 80, outer="a1")]
    admitted = Claim(id="1", doc="a", text="Kesh had admitted its role in the raid", start=20, end=80,
                     attribution="a2")
    fam = _traced([admitted], docs, attrs)
    assert fam.origins == ("Government of Kesh",) and fam.circular
    assert any("rests on what Government of Kesh said of itself" in step for step in fam.chain)


def test_a_rewrite_that_describes_its_sources_speaker_anew_adds_no_origin():
    docs = [_doc("o", outlet="Alpha Daily", published="2031-03-01"), _doc("r", outlet="Beta Herald", published="2031-03-02")]
    reuse = [Reuse("o", "r", "rewrite", 0.8, direction="a->b")]
    attrs = [_said("o1", "o", "Kesh Defence Intelligence", "organisation", 0, 50),
             _said("r1", "r", "A Kesh military spokesperson", "person", 0, 50, how="description")]
    fam = _traced([_c("1", "o", 0, 50, "o1"), _c("2", "r", 0, 50, "r1")], docs, attrs, reuse=reuse)
    assert fam.origins == ("Kesh Defence Intelligence",) and fam.independent_origins == 1
    # a speaker the rewrite names is its own
    attrs[1] = _said("r1", "r", "Ona Brisk", "person", 0, 50)
    fam = _traced([_c("1", "o", 0, 50, "o1"), _c("2", "r", 0, 50, "r1")], docs, attrs, reuse=reuse)
    assert set(fam.origins) == {"Kesh Defence Intelligence", "Ona Brisk"}


def test_one_sentence_printed_word_for_word_by_two_outlets_is_one_origin():
    """No reuse link joins the two texts (the rest differs), but both print one long sentence
    as their own: one text passed on, not two findings; a short sentence alike is no sign."""
    docs = [_doc("a", outlet="Alpha Daily", published="2024-05-01"), _doc("b", outlet="Beta Herald", published="2024-05-02")]
    told = "Velmar has supplied more than forty armed drones to the Kesh rebels since the spring, officials in the region believe."
    claims = [Claim(id=k, doc=d, text=told.replace("officials", "some officials") if k == "2" else told,
                    start=0, end=len(told)) for k, d in (("1", "a"), ("2", "b"))]
    fam = _trace(claims, docs)
    assert fam.origins == ("Alpha Daily",) and fam.independent_origins == 1
    assert "Beta Herald prints the sentence of Alpha Daily word for word: it adds no origin" in fam.chain
    short = [_claim("1", "a", None), _claim("2", "b", None)]  # seven words alike
    assert _trace(short, docs).independent_origins == 2


def test_the_government_unnamed_beside_its_one_minister_is_one_origin():
    from narratrace.provenance._origins import Source, _merge_names

    minister = Source("p:vale", "Corinna Vale", "person", roles=("Water Resources Minister",))
    government = Source("x:gov", "the government", "other")
    chain: list[str] = []
    assert [s.name for s in _merge_names([minister, government], chain)] == ["Corinna Vale"]
    assert "the government is Corinna Vale's government: one origin" in chain
    # two members of governments: whose government it is cannot be told
    other = Source("p:oduya", "Tomas Oduya", "person", roles=("Foreign Minister",))
    assert len(_merge_names([minister, other, government], [])) == 3
    # a former minister is no member of it
    former = Source("p:vale", "Corinna Vale", "person", roles=("former Water Resources Minister",))
    assert len(_merge_names([former, government], [])) == 2


def test_what_a_document_cites_is_keyed_once_however_many_families_it_carries():
    # a long document carries many families; each asks what the document cites
    from narratrace.provenance._origins import Corpus

    asked: list[str] = []

    def outlet_key(name: str) -> str | None:
        asked.append(name)
        return None

    cites = [Citation("a", f"Source {k}", "outlet", k, k + 1) for k in range(50)]
    corpus = Corpus(documents={"a": _doc("a")}, reuse=[], attributions=[], citations=cites, entities=[],
                    outlet_key=outlet_key)
    first = corpus.cited("a")
    for _ in range(20):
        assert corpus.cited("a") == first
    assert len(first) == 50 and len(asked) == 50
