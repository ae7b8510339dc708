"""Every problem code collect can raise has its fix text in the receipt (tracker.collect.receipts.FIX).

The codes are found in the source, not listed by hand: an AST walk of tracker/collect/,
tracker/sheets.py, tracker/safety.py, tracker/identity.py and tracker/links.py for the ways the code base raises a
problem with a constant code — ``Problem("code", …)`` (or ``code="…"``), ``problems.add/warn("code",
…)``, the safety scan's ``self.err("code", …)`` and ``refuse("code", …)`` — and for the value
parsers' ``(value, "code", message)`` answers (``parse_progress``). Codes that are the office's
matter never show in a receipt (``NOT_IN_RECEIPTS``) and need none.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tracker.collect.receipts import FIX, NOT_IN_RECEIPTS

ROOT = Path(__file__).resolve().parent.parent / "tracker"
SOURCES = [*sorted((ROOT / "collect").glob("*.py")), ROOT / "sheets.py", ROOT / "safety.py", ROOT / "identity.py",
           ROOT / "links.py"]  # links.py: link_problems, for a file sent through another unit's link
CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
RAISERS = {"Problem", "add", "warn", "err", "refuse"}  # a call of these with a constant code raises it


def _code(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
        return node.value
    return None


def raised_codes(sources=SOURCES) -> dict[str, str]:
    """code -> where it is raised first (file:line)."""
    found: dict[str, str] = {}

    def note(code, path, node):
        if code:
            found.setdefault(code, f"{path.name}:{node.lineno}")

    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in RAISERS:
                    if node.args:
                        note(_code(node.args[0]), path, node)
                    for kw in node.keywords:
                        if kw.arg == "code":
                            note(_code(kw.value), path, node)
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 3:
                note(_code(node.value.elts[1]), path, node)  # (value, code, message)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
                for target in node.targets:
                    if isinstance(target, ast.Tuple) and len(target.elts) == len(node.value.elts):
                        for t, v in zip(target.elts, node.value.elts, strict=True):
                            if isinstance(t, ast.Name) and t.id.endswith("code"):
                                note(_code(v), path, node)
    return found


def missing_fix_texts(fix: dict[str, str]) -> dict[str, str]:
    """The codes that can be raised and show in a receipt but have no fix text (code -> where)."""
    return {c: where for c, where in raised_codes().items() if c not in NOT_IN_RECEIPTS and not fix.get(c)}


def test_the_walk_finds_the_ways_codes_are_raised():
    found = raised_codes()
    for code in ("unreadable", "identity-missing", "period-mismatch", "item-duplicate", "merged-cells",
                 "target-not-number", "progress-missing", "progress-fraction", "progress-rounded",
                 "encrypted", "corrupt-file", "formula-cell", "macros-ignored", "text-control-chars",
                 "unchanged-template", "return-withdrawn", "link-unit-mismatch"):
        assert code in found, code


def test_every_code_a_receipt_can_show_has_its_fix_text():
    assert missing_fix_texts(FIX) == {}


def test_every_fix_text_is_of_a_code_that_can_be_raised():
    stale = set(FIX) - set(raised_codes())
    assert not stale, f"fix texts of codes nothing raises: {sorted(stale)}"


def test_a_missing_fix_text_fails():
    for code in ("encrypted", "progress-fraction", "merged-cells"):
        assert set(missing_fix_texts({k: v for k, v in FIX.items() if k != code})) == {code}


def test_one_file_is_checked_without_the_pipeline_or_the_store():
    """``tracker.collect.checks`` alone checks an uploaded file: importing it loads neither the
    collect pipeline nor SQLAlchemy (the package's names are imported on first use)."""
    import subprocess
    import sys

    code = ("import sys, tracker.collect.checks; "
            "print(sorted(m for m in sys.modules if m == 'sqlalchemy' or m.startswith('tracker.collect.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT.parent).stdout
    assert out.strip() == "['tracker.collect.checks', 'tracker.collect.outcome', 'tracker.collect.values']"
