"""Decomposition tables laid out the way other cities lay theirs out (issue 11), made the way a
clerk makes them: openpyxl workbooks (as Excel saves them), python-docx documents (as Word saves
them), a government web page, a web archive, and PDFs printed from Word and Excel with LibreOffice.

Every builder writes into a folder given by the test (``tmp_path``). ``python tests/plan_forms.py``
regenerates the committed fixtures in ``tests/fixtures/plans/`` that need LibreOffice (the PDFs and
the "save as HTML" page), so the tests run without it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]  # tests/
FIXTURES = HERE / "fixtures" / "plans"
SOFFICE = shutil.which("soffice")
TITLE = "2016年某市知识产权强市建设工作任务分解表"


def _xlsx(path: Path, rows: list[list], merges: list[str] = (), sheet: str = "分解表",
          widths=(6, 40, 30, 14, 14, 14, 14)) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    thin = Side(style="thin")
    width = max(len(r) for r in rows)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=None if v == "" else v)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if r > 1:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for c in range(len(row) + 1, width + 1):
            ws.cell(row=r, column=c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for m in merges:
        ws.merge_cells(m)
    for c, w in enumerate(widths[:width], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # 打印: 所有列调整为一页
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# -- lead marks in a single 责任单位 column ---------------------------------------------------------
LEAD_MARK_ROWS = [
    [1, "建立知识产权联席会议制度,每季度召开1次会议。", "市知识产权局（牵头）、市科技局、市财政局", "2016年6月"],
    [2, "开展专利行政执法专项行动3次以上。", "市知识产权局(牵头),市公安局", "全年"],
    [3, "培育知识产权示范企业10家以上。", "牵头：市经信委；配合：市知识产权局、市科技局", "2016年底"],
    [4, "建设知识产权公共服务平台。", "★市科技局、市知识产权局", ""],
    [5, "加强知识产权人才培养,培训500人次。", "市人社局*、市教育局", ""],
    [6, "推进商标品牌战略。", "市工商局", ""],
]


def lead_marks_xlsx(d: Path) -> Path:
    rows = [[TITLE, "", "", ""], ["序号", "工作任务", "责任单位", "完成时限"]] + LEAD_MARK_ROWS
    return _xlsx(d / "lead_marks.xlsx", rows, ["A1:D1"])


FIRST_LEADS_ROWS = [
    [1, "制定知识产权强市建设实施方案。", "市知识产权局、市发改委、市财政局"],
    [2, "完善专利资助和奖励政策。", "市财政局、市知识产权局"],
    [3, "开展知识产权宣传周活动。", "市委宣传部、市知识产权局、各区政府"],
]


def first_leads_xlsx(d: Path, *, note: str | None = "（排在第一位的为牵头单位）") -> Path:
    """A single 责任单位 column; the note in the header cell (or none at all)."""
    header = "责任单位" + (note or "")
    rows = [[TITLE, "", ""], ["序号", "工作内容", header]] + FIRST_LEADS_ROWS
    return _xlsx(d / ("first_leads.xlsx" if note else "no_note.xlsx"), rows, ["A1:C1"])


def first_leads_docx(d: Path) -> Path:
    """The note as a Word paragraph under the table ("注：…第一个为牵头单位。")."""
    import docx

    doc = docx.Document()
    doc.add_paragraph(TITLE)
    t = doc.add_table(rows=1 + len(FIRST_LEADS_ROWS), cols=3)
    t.style = "Table Grid"
    for c, h in enumerate(["序号", "工作内容", "责任单位"]):
        t.cell(0, c).text = h
    for r, row in enumerate(FIRST_LEADS_ROWS, 1):
        for c, v in enumerate(row):
            t.cell(r, c).text = str(v)
    doc.add_paragraph("注：责任单位有多个的, 第一个为牵头单位。")
    p = d / "first_leads.docx"
    doc.save(p)
    return p


# -- header families ---------------------------------------------------------------------------------
def header_families_xlsx(d: Path) -> Path:
    """重点任务 (the category, merged over its items) | 序号 | 具体措施 | 牵头部门 | 配合部门 | 任务类型
    (必做/选做) | 时间节点 | 备注."""
    head = ["重点任务", "序号", "具体措施", "牵头部门", "配合部门", "任务类型", "时间节点", "备注"]
    rows = [[TITLE] + [""] * 7, head,
            ["一、健全工作机制", 1, "调整充实市知识产权工作领导小组。", "市知识产权局", "市编办", "必做", "2016年3月", ""],
            ["", 2, "建立知识产权工作考核制度。", "市知识产权局", "市考评办", "必做", "2016年6月", "纳入绩效考核"],
            ["二、强化知识产权保护", 3, "开展打击侵权假冒专项行动2次以上。", "市知识产权局", "市公安局、市工商局",
             "选做", "全年", ""],
            ["", 4, "建立知识产权维权援助中心。", "市知识产权局", "市司法局", "选做", "2016年底", ""]]
    return _xlsx(d / "header_families.xlsx", rows, ["A1:H1", "A3:A4", "A5:A6"],
                 widths=(16, 6, 36, 14, 16, 8, 10, 12))


def kind_is_category_xlsx(d: Path) -> Path:
    """任务类型 holding category names (制度建设, 执法保护): the category, not 必做/选做."""
    rows = [["序号", "任务类型", "工作内容", "牵头单位", "配合单位"],
            [1, "制度建设", "出台知识产权强市建设意见。", "市知识产权局", "市法制办"],
            [2, "制度建设", "修订专利资助办法。", "市知识产权局", "市财政局"],
            [3, "执法保护", "开展展会知识产权保护。", "市知识产权局", "市商务局"]]
    return _xlsx(d / "kind_category.xlsx", rows)


def odd_headers_xlsx(d: Path) -> Path:
    """Headers no guess reads (措施内容 / 主责 / 协同): for the explicit mapping."""
    rows = [["项", "措施内容", "主责", "协同"],
            [1, "建立重点产业专利导航机制。", "市知识产权局", "市发改委"],
            [2, "培育知识产权服务机构5家。", "市科技局", "市知识产权局"]]
    return _xlsx(d / "odd_headers.xlsx", rows)


# -- numbering ---------------------------------------------------------------------------------------
def restart_numbers_xlsx(d: Path) -> Path:
    """Numbers that restart at 1 in each category (category merged over its items)."""
    rows = [["类别", "序号", "工作内容", "牵头单位", "配合单位"],
            ["一、创造", 1, "全市专利申请量增长15%以上。", "市知识产权局", "各区政府"],
            ["", 2, "发明专利申请量达到3000件以上。", "市知识产权局", "市科技局"],
            ["", 3, "培育高价值专利组合5个。", "市科技局", "市知识产权局"],
            ["二、运用", 1, "专利权质押融资金额增长20%以上。", "市金融办", "市知识产权局"],
            ["", 2, "建设专利运营平台1个。", "市知识产权局", "市财政局"]]
    return _xlsx(d / "restart_numbers.xlsx", rows, ["A2:A4", "A5:A6"], widths=(12, 6, 40, 16, 16))


def written_numbers_xlsx(d: Path) -> Path:
    """Numbers written 1.1 / （1） / ① / 第1项 / 1-1, one form per category; the form is kept."""
    rows = [["类号", "项目分类", "序号", "工作内容", "负责单位"],
            ["一", "制度", "1.1", "出台知识产权强市建设意见。", "市知识产权局"],
            ["一", "制度", "1.2", "修订专利资助办法。", "市财政局"],
            ["二", "保护", "（1）", "开展执法专项行动。", "市知识产权局"],
            ["二", "保护", "（2）", "建设维权援助中心。", "市司法局"],
            ["三", "运用", "①", "推进专利权质押融资。", "市金融办"],
            ["三", "运用", "②", "建设专利运营平台。", "市知识产权局"],
            ["四", "服务", "第1项", "培育服务机构5家。", "市科技局"],
            ["五", "人才", "1-1", "培训知识产权人才500人次。", "市人社局"],
            ["五", "人才", "1．", "引进高层次人才10名。", "市人社局"]]
    return _xlsx(d / "written_numbers.xlsx", rows, widths=(6, 10, 8, 36, 16))


def three_levels_xlsx(d: Path) -> Path:
    """一、 › （一） › 1. : section rows of two styles merged across, items numbered on through."""
    rows = [[TITLE, "", "", ""], ["序号", "工作内容", "牵头单位", "配合单位"],
            ["一、加强知识产权创造", "", "", ""],
            ["（一）提升专利质量", "", "", ""],
            [1, "开展专利质量提升工程。", "市知识产权局", "市科技局"],
            [2, "发明专利授权量增长10%以上。", "市知识产权局", "各区政府"],
            ["（二）培育商标品牌", "", "", ""],
            [3, "新增中国驰名商标2件以上。", "市工商局", "市经信委"],
            ["二、促进知识产权运用", "", "", ""],
            ["（一）推动成果转化", "", "", ""],
            [4, "建设技术转移中心1个。", "市科技局", "市知识产权局"]]
    merges = ["A1:D1"] + [f"A{r}:D{r}" for r in (3, 4, 7, 9, 10)]
    return _xlsx(d / "three_levels.xlsx", rows, merges, widths=(8, 40, 16, 16))


def not_items_xlsx(d: Path) -> Path:
    """Rows that are not items: a spacer, the header repeated, "一（续）", 合计/共N项, "备注：…"."""
    head = ["类号", "项目分类", "序号", "工作内容", "负责单位", "参与单位"]
    rows = [[TITLE] + [""] * 5, head,
            ["一", "建立健全工作体系", 1, "完善知识产权工作协调机制。", "市知识产权局", "各有关单位"],
            ["", "", "", "", "", ""],
            ["一", "建立健全工作体系", 2, "落实区县知识产权管理机构。", "各区政府", ""],
            head,
            ["一（续）", "", "", "", "", ""],
            ["", "", 3, "建立知识产权统计制度。", "市统计局", "市知识产权局"],
            ["二", "加大保护力度", 4, "开展专利执法检查。", "市知识产权局", "市公安局"],
            ["合计", "", "", "共4项", "", ""],
            ["备注：本表由市知识产权局负责解释。", "", "", "", "", ""]]
    merges = ["A1:F1", "A7:F7", "A11:F11"]
    return _xlsx(d / "not_items.xlsx", rows, merges, widths=(6, 16, 6, 36, 16, 16))


def full_width_sections_xlsx(d: Path) -> Path:
    """Categories only as section rows written with full-width brackets "（一）建立…", the category
    name repeated in a 任务类别 column under a "一、…" row."""
    rows = [["序号", "任务类别", "工作内容", "负责单位"],
            ["一、建立工作体系", "", "", ""],
            [1, "建立工作体系", "完善协调机制。", "市知识产权局"],
            [2, "建立工作体系", "充实工作力量。", "市编办"],
            ["（一）专项行动", "", "", ""],
            [3, "", "开展执法专项行动。", "市知识产权局"]]
    return _xlsx(d / "full_width_sections.xlsx", rows, ["A2:D2", "A5:D5"], widths=(8, 16, 36, 16))


def no_number_xlsx(d: Path) -> Path:
    rows = [["工作内容", "负责单位", "参与单位"],
            ["建立知识产权联席会议制度。", "市知识产权局", "市科技局"],
            ["开展知识产权宣传周活动。", "市委宣传部", "市知识产权局"],
            ["培育知识产权优势企业20家。", "市经信委", ""]]
    return _xlsx(d / "no_number.xlsx", rows, widths=(40, 16, 16))


# -- web pages -----------------------------------------------------------------------------------------
GOV_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某市人民政府办公室关于印发2016年知识产权强市建设工作任务分解表的通知</title>
<script>var _hmt = _hmt || [];</script><style>td{font-size:12px}</style></head>
<body><table width="100%" class="layout"><tr><td>首页 &gt; 政务公开 &gt; 通知公告</td></tr>
<tr><td>
<p align="center"><b>2016年某市知识产权强市建设工作任务分解表</b></p>
<p>说明：责任单位中排在第一位的为牵头单位。</p>
<table border="1" cellspacing="0" cellpadding="2">
<tr><td colspan="4" align="center">2016年某市知识产权强市建设工作任务分解表</td></tr>
<tr><th>序&nbsp;号</th><th>重点任务</th><th>具体措施</th><th>责任单位</th></tr>
<tr><td>1</td><td rowspan="2">一、健全<br>工作机制</td><td>调整充实市知识产权工作领导小组。</td>
<td>市知识产权局<br>市编办</td></tr>
<tr><td>2</td><td>建立知识产权工作考核制度,每年考核1次。</td><td>市知识产权局、市考评办</td></tr>
<tr><td>3</td><td>二、强化保护</td><td>开展打击侵权假冒专项行动2次以上。</td>
<td>市知识产权局、市公安局、市工商局</td></tr>
<tr><td colspan="4">注：本表由市知识产权局负责解释。</td></tr>
</table>
</td></tr><tr><td>主办：某市人民政府办公室　网站标识码：1234</td></tr></table></body></html>
"""


def gov_page(d: Path) -> Path:
    p = d / "gov_page.html"
    p.write_bytes(GOV_PAGE.encode("gb18030"))
    return p


def web_archive(d: Path) -> Path:
    """The same page saved by Internet Explorer as "Web Archive, single file (*.mht)"."""
    msg = EmailMessage()
    msg["MIME-Version"] = "1.0"
    msg["Subject"] = "2016年某市知识产权强市建设工作任务分解表"
    msg.set_content(GOV_PAGE.replace("gb2312", "utf-8"), subtype="html", charset="utf-8", cte="quoted-printable")
    p = d / "gov_page.mht"
    p.write_bytes(bytes(msg))
    return p


# -- Word narratives -------------------------------------------------------------------------------------
def national_docx(d: Path, seed_text: str) -> Path:
    """The national 2015 plan pasted into Word: one paragraph per line."""
    import docx

    doc = docx.Document()
    for line in seed_text.splitlines():
        if line.strip():
            doc.add_paragraph(line.strip())
    p = d / "national-2015.docx"
    doc.save(p)
    return p


def numbered_narrative_docx(d: Path) -> Path:
    """Measures numbered by Word's own list numbering (style "List Number"), headings typed."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("2010年某市知识产权试点城市工作方案")
    doc.add_paragraph("一、加强组织领导")
    doc.add_paragraph("建立知识产权联席会议制度,每季度召开1次会议。(责任单位:市知识产权局、市科技局)",
                      style="List Number")
    doc.add_paragraph("完善专利资助政策。(责任单位:市财政局、市知识产权局)", style="List Number")
    doc.add_paragraph("（二）加强知识产权保护")
    doc.add_paragraph("开展执法专项行动3次以上。（责任单位：市知识产权局、市公安局）", style="List Number")
    p = d / "numbered_narrative.docx"
    doc.save(p)
    return p


# -- LibreOffice: print to PDF, save as HTML, save as .doc ------------------------------------------
def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """src converted by LibreOffice (fmt "pdf", "html", "doc"), as a clerk's "print to PDF" / "save as"."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-") as profile:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                       check=True, capture_output=True, timeout=180)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.exists(), out
    return out


def word_table_docx(d: Path) -> Path:
    """clerk's Word table (7 items, 类号/项目分类 merged vertically): on A4 portrait it runs onto a
    second page, item 6 broken over the page end."""
    sys.path.insert(0, str(HERE))
    from support import clerk

    return clerk.write_docx(d / "word_table.docx", clerk.ITEMS)


def scanned_pdf(d: Path) -> Path:
    """A 'scan': an image of a table in a PDF, no text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    for y in range(200, 1200, 100):
        draw.line([(100, y), (1140, y)], fill="black", width=3)
    for x in (100, 250, 800, 1140):
        draw.line([(x, 200), (x, 1100)], fill="black", width=3)
    p = d / "scanned.pdf"
    img.save(p, "PDF", resolution=150)
    return p


def regenerate() -> None:
    """Rebuild the committed fixtures that need LibreOffice."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        t = Path(t)
        out = [soffice_convert(word_table_docx(t), "pdf", t),
               soffice_convert(header_families_xlsx(t), "pdf", t),
               soffice_convert(lead_marks_xlsx(t), "html", t)]
        for src, name in zip(out, ("word_table.pdf", "header_families.pdf", "lead_marks_saved.html"),
                             strict=True):
            shutil.copyfile(src, FIXTURES / name)
            print("wrote", FIXTURES / name, file=sys.stderr)


if __name__ == "__main__":
    regenerate()
