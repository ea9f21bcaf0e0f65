"""Stage assembly: requirement checks on both halves, typed products, failure isolation per
stage (issue #13: a stage that raises on one document leaves its products empty, records a
warning, and the run goes on)."""

from __future__ import annotations

import pytest

from narratrace.errors import PipelineError
from narratrace.registry import CORPUS_STAGES, DOC_STAGES
from narratrace.run.analyze import RunSummary
from narratrace.run.document import analyze_document
from narratrace.stage import (CorpusStage, DocStage, StageContext, check_corpus_stages,
                              check_stages)
from narratrace.types import DateMention, Document, Rejected

DOC = Document(id="d1", path="a.txt", text="On Friday it rained.", source_text="On Friday it rained.")


def _dates(document, parsed, got, ctx):
    return {"dates": (DateMention(document.id, "Friday", 3, 9, "2025-09-26", "relative"),)}


def _boom(document, parsed, got, ctx):
    raise ValueError("cannot handle this")


def test_default_stages_are_well_formed():
    check_stages(DOC_STAGES)
    check_corpus_stages(CORPUS_STAGES)
    # every stored document kind has exactly one producing stage
    from narratrace.records import names

    produced = [a for s in DOC_STAGES for a in s.assigns]
    assert sorted(produced) == sorted(names(scope="document"))


def test_missing_producer_is_named():
    stages = [DocStage("framing", ("mentions",), ("framing",), fn=_dates)]
    with pytest.raises(PipelineError, match="'framing' needs mentions"):
        check_stages(stages)


def test_missing_corpus_producer_is_named():
    stages = [CorpusStage("origins", ("families",), ("claim_families",), fn=lambda ctx: {})]
    with pytest.raises(PipelineError, match="'origins' needs families"):
        check_corpus_stages(stages)


@pytest.mark.parametrize("kwargs, message", [
    ({"assigns": ("framing",)}, "exactly one of fn and batch_fn"),
    ({"assigns": ("framing",), "fn": _dates, "batch_fn": lambda a, c: []}, "exactly one"),
    ({"assigns": ("contextual",), "fn": _dates}, "assigns contextual, which is not a product"),
])
def test_a_stage_declaration_is_checked(kwargs, message):
    with pytest.raises(PipelineError, match=message):
        DocStage("x", requires=("text",), **kwargs)


def test_failing_stage_is_recorded_and_others_still_run():
    stages = [DocStage("broken", ("text",), ("attributions",), fn=_boom),
              DocStage("dates", ("text",), ("dates",), fn=_dates)]
    analysis, problems = analyze_document(DOC, object(), stages=stages)
    assert problems == [Rejected("a.txt", "broken", "ValueError: cannot handle this")]
    assert analysis.attributions == ()
    assert [d.value for d in analysis.dates] == ["2025-09-26"]
    assert analysis.document is DOC  # input is not mutated or replaced


def test_an_option_can_never_become_a_product():
    """The crash class of issue #13: the narratives stage failing left the ``framing`` option's
    value ("contextual") where its product belongs. Options and products are apart now, and a
    product of the wrong type is refused where the stage returns it."""
    def framing_as_option(document, parsed, got, ctx):
        return {"framing": ctx.options.framing}

    stages = [DocStage("narratives", ("text",), ("narratives", "framing"), fn=_boom),
              DocStage("typo", ("text",), ("framing",), fn=framing_as_option)]
    analysis, problems = analyze_document(DOC, object(), stages=stages)
    assert analysis.framing == () and analysis.narratives == ()
    assert [p.stage for p in problems] == ["narratives", "typo"]
    assert "returned a str for 'framing'" in problems[1].reason


def test_a_stage_may_only_return_what_it_declares():
    stages = [DocStage("sly", ("text",), ("attributions",), fn=_dates)]
    analysis, problems = analyze_document(DOC, object(), stages=stages)
    assert analysis.dates == () and "returned 'dates'" in problems[0].reason


def test_a_batched_stage_sees_the_group_and_its_failure_is_per_document():
    seen = []

    def batch(analyses, ctx):
        seen.append([a.document.id for a in analyses])
        raise RuntimeError("no encoder")

    stages = [DocStage("reuse", ("text",), ("reuse_features",), batch_fn=batch, every_document=True)]
    from narratrace.run.document import _results

    other = Document(id="d2", path="b.txt", text="x", source_text="x", analysed=False)
    results = _results([(DOC, object()), (other, None)], stages=stages, context=StageContext())
    assert seen == [["d1", "d2"]]
    assert [[p.stage for p in problems] for _, problems in results] == [["reuse"], ["reuse"]]
    assert all(a.reuse_features is None for a, _ in results)


@pytest.mark.parametrize("rejected, code", [([], 0), ([Rejected("x", "ingest", "empty")], 3)])
def test_exit_code(rejected, code):
    assert RunSummary(rejected=rejected).exit_code == code


@pytest.mark.model
def test_rows_are_exactly_what_asdict_makes_and_come_back_as_the_same_records():
    """The store's fast record-to-row conversion against dataclasses.asdict, and the codec's
    way back, on the records a real analysis makes (nested records, tuples, None, floats)."""
    import dataclasses
    import json
    from collections import namedtuple

    from narratrace import nlp
    from narratrace.records import from_row, kind, to_row

    text = ("Officials in Ruritania said on Friday that the port strike had ended. "
            "\"We will not sign,\" the union leader Anna Varga told Radio Freedonia. "
            "According to the ministry, talks allegedly resumed in Vienna on March 3, 2024.")
    doc = Document(id="d1", path="a.txt", text=text, source_text=text, published="2025-09-27",
                   language="en")
    analysis, _ = analyze_document(doc, nlp.load_spacy("en")(text))
    records = [*analysis.mentions, *analysis.attributions, *analysis.dates,
               *analysis.claims, *analysis.citations, doc]
    assert analysis.attributions and analysis.claims  # the check below has material
    for record in records:
        assert to_row(record) == dataclasses.asdict(record)
        assert from_row(type(record), json.loads(json.dumps(to_row(record)))) == record
    for name in ("event_candidates", "reuse_features"):
        value = getattr(analysis, name)
        spec = kind(name)
        assert value is not None and spec.from_row(json.loads(json.dumps(spec.to_row(value)))) == value
    Pair = namedtuple("Pair", "a b")

    @dataclasses.dataclass(frozen=True)
    class Odd:
        pair: Pair
        tags: frozenset
        items: list
    odd = Odd(Pair(DOC, 1), frozenset({"x"}), [DOC])
    assert to_row(odd) == dataclasses.asdict(odd)
