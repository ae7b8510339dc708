"""The command line: a thin click layer over :mod:`tracker.app`.

Each command is options → one :class:`~tracker.app.Tracker` method → echo or JSON; the environment
(``TRACKER_WORKSPACE``, ``TRACKER_DB``, ``TRACKER_WORKERS``) is read here and nowhere else. Heavy libraries
(matplotlib, openpyxl, SQLAlchemy, Flask …) are imported by the methods that use them, so
``tracker --help`` starts at once. Every read command has ``--json``. Problems are printed as values
(file, sheet, cell, message), never as a traceback.

Exit codes, the same in every command: 0 ok, 1 the input was rejected (a file, a return, a
plan: the problems are named) or refused (it would lose data), or the workspace is broken; 2 a usage
error (a wrong option, period, date, or no workspace/plan). Problems go to stderr; their codes only
with ``-v`` (and in ``--json``). ``-q`` prints errors only.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

import tracker.clickzh as clickzh

clickzh.install()  # click's own words in Chinese, before any option or help text is declared

from tracker.app import InputError, Problems, Refused, UsageError, WorkspaceError  # noqa: E402
from tracker.cli_types import DATE  # noqa: E402

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# -- shared plumbing --------------------------------------------------------------------------------
def ws_db_options(f):
    """The -w/--workspace and --db options, as values ``workspace`` and ``db_url``: on the root
    group, on groups and on commands alike (:func:`resolve_workspace` reads them at every level)."""
    f = click.option("--db", "db_url", default=None, envvar="TRACKER_DB",
                     help="数据库 SQLAlchemy URL (默认: tracker.toml 的 [store] url, 否则工作区里的 tracker.db)")(f)
    return click.option("-w", "--workspace", "workspace", type=click.Path(file_okay=False), default=None,
                        envvar="TRACKER_WORKSPACE",
                        help="工作区目录 (默认: 当前目录; 环境变量 TRACKER_WORKSPACE)")(f)


def tracker_options(f):
    """-w/--workspace and --db on a command; passes ``t`` (the opened Tracker) to it, closed after."""

    @ws_db_options
    @functools.wraps(f)
    def wrapper(*args, workspace=None, db_url=None, **kwargs):
        with open_tracker(workspace, db_url) as t:
            return f(*args, t=t, **kwargs)

    return wrapper


lang_option = click.option("--lang", type=click.Choice(["zh", "en"], case_sensitive=False), default=None,
                           help="输出语言 zh (中文) 或 en (English); 默认取 tracker.toml [office] language, 否则中文")


def open_tracker(workspace=None, db_url=None):
    """The Tracker of -w/--db given to this command, else to any group around it
    (`tracker -w DIR graph stats` and `tracker graph -w DIR stats` work like `… stats -w DIR`), else
    of $TRACKER_WORKSPACE / $TRACKER_DB, else of the current folder."""
    import os

    from tracker.app import Tracker

    workspace, db_url = group_params(workspace, db_url)
    return Tracker(workspace or os.environ.get("TRACKER_WORKSPACE") or ".",
                   db_url or os.environ.get("TRACKER_DB") or None)


def env_workers() -> int | None:
    """$TRACKER_WORKERS: the most processes a command may use (1: this one only); None when unset
    or not a positive whole number (then the library's default, one per core)."""
    import os

    env = os.environ.get("TRACKER_WORKERS", "").strip()
    return int(env) if env.isdigit() and int(env) > 0 else None


def group_params(workspace=None, db_url=None) -> tuple:
    """-w and --db as given to this command or to any group around it."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None and (workspace is None or db_url is None):
        workspace = workspace or ctx.params.get("workspace")
        db_url = db_url or ctx.params.get("db_url")
        ctx = ctx.parent
    return workspace, db_url


def click_progress(label: str, quiet: bool = False):
    """An ``on_progress(done, total, label)`` that draws a bar on stderr for more than a few items
    (none for --json or -q)."""
    if quiet or _root_flag("quiet"):
        return None
    state: dict = {}

    def on_progress(done: int, total: int, _label: str) -> None:
        if total <= 3:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done
        if done >= total:
            state.pop("bar").__exit__(None, None, None)
            state.pop("done", None)

    return on_progress


def emit_json(data) -> None:
    from tracker.app import dumps

    click.echo(dumps(data, indent=2))


def workspace_error(e: BaseException) -> WorkspaceError | None:
    """A broken workspace as one message (None: a bug, which keeps its traceback): the errors of
    a store (damaged, full, read-only, unreachable) and of the file system (a full disk, a
    read-only or forbidden folder) that any command may meet."""
    import errno

    if isinstance(e, WorkspaceError):
        return e
    if isinstance(e, OSError):
        name = e.filename or ""
        if e.errno == errno.ENOSPC or e.errno == getattr(errno, "EDQUOT", -1):
            return WorkspaceError(f"磁盘空间已满, 无法写入 {name}。请清理磁盘后重新运行; 已完成的部分已保存, "
                                  "未完成的文件下次运行时会重新处理")
        if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return WorkspaceError(f"无法写入 {name}: 工作区是只读的或没有写权限 ({e.strerror})。请检查权限后重新运行")
        return WorkspaceError(f"无法读写文件 {name}: {e.strerror or e}。请运行 tracker check 查看")
    if type(e).__module__.startswith("sqlalchemy"):
        from tracker.app import store_error

        return store_error(e)
    return None


def _root_flag(name: str) -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get(name))


def print_problems(problems: Problems | list, *, err: bool = True, verbose: bool = False) -> None:
    """Each problem on stderr; its code (for a program or a developer) only with -v."""
    verbose = verbose or _root_flag("verbose")
    for p in problems:
        text = str(p) if verbose else str(p).removesuffix(f" ({p.code})")
        click.secho(text, fg="red" if p.is_error else "yellow", err=True)


class TrackerGroup(click.Group):
    """Turns InputError/UsageError into a clear message and an exit code, never a traceback."""

    def invoke(self, ctx):
        import contextlib
        import os

        # the words after the group's own options (click 8.2 keeps the command in _protected_args)
        rest = [*(vars(ctx).get("_protected_args") or vars(ctx).get("protected_args") or []), *ctx.args]
        quiet = ctx.params.get("quiet") and "--json" not in rest
        try:
            with (open(os.devnull, "w") if quiet else contextlib.nullcontext()) as sink, \
                    (contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext()):
                return super().invoke(ctx)
        except InputError as e:
            print_problems(e.problems)
            n = len(e.problems.errors)
            click.secho(f"未导入: 发现 {n} 个错误, 数据未作任何改动。", fg="red", err=True)
            ctx.exit(1)
        except UsageError as e:
            click.secho(f"错误: {e}", fg="red", err=True)
            ctx.exit(2)
        except Refused as e:
            click.secho(f"未执行: {e}", fg="red", err=True)
            ctx.exit(1)
        except Exception as e:  # a broken workspace (store, disk, folders): one message, exit 1
            if isinstance(e, click.exceptions.Exit | click.ClickException | click.Abort):
                raise
            err = workspace_error(e)
            if err is None:
                raise
            click.secho(f"错误: {err}", fg="red", err=True)
            ctx.exit(1)


@click.group(cls=TrackerGroup, context_settings=CONTEXT)
@click.version_option(package_name="tracker", prog_name="tracker")
@click.option("-q", "--quiet", is_flag=True, help="只显示错误 (不显示进度和结果行; --json 照常输出)")
@click.option("-v", "--verbose", is_flag=True, help="问题后面也显示其代码 (如 bad-progress)")
@ws_db_options
def main(workspace, db_url, quiet, verbose):
    """tracker — 工作分解表的导入、季度填报收集、通报与年终检查验收。

    \b
    快速开始:
      tracker init 工作区            建立工作区
      tracker plan import 分解表.xlsx  导入工作分解表
      tracker templates 2007Q1       生成各单位填报模板
      tracker collect                收集 inbox/ 中的回报
      tracker status 2007Q1          查看报送与进度情况
      tracker report 2007            年终检查验收报告
    """


# -- init ------------------------------------------------------------------------------------------
@main.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--db", "db_url", default=None, envvar="TRACKER_DB", help="数据库 SQLAlchemy URL")
@click.option("--units", "units_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="从 TOML 文件载入单位名册 (别名、集合单位成员)")
def init(directory, db_url, units_file):
    """建立工作区: tracker.toml、数据库, 以及 inbox/ outbox/ archive/ reports/ 目录。

    已有的工作区不会被改动; 加 --units 时把名册合并进去, 并列出改动。"""
    from tracker.app import setup_workspace

    res = setup_workspace(Path(directory), db_url, Path(units_file) if units_file else None)
    ws = res.ws
    if res.created:
        click.echo(f"工作区已建立: {ws.root}")
        click.echo(f"  配置文件: {ws.config_path.name}   数据库: {ws.db_url}")
        click.echo("  下一步: tracker plan import 分解表文件")
        return
    click.echo(f"{ws.root} 已经是 tracker 工作区, 原有的配置、密钥和数据均未改动。")
    if units_file:
        click.echo(f"  单位名册 {units_file}: " + (f"合并了 {len(res.changes)} 处改动:" if res.changes else "没有需要合并的内容。"))
    for line in res.changes:
        click.echo(f"    + {line}")
    for line in res.kept:
        click.secho(f"    = {line}", fg="yellow")


# -- plan ------------------------------------------------------------------------------------------
@main.group()
def plan():
    """工作分解表: 导入、查看、列出版本。"""


@plan.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--year", type=int, default=None, help="计划年度 (默认从标题或文件名中找)")
@click.option("--name", default=None, help="计划名称 (默认用表格标题)")
@click.option("--format", "fmt", type=click.Choice(["auto", "xlsx", "xls", "ods", "csv", "docx", "doc", "html",
                                                   "pdf", "text", "narrative"]), default="auto",
              show_default=True, help="文件格式; auto 按内容识别")
@click.option("--columns", default=None, metavar="角色=表头,…",
              help="指定列, 例如 content=具体措施,lead=牵头单位 (角色: category_no category number content "
                   "lead participants mandatory deadline remarks)")
@click.option("--unit", default=None, metavar="NAME",
              help="没有写责任单位的方案 (如国家示范城市工作计划) 的牵头单位, 默认为 tracker.toml 的 [office] name")
@click.option("--dry-run", is_flag=True, help="只预览: 显示将导入的计划和所有问题, 不保存")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入结果")
@tracker_options
def plan_import(t, file, year, name, fmt, columns, unit, dry_run, as_json):
    """导入工作分解表 (xlsx/xls/ods/csv/docx/doc/html/pdf/文本表格/叙述式方案)。"""
    res = t.import_plan(Path(file), fmt=fmt, year=year, name=name, columns=columns, unit=unit,
                        dry_run=dry_run)
    plan_obj, problems, version = res.plan, res.problems, res.version
    if dry_run:
        if as_json:
            emit_json(res.preview_dict())
        elif plan_obj is not None:
            click.secho(f"预览 (未保存): {plan_obj.year} 年计划 “{plan_obj.name}” (格式 {plan_obj.format})", fg="green")
            _print_plan_items(plan_obj)
            print_problems(problems.warnings, err=False)
        if problems.errors:
            if not as_json:
                raise InputError(problems)
            sys.exit(1)
        return
    if as_json:
        emit_json(res.to_dict())
        return
    cats = [c for c in plan_obj.categories() if c[0] or c[1]]
    if not res.added:
        click.secho(f"{plan_obj.year} 年计划的任务、单位和指标与现行第 {version} 版完全相同, 未增加新版本; "
                    "已下发的模板仍然有效。", fg="green")
        _print_warnings(problems)
        return
    click.secho(f"已导入 {plan_obj.year} 年计划 “{plan_obj.name}” (第 {version} 版, 格式 {plan_obj.format})",
                fg="green")
    _print_stale(res.versions)
    click.echo(f"  任务 {len(plan_obj.items)} 项, 分类 {len(cats)} 类, 单位 {len(plan_obj.units())} 个, "
               f"量化指标 {sum(len(i.targets) for i in plan_obj.items)} 个, "
               f"必做任务 {sum(i.mandatory for i in plan_obj.items)} 项")
    for no, cat in cats:
        n = sum(1 for i in plan_obj.items if (i.category_no, i.category) == (no, cat))
        click.echo(f"  {no:>3}、{cat} ({n} 项)")
    _print_warnings(problems)


def _print_warnings(problems) -> None:
    if problems.warnings:
        click.secho(f"  警告 {len(problems.warnings)} 条:", fg="yellow")
        print_problems(problems.warnings, err=False)


def _print_stale(versions: dict) -> None:
    if not versions.get("previous"):
        return
    stale = versions["stale"]
    if not stale:
        click.echo(f"  已下发的模板都不受这次调整影响 (第 {versions['previous']} 版的模板仍可接收)。")
    else:
        click.secho(f"  这次调整使已下发的 {len(stale)} 份模板过时 (收到时将退回):", fg="yellow")
        for t in stale:
            gone = "" if t["in_plan"] else "  (该单位在新版计划中已没有任务)"
            click.echo(f"    {Path(t['file']).name}{gone}")
    for period, units_ in versions["send"].items():
        click.secho(f"  请重新下发 {period} 的模板: tracker templates {period} "
                    + " ".join(f"--unit {u}" for u in units_), fg="yellow")


@plan.command("show")
@click.option("--year", type=int, default=None, help="年度 (默认: 最新)")
@click.option("--version", "version", type=int, default=None, help="版本 (默认: 最新)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def plan_show(t, year, version, as_json):
    """显示计划的任务、单位与指标。"""
    p = t.plan(year, version)
    if as_json:
        emit_json(p.to_dict())
        return
    from tracker.app import plan_title

    click.secho(f"{plan_title(p)} (第 {p.version} 版, 来源 {p.source})", bold=True)
    _print_plan_items(p)


def _print_plan_items(p) -> None:
    last = None
    last_sub = None
    for it in p.items:
        if (it.category_no, it.category) != last and (it.category_no or it.category):
            click.secho(f"\n{it.category_no}、{it.category}", bold=True)
        last = (it.category_no, it.category)
        if (it.subcategory_no, it.subcategory) != last_sub and (it.subcategory_no or it.subcategory):
            click.secho(f" ({it.subcategory_no}) {it.subcategory}", bold=True)
        last_sub = (it.subcategory_no, it.subcategory)
        flag = " [必做]" if it.mandatory else ""
        click.echo(f"  {it.shown_number:>3}. {it.content}{flag}")
        click.echo(f"       牵头: {'、'.join(it.lead)}")
        if it.participants:
            click.echo(f"       参与: {'、'.join(it.participants)}")
        for t in it.targets:
            click.echo(f"       指标: {t.metric} {t.describe()}")


@plan.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def plan_list(t, as_json):
    """列出已导入的计划及其版本。"""
    rows = t.plans()
    if as_json:
        emit_json({"plans": rows})
        return
    if not rows:
        click.echo("还没有导入任何计划。")
    for r in rows:
        cur = "  (当前)" if r["current"] else ""
        click.echo(f"{r['year']} 第{r['version']}版  {r['items']:>4} 项  {r['name']}  "
                   f"[{r['source']}, {r['imported_at']}]{cur}")


# -- units -----------------------------------------------------------------------------------------
@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--year", type=int, default=None, help="年度 (默认: 最新计划)")
@ws_db_options
@click.pass_context
def units(ctx, as_json, year, workspace, db_url):
    """单位: 列出各单位牵头与参与的任务数; 子命令管理别名。"""
    if ctx.invoked_subcommand is not None:
        return
    ctx.invoke(units_list, as_json=as_json, year=year, workspace=workspace, db_url=db_url)


@units.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--year", type=int, default=None, help="年度 (默认: 最新计划)")
@tracker_options
def units_list(t, as_json, year):
    """列出单位及其牵头、参与任务数。"""
    rows = t.units(year)
    if as_json:
        emit_json({"units": rows})
        return
    from tracker.termtable import table

    def tag(r):
        if r["collective"] and r["members"]:
            return f"[集合: {len(r['members'])} 个成员]"
        return "[集合, 不下发模板]" if r["collective"] else ""

    ordered = sorted(rows, key=lambda r: (-r["lead"], -r["participant"], r["name"]))
    click.echo(table([[r["name"], r["lead"], r["participant"], tag(r)] for r in ordered],
                     ["单位", "牵头", "参与", ""], max_widths=[40], align=["left", "right", "right"]))


@units.command("alias")
@click.argument("old")
@click.argument("new")
@click.option("--replace", is_flag=True, help="取代已登记的相反别名 (NEW → OLD) 或 OLD 的原有别名")
@tracker_options
def units_alias(t, old, new, replace):
    """登记单位别名 (如机构改革后的新名称): OLD 视为 NEW, 并改写已存储的计划。

    NEW 须是已知的单位; 会形成循环的别名不予登记。"""
    res = t.add_alias(old, new, replace=replace)
    if res["unchanged"]:
        click.echo(f"别名“{res['old']}” → “{res['new']}”早已登记, 未作改动。")
        return
    if res["replaced"]:
        click.secho(f"已取代原别名: {res['replaced']}", fg="yellow")
    click.echo(f"已登记别名: “{res['old']}” → “{res['new']}”; 已改写 {res['rows']} 条已存储的记录。")


@units.command("contacts")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def units_contacts(t, file, as_json):
    """联络员名册: 给出 FILE (xlsx/xls/ods/csv, 含“单位”“联系人”“电话”“邮箱”等列) 则导入; 否则列出。"""
    if file:
        res = t.import_contacts(Path(file))
        if as_json:
            emit_json(res.to_dict())
            return
        click.secho(f"已导入联络员 {len(res.stored)} 个单位", fg="green")
        if res.problems.warnings:
            click.secho(f"  警告 {len(res.problems.warnings)} 条:", fg="yellow")
            print_problems(res.problems.warnings, err=False)
        return
    rows = t.contacts()
    if as_json:
        emit_json({"contacts": rows})
        return
    if not rows:
        click.echo("联络员名册是空的。导入: tracker units contacts 名册.xlsx")
    if rows:
        from tracker.termtable import table

        click.echo(table([[r["unit"], r["name"], r["phone"], r["email"]] for r in rows],
                         ["单位", "联系人", "电话", "电子邮箱"], max_widths=[40, 12, 18, 40]))


# -- status, remind, bulletin, graph ---------------------------------------------------------------
@main.command()
@click.argument("period", required=False)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@lang_option
@tracker_options
def status(t, period, as_json, lang):
    """查看某季度的报送与进度情况: 已报送(是否逾期)、未报送、任务状态与预警灯。

    PERIOD 如 2007Q1; 默认为最近一个已生成模板或已收到回报的季度。
    """
    st = t.status(period)
    if as_json:
        emit_json(st)
        return
    click.echo(t.format_status(st, lang))


@main.command()
@click.argument("period")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="输出文件 (默认: outbox/PERIOD-催报名单.xlsx)")
@click.option("--send", is_flag=True, help="给每个有电子邮箱的未报送单位发一封催报邮件 (含本单位填报链接; tracker.toml [mail])")
@click.option("--dry-run", is_flag=True, help="与 --send 同用: 只显示将要发送的邮件, 不发送")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 (与 --send 同用)")
@click.option("--date", "as_of", type=DATE, default=None,
              help="名单上的日期 (默认: 该季度截止日, 或最后收到回报的日期)")
@lang_option
@tracker_options
def remind(t, period, output, send, dry_run, as_json, lang, as_of):
    """生成催报名单 (xlsx): 未报送的单位及其任务和联络员, 可直接打印; --send 发催报邮件。"""
    from tracker.app import tr

    if send or dry_run:
        res = t.send_reminders(period, dry_run=dry_run)
        if as_json:
            emit_json(res)
            return
        for m in res["messages"]:
            if dry_run:
                click.echo(f"收件人: {m['to']}\n主题: {m['subject']}\n\n{m['body']}\n{'─' * 40}")
        verb = "将发送" if dry_run else "已发送"
        click.secho(f"{verb}催报邮件 {len(res['messages']) if dry_run else res['sent']} 封", fg="green")
        if res["no_email"]:
            click.secho(f"没有电子邮箱、未发邮件的未报送单位 {len(res['no_email'])} 个: {'、'.join(res['no_email'])}",
                        fg="yellow")
        return
    res = t.remind(period, output=Path(output) if output else None, lang=lang, as_of=as_of)
    click.echo(tr("催报名单已写入 {path}  (未报送单位 {n} 个)", t.lang(lang), path=res.path,
                  n=len(res.status["missing"])))
    for u in res.status["missing"]:
        c = res.contacts.get(u)
        if c:
            click.echo(f"  {u}  " + "  ".join(x for x in (c["name"], c["phone"], c["email"]) if x))


@main.command()
@click.argument("period")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="输出目录 (默认: reports/PERIOD/)")
@click.option("--date", "as_of", type=DATE, default=None,
              help="通报的成文日期 (默认: 该季度截止日, 或最后收到回报的日期)")
@lang_option
@tracker_options
def bulletin(t, period, output, lang, as_of):
    """生成季度通报 (xlsx 与 docx): 报送情况、分类推进情况、滞后任务。"""
    from tracker.app import tr

    for p in t.bulletin(period, output=Path(output) if output else None, lang=lang, as_of=as_of):
        click.echo(tr("已写入 {path}", t.lang(lang), path=p))


GRAPH_FORMATS = ("png", "svg", "graphml", "gexf", "json")


def _graph_args(ctx, year, expand):
    """(year, expand) with options given to the group filling in for the subcommand's."""
    parent = (ctx.parent.params if ctx.parent is not None and ctx.parent.command.name == "graph" else {})
    return year or parent.get("year"), expand or bool(parent.get("expand"))


@main.group("graph", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(GRAPH_FORMATS), default=None,
              help="输出格式 (默认按 -o 的扩展名, 否则 png)")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="输出文件 (默认: reports/YEAR-单位任务关系图.FORMAT)")
@click.option("--expand", is_flag=True, help="把集合单位展开为成员单位 (默认按计划中写的单位名称)")
@click.option("--year", type=int, default=None, help="年度 (默认: 最新计划)")
@ws_db_options
@click.pass_context
def graph(ctx, fmt, output, expand, year, workspace, db_url):
    """单位—任务关系图 (png/svg/graphml/gexf/json); 子命令 stats 给出负担、合作与中心度。"""
    if ctx.invoked_subcommand is not None:
        return
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in GRAPH_FORMATS else "png"
    year, expand = _graph_args(ctx, year, expand)
    with open_tracker(workspace, db_url) as t:
        path, G = t.write_graph(Path(output) if output else None, fmt, year, expand)
        note = t.font_note() if fmt in ("png", "svg") else ""
    if note:
        click.echo(note, err=True)
    click.echo(f"关系图已写入 {path}  (单位 {sum(1 for _, d in G.nodes(data=True) if d['kind'] == 'unit')} 个, "
               f"任务 {sum(1 for _, d in G.nodes(data=True) if d['kind'] == 'item')} 项)")


@graph.command("stats")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--top", type=int, default=10, show_default=True, help="列出前几名")
@click.option("--expand", is_flag=True, help="把集合单位展开为成员单位")
@click.option("--year", type=int, default=None, help="年度 (默认: 最新计划)")
@ws_db_options
@click.pass_context
def graph_stats_cmd(ctx, as_json, top, expand, year, workspace, db_url):
    """各单位牵头/参与任务数、只参与的单位、多牵头任务、合作最多的单位组合、中心度。"""
    from tracker.app import format_graph_stats as format_stats

    year, expand = _graph_args(ctx, year, expand)
    with open_tracker(workspace, db_url) as t:
        st = t.graph_stats(year, expand, top)
    if as_json:
        emit_json(st)
        return
    click.echo(format_stats(st, top=top))


# -- templates, collect, returns -------------------------------------------------------------------
@main.command()
@click.argument("period")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="输出目录 (默认: outbox/PERIOD/)")
@click.option("--unit", "units_", multiple=True, help="只生成这些单位的模板 (可多次使用)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def templates(t, period, output, units_, as_json):
    """生成某季度各单位的填报模板 (每个单位一个 xlsx, 只列本单位的任务)。"""
    res = t.templates(period, out_dir=Path(output) if output else None, units=list(units_) or None,
                      on_progress=click_progress("生成模板", as_json), workers=env_workers())
    if as_json:
        emit_json(res.to_dict())
        return
    click.secho(f"已生成 {len(res.files)} 个填报模板 → {res.out_dir}", fg="green")
    for f in res.files:
        click.echo(f"  {Path(f['file']).name}  ({f['items']} 项任务"
                   + (f", {f['targets']} 个指标" if f["targets"] else "") + (", 已预填上季度内容" if f.get("prefilled") else "")
                   + ")")
    if res.skipped:
        click.secho(f"未生成 (集合单位无法展开为具体单位) {len(res.skipped)} 个: {'、'.join(res.skipped)}",
                    fg="yellow")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--received", type=DATE, default=None,
              help="办公室收到文件的日期, 如 2007-04-08 或 2007年4月8日 (默认: 今天)")
@click.option("--period", default=None, help="只接收该季度的报表 (默认: 按收到日期, 当季或上一季度)")
@click.option("--dry-run", is_flag=True, help="只检查, 不存档、不入库、不写回执")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("-v", "--verbose", is_flag=True, help="也逐个列出此前已收到过、未作改动的文件")
@click.option("--keep", is_flag=True, help="处理后不移动 inbox/ 中的文件 (默认移入 inbox/已处理/ 或 inbox/已退回/)")
@click.pass_context
@tracker_options
def collect(ctx, t, paths, received, period, dry_run, as_json, verbose, keep):
    """收集各单位报回的填报表 (xlsx/xls/ods): 存档、检查、入库, 并为每个文件写回执。

    PATHS 为文件或目录, 默认为工作区的 inbox/。全部接收时退出码为 0, 有退回的为 1。
    """
    res = t.collect([Path(p) for p in paths] or None, received=received, period=period, dry_run=dry_run,
                    keep=keep, on_progress=click_progress("收集", as_json), workers=env_workers())
    if as_json:
        emit_json(res.to_dict())
    else:
        if not res.files:
            click.echo("没有找到要收集的文件。")
        for f in res.files:
            if not verbose and f.accepted and (f.duplicate or f.outcome == "duplicate"):
                continue  # received before and unchanged: counted in the summary line below
            if f.accepted:
                tag = "重复, 未改动" if f.duplicate or f.outcome == "duplicate" else (
                    "已接收, 替代此前报表" if f.superseded else "已接收")
                click.secho(f"✔ {f.name}: {f.unit} {f.period}, {f.items} 项  [{tag}]", fg="green")
                print_problems(f.problems, verbose=verbose)
            else:
                click.secho(f"✘ {f.name}: 退回{' (重复报送)' if f.duplicate else ''}", fg="red")
                print_problems(f.problems, verbose=verbose)
        _print_rejected_summary(res, dry_run)
        for name in res.not_returns:
            click.secho(f"? {name}: 不是表格文件 (tracker 只收集 .xlsx .xls .ods), 未处理; 请办公室自行查看", fg="yellow")
        dry = " (试运行, 未作任何改动)" if dry_run else ""
        again = sum(1 for f in res.files if f.duplicate or f.outcome == "duplicate")
        again_text = (f" (其中 {again} 个此前已收到过, 未作改动{'' if verbose else '; 加 -v 逐个列出'})"
                      if again else "")
        click.echo(f"共 {len(res.files)} 个文件: 接收 {len(res.accepted)} 个, 退回 {len(res.rejected)} 个"
                   f"{again_text}{dry}")
        if any(f.receipt for f in res.files) and not dry_run:
            click.echo(f"回执已写入 {t.folder('outbox') / 'receipts'}")
        moved = [f for f in res.files if f.moved_to]
        if moved:
            ok = sum(1 for f in moved if f.accepted)
            click.echo(f"inbox/ 中收集过的文件已移走: {ok} 个移入 inbox/已处理/, {len(moved) - ok} 个移入 inbox/已退回/"
                       " (原件另存于 archive/; 加 --keep 则不移动)")
    if res.rejected:
        ctx.exit(1)


@main.command()
@click.argument("period")
@click.option("--revoke", "revoke", default=None, metavar="UNIT", help="停用该单位的链接并另发一个新链接")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def links(t, period, revoke, as_json):
    """各单位本季度的填报链接 (每个收到模板的单位一个; 网址取 tracker.toml [web] base_url)。"""
    if revoke:
        link = t.revoke_link(period, revoke)
        if as_json:
            emit_json({"links": [link.to_dict()]})
            return
        click.secho(f"已停用 {link.unit} 的旧链接; 新链接 (有效期至 {link.expires}):", fg="green")
        click.echo(f"  {link.url}")
        return
    res = t.links(period)
    if as_json:
        emit_json(res.to_dict())
        return
    for k in res.links:
        click.echo(f"{k.unit}\t{k.url}\t{k.expires}")
    click.echo(f"共 {len(res.links)} 个单位的链接, 有效期至 {res.links[0].expires if res.links else '-'}")



def _print_rejected_summary(res, dry_run: bool) -> None:
    """Every rejected file by name, with its receipt or why it has none."""
    if not res.rejected:
        return
    click.secho(f"退回 {len(res.rejected)} 个文件:", fg="red")
    for f in res.rejected:
        if dry_run:
            where = "试运行, 未写回执"
        elif f.receipt:
            where = f"回执 {Path(f.receipt).name}"
        elif f.office_side:
            where = "未给单位写回执: 这是办公室一方的问题, 按上面的说明处理后再收集"
        else:
            where = "未写回执"
        click.echo(f"  {f.name}: {where}")


class ReturnsGroup(click.Group):
    """`tracker returns PERIOD …` shows a period (as before); `tracker returns withdraw|history …`
    are subcommands: a first word that is no subcommand is the PERIOD of `show`."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)


@main.group("returns", cls=ReturnsGroup)
@ws_db_options
def returns_group(workspace, db_url):
    """已接收的报表: tracker returns PERIOD 查看; withdraw 撤回; history 历史。"""


@returns_group.command("show")
@click.argument("period")
@click.option("--unit", default=None, help="只看该单位")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def returns_cmd(t, period, unit, as_json):
    """查看某季度已接收的填报内容 (每个单位每项任务一行)。"""
    from tracker.termtable import value

    rows = t.returns(period, unit)
    if as_json:
        emit_json({"rows": rows})
        return
    if not rows:
        click.echo("该季度还没有已接收的报表。")
    last = None
    for r in rows:
        if r["unit"] != last:
            click.secho(f"\n{r['unit']} (收到 {value(r['received_at'], '—')})", bold=True)
            last = r["unit"]
        prog = "" if r["progress"] is None else f"{value(r['progress'])}%"
        click.echo(f"  {r['item']} [{value(r['role'])}] {value(r['status'])} {prog}  {value(r['done'])}".rstrip())
        for tg in r["targets"]:
            click.echo(f"      指标 {tg['metric']}: {value(tg['actual'], '未填')}")


@returns_group.command("withdraw")
@click.argument("file_or_sha", metavar="文件或编号")
@click.option("--why", default="", help="撤回原因 (记入历史)")
@click.option("--by", "by", default=None, help="操作人 (默认: 当前系统用户)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def returns_withdraw(t, file_or_sha, why, by, as_json):
    """撤回一份已接收的报表 (文件、文件编号或文件名): 不再计入; 它替代的上一份重新计入。存档与历史保留。"""
    res = t.withdraw(file_or_sha, why=why, by=by)
    if as_json:
        emit_json(res)
        return
    click.secho(f"已撤回 {res['file']} ({res['unit']} {res['period']}, {res['received_at']} 收到), "
                f"操作人 {res['by'] or '未知'}" + (f", 原因: {res['why']}" if res["why"] else ""), fg="green")
    if res["restored"]:
        click.echo(f"  {res['restored']['received_at']} 收到的 {res['restored']['file']} 重新计入。")
    else:
        click.echo(f"  {res['unit']} {res['period']} 现在没有计入的报表。")


@returns_group.command("history")
@click.argument("period", required=False)
@click.option("--unit", default=None, help="只看该单位")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def returns_history(t, period, unit, as_json):
    """各单位报表的历史: 计入、被替代、已撤回, 以及谁在何时为何撤回。"""
    rows = t.history(period, unit)
    if as_json:
        emit_json({"returns": rows})
        return
    label = {"current": "计入", "superseded": "被替代", "withdrawn": "已撤回"}
    for r in rows:
        click.echo(f"{r['period']} {r['unit']}  {r['received_at']} 收到  {r['file']}  [{label[r['state']]}]")
        for e in r["events"]:
            click.echo(f"    {e['at']} {e['by'] or '未知'} 撤回" + (f": {e['why']}" if e["why"] else ""))
    if not rows:
        click.echo("没有已接收的报表。")


# -- backup, restore ---------------------------------------------------------------------------------
@main.command("backup")
@click.argument("dest", required=False, type=click.Path(), metavar="[备份位置]")
@tracker_options
def backup_cmd(t, dest):
    """把整个工作区 (数据库、tracker.toml、密钥、archive/、outbox/ 回执与模板、inbox/、reports/) 备份为一个文件。

    DEST 为 .zip 或 .tar.gz 文件, 或一个文件夹 (默认: 工作区所在的文件夹)。"""
    res = t.backup(Path(dest) if dest else None)
    click.secho(f"已备份到 {res['file']} ({res['files']} 个文件, {sum(res['tables'].values())} 条记录)", fg="green")
    click.echo("  请把它存到工作区以外的地方 (移动硬盘、另一台电脑); 恢复: tracker restore 备份文件 新文件夹")


@main.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False), metavar="备份文件")
@click.argument("directory", required=False, type=click.Path(file_okay=False), metavar="[文件夹]")
@click.option("--db", "db_url", default=None, help="恢复到该数据库 (默认: 备份中 tracker.toml 的 [store] url, 否则新的 SQLite)")
def restore_cmd(archive, directory, db_url):
    """从 tracker backup 生成的备份恢复整个工作区到一个新的或空的文件夹 (默认: 备份中的工作区名称)。"""
    from tracker.app import restore

    res = restore(Path(archive), Path(directory) if directory else None, db_url)
    click.secho(f"已恢复工作区 {res['workspace']} ({res['files']} 个文件, {sum(res['tables'].values())} 条记录)",
                fg="green")
    click.echo(f"  数据库: {res['db_url']}")


# -- report (year-end inspection) -------------------------------------------------------------------
@main.command()
@click.argument("year", type=int)
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="输出目录 (默认: 工作区 reports/YEAR/)")
@click.option("--as-of", "--date", "as_of", type=DATE, default=None,
              help="统计截至日期, 也是报告的成文日期, 如 2008-01-31 (默认: 年内为今天, 第四季度截止后为其截止日或最后收到回报的日期; 未到截止日的季度不算未报)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查验收结果")
@lang_option
@tracker_options
def report(t, year, output, as_of, as_json, lang):
    """年终检查验收: 计算完成度、评分与是否通过, 生成 Word 报告、Excel 汇总、数据看板和图表。"""
    from tracker.app import tr

    res = t.report(year, output=Path(output) if output else None, as_of=as_of, lang=lang,
                   on_progress=click_progress(tr("生成报告", t.lang(lang)), as_json))
    if as_json:
        emit_json(res.to_dict())
        return
    first, _, rest = res.summary.partition("\n")
    click.secho(first, fg="green" if res.data["passed"] else "red", bold=True)
    click.echo(rest)


# -- check -----------------------------------------------------------------------------------------
@main.command()
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@ws_db_options
def check(as_json, workspace, db_url):
    """检查工作区: 配置文件、数据库、存档文件、目录权限与磁盘空间; 有问题时说明如何从备份恢复。"""
    from tracker.app import check_workspace

    res = check_workspace(*group_params(workspace, db_url))
    if as_json:
        emit_json(res)
    else:
        for p in res["problems"]:
            label = "错误" if p["severity"] == "error" else "警告"
            click.secho(f"[{label}] {p['message']} ({p['code']})", fg="red" if p["severity"] == "error" else "yellow")
            if p["fix"]:
                click.echo(f"    处理: {p['fix']}")
        if res["ok"]:
            click.secho(f"工作区 {res['workspace']} 检查通过 (数据库 {res['store']})。", fg="green")
        if not res["ok"] or res["backups"]:
            click.echo(res["restore"])
    if not res["ok"]:
        sys.exit(1)


# -- demo ------------------------------------------------------------------------------------------
@main.command()
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default="demo-workspace",
              show_default=True, help="演示工作区目录 (须为新的或空的文件夹)")
@click.option("--force", is_flag=True, help="替换此前由演示生成的工作区 (其他文件夹一律不动)")
@click.option("--seed", type=int, default=2007, show_default=True, help="模拟各单位填报的随机种子")
def demo(output, force, seed):
    """演示: 用广州 2007 样例跑完一整年 (导入、四个季度的模板与回报、通报、年终检查验收报告)。"""
    from tracker.app import run_demo

    run_demo(Path(output), seed=seed, echo=click.echo, on_progress=click_progress("  收集回报"), force=force,
             workers=env_workers())
    click.echo(f"完成。打开 {Path(output) / 'reports'} 查看通报与检查验收报告; "
               f"各单位模板在 {Path(output) / 'outbox'}, 收到的原件在 {Path(output) / 'archive'}。")


# -- web app and its accounts ----------------------------------------------------------------------
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址; 非本机地址 (如 0.0.0.0) 须先用 tracker users add 建立账户")
@click.option("--port", type=int, default=8000, show_default=True, help="端口")
@click.option("--open", "open_browser", is_flag=True, help="启动后用默认浏览器打开")
@click.option("--threads", type=int, default=4, show_default=True, help="同时处理的请求数")
@click.option("--portal-only", is_flag=True,
              help="只提供各单位的填报链接 (/r/…), 供各单位能访问的服务器; 办公室的页面另在本机运行")
@tracker_options
def serve(t, host, port, open_browser, threads, portal_only):
    """启动网页版 (办公室在浏览器中完成全年工作), 按 Ctrl-C 停止。"""
    from tracker.app import web_server

    server = web_server(t, host, port, threads, portal_only=portal_only)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{server.effective_port}/"
    click.secho(f"tracker 网页版已启动: {url}   (工作区 {t.root}; 按 Ctrl-C 停止)", fg="green")
    if portal_only:
        click.echo("  只提供各单位的填报链接 (/r/…); 其余地址一律 404。")
    elif host in ("0.0.0.0", "::"):
        click.echo("  局域网内的同事用本机的 IP 地址访问, 须登录。")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        click.echo("已停止。")


@main.group()
def users():
    """网页版的账户: 一旦建立账户, 每个页面和 API 都要登录。"""


def _new_password():
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "viewer"]), default="admin", show_default=True,
              help="admin 可做一切; viewer (领导) 只能查看")
@tracker_options
def users_add(t, name, role):
    """建立账户 (密码在提示时输入)。"""
    t.accounts.add(name, _new_password(), role)
    click.echo(f"已建立账户 {name} ({role})。")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def users_list(t, as_json):
    """列出账户。"""
    rows = t.accounts.list()
    if as_json:
        emit_json({"users": rows})
        return
    if not rows:
        click.echo("还没有账户 (网页版只允许本机访问, 无需登录)。")
    if rows:
        from tracker.termtable import table

        click.echo(table([[r["name"], r["role"], r["created_at"]] for r in rows], ["账户", "角色", "建立时间"],
                         max_widths=[24]))


@users.command("passwd")
@click.argument("name")
@tracker_options
def users_passwd(t, name):
    """修改账户密码 (该账户已登录的会话随即失效)。"""
    if t.accounts.get(name) is None:
        raise UsageError(f"没有账户“{name}”")
    t.accounts.set_password(name, _new_password())
    click.echo(f"已修改 {name} 的密码。")


@users.command("remove")
@click.argument("name")
@tracker_options
def users_remove(t, name):
    """删除账户。"""
    t.accounts.remove(name)
    click.echo(f"已删除账户 {name}。")

if __name__ == "__main__":  # pragma: no cover
    main()
