"""bench/ at a tiny size: the runner prints its table of ratios, the floors do the same job as the tool.

No timed assertions: the figures themselves are for bench/README.md, not for the tests.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs the benchmark end to end (templates, collect, report)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))


@pytest.fixture(scope="module")
def bench_output():
    r = subprocess.run([sys.executable, str(BENCH / "run.py"), "--items", "40", "--units", "10", "--quick", "--json"],
                       capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    table, _, js = r.stdout.partition("\n{")
    return table, json.loads("{" + js), r.stderr


def test_table_has_every_ratio(bench_output):
    table, _, _ = bench_output
    for label in ("template generation", "collect (read, check, store)", "CLI start-up (tracker --help)"):
        line = next((ln for ln in table.splitlines() if ln.startswith(label)), None)
        assert line is not None, f"no line for {label}:\n{table}"
        m = re.search(r"([\d.]+)s\s+([\d.]+)s\s+([\d.]+)x\s+<= ([\d.]+)x\s+(ok|MISSED)$", line)
        assert m, line
        tool, floor, ratio = float(m.group(1)), float(m.group(2)), float(m.group(3))
        assert tool > 0 and floor > 0
        assert ratio == pytest.approx(tool / floor, rel=0.02, abs=0.01)
    for label in ("quarter (templates+collect+status)", "year-end report"):
        line = next(ln for ln in table.splitlines() if ln.startswith(label))
        assert re.search(r"[\d.]+s\s+\d+ MB\s+< \d+ s, < 500 MB\s+(ok|MISSED)$", line), line
    assert re.search(r"\d+ CPUs, .*Python 3\.\d+", table)


def test_figures_describe_the_whole_job(bench_output):
    _, res, _ = bench_output
    from tracker.assignments import assign
    from tracker.synthetic import synthetic_plan
    from tracker.units import Registry

    plan, registry = synthetic_plan(40, 10, year=2026, seed=1)
    a = assign(plan, Registry.from_config(registry))
    assert res["workbooks"] == len(a.units) == 10
    assert res["rows"] == sum(len(v) for v in a.by_unit.values())
    assert res["skipped"] == ["各有关单位"]
    assert res["history_returns"] > 0  # Q1–Q3 stored, so Q4 templates are prefilled
    assert set(res["report_files"]) == {"2026-检查验收报告.docx", "2026-检查验收汇总.xlsx", "2026-dashboard.html"}
    q = res["quarter"]
    parts = sum(res[k]["seconds"] for k in ("templates", "collect", "status"))
    assert q["seconds"] == pytest.approx(parts)
    assert q["maxrss_mb"] == max(res[k]["maxrss_mb"] for k in ("templates", "collect", "status"))
    assert 10 < q["maxrss_mb"] < 4096 and 10 < res["report"]["maxrss_mb"] < 4096


def test_template_floor_writes_the_same_cells_validation_and_protection(tmp_path):
    """The floor must do the whole job it is compared with, not less."""
    import floors
    import openpyxl
    import python_calamine as pc
    from run import PERIOD, make_workspace

    from tracker.templates import make_templates
    from tracker.workspace import find_workspace

    make_workspace(tmp_path / "ws", 40, 10, 1)
    res = make_templates(find_workspace(tmp_path / "ws"), PERIOD, tmp_path / "tool")
    tool_files = sorted(Path(f["file"]) for f in res.files)
    jobs = floors.template_jobs(tool_files)
    (tmp_path / "floor").mkdir()
    for job in jobs:
        (tmp_path / "floor" / job["name"]).write_bytes(floors.write_template(job))
    prefilled = 0
    for f in tool_files:
        g = tmp_path / "floor" / f.name
        a, b = pc.CalamineWorkbook.from_path(str(f)), pc.CalamineWorkbook.from_path(str(g))
        assert [m.name for m in a.sheets_metadata] == [m.name for m in b.sheets_metadata]
        for m in a.sheets_metadata:
            ga = a.get_sheet_by_name(m.name).to_python(skip_empty_area=False)
            gb = b.get_sheet_by_name(m.name).to_python(skip_empty_area=False)
            assert ga == gb, (f.name, m.name)
        wa, wb = openpyxl.load_workbook(f), openpyxl.load_workbook(g)
        for sa in wa.worksheets:
            sb = wb[sa.title]
            assert sb.protection.sheet == sa.protection.sheet is True
            assert sb.sheet_state == sa.sheet_state
            assert [(d.type, str(d.sqref), d.formula1, d.formula2) for d in sb.data_validations.dataValidation] == \
                   [(d.type, str(d.sqref), d.formula1, d.formula2) for d in sa.data_validations.dataValidation]
            for row in sa.iter_rows():
                for c in row:
                    if c.value is not None or not c.protection.locked:
                        assert sb[c.coordinate].protection.locked == c.protection.locked, (f.name, c.coordinate)
        task = wa["任务填报"]
        prefilled += sum(1 for r in task.iter_rows(min_row=3) if r[6].value)
    assert prefilled > 0  # Q4 templates carry Q3's values, and the floor writes them too


def test_filled_returns_are_accepted(tmp_path):
    from datetime import date

    from run import PERIOD, RECEIVED, fill_returns, make_workspace

    from tracker.collect import collect
    from tracker.templates import make_templates
    from tracker.workspace import find_workspace

    make_workspace(tmp_path / "ws", 40, 10, 1)
    ws = find_workspace(tmp_path / "ws")
    res = make_templates(ws, PERIOD, tmp_path / "tpl")
    filled = fill_returns(sorted(Path(f["file"]) for f in res.files), tmp_path / "filled", 1)
    got = collect(ws, [tmp_path / "filled"], received=date.fromisoformat(RECEIVED))
    assert len(got.accepted) == len(filled) == 10 and not got.rejected
