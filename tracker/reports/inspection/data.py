"""The inspection's figures: :func:`build_inspection` is pure (plan, assignments, return rows,
first-receipt dates, config and the "as of" date in; one JSON-ready dict out); :func:`gather` reads
those from a workspace.

Scoring rules are in :mod:`tracker.scoring`; the rest:

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

from tracker.office import office_name
from tracker.periods import year_periods
from tracker.reports.inspection.text import LATE, MISSING, ON_TIME, PENDING, report_title
from tracker.scoring import ScoringConfig, score_plan
from tracker.status import LIGHT_LABEL, light


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
    return {
        "year": year,
        "title": report_title(year),
        "plan": {"name": plan.name, "version": plan.version, "items": len(plan.items),
                 "categories": len(card.categories), "units": len(units),
                 "targets": len(targets)},
        "office": office_name(config),
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
def received_dates(conn, year: int) -> dict[str, dict[str, str]]:
    """period -> unit -> date of the first accepted return (superseded ones included) of the year:
    the same rule as the quarter's status (:func:`tracker.status.received_by_unit`)."""
    from tracker.status import received_by_unit

    out: dict[str, dict[str, str]] = {}
    for period in year_periods(year):
        got = received_by_unit(conn, period)
        if got:
            out[str(period)] = {unit: str(d["first"]) for unit, d in got.items()}
    return out


def gather(ws, year: int, as_of: date | None = None) -> dict:
    """The year's figures from a workspace's store and configuration."""
    from tracker.assignments import assign
    from tracker.problems import UsageError
    from tracker.store import current_return_rows
    from tracker.units import Registry

    config = ws.config()
    store = ws.store()
    try:
        plan = store.load_plan(year=year)
        if plan is None:
            raise UsageError(f"工作区里没有 {year} 年的计划; 请先运行 tracker plan import")
        with store.read() as conn:
            rows = current_return_rows(conn, year=year)
            received = received_dates(conn, year)
    finally:
        store.close()
    try:
        ScoringConfig.from_config(config)
    except ValueError as e:
        raise UsageError(str(e)) from None
    assignments = assign(plan, Registry.from_config(config))
    return build_inspection(plan, assignments, rows, received, config, as_of)
