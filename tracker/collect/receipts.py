"""The receipt (回执) of a collected file, and the fix text of every problem code it can show.

:data:`FIX` holds, for each problem code a check can raise, what the department is to do about
it (those about the form's cells are :data:`tracker.form.FIX_TEXTS`, written beside the columns);
``tests/test_receipt_codes.py`` fails when a code that collect, :mod:`tracker.safety` or
:mod:`tracker.identity` can raise has none. Codes that are the office's matter
(:data:`~tracker.collect.outcome.OFFICE_SIDE`, and ``received-corrected``) never show in a receipt.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tracker.collect.outcome import OFFICE_SIDE, FileOutcome
from tracker.form import FIX_TEXTS
from tracker.i18n import cn_date
from tracker.identity import SHEET as IDENTITY_SHEET
from tracker.office import contact_text, office_name
from tracker.problems import UsageError

NOT_IN_RECEIPTS = OFFICE_SIDE | {"received-corrected"}  # the office's matter: left out of every receipt

_RESAVE = "请用 Excel、WPS 或 LibreOffice 打开确认文件完好、未加密, 另存为 .xlsx 后重新报送。"
FIX = {
    # tracker/safety.py: before any reader opens the file (unreadable: also the reader, check_readable);
    # text-control-chars: any text cell (xml_safe_problem)
    "unreadable": _RESAVE,
    "unknown-format": "这不是表格文件 (可能只是改了扩展名)。请把办公室下发的填报模板填好后直接报送。",
    "corrupt-file": _RESAVE,
    "empty-file": "文件是空的, 请重新保存后报送。",
    "file-too-large": "文件过大, 请只保留填报模板中的工作表后另存为 .xlsx 再报送。",
    "sheet-too-large": "工作表中有大量多余的行或列, 请删除模板以外的内容后另存为 .xlsx 再报送。",
    "zip-bomb": _RESAVE,
    "nested-archive": "请不要在表格中嵌入压缩包或其他文件, 删除后重新报送。",
    "xml-entities": _RESAVE,
    "encrypted": "请在 Excel、WPS 或 LibreOffice 中去掉文件的密码 (取消加密), 另存为 .xlsx 后重新报送。",
    "macros-ignored": "无需重报; 今后请另存为不含宏的 .xlsx 文件 (不要用 .xlsm) 报送。",
    "formula-no-value": "请把公式改为直接填写数值, 保存后重新报送。",
    "formula-cell": "无需重报; 今后请直接填写数值或文字, 不要使用公式。",
    "text-control-chars": "无需重报; 不可见的控制字符已删除, 其余文字照录。",
    # tracker/collect/checks.py, in the order of its CHECKS
    "identity-missing": "请使用办公室下发的填报模板填写 (不要复制到新建的工作簿中), 并保留所有工作表。",
    "identity-unreadable": "请使用办公室下发的原模板重新填写。",
    "identity-other-workspace": "请使用本办公室本次下发的填报模板。",
    "identity-signature-invalid": "请勿修改隐藏工作表中的内容; 请使用办公室下发的原模板重新填写。",
    "period-mismatch": "请使用本季度的填报模板填写后报送; 如确为补报上季度, 请与办公室联系。",
    "plan-missing": "请与办公室联系。",
    "plan-version-mismatch": "工作任务已调整, 请向办公室索取新模板重新填写。",
    "unit-unknown": "请与办公室联系确认单位名称, 并使用本单位的模板。",
    "template-outdated": "请向办公室索取本单位的新模板重新填写。",
    "sheet-missing": "请勿删除工作表; 请使用办公室下发的原模板重新填写。",
    "sheet-renamed": "无需重报; 今后请勿修改工作表名称。",
    "header-missing": "请勿修改或删除表头; 请使用办公室下发的原模板重新填写。",
    "merged-cells": "无需重报; 今后请勿合并单元格, 每项任务分别填写。",
    "item-unknown": "请删除该行; 表中只填本单位的任务, 请勿增加任务。",
    "item-missing": "请补回该任务的一行 (可从原模板复制), 每项任务都须填报。",
    "item-duplicate": "请删除重复的一行, 只保留正确的一行。",
    "item-duplicate-same": "无需重报; 今后请勿复制行。",
    "status-normalised": "无需重报; 今后请从下拉列表中选择。",
    "target-unknown": "请删除该行; 请勿增加指标行。",
    "target-duplicate": "请删除多余的一行。",
    "target-missing": "请补回该指标的一行 (可从原模板复制)。",
    # tracker/collect/values.py: parse_progress, for the progress cell (check_task_rows)
    "progress-fraction": "无需重报; 今后请直接填写整数, 如 80。",
    "progress-rounded": "无需重报; 今后请填写整数。",
    # tracker/collect/pipeline.py (the Collector) and tracker/links.py (link_problems): a department's link
    "link-unit-mismatch": "每个单位有自己的填报链接: 请通过本单位的链接报送本单位的填报表; 这份报表请转给所属单位, "
                          "或与办公室联系。",
    "link-period-mismatch": "请通过本季度的填报链接报送本季度的填报表; 如确为补报其他季度, 请与办公室联系。",
    # the form's cells (tracker/form.py, beside the columns and the 0–100 rule they name): row-without-id,
    # item-number-mismatch, locked-cell-changed, status-*, progress-missing/-not-number/-out-of-range,
    # inconsistent-*, target-not-number, template-not-filled
    **FIX_TEXTS,
}


def receipt_name(fo: FileOutcome) -> str:
    """``<file stem>-<sha8>-回执.txt``, made safe by :func:`tracker.files.safe_file_name` (a file
    name of 75 Chinese characters made a receipt name over Linux's 255 bytes)."""
    from tracker.files import safe_file_name

    return safe_file_name(Path(fo.name).stem, tail=f"-{fo.sha256[:8] or 'unread'}-回执", suffix=".txt")


def receipt_bytes(fo: FileOutcome, config: dict) -> bytes:
    """The receipt as its file holds it: UTF-8 with a byte-order mark and Windows line ends, so
    Notepad on the department's PC shows it right."""
    return b"\xef\xbb\xbf" + receipt_text(fo, config).replace("\n", "\r\n").encode("utf-8")


def receipt_text(fo: FileOutcome, config: dict) -> str:
    """The 回执: Chinese plain text the office can forward to the department as it is."""
    from tracker.periods import parse_period

    rule = "═" * 40
    lines = [rule, "报 表 回 执".center(36), rule, ""]
    lines.append(f"文件名称:{fo.name}")
    lines.append(f"收到日期:{cn_date(fo.received_at)}")
    if fo.unit:
        lines.append(f"填报单位:{fo.unit}")
    if fo.period:
        try:
            lines.append(f"报送季度:{parse_period(fo.period).label} ({fo.period})")
        except UsageError:
            lines.append(f"报送季度:{fo.period}")
    if fo.sha256:
        lines.append(f"文件编号:{fo.sha256[:16]}")
    lines.append("")
    # what is the office's matter (a wrong date or period, …) is not the department's to fix
    problems = [p for p in fo.problems if p.code not in NOT_IN_RECEIPTS]
    fo = replace(fo, problems=problems)
    errors = [p for p in fo.problems if p.is_error]
    warnings = [p for p in fo.problems if not p.is_error]
    if fo.outcome == "accepted":
        lines.append(f"处理结果:【已接收】共 {fo.items} 项任务的进展已录入。")
        if fo.replaced:
            lines.append(f"          本次报送替代了 {cn_date(fo.replaced['received_at'])} 收到的"
                         f"“{fo.replaced['file']}”。")
        if not fo.current:
            lines.append("          办公室已有本单位本季度更晚收到的报表, 本份仅存档备查。")
    elif fo.outcome == "duplicate":
        same = f"{cn_date(fo.same_as['received_at'])}收到的“{fo.same_as['file']}”" if fo.same_as else "此前收到的报表"
        lines.append(f"处理结果:【已接收】内容与{same}相同, 无需再次报送。")
    else:
        lines.append(f"处理结果:【退回】发现 {len(errors)} 处错误, 本文件未录入。")
        lines.append("          请按下列说明修改后, 将文件重新报送。")
    if fo.problems:
        lines += ["", f"问题清单 (错误 {len(errors)} 处, 提示 {len(warnings)} 处):", ""]
        for n, p in enumerate(errors + warnings, start=1):
            label = "错误" if p.is_error else "提示"
            where = []
            if p.sheet and p.sheet != IDENTITY_SHEET:
                where.append(f"工作表“{p.sheet}”")
            elif p.sheet == IDENTITY_SHEET:
                where.append("模板标识 (隐藏工作表)")
            if p.cell and p.sheet != IDENTITY_SHEET:
                where.append(f"{p.cell} 单元格")
            lines.append(f"{n:>3}. 【{label}】{' '.join(where) or '整个文件'}")
            lines.append(f"     问题:{p.message}。")
            fix = FIX.get(p.code)
            if fix:
                lines.append(f"     处理:{fix}")
            lines.append("")
        if warnings:
            lines.append("说明:“错误”须修改后重新报送;“提示”无需重新报送, 办公室已按说明处理。")
    else:
        lines += ["", "未发现问题。谢谢配合!"]
    lines += ["", "─" * 40]
    contact = contact_text(config)
    lines.append(office_name(config) + (f"  联系方式:{contact}" if contact else ""))
    return "\n".join(lines).rstrip() + "\n"
