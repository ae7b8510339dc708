"""The quarterly round trip: templates -> every workbook filled in code -> collect -> returns --json
holds exactly what was typed, cell by cell; the same after LibreOffice re-saves them as .xls/.ods."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.filling import NO_SOFFICE, SOFFICE, UNITS_TOML, fill_all, make_workspace, resave_formats

from tracker.cli import main
from tracker.workspace import Workspace, default_db_url


def cli(root: Path, *args):
    return CliRunner().invoke(main, [args[0], "-w", str(root), *args[1:]])


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A workspace with 2007Q1 templates written and every one of them filled (not yet collected)."""
    base = tmp_path_factory.mktemp("rt")
    ws = make_workspace(base / "ws")
    r = cli(ws.root, "templates", "2007Q1", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    typed = fill_all(ws.outbox / "2007Q1", base / "filled")
    unit_of = {Path(f["file"]).stem: f["unit"] for f in summary["files"]}
    return ws, base, typed, unit_of, summary


def copy_ws(ws, dest: Path):
    shutil.copytree(ws.root, dest)
    return Workspace(dest, default_db_url(dest))


def assert_round_trip(root: Path, typed: dict, unit_of: dict, files_dir: Path, n_files: int):
    r = cli(root, "collect", str(files_dir), "--received", "2007-04-08", "--json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["rejected"] == []
    assert len(got["accepted"]) == n_files
    assert all(a["period"] == "2007Q1" and not a["duplicate"] and not a["superseded"] for a in got["accepted"])
    r = cli(root, "returns", "2007Q1", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["rows"]
    by_key = {(row["unit"], row["item"]): row for row in rows}
    assert len(by_key) == len(rows) == len(typed["rows"])
    for (stem, iid), v in typed["rows"].items():
        row = by_key[(unit_of[stem], iid)]
        assert {k: row[k] for k in ("status", "progress", "done", "problems", "next")} == v, (stem, iid)
        assert row["received_at"] == "2007-04-08"
        assert row["number"] == int(iid.split("-")[1])
    actuals = {(row["unit"], row["item"], t["metric"]): {"actual": t["actual"], "note": t["note"]}
               for row in rows for t in row["targets"]}
    assert actuals == {(unit_of[s], i, m): v for (s, i, m), v in typed["targets"].items()}
    return rows


def test_round_trip_xlsx(filled, tmp_path):
    ws, base, typed, unit_of, summary = filled
    w = copy_ws(ws, tmp_path / "ws")
    rows = assert_round_trip(w.root, typed, unit_of, base / "filled", len(summary["files"]))
    # the roles are the template's roles: the 12 district governments lead items 2 and 6
    assert {(r["item"], r["role"]) for r in rows if r["unit"] == "天河区政府"} == {("2007-002", "牵头"),
                                                                                ("2007-006", "牵头")}
    assert {(r["item"], r["role"]) for r in rows if r["unit"] == "天河区知识产权局"} == {("2007-006", "参与"),
                                                                                   ("2007-030", "牵头")}
    # --unit filters, accepting an alias
    r = cli(w.root, "returns", "2007Q1", "--unit", "广州市知识产权局", "--json")
    assert {x["unit"] for x in json.loads(r.stdout)["rows"]} == {"市知识产权局"}
    r = cli(w.root, "returns", "2007Q1")
    assert r.exit_code == 0 and "天河区政府" in r.stdout


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_round_trip_after_libreoffice_resave(filled, tmp_path):
    ws, base, typed, unit_of, summary = filled
    resave_formats(sorted((base / "filled").glob("*.xlsx")), ["xls", "ods"], tmp_path / "conv")
    for fmt in ("xls", "ods"):
        w = copy_ws(ws, tmp_path / f"ws-{fmt}")
        assert_round_trip(w.root, typed, unit_of, tmp_path / "conv" / fmt, len(summary["files"]))
        archived = sorted(p.suffix for p in (w.root / "archive").iterdir())
        assert archived == [f".{fmt}"] * len(summary["files"])


@pytest.mark.slow
def test_round_trip_seed_table(seed004, tmp_path):
    """The real 2007 Guangzhou decomposition table (box-drawing text), imported through the CLI."""
    root = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(root), "--units", str(UNITS_TOML)]).exit_code == 0
    r = CliRunner().invoke(main, ["plan", "import", "-w", str(root), str(seed004), "--year", "2007"])
    assert r.exit_code == 0, r.output
    r = cli(root, "templates", "2007Q1", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert "各有关单位" in summary["skipped"]
    assert any(f["unit"] == "越秀区政府" for f in summary["files"])
    typed = fill_all(root / "outbox" / "2007Q1", tmp_path / "filled", seed=7)
    unit_of = {Path(f["file"]).stem: f["unit"] for f in summary["files"]}
    assert_round_trip(root, typed, unit_of, tmp_path / "filled", len(summary["files"]))
