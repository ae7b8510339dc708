"""TEMPORARY stand-in for the lead's tracker.app (APP_API.md) so the web app can be built and tested
before it lands on main. Replaced by main's version on merge (main wins)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.problems import InputError, UsageError


@dataclass
class ImportResult:
    plan: object
    problems: object
    version: int | None

    def to_dict(self) -> dict:
        p = self.plan
        return {"plan": {**p.to_dict()["plan"], "format": p.format}, "items": len(p.items),
                "categories": len({c for c, _ in p.categories() if c}), "units": len(p.units()),
                "targets": sum(len(i.targets) for i in p.items),
                "warnings": [x.to_dict() for x in self.problems.warnings]}

    def preview_dict(self) -> dict:
        return {**self.plan.to_dict(), "problems": [x.to_dict() for x in self.problems]}


@dataclass
class ReportResult:
    data: dict
    written: dict

    def to_dict(self) -> dict:
        from tracker.reports.inspection import json_view

        out = json_view(self.data)
        w = self.written
        out["files"] = {k: str(v) for k, v in w.items() if k in ("docx", "xlsx", "html")}
        out["charts"] = {k: {"png": str(v["png"]), "svg": str(v["svg"])} for k, v in w["charts"].items()}
        out["notes"] = w["notes"]
        return out


@dataclass
class RemindResult:
    path: Path
    status: dict


class Tracker:
    def __init__(self, root, db_url=None):
        from tracker.workspace import find_workspace

        self.workspace = find_workspace(root, db_url)
        self.root = self.workspace.root
        self.config = self.workspace.config()
        self.store = self.workspace.store()

    @classmethod
    def open(cls, root, db_url=None):
        return cls(root, db_url)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.store.close()

    def reload_config(self):
        self.config = self.workspace.config()

    @property
    def registry(self):
        from tracker.units import Registry

        return Registry.from_config(self.config)

    def import_plan(self, source, *, filename=None, fmt="auto", year=None, name=None, dry_run=False):
        import tempfile

        from tracker.importers import import_plan

        reg = self.registry
        for row in self.store.list_plans():
            if row["current"]:
                reg.learn(u["name"] for u in self.store.load_plan(row["year"]).units())
        if isinstance(source, bytes):
            with tempfile.TemporaryDirectory() as d:
                p = Path(d) / (filename or "plan")
                p.write_bytes(source)
                plan, problems = import_plan(p, fmt=fmt, year=year, name=name, registry=reg)
        else:
            plan, problems = import_plan(Path(source), fmt=fmt, year=year, name=name, registry=reg)
        version = None if dry_run else self.store.save_plan(plan)
        return ImportResult(plan, problems, version)

    def plans(self):
        return self.store.list_plans()

    def plan(self, year=None, version=None):
        p = self.store.load_plan(year=year, version=version)
        if p is None:
            raise UsageError("工作区里还没有计划; 请先导入")
        return p

    def units(self, year=None):
        reg = self.registry
        rows = self.plan(year).units()
        for r in rows:
            m = reg.expand(r["name"])
            r["members"] = [] if m == [r["name"]] else m
        return rows

    def add_alias(self, old, new):
        import tomlkit

        if old == new:
            raise UsageError("新旧名称相同")
        doc = self.workspace.config_doc()
        doc["units"].setdefault("aliases", tomlkit.table())[old] = new
        n = self.store.rename_unit(old, new)
        self.workspace.save_config_doc(doc)
        self.reload_config()
        return n

    def set_collective(self, name, members):
        import tomlkit

        doc = self.workspace.config_doc()
        doc["units"].setdefault("collectives", tomlkit.table())[name] = list(members)
        self.workspace.save_config_doc(doc)
        self.reload_config()

    def templates(self, period, *, out_dir=None, units=None, on_progress=None):
        from tracker.templates import make_templates

        return make_templates(self.workspace, period, out_dir, units)

    def collect(self, paths=None, *, received=None, period=None, dry_run=False, on_progress=None):
        from tracker.returns import collect

        return collect(self.workspace, paths, received=received, period=period, dry_run=dry_run)

    def returns(self, period, unit=None):
        from tracker.returns import return_rows_for

        return return_rows_for(self.workspace, str(period), unit)

    def default_period(self):
        from tracker.status import default_period

        return default_period(self.workspace)

    def status(self, period=None):
        from tracker.periods import parse_period
        from tracker.status import period_status

        p = parse_period(str(period)) if period else self.default_period()
        return period_status(self.workspace, self.plan(p.year), self.registry, p, self.config)

    def remind(self, period, *, output=None, lang=None):
        from tracker.i18n import resolve
        from tracker.reports.remind import write_remind

        st = self.status(period)
        path = Path(output) if output else self.workspace.outbox / f"{st['period']}-催报名单.xlsx"
        write_remind(path, st, self.config, lang=resolve(lang, self.config))
        return RemindResult(path, st)

    def bulletin(self, period, *, output=None, lang=None):
        from tracker.i18n import resolve
        from tracker.reports.bulletin import write_bulletin

        st = self.status(period)
        out = Path(output) if output else self.workspace.reports / st["period"]
        return write_bulletin(out, st, self.config, lang=resolve(lang, self.config))

    def graph(self, year=None, expand=False):
        from tracker.graph import build_graph

        return build_graph(self.plan(year), self.registry, expand=expand)

    def graph_stats(self, year=None, expand=False, top=10):
        from tracker.graph import graph_stats

        return graph_stats(self.graph(year, expand), top=top)

    def write_graph(self, path=None, fmt="png", year=None, expand=False):
        from tracker.graph import write_graph

        G = self.graph(year, expand)
        path = Path(path) if path else self.workspace.reports / f"{G.graph['year']}-单位任务关系图.{fmt}"
        return write_graph(G, path, fmt, self.config)

    def report(self, year, *, output=None, as_of=None, lang=None):
        from tracker.i18n import resolve
        from tracker.reports.inspection import gather, write_report

        data = gather(self.workspace, year, as_of)
        out = Path(output) if output else self.workspace.reports / str(year)
        written = write_report(data, out, self.config, workspace_root=self.root,
                               lang=resolve(lang, self.config))
        return ReportResult(data, written)

    def lang(self, lang=None):
        from tracker.i18n import resolve

        return resolve(lang, self.config)

    # -- added for the web app (issue 12): thin calls into the library ---------------------------
    @property
    def accounts(self):
        """The workspace's web accounts (:class:`tracker.users.Accounts`)."""
        from tracker.users import Accounts

        return Accounts(self.root)

    def assignments(self, year=None):
        """Who reports on what (:func:`tracker.assignments.assign`) for a year's plan."""
        from tracker.assignments import assign

        return assign(self.plan(year), self.registry)

    def template_files(self, period) -> list[dict]:
        """The templates written for PERIOD: [{unit, name, path}] (outbox/PERIOD/PERIOD-UNIT.xlsx)."""
        from tracker.periods import parse_period

        p = str(parse_period(str(period)))
        folder = self.workspace.root / "outbox" / p
        if not folder.is_dir():
            return []
        return [{"unit": f.stem[len(p) + 1:], "name": f.name, "path": f}
                for f in sorted(folder.glob(f"{p}-*.xlsx"))]

    def received(self, period=None, unit=None) -> list[dict]:
        """Every file received, newest first (:func:`tracker.returns.received_files`)."""
        from tracker.returns import received_files

        return received_files(self.workspace, period, unit)

    def inspection(self, year, as_of=None) -> dict:
        """The year's inspection figures without writing files (:func:`tracker.reports.inspection.gather`)."""
        from tracker.reports.inspection import gather

        return gather(self.workspace, int(year), as_of)


open_tracker = Tracker.open
__all__ = ["Tracker", "open_tracker", "InputError", "UsageError"]
