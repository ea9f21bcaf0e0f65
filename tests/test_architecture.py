"""The package's shape, read from the source (nothing is imported): no import cycles between
its modules, and no module imports another package's private names.

Every ``import`` statement counts, wherever it is (a lazy import inside a function still ties
the two modules together). Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``;
those implicit edges are not counted, only the ones written in the code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "narratrace"


@dataclass(frozen=True)
class Module:
    name: str  # dotted: narratrace.claims._group, narratrace.claims (for its __init__.py)
    path: str  # as given: narratrace/claims/_group.py
    is_package: bool
    tree: ast.Module

    @property
    def package(self) -> str:
        """The package the module belongs to: itself for an ``__init__``, else its parent."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    name: str  # the dotted name imported, e.g. narratrace.store._fts.MARK_END
    owner: str  # the package whose private it is

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.name} (private to {self.owner})"


def parse_modules(sources: Mapping[str, str]) -> dict[str, Module]:
    """Modules by dotted name from ``{"pkg/sub/mod.py": source}`` (paths relative to src/)."""
    out: dict[str, Module] = {}
    for path, source in sources.items():
        parts = path.removesuffix(".py").split("/")
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        out[name] = Module(name, path, is_package, ast.parse(source, filename=path))
    return out


def _imports(module: Module) -> Iterator[tuple[int, str, str | None]]:
    """(line, base, name) per imported name: ``import a.b`` gives (n, "a.b", None);
    ``from x import y`` gives (n, x, "y") with a relative ``x`` resolved against the module."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.package.split(".")
                anchor = parts[:len(parts) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                yield node.lineno, base, alias.name


def _known(modules: Mapping[str, Module], dotted: str) -> str | None:
    """The longest prefix of ``dotted`` that is one of ``modules`` (None when none is)."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        candidate = ".".join(parts[:i])
        if candidate in modules:
            return candidate
    return None


def import_graph(modules: Mapping[str, Module]) -> dict[str, set[str]]:
    """Module → the modules it imports (edges inside ``modules`` only, no self-edges).

    ``from pkg import name`` imports the module ``pkg.name`` when there is one, else ``pkg``.
    """
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, module in modules.items():
        for _, base, imported in _imports(module):
            target = None
            if imported is not None and imported != "*" and f"{base}.{imported}" in modules:
                target = f"{base}.{imported}"
            else:
                target = _known(modules, base)
            if target is not None and target != name:
                graph[name].add(target)
    return graph


def import_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, each sorted (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def private_imports(modules: Mapping[str, Module]) -> list[Violation]:
    """Imports of a ``_private`` module or name that belongs to a package other than the
    importer's own. A private module belongs to the package that contains it; a private name
    to the package of the module that defines it."""
    out = []
    for module in modules.values():
        for line, base, imported in _imports(module):
            dotted = base if imported is None else f"{base}.{imported}"
            parts = dotted.split(".")
            for i, part in enumerate(parts):
                if not _is_private(part):
                    continue
                container = ".".join(parts[:i])
                found = modules.get(container)
                owner = found.package if found is not None else container
                if owner != module.package:
                    out.append(Violation(module.path, line, dotted, owner))
                    break
    return sorted(out, key=lambda v: (v.path, v.line, v.name))


def _package_sources() -> dict[str, str]:
    return {p.relative_to(SRC).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((SRC / PACKAGE).rglob("*.py"))}


# --------------------------------------------------------------------------- the package


def test_no_import_cycles() -> None:
    modules = parse_modules(_package_sources())
    assert len(modules) > 50 and "narratrace.report" in modules
    cycles = import_cycles(import_graph(modules))
    assert not cycles, "import cycles (strongly connected components):\n" + "\n".join(
        " <-> ".join(c) for c in cycles)


def test_no_private_imports_across_packages() -> None:
    violations = private_imports(parse_modules(_package_sources()))
    assert not violations, "private names imported from another package:\n" + "\n".join(
        map(str, violations))


# --------------------------------------------------------------------------- the helpers


def test_graph_resolves_relative_and_lazy_imports() -> None:
    modules = parse_modules({
        "pkg/__init__.py": "from . import a\n",
        "pkg/a.py": "from .sub import b\nfrom .sub.b import thing\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/b.py": "def f():\n    import pkg.c\n    from .. import c\n",
        "pkg/c.py": "import os\nfrom pkg import not_a_module\nfrom . import *\n",
    })
    assert import_graph(modules) == {
        "pkg": {"pkg.a"},  # an explicit `from . import a` in the __init__ counts
        "pkg.a": {"pkg.sub.b"},  # and importing pkg.sub.b does not add pkg.sub nor pkg
        "pkg.sub": set(),
        "pkg.sub.b": {"pkg.c"},  # imports inside a function count
        "pkg.c": {"pkg"},  # `from pkg import name` (not a module) and `*` import pkg itself
    }


def test_two_modules_importing_each_other_are_one_cycle() -> None:
    modules = parse_modules({
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import x\n",
        "pkg/b.py": "def later():\n    from . import a\n",
        "pkg/c.py": "from .a import y\n",  # depends on the cycle, is not part of it
    })
    assert import_cycles(import_graph(modules)) == [["pkg.a", "pkg.b"]]


def test_a_longer_cycle_and_two_separate_ones() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"], ["d", "e"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_an_implicit_parent_edge_is_not_a_cycle() -> None:
    # pkg/__init__ imports pkg.a; pkg.a imports pkg.a's sibling through the full path, which
    # runs pkg/__init__ at runtime, but only written edges count.
    modules = parse_modules({"pkg/__init__.py": "from .a import f\n",
                             "pkg/a.py": "import pkg.b\n", "pkg/b.py": ""})
    assert import_cycles(import_graph(modules)) == []


def test_private_import_from_another_package_is_one_violation() -> None:
    modules = parse_modules({
        "pkg/__init__.py": "",
        "pkg/a.py": "import os\n\nfrom ..other._x import y\n",
        "other/__init__.py": "",
        "other/_x.py": "y = 1\n",
    })
    assert [str(v) for v in private_imports(modules)] == [
        "pkg/a.py:3: other._x.y (private to other)"]


def test_private_rules_table() -> None:
    sources = {
        "top/__init__.py": "from ._impl import run\nfrom .clean import _helper\n",
        "top/_impl.py": "from .clean._text import _norm\n",
        "top/nlp.py": "from ._impl import run\nfrom . import _impl\n",
        "top/clean/__init__.py": "from ._text import norm\nfrom ._text import _norm\n",
        "top/clean/_text.py": "from .._impl import _go\nfrom ..nlp import __version__\n",
        "top/clean/lines.py": "from ._text import _norm\nimport top.clean._text\n",
        "top/web/__init__.py": "",
        "top/web/app.py": ("from top._impl import run\nfrom ..clean import norm\n"
                           "from ..clean._text import norm\nfrom starlette._utils import x\n"
                           "def f():\n    from ..clean import _private_name\n"),
    }
    found = {(v.path, v.line, v.name, v.owner) for v in private_imports(parse_modules(sources))}
    assert found == {
        # the top package's own __init__ and modules may use its privates, not its subpackages
        ("top/__init__.py", 2, "top.clean._helper", "top.clean"),
        ("top/_impl.py", 1, "top.clean._text._norm", "top.clean"),
        ("top/clean/_text.py", 1, "top._impl._go", "top"),
        # another package, wherever the import is written
        ("top/web/app.py", 1, "top._impl.run", "top"),
        ("top/web/app.py", 3, "top.clean._text.norm", "top.clean"),
        ("top/web/app.py", 4, "starlette._utils.x", "starlette"),
        ("top/web/app.py", 6, "top.clean._private_name", "top.clean"),
    }
