"""The command line: a thin click layer over the library.

Heavy libraries (pandas, matplotlib, openpyxl, SQLAlchemy …) are imported inside the commands that
use them, so ``tracker --help`` starts at once. Every read command has ``--json``. Problems are
printed as values (file, sheet, cell, message), never as a traceback.

Exit codes: 0 ok, 1 the input was rejected, 2 a usage error.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from tracker.problems import InputError, Problems, UsageError

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


def workspace_options(f):
    """-w/--workspace and --db on a command; passes ``ws`` (the Workspace) to it."""

    @ws_db_options
    @functools.wraps(f)
    def wrapper(*args, workspace=None, db_url=None, **kwargs):
        return f(*args, ws=resolve_workspace(workspace, db_url), **kwargs)

    return wrapper


lang_option = click.option("--lang", type=click.Choice(["zh", "en"], case_sensitive=False), default=None,
                           help="输出语言 zh (中文) 或 en (English); 默认取 tracker.toml [office] language, 否则中文")


def resolve_workspace(workspace=None, db_url=None):
    """The Workspace from -w/--db given to this command, else to any group around it
    (`tracker -w DIR graph stats` and `tracker graph -w DIR stats` work like `… stats -w DIR`)."""
    from tracker.workspace import find_workspace

    ctx = click.get_current_context(silent=True)
    while ctx is not None and (workspace is None or db_url is None):
        workspace = workspace or ctx.params.get("workspace")
        db_url = db_url or ctx.params.get("db_url")
        ctx = ctx.parent
    return find_workspace(workspace, db_url)


def pad(text: str, width: int) -> str:
    """Left-justify by display width: a Chinese character takes two columns in a terminal."""
    import unicodedata

    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - w)


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_problems(problems: Problems | list, *, err: bool = True) -> None:
    for p in problems:
        click.secho(str(p), fg="red" if p.is_error else "yellow", err=err)


class TrackerGroup(click.Group):
    """Turns InputError/UsageError into a clear message and an exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as e:
            print_problems(e.problems)
            n = len(e.problems.errors)
            click.secho(f"未导入: 发现 {n} 个错误, 数据未作任何改动。", fg="red", err=True)
            ctx.exit(1)
        except UsageError as e:
            click.secho(f"错误: {e}", fg="red", err=True)
            ctx.exit(2)


@click.group(cls=TrackerGroup, context_settings=CONTEXT)
@click.version_option(package_name="tracker", prog_name="tracker")
@ws_db_options
def main(workspace, db_url):
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
    """建立工作区: tracker.toml、数据库, 以及 inbox/ outbox/ archive/ reports/ 目录。"""
    from tracker.workspace import init_workspace

    ws = init_workspace(Path(directory), db_url, Path(units_file) if units_file else None)
    click.echo(f"工作区已建立: {ws.root}")
    click.echo(f"  配置文件: {ws.config_path.name}   数据库: {ws.db_url}")
    click.echo("  下一步: tracker plan import 分解表文件")


# -- plan ------------------------------------------------------------------------------------------
@main.group()
def plan():
    """工作分解表: 导入、查看、列出版本。"""


@plan.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--year", type=int, default=None, help="计划年度 (默认从标题或文件名中找)")
@click.option("--name", default=None, help="计划名称 (默认用表格标题)")
@click.option("--format", "fmt", type=click.Choice(["auto", "xlsx", "xls", "ods", "csv", "docx", "text",
                                                   "narrative"]), default="auto", show_default=True,
              help="文件格式; auto 按内容识别")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入结果")
@workspace_options
def plan_import(ws, file, year, name, fmt, as_json):
    """导入工作分解表 (xlsx/xls/ods/csv/docx/文本表格/叙述式方案)。"""
    from tracker.importers import import_plan
    from tracker.units import Registry

    path = Path(file)
    if not path.exists():
        raise InputError(Problems().add("unreadable", "文件不存在", file=str(file)))
    registry = Registry.from_config(ws.config())
    store = ws.store()
    for row in store.list_plans():  # units of stored plans count as known, for spelling warnings
        if row["current"]:
            registry.learn(u["name"] for u in store.load_plan(row["year"]).units())
    plan_obj, problems = import_plan(path, fmt=fmt, year=year, name=name, registry=registry)
    version = store.save_plan(plan_obj)
    if as_json:
        emit_json({"plan": {**plan_obj.to_dict()["plan"], "format": plan_obj.format},
                   "items": len(plan_obj.items),
                   "categories": len({c for c, _ in plan_obj.categories() if c}),
                   "units": len(plan_obj.units()),
                   "targets": sum(len(i.targets) for i in plan_obj.items),
                   "warnings": [p.to_dict() for p in problems.warnings]})
        return
    cats = [c for c in plan_obj.categories() if c[0] or c[1]]
    click.secho(f"已导入 {plan_obj.year} 年计划 “{plan_obj.name}” (第 {version} 版, 格式 {plan_obj.format})",
                fg="green")
    click.echo(f"  任务 {len(plan_obj.items)} 项, 分类 {len(cats)} 类, 单位 {len(plan_obj.units())} 个, "
               f"量化指标 {sum(len(i.targets) for i in plan_obj.items)} 个, "
               f"必做任务 {sum(i.mandatory for i in plan_obj.items)} 项")
    for no, cat in cats:
        n = sum(1 for i in plan_obj.items if (i.category_no, i.category) == (no, cat))
        click.echo(f"  {no:>3}、{cat} ({n} 项)")
    if problems.warnings:
        click.secho(f"  警告 {len(problems.warnings)} 条:", fg="yellow")
        print_problems(problems.warnings, err=False)


def _load_plan(ws, year=None, version=None):
    p = ws.store().load_plan(year=year, version=version)
    if p is None:
        what = f"{year} 年" if year else ""
        raise UsageError(f"工作区里还没有{what}计划{f' 第 {version} 版' if version else ''}; "
                         "请先运行 tracker plan import")
    return p


@plan.command("show")
@click.option("--year", type=int, default=None, help="年度 (默认: 最新)")
@click.option("--version", "version", type=int, default=None, help="版本 (默认: 最新)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@workspace_options
def plan_show(ws, year, version, as_json):
    """显示计划的任务、单位与指标。"""
    p = _load_plan(ws, year, version)
    if as_json:
        emit_json(p.to_dict())
        return
    click.secho(f"{p.year} 年 {p.name} (第 {p.version} 版, 来源 {p.source})", bold=True)
    last = None
    for it in p.items:
        if (it.category_no, it.category) != last and (it.category_no or it.category):
            click.secho(f"\n{it.category_no}、{it.category}", bold=True)
        last = (it.category_no, it.category)
        flag = " [必做]" if it.mandatory else ""
        click.echo(f"  {it.number:>3}. {it.content}{flag}")
        click.echo(f"       牵头: {'、'.join(it.lead)}")
        if it.participants:
            click.echo(f"       参与: {'、'.join(it.participants)}")
        for t in it.targets:
            click.echo(f"       指标: {t.metric} {t.describe()}")


@plan.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@workspace_options
def plan_list(ws, as_json):
    """列出已导入的计划及其版本。"""
    rows = ws.store().list_plans()
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
@workspace_options
def units_list(ws, as_json, year):
    """列出单位及其牵头、参与任务数。"""
    from tracker.units import Registry

    p = _load_plan(ws, year)
    reg = Registry.from_config(ws.config())
    rows = p.units()
    for r in rows:
        members = reg.expand(r["name"])
        r["members"] = [] if members == [r["name"]] else members
    if as_json:
        emit_json({"units": rows})
        return
    width = min(40, max([20] + [len(r["name"]) * 2 + 2 for r in rows]))
    click.echo(f"{pad('单位', width)}{pad('牵头', 6)}{pad('参与', 6)}")
    for r in sorted(rows, key=lambda r: (-r["lead"], -r["participant"], r["name"])):
        tag = "  [集合, 不下发模板]" if r["collective"] else ""
        if r["collective"] and r["members"]:
            tag = f"  [集合: {len(r['members'])} 个成员]"
        click.echo(f"{pad(r['name'], width)}{r['lead']:<6}{r['participant']:<6}{tag}")


@units.command("alias")
@click.argument("old")
@click.argument("new")
@workspace_options
def units_alias(ws, old, new):
    """登记单位别名 (如机构改革后的新名称): OLD 视为 NEW, 并改写已存储的计划。"""
    import tomlkit

    if old == new:
        raise UsageError("新旧名称相同")
    doc = ws.config_doc()
    table = doc["units"].setdefault("aliases", tomlkit.table())
    table[old] = new
    n = ws.store().rename_unit(old, new)
    ws.save_config_doc(doc)
    click.echo(f"已登记别名: “{old}” → “{new}”; 已改写 {n} 条已存储的记录。")


# -- status, remind, bulletin, graph ---------------------------------------------------------------
def _period_context(ws, period_text):
    """(period, plan, registry, config) for a command that reads one period."""
    from tracker.periods import parse_period
    from tracker.status import default_period
    from tracker.units import Registry

    config = ws.config()
    period = parse_period(period_text) if period_text else default_period(ws)
    plan_obj = _load_plan(ws, period.year)
    return period, plan_obj, Registry.from_config(config), config


def _status_of(ws, period_text):
    from tracker.status import period_status

    period, plan_obj, registry, config = _period_context(ws, period_text)
    return period_status(ws, plan_obj, registry, period, config), config


@main.command()
@click.argument("period", required=False)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@lang_option
@workspace_options
def status(ws, period, as_json, lang):
    """查看某季度的报送与进度情况: 已报送(是否逾期)、未报送、任务状态与预警灯。

    PERIOD 如 2007Q1; 默认为最近一个已生成模板或已收到回报的季度。
    """
    from tracker.i18n import resolve
    from tracker.status import format_status

    st, config = _status_of(ws, period)
    if as_json:
        emit_json(st)
        return
    click.echo(format_status(st, resolve(lang, config)))


@main.command()
@click.argument("period")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="输出文件 (默认: outbox/PERIOD-催报名单.xlsx)")
@lang_option
@workspace_options
def remind(ws, period, output, lang):
    """生成催报名单 (xlsx): 未报送的单位及其任务, 可直接打印。"""
    from tracker.i18n import resolve, tr
    from tracker.reports.remind import write_remind

    st, config = _status_of(ws, period)
    lang = resolve(lang, config)
    path = Path(output) if output else ws.outbox / f"{st['period']}-催报名单.xlsx"
    write_remind(path, st, config, lang=lang)
    click.echo(tr("催报名单已写入 {path}  (未报送单位 {n} 个)", lang, path=path, n=len(st["missing"])))


@main.command()
@click.argument("period")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="输出目录 (默认: reports/PERIOD/)")
@lang_option
@workspace_options
def bulletin(ws, period, output, lang):
    """生成季度通报 (xlsx 与 docx): 报送情况、分类推进情况、滞后任务。"""
    from tracker.i18n import resolve, tr
    from tracker.reports.bulletin import write_bulletin

    st, config = _status_of(ws, period)
    lang = resolve(lang, config)
    out_dir = Path(output) if output else ws.reports / st["period"]
    for p in write_bulletin(out_dir, st, config, lang=lang):
        click.echo(tr("已写入 {path}", lang, path=p))


GRAPH_FORMATS = ("png", "svg", "graphml", "gexf", "json")


def _graph_of(ctx, workspace, db_url, year, expand):
    """(workspace, config, graph) with options given to the group filling in for the subcommand's."""
    from tracker.graph import build_graph
    from tracker.units import Registry

    parent = (ctx.parent.params if ctx.parent is not None and ctx.parent.command.name == "graph" else {})
    ws = resolve_workspace(workspace, db_url)
    config = ws.config()
    plan_obj = _load_plan(ws, year or parent.get("year"))
    return ws, config, build_graph(plan_obj, Registry.from_config(config),
                                   expand=expand or bool(parent.get("expand")))


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
    from tracker.graph import write_graph

    ws, config, G = _graph_of(ctx, workspace, db_url, year, expand)
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in GRAPH_FORMATS else "png"
    path = Path(output) if output else ws.reports / f"{G.graph['year']}-单位任务关系图.{fmt}"
    write_graph(G, path, fmt, config)
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
    from tracker.graph import format_stats, graph_stats

    _, _, G = _graph_of(ctx, workspace, db_url, year, expand)
    st = graph_stats(G, top=top)
    if as_json:
        emit_json(st)
        return
    click.echo(format_stats(st, top=top))


# -- templates, collect, returns -------------------------------------------------------------------
def _progress(items, label: str, quiet: bool):
    """A progress bar on stderr when there are more than a few items (none for --json)."""
    items = list(items)
    if quiet or len(items) <= 3:
        return items
    return _bar_iter(items, label)


def _bar_iter(items, label):
    with click.progressbar(items, label=label, file=sys.stderr,
                           show_pos=True) as bar:
        yield from bar


@main.command()
@click.argument("period")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="输出目录 (默认: outbox/PERIOD/)")
@click.option("--unit", "units_", multiple=True, help="只生成这些单位的模板 (可多次使用)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@workspace_options
def templates(ws, period, output, units_, as_json):
    """生成某季度各单位的填报模板 (每个单位一个 xlsx, 只列本单位的任务)。"""
    from tracker.templates import make_templates

    res = make_templates(ws, period, Path(output) if output else None, list(units_) or None,
                         progress=lambda xs: _progress(xs, "生成模板", as_json))
    if as_json:
        emit_json(res.to_dict())
        return
    click.secho(f"已生成 {len(res.files)} 个填报模板 → {res.out_dir}", fg="green")
    for f in res.files:
        click.echo(f"  {Path(f['file']).name}  ({f['items']} 项任务"
                   + (f", {f['targets']} 个指标" if f["targets"] else "") + (", 已预填上季度内容" if f["prefilled"] else "")
                   + ")")
    if res.skipped:
        click.secho(f"未生成 (集合单位无法展开为具体单位) {len(res.skipped)} 个: {'、'.join(res.skipped)}",
                    fg="yellow")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--received", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="办公室收到文件的日期 YYYY-MM-DD (默认: 今天)")
@click.option("--period", default=None, help="只接收该季度的报表 (默认: 按收到日期, 当季或上一季度)")
@click.option("--dry-run", is_flag=True, help="只检查, 不存档、不入库、不写回执")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("-v", "--verbose", is_flag=True, help="也逐个列出此前已收到过、未作改动的文件")
@click.pass_context
@workspace_options
def collect(ctx, ws, paths, received, period, dry_run, as_json, verbose):
    """收集各单位报回的填报表 (xlsx/xls/ods): 存档、检查、入库, 并为每个文件写回执。

    PATHS 为文件或目录, 默认为工作区的 inbox/。全部接收时退出码为 0, 有退回的为 1。
    """
    from tracker.returns import collect as do_collect

    if period:
        from tracker.periods import parse_period

        period = str(parse_period(period))
    res = do_collect(ws, [Path(p) for p in paths] or None, received=received.date() if received else None,
                     period=period, dry_run=dry_run, progress=lambda xs: _progress(xs, "收集", as_json))
    if as_json:
        emit_json(res.to_dict())
    else:
        if not res.files:
            click.echo("没有找到要收集的文件。")
        for f in res.files:
            if not verbose and (f.duplicate or f.outcome == "duplicate"):
                continue  # received before and unchanged: counted in the summary line below
            if f.accepted:
                tag = "重复, 未改动" if f.duplicate or f.outcome == "duplicate" else (
                    "已接收, 替代此前报表" if f.superseded else "已接收")
                click.secho(f"✔ {f.name}: {f.unit} {f.period}, {f.items} 项  [{tag}]", fg="green")
                print_problems(f.problems, err=False)
            else:
                click.secho(f"✘ {f.name}: 退回{' (重复报送)' if f.duplicate else ''}", fg="red")
                print_problems(f.problems, err=False)
        dry = " (试运行, 未作任何改动)" if dry_run else ""
        again = sum(1 for f in res.files if f.duplicate or f.outcome == "duplicate")
        again_text = (f" (其中 {again} 个此前已收到过, 未作改动{'' if verbose else '; 加 -v 逐个列出'})"
                      if again else "")
        click.echo(f"共 {len(res.files)} 个文件: 接收 {len(res.accepted)} 个, 退回 {len(res.rejected)} 个"
                   f"{again_text}{dry}")
        if res.files and not dry_run:
            click.echo(f"回执已写入 {ws.outbox / 'receipts'}")
    if res.rejected:
        ctx.exit(1)


@main.command("returns")
@click.argument("period")
@click.option("--unit", default=None, help="只看该单位")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@workspace_options
def returns_cmd(ws, period, unit, as_json):
    """查看某季度已接收的填报内容 (每个单位每项任务一行)。"""
    from tracker.returns import return_rows_for

    rows = return_rows_for(ws, period, unit)
    if as_json:
        emit_json({"rows": rows})
        return
    if not rows:
        click.echo("该季度还没有已接收的报表。")
    last = None
    for r in rows:
        if r["unit"] != last:
            click.secho(f"\n{r['unit']} (收到 {r['received_at']})", bold=True)
            last = r["unit"]
        prog = "" if r["progress"] is None else f"{r['progress']}%"
        click.echo(f"  {r['item']} [{r['role']}] {r['status']} {prog}  {r['done'][:40]}")
        for t in r["targets"]:
            click.echo(f"      指标 {t['metric']}: {t['actual']}")


# -- report (year-end inspection) -------------------------------------------------------------------
@main.command()
@click.argument("year", type=int)
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="输出目录 (默认: 工作区 reports/YEAR/)")
@click.option("--as-of", "as_of", default=None, help="统计截至日期 YYYY-MM-DD (默认今天; 未到截止日的季度不算未报)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查验收结果")
@lang_option
@workspace_options
def report(ws, year, output, as_of, as_json, lang):
    """年终检查验收: 计算完成度、评分与是否通过, 生成 Word 报告、Excel 汇总、数据看板和图表。"""
    from datetime import date

    from tracker.i18n import resolve
    from tracker.reports.inspection import gather, json_view, summary_text, write_report

    try:
        when = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise UsageError(f"--as-of “{as_of}” 不是日期, 应写成如 2008-03-01") from None
    data = gather(ws, year, when)
    out_dir = Path(output) if output else ws.reports / str(year)
    config = ws.config()
    lang = resolve(lang, config)
    written = write_report(data, out_dir, config, workspace_root=ws.root, lang=lang)
    if as_json:
        out = json_view(data)
        out["files"] = {k: str(v) for k, v in written.items() if k in ("docx", "xlsx", "html")}
        out["charts"] = {k: {"png": str(v["png"]), "svg": str(v["svg"])} for k, v in written["charts"].items()}
        out["notes"] = written["notes"]
        emit_json(out)
        return
    text = summary_text(data, written, lang)
    first, _, rest = text.partition("\n")
    click.secho(first, fg="green" if data["passed"] else "red", bold=True)
    click.echo(rest)


# -- demo ------------------------------------------------------------------------------------------
@main.command()
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default="demo-workspace",
              show_default=True, help="演示工作区目录 (已有的演示工作区会被替换)")
@click.option("--seed", type=int, default=2007, show_default=True, help="模拟各单位填报的随机种子")
def demo(output, seed):
    """演示: 用广州 2007 样例跑完一整年 (导入、四个季度的模板与回报、通报、年终检查验收报告)。"""
    from tracker.demo import run_demo

    run_demo(Path(output), seed=seed, echo=click.echo, progress=lambda xs: _progress(xs, "  收集回报", False))
    click.echo(f"完成。打开 {Path(output) / 'reports'} 查看通报与检查验收报告; "
               f"各单位模板在 {Path(output) / 'outbox'}, 收到的原件在 {Path(output) / 'archive'}。")


# -- web app and its accounts ----------------------------------------------------------------------
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址; 非本机地址 (如 0.0.0.0) 须先用 tracker users add 建立账户")
@click.option("--port", type=int, default=8000, show_default=True, help="端口")
@click.option("--open", "open_browser", is_flag=True, help="启动后用默认浏览器打开")
@click.option("--threads", type=int, default=4, show_default=True, help="同时处理的请求数")
@workspace_options
def serve(ws, host, port, open_browser, threads):
    """启动网页版 (办公室在浏览器中完成全年工作), 按 Ctrl-C 停止。"""
    from tracker.app import Tracker
    from tracker.web.security import is_loopback

    t = Tracker(ws.root, ws.db_url)
    if not is_loopback(host) and host != "localhost" and not t.accounts.exists():
        t.close()
        raise UsageError(f"不能在 {host} 上启动: 工作区还没有账户; 请先运行 tracker users add 姓名, "
                         "或只在本机 (127.0.0.1) 使用")
    from waitress.server import create_server

    from tracker.web import create_app

    app = create_app(t)
    try:
        server = create_server(app, host=host, port=port, threads=threads, max_request_body_size=app.config[
            "MAX_CONTENT_LENGTH"], clear_untrusted_proxy_headers=True, ident="tracker")
    except OSError as e:
        t.close()
        raise UsageError(f"无法在 {host}:{port} 上启动: {e.strerror or e}; 请换一个端口 (--port)") from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown if ':' not in shown else '[' + shown + ']'}:{server.effective_port}/"
    click.secho(f"tracker 网页版已启动: {url}   (工作区 {ws.root}; 按 Ctrl-C 停止)", fg="green")
    if host in ("0.0.0.0", "::"):
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
        t.close()
        click.echo("已停止。")


@main.group()
def users():
    """网页版的账户: 一旦建立账户, 每个页面和 API 都要登录。"""


def _accounts(ws):
    from tracker.users import Accounts

    return Accounts(ws.root)


def _new_password(confirm_text="再输入一次"):
    return click.prompt("密码", hide_input=True, confirmation_prompt=confirm_text)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "viewer"]), default="admin", show_default=True,
              help="admin 可做一切; viewer (领导) 只能查看")
@workspace_options
def users_add(ws, name, role):
    """建立账户 (密码在提示时输入)。"""
    _accounts(ws).add(name, _new_password(), role)
    click.echo(f"已建立账户 {name} ({role})。")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@workspace_options
def users_list(ws, as_json):
    """列出账户。"""
    rows = _accounts(ws).list()
    if as_json:
        emit_json({"users": rows})
        return
    if not rows:
        click.echo("还没有账户 (网页版只允许本机访问, 无需登录)。")
    for r in rows:
        click.echo(f"{pad(r['name'], 24)}{pad(r['role'], 8)}{r['created_at']}")


@users.command("passwd")
@click.argument("name")
@workspace_options
def users_passwd(ws, name):
    """修改账户密码 (该账户已登录的会话随即失效)。"""
    acc = _accounts(ws)
    if acc.get(name) is None:
        raise UsageError(f"没有账户“{name}”")
    acc.set_password(name, _new_password())
    click.echo(f"已修改 {name} 的密码。")


@users.command("remove")
@click.argument("name")
@workspace_options
def users_remove(ws, name):
    """删除账户。"""
    _accounts(ws).remove(name)
    click.echo(f"已删除账户 {name}。")


if __name__ == "__main__":  # pragma: no cover
    main()


def run() -> None:  # pragma: no cover - convenience for `python -m tracker.cli`
    sys.exit(main())
