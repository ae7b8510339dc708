"""Collecting returns: filled workbooks in, checked, archived, stored, answered with a receipt.

``collect(ws, paths)`` handles each file in this order:

1. Read its bytes, compute SHA-256, copy it to ``archive/<sha256><ext>`` (written to a temporary
   name then ``os.replace``: atomic and idempotent, so two runs at once cannot corrupt it) and
   record it in ``received`` with outcome ``pending`` (nothing received is ever lost). This step
   runs for a batch of files at once (:data:`BATCH_FILES`): every copy of the batch is written, ONE
   durability barrier makes them all durable under their final names
   (:func:`tracker.files.durable_write_many`: ``syncfs`` on Linux, else an ``fsync`` per file, then
   an ``fsync`` of the folder), and ONE transaction records them all. Only then is the first of them
   checked, so each file is still archived, durably, before anything else happens to it.
2. Read every sheet with python-calamine (.xlsx, .xls, .ods — whatever program saved it last) and
   check it (:func:`check_workbook`), collecting every problem of the file.
3. In ONE transaction: re-read ``received`` (another run may have done the file meanwhile), then
   either mark it rejected (errors: nothing else is stored) or store the return, its rows and
   target actuals, supersede the unit's earlier return for the period and mark it accepted.
4. Write the receipt (回执) from what the store now holds, so a rerun writes the same text.

Steps 2–3 (the safety scan, the read and the checks: pure functions of the bytes and the plan) run
in forked worker processes on Linux with several cores (:func:`check_workers`); steps 1, 3's
transaction and 4 stay in this process, in the order of the files. With workers, archive copies
and receipts are written by an I/O thread (creating a file is kernel time this process need not
wait for; the batch is recorded only once its copies are durable); receipts are rendered from the
store, so a receipt a kill lost is written by the rerun.

A crash at any point leaves the file ``pending`` (or done); a rerun re-processes pending files and
ends in the same store as one clean run. The same bytes collected again change nothing
(``duplicate``). A return whose content equals the unit's current return for the period is also a
duplicate (outcome ``duplicate``, nothing stored). A different return supersedes the current one
when it was received on the same day or later; one received earlier is stored already superseded.

Decisions (also in docs/round-trip.md):

- **Which period is expected.** ``--period`` if given; otherwise a return received on date D may
  be for the quarter containing D (early filers) or the quarter before it (the normal case). Any
  other period is rejected ("这是 2007Q1 的报表 …"); a genuinely late return is collected with
  ``--period``.
- **Percent values.** python-calamine does not expose number formats, so 0.8 typed into a
  percent-formatted cell arrives as 0.8. Rule: a number strictly between 0 and 1 that is not whole
  is a fraction and is multiplied by 100 (a warning says so); anything else is taken as percent
  points: 80, "80", "80%", "８０", "８０％" all mean 80. A non-whole result is rounded half up (warning).
  1 means 1 %.
- **Locked cells.** 任务编号 decides which item a row is. A changed 序号 (the row no longer matches
  its 任务编号) is an error; changed text in 类号/项目分类/工作内容/本单位角色/指标/目标值 is a warning
  (the plan's wording is kept).
- **Rows.** Rows are found by 任务编号, so re-sorted rows are fine. A row without 任务编号 that holds
  input is ignored with a warning; an id not of this unit, a missing item, or an item twice with
  different values is an error (twice with the same values: warning).
- **Merged cells** (xlsx/xls): the merged value counts for every cell of the range (warning).
- **Target actuals** accept 12.5, "12.5", "１２", "13万" (130000, or 13 when the target's unit is
  万…), "16%" (16), a trailing unit word ("10家"); words are rejected.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import io
import json
import re
import unicodedata
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from datetime import time as dt_time
from pathlib import Path

from tracker import jsonout
from tracker.files import atomic_write, durable_write_many, sweep_stale_tmp, sync_folder
from tracker.identity import SHEET as IDENTITY_SHEET
from tracker.identity import Identity, IdentityError, parse_cells, workspace_id
from tracker.model import LEAD, ROLE_LABEL
from tracker.problems import ERROR, WARNING, Problem, Problems, UsageError, a1
from tracker.templates import HEADERS, STATUSES, TARGET_HEADERS, TARGET_SHEET, TASK_SHEET

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
DONE_FOLDERS = {"已处理", "已退回"}  # inbox/ folders collect moves files into (tracker/inbox.py); never collected again
# Rejections that are the office's matter, not the department's: no receipt goes to the department
# for them (a receipt of a file with other errors too leaves them out). A wrong --received or
# --period, the office's own template collected, a return the office withdrew, a year not imported.
OFFICE_SIDE = {"period-mismatch", "unchanged-template", "return-withdrawn", "plan-missing"}
STATUS_SYNONYMS = {"完成": "已完成", "已经完成": "已完成", "全部完成": "已完成", "进行中": "推进中",
                   "正在推进": "推进中", "正在进行": "推进中", "推进": "推进中", "未开始": "未启动",
                   "尚未启动": "未启动", "不能按期完成": "无法按期完成", "无法完成": "无法按期完成"}
INPUT_KEYS = {"进展状态": "status", "完成进度(%)": "progress", "工作完成情况": "done", "存在问题": "problems",
              "下步计划": "next"}


# -- results -----------------------------------------------------------------------------------------
@dataclass
class FileOutcome:
    file: str  # as given
    name: str  # file name
    sha256: str = ""
    received_at: str = ""
    outcome: str = "rejected"  # accepted | rejected | duplicate (same content as the current return)
    duplicate: bool = False  # nothing changed in this run because of it
    unit: str | None = None
    period: str | None = None
    items: int = 0
    problems: list[Problem] = field(default_factory=list)
    superseded: bool = False  # it replaced an earlier return of the unit for the period
    replaced: dict | None = None  # {file, received_at} of the return it replaced
    current: bool = True  # it is the unit's current return for the period
    same_as: dict | None = None  # outcome duplicate: {file, received_at} of the equal return
    receipt: str = ""  # "" when none was written (an office-side rejection, see OFFICE_SIDE)
    moved_to: str = ""  # where collect moved it in the inbox (inbox/已处理/ or inbox/已退回/), if it did

    @property
    def office_side(self) -> bool:
        """Rejected for the office's own reasons only (OFFICE_SIDE): no receipt to the department."""
        errors = [p for p in self.problems if p.is_error]
        return not self.accepted and bool(errors) and all(p.code in OFFICE_SIDE for p in errors)

    @property
    def accepted(self) -> bool:
        return self.outcome in ("accepted", "duplicate")

    def to_dict(self) -> dict:
        probs = [{"sheet": p.sheet, "cell": p.cell, "code": p.code, "message": p.message,
                  "severity": p.severity} for p in self.problems]
        if self.accepted:
            return {"file": self.file, "unit": self.unit, "period": self.period, "items": self.items,
                    "superseded": self.superseded, "duplicate": self.duplicate or self.outcome == "duplicate",
                    "current": self.current, "sha256": self.sha256, "received_at": self.received_at,
                    "receipt": self.receipt, "warnings": probs, **self._moved()}
        return {"file": self.file, "problems": probs, "unit": self.unit, "period": self.period,
                "duplicate": self.duplicate, "sha256": self.sha256, "received_at": self.received_at,
                "receipt": self.receipt, "office_side": self.office_side, **self._moved()}

    def _moved(self) -> dict:
        return {"moved_to": self.moved_to} if self.moved_to else {}


@dataclass
class CollectResult:
    files: list[FileOutcome] = field(default_factory=list)
    not_returns: list[str] = field(default_factory=list)  # files in the folders given that are no spreadsheets

    @property
    def accepted(self) -> list[FileOutcome]:
        return [f for f in self.files if f.accepted]

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if not f.accepted]

    def to_dict(self) -> dict:
        out = {"accepted": [f.to_dict() for f in self.accepted],
               "rejected": [f.to_dict() for f in self.rejected]}
        if self.not_returns:
            out["not_returns"] = self.not_returns
        return out


@dataclass
class Checked:
    """What check_workbook found: the identity, the values to store, and every problem."""

    problems: Problems
    identity: Identity | None = None
    plan: object | None = None
    unit: str | None = None
    period: str | None = None
    rows: dict[str, dict] = field(default_factory=dict)  # item id -> {role,status,progress,done,problems,next}
    targets: dict[tuple[str, int], dict] = field(default_factory=dict)  # (item id, idx) -> {actual, note}


# -- reading -------------------------------------------------------------------------------------------
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


def _norm(v) -> str:
    """Cell text for comparison: NFKC (full-width → ASCII), whitespace removed, 1.0 → "1"."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return _norm_text(v if type(v) is str else str(v))


@functools.lru_cache(maxsize=1 << 16)
def _norm_text(s: str) -> str:
    # cached: an item's locked texts come back in the return of every unit that has the item.
    # str.split() splits on exactly the characters regex \s matches (both use str.isspace()).
    return "".join(unicodedata.normalize("NFKC", s).split())


def _text(v) -> str:
    """An input text cell as typed (line breaks kept, outer whitespace removed)."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime) and v.time() == dt_time(0):
        v = v.date()
    if isinstance(v, (date, datetime, dt_time)):
        return v.isoformat()
    return str(v).replace("\r\n", "\n").replace("\r", "\n").strip()


def _clean_text(v, probs: Problems, **where) -> str:
    """An input text cell as stored: :func:`_text`, without what XML cannot hold (with a warning)."""
    from tracker.safety import xml_safe, xml_safe_problem

    t, n = xml_safe(_text(v))
    if n:
        probs.items.append(xml_safe_problem(n, **where))
    return t


def _shown(v) -> str:
    t = _text(v)
    return t if len(t) <= 30 else t[:30] + "…"


# -- value parsers (pure; property-tested) -----------------------------------------------------------
_NUM = re.compile(r"^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)$")


def parse_progress(value) -> tuple[int | None, str | None, str]:
    """A progress cell -> (percent 0–100, problem code or None, note).

    Returns (None, code, message) for an error, (p, None, "") when clean, and (p, "warning-code",
    message) when the value was interpreted (fraction, rounded). See the module docstring.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "progress-missing", "完成进度未填写"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None, "progress-not-number", f"完成进度“{_shown(value)}”不是数字"
    if not isinstance(value, str) and not _finite(value):
        return None, "progress-not-number", f"完成进度“{_shown(value)}”不是有效的数字 (非数值或无穷大)"
    note_code, note = None, ""
    if isinstance(value, str):
        s = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
        percent = s.endswith("%")
        s = s.rstrip("%")
        if not _NUM.match(s):
            return None, "progress-not-number", f"完成进度“{_shown(value)}”不是数字"
        v = float(s)
        if not percent and 0 < v < 1:
            v, note_code, note = v * 100, "progress-fraction", f"完成进度“{_shown(value)}”按 {_fmt(v * 100)}% 处理"
    else:
        v = float(value)
        if 0 < v < 1:
            v, note_code, note = v * 100, "progress-fraction", f"完成进度 {_fmt(v)} 按 {_fmt(v * 100)}% 处理 (单元格为百分比格式)"
    v = round(v, 9)
    if v < 0 or v > 100:
        return None, "progress-out-of-range", f"完成进度“{_shown(value)}”超出 0–100 的范围"
    r = int(v + 0.5)
    if abs(v - r) > 1e-9 and note_code is None:
        note_code, note = "progress-rounded", f"完成进度“{_shown(value)}”不是整数, 已按 {r} 处理"
    elif abs(v - r) > 1e-9:
        note += f", 四舍五入为 {r}"
    return r, note_code, note


_MULT = {"千": 1e3, "万": 1e4, "亿": 1e8}
_ACTUAL = re.compile(r"^([+-]?(?:\d+(?:\.\d+)?|\.\d+))(千|万|亿)?([^\d]{0,4})$")


def parse_actual(value, target_unit: str = "") -> tuple[float | None, str | None]:
    """A target's actual value -> (number or None when empty, error message or None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, f"完成值“{value}”不是数字"
    if isinstance(value, (int, float)):
        return _fit_actual(value, value)
    s = unicodedata.normalize("NFKC", str(value)).strip()
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s).replace(" ", "")
    m = _ACTUAL.match(s)
    if not m:
        return None, f"完成值“{_shown(value)}”不是数字"
    n = float(m.group(1))
    mult, suffix = m.group(2) or "", m.group(3) or ""
    tu = unicodedata.normalize("NFKC", target_unit or "")
    allowed = {"", "%", "件", "家", "个", "项", "人", "次", "元", "户", "所", "种", "篇", "场", "期", "名", "人次",
               "倍", "平方米", tu, tu.lstrip("千万亿")}
    if suffix not in allowed:
        return None, f"完成值“{_shown(value)}”不是数字"
    if mult and not (tu[:1] == mult):
        n *= _MULT[mult]
    return _fit_actual(n, value)


MAX_ACTUAL = 1e15  # |actual| above this does not fit: no target counts that far, and a float is
#                    exact for whole numbers only up to 2**53 (9.0e15)


def _finite(v) -> bool:
    """True for a number that is not NaN or infinite and fits a float (a huge int does not)."""
    import math

    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


def _fit_actual(n, value) -> tuple[float | None, str | None]:
    if not _finite(n):
        return None, f"完成值“{_shown(value)}”不是有效的数字 (非数值或无穷大)"
    if abs(float(n)) > MAX_ACTUAL:
        return None, f"完成值“{_shown(value)}”过大, 超出可记录的范围 (绝对值不超过 10 的 15 次方)"
    return float(n), None


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


# -- checking -----------------------------------------------------------------------------------------
def _find_identity(sheets: list[Sheet]) -> Sheet | None:
    for s in sheets:
        if s.name == IDENTITY_SHEET:
            return s
    for s in sheets:  # renamed: recognise it by its first cell
        if _norm(s.get(0, 0)) == "format" and _norm(s.get(0, 1)).startswith("tracker-template"):
            return s
    return None


def _find_table(sheets: list[Sheet], name: str, headers: list[str], needed: int):
    """(sheet, header row, {label: column}) found by name, else by its header; renamed flag."""
    want = {_norm(h): h for h in headers}

    def header_in(s: Sheet):
        for r in range(min(len(s.grid), 12)):
            cols = {}
            for c, v in enumerate(s.grid[r]):
                h = want.get(_norm(v))
                if h and h not in cols:
                    cols[h] = c
            if "任务编号" in cols and len(cols) >= needed:
                return r, cols
        return None

    by_name = [s for s in sheets if s.name.strip() == name]
    for s in by_name + [s for s in sheets if s not in by_name and s.name != IDENTITY_SHEET]:
        found = header_in(s)
        if found:
            return s, found[0], found[1], s not in by_name
    return None, None, None, False


def check_workbook(data: bytes, file: str, *, secret: bytes, plan_for, registry, config: dict,
                   periods: set[str] | None, older=None) -> Checked:
    """Check one workbook completely. ``plan_for(year)`` -> (Plan, Assignments) or None;
    ``older(year, version)`` the same for an earlier version of the plan (a template made from it is
    accepted when its unit's items, as the template shows them, did not change: ``unit_view``).

    ``periods``: the periods that may be collected now (None: any). Never raises for bad input.
    """
    from tracker.periods import parse_period

    probs = Problems()
    out = Checked(probs)
    from tracker.safety import workbook_problems

    found = workbook_problems(data, file)  # bombs, damage, huge sheets: before any reader
    probs.extend(found)
    if any(p.is_error for p in found):
        return out
    try:
        sheets = read_sheets(data)
    except Exception as e:  # calamine raises several types for junk, encrypted or truncated files
        probs.add("unreadable", f"无法读取该文件: 它不是 Excel/WPS/LibreOffice 表格, 或已损坏、加密 ({type(e).__name__})",
                  file=file)
        return out

    # identity ------------------------------------------------------------------------------------
    ish = _find_identity(sheets)
    if ish is None:
        probs.add("identity-missing", "文件中没有模板标识 (隐藏工作表 _tracker), 不是办公室下发的填报模板, "
                  "或该工作表被删除", file=file)
        return out
    try:
        ident = parse_cells(ish.grid)
    except IdentityError as e:
        probs.add("identity-unreadable", f"{e}", file=file, sheet=ish.name)
        return out
    out.identity = ident
    row_of = {_norm(r[0]): i for i, r in enumerate(ish.grid) if r}
    if ident.workspace != workspace_id(secret):
        probs.add("identity-other-workspace", "该模板不是本办公室 (本工作区) 生成的", file=file,
                  sheet=ish.name, cell=a1(row_of.get("workspace", 0), 1))
        return out
    if not ident.verify(secret):
        probs.add("identity-signature-invalid", "模板标识校验不通过: 隐藏工作表 _tracker 中的内容 (如单位名称或任务编号) "
                  "被修改过", file=file, sheet=ish.name, cell=a1(row_of.get("signature", 0), 1))
        return out

    task_sheet, hrow, cols, renamed = _find_table(sheets, TASK_SHEET, HEADERS, 6)
    tname = task_sheet.name if task_sheet else TASK_SHEET
    try:
        period = parse_period(ident.period)
    except UsageError:
        probs.add("identity-unreadable", f"模板标识中的季度“{ident.period}”无法识别", file=file, sheet=ish.name)
        return out
    out.period = str(period)
    if periods is not None and str(period) not in periods:
        want = sorted(periods)
        main = want[0]
        label = parse_period(main).label
        probs.add("period-mismatch", f"这是 {period} ({period.label}) 的报表, 本次收集的是 {main} ({label}) 的报表。"
                  "可能误发了上一季度的文件; 如果是办公室收到的日期不对, 请用 --received YYYY-MM-DD 写明收到日期,"
                  f" 如确为补报, 请用 --period {period} 再收集一次", file=file, sheet=tname, cell="A1")
    got = plan_for(ident.year)
    if got is None:
        probs.add("plan-missing", f"工作区里没有 {ident.year} 年的计划", file=file, sheet=ish.name)
        return out
    plan, assignments = got
    out.plan = plan
    if ident.plan_version != plan.version and not _same_view(older, ident, assignments, registry):
        probs.add("plan-version-mismatch", f"该模板按 {ident.year} 年计划第 {ident.plan_version} 版生成, 现行计划为第 "
                  f"{plan.version} 版, 任务已调整", file=file, sheet=ish.name,
                  cell=a1(row_of.get("plan_version", 0), 1))
        return out
    unit = registry.canonical(ident.unit)
    if unit not in assignments.by_unit:
        probs.add("unit-unknown", f"单位“{ident.unit}”在现行计划中没有任务", file=file, sheet=ish.name,
                  cell=a1(row_of.get("unit", 0), 1))
        return out
    out.unit = unit
    mine = assignments.items_of(unit)
    if [it.id for it, _ in mine] != ident.items:
        probs.add("template-outdated", f"本单位 ({unit}) 的任务已调整, 该模板已过时", file=file, sheet=ish.name,
                  cell=a1(row_of.get("items", 0), 1))
        return out

    # 任务填报 ---------------------------------------------------------------------------------------
    if task_sheet is None:
        probs.add("sheet-missing", f"找不到“{TASK_SHEET}”工作表 (表头含 任务编号、进展状态 等)", file=file)
        return out
    if renamed:
        probs.warn("sheet-renamed", f"工作表“{TASK_SHEET}”被改名为“{task_sheet.name}”, 已按表头找到", file=file,
                   sheet=task_sheet.name)
    missing_h = [h for h in HEADERS if h not in cols]
    if missing_h:
        probs.add("header-missing", f"表头缺少: {'、'.join(missing_h)}", file=file, sheet=tname,
                  cell=a1(hrow, 0), row=hrow + 1)
        return out
    _check_merged(task_sheet, hrow, file, probs)
    severity = ERROR if str(config.get("returns", {}).get("inconsistency", "warning")) == "error" else WARNING
    items_by_id = {it.id: (it, role) for it, role in mine}
    seen: dict[str, int] = {}
    for r in range(hrow + 1, len(task_sheet.grid)):
        cell = task_sheet.get
        where = {"file": file, "sheet": tname}
        iid = _norm(cell(r, cols["任务编号"]))
        inputs = {k: cell(r, cols[h]) for h, k in INPUT_KEYS.items()}
        if not iid:
            if any(_text(v) for v in inputs.values()):
                probs.warn("row-without-id", f"第 {r + 1} 行没有任务编号, 该行内容未录入", cell=a1(r, cols["任务编号"]),
                           row=r + 1, **where)
            continue
        if iid not in items_by_id:
            probs.add("item-unknown", f"任务编号“{_shown(cell(r, cols['任务编号']))}”不是本单位的任务",
                      cell=a1(r, cols["任务编号"]), row=r + 1, **where)
            continue
        it, role = items_by_id[iid]
        row_probs = Problems()
        # locked cells
        num = _norm(cell(r, cols["序号"]))
        if num != _norm(it.shown_number):
            row_probs.add("item-number-mismatch", f"序号被改为“{_shown(cell(r, cols['序号']))}”, 与任务编号 {iid} "
                          f"(序号 {it.shown_number}) 不符", cell=a1(r, cols["序号"]), row=r + 1, **where)
        for h, expect in (("类号", it.category_no), ("项目分类", it.category), ("工作内容", it.content),
                          ("本单位角色", ROLE_LABEL[role])):
            if _norm(cell(r, cols[h])) != _norm(expect):
                row_probs.warn("locked-cell-changed", f"“{h}”是锁定内容, 被改为“{_shown(cell(r, cols[h]))}”; 已按原计划"
                               f"内容“{_shown(expect)}”处理", cell=a1(r, cols[h]), row=r + 1, **where)
        # status
        raw_status = _norm(inputs["status"])
        status = STATUS_SYNONYMS.get(raw_status, raw_status)
        c_status = a1(r, cols["进展状态"])
        if not raw_status:
            row_probs.add("status-missing", "进展状态未填写", cell=c_status, row=r + 1, **where)
        elif status not in STATUSES:
            row_probs.add("status-invalid", f"进展状态“{_shown(inputs['status'])}”不在可选范围内", cell=c_status,
                          row=r + 1, **where)
        elif status != raw_status:
            row_probs.warn("status-normalised", f"进展状态“{_shown(inputs['status'])}”按“{status}”处理",
                           cell=c_status, row=r + 1, **where)
        # progress
        c_prog = a1(r, cols["完成进度(%)"])
        progress, code, note = parse_progress(inputs["progress"])
        if progress is None:
            row_probs.add(code, note, cell=c_prog, row=r + 1, **where)
        elif code:
            row_probs.warn(code, note, cell=c_prog, row=r + 1, **where)
        if progress is not None and status in STATUSES:
            if status == "已完成" and progress < 100:
                row_probs.add("inconsistent-done", f"进展状态为“已完成”, 但完成进度只有 {progress}%", severity=severity,
                              cell=c_prog, row=r + 1, **where)
            if status == "未启动" and progress == 100:
                row_probs.add("inconsistent-not-started", "完成进度为 100%, 但进展状态为“未启动”", severity=severity,
                              cell=c_status, row=r + 1, **where)
        values = {"role": role, "status": status, "progress": progress}
        for h, key in (("工作完成情况", "done"), ("存在问题", "problems"), ("下步计划", "next")):
            values[key] = _clean_text(inputs[key], row_probs, cell=a1(r, cols[h]), row=r + 1, **where)
        if iid in seen:
            if out.rows.get(iid) == values:
                probs.warn("item-duplicate-same", f"任务 {iid} 出现两次 (第 {seen[iid] + 1} 行和第 {r + 1} 行), 内容相同, "
                           "按一行录入", cell=a1(r, cols["任务编号"]), row=r + 1, **where)
            else:
                probs.add("item-duplicate", f"任务 {iid} 出现两次 (第 {seen[iid] + 1} 行和第 {r + 1} 行), 内容不同",
                          cell=a1(r, cols["任务编号"]), row=r + 1, **where)
            continue
        seen[iid] = r
        # say which item a row problem is about: the department may have re-sorted the rows
        probs.extend([replace(p, message=f"任务 {iid} (序号 {it.number}): {p.message}") for p in row_probs])
        out.rows[iid] = values
    for it, _role in mine:
        if it.id not in seen:
            probs.add("item-missing", f"缺少任务 {it.id} (序号 {it.number}: {_shown(it.content)}) 的一行", file=file,
                      sheet=tname)

    # 指标填报 ---------------------------------------------------------------------------------------
    if ident.targets:
        _check_targets(sheets, ident, plan, file, probs, out, {iid: it for iid, (it, _r) in items_by_id.items()})
    return out


def _same_view(older, ident: Identity, assignments, registry) -> bool:
    """Whether the unit's template from plan version ident.plan_version shows what the current
    version would show (then the new version did not make it stale)."""
    from tracker.assignments import unit_view

    got = older(ident.year, ident.plan_version) if older is not None and ident.plan_version > 0 else None
    if got is None:
        return False
    unit = registry.canonical(ident.unit)
    view = unit_view(got[1], unit)
    return bool(view) and view == unit_view(assignments, unit)


def _check_merged(sheet: Sheet, hrow: int, file: str, probs: Problems) -> None:
    for r0, c0, r1, c1 in sheet.merged:
        if r1 <= hrow:
            continue  # the title row
        probs.warn("merged-cells", f"单元格 {a1(r0, c0)}:{a1(r1, c1)} 被合并, 已按每个单元格填写了相同内容处理",
                   file=file, sheet=sheet.name, cell=a1(r0, c0), row=r0 + 1)


def _check_targets(sheets, ident: Identity, plan, file: str, probs: Problems, out: Checked,
                   mine: dict | None = None) -> None:
    """``mine``: the unit's items by id (a shortcut; any other id is looked up in the plan)."""
    mine = mine or {}

    def item(iid):
        return mine.get(iid) or plan.item(iid)

    tsh, hrow, cols, renamed = _find_table(sheets, TARGET_SHEET, TARGET_HEADERS, 4)
    if tsh is None or any(h not in cols for h in ("任务编号", "指标", "完成值")):
        probs.add("sheet-missing", f"找不到“{TARGET_SHEET}”工作表 (表头含 任务编号、指标、完成值)", file=file)
        return
    if renamed:
        probs.warn("sheet-renamed", f"工作表“{TARGET_SHEET}”被改名为“{tsh.name}”, 已按表头找到", file=file,
                   sheet=tsh.name)
    _check_merged(tsh, hrow, file, probs)
    wanted = {}  # item id -> [idx not yet found]
    for iid, idx in ident.targets:
        wanted.setdefault(iid, []).append(idx)
    where = {"file": file, "sheet": tsh.name}
    for r in range(hrow + 1, len(tsh.grid)):
        iid = _norm(tsh.get(r, cols["任务编号"]))
        if not iid:
            continue
        it = item(iid) if iid in wanted else None
        if iid not in wanted or it is None:
            probs.add("target-unknown", f"任务编号“{_shown(tsh.get(r, cols['任务编号']))}”在本表中没有指标",
                      cell=a1(r, cols["任务编号"]), row=r + 1, **where)
            continue
        metric = _norm(tsh.get(r, cols["指标"]))
        left = wanted[iid]
        if not left:
            probs.add("target-duplicate", f"任务 {iid} 的指标行多出一行", cell=a1(r, cols["任务编号"]), row=r + 1, **where)
            continue
        idx = next((i for i in left if i < len(it.targets) and _norm(it.targets[i].metric) == metric), None)
        if idx is None:
            idx = left[0]
            probs.warn("locked-cell-changed", f"“指标”是锁定内容, 被改为“{_shown(tsh.get(r, cols['指标']))}”; 已按原计划"
                       f"指标“{_shown(it.targets[idx].metric)}”处理", cell=a1(r, cols["指标"]), row=r + 1, **where)
        left.remove(idx)
        t = it.targets[idx]
        if "目标值" in cols and _norm(tsh.get(r, cols["目标值"])) != _norm(t.describe()):
            probs.warn("locked-cell-changed", f"“目标值”是锁定内容, 被改为“{_shown(tsh.get(r, cols['目标值']))}”; 已按"
                       f"原计划“{t.describe()}”处理", cell=a1(r, cols["目标值"]), row=r + 1, **where)
        actual, err = parse_actual(tsh.get(r, cols["完成值"]), t.unit)
        if err:
            probs.add("target-not-number", err, cell=a1(r, cols["完成值"]), row=r + 1, **where)
        note = _clean_text(tsh.get(r, cols["说明"]), probs, cell=a1(r, cols["说明"]), row=r + 1,
                           **where) if "说明" in cols else ""
        out.targets[(iid, idx)] = {"actual": actual, "note": note}
    for iid, left in wanted.items():
        for idx in left:
            it = item(iid)
            metric = it.targets[idx].metric if it and idx < len(it.targets) else ""
            probs.add("target-missing", f"缺少任务 {iid} 的指标“{_shown(metric)}”一行", **where)


# -- collecting ----------------------------------------------------------------------------------------
def expected_periods(received: date, explicit: str | None = None) -> set[str]:
    """The periods a return received on that date may be for (see module docstring)."""
    from tracker.periods import Period, parse_period

    if explicit:
        return {str(parse_period(explicit))}
    q = (received.month - 1) // 3 + 1
    cur = Period(received.year, q)
    prev = Period(received.year, q - 1) if q > 1 else Period(received.year - 1, 4)
    return {str(cur), str(prev)}


def find_files(paths: list[Path]) -> list[Path]:
    """Files to collect: given files as they are, folders searched for spreadsheets (sorted)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in EXTENSIONS
                              and not f.name.startswith(("~$", ".~lock", "."))
                              and not DONE_FOLDERS & set(f.relative_to(p).parts[:-1])))
        elif p.exists():
            out.append(p)
        elif (moved := _moved_copy(p)) is not None:
            out.append(moved)  # another collect moved it meanwhile: the same file, collected as it left it
        else:
            raise UsageError(f"找不到文件或目录: {p}")
    seen, uniq = set(), []
    for f in out:
        k = f.resolve()
        if k not in seen:
            seen.add(k)
            uniq.append(f)
    return uniq


def _moved_copy(p: Path) -> Path | None:
    """A file given by name that a collect running at the same time has just moved from the inbox
    into inbox/已处理/ or inbox/已退回/ (:mod:`tracker.inbox`): that copy, else None."""
    for folder in sorted(DONE_FOLDERS):
        cand = p.parent / folder / p.name
        if cand.is_file():
            return cand
    return None


def archive_file(ws, sha: str, ext: str, data: bytes) -> Path:
    """Copy into archive/<sha256><ext>; atomic, durable and idempotent (two writers write the same bytes)."""
    return archive_files(ws, [(sha, ext, data)])[0]


def archive_files(ws, files: list[tuple[str, str, bytes]]) -> list[Path]:
    """Copy each (sha256, ext, data) into archive/<sha256><ext>, with ONE durability barrier for the
    batch (:func:`tracker.files.durable_write_many`): when this returns, every copy is on disk under
    its final name. A copy already there with the same bytes is kept (a rerun, or another run)."""
    out, todo, there = [], {}, False
    folder = ws.archive  # (a property that makes the folder: once, not per file)
    for sha, ext, data in files:
        dest = folder / f"{sha}{ext}"
        out.append(dest)
        if dest in todo:
            continue
        if _archived(dest, data):
            there = True
            continue
        todo[dest] = data
    durable_write_many(list(todo.items()))
    if there and not todo:  # copies an earlier (killed) run renamed: their names made durable too
        sync_folder(folder)
    return out


def _archived(dest: Path, data: bytes) -> bool:
    """The copy is there and whole: compared byte for byte (not only its size), so a copy torn by
    a crash of the machine before its barrier is written again."""
    try:
        if dest.stat().st_size != len(data):
            return False
        return dest.read_bytes() == data
    except OSError:
        return False


@functools.lru_cache(maxsize=1)
def _sql():
    """The statements collect runs for every file, built once (SQLAlchemy then caches their
    compiled form; building a statement per file cost more than running it)."""
    from types import SimpleNamespace

    from sqlalchemy import bindparam, select

    from tracker.store import received, returns

    return SimpleNamespace(
        received=select(received).where(received.c.sha256 == bindparam("sha")),
        received_many=select(received).where(received.c.sha256.in_(bindparam("shas", expanding=True))),
        insert_received=received.insert(),
        update_received=received.update().where(received.c.sha256 == bindparam("sha")),
        current=select(returns).where(returns.c.unit == bindparam("unit"), returns.c.period == bindparam("period"),
                                      returns.c.superseded_by.is_(None), returns.c.withdrawn_at.is_(None)),
        insert_return=returns.insert(),
        supersede=returns.update().where(returns.c.id == bindparam("rid")),
        file_name=select(received.c.file_name).where(received.c.sha256 == bindparam("sha")),
    )


class _ExpandOnce:
    """The registry as ``assign`` uses it, each name expanded once: a plan names the same few
    hundred units in thousands of places (2,000 items: 9,000 expansions of 500 names)."""

    def __init__(self, registry):
        self._registry = registry
        self._done: dict[str, list[str]] = {}

    def expand(self, name: str) -> list[str]:
        got = self._done.get(name)
        if got is None:
            got = self._done[name] = self._registry.expand(name)
        return list(got)


def _archive_ext(path: Path) -> str:
    return path.suffix.lower() if path.suffix.lower() in EXTENSIONS else (path.suffix.lower() or ".bin")


# -- check workers ---------------------------------------------------------------------------------------
PARALLEL_MIN_FILES = 24
_CHECKER: Collector | None = None  # what the forked workers check with (set before the fork)


def check_workers(n_files: int) -> int:
    """How many processes collect: this one (it receives, stores and writes receipts, in order)
    and N−1 forked workers that check (safety scan, read, checks: pure functions of the bytes and
    the plan, about 60 % of collect's CPU). One per core, at most 4: this process is the slower
    stage, so on 2 cores one worker checks while it stores (two workers were slower: three
    processes on two cores took CPU from the storing one). Only where ``fork`` exists (Linux), with
    at least PARALLEL_MIN_FILES files; ``TRACKER_WORKERS=N`` in the environment sets N, and
    ``TRACKER_WORKERS=1`` checks in this process (the variable tracker templates reads too)."""
    import os
    import sys

    env = os.environ.get("TRACKER_WORKERS", "").strip()
    n = int(env) if env.isdigit() and int(env) > 0 else min(os.cpu_count() or 1, 4)
    if n <= 1 or n_files < PARALLEL_MIN_FILES or not sys.platform.startswith("linux"):
        return 1
    return n


def _worker_start() -> None:
    # the store's pooled connections belong to the parent: never use them here (SQLAlchemy's rule
    # for forked processes); a plan not loaded before the fork is read through new connections
    if _CHECKER is not None:
        _CHECKER.store.engine.dispose(close=False)


def _check_in_worker(job: tuple[bytes, str]) -> Checked:
    data, name = job
    c = _CHECKER
    checked = check_workbook(data, name, secret=c.secret, plan_for=c.plan_for, registry=c.registry,
                             config=c.config, periods=c._check_periods, older=c.plan_version_for)
    checked = c.untouched(checked, name)
    if checked.plan is not None:
        checked.plan = checked.plan.db_id  # the parent has the plan: send its id, not 2,000 items
    return checked


def _chain(*iterators):
    for it in iterators:
        yield from it


BATCH_FILES = 64  # files received (read, archived, recorded) together, before the first is checked
BATCH_BYTES = 64 * 1024 * 1024  # ... and at most this many bytes of them held in memory


@dataclass
class _Incoming:
    """A file received by :meth:`Collector._start_batch` and ``_finish_batch``: read, archived
    (durable), recorded."""

    path: Path
    pos: int = 0  # its place in Collector._queue
    data: bytes | None = None  # None: it could not be read
    error: str = ""
    sha: str = ""
    rec: dict | None = None  # its ``received`` row before this run recorded it (None: new)
    checking: bool = False  # sent to the check workers: its result is next in Collector._results
    mtime: str | None = None  # the file's modification time (received.file_mtime)


def _mtime(path: Path) -> str:
    """A file's modification time as received.file_mtime holds it (UTC, microseconds: sortable)."""
    from datetime import UTC

    return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


class Collector:
    """Collects files in the order given. Files are RECEIVED in batches (:meth:`expect`): up to
    :data:`BATCH_FILES` files are read, archived with one durability barrier and recorded as
    ``pending`` in one transaction, and only then is the first of them checked; each file is then
    checked, stored in its own transaction and answered with a receipt, in order. With
    :func:`check_workers` > 1 the checks run in forked worker processes (pure functions of the
    bytes and the plan); every write stays in this process, in order."""

    def __init__(self, ws, received: date | None = None, period: str | None = None, dry_run: bool = False,
                 link: tuple[str, str] | None = None):
        """``link``: (unit, period) of the unit's link the files came through (docs/links.md): a
        workbook of another unit or period is rejected (``link-unit-mismatch``,
        ``link-period-mismatch``) and nothing of it is stored; the link names the period, so the
        received date does not limit it."""
        from tracker.assignments import assign
        from tracker.units import Registry

        self.ws = ws
        self.store = ws.store()
        self.config = ws.config()
        self.registry = Registry.from_config(self.config)
        self.secret = ws.secret()
        self.received = received or date.today()
        self.explicit_received = received is not None  # then it wins over a date stored before
        self.link = link
        self.periods = {str(link[1])} if link else expected_periods(self.received, period)
        self._check_periods = None if link else self.periods  # a link checks its period itself
        self.dry_run = dry_run
        self._plans: dict[int, tuple | None] = {}
        self._older: dict[tuple[int, int], tuple | None] = {}
        self._progress: dict[int, dict] = {}  # year -> unit -> item -> [(period, progress)], see _prefill_progress
        self._plans_by_id: dict[int, object] = {}
        self._assign = assign
        self._queue: list[Path] = []  # the files expected, in order (see expect)
        self._next = 0  # the first file of _queue not yet read
        self._pos = 0  # the file of _queue collect_file is at
        self._batch: tuple[list[_Incoming], Future] | None = None  # read, being archived (_start_batch)
        self._ahead: dict[int, _Incoming] = {}  # position in _queue -> received, not yet collected
        self._done_shas: set[str] = set()  # files collected in this run
        self._pool = None
        self._results = None  # the workers' check results, in the order the files were sent
        self._receipts: set[Path] = set()  # receipts written by this run
        self._receipt_dir: Path | None = None
        self._writer = None  # the I/O thread: archive copies and receipts (many files only)
        self._written = collections.deque()  # its futures, oldest first
        if not dry_run:  # what a killed run left half-written goes before this run writes anything
            for folder in (ws.archive, ws.outbox / "receipts"):
                sweep_stale_tmp(folder)

    def plan_version_for(self, year: int, version: int):
        """(Plan, Assignments) of an earlier version of the year's plan, or None."""
        key = (year, version)
        if key not in self._older:
            plan = self.store.load_plan(year=year, version=version)
            self._older[key] = None if plan is None else (plan, self._assign(plan, _ExpandOnce(self.registry)))
        return self._older[key]

    def untouched(self, checked: Checked, file: str = "") -> Checked:
        """A workbook whose answers equal what the office prefilled is not a return: its problems
        become one error, ``unchanged-template`` (office-side: no receipt). Untouched means every
        input empty (a Q1 template, or one for a unit without earlier returns), or equal to the
        unit's latest accepted values of earlier quarters of the year (what templates prefill) and
        to the office's copy in ``outbox/PERIOD/`` where that is still there (a department that typed
        the same values into a blank template did fill it in)."""

        if checked.identity is None or checked.unit is None or not checked.rows or checked.period is None:
            return checked
        blank = _blank(checked)
        if blank and self.link:
            return checked  # sent by the department itself: every empty cell is its own problem
        if not blank:
            if checked.problems.errors:
                return checked
            was = self._prefill_progress(checked.unit, checked.period)
            if not was or any(v["progress"] != was.get(iid) for iid, v in checked.rows.items()):
                return checked  # (nearly every return: one dict lookup per item, no query)
            prefill = self._prefill(checked.unit, checked.period)
            if not prefill or _answers(checked)[0] != _answers(prefill)[0]:
                return checked
            self._prefill_targets(prefill)
            if _answers(checked) != _answers(prefill):
                return checked
            from tracker.templates import template_name

            copy = self.ws.outbox / checked.period / template_name(checked.period, checked.identity.unit)
            if copy.is_file():
                sent = check_workbook(copy.read_bytes(), copy.name, secret=self.secret, plan_for=self.plan_for,
                                      registry=self.registry, config=self.config, periods=None,
                                      older=self.plan_version_for)
                if _answers(sent) != _answers(checked):
                    return checked
        checked.problems = Problems()
        if self.link:  # the department's own upload of last quarter's answers, unchanged
            checked.problems.add("template-not-filled", "报送的内容与下发模板中预填的上季度内容完全相同, 未录入",
                                 file=file, sheet="任务填报")
            return checked
        checked.problems.add("unchanged-template", "这份表格的填报内容与办公室下发的模板完全相同 (第一季度的模板为空白),"
                             " 不是单位报回的报表, 未录入。可能是把 outbox/ 中下发的模板当作报表收集了; 请收集各单位填好后报回的文件",
                             file=file)
        return checked

    def _prefill_progress(self, unit: str, period: str) -> dict[str, int | None]:
        """item id -> the progress a template of ``period`` prefills for the unit, from an index of
        the year's current rows (unit, item, period, progress) read in ONE query per run and year,
        as the store was then (loaded before the check workers fork). A return whose progress
        differs anywhere is no untouched template, which settles nearly every file without a query."""
        from sqlalchemy import select

        from tracker.store import return_rows, returns

        year = int(period[:4])
        index = self._progress.get(year)
        if index is None:
            index = self._progress[year] = {}
            q = (select(returns.c.unit, return_rows.c.item_id, returns.c.period, return_rows.c.progress)
                 .join(return_rows, return_rows.c.return_id == returns.c.id)
                 .where(returns.c.period.like(f"{year}Q%"), returns.c.superseded_by.is_(None),
                        returns.c.withdrawn_at.is_(None)).order_by(returns.c.period))
            with self.store.read() as conn:
                for u, iid, per, prog in conn.execute(q):
                    index.setdefault(u, {}).setdefault(iid, []).append((per, prog))
        out = {}
        for iid, seen in index.get(unit, {}).items():
            earlier = [prog for per, prog in seen if per < period]
            if earlier:
                out[iid] = earlier[-1]
        return out

    def _prefill(self, unit: str, period: str) -> dict[str, dict]:
        """item id -> what a template of ``period`` prefills for the unit: its latest current row
        of an earlier quarter of the year, targets included (as :func:`tracker.templates.previous_returns`).
        Rows only, as plain tuples of one indexed query (this runs for every file, bench/README.md);
        :meth:`_prefill_targets` adds the targets where the rows equal the workbook's."""
        from sqlalchemy import select

        from tracker.store import return_rows, returns

        q = (select(returns.c.period, return_rows.c.item_id, returns.c.id, return_rows.c.status,
                    return_rows.c.progress, return_rows.c.done, return_rows.c.problems, return_rows.c.next)
             .join(return_rows, return_rows.c.return_id == returns.c.id)
             .where(returns.c.unit == unit, returns.c.period >= f"{period[:4]}Q1", returns.c.period < period,
                    returns.c.superseded_by.is_(None), returns.c.withdrawn_at.is_(None))
             .order_by(returns.c.period))
        out: dict[str, dict] = {}
        with self.store.read() as conn:
            for _period, iid, rid, *vals in conn.execute(q):
                out[iid] = {"return_id": rid, "targets": [], **dict(zip(_INPUTS, vals, strict=True))}
        return out

    def _prefill_targets(self, prefill: dict[str, dict]) -> None:
        from sqlalchemy import select

        from tracker.store import return_targets

        ids = {r["return_id"] for r in prefill.values()}
        with self.store.read() as conn:
            for t in conn.execute(select(return_targets).where(return_targets.c.return_id.in_(ids))).mappings():
                r = prefill.get(t["item_id"])
                if r is not None and r["return_id"] == t["return_id"]:
                    r["targets"].append({"idx": t["idx"], "actual": t["actual"], "note": t["note"]})

    def plan_for(self, year: int):
        if year not in self._plans:
            plan = self.store.load_plan(year=year)
            self._plans[year] = None if plan is None else (plan, self._assign(plan, _ExpandOnce(self.registry)))
            if plan is not None:
                self._plans_by_id[plan.db_id] = plan
        return self._plans[year]

    def close(self) -> None:
        global _CHECKER
        if self._writer is not None:
            self._writer.shutdown(wait=True)  # what was queued is written (errors: see flush)
            self._writer = None
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            if _CHECKER is self:
                _CHECKER = None
        self.store.close()

    def expect(self, paths: list[Path]) -> None:
        """The files :meth:`collect_file` will be called with, in this order (lets it receive them
        in batches). Without it each file is received on its own."""
        self._drop_ahead()
        self._queue = list(paths)
        self._next = self._pos = 0
        if not self.dry_run and len(self._queue) >= PARALLEL_MIN_FILES:
            self._start_workers(check_workers(len(self._queue)))
            if self._writer is None and self._pool is not None:  # (one process: no gain measured)
                from concurrent.futures import ThreadPoolExecutor

                self._writer = ThreadPoolExecutor(1, thread_name_prefix="tracker-io")

    def collect_file(self, path: Path) -> FileOutcome:
        from sqlalchemy import select

        from tracker.store import received

        fo = FileOutcome(file=str(path), name=path.name, received_at=self.received.isoformat())
        if self.dry_run:
            try:
                data = path.read_bytes()
            except OSError as e:
                fo.problems = [Problem("unreadable", f"无法打开该文件: {e.strerror or e}", file=path.name)]
                return fo
            fo.sha256 = sha = hashlib.sha256(data).hexdigest()
            with self.store.read() as conn:
                rec = conn.execute(select(received).where(received.c.sha256 == sha)).mappings().first()
            if rec is not None and rec["outcome"] in ("accepted", "duplicate"):
                return self._stale(self._stored_outcome(fo, duplicate=True))
            if rec is not None and rec["outcome"] == "withdrawn":
                return self._withdrawn(fo, dict(rec))
            return self._check_only(fo, data)
        inc = self._incoming(path)
        if inc.data is None:
            fo.problems = [Problem("unreadable", f"无法打开该文件: {inc.error}", file=path.name)]
            return fo
        fo.sha256 = sha = inc.sha
        data, rec = inc.data, inc.rec
        checked = next(self._results) if inc.checking else None  # keeps the results in step
        if sha in self._done_shas:  # the same bytes twice in this run: as the first left it
            rec = self._received_row(sha)
        self._done_shas.add(sha)
        if rec is not None and rec["outcome"] == "withdrawn":
            return self._withdrawn(fo, rec)
        corrected = self._correct_date(rec) if rec is not None else None
        if rec is not None and rec["outcome"] in ("accepted", "duplicate"):
            if self.link and (rec["unit"], rec["period"]) != tuple(self.link):
                return self._link_rejected(fo, rec)
            return self._noted(self._stale(self._finish(fo, duplicate=corrected is None)), corrected)
        if checked is None:
            checked = self.untouched(check_workbook(data, path.name, secret=self.secret, plan_for=self.plan_for,
                                                    registry=self.registry, config=self.config,
                                                    periods=self._check_periods, older=self.plan_version_for),
                                     path.name)
        else:
            checked = self._from_worker(checked)
        if self.link and checked.identity is not None:
            unit = self.registry.canonical(checked.identity.unit)
            checked.problems.extend(link_problems(self.link, unit, checked.identity.period, path.name))
        if rec is not None and rec["outcome"] == "rejected" and checked.problems.errors:
            # rejected before and still rejected: nothing changes (the receipt stands)
            self._finish(fo, duplicate=True)
            fo.problems = list(checked.problems)
            return self._noted(fo, corrected)
        # new, pending after a crash, or rejected before but acceptable now (e.g. --period given)
        done = self._store(sha, checked)
        if done is True:  # another run had already done the file
            return self._noted(self._finish(fo, duplicate=True), corrected)
        return self._noted(self._finish(fo, duplicate=False, known=done), corrected)

    def _correct_date(self, rec: dict) -> Problem | None:
        """An explicit --received differing from the date stored for the same file corrects it (in
        received and, if accepted, in returns) when that date was the default (today): the office's
        date wins over a default. Returns the note to show."""
        from sqlalchemy import update

        from tracker.store import received, returns

        new = self.received.isoformat()
        if not self.explicit_received or rec["received_at"] == new or rec.get("date_source") != "today":
            return None  # a date given before stands (re-collecting a folder must not re-date its files)
        with self.store.begin() as conn:
            conn.execute(update(received).where(received.c.sha256 == rec["sha256"])
                         .values(received_at=new, date_source="given"))
            conn.execute(update(returns).where(returns.c.sha256 == rec["sha256"]).values(received_at=new))
        return Problem("received-corrected", f"收到日期由此前记录的 {_cn_date(rec['received_at'])} 更正为 "
                       f"{_cn_date(new)} (按 --received)", file=rec["file_name"], severity=WARNING)

    @staticmethod
    def _noted(fo: FileOutcome, note: Problem | None) -> FileOutcome:
        if note is not None:
            fo.problems = [note, *fo.problems]
        return fo

    def _withdrawn(self, fo: FileOutcome, rec: dict) -> FileOutcome:
        """A file whose return the office withdrew: not counted again (office-side, no receipt)."""
        fo.name, fo.received_at, fo.unit, fo.period = rec["file_name"], rec["received_at"], rec["unit"], rec["period"]
        fo.duplicate = True
        fo.problems = [Problem("return-withdrawn", "办公室已撤回这份报表 (见 tracker returns history), 不再计入;"
                               " 如需重新计入, 请让该单位重新报送", file=fo.name)]
        return fo

    # -- receiving: read, archive (durable), record; a batch at a time -------------------------------------
    def _incoming(self, path: Path) -> _Incoming:
        """The received file for the next call of collect_file (receiving the next batch if needed)."""
        if not (self._pos < len(self._queue) and self._queue[self._pos] == path):  # not what expect() said
            self._drop_ahead()
            self._queue, self._next, self._pos = [path], 0, 0
        while self._pos not in self._ahead:
            if self._batch is None:
                self._start_batch()
            self._finish_batch()
        inc = self._ahead.pop(self._pos)
        self._pos += 1
        if self._pool is not None:  # keep the worker busy: the next batch is received ahead
            if self._batch is not None and self._batch[1].done():
                self._finish_batch()
            if self._batch is None and len(self._ahead) < BATCH_FILES // 2 and self._next < len(self._queue):
                self._start_batch()
        return inc

    def _drop_ahead(self) -> None:
        """Forget the files received ahead (they stay recorded as pending: a rerun does them)."""
        self._finish_batch()
        for inc in self._ahead.values():
            if inc.checking:  # drop its result, so the next ones stay in step
                next(self._results)
        self._ahead.clear()

    def _start_batch(self) -> None:
        """Read the next files of the queue and start archiving them: all copies, ONE durability
        barrier (:func:`archive_files`), on the I/O thread when there is one (writing files is
        kernel time this thread need not wait for). :meth:`_finish_batch` waits for it."""
        batch: list[_Incoming] = []
        size = 0
        while self._next < len(self._queue) and len(batch) < BATCH_FILES and (not batch or size < BATCH_BYTES):
            path = self._queue[self._next]
            inc = _Incoming(path, pos=self._next)
            try:
                inc.mtime = _mtime(path)  # (first: data set means the file was read whole)
                inc.data = path.read_bytes()
            except OSError as e:
                inc.error = str(e.strerror or e)
            else:
                inc.sha = hashlib.sha256(inc.data).hexdigest()
                size += len(inc.data)
            batch.append(inc)
            self._next += 1
        copies = [(inc.sha, _archive_ext(inc.path), inc.data) for inc in batch if inc.data is not None]
        if self._writer is not None:
            archiving = self._writer.submit(archive_files, self.ws, copies)
        else:
            archiving = Future()
            archiving.set_result(archive_files(self.ws, copies))
        self._batch = (batch, archiving)

    def _finish_batch(self) -> None:
        """Once every copy of the started batch is durable: record each new file as ``pending`` in
        ONE transaction, and send the files to the check workers. Nothing else happens to a file
        before this: a crash after it leaves every one of them archived and recorded, and a rerun
        checks the pending ones; a crash before it leaves copies in the archive, which a rerun finds."""
        if self._batch is None:
            return
        batch, archiving = self._batch
        self._batch = None
        archived = archiving.result()  # raises what archiving raised (then nothing is recorded)
        got = [inc for inc in batch if inc.data is not None]
        rows = {}
        for inc, dest in zip(got, archived, strict=True):
            rows.setdefault(inc.sha, {
                "sha256": inc.sha, "file_name": inc.path.name, "size": len(inc.data),
                "received_at": self.received.isoformat(), "archived_as": str(dest.relative_to(self.ws.root)),
                "outcome": "pending", "problems": "[]", "file_mtime": inc.mtime,
                "date_source": "given" if self.explicit_received else "today"})
        before = self._record_pending(rows) if rows else {}
        for inc in got:
            inc.rec = before.get(inc.sha)
        if self._pool is not None:
            jobs = []
            for inc in got:
                if inc.rec is None or inc.rec["outcome"] in ("pending", "rejected"):
                    inc.checking = True
                    jobs.append((inc.data, inc.path.name))
            if jobs:
                results = self._pool.imap(_check_in_worker, jobs)
                self._results = results if self._results is None else _chain(self._results, results)
        for inc in batch:
            self._ahead[inc.pos] = inc

    def _record_pending(self, rows: dict[str, dict]) -> dict[str, dict]:
        """Record new files in ``received`` as ``pending`` (one transaction for the batch); returns
        the rows that were there before, by sha256. A row another run inserted first is kept as it
        is (INSERT … ON CONFLICT DO NOTHING, inside the store's write lock): "already received"."""
        from tracker.store import insert_ignore, received

        with self.store.begin() as conn:
            before = {r["sha256"]: dict(r) for r in
                      conn.execute(_sql().received_many, {"shas": list(rows)}).mappings()}
            new = [row for sha, row in rows.items() if sha not in before]
            if new:
                insert_ignore(conn, received, new)
            return before

    def _received_row(self, sha: str) -> dict | None:
        with self.store.read() as conn:
            r = conn.execute(_sql().received, {"sha": sha}).mappings().first()
        return dict(r) if r is not None else None

    # -- checking in worker processes ------------------------------------------------------------------------
    def _start_workers(self, n: int) -> None:
        """Fork n−1 check workers (see check_workers)."""
        global _CHECKER
        if n <= 1 or self._pool is not None:
            return
        import multiprocessing

        for year in sorted({int(p[:4]) for p in self.periods}):  # loaded once, before the fork
            self.plan_for(year)
            self._prefill_progress("", f"{year}Q1")
        _CHECKER = self
        self._pool = multiprocessing.get_context("fork").Pool(n - 1, initializer=_worker_start)

    def _from_worker(self, checked: Checked) -> Checked:
        """A worker's result, with its plan put back (workers send the plan's id, not the plan)."""
        if checked.plan is not None:
            pid = checked.plan
            if pid not in self._plans_by_id:  # a year not loaded before the fork
                self.plan_for(checked.identity.year)
            checked.plan = self._plans_by_id.get(pid) or self.store.load_plan(plan_id=pid)
        return checked

    def _link_rejected(self, fo: FileOutcome, rec: dict) -> FileOutcome:
        """A file accepted before (as another unit's or period's return) sent through this link: it
        is rejected here and the store is unchanged; its receipt gets a name of its own, so the
        receipt of its acceptance stands."""
        fo.outcome, fo.duplicate = "rejected", True
        fo.name, fo.received_at = rec["file_name"], rec["received_at"]
        fo.unit, fo.period = rec["unit"], rec["period"]
        fo.problems = link_problems(self.link, rec["unit"], rec["period"], fo.name)
        folder = self.ws.outbox / "receipts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / receipt_name(fo).replace("-回执.txt", "-链接退回-回执.txt")
        fo.receipt = str(path)
        atomic_write(path, b"\xef\xbb\xbf" + receipt_text(fo, self.config).replace("\n", "\r\n").encode("utf-8"))
        return fo

    def _stale(self, fo: FileOutcome) -> FileOutcome:
        """A file received before, sent again in a later quarter: say so (the store is unchanged)."""
        from tracker.periods import parse_period

        if self.link:  # the link names the period: link_problems said what there is to say
            return fo
        if fo.period and fo.period not in self.periods:
            main = sorted(self.periods)[0]
            fo.problems = [Problem("period-mismatch", f"这是 {fo.period} ({parse_period(fo.period).label}) 的报表, 已于"
                                   f"{_cn_date(fo.received_at)}收到, 本次收集的是 {main} ({parse_period(main).label}) "
                                   "的报表。可能误发了上一季度的文件", file=fo.name, severity=WARNING), *fo.problems]
        return fo

    def _check_only(self, fo: FileOutcome, data: bytes) -> FileOutcome:
        checked = self.untouched(check_workbook(data, fo.name, secret=self.secret, plan_for=self.plan_for,
                                                registry=self.registry, config=self.config,
                                                periods=self._check_periods, older=self.plan_version_for), fo.name)
        fo.problems = list(checked.problems)
        fo.unit, fo.period, fo.items = checked.unit, checked.period, len(checked.rows)
        fo.outcome = "rejected" if checked.problems.errors else "accepted"
        return fo

    def _store(self, sha: str, checked: Checked) -> bool | dict | None:
        """One transaction. Returns True when another run had already done the file; else, for an
        accepted or rejected file, what :meth:`_stored_outcome` would read back from the store
        (known inside the transaction, which saves a read per file), or None (a duplicate)."""
        from tracker.store import now_iso, return_rows, return_targets

        sql = _sql()
        problems_json = jsonout.dumps([p.to_dict() for p in checked.problems])
        with self.store.begin() as conn:
            rec = conn.execute(sql.received, {"sha": sha}).mappings().one()
            if rec["outcome"] not in ("pending", "rejected"):
                return True
            base = {"sha": sha, "problems": problems_json, "unit": checked.unit, "period": checked.period,
                    "processed_at": now_iso()}
            known = {"outcome": "rejected", "file_name": rec["file_name"], "received_at": rec["received_at"],
                     "unit": checked.unit, "period": checked.period, "problems": problems_json}
            if checked.problems.errors:
                conn.execute(sql.update_received, {"outcome": "rejected", **base})
                return known
            received_at = rec["received_at"]
            current = conn.execute(sql.current, {"unit": checked.unit, "period": checked.period}).mappings().first()
            if current is not None and _stored_values(conn, current["id"]) == (checked.rows, checked.targets):
                conn.execute(sql.update_received, {"outcome": "duplicate", **base})
                return None
            rid = conn.execute(sql.insert_return, {
                "sha256": sha, "plan_id": checked.plan.db_id, "unit": checked.unit, "period": checked.period,
                "received_at": received_at, "accepted_at": now_iso()}).inserted_primary_key[0]
            conn.execute(return_rows.insert(), [
                {"return_id": rid, "item_id": iid, **v} for iid, v in checked.rows.items()])
            if checked.targets:
                conn.execute(return_targets.insert(), [
                    {"return_id": rid, "item_id": iid, "idx": idx, "actual": v["actual"], "note": v["note"]}
                    for (iid, idx), v in checked.targets.items()])
            known.update(outcome="accepted", items=len(checked.rows), current=True, replaced=None)
            others = _order_returns(conn, checked.unit, checked.period, rid, known)
            conn.execute(sql.update_received, {"outcome": "accepted", **base})
            # the receipts of the unit's returns for the period, written inside the write lock:
            # another run that moves them again writes them after this (a kill before the commit
            # leaves the file pending, and the rerun writes them again)
            mine = _fill_outcome(FileOutcome(file="", name="", sha256=sha), False, known)
            self._write_receipt(mine, now=True)
            for other in others:
                fo = self._stored_outcome(FileOutcome(file="", name="", sha256=other), False, conn=conn)
                self._write_receipt(fo, now=True)
            known["receipt_written"] = True
        return known

    def _finish(self, fo: FileOutcome, duplicate: bool, known: dict | None = None) -> FileOutcome:
        if known is None:
            self._stored_outcome(fo, duplicate)
        else:
            _fill_outcome(fo, duplicate, known)
        if fo.office_side:  # the office's matter: nothing goes to the department
            fo.receipt = ""
            return fo
        path = self._receipt_path(fo)
        fo.receipt = str(path)
        if known is not None and known.get("receipt_written"):
            return fo
        # a receipt is rewritten only when the outcome changed
        if not (duplicate and (path in self._receipts or path.exists())):
            self._write_receipt(fo)
        return fo

    def _receipt_path(self, fo: FileOutcome) -> Path:
        if self._receipt_dir is None:
            self._receipt_dir = self.ws.outbox / "receipts"
        return self._receipt_dir / receipt_name(fo)

    def _write_receipt(self, fo: FileOutcome, now: bool = False) -> None:
        """Write fo's receipt; ``now``: in this thread, before returning (inside a transaction)."""
        path = self._receipt_path(fo)
        if not self._receipts:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._receipts.add(path)
        data = b"\xef\xbb\xbf" + receipt_text(fo, self.config).replace("\n", "\r\n").encode("utf-8")
        if now:
            atomic_write(path, data)
        else:
            self._write(path, data)

    def _write(self, path: Path, data: bytes) -> None:
        """Write a receipt: by the I/O thread when there is one (creating a file is kernel time,
        0.05–0.3 ms here, during which this thread goes on), in the order given."""
        if self._writer is None:
            atomic_write(path, data)
            return
        self._written.append(self._writer.submit(atomic_write, path, data))
        while self._written and self._written[0].done():
            self._written.popleft().result()  # raises what the writer raised

    def flush(self) -> None:
        """Wait until every receipt is written (raises the first error of the writer thread)."""
        while self._written:
            self._written.popleft().result()

    def _stored_outcome(self, fo: FileOutcome, duplicate: bool, conn=None) -> FileOutcome:
        """Fill fo from what the store holds about its file (so receipts are the same on rerun);
        ``conn``: read inside that transaction."""
        from contextlib import nullcontext

        from sqlalchemy import func, select

        from tracker.store import received, return_rows, returns

        with self.store.read() if conn is None else nullcontext(conn) as conn:
            rec = conn.execute(select(received).where(received.c.sha256 == fo.sha256)).mappings().one()
            fo.duplicate = duplicate
            fo.outcome = rec["outcome"]
            fo.name = rec["file_name"]
            fo.received_at = rec["received_at"]
            fo.unit, fo.period = rec["unit"], rec["period"]
            fo.problems = [Problem(**p) for p in json.loads(rec["problems"])]
            ret = conn.execute(select(returns).where(returns.c.sha256 == fo.sha256)).mappings().first()
            if ret is not None:
                fo.items = conn.execute(select(func.count()).select_from(return_rows)
                                        .where(return_rows.c.return_id == ret["id"])).scalar()
                fo.current = ret["superseded_by"] is None and ret["withdrawn_at"] is None
                old = conn.execute(select(returns.c.received_at, received.c.file_name)
                                   .join(received, received.c.sha256 == returns.c.sha256)
                                   .where(returns.c.superseded_by == ret["id"])
                                   .order_by(returns.c.id.desc())).first()
                fo.superseded = old is not None
                fo.replaced = {"file": old.file_name, "received_at": old.received_at} if old else None
            elif fo.outcome == "duplicate":
                same = conn.execute(select(returns.c.received_at, received.c.file_name, returns.c.id)
                                    .join(received, received.c.sha256 == returns.c.sha256)
                                    .where(returns.c.unit == fo.unit, returns.c.period == fo.period)
                                    .order_by(returns.c.received_at.desc(), returns.c.id.desc())).first()
                if same is not None:
                    fo.same_as = {"file": same.file_name, "received_at": same.received_at}
                    fo.items = conn.execute(select(func.count()).select_from(return_rows)
                                            .where(return_rows.c.return_id == same.id)).scalar()
        return fo


def _fill_outcome(fo: FileOutcome, duplicate: bool, known: dict) -> FileOutcome:
    """Fill fo exactly as :meth:`Collector._stored_outcome` would, from what ``_store`` just wrote."""
    fo.duplicate = duplicate
    fo.outcome = known["outcome"]
    fo.name = known["file_name"]
    fo.received_at = known["received_at"]
    fo.unit, fo.period = known["unit"], known["period"]
    fo.problems = [Problem(**p) for p in json.loads(known["problems"])]
    if known["outcome"] == "accepted":
        fo.items = known["items"]
        fo.current = known["current"]
        fo.superseded = known["replaced"] is not None
        fo.replaced = known["replaced"]
    return fo


_INPUTS = ("status", "progress", "done", "problems", "next")


def _answers(source) -> tuple[dict, dict]:
    """The answers of a checked workbook, or of prefill rows (item id -> current_return_rows row):
    ({item id: (status, progress, done, problems, next)}, {(item id, idx): (actual, note)}), with
    empty answers left out, so that a blank item and a missing one compare equal."""
    if isinstance(source, Checked):
        rows = {iid: tuple(v[k] for k in _INPUTS) for iid, v in source.rows.items()}
        targets = {key: (t["actual"], t["note"] or "") for key, t in source.targets.items()}
    else:
        rows = {iid: tuple(r[k] for k in _INPUTS) for iid, r in source.items()}
        targets = {(iid, t["idx"]): (t["actual"], t["note"] or "") for iid, r in source.items() for t in r["targets"]}
    blank = ("", None, "", "", "")
    return ({k: v for k, v in rows.items() if v != blank},
            {k: v for k, v in targets.items() if v != (None, "")})


def _blank(checked: Checked) -> bool:
    return _answers(checked) == ({}, {})


def _stored_values(conn, return_id: int) -> tuple[dict, dict]:
    from sqlalchemy import select

    from tracker.store import return_rows, return_targets

    rows = {r["item_id"]: {"role": r["role"], "status": r["status"], "progress": r["progress"], "done": r["done"],
                           "problems": r["problems"], "next": r["next"]}
            for r in conn.execute(select(return_rows).where(return_rows.c.return_id == return_id)).mappings()}
    tg = {(t["item_id"], t["idx"]): {"actual": t["actual"], "note": t["note"]}
          for t in conn.execute(select(return_targets).where(return_targets.c.return_id == return_id)).mappings()}
    return rows, tg


def _order_returns(conn, unit: str, period: str, rid: int, known: dict) -> list[str]:
    """Put the returns of one unit and period in order and mark all but the last superseded, each
    by the next one: ordered by (received date, the file's modification time, file name, sha256) —
    properties of the files, not of the order runs stored them in, so any number of concurrent
    collects end as one serial run. Withdrawn returns (tracker.withdraw) are left out of the chain. Fills ``known`` (current, replaced) for return ``rid``; returns
    the sha256 of every other return whose receipt reads differently now (its place changed)."""
    from sqlalchemy import select

    from tracker.store import received, returns

    rows = conn.execute(select(returns.c.id, returns.c.sha256, returns.c.superseded_by, returns.c.received_at,
                               received.c.file_mtime, received.c.file_name)
                        .join(received, received.c.sha256 == returns.c.sha256)
                        .where(returns.c.unit == unit, returns.c.period == period,
                               returns.c.withdrawn_at.is_(None))).all()  # a withdrawn one is out of the chain
    rows.sort(key=lambda r: (r.received_at, r.file_mtime or "", r.file_name, r.sha256))
    sha_of = {r.id: r.sha256 for r in rows}
    touched: set[int] = set()
    for n, r in enumerate(rows):
        nxt = rows[n + 1].id if n + 1 < len(rows) else None
        if r.superseded_by != nxt:
            conn.execute(_sql().supersede, {"rid": r.id, "superseded_by": nxt})
            # its own receipt (current or not), and the old and new successor's ("replaced …")
            touched.update(x for x in (r.id, r.superseded_by, nxt) if x is not None)
        if r.id == rid:
            known["current"] = nxt is None
            prev = rows[n - 1] if n else None
            known["replaced"] = {"file": prev.file_name, "received_at": prev.received_at} if prev else None
    return sorted(sha_of[i] for i in touched if i != rid and i in sha_of)


def link_problems(link: tuple[str, str], unit: str | None, period: str | None, file: str) -> list[Problem]:
    """What is wrong with sending a workbook of (unit, period) through the link of ``link``."""
    from tracker.periods import parse_period

    want_unit, want_period = link
    out = []
    if unit and unit != want_unit:
        out.append(Problem("link-unit-mismatch", f"这是“{unit}”的报表, 而本链接是“{want_unit}”的填报链接; "
                           "文件未录入", file=file, sheet=IDENTITY_SHEET))
    if period and period != want_period:
        try:
            got = f"{period} ({parse_period(period).label})"
        except UsageError:
            got = period
        out.append(Problem("link-period-mismatch", f"这是 {got} 的报表, 而本链接用于报送 {want_period} "
                           f"({parse_period(want_period).label}) 的报表; 文件未录入", file=file, sheet=IDENTITY_SHEET))
    return out


def stored_outcome(ws, sha256: str) -> FileOutcome:
    """What the store holds about a received file (``receipt``: where its receipt is written)."""
    c = Collector(ws, dry_run=True)
    try:
        fo = c._stored_outcome(FileOutcome(file="", name="", sha256=sha256), duplicate=False)
    finally:
        c.close()
    fo.file = fo.name
    fo.receipt = str(ws.outbox / "receipts" / receipt_name(fo))
    return fo


def collect(ws, paths: list[Path] | None = None, *, received: date | None = None, period: str | None = None,
            dry_run: bool = False, progress=None, keep: bool = False) -> CollectResult:
    """Collect files and folders (default: the inbox). ``progress(list)`` may wrap the loop.

    ``received``: the date the office received them (default today; given, it also corrects the
    date stored for a file received before). Files collected from the inbox are then moved to
    ``inbox/已处理/`` or ``inbox/已退回/`` unless ``keep`` (:mod:`tracker.inbox`)."""
    from tracker import inbox

    given = [Path(p) for p in paths] if paths else [ws.inbox]
    files = find_files(given)
    c = Collector(ws, received=received, period=period, dry_run=dry_run)
    result = CollectResult(not_returns=inbox.other_files(given))
    try:
        c.expect(files)
        for f in progress(files) if progress else files:
            fo = c.collect_file(f)
            if not inbox.gone(ws, fo):
                result.files.append(fo)
        c.flush()
    finally:
        c.close()
    if not dry_run and not keep:
        inbox.tidy(ws, result.files)
    return result


# -- receipts --------------------------------------------------------------------------------------------
_RESAVE = "请用 Excel、WPS 或 LibreOffice 打开确认文件完好、未加密, 另存为 .xlsx 后重新报送。"
FIX = {
    "unreadable": _RESAVE,
    # found by tracker/safety.py before any reader opens the file
    "unknown-format": "这不是表格文件 (可能只是改了扩展名)。请把办公室下发的填报模板填好后直接报送。",
    "corrupt-file": _RESAVE,
    "empty-file": "文件是空的, 请重新保存后报送。",
    "file-too-large": "文件过大, 请只保留填报模板中的工作表后另存为 .xlsx 再报送。",
    "sheet-too-large": "工作表中有大量多余的行或列, 请删除模板以外的内容后另存为 .xlsx 再报送。",
    "zip-bomb": _RESAVE,
    "nested-archive": "请不要在表格中嵌入压缩包或其他文件, 删除后重新报送。",
    "xml-entities": _RESAVE,
    "formula-no-value": "请把公式改为直接填写数值, 保存后重新报送。",
    "identity-missing": "请使用办公室下发的填报模板填写 (不要复制到新建的工作簿中), 并保留所有工作表。",
    "identity-unreadable": "请使用办公室下发的原模板重新填写。",
    "identity-other-workspace": "请使用本办公室本次下发的填报模板。",
    "identity-signature-invalid": "请勿修改隐藏工作表中的内容; 请使用办公室下发的原模板重新填写。",
    "period-mismatch": "请使用本季度的填报模板填写后报送; 如确为补报上季度, 请与办公室联系。",
    "plan-missing": "请与办公室联系。",
    "plan-version-mismatch": "工作任务已调整, 请向办公室索取新模板重新填写。",
    "unit-unknown": "请与办公室联系确认单位名称, 并使用本单位的模板。",
    "template-outdated": "请向办公室索取本单位的新模板重新填写。",
    "sheet-missing": "请勿删除工作表; 请使用办公室下发的原模板重新填写。",
    "sheet-renamed": "无需重报; 今后请勿修改工作表名称。",
    "header-missing": "请勿修改或删除表头; 请使用办公室下发的原模板重新填写。",
    "merged-cells": "无需重报; 今后请勿合并单元格, 每项任务分别填写。",
    "row-without-id": "如需补充说明, 请写在相应任务的“工作完成情况”或“存在问题”栏中, 不要另起一行。",
    "item-unknown": "请删除该行; 表中只填本单位的任务, 请勿增加任务。",
    "item-missing": "请补回该任务的一行 (可从原模板复制), 每项任务都须填报。",
    "item-duplicate": "请删除重复的一行, 只保留正确的一行。",
    "item-duplicate-same": "无需重报; 今后请勿复制行。",
    "item-number-mismatch": "请恢复该行的原序号; 请勿修改灰色单元格。",
    "locked-cell-changed": "无需重报; 灰色单元格由办公室填写, 请勿修改。",
    "status-missing": "请在下拉列表中选择: " + " / ".join(STATUSES) + "。",
    "status-invalid": "请在下拉列表中选择: " + " / ".join(STATUSES) + "。",
    "status-normalised": "无需重报; 今后请从下拉列表中选择。",
    "progress-missing": "请填写本年度累计完成进度, 0 到 100 的整数, 如 60。",
    "progress-not-number": "请用阿拉伯数字填写 0 到 100 的整数, 如 80 (不要写汉字)。",
    "progress-out-of-range": "完成进度为全年累计百分比, 请填写 0 到 100 之间的整数。",
    "progress-fraction": "无需重报; 今后请直接填写整数, 如 80。",
    "progress-rounded": "无需重报; 今后请填写整数。",
    "inconsistent-done": "如任务已完成, 请将完成进度改为 100; 否则请将进展状态改为“推进中”。",
    "inconsistent-not-started": "请核对: 已完成的任务请选“已完成”, 未启动的任务完成进度应为 0。",
    "target-not-number": "请填写数字, 如 12.5; 百分比可写 16 或 16%; 可写“13万”。",
    "text-control-chars": "无需重报; 不可见的控制字符已删除, 其余文字照录。",
    "target-unknown": "请删除该行; 请勿增加指标行。",
    "target-duplicate": "请删除多余的一行。",
    "target-missing": "请补回该指标的一行 (可从原模板复制)。",
    "template-not-filled": "请按本季度的实际进展更新“进展状态”“完成进度(%)”和“工作完成情况”后重新报送。",
    "link-unit-mismatch": "每个单位有自己的填报链接: 请通过本单位的链接报送本单位的填报表; 这份报表请转给所属单位, "
                          "或与办公室联系。",
    "link-period-mismatch": "请通过本季度的填报链接报送本季度的填报表; 如确为补报其他季度, 请与办公室联系。",
}


def receipt_name(fo: FileOutcome) -> str:
    """``<file stem>-<sha8>-回执.txt``, made safe by :func:`tracker.files.safe_file_name` (a file
    name of 75 Chinese characters made a receipt name over Linux's 255 bytes)."""
    from tracker.files import safe_file_name

    return safe_file_name(Path(fo.name).stem, tail=f"-{fo.sha256[:8] or 'unread'}-回执", suffix=".txt")


def _cn_date(iso: str) -> str:
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"


def receipt_text(fo: FileOutcome, config: dict) -> str:
    """The 回执: Chinese plain text the office can forward to the department as it is."""
    from tracker.periods import parse_period

    office = config.get("office", {})
    rule = "═" * 40
    lines = [rule, "报 表 回 执".center(36), rule, ""]
    lines.append(f"文件名称:{fo.name}")
    lines.append(f"收到日期:{_cn_date(fo.received_at)}")
    if fo.unit:
        lines.append(f"填报单位:{fo.unit}")
    if fo.period:
        try:
            lines.append(f"报送季度:{parse_period(fo.period).label} ({fo.period})")
        except UsageError:
            lines.append(f"报送季度:{fo.period}")
    if fo.sha256:
        lines.append(f"文件编号:{fo.sha256[:16]}")
    lines.append("")
    # what is the office's matter (a wrong date or period, …) is not the department's to fix
    problems = [p for p in fo.problems if p.code not in OFFICE_SIDE and p.code != "received-corrected"]
    fo = replace(fo, problems=problems)
    errors = [p for p in fo.problems if p.is_error]
    warnings = [p for p in fo.problems if not p.is_error]
    if fo.outcome == "accepted":
        lines.append(f"处理结果:【已接收】共 {fo.items} 项任务的进展已录入。")
        if fo.replaced:
            lines.append(f"          本次报送替代了 {_cn_date(fo.replaced['received_at'])} 收到的"
                         f"“{fo.replaced['file']}”。")
        if not fo.current:
            lines.append("          办公室已有本单位本季度更晚收到的报表, 本份仅存档备查。")
    elif fo.outcome == "duplicate":
        same = f"{_cn_date(fo.same_as['received_at'])}收到的“{fo.same_as['file']}”" if fo.same_as else "此前收到的报表"
        lines.append(f"处理结果:【已接收】内容与{same}相同, 无需再次报送。")
    else:
        lines.append(f"处理结果:【退回】发现 {len(errors)} 处错误, 本文件未录入。")
        lines.append("          请按下列说明修改后, 将文件重新报送。")
    if fo.problems:
        lines += ["", f"问题清单 (错误 {len(errors)} 处, 提示 {len(warnings)} 处):", ""]
        for n, p in enumerate(errors + warnings, start=1):
            label = "错误" if p.is_error else "提示"
            where = []
            if p.sheet and p.sheet != IDENTITY_SHEET:
                where.append(f"工作表“{p.sheet}”")
            elif p.sheet == IDENTITY_SHEET:
                where.append("模板标识 (隐藏工作表)")
            if p.cell and p.sheet != IDENTITY_SHEET:
                where.append(f"{p.cell} 单元格")
            lines.append(f"{n:>3}. 【{label}】{' '.join(where) or '整个文件'}")
            lines.append(f"     问题:{p.message}。")
            fix = FIX.get(p.code)
            if fix:
                lines.append(f"     处理:{fix}")
            lines.append("")
        if warnings:
            lines.append("说明:“错误”须修改后重新报送;“提示”无需重新报送, 办公室已按说明处理。")
    else:
        lines += ["", "未发现问题。谢谢配合!"]
    lines += ["", "─" * 40]
    contact = "  ".join(x for x in (office.get("contact", ""), office.get("phone", ""), office.get("email", "")) if x)
    lines.append(f"{office.get('name') or '领导小组办公室'}" + (f"  联系方式:{contact}" if contact else ""))
    return "\n".join(lines).rstrip() + "\n"


# -- reading back ---------------------------------------------------------------------------------------
def return_rows_for(ws, period: str, unit: str | None = None) -> list[dict]:
    """The accepted values of PERIOD, one dict per unit and item (``tracker returns --json``)."""
    from tracker.periods import parse_period
    from tracker.store import current_return_rows
    from tracker.units import Registry

    p = parse_period(period)
    store = ws.store()
    if unit:
        unit = Registry.from_config(ws.config()).canonical(unit)
    plans: dict[int, object] = {}
    out = []
    try:
        with store.read() as conn:
            rows = current_return_rows(conn, period=str(p), unit=unit)
            for r in rows:
                if r["plan_id"] not in plans:
                    plans[r["plan_id"]] = store.load_plan(plan_id=r["plan_id"], conn=conn)
    finally:
        store.close()
    for r in rows:
        plan = plans[r["plan_id"]]
        it = plan.item(r["item_id"]) if plan else None
        targets = []
        for t in r["targets"]:
            metric = it.targets[t["idx"]].metric if it and t["idx"] < len(it.targets) else ""
            targets.append({"metric": metric, "actual": t["actual"], "note": t["note"]})
        out.append({"item": r["item_id"], "number": it.number if it else None, "unit": r["unit"],
                    "role": ROLE_LABEL.get(r["role"], r["role"]), "status": r["status"],
                    "progress": r["progress"], "done": r["done"], "problems": r["problems"], "next": r["next"],
                    "targets": targets, "received_at": r["received_at"]})
    position = {}
    for plan in plans.values():
        for i, it in enumerate(plan.items if plan else []):
            position.setdefault(it.id, i)
    out.sort(key=lambda d: (d["unit"], position.get(d["item"], 0)))
    return out


def received_files(ws, period: str | None = None, unit: str | None = None) -> list[dict]:
    """Every file received (accepted, rejected or duplicate), newest first, optionally of one period
    or unit: {sha256, file, received_at, outcome, unit, period, problems (count), receipt (its path
    in outbox/receipts, or "" when none was written)}. What the web app lists and serves receipts from."""
    from sqlalchemy import select

    from tracker.store import received as received_table

    store = ws.store()
    try:
        q = select(received_table).order_by(received_table.c.received_at.desc(),
                                            received_table.c.processed_at.desc())
        if period:
            q = q.where(received_table.c.period == str(period))
        if unit:
            q = q.where(received_table.c.unit == unit)
        with store.read() as conn:
            rows = [dict(r._mapping) for r in conn.execute(q)]
    finally:
        store.close()
    folder = ws.outbox / "receipts"
    out = []
    for r in rows:
        name = receipt_name(FileOutcome(file=r["file_name"], name=r["file_name"], sha256=r["sha256"]))
        out.append({"sha256": r["sha256"], "file": r["file_name"], "received_at": r["received_at"],
                    "outcome": r["outcome"], "unit": r["unit"], "period": r["period"],
                    "problems": len(json.loads(r["problems"] or "[]")),
                    "receipt": str(folder / name) if (folder / name).exists() else ""})
    return out


__all__ = ["collect", "check_workbook", "parse_progress", "parse_actual", "return_rows_for", "received_files", "LEAD"]
