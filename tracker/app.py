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

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tracker.links import LinkError, LinkGone, LinkNotFound  # (stdlib only at import: itsdangerous is lazy)
from tracker.problems import InputError, Problems, Refused, UsageError, WorkspaceError

Progress = Callable[[int, int, str], None]

__all__ = ["Tracker", "ImportResult", "ReportResult", "RemindResult", "ContactsResult", "LinksResult",
           "InputError", "UsageError", "WorkspaceError", "Refused", "LinkError", "LinkNotFound", "LinkGone",
           "Problems", "setup_workspace", "init_workspace", "restore", "backup_workspace_name", "run_demo",
           "parse_period", "tr", "format_graph_stats", "dumps", "store_error", "check_workspace", "web_server"]


def dumps(data, indent: int | None = None) -> str:
    """Strict JSON (no NaN/Infinity) as every --json and the web API print it."""
    from tracker.jsonout import dumps as strict

    return strict(data, indent=indent)


def store_error(e: BaseException):
    """A database error as one WorkspaceError for a person (damaged, full, read-only, unreachable)."""
    from tracker.store import store_error as err

    return err(e)


def check_workspace(root=None, db_url: str | None = None) -> dict:
    """``tracker check``: what is wrong with a workspace, and how to restore it (:mod:`tracker.check`)."""
    from tracker.check import check_workspace as check

    return check(root, db_url)


def upload_name(filename: str | None, default: str) -> str:
    """An uploaded file's name as a safe bare name (no folder, valid on Windows and Linux); the
    suffix is kept, since the importers and collect read it."""
    from tracker.files import safe_file_name

    given = Path(str(filename or "").replace("\\", "/")).name or default
    stem, suffix = Path(given).stem, Path(given).suffix.lower()[:10]
    return safe_file_name(stem or Path(default).stem, suffix=suffix)


@contextlib.contextmanager
def uploaded_file(data: bytes, name: str, purpose: str = "upload"):
    """The bytes of an upload as a file under ``name`` (already made safe: :func:`upload_name`) in
    a private temporary folder, removed on leaving: the importers and collect read paths, and a
    year or a unit may come from the file's name."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix=f"tracker-{purpose}-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(bytes(data))
        yield path


def tr(text: str, lang: str = "zh", /, **fields) -> str:
    """A user-facing sentence in ``lang`` (:mod:`tracker.i18n`)."""
    from tracker.i18n import tr as translate

    return translate(text, lang, **fields)


def plan_title(plan) -> str:
    """The plan's name with its year said once ("2007年广州市…")."""
    from tracker.templates import plan_title as title

    return title(plan)


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
    versions: dict = field(default_factory=dict)  # tracker.reimport.stale_templates

    @property
    def added(self) -> bool:
        """Whether the import made a new version (an unchanged plan adds none)."""
        return bool(self.versions.get("added", self.stored))

    def to_dict(self) -> dict:
        """``tracker plan import --json``."""
        p = self.plan
        return {"plan": {**p.to_dict()["plan"], "format": p.format}, **self.versions,
                "items": len(p.items),
                "categories": len({c for c, _ in p.categories() if c}),
                "units": len(p.units()),
                "targets": sum(len(i.targets) for i in p.items),
                "warnings": [w.to_dict() for w in self.problems.warnings]}

    def preview_dict(self) -> dict:
        """``tracker plan show --json`` for the parsed plan, plus ``"problems"`` (nothing stored);
        a table that cannot be read gives no plan, no items and its problems."""
        shown = self.plan.to_dict() if self.plan is not None else {"plan": None, "items": [], "units": []}
        return {**shown, "problems": [p.to_dict() for p in self.problems]}


@dataclass
class RemindResult:
    path: Path
    status: dict
    contacts: dict = field(default_factory=dict)  # unit -> {name, phone, email} of the missing units


@dataclass
class ContactsResult:
    """What importing a contact list gave: the contacts stored, the rows skipped, the warnings."""

    stored: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {unit, sheet, row, reason}
    problems: Problems = field(default_factory=Problems)

    def to_dict(self) -> dict:
        return {"stored": self.stored, "skipped": self.skipped,
                "warnings": [w.to_dict() for w in self.problems.warnings]}


@dataclass
class LinksResult:
    period: str
    links: list = field(default_factory=list)  # tracker.links.Link

    def to_dict(self) -> dict:
        """``tracker links PERIOD --json``."""
        return {"links": [k.to_dict() for k in self.links]}


@dataclass
class ReportResult:
    data: dict
    written: dict
    lang: str = "zh"
    summary: str = field(default="", repr=False)

    def to_dict(self) -> dict:
        """``tracker report YEAR --json``."""
        from tracker.reports.inspection.data import json_view

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
    """Create a workspace (an existing one is left as it is); returns its Workspace."""
    return setup_workspace(directory, db_url, units_file).ws


def setup_workspace(directory: Path, db_url: str | None = None, units_file: Path | None = None):
    """``tracker init``: an InitResult (ws, created, changes, kept). On an existing workspace nothing
    is overwritten; a units file is merged and every change listed."""
    from tracker.workspace import setup_workspace as setup

    return setup(Path(directory), db_url, Path(units_file) if units_file else None)


def run_demo(out: Path, *, seed: int = 2007, echo: Callable[[str], None] | None = None,
             on_progress: Progress | None = None, force: bool = False, workers: int | None = None) -> dict:
    """The demo year in ``out`` (see :mod:`tracker.demo`): a missing or empty folder, or with
    ``force`` one the demo made before; ``echo`` receives its one-line steps; ``workers``: the most
    processes that write the templates (None: one per core, at most 4)."""
    from tracker.demo import run_demo as demo

    return demo(Path(out), seed=seed, echo=echo or (lambda _line: None),
                progress=_wrap(on_progress, "收集回报"), force=force, workers=workers)


def restore(archive: Path, directory: Path | None = None, db_url: str | None = None) -> dict:
    """``tracker restore``: a whole workspace back from a backup into a new or empty folder
    (default: the backed-up workspace's name)."""
    from tracker.backup import restore as do_restore

    if directory is None:
        directory = backup_workspace_name(archive)
    return do_restore(Path(archive), Path(directory), db_url)


def backup_workspace_name(archive: Path) -> str:
    """The name of the workspace a backup holds."""
    from tracker.backup import _read_archive

    return _read_archive(Path(archive))[0].get("workspace") or "工作区"


def web_server(tracker: Tracker, host: str = "127.0.0.1", port: int = 8000, threads: int = 4,
               portal_only: bool = False):
    """The web app (:func:`tracker.web.create_app`) on a Waitress server, bound but not yet running
    (``.effective_port``, ``.run()``, ``.close()``), for ``tracker serve``. A host other than loopback
    is refused (UsageError) while the workspace has no accounts, unless ``portal_only`` (only the
    units' links ``/r/``, which need none). Flask and Waitress load only here."""
    from tracker.web.security import is_loopback

    if not (is_loopback(host) or host == "localhost" or portal_only) and not tracker.accounts.exists():
        raise UsageError(f"不能在 {host} 上启动: 工作区还没有账户; 请先运行 tracker users add 姓名, "
                         "或只在本机 (127.0.0.1) 使用")
    from waitress.server import create_server

    from tracker.web import create_app

    app = create_app(tracker, portal_only=portal_only)
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
                    year: int | None = None, name: str | None = None, columns=None,
                    unit: str | None = None, dry_run: bool = False) -> ImportResult:
        """Read a decomposition table (any form the importers know) and store it as the year's newest
        version. ``source`` is a path, or the bytes of an upload with its ``filename``; ``columns``
        maps roles to headers ("content=具体措施,lead=牵头单位" or a dict) and overrides the guess;
        ``unit`` leads a plan whose tasks name none (default: the office's name).

        With ``dry_run`` (the preview) nothing is written anywhere and nothing is raised: the result
        holds the plan as it would be stored (None when the table cannot be read) and every problem,
        errors included. Otherwise a rejected table raises InputError and the store is unchanged."""
        from tracker.importers import preview_plan

        if isinstance(source, bytes | bytearray):
            return self._import_bytes(bytes(source), filename or "upload", dry_run=dry_run, fmt=fmt,
                                      year=year, name=name, columns=columns, unit=unit)
        path = Path(source)
        if not path.exists():
            raise InputError(Problems().add("unreadable", "文件不存在", file=str(source)))
        kw = {"fmt": fmt, "year": year, "name": name, "columns": columns}
        if unit:
            kw["unit"] = unit
        store = self.store
        plan, problems = preview_plan(path, config=self.config, store=store, **kw)
        if dry_run:
            return ImportResult(plan, problems)
        if plan is None or problems.errors:
            raise InputError(problems)
        from tracker.reimport import stale_templates

        saved = store.save_plan(plan)  # an unchanged plan adds no version (saved.added False)
        versions = stale_templates(self.workspace, plan, saved)
        return ImportResult(plan, problems, int(saved), stored=bool(saved.added), versions=versions)

    def _import_bytes(self, data: bytes, filename: str, *, dry_run: bool, **kw) -> ImportResult:
        # The importers sniff content, but a year or a name may come from the file's name: keep it.
        with uploaded_file(data, upload_name(filename, "upload"), "import") as path:
            res = self.import_plan(path, dry_run=dry_run, **kw)
        if res.plan is not None:
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

    def add_alias(self, old: str, new: str, *, replace: bool = False) -> dict:
        """Register OLD as another name of NEW (tracker.toml) and rewrite the stored plans and returns.
        Refused (exit 1, 422) for a cycle, an unknown target or, without ``replace``, the reverse of
        an existing alias. Returns {old, new, current, replaced, rows, unchanged}."""
        from tracker.workspace import add_alias

        old, new = old.strip(), new.strip()
        if not old or not new:
            raise UsageError("单位名称不能为空")
        if old == new:
            raise UsageError("新旧名称相同")
        return add_alias(self.workspace, old, new, replace=replace)

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

    def parse_period(self, text):
        """A quarter as a person types it: 2007Q1, 2007年第一季度, 2007年一季度, or Q1 / 一季度 with the
        year of the latest stored plan (:func:`tracker.periods.parse_period`)."""
        import re
        import unicodedata

        from tracker.periods import parse_period as parse

        if not isinstance(text, str):
            text = str(text)
        if re.search(r"\d{4}", unicodedata.normalize("NFKC", text)):  # the year is written: no need to ask the store
            return parse(text)
        year = max((r["year"] for r in self.store.list_plans()), default=None)
        return parse(text, year)

    def _period(self, period):
        return self.parse_period(period) if period else self.default_period()

    def templates(self, period, *, out_dir: Path | None = None, units: list[str] | None = None,
                  on_progress: Progress | None = None, workers: int | None = None):
        """Write each unit's workbook for PERIOD (``outbox/PERIOD/``); a TemplateResult. ``workers``:
        the most processes that write them (None: one per core, at most 4; 1: this process only)."""
        from tracker.templates import make_templates

        return make_templates(self.workspace, str(self.parse_period(period)), Path(out_dir) if out_dir else None,
                              list(units) if units else None, progress=_wrap(on_progress, "生成模板"),
                              workers=workers)

    def collect(self, paths: list[Path] | None = None, *, received: date | None = None,
                period: str | None = None, dry_run: bool = False, keep: bool = False,
                on_progress: Progress | None = None, workers: int | None = None):
        """Archive, check and store returned workbooks (files or folders; default the inbox), with a
        receipt for each; a CollectResult. Files taken from the inbox move to inbox/已处理/ or
        inbox/已退回/ unless ``keep``. ``workers``: how many processes check (None: one per core;
        1: this one, see :func:`tracker.collect.pipeline.check_workers`)."""
        from tracker.collect import collect

        if period:
            period = str(self.parse_period(period))
        if not paths:  # the inbox is the source: an empty one is no error (collect makes what it writes)
            self.workspace.folder("inbox")
        return collect(self.workspace, [Path(p) for p in paths] if paths else None, received=received,
                       period=period, dry_run=dry_run, keep=keep, progress=_wrap(on_progress, "收集"),
                       workers=workers)

    def withdraw(self, file_or_sha: str, *, why: str = "", by: str | None = None) -> dict:
        """Withdraw an accepted return (file, sha256 or its prefix, or file name): it stops counting,
        the one it superseded counts again; the archive keeps the file, the history says who, when
        and why (:mod:`tracker.withdraw`)."""
        from tracker.withdraw import withdraw

        return withdraw(self.workspace, file_or_sha, why=why, by=by)

    def history(self, period=None, unit: str | None = None) -> list[dict]:
        """Every accepted return (current, superseded, withdrawn) with its events."""
        from tracker.withdraw import history

        return history(self.workspace, str(self.parse_period(period)) if period else None, unit)

    def backup(self, dest: Path | None = None) -> dict:
        """One archive of the whole workspace (store dump, tracker.toml, the secret, archive/,
        outbox/, inbox/, reports/): {file, files, tables}."""
        from tracker.backup import backup

        return backup(self.workspace, Path(dest) if dest else None)

    def returns(self, period, unit: str | None = None) -> list[dict]:
        """The accepted values of PERIOD (``tracker returns --json``'s ``rows``)."""
        from tracker.collect import return_rows_for

        return return_rows_for(self.workspace, str(self.parse_period(period)), unit)

    def status(self, period=None) -> dict:
        """``tracker status --json``: returned (late or not), missing, items by light."""
        from tracker.status import period_status

        p = self._period(period)
        return period_status(self.workspace, self.plan(p.year), self.registry, p, self.config)

    def format_status(self, st: dict, lang: str | None = None) -> str:
        from tracker.status import format_status

        return format_status(st, self.lang(lang))

    def remind(self, period, *, output: Path | None = None, lang: str | None = None,
               as_of: date | None = None) -> RemindResult:
        """The 催报名单 workbook of the units that have not returned PERIOD, dated ``as_of`` (default:
        the period's document date, never today)."""
        from tracker.reports.remind import write_remind

        st = self.status(period)
        path = Path(output) if output else self.folder("outbox") / f"{st['period']}-催报名单.xlsx"
        book = self.contact_book()
        mine = {u: book[u] for u in st["missing"] if u in book}
        write_remind(path, st, self.config, as_of, lang=self.lang(lang), contacts=mine)
        return RemindResult(path, st, mine)

    def send_reminders(self, period, *, dry_run: bool = False, today: date | None = None) -> dict:
        """E-mail each missing unit with an e-mail in the contact book one reminder (its own link,
        the deadline, the office's contact) through ``[mail]``; with ``dry_run`` only build them.
        ``{"period", "dry_run", "sent", "messages": [{unit, to, contact, subject, url, body}],
        "no_email": [units]}``."""
        from tracker.links import links_for
        from tracker.mail import Reminder, mail_settings, reminder_body, send_messages

        settings = mail_settings(self.config)
        st = self.status(period)
        book = self.contact_book()
        detail = {d["unit"]: d for d in st["missing_detail"]}
        with_mail = [u for u in st["missing"] if book.get(u, {}).get("email")]
        links = {k.unit: k for k in links_for(self.workspace, st["period"], with_mail)} if with_mail else {}
        label = parse_period(st["period"]).label
        today = today or date.today()
        messages = []
        for u in with_mail:
            c, k = book[u], links[u]
            items = detail[u]["items"]
            body = reminder_body(unit=u, contact=c.get("name", ""), label=label, due=st["due"], url=k.url,
                                 expires=k.expires, n_items=len(items),
                                 n_lead=sum(1 for it in items if it["role"] == "lead"), config=self.config,
                                 today=today)
            messages.append(Reminder(u, c["email"], f"【催报】{label}工作任务进展情况 ({u})", body, k.url,
                                     c.get("name", "")))
        sent = 0 if dry_run else send_messages(messages, settings)
        return {"period": st["period"], "dry_run": dry_run, "sent": sent,
                "messages": [m.to_dict() for m in messages],
                "no_email": [u for u in st["missing"] if u not in with_mail]}

    def bulletin(self, period, *, output: Path | None = None, lang: str | None = None,
                 as_of: date | None = None) -> list[Path]:
        """The quarterly bulletin (xlsx and docx) dated ``as_of`` (default: the period's document
        date, never today); the paths written."""
        from tracker.reports.bulletin import write_bulletin

        st = self.status(period)
        out_dir = Path(output) if output else self.folder("reports") / st["period"]
        return list(write_bulletin(out_dir, st, self.config, as_of, lang=self.lang(lang)))

    # -- the contact book (联络员名册) -----------------------------------------------------------------
    def contact_book(self) -> dict[str, dict]:
        """unit -> {unit, name, phone, email, updated_at}."""
        return self.store.load_contacts()

    def contacts(self) -> list[dict]:
        """``tracker units contacts --json``'s ``contacts``, by unit name."""
        return list(self.contact_book().values())

    def set_contact(self, unit: str, name: str = "", phone: str = "", email: str = "") -> dict | None:
        """Set UNIT's contact (its canonical name); all three empty removes it. Returns the contact."""
        from tracker.contacts import EMAIL, ContactRow

        canon = self.registry.canonical(unit or "")
        if not canon:
            raise UsageError("单位名称不能为空")
        name, phone, email = (str(x or "").strip() for x in (name, phone, email))
        if email and not EMAIL.match(email):
            raise UsageError(f"“{email}”不是电子邮箱地址")
        self.store.save_contacts([ContactRow(canon, name, phone, email)])
        return self.contact_book().get(canon)

    def known_units(self) -> set[str]:
        """Every concrete unit of the current plans (collectives expanded), and the plans' names."""
        from tracker.assignments import assign

        registry, store = self.registry, self.store
        out: set[str] = set()
        for row in store.list_plans():
            if row["current"]:
                plan = store.load_plan(row["year"])
                out.update(assign(plan, registry).units)
                out.update(registry.canonical(u["name"]) for u in plan.units())
        return out

    def import_contacts(self, source: Path | bytes, *, filename: str | None = None) -> ContactsResult:
        """Import the contact list a clerk has (xlsx/xls/ods/csv; columns found by their header
        words). Unit names go through the registry's canonical(); a unit no current plan has is
        skipped with a warning naming the row. Raises InputError for a file without such a table."""
        from tracker.contacts import read_contacts

        if isinstance(source, bytes | bytearray):
            with uploaded_file(source, upload_name(filename, "contacts.xlsx"), "contacts") as path:
                return self.import_contacts(path)
        path = Path(source)
        if not path.exists():
            raise InputError(Problems().add("unreadable", "文件不存在", file=str(source)))
        rows, problems = read_contacts(path)
        known = self.known_units()
        if not known:
            raise UsageError("工作区里还没有计划, 无法核对单位名称; 请先运行 tracker plan import")
        registry = self.registry
        res = ContactsResult(problems=problems)
        keep = []
        for c in rows:
            canon = registry.canonical(c.unit)
            if canon not in known:
                problems.warn("contact-unit-unknown", f"单位“{c.unit}”不在现行计划中, 该行未导入 (如为别名, 请先用 "
                              "tracker units alias 登记)", file=path.name, sheet=c.sheet, row=c.row)
                res.skipped.append({"unit": c.unit, "sheet": c.sheet, "row": c.row, "reason": "unit-unknown"})
                continue
            c.unit = canon
            keep.append(c)
        self.store.save_contacts(keep)
        book = self.contact_book()
        res.stored = [book[u] for u in dict.fromkeys(c.unit for c in keep) if u in book]
        return res

    # -- the units' links (docs/links.md) ----------------------------------------------------------
    def links(self, period) -> LinksResult:
        """The link of every unit that receives a template for PERIOD (issued where missing)."""
        from tracker.links import links_for

        p = str(self.parse_period(period))
        return LinksResult(p, links_for(self.workspace, p))

    def revoke_link(self, period, unit: str):
        """Revoke UNIT's link for PERIOD; returns its new Link (the old one now answers 410)."""
        from tracker.links import revoke

        return revoke(self.workspace, str(self.parse_period(period)), unit)

    def resolve_link(self, token: str, today: date | None = None):
        """(unit, period, nonce, expires) of a live link. Raises LinkNotFound (404: tampered or
        unknown) or LinkGone (410: expired or revoked; its message says whom to contact)."""
        from tracker.links import resolve

        return resolve(self.workspace, token, today)

    def link_rate_ok(self, token: str, now=None) -> bool:
        """Whether the link may take another upload now: fewer than ``[web] uploads_per_hour``
        (default 30) in the last hour. Raises LinkNotFound (404) for a token we did not sign."""
        from tracker.links import rate_ok

        return rate_ok(self.workspace, token, now)

    def collect_upload(self, token: str, data: bytes, filename: str, *, today: date | None = None):
        """A workbook sent through a unit's link: the collect path of ``tracker collect`` (archive
        first, every check, supersede, receipt), bound to the link's unit and period (another's
        workbook is rejected: link-unit-mismatch / link-period-mismatch, nothing stored). ``today``:
        the day it arrives (default today). Returns its FileOutcome (``to_dict`` is its entry in
        ``tracker collect --json``)."""
        from tracker.links import record

        link = self.resolve_link(token, today)
        with uploaded_file(data, upload_name(filename, "upload.xlsx")) as path:
            fo = self._collect_bound(path, link, today)
        fo.file = Path(filename or path.name).name
        record(self.workspace, link.nonce, fo.sha256 or None, "file")
        return fo

    def _collect_bound(self, path: Path, link, today: date | None):
        from tracker.collect import Collector

        c = Collector(self.workspace, received=today, link=(link.unit, link.period))
        try:
            fo = c.collect_file(path)
            c.flush()
        finally:
            c.close()
        return fo

    def submit_form(self, token: str, answers: dict, *, today: date | None = None):
        """The online form of a unit's link: its JSON archived (with its SHA-256) first, then the
        workbook those answers make (tracker.online_form) through the same path as :meth:`collect_upload`,
        so the checks, the stored return, the superseding and the receipt are a workbook's."""
        from tracker.collect import archive_file
        from tracker.links import record
        from tracker.online_form import form_file_name, form_json, form_workbook, sha256

        link = self.resolve_link(token, today)
        if not isinstance(answers, dict):
            raise UsageError("表单内容无效")
        doc = form_json(link.unit, link.period, answers)
        json_sha = sha256(doc)
        archive_file(self.workspace, json_sha, ".json", doc)  # before anything else happens
        data = form_workbook(self.workspace, link.unit, link.period, answers)
        with uploaded_file(data, form_file_name(link.period, link.unit, json_sha), "form") as path:
            fo = self._collect_bound(path, link, today)
        fo.file = path.name
        record(self.workspace, link.nonce, fo.sha256 or None, "form")
        return fo

    def form_problems(self, token: str, outcome, today: date | None = None) -> list[dict]:
        """The problems of a form's outcome, each with the form field it is about (``item`` and
        ``field``, or ``target`` and ``field``; none for a problem of the whole form), so the page
        can show each one beside its field."""
        from tracker.online_form import field_of

        page = self.link_page(token, today)
        items, targets = [i["id"] for i in page["items"]], [x["key"] for x in page["targets"]]
        return [{**p.to_dict(), **(field_of(p, items, targets) or {})} for p in outcome.problems]

    def receipt_text(self, outcome) -> str:
        """The 回执 of a FileOutcome, as written to outbox/receipts (without the BOM and CR)."""
        from tracker.collect import receipt_text

        return receipt_text(outcome, self.config)

    def link_page(self, token: str, today: date | None = None) -> dict:
        """What the unit's page shows: unit, period, due date and days left, its items with its
        role and last quarter's answers (and this quarter's, once sent), the targets it leads, and
        every file it sent this period with its outcome and receipt. Only this unit's data."""
        from tracker.assignments import assign
        from tracker.collect import stored_outcome
        from tracker.form import ITEM_FIELDS, STATUSES
        from tracker.links import link_problems_for
        from tracker.model import LEAD, ROLE_LABEL
        from tracker.templates import previous_returns

        def answers(r):
            return None if r is None else {k: r[k] for k in ITEM_FIELDS}

        link = self.resolve_link(token, today)
        p = parse_period(link.period)
        plan = self.plan(p.year)
        rows = assign(plan, self.registry).items_of(link.unit)
        prev = previous_returns(self.store, p, [link.unit]).get(link.unit, {})
        now = {r["item"]: r for r in self.returns(p, link.unit)}
        due = p.due(self.config)
        items, targets = [], []
        for it, role in rows:
            pr, cur = prev.get(it.id), now.get(it.id)
            mine_t = []
            if role == LEAD:
                prev_t = {t["idx"]: t for t in (pr or {}).get("targets", [])}
                cur_t = (cur or {}).get("targets", [])
                for i, t in enumerate(it.targets):
                    entry = {"key": f"{it.id}#{i}", "item": it.id, "idx": i, "metric": t.metric,
                             "target": t.describe(),
                             "previous": ({"actual": prev_t[i]["actual"], "note": prev_t[i]["note"]}
                                          if i in prev_t else None),
                             "current": ({"actual": cur_t[i]["actual"], "note": cur_t[i]["note"]}
                                         if i < len(cur_t) else None)}
                    mine_t.append(entry)
            targets += mine_t
            items.append({"id": it.id, "number": it.number, "category_no": it.category_no,
                          "category": it.category, "content": it.content, "role": role,
                          "role_label": ROLE_LABEL[role], "previous": answers(pr), "current": answers(cur),
                          "targets": mine_t})
        sent = []
        for f in self.store.sent_through(link.unit, link.period):
            fo = stored_outcome(self.workspace, f["sha256"])
            wrong = link_problems_for(fo, link)
            if wrong:  # another unit's (or period's) file accepted before, sent through this link
                fo.outcome, fo.problems = "rejected", wrong
                fo.receipt = fo.receipt.replace("-回执.txt", "-链接退回-回执.txt")  # as Collector wrote it
            sent.append({**fo.to_dict(), "outcome": fo.outcome, "accepted": fo.accepted, "name": fo.name,
                         "via_link": f["via_link"], "kind": f["kind"], "at": f["at"],
                         "receipt_text": self.receipt_text(fo)})
        today = today or date.today()
        return {"unit": link.unit, "period": link.period, "label": p.label, "due": due.isoformat(),
                "days_left": (due - today).days, "expires": link.expires.isoformat(),
                "plan": {"year": plan.year, "name": plan.name, "version": plan.version},
                "statuses": list(STATUSES), "items": items, "targets": targets, "sent": sent,
                "contact": self.contact_book().get(link.unit),
                "office": {k: self.config.get("office", {}).get(k, "") for k in ("name", "contact", "phone", "email")}}

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

    def font_note(self) -> str:
        """The line to show about the pictures' CJK font ("" when one was found), from
        :func:`tracker.fonts.setup_matplotlib` (which prints nothing)."""
        from tracker.fonts import setup_matplotlib

        return setup_matplotlib(self.config).message

    # -- the year ----------------------------------------------------------------------------------
    def report_date(self, year: int, today: date | None = None) -> date:
        """The date the year's report stands as of when none is given: today while the year's last
        quarter is not yet due; after that the day its figures stand as of (the fourth quarter's
        due date, or the last day a return of it came in) — never the day the command ran, so a
        report of 2007 written in 2026 still says early 2008 (as the bulletins do)."""
        from tracker.periods import year_periods
        from tracker.reports.bulletin import document_date

        today = today or date.today()
        q4 = year_periods(int(year))[-1]
        if today <= q4.due(self.config) or not any(r["year"] == int(year) for r in self.plans()):
            return today  # (no plan of that year: the report says so itself)
        return min(today, document_date(self.status(str(q4))))

    def report(self, year: int, *, output: Path | None = None, as_of: date | None = None,
               lang: str | None = None, on_progress: Progress | None = None) -> ReportResult:
        """The year-end inspection: figures, pass rules, Word/Excel/HTML and charts."""
        from tracker.reports.inspection.data import gather
        from tracker.reports.inspection.text import summary_text
        from tracker.reports.inspection.write import write_report

        lang = self.lang(lang)
        data = gather(self.workspace, int(year), as_of or self.report_date(int(year)))
        out_dir = Path(output) if output else self.folder("reports") / str(year)
        written = write_report(data, out_dir, self.config, workspace_root=self.root, lang=lang,
                               progress=_wrap(on_progress, "生成报告"))
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
        """Every file received, newest first (:func:`tracker.collect.received_files`)."""
        from tracker.collect import received_files

        return received_files(self.workspace, period, unit)

    def inspection(self, year: int, as_of: date | None = None) -> dict:
        """The year's inspection figures without writing files (:func:`tracker.reports.inspection.data.gather`)."""
        from tracker.reports.inspection.data import gather

        return gather(self.workspace, int(year), as_of)
