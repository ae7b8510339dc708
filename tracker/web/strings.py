"""The web pages' words in English, for ``[office] language = "en"``.

Pages are written in Chinese; ``_("中文")`` in a template looks the text up here and falls back to
the Chinese where no English is given. Unit names, categories and item texts are data and are never
translated (as in :mod:`tracker.i18n`).
"""

from __future__ import annotations

EN = {
    "首页": "Home", "计划": "Plan", "分工": "Division of work", "季度": "Quarter", "单位": "Units",
    "年度": "Year", "退出": "Log out", "登录": "Log in", "账户名": "User name", "密码": "Password",
    "工作分解表跟踪": "Work plan tracker",
    "截止日期": "Due date", "剩余天数": "Days left", "已逾期": "Overdue", "已过截止日期": "Past the due date",
    "第一季度": "Q1", "第二季度": "Q2", "第三季度": "Q3", "第四季度": "Q4", "已报送": "Returned",
    "逾期报送": "Returned late", "未报送": "Missing", "按时": "On time", "逾期": "Late",
    "正常": "On track", "预警": "Warning", "滞后": "Behind", "下一步": "Next step",
    "任务": "Items", "任务数": "Items", "牵头": "Lead", "参与": "Participant", "进度": "Progress",
    "状态": "Status", "完成度": "Completion", "评分": "Score", "通过": "Passed", "未通过": "Not passed",
    "导入计划": "Import a plan", "上传": "Upload", "预览": "Preview", "确认导入": "Confirm import",
    "取消": "Cancel", "计划版本": "Plan versions", "搜索": "Search", "全部": "All",
    "生成模板": "Generate templates", "下载全部模板 (zip)": "Download all templates (zip)",
    "上传回报": "Upload returns", "报送情况": "Returns", "任务进展": "Items",
    "催报名单": "Reminder list", "季度通报": "Quarterly bulletin", "下载": "Download",
    "回执": "Receipt", "年终检查验收": "Year-end inspection", "生成报告": "Write the report",
    "数据看板": "Dashboard", "单位名称": "Unit", "收到日期": "Received", "别名": "Aliases",
    "集合单位成员": "Members of collectives", "保存": "Save", "类别": "Category", "角色": "Role",
    "预警灯": "Light", "序号": "No.", "工作内容": "Work item", "牵头单位": "Lead units",
    "参与单位": "Participating units", "指标": "Targets", "问题": "Problems", "文件": "File",
    "结果": "Result", "已接收": "Accepted", "退回": "Rejected", "季度报送": "Returns by quarter",
    "本单位任务": "Items of this unit", "回执列表": "Receipts", "筛选": "Filter", "排序": "Sort",
    "单位任务关系图": "Unit–item graph", "合作单位": "Works with", "规则": "Rule", "实际": "Actual",
    "要求": "Required", "结论": "Result",
}


def translate(text: str, lang: str = "zh", **fields) -> str:
    out = EN.get(text, text) if lang == "en" else text
    return out.format(**fields) if fields else out
