"""Issue 10: nothing the office does by mistake loses data or leaves it silently wrong.

Each test replays one mistake of the office through the CLI (CliRunner) on a fresh workspace shaped
like the demo's (the Guangzhou registry, a Guangzhou-like plan, templates of two quarters), and
compares the store dump, the files and the answers before and after: no data lost, no wrong fact
stored, and a message that says what happened and what to do.
"""

from __future__ import annotations

import getpass
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.collecting import copy_ws, templated_workspace
from support.filling import UNITS_TOML, distinct_values, fill, template_rows

from tracker.cli import main
from tracker.workspace import Workspace, default_db_url

UNIT = "市知识产权局"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return templated_workspace(tmp_path_factory.mktemp("office") / "ws", ("2007Q1", "2007Q2"))


@pytest.fixture
def ws(base, tmp_path):
    return copy_ws(base, tmp_path / "ws")


def run(ws, *args):
    if args[0] == "plan":  # (the plan group takes -w after its subcommand)
        return CliRunner().invoke(main, [*args[:2], "-w", str(ws.root), *map(str, args[2:])])
    return CliRunner().invoke(main, [args[0], "-w", str(ws.root), *map(str, args[1:])])


def dump(ws) -> dict:
    store = ws.store()
    try:
        return store.dump()
    finally:
        store.close()


def files(root: Path, skip=("tracker.db",)) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(skip)}


def tpl(ws, unit=UNIT, period="2007Q1") -> Path:
    return ws.outbox / period / f"{period}-{unit}.xlsx"


def values(ws, unit=UNIT, period="2007Q1", seed=3) -> dict:
    return {r["item"]: distinct_values(seed, k) for k, r in enumerate(template_rows(tpl(ws, unit, period)))}


def filled(ws, out: Path, unit=UNIT, period="2007Q1", seed=3) -> Path:
    return fill(tpl(ws, unit, period), values(ws, unit, period, seed), out=out)


def returns(ws, period="2007Q1", unit=UNIT) -> dict:
    r = run(ws, "returns", period, "--unit", unit, "--json")
    assert r.exit_code == 0, r.output
    return {row["item"]: row for row in json.loads(r.stdout)["rows"]}


def receipts(ws) -> list[str]:
    d = ws.outbox / "receipts"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


# -- demo and init never destroy ------------------------------------------------------------------------
def test_demo_refuses_a_real_workspace_and_changes_nothing(ws, tmp_path, monkeypatch):
    before, before_files = dump(ws), files(ws.root)
    for args in (["demo", "-o", str(ws.root)], ["demo", "-o", str(ws.root), "--force"]):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 1, r.output
        assert len(r.output.strip().splitlines()) == 1 and "不是演示生成的" in r.output and "-o" in r.output
    monkeypatch.chdir(ws.root)  # `tracker demo -o .` inside the workspace
    r = CliRunner().invoke(main, ["demo", "-o", "."])
    assert r.exit_code == 1 and "tracker 工作区" in r.output and "Traceback" not in r.output
    assert dump(ws) == before and files(ws.root) == before_files
    other = tmp_path / "我的文件"
    other.mkdir()
    (other / "通知.docx").write_bytes(b"office file")
    r = CliRunner().invoke(main, ["demo", "-o", str(other), "--force"])
    assert r.exit_code == 1 and "不是空的文件夹" in r.output
    assert files(other) == {"通知.docx": b"office file"}


def test_demo_replaces_only_its_own_folder_and_only_with_force(tmp_path):
    from tracker.demo import MARKER, prepare_folder
    from tracker.problems import Refused

    old = tmp_path / "demo-workspace"
    (old / "reports").mkdir(parents=True)
    (old / MARKER).write_text("x", encoding="utf-8")
    (old / "reports" / "a.html").write_text("old", encoding="utf-8")
    r = CliRunner().invoke(main, ["demo", "-o", str(old)])
    assert r.exit_code == 1 and "--force" in r.output and (old / "reports" / "a.html").exists()
    prepare_folder(old, force=True)
    assert old.is_dir() and list(old.iterdir()) == []
    prepare_folder(tmp_path / "new")  # missing: fine, nothing made yet
    with pytest.raises(Refused):
        (tmp_path / "f").write_text("x")
        prepare_folder(tmp_path / "f", force=True)


def test_init_on_a_workspace_changes_nothing_and_says_so(ws, tmp_path):
    before, before_files = dump(ws), files(ws.root)
    r = CliRunner().invoke(main, ["init", str(ws.root)])
    assert r.exit_code == 0 and "已经是 tracker 工作区" in r.output and "已建立" not in r.output
    r = CliRunner().invoke(main, ["init", str(ws.root), "--db", f"sqlite:///{tmp_path / 'other.db'}"])
    assert r.exit_code == 0 and "数据库仍为" in r.output
    assert dump(ws) == before and files(ws.root) == before_files
    # --units merges: a new alias and a new member are added, the office's own name is kept
    units = tmp_path / "more.toml"
    units.write_text('[office]\nname = "别的办公室"\n[units.aliases]\n"广州市编委办" = "市编委办"\n'
                     '[units.collectives]\n"各区、县级市" = ["越秀区", "新区"]\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["init", str(ws.root), "--units", str(units)])
    assert r.exit_code == 0, r.output
    assert "合并了 2 处改动" in r.output and "广州市编委办" in r.output and "新区" in r.output
    assert "保留现有的“广州市创建国家知识产权示范城市工作领导小组办公室”" in r.output
    cfg = ws.config()
    assert cfg["office"]["name"] == "广州市创建国家知识产权示范城市工作领导小组办公室"
    assert cfg["units"]["aliases"]["广州市编委办"] == "市编委办"
    assert cfg["units"]["collectives"]["各区、县级市"][-1] == "新区" and "越秀区" in cfg["units"]["collectives"]["各区、县级市"]
    assert dump(ws) == before and (ws.root / ".tracker-secret").read_bytes() == before_files[".tracker-secret"]


# -- received dates -------------------------------------------------------------------------------------
def test_a_forgotten_received_date_is_corrected_by_the_explicit_one(ws):
    a = filled(ws, ws.inbox / "知识产权局.xlsx")
    b = filled(ws, ws.inbox / "财政局.xlsx", unit="市财政局")
    before = dump(ws)
    r = run(ws, "collect")  # the clerk forgot --received: "today" is years after 2007
    assert r.exit_code == 1
    # the problems go to stderr, without their codes (those only with -v)
    assert r.stderr.count("--received") == 2 and "--period 2007Q1" in r.stderr and "period-mismatch" not in r.output
    assert "未给单位写回执: 这是办公室一方的问题" in r.stdout and "知识产权局.xlsx" in r.stdout
    assert receipts(ws) == []  # the departments are not blamed for the office's date
    d = dump(ws)
    assert d["returns"] == before["returns"] == [] and {row[5] for row in d["received"]} == {"rejected"}
    assert not a.exists() and (ws.inbox / "已退回" / a.name).exists()
    r = run(ws, "collect", ws.inbox / "已退回", "--received", "2007-04-08", "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert {x["unit"] for x in res["accepted"]} == {UNIT, "市财政局"}
    for x in res["accepted"]:
        assert x["received_at"] == "2007-04-08" and x["warnings"][0]["code"] == "received-corrected"
        assert "更正为 2007年4月8日" in x["warnings"][0]["message"]
        text = Path(x["receipt"]).read_text(encoding="utf-8-sig")
        assert "收到日期:2007年4月8日" in text and "更正" not in text and "【已接收】" in text
    assert {r["received_at"] for r in returns(ws).values()} == {"2007-04-08"}
    st = json.loads(run(ws, "status", "2007Q1", "--json").stdout)
    assert {(x["unit"], x["late"], x["days_late"]) for x in st["returned"]} == {(UNIT, False, 0), ("市财政局", False, 0)}
    assert sorted(p.name for p in (ws.inbox / "已处理").iterdir()) == sorted([a.name, b.name])
    assert list((ws.inbox / "已退回").iterdir()) == []


def test_a_date_given_before_is_not_replaced_by_a_later_run(ws, tmp_path):
    """Re-collecting a folder with this week's date must not re-date last week's files."""
    a = filled(ws, tmp_path / "a.xlsx")
    assert run(ws, "collect", a, "--received", "2007-04-08").exit_code == 0
    before = dump(ws)
    r = run(ws, "collect", a, "--received", "2007-04-15", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["accepted"][0]["received_at"] == "2007-04-08"
    assert dump(ws) == before


def test_a_department_side_error_keeps_its_receipt_without_the_office_side_one(ws, tmp_path):
    bad = fill(tpl(ws), values(ws), raw={"2007-003": {"完成进度(%)": 120}}, out=tmp_path / "bad.xlsx")
    r = run(ws, "collect", bad, "--received", "2007-09-01", "--json")  # Q1 file, Q3 date: both errors
    res = json.loads(r.stdout)
    assert r.exit_code == 1 and {p["code"] for p in res["rejected"][0]["problems"]} == {
        "period-mismatch", "progress-out-of-range"}
    text = Path(res["rejected"][0]["receipt"]).read_text(encoding="utf-8-sig")
    assert "0 到 100" in text and "季度" in text and "这是 2007Q1" not in text and "发现 1 处错误" in text


# -- untouched templates -------------------------------------------------------------------------------
def test_the_offices_own_templates_collected_are_not_returns(ws):
    before = dump(ws)
    r = run(ws, "collect", ws.outbox / "2007Q1", "--received", "2007-04-08", "--json")
    assert r.exit_code == 1
    res = json.loads(r.stdout)
    assert res["accepted"] == [] and len(res["rejected"]) > 20
    for x in res["rejected"]:
        assert [p["code"] for p in x["problems"]] == ["unchanged-template"] and x["receipt"] == ""
        assert x["office_side"] is True and "outbox/" in x["problems"][0]["message"]
    d = dump(ws)
    for table in ("returns", "return_rows", "return_targets"):
        assert d[table] == before[table] == []
    assert receipts(ws) == [] and all(Path(x["file"]).exists() for x in res["rejected"])  # outbox untouched


def test_a_prefilled_template_sent_back_untouched_is_refused(ws, tmp_path):
    q1 = filled(ws, tmp_path / "q1.xlsx")
    assert run(ws, "collect", q1, "--received", "2007-04-08").exit_code == 0
    assert run(ws, "templates", "2007Q2", "--unit", UNIT).exit_code == 0  # prefilled with the Q1 return
    before = dump(ws)
    r = run(ws, "collect", tpl(ws, period="2007Q2"), "--received", "2007-07-05")
    assert r.exit_code == 1 and "与办公室下发的模板完全相同" in r.stderr and "unchanged-template" not in r.output
    d = dump(ws)
    assert d["returns"] == before["returns"] and returns(ws, "2007Q2") == {}
    # the same prefilled workbook with one answer changed is a return
    changed = fill(tpl(ws, period="2007Q2"), {}, raw={"2007-003": {"完成进度(%)": 99, "进展状态": "推进中"}},
                   out=tmp_path / "q2.xlsx")
    assert run(ws, "collect", changed, "--received", "2007-07-05").exit_code == 0
    assert returns(ws, "2007Q2")["2007-003"]["progress"] == 99


# -- withdraw ------------------------------------------------------------------------------------------
def test_withdraw_brings_back_the_return_it_superseded(ws, tmp_path):
    v1 = filled(ws, tmp_path / "v1.xlsx", seed=1)
    v2 = filled(ws, tmp_path / "v2.xlsx", seed=2)
    assert run(ws, "collect", v1, "--received", "2007-04-08").exit_code == 0
    assert run(ws, "collect", v2, "--received", "2007-04-09").exit_code == 0
    assert returns(ws)["2007-001"]["done"] == values(ws, seed=2)["2007-001"]["done"]
    archived = files(ws.root / "archive")
    r = run(ws, "returns", "withdraw", v2, "--why", "误收了测试文件")
    assert r.exit_code == 0, r.output
    assert "已撤回 v2.xlsx" in r.output and "v1.xlsx 重新计入" in r.output
    got = returns(ws)
    assert got["2007-001"]["done"] == values(ws, seed=1)["2007-001"]["done"] and got["2007-001"]["received_at"] == "2007-04-08"
    st = json.loads(run(ws, "status", "2007Q1", "--json").stdout)
    [mine] = [x for x in st["returned"] if x["unit"] == UNIT]
    assert (mine["received_at"], mine["last_received_at"], mine["returns"]) == ("2007-04-08", "2007-04-08", 1)
    hist = json.loads(run(ws, "returns", "history", "2007Q1", "--unit", UNIT, "--json").stdout)["returns"]
    assert [(h["file"], h["state"]) for h in hist] == [("v1.xlsx", "current"), ("v2.xlsx", "withdrawn")]
    [ev] = hist[1]["events"]
    assert (ev["action"], ev["by"], ev["why"]) == ("withdrawn", getpass.getuser(), "误收了测试文件") and ev["at"]
    assert files(ws.root / "archive") == archived  # the archive keeps the file
    # withdrawn again: refused, nothing changes; the same file collected again does not come back
    before = dump(ws)
    r = run(ws, "returns", "withdraw", v2)
    assert r.exit_code == 1 and "已于" in r.output and "撤回" in r.output
    r = run(ws, "collect", v2, "--received", "2007-04-10", "--json")
    res = json.loads(r.stdout)
    assert r.exit_code == 1 and res["rejected"][0]["problems"][0]["code"] == "return-withdrawn"
    assert res["rejected"][0]["receipt"] == ""
    assert dump(ws) == before
    # withdrawing the last one (by its SHA-256 prefix, with the web app's user): the unit is missing
    sha = hist[0]["sha256"]
    r = run(ws, "returns", "withdraw", sha[:10], "--by", "张三", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["by"] == "张三" and json.loads(r.stdout)["restored"] is None
    assert returns(ws) == {}
    assert UNIT in json.loads(run(ws, "status", "2007Q1", "--json").stdout)["missing"]


def test_withdraw_library_call_and_refusals(ws, tmp_path):
    from tracker.problems import Refused
    from tracker.withdraw import withdraw

    bad = fill(tpl(ws), values(ws), raw={"2007-003": {"完成进度(%)": 120}}, out=tmp_path / "bad.xlsx")
    run(ws, "collect", bad, "--received", "2007-04-08")
    before = dump(ws)
    with pytest.raises(Refused, match="被退回的文件"):
        withdraw(ws, str(bad))
    with pytest.raises(Refused, match="没有收到过"):
        withdraw(ws, "deadbeefdeadbeef")
    assert dump(ws) == before


# -- re-imports ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("reimport") / "ws"
    plan_file = Path(__file__).resolve().parents[1] / "tracker" / "data" / "samples" / "guangzhou-2007.xlsx"
    assert CliRunner().invoke(main, ["init", str(root), "--units", str(UNITS_TOML)]).exit_code == 0
    r = CliRunner().invoke(main, ["plan", "import", "-w", str(root), str(plan_file)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["templates", "-w", str(root), "2007Q1"])
    assert r.exit_code == 0, r.output
    return root, plan_file


def test_the_same_plan_imported_again_adds_no_version(imported, tmp_path):
    root, plan_file = imported
    ws = Workspace(shutil.copytree(root, tmp_path / "ws"), default_db_url(tmp_path / "ws"))
    before = dump(ws)
    r = run(ws, "plan", "import", plan_file)
    assert r.exit_code == 0 and "未增加新版本" in r.output and "仍然有效" in r.output
    assert dump(ws) == before
    r = run(ws, "plan", "import", plan_file, "--json")
    assert (json.loads(r.stdout)["version"], json.loads(r.stdout)["added"]) == (1, False)


def test_a_changed_plan_lists_the_templates_it_makes_stale(imported, tmp_path):
    import openpyxl

    root, plan_file = imported
    ws = Workspace(shutil.copytree(root, tmp_path / "ws"), default_db_url(tmp_path / "ws"))
    wb = openpyxl.load_workbook(plan_file)
    sh = wb.worksheets[0]
    cell = next(c for row in sh.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("市财政设立"))
    cell.value += "(调整)"
    changed = tmp_path / "2007年工作分解表-调整.xlsx"
    wb.save(changed)
    r = run(ws, "plan", "import", changed, "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert (res["version"], res["added"], res["previous"]) == (2, True, 1)
    stale_units = {s["unit"] for s in res["stale"]}
    assert "市财政局" in stale_units and UNIT not in stale_units and len(stale_units) < 10
    assert res["send"] == {"2007Q1": sorted(stale_units)}
    # a template of an unchanged unit, made from version 1, is still accepted; a stale one is not
    ok = filled(ws, tmp_path / "ok.xlsx")
    assert run(ws, "collect", ok, "--received", "2007-04-08").exit_code == 0
    old = filled(ws, tmp_path / "old.xlsx", unit="市财政局")
    r = run(ws, "collect", old, "--received", "2007-04-08", "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["rejected"][0]["problems"][0]["code"] == "plan-version-mismatch"
    r = run(ws, "plan", "import", changed)  # the same change again: nothing new
    assert "未增加新版本" in r.output


# -- aliases -----------------------------------------------------------------------------------------------
def test_the_reverse_of_an_alias_needs_replace(ws, tmp_path):
    before, cfg = dump(ws), ws.config_path.read_bytes()
    # the registry has 广州市知识产权局 → 市知识产权局; the reverse would be a cycle
    r = run(ws, "units", "alias", UNIT, "广州市知识产权局")
    assert r.exit_code == 1 and "相反的别名" in r.output and "--replace" in r.output
    assert dump(ws) == before and ws.config_path.read_bytes() == cfg
    r = run(ws, "units", "alias", UNIT, "广州市知识产权局", "--replace")
    assert r.exit_code == 0 and "已取代原别名: 广州市知识产权局 → 市知识产权局" in r.output
    aliases = ws.config()["units"]["aliases"]
    assert aliases[UNIT] == "广州市知识产权局" and "广州市知识产权局" not in aliases
    # the unit's templates sent before still come back as its returns, under the new name
    f = filled(ws, tmp_path / "a.xlsx")
    r = run(ws, "collect", f, "--received", "2007-04-08", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["accepted"][0]["unit"] == "广州市知识产权局"


@pytest.mark.parametrize("old, new, says", [
    ("市财政局", "市财政句", "只差一个字"),  # a typo of a known unit
    ("某某局", "另一个局", "都不是已知的单位"),  # nothing known at all
    ("市工商局", "广州市工商局", "相反的别名"),
])
def test_aliases_that_would_break_units_are_refused(ws, old, new, says):
    before, cfg = dump(ws), ws.config_path.read_bytes()
    r = run(ws, "units", "alias", old, new)
    assert r.exit_code == 1 and says in r.output, r.output
    assert dump(ws) == before and ws.config_path.read_bytes() == cfg


def test_an_alias_cycle_through_a_chain_is_refused(ws):
    assert run(ws, "units", "alias", "市甲局", "市乙局").exit_code == 1  # nothing known: refused
    assert run(ws, "units", "alias", "广州市科技局-旧", "广州市科技局").exit_code == 0  # → 市科技局
    before, cfg = dump(ws), ws.config_path.read_bytes()
    r = run(ws, "units", "alias", "市科技局", "广州市科技局-旧", "--replace")
    assert r.exit_code == 1 and "循环" in r.output
    assert dump(ws) == before and ws.config_path.read_bytes() == cfg


# -- the secret ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["missing", "changed", "empty", "malformed"])
def test_a_lost_or_changed_secret_is_an_error_not_a_new_key(ws, tmp_path, damage):
    secret = ws.root / ".tracker-secret"
    kept = secret.read_bytes()
    f = filled(ws, tmp_path / "a.xlsx")
    if damage == "missing":
        secret.unlink()
    else:
        secret.write_text({"changed": "ab" * 32, "empty": "", "malformed": "not hex at all"}[damage], encoding="ascii")
    before, before_files = dump(ws), files(ws.root)
    for args in (["collect", f, "--received", "2007-04-08"], ["templates", "2007Q3"]):
        r = run(ws, *args)
        assert r.exit_code == 1, r.output
        assert ".tracker-secret" in r.output and "备份" in r.output and "Traceback" not in r.output
    assert dump(ws) == before and files(ws.root) == before_files  # no new key was made
    secret.write_bytes(kept)  # restored from the backup: everything works again
    assert run(ws, "collect", f, "--received", "2007-04-08").exit_code == 0


def test_a_new_workspace_without_templates_may_make_a_new_secret(tmp_path):
    assert CliRunner().invoke(main, ["init", str(tmp_path / "w")]).exit_code == 0
    (tmp_path / "w" / ".tracker-secret").unlink()
    r = CliRunner().invoke(main, ["status", "2007Q1", "-w", str(tmp_path / "w")])
    from tracker.workspace import find_workspace

    key = find_workspace(tmp_path / "w").secret()
    assert len(key) == 32 and (tmp_path / "w" / ".tracker-secret").exists(), r.output


# -- backup and restore ----------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".zip", ".tar.gz"])
def test_backup_delete_restore(ws, tmp_path, suffix):
    a = filled(ws, tmp_path / "a.xlsx")
    assert run(ws, "collect", a, "--received", "2007-04-08").exit_code == 0
    answers = {p: (run(ws, "status", p, "--json").stdout, run(ws, "returns", p, "--json").stdout)
               for p in ("2007Q1", "2007Q2")}
    before, before_files = dump(ws), files(ws.root)
    dest = tmp_path / f"备份{suffix}"
    r = run(ws, "backup", dest)
    assert r.exit_code == 0 and dest.exists() and "tracker restore" in r.output
    shutil.rmtree(ws.root)
    r = CliRunner().invoke(main, ["restore", str(dest), str(ws.root)])
    assert r.exit_code == 0, r.output
    assert dump(ws) == before and files(ws.root) == before_files
    for p, (st, rows) in answers.items():
        assert (run(ws, "status", p, "--json").stdout, run(ws, "returns", p, "--json").stdout) == (st, rows)
    # a template sent before the backup is accepted after the restore
    b = filled(ws, tmp_path / "b.xlsx", unit="市财政局")
    assert run(ws, "collect", b, "--received", "2007-04-09").exit_code == 0
    # restore never writes over a workspace
    r = CliRunner().invoke(main, ["restore", str(dest), str(ws.root)])
    assert r.exit_code == 1 and "不是空文件夹" in r.output


def test_backup_and_restore_across_databases(db_url, tmp_path):
    """SQLite -> (db_url) -> SQLite: the same JSON dump restores into either store, and the
    restored workspace goes on (ids after the restored ones, templates sent before accepted)."""
    from support.filling import guangzhou_like_plan

    from tracker.workspace import init_workspace

    ws = init_workspace(tmp_path / "src", None, UNITS_TOML)
    store = ws.store()
    store.save_plan(guangzhou_like_plan())
    store.close()
    assert run(ws, "templates", "2007Q1", "--unit", UNIT, "--unit", "市财政局").exit_code == 0
    for unit, seed in ((UNIT, 1), (UNIT, 2), ("市财政局", 3)):
        f = filled(ws, tmp_path / f"{unit}{seed}.xlsx", unit=unit, seed=seed)
        assert run(ws, "collect", f, "--received", f"2007-04-0{seed}").exit_code == 0
    assert run(ws, "returns", "withdraw", tmp_path / f"{UNIT}2.xlsx", "--why", "测试").exit_code == 0
    rows = run(ws, "returns", "2007Q1", "--json").stdout
    hist = run(ws, "returns", "history", "--json").stdout
    assert run(ws, "backup", tmp_path / "a.zip").exit_code == 0
    r = CliRunner().invoke(main, ["restore", str(tmp_path / "a.zip"), str(tmp_path / "mid"), "--db", db_url])
    assert r.exit_code == 0, r.output
    mid = Workspace(tmp_path / "mid", db_url)
    assert run(mid, "backup", tmp_path / "b.zip").exit_code == 0
    back = "sqlite:///" + str(tmp_path / "back.db")
    r = CliRunner().invoke(main, ["restore", str(tmp_path / "b.zip"), str(tmp_path / "dst"), "--db", back])
    assert r.exit_code == 0, r.output
    dst = Workspace(tmp_path / "dst", back)
    for w in (mid, dst):
        assert run(w, "returns", "2007Q1", "--json").stdout == rows
        assert run(w, "returns", "history", "--json").stdout == hist
        assert dump(w) == dump(ws)
    # restoring again into the same, now full, store is refused
    r = CliRunner().invoke(main, ["restore", str(tmp_path / "b.zip"), str(tmp_path / "dst2"), "--db", db_url])
    assert r.exit_code == 1 and "已有数据" in r.output
    # ids go on after the restored ones: a new return after the restore, in the middle store
    f = filled(ws, tmp_path / "new.xlsx", unit="市财政局", seed=9)
    assert run(mid, "collect", f, "--received", "2007-04-09").exit_code == 0
    assert returns(mid, unit="市财政局")["2007-005"]["done"] == values(ws, "市财政局", seed=9)["2007-005"]["done"]


# -- the inbox --------------------------------------------------------------------------------------------
def test_inbox_summary_names_everything_and_keep_leaves_it(ws):
    good = filled(ws, ws.inbox / "好.xlsx")
    bad = fill(tpl(ws, "市财政局"), values(ws, "市财政局"), raw={"2007-005": {"完成进度(%)": "八十"}},
               out=ws.inbox / "错.xlsx")
    (ws.inbox / "说明.pdf").write_bytes(b"%PDF-1.4")
    (ws.inbox / "材料.docx").write_bytes(b"PK")
    r = run(ws, "collect", "--received", "2007-04-08", "--keep")
    assert r.exit_code == 1
    for name in ("说明.pdf", "材料.docx"):
        assert f"{ws.inbox / name}: 不是表格文件" in r.stdout
    [receipt] = [n for n in receipts(ws) if n.startswith("错")]
    assert f"错.xlsx: 回执 {receipt}" in r.stdout
    assert good.exists() and bad.exists() and not (ws.inbox / "已处理").exists()  # --keep
    r = run(ws, "collect", "--received", "2007-04-08")  # again, without --keep: the rejected file is named again
    assert r.exit_code == 1 and f"错.xlsx: 回执 {receipt}" in r.stdout
    assert "1 个移入 inbox/已处理/, 1 个移入 inbox/已退回/" in r.stdout
    assert (ws.inbox / "已处理" / "好.xlsx").exists() and (ws.inbox / "已退回" / "错.xlsx").exists()
    assert (ws.inbox / "说明.pdf").exists()  # what tracker cannot read stays for the office
    r = run(ws, "collect", "--received", "2007-04-08")  # a third time: nothing left to collect
    assert r.exit_code == 0 and "没有找到要收集的文件" in r.stdout
