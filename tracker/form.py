"""The one form specification: the sheets and columns of a unit's template, and how each is read.

Whatever names a sheet or a column of the template loops over this module instead: the template
writer (:mod:`tracker.templates`), the checks of a return (collect), the simulated departments
(:mod:`tracker.simulate`), the online form of the departments' links (:mod:`tracker.online_form`
and its page), the bench floor (``bench/floors.py``) and the tests' filler (``tests/filling.py``).
To add a column, add a :class:`Column` here.

- **Sheets**: :data:`GUIDE_SHEET` (填报说明, how to fill in), :data:`TASK_SHEET` (one row per item),
  :data:`TARGET_SHEET` (one row per target the unit leads). The identity sheet is
  :data:`tracker.identity.SHEET` (the identity's own format).
- **Layout** of both data sheets, 0-based: :data:`TITLE_ROW`, :data:`HEADER_ROW`, :data:`FIRST_ROW`.
- **Columns**: :data:`TASK_COLUMNS` and :data:`TARGET_COLUMNS`, in sheet order; :data:`TASK` and
  :data:`TARGET` the same by key. A locked column says what its cell holds (``value``) and which
  problem a changed cell raises (``on_change``); an input column says its ``kind`` (how its cell is
  written and parsed), its Excel validation and its help texts.
- **Statuses**: :data:`STATUSES` in list order, :data:`STATUS_SYNONYMS` (what people type instead),
  :func:`normalise_status`, :data:`STATUS_KEY` (the key of each in JSON).
- **The 0–100 rule** of 完成进度: :data:`PROGRESS_MIN`, :data:`PROGRESS_MAX` and every text that
  states it, here once.
- **Fix texts** of the problems about the form's cells (:data:`FIX_TEXTS`, for the receipts).

Nothing here reads a file or imports more than :mod:`tracker.model`, so the bench floor can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.model import ROLE_LABEL

GUIDE_SHEET = "填报说明"
TASK_SHEET = "任务填报"
TARGET_SHEET = "指标填报"
SHEETS = (GUIDE_SHEET, TASK_SHEET, TARGET_SHEET)

# 0-based layout of both data sheets: title row, header row, first data row
TITLE_ROW, HEADER_ROW, FIRST_ROW = 0, 1, 2

# -- statuses ----------------------------------------------------------------------------------------
NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_COMPLETE = "未启动", "推进中", "已完成", "无法按期完成"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, CANNOT_COMPLETE)
STATUS_KEY = {NOT_STARTED: "not_started", IN_PROGRESS: "in_progress", COMPLETED: "completed",
              CANNOT_COMPLETE: "cannot_complete"}
STATUS_SYNONYMS = {"完成": COMPLETED, "已经完成": COMPLETED, "全部完成": COMPLETED, "进行中": IN_PROGRESS,
                   "正在推进": IN_PROGRESS, "正在进行": IN_PROGRESS, "推进": IN_PROGRESS, "未开始": NOT_STARTED,
                   "尚未启动": NOT_STARTED, "不能按期完成": CANNOT_COMPLETE, "无法完成": CANNOT_COMPLETE}
STATUS_CHOICES = " / ".join(STATUSES)


def normalise_status(text: str) -> str:
    """A status as typed (already normalised as collect compares text) -> the listed status it
    means, or the text itself when it is none (then it is not in :data:`STATUSES`)."""
    return STATUS_SYNONYMS.get(text, text)


# -- the 0–100 rule of 完成进度 ------------------------------------------------------------------------
PROGRESS_MIN, PROGRESS_MAX = 0, 100
_RANGE = f"{PROGRESS_MIN} 到 {PROGRESS_MAX}"
PROGRESS_RANGE_SHORT = f"{PROGRESS_MIN}–{PROGRESS_MAX}"  # as messages and the online form write it
PROGRESS_INPUT_MESSAGE = f"本年度累计完成进度, 填 {_RANGE} 的整数, 如 60"
PROGRESS_ERROR_MESSAGE = f"请填写 {_RANGE} 之间的整数 (不要加 % 号)"
PROGRESS_GUIDE = f"本年度累计完成的百分比, {_RANGE} 的整数, 如 60, 不要加 % 号"
ACTUAL_INPUT_MESSAGE = "填写数字, 如 12.5; 百分比可写 16 或 16%; 可写“13万”"


# -- columns -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of a data sheet.

    ``value(item, role)`` on 任务填报 or ``value(item, target)`` on 指标填报: what a locked cell
    holds (None for an input column). ``on_change``: for a locked cell, what collect does when the
    returned cell differs from ``value`` (compared as collect normalises text): ``"key"`` the column
    identifies the row (never "changed"), ``"match"`` it picks the target row of the item (a cell
    that matches none is then ``locked-cell-changed``), else the problem code it raises.
    ``kind`` of an input: ``"status"`` (a list, :data:`STATUSES`), ``"percent"`` (完成进度, the
    0–100 rule), ``"number"`` (a target's actual value) or ``"text"``; collect parses each kind with
    its parser (progress, actual, status synonyms, text). ``validation``: the xlsxwriter
    data_validation options of the input cells (a fresh dict each call, see :meth:`validation`).
    ``wraps``: its text sets the row height. ``required``: a returned sheet without this header is
    not read (collect's header-missing / sheet-missing).
    """

    label: str
    key: str
    width: int
    input: bool = False
    kind: str = "text"
    centred: bool = False
    wraps: bool = False
    required: bool = True
    value: Callable[[Any, Any], Any] | None = None
    on_change: str = "locked-cell-changed"
    guide: str = ""  # what 填报说明 says of an input, in brackets after its label
    web_label: str = ""  # the label of the field on the online form (tracker.web portal_fill.html)
    web_rows: int = 0  # a text field's rows on the online form (0: a one-line input ``web_size`` wide)
    web_size: int = 0
    _validation: tuple = ()

    def validation(self) -> dict | None:
        """The Excel data validation of this input column (xlsxwriter options), or None."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self._validation} or None


def _status_validation(label: str) -> tuple:
    return (("validate", "list"), ("source", STATUSES), ("ignore_blank", True), ("input_title", label),
            ("input_message", "请从下拉列表中选择"), ("error_title", label),
            ("error_message", "请选择: " + STATUS_CHOICES))


def _progress_validation(label: str) -> tuple:
    return (("validate", "integer"), ("criteria", "between"), ("minimum", PROGRESS_MIN),
            ("maximum", PROGRESS_MAX), ("ignore_blank", True), ("input_title", label),
            ("input_message", PROGRESS_INPUT_MESSAGE), ("error_title", label),
            ("error_message", PROGRESS_ERROR_MESSAGE))


STATUS_LABEL, PROGRESS_LABEL, ACTUAL_LABEL = "进展状态", "完成进度(%)", "完成值"

TASK_COLUMNS: tuple[Column, ...] = (
    Column("任务编号", "id", 10, centred=True, value=lambda it, role: it.id, on_change="key"),
    Column("类号", "category_no", 5, centred=True, value=lambda it, role: it.category_no),
    Column("项目分类", "category", 16, wraps=True, value=lambda it, role: it.category),
    # the number as the plan writes it: "1.1", "（1）", or "1" restarting per category
    Column("序号", "number", 5, centred=True, value=lambda it, role: it.label or it.number,
           on_change="item-number-mismatch"),
    Column("工作内容", "content", 46, wraps=True, value=lambda it, role: it.content),
    Column("本单位角色", "role", 7, centred=True, value=lambda it, role: ROLE_LABEL[role]),
    Column(STATUS_LABEL, "status", 12, input=True, kind="status", centred=True,
           guide="下拉选择: " + STATUS_CHOICES, web_label="完成状态", _validation=_status_validation(STATUS_LABEL)),
    Column(PROGRESS_LABEL, "progress", 9, input=True, kind="percent", centred=True, guide=PROGRESS_GUIDE,
           web_label=f"完成进度 ({PROGRESS_RANGE_SHORT})", web_size=6, _validation=_progress_validation(PROGRESS_LABEL)),
    Column("工作完成情况", "done", 30, input=True, wraps=True, web_label="已完成工作", web_rows=3),
    Column("存在问题", "problems", 22, input=True, wraps=True, web_label="存在问题", web_rows=2),
    Column("下步计划", "next", 26, input=True, wraps=True, web_label="下一步工作", web_rows=2),
)

TARGET_COLUMNS: tuple[Column, ...] = (
    Column("任务编号", "id", 10, centred=True, value=lambda it, t: it.id, on_change="key"),
    Column("指标", "metric", 36, wraps=True, value=lambda it, t: t.metric, on_change="match"),
    Column("目标值", "target", 14, centred=True, required=False, value=lambda it, t: t.describe()),
    Column(ACTUAL_LABEL, "actual", 14, input=True, kind="number", centred=True, guide="数字, 如 12.5",
           web_label=ACTUAL_LABEL, web_size=10,
           _validation=(("validate", "any"), ("input_title", ACTUAL_LABEL), ("input_message", ACTUAL_INPUT_MESSAGE))),
    Column("说明", "note", 36, input=True, wraps=True, required=False, web_label="说明", web_size=30),
)

TASK = {c.key: c for c in TASK_COLUMNS}
TARGET = {c.key: c for c in TARGET_COLUMNS}
HEADERS = [c.label for c in TASK_COLUMNS]
TARGET_HEADERS = [c.label for c in TARGET_COLUMNS]
TARGET_REQUIRED = [c.label for c in TARGET_COLUMNS if c.required]
INPUT_KEYS = {c.label: c.key for c in TASK_COLUMNS if c.input}  # label -> key of the task inputs
TARGET_INPUT_KEYS = {c.label: c.key for c in TARGET_COLUMNS if c.input}
TASK_INPUTS = tuple(c for c in TASK_COLUMNS if c.input)  # the fields of an item on the online form
TARGET_INPUTS = tuple(c for c in TARGET_COLUMNS if c.input)
ITEM_FIELDS = tuple(INPUT_KEYS.values())  # ("status", "progress", "done", "problems", "next")
TARGET_FIELDS = tuple(TARGET_INPUT_KEYS.values())  # ("actual", "note")
TEXT_FIELDS = tuple(c.key for c in TASK_COLUMNS if c.input and c.kind == "text")  # done, problems, next
LOCKED_CHECKED = tuple(c for c in TASK_COLUMNS if not c.input and c.on_change == "locked-cell-changed")


# -- what the form's problems ask the department to do (the receipts' fix texts) ---------------------
def _q(key: str) -> str:
    return f"“{TASK[key].label}”"


FIX_TEXTS = {
    "row-without-id": f"如需补充说明, 请写在相应任务的{_q('done')}或{_q('problems')}栏中, 不要另起一行。",
    "item-number-mismatch": "请恢复该行的原序号; 请勿修改灰色单元格。",
    "locked-cell-changed": "无需重报; 灰色单元格由办公室填写, 请勿修改。",
    "status-missing": f"请在下拉列表中选择: {STATUS_CHOICES}。",
    "status-invalid": f"请在下拉列表中选择: {STATUS_CHOICES}。",
    "progress-missing": f"请填写本年度累计完成进度, {_RANGE} 的整数, 如 60。",
    "progress-not-number": f"请用阿拉伯数字填写 {_RANGE} 的整数, 如 80 (不要写汉字)。",
    "progress-out-of-range": f"完成进度为全年累计百分比, 请填写 {_RANGE} 之间的整数。",
    "inconsistent-done": f"如任务已完成, 请将完成进度改为 {PROGRESS_MAX}; 否则请将{STATUS_LABEL}改为“{IN_PROGRESS}”。",
    "inconsistent-not-started": f"请核对: 已完成的任务请选“{COMPLETED}”, 未启动的任务完成进度应为 {PROGRESS_MIN}。",
    "target-not-number": ACTUAL_INPUT_MESSAGE.replace("填写数字", "请填写数字", 1) + "。",
    "template-not-filled": f"请按本季度的实际进展更新{_q('status')}{_q('progress')}和{_q('done')}后重新报送。",
}
