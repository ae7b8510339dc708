"""The checks of one returned workbook: an ordered list of small checks (:data:`CHECKS`), each
adding the problems it finds to a shared :class:`Context`, as beancount's validations do.

:func:`check_workbook` runs them in order on the bytes of one file and returns what they found
(:class:`~tracker.collect.outcome.Checked`). A check returns ``False`` when the workbook cannot be
checked further (an unreadable file, a foreign template, a missing sheet …): the checks after it
are skipped. Nothing here needs the store or the collect pipeline: ``plan_for(year)`` and the unit
registry are all a single uploaded file needs.

Decisions (also in docs/round-trip.md):

- **Which period is expected.** ``periods`` (what the pipeline allows: ``--period``, or the
  quarter of the received date and the one before it); any other period is rejected
  ("这是 2007Q1 的报表 …"); a genuinely late return is collected with ``--period``.
- **Locked cells.** 任务编号 decides which item a row is. A changed 序号 (the row no longer matches
  its 任务编号) is an error; changed text in 类号/项目分类/工作内容/本单位角色/指标/目标值 is a warning
  (the plan's wording is kept).
- **Rows.** Rows are found by 任务编号, so re-sorted rows are fine. A row without 任务编号 that holds
  input is ignored with a warning; an id not of this unit, a missing item, or an item twice with
  different values is an error (twice with the same values: warning).
- **Merged cells** (xlsx/xls/ods): the merged value counts for every cell of the range (warning).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tracker.collect.outcome import Checked
from tracker.collect.values import cell_text, clean_text, norm, parse_actual, parse_progress, shown
from tracker.form import (
    COMPLETED,
    INPUT_KEYS,
    LOCKED_CHECKED,
    NOT_STARTED,
    PROGRESS_MAX,
    STATUSES,
    TARGET,
    TARGET_COLUMNS,
    TARGET_REQUIRED,
    TARGET_SHEET,
    TASK,
    TASK_COLUMNS,
    TASK_SHEET,
    TEXT_FIELDS,
    normalise_status,
)
from tracker.identity import SHEET as IDENTITY_SHEET
from tracker.identity import Identity, IdentityError, parse_cells, workspace_id
from tracker.problems import ERROR, WARNING, Problems, UsageError, a1
from tracker.sheets import Sheet, read_workbook

# the labels the messages name (tracker.form's columns)
_ID, _NUMBER, _STATUS, _PROGRESS = (TASK[k].label for k in ("id", "number", "status", "progress"))
_T_ID, _METRIC, _TARGET, _ACTUAL, _NOTE = (TARGET[k].label for k in ("id", "metric", "target", "actual", "note"))


@dataclass
class Context:
    """One workbook being checked: what the checks are given, and what they found so far."""

    data: bytes
    file: str
    secret: bytes
    plan_for: Callable  # year -> (Plan, Assignments) or None
    registry: object  # tracker.units.Registry: canonical unit names
    config: dict
    periods: set[str] | None  # the periods that may be collected now (None: any)
    older: Callable | None = None  # (year, version) -> (Plan, Assignments) of an earlier version, or None
    out: Checked = field(default_factory=lambda: Checked(Problems()))
    sheets: list[Sheet] = field(default_factory=list)
    identity_sheet: Sheet | None = None
    row_of: dict[str, int] = field(default_factory=dict)  # identity field -> its row in identity_sheet
    assignments: object | None = None
    mine: list = field(default_factory=list)  # the unit's (item, role), in the plan's order
    items_by_id: dict = field(default_factory=dict)  # item id -> (item, role)

    @property
    def probs(self) -> Problems:
        return self.out.problems

    @property
    def ident(self) -> Identity:
        return self.out.identity

    def identity_cell(self, key: str) -> str:
        """The A1 cell of an identity field's value (B of its row in the identity sheet)."""
        return a1(self.row_of.get(key, 0), 1)

    @functools.cached_property
    def task_table(self) -> tuple:
        """(sheet, header row, {label: column}, renamed) of 任务填报 (found by name, else by header)."""
        return _find_table(self.sheets, TASK_SHEET, TASK_COLUMNS, 6)

    @property
    def task_sheet_name(self) -> str:
        sheet = self.task_table[0]
        return sheet.name if sheet else TASK_SHEET


# -- the checks, in order ---------------------------------------------------------------------------------
def check_safety(ctx: Context) -> bool:
    """Bombs, damage, encryption, huge sheets (tracker.safety): before any reader opens the file."""
    from tracker.safety import workbook_problems

    found = workbook_problems(ctx.data, ctx.file)
    ctx.probs.extend(found)
    return not any(p.is_error for p in found)


def check_readable(ctx: Context) -> bool:
    """Every sheet read (python-calamine: xlsx, xls, ods)."""
    try:
        ctx.sheets = read_workbook(ctx.data)
    except Exception as e:  # calamine raises several types for junk, encrypted or truncated files
        ctx.probs.add("unreadable", f"无法读取该文件: 它不是 Excel/WPS/LibreOffice 表格, 或已损坏、加密 ({type(e).__name__})",
                      file=ctx.file)
        return False
    return True


def check_identity(ctx: Context) -> bool:
    """The hidden identity sheet: there, readable, of this workspace, its signature valid."""
    probs, file = ctx.probs, ctx.file
    ish = _find_identity(ctx.sheets)
    if ish is None:
        probs.add("identity-missing", "文件中没有模板标识 (隐藏工作表 _tracker), 不是办公室下发的填报模板, "
                  "或该工作表被删除", file=file)
        return False
    try:
        ident = parse_cells(ish.grid)
    except IdentityError as e:
        probs.add("identity-unreadable", f"{e}", file=file, sheet=ish.name)
        return False
    ctx.out.identity = ident
    ctx.identity_sheet = ish
    ctx.row_of = {norm(r[0]): i for i, r in enumerate(ish.grid) if r}
    if ident.workspace != workspace_id(ctx.secret):
        probs.add("identity-other-workspace", "该模板不是本办公室 (本工作区) 生成的", file=file,
                  sheet=ish.name, cell=ctx.identity_cell("workspace"))
        return False
    if not ident.verify(ctx.secret):
        probs.add("identity-signature-invalid", f"模板标识校验不通过: 隐藏工作表 _tracker 中的内容 (如单位名称或{_ID}) "
                  "被修改过", file=file, sheet=ish.name, cell=ctx.identity_cell("signature"))
        return False
    return True


def check_period(ctx: Context) -> bool:
    """The template's quarter: readable, and one that may be collected now (else an error, but the
    checks go on so that the receipt says everything)."""
    from tracker.periods import parse_period

    ident = ctx.ident
    tname = ctx.task_sheet_name
    try:
        period = parse_period(ident.period)
    except UsageError:
        ctx.probs.add("identity-unreadable", f"模板标识中的季度“{ident.period}”无法识别", file=ctx.file,
                      sheet=ctx.identity_sheet.name)
        return False
    ctx.out.period = str(period)
    if ctx.periods is not None and str(period) not in ctx.periods:
        want = sorted(ctx.periods)
        main = want[0]
        label = parse_period(main).label
        ctx.probs.add("period-mismatch", f"这是 {period} ({period.label}) 的报表, 本次收集的是 {main} ({label}) 的报表。"
                      "可能误发了上一季度的文件; 如果是办公室收到的日期不对, 请用 --received YYYY-MM-DD 写明收到日期,"
                      f" 如确为补报, 请用 --period {period} 再收集一次", file=ctx.file, sheet=tname, cell="A1")
    return True


def check_plan(ctx: Context) -> bool:
    """The year's plan is there, and the template was made from its current version (or from an
    earlier one that shows the unit the same items: :func:`_same_view`)."""
    ident, ish = ctx.ident, ctx.identity_sheet
    got = ctx.plan_for(ident.year)
    if got is None:
        ctx.probs.add("plan-missing", f"工作区里没有 {ident.year} 年的计划", file=ctx.file, sheet=ish.name)
        return False
    plan, assignments = got
    ctx.out.plan = plan
    ctx.assignments = assignments
    if ident.plan_version != plan.version and not _same_view(ctx.older, ident, assignments, ctx.registry):
        ctx.probs.add("plan-version-mismatch", f"该模板按 {ident.year} 年计划第 {ident.plan_version} 版生成, 现行计划为第 "
                      f"{plan.version} 版, 任务已调整", file=ctx.file, sheet=ish.name,
                      cell=ctx.identity_cell("plan_version"))
        return False
    return True


def check_unit(ctx: Context) -> bool:
    """The unit has items in the plan, and the template lists exactly them."""
    ident, ish = ctx.ident, ctx.identity_sheet
    unit = ctx.registry.canonical(ident.unit)
    if unit not in ctx.assignments.by_unit:
        ctx.probs.add("unit-unknown", f"单位“{ident.unit}”在现行计划中没有任务", file=ctx.file, sheet=ish.name,
                      cell=ctx.identity_cell("unit"))
        return False
    ctx.out.unit = unit
    mine = ctx.assignments.items_of(unit)
    if [it.id for it, _ in mine] != ident.items:
        ctx.probs.add("template-outdated", f"本单位 ({unit}) 的任务已调整, 该模板已过时", file=ctx.file, sheet=ish.name,
                      cell=ctx.identity_cell("items"))
        return False
    ctx.mine = mine
    ctx.items_by_id = {it.id: (it, role) for it, role in mine}
    return True


def check_task_sheet(ctx: Context) -> bool:
    """任务填报 is there (by name, else by its header) with every column of the header."""
    task_sheet, hrow, cols, renamed = ctx.task_table
    if task_sheet is None:
        ctx.probs.add("sheet-missing", f"找不到“{TASK_SHEET}”工作表 (表头含 {_ID}、{_STATUS} 等)", file=ctx.file)
        return False
    if renamed:
        ctx.probs.warn("sheet-renamed", f"工作表“{TASK_SHEET}”被改名为“{task_sheet.name}”, 已按表头找到", file=ctx.file,
                       sheet=task_sheet.name)
    missing_h = [c.label for c in TASK_COLUMNS if c.label not in cols]
    if missing_h:
        ctx.probs.add("header-missing", f"表头缺少: {'、'.join(missing_h)}", file=ctx.file, sheet=task_sheet.name,
                      cell=a1(hrow, 0), row=hrow + 1)
        return False
    return True


def check_task_merged(ctx: Context) -> bool:
    """Merged cells below 任务填报's header (a warning: the value counts for every cell)."""
    task_sheet, hrow, _cols, _renamed = ctx.task_table
    _check_merged(task_sheet, hrow, ctx.file, ctx.probs)
    return True


def check_task_rows(ctx: Context) -> bool:
    """Each row of 任务填报 (found by its 任务编号): locked cells, status, progress, texts; every item
    of the unit once."""
    task_sheet, hrow, cols, _renamed = ctx.task_table
    probs, out, file = ctx.probs, ctx.out, ctx.file
    severity = ERROR if str(ctx.config.get("returns", {}).get("inconsistency", "warning")) == "error" else WARNING
    items_by_id = ctx.items_by_id
    seen: dict[str, int] = {}
    tname = task_sheet.name
    cell = task_sheet.get
    for r in range(hrow + 1, len(task_sheet.grid)):
        where = {"file": file, "sheet": tname}
        iid = norm(cell(r, cols[_ID]))
        inputs = {k: cell(r, cols[h]) for h, k in INPUT_KEYS.items()}
        if not iid:
            if any(cell_text(v) for v in inputs.values()):
                probs.warn("row-without-id", f"第 {r + 1} 行没有{_ID}, 该行内容未录入", cell=a1(r, cols[_ID]),
                           row=r + 1, **where)
            continue
        if iid not in items_by_id:
            probs.add("item-unknown", f"{_ID}“{shown(cell(r, cols[_ID]))}”不是本单位的任务",
                      cell=a1(r, cols[_ID]), row=r + 1, **where)
            continue
        it, role = items_by_id[iid]
        row_probs = Problems()
        values = _task_row(task_sheet, r, cols, it, role, inputs, severity, row_probs, where)
        if iid in seen:
            if out.rows.get(iid) == values:
                probs.warn("item-duplicate-same", f"任务 {iid} 出现两次 (第 {seen[iid] + 1} 行和第 {r + 1} 行), 内容相同, "
                           "按一行录入", cell=a1(r, cols[_ID]), row=r + 1, **where)
            else:
                probs.add("item-duplicate", f"任务 {iid} 出现两次 (第 {seen[iid] + 1} 行和第 {r + 1} 行), 内容不同",
                          cell=a1(r, cols[_ID]), row=r + 1, **where)
            continue
        seen[iid] = r
        # say which item a row problem is about: the department may have re-sorted the rows
        probs.extend([replace(p, message=f"任务 {iid} (序号 {it.number}): {p.message}") for p in row_probs])
        out.rows[iid] = values
    for it, _role in ctx.mine:
        if it.id not in seen:
            probs.add("item-missing", f"缺少任务 {it.id} (序号 {it.number}: {shown(it.content)}) 的一行", file=file,
                      sheet=tname)
    return True


def _task_row(sheet: Sheet, r: int, cols: dict, it, role: str, inputs: dict, severity: str, row_probs: Problems,
              where: dict) -> dict:
    """The values of one item's row (role, status, progress, done, problems, next), its problems
    added to ``row_probs``."""
    cell = sheet.get
    iid = it.id
    # locked cells
    num = TASK["number"]
    if norm(cell(r, cols[_NUMBER])) != norm(num.value(it, role)):
        row_probs.add("item-number-mismatch", f"{_NUMBER}被改为“{shown(cell(r, cols[_NUMBER]))}”, 与{_ID} {iid} "
                      f"({_NUMBER} {it.shown_number}) 不符", cell=a1(r, cols[_NUMBER]), row=r + 1, **where)
    for col in LOCKED_CHECKED:
        expect, c = col.value(it, role), cols[col.label]
        if norm(cell(r, c)) != norm(expect):
            row_probs.warn("locked-cell-changed", f"“{col.label}”是锁定内容, 被改为“{shown(cell(r, c))}”; 已按原计划"
                           f"内容“{shown(expect)}”处理", cell=a1(r, c), row=r + 1, **where)
    # status
    raw_status = norm(inputs["status"])
    status = normalise_status(raw_status)
    c_status = a1(r, cols[_STATUS])
    if not raw_status:
        row_probs.add("status-missing", f"{_STATUS}未填写", cell=c_status, row=r + 1, **where)
    elif status not in STATUSES:
        row_probs.add("status-invalid", f"{_STATUS}“{shown(inputs['status'])}”不在可选范围内", cell=c_status,
                      row=r + 1, **where)
    elif status != raw_status:
        row_probs.warn("status-normalised", f"{_STATUS}“{shown(inputs['status'])}”按“{status}”处理",
                       cell=c_status, row=r + 1, **where)
    # progress
    c_prog = a1(r, cols[_PROGRESS])
    progress, code, note = parse_progress(inputs["progress"])
    if progress is None:
        row_probs.add(code, note, cell=c_prog, row=r + 1, **where)
    elif code:
        row_probs.warn(code, note, cell=c_prog, row=r + 1, **where)
    if progress is not None and status in STATUSES:
        if status == COMPLETED and progress < PROGRESS_MAX:
            row_probs.add("inconsistent-done", f"{_STATUS}为“{COMPLETED}”, 但完成进度只有 {progress}%",
                          severity=severity, cell=c_prog, row=r + 1, **where)
        if status == NOT_STARTED and progress == PROGRESS_MAX:
            row_probs.add("inconsistent-not-started", f"完成进度为 {PROGRESS_MAX}%, 但{_STATUS}为“{NOT_STARTED}”",
                          severity=severity, cell=c_status, row=r + 1, **where)
    values = {"role": role, "status": status, "progress": progress}
    for key in TEXT_FIELDS:
        values[key] = clean_text(inputs[key], row_probs, cell=a1(r, cols[TASK[key].label]), row=r + 1, **where)
    return values


def check_targets(ctx: Context) -> bool:
    """指标填报, when the template has targets: one row per target, its actual value a number."""
    if ctx.ident.targets:
        _check_targets(ctx.sheets, ctx.ident, ctx.out.plan, ctx.file, ctx.probs, ctx.out,
                       {iid: it for iid, (it, _r) in ctx.items_by_id.items()})
    return True


CHECKS: tuple[Callable[[Context], bool], ...] = (
    check_safety, check_readable, check_identity, check_period, check_plan, check_unit, check_task_sheet,
    check_task_merged, check_task_rows, check_targets)


def check_workbook(data: bytes, file: str, *, secret: bytes, plan_for, registry, config: dict,
                   periods: set[str] | None, older=None) -> Checked:
    """Check one workbook completely (:data:`CHECKS`, in order). ``plan_for(year)`` -> (Plan,
    Assignments) or None; ``older(year, version)`` the same for an earlier version of the plan (a
    template made from it is accepted when its unit's items, as the template shows them, did not
    change: ``unit_view``).

    ``periods``: the periods that may be collected now (None: any). Never raises for bad input.
    """
    ctx = Context(data, file, secret=secret, plan_for=plan_for, registry=registry, config=config,
                  periods=periods, older=older)
    for check in CHECKS:
        if not check(ctx):
            break
    return ctx.out


# -- helpers ---------------------------------------------------------------------------------------------
def _find_identity(sheets: list[Sheet]) -> Sheet | None:
    for s in sheets:
        if s.name == IDENTITY_SHEET:
            return s
    for s in sheets:  # renamed: recognise it by its first cell
        if norm(s.get(0, 0)) == "format" and norm(s.get(0, 1)).startswith("tracker-template"):
            return s
    return None


def _find_table(sheets: list[Sheet], name: str, columns: tuple, needed: int):
    """(sheet, header row, {label: column}) found by name, else by its header (the key column's
    label and ``needed`` labels of ``columns``, tracker.form's); renamed flag."""
    want = {norm(c.label): c.label for c in columns}
    key = next(c.label for c in columns if c.on_change == "key")

    def header_in(s: Sheet):
        for r in range(min(len(s.grid), 12)):
            cols = {}
            for c, v in enumerate(s.grid[r]):
                h = want.get(norm(v))
                if h and h not in cols:
                    cols[h] = c
            if key in cols and len(cols) >= needed:
                return r, cols
        return None

    by_name = [s for s in sheets if s.name.strip() == name]
    for s in by_name + [s for s in sheets if s not in by_name and s.name != IDENTITY_SHEET]:
        found = header_in(s)
        if found:
            return s, found[0], found[1], s not in by_name
    return None, None, None, False


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

    tsh, hrow, cols, renamed = _find_table(sheets, TARGET_SHEET, TARGET_COLUMNS, 4)
    if tsh is None or any(h not in cols for h in TARGET_REQUIRED):
        probs.add("sheet-missing", f"找不到“{TARGET_SHEET}”工作表 (表头含 {'、'.join(TARGET_REQUIRED)})", file=file)
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
        iid = norm(tsh.get(r, cols[_T_ID]))
        if not iid:
            continue
        it = item(iid) if iid in wanted else None
        if iid not in wanted or it is None:
            probs.add("target-unknown", f"{_T_ID}“{shown(tsh.get(r, cols[_T_ID]))}”在本表中没有指标",
                      cell=a1(r, cols[_T_ID]), row=r + 1, **where)
            continue
        metric = norm(tsh.get(r, cols[_METRIC]))
        left = wanted[iid]
        if not left:
            probs.add("target-duplicate", f"任务 {iid} 的指标行多出一行", cell=a1(r, cols[_T_ID]), row=r + 1, **where)
            continue
        idx = next((i for i in left if i < len(it.targets) and norm(it.targets[i].metric) == metric), None)
        if idx is None:
            idx = left[0]
            probs.warn("locked-cell-changed", f"“{_METRIC}”是锁定内容, 被改为“{shown(tsh.get(r, cols[_METRIC]))}”; 已按原计划"
                       f"{_METRIC}“{shown(it.targets[idx].metric)}”处理", cell=a1(r, cols[_METRIC]), row=r + 1, **where)
        left.remove(idx)
        t = it.targets[idx]
        expect = TARGET["target"].value(it, t)
        if _TARGET in cols and norm(tsh.get(r, cols[_TARGET])) != norm(expect):
            probs.warn("locked-cell-changed", f"“{_TARGET}”是锁定内容, 被改为“{shown(tsh.get(r, cols[_TARGET]))}”; "
                       f"已按原计划“{expect}”处理", cell=a1(r, cols[_TARGET]), row=r + 1, **where)
        actual, err = parse_actual(tsh.get(r, cols[_ACTUAL]), t.unit)
        if err:
            probs.add("target-not-number", err, cell=a1(r, cols[_ACTUAL]), row=r + 1, **where)
        note = clean_text(tsh.get(r, cols[_NOTE]), probs, cell=a1(r, cols[_NOTE]), row=r + 1,
                           **where) if _NOTE in cols else ""
        out.targets[(iid, idx)] = {"actual": actual, "note": note}
    for iid, left in wanted.items():
        for idx in left:
            it = item(iid)
            metric = it.targets[idx].metric if it and idx < len(it.targets) else ""
            probs.add("target-missing", f"缺少任务 {iid} 的指标“{shown(metric)}”一行", **where)
