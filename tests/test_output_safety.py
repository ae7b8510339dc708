"""Output safety (issue 5): text beginning with = + - @ is written as text, never as a formula, in
every xlsx the tool writes (templates, 催报名单, 季度通报, 年终检查验收 workbook) and by
:func:`tracker.safety.safe_cell_text` for csv.

A plan whose item contents, category and unit names start with "=1+1", "+SUM(A1)", "-2", "@cmd" is
stored; a department's return typed with the same strings (as text) is collected; then each writer
that exists runs through the CLI and every workbook it produced is read back with openpyxl: no cell
may be a formula, and the literal strings must be there. A writer not written yet is skipped with
the reason.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

NASTY = ["=1+1", "+SUM(A1)", "-2", "@cmd"]
NASTY_TEXT = ['=HYPERLINK("http://evil.example/","点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)"]


def nasty_plan(year: int = 2007):
    from tracker.model import Item, Plan, item_id

    items = []
    for n, s in enumerate(NASTY, 1):
        items.append(Item(id=item_id(year, n), number=n, content=s, lead=[s], participants=["市科技局"],
                          lead_raw=s, participants_raw="市科技局", category_no="一", category="=CATEGORY()"))
    items.append(Item(id=item_id(year, 5), number=5, content="正常任务", lead=["市知识产权局"], participants=[],
                      lead_raw="市知识产权局", participants_raw="", category_no="一", category="=CATEGORY()"))
    return Plan(name="=PLAN()", year=year, items=items, source="nasty.xlsx", format="xlsx")


def probe(module: str, attr: str):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not written yet")
    mod = importlib.import_module(module)
    if not hasattr(mod, attr):
        pytest.skip(f"{module}.{attr} is not written yet")
    return getattr(mod, attr)


def run(ws, *args):
    from tracker.cli import main

    res = CliRunner().invoke(main, [*args, "-w", str(ws.root)])
    assert "Traceback" not in res.output
    return res


def cells_of(path: Path):
    import openpyxl

    wb = openpyxl.load_workbook(path)  # not read_only: data_type must be what the file says
    for sh in wb.worksheets:
        for row in sh.iter_rows():
            for c in row:
                if c.value is not None:
                    yield sh.title, c


def assert_no_formula(paths: list[Path]) -> set[str]:
    """Every cell of every workbook is a value; returns the set of string values seen."""
    assert paths, "the writer produced no xlsx"
    seen: set[str] = set()
    for p in paths:
        for sheet, c in cells_of(p):
            assert c.data_type != "f", f"{p.name} {sheet}!{c.coordinate} is a formula: {c.value!r}"
            if isinstance(c.value, str):
                seen.add(c.value)
    return seen


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from tracker.workspace import init_workspace

    w = init_workspace(tmp_path_factory.mktemp("safety") / "ws")
    st = w.store()
    st.save_plan(nasty_plan())
    st.close()
    return w


@pytest.fixture(scope="module")
def templates(ws):
    probe("tracker.templates", "make_templates")
    res = run(ws, "templates", "2007Q1")
    assert res.exit_code == 0, res.output
    return sorted((ws.outbox / "2007Q1").glob("*.xlsx"))


@pytest.fixture(scope="module")
def collected(ws, templates):
    """One unit ("=1+1") returns its workbook with dangerous text typed as text."""
    probe("tracker.collect", "collect")
    import openpyxl

    from tracker.form import FIRST_ROW, HEADER_ROW, TASK_SHEET

    path = next(p for p in templates if "=1+1" in p.name or "1+1" in p.name)
    wb = openpyxl.load_workbook(path)
    sh = wb[TASK_SHEET]
    cols = {c.value: c.column for c in sh[HEADER_ROW + 1] if c.value}
    for r in range(FIRST_ROW + 1, sh.max_row + 1):
        if not sh.cell(r, cols["任务编号"]).value:
            continue
        sh.cell(r, cols["进展状态"]).value = "推进中"
        sh.cell(r, cols["完成进度(%)"]).value = 10
        for label, text in zip(("工作完成情况", "存在问题", "下步计划"), NASTY_TEXT, strict=False):
            cell = sh.cell(r, cols[label])
            cell.value = text
            cell.data_type = "s"  # typed as text ('=…), as Excel stores it
    out = ws.inbox / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    res = run(ws, "collect", str(out), "--received", "2007-04-05")
    assert res.exit_code == 0, res.output
    return out


def test_templates_write_text_not_formulas(templates):
    seen = assert_no_formula(templates)
    for s in NASTY:
        assert s in seen, s  # item content and unit name, literally
    assert "=CATEGORY()" in seen


def test_collect_stores_the_text_literally(ws, collected):
    res = run(ws, "returns", "2007Q1", "--json")
    assert res.exit_code == 0
    import json

    rows = json.loads(res.output)["rows"]
    assert rows and {r["done"] for r in rows} == {NASTY_TEXT[0]}
    assert {r["next"] for r in rows} == {NASTY_TEXT[2]}


def test_remind_writes_text(ws, collected, tmp_path):
    probe("tracker.reports.remind", "write_remind")
    out = tmp_path / "remind.xlsx"
    res = run(ws, "remind", "2007Q1", "-o", str(out))
    assert res.exit_code == 0, res.output
    seen = assert_no_formula([out])
    # the units still missing are named literally
    for s in ["+SUM(A1)", "-2", "@cmd"]:
        assert any(s in v for v in seen), s


def test_bulletin_writes_text(ws, collected, tmp_path):
    probe("tracker.reports.bulletin", "write_bulletin")
    res = run(ws, "bulletin", "2007Q1", "-o", str(tmp_path / "b"))
    assert res.exit_code == 0, res.output
    seen = assert_no_formula(sorted((tmp_path / "b").glob("*.xlsx")))
    assert any(v == "=1+1" or v.startswith("=1+1") for v in seen) or any("=CATEGORY()" in v for v in seen)


def test_inspection_writes_text(ws, collected, tmp_path):
    probe("tracker.reports.inspection.write", "write_report")
    res = run(ws, "report", "2007", "-o", str(tmp_path / "r"), "--as-of", "2008-01-15")
    assert res.exit_code == 0, res.output
    seen = assert_no_formula(sorted((tmp_path / "r").rglob("*.xlsx")))
    assert any(s in seen for s in NASTY), seen


@pytest.mark.parametrize("text,expected", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("@cmd", "'@cmd"), ("-2+3", "'-2+3"),
    ("\t=1", "'\t=1"), ("-2", "-2"), ("+5%", "+5%"), ("-0.5", "-0.5"), ("市知识产权局", "市知识产权局"), ("", ""),
])
def test_safe_cell_text(text, expected):
    from tracker.safety import looks_like_formula, safe_cell_text

    assert safe_cell_text(text) == expected
    assert looks_like_formula(text) == (expected != text)


def test_safe_cell_text_round_trips_through_csv(tmp_path):
    """A csv written with safe_cell_text and opened by LibreOffice shows text, not a computed value."""
    import csv
    import shutil
    import subprocess
    import uuid

    from tracker.safety import safe_cell_text

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    p = tmp_path / "out.csv"
    with open(p, "w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f).writerows([["单位"], *[[safe_cell_text(s)] for s in NASTY]])
    profile = f"/tmp/lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--infilter=CSV:44,34,76",
                        "--convert-to", "xlsx", "--outdir", str(tmp_path), str(p)], check=True, capture_output=True,
                       timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    vals = [c.value for _, c in cells_of(tmp_path / "out.xlsx")]
    assert all(c.data_type != "f" for _, c in cells_of(tmp_path / "out.xlsx"))
    assert 2 not in vals and "2" not in vals  # =1+1 was not computed
