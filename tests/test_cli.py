"""The command line as a new user meets it (issue #17): -h, choices, the store as the object,
no silent empty store, - for standard output, secrets never printed, bind errors first."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from narratrace.cli import app
from narratrace.cli._common import plural, redact, store_url
from narratrace.errors import UsageError


def _store(tmp_path) -> str:
    """An empty store that exists (what `analyze` creates before its first document)."""
    from narratrace.store import open_store

    path = tmp_path / "s.sqlite"
    open_store(f"sqlite:///{path}").close()
    return str(path)


@pytest.mark.parametrize("argv", [["-h"], ["analyze", "-h"], ["export", "-h"], ["serve", "-h"],
                                  ["eval", "-h"], ["eval", "semeval", "-h"], ["train", "-h"]])
def test_dash_h_is_help(argv):
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output and "--help" in result.output


def test_choices_are_shown_and_checked():
    runner = CliRunner()
    help_ = runner.invoke(app, ["analyze", "-h"]).output
    assert "<local|dask>" in help_ and "<contextual|fast>" in help_
    assert "<str>" not in help_ and "<int" not in help_  # metavars, not Python types
    bad = runner.invoke(app, ["analyze", ".", "--out", "x", "--engine", "spark"])
    assert bad.exit_code == 2 and "spark" in bad.output
    assert "<json|jsonl|csv|parquet|graphml|gexf|stix>" in runner.invoke(app, ["export", "-h"]).output


def test_help_says_what_the_code_does_for_workers():
    from narratrace.run.engines.processes import MIN_DOCUMENTS_FOR_PROCESSES

    help_ = " ".join(CliRunner().invoke(app, ["analyze", "-h"]).output.split())
    assert f"{MIN_DOCUMENTS_FOR_PROCESSES}+ documents" in help_
    root = " ".join(CliRunner().invoke(app, ["-h"]).output.split())
    assert "1 an error" in root and "2 a usage error" in root  # every exit code documented


@pytest.mark.parametrize("command", [["export"], ["serve"]])
def test_a_missing_store_is_refused_not_created(tmp_path, command):
    missing = tmp_path / "typo.sqlite"
    for argv in ([*command, str(missing)], [*command, "--db", str(missing)],
                 [*command, "--db", f"sqlite:///{missing}"]):
        result = CliRunner().invoke(app, argv)
        assert result.exit_code == 2, result.output
        assert "No store at" in result.output
        assert not missing.exists()
    assert CliRunner().invoke(app, command).exit_code == 2  # no store at all


def test_store_positional_and_db_alias(tmp_path):
    path = _store(tmp_path)
    assert store_url(path, None) == store_url(None, path) == store_url(path, path) == path
    with pytest.raises(UsageError, match="Two stores"):
        store_url(path, str(tmp_path / "other.sqlite"))
    assert store_url("postgresql://u:p@h/db", None) == "postgresql://u:p@h/db"  # checked on connect


def test_export_dash_is_stdout(tmp_path, monkeypatch):
    path = _store(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["export", path, "--format", "json", "--out", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["schema_version"]
    assert not (tmp_path / "-").exists()
    default = CliRunner().invoke(app, ["export", path])  # json to stdout by default
    assert default.exit_code == 0 and json.loads(default.stdout)["documents"] is not None
    folder = CliRunner().invoke(app, ["export", path, "--format", "csv", "--out", "-"])
    assert folder.exit_code == 2 and "folder" in folder.output


def test_secrets_are_redacted():
    assert redact("postgresql://ana:s3cret@db:5432/news") == "postgresql://ana:***@db:5432/news"
    assert redact("postgresql://ana@db/news") == "postgresql://ana@db/news"
    assert redact("sqlite:///x.sqlite") == "sqlite:///x.sqlite"
    assert "s3cret" not in redact("postgres://a:s3cret@h/d")


def test_serve_banner_never_prints_the_password(tmp_path, monkeypatch):
    import uvicorn

    from narratrace.cli import serve

    monkeypatch.setattr(serve, "store_url", lambda store, db: "postgresql://ana:s3cret@db/news")
    monkeypatch.setattr("narratrace.web.create_app", lambda url, token=None: object())
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: sockets[0].close())
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    result = CliRunner().invoke(app, ["serve", "x", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert "serving postgresql://ana:***@db/news" in result.output and "s3cret" not in result.output


def test_serve_on_a_busy_port_fails_before_the_banner(tmp_path):
    path = _store(tmp_path)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        result = CliRunner().invoke(app, ["serve", path, "--port", str(busy.getsockname()[1])])
    finally:
        busy.close()
    assert result.exit_code == 2, result.output
    assert "Cannot listen" in result.output and "serving" not in result.output


def test_reanalyze_and_reanalyse_both_accepted():
    help_ = CliRunner().invoke(app, ["analyze", "-h"]).output
    assert "--reanalyze" in help_ and "--reanalyse" in help_


def test_stage_budget_flag_reaches_the_run_and_refuses_a_negative_value(tmp_path, monkeypatch):
    import narratrace
    from narratrace.run.analyze import RunSummary

    seen = []

    def fake_analyze(paths, *, store, options, progress=None):
        seen.append(options.stage_budget)
        return RunSummary()

    monkeypatch.setattr(narratrace, "analyze", fake_analyze)
    (tmp_path / "in.txt").write_text("Council vote\n\nThe council voted.\n", encoding="utf-8")
    runner = CliRunner()
    for argv, budget in ((["--stage-budget", "2.5"], 2.5), (["--stage-budget", "0"], 0.0),
                         ([], narratrace.Options().stage_budget)):
        result = runner.invoke(app, ["analyze", str(tmp_path / "in.txt"), "--out",
                                     str(tmp_path / "out"), "-q", *argv])
        assert result.exit_code == 0, result.output
        assert seen[-1] == budget
    bad = runner.invoke(app, ["analyze", str(tmp_path / "in.txt"), "--out", str(tmp_path / "o2"),
                              "--stage-budget", "-1"])
    assert bad.exit_code == 2 and "--stage-budget" in bad.output
    assert len(seen) == 3  # the bad value never reached a run
    assert "--stage-budget" in runner.invoke(app, ["analyze", "-h"]).output


def test_summary_counts_and_plurals():
    from narratrace.cli.analyze import _findings

    analysis = {"entities": [1, 2], "attributions": [], "dates": [1],
                "reuse": [{"kind": "copy"}, {"kind": "rewrite"}, {"kind": "same_story"}],
                "claim_families": [{"docs": ["a", "b"]}, {"docs": ["a"]}, {"docs": ["c"]}],
                "events": [], "narratives": [{"doc": "a", "narrative": "X"}]}
    line = _findings(analysis)
    assert "1 copy, 1 rewrite and 1 same-story link" in line
    assert "3 claim families (1 across documents)" in line  # the report's count first
    assert "1 document with a narrative" in line and "1 date," in line
    assert plural(2, "copy", "copies") == "2 copies"


def test_eval_on_the_training_split_warns(tmp_path, monkeypatch):
    """`eval semeval` on the model's own training articles says so (issue #17): 0.947 / 1.0 on
    train is fit, not accuracy. A folder of another name gets no warning."""
    import narratrace.narratives as narratives

    class Model:
        meta = {"data": {"dir": "train", "articles": 399}}

    monkeypatch.setattr(narratives, "load_model", lambda: Model())
    monkeypatch.setattr(narratives, "predict_semeval", lambda data, out, model: {"articles": 1})
    for name, warned in (("train", True), ("dev", False)):
        (tmp_path / name).mkdir()
        result = CliRunner().invoke(app, ["eval", "semeval", "--data", str(tmp_path / name),
                                          "--out", str(tmp_path / f"out-{name}")])
        assert result.exit_code == 0, result.output
        assert ("split the model was trained on" in result.output) is warned
        assert ('"warning"' in result.stdout) is warned
