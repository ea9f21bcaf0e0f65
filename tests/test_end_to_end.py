"""`narratrace analyze` end to end on the demo corpus, the bad inputs and the seeds."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from narratrace.analysis import schema_path
from narratrace.cli import app

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.model
CORPUS = ROOT / "examples" / "corpus"
BAD = ROOT / "examples" / "bad"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["analyze", str(CORPUS), str(BAD), "--out", str(out), "-q"])
    return out, result


def test_exit_code_3_lists_every_bad_input(demo_run):
    out, result = demo_run
    assert result.exit_code == 3, result.output
    analysis = json.loads((out / "analysis.json").read_text())
    bad_files = sorted(p.name for p in BAD.iterdir() if p.is_file() and not p.name.endswith(".py"))
    assert bad_files, "examples/bad must hold the broken inputs"
    for name in bad_files:
        assert name in result.output
        assert any(name in e["path"] for e in analysis["errors"]), name


def test_analysis_json_follows_the_schema(demo_run):
    jsonschema = pytest.importorskip("jsonschema")
    out, _ = demo_run
    analysis = json.loads((out / "analysis.json").read_text())
    jsonschema.validate(analysis, json.loads(schema_path().read_text()))
    assert 20 <= len(analysis["documents"]) <= 40
    for doc in analysis["documents"]:
        for r in doc["removed"]:
            assert 0 <= r["start"] < r["end"] <= len(doc["source_text"])
    texts = {d["id"]: d["text"] for d in analysis["documents"]}
    for key in ("attributions", "dates"):
        assert analysis[key], key
        for row in analysis[key]:
            assert 0 <= row["start"] < row["end"] <= len(texts[row["doc"]])
    for entity in analysis["entities"]:
        for m in entity["mentions"]:
            assert texts[m["doc"]][m["start"]:m["end"]] == m["text"]


def test_report_is_self_contained(demo_run):
    out, _ = demo_run
    html = (out / "report.html").read_text()
    assert "<html" in html.lower()
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?:""", html, re.I)


def test_rerun_is_idempotent(demo_run):
    out, _ = demo_run
    before = json.loads((out / "analysis.json").read_text())
    result = CliRunner().invoke(app, ["analyze", str(CORPUS), "--out", str(out), "-q"])
    assert result.exit_code in (0, 3), result.output
    after = json.loads((out / "analysis.json").read_text())
    assert sorted(d["id"] for d in after["documents"]) == sorted(d["id"] for d in before["documents"])
    assert len(after["attributions"]) == len(before["attributions"])


def test_clean_command_writes_one_file_per_document(tmp_path):
    result = CliRunner().invoke(app, ["clean", str(CORPUS), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = list(tmp_path.glob("*.txt"))
    assert 20 <= len(written) <= 40
    assert all(p.read_text().strip() for p in written)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet", "graphml", "gexf", "stix"])
def test_export_formats(demo_run, tmp_path, fmt):
    out, _ = demo_run
    target = tmp_path / f"export.{fmt}"
    result = CliRunner().invoke(app, ["export", "--db", f"sqlite:///{out / 'narratrace.sqlite'}",
                                      "--format", fmt, "--out", str(target)])
    assert result.exit_code == 0, result.output
    if fmt in ("csv", "parquet"):
        assert (target / f"documents.{fmt}").stat().st_size > 0
    else:
        assert target.stat().st_size > 0
    if fmt == "graphml":
        import networkx as nx

        graph = nx.read_graphml(target)
        kinds = {d["kind"] for _, d in graph.nodes(data=True)}
        assert {"document", "outlet", "speaker"} <= kinds


def test_seeds_end_to_end(shared_dir, tmp_path):
    result = CliRunner().invoke(app, ["analyze", str(shared_dir / "seeds"), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    analysis = json.loads((tmp_path / "analysis.json").read_text())
    by_name = {d["path"].rsplit("/", 1)[-1][:3]: d for d in analysis["documents"]}
    assert set(by_name) == {"000", "001", "002", "003", "004"}
    assert by_name["003"]["published"] == "2025-06-06"
    assert by_name["004"]["published"] == "2025-09-27"
    for doc in by_name.values():
        assert doc["language"] == "en"
        if doc["title"]:
            # the title is metadata, not repeated as the first line of the text
            assert not doc["text"].lstrip().startswith(doc["title"])
    speakers = {a["speaker"]["text"] for a in analysis["attributions"]}
    assert {"Zakharova", "Maiga"} & {s.split()[-1] for s in speakers if s}
