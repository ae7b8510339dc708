"""Simulated departments, for `tracker demo`, the benchmarks and the tests.

A department opens its template, types a status, a cumulative percentage and three short texts per
item (and the actual values of its targets), and saves. This module does the same (python-calamine
to read, xlsxwriter to write), seeded, so a demo year is the same on every machine: most units return on time, some late, one
never, and a few make a mistake that is rejected and then corrected.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tracker.form import (
    CANNOT_COMPLETE,
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    PROGRESS_MAX,
    PROGRESS_MIN,
    TARGET_COLUMNS,
    TARGET_SHEET,
    TASK,
    TASK_COLUMNS,
    TASK_SHEET,
)

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
    return max(PROGRESS_MIN, min(PROGRESS_MAX, int(round(p / 5.0) * 5)))


def status_for(progress: int, rng: random.Random) -> str:
    if progress >= PROGRESS_MAX:
        return COMPLETED
    if progress == PROGRESS_MIN:
        return NOT_STARTED
    if progress < 40 and rng.random() < 0.05:
        return CANNOT_COMPLETE
    return IN_PROGRESS


def fill_bytes(data: bytes, quarter: int, pace: float, rng: random.Random, *, mistake: bool = False) -> bytes:
    """A template's bytes filled in as a department would, as new .xlsx bytes.

    python-calamine reads the template and xlsxwriter writes the copy (a few ms a workbook; the
    openpyxl load-and-save this replaced took most of the demo's time). Every cell of the template
    is kept (the identity sheet very hidden again); each row of the task sheet gets a status, a
    cumulative progress and three texts, each row of the target sheet whose goal holds a number an
    actual value. The
    layout (formats, validation, protection) is not kept: collect reads values only.

    ``mistake`` types progress as "八十" on the first item and 120 on the second, which collect
    must reject naming both cells.
    """
    import io

    import python_calamine as pc
    import xlsxwriter

    src = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    try:
        for meta in src.sheets_metadata:
            grid = [list(r) for r in src.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)]
            if meta.name in (TASK_SHEET, TARGET_SHEET):
                _fill_grid(grid, meta.name == TASK_SHEET, quarter, pace, rng, mistake)
            sh = wb.add_worksheet(meta.name)
            for r, row in enumerate(grid):
                for c, v in enumerate(row):
                    if isinstance(v, str):
                        if v:
                            sh.write_string(r, c, v)
                    elif isinstance(v, int | float) and not isinstance(v, bool):
                        sh.write_number(r, c, v)
                    elif v is not None:
                        sh.write_string(r, c, str(v))
            if not str(meta.visible).endswith("Visible"):
                sh.very_hidden()
        wb.close()
    finally:
        src.close()
    return buf.getvalue()


def _fill_grid(grid: list[list], tasks: bool, quarter: int, pace: float, rng: random.Random,
               mistake: bool) -> None:
    """Type the department's answers into the rows under the header holding the id column's label
    (found by header, as collect finds them); cells by the column keys of :mod:`tracker.form`."""
    id_label = TASK["id"].label  # the first column of both data sheets
    hrow = next((i for i, row in enumerate(grid[:15]) if id_label in [str(v).strip() for v in row]), None)
    if hrow is None:
        return
    head = {str(v).strip(): c for c, v in enumerate(grid[hrow]) if v not in (None, "")}
    col = {c.key: head[c.label] for c in (TASK_COLUMNS if tasks else TARGET_COLUMNS) if c.label in head}
    n = 0
    for row in grid[hrow + 1:]:
        row.extend([""] * (len(grid[hrow]) - len(row)))
        if row[col["id"]] in (None, ""):
            break
        if tasks:
            prog = progress_for(quarter, pace, rng)
            row[col["status"]] = status_for(prog, rng)
            row[col["progress"]] = prog
            row[col["done"]] = rng.choice(DONE_TEXTS)
            row[col["problems"]] = rng.choice(PROBLEM_TEXTS)
            row[col["next"]] = rng.choice(NEXT_TEXTS)
            if mistake and n < 2:
                row[col["progress"]] = "八十" if n == 0 else 120
        else:
            value = _number_in(row[col["target"]])
            if value is not None:
                share = {1: 0.25, 2: 0.5, 3: 0.8, 4: 1.0}[quarter] * pace * rng.uniform(0.85, 1.2)
                row[col["actual"]] = round(value * share, 1)
        n += 1


def fill_workbook(template: Path, out: Path, quarter: int, behaviour: UnitBehaviour, rng: random.Random,
                  *, mistake: bool = False) -> None:
    """Fill one template as the department would and save it to ``out`` (:func:`fill_bytes`)."""
    Path(out).write_bytes(fill_bytes(Path(template).read_bytes(), quarter, behaviour.pace, rng, mistake=mistake))


def _number_in(text) -> float | None:
    import re

    if isinstance(text, int | float):
        return float(text)
    m = re.search(r"(\d+(?:\.\d+)?)", str(text or ""))
    return float(m.group(1)) if m else None


def received_date(due: date, late: bool, rng: random.Random) -> date:
    return due + timedelta(days=rng.randint(3, 12)) if late else due - timedelta(days=rng.randint(0, 8))
