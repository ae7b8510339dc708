"""Quantitative targets: every target of seeds/004 and the national plan's forms, every kind of
number that is not a target, and properties for the parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.targets import extract_targets


def dicts(text):
    return [t.to_dict() for t in extract_targets(text)]


def T(text, metric, op, value, unit, value_max=None):  # noqa: N802 - reads like a table row
    d = {"text": text, "metric": metric, "op": op, "value": value, "unit": unit}
    if op == "range":
        d["value_max"] = value_max
    return d


# seeds/004: the content of each item that carries targets, and the targets written by hand.
SEED004_TARGETS = {
    13: [T("建立各类知识产权工作站10家以上", "建立各类知识产权工作站", ">=", 10, "家")],
    14: [T("每个区、县级市选择不少于5家企业开展试点工作", "每个区、县级市选择企业开展试点工作", ">=", 5, "家")],
    15: [T("全市年专利申请量增长16%以上", "全市年专利申请量增长", ">=", 16, "%"),
         T("发明专利申请量占全部专利申请的20%以上", "发明专利申请量占全部专利申请", ">=", 20, "%"),
         T("全年涉外专利申请量增长10%以上", "全年涉外专利申请量增长", ">=", 10, "%")],
    16: [T("全市注册商标总量达到13万件以上", "全市注册商标总量", ">=", 130000, "件"),
         T("力争今年有5件以上商标获得中国驰名商标", "商标获得中国驰名商标", ">=", 5, "件"),
         T("50件以上商标获得省著名商标", "商标获得省著名商标", ">=", 50, "件"),
         T("100件以上商标获得市著名商标", "商标获得市著名商标", ">=", 100, "件")],
    24: [T("扶持1个重点行业", "扶持重点行业", ">=", 1, "个"),
         T("重点推进20个对广州市经济发展具有带动作用的专利技术产业化项目",
           "重点推进对广州市经济发展具有带动作用的专利技术产业化项目", ">=", 20, "个")],
    25: [T("每个区、县级市扶持不少于10家以科技创新为核心竞争力的重点企业",
           "每个区、县级市扶持以科技创新为核心竞争力的重点企业", ">=", 10, "家")],
    27: [T("在全市选择20家规模大、效益好、知名度较高的企业作为推荐驰名商标的重点对象",
           "在全市选择规模大、效益好、知名度较高的企业作为推荐驰名商标的重点对象", ">=", 20, "家")],
}


def test_seed004_targets_exactly(seed004):
    """Imported from the box-drawing text: exactly items 13–16, 24, 25, 27 have targets."""
    from tracker.importers import import_plan

    plan, _ = import_plan(seed004)
    found = {it.number: [t.to_dict() for t in it.targets] for it in plan.items if it.targets}
    assert found == SEED004_TARGETS


@pytest.mark.parametrize("content, expected", [
    ("推进“广州市企业知识产权工作站”计划,建立各类知识产权工作站10家以上,着力培育我市具有较强创新和保护能力的"
     "“旗舰型”企业。", SEED004_TARGETS[13]),
    ("加强区县企业知识产权制度建设,结合“扶优工程”,每个区、县级市选择不少于5家企业开展试点工作。",
     SEED004_TARGETS[14]),
    ("加强政策引导和资助扶持,培育发明创造。全市年专利申请量增长16%以上;发明专利申请量占全部专利申请的20%以上;"
     "全年涉外专利申请量增长10%以上。各区、县级市着力加强专利申请工作,把本地区专利申请、授权量作为增强自主创新"
     "能力的重要指标。市每季度对各地区的申请量实行通报制度。", SEED004_TARGETS[15]),
    ("加强我市注册商标和驰、著名商标的培育和认定工作,全市注册商标总量达到13万件以上;力争今年有5件以上商标获得中国"
     "驰名商标,50件以上商标获得省著名商标,100件以上商标获得市著名商标。", SEED004_TARGETS[16]),
    ("加大对产业化项目的资助扶持力度,实施“广州市知识产权扶优工程”,扶持1个重点行业,重点推进20个对广州市经济发展"
     "具有带动作用的专利技术产业化项目。", SEED004_TARGETS[24]),
    ("加强对区、县级市企业专利技术产业化的规划和指导,建立知识产权管理制度,每个区、县级市扶持不少于10家以科技创新"
     "为核心竞争力的重点企业。", SEED004_TARGETS[25]),
    ("在全市选择20家规模大、效益好、知名度较高的企业作为推荐驰名商标的重点对象,提供指导和法律援助,增强我市商标、"
     "品牌战略的可持续发展能力。", SEED004_TARGETS[27]),
])
def test_seed004_item_texts(content, expected):
    assert dicts(content) == expected


@pytest.mark.parametrize("content", [
    # seeds/004 items with digits or counting words that are not targets
    "贯彻落实《关于加强知识产权工作的意见》 (穗府[2006]58号),研究制定《广州市知识产权战略纲要》。",  # 3
    "各区、县级市参照穗府[2006]58号文,结合实际设立和安排知识产权专项资金,完善配套措施。",  # 6
    "抓好花都区、荔湾区两个省知识产权试点区域的工作,力争在政策、资金、机构建设等方面有新突破。",  # 23
    "建立健全有质监特色的知识产权保护合作机制,做好“三个网络”的工作(协管员知情报情网络)。",  # 35
    "加强对基层法院民事、刑事、行政“三合一”审判体制试点的指导。",  # 36
    "贯彻实施《广州市知识产权保护纲要》,开展2007年广州市重点商品知识产权保护等专项行动。",  # 37
    "以“加强知识产权文化建设”为主题,以“4·26”世界知识产权日的宣传活动为重点,组织实施全市的系列宣传方案。",  # 48
    "市每季度对各地区的申请量实行通报制度。",
    # document numbers, years, dates, standards, 5+n, time spans, ordinals
    "根据《国家知识产权局关于知识产权试点示范工作的指导意见》(国知发管字〔2004〕126号)有关要求",
    "郴政办函〔2009〕306号",
    "国家知识产权局于2009年6月15日以国知发管函字〔2009〕245号文件批复",
    "2015年底之前,各示范城市应印发《深入实施国家知识产权战略行动计划(2014—2020年)》工作方案",
    "试点时间自2009年6月1日起计算,12月15日前报送",
    "着力推动国家标准《企业知识产权管理规范》(GB/T29490-2013)在示范城市骨干企业的贯彻实施",
    "研究制定城市知识产权事业发展“十三五”规划",
    "每个示范城市达到“5+n”的体系建设目标",
    "3年内完成对示范城市局处(科、室)主要负责人以上管理人员的轮训",
    "3个月内完成整改",
    "前4项任务为必做工作(第三批示范城市为前6项)",
    "迎检表彰阶段(2011年6-7月)",
    "实施推进阶段(2009年11月-2011年6月)",
    "",
])
def test_not_targets(content):
    assert extract_targets(content) == []


@pytest.mark.parametrize("content, expected", [
    # seeds/001, the national plan
    ("每个示范城市2015年引导支持5—10家企业完成达标工作。",
     [T("每个示范城市2015年引导支持5—10家企业完成达标工作", "每个示范城市2015年引导支持企业完成达标工作",
        "range", 5, "家", 10)]),
    ("2015年度专利权质押融资金额较上一年度增长20%以上,投保专利保险企业数量较上一年度增长30%以上。",
     [T("2015年度专利权质押融资金额较上一年度增长20%以上", "2015年度专利权质押融资金额较上一年度增长", ">=", 20, "%"),
      T("投保专利保险企业数量较上一年度增长30%以上", "投保专利保险企业数量较上一年度增长", ">=", 30, "%")]),
    ("开展需求调查,调查企业数量不少于200家,至少召开1次培训和研讨活动,1次项目对接活动。",
     [T("调查企业数量不少于200家", "调查企业数量", ">=", 200, "家"),
      T("至少召开1次培训和研讨活动", "召开培训和研讨活动", ">=", 1, "次"),
      T("1次项目对接活动", "项目对接活动", ">=", 1, "次")]),
    ("地级及以上示范城市局明确3人(或以上)主要从事执法办案工作",
     [T("地级及以上示范城市局明确3人(或以上)主要从事执法办案工作", "地级及以上示范城市局明确主要从事执法办案工作",
        ">=", 3, "人")]),
    ("每个示范城市应引进或扶持成立至少1家能够提供贯标辅导服务的机构",
     [T("每个示范城市应引进或扶持成立至少1家能够提供贯标辅导服务的机构",
        "每个示范城市应引进或扶持成立能够提供贯标辅导服务的机构", ">=", 1, "家")]),
    ("至少举办1期针对服务机构的专利布局实战培训班",
     [T("至少举办1期针对服务机构的专利布局实战培训班", "举办针对服务机构的专利布局实战培训班", ">=", 1, "期")]),
    # range spellings, full-width digits, comparisons, money, multipliers
    ("引导5-10家企业", [T("引导5-10家企业", "引导企业", "range", 5, "家", 10)]),
    ("引导5至10家企业", [T("引导5至10家企业", "引导企业", "range", 5, "家", 10)]),
    ("引导5家至10家企业", [T("引导5家至10家企业", "引导企业", "range", 5, "家", 10)]),
    ("并打造1-2个国际知名品牌", [T("并打造1-2个国际知名品牌", "打造国际知名品牌", "range", 1, "个", 2)]),
    ("专利申请量增长１６％以上", [T("专利申请量增长16%以上", "专利申请量增长", ">=", 16, "%")]),
    ("办结率不低于95%", [T("办结率不低于95%", "办结率", ">=", 95, "%")]),
    ("受理案件超过300件", [T("受理案件超过300件", "受理案件", ">=", 300, "件")]),
    ("结案周期不超过30%", [T("结案周期不超过30%", "结案周期", "<=", 30, "%")]),
    ("侵权案件发生率控制在5%以内", [T("侵权案件发生率控制在5%以内", "侵权案件发生率控制", "<=", 5, "%")]),
    ("投诉量降至10件以下", [T("投诉量降至10件以下", "投诉量降至", "<=", 10, "件")]),
    ("培训企业100家左右", [T("培训企业100家左右", "培训企业", "==", 100, "家")]),
    ("安排专项资金500万元", [T("安排专项资金500万元", "安排专项资金", ">=", 500, "万元")]),
    ("培训1.5万人次", [T("培训1.5万人次", "培训", ">=", 15000, "人次")]),
    ("发明专利授权量增长12.5%", [T("发明专利授权量增长12.5%", "发明专利授权量增长", ">=", 12.5, "%")]),
    ("注册商标总量达到130,000件", [T("注册商标总量达到130000件", "注册商标总量", ">=", 130000, "件")]),
])
def test_targets(content, expected):
    assert dicts(content) == expected


def test_target_helpers():
    t = extract_targets("引导支持5—10家企业")[0]
    assert t.describe() == "5—10家" and t.met(5) and not t.met(4)
    t = extract_targets("增长16%以上")[0]
    assert t.describe() == "≥16%" and t.met(16) and not t.met(15.9)


# -- properties -------------------------------------------------------------------------------------------
metric_words = st.sampled_from(["全市年专利申请量", "发明专利授权量", "全年涉外专利申请量", "专利权质押融资金额",
                                "投保企业数量", "技术合同成交额"])
numbers = st.one_of(st.integers(min_value=0, max_value=10**7),
                    st.decimals(min_value=0, max_value=1000, places=1, allow_nan=False, allow_infinity=False))


@given(metric_words, numbers, st.booleans())
def test_growth_phrases(metric, n, fullwidth):
    num = str(n)
    if fullwidth:
        num = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in num)
    targets = extract_targets(f"{metric}增长{num}%以上")
    assert len(targets) == 1
    t = targets[0]
    assert (t.op, t.unit, t.metric) == (">=", "%", metric + "增长")
    assert t.value == pytest.approx(float(n))


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**6),
       st.sampled_from(["家", "件", "个", "项", "人"]))
def test_ranges(a, extra, unit):
    b = a + extra
    t = extract_targets(f"引导支持{a}—{b}{unit}企业")
    assert [(x.op, x.value, x.value_max, x.unit) for x in t] == [("range", a, b, unit)]


@given(st.integers(min_value=1900, max_value=2099), st.integers(min_value=1, max_value=999),
       st.sampled_from(["穗府", "国知发管字", "郴政办函", "粤府办", ""]), st.sampled_from(["[]", "〔〕", "()", "【】"]),
       st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28))
def test_years_document_numbers_and_dates_are_never_targets(year, no, org, brackets, month, day):
    o, c = brackets
    texts = [f"{org}{o}{year}{c}{no}号", f"根据{org}{o}{year}{c}{no}号文的要求", f"{year}年", f"开展{year}年专项行动",
             f"{year}年底前", f"({year}—{year + 6}年)", f"{year}年{month}月{day}日", f"{month}月{day}日前",
             f"{month}·{day}”世界知识产权日", f"“{month}·{day}”"]
    for text in texts:
        assert extract_targets(text) == [], text
