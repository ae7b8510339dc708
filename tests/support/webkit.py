"""Test helpers for the web app: a workspace with the Guangzhou 2007 plan and Q1 templates, filled
returns (as the departments fill them, :mod:`tracker.simulate`), and a real server in a thread."""

from __future__ import annotations

import random
import shutil
import socket
import threading
from datetime import date, timedelta
from pathlib import Path

import tomlkit

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tracker" / "data" / "samples"
PLAN = SAMPLES / "guangzhou-2007.xlsx"
UNITS = SAMPLES / "guangzhou-2007.units.toml"


def empty_workspace(root: Path):
    from tracker.workspace import init_workspace

    return init_workspace(root, units_file=UNITS)


def plan_workspace(root: Path, templates: str | None = "2007Q1"):
    """A workspace with the sample plan imported and, by default, the Q1 templates written."""
    from tracker.app import Tracker

    empty_workspace(root)
    with Tracker.open(root) as t:
        t.import_plan(PLAN)
        if templates:
            t.templates(templates)
    return root


def fill_returns(root: Path, period: str, out: Path, n: int, bad: int = 0, seed: int = 7) -> list[Path]:
    """n filled returns of PERIOD (the first n templates by name); the last ``bad`` of them carry the
    mistake tracker.simulate makes ("八十" and 120 as progress), which collect rejects."""
    from tracker.simulate import UnitBehaviour, fill_workbook

    out.mkdir(parents=True, exist_ok=True)
    templates = sorted((Path(root) / "outbox" / period).glob(f"{period}-*.xlsx"))[:n]
    rng = random.Random(seed)
    files = []
    for i, f in enumerate(templates):
        dst = out / f.name
        fill_workbook(f, dst, int(period[-1]), UnitBehaviour(pace=1.0), random.Random(rng.random()),
                      mistake=i >= n - bad)
        files.append(dst)
    return files


def copy_workspace(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    # the SQLite URL is resolved from the folder each time, so a copy is its own workspace
    return dst


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """A real Waitress server for an app, on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, app):
        from waitress.server import create_server

        self.server = create_server(app, host="127.0.0.1", port=0, threads=4,
                                    max_request_body_size=app.config["MAX_CONTENT_LENGTH"])
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.close()
        self.thread.join(timeout=5)


PERIOD = "2007Q1"


def set_due_ahead(root: Path, days: int = 14) -> str:
    """[periods.due] of Q1 a fortnight from today, so the links are live whatever day tests run."""
    cfg = Path(root) / "tracker.toml"
    doc = tomlkit.parse(cfg.read_text(encoding="utf-8"))
    periods = doc.setdefault("periods", tomlkit.table())
    due = periods.setdefault("due", tomlkit.table())
    due[PERIOD] = (date.today() + timedelta(days=days)).isoformat()
    cfg.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return due[PERIOD]


def unit_of(path: Path) -> str:
    return path.stem.split("-", 1)[1]
