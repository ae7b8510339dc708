"""The 催报 list: the units that have not returned for a period, with their items, as print-ready xlsx.

One row per missing unit and item (单位, 角色, 任务编号, 序号, 工作内容, 截止日期), grouped by unit in
the order of :func:`tracker.status.period_status` ``missing``; the office's contact from
``[office]`` in tracker.toml stands in a line above the table, so the list can be faxed or sent
as is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path


def office_line(config: dict) -> str:
    """"联系人: 张三  电话: …  邮箱: …" from [office]; only the fields that are filled."""
    office = config.get("office", {})
    parts = [f"{label}: {office[key]}" for key, label in
             (("contact", "联系人"), ("phone", "联系电话"), ("email", "电子邮箱")) if office.get(key)]
    return "   ".join(parts)


def remind_rows(status: dict) -> list[list]:
    """The table rows: [编号, 单位, 本单位角色, 任务编号, 序号, 工作内容, 截止日期] per missing unit and item."""
    rows = []
    n = 0
    for u in status["missing_detail"]:
        n += 1
        for it in u["items"]:
            rows.append([n, u["unit"], it["role_label"], it["item"], it["number"], it["content"],
                         status["due"]])
    return rows


def write_remind(path: Path, status: dict, config: dict, today: date | None = None) -> Path:
    """Write the 催报 list for ``status`` (a :func:`tracker.status.period_status` dict) to ``path``."""
    import xlsxwriter

    from tracker.reports.xlsx_style import Column, write_table

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    office = config.get("office", {}).get("name") or "领导小组办公室"
    today = today or date.today()
    notes = [f"截止日期: {status['due']}    未报送单位 {len(status['missing'])} 个    "
             f"{office}  {today.isoformat()} 制表"]
    contact = office_line(config)
    if contact:
        notes.append(f"请尽快报送。{contact}")
    else:
        notes.append("请尽快报送。")
    columns = [Column("编号", "int", width=6), Column("单位", "text", max_width=26),
               Column("本单位角色", "center", width=10), Column("任务编号", "center", width=11),
               Column("序号", "int", width=6), Column("工作内容", "wide", width=70),
               Column("截止日期", "date", width=12)]
    rows = remind_rows(status)
    wb = xlsxwriter.Workbook(str(path))
    try:
        ws = write_table(wb, "催报名单", columns, rows,
                         title=f"{status['label']}工作进展情况未报送单位催报名单", notes=notes)
        if not rows:
            ws.write_string(ws.tracker_header_row + 1, 0, "全部单位均已报送。")
    finally:
        wb.close()
    return path
