"""Pipeline assembly: requirement checks, failure isolation per stage."""

from __future__ import annotations

import pytest

from narratrace.errors import PipelineError
from narratrace.pipeline import DOC_STAGES, DocStage, RunSummary, analyze_document, check_stages
from narratrace.types import DateMention, Document, Rejected

DOC = Document(id="d1", path="a.txt", text="On Friday it rained.", source_text="On Friday it rained.")


def _dates(document, parsed, ctx):
    return {"dates": (DateMention(document.id, "Friday", 3, 9, "2025-09-26", "relative"),)}


def _boom(document, parsed, ctx):
    raise ValueError("cannot handle this")


def test_default_stages_are_well_formed():
    check_stages(DOC_STAGES)


def test_missing_producer_is_named():
    stages = [DocStage("framing", ("mentions",), ("framing",), _dates)]
    with pytest.raises(PipelineError, match="'framing' needs mentions"):
        check_stages(stages)


def test_failing_stage_is_recorded_and_others_still_run():
    stages = [DocStage("broken", ("text",), ("attributions",), _boom),
              DocStage("dates", ("text",), ("dates",), _dates)]
    analysis, problems = analyze_document(DOC, None, stages=stages)
    assert problems == [Rejected("a.txt", "broken", "ValueError: cannot handle this")]
    assert analysis.attributions == ()
    assert [d.value for d in analysis.dates] == ["2025-09-26"]
    assert analysis.document is DOC  # input is not mutated or replaced


@pytest.mark.parametrize("rejected, code", [([], 0), ([Rejected("x", "ingest", "empty")], 3)])
def test_exit_code(rejected, code):
    assert RunSummary(rejected=rejected).exit_code == code


@pytest.mark.model
def test_rows_are_exactly_what_asdict_makes_of_every_record():
    """The store's fast record-to-row conversion against dataclasses.asdict, on the records a
    real analysis makes (nested records, tuples, None, floats)."""
    import dataclasses
    from collections import namedtuple

    from narratrace import nlp
    from narratrace.pipeline import _row

    text = ("Officials in Ruritania said on Friday that the port strike had ended. "
            "\"We will not sign,\" the union leader Anna Varga told Radio Freedonia. "
            "According to the ministry, talks allegedly resumed in Vienna on March 3, 2024.")
    doc = Document(id="d1", path="a.txt", text=text, source_text=text, published="2025-09-27",
                   language="en")
    analysis, _ = analyze_document(doc, nlp.load_spacy("en")(text))
    records = [*analysis.mentions, *analysis.attributions, *analysis.dates,
               *analysis.extra["claims"], *analysis.extra["citations"], doc]
    assert analysis.attributions and analysis.extra["claims"]  # the check below has material
    for record in records:
        assert _row(record) == dataclasses.asdict(record)
    Pair = namedtuple("Pair", "a b")

    @dataclasses.dataclass(frozen=True)
    class Odd:
        pair: Pair
        tags: frozenset
        items: list
    odd = Odd(Pair(DOC, 1), frozenset({"x"}), [DOC])
    assert _row(odd) == dataclasses.asdict(odd)
