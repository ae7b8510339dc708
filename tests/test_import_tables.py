"""Decomposition tables in every tabular form a clerk makes them: xlsx, xls, ods, csv, docx.

Each test builds the file the way a clerk would (tests/clerk.py: openpyxl, python-docx, the csv
module, LibreOffice), imports it, and compares every item — category, number, content, lead and
participant cells — with what the clerk wrote.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import clerk
from support.clerk import ITEMS, TITLE, Grid
from support.paths import SAMPLES, seed

from tracker.importers import extract, import_plan
from tracker.importers.table import Sheet, cell_text, header_role, rows_from_sheets
from tracker.plan_builder import build_plan
from tracker.problems import Problems

WANT = [i.key() for i in ITEMS]


def imported(path: Path, **kw):
    plan, problems = import_plan(path, **kw)
    return plan, problems


# -- xlsx ------------------------------------------------------------------------------------------
WORDINGS = [
    ["类号", "项目分类", "序号", "工作内容", "负责单位", "参与单位"],
    ["类别编号", "任务类别", "编号", "具体工作任务", "牵头单位", "配合单位"],
    ["类号", "分类", "序 号", "工 作 内 容", "负责\n单位", "协办\n单位"],
    ["类号", "类别", "序号", "任务内容", "主办单位", "参与部门"],
    ["类号", "项目分类", "序号", "主要任务", "牵头部门", "配合部门"],
]


@pytest.mark.parametrize("words", WORDINGS, ids=lambda w: w[3].replace(" ", ""))
def test_title_row_and_header_wording(tmp_path, words):
    path = clerk.write_xlsx(tmp_path / "分解表.xlsx", [clerk.merged_categories(ITEMS, header_words=words)])
    plan, problems = imported(path)
    assert clerk.plan_keys(plan) == WANT
    assert plan.year == 2007 and plan.name == TITLE
    assert plan.format == "xlsx"
    assert not problems.errors and not problems.warnings


def test_title_rows_lower_down_and_attachment_line(tmp_path):
    """附件 line, blank rows, then the title, then the header on row 6."""
    g = clerk.merged_categories(ITEMS, start_row=3)
    g.rows[0] = ["附件2"]
    path = clerk.write_xlsx(tmp_path / "a.xlsx", [g])
    plan, _ = imported(path)
    assert clerk.plan_keys(plan) == WANT
    assert plan.name == TITLE


def test_where_names_file_sheet_row_and_cells(tmp_path):
    path = clerk.write_xlsx(tmp_path / "gz.xlsx", [clerk.merged_categories(ITEMS, name="分解表")])
    raw = extract(path)
    first = raw.rows[0].where
    assert (first.file, first.sheet, first.row) == ("gz.xlsx", "分解表", 3)
    assert first.cells == {"category_no": "A3", "category": "B3", "number": "C3", "content": "D3",
                           "lead": "E3", "participants": "F3"}
    assert raw.rows[4].where.cells["lead"] == "E7"
    assert raw.title == TITLE


def test_merged_category_and_lead_cells(tmp_path):
    path = clerk.write_xlsx(tmp_path / "m.xlsx", [clerk.merged_categories(ITEMS, merge_leads=True)])
    # the clerk really merged them: 类号 and 项目分类 over items 3-5, 负责单位 over items 3-4
    import openpyxl

    merged = {str(r) for r in openpyxl.load_workbook(path).active.merged_cells.ranges}
    assert {"A5:A7", "B5:B7", "E5:E6", "A1:F1"} <= merged
    plan, _ = imported(path)
    assert clerk.plan_keys(plan) == WANT
    assert [i.lead for i in plan.items[2:4]] == [["市知识产权局"], ["市知识产权局"]]
    assert {i.category_no for i in plan.items[2:5]} == {"二"}


@pytest.mark.parametrize("merged", [True, False], ids=["merged-across", "one-cell"])
@pytest.mark.parametrize("words", [["序号", "工作内容", "责任单位", "协办单位"],
                                   ["编 号", "任务内容", "主办单位", "参与部门"]], ids=["责任", "主办"])
def test_section_row_categories(tmp_path, merged, words):
    g = clerk.section_rows(ITEMS, words=words, merged=merged)
    assert g.rows[2] == ["一、建立健全知识产权管理、协调体系", "", "", ""]
    path = clerk.write_xlsx(tmp_path / "s.xlsx", [g])
    plan, problems = imported(path)
    assert clerk.plan_keys(plan) == WANT
    assert not problems.warnings


def test_section_row_in_number_and_content_columns(tmp_path):
    """"一 | 建立健全…" written in the 序号 and 工作内容 cells, with no unit."""
    rows = [["序号", "工作内容", "负责单位", "参与单位"]]
    cat = None
    for it in ITEMS:
        if (it.category_no, it.category) != cat:
            cat = (it.category_no, it.category)
            rows.append([it.category_no, it.category, "", ""])
        rows.append([it.number, it.content, it.lead, it.participants])
    plan, _ = imported(clerk.write_xlsx(tmp_path / "n.xlsx", [Grid("Sheet1", rows, [])]), year=2007)
    assert clerk.plan_keys(plan) == WANT


def test_combined_responsibility_column_means_all_lead(tmp_path):
    rows = [["序号", "工作内容", "责任单位", "完成时限"]]
    rows += [[1, "研究制定《广州市知识产权战略纲要》。", "市知识产权局、市法制办", "2007年底"]]
    plan, _ = imported(clerk.write_xlsx(tmp_path / "c.xlsx", [Grid("Sheet1", rows, [])]), year=2007)
    assert plan.items[0].lead == ["市知识产权局", "市法制办"]
    assert plan.items[0].participants == []
    assert plan.items[0].extra == {"完成时限": "2007年底"}


def test_continued_on_second_sheet_with_header_repeated(tmp_path):
    notes = Grid("说明", [["填表说明"], ["1. 本表由市知识产权局汇总。"]], [])
    g1 = clerk.merged_categories(ITEMS[:4], name="分解表")
    g2 = clerk.merged_categories(ITEMS[4:], name="续表", title=TITLE + "(续表)")
    assert g2.rows[2][0] == "二"  # category 二 goes on from the first sheet
    path = clerk.write_xlsx(tmp_path / "c.xlsx", [notes, g1, g2, Grid("Sheet3", [], [])])
    plan, problems = imported(path)
    assert clerk.plan_keys(plan) == WANT
    assert plan.name == TITLE
    assert [(p.code, p.sheet) for p in problems.warnings] == [("sheet-skipped", "说明")]
    raw = extract(path)
    assert [r.where.sheet for r in raw.rows] == ["分解表"] * 4 + ["续表"] * 3


def test_continued_on_sheet_without_header_and_blank_categories(tmp_path):
    """Sheet2 has only item rows, same width; its category cells are blank: the category goes on."""
    g1 = clerk.merged_categories(ITEMS[:3], name="Sheet1")
    rest = clerk.blank_categories(ITEMS[3:]).rows[1:]
    rest[0][0] = rest[0][1] = ""  # item 4 continues category 二 without repeating it
    path = clerk.write_xlsx(tmp_path / "c.xlsx", [g1, Grid("Sheet2", rest, [])])
    plan, problems = imported(path)
    assert clerk.plan_keys(plan) == WANT
    assert not problems.warnings


def test_extra_columns_kept(tmp_path):
    g = clerk.merged_categories(ITEMS, extra_cols={
        "完成时限": ["2007年12月"] * 7, "备注": ["", "", "", "", "", "", "与工商部门配合"]})
    plan, _ = imported(clerk.write_xlsx(tmp_path / "e.xlsx", [g]))
    assert clerk.plan_keys(plan) == WANT
    assert plan.items[0].extra == {"完成时限": "2007年12月"}
    assert plan.items[6].extra == {"完成时限": "2007年12月", "备注": "与工商部门配合"}


def test_mandatory_column(tmp_path):
    rows = [["序号", "工作内容", "负责单位", "必做/选做"]]
    rows += [[it.number, it.content, it.lead, "必做" if it.number <= 2 else "选做"] for it in ITEMS]
    plan, _ = imported(clerk.write_xlsx(tmp_path / "m.xlsx", [Grid("Sheet1", rows, [])]), year=2007)
    assert [i.mandatory for i in plan.items] == [True, True] + [False] * 5


def test_footnote_rows_blank_rows_whitespace_cells_and_float_numbers(tmp_path):
    g = clerk.merged_categories(ITEMS)
    for r in g.rows[2:]:
        r[2] = float(r[2])  # typed in a number-formatted column: read back as 1.0
        if not r[5]:
            r[5] = "  "  # a space typed in an empty cell
    clerk.insert_row(g, 7, [""] * 6)  # a blank row before category 三
    clerk.insert_row(g, 5, [""] * 6)  # and one inside category 二, under its merged cells
    assert "A5:A8" in g.merges
    g.rows.append(["注:各责任单位于每季度末前报送工作进展。", "", "", "", "", ""])
    g.rows.append(["", "", "", "广州市创建国家知识产权示范城市工作领导小组办公室", "", ""])
    g.merges.append(f"A{len(g.rows) - 1}:F{len(g.rows) - 1}")
    path = clerk.write_xlsx(tmp_path / "f.xlsx", [g])
    plan, problems = imported(path)
    assert clerk.plan_keys(plan) == WANT
    codes = sorted((p.code, p.row) for p in problems.warnings)
    assert codes == [("footnote-row", len(g.rows) - 1), ("footnote-row", len(g.rows))]


def test_hidden_sheet_is_skipped(tmp_path):
    import openpyxl

    path = clerk.write_xlsx(tmp_path / "h.xlsx", [clerk.merged_categories(ITEMS, name="分解表"),
                                                   clerk.merged_categories(ITEMS[:2], name="旧表")])
    wb = openpyxl.load_workbook(path)
    wb["旧表"].sheet_state = "hidden"
    wb.save(path)
    plan, _ = imported(path)
    assert clerk.plan_keys(plan) == WANT


# -- csv -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding,delimiter", [("gbk", ","), ("gb18030", ","), ("utf-8-sig", ","),
                                                ("utf-8", ","), ("utf-8", "\t"), ("gbk", "\t")])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    g = clerk.blank_categories(ITEMS, title=TITLE)
    path = clerk.write_csv(tmp_path / "分解表.csv", g.rows, encoding=encoding, delimiter=delimiter)
    data = path.read_bytes()
    if encoding.startswith("gb"):
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    plan, problems = imported(path)
    assert plan.format == "csv"
    assert clerk.plan_keys(plan) == WANT
    assert plan.year == 2007
    assert not problems.errors


def test_csv_cells_are_named(tmp_path):
    path = clerk.write_csv(tmp_path / "t.csv", clerk.blank_categories(ITEMS).rows)
    raw = extract(path)
    assert raw.rows[1].where.cells["content"] == "D3"
    assert raw.rows[1].where.file == "t.csv"


# -- docx ------------------------------------------------------------------------------------------
def test_docx_table_with_vertical_merges(tmp_path):
    path = clerk.write_docx(tmp_path / "分解表.docx", ITEMS)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert xml.count("<w:vMerge/>") + xml.count('<w:vMerge w:val="continue"/>') >= 8  # Word's merges
    plan, problems = imported(path)
    assert plan.format == "docx"
    assert clerk.plan_keys(plan) == WANT
    assert plan.name == TITLE and plan.year == 2007
    raw = extract(path)
    assert raw.rows[0].where.sheet == "表格1"
    assert raw.rows[0].where.cells["number"] == "C2"


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "no-header"])
def test_docx_table_continued_after_page_break(tmp_path, repeat_header):
    path = clerk.write_docx(tmp_path / "d.docx", ITEMS, split_after=4, repeat_header=repeat_header)
    import docx

    assert len(docx.Document(str(path)).tables) == 2
    plan, _ = imported(path)
    assert clerk.plan_keys(plan) == WANT


def test_docx_merged_lead_over_two_items(tmp_path):
    import docx

    path = clerk.write_docx(tmp_path / "l.docx", ITEMS)
    d = docx.Document(str(path))
    t = d.tables[0]
    t.cell(4, 4).text = ""
    t.cell(3, 4).merge(t.cell(4, 4))  # 负责单位 of items 3 and 4
    for p in t.cell(3, 4).paragraphs[1:]:
        p._p.getparent().remove(p._p)
    d.save(path)
    plan, _ = imported(path)
    assert clerk.plan_keys(plan) == WANT


# -- LibreOffice and old Excel ---------------------------------------------------------------------
@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_resaved_as_xls_and_ods(tmp_path, fmt):
    if clerk.SOFFICE is None:
        pytest.skip(clerk.NO_SOFFICE)
    g1 = clerk.merged_categories(ITEMS[:4], name="分解表", merge_leads=True)
    g2 = clerk.merged_categories(ITEMS[4:], name="续表", title=None)
    src = clerk.write_xlsx(tmp_path / "分解表.xlsx", [g1, g2])
    out = clerk.resave(src, fmt, tmp_path / fmt)
    plan, problems = imported(out)
    assert plan.format == fmt
    assert clerk.plan_keys(plan) == WANT
    assert plan.name == TITLE
    assert extract(out).rows[4].where.sheet == "续表"


# -- the grid logic itself, property-based ---------------------------------------------------------
def _sheet(g: Grid) -> Sheet:
    from openpyxl.utils.cell import range_boundaries

    merges = []
    for m in g.merges:
        c0, r0, c1, r1 = range_boundaries(m)
        merges.append(((r0 - 1, c0 - 1), (r1 - 1, c1 - 1)))
    return Sheet(g.name, [["" if v is None else v for v in r] for r in g.rows], merges)


_units = st.sampled_from(["市知识产权局", "市科技局", "市工商局、市版权局", "各区、县级市政府", "市财政局"])
_cats = st.sampled_from([("一", "建立健全知识产权管理、协调体系"), ("二", "加大政策、资金的引导扶持力度"),
                         ("三", "推进品牌、版权和标准建设"), ("十一", "知识产权信息服务平台建设")])


@st.composite
def plans(draw):
    n = draw(st.integers(1, 12))
    cats = sorted(draw(st.lists(_cats, min_size=1, max_size=4, unique=True)),
                  key=lambda c: ["一", "二", "三", "十一"].index(c[0]))
    cuts = sorted(draw(st.lists(st.integers(1, n), min_size=len(cats) - 1, max_size=len(cats) - 1)))
    items = []
    for i in range(n):
        k = sum(1 for c in cuts if c <= i)
        content = draw(st.text(alphabet="加强知识产权工作,推进企业建设。10家以上", min_size=1, max_size=30))
        items.append(clerk.Item(cats[k][0], cats[k][1], i + 1, content.strip() or "工作", draw(_units),
                                draw(st.one_of(st.just(""), _units))))
    return items


@settings(max_examples=60, deadline=None)
@given(items=plans(), layout=st.sampled_from(["merged", "merged-leads", "section", "blank"]))
def test_grid_layouts_give_back_the_items(items, layout):
    if layout == "section":
        g = clerk.section_rows(items)
    elif layout == "blank":
        g = clerk.blank_categories(items, title=TITLE)
    else:
        g = clerk.merged_categories(items, merge_leads=layout == "merged-leads")
    raw = rows_from_sheets([_sheet(g)], file="p.xlsx", problems=Problems(), fmt="xlsx")
    plan = build_plan(raw, year=2007, name="p")
    assert clerk.plan_keys(plan) == [i.key() for i in items]
    assert raw.title == TITLE


@given(word=st.sampled_from(["工作内容", "负责单位", "参与单位", "序号", "类号", "项目分类", "牵头单位",
                             "具体工作任务"]),
       seps=st.lists(st.sampled_from([" ", "\n", "\u3000", "\r\n", ""]), min_size=8, max_size=8))
def test_header_wording_survives_spaces_and_line_breaks(word, seps):
    spaced = "".join(ch + sep for ch, sep in zip(word, seps, strict=False))
    assert header_role(spaced) == header_role(word) is not None


@given(st.integers(-10**6, 10**6))
def test_whole_floats_read_as_integers(n):
    assert cell_text(float(n)) == str(n)
    assert cell_text(n) == str(n)


def test_cell_text_edge_cases():
    assert cell_text(None) == "" and cell_text("  \n ") == "" and cell_text(2.5) == "2.5"
    assert header_role("完成时限") is None and header_role("备注") is None
    assert header_role("任务完成时限") is None
    assert header_role("必做/选做") == "mandatory" and header_role("是否必做") == "mandatory"


# -- the samples -----------------------------------------------------------------------------------
GZ = SAMPLES / "guangzhou-2007.xlsx"
NAT = SAMPLES / "national-2015.xlsx"


def _fields(plan) -> list[tuple]:
    return [(i.category_no, i.category, i.number, i.content, i.lead_raw, i.participants_raw)
            for i in plan.items]


def test_guangzhou_sample_equals_the_seed_table():
    seed004 = seed("004")
    xlsx, xp = import_plan(GZ)
    text, _ = import_plan(seed004)
    assert len(xlsx.items) == 54
    assert len(xlsx.categories()) == 11
    assert xlsx.year == 2007 and xlsx.name == "2007年广州市创建国家知识产权示范城市工作分解表"
    assert _fields(xlsx) == _fields(text)
    a, b = xlsx.to_dict(), text.to_dict()
    assert a["items"] == b["items"] and a["units"] == b["units"]
    assert not xp.warnings


def test_guangzhou_sample_is_laid_out_like_the_offices_own():
    import openpyxl

    wb = openpyxl.load_workbook(GZ)
    assert wb.sheetnames == ["分解表", "续表"]
    for ws in wb:
        assert ws["A2"].value == "类号" and ws["F2"].value == "参与单位"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.print_title_rows == "$1:$2" and ws.freeze_panes == "A3"
        assert ws["D3"].alignment.wrap_text
    s1, s2 = wb["分解表"], wb["续表"]
    assert s1["A1"].value == "2007年广州市创建国家知识产权示范城市工作分解表"
    merged = {str(r) for r in s1.merged_cells.ranges}
    assert {"A1:F1", "A3:A4", "B3:B4"} <= merged  # title across; 类号/项目分类 of 一 over items 1-2
    assert s2["A3"].value == "七\n(续)" and s2["C3"].value == 30  # 七 is split across the sheets
    assert s1.cell(s1.max_row, 3).value == 29 and s2.cell(s2.max_row, 3).value == 54
    assert {r.min_col for r in s2.merged_cells.ranges if r.min_row > 2} == {1, 2}


def test_national_sample():
    plan, _ = import_plan(NAT)
    assert plan.year == 2015
    assert [i.number for i in plan.items] == list(range(1, 10))
    assert [i.mandatory for i in plan.items] == [True] * 4 + [False] * 5
    assert {(i.category_no, i.category) for i in plan.items} == {("", "")}
    assert all(i.lead == ["示范城市知识产权局"] and i.participants == ["国家知识产权局专利管理司"]
               for i in plan.items)
    first = plan.items[0].content
    assert first.startswith("研究制定城市知识产权工作“十三五”规划。各示范城市应将知识产权工作纳入")
    assert "工作要求" not in first and "工作支持" not in first and "工作目标" not in first
    # (四) has two requirement paragraphs: both are in, joined
    assert "增长20%以上" in plan.items[3].content and "调查企业数量不少于200家" in plan.items[3].content
    assert {(t.op, t.value, t.value_max) for t in plan.items[2].targets} >= {("range", 5, 10)}


def test_make_samples_regenerates_the_committed_files(tmp_path):
    seed("004")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES.parents[2] / "sample_plans" / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--out", str(tmp_path)]) == 0
    for name in ("guangzhou-2007.xlsx", "national-2015.xlsx"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), \
            f"{name} is stale: run python sample_plans/make_samples.py"


_cell = st.one_of(st.just(""), st.sampled_from(["序号", "工作内容", "负责单位", "参与单位", "类号", "一、总体",
                                                "注:说明", "1", "2", "1.0", "市知识产权局", " ", "\n"]),
                  st.text(max_size=8), st.integers(-3, 60), st.floats(allow_nan=True), st.none())


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(_cell, max_size=7), max_size=12),
       merges=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 7), st.integers(0, 3), st.integers(0, 3)),
                       max_size=4))
def test_any_grid_gives_rows_or_a_clear_error(rows, merges):
    """Whatever a sheet holds, the grid logic returns raw rows or raises InputError with a code."""
    from tracker.problems import InputError

    sheet = Sheet("S", rows, [((r, c), (r + dr, c + dc)) for r, c, dr, dc in merges])
    try:
        raw = rows_from_sheets([sheet], file="x.xlsx", problems=Problems())
    except InputError as e:
        assert e.problems.errors and all(p.code and p.file == "x.xlsx" for p in e.problems)
        return
    for r in raw.rows:
        assert r.where.sheet == "S" and r.where.row >= 1
        assert isinstance(r.number, str) and isinstance(r.content, str)


def test_two_row_header_splits_a_merged_responsibility_header(tmp_path):
    """"责任单位" merged over "牵头单位 | 配合单位" on the row below; 序号 and 工作内容 merged down."""
    rows = [[TITLE, "", "", "", ""], ["序号", "工作内容", "责任单位", "", "完成时限"],
            ["", "", "牵头单位", "配合单位", ""]]
    rows += [[it.number, it.content, it.lead, it.participants, "2007年底"] for it in ITEMS]
    merges = ["A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3"]
    plan, _ = imported(clerk.write_xlsx(tmp_path / "h2.xlsx", [Grid("Sheet1", rows, merges)]))
    assert [(i.number, i.content, i.lead_raw, i.participants_raw) for i in plan.items] == \
        [(i.number, i.content, i.lead, i.participants) for i in ITEMS]
    assert all(i.extra == {"完成时限": "2007年底"} for i in plan.items)
