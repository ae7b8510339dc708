"""Concurrent and killed collects, on SQLite and PostgreSQL (issue 9, docs/hardening.md).

Four ``tracker collect`` processes at once on overlapping sets of files, and twenty SIGKILLs at
random moments (four runs at a time, then a rerun), end with the same store, archive and receipts
as one serial run. The store is compared as a canonical dump: every table without the volatile
ids and timestamps (a return's id is replaced by its file's sha256 wherever it is referred to).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.collecting import archive, receipts, tpl, values
from support.filling import UNITS_TOML, fill, fill_all, guangzhou_like_plan

from tracker.cli import main

pytestmark = pytest.mark.slow


def _env():
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_WORKSPACE", "TRACKER_DB")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env


def _start(root: Path, *paths, log: Path | None = None):
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed by the process end)
    # --keep: every phase collects the same inbox again (moving files out of it after a collect is
    # tracker.inbox's business, tested under kills in test_collect.py)
    return subprocess.Popen([sys.executable, "-m", "tracker", "collect", "-w", str(root), "--received",
                             "2007-04-08", "--json", "--keep", *map(str, paths)], stdout=subprocess.DEVNULL,
                            stderr=out, env=_env())


def canonical_dump(ws) -> dict:
    """The store without volatile ids and timestamps: returns, rows, targets, received, plans."""
    from sqlalchemy import select

    from tracker.store import plans, received, return_rows, return_targets, returns

    store = ws.store()
    try:
        with store.read() as conn:
            sha = dict(conn.execute(select(returns.c.id, returns.c.sha256)).all())
            plan = {r.id: (r.year, r.version) for r in conn.execute(select(plans))}
            out = {
                "received": sorted(tuple(r) for r in conn.execute(select(
                    *[c for c in received.c if c.name != "processed_at"]))),
                "returns": sorted((r.sha256, plan[r.plan_id], r.unit, r.period, r.received_at,
                                   sha.get(r.superseded_by)) for r in conn.execute(select(returns))),
                "return_rows": sorted((sha[r.return_id], r.item_id, r.role, r.status, r.progress, r.done,
                                       r.problems, r.next) for r in conn.execute(select(return_rows))),
                "return_targets": sorted((sha[r.return_id], r.item_id, r.idx, r.actual, r.note)
                                         for r in conn.execute(select(return_targets))),
            }
    finally:
        store.close()
    return out


def _reset(ws) -> None:
    """An empty store with the plan again (the same version 1 the templates name), no archive or
    receipts: the state each phase starts from."""
    from tracker.store import Store, metadata

    store = ws.store()
    metadata.drop_all(store.engine)
    store.close()
    store = Store(ws.db_url, create=True)  # made again, as init does
    store.save_plan(guangzhou_like_plan())
    store.close()
    for d in (ws.root / "archive", ws.root / "outbox" / "receipts"):
        shutil.rmtree(d, ignore_errors=True)


def state(ws):
    return canonical_dump(ws), archive(ws), receipts(ws)


def test_concurrent_and_killed_collects_end_as_one_serial_run(db_url, tmp_path):
    from tracker.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", db_url, UNITS_TOML)
    _reset(ws)
    r = CliRunner().invoke(main, ["templates", "-w", str(ws.root), "2007Q1"])
    assert r.exit_code == 0, r.output
    box = ws.inbox
    fill_all(ws.outbox / "2007Q1", box / "a", seed=0)
    fill_all(ws.outbox / "2007Q1", box / "b", seed=1)  # a second round: supersedes the first
    fill(tpl(ws, "市工商局"), values(ws, "市工商局"), raw={"2007-020": {"完成进度(%)": 101}}, out=box / "zz-bad.xlsx")
    (box / "zz-junk.xlsx").write_bytes(b"junk")
    fix = fill(tpl(ws, "市财政局"), values(ws, "市财政局", 9), out=box / "zz-市财政局-更正.xlsx")
    files = sorted(p for p in box.rglob("*.xlsx"))
    t0 = time.time() - 86400
    for i, p in enumerate(files):  # distinct modification times, in the order a serial run goes
        os.utime(p, (t0 + i, t0 + i))

    # one serial run
    started = time.monotonic()
    assert _start(ws.root).wait(timeout=300) == 1
    took = time.monotonic() - started  # only to aim the kills inside a run, never asserted
    serial = state(ws)
    d = serial[0]
    assert len(d["received"]) == 61 and len(d["returns"]) == 59
    assert sum(r[-1] is not None for r in d["returns"]) == 30  # round a by round b, and one correction

    # four at once on overlapping files, the later round or the correction stored first by some
    _reset(ws)
    sets = [(), (box / "b", box / "a"), (box / "b", fix), (fix, box / "zz-bad.xlsx", box / "a")]
    logs = [tmp_path / f"run{i}.log" for i in range(len(sets))]
    procs = [_start(ws.root, *s, log=log) for s, log in zip(sets, logs, strict=True)]
    codes = [p.wait(timeout=600) for p in procs]
    assert codes == [1, 0, 0, 1], [log.read_text(errors="replace")[-2000:] for log in logs]
    for log in logs:
        assert "Traceback" not in log.read_text(errors="replace")
    got = state(ws)
    assert got[0] == serial[0]
    assert got[1] == serial[1]
    assert got[2] == serial[2]

    # twenty SIGKILLs at random moments, four runs at a time, then a rerun
    _reset(ws)
    rnd = random.Random(os.environ.get("TRACKER_TEST_SEED", time.time_ns()))
    kills = 0
    while kills < 20:
        procs = [_start(ws.root, *s) for s in sets]
        for p in procs:
            time.sleep(rnd.uniform(0.0, 0.6) * took)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                kills += 1
            p.wait(timeout=120)
    assert _start(ws.root).wait(timeout=300) == 1
    got = state(ws)
    assert got[0] == serial[0]
    assert got[1] == serial[1]
    assert got[2] == serial[2]
