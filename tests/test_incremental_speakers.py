"""A store grown run by run links speakers as a fresh run does: the speakers stage stores each
attribution with its canonical actor, and the next run's corpus stages read those records back."""

from __future__ import annotations

import pytest

from narratrace import Options, analyze
from narratrace.analysis import build_analysis
from narratrace.store import open_store

pytestmark = pytest.mark.model

QUIET = Options(quiet=True, batch_size=8)

DOCS = {
    "a_minister.txt": (
        "League suspends Harlow Rovers\n\n"
        "Sports Minister Ada Brunvik told parliament on Monday that Harlow Rovers had broken the "
        "league's rules on player transfers. Brunvik said an inquiry would report in May.\n\n"
        "The club's chairman, Tomas Ek, said the club had done nothing wrong."),
    "b_title.txt": (
        "Rovers to appeal\n\n"
        "The Sports Minister said on Tuesday that the league would suspend Harlow Rovers for the rest "
        "of the season. Supporters gathered outside the ground in the evening."),
    "c_company.txt": (
        "Power firm rejects blame for stadium fire\n\n"
        "Harlow Power Networks (HPN) said on Wednesday that its cables near the stadium were safe. "
        "HPN said the fire had started in a storage shed, and Ek said the club would pay for repairs."),
}


def _analysis(store) -> dict:
    out = build_analysis(store)
    out.pop("generated_at")
    return out


def test_speakers_of_a_grown_store_are_those_of_a_fresh_run(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a_minister.txt", "b_title.txt"):
        (corpus / name).write_text(DOCS[name], encoding="utf-8")
    grown = open_store(f"sqlite:///{tmp_path / 'grown.sqlite'}")
    analyze([corpus], store=grown, options=QUIET)
    (corpus / "c_company.txt").write_text(DOCS["c_company.txt"], encoding="utf-8")
    analyze([corpus], store=grown, options=QUIET)
    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    analyze([corpus], store=fresh, options=QUIET)
    after_grown, after_fresh = _analysis(grown), _analysis(fresh)
    assert after_grown["attributions"] == after_fresh["attributions"]
    assert after_grown["entities"] == after_fresh["entities"]
    assert after_grown == after_fresh
    grown.close()
    fresh.close()
