"""PDF with a text layer: the decomposition table as printed from Word or Excel (or published).

Read with pdfplumber (the text layer and the ruling lines of each page):

* **Tables** are found from their ruling lines (``page.find_tables()``). A cell pdfplumber reports
  as covered (``None``) belongs to a merged cell: the extent of every cell is measured against the
  table's column and row edges and becomes a merged range, so a category merged over its items is
  read as the spreadsheet reader reads merged Excel cells.
* **Pages.** The tables of consecutive pages with the same number of columns are one table: a header
  repeated on the next page is skipped (by :mod:`tracker.importers.table`), and a first row with
  no number whose other cells have text is the end of the last item of the page before (a row
  broken by the page end), appended to it with a warning ``row-continued``.
* Line breaks inside a cell are layout (the column was too narrow), not unit separators: the plan
  builder treats a pdf like box text (``市编委办,各\\n区、县级市政府`` is one cell text).
* The text of the pages outside the tables gives the title and notes ("排在第一位的为牵头单位").
* A PDF whose pages have **no text at all** is a scan: one message, ``scanned-pdf``, asking for the
  Word/Excel original or a text-recognised copy. A PDF with text but no ruled table is read as a
  narrative plan when it is one (numbered measures, or the national plan's 具体任务), else
  ``no-table``. A password is ``encrypted``; a damaged file ``corrupt-file``.
"""

from __future__ import annotations

from pathlib import Path

from tracker.detect import Detected
from tracker.importers.base import source_path
from tracker.importers.headers import header_role
from tracker.importers.html import _title
from tracker.importers.narrative import looks_narrative, looks_task_plan, parse_any
from tracker.importers.table import rows_from_sheets
from tracker.model import RawTable
from tracker.problems import InputError, Problem, Problems
from tracker.sheets import Sheet

EPS = 1.5  # points: edges closer than this are the same edge


def _open(path: Path):
    import pdfplumber

    try:
        return pdfplumber.open(str(path))
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds
        name = type(e).__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError(Problem("encrypted", "PDF 有密码保护, 请去掉密码后再导入", file=path.name)) from None
        raise InputError(Problem("corrupt-file", f"PDF 文件已损坏, 无法读取 ({name})", file=path.name)) from None


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EPS:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def table_grid(table) -> tuple[list[list[str]], list]:
    """(cell texts, merged ranges) of one pdfplumber table."""
    texts = table.extract()
    cells = [c for row in table.rows for c in row.cells if c is not None]
    xs = _edges([c[0] for c in cells])
    ys = _edges([row.bbox[1] for row in table.rows])
    rows = [["" if v is None else v for v in r] for r in texts]
    merges = []
    for r, row in enumerate(table.rows):
        for box in row.cells:
            if box is None:
                continue
            x0, top, x1, bottom = box
            c0 = _index(xs, x0)
            c1 = max([i for i, x in enumerate(xs) if x < x1 - EPS] or [c0])
            r0 = r
            r1 = max([i for i, y in enumerate(ys) if y < bottom - EPS] or [r0])
            if c1 > c0 or r1 > r0:
                merges.append((r0, c0, r1, c1))
    return rows, merges


def read_pdf(path: Path, problems: Problems) -> tuple[list[Sheet], str, list[str]]:
    """(tables joined across pages, text outside the tables, every text line of the document)."""
    path = Path(path)
    pdf = _open(path)
    with pdf:
        if not any(page.chars for page in pdf.pages):
            raise InputError(Problem(
                "scanned-pdf", "这个 PDF 没有文字层 (是扫描件或图片), 无法读出表格; 请找发文单位要 Word/Excel 原件, "
                "或先用文字识别 (OCR) 转成带文字的 PDF", file=path.name))
        pieces: list[tuple[int, list[list[str]], list]] = []  # (page number, rows, merges)
        outside: list[str] = []
        lines: list[str] = []
        for no, page in enumerate(pdf.pages, 1):
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]

            def keep(obj, boxes=boxes):
                if obj.get("object_type") != "char":
                    return True
                x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            outside.append(page.filter(keep).extract_text() or "")
            lines.extend((page.extract_text() or "").splitlines())
            for t in tables:
                rows, merges = table_grid(t)
                if rows:
                    pieces.append((no, rows, merges))
    return _join_pages(pieces, path.name, problems), "\f".join(outside), lines


def _role_cols(rows: list[list[str]]) -> dict[str, int]:
    for r in rows[:3]:
        roles = {header_role(v): c for c, v in enumerate(r) if v}
        if "number" in roles or "content" in roles:
            return {k: v for k, v in roles.items() if k}
    return {}


def _is_header(row: list[str]) -> bool:
    return "number" in _role_cols([row]) or "content" in _role_cols([row])


def _join_pages(pieces, file: str, problems: Problems) -> list[Sheet]:
    """One Sheet per run of page tables with the same width (see the module docstring)."""
    sheets: list[Sheet] = []
    cur: Sheet | None = None
    roles: dict[str, int] = {}
    for page, rows, merges in pieces:
        rows = [list(r) for r in rows]
        width = max(len(r) for r in rows)
        if cur is None or width != max(len(r) for r in cur.grid):
            cur = Sheet(name=f"第{page}页", grid=rows, merged=list(merges))
            sheets.append(cur)
            roles = _role_cols(rows)
            continue
        start = 0
        while start < len(rows) and _is_header(rows[start]):
            start += 1  # the header repeated on this page
        cats = [roles[k] for k in ("category_no", "category") if k in roles]
        c_num = roles.get("number")
        if start < len(rows):
            first = rows[start]
            _category_from_next_page(cur, first, cats)
            own = [i for i, v in enumerate(first) if i not in cats and i != c_num and (v or "").strip()]
            if c_num is not None and not (first[c_num] or "").strip() and own:
                last = cur.grid[-1]
                for i in own:
                    if i < len(last):
                        last[i] = (last[i] + "\n" + first[i]).strip("\n") if last[i] else first[i]
                    first[i] = ""
                problems.warn("row-continued", f"第 {page} 页第一行没有序号, 当作上一页最后一项的续行并入",
                              file=file, sheet=cur.name)
                # what stays of the row (category cells merged on down) moves to the next row
                moved = []
                for r0, c0, r1, c1 in merges:
                    if r0 == start and r1 > start:
                        if start + 1 < len(rows):
                            rows[start + 1][c0] = rows[start][c0]
                        moved.append((r0 + 1, c0, r1, c1))
                    elif r0 != start:
                        moved.append((r0, c0, r1, c1))
                merges = moved
                rows[start] = [""] * len(rows[start])
        off = len(cur.grid)
        cur.grid.extend(rows)
        cur.merged.extend((r0 + off, c0, r1 + off, c1) for r0, c0, r1, c1 in merges)
    return sheets


def _category_from_next_page(cur: Sheet, first: list[str], cats: list[int]) -> None:
    """A category merged over items on both sides of a page break is printed in one part only: the
    empty part at the bottom of the page before takes the text of the part on the next page."""
    covered = {(r, c) for r0, c0, r1, c1 in cur.merged for r in range(r0 + 1, r1 + 1)
               for c in range(c0, c1 + 1)}
    for c in cats:
        text = (first[c] or "").strip() if c < len(first) else ""
        if not text:
            continue
        r = len(cur.grid) - 1
        while r > 0 and (r, c) in covered:
            r -= 1
        if c < len(cur.grid[r]) and not (cur.grid[r][c] or "").strip():
            cur.grid[r][c] = first[c]


def identify(d: Detected) -> int:
    return 1 if d.format == "pdf" else 0


def extract(source: Path | Detected, problems: Problems, options=None) -> RawTable:
    path = source_path(source)
    sheets, outside, lines = read_pdf(path, problems)
    if not sheets:
        text = "\n".join(lines)
        if looks_narrative(text) or looks_task_plan(text):
            raw = parse_any(lines, path.name, problems, getattr(options, "unit", ""))
            if raw.rows:
                return raw
        raise InputError(Problem("no-table", "PDF 里没有找到带表格线的表格, 也不是编号措施式的方案", file=path.name))
    raw = rows_from_sheets(sheets, file=path.name, problems=problems, fmt="pdf",
                           columns=getattr(options, "columns", None), notes=outside)
    if not raw.title:
        from tracker.plan_builder import join_text

        first_page = outside.split("\f")[0] if "\f" in outside else outside
        raw.title = _title([join_text(x) for x in first_page.splitlines() if x.strip()][:8])
    return raw
