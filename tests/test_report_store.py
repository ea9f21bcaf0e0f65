"""The report written from the store (issue #19/#16): the same page as from the
``analysis.json`` dict, read a kind at a time rather than held whole, and the terminal's
findings line read the same way."""

from __future__ import annotations

import re

import pytest

from narratrace import Options, analyze, open_store
from narratrace.analysis import KEYS, Rows, StoredAnalysis, build_analysis
from narratrace.report import _model, render_report, write_report
from scale_corpus import write_corpus
from _tracing import traced_peak


def _same(page: str) -> str:
    """The page without its timestamps (the dict and the view stamp the time they are made)."""
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "T", page)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report_store")
    write_corpus(folder / "in", 24)
    s = open_store(folder / "s.sqlite")
    analyze([folder / "in"], store=s, options=Options(quiet=True, workers=1, framing="fast"))
    yield s
    s.close()


def test_stored_analysis_has_the_keys_and_rows_of_the_dict(store):
    whole, view = build_analysis(store), StoredAnalysis(store)
    assert list(view) == list(whole) == list(KEYS)
    for key in KEYS:
        if isinstance(whole[key], list):
            assert isinstance(view[key], Rows)
            assert list(view[key]) == whole[key], key
            assert len(view[key]) == len(whole[key]), key
        elif key != "generated_at":
            assert view[key] == whole[key], key


@pytest.mark.parametrize("small", [False, True])
def test_report_from_the_store_is_the_page_of_its_analysis(store, tmp_path, monkeypatch, small):
    """Byte for byte (but the time it was made), with the page's caps as they are and so
    small that every table, legend and list is cut: the rows kept while reading (the first
    of each table, the dates sorted by value with ties in stored order, an entity's first
    statements and mentions) are those of the whole lists."""
    if small:
        for name, value in (("MAX_TABLE_ROWS", 3), ("MAX_SAID", 1), ("MENTION_EXCERPTS", 2),
                            ("MAX_FULL_DOCS", 5), ("MAX_CARDS", 2), ("MAX_FAMILY_ROWS", 2),
                            ("MAX_MEMBERS", 1)):
            monkeypatch.setattr(_model, name, value)
    analysis = build_analysis(store)
    assert len(analysis["attributions"]) > 3 and len(analysis["dates"]) > 3
    want = render_report(analysis)
    got = write_report(store, tmp_path / "report.html").read_text(encoding="utf-8")
    assert _same(got) == _same(want)
    assert _same(render_report(StoredAnalysis(store))) == _same(want)


def test_findings_line_from_the_store(store):
    from narratrace.cli.analyze import _findings

    line = _findings(StoredAnalysis(store))
    assert line == _findings(build_analysis(store))
    assert line.startswith("found ") and " 0 attributions" not in line


def test_report_from_the_store_holds_less_than_the_dict(tmp_path):
    """The page's view keeps what it shows: of the dates (30 a document, 9,000) the table
    shows the first 2,000 by value; the others are read and let go of."""
    from narratrace.types import Document

    s = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    with s.transaction():
        for i in range(300):
            doc_id = f"doc{i:05d}"
            text = f"Harbour report {i}. The council of Velmora met on May {1 + i % 28}. " * 4
            s.upsert_document(Document(doc_id, f"in/{doc_id}.txt", text, text, language="en"))
            s.replace_annotations(doc_id, "dates", [
                {"doc": doc_id, "text": f"May {1 + k}",  # no offsets: no highlight
                 "value": f"2025-05-{1 + (i * 7 + k) % 28:02d}"} for k in range(30)])
    render_report({})  # templates and models loaded once, before either is measured
    whole = traced_peak(lambda: write_report(build_analysis(s), tmp_path / "dict.html"))
    streamed = traced_peak(lambda: write_report(s, tmp_path / "store.html"))
    assert (_same((tmp_path / "store.html").read_text(encoding="utf-8"))
            == _same((tmp_path / "dict.html").read_text(encoding="utf-8")))
    assert streamed < whole / 2, (streamed, whole)
    s.close()
