"""tracker.app: the one application layer both faces (CLI, web) call.

What it must hold: the values its methods return are exactly what the CLI prints with --json; one
engine per Tracker; nothing stored by a dry run; uploads (bytes) go the same way as paths; cli.py
reaches the library only through tracker.app.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.app import InputError, Tracker, UsageError
from tracker.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tracker" / "data" / "samples"


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    out = tmp_path_factory.mktemp("app") / "demo"
    r = CliRunner().invoke(main, ["demo", "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def cli_json(*args) -> dict:
    r = CliRunner().invoke(main, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def roundtrip(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@pytest.mark.slow
def test_methods_return_what_the_cli_prints(demo_ws):
    w = ["-w", str(demo_ws)]
    with Tracker(demo_ws) as t:
        assert roundtrip(t.plan().to_dict()) == cli_json("plan", "show", *w)
        assert roundtrip({"plans": t.plans()}) == cli_json("plan", "list", *w)
        assert roundtrip({"units": t.units()}) == cli_json("units", *w)
        for q in ("2007Q1", "2007Q4"):
            assert roundtrip(t.status(q)) == cli_json("status", q, *w)
            assert roundtrip({"rows": t.returns(q)}) == cli_json("returns", q, *w)
        assert roundtrip(t.graph_stats()) == cli_json("graph", "stats", *w)
        mine = roundtrip(t.report(2007, as_of=__import__("datetime").date(2008, 1, 31)).to_dict())
    theirs = cli_json("report", "2007", "--as-of", "2008-01-31", *w)
    assert mine == theirs
    assert mine["items"] and {"completion", "score", "passed"} <= set(mine)


@pytest.mark.slow
def test_one_engine_per_tracker(demo_ws):
    with Tracker(demo_ws) as t:
        s = t.store
        assert t.store is s and t.workspace.store() is s
        engine = s.engine
        t.status("2007Q2")
        t.returns("2007Q2")
        assert t.store.engine is engine  # the library calls borrowed it, none made its own
        assert t.config is t.config  # tracker.toml read once
    assert t.workspace._held is None  # closed with the Tracker


@pytest.mark.slow
def test_dry_run_import_of_bytes_stores_nothing(demo_ws):
    data = (SAMPLES / "guangzhou-2007.xlsx").read_bytes()
    with Tracker(demo_ws) as t:
        before = t.store.dump()
        res = t.import_plan(data, filename="2007年工作分解表.xlsx", dry_run=True)
        assert res.version is None and not res.stored
        preview = res.preview_dict()
        assert len(preview["items"]) == 54 and "problems" in preview
        assert preview["plan"]["year"] == 2007
        assert t.store.dump() == before


def test_import_of_bytes_names_the_upload_and_rejects_with_problems(tmp_path):
    CliRunner().invoke(main, ["init", str(tmp_path / "ws")])
    with Tracker(tmp_path / "ws") as t:
        res = t.import_plan((SAMPLES / "guangzhou-2007.xlsx").read_bytes(), filename="分解表.xlsx")
        assert res.stored and res.version == 1
        assert t.plan(2007).source == "分解表.xlsx"
        assert res.to_dict()["items"] == 54
        before = t.store.dump()
        with pytest.raises(InputError) as e:
            t.import_plan(b"not a table at all", filename="坏文件.xlsx")
        assert e.value.problems.errors
        assert t.store.dump() == before
        with pytest.raises(UsageError):
            t.plan(1999)


def test_progress_callback(tmp_path):
    CliRunner().invoke(main, ["init", str(tmp_path / "ws"), "--units", str(SAMPLES / "guangzhou-2007.units.toml")])
    seen = []
    with Tracker(tmp_path / "ws") as t:
        t.import_plan(SAMPLES / "guangzhou-2007.xlsx")
        res = t.templates("2007Q1", on_progress=lambda done, total, label: seen.append((done, total)))
    n = len(res.files)
    assert n > 3 and seen[0] == (0, n) and seen[-1] == (n, n)
    assert [d for d, _ in seen] == list(range(n + 1))


def test_cli_reaches_the_library_only_through_app():
    """cli.py imports tracker.app for every action, and otherwise only the CLI's own helpers."""
    tree = ast.parse((ROOT / "tracker" / "cli.py").read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tracker"):
            used.add(node.module)
        elif isinstance(node, ast.Import):
            used.update(a.name for a in node.names if a.name.startswith("tracker"))
    # its own helpers: click's words in Chinese, the date type, terminal tables
    assert used <= {"tracker.app", "tracker.clickzh", "tracker.cli_types", "tracker.termtable"}, used
    assert "tracker.app" in used


@pytest.mark.slow
def test_a_finished_year_is_reported_as_of_its_figures_not_today(demo_ws):
    from datetime import date

    with Tracker(demo_ws) as t:
        q4_due = date(2008, 1, 10)  # the demo's Q4 due date: ten days after the quarter
        last = max(date.fromisoformat(r["received_at"]) for r in t.status("2007Q4")["returned"])
        assert t.report_date(2007) == max(q4_due, last)  # a report of 2007 written in 2026 says early 2008
        assert t.report_date(2007, today=date(2007, 11, 5)) == date(2007, 11, 5)  # during the year: today
        assert t.report_date(1999) == date.today()  # no plan: the report itself says so


def test_the_cli_offers_exactly_the_importers_formats():
    """`plan import --format` lists its choices itself (importing the registry would slow every
    command's start by the readers' imports); they are the registry's."""
    from tracker.cli import main
    from tracker.importers import FORMATS

    opt = next(o for o in main.commands["plan"].commands["import"].params if o.name == "fmt")
    assert sorted(opt.type.choices) == sorted(FORMATS)
