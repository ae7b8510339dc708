"""`tracker demo`: the whole year on the Guangzhou 2007 sample, in a fresh workspace.

1. a workspace with the Guangzhou unit registry (the 12 districts) and the sample plan imported;
2. for each quarter: templates; seeded departments fill them (tracker.simulate): most on time,
   some late, one unit never returns Q4, a few send a wrong workbook that is rejected with a
   receipt and then corrected; collection in batches by the day the office received them;
   status, the 催报 list and the quarterly bulletin;
3. the year-end inspection report.

Everything is written under the output folder, so a person can open each file the office would.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"


def sample_file(name: str) -> Path:
    """A bundled sample plan (package data, so it installs with tracker, from a wheel too)."""
    path = SAMPLES / name
    if not path.exists():
        from tracker.problems import UsageError

        raise UsageError(f"找不到随 tracker 安装的样例文件 {name}; 请重新安装 tracker")
    return path


MARKER = ".tracker-demo"  # written into every folder the demo made; only such a folder is ever replaced
MARKER_TEXT = "tracker demo workspace: `tracker demo --force` may replace this folder\n"


def prepare_folder(out: Path, force: bool = False) -> None:
    """Make sure the demo may write into ``out``: a missing or empty folder, or (with ``force``) a
    demo workspace it made itself (:data:`MARKER`), whose contents are then removed. Anything else —
    a real workspace, a folder with the office's files, the current folder of a workspace — is
    :class:`~tracker.problems.Refused` with one line; nothing is touched."""
    from tracker.problems import Refused
    from tracker.workspace import CONFIG_NAME

    if not out.exists():
        return
    if not out.is_dir():
        raise Refused(f"{out} 是一个文件, 不是文件夹; 演示未运行。请用 -o 指定一个新的文件夹。")
    if not any(out.iterdir()):
        return
    if not (out / MARKER).is_file():
        what = "一个 tracker 工作区" if (out / CONFIG_NAME).exists() else "一个不是空的文件夹"
        raise Refused(f"{out.resolve()} 是{what}, 不是演示生成的; 演示不会写入或删除它, 未作任何改动。"
                      "请用 -o 指定一个新的或空的文件夹。")
    if not force:
        raise Refused(f"{out.resolve()} 里已有一个演示工作区; 未作改动。加 --force 替换它 (其中的内容将被删除),"
                      " 或用 -o 指定另一个文件夹。")
    for child in out.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def run_demo(out: Path, *, seed: int = 2007, echo: Callable[[str], None] = print,
             progress=None, force: bool = False, workers: int | None = None) -> dict:
    """Run the demo into ``out``: a missing or empty folder, or with ``force`` a demo workspace made
    before (see :func:`prepare_folder`); ``workers``: see :func:`tracker.templates.make_templates`.
    Returns a summary."""
    from tracker.collect import collect
    from tracker.importers import import_plan
    from tracker.periods import year_periods
    from tracker.reports.bulletin import write_bulletin
    from tracker.reports.inspection.data import gather
    from tracker.reports.inspection.text import summary_text
    from tracker.reports.inspection.write import write_report
    from tracker.reports.remind import write_remind
    from tracker.simulate import fill_workbook, plan_behaviours, received_date
    from tracker.status import period_status
    from tracker.templates import make_templates
    from tracker.units import Registry
    from tracker.workspace import init_workspace

    out = Path(out)
    prepare_folder(out, force)
    ws = init_workspace(out, units_file=sample_file("guangzhou-2007.units.toml"))
    (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    config = ws.config()
    registry = Registry.from_config(config)
    plan, problems = import_plan(sample_file("guangzhou-2007.xlsx"), registry=registry)
    with ws.store() as store:
        store.save_plan(plan)
    echo(f"[1/3] 导入计划: {plan.name} — {len(plan.items)} 项任务, {len(plan.units())} 个单位")

    rng = random.Random(seed)
    summary: dict = {"workspace": str(ws.root), "quarters": []}
    behaviours = None
    for period in year_periods(plan.year):
        tres = make_templates(ws, period, workers=workers)
        files = sorted(Path(tres.out_dir).glob("*.xlsx"))
        if behaviours is None:
            behaviours = plan_behaviours([_unit_of(f, period) for f in files], seed)
        filled = ws.root / "filled" / str(period)
        filled.mkdir(parents=True, exist_ok=True)
        due = period.due(config)
        batches: dict = {}
        corrections: list[tuple[Path, Path]] = []
        for f in files:
            unit = _unit_of(f, period)
            b = behaviours[unit]
            if period.quarter in b.missing_quarters:
                continue
            dst = filled / f.name
            mistake = period.quarter in b.mistake_quarters
            fill_workbook(f, dst, period.quarter, b, random.Random(rng.random()), mistake=mistake)
            when = received_date(due, period.quarter in b.late_quarters, rng)
            batches.setdefault(when, []).append(dst)
            if mistake:
                fixed = filled / f"{f.stem}-更正.xlsx"
                fill_workbook(f, fixed, period.quarter, b, random.Random(rng.random()))
                corrections.append((fixed, when))
        accepted = rejected = corrected = 0
        for when in sorted(batches):
            res = collect(ws, batches[when], received=when, progress=progress)
            accepted += len(res.accepted)
            rejected += len(res.rejected)
        for fixed, when in corrections:
            res = collect(ws, [fixed], received=when + timedelta(days=2))
            corrected += len(res.accepted)
        st = period_status(ws, plan, registry, period, config)
        remind_path = ws.outbox / f"{period}-催报名单.xlsx"
        write_remind(remind_path, st, config)
        written = write_bulletin(ws.reports / str(period), st, config)
        q = {"period": str(period), "templates": len(files), "accepted": accepted + corrected,
             "rejected": rejected,
             "returned": len(st["returned"]), "missing": len(st["missing"]),
             "late": sum(1 for r in st["returned"] if r["late"]), "lights": st["lights"]}
        summary["quarters"].append(q)
        fixes = f", 其中 {rejected} 份有错被退回 (已发回执) 后更正重报 {corrected} 份" if rejected else ""
        echo(f"[2/3] {period.label}: 下发模板 {len(files)} 份, 收到 {accepted + rejected} 份{fixes}; "
             f"逾期 {q['late']} 个单位, 未报 {q['missing']} 个单位; 通报 {', '.join(p.name for p in written)}")
    # the office inspects early the next year ("次年初"): figures as of three weeks after Q4's due date
    as_of = year_periods(plan.year)[-1].due(config) + timedelta(days=21)
    data = gather(ws, plan.year, as_of)
    summary["as_of"] = as_of.isoformat()
    report_dir = ws.reports / str(plan.year)
    written = write_report(data, report_dir, config, workspace_root=ws.root)
    echo("[3/3] " + summary_text(data, written))
    summary.update(completion=data["completion"], score=data["score"], passed=data["passed"],
                   report_dir=str(report_dir))
    return summary


def _unit_of(path: Path, period) -> str:
    """The unit named in a template's file name PERIOD-UNIT.xlsx (the identity sheet has it too)."""
    return path.stem[len(str(period)) + 1:]
