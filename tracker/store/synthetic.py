"""Accepted returns written straight into the store, for a benchmark's history
(:func:`tracker.synthetic.seed_history`): rows as ``collect`` stores them. Takes a connection."""

from __future__ import annotations

from tracker.store.connection import now_iso
from tracker.store.schema import received, return_rows, return_targets, returns


def insert_accepted(conn, plan_id: int, records: list[dict]) -> int:
    """Store each record {sha256, file_name, unit, period, received_at, rows: [{item_id, role,
    status, progress, done, problems, next}], targets: [{item_id, idx, actual, note}]} as a received
    file (accepted) and its return. Returns how many were stored."""
    for rec in records:
        sha, when = rec["sha256"], rec["received_at"]
        conn.execute(received.insert().values(
            sha256=sha, file_name=rec["file_name"], size=0, received_at=when,
            archived_as=f"archive/{sha}.xlsx", outcome="accepted", problems="[]", unit=rec["unit"],
            period=rec["period"], processed_at=now_iso()))
        rid = conn.execute(returns.insert().values(
            sha256=sha, plan_id=plan_id, unit=rec["unit"], period=rec["period"], received_at=when,
            accepted_at=now_iso())).inserted_primary_key[0]
        if rec["rows"]:
            conn.execute(return_rows.insert(), [{"return_id": rid, **r} for r in rec["rows"]])
        if rec["targets"]:
            conn.execute(return_targets.insert(), [{"return_id": rid, **t} for t in rec["targets"]])
    return len(records)
