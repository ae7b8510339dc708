"""Workspaces with templates sent, and the helpers the collect tests share: run collect, read the
returns, receipts and archive back, dump the store without its clock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from support.filling import distinct_values, make_workspace, template_rows
from tracker.cli import main
from tracker.store import metadata
from tracker.workspace import Workspace, default_db_url

TIMESTAMPS = {"received": {"processed_at"}, "returns": {"accepted_at"}, "plans": {"imported_at"}}


def templated_workspace(root: Path, periods=("2007Q1",)) -> Workspace:
    """The sample plan's workspace (:func:`support.filling.make_workspace`) with the templates of
    ``periods`` written by ``tracker templates``."""
    ws = make_workspace(root)
    for period in periods:
        r = CliRunner().invoke(main, ["templates", "-w", str(ws.root), period])
        assert r.exit_code == 0, r.output
    return ws


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return templated_workspace(tmp_path_factory.mktemp("col") / "ws")


def copy_ws(ws, dest: Path) -> Workspace:
    shutil.copytree(ws.root, dest)
    return Workspace(dest, default_db_url(dest))


def invoke(ws, *args):
    return CliRunner().invoke(main, [args[0], "-w", str(ws.root), *args[1:]])


def collect(ws, *args, received="2007-04-08"):
    r = invoke(ws, "collect", *map(str, args), "--received", received, "--json")
    assert r.exit_code in (0, 1), r.output
    return r.exit_code, json.loads(r.stdout)


def tpl(ws, unit):
    return ws.outbox / "2007Q1" / f"2007Q1-{unit}.xlsx"


def values(ws, unit, seed=0):
    return {r["item"]: distinct_values(seed, k) for k, r in enumerate(template_rows(tpl(ws, unit)))}


def normalised_dump(ws) -> dict:
    store = ws.store()
    try:
        dump = store.dump()
    finally:
        store.close()
    out = {}
    for name, rows in dump.items():
        cols = [c.name for c in metadata.tables[name].columns]
        drop = [cols.index(c) for c in TIMESTAMPS.get(name, ())]
        rows = [tuple(None if i in drop else v for i, v in enumerate(r)) for r in rows]
        out[name] = sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r))
    return out


def receipts(ws) -> dict[str, bytes]:
    d = ws.root / "outbox" / "receipts"
    return {p.name: p.read_bytes() for p in d.iterdir()} if d.exists() else {}


def archive(ws) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (ws.root / "archive").iterdir() if not p.name.endswith(".tmp")}
