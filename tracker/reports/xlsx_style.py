"""Print-ready xlsx sheets written with xlsxwriter: shared layout for every table the office prints.

One call, :func:`write_table`, gives a sheet a title row, optional note lines, a bold shaded header
row, bordered wrapped cells, column widths that fit Chinese text (a CJK character is about two
Latin ones wide), the header frozen and repeated on every printed page, an autofilter, A4
landscape fitted to the page width, and page numbers in the footer.

Text is always written with ``write_string``: a unit name or a department's remark that starts
with ``=``, ``+``, ``-`` or ``@`` stays text and never becomes a formula (formula injection).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

A4 = 9
#: The fills of every table tracker prints, in xlsx and in docx (:mod:`tracker.reports.docx_style`):
#: the header row, and the lights / return states (green fine, yellow late or warning, red missing or behind).
HEADER_FILL = "D9E1F2"
FILL = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}


@dataclass
class Column:
    header: str
    kind: str = "text"  # text | wide (long text) | int | number | percent | date | center
    width: float | None = None  # fixed width in characters; None = fit to content
    max_width: float = 50


def text_width(s) -> float:
    """Display width in Excel character units: CJK and full-width characters count 2."""
    w = 0.0
    for ch in str(s):
        w += 2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0
    return w


def formats(wb) -> dict:
    """The shared formats of one workbook (xlsxwriter formats belong to a workbook)."""
    cache = getattr(wb, "_tracker_formats", None)
    if cache is not None:
        return cache
    base = {"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}
    f = {
        "title": wb.add_format({"font_name": "黑体", "bold": True, "font_size": 14, "align": "center",
                                "valign": "vcenter", "text_wrap": True}),
        "note": wb.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter", "text_wrap": True}),
        "header": wb.add_format({**base, "font_name": "黑体", "bold": True, "align": "center",
                                 "valign": "vcenter", "bg_color": "#" + HEADER_FILL}),
        "text": wb.add_format(base),
        "wide": wb.add_format(base),
        "center": wb.add_format({**base, "align": "center"}),
        "int": wb.add_format({**base, "align": "center", "num_format": "0"}),
        "number": wb.add_format({**base, "num_format": "0.0"}),
        "percent": wb.add_format({**base, "align": "center", "num_format": "0.0"}),
        "date": wb.add_format({**base, "align": "center"}),
        "green": wb.add_format({**base, "align": "center", "bg_color": "#" + FILL["green"]}),
        "yellow": wb.add_format({**base, "align": "center", "bg_color": "#" + FILL["yellow"]}),
        "red": wb.add_format({**base, "align": "center", "bg_color": "#" + FILL["red"], "font_color": "#9C0006"}),
    }
    wb._tracker_formats = f
    return f


def write_cell(ws, row: int, col: int, value, fmt=None) -> None:
    """Write one value safely: text as a string (never a formula), numbers as numbers, blanks blank."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, datetime | date):
        ws.write_string(row, col, value.isoformat()[:10], fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def write_table(wb, sheet_name: str, columns: list[Column], rows: list[list], *, title: str = "",
                notes: list[str] | tuple = (), cell_formats: list[list] | None = None,
                landscape: bool = True):
    """Add a sheet holding one table and return the worksheet.

    Layout: row 1 the title (merged across the table), then one row per note line, then the header
    row, then ``rows``. ``cell_formats``, parallel to ``rows``, may name a format key per cell
    (e.g. "red") to override the column's. Returns the worksheet; its ``tracker_header_row``
    attribute is the 0-based index of the header row.
    """
    f = formats(wb)
    ws = wb.add_worksheet(sheet_name)
    ncol = len(columns)
    r = 0
    if title:
        if ncol > 1:
            ws.merge_range(r, 0, r, ncol - 1, "", f["title"])
        write_cell(ws, r, 0, title, f["title"])
        r += 1
    for note in notes:
        if ncol > 1:
            ws.merge_range(r, 0, r, ncol - 1, "", f["note"])
        write_cell(ws, r, 0, note, f["note"])
        r += 1
    header = r
    widths = []
    for c, col in enumerate(columns):
        if col.width is not None:
            width = col.width
        else:
            longest = max([text_width(col.header)] + [text_width(_shown(v[c])) for v in rows if c < len(v)])
            width = min(max(longest + 2, 6), col.max_width)
        widths.append(width)
        ws.set_column(c, c, width)
    for c, col in enumerate(columns):
        write_cell(ws, header, c, col.header, f["header"])
    ws.set_row(header, max(24, row_height([(col.header, widths[c]) for c, col in enumerate(columns)])))
    for i, values in enumerate(rows):
        for c, col in enumerate(columns):
            key = col.kind
            if cell_formats and cell_formats[i] and c < len(cell_formats[i]) and cell_formats[i][c]:
                key = cell_formats[i][c]
            v = values[c] if c < len(values) else None
            write_cell(ws, header + 1 + i, c, v, f[key])
        # wrapped text is only shown whole when the row is as tall as its lines (LibreOffice and
        # WPS do not grow a row by themselves)
        ws.set_row(header + 1 + i, row_height([(_shown(values[c]), widths[c])
                                               for c in range(min(len(values), ncol))]))
    # the title and note rows span the table: as many lines as their text needs across it
    total = sum(widths)
    r = 0
    if title:
        ws.set_row(r, max(28, row_height([(title, total / 1.4)], line=20)))
        r += 1
    for note in notes:
        ws.set_row(r, max(18, row_height([(note, total)])))
        r += 1
    ws.tracker_header_row = header
    # print
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.repeat_rows(header)
    ws.freeze_panes(header + 1, 0)
    if rows:
        ws.autofilter(header, 0, header + len(rows), ncol - 1)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页, 共 &N 页")
    return ws


def lines_of(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide."""
    import math

    room = max(1.0, width - 1.5)  # the cell's padding
    return sum(max(1, math.ceil(text_width(part) / room)) for part in str(text).split("\n"))


def row_height(cells: list[tuple[str, float]], line: float = 13.5) -> float:
    """Row height in points that shows every (text, column width) of a row, 10 pt text."""
    return line * max([1] + [lines_of(t, w) for t, w in cells if t]) + 4


def _shown(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)
