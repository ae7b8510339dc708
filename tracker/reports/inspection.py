"""The year-end inspection (年终检查验收): gather the year's figures, then write the report files.

:func:`build_inspection` is pure (plan, assignments, return rows, first-receipt dates, config and the
"as of" date in; one JSON-ready dict out); :func:`gather` reads those from a workspace;
:func:`write_report` writes, into one folder:

* ``YEAR-检查验收报告.docx``  (:mod:`tracker.reports.inspection_docx`)
* ``YEAR-检查验收汇总.xlsx``  (:mod:`tracker.reports.inspection_xlsx`)
* ``YEAR-dashboard.html``     (:mod:`tracker.reports.dashboard`)
* ``charts/*.png`` and ``charts/*.svg`` (:mod:`tracker.reports.charts`)

Every output reads the same dict, so the JSON, the workbook, the Word report and the dashboard
cannot disagree. The files are Chinese by default, English with ``lang="en"`` (docs/i18n.md); the
dict and the JSON are the same in both. Scoring rules are in :mod:`tracker.scoring`; the rest:

* **Returns on time / late / missing** per unit and quarter: every concrete unit of
  :func:`tracker.assignments.assign` is expected each quarter. A quarter counts on time when the
  unit's *first* accepted return of it was received on or before the due date
  (:meth:`tracker.periods.Period.due`), late when after; missing when there is none and the due date
  has passed; pending (未到期) when there is none and the due date has not come yet.
* **Unit completion**: the mean of the unit's own latest progress over the items it leads (an item
  it never reported on counts 0); ``completed`` = how many of them it reported at 100.
* **Lagging items**: year-end expected progress is Q4's (100 by default); an item's light is
  正常/预警/滞后 by ``[periods] yellow_below`` / ``red_below``; lagging = not 正常, lowest first.
* **Quarterly trend**: the work completion and score as of the end of each quarter, each unit's
  latest return up to that quarter counting (so Q4 equals the year's figure).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from tracker.i18n import ZH, resolve, tr
from tracker.periods import year_periods
from tracker.scoring import ScoringConfig, score_plan
from tracker.status import light

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
RETURN_LABEL = {ON_TIME: "按时", LATE: "逾期", MISSING: "未报", PENDING: "未到期"}
LIGHT_LABEL = {"green": "正常", "yellow": "预警", "red": "滞后"}


def report_title(year: int, lang: str = ZH) -> str:
    return tr("{year}年度工作分解任务检查验收报告", lang, year=year)


def rule_message(rule: dict, lang: str = ZH) -> str:
    """A failed rule's message in ``lang``: tracker.scoring writes it in Chinese; the English is
    made from its code and the figures the Chinese message holds."""
    import re

    if lang == ZH:
        return rule["message"]
    msg, code = rule["message"], rule["code"]
    nums = re.findall(r"[-\d.]+(?=%| 分)", msg)
    if code == "completion-below" and len(nums) == 2:
        return tr("completion-below", lang, ctx="rule", completion=nums[0], need=nums[1])
    if code == "score-below" and len(nums) == 2:
        return tr("score-below", lang, ctx="rule", score=nums[0], need=nums[1])
    if code == "mandatory-incomplete":
        items = [tr("mandatory-item", lang, ctx="rule", number=n, completion=c)
                 for n, c in re.findall(r"第(.+?)项\((.+?)%\)", msg)]
        if items:
            return tr("mandatory-incomplete", lang, ctx="rule", items=", ".join(items))
    return msg


def _written(t) -> str:
    """The goal of a scored target as the plan wrote it (:func:`tracker.targets.written_goal`)."""
    from tracker.model import Target
    from tracker.targets import written_goal

    return written_goal(Target(text=t.text, metric=t.metric, op=t.op, value=t.value, unit=t.unit,
                               value_max=t.value_max))


def r2(x: float | None, digits: int = 2) -> float | None:
    if x is None:
        return None
    v = round(float(x) + 0.0, digits)
    return int(v) if v == int(v) else v


def build_inspection(plan, assignments, rows: Iterable[Mapping],
                     received: Mapping[str, Mapping[str, str]] | None = None,
                     config: Mapping | None = None, as_of: date | None = None) -> dict:
    """The year's figures as one JSON-ready dict (0–100 scales).

    ``received``: period ("2007Q1") -> unit -> date (YYYY-MM-DD) of its first accepted return of
    that period; when None it is taken from the rows' ``received_at``.
    """
    config = dict(config or {})
    rows = list(rows)
    cfg = ScoringConfig.from_config(config)
    year = plan.year
    as_of = as_of or date.today()
    periods = year_periods(year)
    card = score_plan(plan, assignments.leads, rows, cfg)

    if received is None:
        received = {}
        for r in rows:
            d = received.setdefault(str(r["period"]), {})
            if r["unit"] not in d or str(r["received_at"]) < d[r["unit"]]:
                d[r["unit"]] = str(r["received_at"])

    # -- returns per unit and quarter ----------------------------------------------------------
    units = assignments.units
    quarter_status: dict[str, dict[str, str]] = {}
    for u in units:
        q = {}
        for p in periods:
            got = (received.get(str(p)) or {}).get(u)
            due = p.due(config)
            if got:
                q[f"Q{p.quarter}"] = ON_TIME if date.fromisoformat(str(got)[:10]) <= due else LATE
            else:
                q[f"Q{p.quarter}"] = MISSING if as_of > due else PENDING
        quarter_status[u] = q

    # -- per unit ------------------------------------------------------------------------------
    from tracker.scoring import latest_rows
    from tracker.status import row_progress

    latest = latest_rows(rows, year)
    unit_rows = []
    for u in units:
        lead_items = [it for it, role in assignments.items_of(u) if role == "lead"]
        part_items = [it for it, role in assignments.items_of(u) if role != "lead"]
        progress = []
        for it in lead_items:
            r = latest.get((u, it.id))
            progress.append(None if r is None else row_progress(r))
        values = [0.0 if p is None else p for p in progress]
        qs = quarter_status[u]
        unit_rows.append({
            "unit": u,
            "via": assignments.via.get(u, ""),
            "lead_items": len(lead_items),
            "participant_items": len(part_items),
            "completed": sum(1 for p in progress if p is not None and p >= 100),
            "completion": r2(sum(values) / len(values)) if values else None,
            "unreported_items": sum(1 for p in progress if p is None),
            "returns_on_time": sum(1 for s in qs.values() if s == ON_TIME),
            "returns_late": sum(1 for s in qs.values() if s == LATE),
            "returns_missing": sum(1 for s in qs.values() if s == MISSING),
            "returns_pending": sum(1 for s in qs.values() if s == PENDING),
            "quarters": qs,
            "received": {f"Q{p.quarter}": (received.get(str(p)) or {}).get(u) for p in periods},
        })

    # -- items, targets, lagging --------------------------------------------------------------
    expected_end = periods[-1].expected_progress(config)
    items = []
    for s in card.items:
        items.append({
            "item": s.item_id, "number": s.number, "category_no": s.category_no, "category": s.category,
            "content": s.content, "mandatory": s.mandatory, "weight": r2(s.weight),
            "leads": s.leads, "lead_progress": {u: r2(v) for u, v in s.lead_progress.items()},
            "completion": r2(s.completion), "reported": s.reported,
            "light": light(s.completion if s.reported else None, expected_end, config),
            "points": r2(s.points), "earned": r2(s.earned),
            "targets_total": len(s.targets), "targets_met": s.targets_met,
        })
    for d in items:
        d["light_label"] = LIGHT_LABEL[d["light"]]
    targets = []
    for s in card.items:
        for t in s.targets:
            targets.append({"item": s.item_id, "number": s.number, "metric": t.metric, "op": t.op,
                            "target": r2(t.value, 4), "target_max": r2(t.value_max, 4), "unit": t.unit,
                            "goal": t.goal, "goal_text": _written(t), "text": t.text, "actual": r2(t.actual, 4), "met": t.met,
                            "reported": t.actual is not None,
                            "by_unit": {u: r2(v, 4) for u, v in t.by_unit.items()}})
    lagging = sorted((d for d in items if d["light"] != "green"), key=lambda d: (d["completion"], d["number"]))

    # -- quarterly trend -------------------------------------------------------------------------
    trend = []
    for p in periods:
        returned = sum(1 for u in units if quarter_status[u][f"Q{p.quarter}"] in (ON_TIME, LATE))
        has_rows = any(str(r["period"]) == str(p) for r in rows)
        if has_rows:
            c = score_plan(plan, assignments.leads, rows, cfg, up_to=str(p))
            comp, score = r2(c.completion), r2(c.score)
        else:
            comp = score = None
        trend.append({"period": str(p), "label": p.label, "quarter": f"Q{p.quarter}",
                      "completion": comp, "score": score, "expected": r2(p.expected_progress(config)),
                      "units_returned": returned, "units_expected": len(units)})

    totals = {k: sum(u[f"returns_{k}"] for u in unit_rows) for k in (ON_TIME, LATE, MISSING, PENDING)}
    mandatory = [s for s in card.items if s.mandatory]
    office = (config.get("office") or {}).get("name") or "领导小组办公室"
    return {
        "year": year,
        "title": report_title(year),
        "plan": {"name": plan.name, "version": plan.version, "items": len(plan.items),
                 "categories": len(card.categories), "units": len(units),
                 "targets": len(targets)},
        "office": office,
        "as_of": as_of.isoformat(),
        "completion": r2(card.completion),
        "score": r2(card.score),
        "passed": card.passed,
        "failed_rules": [{"code": f.code, "message": f.message} for f in card.failed_rules],
        "thresholds": {"pass_completion": r2(cfg.pass_completion), "pass_score": r2(cfg.pass_score),
                       "mandatory_must_complete": cfg.mandatory_must_complete,
                       "completion_from": cfg.completion_from, "target_share": cfg.target_share,
                       "total_points": r2(cfg.total_points), "target_actual_from": cfg.target_actual_from},
        "categories": [{"category_no": c.category_no, "category": c.category, "items": c.items,
                        "completed": c.completed, "completion": r2(c.completion),
                        "points": r2(c.points), "earned": r2(c.earned)} for c in card.categories],
        "units": unit_rows,
        "items": items,
        "targets": targets,
        "targets_met": sum(1 for t in targets if t["met"]),
        "lagging": lagging,
        "unreported": card.unreported,
        "mandatory": {"total": len(mandatory),
                      "completed": sum(1 for s in mandatory if s.completion >= 100 - 1e-9),
                      "items": [s.item_id for s in mandatory]},
        "returns": totals,
        "trend": trend,
        "unexpandable": list(assignments.unexpandable),
    }


def json_view(data: dict) -> dict:
    """What ``tracker report --json`` prints: the issue's keys first, the rest after."""
    keys = ("year", "completion", "score", "passed", "failed_rules", "categories", "units", "targets")
    out = {k: data[k] for k in keys}
    out.update({k: v for k, v in data.items() if k not in out})
    return out


# -- reading a workspace ---------------------------------------------------------------------------
def received_dates(got: dict[str, dict[str, dict]]) -> dict[str, dict[str, str]]:
    """period -> unit -> date of the first accepted return (superseded ones included) of the year,
    from period -> :func:`tracker.store.queries.received_by_unit` (the same rule as the quarter's
    status); periods nothing came for left out."""
    return {period: {unit: str(d["first"]) for unit, d in by_unit.items()} for period, by_unit in got.items()
            if by_unit}


def gather(ws, year: int, as_of: date | None = None) -> dict:
    """The year's figures from a workspace's store and configuration."""
    from tracker.assignments import assign
    from tracker.problems import UsageError
    from tracker.units import Registry

    config = ws.config()
    with ws.store() as store:
        plan = store.load_plan(year=year)
        if plan is None:
            raise UsageError(f"工作区里没有 {year} 年的计划; 请先运行 tracker plan import")
        rows, got = store.year_returns(year, year_periods(year))
    received = received_dates(got)
    try:
        ScoringConfig.from_config(config)
    except ValueError as e:
        raise UsageError(str(e)) from None
    assignments = assign(plan, Registry.from_config(config))
    return build_inspection(plan, assignments, rows, received, config, as_of)


# -- writing ---------------------------------------------------------------------------------------
def file_names(year: int) -> dict[str, str]:
    return {"docx": f"{year}-检查验收报告.docx", "xlsx": f"{year}-检查验收汇总.xlsx",
            "html": f"{year}-dashboard.html"}


def write_report(data: dict, out_dir: Path, config: Mapping | None = None,
                 workspace_root: Path | None = None, lang: str | None = None, progress=None) -> dict:
    """Write charts, the Word report, the workbook and the dashboard; returns what was written:
    {"docx": path, "xlsx": path, "html": path, "charts": {name: {"png": path, "svg": path}},
    "notes": [one-line messages, e.g. about the font]}.

    ``lang``: "zh" or "en" (:mod:`tracker.i18n`); by default ``[office] language`` of ``config``,
    else Chinese. The file names are the same in both languages. ``progress``, when given, wraps
    the list of steps (charts, Word, Excel, dashboard) as a progress bar would."""
    from tracker.reports import charts, dashboard, inspection_docx, inspection_xlsx

    lang = resolve(lang, config)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = file_names(data["year"])
    font = charts.setup_font(config)
    written: dict = {"notes": list(font.notes)}

    def write_charts():
        written["charts"] = charts.write_charts(data, out_dir / "charts", font=font, lang=lang)

    def write_docx():
        written["docx"] = inspection_docx.write_docx(data, out_dir / names["docx"], written["charts"],
                                                    lang=lang, config=config)

    def write_xlsx():
        written["xlsx"] = inspection_xlsx.write_xlsx(data, out_dir / names["xlsx"], lang=lang)

    def write_html():
        written["html"] = dashboard.write_dashboard(data, out_dir / names["html"], written["charts"],
                                                    font=font, workspace_root=workspace_root, lang=lang)

    steps = [write_charts, write_docx, write_xlsx, write_html]
    for step in (progress(steps) if progress else steps):
        step()
    return written


def summary_text(data: dict, written: dict | None = None, lang: str = ZH) -> str:
    """The short summary ``tracker report`` prints (Chinese, or English with ``lang="en"``)."""
    from tracker.i18n import join, note_text
    from tracker.scoring import fmt

    th = data["thresholds"]
    verdict = tr("通过" if data["passed"] else "未通过", lang)
    lines = [tr("{year} 年度检查验收: {verdict}", lang, year=data["year"], verdict=verdict),
             tr("  工作完成度 {completion}% (要求 ≥ {need_completion}%), 评分 {score} 分 (要求 ≥ {need_score} 分)",
                lang, completion=fmt(data["completion"]), need_completion=fmt(th["pass_completion"]),
                score=fmt(data["score"]), need_score=fmt(th["pass_score"])),
             (tr("  必做任务完成 {done}/{total} 项, ", lang, done=data["mandatory"]["completed"],
                 total=data["mandatory"]["total"])
              if data["mandatory"]["total"] else tr("  (计划未标注必做任务) ", lang))
             + tr("量化指标达标 {met}/{total} 个, 滞后或预警任务 {lagging} 项", lang, met=data["targets_met"],
                  total=len(data["targets"]), lagging=len(data["lagging"]))]
    r = data["returns"]
    lines.append(tr("  报送: 按时 {on_time} 次, 逾期 {late} 次, 未报 {missing} 次", lang, on_time=r[ON_TIME],
                    late=r[LATE], missing=r[MISSING])
                 + (tr(", 未到期 {pending} 次", lang, pending=r[PENDING]) if r[PENDING] else ""))
    for f in data["failed_rules"]:
        lines.append(tr("  未通过原因: {message}", lang, message=rule_message(f, lang)))
    if data["unreported"]:
        lines.append(tr("  无牵头单位报送的任务 (按 0 计): {items}", lang, items=join(data["unreported"], lang)))
    if written:
        for key, label in (("docx", "检查验收报告"), ("xlsx", "汇总表"), ("html", "数据看板")):
            if written.get(key):
                lines.append(tr("  {label}: {path}", lang, label=tr(label, lang), path=written[key]))
        if written.get("charts"):
            first = next(iter(written["charts"].values()))["png"]
            lines.append(tr("  图表: {path}", lang, path=Path(first).parent))
        for n in written.get("notes", []):
            lines.append(tr("  注意: {note}", lang, note=note_text(n, lang)))
    return "\n".join(lines)

