"""Provenance on a suite of our own, scored by provenance-dev's scorer.

``tests/data/provenance_own``: 12 invented articles in 3 stories (a spill reported by four
outlets, one official and two independent observers; a contract story carried by an original,
a reprint, a credited and an uncredited rewrite that drops the hedges; a circular outlet ->
official -> outlet loop with denials by the accused side), with a gold in provenance-dev's
format. It was written without reading the code, to see what carries over from the rules built
on provenance-dev; the floors below are what the analysis reached when the suite was added
(speakers 0.87, origins 0.77, indep-count 0.90, derivation 1.00, circular 1.00, denial-linked
0.50, hedge-drop 0.75, events 0.92).

``tests/data/provenance_own2``: a second suite of 12 articles written the same way a release
later (a ferry suspended on one minister's word, quoted in seven forms, with a body quoted as
itself and through its spokeswoman and a retired inspector as a second origin; a painting said
to be a copy, carried by an original, a credited reprint, a credited and an uncredited rewrite
that drop the hedges; a grain reserve whose shortage goes round an anonymous official, a
minister citing the paper and outlets citing the minister). First scored on the release before
it was added: speakers 0.92, origins 0.67, indep-count 0.80, derivation 0.75, circular 0.38,
denial-linked 0.13, hedge-drop 0.20, events 0.82; with it: origins 0.73, circular 0.44; a
release later denial-linked 0.53, hedge-drop 0.40. Its floors are set under that: denials and dropped hedges are where the rules built on
provenance-dev carry over least. The scorer is read from ``../shared`` (skipped without it).

``tests/data/provenance_own3`` (14 articles, 4 stories: an exam paper said to have been sold
online, carried by an original, a reprint, a credited and an uncredited rewrite; one country's
minister accusing a neighbour's pipeline operator of cutting gas on purpose, covered from four
angles with denials of several shapes and nested ones; an arena's roof bolts said to be
counterfeit, with two separate measurements of the sag; a community website's rumour of a
maternity unit's closure that goes round a news site and back) and ``provenance_own4`` (13
articles, 3 stories: a tram viaduct said to have been certified before its load tests; a
neighbour accused of holding back a shared river; a state airline's pilots said to fly on
expired medical certificates) were written the same way a release later. First scored on the
release before (own3: speakers 0.77, origins 0.53, indep-count 0.82, derivation 0.60, circular
0.50, denial-linked 0.19, hedge-drop 0.17, events 0.83; own4: 0.82, 0.73, 0.60, 0.75, 0.69,
0.36, 1.00, 0.86); own3 was then read to find what does not carry over, own4 was not.

Two releases later: own2 origins 0.83, circular 0.69, denial-linked 0.67; own3 origins 0.78 and
indep-count 0.94 -> 0.88 (its background claim now has the narrators as origins, and one
carrier, an uncredited rewrite the reuse stage takes for independent coverage, adds one: the
count was right before with the wrong origin; the count with the right origins is 0.71 before
and after); own4 origins 0.80. The floors follow.

provenance-dev itself (``../shared/data/provenance-dev``), which the rules were built on, is held at
0.85 or more on every figure.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from narratrace import Options, analyze
from narratrace.analysis import write_analysis
from narratrace.store import open_store

pytestmark = pytest.mark.model

DATA = Path(__file__).parent / "data"
SUITES = {
    "provenance_own": {"speakers": 0.85, "origins": 0.75, "indep-count exact": 0.85, "derivation": 1.0,
                       "circular": 1.0, "denial-linked": 0.45, "hedge-drop": 0.75, "events": 0.9},
    "provenance_own2": {"speakers": 0.9, "origins": 0.8, "indep-count exact": 0.75, "derivation": 0.75,
                        "circular": 0.65, "denial-linked": 0.6, "hedge-drop": 0.4, "events": 0.8},
    "provenance_own3": {"speakers": 0.8, "origins": 0.75, "indep-count exact": 0.85, "derivation": 0.8,
                        "circular": 0.75, "denial-linked": 0.25, "hedge-drop": 0.5, "events": 0.8},
    "provenance_own4": {"speakers": 0.8, "origins": 0.75, "indep-count exact": 0.6, "derivation": 0.75,
                        "circular": 0.65, "denial-linked": 0.4, "hedge-drop": 0.75, "events": 0.85},
}


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_the_sourcing_of_our_own_stories_stays_at_its_floors(shared_dir, tmp_path, suite):
    SUITE, FLOORS = DATA / suite, SUITES[suite]
    scorer = shared_dir / "data" / "provenance-dev" / "score.py"
    if not scorer.is_file():
        pytest.skip("provenance-dev's scorer is not in ../shared")
    store = open_store(f"sqlite:///{tmp_path / 'own.sqlite'}")
    analyze([SUITE / "docs"], store=store, options=Options(quiet=True))
    write_analysis(store, tmp_path / "analysis.json")
    store.close()
    out = subprocess.run([sys.executable, str(scorer), str(SUITE / "gold.json"), str(tmp_path / "analysis.json")],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    got = {name: float(value) for name, value in re.findall(r"([a-z][a-z -]*?) (\d\.\d\d)", out.split(":", 1)[1])}
    assert set(got) == set(FLOORS), out
    low = {name: value for name, value in got.items() if value < FLOORS[name]}
    assert not low, out


def test_provenance_dev_stays_at_0_85_or_more_on_every_figure(shared_dir, tmp_path):
    dev = shared_dir / "data" / "provenance-dev"
    if not (dev / "score.py").is_file():
        pytest.skip("provenance-dev is not in ../shared")
    store = open_store(f"sqlite:///{tmp_path / 'dev.sqlite'}")
    analyze([dev / "docs"], store=store, options=Options(quiet=True))
    write_analysis(store, tmp_path / "analysis.json")
    store.close()
    out = subprocess.run([sys.executable, str(dev / "score.py"), str(dev / "gold.json"), str(tmp_path / "analysis.json")],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    got = {name: float(value) for name, value in re.findall(r"([a-z][a-z -]*?) (\d\.\d\d)", out.split(":", 1)[1])}
    assert len(got) == 8 and min(got.values()) >= 0.85, out
