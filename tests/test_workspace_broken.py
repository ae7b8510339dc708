"""A broken workspace (issue 9): an invalid or non-UTF-8 tracker.toml, a truncated or overwritten
tracker.db, a deleted one, a full disk during collect, a read-only workspace. Each: one clear
Chinese message naming the file, exit 1, no traceback, nothing wrong stored; ``tracker check``
says what is wrong and how to restore."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.collecting import base, copy_ws, normalised_dump  # noqa: F401
from support.filling import fill_all

from tracker.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(ws, *args):
    r = CliRunner().invoke(main, [*map(str, args), "-w", str(ws.root)])
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    return r


def check(ws) -> dict:
    r = run(ws, "check", "--json")
    return {"exit": r.exit_code, **json.loads(r.stdout)}


@pytest.fixture
def ws(base, tmp_path):  # noqa: F811
    return copy_ws(base, tmp_path / "ws")


def test_a_sound_workspace_passes_check(ws):
    res = check(ws)
    assert res["exit"] == 0 and res["ok"] and res["problems"] == [], res
    r = run(ws, "check")
    assert r.exit_code == 0 and "检查通过" in r.output


@pytest.mark.parametrize("content, words", [
    (b'[office]\nname = "\xe5\x8a\x9e\n', ["tracker.toml", "格式有误"]),  # unterminated string
    (b"[office\n", ["tracker.toml", "格式有误"]),
    ('[office]\nname = "领导小组办公室"\n'.encode("gbk"), ["tracker.toml", "不是 UTF-8"]),
])
def test_a_bad_config_is_one_message_and_exit_1(ws, content, words):
    ws.config_path.write_bytes(content)
    for args in (("returns", "2007Q1"), ("collect",), ("status", "2007Q1"), ("templates", "2007Q1")):
        r = run(ws, *args)
        assert r.exit_code == 1, (args, r.output)
        assert all(w in r.output for w in words), r.output
        assert len(r.output.strip().splitlines()) == 1, r.output
    res = check(ws)
    assert res["exit"] == 1 and [p["code"] for p in res["problems"]] == ["config-invalid"]


@pytest.mark.parametrize("damage", ["truncated", "overwritten", "empty"])
def test_a_damaged_store_is_one_message_and_check_says_how_to_restore(ws, damage):
    db = ws.root / "tracker.db"
    st = ws.store()
    st.close()
    for extra in ("tracker.db-wal", "tracker.db-shm"):
        (ws.root / extra).unlink(missing_ok=True)
    data = db.read_bytes()
    db.write_bytes({"truncated": data[: len(data) // 3], "overwritten": b"\x00garbage" * 500, "empty": b""}[damage])
    for args in (("returns", "2007Q1"), ("collect",), ("templates", "2007Q1"), ("plan", "list")):
        r = run(ws, *args)
        assert r.exit_code == 1, (args, r.output)
        assert "tracker.db" in r.output and ("损坏" in r.output or "空库" in r.output), r.output
    res = check(ws)
    assert res["exit"] == 1 and {p["code"] for p in res["problems"]} & {"store-damaged", "store-unusable"}
    assert "没有找到备份" in res["restore"]
    (ws.root / "backups" / "2007-04-01").mkdir(parents=True)
    assert "2007-04-01" in check(ws)["restore"]


def test_a_deleted_store_is_never_recreated_outside_init(ws):
    db = ws.root / "tracker.db"
    for p in ws.root.glob("tracker.db*"):
        p.unlink()
    for args in (("returns", "2007Q1"), ("collect",), ("status", "2007Q1"), ("plan", "list")):
        r = run(ws, *args)
        assert r.exit_code == 1 and "不存在" in r.output and "tracker.db" in r.output, r.output
        assert not db.exists()  # not silently re-created empty
    res = check(ws)
    assert res["exit"] == 1 and "store-missing" in [p["code"] for p in res["problems"]]
    r = run(ws, "check")
    assert r.exit_code == 1 and "备份" in r.output


FAULTY = textwrap.dedent("""
    import errno, os, sys
    import tracker.collect.pipeline as R
    R.BATCH_FILES = 2
    left = [int(sys.argv[2])]
    real_write, real_open = os.write, os.open
    def write(fd, data):  # the disk fills up after `left` writes
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        left[0] -= 1
        return real_write(fd, data)
    def ro_open(path, flags, *a, **k):  # a read-only file system
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", path)
        return real_open(path, flags, *a, **k)
    if sys.argv[3] == "full":
        os.write = write
    else:
        os.open = ro_open
    from tracker.cli import main
    sys.argv = ["tracker", "collect", "-w", sys.argv[1], "--received", "2007-04-08"]
    main()
""")


def _faulty_collect(ws, left: int, mode: str):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRACKER_WORKERS": "1"}
    env.pop("TRACKER_WORKSPACE", None)
    return subprocess.run([sys.executable, "-c", FAULTY, str(ws.root), str(left), mode], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.mark.slow
def test_a_full_disk_during_collect_then_a_rerun_ends_as_one_clean_run(ws, tmp_path):
    fill_all(ws.outbox / "2007Q1", ws.inbox, seed=3)
    clean = copy_ws(ws, tmp_path / "clean")
    assert run(clean, "collect", "--received", "2007-04-08").exit_code == 0
    p = _faulty_collect(ws, 7, "full")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "Traceback" not in p.stderr and "磁盘空间已满" in p.stderr and "archive" in p.stderr, p.stderr
    d = normalised_dump(ws)
    assert 0 < len(d["returns"]) < len(normalised_dump(clean)["returns"])  # complete returns only
    assert all(r[5] in ("accepted", "pending") for r in d["received"])
    assert run(ws, "collect", "--received", "2007-04-08").exit_code == 0  # space freed: the rerun
    assert normalised_dump(ws) == normalised_dump(clean)


@pytest.mark.slow
def test_a_read_only_workspace_is_one_message_and_nothing_is_stored(ws):
    fill_all(ws.outbox / "2007Q1", ws.inbox, seed=3)
    before = normalised_dump(ws)
    p = _faulty_collect(ws, 0, "readonly")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "Traceback" not in p.stderr and "只读" in p.stderr, p.stderr
    assert normalised_dump(ws) == before
