"""The command line: a thin click layer over :mod:`tracker.app`.

Each command is options → one :class:`~tracker.app.Tracker` method → echo or JSON; the environment
(``TRACKER_WORKSPACE``, ``TRACKER_DB``) is read here and nowhere else. Heavy libraries
(matplotlib, openpyxl, SQLAlchemy, Flask …) are imported by the methods that use them, so
``tracker --help`` starts at once. Every read command has ``--json``. Problems are printed as values
(file, sheet, cell, message), never as a traceback.

Exit codes: 0 ok, 1 the input was rejected, 2 a usage error.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from tracker.app import InputError, Problems, UsageError

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

    ctx = click.get_current_context(silent=True)
    while ctx is not None and (workspace is None or db_url is None):
        workspace = workspace or ctx.params.get("workspace")
        db_url = db_url or ctx.params.get("db_url")
        ctx = ctx.parent
    return Tracker(workspace or os.environ.get("TRACKER_WORKSPACE") or ".",
                   db_url or os.environ.get("TRACKER_DB") or None)


def click_progress(label: str, quiet: bool = False):
    """An ``on_progress(done, total, label)`` that draws a bar on stderr for more than a few items."""
    if quiet:
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
    from tracker.app import init_workspace

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
@tracker_options
def plan_import(t, file, year, name, fmt, as_json):
    """导入工作分解表 (xlsx/xls/ods/csv/docx/文本表格/叙述式方案)。"""
    res = t.import_plan(Path(file), fmt=fmt, year=year, name=name)
    plan_obj, problems, version = res.plan, res.problems, res.version
    if as_json:
        emit_json(res.to_dict())
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
@tracker_options
def units_alias(t, old, new):
    """登记单位别名 (如机构改革后的新名称): OLD 视为 NEW, 并改写已存储的计划。"""
    n = t.add_alias(old, new)
    click.echo(f"已登记别名: “{old}” → “{new}”; 已改写 {n} 条已存储的记录。")


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
@lang_option
@tracker_options
def remind(t, period, output, lang):
    """生成催报名单 (xlsx): 未报送的单位及其任务, 可直接打印。"""
    from tracker.app import tr

    res = t.remind(period, output=Path(output) if output else None, lang=lang)
    click.echo(tr("催报名单已写入 {path}  (未报送单位 {n} 个)", t.lang(lang), path=res.path,
                  n=len(res.status["missing"])))


@main.command()
@click.argument("period")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="输出目录 (默认: reports/PERIOD/)")
@lang_option
@tracker_options
def bulletin(t, period, output, lang):
    """生成季度通报 (xlsx 与 docx): 报送情况、分类推进情况、滞后任务。"""
    from tracker.app import tr

    for p in t.bulletin(period, output=Path(output) if output else None, lang=lang):
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
                      on_progress=click_progress("生成模板", as_json))
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
@tracker_options
def collect(ctx, t, paths, received, period, dry_run, as_json, verbose):
    """收集各单位报回的填报表 (xlsx/xls/ods): 存档、检查、入库, 并为每个文件写回执。

    PATHS 为文件或目录, 默认为工作区的 inbox/。全部接收时退出码为 0, 有退回的为 1。
    """
    res = t.collect([Path(p) for p in paths] or None, received=received.date() if received else None,
                    period=period, dry_run=dry_run, on_progress=click_progress("收集", as_json))
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
            click.echo(f"回执已写入 {t.folder('outbox') / 'receipts'}")
    if res.rejected:
        ctx.exit(1)


@main.command("returns")
@click.argument("period")
@click.option("--unit", default=None, help="只看该单位")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@tracker_options
def returns_cmd(t, period, unit, as_json):
    """查看某季度已接收的填报内容 (每个单位每项任务一行)。"""
    rows = t.returns(period, unit)
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
@tracker_options
def report(t, year, output, as_of, as_json, lang):
    """年终检查验收: 计算完成度、评分与是否通过, 生成 Word 报告、Excel 汇总、数据看板和图表。"""
    from datetime import date

    try:
        when = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise UsageError(f"--as-of “{as_of}” 不是日期, 应写成如 2008-03-01") from None
    res = t.report(year, output=Path(output) if output else None, as_of=when, lang=lang)
    if as_json:
        emit_json(res.to_dict())
        return
    first, _, rest = res.summary.partition("\n")
    click.secho(first, fg="green" if res.data["passed"] else "red", bold=True)
    click.echo(rest)


# -- demo ------------------------------------------------------------------------------------------
@main.command()
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default="demo-workspace",
              show_default=True, help="演示工作区目录 (已有的演示工作区会被替换)")
@click.option("--seed", type=int, default=2007, show_default=True, help="模拟各单位填报的随机种子")
def demo(output, seed):
    """演示: 用广州 2007 样例跑完一整年 (导入、四个季度的模板与回报、通报、年终检查验收报告)。"""
    from tracker.app import run_demo

    run_demo(Path(output), seed=seed, echo=click.echo, on_progress=click_progress("  收集回报"))
    click.echo(f"完成。打开 {Path(output) / 'reports'} 查看通报与检查验收报告; "
               f"各单位模板在 {Path(output) / 'outbox'}, 收到的原件在 {Path(output) / 'archive'}。")


# -- web app and its accounts ----------------------------------------------------------------------
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址; 非本机地址 (如 0.0.0.0) 须先用 tracker users add 建立账户")
@click.option("--port", type=int, default=8000, show_default=True, help="端口")
@click.option("--open", "open_browser", is_flag=True, help="启动后用默认浏览器打开")
@click.option("--threads", type=int, default=4, show_default=True, help="同时处理的请求数")
@tracker_options
def serve(t, host, port, open_browser, threads):
    """启动网页版 (办公室在浏览器中完成全年工作), 按 Ctrl-C 停止。"""
    from tracker.app import web_server

    server = web_server(t, host, port, threads)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{server.effective_port}/"
    click.secho(f"tracker 网页版已启动: {url}   (工作区 {t.root}; 按 Ctrl-C 停止)", fg="green")
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
    for r in rows:
        click.echo(f"{pad(r['name'], 24)}{pad(r['role'], 8)}{r['created_at']}")


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
