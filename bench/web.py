"""Benchmark of the web app at province scale (2,000 items, 400 units), every ratio taken in one run.

    python bench/web.py [--items 2000] [--units 400] [--repeat 3] [--quick] [--workdir DIR]

* **upload**: the 400 filled Q4 returns POSTed at once to ``/api/collect`` of a running
  ``tracker serve`` (a real Waitress server, its own process, started on a fresh copy of the
  workspace before the clock starts), from the first byte sent to the last byte of the answer;
  against ``tracker collect`` of the same files as a process, on another fresh copy. Goal ≤ 1.5×.
  The server is started outside the timed region because the office starts it once a day; the CLI
  pays its start-up on every run, as the office's clerk would.
* **pages**: each page's server time (the view, through Flask's test client in this process, best
  of ``--repeat``) against the library call(s) behind it, made through the same Tracker in this
  process (best of ``--repeat``). Goal ≤ 2×.
* **start-up**: ``tracker --help`` against ``python -c "import click"``, best of 10. Goal ≤ 1.5×.

The workspace, templates and filled returns are made as ``bench/run.py`` makes them (its
functions), outside any timed region.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/run.py)


def multipart(files: list[Path], fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for f in files:
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{f.name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode()
        parts += [head, f.read_bytes(), b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Served:
    """`tracker serve` of a workspace as a child process on a free port."""

    def __init__(self, ws: Path, env: dict):
        sys.path.insert(0, str(BENCH.parent / "tests"))
        from support.webkit import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.p = subprocess.Popen([*run.tracker_cmd(), "serve", "-w", str(ws), "--port", str(self.port)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/csrf", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        self.token = json.loads(self.opener.open(self.url + "/api/csrf").read())["token"]

    def close(self):
        self.p.terminate()
        self.p.wait(timeout=30)


def upload(ws: Path, files: list[Path], env: dict) -> tuple[float, dict]:
    s = Served(ws, env)
    try:
        body, ctype = multipart(files, {"received": run.RECEIVED})
        req = urllib.request.Request(s.url + "/api/collect", data=body, method="POST",
                                     headers={"Content-Type": ctype, "X-CSRF-Token": s.token})
        t0 = time.perf_counter()
        try:
            resp = s.opener.open(req, timeout=600)
            code, out = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            code, out = e.code, e.read()
        seconds = time.perf_counter() - t0
    finally:
        s.close()
    got = json.loads(out)
    if code != 200 or len(got["accepted"]) != len(files):
        raise SystemExit(f"web upload: {code}, accepted {len(got.get('accepted', []))} of {len(files)}")
    return seconds, got


def best_of(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def pages(ws: Path, repeat: int) -> list[dict]:
    """(page, server seconds, library seconds) for every page, in this process."""
    from tracker.app import Tracker
    from tracker.periods import year_periods
    from tracker.web import create_app

    t = Tracker(ws)
    app = create_app(t, testing=True)
    c = app.test_client()
    period = run.PERIOD
    unit = t.status(period)["returned"][0]["unit"]
    c.get(f"/reports/{run.YEAR}")  # writes the report once (as the first visit does), not timed
    c.get("/graph.png")

    def lib_home():
        t.status(t.default_period())
        t.template_files(t.default_period())

    def lib_unit():
        t.assignments()
        for p in year_periods(run.YEAR):
            t.returns(p, unit)
        t.received(unit=unit)

    cases = [
        ("/ (首页)", "/", lib_home),
        ("/plan (计划)", "/plan", lambda: (t.plans(), t.plan(), t.status(t.default_period()))),
        ("/plan/units", "/plan/units", lambda: t.units()),
        ("/graph (分工)", "/graph", lambda: (t.graph(), t.graph_stats())),
        (f"/quarters/{period} (季度)", f"/quarters/{period}",
         lambda: (t.status(period), t.template_files(period), t.received(period))),
        ("/units", "/units", lambda: t.assignments()),
        ("/units/<unit> (单位)", f"/units/{unit}", lib_unit),
        (f"/reports/{run.YEAR} (年度)", f"/reports/{run.YEAR}", lambda: t.inspection(run.YEAR)),
        ("/api/plan", "/api/plan", lambda: t.plan().to_dict()),
        (f"/api/status/{period}", f"/api/status/{period}", lambda: t.status(period)),
        (f"/api/returns/{period}", f"/api/returns/{period}", lambda: t.returns(period)),
    ]
    out = []
    for label, url, lib in cases:
        assert c.get(url).status_code == 200, url
        lib()
        server = best_of(lambda url=url: c.get(url).data, repeat)
        library = best_of(lib, repeat)
        out.append({"page": label, "server": server, "library": library, "ratio": server / library})
    t.close()
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--units", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args(argv)
    repeat = 1 if a.quick else a.repeat
    work = Path(a.workdir or tempfile.mkdtemp(prefix="tracker-webbench-"))
    tmp = work / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env = run.child_env(work)
    env["PYTHONPATH"] = ":".join(filter(None, [str(BENCH), str(BENCH.parent), env.get("PYTHONPATH", "")]))
    run.ENV = env
    run.checked(run.child([sys.executable, "-c", run.WARM + ", tracker.web, flask, waitress"], tmp), "warming")
    base = work / "base"
    run.make_workspace(base, a.items, a.units, 1)
    run.checked(run.child([*run.tracker_cmd(), "templates", run.PERIOD, "-w", str(base), "--json"], tmp),
                "templates")
    files = run.fill_returns(sorted((base / "outbox" / run.PERIOD).glob("*.xlsx")), work / "filled", 1)
    print(f"  {len(files)} returns filled (not timed)")

    cli, web = [], []
    for k in range(repeat):  # interleaved, each on its own fresh copy
        ws = run.fresh_copy(base, work / f"cli{k}")
        r = run.checked(run.child([*run.tracker_cmd(), "collect", *map(str, files), "-w", str(ws),
                                   "--received", run.RECEIVED, "--json"], tmp), "tracker collect")
        if len(json.loads(r.out)["accepted"]) != len(files):
            raise SystemExit("tracker collect did not accept every file")
        cli.append(r.seconds)
        ws = run.fresh_copy(base, work / f"web{k}")
        web.append(upload(ws, files, env)[0])
        print(f"  collect {cli[-1]:.3f} s, web upload {web[-1]:.3f} s")
    res = {"items": a.items, "units": a.units, "files": len(files),
           "cli_collect": min(cli), "web_upload": min(web), "upload_ratio": min(web) / min(cli),
           "cli_runs": cli, "web_runs": web}

    start = [run.child([*run.tracker_cmd(), "--help"], tmp).seconds for _ in range(10)]
    click = [run.child([sys.executable, "-c", "import click"], tmp).seconds for _ in range(10)]
    res.update(startup=min(start), startup_floor=min(click), startup_ratio=min(start) / min(click))

    ws = run.fresh_copy(base, work / "pages")
    run.checked(run.child([*run.tracker_cmd(), "collect", str(work / "filled"), "-w", str(ws),
                           "--received", run.RECEIVED], tmp), "collect for the pages")
    run.checked(run.child([*run.tracker_cmd(), "templates", run.PERIOD, "-w", str(ws)], tmp), "templates")
    res["pages"] = pages(ws, max(repeat, 3))

    print(f"\n{'measure':<40}{'web':>10}{'baseline':>10}{'ratio':>8}{'goal':>9}  result")
    print("-" * 84)
    rows = [("upload 400 returns (web vs CLI collect)", res["web_upload"], res["cli_collect"], res["upload_ratio"], 1.5),
            ("tracker --help vs import click", res["startup"], res["startup_floor"], res["startup_ratio"], 1.5)]
    rows += [(f"page {p['page']}", p["server"], p["library"], p["ratio"], 2.0) for p in res["pages"]]
    for label, x, y, ratio, goal in rows:
        print(f"{label:<40}{x:>9.3f}s{y:>9.3f}s{ratio:>7.2f}x{'<= ' + str(goal) + 'x':>9}  "
              f"{'ok' if ratio <= goal else 'MISSED'}")
    (work / "web-bench.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    print(f"\n(figures in {work / 'web-bench.json'})")


if __name__ == "__main__":
    main()
