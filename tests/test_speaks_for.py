"""A person whose post ties them to a body speaks for it: an outlet quoting the director and one
quoting the body report one statement, one origin. A critic of the body is a second origin."""

from __future__ import annotations

import pytest

from narratrace import Options, analyze
from narratrace.analysis import build_analysis
from narratrace.store import open_store

pytestmark = pytest.mark.model

BOARD = (
    "Factory named as source of river pollution\n\n"
    "The Lune Water Board said on Tuesday that the pollution which killed thousands of fish in the "
    "River Lune had come from a pipe at the Corvel paint factory. The factory has not commented.\n\n"
    "Local councillors will discuss the clean-up at a meeting next week.")


def _person(role: str) -> str:
    return (
        "Water board blames paint factory for Lune fish deaths\n\n"
        "The pollution that killed thousands of fish in the River Lune last week came from a pipe at "
        f"the Corvel paint factory, Ana Ruiz, {role}, told reporters on Monday. Ruiz said samples "
        "taken below the pipe held solvent at forty times the permitted level.\n\n"
        "Anglers have been asked to stay away from the river until the end of the month.")


def _shared_family(tmp_path, role: str) -> dict:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_person.txt").write_text(_person(role), encoding="utf-8")
    (corpus / "b_board.txt").write_text(BOARD, encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    analyze([corpus], store=store, options=Options(quiet=True))
    out = build_analysis(store)
    store.close()
    shared = [f for f in out["claim_families"] if len(f["docs"]) == 2]
    assert len(shared) == 1, [f["label"] for f in shared]
    return shared[0]


def test_a_director_and_her_board_are_one_origin(tmp_path):
    family = _shared_family(tmp_path, "director of the Lune Water Board")
    assert family["origins"] == ["Lune Water Board"]
    assert family["independent_origins"] == 1
    assert any("Ana Ruiz speaks for Lune Water Board" in step for step in family["chain"])


def test_a_critic_of_the_board_is_an_origin_of_her_own(tmp_path):
    family = _shared_family(tmp_path, "a critic of the Lune Water Board")
    assert sorted(family["origins"]) == ["Ana Ruiz", "Lune Water Board"]
    assert family["independent_origins"] == 2
