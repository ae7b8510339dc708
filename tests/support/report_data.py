"""A workspace for the year-end report with a plan and returns written straight into the store."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

from tracker.store import received, return_rows, return_targets, returns
from tracker.workspace import init_workspace

AS_OF = "2008-03-01"


def insert_return(store, plan_id: int, unit: str, period: str, received_at: str, rows: list[dict]) -> int:
    """One accepted return: a `received` row first, then `returns`, `return_rows`, `return_targets`."""
    sha = hashlib.sha256(f"{unit}|{period}|{received_at}|{uuid.uuid4()}".encode()).hexdigest()
    with store.begin() as conn:
        conn.execute(received.insert().values(
            sha256=sha, file_name=f"{unit}-{period}.xlsx", size=1000, received_at=received_at,
            archived_as=f"archive/{sha}.xlsx", outcome="accepted", problems="[]", unit=unit, period=period,
            processed_at=received_at + "T09:00:00"))
        rid = conn.execute(returns.insert().values(
            sha256=sha, plan_id=plan_id, unit=unit, period=period, received_at=received_at,
            accepted_at=received_at + "T09:00:00")).inserted_primary_key[0]
        for r in rows:
            conn.execute(return_rows.insert().values(
                return_id=rid, item_id=r["item_id"], role=r["role"], status=r["status"],
                progress=r["progress"], done="已开展", problems="", next=""))
            for t in r.get("targets") or []:
                conn.execute(return_targets.insert().values(
                    return_id=rid, item_id=r["item_id"], idx=t["idx"], actual=t["actual"], note=""))
    return rid


def insert_rows(store, plan_id: int, rows: list[dict]) -> None:
    """Group flat rows (as test_scoring builds them) into one return per unit and period."""
    groups: dict[tuple[str, str], list[dict]] = {}
    dates: dict[tuple[str, str], str] = {}
    for r in rows:
        key = (r["unit"], r["period"])
        groups.setdefault(key, []).append(r)
        dates[key] = r["received_at"]
    for (unit, period), rs in groups.items():
        insert_return(store, plan_id, unit, period, dates[(unit, period)], rs)


def make_workspace(root: Path, plan, rows, registry: dict, extra_toml: str = ""):
    ws = init_workspace(root)
    reg = root / "units.toml"
    lines = ["[units.collectives]"] + [
        f'"{k}" = [{", ".join(json.dumps(m, ensure_ascii=False) for m in v)}]'
        for k, v in registry["units"]["collectives"].items()]
    reg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from tracker.workspace import load_registry_file

    load_registry_file(ws, reg)
    if extra_toml:
        ws.config_path.write_text(ws.config_path.read_text(encoding="utf-8") + "\n" + extra_toml,
                                  encoding="utf-8")
    store = ws.store()
    store.save_plan(plan)
    insert_rows(store, store.plan_id(plan.year), rows)
    store.close()
    return ws
