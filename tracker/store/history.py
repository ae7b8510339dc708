"""Withdrawals and the history of a unit's returns in the store: finding a received file, marking
a return withdrawn (and which return counts again), every return with its events. Each function
takes a connection; :mod:`tracker.withdraw` says what it means for the office."""

from __future__ import annotations

from sqlalchemy import select, update

from tracker.store.connection import now_iso
from tracker.store.schema import received, return_events, returns


def received_shas(conn, *, prefix: str | None = None, file_name: str | None = None) -> list[str]:
    """The sha256 of received files: those starting with ``prefix`` (hex), or received under ``file_name``."""
    q = select(received.c.sha256)
    if prefix is not None:
        q = q.where(received.c.sha256.like(prefix.lower() + "%"))
    if file_name is not None:
        q = q.where(received.c.file_name == file_name)
    return [r[0] for r in conn.execute(q)]


def withdraw_return(conn, sha: str, by: str, why: str) -> dict:
    """Withdraw the accepted return of file sha (inside a write transaction). Returns {state, ...}:

    - ``not-accepted``: no return has that file; ``received`` is its row (or None); nothing changed;
    - ``already``: it was withdrawn before; ``received``, ``return`` and its last ``event`` (or None);
    - ``withdrawn``: done; ``received``, ``return``, ``at``, and ``restored`` {file, received_at}
      (the return that counts again) or None."""
    rec = conn.execute(select(received).where(received.c.sha256 == sha)).mappings().first()
    ret = conn.execute(select(returns).where(returns.c.sha256 == sha)).mappings().first()
    rec = None if rec is None else dict(rec)
    if ret is None:
        return {"state": "not-accepted", "received": rec}
    ret = dict(ret)
    if ret["withdrawn_at"]:
        ev = conn.execute(select(return_events).where(return_events.c.return_id == ret["id"])
                          .order_by(return_events.c.id.desc())).mappings().first()
        return {"state": "already", "received": rec, "return": ret, "event": None if ev is None else dict(ev)}
    at = now_iso()
    conn.execute(update(returns).where(returns.c.id == ret["id"]).values(withdrawn_at=at))
    older = list(conn.execute(select(returns).where(returns.c.superseded_by == ret["id"],
                                                    returns.c.withdrawn_at.is_(None))
                              .order_by(returns.c.received_at.desc(), returns.c.id.desc())).mappings())
    restored = None
    if ret["superseded_by"] is None:  # it counted: the latest one it superseded counts again
        if older:
            restored = older[0]
            conn.execute(update(returns).where(returns.c.id == restored["id"]).values(superseded_by=None))
            heir = restored["id"]
        else:
            heir = None
    else:
        heir = ret["superseded_by"]
    rest = [r["id"] for r in older if restored is None or r["id"] != restored["id"]]
    if rest:
        conn.execute(update(returns).where(returns.c.id.in_(rest)).values(superseded_by=heir))
    conn.execute(update(received).where(received.c.sha256 == sha).values(outcome="withdrawn"))
    conn.execute(return_events.insert().values(return_id=ret["id"], sha256=sha, action="withdrawn", by=by,
                                               at=at, why=why, restored=restored["id"] if restored else None))
    back = None
    if restored is not None:
        name = conn.execute(select(received.c.file_name).where(received.c.sha256 == restored["sha256"])).scalar()
        back = {"file": name, "received_at": restored["received_at"]}
    return {"state": "withdrawn", "received": rec, "return": ret, "at": at, "restored": back}


def return_history(conn, period: str | None = None, unit: str | None = None) -> list[dict]:
    """Every accepted return (of period, of unit), oldest first: the ``returns`` row with the
    received file_name, and ``events`` [{action, by, at, why}]."""
    q = (select(returns, received.c.file_name).join(received, received.c.sha256 == returns.c.sha256)
         .order_by(returns.c.period, returns.c.unit, returns.c.received_at, returns.c.id))
    if period is not None:
        q = q.where(returns.c.period == period)
    if unit is not None:
        q = q.where(returns.c.unit == unit)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    events: dict[int, list[dict]] = {}
    ids = [r["id"] for r in rows]
    if ids:
        for e in conn.execute(select(return_events).where(return_events.c.return_id.in_(ids))
                              .order_by(return_events.c.id)).mappings():
            events.setdefault(e["return_id"], []).append(
                {"action": e["action"], "by": e["by"], "at": e["at"], "why": e["why"]})
    for r in rows:
        r["events"] = events.get(r["id"], [])
    return rows
