"""Reading collected returns back: the accepted values of a period (``tracker returns``) and the
files received (what the web app lists and serves receipts from)."""

from __future__ import annotations

import json

from tracker.collect.outcome import FileOutcome
from tracker.collect.receipts import receipt_name
from tracker.model import ROLE_LABEL


def return_rows_for(ws, period: str, unit: str | None = None) -> list[dict]:
    """The accepted values of PERIOD, one dict per unit and item (``tracker returns --json``)."""
    from tracker.periods import parse_period
    from tracker.store import current_return_rows
    from tracker.units import Registry

    p = parse_period(period)
    store = ws.store()
    if unit:
        unit = Registry.from_config(ws.config()).canonical(unit)
    plans: dict[int, object] = {}
    out = []
    try:
        with store.read() as conn:
            rows = current_return_rows(conn, period=str(p), unit=unit)
            for r in rows:
                if r["plan_id"] not in plans:
                    plans[r["plan_id"]] = store.load_plan(plan_id=r["plan_id"], conn=conn)
    finally:
        store.close()
    for r in rows:
        plan = plans[r["plan_id"]]
        it = plan.item(r["item_id"]) if plan else None
        targets = []
        for t in r["targets"]:
            metric = it.targets[t["idx"]].metric if it and t["idx"] < len(it.targets) else ""
            targets.append({"metric": metric, "actual": t["actual"], "note": t["note"]})
        out.append({"item": r["item_id"], "number": it.number if it else None, "unit": r["unit"],
                    "role": ROLE_LABEL.get(r["role"], r["role"]), "status": r["status"],
                    "progress": r["progress"], "done": r["done"], "problems": r["problems"], "next": r["next"],
                    "targets": targets, "received_at": r["received_at"]})
    position = {}
    for plan in plans.values():
        for i, it in enumerate(plan.items if plan else []):
            position.setdefault(it.id, i)
    out.sort(key=lambda d: (d["unit"], position.get(d["item"], 0)))
    return out


def received_files(ws, period: str | None = None, unit: str | None = None) -> list[dict]:
    """Every file received (accepted, rejected or duplicate), newest first, optionally of one period
    or unit: {sha256, file, received_at, outcome, unit, period, problems (count), receipt (its path
    in outbox/receipts, or "" when none was written)}. What the web app lists and serves receipts from."""
    from tracker.store.collect import received_list

    store = ws.store()
    try:
        with store.read() as conn:
            rows = received_list(conn, period, unit)
    finally:
        store.close()
    folder = ws.outbox / "receipts"
    out = []
    for r in rows:
        name = receipt_name(FileOutcome(file=r["file_name"], name=r["file_name"], sha256=r["sha256"]))
        out.append({"sha256": r["sha256"], "file": r["file_name"], "received_at": r["received_at"],
                    "outcome": r["outcome"], "unit": r["unit"], "period": r["period"],
                    "problems": len(json.loads(r["problems"] or "[]")),
                    "receipt": str(folder / name) if (folder / name).exists() else ""})
    return out
