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
def workspace_options(f):
    """-w/--workspace and --db on every command; passes ``ws`` (the Workspace) to the command."""

    @click.option("-w", "--workspace", "workspace", type=click.Path(file_okay=False), default=None,
                  envvar="TRACKER_WORKSPACE", help="工作区目录 (默认: 当前目录; 环境变量 TRACKER_WORKSPACE)")
    @click.option("--db", "db_url", default=None, envvar="TRACKER_DB",
                  help="数据库 SQLAlchemy URL (默认: 工作区里的 SQLite 文件 tracker.db)")
    @functools.wraps(f)
    def wrapper(*args, workspace=None, db_url=None, **kwargs):
        from tracker.workspace import find_workspace

        return f(*args, ws=find_workspace(workspace, db_url), **kwargs)

    return wrapper


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
def main():
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
    plan_obj, problems = import_plan(path, fmt=fmt, year=year, name=name, registry=registry)
    store = ws.store()
    version = store.save_plan(plan_obj)
    if as_json:
        emit_json({"plan": plan_obj.to_dict()["plan"], "items": len(plan_obj.items),
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
@click.option("-w", "--workspace", "workspace", type=click.Path(file_okay=False), default=None,
              envvar="TRACKER_WORKSPACE", help="工作区目录")
@click.option("--db", "db_url", default=None, envvar="TRACKER_DB", help="数据库 SQLAlchemy URL")
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
    click.echo(f"{'单位':<24}{'牵头':>6}{'参与':>6}")
    for r in sorted(rows, key=lambda r: (-r["lead"], -r["participant"], r["name"])):
        tag = "  [集合]" if r["collective"] else ""
        if r["collective"] and r["members"]:
            tag = f"  [集合: {len(r['members'])} 个成员]"
        click.echo(f"{r['name']:<24}{r['lead']:>6}{r['participant']:>6}{tag}")


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


if __name__ == "__main__":  # pragma: no cover
    main()


def run() -> None:  # pragma: no cover - convenience for `python -m tracker.cli`
    sys.exit(main())
