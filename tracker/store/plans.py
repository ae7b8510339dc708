"""Plans in the store: every version of every year's plan, with its items, units and targets; and
the unit names they hold (renamed when the office registers an alias). Each function takes a
connection (:meth:`tracker.store.Store.read` or ``begin``)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tracker import jsonout
from tracker.model import LEAD, PARTICIPANT, Item, Plan, Target
from tracker.store.connection import now_iso
from tracker.store.schema import contacts, item_units, items, plans, received, returns, targets


class SavedVersion(int):
    """The version :meth:`Store.save_plan` stored the plan as (an int, as before), telling also
    whether it ``added`` a version and which version was current before (``previous``, or None)."""

    added: bool
    previous: int | None

    def __new__(cls, version: int, added: bool = True, previous: int | None = None):
        self = super().__new__(cls, version)
        self.added, self.previous = added, previous
        return self


def plan_content(plan: Plan) -> list[dict]:
    """What decides whether a re-import is a new version: every item with its units (raw text and
    parsed), targets and other columns, in order. The plan's name, source file and date do not."""
    return [it.to_dict() for it in plan.items]


def save_plan(conn, plan: Plan) -> SavedVersion:
    """Store plan as the newest version for its year; returns the version number.

    A plan whose items, units and targets equal the current version of its year adds no
    version: the current version is returned, with ``added`` False (see :class:`SavedVersion`)."""
    latest = conn.execute(select(func.max(plans.c.version)).where(plans.c.year == plan.year)).scalar()
    if latest:
        current = load_plan(conn, plan.year, latest)
        if plan_content(current) == plan_content(plan):
            plan.version = latest
            plan.db_id = current.db_id  # type: ignore[attr-defined]
            plan.imported_at = current.imported_at
            return SavedVersion(latest, added=False, previous=latest)
    version = (latest or 0) + 1
    plan.version = version
    plan.imported_at = plan.imported_at or now_iso()
    pid = conn.execute(plans.insert().values(
        year=plan.year, version=version, name=plan.name, source=plan.source, format=plan.format,
        source_sha256=plan.source_sha256, imported_at=plan.imported_at)).inserted_primary_key[0]
    item_rows, unit_rows, target_rows = [], [], []
    for pos, it in enumerate(plan.items):
        item_rows.append(dict(plan_id=pid, item_id=it.id, position=pos, number=it.number,
                              category_no=it.category_no, category=it.category, content=it.content,
                              lead_raw=it.lead_raw, participants_raw=it.participants_raw,
                              mandatory=bool(it.mandatory),
                              extra=jsonout.dumps(it.extra), label=it.label,
                              subcategory_no=it.subcategory_no, subcategory=it.subcategory))
        for role, names in ((LEAD, it.lead), (PARTICIPANT, it.participants)):
            for i, n in enumerate(names):
                unit_rows.append(dict(plan_id=pid, item_id=it.id, role=role, position=i, unit=n))
        for i, t in enumerate(it.targets):
            target_rows.append(dict(plan_id=pid, item_id=it.id, idx=i, text=t.text, metric=t.metric,
                                    op=t.op, value=t.value, value_max=t.value_max, unit=t.unit))
    for table, rows in ((items, item_rows), (item_units, unit_rows), (targets, target_rows)):
        if rows:
            conn.execute(table.insert(), rows)
    plan.db_id = pid  # type: ignore[attr-defined]
    return SavedVersion(version, added=True, previous=latest)


def plan_id(conn, year: int | None = None, version: int | None = None) -> int | None:
    """The id of a stored plan: the newest version of the given (or newest) year."""
    q = select(plans.c.id).order_by(plans.c.year.desc(), plans.c.version.desc())
    if year is not None:
        q = q.where(plans.c.year == year)
    if version is not None:
        q = q.where(plans.c.version == version)
    return conn.execute(q.limit(1)).scalar()


def load_plan(conn, year: int | None = None, version: int | None = None,
              plan_id_: int | None = None) -> Plan | None:
    pid = plan_id_ if plan_id_ is not None else plan_id(conn, year, version)
    if pid is None:
        return None
    p = conn.execute(select(plans).where(plans.c.id == pid)).mappings().one()
    units_by_item: dict[str, dict[str, list[str]]] = {}
    for r in conn.execute(select(item_units).where(item_units.c.plan_id == pid)
                          .order_by(item_units.c.item_id, item_units.c.role, item_units.c.position)):
        units_by_item.setdefault(r.item_id, {LEAD: [], PARTICIPANT: []})[r.role].append(r.unit)
    targets_by_item: dict[str, list[Target]] = {}
    for r in conn.execute(select(targets).where(targets.c.plan_id == pid)
                          .order_by(targets.c.item_id, targets.c.idx)):
        targets_by_item.setdefault(r.item_id, []).append(
            Target(text=r.text, metric=r.metric, op=r.op, value=r.value, unit=r.unit,
                   value_max=r.value_max))
    its = []
    for r in conn.execute(select(items).where(items.c.plan_id == pid).order_by(items.c.position)):
        u = units_by_item.get(r.item_id, {LEAD: [], PARTICIPANT: []})
        its.append(Item(id=r.item_id, number=r.number, content=r.content, lead=u[LEAD],
                        participants=u[PARTICIPANT], lead_raw=r.lead_raw,
                        participants_raw=r.participants_raw, category_no=r.category_no,
                        category=r.category, mandatory=bool(r.mandatory),
                        targets=targets_by_item.get(r.item_id, []), extra=json.loads(r.extra),
                        label=r.label, subcategory_no=r.subcategory_no, subcategory=r.subcategory))
    plan = Plan(name=p["name"], year=p["year"], items=its, source=p["source"], version=p["version"],
                format=p["format"], source_sha256=p["source_sha256"], imported_at=p["imported_at"])
    plan.db_id = pid  # type: ignore[attr-defined]
    return plan


def list_plans(conn) -> list[dict]:
    counts = dict(conn.execute(select(items.c.plan_id, func.count()).group_by(items.c.plan_id)).all())
    newest = dict(conn.execute(select(plans.c.year, func.max(plans.c.version))
                               .group_by(plans.c.year)).all())
    out = []
    for r in conn.execute(select(plans).order_by(plans.c.year, plans.c.version)).mappings():
        out.append({"year": r["year"], "version": r["version"], "name": r["name"],
                    "source": r["source"], "format": r["format"], "imported_at": r["imported_at"],
                    "items": counts.get(r["id"], 0), "current": newest[r["year"]] == r["version"]})
    return out


def unit_names(conn) -> set[str]:
    """Every unit named in a stored plan (any version)."""
    return {u for (u,) in conn.execute(select(item_units.c.unit).distinct())}


def rename_unit(conn, old: str, new: str) -> int:
    """Apply an alias to every stored plan and return: old becomes new. Returns rows changed."""
    n = conn.execute(item_units.update().where(item_units.c.unit == old).values(unit=new)).rowcount
    n += conn.execute(returns.update().where(returns.c.unit == old).values(unit=new)).rowcount
    n += conn.execute(received.update().where(received.c.unit == old).values(unit=new)).rowcount
    # the contact book follows (unless NEW has a contact of its own); links keep the name they
    # were signed with, and tracker.links resolves it through the registry
    if conn.execute(select(contacts.c.unit).where(contacts.c.unit == new)).first() is None:
        n += conn.execute(contacts.update().where(contacts.c.unit == old).values(unit=new)).rowcount
    return n
