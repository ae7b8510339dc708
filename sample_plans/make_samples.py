"""Regenerate the sample decomposition tables in this folder from the source documents.

    python sample_plans/make_samples.py [--seeds DIR] [--out DIR]

* ``guangzhou-2007.xlsx`` — the Guangzhou 2007 table as the office's own workbook: the 54 items of
  ``seeds/004_*.txt``, read with the box-text importer (:mod:`tracker.importers.boxtext`), every
  cell joined (:func:`tracker.plan_builder.join_text`: no layout line breaks, unit cells exactly
  as written). A merged title row, the header 类号 | 项目分类 | 序号 | 工作内容 | 负责单位 | 参与单位,
  category cells merged vertically over their items, items 1–29 on sheet "分解表" and 30–54 on
  "续表" with the title and header repeated — category 七 is split across the two sheets and
  written "七(续)" on the second, as the printed table does. Column widths, wrapped text, borders,
  A4 landscape, header rows repeated on every printed page, frozen header.
* ``national-2015.xlsx`` — the national 2015 demonstration-city work plan (``seeds/001_*.txt``):
  one item per task (一)…(九) under "三、具体任务"; content = the task title followed by its
  "2.工作要求" text (the paragraphs up to "3.工作支持" joined, without the "2.工作要求。" label);
  lead 示范城市知识产权局, participants 国家知识产权局专利管理司; a column 是否必做 with 必做 for
  items 1–4 and 选做 for 5–9 (the notice: "前4项任务为必做工作"). There are no category columns:
  the nine tasks are one list, so category_no and category are empty, as in a narrative plan.

The output is byte-for-byte deterministic (fixed document dates and zip timestamps), so a
regenerated file that differs from the committed one means the source or the importer changed.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
FIXED_TIME = datetime(2007, 6, 30, 9, 0, 0)

GZ_TITLE = "2007年广州市创建国家知识产权示范城市工作分解表"
GZ_HEADER = ["类号", "项目分类", "序号", "工作内容", "负责单位", "参与单位"]
GZ_WIDTHS = [6, 16, 6, 60, 24, 24]
GZ_FIRST_SHEET_LAST_ITEM = 29  # items 1–29 on "分解表", 30–54 on "续表" (category 七 is split)

NAT_TITLE = "2015年国家知识产权示范城市工作计划"
NAT_HEADER = ["序号", "工作内容", "负责单位", "参与单位", "是否必做"]
NAT_WIDTHS = [6, 80, 20, 24, 10]
NAT_LEAD = "示范城市知识产权局"
NAT_PARTICIPANTS = "国家知识产权局专利管理司"
NAT_MANDATORY = 4  # the first 4 of the 9 tasks are mandatory


def seed(seeds: Path, prefix: str) -> Path:
    found = sorted(seeds.glob(f"{prefix}_*.txt"))
    if not found:
        sys.exit(f"no seed {prefix}_*.txt in {seeds}")
    return found[0]


# -- the rows -----------------------------------------------------------------------------------
def guangzhou_rows(seed_path: Path) -> list[dict]:
    """The 54 items of seeds/004 via the box-text importer, every cell joined."""
    from tracker.detect import decode_text
    from tracker.importers.boxtext import extract_text
    from tracker.plan_builder import clean_category, clean_category_no, join_text
    from tracker.problems import Problems

    raw = extract_text(decode_text(seed_path.read_bytes()), seed_path.name, Problems())
    rows = []
    for r in raw.rows:
        rows.append({"category_no": clean_category_no(r.category_no), "category": clean_category(r.category),
                     "number": int(join_text(r.number)), "content": join_text(r.content),
                     "lead": join_text(r.lead), "participants": join_text(r.participants)})
    return rows


def national_rows(seed_path: Path) -> list[dict]:
    """The nine tasks under 三、具体任务 of seeds/001."""
    from tracker.detect import decode_text
    from tracker.plan_builder import chinese_numeral, join_text

    lines = [ln.strip() for ln in decode_text(seed_path.read_bytes()).splitlines()]
    start = lines.index("三、具体任务")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("四、"))
    task = re.compile(r"^[((]([一二三四五六七八九十]+)[))](.+)$")
    rows: list[dict] = []
    part = ""
    for ln in lines[start + 1:end]:
        m = task.match(ln)
        if m:
            rows.append({"number": chinese_numeral(m.group(1)), "title": m.group(2), "req": []})
            part = ""
            continue
        if re.match(r"^\d\s*[.．]", ln):
            part = ln[0]
        if part == "2" and rows:
            rows[-1]["req"].append(re.sub(r"^2\s*[.．]\s*工作要求\s*[。.]?", "", ln))
    out = []
    for r in rows:
        content = join_text(r["title"] + "".join(r["req"]))
        out.append({"number": r["number"], "content": content, "lead": NAT_LEAD,
                    "participants": NAT_PARTICIPANTS,
                    "mandatory": "必做" if r["number"] <= NAT_MANDATORY else "选做"})
    if [r["number"] for r in out] != list(range(1, 10)):
        sys.exit(f"expected tasks (一)…(九) in {seed_path.name}, found {[r['number'] for r in out]}")
    return out


# -- the workbooks ------------------------------------------------------------------------------
def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "title": (Font(name="宋体", size=16, bold=True), Alignment(horizontal="center", vertical="center")),
        "header": (Font(name="黑体", size=11, bold=True),
                   Alignment(horizontal="center", vertical="center", wrap_text=True)),
        "fill": PatternFill("solid", fgColor="D9D9D9"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "body": Font(name="宋体", size=10.5),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
    }


def _sheet(wb, name: str, title: str, header: list[str], widths: list[int], first: bool):
    from openpyxl.utils import get_column_letter

    st = _styles()
    ws = wb.active if first else wb.create_sheet()
    ws.title = name
    n = len(header)
    ws.cell(row=1, column=1, value=title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(row=1, column=1).font, ws.cell(row=1, column=1).alignment = st["title"]
    ws.row_dimensions[1].height = 32
    for c, (text, w) in enumerate(zip(header, widths, strict=True), start=1):
        cell = ws.cell(row=2, column=c, value=text)
        cell.font, cell.alignment = st["header"]
        cell.fill, cell.border = st["fill"], st["border"]
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.row_dimensions[2].height = 24
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页, 共 &N 页"
    return ws


def _body(ws, row: int, values: list, centered: set[int]) -> None:
    st = _styles()
    for c, v in enumerate(values, start=1):
        cell = ws.cell(row=row, column=c, value=v)
        cell.font, cell.border = st["body"], st["border"]
        cell.alignment = st["center"] if c in centered else st["left"]


def _row_height(texts_widths: list[tuple[str, int]]) -> float:
    """Enough height for the wrapped text: ~2 CJK characters per width unit, 14pt per line."""
    lines = max(max(1, -(-len(t) * 2 // max(w - 1, 1))) for t, w in texts_widths)
    return max(20, 14.5 * lines + 4)


def build_guangzhou(rows: list[dict]):
    import openpyxl

    wb = openpyxl.Workbook()
    parts = [("分解表", GZ_TITLE, [r for r in rows if r["number"] <= GZ_FIRST_SHEET_LAST_ITEM]),
             ("续表", GZ_TITLE + "(续表)", [r for r in rows if r["number"] > GZ_FIRST_SHEET_LAST_ITEM])]
    prev_cat = None
    for i, (name, title, part) in enumerate(parts):
        ws = _sheet(wb, name, title, GZ_HEADER, GZ_WIDTHS, first=i == 0)
        r = 3
        group_start = r
        for j, item in enumerate(part):
            cat = (item["category_no"], item["category"])
            cont = j == 0 and cat == prev_cat  # the category goes on from the previous sheet
            _body(ws, r, [item["category_no"] + ("\n(续)" if cont else ""), item["category"], item["number"],
                          item["content"], item["lead"], item["participants"]], centered={1, 2, 3})
            ws.row_dimensions[r].height = _row_height(
                [(item["content"], GZ_WIDTHS[3]), (item["lead"], GZ_WIDTHS[4]),
                 (item["participants"], GZ_WIDTHS[5])])
            last = j == len(part) - 1 or (part[j + 1]["category_no"], part[j + 1]["category"]) != cat
            if last:
                if r > group_start:
                    ws.merge_cells(start_row=group_start, start_column=1, end_row=r, end_column=1)
                    ws.merge_cells(start_row=group_start, start_column=2, end_row=r, end_column=2)
                group_start = r + 1
            prev_cat = cat
            r += 1
    return wb


def build_national(rows: list[dict]):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = _sheet(wb, "工作计划", NAT_TITLE, NAT_HEADER, NAT_WIDTHS, first=True)
    for i, item in enumerate(rows):
        r = 3 + i
        _body(ws, r, [item["number"], item["content"], item["lead"], item["participants"], item["mandatory"]],
              centered={1, 5})
        ws.row_dimensions[r].height = _row_height([(item["content"], NAT_WIDTHS[1])])
    return wb


def save_deterministic(wb, path: Path) -> None:
    """Save with fixed document dates and zip timestamps, so the bytes depend on content only."""
    wb.properties.creator = "tracker sample_plans/make_samples.py"
    wb.properties.lastModifiedBy = None
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder with the seed texts")
    ap.add_argument("--out", type=Path, default=ROOT / "tracker" / "data" / "samples", help="where to write the workbooks")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    args.out.mkdir(parents=True, exist_ok=True)
    gz = guangzhou_rows(seed(args.seeds, "004"))
    if len(gz) != 54:
        sys.exit(f"expected 54 items from seeds/004, the box-text importer gave {len(gz)}")
    save_deterministic(build_guangzhou(gz), args.out / "guangzhou-2007.xlsx")
    save_deterministic(build_national(national_rows(seed(args.seeds, "001"))), args.out / "national-2015.xlsx")
    print(f"wrote {args.out / 'guangzhou-2007.xlsx'} ({len(gz)} items) and {args.out / 'national-2015.xlsx'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
