"""Build decomposition tables the way an office clerk makes them, for the importer tests.

A clerk types a title row and merges it across, writes the header in his own words, merges the
category cells over their items (or writes the category as a row of its own, or only on the first
item), lets the table run on to a second sheet, saves a csv from Excel on Chinese Windows (GBK),
builds the table in Word with merged cells, or re-saves the workbook as .xls/.ods. Each helper here
does one of those with the library the real program would produce (openpyxl, python-docx, the csv
module, LibreOffice), into a test's tmp_path.

:data:`ITEMS` is the plan every form carries (items 1–7 of the Guangzhou 2007 table, shortened), so
a test can compare what the importer read with what the clerk wrote.
"""

from __future__ import annotations

import csv
import os
import shutil
import struct
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

SOFFICE = shutil.which("soffice")
NO_SOFFICE = "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui"


@dataclass(frozen=True)
class Item:
    category_no: str
    category: str
    number: int
    content: str
    lead: str
    participants: str

    def key(self) -> tuple:
        return (self.category_no, self.category, self.number, self.content, self.lead, self.participants)


TITLE = "2007年广州市创建国家知识产权示范城市工作分解表"
ITEMS = [
    Item("一", "建立健全知识产权管理、协调体系", 1,
         "加强市级有关知识产权协调管理职能和工作,完善政务信息系统和联络员制度建设。",
         "广州市创建国家知识产权示范城市工作领导小组办公室、市政府知识产权办公会议办公室", "各有关单位"),
    Item("一", "建立健全知识产权管理、协调体系", 2,
         "各区、县级市建立完善知识产权管理体制,落实领导责任制,成立知识产权协调领导小组。",
         "市编委办,各区、县级市政府", "各区、县级市编委办及相关部门"),
    Item("二", "加大政策、资金的引导扶持力度", 3,
         "贯彻落实《关于加强知识产权工作的意见》(穗府[2006]58号),研究制定《广州市知识产权战略纲要》。",
         "市知识产权局", "各有关单位"),
    Item("二", "加大政策、资金的引导扶持力度", 4,
         "推进“广州市企业知识产权工作站”计划,建立各类知识产权工作站10家以上。",
         "市知识产权局", "市经贸委"),
    Item("二", "加大政策、资金的引导扶持力度", 5,
         "市财政设立和安排知识产权专项资金,不断加大资金引导和扶持力度。",
         "市财政局", ""),
    Item("三", "建立知识产权统计、奖励和监督制度", 6,
         "加强政策引导和资助扶持,培育发明创造。全市年专利申请量增长16%以上。",
         "市知识产权局", "市各有关单位,各区、县级市知识产权局"),
    Item("三", "建立知识产权统计、奖励和监督制度", 7,
         "进一步建立和完善驰名、著名商标,商标信用良好企业的公示制度,强化社会监督。",
         "市工商局", ""),
]
HEADER = ["类号", "项目分类", "序号", "工作内容", "负责单位", "参与单位"]
WIDTHS = [6, 16, 6, 50, 24, 24]


def plan_keys(plan) -> list[tuple]:
    """What an imported plan says about each item, in the shape of Item.key()."""
    return [(i.category_no, i.category, i.number, i.content, i.lead_raw, i.participants_raw)
            for i in plan.items]


# -- table layouts: a grid of values plus merged ranges ---------------------------------------------
@dataclass
class Grid:
    name: str
    rows: list[list]
    merges: list[str]  # A1 ranges "A3:A4"


def _ref(row0: int, col0: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col0 + 1)}{row0 + 1}"


def _item_values(it: Item, header: list[str]) -> list:
    by_header = {"类号": it.category_no, "项目分类": it.category, "序号": it.number, "工作内容": it.content,
                 "负责单位": it.lead, "参与单位": it.participants}
    return [by_header.get(h, "") for h in header]


def merged_categories(items: list[Item], *, name: str = "Sheet1", title: str | None = TITLE,
                      header: list[str] | None = None, header_words: list[str] | None = None,
                      merge_leads: bool = False, extra_cols: dict[str, list[str]] | None = None,
                      start_row: int = 0) -> Grid:
    """Title row merged across, header, 类号 and 项目分类 merged vertically over their items.

    header_words replaces the header text (the clerk's own wording) column by column;
    merge_leads merges a lead cell over consecutive items with the same lead (and category);
    extra_cols adds columns (完成时限, 备注) with one value per item."""
    header = header or HEADER
    words = header_words or header
    extra_cols = extra_cols or {}
    width = len(header) + len(extra_cols)
    rows: list[list] = [[] for _ in range(start_row)]
    merges: list[str] = []
    if title:
        rows.append([title] + [""] * (width - 1))
        merges.append(f"{_ref(len(rows) - 1, 0)}:{_ref(len(rows) - 1, width - 1)}")
    rows.append(list(words) + list(extra_cols))
    ci = [header.index(h) for h in ("类号", "项目分类") if h in header]
    li = header.index("负责单位")
    first = len(rows)
    for k, it in enumerate(items):
        vals = _item_values(it, header) + [v[k] for v in extra_cols.values()]
        rows.append(vals)
    # blank the cells a merge covers (a merged range keeps only its top-left value)
    def merge_runs(key, cols):
        k = 0
        while k < len(items):
            j = k
            while j + 1 < len(items) and key(items[j + 1]) == key(items[k]):
                j += 1
            if j > k:
                for c in cols:
                    merges.append(f"{_ref(first + k, c)}:{_ref(first + j, c)}")
                    for m in range(k + 1, j + 1):
                        rows[first + m][c] = ""
            k = j + 1

    merge_runs(lambda it: (it.category_no, it.category), ci)
    if merge_leads:
        merge_runs(lambda it: (it.category_no, it.lead), [li])
    return Grid(name, rows, merges)


SECTION_HEADER = ["序号", "工作内容", "负责单位", "参与单位"]


def section_rows(items: list[Item], *, words: list[str] | None = None, title: str | None = TITLE,
                 merged: bool = True, name: str = "Sheet1") -> Grid:
    """The category as a row of its own ("一、建立健全…") merged across the table (or in one cell);
    the columns are SECTION_HEADER, headed by words."""
    header = SECTION_HEADER
    width = len(header)
    rows: list[list] = []
    merges: list[str] = []
    if title:
        rows.append([title] + [""] * (width - 1))
        merges.append(f"A1:{_ref(0, width - 1)}")
    rows.append(list(words or header))
    cat = None
    for it in items:
        if (it.category_no, it.category) != cat:
            cat = (it.category_no, it.category)
            rows.append([f"{it.category_no}、{it.category}"] + [""] * (width - 1))
            if merged:
                merges.append(f"{_ref(len(rows) - 1, 0)}:{_ref(len(rows) - 1, width - 1)}")
        rows.append(_item_values(it, header))
    return Grid(name, rows, merges)


def blank_categories(items: list[Item], *, header: list[str] | None = None, title: str | None = None,
                     name: str = "Sheet1") -> Grid:
    """The category written on the first item of each category only, the cells below left empty."""
    header = header or HEADER
    rows: list[list] = [[title] + [""] * (len(header) - 1)] if title else []
    rows.append(list(header))
    cat = None
    for it in items:
        vals = _item_values(it, header)
        if (it.category_no, it.category) == cat:
            for h in ("类号", "项目分类"):
                if h in header:
                    vals[header.index(h)] = ""
        cat = (it.category_no, it.category)
        rows.append(vals)
    return Grid(name, rows, [])


def insert_row(g: Grid, index: int, values: list) -> Grid:
    """Insert a row before 0-based row index, moving the merged ranges below it, as Excel does."""
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import range_boundaries

    g.rows.insert(index, values)
    moved = []
    for m in g.merges:
        c0, r0, c1, r1 = range_boundaries(m)
        if r0 - 1 >= index:
            r0 += 1
        if r1 - 1 >= index:
            r1 += 1
        moved.append(f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}")
    g.merges = moved
    return g


# -- writers ------------------------------------------------------------------------------------------
def write_xlsx(path: Path, grids: list[Grid], *, widths: list[int] | None = None) -> Path:
    """Save grids as sheets of one workbook, as Excel would: wrapped text, widths, merged ranges."""
    import openpyxl
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for g in grids:
        ws = wb.create_sheet(g.name)
        for r, row in enumerate(g.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v not in ("", None):
                    cell = ws.cell(row=r, column=c, value=v)
                    cell.alignment = Alignment(wrap_text=True, vertical="center")
        for m in g.merges:
            ws.merge_cells(m)
        for c, w in enumerate(widths or WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str = "gbk", delimiter: str = ",") -> Path:
    """A csv as Excel writes it: "CSV (逗号分隔)" on Chinese Windows is GBK; "CSV UTF-8" is utf-8-sig."""
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(
            [["" if v is None else str(v) for v in r] for r in rows])
    return path


def write_docx(path: Path, items: list[Item], *, title: str | None = TITLE, header: list[str] | None = None,
               split_after: int | None = None, repeat_header: bool = True,
               intro: str = "附件:") -> Path:
    """A Word document: a title paragraph, then the table with 类号/项目分类 merged vertically
    (Word's vMerge). split_after=N ends the table after N items and goes on in a second table after
    a page break (with the header again when repeat_header)."""
    import docx
    from docx.enum.text import WD_BREAK

    header = header or HEADER
    d = docx.Document()
    if intro:
        d.add_paragraph(intro)
    if title:
        d.add_paragraph(title)
    parts = [items] if split_after is None else [items[:split_after], items[split_after:]]
    for n, part in enumerate(parts):
        if n:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        with_header = n == 0 or repeat_header
        t = d.add_table(rows=len(part) + (1 if with_header else 0), cols=len(header))
        t.style = "Table Grid"
        off = 0
        if with_header:
            for c, h in enumerate(header):
                t.cell(0, c).text = h
            off = 1
        for k, it in enumerate(part):
            for c, v in enumerate(_item_values(it, header)):
                t.cell(off + k, c).text = str(v)
        ci = [header.index(h) for h in ("类号", "项目分类") if h in header]
        k = 0
        while k < len(part):
            j = k
            while j + 1 < len(part) and (part[j + 1].category_no, part[j + 1].category) == \
                    (part[k].category_no, part[k].category):
                j += 1
            if j > k:
                for c in ci:
                    for m in range(k + 1, j + 1):
                        t.cell(off + m, c).text = ""
                    t.cell(off + k, c).merge(t.cell(off + j, c))
                    # Word keeps the top cell's text once; python-docx's merge joins paragraphs
                    cell = t.cell(off + k, c)
                    for p in cell.paragraphs[1:]:
                        p._p.getparent().remove(p._p)
            k = j + 1
    d.save(path)
    return path


# -- LibreOffice: re-save as .xls/.ods, encrypt --------------------------------------------------------
def _profile(base: Path) -> Path:
    p = base / f"lo-profile-{uuid.uuid4().hex[:8]}"
    p.mkdir(parents=True)
    return p


def resave(path: Path, fmt: str, outdir: Path) -> Path:
    """path re-saved by LibreOffice as fmt ("xls", "ods"), as a clerk with old Excel or LibreOffice does."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = _profile(outdir)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(outdir), str(path)],
                   check=True, capture_output=True, timeout=180)
    out = outdir / f"{path.stem}.{fmt}"
    assert out.exists(), f"LibreOffice did not write {out}"
    return out


_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub SaveWithPassword(src As String, dst As String, filt As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), &quot;_blank&quot;, 0, args())
  Dim out(1) As New com.sun.star.beans.PropertyValue
  out(0).Name = &quot;FilterName&quot;
  out(0).Value = filt
  out(1).Name = &quot;Password&quot;
  out(1).Value = &quot;x&quot;
  doc.storeToURL(ConvertToURL(dst), out())
  doc.close(True)
End Sub
</script:module>
"""
_FILTERS = {"xls": "MS Excel 97", "ods": "calc8"}


def save_with_password(path: Path, fmt: str, dst: Path) -> Path:
    """path saved by LibreOffice as fmt with the password "x" (文件 > 另存为 > 使用密码保存).

    Runs a Basic macro in a fresh profile (LibreOffice's --convert-to cannot set a password)."""
    profile = _profile(dst.parent)
    url = f"-env:UserInstallation=file://{profile}"
    subprocess.run([SOFFICE, url, "--headless", "--norestore", "--terminate_after_init"],
                   capture_output=True, timeout=180)
    (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(_MACRO, encoding="utf-8")
    subprocess.run([SOFFICE, url, "--headless", "--norestore",
                    f'macro:///Standard.Module1.SaveWithPassword("{path}","{dst}","{_FILTERS[fmt]}")'],
                   capture_output=True, timeout=180)
    assert dst.exists(), f"LibreOffice did not write {dst}"
    return dst


def ole_encrypted_xlsx(path: Path) -> Path:
    """An .xlsx saved by Excel with a password to open: not a zip but an OLE compound file holding
    the streams EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO). The payload here is random bytes;
    the container is built sector by sector to the compound-file layout (MS-CFB, version 3)."""
    sec = 512
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + os.urandom(4096 - 8)  # agile encryption v4.4 header
    package = struct.pack("<Q", 6000) + os.urandom(4096 - 8)
    free, end, fat_sect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    # sector 0: FAT; 1: directory; 2-9: EncryptionInfo; 10-17: EncryptedPackage
    fat = [fat_sect, end] + list(range(3, 10)) + [end] + list(range(11, 18)) + [end]
    fat += [free] * (sec // 4 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == sec

    def entry(name: str, typ: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        n = (name + "\x00").encode("utf-16-le") if name else b""
        return (n.ljust(64, b"\x00") + struct.pack("<HBB", len(n), typ, 1)
                + struct.pack("<III", left, right, child) + b"\x00" * 16 + struct.pack("<I", 0)
                + b"\x00" * 16 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, nostream, nostream, 1, end, 0)
                 + entry("EncryptionInfo", 2, nostream, 2, nostream, 2, len(info))
                 + entry("EncryptedPackage", 2, nostream, nostream, nostream, 10, len(package))
                 + entry("", 0, nostream, nostream, nostream, 0, 0))
    data = header + struct.pack(f"<{sec // 4}I", *fat) + directory + info + package
    path.write_bytes(data)
    return path
