"""Every hostile file of the corpus through `tracker collect` and `tracker plan import`: wall time and
peak RSS of the child process (``os.wait4``'s rusage), each command its own process, as the office
runs it. Prints one markdown table (docs/hardening.md holds the last one).

    python bench/hostile.py            # the files of tests/corpus/make_corpus.py that a guard rejects

The tests assert no time (the machine is shared) but run each file under RLIMIT_AS = 1 GB, so an
over-allocation fails them cleanly; this measures what the limits leave."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "corpus"), str(ROOT / "tests")]

HOSTILE = ["bomb_declared_4gb.xlsx", "bomb_300mb.xlsx", "bomb_ratio_150mb.xlsx", "bomb_lying_size.xlsx",
           "bomb_many_members.xlsx", "nested_zip.xlsx", "far_cell.xlsx", "far_cell_lower.xlsx",
           "far_cell_other_part.xlsx", "merge_bomb.xlsx", "merge_bomb_lower.xlsx", "repeat_bomb.ods",
           "repeat_rows_bomb.ods", "huge_rows.xlsx", "huge_columns.xlsx", "far_cell.xls", "far_cell_8_sheets.xls",
           "merge_bomb.xls", "lol_sharedstrings.xlsx", "lol_workbook.xlsx", "lol_content.ods", "xxe_external.xlsx"]


def measure(args: list[str], env: dict) -> tuple[int, float, float]:
    """(exit code, seconds, peak MB) of one child process."""
    t = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, time.perf_counter() - t, usage.ru_maxrss / 1024


def make(tmp: Path) -> None:
    """The corpus and one workspace per file, made in a child process: a child forked from a big
    parent counts the parent's pages in its peak RSS (Linux keeps the high-water mark over exec)."""
    import make_corpus as MC
    from support.filling import make_workspace

    MC.make_corpus(tmp / "corpus")
    for name in HOSTILE:
        make_workspace(tmp / f"ws-{name}")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="tracker-hostile-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TRACKER_WORKSPACE", None)
    subprocess.run([sys.executable, __file__, "--make", str(tmp)], check=True, env=env)
    print("| file | size | collect: exit, s, MB | plan import: exit, s, MB |")
    print("|---|---|---|---|")
    for name in HOSTILE:
        f, ws = tmp / "corpus" / name, tmp / f"ws-{name}"
        c = measure([sys.executable, "-m", "tracker", "collect", str(f), "-w", str(ws), "--received", "2007-04-08"], env)
        i = measure([sys.executable, "-m", "tracker", "plan", "import", str(f), "-w", str(ws)], env)
        print(f"| {name} | {f.stat().st_size / 1024:.0f} KB | {c[0]}, {c[1]:.2f}, {c[2]:.0f} | {i[0]}, {i[1]:.2f}, {i[2]:.0f} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make"]:
        make(Path(sys.argv[2]))
    else:
        main()
