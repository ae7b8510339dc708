"""The CLI's plumbing: init, workspace discovery, plan list/show, units alias — through CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tracker.cli import main
from tracker.model import Item, Plan


def run(*args, env=None):
    r = CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
    return r


def test_init_creates_workspace(tmp_path):
    r = run("init", tmp_path / "ws")
    assert r.exit_code == 0, r.output
    ws = tmp_path / "ws"
    for name in ("tracker.toml", "tracker.db", "inbox", "outbox", "archive", "reports"):
        assert (ws / name).exists(), name


def test_outside_workspace_says_so_in_one_line(tmp_path):
    r = run("-h")
    assert r.exit_code == 0
    r = run("plan", "list", "-w", tmp_path)
    assert r.exit_code == 2
    assert "不是 tracker 工作区" in r.output
    assert "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_env_workspace_and_plan_show_json(tmp_path):
    run("init", tmp_path / "ws")
    from tracker.workspace import find_workspace

    ws = find_workspace(tmp_path / "ws")
    ws.store().save_plan(Plan(name="p", year=2007, items=[
        Item(id="2007-001", number=1, content="内容", lead=["市知识产权局"], lead_raw="市知识产权局")]))
    r = run("plan", "show", "--json", env={"TRACKER_WORKSPACE": str(tmp_path / "ws")})
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["plan"]["year"] == 2007 and data["plan"]["version"] == 1
    assert data["items"][0]["id"] == "2007-001"
    assert data["units"] == [{"name": "市知识产权局", "lead": 1, "participant": 0, "collective": False}]
    r = run("plan", "list", "--json", "-w", tmp_path / "ws")
    assert json.loads(r.output)["plans"][0]["items"] == 1


def test_units_alias_updates_config_and_store(tmp_path):
    run("init", tmp_path / "ws")
    from tracker.workspace import find_workspace

    ws = find_workspace(tmp_path / "ws")
    ws.store().save_plan(Plan(name="p", year=2007, items=[
        Item(id="2007-001", number=1, content="内容", lead=["广州市知识产权局"], lead_raw="广州市知识产权局")]))
    r = run("units", "alias", "广州市知识产权局", "市知识产权局", "-w", tmp_path / "ws")
    assert r.exit_code == 0, r.output
    assert ws.config()["units"]["aliases"] == {"广州市知识产权局": "市知识产权局"}
    assert "# tracker 工作区配置" in ws.config_path.read_text(encoding="utf-8")  # comments survive
    assert ws.store().load_plan(2007).items[0].lead == ["市知识产权局"]
    r = run("units", "--json", "-w", tmp_path / "ws")
    assert [u["name"] for u in json.loads(r.output)["units"]] == ["市知识产权局"]


def test_plan_show_without_plan_is_a_usage_error(tmp_path):
    run("init", tmp_path / "ws")
    r = run("plan", "show", "-w", tmp_path / "ws")
    assert r.exit_code == 2 and "tracker plan import" in r.output


def test_workspace_option_works_at_every_level_of_a_nested_group(tmp_path):
    """`tracker -w WS graph stats`, `tracker graph -w WS stats` and `tracker graph stats -w WS` agree."""
    run("init", tmp_path / "ws")
    from tracker.workspace import find_workspace

    find_workspace(tmp_path / "ws").store().save_plan(Plan(name="p", year=2007, items=[
        Item(id="2007-001", number=1, content="内容", lead=["市知识产权局"], participants=["市科技局"],
             lead_raw="市知识产权局", participants_raw="市科技局")]))
    ws = str(tmp_path / "ws")
    outs = []
    for args in (["-w", ws, "graph", "stats", "--json"], ["graph", "-w", ws, "stats", "--json"],
                 ["graph", "stats", "--json", "-w", ws]):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, (args, r.output)
        outs.append(json.loads(r.output))
    assert outs[0] == outs[1] == outs[2]


def test_init_with_db_url_is_remembered(tmp_path, db_url):
    """`tracker init --db URL` records the store in tracker.toml; later commands use it without --db."""
    r = run("init", tmp_path / "ws", "--db", db_url)
    assert r.exit_code == 0, r.output
    from tracker.workspace import find_workspace

    ws = find_workspace(tmp_path / "ws")
    assert ws.db_url == db_url
    ws.store().save_plan(Plan(name="p", year=2007, items=[
        Item(id="2007-001", number=1, content="内容", lead=["市知识产权局"], lead_raw="市知识产权局")]))
    r = run("plan", "list", "--json", "-w", tmp_path / "ws")
    assert json.loads(r.output)["plans"][0]["items"] == 1
    if db_url.startswith("sqlite"):
        assert not (tmp_path / "ws" / "tracker.db").exists()  # not the default file
