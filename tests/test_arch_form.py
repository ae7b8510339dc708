"""No column label of the template is written outside tracker/form.py (the one form specification).

The rule, over the string constants of every module under tracker/ (found with ``ast``, so the
literal parts of f-strings count too; docstrings do not):

(a) a constant that *is* a label of the template, exactly — a column label of 任务填报 or 指标填报
    or a sheet name (``cols["完成值"]``, ``wb["任务填报"]``, ``"说明"``) — names the column or sheet
    and must come from tracker.form (``TARGET["actual"].label``, ``TASK_SHEET``);
(b) a constant that *contains* a column label of three characters or more ("进展状态未填写",
    "完成进度(%)") states the form in words and must build the text from tracker.form too. The
    two-character labels (类号, 序号, 指标, 说明) are ordinary words of any sentence, and sheet names
    may be named in prose (a comment of the default tracker.toml says where the link shows): both
    are held by (a) only.

Modules whose tables and texts are their own, not the template's, are exempt (EXEMPT, each with
its reason): the plan importers read a plan file's columns (序号, 工作内容, 类号 … are the plan's
headers, which the template copies), the reports write their own tables, i18n and web/strings
translate the texts of the reports and pages.

A newcomer who adds a column or a check reads the labels from tracker.form; this test says where a
label was typed again.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tracker import form

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tracker"

EXEMPT = {
    "tracker/form.py": "the specification itself",
    "tracker/importers/": "a plan file's own headers (序号, 工作内容, 类号, 项目分类, 任务编号 …)",
    "tracker/plan_builder.py": "messages about a plan's rows (序号 …, 工作内容为空)",
    "tracker/reports/": "the reports' own tables and texts",
    "tracker/i18n.py": "translations of the reports' and pages' texts (keys are those texts)",
    "tracker/web/strings.py": "translations of the web pages' texts",
}

COLUMN_LABELS = sorted({c.label for c in form.TASK_COLUMNS + form.TARGET_COLUMNS})
WHOLE = set(COLUMN_LABELS) | set(form.SHEETS)  # rule (a)
CONTAINED = [lb for lb in COLUMN_LABELS if len(lb) >= 3]  # rule (b)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def label_hits(source: str, name: str = "<string>") -> list[str]:
    """``name:line: label in 'constant'`` for every constant of SOURCE the rule forbids."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    hits: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
            continue
        s = node.value
        found = [s] if s in WHOLE else [lb for lb in CONTAINED if lb in s]
        hits += [(node.lineno, f"{name}:{node.lineno}: {lb} in {s[:60]!r}") for lb in found]
    return [h for _line, h in sorted(hits)]


def _exempt(rel: str) -> bool:
    return any(rel == e or (e.endswith("/") and rel.startswith(e)) for e in EXEMPT)


def test_no_template_label_outside_the_form_specification():
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not _exempt(rel):
            hits += label_hits(path.read_text(encoding="utf-8"), rel)
    assert not hits, ("labels of the template written outside tracker/form.py (use tracker.form's "
                      f"columns and sheet names, see this test's docstring): {len(hits)}\n" + "\n".join(hits))


def test_the_rule_catches_a_label_and_spares_docstrings_and_words():
    caught = label_hits('def f(cols, wb):\n    """Reads 完成值 and 任务填报."""\n'
                        '    return cols["完成值"], wb["任务填报"], f"进展状态“{cols}”未填写", "说明"\n')
    assert sorted(h.split(": ", 1)[1].split(" in ")[0] for h in caught) == sorted(["完成值", "任务填报", "进展状态", "说明"])
    # two-character labels and sheet names inside a sentence are words, not references
    assert label_hits('x = "序号 1 的指标说明见填报说明工作表"\n') == []


def test_the_specification_is_whole():
    """Every column has a distinct label and key; the inputs the checks read are the spec's."""
    for columns in (form.TASK_COLUMNS, form.TARGET_COLUMNS):
        assert len({c.label for c in columns}) == len({c.key for c in columns}) == len(columns)
        assert all((c.value is None) == c.input for c in columns)  # a cell is locked xor an input
    assert form.ITEM_FIELDS == ("status", "progress", "done", "problems", "next")
    assert form.TARGET_FIELDS == ("actual", "note")
    assert set(form.STATUS_SYNONYMS.values()) <= set(form.STATUSES)
    assert form.TASK["progress"].validation()["maximum"] == form.PROGRESS_MAX
