"""Attribution on the seed articles (read from ../shared at test time, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.attribution import extract_attributions
from narratrace.types import Attribution, Document

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, list[Attribution]]]:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared not present: no seed articles at {SEEDS}")
    from narratrace.nlp import load_spacy

    nlp = load_spacy("en")
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = Document(id=path.stem, path=str(path), text=text, source_text=text)
        out[path.name[:3]] = (text, extract_attributions(doc, nlp(text)))
    return out


def _resolved(text: str, a: Attribution) -> str:
    return text[a.speaker.start:a.speaker.end] if a.speaker.start is not None else ""


@pytest.mark.parametrize("seed, speaker, kinds", [
    ("000", "Ivanov", {"indirect", "according_to"}),
    ("000", "Zhdanova", {"indirect"}),
    ("001", "Maiga", {"direct"}),
    ("001", "Zakharova", {"indirect"}),
    ("003", "Bamada", {"direct", "according_to"}),
    ("003", "Dovgalenko", {"mixed"}),
    ("004", "Maiga", {"direct", "indirect"}),
    ("004", "Zakharova", {"indirect"}),
])
def test_speakers_and_kinds(seeds, seed: str, speaker: str, kinds: set[str]) -> None:
    text, atts = seeds[seed]
    got = {a.kind for a in atts if speaker in _resolved(text, a)}
    assert kinds <= got, (speaker, got)


def test_pronoun_speakers_resolve_to_names(seeds) -> None:
    text, atts = seeds["001"]
    he = [a for a in atts if a.speaker.text.lower() == "he"]
    assert he and all("Maiga" in _resolved(text, a) for a in he)


@pytest.mark.parametrize("seed, medium", [("000", "TASS"), ("004", "Sputnik"), ("004", "UN")])
def test_media(seeds, seed: str, medium: str) -> None:
    _, atts = seeds[seed]
    assert any(a.medium and medium in a.medium for a in atts)


def test_denial_in_seed_001(seeds) -> None:
    _, atts = seeds["001"]
    denials = [a for a in atts if a.stance == "denies"]
    assert {a.cue for a in denials} >= {"deny", "reject"}


@pytest.mark.parametrize("seed, hedge", [("000", "allegedly"), ("002", "allegedly"),
                                         ("003", "a preliminary investigation")])
def test_hedges(seeds, seed: str, hedge: str) -> None:
    _, atts = seeds[seed]
    assert any(hedge in a.hedges for a in atts)


def test_modal_words_of_the_speaker_are_content_hedges(seeds) -> None:
    """"It is highly likely that ...", in the outlet's own words, is its modality, not the
    reporter's distancing."""
    _, atts = seeds["003"]
    likely = [a for a in atts if "highly likely" in a.content]
    assert likely and all("it is highly likely" in a.content_hedges for a in likely)
    assert all("it is highly likely" not in a.hedges for a in likely)


def test_reportedly_is_a_hedge_somewhere(seeds) -> None:
    assert any("reportedly" in a.hedges for _, atts in seeds.values() for a in atts) or \
        pytest.fail("no attribution carries 'reportedly'")


def test_spans_are_valid(seeds) -> None:
    for text, atts in seeds.values():
        for a in atts:
            assert a.content == text[a.start:a.end] and a.start < a.end
            assert a.speaker.start is None or 0 <= a.speaker.start < a.speaker.end <= len(text)
