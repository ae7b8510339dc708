"""``YEAR-检查验收报告.docx``: the official-style Chinese inspection report (python-docx).

In the layout of GB/T 9704 (:mod:`tracker.reports.docx_style`: A4, 37/28/35/26 mm margins, 小标宋
title, 仿宋 body, 黑体 headings, "— 1 —" page numbers at the outside edge, the office and the date
under the body); tables with a repeated header row and one alignment per column; the charts
embedded as PNG. Sections: title, 一、总体情况; 二、检查验收结论 (通过/未通过 and each failed rule);
三、分类完成情况; 四、各单位完成情况; 五、滞后任务; 六、量化指标完成情况; 七、报送情况; 八、季度进展.
The conclusion is one paragraph starting with "检查验收结论:".

``lang="en"`` writes the same report in English (:mod:`tracker.i18n`, docs/i18n.md): sections
"1. Overview" …, English words in Times New Roman / Arial, the Chinese data in the Chinese faces.
"""

from __future__ import annotations

from pathlib import Path

from tracker.i18n import ZH, join, period_label, quarter_label, tr
from tracker.reports import docx_style as ds
from tracker.reports.inspection.text import RETURN_LABEL, behind, conclusion_text, report_title
from tracker.reports.xlsx_style import FILL
from tracker.scoring import fmt

CN_NUM = "一二三四五六七八九十"
RETURN_FILL = {"on_time": FILL["green"], "late": FILL["yellow"], "missing": FILL["red"], "pending": None}


def _section_no(i: int, lang: str) -> str:
    """一、 二、 … / 1. 2. …"""
    return f"{CN_NUM[i]}、" if lang == ZH else f"{i + 1}. "


def write_docx(data: dict, path: Path, charts: dict | None = None, lang: str = ZH,
               config: dict | None = None) -> Path:
    """Write the Word report in the layout of GB/T 9704 (:mod:`tracker.reports.docx_style`);
    ``lang`` "zh" (default) or "en" (:mod:`tracker.i18n`); fonts from ``config`` ``[fonts]``. The
    document is dated ``data["as_of"]``, the day the figures stand as of."""
    from datetime import date

    def t(text, /, **fields):
        return tr(text, lang, **fields)

    charts = charts or {}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    title = report_title(data["year"], lang)
    office = t(data["office"])
    as_of = date.fromisoformat(str(data["as_of"])[:10])
    doc = ds.new_document(config, lang, title=title, author=office)
    ds.title(doc, title)

    def para(text="", **kw):
        return ds.paragraph(doc, text, **kw)

    C, L = "center", "left"

    def table(headers, rows, widths, align, **kw):
        return ds.table(doc, [t(h) for h in headers], rows, widths, align=align, **kw)

    def picture(path, caption_no, caption, **kw):
        return ds.picture(doc, path, t("图{n} {title}", n=caption_no, title=t(caption)), **kw)

    sections = iter(range(len(CN_NUM)))

    def heading(text):
        return ds.heading(doc, _section_no(next(sections), lang) + t(text))

    plan, r = data["plan"], data["returns"]
    heading("总体情况")
    para(t("根据《{name}》, {year}年度共分解工作任务{items}项, 分为{categories}类, 涉及责任单位{units}个 "
           "(集合单位已按成员单位展开), 设量化指标{targets}个, 其中必做任务{mandatory}项。", name=plan["name"],
           year=data["year"], items=plan["items"], categories=plan["categories"], units=plan["units"],
           targets=len(data["targets"]), mandatory=data["mandatory"]["total"]))
    para(t("全年各单位应报送季度进展{total}次, 其中按时报送{on_time}次, 逾期报送{late}次, 未报送{missing}次",
           total=sum(r.values()), on_time=r["on_time"], late=r["late"], missing=r["missing"])
         + (t(", 未到截止日{pending}次", pending=r["pending"]) if r.get("pending") else "")
         + t("。年度数据取各单位本年度最后一次报送 (第四季度, 未报则取此前最近一次)。"))

    heading("检查验收结论")
    para(conclusion_text(data, lang), lead=t("检查验收结论:"))
    para(t("必做任务完成{done}/{total}项; 量化指标达标{met}/{targets}个; 滞后或预警任务{lagging}项。",
           done=data["mandatory"]["completed"], total=data["mandatory"]["total"], met=data["targets_met"],
           targets=len(data["targets"]), lagging=len(data["lagging"])))
    if data["unreported"]:
        para(t("以下任务没有任何牵头单位报送, 按完成度0计: {items}。", items=join(data["unreported"], lang)))

    heading("分类完成情况")
    table(("类号", "项目分类", "任务数", "已完成", "完成度(%)", "得分/分值"),
          [[c["category_no"], c["category"], c["items"], c["completed"], fmt(c["completion"]),
            f"{fmt(c['earned'])}/{fmt(c['points'])}"] for c in data["categories"]],
          [14, 70, 16, 16, 20, 24] if lang == ZH else [12, 50, 14, 24, 26, 26], [C, L, C, C, C, C])
    if "category" in charts:
        picture(charts["category"]["png"], 1, "各类任务完成度")

    heading("各单位完成情况")
    para(t("完成度为本单位牵头任务最近一次报送进度的平均值 (未报送的任务按0计), 按完成度由高到低排列。"))
    units = sorted((u for u in data["units"] if u["lead_items"]), key=lambda u: (-(u["completion"] or 0), u["unit"]))
    table(("单位", "牵头任务", "已完成", "完成度(%)", "按时", "逾期", "未报"),
          [[u["unit"], u["lead_items"], u["completed"], fmt(u["completion"]), u["returns_on_time"],
            u["returns_late"], u["returns_missing"]] for u in units],
          [60, 18, 16, 20, 14, 14, 14] if lang == ZH else [44, 16, 24, 26, 16, 14, 18], [L, C, C, C, C, C, C])
    if "units" in charts:
        picture(charts["units"]["png"], 2, "各单位完成度排名")

    heading("滞后任务")
    if data["lagging"]:
        para(t("以下{n}项任务年末未达到应达进度, 按完成度由低到高排列:", n=len(data["lagging"])))
        table(("序号", "工作内容", "未完成的牵头单位及进度", "完成度(%)", "状态"),
              [[it["number"], it["content"], behind(it, lang), fmt(it["completion"]), t(it["light_label"])]
               for it in data["lagging"]],
              [12, 70, 46, 18, 14] if lang == ZH else [12, 56, 42, 26, 20], [C, L, L, C, C],
              shade=[[None] * 4 + [FILL[it["light"]]] for it in data["lagging"]])
    else:
        para(t("所有任务均已达到年末应达进度, 无滞后任务。"))

    heading("量化指标完成情况")
    if data["targets"]:
        met = [x for x in data["targets"] if x["met"]]
        para(t("共{n}个量化指标, 达标{met}个, 未达标或未报{other}个。多个牵头单位报送时, 每个单位都达到才算达标, "
               "实际值取最差的一个。", n=len(data["targets"]), met=len(met), other=len(data["targets"]) - len(met)))
        table(("序号", "指标", "目标", "实际", "是否达标"),
              [[x["number"], x["text"], x.get("goal_text") or x["goal"],
                tr("未报", lang, ctx="target") if x["actual"] is None else f"{fmt(x['actual'], 2)}{x['unit']}",
                t("达标") if x["met"] else (tr("未报", lang, ctx="target") if not x["reported"] else t("未达标"))]
               for x in data["targets"]],
              [12, 80, 24, 24, 20] if lang == ZH else [12, 72, 24, 26, 22], [C, L, C, C, C],
              shade=[[None] * 4 + [FILL["green"] if x["met"] else FILL["red"]] for x in data["targets"]])
    else:
        para(t("本年度计划未设量化指标。"))

    heading("报送情况")
    quarters = [x["quarter"] for x in data["trend"]]
    problem_units = [u for u in data["units"] if u["returns_missing"] or u["returns_late"]]
    para(t("应报送单位{n}个。", n=len(data["units"])) + (
        t("其中{n}个单位存在逾期或未报送的情况, 列于下表; 其余单位没有逾期或未报 "
          "(全部单位的报送情况见汇总表“报送情况”工作表)。", n=len(problem_units))
        if problem_units else t("各单位均按时报送。")))
    if problem_units:
        table([t("单位")] + [quarter_label(i, lang) for i in range(len(quarters))] + ["按时", "逾期", "未报"],
              [[u["unit"]] + [t(RETURN_LABEL[u["quarters"][q]]) for q in quarters]
               + [u["returns_on_time"], u["returns_late"], u["returns_missing"]] for u in problem_units],
              [56] + [18] * len(quarters) + [12, 12, 12] if lang == ZH
              else [34] + [20] * len(quarters) + [14, 12, 18], [L] + [C] * (len(quarters) + 3),
              shade=[[None] + [RETURN_FILL[u["quarters"][q]] for q in quarters] + [None] * 3
                     for u in problem_units])
    if "heatmap" in charts:
        picture(charts["heatmap"]["png"], 3, "各单位季度报送情况", width_mm=130)

    heading("季度进展")
    para(t("各季度工作完成度 (每个单位取截至该季度最近一次报送): ") + "; ".join(
        t("{label}{value}", label=_period_label(x, lang),
          value="—" if x["completion"] is None else fmt(x["completion"]) + "%") for x in data["trend"])
         + ("。" if lang == ZH else "."))
    if "trend" in charts:
        picture(charts["trend"]["png"], 4, "各季度工作完成度")

    ds.signature(doc, office, as_of, lang)
    doc.save(str(path))
    return path


def _period_label(trend_row: dict, lang: str) -> str:
    return trend_row["label"] if lang == ZH else period_label(trend_row["period"], lang)
