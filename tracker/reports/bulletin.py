"""The quarterly bulletin (季度通报) as xlsx and docx, from :func:`tracker.status.period_status`.

Contents, in both files:

一、报送情况 — every unit expected to report: on time, late (days late) or missing;
二、各类任务推进情况 — per category: items, mean completion (unreported items count 0), the counts
   of 正常 / 预警 / 滞后;
三、滞后任务 — the red items with their lead units (as the plan names them: 各区、县级市政府, not its
   twelve members), progress, status and the problems the lead units stated (member by member).

The xlsx has one sheet per section plus 任务进度 (every item with its light), print-ready
(:mod:`tracker.reports.xlsx_style`). The docx is an official document in the layout of GB/T 9704
(:mod:`tracker.reports.docx_style`): title "关于2007年第一季度工作分解任务推进情况的通报", sections
一、二、三 (the late and missing units named in the text), the office and the date under the body,
and the full list of every unit's return as the attachment (附件) on its own page; dated the
period's :func:`document_date` or the date given, never the day it was written.
With ``lang="en"`` both files are in English (:mod:`tracker.i18n`, docs/i18n.md); the file names
and the data (units, items, problems) stay as they are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tracker.i18n import ZH, cn_date, date_text, join, period_label, resolve, tr
from tracker.office import office_name


def _label(status: dict, lang: str) -> str:
    """The period as the bulletin names it: status["label"] (2007年第一季度) / "Q1 2007"."""
    return status["label"] if lang == ZH else period_label(status["period"], lang)


def bulletin_title(status: dict, lang: str = ZH) -> str:
    return tr("关于{label}工作分解任务推进情况的通报", lang, label=_label(status, lang))


def return_rows(status: dict, lang: str = ZH) -> list[list]:
    """[序号, 单位, 报送日期, 情况] for every expected unit: returned ones by date, then the missing."""
    rows = []
    for r in status["returned"]:
        state = tr("逾期{days}天", lang, days=r["days_late"]) if r["late"] else tr("按时", lang)
        rows.append([r["unit"], r["received_at"], state])
    for u in status["missing"]:
        rows.append([u, "", tr("未报送", lang)])
    return [[i + 1, *r] for i, r in enumerate(rows)]


def category_rows(status: dict) -> list[list]:
    return [[c["category_no"], c["category"], c["items"], c["completion"], c["green"], c["yellow"], c["red"]]
            for c in status["categories"]]


def red_items(status: dict) -> list[dict]:
    return [d for d in status["item_details"] if d.get("light") == "red"]


def stated_problems(d: dict) -> str:
    """The problems the lead units wrote, "单位: 问题" one per line (participants' are not included)."""
    parts = [f"{r['unit']}: {r['problems']}" for r in d["lead_returns"] if r["problems"].strip()]
    return "\n".join(parts)


def red_rows(status: dict, lang: str = ZH) -> list[list]:
    rows = []
    for d in red_items(status):
        comp = tr("未报送", lang) if d["completion"] is None else d["completion"]
        rows.append([d.get("label") or d["number"], d["content"], join(d["lead_names"], lang) or "—", comp,
                     tr(d["status_label"], lang) if d["completion"] is not None else tr("未报送", lang),
                     stated_problems(d)])
    return rows


def summary_sentences(status: dict, lang: str = ZH) -> dict[str, str]:
    """The paragraph that opens each section."""
    returned = status["returned"]
    late = [r for r in returned if r["late"]]
    expected = len(status["missing"]) + sum(1 for r in returned if r["expected"])
    s1 = tr("本季度应报送单位{expected}个, 截至目前已报送{returned}个, 其中按时报送{on_time}个, 逾期报送{late}个; "
            "未报送{missing}个。", lang, expected=expected, returned=len(returned),
            on_time=len(returned) - len(late), late=len(late), missing=len(status["missing"]))
    if late:
        s1 += tr("逾期报送的单位: {units}。", lang, units=join((r["unit"] for r in late), lang))
    if status["missing"]:
        s1 += tr("未报送的单位: {units}。", lang, units=join(status["missing"], lang))
    c, lt = status["items"], status["lights"]
    s2 = tr("全部{total}项任务中, 已完成{completed}项, 推进中{in_progress}项, 未启动{not_started}项, "
            "无法按期完成{cannot}项。按本季度应达进度{expected}%衡量, 进度正常{green}项, 预警{yellow}项, 滞后{red}项。",
            lang, total=c["total"], completed=c["completed"], in_progress=c["in_progress"],
            not_started=c["not_started"], cannot=c["cannot_complete"], expected=status["expected_progress"],
            green=lt["green"], yellow=lt["yellow"], red=lt["red"])
    reds = red_items(status)
    s3 = (tr("以下{n}项任务进度滞后, 请牵头单位抓紧推进。", lang, n=len(reds)) if reds
          else tr("本季度无滞后任务。", lang))
    return {"returns": s1, "categories": s2, "red": s3}


# -- xlsx ------------------------------------------------------------------------------------------
def write_bulletin_xlsx(path: Path, status: dict, config: dict, lang: str = ZH) -> Path:
    import xlsxwriter

    from tracker.reports.xlsx_style import Column, write_table

    def t(text, /, **fields):
        return tr(text, lang, **fields)

    def col(header, *args, **kw):
        return Column(t(header), *args, **kw)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sent = summary_sentences(status, lang)
    label = _label(status, lang)
    wb = xlsxwriter.Workbook(str(path))
    try:
        rows = return_rows(status, lang)
        fmts = [[None, None, None, "red" if r[3] == t("未报送") else ("yellow" if r[3] != t("按时") else None)]
                for r in rows]
        write_table(wb, t("报送情况"), [col("序号", "int", width=6), col("单位", "text", max_width=30),
                                        col("报送日期", "date", width=12), col("情况", "center", width=12)],
                    rows, title=t("{label}报送情况", label=label), cell_formats=fmts,
                    notes=[t("截止日期 {due}。{summary}", due=status["due"], summary=sent["returns"])], landscape=False)
        write_table(wb, t("分类进度"), [col("类号", "center", width=6), col("项目分类", "text", max_width=36),
                                        col("任务数", "int", width=8), col("平均完成度(%)", "percent", width=14),
                                        col("正常", "int", width=7), col("预警", "int", width=7),
                                        col("滞后", "int", width=7)],
                    category_rows(status), title=t("{label}各类任务推进情况", label=label),
                    notes=[sent["categories"]])
        write_table(wb, t("滞后任务"), [col("序号", "int", width=6), col("工作内容", "wide", width=56),
                                        col("牵头单位", "text", width=22), col("完成进度(%)", "percent", width=11),
                                        col("进展状态", "center", width=12), col("存在问题", "wide", width=40)],
                    red_rows(status, lang), title=t("{label}滞后任务", label=label), notes=[sent["red"]])
        details = status["item_details"]
        write_table(wb, t("任务进度"), [col("任务编号", "center", width=11), Column(tr("类号", lang, ctx="both"), "center", width=6),
                                        col("序号", "int", width=6), col("工作内容", "wide", width=56),
                                        col("牵头单位", "text", width=22), col("完成进度(%)", "percent", width=11),
                                        col("进展状态", "center", width=12),
                                        Column(tr("预警", lang, ctx="column"), "center", width=8)],
                    [[d["item"], d["category_no"], d.get("label") or d["number"], d["content"], join(d["lead_names"], lang),
                      d["completion"], t(d["status_label"]) if d["completion"] is not None else t("未报送"),
                      t(d["light_label"])] for d in details],
                    cell_formats=[[None] * 7 + [d["light"]] for d in details],
                    title=t("{label}任务进度一览", label=label),
                    notes=[t("应达进度 {expected}%", expected=status["expected_progress"])])
    finally:
        wb.close()
    return path


# -- docx ------------------------------------------------------------------------------------------
def document_date(status: dict) -> date:
    """The date a period's documents bear when none is given: the day its figures stand as of —
    the due date, or the last day a return of the period came in when that is later. Never the day
    the command ran (a bulletin of 2007 printed in 2026 still says 2007)."""
    returned = status.get("returned", [])
    days = [status["due"]] + [r["received_at"] for r in returned]
    days += [r["last_received_at"] for r in returned if r.get("last_received_at")]
    return date.fromisoformat(max(str(d)[:10] for d in days))


def attachment_title(status: dict, lang: str = ZH) -> str:
    return tr("{label}各单位报送情况一览表", lang, label=_label(status, lang))


def write_bulletin_docx(path: Path, status: dict, config: dict, as_of: date | None = None,
                        lang: str = ZH) -> Path:
    """The bulletin as an official document (GB/T 9704, :mod:`tracker.reports.docx_style`): the
    figures, the late and missing units by name, the categories, the items behind, and every
    unit's return as the attachment (附件); dated ``as_of`` (default :func:`document_date`)."""
    from tracker.reports import docx_style as ds

    def t(text, /, **fields):
        return tr(text, lang, **fields)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    as_of = as_of or document_date(status)
    office = t(office_name(config))
    sent = summary_sentences(status, lang)
    label = _label(status, lang)
    title = bulletin_title(status, lang)
    doc = ds.new_document(config, lang, title=title, author=office)

    def table(headers, rows, widths, align):
        return ds.table(doc, [t(h) for h in headers], rows, widths, align=align)

    ds.title(doc, title)
    ds.paragraph(doc, t("各责任单位:"), indent=False)
    plan = status["plan"]
    name = plan["name"]
    if lang == ZH and name.startswith(f"{plan['year']}年"):  # "根据2007年2007年广州市…" reads wrong
        name = name[len(f"{plan['year']}年"):]
    due = cn_date(status["due"]) if lang == ZH else date_text(date.fromisoformat(status["due"]), lang)
    ds.paragraph(doc, t("根据{year}年{name}的要求, 现将{label}各责任单位工作进展情况报送及任务推进情况通报如下(报送截止日期为{due}):",
                        year=plan["year"], name=name, label=label, due=due))

    ds.heading(doc, t("一、报送情况"))
    ds.paragraph(doc, sent["returns"] + t("各单位报送情况见附件。"))

    ds.heading(doc, t("二、各类任务推进情况"))
    ds.paragraph(doc, sent["categories"])
    table(["类号", "项目分类", "任务数", "平均完成度(%)", "正常", "预警", "滞后"], category_rows(status),
          [13, 62, 15, 26, 13, 13, 13], ["center", "left", "center", "center", "center", "center", "center"])

    ds.heading(doc, t("三、滞后任务"))
    ds.paragraph(doc, sent["red"])
    reds = red_rows(status, lang)
    if reds:
        table(["序号", "工作内容", "牵头单位", "完成进度(%)", "进展状态", "存在问题"], reds,
              [12, 46, 26, 16, 18, 38], ["center", "left", "left", "center", "center", "left"])
    ds.paragraph(doc, t("请各责任单位对照分解任务, 抓紧推进滞后工作, 未报送的单位请尽快报送。"))
    ds.attachment_note(doc, [attachment_title(status, lang)], lang)
    ds.signature(doc, office, as_of, lang)

    ds.attachment(doc, attachment_title(status, lang), lang=lang)
    rows = [[n, unit, (cn_date(day) if lang == ZH else day) if day else "", state]
            for n, unit, day, state in return_rows(status, lang)]
    table(["序号", "单位", "报送日期", "情况"], rows, [15, 75, 36, 30], ["center", "left", "center", "center"])
    doc.save(str(path))
    return path


def write_bulletin(out_dir: Path, status: dict, config: dict, as_of: date | None = None,
                   lang: str | None = None) -> list[Path]:
    """Write ``PERIOD-季度通报.xlsx`` and ``PERIOD-季度通报.docx`` into ``out_dir`` (the same file
    names in English); ``lang`` "zh"/"en", by default ``[office] language`` of ``config``, else zh."""
    lang = resolve(lang, config)
    out_dir = Path(out_dir)
    base = f"{status['period']}-季度通报"
    return [write_bulletin_xlsx(out_dir / f"{base}.xlsx", status, config, lang),
            write_bulletin_docx(out_dir / f"{base}.docx", status, config, as_of, lang)]
