"""The departments' links in the store: the nonces each unit's link for a period was signed with
(one live at a time), and every file or form sent through a link. Each function takes a
connection; :mod:`tracker.links` signs, checks and explains."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select, update

from tracker.store.connection import now_iso
from tracker.store.schema import link_files, link_nonces, received


def live_nonces(conn, period: str, units: list[str] | None = None) -> dict[str, str]:
    """unit -> its live nonce for period (of ``units``, or of every unit)."""
    q = select(link_nonces.c.unit, link_nonces.c.nonce).where(
        link_nonces.c.period == period, link_nonces.c.revoked_at.is_(None))
    if units is not None:
        q = q.where(link_nonces.c.unit.in_(units))
    return {u: n for u, n in conn.execute(q)}


def new_nonce(conn, unit: str, period: str) -> str:
    nonce = secrets.token_hex(8)
    conn.execute(link_nonces.insert().values(nonce=nonce, unit=unit, period=period, issued_at=now_iso()))
    return nonce


def issue(conn, period: str, units: list[str]) -> dict[str, str]:
    """unit -> its live nonce, a new one where there is none."""
    live = live_nonces(conn, period, list(units))
    for u in units:
        if u not in live:
            live[u] = new_nonce(conn, u, period)
    return live


def revoke(conn, period: str, same_unit, unit: str) -> str:
    """Revoke every live nonce of period whose unit ``same_unit(name)`` accepts (also one signed
    with a name the unit had before an alias); issue a new one for ``unit``, returned."""
    names = [u for u in live_nonces(conn, period) if same_unit(u)]
    conn.execute(update(link_nonces).where(link_nonces.c.unit.in_(names), link_nonces.c.period == period,
                                           link_nonces.c.revoked_at.is_(None)).values(revoked_at=now_iso()))
    return new_nonce(conn, unit, period)


def nonce_row(conn, nonce: str) -> dict | None:
    """The ``link_nonces`` row of a nonce: {nonce, unit, period, issued_at, revoked_at}, or None."""
    row = conn.execute(select(link_nonces).where(link_nonces.c.nonce == nonce)).mappings().first()
    return None if row is None else dict(row)


def uploads_since(conn, nonce: str, since: str) -> int:
    """How many files and forms came through the link of nonce after ``since`` (ISO timestamp)."""
    return conn.execute(select(func.count()).select_from(link_files).where(
        link_files.c.nonce == nonce, link_files.c.at > since)).scalar()


def record_upload(conn, nonce: str, sha256: str | None, at: str, kind: str = "file") -> None:
    conn.execute(link_files.insert().values(nonce=nonce, sha256=sha256, at=at, kind=kind))


def sent_through(conn, unit: str, period: str) -> list[dict]:
    """Files sent for (unit, period): through any of the unit's links for it, and the unit's own
    workbooks received otherwise (e-mail, OA: ``tracker collect``), except one that was rejected
    after it came through another unit's link (that one is the other unit's business: it is on the
    other unit's page). [{sha256, at, received_at, via_link, kind}] oldest first."""
    mine = select(link_nonces.c.nonce).where(link_nonces.c.unit == unit, link_nonces.c.period == period)
    out: dict[str, dict] = {}
    for sha, at, kind, day in conn.execute(
            select(link_files.c.sha256, link_files.c.at, link_files.c.kind, received.c.received_at)
            .join(received, received.c.sha256 == link_files.c.sha256)
            .where(link_files.c.nonce.in_(mine)).order_by(link_files.c.at, link_files.c.id)):
        out.setdefault(sha, {"sha256": sha, "at": at, "received_at": day, "via_link": True, "kind": kind})
    others = set(conn.execute(select(link_files.c.sha256).where(
        link_files.c.sha256.is_not(None), link_files.c.nonce.not_in(mine))).scalars())
    for sha, at, outcome in conn.execute(select(received.c.sha256, received.c.received_at, received.c.outcome)
                                         .where(received.c.unit == unit, received.c.period == period)):
        if sha not in out and not (sha in others and outcome == "rejected"):
            out[sha] = {"sha256": sha, "at": at, "received_at": at, "via_link": False, "kind": "file"}
    # by the office's date (the one receipts show), then by arrival
    return sorted(out.values(), key=lambda d: (d["received_at"], d["at"]))
