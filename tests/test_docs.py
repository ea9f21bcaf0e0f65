"""Docs that are true (issue #17): every `narratrace` command line in the README and docs/
names a real command and real options, the README's session reproduces, and every repository
path the docs name exists (sqlite-utils checks its docs the same way)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typing import Any

import pytest
import typer

from narratrace.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _command_lines() -> list[tuple[str, str]]:
    """``(file, line)`` for every line of a code block that runs ``narratrace``."""
    out = []
    for path in DOCS:
        in_fence = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
                continue
            code = line.strip() if (in_fence or line.startswith("    ")) else ""
            code = code.removeprefix("$ ").split("  #")[0].strip()
            # a command, possibly after environment assignments (NAME=value narratrace …)
            match = re.match(r"^(?:[A-Z_]+=\S+\s+)*(narratrace\s+[a-z].*)$", code)
            if match:
                out.append((path.name, match.group(1)))
    return out


COMMANDS = _command_lines()


def _resolve(words: list[str]) -> tuple[Any, list[str]]:
    """The (click-like) command the words name and the words left after its name."""
    command: Any = typer.main.get_command(app)
    rest = words
    while hasattr(command, "commands") and rest and rest[0] in command.commands:
        command, rest = command.commands[rest[0]], rest[1:]
    return command, rest


def test_the_docs_have_command_lines():
    files = {f for f, _ in COMMANDS}
    assert {"README.md", "cli.md", "web.md", "scale.md"} <= files
    assert len(COMMANDS) >= 15


@pytest.mark.parametrize("where, line", COMMANDS, ids=[f"{f}: {c[:60]}" for f, c in COMMANDS])
def test_every_documented_command_and_option_exists(where, line):
    words = shlex.split(line.replace("|", " ").replace("[", " ").replace("]", " "))[1:]
    command, rest = _resolve(words)
    assert not hasattr(command, "commands"), f"{where}: {line!r} names no command"
    known = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
    known |= {"-h", "--help"}
    for word in rest:
        if word.startswith("-") and word != "-":
            option = word.split("=", 1)[0]
            assert option in known, f"{where}: {line!r} uses {option}, which `{' '.join(words[:1])}` lacks"


def test_every_repository_path_in_the_docs_exists():
    missing = []
    for path in DOCS:
        for name in re.findall(r"`((?:src|docs|examples|tests|bench)/[\w./-]+\.\w+)`",
                               path.read_text(encoding="utf-8")):
            if not (ROOT / name).exists():
                missing.append(f"{path.name}: {name}")
    assert missing == []


def _session(command: str) -> list[str]:
    """The lines the README shows after ``$ narratrace COMMAND``, up to the next prompt."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"$ narratrace {command}") + 1
    out = []
    for line in lines[start:]:
        if line.startswith(("$ ", "```")):
            break
        out.append(line)
    return out


def _matches(got: list[str], want: list[str]) -> None:
    assert len(got) == len(want), "\n".join(got)
    for g, w in zip(got, want):
        pattern = re.escape(w).replace(re.escape("(...)"), r"\(.*\)")
        assert re.fullmatch(pattern, g), f"README: {w}\nrun:    {g}"


def _run(argv: list[str], out: Path, name: str) -> tuple[int, list[str]]:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, argv)
    return result.exit_code, result.stdout.replace(str(out), name).splitlines()


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("readme") / "demo-out"
    return out, _run(["analyze", str(ROOT / "examples" / "corpus"), "--out", str(out), "-q"],
                     out, "demo-out")


@pytest.mark.model
@pytest.mark.slow
def test_the_readme_demo_session_reproduces(demo_out):
    """`narratrace analyze examples/corpus --out demo-out` (what `make demo` runs), then the
    STIX export, as the README shows them."""
    out, (code, got) = demo_out
    assert code == 0, "\n".join(got)
    _matches([line.replace(str(ROOT) + "/", "") for line in got],
             [line for line in _session("analyze examples/corpus --out demo-out") if line])
    code, got = _run(["export", str(out / "narratrace.sqlite"), "--format", "stix", "--out",
                      str(out / "bundle.json")], out, "demo-out")
    assert code == 0
    _matches(got, _session("export demo-out/narratrace.sqlite --format stix --out demo-out/bundle.json")[:1])


@pytest.mark.model
@pytest.mark.slow
def test_the_demo_shows_every_view_with_content(demo_out):
    """Issue #17, item 7: the first run fills the narratives and framing views too."""
    import json

    out, (code, _) = demo_out
    assert code == 0
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    narrated = {n["doc"] for n in analysis["narratives"] if n["narrative"] != "Other"}
    assert len(narrated) >= 2 and analysis["framing"]
    from narratrace.report import unpack_html

    page = unpack_html((out / "report.html").read_text(encoding="utf-8"))  # tabs are packed
    tab = page[page.index('id="narratives"'):]
    assert "No narrative labels." not in tab and "CC: " in tab and "Entity framing" in tab


@pytest.mark.model
def test_the_readme_session_on_bad_inputs_reproduces(tmp_path, monkeypatch):
    """`narratrace analyze examples/bad --out bad-out`, run as the README shows it."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "bad-out"
    code, got = _run(["analyze", "examples/bad", "--out", str(out), "-q"], out, "bad-out")
    assert code == 3, "\n".join(got)
    _matches(got, _session("analyze examples/bad --out bad-out"))
