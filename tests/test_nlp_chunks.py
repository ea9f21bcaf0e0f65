"""A long text parsed in pieces (narratrace.nlp.parse_long): the same tokens, sentences and
entities as a one-piece parse, offsets into the whole text, memory bounded by the piece.
All texts are invented."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from narratrace import nlp
from narratrace.nlp import chunk_bounds, parse_long
from narratrace.options import Options
from narratrace.registry import DOC_STAGES
from narratrace.run import document as runner
from narratrace.stage import StageContext
from narratrace.types import Document
from _tracing import traced_peak

pytestmark = pytest.mark.model

PARAGRAPHS = [
    "The port authority of Vellin said on Monday that the night ferry to Lindholm would run "
    "again in June, once the quay was repaired.",
    "\"We were not consulted,\" said Orla Brenwick, who leads the fishers' union in Vellin. "
    "She added that the repairs had been promised twice before.",
    "Mayor Teodor Kask denied that account on Tuesday. According to the council, the union "
    "was invited to three meetings in March and sent nobody.",
    "The Lindholm Shipping Company, which runs the ferry, declined to comment. A spokesman for "
    "the regional government in Sarrow said the money had been set aside in January.",
    "Residents of Lindholm told the Vellin Courier that the island had been cut off for "
    "eleven weeks. \"The shop ran out of bread twice,\" one of them said.",
]

TEXTS = [
    "\n\n".join(PARAGRAPHS),
    "\n".join(PARAGRAPHS),
    " ".join(PARAGRAPHS),
    "Council vote\n\n" + "\n\n".join(reversed(PARAGRAPHS)) + "\n",
]


def _read(doc: Any) -> dict[str, Any]:
    return {"tokens": [(t.idx, t.text, t.whitespace_) for t in doc],
            "sentences": nlp.sentence_spans(doc),
            "entities": [(e.start_char, e.end_char, e.label_) for e in doc.ents]}


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_under_the_piece_size_is_parsed_as_in_one_piece(text: str) -> None:
    one = nlp.load_spacy("en")(text)
    got = parse_long(text, size=len(text))
    assert _read(got) == _read(one)
    assert [(t.dep_, t.head.i, t.tag_, t.lemma_) for t in got] == \
        [(t.dep_, t.head.i, t.tag_, t.lemma_) for t in one]


@pytest.mark.parametrize("text", TEXTS[:2] + TEXTS[3:])
def test_a_text_cut_at_its_paragraphs_reads_as_in_one_piece(text: str) -> None:
    bounds = chunk_bounds(text, 300)
    assert len(bounds) > 3  # really in pieces
    got = parse_long(text, size=300)
    assert got.text == text
    assert _read(got) == _read(nlp.load_spacy("en")(text))


def test_pieces_cover_the_text_and_end_where_a_sentence_does() -> None:
    text = TEXTS[2]  # one paragraph: cut after sentences
    bounds = chunk_bounds(text, 200)
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert "".join(pieces) == text
    assert all(0 < len(p) <= 200 for p in pieces)
    assert all(p.rstrip().endswith((".", ".\"", ",\"")) or p.endswith(" ") for p in pieces[:-1])
    assert all(p.rstrip()[-1] in ".\"" for p in pieces[:-1])
    doc = parse_long(text, size=200)
    assert doc.text == text
    starts = {a for a, _ in nlp.sentence_spans(doc)}
    assert set(bounds[:-1]) <= starts


def test_a_piece_of_many_tokens_is_cut_again(monkeypatch) -> None:
    # The parse's memory grows with the tokens: 50,000 "&" are 50,000 tokens in one piece.
    monkeypatch.setattr(nlp, "PARSE_TOKENS", 60)
    text = TEXTS[0] + "\n\n" + "& " * 100 + "&" * 150
    calls: list[int] = []
    doc = parse_long(text, size=len(text), between=lambda: calls.append(1))
    one = nlp.load_spacy("en")(text)
    assert doc.text == text
    assert [(t.idx, t.text) for t in doc] == [(t.idx, t.text) for t in one]
    assert len(calls) >= len(one) / 60


def test_a_text_without_a_space_is_cut_at_the_piece_size() -> None:
    assert chunk_bounds("x" * 25, 10) == [0, 10, 20, 25]
    assert chunk_bounds("", 10) == [0, 0]


def _analyse_long(monkeypatch: pytest.MonkeyPatch, text: str, size: int) -> Any:
    monkeypatch.setattr(runner, "PARSED_ALONE", 200)
    monkeypatch.setattr(nlp, "PARSE_CHUNK", size)
    stages = tuple(s for s in DOC_STAGES if s.name in {"entities", "attribution"})
    document = Document("long", "long.txt", text, "", language="en")
    (analysis, problems), = runner.analyze_batch([document], stages=stages)
    assert problems == []
    return analysis


def test_a_long_texts_mentions_and_attributions_point_into_the_whole_text(monkeypatch) -> None:
    text = "\n\n".join(f"Week {i}: {p}" for i in range(8) for p in PARAGRAPHS)
    pieced = _analyse_long(monkeypatch, text, 800)
    whole = _analyse_long(monkeypatch, text, len(text))
    # Where the one-piece parse starts a sentence at every cut, the pieces read the same.
    assert len(chunk_bounds(text, 800)) > 5
    assert set(chunk_bounds(text, 800)[:-1]) <= {a for a, _ in nlp.sentence_spans(nlp.load_spacy("en")(text))}
    assert pieced.attributions and pieced.mentions
    assert max(a.start for a in pieced.attributions) > len(text) // 2  # past the first pieces
    for mention in pieced.mentions:
        assert text[mention.start:mention.end] == mention.text
    for a in pieced.attributions:
        assert text[a.start:a.end] == a.content
        cue = text[a.cue_start:a.cue_end] if a.cue_start is not None else "-"  # a.cue: a lemma
        assert cue and cue == cue.strip()
        said = a.speaker  # where the source is written; start/end: the name it resolves to
        assert said.mention_start is None or text[said.mention_start:said.mention_end] == said.text
    def key(a: Any) -> tuple[Any, ...]:
        return a.start, a.end, a.cue_start, a.cue_end, a.cue, a.speaker.start, a.speaker.text

    # The parse reads a few words on each side of a word, so words by a cut may read otherwise
    # than in one piece: away from the cuts (a paragraph), the attributions are the same.
    cuts = chunk_bounds(text, 800)[1:-1]

    def far(a: Any) -> bool:
        first = min(x for x in (a.start, a.cue_start, a.speaker.mention_start) if x is not None)
        last = max(x for x in (a.end, a.cue_end, a.speaker.mention_end) if x is not None)
        return all(cut + 150 < first or last < cut - 150 for cut in cuts)

    kept = [key(a) for a in whole.attributions if far(a)]
    assert len(kept) > len(whole.attributions) / 2
    assert [key(a) for a in pieced.attributions if far(a)] == kept
    assert {(m.start, m.end, m.type) for m in pieced.mentions} == {(m.start, m.end, m.type) for m in whole.mentions}


def _quotes(n: int) -> str:
    return "Ferry\n\n" + " ".join(f'"Notice {i}," said clerk {i}.' for i in range(n))


def test_issue18_a_long_text_is_parsed_in_memory_bounded_by_the_piece(monkeypatch) -> None:
    # A document of thousands of short quoted statements (one paragraph) was parsed in one
    # piece: ~4 KB per character, 3 GB for 777,786 characters. Parsed alone, a long text is
    # now parsed in pieces, so a text ten pieces long takes a fraction of a one-piece parse.
    text = _quotes(1_200)  # 40,000 characters
    monkeypatch.setattr(runner, "PARSED_ALONE", 1_000)
    monkeypatch.setattr(nlp, "PARSE_CHUNK", 4_000)
    document = Document("quotes", "quotes.txt", text, "", language="en")
    model = nlp.load_spacy("en")
    model("Warm up the model once.")
    one_piece = traced_peak(lambda: model(text))
    parsed: list[Any] = []
    pieces = traced_peak(lambda: parsed.extend(runner._parse([document], lang="en", options=Options(),
                                                       notes={})))
    (doc, _), = parsed
    assert doc.text == text and len(doc) == len(model(text))
    assert pieces < one_piece / 3, (pieces, one_piece)


def test_issue18_a_parse_in_pieces_stops_at_the_budget_where_no_timer_can(monkeypatch) -> None:
    # Off the main thread (a Dask worker) no signal interrupts the parse: it ran to its end and
    # was only reported. The budget is now checked between pieces, and the parse stops there.
    text = _quotes(600)
    monkeypatch.setattr(runner, "PARSED_ALONE", 1_000)
    monkeypatch.setattr(nlp, "PARSE_CHUNK", 1_000)
    nlp.load_spacy("en")
    document = Document("quotes", "quotes.txt", text, "", language="en")
    notes: dict[str, Any] = {}
    got: list[Any] = []
    worker = threading.Thread(target=lambda: got.extend(runner._parse(
        [document], lang="en", options=Options(stage_budget=0.05), notes=notes)))
    worker.start()
    worker.join()
    assert got == [(None, document)]
    assert notes["quotes"].reason.startswith("parse stopped after 0.05 s")
