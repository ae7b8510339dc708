"""Output language for people: Chinese (``zh``) by default, English (``en``) on request.

What is translated: the office- and leader-facing outputs — ``tracker report`` (summary text,
Word report, summary workbook, dashboard, charts), ``tracker bulletin``, ``tracker remind`` and the
text of ``tracker status``. What is not: receipts (回执) and templates, which go to departments and
stay Chinese; the ``--json`` output (machine-readable, the same in both languages); and data —
unit names, category names, item contents, target wording, plan and office names, what units
wrote in their returns, file names. See ``docs/i18n.md``.

How it works: the Chinese text stays in the code where it is used, and the English is looked up
here by that Chinese text::

    tr("按时", lang)                                  # -> "On time" (en) / "按时" (zh)
    tr("已报送 {n} 个单位", lang, n=3)               # a template: formatted in either language
    tr("未报", lang, ctx="target")                   # the same Chinese, another English

With ``lang == "zh"`` :func:`tr` returns (and formats) the Chinese unchanged, so the Chinese
output is what it was before English existed. With ``lang == "en"`` the English of
:data:`EN_CATALOG` is used; a string missing from the catalogue falls back to the Chinese (``tests/test_i18n.py``
checks that every ``tr("…")`` literal in the code has an English entry with the same fields).

English templates may use ``{n:item|items}``: the number, a space, then the singular or the plural
word (``1 item``, ``3 items``); ``{n:|is|are}`` gives the word alone. English values carry their
own spacing and punctuation (a Chinese "。" ends a sentence with no space after it; an English
sentence that follows one starts with a space in the catalogue).

The language: ``--lang zh|en`` on the command, else ``[office] language`` in tracker.toml, else
``zh`` (:func:`resolve`).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date

ZH, EN = "zh", "en"
LANGS = (ZH, EN)

CN_QUARTER = "一二三四"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


# -- choosing the language -------------------------------------------------------------------------
def check_lang(lang) -> str:
    """``"zh"`` or ``"en"`` from what a person wrote (``en``, ``EN``, ``en-GB``, ``zh-CN`` …)."""
    text = str(lang or "").strip().lower().replace("_", "-")
    base = text.split("-", 1)[0]
    if base in LANGS:
        return base
    from tracker.problems import UsageError

    raise UsageError(f"报告语言 “{lang}” 无效, 应为 zh (中文) 或 en (English)")


def config_lang(config: Mapping | None) -> str:
    """``[office] language`` of tracker.toml; ``zh`` when it is not set."""
    value = ((config or {}).get("office") or {}).get("language")
    if value is None or str(value).strip() == "":
        return ZH
    try:
        return check_lang(value)
    except Exception:
        from tracker.problems import UsageError

        raise UsageError(f"tracker.toml [office] language = “{value}” 无效, 应为 \"zh\" 或 \"en\"") from None


def resolve(lang: str | None, config: Mapping | None = None) -> str:
    """The language to write in: ``lang`` when given, else the configuration's, else ``zh``."""
    return check_lang(lang) if lang else config_lang(config)


# -- looking up ------------------------------------------------------------------------------------
class _Formatter(string.Formatter):
    """str.format, plus ``{n:word|words}`` -> "1 word" / "2 words"."""

    def format_field(self, value, format_spec):
        if "|" in format_spec:
            parts = format_spec.split("|")
            if len(parts) == 3 and parts[0] == "":  # {n:|is|are}: the word alone
                return parts[1] if value == 1 else parts[2]
            one, many = format_spec.split("|", 1)
            return f"{value} {one if value == 1 else many}"
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def tr(text: str, lang: str = ZH, /, *, ctx: str = "", **fields) -> str:
    """``text`` (Chinese) in ``lang``; formatted with ``fields`` when any are given.

    ``ctx`` tells apart the same Chinese that needs different English (the catalogue key is then
    ``"ctx|中文"``, falling back to the plain ``"中文"``)."""
    if lang == EN:
        s = EN_CATALOG.get(f"{ctx}|{text}") if ctx else None
        if s is None:
            s = EN_CATALOG.get(text, text)
    else:
        s = text
    return _FORMATTER.format(s, **fields) if fields else s


def has(text: str, ctx: str = "") -> bool:
    """Whether the catalogue has an English entry for ``text``."""
    return (f"{ctx}|{text}" if ctx else text) in EN_CATALOG


def note_text(note: str, lang: str = ZH) -> str:
    """A message from elsewhere (e.g. :mod:`tracker.fonts`) in ``lang``: its catalogue entry, or the
    English it carries in a closing parenthesis ("未找到中文字体 … (No CJK font found: …)")."""
    if lang != EN or note in EN_CATALOG:
        return tr(note, lang)
    import re

    m = re.search(r"\(([ -~]+)\)\s*$", note)
    return m.group(1) if m else note


def period_label(period, lang: str = ZH) -> str:
    """"2007年第一季度" / "Q1 2007" for a Period or "2007Q1"."""
    from tracker.periods import Period, parse_period

    p = period if isinstance(period, Period) else parse_period(str(period))
    return p.label if lang != EN else f"Q{p.quarter} {p.year}"


def quarter_label(i: int, lang: str = ZH) -> str:
    """The quarter ``i`` (0-based) as a column heading: "第一季度" / "Q1"."""
    return f"第{CN_QUARTER[i]}季度" if lang != EN else f"Q{i + 1}"


def cn_date(d: date | str) -> str:
    """2008年1月31日: the one form of every date tracker writes in Chinese (GB/T 9704-2012 §7.3.5.4:
    Arabic numerals, no leading zeros); a string is read as ISO (its first ten characters), and one
    that is not a date is written as it is (a receipt names a stored date, whatever it holds)."""
    if isinstance(d, str):
        try:
            d = date.fromisoformat(d[:10])
        except ValueError:
            return d
    return f"{d.year}年{d.month}月{d.day}日"


def date_text(d: date, lang: str = ZH) -> str:
    """"2007年4月12日" / "12 April 2007" (the date under a signature)."""
    if lang == EN:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return cn_date(d)


def join(items, lang: str = ZH) -> str:
    """A list of names: "A、B" / "A, B"."""
    return ("、" if lang != EN else ", ").join(items)


# -- the English catalogue: Chinese -> English -----------------------------------------------------
EN_CATALOG: dict[str, str] = {
    # labels shared by every output
    "按时": "On time",
    "逾期": "Late",
    "未报": "Missing",
    "target|未报": "Not reported",
    "progress|未报": "not reported",
    "未到期": "Not yet due",
    "未报送": "Not reported",
    "正常": "On track",
    "预警": "Warning",
    "column|预警": "Light",
    "滞后": "Behind",
    "未启动": "Not started",
    "推进中": "In progress",
    "已完成": "Completed",
    "无法按期完成": "Cannot be completed on time",
    "牵头": "Lead",
    "参与": "Participant",
    "通过": "Passed",
    "未通过": "Not passed",
    "达标": "Met",
    "未达标": "Not met",
    "是": "Yes",
    "否": "No",
    "必做": "Mandatory",
    "领导小组办公室": "Leading Group Office",
    "(无可报送的牵头单位)": "(no lead unit able to report)",
    # column headings
    "类号": "No.",
    "both|类号": "Category no.",
    "项目分类": "Category",
    "任务数": "Items",
    "完成度(%)": "Completion (%)",
    "得分/分值": "Score / points",
    "单位": "Unit",
    "measure|单位": "Unit of measure",
    "sheet|单位": "Units",
    "sheet|指标": "Targets",
    "牵头任务": "Items led",
    "参与任务": "Items as participant",
    "已完成(牵头)": "Completed (as lead)",
    "所属集合单位": "Collective unit",
    "按时报送": "Returned on time",
    "逾期报送": "Returned late",
    "序号": "No.",
    "item|序号": "Item no.",
    "编号": "No.",
    "任务编号": "Item ID",
    "工作内容": "Work item",
    "未完成的牵头单位及进度": "Lead units not finished (progress)",
    "状态": "Status",
    "指标": "Target",
    "metric|指标": "Metric",
    "指标原文": "Target (as written)",
    "目标": "Goal",
    "实际": "Actual",
    "是否达标": "Met",
    "各牵头单位报送": "Reported by lead units",
    "牵头单位及进度": "Lead units and progress",
    "指标达标": "Targets met",
    "权重": "Weight",
    "分值": "Points",
    "得分": "Score",
    "报送日期": "Date received",
    "情况": "Return",
    "平均完成度(%)": "Mean completion (%)",
    "牵头单位": "Lead units",
    "完成进度(%)": "Progress (%)",
    "进展状态": "Progress status",
    "存在问题": "Problems reported",
    "本单位角色": "Role of the unit",
    "截止日期": "Due date",
    "项目": "Measure",
    "数值": "Value",

    # inspection: summary text (tracker/reports/inspection/text.py)
    "{year}年度工作分解任务检查验收报告": "Year-end inspection report {year}",
    "{year} 年度检查验收: {verdict}": "Year-end inspection {year}: {verdict}",
    "  工作完成度 {completion}% (要求 ≥ {need_completion}%), 评分 {score} 分 (要求 ≥ {need_score} 分)":
        "  Work completion {completion}% (required ≥ {need_completion}%), score {score} (required ≥ {need_score})",
    "  必做任务完成 {done}/{total} 项, ": "  Mandatory items completed: {done} of {total}; ",
    "  (计划未标注必做任务) ": "  Mandatory items: none marked in the plan; ",
    "量化指标达标 {met}/{total} 个, 滞后或预警任务 {lagging} 项":
        "targets met: {met} of {total}; lagging or warning items: {lagging}",
    "  报送: 按时 {on_time} 次, 逾期 {late} 次, 未报 {missing} 次":
        "  Quarterly returns: {on_time} on time, {late} late, {missing} missing",
    ", 未到期 {pending} 次": ", {pending} not yet due",
    "  未通过原因: {message}": "  Reason not passed: {message}",
    "生成报告": "Writing the report",
    "  无牵头单位报送的任务 (按 0 计): {items}": "  Items with no return from any lead unit (counted as 0): {items}",
    "检查验收报告": "Inspection report",
    "汇总表": "Summary workbook",
    "数据看板": "Dashboard",
    "  图表: {path}": "  Charts: {path}",
    "  注意: {note}": "  Note: {note}",
    # failed rules (the codes of tracker.scoring.failed_rules)
    "rule|completion-below": "Work completion {completion}% is below the required {need}%",
    "rule|score-below": "Score {score} is below the required {need}",
    "rule|mandatory-incomplete": "Mandatory items not completed: {items}",
    "rule|mandatory-item": "item {number} ({completion}%)",

    # inspection: Word report (tracker/reports/inspection/docx.py)
    "{office}    统计截至 {as_of}": "{office}    Figures as of {as_of}",
    "总体情况": "Overview",
    "检查验收结论": "Inspection conclusion",
    "分类完成情况": "Completion by category",
    "各单位完成情况": "Completion by unit",
    "滞后任务": "Lagging items",
    "量化指标完成情况": "Quantitative targets",
    "报送情况": "Returns",
    "季度进展": "Progress by quarter",
    "根据《{name}》, {year}年度共分解工作任务{items}项, 分为{categories}类, 涉及责任单位{units}个 "
    "(集合单位已按成员单位展开), 设量化指标{targets}个, 其中必做任务{mandatory}项。":
        "Under the plan “{name}”, the {year} work is broken down into {items:work item|work items} in "
        "{categories:category|categories}, assigned to {units:responsible unit|responsible units} "
        "(collective units counted by their member units); {targets:quantitative target|quantitative targets} "
        "{targets:|is|are} set, and {mandatory:item is|items are} mandatory.",
    "全年各单位应报送季度进展{total}次, 其中按时报送{on_time}次, 逾期报送{late}次, 未报送{missing}次":
        "Over the year the units were due to submit {total:quarterly return|quarterly returns}: "
        "{on_time} on time, {late} late, {missing} missing",
    ", 未到截止日{pending}次": ", {pending} not yet due",
    "。年度数据取各单位本年度最后一次报送 (第四季度, 未报则取此前最近一次)。":
        ". The year's figures use each unit's last return of the year (Q4, or the most recent "
        "earlier one if Q4 is missing).",
    "检查验收结论:": "Inspection conclusion: ",
    "{year}年度工作完成度为{completion}%, 评分为{score}分 (合格要求: 工作完成度不低于{need_completion}%、"
    "评分不低于{need_score}分":
        "Work completion for {year} is {completion}% and the score is {score} (to pass: work completion "
        "of at least {need_completion}% and a score of at least {need_score}",
    ", 必做任务全部完成": ", with every mandatory item completed",
    ")。": "). ",
    "结论: 通过。": "Result: passed.",
    "结论: 未通过。未通过原因: {reasons}。": "Result: not passed. Reasons: {reasons}.",
    "必做任务完成{done}/{total}项; 量化指标达标{met}/{targets}个; 滞后或预警任务{lagging}项。":
        "Mandatory items completed: {done} of {total}; targets met: {met} of {targets}; "
        "lagging or warning items: {lagging}.",
    "以下任务没有任何牵头单位报送, 按完成度0计: {items}。":
        "No lead unit reported on the following items, which count as 0% complete: {items}.",
    "图{n} {title}": "Figure {n}. {title}",
    "完成度为本单位牵头任务最近一次报送进度的平均值 (未报送的任务按0计), 按完成度由高到低排列。":
        "A unit's completion is the mean of its latest reported progress on the items it leads "
        "(items not reported count as 0); units are listed from highest to lowest completion.",
    "以下{n}项任务年末未达到应达进度, 按完成度由低到高排列:":
        "The following {n:item has|items have} not reached the expected year-end progress "
        "(lowest completion first):",
    "所有任务均已达到年末应达进度, 无滞后任务。":
        "Every item has reached the expected year-end progress; no item is lagging.",
    "共{n}个量化指标, 达标{met}个, 未达标或未报{other}个。多个牵头单位报送时, 每个单位都达到才算达标, "
    "实际值取最差的一个。":
        "Of {n:quantitative target|quantitative targets}, {met} {met:|was|were} met and {other} "
        "{other:|was|were} not met or not reported. Where several lead units report, a target is met "
        "only if every one of them meets it, and the actual value shown is the worst.",
    "本年度计划未设量化指标。": "The plan sets no quantitative targets for the year.",
    "应报送单位{n}个。": "{n:unit was|units were} due to report.",
    "其中{n}个单位存在逾期或未报送的情况, 列于下表; 其余单位没有逾期或未报 "
    "(全部单位的报送情况见汇总表“报送情况”工作表)。":
        " {n:unit|units} reported late or missed a return (table below); the others had no late or "
        "missing return (every unit's returns are on the “Returns” sheet of the summary workbook).",
    "各单位均按时报送。": " Every unit reported on time.",
    "各季度工作完成度 (每个单位取截至该季度最近一次报送): ":
        "Work completion by quarter (each unit's latest return up to that quarter counting): ",
    "{label}{value}": "{label}: {value}",
    # figure titles (also the chart captions of the dashboard)
    "各类任务完成度": "Completion by category",
    "各单位完成度排名": "Unit ranking by completion",
    "各单位季度报送情况": "Quarterly returns by unit",
    "各季度工作完成度": "Work completion by quarter",

    # inspection: summary workbook (tracker/reports/inspection/xlsx.py)
    "总体": "Overview",
    "分类": "Categories",
    "任务明细": "Items",
    "年度": "Year",
    "计划名称": "Plan",
    "工作完成度(%)": "Work completion (%)",
    "评分(分)": "Score",
    "合格要求: 工作完成度(%)": "To pass: work completion (%)",
    "合格要求: 评分(分)": "To pass: score",
    "必做任务须全部完成": "Every mandatory item must be completed",
    "必做任务(已完成/总数)": "Mandatory items (completed/total)",
    "量化指标(达标/总数)": "Quantitative targets (met/total)",
    "分类数": "Categories",
    "责任单位数": "Responsible units",
    "滞后或预警任务数": "Lagging or warning items",
    "报送: 按时(次)": "Returns: on time",
    "报送: 逾期(次)": "Returns: late",
    "报送: 未报(次)": "Returns: missing",
    "报送: 未到期(次)": "Returns: not yet due",
    "未通过原因": "Reason not passed",
    "无牵头单位报送的任务(按0计)": "Items with no lead-unit return (counted as 0)",
    "统计截至": "Figures as of",
    "{year}年度工作分解任务检查验收汇总": "Year-end inspection summary {year}",
    "{year}年度各类任务完成情况": "Completion by category, {year}",
    "{year}年度各单位完成情况": "Completion by unit, {year}",
    "完成度: 本单位牵头任务最近一次报送进度的平均值, 未报送的任务按 0 计。":
        "Completion: the mean of the unit's latest reported progress on the items it leads; items "
        "not reported count as 0.",
    "{year}年度任务完成明细": "Item completion details, {year}",
    "{year}年度量化指标完成情况": "Quantitative targets, {year}",
    "实际: 多个牵头单位时取最差的报送值 (每个单位都达到才算达标); 见 docs/scoring.md。":
        "Actual: with several lead units, the worst value reported (a target is met only if every "
        "lead unit meets it); see docs/scoring.md.",
    "{year}年度各单位季度报送情况": "Quarterly returns by unit, {year}",
    "按时: 截止日前收到 (日期为首次收到的月-日); 逾期: 截止日后收到; 未报: 截止日已过仍未收到。":
        "On time: received by the due date (the date is the month-day it was first received); "
        "Late: received after the due date; Missing: not received and the due date has passed.",

    # inspection: dashboard (tracker/data/dashboard.html.j2)
    "统计截至 {as_of}": "Figures as of {as_of}",
    "工作完成度": "Work completion",
    "要求 ≥ {need}%": "Required ≥ {need}%",
    "评分": "Score",
    "{score} 分": "{score}",
    "要求 ≥ {need} 分 (满分 {total})": "Required ≥ {need} (out of {total})",
    "必做任务完成": "Mandatory items completed",
    "不作为通过条件": "Not a condition for passing",
    "本计划未标注必做任务": "No items are marked mandatory in this plan",
    "量化指标达标": "Targets met",
    "滞后或预警任务 {n} 项": "Lagging or warning items: {n}",
    "季度报送 (次)": "Quarterly returns",
    " 按时": " on time",
    "逾期 {late} · 未报 {missing}": "Late {late} · Missing {missing}",
    " · 未到期 {pending}": " · Not yet due {pending}",
    "没有任何牵头单位报送、按 0 计的任务: {items}": "Items with no lead-unit return, counted as 0: {items}",
    "图表": "Charts",
    "所有任务均已达到年末应达进度。": "Every item has reached the expected year-end progress.",
    "量化指标": "Quantitative targets",
    "各单位完成与报送情况": "Completion and returns by unit",
    "年度数据取各单位本年度最后一次报送 (第四季度, 未报则取此前最近一次); 多个牵头单位的任务取最低进度; "
    "计分规则见 tracker.toml 的 [scoring]。":
        "The year's figures use each unit's last return of the year (Q4, or the most recent earlier "
        "one if Q4 is missing); an item with several lead units takes the lowest progress; the "
        "scoring rules are in [scoring] of tracker.toml.",

    # charts (tracker/reports/inspection/charts.py)
    "{value}%  ({n}项)": "{value}%  ({n:item|items})",
    "{no}、{name}": "{no} {name}",
    " 合格线 {line}%": " Pass line {line}%",
    "合格线 {line}%": "Pass line {line}%",
    "完成度 (%)": "Completion (%)",
    "{year}年度各类任务完成度": "Completion by category, {year}",
    "…… 其余 {n} 个单位 ……": "… {n} more units …",
    "牵头任务平均完成度 (%)    红色虚线: 合格线 {line}%":
        "Mean completion of the items led (%)    red dashed line: pass line {line}%",
    "{year}年度各单位完成度排名": "Unit ranking by completion, {year}",
    " (前 {top} 名与后 {bottom} 名, 共 {n} 个牵头单位)": " (top {top} and bottom {bottom} of {n} lead units)",
    "应达进度": "Expected progress",
    "报送 {returned}/{expected}": "Returned {returned}/{expected}",
    "{year}年度各季度工作完成度": "Work completion by quarter, {year}",
    "其余 {n} 个单位 (全部按时)": "{n} other units (all on time)",
    "{year}年度各单位季度报送情况 (共 {n} 个单位)": "Quarterly returns by unit, {year} ({n:unit|units})",

    # quarterly bulletin (tracker/reports/bulletin.py)
    "关于{label}工作分解任务推进情况的通报": "Quarterly bulletin on work plan progress, {label}",
    "逾期{days}天": "{days:day|days} late",
    "本季度应报送单位{expected}个, 截至目前已报送{returned}个, 其中按时报送{on_time}个, 逾期报送{late}个; "
    "未报送{missing}个。":
        "Units due to report this quarter: {expected}. Reported so far: {returned} ({on_time} on time, "
        "{late} late); not reported: {missing}.",
    "逾期报送的单位: {units}。": " Units that reported late: {units}.",
    "未报送的单位: {units}。": " Units that have not reported: {units}.",
    "全部{total}项任务中, 已完成{completed}项, 推进中{in_progress}项, 未启动{not_started}项, "
    "无法按期完成{cannot}项。按本季度应达进度{expected}%衡量, 进度正常{green}项, 预警{yellow}项, 滞后{red}项。":
        "Of the {total:item|items}, {completed} {completed:|is|are} completed, {in_progress} in progress, "
        "{not_started} not started and {cannot} cannot be completed on time. Against this quarter's "
        "expected progress of {expected}%, {green} {green:|is|are} on track, {yellow} on warning and "
        "{red} behind.",
    "以下{n}项任务进度滞后, 请牵头单位抓紧推进。":
        "The following {n:item is|items are} behind schedule; the lead units are asked to speed up the work.",
    "本季度无滞后任务。": "No item is behind schedule this quarter.",
    "分类进度": "By category",
    "任务进度": "All items",
    "{label}报送情况": "Returns, {label}",
    "截止日期 {due}。{summary}": "Due date {due}. {summary}",
    "{label}各类任务推进情况": "Progress by category, {label}",
    "{label}滞后任务": "Lagging items, {label}",
    "{label}任务进度一览": "Progress of every item, {label}",
    "应达进度 {expected}%": "Expected progress {expected}%",
    "各责任单位:": "To all responsible units:",
    "根据{year}年{name}的要求, 现将{label}各责任单位工作进展情况报送及任务推进情况通报如下(报送截止日期为{due}):":
        "In accordance with “{name}” ({year}), this bulletin reports on the progress returns of the "
        "responsible units and on the progress of the tasks in {label} (returns were due on {due}):",
    "一、报送情况": "1. Returns",
    "二、各类任务推进情况": "2. Progress by category",
    "三、滞后任务": "3. Lagging items",
    "各单位报送情况见附件。": " Each unit's return is listed in the annex.",
    "{label}各单位报送情况一览表": "Returns by unit, {label}",
    "附件: {title}": "Annex: {title}",
    "附件: {n}. {title}": "Annexes: {n}. {title}",
    "附件": "Annex",
    "请各责任单位对照分解任务, 抓紧推进滞后工作, 未报送的单位请尽快报送。":
        "All responsible units are asked to review their tasks and speed up lagging work; units that "
        "have not yet reported are asked to do so as soon as possible.",

    # 催报 list (tracker/reports/remind.py)
    "联系人": "Contact",
    "联系电话": "Phone",
    "电子邮箱": "Email",
    "截止日期: {due}    未报送单位 {n} 个    {office}  {today} 制表":
        "Due date: {due}    Units not reported: {n}    Prepared by {office} on {today}",
    "请尽快报送。{contact}": "Please submit your return as soon as possible.   {contact}",
    "请尽快报送。": "Please submit your return as soon as possible.",
    "催报名单": "Reminder list",
    "{label}工作进展情况未报送单位催报名单": "Reminder list: units that have not reported progress, {label}",
    "全部单位均已报送。": "All units have reported.",

    # tracker status (tracker/status.py format_status)
    "{label} ({period}) 报送与进度情况   截止日期 {due}   应达进度 {expected}%":
        "{label} ({period}) returns and progress   due date {due}   expected progress {expected}%",
    "计划: {name} (第 {version} 版)": "Plan: {name} (version {version})",
    "已报送 {returned} 个单位 (应报 {expected} 个; 按时 {on_time}, 逾期 {late}), 未报送 {missing} 个。":
        "Units reported: {returned} (expected {expected}; on time {on_time}, late {late}); "
        "not reported: {missing}.",
    " [逾期 {days} 天]": " [{days:day|days} late]",
    "(更正 {n} 次, 最近 {last})": " ({n:correction|corrections}, latest {last})",
    "  {day}{mark} {n} 个: ": "  {day}{mark} {n:unit|units}: ",
    "未报送 ({n}): ": "Not reported ({n}): ",
    "无法落实到具体单位、不发模板: ": "Not assignable to a specific unit (no template sent): ",
    "任务 {total} 项: 已完成 {completed}, 推进中 {in_progress}, 未启动 {not_started}, "
    "无法按期完成 {cannot} (其中牵头单位未报送 {unreported} 项)":
        "Items: {total}; completed {completed}, in progress {in_progress}, not started {not_started}, "
        "cannot be completed on time {cannot} ({unreported} with no lead-unit return)",
    "预警灯: 正常 {green}, 预警 {yellow}, 滞后 {red}": "Lights: on track {green}, warning {yellow}, behind {red}",
    "滞后任务:": "Lagging items:",
    "  {number:>3}. {content}  牵头: {leads}  进度 {progress}  {status}":
        "  {number:>3}. {content}  lead: {leads}  progress {progress}  {status}",
    "{units}等{n}个单位": "{units} and others ({n} units)",

    # the CLI (tracker/cli.py)
    "催报名单已写入 {path}  (未报送单位 {n} 个)": "Reminder list written to {path}  ({n:unit|units} not reported)",
    "已写入 {path}": "Written: {path}",
}

