"""The SQL of collecting returns (:mod:`tracker.collect`): the ``received`` files, the stored
returns with their rows and target actuals, their order (superseding), and reading them back.

Functions take a connection (the caller holds the transaction: ``store.begin()`` or
``store.read()``) and return plain values. (Not ``store/returns.py``: a submodule of that name
would replace the ``returns`` table that ``from tracker.store import returns`` gives.)
"""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, func, select, update

from tracker.store import insert_ignore, now_iso, received, return_rows, return_targets, returns


@functools.lru_cache(maxsize=1)
def _sql():
    """The statements collect runs for every file, built once (SQLAlchemy then caches their
    compiled form; building a statement per file cost more than running it)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        received=select(received).where(received.c.sha256 == bindparam("sha")),
        received_many=select(received).where(received.c.sha256.in_(bindparam("shas", expanding=True))),
        insert_received=received.insert(),
        update_received=received.update().where(received.c.sha256 == bindparam("sha")),
        current=select(returns).where(returns.c.unit == bindparam("unit"), returns.c.period == bindparam("period"),
                                      returns.c.superseded_by.is_(None), returns.c.withdrawn_at.is_(None)),
        insert_return=returns.insert(),
        supersede=returns.update().where(returns.c.id == bindparam("rid")),
        file_name=select(received.c.file_name).where(received.c.sha256 == bindparam("sha")),
    )


# -- received files ----------------------------------------------------------------------------------------
def received_row(conn, sha: str) -> dict | None:
    """The ``received`` row of a file, or None."""
    r = conn.execute(_sql().received, {"sha": sha}).mappings().first()
    return dict(r) if r is not None else None


def record_pending(conn, rows: dict[str, dict]) -> dict[str, dict]:
    """Record new files in ``received`` as given (``pending``); returns the rows that were there
    before, by sha256. A row another run inserted first is kept as it is (INSERT … ON CONFLICT DO
    NOTHING, inside the store's write lock): "already received"."""
    before = {r["sha256"]: dict(r) for r in conn.execute(_sql().received_many, {"shas": list(rows)}).mappings()}
    new = [row for sha, row in rows.items() if sha not in before]
    if new:
        insert_ignore(conn, received, new)
    return before


def mark_received(conn, values: dict) -> None:
    """Set a received file's outcome, problems, unit, period and processed_at (``values["sha"]``)."""
    conn.execute(_sql().update_received, values)


def correct_received_date(conn, sha: str, received_at: str) -> None:
    """A date given now replaces the default date stored for the file (in received and returns)."""
    conn.execute(update(received).where(received.c.sha256 == sha).values(received_at=received_at, date_source="given"))
    conn.execute(update(returns).where(returns.c.sha256 == sha).values(received_at=received_at))


def received_list(conn, period: str | None = None, unit: str | None = None) -> list[dict]:
    """Every ``received`` row, newest first, optionally of one period or unit."""
    q = select(received).order_by(received.c.received_at.desc(), received.c.processed_at.desc())
    if period:
        q = q.where(received.c.period == str(period))
    if unit:
        q = q.where(received.c.unit == unit)
    return [dict(r._mapping) for r in conn.execute(q)]


# -- returns ---------------------------------------------------------------------------------------------
def current_return(conn, unit: str, period: str) -> dict | None:
    """The unit's current (not superseded, not withdrawn) return for the period, or None."""
    r = conn.execute(_sql().current, {"unit": unit, "period": period}).mappings().first()
    return dict(r) if r is not None else None


def stored_values(conn, return_id: int) -> tuple[dict, dict]:
    """A return's rows {item id: {role, status, progress, done, problems, next}} and targets
    {(item id, idx): {actual, note}}, as :class:`~tracker.collect.outcome.Checked` holds them."""
    rows = {r["item_id"]: {"role": r["role"], "status": r["status"], "progress": r["progress"], "done": r["done"],
                           "problems": r["problems"], "next": r["next"]}
            for r in conn.execute(select(return_rows).where(return_rows.c.return_id == return_id)).mappings()}
    tg = {(t["item_id"], t["idx"]): {"actual": t["actual"], "note": t["note"]}
          for t in conn.execute(select(return_targets).where(return_targets.c.return_id == return_id)).mappings()}
    return rows, tg


def insert_return(conn, *, sha: str, plan_id: int, unit: str, period: str, received_at: str, rows: dict,
                  targets: dict) -> int:
    """Store an accepted return with its rows and target actuals; its id."""
    rid = conn.execute(_sql().insert_return, {
        "sha256": sha, "plan_id": plan_id, "unit": unit, "period": period,
        "received_at": received_at, "accepted_at": now_iso()}).inserted_primary_key[0]
    conn.execute(return_rows.insert(), [{"return_id": rid, "item_id": iid, **v} for iid, v in rows.items()])
    if targets:
        conn.execute(return_targets.insert(), [
            {"return_id": rid, "item_id": iid, "idx": idx, "actual": v["actual"], "note": v["note"]}
            for (iid, idx), v in targets.items()])
    return rid


def order_returns(conn, unit: str, period: str, rid: int, known: dict) -> list[str]:
    """Put the returns of one unit and period in order and mark all but the last superseded, each
    by the next one: ordered by (received date, the file's modification time, file name, sha256) —
    properties of the files, not of the order runs stored them in, so any number of concurrent
    collects end as one serial run. Withdrawn returns (tracker.withdraw) are left out of the chain.
    Fills ``known`` (current, replaced) for return ``rid``; returns the sha256 of every other return
    whose receipt reads differently now (its place changed)."""
    rows = conn.execute(select(returns.c.id, returns.c.sha256, returns.c.superseded_by, returns.c.received_at,
                               received.c.file_mtime, received.c.file_name)
                        .join(received, received.c.sha256 == returns.c.sha256)
                        .where(returns.c.unit == unit, returns.c.period == period,
                               returns.c.withdrawn_at.is_(None))).all()  # a withdrawn one is out of the chain
    rows.sort(key=lambda r: (r.received_at, r.file_mtime or "", r.file_name, r.sha256))
    sha_of = {r.id: r.sha256 for r in rows}
    touched: set[int] = set()
    for n, r in enumerate(rows):
        nxt = rows[n + 1].id if n + 1 < len(rows) else None
        if r.superseded_by != nxt:
            conn.execute(_sql().supersede, {"rid": r.id, "superseded_by": nxt})
            # its own receipt (current or not), and the old and new successor's ("replaced …")
            touched.update(x for x in (r.id, r.superseded_by, nxt) if x is not None)
        if r.id == rid:
            known["current"] = nxt is None
            prev = rows[n - 1] if n else None
            known["replaced"] = {"file": prev.file_name, "received_at": prev.received_at} if prev else None
    return sorted(sha_of[i] for i in touched if i != rid and i in sha_of)


def file_outcome(conn, sha: str) -> dict:
    """What the store holds about a received file, for its receipt: ``received`` (its row), and
    ``items``, ``current``, ``replaced`` ({file, received_at} of the return it superseded) when it
    was stored as a return; ``same_as`` and ``items`` (of the equal return) for a duplicate."""
    rec = dict(conn.execute(select(received).where(received.c.sha256 == sha)).mappings().one())
    out: dict = {"received": rec}
    ret = conn.execute(select(returns).where(returns.c.sha256 == sha)).mappings().first()
    if ret is not None:
        out["items"] = conn.execute(select(func.count()).select_from(return_rows)
                                    .where(return_rows.c.return_id == ret["id"])).scalar()
        out["current"] = ret["superseded_by"] is None and ret["withdrawn_at"] is None
        old = conn.execute(select(returns.c.received_at, received.c.file_name)
                           .join(received, received.c.sha256 == returns.c.sha256)
                           .where(returns.c.superseded_by == ret["id"])
                           .order_by(returns.c.id.desc())).first()
        out["replaced"] = {"file": old.file_name, "received_at": old.received_at} if old else None
    elif rec["outcome"] == "duplicate":
        same = conn.execute(select(returns.c.received_at, received.c.file_name, returns.c.id)
                            .join(received, received.c.sha256 == returns.c.sha256)
                            .where(returns.c.unit == rec["unit"], returns.c.period == rec["period"])
                            .order_by(returns.c.received_at.desc(), returns.c.id.desc())).first()
        if same is not None:
            out["same_as"] = {"file": same.file_name, "received_at": same.received_at}
            out["items"] = conn.execute(select(func.count()).select_from(return_rows)
                                        .where(return_rows.c.return_id == same.id)).scalar()
    return out


# -- what templates prefill (the unchanged-template check) ------------------------------------------------------
def year_progress(conn, year: int) -> list[tuple]:
    """(unit, item id, period, progress) of every current row of the year's returns, by period."""
    q = (select(returns.c.unit, return_rows.c.item_id, returns.c.period, return_rows.c.progress)
         .join(return_rows, return_rows.c.return_id == returns.c.id)
         .where(returns.c.period.like(f"{year}Q%"), returns.c.superseded_by.is_(None),
                returns.c.withdrawn_at.is_(None)).order_by(returns.c.period))
    return [tuple(r) for r in conn.execute(q)]


def earlier_rows(conn, unit: str, period: str) -> list[tuple]:
    """(period, item id, return id, status, progress, done, problems, next) of the unit's current
    rows of the earlier quarters of the period's year, by period (plain tuples of one indexed query)."""
    q = (select(returns.c.period, return_rows.c.item_id, returns.c.id, return_rows.c.status,
                return_rows.c.progress, return_rows.c.done, return_rows.c.problems, return_rows.c.next)
         .join(return_rows, return_rows.c.return_id == returns.c.id)
         .where(returns.c.unit == unit, returns.c.period >= f"{period[:4]}Q1", returns.c.period < period,
                returns.c.superseded_by.is_(None), returns.c.withdrawn_at.is_(None))
         .order_by(returns.c.period))
    return [tuple(r) for r in conn.execute(q)]


def targets_of(conn, return_ids) -> list[dict]:
    """The target actuals {return_id, item_id, idx, actual, note} of these returns."""
    return [dict(t) for t in conn.execute(select(return_targets)
                                          .where(return_targets.c.return_id.in_(set(return_ids)))).mappings()]
