"""``YEAR-检查验收汇总.xlsx``: the inspection's figures in six print-ready sheets.

总体 (overall), 分类 (by category), 单位 (by unit), 任务明细 (items), 指标 (targets) and 报送情况 (returns
per unit and quarter). Layout from :mod:`tracker.reports.xlsx_style`: title row, frozen header
repeated on every printed page, autofilter, A4 landscape, widths that fit Chinese, and every text
written as a string (a value starting with = + - @ never becomes a formula). Percentages are numbers
on a 0–100 scale, one decimal shown.
"""

from __future__ import annotations

from pathlib import Path

from tracker.i18n import ZH, join, quarter_label, tr
from tracker.reports.inspection.text import RETURN_LABEL, rule_message
from tracker.reports.xlsx_style import Column, write_table

SHEETS = ("总体", "分类", "单位", "任务明细", "指标", "报送情况")
RETURN_FORMAT = {"on_time": "green", "late": "yellow", "missing": "red", "pending": "center"}


def overall_rows(data: dict, lang: str = ZH) -> list[list]:
    """The 总体 sheet's (项目, 数值) rows; also what the docx overview says."""
    th = data["thresholds"]
    r = data["returns"]
    rows = [
        ["年度", data["year"]],
        ["计划名称", data["plan"]["name"]],
        ["检查验收结论", tr("通过" if data["passed"] else "未通过", lang)],
        ["工作完成度(%)", data["completion"]],
        ["评分(分)", data["score"]],
        ["合格要求: 工作完成度(%)", th["pass_completion"]],
        ["合格要求: 评分(分)", th["pass_score"]],
        ["必做任务须全部完成", tr("是" if th["mandatory_must_complete"] else "否", lang)],
        ["必做任务(已完成/总数)", f"{data['mandatory']['completed']}/{data['mandatory']['total']}"],
        ["量化指标(达标/总数)", f"{data['targets_met']}/{len(data['targets'])}"],
        ["任务数", data["plan"]["items"]],
        ["分类数", data["plan"]["categories"]],
        ["责任单位数", data["plan"]["units"]],
        ["滞后或预警任务数", len(data["lagging"])],
        ["报送: 按时(次)", r["on_time"]],
        ["报送: 逾期(次)", r["late"]],
        ["报送: 未报(次)", r["missing"]],
    ]
    if r.get("pending"):
        rows.append(["报送: 未到期(次)", r["pending"]])
    for f in data["failed_rules"]:
        rows.append(["未通过原因", tr("{message} ({code})", lang, message=rule_message(f, lang), code=f["code"])])
    if data["unreported"]:
        rows.append(["无牵头单位报送的任务(按0计)", join(data["unreported"], lang)])
    rows.append(["统计截至", data["as_of"]])
    return [[tr(k, lang), v] for k, v in rows]


def write_xlsx(data: dict, path: Path, lang: str = ZH) -> Path:
    """Write the summary workbook; ``lang`` "zh" (default) or "en" (:mod:`tracker.i18n`)."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    year = data["year"]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        _write(wb, data, year, lang)
    finally:
        wb.close()
    return path


def _write(wb, data: dict, year: int, lang: str = ZH) -> None:
    def t(text, /, **fields):
        return tr(text, lang, **fields)

    def col(header, *args, ctx="", **kw):
        return Column(tr(header, lang, ctx=ctx), *args, **kw)

    rows = overall_rows(data, lang)
    fmts = [[None, ("green" if data["passed"] else "red")] if k == t("检查验收结论") else None for k, _ in rows]
    write_table(wb, t("总体"), [col("项目", width=30), col("数值", "wide", width=60)], rows,
                title=t("{year}年度工作分解任务检查验收汇总", year=year), cell_formats=fmts, landscape=False)

    cat_rows = [[c["category_no"], c["category"], c["items"], c["completed"], c["completion"],
                 c["points"], c["earned"]] for c in data["categories"]]
    write_table(wb, t("分类"), [col("类号", "center"), col("项目分类", "wide", max_width=40),
                               col("任务数", "int"), col("已完成", "int"), col("完成度(%)", "percent"),
                               col("分值", "number"), col("得分", "number")],
                cat_rows, title=t("{year}年度各类任务完成情况", year=year))

    unit_rows = [[u["unit"], u["via"], u["lead_items"], u["participant_items"], u["completed"],
                  u["completion"], u["returns_on_time"], u["returns_late"], u["returns_missing"],
                  u["returns_pending"]] for u in data["units"]]
    write_table(wb, tr("单位", lang, ctx="sheet"), [col("单位", max_width=30), col("所属集合单位", max_width=24),
                               col("牵头任务", "int"), col("参与任务", "int"), col("已完成(牵头)", "int"),
                               col("完成度(%)", "percent"), col("按时报送", "int"), col("逾期报送", "int"),
                               col("未报送", "int"), col("未到期", "int")],
                unit_rows, title=t("{year}年度各单位完成情况", year=year),
                notes=[t("完成度: 本单位牵头任务最近一次报送进度的平均值, 未报送的任务按 0 计。")])

    item_rows, item_fmts = [], []
    for it in data["items"]:
        leads = join((f"{u} {_pct(p, lang)}" for u, p in it["lead_progress"].items()), lang) \
            or t("(无可报送的牵头单位)")
        tgt = f"{it['targets_met']}/{it['targets_total']}" if it["targets_total"] else ""
        item_rows.append([it["item"], it["number"], it["category_no"], it["content"],
                          t("必做") if it["mandatory"] else "", leads, it["completion"], t(it["light_label"]),
                          tgt, it["weight"], it["points"], it["earned"]])
        item_fmts.append([None] * 7 + [it["light"]] + [None] * 4)
    write_table(wb, t("任务明细"), [col("任务编号", "center"), col("序号", "int"), col("类号", "center", ctx="both"),
                                   col("工作内容", "wide", width=50), col("必做", "center"),
                                   col("牵头单位及进度", "wide", width=30), col("完成度(%)", "percent"),
                                   col("状态", "center"), col("指标达标", "center"), col("权重", "number"),
                                   col("分值", "number"), col("得分", "number")],
                item_rows, title=t("{year}年度任务完成明细", year=year), cell_formats=item_fmts)

    t_rows, t_fmts = [], []
    for x in data["targets"]:
        by = join((f"{u} {_num(v)}" for u, v in x["by_unit"].items() if v is not None), lang)
        met = t("达标") if x["met"] else (tr("未报", lang, ctx="target") if not x["reported"] else t("未达标"))
        t_rows.append([x["item"], x["number"], x["text"], x["metric"], x.get("goal_text") or x["goal"], x["actual"], x["unit"],
                       met, by])
        t_fmts.append([None] * 7 + ["green" if x["met"] else "red", None])
    write_table(wb, tr("指标", lang, ctx="sheet"), [col("任务编号", "center"), col("序号", "int"), col("指标原文", "wide", width=36),
                               col("指标", "wide", width=24, ctx="metric"), col("目标", "center"),
                               col("实际", "number"), col("单位", "center", ctx="measure"),
                               col("是否达标", "center"), col("各牵头单位报送", "wide", width=30)],
                t_rows, title=t("{year}年度量化指标完成情况", year=year), cell_formats=t_fmts,
                notes=[t("实际: 多个牵头单位时取最差的报送值 (每个单位都达到才算达标); 见 docs/scoring.md。")])

    quarters = [x["quarter"] for x in data["trend"]]
    r_rows, r_fmts = [], []
    for u in data["units"]:
        cells = []
        for q in quarters:
            s = u["quarters"][q]
            d = u["received"].get(q)
            label = t(RETURN_LABEL[s])
            cells.append(f"{label} {d[5:]}" if d else label)
        r_rows.append([u["unit"], *cells, u["returns_on_time"], u["returns_late"], u["returns_missing"]])
        r_fmts.append([None] + [RETURN_FORMAT[u["quarters"][q]] for q in quarters] + [None] * 3)
    write_table(wb, t("报送情况"), [col("单位", max_width=30)]
                + [Column(quarter_label(i, lang), "center", width=13) for i in range(len(quarters))]
                + [col("按时", "int"), col("逾期", "int"), col("未报", "int")],
                r_rows, title=t("{year}年度各单位季度报送情况", year=year), cell_formats=r_fmts,
                notes=[t("按时: 截止日前收到 (日期为首次收到的月-日); 逾期: 截止日后收到; 未报: 截止日已过仍未收到。")])


def _pct(v, lang: str = ZH) -> str:
    return tr("未报", lang, ctx="progress") if v is None else f"{_num(v)}%"


def _num(v) -> str:
    if v is None:
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"
