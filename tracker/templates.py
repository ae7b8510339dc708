"""Quarterly templates: one workbook per responsible unit, listing only its items.

``make_templates(ws, "2007Q1")`` writes ``outbox/2007Q1/2007Q1-<unit>.xlsx`` for every concrete unit
of the current plan of that year (collectives expanded by the registry, see
:mod:`tracker.assignments`; a collective that cannot be expanded gets no workbook and is listed).

Each workbook (written with xlsxwriter, in memory, then one atomic write):

- **填报说明** — unit, period, due date, how to fill in, the office's contact (tracker.toml [office]).
- **任务填报** — row 1 a title, row 2 the header :data:`HEADERS` (exact labels, this order), then one
  row per item. Input cells (进展状态 with a list, 完成进度(%) a whole number 0–100, and the three
  text columns) are unlocked and tinted; every other cell is locked and the sheet is protected
  **without a password** (the protection prevents slips, not determined edits: a changed locked
  cell is reported when the return is collected). Header frozen, text wrapped, widths set, A4
  landscape, fitted to the page width, header row repeated on every printed page.
- **指标填报** — only where the unit leads items with targets: 任务编号, 指标, 目标值, 完成值, 说明;
  完成值 (the actual) and 说明 (a note) are the inputs.
- **_tracker** — the signed identity (very hidden), see :mod:`tracker.identity`.

Prefill: the unit's latest accepted return of an *earlier* quarter of the same year (progress is
cumulative), item by item; nothing for the first quarter.

Speed (bench/README.md): on Linux with several cores and at least :data:`PARALLEL_MIN_UNITS`
units, the workbooks are built by forked worker processes (the same bytes, in the same order);
``workers=1`` (the CLI passes ``TRACKER_WORKERS``), or any other system, writes them in one process.
"""

from __future__ import annotations

import functools
import io
import math
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tracker.files import atomic_write, safe_file_name, sweep_stale_tmp
from tracker.form import (
    COMPLETED,
    FIRST_ROW,
    GUIDE_SHEET,
    HEADER_ROW,
    PROGRESS_MAX,
    TARGET,
    TARGET_COLUMNS,
    TARGET_SHEET,
    TASK,
    TASK_COLUMNS,
    TASK_SHEET,
    TITLE_ROW,
    Column,
)
from tracker.i18n import cn_date
from tracker.identity import SHEET as IDENTITY_SHEET
from tracker.identity import Identity, workspace_id
from tracker.model import LEAD, Item, Plan
from tracker.office import contact_text, office_name
from tracker.problems import UsageError

FONT = "宋体"


@dataclass
class TemplateResult:
    period: str
    out_dir: Path
    files: list[dict] = field(default_factory=list)  # {unit, file, items, targets, prefilled}
    skipped: list[str] = field(default_factory=list)  # collectives nobody can report for

    def to_dict(self) -> dict:
        return {"period": self.period, "dir": str(self.out_dir), "workbooks": len(self.files),
                "files": self.files, "skipped": self.skipped}


def template_name(period: str, unit: str, unique: bool = False) -> str:
    """``PERIOD-UNIT.xlsx``, the unit made safe by :func:`tracker.files.safe_file_name`."""
    return safe_file_name(unit, prefix=f"{period}-", suffix=".xlsx", unique=unique)


def template_names(period: str, units: list[str]) -> dict[str, str]:
    """unit -> its template's file name; units whose names differ only in case (one file on
    Windows) get the hash mark, so every unit has its own file."""
    names = {u: template_name(period, u) for u in units}
    seen: dict[str, list[str]] = {}
    for u, n in names.items():
        seen.setdefault(n.casefold(), []).append(u)
    for group in seen.values():
        if len(group) > 1:
            for u in group:
                names[u] = template_name(period, u, unique=True)
    return names


def _width(s: str) -> int:
    """Display width in Excel column units: CJK and full-width characters count double."""
    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


@functools.lru_cache(maxsize=65536)
def _lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column of that width (cached: an item's text appears in the
    workbook of every unit that has the item)."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(_width(part) / usable)) for part in text.split("\n"))


def _row_height(values: list[tuple[str, int]]) -> float:
    """Row height (points) that shows every wrapped text: (text, column width) pairs."""
    lines = 1
    for text, width in values:
        lines = max(lines, _lines(str(text), width))
    return 15.0 * lines + 3


def previous_returns(store, period, units: list[str] | None = None) -> dict[str, dict[str, dict]]:
    """unit -> item id -> the latest accepted row of an earlier quarter of the same year."""
    out: dict[str, dict[str, dict]] = {}
    wanted = None if units is None else set(units)
    rows = store.current_return_rows(year=period.year)
    for r in sorted(rows, key=lambda r: r["period"]):
        if r["period"] >= str(period) or (wanted is not None and r["unit"] not in wanted):
            continue
        out.setdefault(r["unit"], {})[r["item_id"]] = r  # later quarters overwrite earlier
    return out


def make_templates(ws, period, out_dir: Path | None = None, units: list[str] | None = None,
                   progress=None, workers: int | None = None) -> TemplateResult:
    """Write the templates of PERIOD; ``progress(iterable)`` may wrap the loop (a progress bar);
    ``workers``: the most processes to write them (see :func:`_workers`)."""
    from tracker.assignments import assign
    from tracker.periods import parse_period
    from tracker.units import Registry

    period = parse_period(str(period))
    with ws.store() as store:
        plan = store.load_plan(year=period.year)
    if plan is None:
        raise UsageError(f"工作区里没有 {period.year} 年的计划; 请先运行 tracker plan import")
    config = ws.config()
    registry = Registry.from_config(config)
    a = assign(plan, registry)
    chosen = a.units
    if units:
        chosen = []
        for name in units:
            canon = registry.canonical(name)
            if canon not in a.by_unit:
                known = "、".join(a.units[:12]) + (" …" if len(a.units) > 12 else "")
                raise UsageError(f"单位“{name}”在 {period.year} 年计划中没有任务。有任务的单位: {known}")
            if canon not in chosen:
                chosen.append(canon)
    out_dir = Path(out_dir) if out_dir else ws.outbox / str(period)
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_stale_tmp(out_dir)  # what a killed run left half-written
    with ws.store() as store:
        previous = previous_returns(store, period, chosen)
    secret = ws.secret()
    wsid = workspace_id(secret)
    links = {}
    if config.get("web", {}).get("base_url"):  # each 填报说明 shows the unit's own link
        from tracker.links import links_for

        links = {k.unit: k.url for k in links_for(ws, period, chosen)}
    result = TemplateResult(str(period), out_dir, skipped=list(a.unexpandable))
    job = _Job(plan, a, period, previous, config, out_dir, secret, wsid, template_names(str(period), a.units),
               links)
    loop = progress(chosen) if progress else chosen
    n_workers = _workers(len(chosen), workers)
    if n_workers > 1:
        import multiprocessing

        # the job reaches the forked workers through initargs (inherited, not pickled)
        with multiprocessing.get_context("fork").Pool(n_workers, initializer=_init_worker,
                                                      initargs=(job,)) as pool:
            done = pool.imap(_worker_template, chosen, chunksize=4)
            for _unit in loop:  # results come in the order of `chosen`
                result.files.append(next(done))
    else:
        for unit in loop:
            result.files.append(_template_of(job, unit))
    return result


@dataclass(frozen=True)
class _Job:
    """What writing one unit's template needs (the same for every unit of a run)."""

    plan: Plan
    assignments: object
    period: object
    previous: dict
    config: dict
    out_dir: Path
    secret: bytes
    wsid: str
    names: dict
    links: dict


PARALLEL_MIN_UNITS = 24


def _workers(n_units: int, workers: int | None = None) -> int:
    """How many processes write the workbooks: xlsxwriter is pure Python, so on a machine with
    several cores the workbooks are built in forked worker processes (same bytes, same order).
    ``workers``: the most to use (None: as many as the cores, at most 4). Only where ``fork``
    exists (Linux): elsewhere, or with fewer than PARALLEL_MIN_UNITS units, or ``workers=1``, one
    process does it all."""
    import sys

    n = workers if workers and workers > 0 else min(os.cpu_count() or 1, 4)
    if n <= 1 or n_units < PARALLEL_MIN_UNITS or not sys.platform.startswith("linux"):
        return 1
    return min(n, max(1, n_units // 8))


_WORKER_JOB: _Job | None = None  # set in each worker process only, by _init_worker


def _init_worker(job: _Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _worker_template(unit: str) -> dict:
    return _template_of(_WORKER_JOB, unit)


def _template_of(job: _Job, unit: str) -> dict:
    """Build and write one unit's template (in the main process or a worker)."""
    rows = job.assignments.items_of(unit)
    ident = identity_for(job.plan, unit, rows, job.period, job.secret, job.wsid)
    previous = job.previous.get(unit, {})
    data = build_workbook(job.plan, unit, rows, job.period, ident, previous, job.config,
                          link=job.links.get(unit, ""))
    path = job.out_dir / job.names[unit]
    atomic_write(path, data)
    return {"unit": unit, "file": str(path), "items": len(rows), "targets": len(ident.targets),
            "prefilled": bool(previous)}


def identity_for(plan: Plan, unit: str, rows: list[tuple[Item, str]], period, secret: bytes,
                 wsid: str | None = None) -> Identity:
    """The signed identity of UNIT's template for PERIOD (its items, and the targets it leads)."""
    return Identity(workspace=wsid or workspace_id(secret), year=plan.year, plan_version=plan.version,
                    unit=unit, period=str(period), items=[it.id for it, _ in rows],
                    targets=[(it.id, i) for it, role in rows if role == LEAD
                             for i in range(len(it.targets))]).sign(secret)


def build_workbook(plan: Plan, unit: str, rows: list[tuple[Item, str]], period, ident: Identity,
                   previous: dict[str, dict], config: dict, link: str = "") -> bytes:
    """The template of one unit as .xlsx bytes; ``link``: the unit's own link (tracker.links), shown
    in 填报说明 when given."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": f"{unit} {period.label} 工作任务进展填报表", "author": "tracker",
                       "company": config.get("office", {}).get("name", "")})
    base = {"font_name": FONT, "font_size": 10, "valign": "top", "text_wrap": True, "border": 1}
    f_title = wb.add_format({"font_name": FONT, "font_size": 14, "bold": True, "align": "center",
                             "valign": "vcenter"})
    f_head = wb.add_format({**base, "bold": True, "align": "center", "valign": "vcenter",
                            "bg_color": "#D9E1F2"})
    f_locked = wb.add_format({**base, "bg_color": "#F2F2F2"})
    f_locked_c = wb.add_format({**base, "bg_color": "#F2F2F2", "align": "center"})
    f_input = wb.add_format({**base, "locked": False, "bg_color": "#FFF9DB"})
    f_input_c = wb.add_format({**base, "locked": False, "bg_color": "#FFF9DB", "align": "center"})
    f_input_n = wb.add_format({**base, "locked": False, "bg_color": "#FFF9DB", "align": "center",
                               "num_format": "0"})
    protect_opts = {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True}

    has_targets = any(role == LEAD and it.targets for it, role in rows)
    _guide_sheet(wb, plan, unit, rows, period, config, has_targets, protect_opts, link=link,
                 prefilled=bool(previous))

    # -- 任务填报: one row per item -------------------------------------------------------------------
    sh = wb.add_worksheet(TASK_SHEET)
    _title_and_header(sh, f"{unit} {period.label}工作任务进展填报表", TASK_COLUMNS, f_title, f_head)
    formats = _Formats(f_locked, f_locked_c, f_input, f_input_c, f_input_n)
    n = len(rows)
    for k, (it, role) in enumerate(rows):
        _write_row(sh, FIRST_ROW + k, TASK_COLUMNS, it, role, previous.get(it.id, {}), formats, 45)
    if n:
        _validations(sh, TASK_COLUMNS, FIRST_ROW + n - 1)
    sh.freeze_panes(FIRST_ROW, 0)
    _print_setup(sh, FIRST_ROW + n - 1, len(TASK_COLUMNS) - 1, f"{unit} {period.label}")
    sh.protect("", protect_opts)

    # -- 指标填报: one row per target of the items the unit leads -----------------------------------
    if has_targets:
        tsh = wb.add_worksheet(TARGET_SHEET)
        _title_and_header(tsh, f"{unit} {period.label}量化指标完成情况", TARGET_COLUMNS, f_title, f_head)
        r = FIRST_ROW
        for it, _role in [(it, role) for it, role in rows if role == LEAD]:
            prev_targets = {t["idx"]: t for t in previous.get(it.id, {}).get("targets", [])}
            for i, t in enumerate(it.targets):
                _write_row(tsh, r, TARGET_COLUMNS, it, t, prev_targets.get(i, {}), formats, 30)
                r += 1
        _validations(tsh, TARGET_COLUMNS, max(r - 1, FIRST_ROW))
        tsh.freeze_panes(FIRST_ROW, 0)
        _print_setup(tsh, r - 1, len(TARGET_COLUMNS) - 1, f"{unit} {period.label} 量化指标")
        tsh.protect("", protect_opts)

    # -- identity -----------------------------------------------------------------------------------
    idsh = wb.add_worksheet(IDENTITY_SHEET)
    for r, (k, v) in enumerate(ident.cells()):
        idsh.write_string(r, 0, k)
        idsh.write_string(r, 1, v)
    idsh.protect("", {})
    idsh.very_hidden()
    wb.close()
    return buf.getvalue()


def _title_and_header(sh, title: str, columns: tuple[Column, ...], f_title, f_head) -> None:
    """A sheet's merged title row and its header row, with the column widths."""
    sh.merge_range(TITLE_ROW, 0, TITLE_ROW, len(columns) - 1, title, f_title)
    sh.set_row(TITLE_ROW, 28)
    for c, col in enumerate(columns):
        sh.set_column(c, c, col.width)
        sh.write_string(HEADER_ROW, c, col.label, f_head)
    sh.set_row(HEADER_ROW, 30)


@dataclass(frozen=True)
class _Formats:
    locked: object
    locked_centred: object
    input: object
    input_centred: object
    input_percent: object

    def of(self, col: Column):
        if not col.input:
            return self.locked_centred if col.centred else self.locked
        if col.kind == "percent":
            return self.input_percent
        return self.input_centred if col.centred else self.input


def _write_row(sh, r: int, columns: tuple[Column, ...], item, what, prev: dict, formats: _Formats,
               min_height: float) -> None:
    """One data row: each locked cell the value its column gives for (item, role or target), each
    input cell last quarter's answer (``prev``) or blank; the row as high as its wrapped texts."""
    texts = []
    for c, col in enumerate(columns):
        fmt = formats.of(col)
        v = col.value(item, what) if col.value is not None else prev.get(col.key)
        if col.kind in ("percent", "number"):
            if v is None:
                sh.write_blank(r, c, None, fmt)
            else:
                sh.write_number(r, c, int(v) if col.kind == "percent" else v, fmt)
        elif col.input:
            _write_text(sh, r, c, v, fmt)
        elif isinstance(v, str):
            sh.write_string(r, c, v, fmt)
        else:
            sh.write_number(r, c, v, fmt)
        if col.wraps:
            texts.append((v or "", col.width))
    sh.set_row(r, max(_row_height(texts), min_height))


def _validations(sh, columns: tuple[Column, ...], last: int) -> None:
    """The data validation of each input column, on its cells from FIRST_ROW to ``last``."""
    for c, col in enumerate(columns):
        options = col.validation()
        if options:
            sh.data_validation(FIRST_ROW, c, last, c, options)


def _write_text(sh, r: int, c: int, text, fmt) -> None:
    if text:
        sh.write_string(r, c, str(text), fmt)
    else:
        sh.write_blank(r, c, None, fmt)


def _print_setup(sh, last_row: int, last_col: int, header: str) -> None:
    sh.set_paper(9)  # A4
    sh.set_landscape()
    sh.repeat_rows(HEADER_ROW)
    sh.fit_to_pages(1, 0)
    sh.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sh.set_header(f"&C{header}")
    sh.set_footer("&C第 &P 页, 共 &N 页")
    sh.print_area(0, 0, max(last_row, HEADER_ROW), last_col)


def _guide_sheet(wb, plan: Plan, unit: str, rows, period, config: dict, has_targets: bool, opts, *,
                 link: str = "", prefilled: bool = False) -> None:
    sh = wb.add_worksheet(GUIDE_SHEET)
    f_title = wb.add_format({"font_name": FONT, "font_size": 14, "bold": True})
    f_key = wb.add_format({"font_name": FONT, "font_size": 11, "bold": True, "valign": "top"})
    f_val = wb.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True, "valign": "top"})
    sh.set_column(0, 0, 14)
    sh.set_column(1, 1, 90)
    sh.write_string(0, 0, f"{period.label}工作任务进展填报说明", f_title)
    n_lead = sum(1 for _, r in rows if r == LEAD)
    contact = contact_text(config) or "(请向领导小组办公室询问)"
    inputs = "、".join(c.label + (f" ({c.guide})" if c.guide else "") for c in TASK_COLUMNS if c.input)
    actual, note = TARGET["actual"], TARGET["note"]
    lines = [
        ("填报单位", unit),
        ("填报季度", f"{period.label} ({period})"),
        ("截止日期", cn_date(period.due(config))),
        ("工作计划", plan_title(plan)),
        ("本单位任务", f"共 {len(rows)} 项, 其中牵头 {n_lead} 项、参与 {len(rows) - n_lead} 项"),
        ("填写什么", f"在“{TASK_SHEET}”工作表中, 逐项填写黄色单元格: {inputs}。"
                    + (f"牵头的任务如有量化指标, 请在“{TARGET_SHEET}”工作表中填写{actual.label} ({actual.guide}) "
                       f"和{note.label}。" if has_targets else "")),
        ("注意事项", f"1. 灰色单元格 ({TASK['id'].label}、{TASK['content'].label}等) 由办公室填写, 请勿修改;\n"
                    "2. 请勿插入、删除或调整行的顺序, 请勿修改工作表名称, 请勿删除任何工作表;\n"
                    f"3. 完成进度为全年累计数: 已完成的任务填 {PROGRESS_MAX} 并选“{COMPLETED}”;\n"
                    + ("4. 表中已预填本单位上一季度报送的内容, 请在此基础上更新;\n" if prefilled else
                       "4. 表中没有预填内容, 请逐项填写;\n")
                    + "5. 可用 Excel、WPS 或 LibreOffice 填写, 保存后将本文件原样发回 (可另存为 xls)。"),
        ("报送方式", "填好后将本文件通过电子邮件或 OA 发送至领导小组办公室。办公室收到后会发回回执, "
                    "如有需要修改之处, 回执中会逐一注明单元格位置。"),
        ("联系方式", f"{office_name(config)}  {contact}"),
    ]
    if link:
        lines.insert(-1, ("填报链接", f"{link}\n也可打开本单位的这个链接在线填写, 或上传填好的本文件, 回执当即显示。"
                                     "链接只供本单位使用, 请勿转发。"))
    for r, (k, v) in enumerate(lines, start=2):
        sh.write_string(r, 0, k, f_key)
        sh.write_string(r, 1, v, f_val)
        sh.set_row(r, _row_height([(v, 90)]))
    sh.set_paper(9)
    sh.set_landscape()
    sh.fit_to_pages(1, 0)
    sh.protect("", opts)


def plan_title(plan) -> str:
    """"2007年广州市…" once: the plan's name with its year in front unless the name begins with it
    (names usually do, and "2007年 2007年广州市…" read wrong)."""
    name = plan.name.strip()
    return name if name.startswith(f"{plan.year}") else f"{plan.year}年{name}"


