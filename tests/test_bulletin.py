"""The 催报 list and the quarterly bulletin, read back cell by cell (openpyxl) and table by table
(python-docx). The figures come from the hand-worked returns of test_status.add_sample_returns."""

from __future__ import annotations

import re
import zipfile
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from support.status_data import (
    YEAR,
    FakeRegistry,
    add_sample_returns,
    default_config,
    make_plan,
    with_sample_returns,
)

from tracker.cli import main
from tracker.periods import Period
from tracker.reports.bulletin import write_bulletin
from tracker.reports.remind import write_remind
from tracker.status import period_status


@pytest.fixture
def status(tmp_path):
    from tracker.store import Store

    s = Store(f"sqlite:///{tmp_path / 't.db'}")
    s.save_plan(make_plan())
    add_sample_returns(s)
    st = period_status(s, s.load_plan(year=YEAR), FakeRegistry(), Period(2007, 1), default_config())
    s.close()
    return st


def config_with_office():
    cfg = default_config()
    cfg["office"].update(name="广州市创建国家知识产权示范城市工作领导小组办公室", contact="王小明",
                         phone="020-12345678", email="ipo@example.gov.cn")
    return cfg


def table_of(ws, header_row):
    """The sheet's table from its header row down, as lists of values."""
    return [[c.value for c in row] for row in ws.iter_rows(min_row=header_row)]


def sheet_has_no_formulas(path) -> bool:
    with zipfile.ZipFile(path) as z:
        return not any("<f>" in z.read(n).decode() or "<f " in z.read(n).decode()
                       for n in z.namelist() if n.startswith("xl/worksheets/"))


# -- 催报 -------------------------------------------------------------------------------------------
def test_remind_xlsx(status, tmp_path):
    path = write_remind(tmp_path / "out" / "r.xlsx", status, config_with_office(), as_of=date(2007, 4, 11))
    wb = openpyxl.load_workbook(path)
    ws = wb["催报名单"]
    assert ws["A1"].value == "2007年第一季度工作进展情况未报送单位催报名单"
    assert "截止日期: 2007-04-10" in ws["A2"].value and "未报送单位 2 个" in ws["A2"].value
    assert "联系人: 王小明" in ws["A3"].value and "020-12345678" in ws["A3"].value
    assert table_of(ws, 4) == [
        ["编号", "单位", "本单位角色", "任务编号", "序号", "工作内容", "截止日期", "联系人", "联系电话", "电子邮箱"],
        [1, "天河区政府", "牵头", "2007-003", 3, "各区设立专项资金", "2007-04-10", None, None, None],
        [2, "市财政局", "参与", "2007-003", 3, "各区设立专项资金", "2007-04-10", None, None, None],
        [2, "市财政局", "牵头", "2007-004", 4, "市财政设立专项资金", "2007-04-10", None, None, None],
    ]
    # print-ready: header frozen and repeated, A4 landscape, filter over the table
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.auto_filter.ref == "A4:J7"
    assert ws["F5"].alignment.wrap_text


def test_remind_nobody_missing(tmp_path):
    st = {"label": "2007年第一季度", "due": "2007-04-10", "missing": [], "missing_detail": []}
    path = write_remind(tmp_path / "r.xlsx", st, default_config())
    ws = openpyxl.load_workbook(path)["催报名单"]
    assert ws["A4"].value == "编号" and ws["A5"].value == "全部单位均已报送。"
    assert "联系人" not in ws["A3"].value  # no contact configured: no empty labels


# -- 季度通报 xlsx ------------------------------------------------------------------------------------
def test_bulletin_xlsx(status, tmp_path):
    xlsx, docx_path = write_bulletin(tmp_path / "b", status, config_with_office(), as_of=date(2007, 4, 20))
    assert xlsx.name == "2007Q1-季度通报.xlsx" and docx_path.name == "2007Q1-季度通报.docx"
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["报送情况", "分类进度", "滞后任务", "任务进度"]
    ws = wb["报送情况"]
    assert ws["A1"].value == "2007年第一季度报送情况"
    assert table_of(ws, 3) == [
        ["序号", "单位", "报送日期", "情况"],
        [1, "市知识产权局", "2007-04-08", "按时"],
        [2, "越秀区政府", "2007-04-09", "按时"],
        [3, "市科技局", "2007-04-15", "逾期5天"],
        [4, "天河区政府", None, "未报送"],
        [5, "市财政局", None, "未报送"],
    ]
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$3:$3" and ws.freeze_panes == "A4"
    assert table_of(wb["分类进度"], 3) == [
        ["类号", "项目分类", "任务数", "平均完成度(%)", "正常", "预警", "滞后"],
        ["一", "建立健全管理体系", 2, 60, 1, 1, 0],
        ["二", "加大资金扶持", 2, 15, 1, 0, 1],
        ["三", "加强宣传培训", 1, 10, 0, 0, 1],
    ]
    assert table_of(wb["滞后任务"], 3) == [
        ["序号", "工作内容", "牵头单位", "完成进度(%)", "进展状态", "存在问题"],
        [4, "市财政设立专项资金", "市财政局", "未报送", "未报送", None],
        [5, "举办知识产权培训班", "市科技局", 10, "无法按期完成", "市科技局: =1+2 资金未到位"],
    ]
    details = table_of(wb["任务进度"], 3)
    assert [r[7] for r in details[1:]] == ["正常", "预警", "正常", "滞后", "滞后"]
    # a department's text starting with "=" stays text, never a formula
    assert sheet_has_no_formulas(xlsx)


# -- 季度通报 docx ------------------------------------------------------------------------------------
def cell_texts(table):
    return [[c.text for c in row.cells] for row in table.rows]


def test_bulletin_docx(status, tmp_path):
    _, path = write_bulletin(tmp_path / "b", status, config_with_office(), as_of=date(2007, 4, 20))
    doc = Document(str(path))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "关于2007年第一季度工作分解任务推进情况的通报"
    heads = [p for p in paras if p[:2] in ("一、", "二、", "三、")]
    assert heads == ["一、报送情况", "二、各类任务推进情况", "三、滞后任务"]
    # the late and missing units named in the text, full-width punctuation, Chinese dates
    assert any("逾期报送1个" in p and "逾期报送的单位：市科技局" in p and "未报送的单位：天河区政府、市财政局" in p
               for p in paras)
    assert "各责任单位：" in paras
    assert any("报送截止日期为2007年4月10日" in p for p in paras)
    body = "".join(paras[:paras.index("附件")])
    assert not re.search(r"[,:;()]|\d{4}-\d\d-\d\d", body), body
    # 附件 note, the 落款 and its date, then the attachment on a new page
    i = paras.index("广州市创建国家知识产权示范城市工作领导小组办公室")
    assert paras[i + 1] == "2007年4月20日"
    assert "附件：2007年第一季度各单位报送情况一览表" in paras[:i]
    assert paras[paras.index("附件") + 1] == "2007年第一季度各单位报送情况一览表"
    cats_t, red_t, returns_t = doc.tables
    assert cell_texts(returns_t) == [
        ["序号", "单位", "报送日期", "情况"],
        ["1", "市知识产权局", "2007年4月8日", "按时"],
        ["2", "越秀区政府", "2007年4月9日", "按时"],
        ["3", "市科技局", "2007年4月15日", "逾期5天"],
        ["4", "天河区政府", "", "未报送"],
        ["5", "市财政局", "", "未报送"],
    ]
    assert cell_texts(cats_t)[1:] == [["一", "建立健全管理体系", "2", "60", "1", "1", "0"],
                                      ["二", "加大资金扶持", "2", "15", "1", "0", "1"],
                                      ["三", "加强宣传培训", "1", "10", "0", "0", "1"]]
    assert cell_texts(red_t)[2] == ["5", "举办知识产权培训班", "市科技局", "10", "无法按期完成",
                                    "市科技局: =1+2 资金未到位"]
    # LibreOffice and WPS lay out by the table grid, Word by the cell widths: both say the same,
    # and the table is as wide as the text block (156 mm)
    from docx.shared import Mm

    grid = [int(c.get(qn("w:w"))) for c in returns_t._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid) / 56.7 - 156) < 1  # 56.7 twips per mm
    assert abs(returns_t.rows[1].cells[1].width - Mm(75)) < Mm(0.1)
    # header rows repeat on every page
    for t in doc.tables:
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert_gbt9704(doc, "2007年4月20日")


def assert_gbt9704(doc, day: str) -> None:
    """The layout of GB/T 9704, read back from the docx (also used by the inspection report test)."""
    from docx.enum.text import WD_LINE_SPACING

    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (sec.top_margin, sec.left_margin, sec.bottom_margin, sec.right_margin)] \
        == [37, 28, 35, 26]

    def east_asia(el):
        return el.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    normal = doc.styles["Normal"]
    assert east_asia(normal.element) == "仿宋_GB2312" and normal.font.size.pt == 16
    pf = normal.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY and 28 <= pf.line_spacing.pt <= 29
    title = doc.paragraphs[0]
    assert title.runs[0].font.size.pt == 22 and east_asia(title.runs[0]._r) == "方正小标宋简体"
    h1 = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
    assert east_asia(h1.runs[0]._r) == "黑体" and h1.runs[0].font.size.pt == 16
    assert east_asia(doc.styles["Heading 2"].element) == "楷体_GB2312"
    body = next(p for p in doc.paragraphs[2:] if p.style.name == "Normal" and p.runs and len(p.text) > 30)
    assert east_asia(body.runs[0]._r) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    # page numbers: a PAGE field, "— n —", 4号 宋体, right on odd pages, left on even pages
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p.alignment == getattr(WD_ALIGN_PARAGRAPH, align.upper())
        xml = p._p.xml
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert xml.count('w:fldCharType="begin"') == 1 and xml.count('w:fldCharType="end"') == 1
        assert p.text.startswith("\u2014 ") and p.text.endswith(" \u2014")
        assert all(r.font.size.pt == 14 and east_asia(r._r) == "宋体" for r in p.runs)
    # the 落款's date, right-aligned, in the one Chinese form
    dated = [p for p in doc.paragraphs if p.text == day]
    assert dated and dated[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # fallbacks declared in the font table
    ft = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert '"方正小标宋简体"' in ft.blob.decode() and 'w:altName w:val="宋体"' in ft.blob.decode()


def test_bulletin_docx_without_red_items(status, tmp_path):
    for d in status["item_details"]:
        d["light"] = "green"
    _, path = write_bulletin(tmp_path / "b", status, default_config())
    doc = Document(str(path))
    assert len(doc.tables) == 2  # categories and the attachment
    assert "本季度无滞后任务。" in [p.text for p in doc.paragraphs]


# -- CLI --------------------------------------------------------------------------------------------
@pytest.fixture
def ws(workspace):
    return with_sample_returns(workspace)


def test_cli_remind_and_bulletin_default_paths(ws):
    runner = CliRunner()
    r = runner.invoke(main, ["remind", "2007Q1", "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    path = ws.root / "outbox" / "2007Q1-催报名单.xlsx"
    rows = table_of(openpyxl.load_workbook(path)["催报名单"], 5)
    assert sorted({row[1] for row in rows}) == sorted(["天河区政府", "市财政局"])
    r = runner.invoke(main, ["bulletin", "2007Q1", "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    out = ws.root / "reports" / "2007Q1"
    doc = Document(str(out / "2007Q1-季度通报.docx"))
    assert doc.paragraphs[0].text == "关于2007年第一季度工作分解任务推进情况的通报"
    wb = openpyxl.load_workbook(out / "2007Q1-季度通报.xlsx")
    assert wb["报送情况"]["D6"].value == "逾期5天"


def test_cli_remind_output_option(ws, tmp_path):
    target = tmp_path / "x" / "催报.xlsx"
    r = CliRunner().invoke(main, ["remind", "2007Q1", "-o", str(target), "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    assert openpyxl.load_workbook(target)["催报名单"]["B5"].value == "天河区政府"


def test_red_collective_item_names_the_collective_and_member_problems(status, tmp_path):
    """Item 3 is led by 各区政府 (越秀区政府 + 天河区政府): the red list names the collective as the
    plan writes it, and the problems member by member."""
    d3 = next(d for d in status["item_details"] if d["number"] == 3)
    d3["light"] = "red"
    d3["lead_returns"][0]["problems"] = "资金未落实"
    xlsx, docx_path = write_bulletin(tmp_path / "b", status, default_config())
    rows = table_of(openpyxl.load_workbook(xlsx)["滞后任务"], 3)
    assert rows[1][:3] == [3, "各区设立专项资金", "各区政府"]
    assert rows[1][5] == "越秀区政府: 资金未落实"
    red_t = Document(str(docx_path)).tables[1]
    assert cell_texts(red_t)[1][2] == "各区政府"


def test_bulletin_opening_does_not_repeat_the_year(status, tmp_path):
    """Plan names usually begin with their year ("2007年广州市…"): "根据2007年2007年…" would read wrong."""
    status = {**status, "plan": {**status["plan"], "name": "2007年测试计划"}}
    _, path = write_bulletin(tmp_path / "b", status, default_config())
    opening = [p.text for p in Document(str(path)).paragraphs if p.text.startswith("根据")]
    assert opening and opening[0].startswith("根据2007年测试计划的要求")
