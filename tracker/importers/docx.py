"""Word (.docx) decomposition tables, read with python-docx.

* Every table of the body becomes a grid. A horizontally merged cell (gridSpan) and a vertically
  merged one (vMerge "continue") are given the text of the cell they belong to — python-docx's
  ``row.cells`` returns the root cell for both — and cells that are the same Word cell form one
  merged range, so :mod:`tracker.importers.table` treats them as it treats merged Excel cells.
  Rows that start late or end early (``grid_cols_before``/``grid_cols_after``) are padded.
* The decomposition table is the first table with a recognisable header; further tables with the
  header repeated, or headerless tables of the same width whose first row is an item (a table
  split by a page break or pasted in pieces), continue it. Other tables are skipped with a warning.
  In messages a table is named "表格N" (N counts the tables of the document from 1) and a cell by
  its row and column inside that table in A1 form (A1 = first row, first column).
* The title is the nearest paragraph above the table that reads like one ("…工作分解表", "…计划",
  "…方案"), else the nearest non-empty paragraph, skipping "附件"/"附表". A title row inside the
  table (merged across) is used first.
* A Word document with no such table whose paragraphs are numbered measures ending in
  "(责任单位:…)" is a narrative plan and is handed to :mod:`tracker.importers.narrative`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from tracker.detect import Detected
from tracker.importers.base import source_path
from tracker.importers.narrative import docx_is_narrative, extract_docx_paragraphs, looks_narrative
from tracker.importers.narrative import extract as extract_narrative
from tracker.importers.table import ATTACHMENT, rows_from_sheets
from tracker.model import RawTable
from tracker.problems import InputError, Problem, Problems
from tracker.sheets import Sheet

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITLE_WORDS = ("表", "计划", "方案", "分解", "任务", "安排")


def identify(d: Detected) -> int:
    return 1 if d.format == "docx" else 0


def extract(source: Path | Detected, problems: Problems, options=None) -> RawTable:
    path = source_path(source)
    if docx_is_narrative(path):  # no table with a header, but numbered measures
        raw = extract_narrative(source, problems, options)
        raw.format = raw.format or "narrative"
        return raw
    document = _open(path)
    sheets, titles = read_tables(document)
    if not any(any(any(c.strip() for c in r) for r in s.grid) for s in sheets):
        return _narrative_or_fail(path, problems, no_table=True, options=options)
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    try:
        raw = rows_from_sheets(sheets, file=path.name, problems=problems, fmt="docx",
                               columns=getattr(options, "columns", None), notes=paragraphs)
    except InputError as e:
        if any(p.code in ("no-header", "empty-file") for p in e.problems):
            return _narrative_or_fail(path, problems, no_table=False, error=e, options=options)
        raise
    if not raw.title:
        first = next((i for i, s in enumerate(sheets) if s.name == _first_table_name(raw)), 0)
        raw.title = titles[first] if first < len(titles) else ""
    return raw


def _first_table_name(raw: RawTable) -> str:
    return raw.rows[0].where.sheet if raw.rows else ""


def _open(path: Path):
    import docx

    try:
        return docx.Document(str(path))
    except FileNotFoundError:
        raise InputError(Problem("unreadable", "文件不存在", file=path.name)) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise InputError(Problem("corrupt-file", f"无法读取 Word 文档, 文件可能已损坏 ({type(e).__name__})",
                                 file=path.name)) from None
    except Exception as e:  # noqa: BLE001 - python-docx raises several kinds for a damaged file
        raise InputError(Problem("corrupt-file", f"无法读取 Word 文档 ({type(e).__name__}: {e})",
                                 file=path.name)) from None


def read_tables(document) -> tuple[list[Sheet], list[str]]:
    """Each body table as a Sheet named 表格1, 表格2 …, and the title paragraph above each."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    sheets: list[Sheet] = []
    titles: list[str] = []
    recent: list[str] = []  # non-empty paragraphs since the document start, newest last
    for child in document.element.body.iterchildren():
        if child.tag == f"{W_NS}p":
            text = Paragraph(child, document).text.strip()
            if text:
                recent.append(text)
        elif child.tag == f"{W_NS}tbl":
            table = Table(child, document)
            sheets.append(_grid(table, f"表格{len(sheets) + 1}"))
            titles.append(_title(recent[-5:]))
            recent = []
    return sheets, titles


def _title(paragraphs: list[str]) -> str:
    from tracker.plan_builder import join_text

    cands = [join_text(p) for p in reversed(paragraphs) if not ATTACHMENT.match(p)]
    for c in cands:
        if any(w in c for w in TITLE_WORDS) and len(c) <= 80:
            return c
    return cands[0] if cands and len(cands[0]) <= 80 else ""


def _grid(table, name: str) -> Sheet:
    rows: list[list[str]] = []
    positions: dict[object, list[tuple[int, int]]] = {}
    keep = []  # hold the lxml proxies so the same <w:tc> keeps the same Python object
    for r, row in enumerate(table.rows):
        try:
            cells = list(row.cells)
            before = row.grid_cols_before
        except (IndexError, ValueError, AttributeError):  # malformed spans: read what is there
            cells, before = [], 0
        line = [""] * before
        for c, cell in enumerate(cells, start=before):
            keep.append(cell._tc)
            positions.setdefault(cell._tc, []).append((r, c))
            line.append(cell.text)
        rows.append(line)
    merges = []
    for cells in positions.values():
        if len(cells) > 1:
            rs = [p[0] for p in cells]
            cs = [p[1] for p in cells]
            merges.append((min(rs), min(cs), max(rs), max(cs)))
    return Sheet(name=name, grid=rows, merged=merges)


def _narrative_or_fail(path: Path, problems: Problems, *, no_table: bool, error: InputError | None = None,
                       options=None):
    # (docx_is_narrative was asked in extract, before the tables were read)
    if no_table and looks_narrative("\n".join(extract_docx_paragraphs(path))):
        raw = extract_narrative(path, problems, options)
        raw.format = raw.format or "narrative"
        return raw
    if error is not None:
        raise error
    raise InputError(Problem("no-header", "Word 文档里没有表格, 也不是带“(责任单位:…)”的叙述式方案",
                             file=path.name))
