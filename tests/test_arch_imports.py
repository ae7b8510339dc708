"""The tracker package has no import cycle, counting the imports written inside functions too.

A cycle hidden behind an import inside a function still ties the modules together: neither can be
read, tested or moved without the other, and the first caller that hoists the import to the top
gets a half-initialised module. So this test parses every module of ``tracker/`` (``ast``, nothing
is imported) and builds the graph "module A needs module B to run", by these rules:

* every ``import`` and ``from … import`` counts, at module level or inside a function or class;
  only those under ``if TYPE_CHECKING:`` do not (they never run);
* relative imports are resolved against the importing module's package;
* ``from tracker.x import y`` needs ``tracker.x.y`` when that is a module (a file or a package),
  otherwise the name ``y`` of ``tracker.x`` itself;
* ``import tracker.a.b`` (or ``from tracker.a.b import …``) needs ``tracker.a.b`` and also runs the
  ``__init__`` of ``tracker.a``: it needs that package too — *unless* the package is an ancestor of
  the importing module (``tracker.a.c`` importing its sibling ``tracker.a.b``): a module only runs
  once its own package has started running, so that edge is always there and says nothing. A
  package ``__init__`` importing its submodules is an ordinary edge (package -> submodule); a
  submodule naming something *from* its package's ``__init__`` (``from tracker.a import name``,
  ``name`` not a module) is an edge back (submodule -> package), which with the first is a cycle,
  and a real one: the name may not be defined yet when the submodule runs.

The test fails listing every cycle, shortest first, as "a -> b -> a" chains with the file and line
of each import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "tracker"


def module_files(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every .py under the package (a package is its __init__)."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node of a module, skipping the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_graph(files: dict[str, Path] | None = None, package: str = PACKAGE, root: Path = ROOT) -> nx.DiGraph:
    """The graph of the rules above; each edge's ``where`` lists the "file:line" of its imports."""
    files = module_files(root, package) if files is None else files
    graph = nx.DiGraph()
    graph.add_nodes_from(files)

    def need(src: str, target: str, where: str, implicit: bool = False) -> None:
        if target == src or target not in files:
            return
        if implicit and target in _ancestors(src):
            return
        if not graph.has_edge(src, target):
            graph.add_edge(src, target, where=[])
        if where not in graph.edges[src, target]["where"]:
            graph.edges[src, target]["where"].append(where)

    def need_module(src: str, target: str, where: str) -> None:
        for anc in _ancestors(target):
            need(src, anc, where, implicit=True)
        need(src, target, where)

    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        rel = path.relative_to(root)
        for node in _imports(tree):
            where = f"{rel}:{node.lineno}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == package or alias.name.startswith(package + "."):
                        need_module(name, alias.name, where)
                continue
            if node.level:  # relative: from the importing module's package, up level - 1
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod != package and not mod.startswith(package + "."):
                continue
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                if sub in files:
                    need_module(name, sub, where)
                else:
                    need_module(name, mod, where)
    return graph


def cycles(graph: nx.DiGraph) -> list[list[str]]:
    """Every elementary cycle, shortest first, each starting at its smallest module name."""
    found = []
    for c in nx.simple_cycles(graph):
        i = c.index(min(c))
        found.append(c[i:] + c[:i])
    return sorted(found, key=lambda c: (len(c), c))


def describe(graph: nx.DiGraph, cycle: list[str]) -> str:
    steps = []
    for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
        steps.append(f"    {a} -> {b}   ({', '.join(graph.edges[a, b]['where'])})")
    return " -> ".join(cycle + cycle[:1]) + "\n" + "\n".join(steps)


def test_no_import_cycle():
    graph = import_graph()
    found = cycles(graph)
    assert not found, (f"{len(found)} import cycle(s) in {PACKAGE}/ (imports inside functions count; "
                       "see this test's docstring for the rules):\n\n"
                       + "\n\n".join(describe(graph, c) for c in found))


# -- the rules themselves, on a made-up package ------------------------------------------------------
def _fake(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return module_files(tmp_path, "pkg")


def _graph(tmp_path, files):
    return import_graph(_fake(tmp_path, files), "pkg", tmp_path)


def test_a_cycle_behind_a_function_import_is_found(tmp_path):
    g = _graph(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import f\n",
        "pkg/b.py": "def f():\n    from pkg import a\n    return a\n",
        "pkg/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
        "pkg/d.py": "import pkg.c\n",
    })
    assert cycles(g) == [["pkg.a", "pkg.b"]]
    assert "pkg/b.py:2" in describe(g, ["pkg.a", "pkg.b"])
    assert not g.has_edge("pkg.c", "pkg.a")  # TYPE_CHECKING only
    assert g.has_edge("pkg.d", "pkg.c")


def test_package_init_and_its_submodules(tmp_path):
    g = _graph(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "from .x import X\nfrom .y import Y\n",
        "pkg/sub/x.py": "from pkg.sub.y import Y\nX = 1\n",   # a sibling: fine
        "pkg/sub/y.py": "Y = 2\n",
        "pkg/other.py": "from pkg.sub.x import X\n",          # runs pkg.sub's __init__ too
        "pkg/bad/__init__.py": "from . import z\nNAME = 1\n",
        "pkg/bad/z.py": "from pkg.bad import NAME\n",          # a name of the half-run __init__
    })
    assert g.has_edge("pkg.sub", "pkg.sub.x") and g.has_edge("pkg.sub.x", "pkg.sub.y")
    assert not g.has_edge("pkg.sub.x", "pkg.sub")
    assert g.has_edge("pkg.other", "pkg.sub") and g.has_edge("pkg.other", "pkg.sub.x")
    assert cycles(g) == [["pkg.bad", "pkg.bad.z"]]
