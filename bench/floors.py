"""Floor scripts: the least work a program doing the same job must do. bench/run.py times them.

Each floor runs as its own process (like the tool it is compared with), so interpreter start-up and
imports count on both sides::

    python bench/floors.py templates JOBS.pickle OUT_DIR   # write the same workbooks, xlsxwriter only
    python bench/floors.py collect DIR                     # read the same cells, python-calamine only

**Templates floor.** ``JOBS.pickle`` (made by :func:`template_jobs` from the tool's own output, outside
the timed region) holds, per workbook, every sheet's cells as python-calamine reads them. The floor
writes the same workbooks directly with xlsxwriter in memory and then to disk, one file each: the
same cells (strings and numbers, prefilled values included), the same data validation (status list,
progress 0–100 integer, the prompt on 完成值), the same protection (every sheet protected, the input
columns unlocked, the identity sheet very hidden). It leaves out what only looks good: fonts, fills,
borders, widths, row heights, merged title, print setup — and everything the tool must do before
writing (load the plan and registry, assign units, read last quarter's returns, sign identities).

**Collect floor.** Read every .xlsx under DIR and every sheet of it into Python values with
python-calamine (what collect must read at least). No checks, no store, no archive, no receipts.

Both print one line of JSON: what they did (workbooks, cells) so run.py can check the floor did the
whole job.
"""

from __future__ import annotations

import io
import json
import pickle
import sys
from pathlib import Path


# -- templates ---------------------------------------------------------------------------------------
def template_jobs(files: list[Path]) -> list[dict]:
    """What the templates floor writes: per workbook {name, sheets: [{name, grid, hidden}]}, read
    from the tool's templates with python-calamine (not timed)."""
    import python_calamine as pc

    jobs = []
    for f in files:
        wb = pc.CalamineWorkbook.from_path(str(f))
        sheets = []
        for meta in wb.sheets_metadata:
            grid = [list(r) for r in wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)]
            sheets.append({"name": meta.name, "grid": grid,
                           "hidden": not str(meta.visible).endswith("Visible")})
        wb.close()
        jobs.append({"name": f.name, "sheets": sheets})
    return jobs


# the layout the tool writes (tracker.templates): kept here as literals so the floor imports no tracker
TASK_SHEET, TARGET_SHEET = "任务填报", "指标填报"
HEADER_ROW = 1  # 0-based row of the header in both data sheets
TASK_INPUTS = ("进展状态", "完成进度(%)", "工作完成情况", "存在问题", "下步计划")
TARGET_INPUTS = ("完成值", "说明")
STATUSES = ["未启动", "推进中", "已完成", "无法按期完成"]


def write_template(job: dict) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    unlocked = wb.add_format({"locked": False})
    for s in job["sheets"]:
        sh = wb.add_worksheet(s["name"])
        grid = s["grid"]
        inputs: set[int] = set()
        if s["name"] in (TASK_SHEET, TARGET_SHEET) and len(grid) > HEADER_ROW:
            wanted = TASK_INPUTS if s["name"] == TASK_SHEET else TARGET_INPUTS
            inputs = {c for c, v in enumerate(grid[HEADER_ROW]) if v in wanted}
        for r, row in enumerate(grid):
            data_row = r > HEADER_ROW
            for c, v in enumerate(row):
                fmt = unlocked if data_row and c in inputs else None
                if isinstance(v, str):
                    if v:
                        sh.write_string(r, c, v, fmt)
                    elif fmt is not None:
                        sh.write_blank(r, c, None, fmt)
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    sh.write_number(r, c, v, fmt)
        last = len(grid) - 1
        if s["name"] == TASK_SHEET and last > HEADER_ROW:
            head = grid[HEADER_ROW]
            cs, cp = head.index("进展状态"), head.index("完成进度(%)")
            sh.data_validation(HEADER_ROW + 1, cs, last, cs, {
                "validate": "list", "source": STATUSES, "input_title": "进展状态",
                "input_message": "请从下拉列表中选择", "error_title": "进展状态",
                "error_message": "请选择: " + " / ".join(STATUSES)})
            sh.data_validation(HEADER_ROW + 1, cp, last, cp, {
                "validate": "integer", "criteria": "between", "minimum": 0, "maximum": 100,
                "input_title": "完成进度(%)", "input_message": "本年度累计完成进度, 填 0 到 100 的整数, 如 60",
                "error_title": "完成进度(%)", "error_message": "请填写 0 到 100 之间的整数 (不要加 % 号)"})
        elif s["name"] == TARGET_SHEET and last > HEADER_ROW:
            ca = grid[HEADER_ROW].index("完成值")
            sh.data_validation(HEADER_ROW + 1, ca, last, ca, {
                "validate": "any", "input_title": "完成值",
                "input_message": "填写数字, 如 12.5; 百分比可写 16 或 16%; 可写“13万”"})
        sh.protect("")
        if s["hidden"]:
            sh.very_hidden()
    wb.close()
    return buf.getvalue()


def floor_templates(jobs_file: Path, out_dir: Path) -> dict:
    jobs = pickle.loads(Path(jobs_file).read_bytes())
    out_dir.mkdir(parents=True, exist_ok=True)
    cells = 0
    for job in jobs:
        (out_dir / job["name"]).write_bytes(write_template(job))
        cells += sum(len(r) for s in job["sheets"] for r in s["grid"])
    return {"workbooks": len(jobs), "cells": cells}


# -- collect -----------------------------------------------------------------------------------------
def floor_collect(folder: Path) -> dict:
    import python_calamine as pc

    files = sorted(p for p in Path(folder).iterdir() if p.suffix == ".xlsx")
    cells = 0
    for f in files:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(f.read_bytes()))
        for meta in wb.sheets_metadata:
            cells += sum(len(r) for r in wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False))
        wb.close()
    return {"workbooks": len(files), "cells": cells}


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "templates":
        print(json.dumps(floor_templates(Path(argv[1]), Path(argv[2]))))
    elif len(argv) == 2 and argv[0] == "collect":
        print(json.dumps(floor_collect(Path(argv[1]))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
