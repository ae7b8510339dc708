"""Templates: written with xlsxwriter, read back cell by cell with openpyxl (and calamine)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from support.filling import (
    NO_SOFFICE,
    SOFFICE,
    fill,
    guangzhou_like_plan,
    make_workspace,
    resave_formats,
    template_rows,
)

from tracker.assignments import assign
from tracker.cli import main
from tracker.files import safe_file_name
from tracker.identity import SHEET, parse_cells, workspace_id
from tracker.templates import HEADERS, STATUSES, TARGET_HEADERS, template_name
from tracker.units import Registry

MEMBERS = ["越秀区", "荔湾区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "萝岗区",
           "增城市", "从化市"]


def run(ws, command, *args):
    return CliRunner().invoke(main, [command, "-w", str(ws.root), *args])


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("tpl") / "ws")
    r = run(ws, "templates", "2007Q1", "--json")
    assert r.exit_code == 0, r.output
    return ws, json.loads(r.stdout)


def test_one_workbook_per_concrete_unit_and_unexpandable_listed(made):
    ws, summary = made
    plan = ws.store().load_plan(year=2007)
    a = assign(plan, Registry.from_config(ws.config()))
    units = sorted(f["unit"] for f in summary["files"])
    assert units == sorted(a.units)
    # the collectives expand to the twelve districts; 各有关单位 and 相关部门 get nothing
    assert {f"{m}政府" for m in MEMBERS} <= set(units)
    assert {f"{m}知识产权局" for m in MEMBERS} <= set(units)
    assert not any("有关" in u or "相关" in u for u in units)
    assert sorted(summary["skipped"]) == sorted(["各有关单位", "相关部门"])
    assert summary["workbooks"] == len(units) == 29
    files = sorted(p.name for p in (ws.outbox / "2007Q1").glob("*.xlsx"))
    assert files == sorted(f"2007Q1-{u}.xlsx" for u in units)


def test_task_sheet_cell_by_cell(made):
    ws, _ = made
    plan = ws.store().load_plan(year=2007)
    a = assign(plan, Registry.from_config(ws.config()))
    for unit in ("市知识产权局", "市科技局", "越秀区政府", "增城市知识产权局"):
        wb = openpyxl.load_workbook(ws.outbox / "2007Q1" / f"2007Q1-{unit}.xlsx")
        sh = wb["任务填报"]
        assert unit in sh["A1"].value and "2007年第一季度" in sh["A1"].value
        assert [c.value for c in sh[2]] == HEADERS
        mine = a.items_of(unit)
        assert sh.max_row == 2 + len(mine)
        for k, (it, role) in enumerate(mine):
            r = 3 + k
            row = [sh.cell(r, c).value for c in range(1, 12)]
            assert row[:6] == [it.id, it.category_no, it.category, it.number, it.content,
                               "牵头" if role == "lead" else "参与"]
            assert row[6:] == [None] * 5  # first quarter: nothing to prefill
            for c in range(1, 12):
                cell = sh.cell(r, c)
                assert cell.protection.locked is (c <= 6), (unit, cell.coordinate)
                assert cell.alignment.wrap_text
        assert sh.protection.sheet is True
        assert not sh.protection.password
        assert sh.freeze_panes == "A3"
        assert sh.print_title_rows == "$2:$2"
        assert sh.page_setup.orientation == "landscape"
        assert int(sh.page_setup.paperSize) == 9
        assert sh.sheet_properties.pageSetUpPr.fitToPage
        assert all(sh.column_dimensions[c].width >= 5 for c in "ABCDEFGHIJK")
        assert sh.column_dimensions["E"].width > sh.column_dimensions["B"].width
        dvs = {str(dv.sqref): dv for dv in sh.data_validations.dataValidation}
        last = 2 + len(mine)
        status = dvs[f"G3:G{last}"]
        assert status.type == "list" and status.formula1 == '"' + ",".join(STATUSES) + '"'
        prog = dvs[f"H3:H{last}"]
        assert prog.type == "whole" and (prog.formula1, prog.formula2) == ("0", "100")


def test_guide_and_target_sheets(made):
    ws, _ = made
    plan = ws.store().load_plan(year=2007)
    wb = openpyxl.load_workbook(ws.outbox / "2007Q1" / "2007Q1-市科技局.xlsx")
    assert wb.sheetnames == ["填报说明", "任务填报", "指标填报", SHEET]
    assert wb[SHEET].sheet_state == "veryHidden"
    guide = {wb["填报说明"].cell(r, 1).value: wb["填报说明"].cell(r, 2).value for r in range(3, 12)}
    assert guide["填报单位"] == "市科技局"
    assert guide["截止日期"] == "2007年4月10日"
    assert "020-8300 0000" in guide["联系方式"]
    assert "进展状态" in guide["填写什么"] and "完成进度" in guide["填写什么"]
    t = wb["指标填报"]
    assert [c.value for c in t[2]] == TARGET_HEADERS
    # 市科技局 leads item 25 (one target) and only joins item 10: only item 25's target is asked for
    it25 = plan.item("2007-025")
    assert [[c.value for c in row] for row in t.iter_rows(min_row=3)] == [
        ["2007-025", it25.targets[0].metric, "≥10家", None, None]]
    assert t["D3"].protection.locked is False and t["E3"].protection.locked is False
    assert t["A3"].protection.locked is True and t["B3"].protection.locked is True
    assert t.protection.sheet and t.print_title_rows == "$2:$2" and t.page_setup.orientation == "landscape"
    # a unit that leads no item with targets has no 指标填报
    assert "指标填报" not in openpyxl.load_workbook(ws.outbox / "2007Q1" / "2007Q1-越秀区政府.xlsx").sheetnames
    # the 工商局 leads item 20 with two targets
    t = openpyxl.load_workbook(ws.outbox / "2007Q1" / "2007Q1-市工商局.xlsx")["指标填报"]
    assert [(r[0].value, r[2].value) for r in t.iter_rows(min_row=3)] == [("2007-020", "≥130000件"),
                                                                          ("2007-020", "≥5件")]


def _identity_of(path: Path):
    import python_calamine as pc

    wb = pc.load_workbook(str(path))
    return parse_cells(wb.get_sheet_by_name(SHEET).to_python()), {
        m.name: str(m.visible) for m in wb.sheets_metadata}


def test_identity_is_signed(made):
    ws, _ = made
    plan = ws.store().load_plan(year=2007)
    ident, vis = _identity_of(ws.outbox / "2007Q1" / "2007Q1-市知识产权局.xlsx")
    assert vis[SHEET].endswith("VeryHidden")
    assert ident.workspace == workspace_id(ws.secret())
    assert (ident.year, ident.plan_version, ident.unit, ident.period) == (2007, plan.version, "市知识产权局", "2007Q1")
    assert ident.items == ["2007-001", "2007-003", "2007-010", "2007-025"]
    assert ident.targets == [("2007-010", 0), ("2007-010", 1), ("2007-025", 0)]
    assert ident.verify(ws.secret())
    assert not ident.verify(b"another workspace's secret")
    ident.unit = "市科技局"
    assert not ident.verify(ws.secret())


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_identity_survives_libreoffice_resave(made, tmp_path):
    ws, _ = made
    src = [ws.outbox / "2007Q1" / f"2007Q1-{u}.xlsx" for u in ("市知识产权局", "越秀区政府", "市工商局")]
    converted = resave_formats(src, ["xls", "ods", "xlsx"], tmp_path)
    for fmt, paths in converted.items():
        for orig, conv in zip(src, paths, strict=True):
            a, _ = _identity_of(orig)
            b, vis = _identity_of(conv)
            assert b == a and b.verify(ws.secret()), (fmt, conv)
            assert not vis[SHEET].endswith(".Visible"), "the identity sheet stays hidden"


def test_unit_filter_alias_and_unknown(made, tmp_path):
    ws, _ = made
    r = run(ws, "templates", "2007Q1", "-o", str(tmp_path / "o"), "--unit", "广州市知识产权局", "--unit", "越秀区政府",
            "--json")
    assert r.exit_code == 0, r.output
    assert [f["unit"] for f in json.loads(r.stdout)["files"]] == ["市知识产权局", "越秀区政府"]
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["2007Q1-市知识产权局.xlsx", "2007Q1-越秀区政府.xlsx"]
    r = run(ws, "templates", "2007Q1", "-o", str(tmp_path / "o2"), "--unit", "市园林局")
    assert r.exit_code == 2 and "市园林局" in r.output
    r = run(ws, "templates", "2007Q9")
    assert r.exit_code == 2
    r = run(ws, "templates", "2008Q1")
    assert r.exit_code == 2 and "2008" in r.output


def test_text_summary_and_progress_bar(made, tmp_path):
    ws, _ = made
    r = run(ws, "templates", "2007Q1", "-o", str(tmp_path / "o"))
    assert r.exit_code == 0
    assert "已生成 29 个填报模板" in r.stdout
    assert "各有关单位" in r.stdout and "相关部门" in r.stdout
    assert "生成模板" in r.stderr  # the progress bar's label (29 workbooks)


def test_prefilled_with_previous_quarter(made, tmp_path):
    ws, _ = made
    src = ws.outbox / "2007Q1" / "2007Q1-市工商局.xlsx"
    vals = {"2007-020": {"status": "推进中", "progress": 30, "done": "完成商标培训\n两次", "problems": "无",
                         "next": "继续"}}
    tg = {("2007-020", "全市注册商标总量"): {"actual": 120000, "note": "截至3月"}}
    f = fill(src, vals, tg, out=tmp_path / "in" / src.name)
    r = run(ws, "collect", str(f), "--received", "2007-04-05", "--json")
    assert r.exit_code == 0, r.output
    r = run(ws, "templates", "2007Q2", "-o", str(tmp_path / "q2"), "--unit", "市工商局", "--unit", "市财政局")
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(tmp_path / "q2" / "2007Q2-市工商局.xlsx")
    row = [c.value for c in wb["任务填报"][3]]
    assert row[0] == "2007-020" and row[6:] == ["推进中", 30, "完成商标培训\n两次", "无", "继续"]
    t = wb["指标填报"]
    assert [c.value for c in t[3]][3:] == [120000, "截至3月"]
    assert [c.value for c in t[4]][3:] == [None, None]
    # another unit has nothing to carry over; Q1 templates are never prefilled by Q1 returns
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "q2" / "2007Q2-市财政局.xlsx")["任务填报"][3]][6:] == \
        [None] * 5
    r = run(ws, "templates", "2007Q1", "-o", str(tmp_path / "q1"), "--unit", "市工商局")
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "q1" / "2007Q1-市工商局.xlsx")["任务填报"][3]][6:] == \
        [None] * 5


def test_safe_file_names():
    import hashlib

    def mark(s):
        return "~" + hashlib.sha256(s.encode()).hexdigest()[:8]
    assert safe_file_name('市"知识"产权局/办公室') == "市_知识_产权局_办公室" + mark('市"知识"产权局/办公室')
    assert safe_file_name("a:b*c?d<e>f|g\\h") == "a_b_c_d_e_f_g_h" + mark("a:b*c?d<e>f|g\\h")
    assert safe_file_name("CON") == "_CON" + mark("CON")
    assert safe_file_name("con.txt").startswith("_con")
    assert safe_file_name("单位. ") == "单位" + mark("单位. ")
    assert safe_file_name("..") == "_" + mark("..")
    assert template_name("2007Q1", "越秀区政府") == "2007Q1-越秀区政府.xlsx"  # nothing to change: as it was


def test_template_rows_match_plan_for_every_unit(made):
    ws, summary = made
    plan = guangzhou_like_plan()
    for f in summary["files"]:
        rows = template_rows(f["file"])
        assert len(rows) == f["items"]
        for r in rows:
            it = plan.item(r["item"])
            assert r["number"] == it.number and r["content"] == it.content
            assert r["role"] == ("牵头" if f["unit"] in {u for n in it.lead for u in
                                                        Registry.from_config(ws.config()).expand(n)} else "参与")
