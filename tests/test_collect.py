"""collect: archive first, check, store in one transaction per file, receipts; duplicates,
superseding, good and bad files together, dry runs, exit codes, crash and concurrency safety."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from support.collecting import (  # noqa: F401
    TIMESTAMPS,
    archive,
    base,
    collect,
    copy_ws,
    invoke,
    normalised_dump,
    receipts,
    tpl,
    values,
)
from support.filling import fill, fill_all

from tracker.cli import main
from tracker.collect import parse_actual, parse_progress


@pytest.fixture
def ws(base, tmp_path):
    return copy_ws(base, tmp_path / "ws")






def returns(ws, unit=None):
    r = invoke(ws, "returns", "2007Q1", "--json", *(["--unit", unit] if unit else []))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["rows"]












# -- good and bad together ------------------------------------------------------------------------------
def test_good_and_bad_files_together(ws, tmp_path):
    inbox = ws.inbox
    good = [fill(tpl(ws, u), values(ws, u, i), out=inbox / f"{u}.xlsx")
            for i, u in enumerate(["市知识产权局", "越秀区政府", "市财政局"])]
    bad = fill(tpl(ws, "市工商局"), values(ws, "市工商局"), raw={"2007-020": {"完成进度(%)": 120}},
               out=inbox / "市工商局.xlsx")
    (inbox / "说明.xls").write_bytes(b"not a spreadsheet at all")
    (inbox / "readme.txt").write_text("ignored: not a spreadsheet extension", encoding="utf-8")
    r = invoke(ws, "collect", "--received", "2007-04-08", "--json")  # default PATH: the inbox
    assert r.exit_code == 1
    res = json.loads(r.stdout)
    assert sorted(Path(a["file"]).name for a in res["accepted"]) == sorted(p.name for p in good)
    assert all(set(a) >= {"file", "unit", "period", "items", "superseded", "duplicate"} for a in res["accepted"])
    assert [(a["unit"], a["items"]) for a in sorted(res["accepted"], key=lambda a: a["unit"])] == [
        ("市知识产权局", 4), ("市财政局", 1), ("越秀区政府", 2)]
    rej = {Path(x["file"]).name: x for x in res["rejected"]}
    assert set(rej) == {"市工商局.xlsx", "说明.xls"}
    [p] = rej["市工商局.xlsx"]["problems"]
    assert (p["sheet"], p["cell"], p["code"]) == ("任务填报", "H3", "progress-out-of-range")
    # junk named .xls: the safety guard names it before any reader tries (tracker/safety.py)
    assert rej["说明.xls"]["problems"][0]["code"] == "unknown-format"
    assert "Excel" in rej["说明.xls"]["problems"][0]["message"] or "格式" in rej["说明.xls"]["problems"][0]["message"]
    # the good ones are stored, the bad ones not
    assert {x["unit"] for x in returns(ws)} == {"市知识产权局", "越秀区政府", "市财政局"}
    # the inbox is tidied: accepted files to 已处理/, rejected ones to 已退回/, the text file named and left
    assert sorted(p.name for p in (inbox / "已处理").iterdir()) == sorted(p.name for p in good)
    assert sorted(p.name for p in (inbox / "已退回").iterdir()) == ["市工商局.xlsx", "说明.xls"]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["readme.txt"]
    assert res["not_returns"] == [str(inbox / "readme.txt")]
    moved = {Path(x["file"]).name: x["moved_to"] for x in res["accepted"] + res["rejected"]}
    assert moved["说明.xls"] == str(inbox / "已退回" / "说明.xls")
    # everything received is archived under its SHA-256, byte for byte
    arch = archive(ws)
    for f in [*good, bad, inbox / "说明.xls"]:
        f = inbox / ("已退回" if f in (bad, inbox / "说明.xls") else "已处理") / f.name
        data = f.read_bytes()
        assert arch[hashlib.sha256(data).hexdigest() + f.suffix] == data
    assert len(arch) == 5
    # the next collect of the inbox finds nothing new to collect
    r = invoke(ws, "collect", "--received", "2007-04-09", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == {"accepted": [], "rejected": [],
                                                          "not_returns": [str(inbox / "readme.txt")]}
    # every file has a receipt: UTF-8 with BOM, CRLF, naming the cell and what to do
    rc = receipts(ws)
    assert len(rc) == 5
    texts = {name.split("-")[0]: data for name, data in rc.items()}
    for data in rc.values():
        assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    t = texts["市工商局"].decode("utf-8-sig")
    assert "【退回】" in t and "工作表“任务填报” H3 单元格" in t and "0 到 100" in t and "市工商局" in t
    assert "020-8300 0000" in t  # the office's contact from tracker.toml
    t = texts["市知识产权局"].decode("utf-8-sig")
    assert "【已接收】共 4 项任务" in t and "2007年第一季度" in t
    assert "不是表格文件" in texts["说明"].decode("utf-8-sig")


def test_text_output_and_exit_codes(ws, tmp_path):
    f = fill(tpl(ws, "市财政局"), values(ws, "市财政局"), out=tmp_path / "a.xlsx")
    r = invoke(ws, "collect", str(f), "--received", "2007-04-08")
    assert r.exit_code == 0 and "✔ a.xlsx: 市财政局 2007Q1, 1 项" in r.stdout and "接收 1 个" in r.stdout
    g = fill(tpl(ws, "市财政局"), values(ws, "市财政局"), raw={"2007-005": {"完成进度(%)": "八十"}},
             out=tmp_path / "b.xlsx")
    r = invoke(ws, "collect", str(g), "--received", "2007-04-08")
    assert r.exit_code == 1 and "✘ b.xlsx" in r.stdout and "H3" in r.stderr  # problems on stderr
    assert invoke(ws, "collect", str(tmp_path / "nope.xlsx")).exit_code == 2
    assert invoke(ws, "collect", str(f), "--received", "2007/04/31").exit_code == 2  # 2007/04/08 is a date
    assert invoke(ws, "collect", str(f), "--period", "2007Q7").exit_code == 2
    r = CliRunner().invoke(main, ["collect", "-w", str(tmp_path / "not-a-workspace"), str(f)])
    assert r.exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    r = invoke(ws, "collect", str(empty), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == {"accepted": [], "rejected": []}


def test_files_received_before_are_one_line_unless_verbose(ws, tmp_path):
    """An inbox keeps what it was given: the next collect names only what is new."""
    f = fill(tpl(ws, "市财政局"), values(ws, "市财政局"), out=tmp_path / "a.xlsx")
    assert invoke(ws, "collect", str(f), "--received", "2007-04-08").exit_code == 0
    g = fill(tpl(ws, "市知识产权局"), values(ws, "市知识产权局"), out=tmp_path / "b.xlsx")
    r = invoke(ws, "collect", str(f), str(g), "--received", "2007-04-09")
    assert r.exit_code == 0
    assert "b.xlsx" in r.stdout and "a.xlsx" not in r.stdout
    assert "其中 1 个此前已收到过, 未作改动; 加 -v 逐个列出" in r.stdout
    r = invoke(ws, "collect", str(f), str(g), "--received", "2007-04-09", "-v")
    assert "✔ a.xlsx: 市财政局 2007Q1, 1 项  [重复, 未改动]" in r.stdout


# -- the same file twice, supersede, content duplicates ----------------------------------------------
def test_same_file_twice_changes_nothing(ws, tmp_path):
    f = fill(tpl(ws, "市知识产权局"), values(ws, "市知识产权局"), out=tmp_path / "a.xlsx")
    bad = fill(tpl(ws, "市财政局"), values(ws, "市财政局"), raw={"2007-005": {"进展状态": "??"}},
               out=tmp_path / "bad.xlsx")
    code, first = collect(ws, f, bad)
    assert code == 1 and first["accepted"][0]["duplicate"] is False
    before, rc = normalised_dump(ws), receipts(ws)
    raw = ws.store()
    before_raw = raw.dump()
    raw.close()
    code, again = collect(ws, f, bad, received="2007-04-20")
    assert code == 1
    assert again["accepted"][0]["duplicate"] is True and again["accepted"][0]["received_at"] == "2007-04-08"
    assert again["rejected"][0]["duplicate"] is True
    raw = ws.store()
    assert raw.dump() == before_raw  # not even a timestamp moved
    raw.close()
    assert normalised_dump(ws) == before and receipts(ws) == rc


def test_new_return_supersedes_and_history_is_kept(ws, tmp_path):
    unit = "市工商局"
    v1 = fill(tpl(ws, unit), values(ws, unit, 1), targets={("2007-020", "全市注册商标总量"): {"actual": 120000}},
              out=tmp_path / "v1.xlsx")
    v2 = fill(tpl(ws, unit), values(ws, unit, 2), targets={("2007-020", "全市注册商标总量"): {"actual": 125000}},
              out=tmp_path / "v2.xlsx")
    code, r1 = collect(ws, v1, received="2007-04-08")
    code, r2 = collect(ws, v2, received="2007-04-09")
    assert r1["accepted"][0]["superseded"] is False and r2["accepted"][0]["superseded"] is True
    [row] = returns(ws, unit)
    assert (row["status"], row["progress"], row["received_at"]) == (
        values(ws, unit, 2)["2007-020"]["status"], values(ws, unit, 2)["2007-020"]["progress"], "2007-04-09")
    assert row["targets"][0]["actual"] == 125000
    dump = normalised_dump(ws)
    rets = {r[1]: r for r in dump["returns"]}  # sha256 -> row (id, sha, plan, unit, period, rcv, acc, sup)
    s1, s2 = (hashlib.sha256(p.read_bytes()).hexdigest() for p in (v1, v2))
    assert rets[s1][-1] == rets[s2][0] and rets[s2][-1] is None
    assert len(dump["return_rows"]) == 2  # both returns' rows are kept
    text = next(v for k, v in receipts(ws).items() if k.startswith("v2")).decode("utf-8-sig")
    assert "替代了 2007年4月8日 收到的“v1.xlsx”" in text
    # an older return that turns up late is kept, already superseded; the current one stays
    v0 = fill(tpl(ws, unit), values(ws, unit, 3), out=tmp_path / "v0.xlsx")
    code, r0 = collect(ws, v0, received="2007-04-07")
    assert code == 0 and r0["accepted"][0]["current"] is False and r0["accepted"][0]["superseded"] is False
    assert returns(ws, unit)[0]["received_at"] == "2007-04-09"
    # the same content in different bytes (re-saved) is a duplicate of the current return
    typed = values(ws, unit, 2)["2007-020"]["done"]
    v2b = fill(v2, {}, out=tmp_path / "v2-resaved.xlsx", raw={"2007-020": {"工作完成情况": typed + "  "}})
    assert v2b.read_bytes() != v2.read_bytes()
    before = normalised_dump(ws)["returns"]
    code, rb = collect(ws, v2b, received="2007-04-10")
    assert code == 0 and rb["accepted"][0]["duplicate"] is True
    assert normalised_dump(ws)["returns"] == before


def test_dry_run_changes_nothing(ws, tmp_path):
    f = fill(tpl(ws, "市财政局"), values(ws, "市财政局"), out=tmp_path / "a.xlsx")
    g = fill(tpl(ws, "市财政局"), values(ws, "市财政局"), raw={"2007-005": {"完成进度(%)": -5}}, out=tmp_path / "b.xlsx")
    before = normalised_dump(ws)
    r = invoke(ws, "collect", str(f), str(g), "--received", "2007-04-08", "--dry-run", "--json")
    assert r.exit_code == 1
    res = json.loads(r.stdout)
    assert [a["unit"] for a in res["accepted"]] == ["市财政局"]
    assert res["rejected"][0]["problems"][0]["cell"] == "H3"
    assert normalised_dump(ws) == before and archive(ws) == {} and receipts(ws) == {}


@pytest.mark.slow
def test_progress_bar_for_many_files(ws, tmp_path):
    fill_all(ws.outbox / "2007Q1", tmp_path / "many")
    r = invoke(ws, "collect", str(tmp_path / "many"), "--received", "2007-04-08")
    assert r.exit_code == 0, r.output
    assert "收集" in r.stderr and "接收 29 个" in r.stdout


# -- crash and concurrency -------------------------------------------------------------------------------
def _run_collect(root: Path, **kw):
    return subprocess.Popen([sys.executable, "-m", "tracker", "collect", "-w", str(root), "--received",
                             "2007-04-08", "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "TRACKER_WORKSPACE": ""}, **kw)


@pytest.fixture
def full_inbox(base, tmp_path):
    ws = copy_ws(base, tmp_path / "base")
    fill_all(ws.outbox / "2007Q1", ws.inbox / "a", seed=0)
    fill_all(ws.outbox / "2007Q1", ws.inbox / "b", seed=1)  # a second round: supersedes the first
    fill(tpl(ws, "市工商局"), values(ws, "市工商局"), raw={"2007-020": {"完成进度(%)": 101}},
         out=ws.inbox / "zz-bad.xlsx")
    (ws.inbox / "zz-junk.xlsx").write_bytes(b"junk")
    # a second, different return of one unit: it supersedes within the run
    fill(tpl(ws, "市财政局"), values(ws, "市财政局", 9), out=ws.inbox / "zz-市财政局-更正.xlsx")
    return ws


@pytest.mark.slow
def test_kill_mid_collect_then_rerun_equals_one_clean_run(full_inbox, tmp_path):
    clean = copy_ws(full_inbox, tmp_path / "clean")
    started = time.monotonic()
    assert _run_collect(clean.root).wait(timeout=120) == 1
    took = time.monotonic() - started  # only to aim the kills inside a run, never asserted
    killed = copy_ws(full_inbox, tmp_path / "killed")
    rnd = random.Random(os.environ.get("TRACKER_TEST_SEED", time.time_ns()))
    for _ in range(6):
        p = _run_collect(killed.root)
        time.sleep(rnd.uniform(0.3, 0.9) * took)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
    # (a killed run may have got as far as moving files out of the inbox: the rerun sees the rest)
    assert _run_collect(killed.root).wait(timeout=120) in (0, 1)
    assert normalised_dump(killed) == normalised_dump(clean)
    assert archive(killed) == archive(clean)
    assert receipts(killed) == receipts(clean)
    assert inbox_tree(killed) == inbox_tree(clean)  # every file moved once, to the same folder
    d = normalised_dump(clean)
    assert len(d["received"]) == 61 and len(d["returns"]) == 59
    assert sum(r[-1] is not None for r in d["returns"]) == 30  # round a by round b, and one correction


def inbox_tree(ws) -> dict[str, bytes]:
    return {p.relative_to(ws.inbox).as_posix(): p.read_bytes() for p in ws.inbox.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_two_collects_at_once_lose_nothing(full_inbox, tmp_path):
    clean = copy_ws(full_inbox, tmp_path / "clean")
    assert _run_collect(clean.root).wait(timeout=120) == 1
    both = copy_ws(full_inbox, tmp_path / "both")
    procs = [_run_collect(both.root) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [1, 1]

    def summary(w):
        d = normalised_dump(w)
        return ({(r[0], r[5]) for r in d["received"]},  # sha256, outcome
                len(d["returns"]), len(d["return_rows"]), len(d["return_targets"]))
    assert summary(both) == summary(clean)
    assert returns(both) == returns(clean)
    assert archive(both) == archive(clean)


# -- parsers (property tests) -----------------------------------------------------------------------------
FULL = str.maketrans("0123456789%", "０１２３４５６７８９％")


@given(st.integers(0, 100), st.sampled_from(["{}", "{}%", " {} ", "{}.0", "{} %", "full", "fullpct", "int",
                                              "float"]))
def test_progress_accepts_every_spelling_of_a_whole_percent(n, form):
    value = {"int": n, "float": float(n), "full": str(n).translate(FULL),
             "fullpct": f"{n}%".translate(FULL)}.get(form, form.format(n))
    p, code, _ = parse_progress(value)
    assert p == n and code is None


@given(st.integers(1, 99))
def test_progress_fraction_of_a_percent_cell(n):
    p, code, msg = parse_progress(n / 100)
    assert (p, code) == (n, "progress-fraction") and f"{n}%" in msg


@given(st.one_of(st.integers(101, 10**6), st.integers(-10**6, -1)))
def test_progress_out_of_range_rejected(n):
    for value in (n, str(n), f"{n}%"):
        p, code, _ = parse_progress(value)
        assert p is None and code == "progress-out-of-range"


@given(st.text(alphabet="零一二三四五六七八九十百半约左右", min_size=1, max_size=6))
def test_progress_words_rejected(s):
    assert parse_progress(s)[:2] == (None, "progress-not-number")


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False))
def test_actual_numbers(d):
    v = float(d)
    assert parse_actual(str(d)) == (v, None)
    assert parse_actual(str(d).translate(FULL)) == (v, None)
    assert parse_actual(v) == (v, None)
    assert parse_actual(f"{d}万") == (v * 10000, None)
    assert parse_actual(f"{d}%", "%") == (v, None)


def test_actual_units_and_words():
    assert parse_actual("13万", "件") == (130000.0, None)
    assert parse_actual("13万件", "万件") == (13.0, None)
    assert parse_actual("10家", "家") == (10.0, None)
    assert parse_actual("", "家") == (None, None)
    assert parse_actual(None) == (None, None)
    for bad in ("较好", "八十", "12..5", "约12", "12家左右的企业"):
        assert parse_actual(bad)[0] is None and "不是数字" in parse_actual(bad)[1]


def test_collect_on_every_database(db_url, tmp_path):
    """The same collect on SQLite and (where a server answers) PostgreSQL."""
    from support.filling import UNITS_TOML, guangzhou_like_plan

    from tracker.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", db_url, UNITS_TOML)
    store = ws.store()
    store.save_plan(guangzhou_like_plan())
    store.close()
    r = CliRunner().invoke(main, ["templates", "-w", str(ws.root), "--db", db_url, "2007Q1", "--unit", "市工商局",
                                  "--unit", "市科技局"])
    assert r.exit_code == 0, r.output
    a = fill(tpl(ws, "市工商局"), values(ws, "市工商局"), targets={("2007-020", "全市注册商标总量"): {"actual": "13万"}},
             out=tmp_path / "a.xlsx")
    b = fill(tpl(ws, "市科技局"), values(ws, "市科技局"), raw={"2007-025": {"完成进度(%)": "八十"}}, out=tmp_path / "b.xlsx")
    r = CliRunner().invoke(main, ["collect", "-w", str(ws.root), "--db", db_url, str(a), str(b), "--received",
                                  "2007-04-08", "--json"])
    assert r.exit_code == 1, r.output
    res = json.loads(r.stdout)
    assert [x["unit"] for x in res["accepted"]] == ["市工商局"] and res["rejected"][0]["problems"][0]["cell"] == "H4"
    r = CliRunner().invoke(main, ["returns", "-w", str(ws.root), "--db", db_url, "2007Q1", "--json"])
    [row] = json.loads(r.stdout)["rows"]
    assert row["targets"][0]["actual"] == 130000 and row["progress"] == values(ws, "市工商局")["2007-020"]["progress"]
