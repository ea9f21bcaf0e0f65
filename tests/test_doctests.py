"""Every docstring example in the package runs, one test per module.

A module that fails to import fails its test too (with the import error): an example that is
never run because its module is broken would otherwise pass unnoticed.
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil
from pathlib import Path

import pytest

import narratrace

OPTIONFLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def module_names(paths: list[str], prefix: str) -> list[str]:
    """Dotted names of every module under ``paths``, found on disk (nothing is imported)."""
    names: list[str] = []
    for info in pkgutil.iter_modules(paths, prefix):
        names.append(info.name)
        if info.ispkg:
            sub = [str(Path(p) / info.name.rsplit(".", 1)[-1]) for p in paths]
            names.extend(module_names([p for p in sub if Path(p).is_dir()], info.name + "."))
    return sorted(names)


MODULES = module_names(list(narratrace.__path__), "narratrace.")


def run_doctests(module_name: str) -> tuple[int, int, str]:
    """(failed, attempted, report) for the examples in ``module_name``'s docstrings."""
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=OPTIONFLAGS, verbose=False)
    out = io.StringIO()
    for test in finder.find(module, module_name):
        runner.run(test, out=out.write)
    return runner.failures, runner.tries, out.getvalue()


def test_modules_are_found() -> None:
    assert "narratrace" not in MODULES  # the package itself is added below
    assert {"narratrace.report", "narratrace.report._highlight", "narratrace.web._doctext",
            "narratrace.store"} <= set(MODULES)


def test_every_source_file_is_a_walked_module() -> None:
    # A directory without __init__.py is no package to pkgutil: its modules would go untested.
    root = Path(narratrace.__file__).parent
    on_disk = {".".join(("narratrace", *p.relative_to(root).with_suffix("").parts))
               .removesuffix(".__init__") for p in root.rglob("*.py")}
    unwalked = sorted(on_disk - {"narratrace", *MODULES})
    assert not unwalked, f"not reachable as modules (a directory lacks __init__.py?): {unwalked}"


@pytest.mark.parametrize("module_name", ["narratrace", *MODULES])
def test_doctests(module_name: str) -> None:
    failed, _, report = run_doctests(module_name)
    if failed:
        pytest.fail(f"{failed} doctest example(s) failed in {module_name}:\n{report}",
                    pytrace=False)


def test_a_wrong_example_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "doctest_probe_mod.py").write_text(
        'def f():\n    """\n    >>> 1 + 1\n    3\n    >>> [1, 2, 3]\n    [1, ...]\n    """\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    failed, attempted, report = run_doctests("doctest_probe_mod")
    assert (failed, attempted) == (1, 2)  # ELLIPSIS is on: only the first is wrong
    assert "Expected:\n    3\nGot:\n    2" in report
