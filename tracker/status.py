"""Where a period stands: who returned (on time or late), who is missing, and how each item is doing.

Everything here returns plain dicts and lists (JSON-ready), so the CLI, the 催报 list, the quarterly
bulletin and the year-end scoring (:mod:`tracker.scoring`) read the same figures.

Rules (also in ``docs/status-and-graph.md``):

* **Expected units** are the concrete units of :func:`tracker.assignments.assign`: a collective
  whose members the registry defines counts as its members; a collective that cannot be expanded
  (各有关单位) receives no template and is never "missing".
* **Returned**: a unit returned in a period when it has an accepted return for it. ``received_at``
  is the date the office received its *first* accepted return of the period (a later correction
  does not make an on-time return late); ``late`` = received after the due date
  (:meth:`tracker.periods.Period.due`).
* **Item completion** (:func:`item_completion`) comes from the returns of the item's *lead* units
  only; participants' rows are shown, never counted. With several leads it is the lowest
  (``[scoring] completion_from = "min"``, the default: an item is done when every lead says so) or
  the mean (``"mean"``). A lead row with no progress figure counts 100 when its status is 已完成,
  else 0. An item with no lead return has completion ``None`` (reported as 未报送).
* **Item status** (:func:`item_status`), from the lead rows:
  any lead 无法按期完成 → ``cannot_complete``; every concrete lead returned and all say 已完成 →
  ``completed``; no lead row, or every lead row 未启动 with 0 progress → ``not_started``;
  anything else → ``in_progress``.
* **Light** (:func:`light`): with E the period's expected progress, progress ≥ E − yellow_below →
  正常 (green); ≥ E − red_below → 预警 (yellow); else 滞后 (red). An item with no lead return,
  or one a lead says cannot be completed on time, is 滞后 (red).
* **Category completion** is the mean of its items' completion, an unreported item counting 0
  (as the year-end inspection counts it).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from tracker.form import CANNOT_COMPLETE, COMPLETED, NOT_STARTED, STATUS_KEY
from tracker.model import LEAD, ROLE_LABEL, Plan
from tracker.periods import Period, parse_period

STATUS_LABEL = {v: k for k, v in STATUS_KEY.items()}
LIGHTS = ("green", "yellow", "red")
LIGHT_LABEL = {"green": "正常", "yellow": "预警", "red": "滞后"}


# -- per item --------------------------------------------------------------------------------------
def row_progress(row: dict) -> float:
    """The progress a return row stands for (0–100): its figure, or 100/0 from the status if blank."""
    p = row.get("progress")
    if p is None or p == "":
        return 100.0 if str(row.get("status") or "").strip() == COMPLETED else 0.0
    return min(100.0, max(0.0, float(p)))


def item_completion(lead_rows: list[dict], how: str = "min") -> float | None:
    """Completion (0–100) of one item from its lead units' rows; ``None`` when there are none.

    ``how`` is ``"min"`` (default: the lowest lead) or ``"mean"``. Rows are dicts with at least
    ``status`` and ``progress`` (as :func:`tracker.store.current_return_rows` gives them).
    Participants' rows must not be passed.
    """
    if not lead_rows:
        return None
    values = [row_progress(r) for r in lead_rows]
    if how == "mean":
        return sum(values) / len(values)
    if how != "min":
        from tracker.problems import UsageError

        raise UsageError(f"配置 [scoring] completion_from = “{how}” 无效, 应为 \"min\" 或 \"mean\"")
    return min(values)


def item_status(lead_rows: list[dict], expected_leads: list[str] | None = None) -> str:
    """``completed`` / ``in_progress`` / ``not_started`` / ``cannot_complete`` from the lead rows.

    ``completed`` needs every unit of ``expected_leads`` (when given) to have a row saying 已完成.
    """
    if not lead_rows:
        return "not_started"
    statuses = [r.get("status") or "" for r in lead_rows]
    if CANNOT_COMPLETE in statuses:
        return "cannot_complete"
    reported = {r.get("unit") for r in lead_rows}
    all_leads_in = not expected_leads or all(u in reported for u in expected_leads)
    if all_leads_in and all(s == COMPLETED for s in statuses):
        return "completed"
    if all(s in (NOT_STARTED, "") and row_progress(r) == 0 for s, r in zip(statuses, lead_rows, strict=True)):
        return "not_started"
    return "in_progress"


def light(progress: float | None, expected: float, config: dict | None = None) -> str:
    """``green`` / ``yellow`` / ``red`` for a progress against the expected progress (0–100)."""
    periods = (config or {}).get("periods", {})
    yellow_below = float(periods.get("yellow_below", 0))
    red_below = float(periods.get("red_below", 15))
    if progress is None:
        return "red"
    if progress + 1e-9 >= expected - yellow_below:  # 1e-9: a mean of 74.99999… is 75
        return "green"
    if progress + 1e-9 >= expected - red_below:
        return "yellow"
    return "red"


def item_progress(plan: Plan, assignments, rows: list[dict], config: dict | None = None,
                  period: Period | None = None) -> list[dict]:
    """One dict per item of ``plan`` (plan order) with its completion, status and, given a period,
    its light.

    ``rows`` are return rows (dicts with ``unit``, ``item_id``, ``status``, ``progress``, ``done``,
    ``problems``, ``next``, optionally ``role``, ``received_at``, ``period``), typically
    :func:`tracker.store.current_return_rows` for one period. Where a unit has several rows for an
    item (several periods), the last one in ``rows`` wins — pass them oldest first to get each
    unit's latest figure. A row's unit is a lead when the assignments make it one; a unit unknown
    to the assignments falls back to the row's own ``role``.

    Each dict: ``item`` (id), ``number``, ``category_no``, ``category``, ``content``, ``mandatory``,
    ``leads`` (concrete lead units), ``lead_names`` (the lead units as the plan writes them, collectives
    unexpanded), ``lead_returns`` / ``participant_returns`` (unit, status,
    progress, done, problems, next, received_at), ``missing_leads``, ``completion`` (0–100 or
    None), ``status`` + ``status_label``, and with a period ``expected``, ``light`` + ``light_label``.
    """
    config = config or {}
    how = config.get("scoring", {}).get("completion_from", "min")
    by_item: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_item.setdefault(r["item_id"], {})[r["unit"]] = r
    expected = period.expected_progress(config) if period else None
    out = []
    for it in plan.items:
        leads = list(assignments.leads.get(it.id, []))
        parts = set(assignments.participants.get(it.id, []))
        lead_rows, part_rows = [], []
        for unit, r in by_item.get(it.id, {}).items():
            if unit in leads:
                is_lead = True
            elif unit in parts:
                is_lead = False
            else:
                is_lead = r.get("role") in (LEAD, "牵头")
            (lead_rows if is_lead else part_rows).append(r)
        order = {u: i for i, u in enumerate(leads)}
        lead_rows.sort(key=lambda r: (order.get(r["unit"], len(order)), r["unit"]))
        part_rows.sort(key=lambda r: r["unit"])
        completion = item_completion(lead_rows, how)
        status = item_status(lead_rows, leads)
        reported = {r["unit"] for r in lead_rows}
        d = {
            "item": it.id, "number": it.number, "category_no": it.category_no,
            "category": it.category, "content": it.content, "mandatory": it.mandatory,
            "leads": leads, "lead_names": list(it.lead),
            "lead_returns": [_public_row(r) for r in lead_rows],
            "participant_returns": [_public_row(r) for r in part_rows],
            "missing_leads": [u for u in leads if u not in reported],
            "completion": _round(completion),
            "status": status, "status_label": STATUS_LABEL[status],
        }
        if it.label:  # the number as the plan writes it (issue 11); absent for plain numbers
            d["label"] = it.label
        if it.subcategory_no or it.subcategory:
            d["subcategory_no"], d["subcategory"] = it.subcategory_no, it.subcategory
        if period is not None:
            lt = "red" if status == "cannot_complete" else light(completion, expected, config)
            d.update(expected=_round(expected), light=lt, light_label=LIGHT_LABEL[lt])
        out.append(d)
    return out


def _public_row(r: dict) -> dict:
    return {"unit": r["unit"], "status": r.get("status") or "", "progress": r.get("progress"),
            "done": r.get("done") or "", "problems": r.get("problems") or "",
            "next": r.get("next") or "", "received_at": r.get("received_at")}


def _round(v):
    if v is None:
        return None
    v = round(float(v), 1)
    return int(v) if v.is_integer() else v


def category_summary(items: list[dict]) -> list[dict]:
    """Per category (plan order): item count, mean completion (unreported = 0), status and light
    counts."""
    cats: dict[tuple[str, str], list[dict]] = {}
    for d in items:
        cats.setdefault((d["category_no"], d["category"]), []).append(d)
    out = []
    for (no, name), ds in cats.items():
        row = {"category_no": no, "category": name, "items": len(ds),
               "completion": _round(sum(d["completion"] or 0 for d in ds) / len(ds)),
               "unreported": sum(1 for d in ds if d["completion"] is None)}
        for s in STATUS_KEY.values():
            row[s] = sum(1 for d in ds if d["status"] == s)
        for lt in LIGHTS:
            row[lt] = sum(1 for d in ds if d.get("light") == lt)
        out.append(row)
    return out


def default_period(source, today: date | None = None) -> Period:
    """The latest period that has templates (``outbox/PERIOD/``) or returns; else the current quarter."""
    with _store_and_ws(source) as (store, ws):
        of_returns, of_received = store.periods_seen()
    found: set[Period] = set()
    for p in of_returns:
        found.add(parse_period(p))
    for p in of_received:
        try:
            found.add(parse_period(p))
        except Exception:  # a rejected file may carry anything
            pass
    if ws is not None:
        outbox = ws.root / "outbox"
        if outbox.is_dir():
            for child in outbox.iterdir():
                if child.is_dir():
                    try:
                        found.add(parse_period(child.name))
                    except Exception:
                        pass
    if found:
        return max(found)
    today = today or date.today()
    return Period(today.year, (today.month - 1) // 3 + 1)


@contextmanager
def _store_and_ws(source):
    """(store, workspace or None) from a Workspace (its store, closed after) or a Store."""
    if hasattr(source, "store") and callable(source.store) and hasattr(source, "root"):
        with source.store() as store:
            yield store, source
    else:
        yield source, None


# -- the period ------------------------------------------------------------------------------------
def period_status(source, plan: Plan, registry, period: Period, config: dict | None = None) -> dict:
    """Everything ``tracker status`` shows for one period, as a JSON-ready dict.

    ``source`` is a :class:`~tracker.workspace.Workspace` or a :class:`~tracker.store.Store`.
    Keys: period, label, due, expected_progress, plan, returned [{unit, received_at, late,
    days_late, last_received_at, returns, expected}], missing [units], missing_detail [{unit,
    items: [{item, number, content, role}]}], unexpandable, items {total, completed, in_progress,
    not_started, cannot_complete, unreported}, lights {green, yellow, red}, item_details (see
    :func:`item_progress`), categories (see :func:`category_summary`).
    """
    from tracker.assignments import assign

    config = config or {}
    a = assign(plan, registry)
    due = period.due(config)
    with _store_and_ws(source) as (store, _):
        rows, got = store.period_returns(period)
    details = item_progress(plan, a, rows, config, period)

    returned = []
    for unit, d in got.items():
        if d["last"] is None:  # every return superseded by a return of another period? keep it safe
            continue
        first = date.fromisoformat(d["first"])
        returned.append({"unit": unit, "received_at": d["first"], "late": first > due,
                         "days_late": max(0, (first - due).days), "last_received_at": d["last"],
                         "returns": d["returns"], "expected": unit in a.by_unit})
    returned.sort(key=lambda r: (r["received_at"], r["unit"]))
    in_ = {r["unit"] for r in returned}
    missing = [u for u in a.units if u not in in_]
    missing_detail = [{"unit": u, "via": a.via.get(u, ""),
                       "items": [{"item": it.id, "number": it.number, "content": it.content,
                                  "role": role, "role_label": ROLE_LABEL[role]}
                                 for it, role in a.items_of(u)]}
                      for u in missing]
    counts = {"total": len(details)}
    for s in ("completed", "in_progress", "not_started", "cannot_complete"):
        counts[s] = sum(1 for d in details if d["status"] == s)
    counts["unreported"] = sum(1 for d in details if d["completion"] is None)
    lights = {lt: sum(1 for d in details if d["light"] == lt) for lt in LIGHTS}
    return {
        "period": str(period), "label": period.label, "due": due.isoformat(),
        "expected_progress": _round(period.expected_progress(config)),
        "plan": {"year": plan.year, "version": plan.version, "name": plan.name},
        "returned": returned, "missing": missing, "missing_detail": missing_detail,
        "unexpandable": list(a.unexpandable),
        "items": counts, "lights": lights,
        "item_details": details, "categories": category_summary(details),
    }


def format_status(st: dict, lang: str = "zh") -> str:
    """A readable summary of :func:`period_status`: Chinese, or English with ``lang="en"``
    (:mod:`tracker.i18n`; unit names and item contents are data and stay as written)."""
    from tracker.i18n import ZH, join, period_label, tr

    def t(text, /, **fields):
        return tr(text, lang, **fields)

    def units_short(units: list[str], n: int = 3) -> str:
        if lang == ZH or not units or len(units) <= n:
            return _units_short(units, n) if lang == ZH else (join(units, lang) or "—")
        return t("{units}等{n}个单位", units=join(units[:n], lang), n=len(units))

    name = st["plan"]["name"] or ""
    if lang == ZH and not name.startswith(str(st["plan"]["year"])):
        name = f"{st['plan']['year']}年{name}"
    label = st["label"] if lang == ZH else period_label(st["period"], lang)
    lines = [t("{label} ({period}) 报送与进度情况   截止日期 {due}   应达进度 {expected}%", label=label,
               period=st["period"], due=st["due"], expected=st["expected_progress"]),
             t("计划: {name} (第 {version} 版)", name=name, version=st["plan"]["version"]), ""]
    expected = len(st["missing"]) + sum(1 for r in st["returned"] if r["expected"])
    on_time = [r for r in st["returned"] if not r["late"]]
    late = [r for r in st["returned"] if r["late"]]
    lines.append(t("已报送 {returned} 个单位 (应报 {expected} 个; 按时 {on_time}, 逾期 {late}), 未报送 {missing} 个。",
                   returned=len(st["returned"]), expected=expected, on_time=len(on_time), late=len(late),
                   missing=len(st["missing"])))
    by_date: dict[str, list[dict]] = {}
    for r in st["returned"]:
        by_date.setdefault(r["received_at"], []).append(r)
    for day, rs in by_date.items():
        mark = t(" [逾期 {days} 天]", days=rs[0]["days_late"]) if rs[0]["late"] else ""
        names = [r["unit"] + (t("(更正 {n} 次, 最近 {last})", n=r["returns"] - 1, last=r["last_received_at"])
                              if r["returns"] > 1 else "") for r in rs]
        lines.append(t("  {day}{mark} {n} 个: ", day=day, mark=mark, n=len(rs)) + join(names, lang))
    if st["missing"]:
        lines.append("")
        lines.append(t("未报送 ({n}): ", n=len(st["missing"])) + join(st["missing"], lang))
    if st["unexpandable"]:
        lines.append(t("无法落实到具体单位、不发模板: ") + join(st["unexpandable"], lang))
    c, lt = st["items"], st["lights"]
    lines += ["", t("任务 {total} 项: 已完成 {completed}, 推进中 {in_progress}, 未启动 {not_started}, "
                    "无法按期完成 {cannot} (其中牵头单位未报送 {unreported} 项)", total=c["total"],
                    completed=c["completed"], in_progress=c["in_progress"], not_started=c["not_started"],
                    cannot=c["cannot_complete"], unreported=c["unreported"]),
              t("预警灯: 正常 {green}, 预警 {yellow}, 滞后 {red}", green=lt["green"], yellow=lt["yellow"],
                red=lt["red"])]
    red = [d for d in st["item_details"] if d["light"] == "red"]
    if red:
        lines.append("")
        lines.append(t("滞后任务:"))
        for d in red:
            comp = t("未报送") if d["completion"] is None else f"{d['completion']}%"
            lines.append(t("  {number:>3}. {content}  牵头: {leads}  进度 {progress}  {status}", number=d.get("label") or d["number"],
                           content=_short(d["content"]), leads=units_short(d["lead_names"]), progress=comp,
                           status=t(d["status_label"])))
    return "\n".join(lines)


def _units_short(units: list[str], n: int = 3) -> str:
    if not units:
        return "—"
    if len(units) <= n:
        return "、".join(units)
    return "、".join(units[:n]) + f"等{len(units)}个单位"


def _short(s: str, n: int = 28) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


__all__ = ["item_completion", "item_status", "light", "item_progress", "category_summary",
           "period_status", "default_period", "format_status"]
