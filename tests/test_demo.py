"""`tracker demo`: the README's main command runs the whole year, end to end, through the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tracker.cli import main

pytestmark = pytest.mark.slow  # runs the demo year


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "ws"
    r = CliRunner().invoke(main, ["demo", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out, r.output


def test_demo_prints_each_stage(demo):
    out, text = demo
    assert "[1/3] 导入计划" in text and "54 项任务" in text
    for q in ("第一季度", "第二季度", "第三季度", "第四季度"):
        assert f"2007年{q}" in text
    assert "2007 年度检查验收" in text


def test_demo_writes_what_the_office_would_open(demo):
    out, _ = demo
    for q in range(1, 5):
        assert (out / "reports" / f"2007Q{q}" / f"2007Q{q}-季度通报.docx").exists()
        assert (out / "reports" / f"2007Q{q}" / f"2007Q{q}-季度通报.xlsx").exists()
        assert len(list((out / "outbox" / f"2007Q{q}").glob("*.xlsx"))) > 50
    for name in ("2007-检查验收报告.docx", "2007-检查验收汇总.xlsx", "2007-dashboard.html"):
        assert (out / "reports" / "2007" / name).exists()
    receipts = list((out / "outbox" / "receipts").glob("*回执.txt"))
    rejected = [p for p in receipts if "退回" in p.read_text(encoding="utf-8-sig")]
    assert rejected, "the demo's mistaken workbooks get receipts that say they were sent back"
    # every file received is archived under its SHA-256
    import hashlib

    for p in (out / "archive").rglob("*"):
        if p.is_file():
            assert hashlib.sha256(p.read_bytes()).hexdigest() == p.name.split(".")[0]


def test_demo_year_figures_agree_with_report_and_status(demo):
    out, _ = demo
    runner = CliRunner()
    r = runner.invoke(main, ["-w", str(out), "report", "2007", "--json", "-o", str(out / "again"),
                             "--as-of", "2008-01-31"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert 0 <= data["completion"] <= 100 and 0 <= data["score"] <= 100
    assert data["passed"] == (data["completion"] >= 80 and data["score"] >= 60 and not data["failed_rules"])
    st = json.loads(runner.invoke(main, ["-w", str(out), "status", "2007Q4", "--json"]).output)
    assert len(st["missing"]) == 1  # one unit never returns Q4
    assert any(r["late"] for r in st["returned"])
    assert sum(1 for u in data["units"] if u["returns_missing"]) >= 1


def test_demo_report_is_dated_when_the_office_inspects(demo):
    """Early the next year, not the day the demo happens to run."""
    out, _ = demo
    html = (out / "reports" / "2007" / "2007-dashboard.html").read_text(encoding="utf-8")
    assert "统计截至 2008-01-31" in html


def test_backup_delete_restore_gives_the_same_year(demo, tmp_path):
    """Issue 10 must-show: `tracker backup`, the workspace deleted, `tracker restore`: the same
    status, returns and report JSON for every quarter, and a template sent before the backup is
    accepted after the restore. (On a copy: the demo fixture is shared.)"""
    import shutil

    from support.filling import distinct_values, fill, template_rows

    out, _ = demo
    ws = tmp_path / "工作区"
    shutil.copytree(out, ws)
    runner = CliRunner()

    def answers(root):
        got = {}
        for q in range(1, 5):
            p = f"2007Q{q}"
            got[p] = (runner.invoke(main, ["-w", str(root), "status", p, "--json"]).output,
                      runner.invoke(main, ["-w", str(root), "returns", p, "--json"]).output)
        r = runner.invoke(main, ["-w", str(root), "report", "2007", "--json", "--as-of", "2008-01-31",
                                 "-o", str(tmp_path / "report")])
        assert r.exit_code == 0, r.output
        data = json.loads(r.output)
        for key in ("files", "charts"):
            data.pop(key)
        got["report"] = data
        return got

    before = answers(ws)
    r = runner.invoke(main, ["-w", str(ws), "backup", str(tmp_path / "backup.zip")])
    assert r.exit_code == 0, r.output
    shutil.rmtree(ws)
    r = runner.invoke(main, ["restore", str(tmp_path / "backup.zip"), str(ws)])
    assert r.exit_code == 0, r.output
    assert answers(ws) == before
    # the unit that never returned Q4 sends its template (made before the backup) now
    st = json.loads(runner.invoke(main, ["-w", str(ws), "status", "2007Q4", "--json"]).output)
    [unit] = st["missing"]
    template = ws / "outbox" / "2007Q4" / f"2007Q4-{unit}.xlsx"
    values = {row["item"]: {**distinct_values(4, k), "status": "已完成", "progress": 100}
              for k, row in enumerate(template_rows(template))}
    f = fill(template, values, out=tmp_path / f"{unit}.xlsx")
    r = runner.invoke(main, ["-w", str(ws), "collect", str(f), "--received", "2008-01-20", "--period", "2007Q4",
                             "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["accepted"][0]["unit"] == unit
    assert json.loads(runner.invoke(main, ["-w", str(ws), "status", "2007Q4", "--json"]).output)["missing"] == []
