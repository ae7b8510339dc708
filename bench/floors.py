"""Floor scripts: the least work a program doing the same job must do. bench/run.py times them.

Each floor runs as its own process (like the tool it is compared with), so interpreter start-up and
imports count on both sides::

    python bench/floors.py templates JOBS.pickle OUT_DIR   # write the same workbooks, xlsxwriter only
    python bench/floors.py collect DIR                     # read the same cells, python-calamine only

**Templates floor.** ``JOBS.pickle`` (made by :func:`template_jobs` from the tool's own output, outside
the timed region) holds, per workbook, every sheet's cells as python-calamine reads them. The floor
writes the same workbooks directly with xlsxwriter in memory and then to disk, one file each: the
same cells (strings and numbers, prefilled values included), the same data validation (each input
column's of tracker.form: status list, progress 0–100 integer, the prompt on the actual value), the same protection (every sheet protected, the input
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


def write_template(job: dict) -> bytes:
    import xlsxwriter

    # the layout the tool writes: the form specification itself (tracker.form imports only
    # tracker.model, ~10 ms; imported here so that the collect floor does not pay for it)
    from tracker.form import HEADER_ROW, TARGET_COLUMNS, TARGET_SHEET, TASK_COLUMNS, TASK_SHEET

    columns = {TASK_SHEET: TASK_COLUMNS, TARGET_SHEET: TARGET_COLUMNS}
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    unlocked = wb.add_format({"locked": False})
    for s in job["sheets"]:
        sh = wb.add_worksheet(s["name"])
        grid = s["grid"]
        inputs: dict[int, object] = {}  # column -> its input Column of tracker.form
        if s["name"] in columns and len(grid) > HEADER_ROW:
            by_label = {col.label: col for col in columns[s["name"]] if col.input}
            inputs = {c: by_label[v] for c, v in enumerate(grid[HEADER_ROW]) if v in by_label}
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
        if last > HEADER_ROW:
            for c, col in inputs.items():
                options = col.validation()
                if options:
                    sh.data_validation(HEADER_ROW + 1, c, last, c, options)
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
