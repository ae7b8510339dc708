"""The 催报 list: the units that have not returned for a period, with their items, as print-ready xlsx.

One row per missing unit and item (单位, 角色, 任务编号, 序号, 工作内容, 截止日期, and the unit's
联系人 / 联系电话 / 电子邮箱 from the contact book, :mod:`tracker.contacts`), grouped by unit in
the order of :func:`tracker.status.period_status` ``missing``; the office's contact from
``[office]`` in tracker.toml stands in a line above the table, so the list can be faxed or sent
as is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tracker.i18n import ZH, period_label, resolve, tr
from tracker.office import contact_line, office_name


def remind_rows(status: dict, lang: str = ZH, contacts: dict[str, dict] | None = None) -> list[list]:
    """The table rows: [编号, 单位, 本单位角色, 任务编号, 序号, 工作内容, 截止日期, 联系人, 联系电话,
    电子邮箱] per missing unit and item; ``contacts``: unit -> {name, phone, email}."""
    rows = []
    n = 0
    contacts = contacts or {}
    for u in status["missing_detail"]:
        n += 1
        c = contacts.get(u["unit"], {})
        for it in u["items"]:
            rows.append([n, u["unit"], tr(it["role_label"], lang), it["item"], it["number"], it["content"],
                         status["due"], c.get("name", ""), c.get("phone", ""), c.get("email", "")])
    return rows


def write_remind(path: Path, status: dict, config: dict, as_of: date | None = None,
                 lang: str | None = None, contacts: dict[str, dict] | None = None) -> Path:
    """Write the 催报 list for ``status`` (a :func:`tracker.status.period_status` dict) to ``path``;
    ``lang`` "zh"/"en", by default ``[office] language`` of ``config``, else zh; ``contacts``: the
    contact book, unit -> {name, phone, email}. The list is dated ``as_of``, by default the
    period's :func:`tracker.reports.bulletin.document_date` (never today)."""
    import xlsxwriter

    from tracker.reports.xlsx_style import Column, write_table

    lang = resolve(lang, config)

    def t(text, /, **fields):
        return tr(text, lang, **fields)

    def col(header, *args, ctx="", **kw):
        return Column(tr(header, lang, ctx=ctx), *args, **kw)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    office = t(office_name(config))
    from tracker.reports.bulletin import document_date

    as_of = as_of or document_date(status)
    notes = [t("截止日期: {due}    未报送单位 {n} 个    {office}  {today} 制表", due=status["due"],
               n=len(status["missing"]), office=office, today=as_of.isoformat())]
    contact = contact_line(config, lang)
    if contact:
        notes.append(t("请尽快报送。{contact}", contact=contact))
    else:
        notes.append(t("请尽快报送。"))
    columns = [col("编号", "int", width=6), col("单位", "text", max_width=26),
               col("本单位角色", "center", width=10), col("任务编号", "center", width=11),
               col("序号", "int", width=6, ctx="item"), col("工作内容", "wide", width=70),
               col("截止日期", "date", width=12), col("联系人", "text", max_width=10),
               col("联系电话", "text", max_width=16), col("电子邮箱", "text", max_width=26)]
    rows = remind_rows(status, lang, contacts)
    label = status["label"] if lang == ZH or "period" not in status else period_label(status["period"], lang)
    wb = xlsxwriter.Workbook(str(path))
    try:
        ws = write_table(wb, t("催报名单"), columns, rows,
                         title=t("{label}工作进展情况未报送单位催报名单", label=label), notes=notes)
        if not rows:
            ws.write_string(ws.tracker_header_row + 1, 0, t("全部单位均已报送。"))
    finally:
        wb.close()
    return path
