"""``YEAR-检查验收汇总.xlsx``: the inspection's figures in six print-ready sheets.

总体 (overall), 分类 (by category), 单位 (by unit), 任务明细 (items), 指标 (targets) and 报送情况 (returns
per unit and quarter). Layout from :mod:`tracker.reports.xlsx_style`: title row, frozen header
repeated on every printed page, autofilter, A4 landscape, widths that fit Chinese, and every text
written as a string (a value starting with = + - @ never becomes a formula). Percentages are numbers
on a 0–100 scale, one decimal shown.
"""

from __future__ import annotations

from pathlib import Path

from tracker.reports.xlsx_style import Column, write_table

SHEETS = ("总体", "分类", "单位", "任务明细", "指标", "报送情况")
RETURN_LABEL = {"on_time": "按时", "late": "逾期", "missing": "未报", "pending": "未到期"}
RETURN_FORMAT = {"on_time": "green", "late": "yellow", "missing": "red", "pending": "center"}


def overall_rows(data: dict) -> list[list]:
    """The 总体 sheet's (项目, 数值) rows; also what the docx overview says."""
    th = data["thresholds"]
    r = data["returns"]
    rows = [
        ["年度", data["year"]],
        ["计划名称", data["plan"]["name"]],
        ["检查验收结论", "通过" if data["passed"] else "未通过"],
        ["工作完成度(%)", data["completion"]],
        ["评分(分)", data["score"]],
        ["合格要求: 工作完成度(%)", th["pass_completion"]],
        ["合格要求: 评分(分)", th["pass_score"]],
        ["必做任务须全部完成", "是" if th["mandatory_must_complete"] else "否"],
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
        rows.append(["未通过原因", f"{f['message']} ({f['code']})"])
    if data["unreported"]:
        rows.append(["无牵头单位报送的任务(按0计)", "、".join(data["unreported"])])
    rows.append(["统计截至", data["as_of"]])
    return rows


def write_xlsx(data: dict, path: Path) -> Path:
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    year = data["year"]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        _write(wb, data, year)
    finally:
        wb.close()
    return path


def _write(wb, data: dict, year: int) -> None:
    rows = overall_rows(data)
    fmts = [[None, ("green" if data["passed"] else "red")] if k == "检查验收结论" else None for k, _ in rows]
    write_table(wb, "总体", [Column("项目", width=30), Column("数值", "wide", width=60)], rows,
                title=f"{year}年度工作分解任务检查验收汇总", cell_formats=fmts, landscape=False)

    cat_rows = [[c["category_no"], c["category"], c["items"], c["completed"], c["completion"],
                 c["points"], c["earned"]] for c in data["categories"]]
    write_table(wb, "分类", [Column("类号", "center"), Column("项目分类", "wide", max_width=40),
                            Column("任务数", "int"), Column("已完成", "int"), Column("完成度(%)", "percent"),
                            Column("分值", "number"), Column("得分", "number")],
                cat_rows, title=f"{year}年度各类任务完成情况")

    unit_rows = [[u["unit"], u["via"], u["lead_items"], u["participant_items"], u["completed"],
                  u["completion"], u["returns_on_time"], u["returns_late"], u["returns_missing"],
                  u["returns_pending"]] for u in data["units"]]
    write_table(wb, "单位", [Column("单位", max_width=30), Column("所属集合单位", max_width=24),
                            Column("牵头任务", "int"), Column("参与任务", "int"), Column("已完成(牵头)", "int"),
                            Column("完成度(%)", "percent"), Column("按时报送", "int"), Column("逾期报送", "int"),
                            Column("未报送", "int"), Column("未到期", "int")],
                unit_rows, title=f"{year}年度各单位完成情况",
                notes=["完成度: 本单位牵头任务最近一次报送进度的平均值, 未报送的任务按 0 计。"])

    item_rows, item_fmts = [], []
    for it in data["items"]:
        leads = "、".join(f"{u} {_pct(p)}" for u, p in it["lead_progress"].items()) or "(无可报送的牵头单位)"
        tgt = f"{it['targets_met']}/{it['targets_total']}" if it["targets_total"] else ""
        item_rows.append([it["item"], it["number"], it["category_no"], it["content"],
                          "必做" if it["mandatory"] else "", leads, it["completion"], it["light_label"],
                          tgt, it["weight"], it["points"], it["earned"]])
        item_fmts.append([None] * 7 + [it["light"]] + [None] * 4)
    write_table(wb, "任务明细", [Column("任务编号", "center"), Column("序号", "int"), Column("类号", "center"),
                                Column("工作内容", "wide", width=50), Column("必做", "center"),
                                Column("牵头单位及进度", "wide", width=30), Column("完成度(%)", "percent"),
                                Column("状态", "center"), Column("指标达标", "center"), Column("权重", "number"),
                                Column("分值", "number"), Column("得分", "number")],
                item_rows, title=f"{year}年度任务完成明细", cell_formats=item_fmts)

    t_rows, t_fmts = [], []
    for t in data["targets"]:
        by = "、".join(f"{u} {_num(v)}" for u, v in t["by_unit"].items() if v is not None)
        met = "达标" if t["met"] else ("未报" if not t["reported"] else "未达标")
        t_rows.append([t["item"], t["number"], t["text"], t["metric"], t["goal"], t["actual"], t["unit"],
                       met, by])
        t_fmts.append([None] * 7 + ["green" if t["met"] else "red", None])
    write_table(wb, "指标", [Column("任务编号", "center"), Column("序号", "int"), Column("指标原文", "wide", width=36),
                            Column("指标", "wide", width=24), Column("目标", "center"), Column("实际", "number"),
                            Column("单位", "center"), Column("是否达标", "center"),
                            Column("各牵头单位报送", "wide", width=30)],
                t_rows, title=f"{year}年度量化指标完成情况", cell_formats=t_fmts,
                notes=["实际: 多个牵头单位时取最差的报送值 (每个单位都达到才算达标); 见 docs/scoring.md。"])

    quarters = [t["quarter"] for t in data["trend"]]
    r_rows, r_fmts = [], []
    for u in data["units"]:
        cells = []
        for q in quarters:
            s = u["quarters"][q]
            d = u["received"].get(q)
            cells.append(f"{RETURN_LABEL[s]} {d[5:]}" if d else RETURN_LABEL[s])
        r_rows.append([u["unit"], *cells, u["returns_on_time"], u["returns_late"], u["returns_missing"]])
        r_fmts.append([None] + [RETURN_FORMAT[u["quarters"][q]] for q in quarters] + [None] * 3)
    write_table(wb, "报送情况", [Column("单位", max_width=30)]
                + [Column(f"第{'一二三四'[i]}季度", "center", width=13) for i in range(len(quarters))]
                + [Column("按时", "int"), Column("逾期", "int"), Column("未报", "int")],
                r_rows, title=f"{year}年度各单位季度报送情况", cell_formats=r_fmts,
                notes=["按时: 截止日前收到 (日期为首次收到的月-日); 逾期: 截止日后收到; 未报: 截止日已过仍未收到。"])


def _pct(v) -> str:
    return "未报" if v is None else f"{_num(v)}%"


def _num(v) -> str:
    if v is None:
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"
