"""What importing a plan again means for the templates already sent.

:meth:`tracker.store.Store.save_plan` adds no version when the items, units and targets equal the
current version (``SavedVersion.added`` False). When it adds one, :func:`stale_templates` reads the
identity of every template in ``outbox/<year>Q*/`` and lists those the new version makes stale:
a template is stale when its unit's items, as the template shows them
(:func:`tracker.assignments.unit_view`), differ in the new version — collect rejects those
(``plan-version-mismatch``) and accepts the others. ``send`` lists, per period that has templates,
the units to send a new template to: the stale ones still in the plan, and units new to the plan.
"""

from __future__ import annotations

from pathlib import Path


def _identity(path: Path):
    import python_calamine as pc

    from tracker.identity import SHEET, IdentityError, parse_cells

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        try:
            rows = wb.get_sheet_by_name(SHEET).to_python()
        finally:
            wb.close()
        return parse_cells(rows)
    except (IdentityError, Exception):  # not a template of ours (calamine raises several types)
        return None


def stale_templates(ws, plan, saved) -> dict:
    """{version, added, previous, stale: [{file, unit, period, version, in_plan}], send: {period: [unit]}}."""
    from tracker.assignments import assign, unit_view
    from tracker.units import Registry

    out = {"version": int(saved), "added": bool(saved.added), "previous": saved.previous, "stale": [], "send": {}}
    if not saved.added or not saved.previous:
        return out
    registry = Registry.from_config(ws.config())
    new = assign(plan, registry)
    store = ws.store()
    older: dict[int, object] = {}
    periods: dict[str, set[str]] = {}
    try:
        outbox = ws.root / "outbox"
        for folder in sorted(outbox.glob(f"{plan.year}Q[1-4]")) if outbox.is_dir() else []:
            for f in sorted(folder.glob("*.xlsx")):
                ident = _identity(f)
                if ident is None or ident.year != plan.year:
                    continue
                unit = registry.canonical(ident.unit)
                periods.setdefault(ident.period, set()).add(unit)
                if ident.plan_version not in older:
                    p = store.load_plan(plan.year, ident.plan_version)
                    older[ident.plan_version] = assign(p, registry) if p is not None else None
                was = older[ident.plan_version]
                if was is not None and unit_view(was, unit) == unit_view(new, unit):
                    continue
                out["stale"].append({"file": str(f), "unit": unit, "period": ident.period,
                                     "version": ident.plan_version, "in_plan": unit in new.by_unit})
    finally:
        store.close()
    for period, units in sorted(periods.items()):
        send = {s["unit"] for s in out["stale"] if s["period"] == period and s["in_plan"]}
        send |= set(new.by_unit) - units
        if send:
            out["send"][period] = sorted(send)
    return out
