"""The contact book in the store (联络员名册): one contact per unit. Each function takes a connection."""

from __future__ import annotations

from sqlalchemy import delete, select

from tracker.store.schema import contacts


def load_contacts(conn) -> dict[str, dict]:
    """unit -> {unit, name, phone, email, updated_at}, by unit name."""
    rows = conn.execute(select(contacts).order_by(contacts.c.unit)).mappings().all()
    return {r["unit"]: dict(r) for r in rows}


def save_contacts(conn, rows: list, at: str) -> None:
    """Store (replace) the contacts of these units (rows with unit, name, phone, email); a row with
    nothing in it removes the unit's contact; the last row of a unit wins."""
    units = list(dict.fromkeys(c.unit for c in rows))
    if units:
        conn.execute(delete(contacts).where(contacts.c.unit.in_(units)))
    last = {c.unit: c for c in rows}
    new = [{"unit": c.unit, "name": c.name, "phone": c.phone, "email": c.email, "updated_at": at}
           for c in last.values() if c.name or c.phone or c.email]
    if new:
        conn.execute(contacts.insert(), new)
