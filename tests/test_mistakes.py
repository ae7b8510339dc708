"""Every human mistake of DOMAIN.md "Who uses it" ends in an accepted, normalised value or in a
rejection that names the cell. Each test types into a real template with openpyxl (as Excel/WPS
would save it), collects it through the CLI and reads the store back with ``returns --json``."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from support.collecting import copy_ws, templated_workspace
from support.filling import (
    NO_SOFFICE,
    SOFFICE,
    distinct_values,
    fill,
    resave_formats,
    template_rows,
)

from tracker.cli import main

UNIT = "市知识产权局"  # leads items 2007-001, 003, 010 (two targets) and 025 (one target)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return templated_workspace(tmp_path_factory.mktemp("mis") / "ws", ("2007Q1", "2007Q2"))


@pytest.fixture
def ws(base, tmp_path):
    return copy_ws(base, tmp_path / "ws")


def template(ws, unit=UNIT, period="2007Q1") -> Path:
    return ws.outbox / period / f"{period}-{unit}.xlsx"


def good_values(ws, unit=UNIT, period="2007Q1") -> dict:
    return {r["item"]: distinct_values(3, k) for k, r in enumerate(template_rows(template(ws, unit, period)))}


def filled(ws, tmp_path, name="f.xlsx", unit=UNIT, period="2007Q1", **kw) -> Path:
    kw.setdefault("values", good_values(ws, unit, period))
    return fill(template(ws, unit, period), out=tmp_path / "in" / name, **kw)


def collect(ws, *paths, received="2007-04-08", extra=()):
    r = CliRunner().invoke(main, ["collect", "-w", str(ws.root), *map(str, paths), "--received", received,
                                  "--json", *extra])
    assert r.exit_code in (0, 1), r.output
    return r.exit_code, json.loads(r.stdout)


def returns(ws, unit=UNIT, period="2007Q1") -> dict:
    r = CliRunner().invoke(main, ["returns", "-w", str(ws.root), period, "--unit", unit, "--json"])
    assert r.exit_code == 0, r.output
    return {row["item"]: row for row in json.loads(r.stdout)["rows"]}


def edit(path: Path, fn) -> Path:
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


def problems(result) -> list[tuple[str, str, str]]:
    out = []
    for f in result["rejected"]:
        out += [(p["code"], p["sheet"], p["cell"]) for p in f["problems"]]
    for f in result["accepted"]:
        out += [(p["code"], p["sheet"], p["cell"]) for p in f["warnings"]]
    return out


def only_error(result, code):
    [rej] = result["rejected"]
    errors = [p for p in rej["problems"] if p["severity"] == "error"]
    assert [p["code"] for p in errors] == [code], rej["problems"]
    return errors[0]


# -- progress typed every which way -------------------------------------------------------------------
@pytest.mark.parametrize("typed, stored", [
    ("80%", 80), ("80", 80), (" 80 ", 80), ("８０", 80), ("８０％", 80), ("80 %", 80), (80, 80), (80.0, 80),
    ("0", 0), ("100", 100), (0.55, 55),
])
def test_progress_accepted_and_normalised(ws, tmp_path, typed, stored):
    f = filled(ws, tmp_path, raw={"2007-003": {"完成进度(%)": typed, "进展状态": "推进中" if stored < 100 else "已完成"}})
    code, res = collect(ws, f)
    assert code == 0, res
    assert returns(ws)["2007-003"]["progress"] == stored


def test_fraction_in_percent_cell(ws, tmp_path):
    def percent_cell(wb):
        sh = wb["任务填报"]
        sh["H4"].value, sh["H4"].number_format = 0.8, "0%"  # 80% typed into a percent-formatted cell
        sh["G4"].value = "推进中"
    f = edit(filled(ws, tmp_path), percent_cell)
    assert template_rows(f)[1]["row"] == 4
    code, res = collect(ws, f)
    assert code == 0
    assert returns(ws)[template_rows(f)[1]["item"]]["progress"] == 80
    assert ("progress-fraction", "任务填报", "H4") in problems(res)


@pytest.mark.parametrize("typed, code_", [(120, "progress-out-of-range"), (-5, "progress-out-of-range"),
                                          ("八十", "progress-not-number"), ("120%", "progress-out-of-range"),
                                          ("大约一半", "progress-not-number"), (None, "progress-missing")])
def test_progress_rejected_naming_the_cell(ws, tmp_path, typed, code_):
    f = filled(ws, tmp_path, raw={"2007-010": {"完成进度(%)": typed, "进展状态": "推进中"}})
    row = next(r["row"] for r in template_rows(f) if r["item"] == "2007-010")
    code, res = collect(ws, f)
    assert code == 1
    p = only_error(res, code_)
    assert (p["sheet"], p["cell"]) == ("任务填报", f"H{row}")
    assert "完成进度" in p["message"]
    assert returns(ws) == {}  # the whole file is rejected: nothing of it is stored


def test_status_and_inconsistency(ws, tmp_path):
    f = filled(ws, tmp_path, raw={"2007-001": {"进展状态": "已完成", "完成进度(%)": 60},
                                  "2007-003": {"进展状态": "未启动", "完成进度(%)": 100},
                                  "2007-010": {"进展状态": "完成", "完成进度(%)": 100}})
    code, res = collect(ws, f)
    assert code == 0  # default: [returns] inconsistency = "warning"
    ps = problems(res)
    assert ("inconsistent-done", "任务填报", "H3") in ps and ("inconsistent-not-started", "任务填报", "G4") in ps
    assert ("status-normalised", "任务填报", "G5") in ps
    assert returns(ws)["2007-010"]["status"] == "已完成"
    # configured as an error, the same file is rejected
    cfg = ws.config_path.read_text(encoding="utf-8").replace('inconsistency = "warning"', 'inconsistency = "error"')
    ws.config_path.write_text(cfg, encoding="utf-8")
    f2 = filled(ws, tmp_path, name="g.xlsx", raw={"2007-001": {"进展状态": "已完成", "完成进度(%)": 60}})
    code, res = collect(ws, f2)
    assert code == 1 and only_error(res, "inconsistent-done")["cell"] == "H3"
    f3 = filled(ws, tmp_path, name="h.xlsx", raw={"2007-001": {"进展状态": "差不多了"}})
    code, res = collect(ws, f3)
    assert code == 1 and only_error(res, "status-invalid")["cell"] == "G3"


# -- rows inserted, deleted, duplicated, sorted ---------------------------------------------------------
def test_rows_sorted(ws, tmp_path):
    vals = good_values(ws)

    def reverse(wb):
        sh = wb["任务填报"]
        rows = [[c.value for c in sh[r]] for r in range(3, sh.max_row + 1)]
        for r, values in zip(range(3, sh.max_row + 1), reversed(rows), strict=True):
            for c, v in enumerate(values, start=1):
                sh.cell(r, c).value = v
    f = edit(filled(ws, tmp_path, values=vals), reverse)
    assert [r["item"] for r in template_rows(f)] == ["2007-025", "2007-010", "2007-003", "2007-001"]
    code, res = collect(ws, f)
    assert code == 0 and problems(res) == []
    got = returns(ws)
    assert {i: {k: got[i][k] for k in v} for i, v in vals.items()} == vals


def test_row_inserted_with_a_note(ws, tmp_path):
    def insert(wb):
        sh = wb["任务填报"]
        sh.insert_rows(4)
        sh["I4"] = "补充说明: 本季度另开展了宣传周活动"
    f = edit(filled(ws, tmp_path), insert)
    code, res = collect(ws, f)
    assert code == 0
    assert ("row-without-id", "任务填报", "A4") in problems(res)
    assert set(returns(ws)) == {"2007-001", "2007-003", "2007-010", "2007-025"}


def test_row_inserted_with_another_units_item(ws, tmp_path):
    def insert(wb):
        sh = wb["任务填报"]
        sh.insert_rows(4)
        for c, v in enumerate(["2007-005", "二", "", 5, "市财政设立…", "牵头", "推进中", 50], start=1):
            sh.cell(4, c).value = v
    code, res = collect(ws, edit(filled(ws, tmp_path), insert))
    assert code == 1
    p = only_error(res, "item-unknown")
    assert p["cell"] == "A4" and "2007-005" in p["message"]


def test_row_deleted(ws, tmp_path):
    f = edit(filled(ws, tmp_path), lambda wb: wb["任务填报"].delete_rows(4))
    code, res = collect(ws, f)
    assert code == 1
    assert "2007-003" in only_error(res, "item-missing")["message"]


@pytest.mark.parametrize("same", [True, False])
def test_row_duplicated(ws, tmp_path, same):
    def dup(wb):
        sh = wb["任务填报"]
        src = [c.value for c in sh[4]]
        for c, v in enumerate(src, start=1):
            sh.cell(7, c).value = v
        if not same:
            sh["H7"] = 99
    code, res = collect(ws, edit(filled(ws, tmp_path), dup))
    if same:
        assert code == 0 and ("item-duplicate-same", "任务填报", "A7") in problems(res)
    else:
        assert code == 1 and only_error(res, "item-duplicate")["cell"] == "A7"


def test_locked_cells_changed(ws, tmp_path):
    def change(wb):
        wb["任务填报"]["E3"] = "我们改写了工作内容"
    code, res = collect(ws, edit(filled(ws, tmp_path), change))
    assert code == 0 and ("locked-cell-changed", "任务填报", "E3") in problems(res)

    def renumber(wb):
        wb["任务填报"]["D4"] = 99
    code, res = collect(ws, edit(filled(ws, tmp_path, name="g.xlsx"), renumber))
    assert code == 1 and only_error(res, "item-number-mismatch")["cell"] == "D4"


# -- merged cells, renamed sheet ---------------------------------------------------------------------
def test_merged_cells(ws, tmp_path):
    def merge(wb):
        sh = wb["任务填报"]
        sh["G3"], sh["I3"] = "推进中", "两项合并汇报: 已完成调研"
        sh.merge_cells("G3:G4")
        sh.merge_cells("I3:I4")
    f = edit(filled(ws, tmp_path), merge)
    code, res = collect(ws, f)
    assert code == 0, res
    assert {("merged-cells", "任务填报", "G3"), ("merged-cells", "任务填报", "I3")} <= set(problems(res))
    got = returns(ws)
    for iid in ("2007-001", "2007-003"):
        assert (got[iid]["status"], got[iid]["done"]) == ("推进中", "两项合并汇报: 已完成调研")


def test_sheet_renamed(ws, tmp_path):
    vals = good_values(ws)

    def rename(wb):
        wb["任务填报"].title = "Sheet1"
        wb["指标填报"].title = "指标"
    code, res = collect(ws, edit(filled(ws, tmp_path, values=vals), rename))
    assert code == 0
    assert {("sheet-renamed", "Sheet1", ""), ("sheet-renamed", "指标", "")} <= set(problems(res))
    assert returns(ws)["2007-001"]["done"] == vals["2007-001"]["done"]


# -- target actuals -----------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, stored", [("12.5", 12.5), ("１２", 12.0), ("16%", 16.0), (12.5, 12.5),
                                           ("13万", 130000.0), ("130,000", 130000.0), ("13万件", 130000.0)])
def test_target_actual_normalised(ws, tmp_path, typed, stored):
    f = filled(ws, tmp_path, unit="市工商局", targets={("2007-020", "全市注册商标总量"): {"actual": typed}})
    code, res = collect(ws, f)
    assert code == 0, res
    [t0, t1] = returns(ws, "市工商局")["2007-020"]["targets"]
    assert (t0["metric"], t0["actual"], t1["actual"]) == ("全市注册商标总量", stored, None)


@pytest.mark.parametrize("typed", ["较好", "八十", "约12家左右", "12..5"])
def test_target_actual_rejected(ws, tmp_path, typed):
    f = filled(ws, tmp_path, unit="市工商局", targets={("2007-020", "获得中国驰名商标的商标"): {"actual": typed}})
    code, res = collect(ws, f)
    assert code == 1
    p = only_error(res, "target-not-number")
    assert (p["sheet"], p["cell"]) == ("指标填报", "D4")


# -- files: re-saved, last quarter's, another unit's, forged ------------------------------------------
@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_resaved_as_xls_and_ods_with_mistakes(ws, tmp_path):
    """Workbooks with typed mistakes, re-saved by LibreOffice as .xls and .ods, are read the same."""
    bad = filled(ws, tmp_path, name="bad.xlsx",
                 raw={"2007-001": {"完成进度(%)": "８０%"}, "2007-003": {"完成进度(%)": "120"}})
    good = filled(ws, tmp_path, name="good.xlsx", raw={"2007-001": {"完成进度(%)": "８０%"}})

    def merge(wb):
        sh = wb["任务填报"]
        sh["G3"], sh["H3"] = "推进中", 40
        sh.merge_cells("G3:G4")
        sh.merge_cells("H3:H4")
    merged = edit(filled(ws, tmp_path, name="merged.xlsx"), merge)
    conv = resave_formats([bad, good, merged], ["xls", "ods"], tmp_path / "conv")
    for fmt in ("xls", "ods"):
        code, res = collect(ws, conv[fmt][0])
        assert code == 1
        p = only_error(res, "progress-out-of-range")
        assert (p["sheet"], p["cell"]) == ("任务填报", "H4")
    code, res = collect(ws, conv["ods"][1])
    assert code == 0 and res["accepted"][0]["file"].endswith(".ods")
    assert returns(ws)["2007-001"]["progress"] == 80
    code, res = collect(ws, conv["xls"][1])  # the same data again as .xls: nothing new
    assert code == 0 and res["accepted"][0]["duplicate"] is True
    for fmt in ("xls", "ods"):  # merged cells survive the conversion and still count for both rows
        code, res = collect(ws, conv[fmt][2], received="2007-04-09")
        assert code == 0, res
        assert ("merged-cells", "任务填报", "G3") in problems(res)
        got = returns(ws)
        assert [(got[i]["status"], got[i]["progress"]) for i in ("2007-001", "2007-003")] == [("推进中", 40)] * 2


def test_last_quarters_file_sent_again(ws, tmp_path):
    q1 = filled(ws, tmp_path, name="q1.xlsx")
    code, res = collect(ws, q1, received="2007-04-08")
    assert code == 0
    q2 = filled(ws, tmp_path, name="q2.xlsx", period="2007Q2")
    code, res = collect(ws, q1, q2, received="2007-07-06")  # the Q1 file again, while collecting Q2
    old, new = res["accepted"]
    assert (new["file"], new["period"], new["duplicate"]) == (str(q2), "2007Q2", False)
    # the very same bytes: already accepted, nothing changes, and the office is told what it is
    assert (old["file"], old["period"], old["duplicate"]) == (str(q1), "2007Q1", True)
    assert old["warnings"][0]["code"] == "period-mismatch" and "这是 2007Q1" in old["warnings"][0]["message"]
    # a changed Q1 file (not byte-identical) sent in July is rejected by its period
    q1b = filled(ws, tmp_path, name="q1b.xlsx", raw={"2007-001": {"存在问题": "改过"}})
    code, res = collect(ws, q1b, received="2007-07-06")
    assert code == 1
    p = only_error(res, "period-mismatch")
    assert p["message"].startswith("这是 2007Q1 (2007年第一季度) 的报表") and "2007Q2" in p["message"]
    assert p["cell"] == "A1"
    # collected on purpose as a late return
    code, res = collect(ws, q1b, received="2007-07-06", extra=("--period", "2007Q1"))
    assert code == 0 and res["accepted"][0]["superseded"] is True


def test_another_units_file_forwarded(ws, tmp_path):
    """荔湾区政府 forwards 越秀区政府's file: the identity decides, it is 越秀区政府's return."""
    f = filled(ws, tmp_path, name="荔湾区政府-2007Q1.xlsx", unit="越秀区政府")
    code, res = collect(ws, f)
    assert code == 0 and res["accepted"][0]["unit"] == "越秀区政府"
    assert set(returns(ws, "越秀区政府")) == {"2007-002", "2007-006"}
    assert returns(ws, "荔湾区政府") == {}


@pytest.mark.parametrize("key, new", [("unit", "荔湾区政府"), ("items", "2007-001,2007-003,2007-010,2007-030"),
                                      ("period", "2007Q2")])
def test_forged_identity(ws, tmp_path, key, new):
    def forge(wb):
        sh = wb["_tracker"]
        for row in sh.iter_rows():
            if row[0].value == key:
                row[1].value = new
    f = edit(filled(ws, tmp_path), forge)
    code, res = collect(ws, f)
    assert code == 1
    p = only_error(res, "identity-signature-invalid")
    assert p["sheet"] == "_tracker"
    assert returns(ws) == {}


def test_not_a_template(ws, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "任务填报"
    wb.active.append(["任务编号", "进展状态"])
    wb.save(tmp_path / "own.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(b"this is not a workbook")
    code, res = collect(ws, tmp_path / "own.xlsx", tmp_path / "junk.xlsx")
    assert code == 1
    assert sorted(only_error({"rejected": [r]}, r["problems"][0]["code"])["code"] for r in res["rejected"]) == [
        "identity-missing", "unknown-format"]
