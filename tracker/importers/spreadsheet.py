"""Spreadsheets: .xlsx (Excel, WPS), .xls (old Excel, WPS) and .ods (LibreOffice).

Values are read with python-calamine, which reads all three. Merged ranges come from calamine for
xlsx and xls (``CalamineSheet.merged_cell_ranges``; openpyxl is the fallback for an xlsx where
calamine gives none); calamine 0.9 gives none for ods, so they are read from the ods
``content.xml`` (``table:number-columns-spanned`` / ``table:number-rows-spanned``). The grid then
goes through :mod:`tracker.importers.table`. Hidden sheets are skipped.

Files that cannot be read at all raise InputError: "encrypted" (password to open), "corrupt-file"
(truncated or damaged), "no-header" (no sheet has a recognisable table), "empty-file".
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from tracker.importers.table import Sheet, rows_from_sheets
from tracker.model import RawTable
from tracker.problems import InputError, Problem, Problems

ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def extract(path: Path, problems: Problems, options=None) -> RawTable:
    from tracker.importers import identify

    path = Path(path)
    fmt = identify(path)
    if fmt not in ("xlsx", "xls", "ods"):
        raise InputError(Problem("unknown-format", f"这不是电子表格文件 (识别为 {fmt})", file=path.name))
    sheets = read_sheets(path, fmt)
    return rows_from_sheets(sheets, file=path.name, problems=problems, fmt=fmt,
                            columns=getattr(options, "columns", None))


def read_sheets(path: Path, fmt: str) -> list[Sheet]:
    """Every visible sheet of the workbook as cell values and merged ranges."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    name = path.name
    try:
        wb = CalamineWorkbook.from_path(str(path))
        visible = {m.name for m in wb.sheets_metadata if str(m.visible).endswith(".Visible")}
        raw = []
        for sheet_name in wb.sheet_names:
            if visible and sheet_name not in visible:
                continue
            s = wb.get_sheet_by_name(sheet_name)
            raw.append((sheet_name, s.to_python(skip_empty_area=False), s.merged_cell_ranges))
    except PasswordError:
        raise InputError(Problem("encrypted", "文件有密码保护 (已加密), 请去掉密码后重新保存再导入",
                                 file=name)) from None
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as e:
        msg = str(e).lower()
        if "password" in msg or "encrypt" in msg:
            raise InputError(Problem("encrypted", "文件有密码保护 (已加密), 请去掉密码后重新保存再导入",
                                     file=name)) from None
        raise InputError(Problem("corrupt-file", f"文件已损坏, 无法读取 ({type(e).__name__}: {e})",
                                 file=name)) from None
    ods_merges = _ods_merges(path) if fmt == "ods" else {}
    sheets = []
    for sheet_name, rows, merges in raw:
        if merges is None:
            merges = ods_merges.get(sheet_name) if fmt == "ods" else _openpyxl_merges(path, sheet_name)
        sheets.append(Sheet(name=sheet_name, rows=rows, merges=list(merges or [])))
    return sheets


def _openpyxl_merges(path: Path, sheet_name: str) -> list:
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=False)
        ws = wb[sheet_name]
        return [((r.min_row - 1, r.min_col - 1), (r.max_row - 1, r.max_col - 1))
                for r in ws.merged_cells.ranges]
    except Exception:  # noqa: BLE001 - merges are a refinement; the values were already read
        return []


def _ods_merges(path: Path) -> dict[str, list]:
    """Merged ranges per sheet of an ods file, 0-based inclusive, from content.xml."""
    from defusedxml import ElementTree

    t = f"{{{ODS_TABLE}}}"
    try:
        with zipfile.ZipFile(path) as z:
            root = ElementTree.fromstring(z.read("content.xml"))
    except Exception as e:  # noqa: BLE001
        raise InputError(Problem("corrupt-file", f"文件已损坏, 无法读取 ({e})", file=path.name)) from None
    out: dict[str, list] = {}
    for table in root.iter(f"{t}table"):
        merges = []
        r = 0
        for row in table.iter(f"{t}table-row"):
            row_rep = int(row.get(f"{t}number-rows-repeated", "1"))
            c = 0
            for cell in row:
                if cell.tag not in (f"{t}table-cell", f"{t}covered-table-cell"):
                    continue
                col_rep = int(cell.get(f"{t}number-columns-repeated", "1"))
                cs = int(cell.get(f"{t}number-columns-spanned", "1"))
                rs = int(cell.get(f"{t}number-rows-spanned", "1"))
                if cs > 1 or rs > 1:
                    merges.append(((r, c), (r + rs - 1, c + cs - 1)))
                c += col_rep
            r += row_rep
        out[table.get(f"{t}name", "")] = merges
    return out
