"""Spreadsheets: .xlsx (Excel, WPS), .xls (old Excel, WPS) and .ods (LibreOffice).

The workbook is read by :func:`tracker.sheets.read_workbook` (python-calamine, with the merged
ranges of every format; an ods file's are parsed once from its ``content.xml``), the one reader
collect uses too. The grid then goes through :mod:`tracker.importers.table`. Hidden sheets are
skipped.

Files that cannot be read at all raise InputError: "encrypted" (password to open), "corrupt-file"
(truncated or damaged), "no-header" (no sheet has a recognisable table), "empty-file".
"""

from __future__ import annotations

from pathlib import Path

from tracker.detect import Detected
from tracker.importers.base import detected
from tracker.importers.table import rows_from_sheets
from tracker.model import RawTable
from tracker.problems import InputError, Problem, Problems
from tracker.sheets import Sheet, read_workbook, unreadable, visible_sheets

FORMATS = ("xlsx", "xls", "ods")


def identify(d: Detected) -> int:
    return 1 if d.format in FORMATS else 0


def extract(source: Path | Detected, problems: Problems, options=None) -> RawTable:
    d = detected(source)
    if d.format not in FORMATS:
        raise InputError(Problem("unknown-format", f"这不是电子表格文件 (识别为 {d.format})", file=d.name))
    sheets = read_sheets(d)
    return rows_from_sheets(sheets, file=d.name, problems=problems, fmt=d.format,
                            columns=getattr(options, "columns", None))


def read_sheets(source: Path | Detected) -> list[Sheet]:
    """Every visible sheet of the workbook, or InputError ("encrypted", "corrupt-file")."""
    d = detected(source)
    try:
        return visible_sheets(read_workbook(d.path if d.path is not None else d.data))
    except Exception as e:  # noqa: BLE001 - calamine raises several kinds for a damaged or locked file
        raise InputError(unreadable(e, d.name)) from None
