"""Benchmark: the tool against floors, and a province-scale quarter and year-end report.

    python bench/run.py [--items 2000] [--units 400] [--repeat 3] [--quick] [--json]
                        [--workdir DIR] [--profile DIR]

Prints one table. Every figure is measured in this run, on this machine:

* **template generation**: ``tracker templates`` for every unit, against ``bench/floors.py
  templates`` writing the same workbooks (same cells, validation, protection) with xlsxwriter.
* **collect**: ``tracker collect`` of every unit's filled return (read, check, archive, store,
  receipts), against ``bench/floors.py collect`` reading the same cells with python-calamine.
* **CLI start-up**: ``tracker --help`` against ``python -c "import click"``, best of several.
* **quarter**: templates + collect + ``tracker status --json`` of the synthetic province plan
  (:func:`tracker.synthetic.synthetic_plan`: 2,000 items, 400 units, a collective 各市 whose
  members are the cities, and 各有关单位 that gets no template). Its seconds are the sum of the three
  commands' best times; its memory the largest peak of the three.
* **report**: ``tracker report YEAR`` (Word, workbook, dashboard, charts) over the whole year.

How it is measured:

* Every command runs as its own process, the way the office runs it (``tracker …`` on the PATH, or
  ``python -m tracker``), so start-up and imports count. Seconds are wall-clock, the best of
  ``--repeat`` runs. **Peak memory is the peak RSS of that child process**, as the kernel reports it
  in ``os.wait4``'s rusage (``ru_maxrss``); the largest over the repeats is shown.
* The workspace is made outside the timed region: the plan is imported through
  ``Store.save_plan``, its registry (the collective's members) written into tracker.toml with
  :func:`tracker.workspace.load_registry_file`, and Q1–Q3 of the year stored as accepted returns
  (:func:`tracker.synthetic.seed_history`), so the timed quarter is Q4: its templates are prefilled
  with Q3, and the report covers four quarters. The workspace secret is fixed, so templates are the
  same on every run.
* The 400 returns are filled ONCE, outside the timed region, with a fast calamine + xlsxwriter filler
  (:func:`tracker.synthetic.fill_template_bytes`), and reused by every collect run; each collect run
  starts from a fresh copy of the workspace.
* ``--quick``: one run of each (start-up: best of 5). ``--profile DIR``: the tool's commands run
  under cProfile, one ``.prof`` per command in DIR (timings are then inflated; ratios meaningless).

Figures, with the date and machine, are in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import floors  # noqa: E402  (bench/floors.py, beside this file)

YEAR = 2026
PERIOD = f"{YEAR}Q4"
HISTORY = [f"{YEAR}Q{q}" for q in (1, 2, 3)]
RECEIVED = f"{YEAR + 1}-01-08"  # Q4 is due on YEAR+1-01-10: returns on time
AS_OF = f"{YEAR + 1}-03-01"
SECRET = "5e" * 32  # fixed, so every run writes the same templates
GOALS = {"templates": 1.5, "collect": 3.0, "startup": 1.5}
QUARTER_GOAL_S, REPORT_GOAL_S, MEMORY_GOAL_MB = 30.0, 15.0, 500.0


# -- running children ----------------------------------------------------------------------------
class Run:
    def __init__(self, seconds: float, maxrss_mb: float, code: int, out: str, err: str):
        self.seconds, self.maxrss_mb, self.code, self.out, self.err = seconds, maxrss_mb, code, out, err


ENV: dict | None = None  # the children's environment, set by bench()


def child_env(work: Path) -> dict:
    """Children keep compiled bytecode, as an installed program does (pip compiles .pyc at install):
    this machine sets PYTHONDONTWRITEBYTECODE, which would make every process recompile tracker's
    modules from source. The cache lives in the bench's work folder (PYTHONPYCACHEPREFIX), the same
    for the tool and the floors, and is warmed before anything is timed."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


WARM = ("import tracker.cli, tracker.templates, tracker.collect, tracker.status, tracker.store, "
        "tracker.safety, tracker.reports.inspection.data, tracker.reports.inspection.write, "
        "sqlalchemy, xlsxwriter, "
        "python_calamine, docx, jinja2, matplotlib.figure, matplotlib.backends.backend_agg, "
        "matplotlib.backends.backend_svg, fontTools.subset, floors")


def child(cmd: list[str], tmp: Path, env: dict | None = None) -> Run:
    """Run cmd as a child process: (wall seconds, its own peak RSS from wait4, exit code, output)."""
    out_path, err_path = tmp / "child.out", tmp / "child.err"
    env = env if env is not None else ENV
    with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024.0, p.returncode,
               out_path.read_text(encoding="utf-8", errors="replace"),
               err_path.read_text(encoding="utf-8", errors="replace"))


def tracker_cmd(profile: Path | None = None, name: str = "") -> list[str]:
    if profile is not None:
        return [sys.executable, "-m", "cProfile", "-o", str(profile / f"{name}.prof"), "-m", "tracker"]
    exe = shutil.which("tracker")
    return [exe] if exe else [sys.executable, "-m", "tracker"]


def best(runs: list[Run]) -> dict:
    return {"seconds": min(r.seconds for r in runs), "maxrss_mb": max(r.maxrss_mb for r in runs),
            "runs": [round(r.seconds, 3) for r in runs]}


def checked(r: Run, what: str, codes=(0,)) -> Run:
    if r.code not in codes:
        raise SystemExit(f"{what} failed (exit {r.code}):\n{r.err[-3000:]}\n{r.out[-2000:]}")
    return r


# -- the workspace ------------------------------------------------------------------------------------
def make_workspace(root: Path, items: int, units: int, seed: int) -> dict:
    """A workspace with the synthetic plan, its registry and Q1–Q3 returns (not timed)."""
    import tomlkit

    from tracker.periods import parse_period
    from tracker.synthetic import seed_history, synthetic_plan
    from tracker.units import Registry
    from tracker.workspace import SECRET_NAME, init_workspace, load_registry_file

    root.mkdir(parents=True)
    (root / SECRET_NAME).write_text(SECRET, encoding="ascii")
    ws = init_workspace(root)
    plan, registry = synthetic_plan(items, units, year=YEAR, seed=seed)
    reg_file = root.parent / "registry.toml"
    reg_file.write_text(tomlkit.dumps(registry), encoding="utf-8")
    load_registry_file(ws, reg_file)
    with ws.store() as store:
        store.save_plan(plan)
        n = seed_history(store, plan, Registry.from_config(ws.config()), [parse_period(p) for p in HISTORY])
    return {"items": len(plan.items), "history_returns": n}


def fresh_copy(base: Path, dest: Path) -> Path:
    shutil.copytree(base, dest, ignore=shutil.ignore_patterns("outbox", "archive", "reports"))
    return dest


def fill_returns(templates: list[Path], dest: Path, seed: int) -> list[Path]:
    from tracker.synthetic import fill_template_bytes

    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out = []
    for f in templates:
        pace = rng.choice([0.7, 0.85, 0.95, 1.0, 1.0, 1.05, 1.1])
        p = dest / f.name
        p.write_bytes(fill_template_bytes(f.read_bytes(), 4, rng, pace))
        out.append(p)
    return out


# -- the benchmark ----------------------------------------------------------------------------------
def bench(items: int, units: int, repeat: int, startup_repeat: int, work: Path, seed: int = 1,
          profile: Path | None = None, log=print) -> dict:
    global ENV
    tmp = work / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    ENV = child_env(work)
    ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), ENV.get("PYTHONPATH", "")]))
    checked(child([sys.executable, "-c", WARM], tmp), "warming the bytecode cache")
    checked(child([*tracker_cmd(), "--help"], tmp), "tracker --help")
    res: dict = {"items": items, "units": units, "repeat": repeat}
    base = work / "base"
    t0 = time.perf_counter()
    res.update(make_workspace(base, items, units, seed))
    log(f"  workspace ready ({time.perf_counter() - t0:.1f} s, not timed)")
    tr = lambda name: tracker_cmd(profile, name)  # noqa: E731

    # templates ------------------------------------------------------------------------------------
    runs = []
    for k in range(repeat):
        out = work / f"templates{k}"
        r = checked(child([*tr(f"templates{k}"), "templates", PERIOD, "-w", str(base), "-o", str(out), "--json"],
                          tmp), "tracker templates")
        runs.append(r)
    summary = json.loads(runs[0].out)
    templates = sorted((work / "templates0").glob("*.xlsx"))
    res["workbooks"] = len(templates)
    res["skipped"] = summary["skipped"]
    res["rows"] = sum(f["items"] for f in summary["files"])
    res["templates"] = best(runs)
    log(f"  templates: {len(templates)} workbooks, {res['rows']} rows, {res['templates']['runs']} s")

    jobs_file = work / "floor-jobs.pickle"
    jobs_file.write_bytes(pickle.dumps(floors.template_jobs(templates)))
    runs = []
    for k in range(repeat):
        r = checked(child([sys.executable, str(BENCH / "floors.py"), "templates", str(jobs_file),
                           str(work / f"floor-templates{k}")], tmp), "floor templates")
        assert json.loads(r.out)["workbooks"] == len(templates)
        runs.append(r)
    res["templates_floor"] = best(runs)
    log(f"  templates floor: {res['templates_floor']['runs']} s")

    # filled returns, once ---------------------------------------------------------------------------
    t0 = time.perf_counter()
    filled = fill_returns(templates, work / "filled", seed)
    log(f"  {len(filled)} returns filled ({time.perf_counter() - t0:.1f} s, not timed)")

    # collect ----------------------------------------------------------------------------------------
    runs = []
    ws = None
    for k in range(repeat):
        ws = fresh_copy(base, work / f"ws{k}")
        r = checked(child([*tr(f"collect{k}"), "collect", str(work / "filled"), "-w", str(ws),
                           "--received", RECEIVED, "--json"], tmp), "tracker collect")
        got = json.loads(r.out)
        if len(got["accepted"]) != len(filled) or got["rejected"]:
            raise SystemExit(f"collect accepted {len(got['accepted'])} of {len(filled)}: "
                             f"{json.dumps(got['rejected'][:2], ensure_ascii=False)[:2000]}")
        runs.append(r)
    res["collect"] = best(runs)
    log(f"  collect: {res['collect']['runs']} s")
    runs = []
    for _k in range(repeat):
        r = checked(child([sys.executable, str(BENCH / "floors.py"), "collect", str(work / "filled")], tmp),
                    "floor collect")
        assert json.loads(r.out)["workbooks"] == len(filled)
        runs.append(r)
    res["collect_floor"] = best(runs)
    log(f"  collect floor: {res['collect_floor']['runs']} s")

    # status -------------------------------------------------------------------------------------------
    runs = []
    for k in range(repeat):
        r = checked(child([*tr(f"status{k}"), "status", PERIOD, "-w", str(ws), "--json"], tmp), "tracker status")
        st = json.loads(r.out)
        assert len(st["returned"]) == len(filled), "status does not see every return"
        runs.append(r)
    res["status"] = best(runs)
    log(f"  status: {res['status']['runs']} s")

    # year-end report -------------------------------------------------------------------------------------
    runs = []
    for k in range(repeat):
        r = checked(child([*tr(f"report{k}"), "report", str(YEAR), "-w", str(ws), "--as-of", AS_OF,
                           "-o", str(work / f"report{k}"), "--json"], tmp), "tracker report")
        runs.append(r)
    rep = json.loads(runs[0].out)
    res["report_files"] = sorted(Path(p).name for p in rep["files"].values())
    res["report"] = best(runs)
    log(f"  report: {res['report']['runs']} s")

    # CLI start-up ------------------------------------------------------------------------------------
    runs = [checked(child([*tracker_cmd(), "--help"], tmp), "tracker --help") for _ in range(startup_repeat)]
    res["startup"] = best(runs)
    runs = [checked(child([sys.executable, "-c", "import click"], tmp), "import click")
            for _ in range(startup_repeat)]
    res["startup_floor"] = best(runs)

    res["quarter"] = {
        "seconds": res["templates"]["seconds"] + res["collect"]["seconds"] + res["status"]["seconds"],
        "maxrss_mb": max(res[k]["maxrss_mb"] for k in ("templates", "collect", "status"))}
    for k in GOALS:
        res[f"{k}_ratio"] = res[k]["seconds"] / res[f"{k}_floor"]["seconds"]
    return res


def machine() -> dict:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"date": date.today().isoformat(), "cpus": os.cpu_count(), "memory": mem,
            "python": platform.python_version(), "platform": platform.platform()}


def table(res: dict, m: dict) -> str:
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    lines = [f"tracker bench  {m['date']}  {m['cpus']} CPUs, {m['memory']}, Python {m['python']}",
             f"plan: {res['items']} items, {res['workbooks']} workbooks ({res['rows']} item rows; "
             f"no template: {'、'.join(res['skipped']) or '-'}), best of {res['repeat']}",
             "",
             f"{'measure':<34}{'tool':>10}{'floor':>10}{'ratio':>9}{'goal':>9}  result",
             "-" * 80]
    names = {"templates": "template generation",
             "collect": "collect (read, check, store)",
             "startup": "CLI start-up (tracker --help)"}
    for k, label in names.items():
        t, f, ratio = res[k]["seconds"], res[f"{k}_floor"]["seconds"], res[f"{k}_ratio"]
        lines.append(f"{label:<34}{t:>9.3f}s{f:>9.3f}s{ratio:>8.2f}x{'<= ' + str(GOALS[k]) + 'x':>9}  "
                     f"{ok(ratio <= GOALS[k])}")
    lines += ["", f"{'at scale':<34}{'seconds':>10}{'peak RSS':>12}{'goal':>18}  result", "-" * 80]
    for k, label, goal in (("templates", "  templates", None), ("collect", "  collect", None),
                           ("status", "  status", None),
                           ("quarter", "quarter (templates+collect+status)", QUARTER_GOAL_S),
                           ("report", "year-end report", REPORT_GOAL_S)):
        s, mb = res[k]["seconds"], res[k]["maxrss_mb"]
        if goal is None:
            lines.append(f"{label:<34}{s:>9.2f}s{mb:>9.0f} MB")
        else:
            good = s < goal and mb < MEMORY_GOAL_MB
            lines.append(f"{label:<34}{s:>9.2f}s{mb:>9.0f} MB{f'< {goal:g} s, < {MEMORY_GOAL_MB:g} MB':>18}  "
                         f"{ok(good)}")
    lines.append("")
    lines.append("seconds: wall clock of each command as its own process (start-up included); "
                 "peak RSS: ru_maxrss of that process (os.wait4)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--units", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measure; the best counts")
    ap.add_argument("--quick", action="store_true", help="one run of each")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON after the table")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the workspaces here (default: a temp dir)")
    ap.add_argument("--profile", type=Path, default=None, help="run the tool's commands under cProfile into DIR")
    a = ap.parse_args(argv)
    repeat = 1 if a.quick else max(1, a.repeat)
    startup_repeat = 5 if a.quick else 15
    work = a.workdir or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    if a.workdir and work.exists():
        shutil.rmtree(work)
    if a.profile:
        a.profile.mkdir(parents=True, exist_ok=True)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    log(f"bench in {work}")
    try:
        res = bench(a.items, a.units, repeat, startup_repeat, work, a.seed, a.profile, log)
    finally:
        if a.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    m = machine()
    print(table(res, m))
    if a.json:
        print(json.dumps({"machine": m, **res}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
