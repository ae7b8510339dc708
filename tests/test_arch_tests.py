"""The tests own what they need (issue #8): shared helpers live in tests/support/ (or conftest.py),
and no test module imports another test module or conftest, so a test module can be read, moved or
deleted on its own. The seeds a test reads are copies in tests/fixtures/ (tests/test_fixtures.py)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_modules(paths=None) -> dict[str, list[str]]:
    """{file: [the test modules or conftest it imports]}."""
    found = {}
    for p in paths or sorted(TESTS.glob("*.py")) + sorted((TESTS / "support").glob("*.py")):
        bad = []
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for n in names:
                last = n.removeprefix("tests.").split(".")[0]
                if last.startswith("test_") or last == "conftest":
                    bad.append(n)
        if bad:
            found[p.name if not p.is_relative_to(TESTS) else p.relative_to(TESTS).as_posix()] = bad
    return found


test_modules.__test__ = False  # a helper, not a test


def test_no_test_module_imports_another():
    assert test_modules() == {}, "move what is shared into tests/support/"


def test_the_check_finds_such_an_import(tmp_path):
    (tmp_path / "test_a.py").write_text("from test_b import helper\nimport conftest\n", encoding="utf-8")
    (tmp_path / "test_c.py").write_text("from support.filling import fill\n", encoding="utf-8")
    found = test_modules(sorted(tmp_path.glob("*.py")))
    assert {Path(k).name: v for k, v in found.items()} == {"test_a.py": ["test_b", "conftest"]}
