"""`tracker demo` and `tracker report` of the demo year, before and after, side by side in one run.

    python bench/demo_speed.py                 # against the commit before issue 14 (901c1f0)
    python bench/demo_speed.py --base REV --rounds 3

"Before" is the tree of ``--base`` exported with ``git archive`` into a temporary folder; "after"
is this working tree. Each command is its own process (``python -m tracker …`` with PYTHONPATH on
the tree measured), the two alternate round by round so that a busy machine slows both alike, and
the best of ``--rounds`` is reported. The report is timed twice for "after": with an empty font
cache (``TRACKER_CACHE_DIR`` a fresh folder: the dashboard's font subset is made) and with the
cache the first run left (the subset is read back); the demo "after" likewise, cold and warm.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(tree: Path, args: list[str], cwd: Path, cache: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_WORKSPACE", "TRACKER_DB")}
    env.update(PYTHONPATH=str(tree), TRACKER_CACHE_DIR=str(cache))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tracker", *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="901c1f0")
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="demo-speed-"))
    try:
        base = tmp / "base"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.base], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        times: dict[str, list[float]] = {}
        for r in range(a.rounds):
            for name, tree in (("before", base), ("after", ROOT)):
                cold = tmp / f"cache-{name}-{r}"
                ws = tmp / f"ws-{name}"
                shutil.rmtree(ws, ignore_errors=True)
                times.setdefault(f"demo {name}" + (" (cold cache)" if name == "after" else ""), []).append(
                    run(tree, ["demo", "-o", str(ws)], tmp, cold))
                if name == "after":
                    times.setdefault("demo after (warm cache)", []).append(
                        run(tree, ["demo", "-o", str(ws)], tmp, cold))
                report = ["report", "2007", "--as-of", "2008-01-31", "-w", str(ws), "-o", str(tmp / f"r-{name}")]
                if name == "after":
                    fresh = tmp / f"cache-report-{r}"
                    times.setdefault("report after (cold cache)", []).append(run(tree, report, tmp, fresh))
                    times.setdefault("report after (warm cache)", []).append(run(tree, report, tmp, fresh))
                else:
                    times.setdefault("report before", []).append(run(tree, report, tmp, cold))
        best = {k: min(v) for k, v in times.items()}
        print(f"| measure (best of {a.rounds}) | seconds | vs before |")
        print("|---|---|---|")
        for k, v in best.items():
            ref = best["demo before"] if k.startswith("demo") else best["report before"]
            print(f"| {k} | {v:.2f} | {ref / v:.2f}× |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
