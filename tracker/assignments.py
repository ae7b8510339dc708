"""Who reports on what: the concrete units behind a plan's unit names.

A unit named in the plan is either a unit (it reports for itself), a collective whose members the
registry defines ("各区、县级市政府" -> 越秀区政府, 荔湾区政府 …: each member reports, with the
collective's role), or a collective that cannot be expanded ("各有关单位": nobody receives a
template, and it is left out of completion). Templates, collection, status, scoring and reports all
read this one mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.model import LEAD, PARTICIPANT, Item, Plan


@dataclass
class Assignments:
    plan: Plan
    # concrete unit -> [(item, role)] in plan order; a unit that leads and joins the same item leads it
    by_unit: dict[str, list[tuple[Item, str]]] = field(default_factory=dict)
    # plan unit names that no one can report for (collectives with no members)
    unexpandable: list[str] = field(default_factory=list)
    # item id -> concrete lead units
    leads: dict[str, list[str]] = field(default_factory=dict)
    # item id -> concrete participant units
    participants: dict[str, list[str]] = field(default_factory=dict)
    # concrete unit -> the plan name it came from, where it came from a collective
    via: dict[str, str] = field(default_factory=dict)

    @property
    def units(self) -> list[str]:
        return list(self.by_unit)

    def role(self, unit: str, item_id: str) -> str | None:
        for it, role in self.by_unit.get(unit, []):
            if it.id == item_id:
                return role
        return None

    def items_of(self, unit: str) -> list[tuple[Item, str]]:
        return self.by_unit.get(unit, [])


def assign(plan: Plan, registry=None) -> Assignments:
    from tracker.units import Registry

    registry = registry or Registry()
    a = Assignments(plan)
    unexpandable: dict[str, None] = {}
    for it in plan.items:
        roles: dict[str, str] = {}
        for role, names in ((LEAD, it.lead), (PARTICIPANT, it.participants)):
            for name in names:
                members = registry.expand(name)
                if not members:
                    unexpandable.setdefault(name, None)
                    continue
                for m in members:
                    if m != name:
                        a.via.setdefault(m, name)
                    if roles.get(m) != LEAD:
                        roles[m] = role
        for unit, role in roles.items():
            a.by_unit.setdefault(unit, []).append((it, role))
            (a.leads if role == LEAD else a.participants).setdefault(it.id, []).append(unit)
        a.leads.setdefault(it.id, [])
        a.participants.setdefault(it.id, [])
    a.unexpandable = list(unexpandable)
    return a


def unit_view(a: Assignments, unit: str) -> tuple:
    """What a unit's template shows of the plan: its items (id, number, category, content, role)
    in order, and the targets of the items it leads. Two plan versions with the same view for a
    unit accept each other's templates of that unit (a new version makes stale only the templates
    whose view it changes)."""
    return tuple((it.id, it.number, it.category_no, it.category, it.content, role,
                  tuple((t.metric, t.describe()) for t in it.targets) if role == LEAD else ())
                 for it, role in a.items_of(unit))


def period_assignment(ws, period):
    """(period, the current plan of its year, who reports what) for a workspace, or UsageError when
    the year has no plan: what every per-unit piece of a quarter (templates' units, links, the
    online form) starts from."""
    from tracker.periods import parse_period
    from tracker.problems import UsageError
    from tracker.units import Registry

    p = parse_period(str(period))
    with ws.store() as store:
        plan = store.load_plan(year=p.year)
    if plan is None:
        raise UsageError(f"工作区里没有 {p.year} 年的计划; 请先运行 tracker plan import")
    return p, plan, assign(plan, Registry.from_config(ws.config()))
