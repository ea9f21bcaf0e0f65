"""The public surface: exports, CLI help for every command, README documents every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import narratrace
from narratrace.analysis import KEYS, schema_path
from narratrace.cli import app

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [["analyze"], ["clean"], ["export"], ["serve"], ["eval"], ["eval", "clean"], ["eval", "attribution"],
            ["eval", "semeval"], ["train"], ["train", "narratives"]]


def test_public_exports_are_pinned():
    assert sorted(narratrace.__all__) == sorted([
        "Attribution", "DateMention", "Document", "Entity", "Mention", "NarrativeLabel",
        "NarratraceError", "Options", "RawDocument", "Rejected", "Removed", "Reuse", "RunSummary",
        "__version__", "analyze", "build_analysis", "open_store", "write_analysis"])
    for name in narratrace.__all__:
        assert hasattr(narratrace, name)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    # a help line beyond the usage line: the command is described
    assert len([line for line in result.output.splitlines() if line.strip()]) > 3


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and narratrace.__version__ in result.output


@pytest.mark.parametrize("command", [c for c in COMMANDS if len(c) == 1 or c[0] != "eval"], ids=" ".join)
def test_readme_or_docs_document_every_command(command):
    text = (ROOT / "README.md").read_text() + "".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
    assert "narratrace " + " ".join(command) in text


def test_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["analyze", str(tmp_path / "missing"), "--out", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["analyze", str(tmp_path)]).exit_code == 2  # --out missing
    assert runner.invoke(app, ["export", "--db", "x", "--format", "pdf", "--out", "o"]).exit_code == 2


def test_schema_is_valid_json_schema_and_covers_contract_keys():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_path().read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for key in ("documents", "errors", "entities", "attributions", "dates", "claims",
                "claim_families", "reuse", "citations", "events", "narratives", "framing"):
        assert key in schema["required"] and key in KEYS


def test_makefile_and_ci_keep_the_two_entry_points():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme


def test_error_messages_print_brackets_as_text(capsys):
    """A store message holding [brackets] (a path, an SQL state) is text, not rich markup."""
    from narratrace.cli._common import fail
    from narratrace.errors import StoreError

    exit_ = fail(StoreError("cannot write [red]/tmp/a[b].sqlite[/red]"))
    err = capsys.readouterr().err
    assert "cannot write [red]/tmp/a[b].sqlite[/red]" in err and exit_.exit_code == 1
