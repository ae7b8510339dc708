"""The inspection's words: the report's title, the return states and their labels, the failed
rules' messages, the lead units behind on an item, the conclusion and the summary ``tracker report``
prints. Chinese is the source text; :func:`tracker.i18n.tr` gives the English (docs/i18n.md).

Every writer of :mod:`tracker.reports.inspection` takes its words from here, so the Word report,
the workbook, the dashboard and the charts say the same thing the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

from tracker.i18n import ZH, join, note_text, tr
from tracker.scoring import fmt

#: The state of a unit's return of a quarter (:func:`tracker.reports.inspection.data.build_inspection`).
ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
RETURN_LABEL = {ON_TIME: "按时", LATE: "逾期", MISSING: "未报", PENDING: "未到期"}


def report_title(year: int, lang: str = ZH) -> str:
    return tr("{year}年度工作分解任务检查验收报告", lang, year=year)


def rule_message(rule: dict, lang: str = ZH) -> str:
    """A failed rule's message in ``lang``: tracker.scoring writes it in Chinese; the English is
    made from its code and the figures the Chinese message holds."""
    if lang == ZH:
        return rule["message"]
    msg, code = rule["message"], rule["code"]
    nums = re.findall(r"[-\d.]+(?=%| 分)", msg)
    if code == "completion-below" and len(nums) == 2:
        return tr("completion-below", lang, ctx="rule", completion=nums[0], need=nums[1])
    if code == "score-below" and len(nums) == 2:
        return tr("score-below", lang, ctx="rule", score=nums[0], need=nums[1])
    if code == "mandatory-incomplete":
        items = [tr("mandatory-item", lang, ctx="rule", number=n, completion=c)
                 for n, c in re.findall(r"第(.+?)项\((.+?)%\)", msg)]
        if items:
            return tr("mandatory-incomplete", lang, ctx="rule", items=", ".join(items))
    return msg


def behind(item: dict, lang: str = ZH) -> str:
    """The lead units of an item that are not at 100, with their progress: "天河区政府 60%、…"."""
    parts = [tr("{unit} {progress}", lang, unit=u,
                progress=tr("未报", lang, ctx="progress") if p is None else fmt(p) + "%")
             for u, p in item["lead_progress"].items() if p is None or p < 100]
    return join(parts, lang) or tr("(无可报送的牵头单位)", lang)


def conclusion_text(data: dict, lang: str = ZH) -> str:
    """The conclusion paragraph (after its bold "检查验收结论:" prefix)."""
    th = data["thresholds"]
    head = (tr("{year}年度工作完成度为{completion}%, 评分为{score}分 (合格要求: 工作完成度不低于{need_completion}%、"
               "评分不低于{need_score}分", lang, year=data["year"], completion=fmt(data["completion"]),
               score=fmt(data["score"]), need_completion=fmt(th["pass_completion"]),
               need_score=fmt(th["pass_score"]))
            + (tr(", 必做任务全部完成", lang) if th["mandatory_must_complete"] else "") + tr(")。", lang))
    if data["passed"]:
        return head + tr("结论: 通过。", lang)
    reasons = (";" if lang == ZH else "; ").join(f"{i}. {rule_message(f, lang)}"
                                                 for i, f in enumerate(data["failed_rules"], start=1))
    return head + tr("结论: 未通过。未通过原因: {reasons}。", lang, reasons=reasons)



def summary_text(data: dict, written: dict | None = None, lang: str = ZH) -> str:
    """The short summary ``tracker report`` prints (Chinese, or English with ``lang="en"``)."""
    th = data["thresholds"]
    verdict = tr("通过" if data["passed"] else "未通过", lang)
    lines = [tr("{year} 年度检查验收: {verdict}", lang, year=data["year"], verdict=verdict),
             tr("  工作完成度 {completion}% (要求 ≥ {need_completion}%), 评分 {score} 分 (要求 ≥ {need_score} 分)",
                lang, completion=fmt(data["completion"]), need_completion=fmt(th["pass_completion"]),
                score=fmt(data["score"]), need_score=fmt(th["pass_score"])),
             (tr("  必做任务完成 {done}/{total} 项, ", lang, done=data["mandatory"]["completed"],
                 total=data["mandatory"]["total"])
              if data["mandatory"]["total"] else tr("  (计划未标注必做任务) ", lang))
             + tr("量化指标达标 {met}/{total} 个, 滞后或预警任务 {lagging} 项", lang, met=data["targets_met"],
                  total=len(data["targets"]), lagging=len(data["lagging"]))]
    r = data["returns"]
    lines.append(tr("  报送: 按时 {on_time} 次, 逾期 {late} 次, 未报 {missing} 次", lang, on_time=r[ON_TIME],
                    late=r[LATE], missing=r[MISSING])
                 + (tr(", 未到期 {pending} 次", lang, pending=r[PENDING]) if r[PENDING] else ""))
    for f in data["failed_rules"]:
        lines.append(tr("  未通过原因: {message}", lang, message=rule_message(f, lang)))
    if data["unreported"]:
        lines.append(tr("  无牵头单位报送的任务 (按 0 计): {items}", lang, items=join(data["unreported"], lang)))
    if written:
        for key, label in (("docx", "检查验收报告"), ("xlsx", "汇总表"), ("html", "数据看板")):
            if written.get(key):
                lines.append(tr("  {label}: {path}", lang, label=tr(label, lang), path=written[key]))
        if written.get("charts"):
            first = next(iter(written["charts"].values()))["png"]
            lines.append(tr("  图表: {path}", lang, path=Path(first).parent))
        for n in written.get("notes", []):
            lines.append(tr("  注意: {note}", lang, note=note_text(n, lang)))
    return "\n".join(lines)
