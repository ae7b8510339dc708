"""What status, the reports and the templates' prefill read: the current returns with their rows
and target actuals, when each unit's returns came, the periods seen, the files received. Each
function takes a connection (:meth:`tracker.store.Store.read`)."""

from __future__ import annotations

from sqlalchemy import select

from tracker.store.schema import received, return_rows, return_targets, returns


def current_return_rows(conn, *, period: str | None = None, year: int | None = None,
                        unit: str | None = None) -> list[dict]:
    """Accepted, not superseded returns joined with their rows and target actuals.

    One dict per (return, item): return_id, unit, period, received_at, plan_id, item_id, role,
    status, progress, done, problems, next, targets=[{idx, actual, note}]. Filter by period
    ("2007Q1"), by year (every quarter of it) and/or by unit.
    """
    q = (select(returns.c.id.label("return_id"), returns.c.unit, returns.c.period, returns.c.received_at,
                returns.c.plan_id, return_rows.c.item_id, return_rows.c.role, return_rows.c.status,
                return_rows.c.progress, return_rows.c.done, return_rows.c.problems, return_rows.c.next)
         .join(return_rows, return_rows.c.return_id == returns.c.id)
         .where(returns.c.superseded_by.is_(None), returns.c.withdrawn_at.is_(None)))
    if period is not None:
        q = q.where(returns.c.period == str(period))
    if year is not None:
        q = q.where(returns.c.period.like(f"{int(year)}Q%"))
    if unit is not None:
        q = q.where(returns.c.unit == unit)
    result = conn.execute(q.order_by(returns.c.period, returns.c.unit, return_rows.c.item_id))
    keys = list(result.keys())
    rows = [dict(zip(keys, r, strict=True)) for r in result]  # tuples: a third faster than .mappings()
    if not rows:
        return rows
    ids = {r["return_id"] for r in rows}
    tq = select(return_targets.c.return_id, return_targets.c.item_id, return_targets.c.idx,
                return_targets.c.actual, return_targets.c.note).where(
        return_targets.c.return_id.in_(ids)).order_by(
        return_targets.c.return_id, return_targets.c.item_id, return_targets.c.idx)
    by_key: dict[tuple, list[dict]] = {}
    for rid, iid, idx, actual, note in conn.execute(tq):
        by_key.setdefault((rid, iid), []).append({"idx": idx, "actual": actual, "note": note})
    for r in rows:
        r["targets"] = by_key.get((r["return_id"], r["item_id"]), [])
    return rows


def received_by_unit(conn, period) -> dict[str, dict]:
    """unit -> {first, last, returns}: dates (YYYY-MM-DD) of the first and of the current accepted
    return of the period, and how many accepted returns it sent (corrections included)."""
    out: dict[str, dict] = {}
    q = select(returns.c.unit, returns.c.received_at, returns.c.superseded_by).where(
        returns.c.period == str(period), returns.c.withdrawn_at.is_(None)).order_by(  # withdrawn: never counted
        returns.c.received_at, returns.c.id)
    for unit, received_at, superseded_by in conn.execute(q):
        d = out.setdefault(unit, {"first": received_at, "last": None, "returns": 0})
        d["returns"] += 1
        if superseded_by is None:
            d["last"] = received_at
    return out


def periods_seen(conn) -> tuple[list[str], list[str]]:
    """(the periods of accepted returns, the periods named by received files), as stored."""
    of_returns = [p for (p,) in conn.execute(select(returns.c.period).distinct())]
    of_received = [p for (p,) in conn.execute(select(received.c.period).where(received.c.period.is_not(None))
                                              .distinct())]
    return of_returns, of_received


def received_files(conn) -> list[dict]:
    """Every received file: [{sha256, file_name, archived_as, outcome}]."""
    rows = conn.execute(select(received.c.sha256, received.c.file_name, received.c.archived_as,
                               received.c.outcome)).mappings().all()
    return [dict(r) for r in rows]
