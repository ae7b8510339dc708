"""Spreadsheets as grids: the one :class:`Sheet` type and the one workbook reader.

:func:`read_workbook` reads .xlsx, .xlsm, .xls and .ods (from a path or from bytes) with
python-calamine, every sheet with its visibility. calamine gives the merged ranges of xlsx and xls
(``CalamineSheet.merged_cell_ranges``); for ods it gives none, so they are read once per file from
``content.xml`` (:func:`ods_merged_ranges`). Merged ranges are filled with their top-left value.
Collect (the departments' returns) and the plan importers (:mod:`tracker.importers.spreadsheet`,
the contacts table) read workbooks through here.

The reader raises what python-calamine raises for a file it cannot read (collect reports its
type); :func:`unreadable` turns it into the Problem an importer shows ("encrypted" or
"corrupt-file"). The guard (:mod:`tracker.safety`) runs before any of this.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from tracker.problems import Problem


@dataclass
class Sheet:
    """One grid read from a file: cell values by 0-based row and column, and the merged ranges as
    (first row, first column, last row, last column), inclusive. :func:`read_workbook` fills a
    range with its top-left value and leaves single cells out; the importers' grid logic
    (:mod:`tracker.importers.table`) fills them itself, so Word, web page, PDF and csv readers,
    which make Sheets too, need not."""

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


def read_workbook(source: Path | str | bytes) -> list[Sheet]:
    """Every sheet of a workbook (a path or its bytes) as a grid anchored at A1, merged ranges
    filled with their top-left value, hidden sheets included (``Sheet.visible``).

    From a path calamine picks its reader by the suffix (so a password-protected .ods says
    PasswordError); from bytes by their content (it cannot tell a locked .ods from junk)."""
    import python_calamine as pc

    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    else:
        data = None
        wb = pc.CalamineWorkbook.from_path(str(source))
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
                    ods_merges = ods_merged_ranges(data if data is not None else Path(source).read_bytes())
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


def visible_sheets(sheets: list[Sheet]) -> list[Sheet]:
    """The sheets a person sees (all of them when a file marks none visible)."""
    return [s for s in sheets if s.visible] or sheets


def unreadable(error: Exception, file: str) -> Problem:
    """The problem to show for a workbook :func:`read_workbook` could not read: "encrypted" when
    it asks for a password, else "corrupt-file" with the reader's words."""
    from python_calamine import PasswordError

    msg = str(error).lower()
    if isinstance(error, PasswordError) or "password" in msg or "encrypt" in msg:
        return Problem("encrypted", "文件有密码保护 (已加密), 请去掉密码后重新保存再导入", file=file)
    return Problem("corrupt-file", f"文件已损坏, 无法读取 ({type(error).__name__}: {error})", file=file)


__all__ = ["Sheet", "ods_merged_ranges", "read_workbook", "unreadable", "visible_sheets"]
