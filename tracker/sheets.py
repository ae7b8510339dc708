"""Reading workbooks: every sheet of an .xlsx, .xls or .ods as a grid anchored at A1 (python-calamine),
merged ranges filled with their top-left value (ODS merges parsed from content.xml, which
python-calamine does not report)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field


@dataclass
class Sheet:
    name: str
    grid: list[list]
    visible: bool = True
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def get(self, r: int, c: int):
        if 0 <= r < len(self.grid) and 0 <= c < len(self.grid[r]):
            return self.grid[r][c]
        return None


_ODS_NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}


def ods_merged_ranges(data: bytes) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Merged ranges of an .ods file per sheet (python-calamine reports them for xlsx/xls only)."""
    import zipfile

    from defusedxml.ElementTree import iterparse

    t = "{" + _ODS_NS["table"] + "}"
    out: dict[str, list] = {}
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        content = zf.open("content.xml")
    except (zipfile.BadZipFile, KeyError):
        return out
    sheet, row, col = None, 0, 0
    for event, el in iterparse(content, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == t + "table":
                sheet, row = el.get(t + "name"), 0
                out.setdefault(sheet, [])
            elif tag == t + "table-row":
                col = 0
            elif tag in (t + "table-cell", t + "covered-table-cell"):
                rs, cs = int(el.get(t + "number-rows-spanned", 1)), int(el.get(t + "number-columns-spanned", 1))
                if sheet is not None and tag == t + "table-cell" and (rs > 1 or cs > 1):
                    out[sheet].append(((row, col), (row + rs - 1, col + cs - 1)))
        else:
            if tag in (t + "table-cell", t + "covered-table-cell"):
                col += int(el.get(t + "number-columns-repeated", 1))
                el.clear()
            elif tag == t + "table-row":
                row += int(el.get(t + "number-rows-repeated", 1))
                el.clear()
    return out


def read_sheets(data: bytes) -> list[Sheet]:
    """Every sheet as a grid anchored at A1, merged ranges filled with their top-left value."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    ods_merges = None
    try:
        for meta in wb.sheets_metadata:
            sh = wb.get_sheet_by_name(meta.name)
            grid = sh.to_python(skip_empty_area=False)  # new lists on every call: ours to change
            merged = []
            ranges = sh.merged_cell_ranges
            if ranges is None:  # .ods
                if ods_merges is None:
                    ods_merges = ods_merged_ranges(data)
                ranges = ods_merges.get(meta.name, [])
            for (r0, c0), (r1, c1) in ranges:
                if (r0, c0) == (r1, c1):
                    continue
                merged.append((r0, c0, r1, c1))
                v = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else ""
                for r in range(r0, r1 + 1):
                    while len(grid) <= r:
                        grid.append([])
                    row = grid[r]
                    while len(row) <= c1:
                        row.append("")
                    for c in range(c0, c1 + 1):
                        row[c] = v
            out.append(Sheet(meta.name, grid, str(meta.visible).endswith("Visible"), merged))
    finally:
        wb.close()
    return out
