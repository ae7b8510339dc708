"""plan_builder: the checks every importer shares."""

from __future__ import annotations

import pytest

from tracker.model import RawRow, RawTable, Where
from tracker.plan_builder import build_plan, chinese_numeral, guess_year, join_text
from tracker.problems import InputError
from tracker.units import Registry


def table(rows, fmt="xlsx"):
    return RawTable(rows=[RawRow(*r, where=Where(file="t.xlsx", sheet="Sheet1", row=i + 2,
                                                 cells={"number": f"C{i + 2}", "lead": f"E{i + 2}"}))
                          for i, r in enumerate(rows)], source="t.xlsx", format=fmt)


def test_join_text_removes_layout_only():
    assert join_text("工 作 内 容") == "工作内容"
    assert join_text("市知识产\n权局") == "市知识产权局"
    assert join_text("《意见》 (穗府\n[2006]58号)") == "《意见》(穗府[2006]58号)"
    assert join_text("GB/T 29490  standard") == "GB/T 29490 standard"


def test_chinese_numerals():
    assert [chinese_numeral(s) for s in ("一", "十", "十一", "二十三", "九十九", "甲")] == [1, 10, 11, 23, 99, None]


def test_guess_year():
    assert guess_year("2007年广州市创建国家知识产权示范城市工作分解表") == 2007
    assert guess_year("", "plan-2015") == 2015
    assert guess_year("no year") is None


def test_line_break_in_a_spreadsheet_unit_cell_separates_units():
    plan = build_plan(table([("1", "内容", "市知识产权局\n市科技局", "市财政局")]), year=2007, name="p")
    assert plan.items[0].lead == ["市知识产权局", "市科技局"]
    assert plan.items[0].lead_raw == "市知识产权局、市科技局"
    # in box text a line break is layout, inside a name
    plan = build_plan(table([("1", "内容", "市知识产\n权局", "")], fmt="text"), year=2007, name="p")
    assert plan.items[0].lead == ["市知识产权局"]


def test_errors_are_collected_together_with_cells():
    rows = [("1", "甲", "市知识产权局", ""), ("1", "乙", "市科技局", ""), ("3", "丙", "", ""),
            ("", "丁", "市科技局", ""), ("五x", "戊", "市科技局", "")]
    with pytest.raises(InputError) as e:
        build_plan(table(rows), year=2007, name="p")
    codes = [(p.code, p.cell) for p in e.value.problems.errors]
    assert ("duplicate-number", "C3") in codes
    assert ("missing-lead", "E4") in codes
    assert ("missing-number", "C5") in codes
    assert ("bad-number", "C6") in codes
    assert any(c == "missing-number" and "缺少: 2" in p.message
               for (c, _), p in zip(codes, e.value.problems.errors, strict=True))
    assert all(p.file == "t.xlsx" for p in e.value.problems.errors)
    assert all(p.sheet == "Sheet1" for p in e.value.problems.errors if p.cell)


def test_close_spelling_is_a_warning_not_an_error():
    rows = [(str(i), "内容", "市知识产权局", "") for i in range(1, 5)] + [("5", "内容", "市知识产杈局", "")]
    from tracker.problems import Problems

    probs = Problems()
    plan = build_plan(table(rows), year=2007, name="p", registry=Registry(), problems=probs)
    assert len(plan.items) == 5
    assert [(p.code, p.row) for p in probs.warnings] == [("unit-spelling", 6)]
    assert "市知识产权局" in probs.warnings[0].message


def test_footnote_row_is_a_warning():
    from tracker.problems import Problems

    probs = Problems()
    plan = build_plan(table([("1", "内容", "市科技局", ""), ("", "注:本表由办公室负责解释", "", "")]),
                      year=2007, name="p", problems=probs)
    assert len(plan.items) == 1
    assert [p.code for p in probs.warnings] == ["footnote-row"]
