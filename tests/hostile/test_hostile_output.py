"""Never lose a run (issue #18) at the output: ``analysis.json`` and ``report.html`` are
written all or nothing. A full disk or a folder that cannot be written is one clear error,
never a traceback, a truncated file or a leftover temporary file."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from narratrace.errors import OutputError
from narratrace.outfile import write_text_atomic


def test_a_write_replaces_the_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "analysis.json.tmp").write_text("left by an older version", encoding="utf-8")
    target = tmp_path / "analysis.json"
    target.write_text("old", encoding="utf-8")
    write_text_atomic(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis.json"]


@pytest.mark.parametrize(("code", "hint"), [(errno.ENOSPC, "free some space"),
                                            (errno.EROFS, "check that the folder is writable")])
def test_a_full_disk_keeps_the_old_file_whole_and_removes_the_temporary(tmp_path: Path, monkeypatch,
                                                                         code: int, hint: str) -> None:
    target = tmp_path / "report.html"
    target.write_text("<html>the last good report</html>", encoding="utf-8")

    def fail_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("narratrace.outfile.os.fsync", fail_fsync)
    with pytest.raises(OutputError) as info:
        write_text_atomic(target, "<html>" + "x" * 100_000)
    assert str(target) in str(info.value) and hint in str(info.value)
    assert os.strerror(code) in str(info.value)
    assert target.read_text(encoding="utf-8") == "<html>the last good report</html>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_folder_that_cannot_take_a_new_file_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="Cannot write"):
        write_text_atomic(tmp_path / "missing" / "analysis.json", "{}")


def _without_models(monkeypatch) -> None:
    """The CLI's run with no model: each document passes through unanalysed (the output is what
    is tested)."""
    from narratrace.run import analyze as run_analyze
    from narratrace.types import DocAnalysis

    class Echo:
        name = "echo"

        def map(self, chunks, ctx, *, todo=0):
            for chunk in chunks:
                for d in chunk:
                    yield DocAnalysis(document=d), []

    monkeypatch.setattr(run_analyze, "engine", lambda name: Echo())
    monkeypatch.setattr(run_analyze, "_models", lambda todo, summary: run_analyze.Models())


def test_the_cli_reports_an_unwritable_output_without_a_traceback(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from narratrace.cli import app
    _without_models(monkeypatch)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The mayor said the market would stay open.\n",
                                           encoding="utf-8")
    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith("report.html"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst)

    monkeypatch.setattr("narratrace.outfile.os.replace", full)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "in"), "--out", str(out), "-q"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "Cannot write" in result.output and "report.html" in result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("narratrace.sqlite")) == [
        "analysis.json"]


@pytest.mark.skipif(os.name != "posix", reason="a file name of bytes that are not UTF-8")
def test_an_output_folder_named_with_escape_codes_and_bytes_that_are_not_utf8_is_shown_escaped(
        tmp_path: Path, monkeypatch) -> None:
    # The run was done, then printing the folder's name failed with a UnicodeEncodeError
    # traceback (a terminal that takes UTF-8 only), or sent its escape sequence as is.
    from typer.testing import CliRunner

    from narratrace.cli import app
    _without_models(monkeypatch)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The mayor said the market would stay open.\n",
                                           encoding="utf-8")
    out = os.fsdecode(os.fsencode(tmp_path) + b"/out\xff\x1b[2J")
    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "in"), "--out", out, "-q"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\udcff" not in result.output
    assert f"report:   {tmp_path}/out\\xff\\x1b[2J/report.html" in result.output
    assert (Path(out) / "report.html").is_file()
