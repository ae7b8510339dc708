"""The application layer: one :class:`Tracker` per workspace, with a method for every action.

The command line (:mod:`tracker.cli`) and the web app (:mod:`tracker.web`) are two faces over this
one object, as Datasette's views are over its one ``Datasette`` app. A Tracker holds

- the workspace (its folders and ``tracker.toml``, read once; :meth:`Tracker.reload_config`),
- **one** store (one SQLAlchemy engine, shared by every call, closed with the Tracker), and
- the unit registry built from the configuration,

and its methods return values (plans, results, dicts that are exactly what ``--json`` prints). They
never print, exit, read a click context or the environment: the CLI reads ``TRACKER_WORKSPACE``
and friends and passes what it found. Long work reports progress through a callback
``on_progress(done, total, label)``.

Errors are values too: :class:`~tracker.problems.InputError` carries the problems of a rejected
input (file, sheet, cell), :class:`~tracker.problems.UsageError` a sentence for a person.

A Tracker is safe to share between the threads of a web server: the engine pools connections, each
call opens its own transaction, and nothing here keeps per-call state on the object.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tracker.problems import InputError, Problems, UsageError

Progress = Callable[[int, int, str], None]

__all__ = ["Tracker", "ImportResult", "ReportResult", "RemindResult", "InputError", "UsageError",
           "Problems", "init_workspace", "run_demo", "parse_period", "tr", "format_graph_stats", "web_server"]


def tr(text: str, lang: str = "zh", /, **fields) -> str:
    """A user-facing sentence in ``lang`` (:mod:`tracker.i18n`)."""
    from tracker.i18n import tr as translate

    return translate(text, lang, **fields)


def format_graph_stats(st: dict, top: int = 10) -> str:
    from tracker.graph import format_stats

    return format_stats(st, top=top)


def _wrap(on_progress: Progress | None, label: str):
    """The library's ``progress(iterable)`` hook from an ``on_progress(done, total, label)`` callback."""
    if on_progress is None:
        return None

    def progress(items: Iterable):
        items = list(items)
        total = len(items)
        on_progress(0, total, label)
        for n, x in enumerate(items, 1):
            yield x
            on_progress(n, total, label)

    return progress


@dataclass
class ImportResult:
    """What importing a table gave: the plan, its problems (warnings; errors raise), and the version
    stored (None for a dry run)."""

    plan: object
    problems: Problems
    version: int | None = None
    stored: bool = False

    def to_dict(self) -> dict:
        """``tracker plan import --json``."""
        p = self.plan
        return {"plan": {**p.to_dict()["plan"], "format": p.format},
                "items": len(p.items),
                "categories": len({c for c, _ in p.categories() if c}),
                "units": len(p.units()),
                "targets": sum(len(i.targets) for i in p.items),
                "warnings": [w.to_dict() for w in self.problems.warnings]}

    def preview_dict(self) -> dict:
        """``tracker plan show --json`` for the parsed plan, plus ``"problems"`` (nothing stored)."""
        return {**self.plan.to_dict(), "problems": [w.to_dict() for w in self.problems]}


@dataclass
class RemindResult:
    path: Path
    status: dict


@dataclass
class ReportResult:
    data: dict
    written: dict
    lang: str = "zh"
    summary: str = field(default="", repr=False)

    def to_dict(self) -> dict:
        """``tracker report YEAR --json``."""
        from tracker.reports.inspection import json_view

        out = json_view(self.data)
        w = self.written
        out["files"] = {k: str(v) for k, v in w.items() if k in ("docx", "xlsx", "html")}
        out["charts"] = {k: {"png": str(v["png"]), "svg": str(v["svg"])} for k, v in w["charts"].items()}
        out["notes"] = w["notes"]
        return out


def parse_period(text: str):
    from tracker.periods import parse_period as parse

    return parse(str(text))


def init_workspace(directory: Path, db_url: str | None = None, units_file: Path | None = None):
    """Create (or complete) a workspace; returns its Workspace."""
    from tracker.workspace import init_workspace as init

    return init(Path(directory), db_url, Path(units_file) if units_file else None)


def run_demo(out: Path, *, seed: int = 2007, echo: Callable[[str], None] | None = None,
             on_progress: Progress | None = None) -> dict:
    """The demo year in ``out`` (see :mod:`tracker.demo`); ``echo`` receives its one-line steps."""
    from tracker.demo import run_demo as demo

    return demo(Path(out), seed=seed, echo=echo or (lambda _line: None),
                progress=_wrap(on_progress, "收集回报"))


def web_server(tracker: Tracker, host: str = "127.0.0.1", port: int = 8000, threads: int = 4):
    """The web app (:func:`tracker.web.create_app`) on a Waitress server, bound but not yet running
    (``.effective_port``, ``.run()``, ``.close()``), for ``tracker serve``. A host other than loopback
    is refused (UsageError) while the workspace has no accounts. Flask and Waitress load only here."""
    from tracker.web.security import is_loopback

    if not (is_loopback(host) or host == "localhost") and not tracker.accounts.exists():
        raise UsageError(f"不能在 {host} 上启动: 工作区还没有账户; 请先运行 tracker users add 姓名, "
                         "或只在本机 (127.0.0.1) 使用")
    from waitress.server import create_server

    from tracker.web import create_app

    app = create_app(tracker)
    try:
        return create_server(app, host=host, port=port, threads=threads, ident="tracker",
                             max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
                             clear_untrusted_proxy_headers=True)
    except OSError as e:
        raise UsageError(f"无法在 {host}:{port} 上启动: {e.strerror or e}; 请换一个端口 (--port)") from None


class Tracker:
    """One workspace, opened. Use as a context manager, or call :meth:`close`."""

    def __init__(self, root: str | os.PathLike | None = None, db_url: str | None = None):
        from tracker.workspace import find_workspace

        self.workspace = find_workspace(root or ".", db_url)
        self.workspace.hold()

    @classmethod
    def open(cls, root: str | os.PathLike | None = None, db_url: str | None = None) -> Tracker:
        return cls(root, db_url)

    def close(self) -> None:
        self.workspace.release()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- what a Tracker holds ----------------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self.workspace.root

    @property
    def db_url(self) -> str:
        return self.workspace.db_url

    @property
    def store(self):
        return self.workspace.store()

    @property
    def config(self) -> dict:
        return self.workspace.config()

    def reload_config(self) -> dict:
        self.workspace._config = None
        return self.config

    @property
    def registry(self):
        from tracker.units import Registry

        return Registry.from_config(self.config)

    def lang(self, lang: str | None = None) -> str:
        from tracker.i18n import resolve

        return resolve(lang, self.config)

    def folder(self, name: str) -> Path:
        """inbox, outbox, archive or reports (created when missing)."""
        return self.workspace.folder(name)

    # -- plans -------------------------------------------------------------------------------------
    def import_plan(self, source: Path | bytes, *, filename: str | None = None, fmt: str = "auto",
                    year: int | None = None, name: str | None = None, dry_run: bool = False) -> ImportResult:
        """Read a decomposition table (any form the importers know) and store it as the year's newest
        version; with ``dry_run`` parse and check only (the preview). ``source`` is a path, or the
        bytes of an upload with its ``filename``. Raises InputError on a rejected table."""
        from tracker.importers import import_plan

        if isinstance(source, bytes | bytearray):
            return self._import_bytes(bytes(source), filename or "upload", fmt, year, name, dry_run)
        path = Path(source)
        if not path.exists():
            raise InputError(Problems().add("unreadable", "文件不存在", file=str(source)))
        registry = self.registry
        store = self.store
        for row in store.list_plans():  # units of stored plans count as known, for spelling warnings
            if row["current"]:
                registry.learn(u["name"] for u in store.load_plan(row["year"]).units())
        plan, problems = import_plan(path, fmt=fmt, year=year, name=name, registry=registry)
        if dry_run:
            return ImportResult(plan, problems)
        version = store.save_plan(plan)
        return ImportResult(plan, problems, version, stored=True)

    def _import_bytes(self, data: bytes, filename: str, fmt, year, name, dry_run) -> ImportResult:
        import tempfile

        from tracker.templates import safe_filename

        # The importers sniff content, but a year or a name may come from the file's name: keep it.
        with tempfile.TemporaryDirectory(prefix="tracker-import-") as tmp:
            path = Path(tmp) / safe_filename(Path(filename).name)[-100:]
            path.write_bytes(data)
            res = self.import_plan(path, fmt=fmt, year=year, name=name, dry_run=dry_run)
        res.plan.source = Path(filename).name
        return res

    def plans(self) -> list[dict]:
        """Every stored plan version (``tracker plan list --json``'s ``plans``)."""
        return self.store.list_plans()

    def plan(self, year: int | None = None, version: int | None = None):
        p = self.store.load_plan(year=year, version=version)
        if p is None:
            what = f"{year} 年" if year else ""
            raise UsageError(f"工作区里还没有{what}计划{f' 第 {version} 版' if version else ''}; "
                             "请先运行 tracker plan import")
        return p

    def units(self, year: int | None = None) -> list[dict]:
        """Units of the plan with their lead/participant counts and collective members."""
        registry = self.registry
        rows = self.plan(year).units()
        for r in rows:
            members = registry.expand(r["name"])
            r["members"] = [] if members == [r["name"]] else members
        return rows

    def add_alias(self, old: str, new: str) -> int:
        """Register OLD as another name of NEW (tracker.toml) and rewrite the stored plans and
        returns; returns how many stored records were rewritten."""
        import tomlkit

        old, new = old.strip(), new.strip()
        if not old or not new:
            raise UsageError("单位名称不能为空")
        if old == new:
            raise UsageError("新旧名称相同")
        doc = self.workspace.config_doc()
        table = doc["units"].setdefault("aliases", tomlkit.table())
        table[old] = new
        n = self.store.rename_unit(old, new)
        self.workspace.save_config_doc(doc)
        return n

    def set_collective(self, name: str, members: list[str]) -> None:
        """Set (or with no members, remove) the members of a collective unit such as 各区、县级市."""
        import tomlkit

        name = name.strip()
        if not name:
            raise UsageError("集合单位名称不能为空")
        doc = self.workspace.config_doc()
        table = doc["units"].setdefault("collectives", tomlkit.table())
        clean = [m.strip() for m in members if m.strip()]
        if clean:
            table[name] = clean
        elif name in table:
            del table[name]
        self.workspace.save_config_doc(doc)

    # -- the quarter -------------------------------------------------------------------------------
    def default_period(self):
        """The latest period with templates or returns, else the current quarter."""
        from tracker.status import default_period

        return default_period(self.workspace)

    def _period(self, period):
        return parse_period(period) if period else self.default_period()

    def templates(self, period, *, out_dir: Path | None = None, units: list[str] | None = None,
                  on_progress: Progress | None = None):
        """Write each unit's workbook for PERIOD (``outbox/PERIOD/``); a TemplateResult."""
        from tracker.templates import make_templates

        return make_templates(self.workspace, str(parse_period(period)), Path(out_dir) if out_dir else None,
                              list(units) if units else None, progress=_wrap(on_progress, "生成模板"))

    def collect(self, paths: list[Path] | None = None, *, received: date | None = None,
                period: str | None = None, dry_run: bool = False, on_progress: Progress | None = None):
        """Archive, check and store returned workbooks (files or folders; default the inbox), with a
        receipt for each; a CollectResult."""
        from tracker.returns import collect

        if period:
            period = str(parse_period(period))
        return collect(self.workspace, [Path(p) for p in paths] if paths else None, received=received,
                       period=period, dry_run=dry_run, progress=_wrap(on_progress, "收集"))

    def returns(self, period, unit: str | None = None) -> list[dict]:
        """The accepted values of PERIOD (``tracker returns --json``'s ``rows``)."""
        from tracker.returns import return_rows_for

        return return_rows_for(self.workspace, str(parse_period(period)), unit)

    def status(self, period=None) -> dict:
        """``tracker status --json``: returned (late or not), missing, items by light."""
        from tracker.status import period_status

        p = self._period(period)
        return period_status(self.workspace, self.plan(p.year), self.registry, p, self.config)

    def format_status(self, st: dict, lang: str | None = None) -> str:
        from tracker.status import format_status

        return format_status(st, self.lang(lang))

    def remind(self, period, *, output: Path | None = None, lang: str | None = None) -> RemindResult:
        """The 催报名单 workbook of the units that have not returned PERIOD."""
        from tracker.reports.remind import write_remind

        st = self.status(period)
        path = Path(output) if output else self.folder("outbox") / f"{st['period']}-催报名单.xlsx"
        write_remind(path, st, self.config, lang=self.lang(lang))
        return RemindResult(path, st)

    def bulletin(self, period, *, output: Path | None = None, lang: str | None = None) -> list[Path]:
        """The quarterly bulletin (xlsx and docx); the paths written."""
        from tracker.reports.bulletin import write_bulletin

        st = self.status(period)
        out_dir = Path(output) if output else self.folder("reports") / st["period"]
        return list(write_bulletin(out_dir, st, self.config, lang=self.lang(lang)))

    # -- the graph ---------------------------------------------------------------------------------
    def graph(self, year: int | None = None, expand: bool = False):
        from tracker.graph import build_graph

        return build_graph(self.plan(year), self.registry, expand=expand)

    def graph_stats(self, year: int | None = None, expand: bool = False, top: int = 10) -> dict:
        from tracker.graph import graph_stats

        return graph_stats(self.graph(year, expand), top=top)

    def write_graph(self, path: Path | None = None, fmt: str = "png", year: int | None = None,
                    expand: bool = False) -> tuple[Path, object]:
        """Write the unit–task graph (png/svg/graphml/gexf/json); (path, graph)."""
        from tracker.graph import write_graph

        G = self.graph(year, expand)
        path = Path(path) if path else self.folder("reports") / f"{G.graph['year']}-单位任务关系图.{fmt}"
        return write_graph(G, path, fmt, self.config), G

    # -- the year ----------------------------------------------------------------------------------
    def report(self, year: int, *, output: Path | None = None, as_of: date | None = None,
               lang: str | None = None) -> ReportResult:
        """The year-end inspection: figures, pass rules, Word/Excel/HTML and charts."""
        from tracker.reports.inspection import gather, summary_text, write_report

        lang = self.lang(lang)
        data = gather(self.workspace, int(year), as_of)
        out_dir = Path(output) if output else self.folder("reports") / str(year)
        written = write_report(data, out_dir, self.config, workspace_root=self.root, lang=lang)
        return ReportResult(data, written, lang, summary_text(data, written, lang))

    # -- added for the web app (issue 12): thin calls into the library ---------------------------
    @property
    def accounts(self):
        """The workspace's web accounts (:class:`tracker.users.Accounts`)."""
        from tracker.users import Accounts

        return Accounts(self.root)

    def assignments(self, year: int | None = None):
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

    def inspection(self, year: int, as_of: date | None = None) -> dict:
        """The year's inspection figures without writing files (:func:`tracker.reports.inspection.gather`)."""
        from tracker.reports.inspection import gather

        return gather(self.workspace, int(year), as_of)
