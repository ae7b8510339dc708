"""Simulated departments, for `tracker demo`, the benchmarks and the tests.

A department opens its template, types a status, a cumulative percentage and three short texts per
item (and the actual values of its targets), and saves. This module does the same with openpyxl,
seeded, so a demo year is the same on every machine: most units return on time, some late, one
never, and a few make a mistake that is rejected and then corrected.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

TASK_SHEET = "任务填报"
TARGET_SHEET = "指标填报"
ID_HEADER = "任务编号"

DONE_TEXTS = ["已制定工作方案并召开部署会议", "已完成年度任务的阶段性工作", "已组织专项检查和培训",
              "已印发实施细则, 各项工作有序推进", "已完成调研并形成初稿"]
PROBLEM_TEXTS = ["", "", "经费到位较慢", "部门间协调有待加强", "企业参与积极性不高"]
NEXT_TEXTS = ["继续推进, 确保按期完成", "加强督促检查", "组织验收并总结经验", "完善配套措施"]


@dataclass
class UnitBehaviour:
    """How one simulated unit behaves over the year."""

    pace: float  # 0.6 … 1.1: share of the expected progress it reaches
    late_quarters: set[int] = field(default_factory=set)
    missing_quarters: set[int] = field(default_factory=set)
    mistake_quarters: set[int] = field(default_factory=set)


def plan_behaviours(units: list[str], seed: int = 2007) -> dict[str, UnitBehaviour]:
    """Seeded behaviours: most on time, about one in eight late once, one unit never returns Q4,
    and three units send a wrong workbook once (rejected, then corrected)."""
    rng = random.Random(seed)
    out = {}
    for u in sorted(units):
        b = UnitBehaviour(pace=rng.choice([0.7, 0.85, 0.95, 1.0, 1.0, 1.05, 1.1]))
        if rng.random() < 0.15:
            b.late_quarters.add(rng.randint(1, 4))
        out[u] = b
    ordered = sorted(units)
    if ordered:
        laggard = ordered[rng.randrange(len(ordered))]
        out[laggard].missing_quarters.add(4)
        out[laggard].pace = 0.6
        for u in rng.sample(ordered, min(3, len(ordered))):
            if u != laggard:
                out[u].mistake_quarters.add(rng.randint(1, 4))
    return out


def progress_for(quarter: int, pace: float, rng: random.Random) -> int:
    expected = {1: 25, 2: 50, 3: 75, 4: 100}[quarter]
    p = expected * pace + rng.randint(-5, 5)
    return max(0, min(100, int(round(p / 5.0) * 5)))


def status_for(progress: int, rng: random.Random) -> str:
    if progress >= 100:
        return "已完成"
    if progress == 0:
        return "未启动"
    if progress < 40 and rng.random() < 0.05:
        return "无法按期完成"
    return "推进中"


def _header_map(ws, wanted: str) -> tuple[int, dict[str, int]]:
    """(header row number, label -> column number) of the first row containing `wanted`."""
    for row in ws.iter_rows(min_row=1, max_row=15):
        labels = {str(c.value).strip(): c.column for c in row if c.value is not None}
        if wanted in labels:
            return row[0].row, labels
    raise ValueError(f"no header with {wanted} in sheet {ws.title}")


def fill_workbook(template: Path, out: Path, quarter: int, behaviour: UnitBehaviour, rng: random.Random,
                  *, mistake: bool = False) -> None:
    """Fill one template as the department would and save it to ``out``.

    ``mistake`` types progress as "八十" on the first item and 120 on the second, which collect
    must reject naming both cells.
    """
    from openpyxl import load_workbook

    wb = load_workbook(template)
    ws = wb[TASK_SHEET]
    hrow, cols = _header_map(ws, ID_HEADER)
    c_status, c_prog = cols["进展状态"], cols["完成进度(%)"]
    c_done, c_prob, c_next = cols["工作完成情况"], cols["存在问题"], cols["下步计划"]
    r = hrow + 1
    n = 0
    while ws.cell(r, cols[ID_HEADER]).value not in (None, ""):
        prog = progress_for(quarter, behaviour.pace, rng)
        ws.cell(r, c_status).value = status_for(prog, rng)
        ws.cell(r, c_prog).value = prog
        ws.cell(r, c_done).value = rng.choice(DONE_TEXTS)
        ws.cell(r, c_prob).value = rng.choice(PROBLEM_TEXTS) or None
        ws.cell(r, c_next).value = rng.choice(NEXT_TEXTS)
        if mistake and n == 0:
            ws.cell(r, c_prog).value = "八十"
        if mistake and n == 1:
            ws.cell(r, c_prog).value = 120
        r += 1
        n += 1
    if TARGET_SHEET in wb.sheetnames:
        ts = wb[TARGET_SHEET]
        trow, tcols = _header_map(ts, ID_HEADER)
        r = trow + 1
        while ts.cell(r, tcols[ID_HEADER]).value not in (None, ""):
            goal = ts.cell(r, tcols["目标值"]).value
            value = _number_in(goal)
            if value is not None:
                share = {1: 0.25, 2: 0.5, 3: 0.8, 4: 1.0}[quarter] * behaviour.pace * rng.uniform(0.85, 1.2)
                ts.cell(r, tcols["完成值"]).value = round(value * share, 1)
            r += 1
    wb.save(out)


def _number_in(text) -> float | None:
    import re

    if isinstance(text, (int, float)):
        return float(text)
    m = re.search(r"(\d+(?:\.\d+)?)", str(text or ""))
    return float(m.group(1)) if m else None


def received_date(due: date, late: bool, rng: random.Random) -> date:
    return due + timedelta(days=rng.randint(3, 12)) if late else due - timedelta(days=rng.randint(0, 8))
