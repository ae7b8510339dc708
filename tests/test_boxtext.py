"""Box-drawing text tables (seeds/004): the real seed, clerk-made fixtures, a round-trip property test,
the full import pipeline and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.importers.boxtext import extract, extract_text, header_field
from tracker.plan_builder import join_text
from tracker.problems import InputError, Problems

SEED = Path(__file__).resolve().parent / "fixtures" / "seeds" / "004_c7cde99564bde957.txt"
FIX = Path(__file__).resolve().parent / "fixtures" / "boxtext"


@pytest.fixture(scope="module")
def seed_rows():
    problems = Problems()
    table = extract(SEED, problems)
    return table, problems


def by_number(table):
    return {int(join_text(r.number)): r for r in table.rows}


# -- the real seed ---------------------------------------------------------------------------------
CATEGORIES = {
    "一": ("建立健全知识产权管理、协调体系", range(1, 3)),
    "二": ("加大政策、资金的引导扶持力度", range(3, 8)),
    "三": ("建立知识产权统计、奖励和监督制度", range(8, 11)),
    "四": ("加强企业知识产权制度建设", range(11, 15)),
    "五": ("着力提高自主知识产权的数量和质量", range(15, 22)),
    "六": ("各级试点、示范工作和专利技术的产业化", range(22, 27)),
    "七": ("推进品牌、版权和标准建设", range(27, 32)),
    "八": ("加强知识产权保护体系建设", range(32, 37)),
    "九": ("深入开展知识产权专项保护工程", range(37, 43)),
    "十": ("加强知识产权宣传、培训工作", range(43, 50)),
    "十一": ("知识产权信息服务平台、中介服务机构和行业知识产权保护协会建设", range(50, 55)),
}

CONTENT = {
    1: "加强市级有关知识产权协调管理职能和工作,完善政务信息系统和联络员制度建设;做好《知识产权白皮书》、"
       "《知识产权年报》等的编制工作。",
    3: "贯彻落实《关于加强知识产权工作的意见》(穗府[2006]58号),研究制定《广州市知识产权战略纲要》。",
    10: "加强对知识产权统计工作的指导和协调,各相关部门做好本系统与知识产权相关的统计工作,逐步建立和完善全市的"
        "知识产权统计体系。",
    13: "推进“广州市企业知识产权工作站”计划,建立各类知识产权工作站10家以上,着力培育我市具有较强创新和保护能力的"
        "“旗舰型”企业。",
    15: "加强政策引导和资助扶持,培育发明创造。全市年专利申请量增长16%以上;发明专利申请量占全部专利申请的20%以上;"
        "全年涉外专利申请量增长10%以上。各区、县级市着力加强专利申请工作,把本地区专利申请、授权量作为增强自主创新"
        "能力的重要指标。市每季度对各地区的申请量实行通报制度。",
    16: "加强我市注册商标和驰、著名商标的培育和认定工作,全市注册商标总量达到13万件以上;力争今年有5件以上商标获得"
        "中国驰名商标,50件以上商标获得省著名商标,100件以上商标获得市著名商标。",
    22: "抓好开发区“国家知识产权试点园区”的工作,完成既定工作的任务和目标要求。",
    24: "加大对产业化项目的资助扶持力度,实施“广州市知识产权扶优工程”,扶持1个重点行业,重点推进20个对广州市经济"
        "发展具有带动作用的专利技术产业化项目。",
    25: "加强对区、县级市企业专利技术产业化的规划和指导,建立知识产权管理制度,每个区、县级市扶持不少于10家以科技"
        "创新为核心竞争力的重点企业。",
    27: "在全市选择20家规模大、效益好、知名度较高的企业作为推荐驰名商标的重点对象,提供指导和法律援助,增强我市商标、"
        "品牌战略的可持续发展能力。",
    32: "实施“知识产权保护网工程”,把知识产权保护纳入整顿和规范市场经济秩序的重要组成部分,统筹协调指导,整合执法"
        "资源,充分发挥有关职能部门的作用,形成覆盖全市的执法保护网络。",
    47: "组织指导开展“中小学知识产权试点学校”工作,推进“青少年特色学校”和青少年知识产权基地建设,加强教育系统人员"
        "的知识产权专业知识培训。",
    48: "以“加强知识产权文化建设”为主题,以“4·26”世界知识产权日的宣传活动为重点,组织实施全市的系列宣传方案,"
        "推动全年知识产权宣传培训工作。",
    54: "推进建立行业知识产权协会,加强发明协会、知识产权研究会工作。",
}

UNITS = {  # number: (lead, participants) as the cell reads once the line breaks are gone
    1: ("广州市创建国家知识产权示范城市工作领导小组办公室、市政府知识产权办公会议办公室", "各有关单位"),
    2: ("市编委办,各区、县级市政府", "各区、县级市编委办及相关部门"),
    6: ("各区、县级市政府", "各区、县级市财政局、知识产权局"),
    7: ("市经贸委、市科技局、市外经贸局、市质监局、市版权局、市财政局", ""),
    8: ("市知识产权局、市经贸委", "市财政局、市法制办、市工商局、市质监局"),
    10: ("市统计局、市知识产权局、市科技局、市工商局、市版权局、市法院、广州海关、黄埔海关,各区、县级市政府", ""),
    12: ("广州开发区管委会、南沙开发区管委会、天河区政府、白云区政府、越秀区政府、市科技局、市知识产权局", ""),
    15: ("市知识产权局", "市各有关单位,各区、县级市知识产权局"),
    20: ("市科技局", "各高新技术园区管理机构,市知识产权局、市工商局"),
    22: ("广州开发区管委会、南沙开发区管委会、天河区政府、白云区政府、越秀区政府", "各有关区知识产权局"),
    37: ("市整规办、市政府知识产权办公会议办公室", "各有关单位"),
    38: ("市工商局、市知识产权局、市版权局", "市协作办、市贸促会等有关单位"),
    40: ("市知识产权局、市知识产权稽查队", "各区、县级市知识产权局"),
    41: ("市版权局", "市文化市场综合行政执法总队、市信息办、市公安局"),
    42: ("市质监局、市食品药品监管局、市工商局、市版权局", "各有关单位"),
    47: ("市教育局", "市知识产权局"),
    51: ("市知识产权局", "市专利信息研究发展中心、市信息办"),
    53: ("市工商局、市知识产权局、市版权局", ""),
}


def test_seed_54_items_in_order_with_title(seed_rows):
    table, problems = seed_rows
    assert [join_text(r.number) for r in table.rows] == [str(n) for n in range(1, 55)]
    assert table.title == "2007年广州市创建国家知识产权示范城市工作分解表"
    assert table.format == "text" and table.source == SEED.name
    assert problems.errors == []


def test_seed_categories(seed_rows):
    table, _ = seed_rows
    rows = by_number(table)
    seen = []
    for no, (name, numbers) in CATEGORIES.items():
        for n in numbers:
            assert rows[n].category_no == no, n
            assert join_text(rows[n].category) == name, n
        seen.append((no, name))
    assert len({(r.category_no, join_text(r.category)) for r in table.rows}) == 11
    # no "(续)" is left anywhere
    assert not any("续" in r.category_no + r.category for r in table.rows)


def test_seed_item_1_raw_cells(seed_rows):
    table, _ = seed_rows
    r = table.rows[0]
    assert r.category_no == "一"
    assert r.category == "建立健全知识产权\n管理、协调体系"
    assert r.content == ("加强市级有关知识产权协调管理职能和工作,完善政\n务信息系统和联络员制度建设;做好《知识产权白皮\n"
                         "书》、《知识产权年报》等的编制工作。")
    assert r.lead == "广州市创建国家知识\n产权示范城市工作领\n导小组办公室、市政\n府知识产权办公会议\n办公室"
    assert r.participants == "各有关单位"
    assert r.number == "1"
    assert (r.where.file, r.where.row) == (SEED.name, 21)


@pytest.mark.parametrize("number", sorted(CONTENT))
def test_seed_content(seed_rows, number):
    table, _ = seed_rows
    assert join_text(by_number(table)[number].content) == CONTENT[number]


@pytest.mark.parametrize("number", sorted(UNITS))
def test_seed_units_raw(seed_rows, number):
    table, _ = seed_rows
    r = by_number(table)[number]
    lead, parts = UNITS[number]
    assert join_text(r.lead) == lead
    assert join_text(r.participants) == parts


def test_seed_where_points_at_the_rows_lines(seed_rows):
    table, _ = seed_rows
    lines = SEED.read_text(encoding="utf-8").splitlines()
    rows = by_number(table)
    assert rows[2].where.row == 29  # line 28 holds only the merged category text
    assert rows[6].where.row == 54
    assert rows[48].where.row == 292
    for r in table.rows:  # every item starts on a table line, inside the table
        assert lines[r.where.row - 1].lstrip().startswith("│")
        assert 18 < r.where.row < 324


def test_seed_no_warnings_for_the_blank_merged_row(seed_rows):
    _, problems = seed_rows
    assert [p.code for p in problems] == []


# -- fixtures made the way a clerk pastes them ----------------------------------------------------------
def load(name):
    problems = Problems()
    return extract(FIX / name, problems), problems


def test_two_blocks_with_continued_category_and_broken_unit_names():
    t, problems = load("two_blocks_cont.txt")
    assert t.title == "2008年某市知识产权工作分解表"
    got = [(join_text(r.number), r.category_no, join_text(r.category), join_text(r.content), join_text(r.lead),
            join_text(r.participants)) for r in t.rows]
    assert got == [
        ("1", "一", "加强统筹协调", "制定知识产权战略纲要,明确全市知识产权工作的目标。", "市知识产权局", "各有关单位"),
        ("2", "一", "加强统筹协调", "完善联络员制度。", "市政府办公厅", "市知识产权局、市科技局"),
        ("3", "二", "加大资金扶持力度", "设立知识产权专项资金,加大扶持力度。", "市财政局", "市知识产权局"),
        ("4", "二", "加大资金扶持力度", "各区、县级市设立专项资金。", "各区、县级市政府", ""),
        ("5", "二", "加大资金扶持力度", "对获得发明专利授权的企业给予资助,全年资助专利申请1000件以上。",
         "市知识产权局", "市财政局"),
        ("6", "三", "加强宣传培训", "组织“4·26”宣传周活动。", "市委宣传部、市知识产权局", "各区、县级市知识产权局"),
    ]
    assert t.rows[0].lead == "市知识产\n权局"  # the raw text keeps the break; join_text removes it
    assert [r.where.row for r in t.rows] == [9, 14, 17, 20, 27, 31]
    assert list(problems) == []


def test_extra_columns_and_other_header_words():
    t, problems = load("extra_columns.txt")
    assert [join_text(r.number) for r in t.rows] == ["1", "2"]
    r1, r2 = t.rows
    assert join_text(r1.content) == "全市专利申请量增长15%以上。"
    assert (join_text(r1.lead), join_text(r1.participants)) == ("市知识产权局", "各区政府")
    assert r1.extra == {"完成时限": "2009年12月", "备注": "按季度通报"}
    assert r2.extra == {"完成时限": "2009年10月", "备注": ""}
    assert (r2.category_no, r2.category) == ("一", "专利创造")
    assert list(problems) == []


def test_no_header_is_an_input_error_naming_file_and_line():
    with pytest.raises(InputError) as e:
        load("no_header.txt")
    [p] = e.value.problems.errors
    assert (p.code, p.file, p.row) == ("no-header", "no_header.txt", 2)
    assert "表头" in p.message


def test_text_without_any_table():
    with pytest.raises(InputError) as e:
        extract_text("一、任务分解\n各单位要认真落实。\n", "plain.txt", Problems())
    assert [p.code for p in e.value.problems.errors] == ["no-table"]


def test_malformed_line_is_a_warning_with_its_line_number():
    t, problems = load("malformed.txt")
    assert [join_text(r.number) for r in t.rows] == ["1", "2"]
    assert join_text(t.rows[0].content) == "全市专利申请量增长15%以上。"
    [w] = problems.warnings
    assert (w.code, w.row, w.file) == ("bad-line", 6, "malformed.txt")
    assert problems.errors == []


def test_section_rows_across_the_table_set_the_category():
    t, problems = load("section_rows.txt")
    assert [(join_text(r.number), r.category_no, join_text(r.category)) for r in t.rows] == [
        ("1", "一", "专利创造"), ("2", "一", "专利创造"), ("3", "二", "商标品牌")]
    assert join_text(t.rows[0].participants) == "各区政府"  # 协办单位
    assert list(problems) == []


def test_row_broken_by_a_page_end_and_double_lines():
    t, problems = load("page_split_row.txt")
    assert [join_text(r.number) for r in t.rows] == ["1", "2", "3"]
    r2 = t.rows[1]
    assert join_text(r2.content) == "加强商标培育工作,全市注册商标总量达到13万件以上。"
    assert join_text(r2.lead) == "市工商局、市经贸委"
    assert (t.rows[2].category_no, t.rows[2].category) == ("二", "商标品牌")
    assert [(p.code, p.row) for p in problems] == [("row-continued", 12)]


def test_header_words():
    assert header_field("工 作 内 容") == "content"
    assert header_field("具体工作任务") == "content"
    assert header_field("任务内容") == "content"
    for w in ("负责单位", "牵头单位", "责任单位", "主办单位", "负责单位(牵头)"):
        assert header_field(w) == "lead", w
    for w in ("参与单位", "配合单位", "协办单位"):
        assert header_field(w) == "participants", w
    assert header_field("序号") == header_field("编号") == "number"
    assert header_field("类号") == "category_no"
    assert header_field("项目分类") == header_field("任务类别") == "category"
    assert header_field("完成时限") is None and header_field("备注") is None
    # a long body cell that happens to contain a header word is not a header
    assert header_field("各责任单位要根据工作分解表的要求制定工作方案") is None


def test_merged_cell_under_a_rule_with_up_only_junction():
    text = "\n".join([
        "┌──┬────┬────┬────┐",
        "│序号│工作内容│负责单位│参与单位│",
        "├──┼────┼────┴────┤",
        "│1 │甲乙 │市财政局 │",
        "├──┼────┼────┬────┤",
        "│2 │丙丁 │市科技局 │各有关单位│",
        "└──┴────┴────┴────┘",
    ])
    problems = Problems()
    t = extract_text(text, "merged.txt", problems)
    assert [(r.number, r.content, r.lead, r.participants) for r in t.rows] == [
        ("1", "甲乙", "市财政局", ""), ("2", "丙丁", "市科技局", "各有关单位")]
    assert list(problems) == []


def test_lead_merged_over_two_items_goes_to_both():
    text = "\n".join([
        "┌──┬────┬────┐",
        "│序号│工作内容│负责单位│",
        "├──┼────┼────┤",
        "│1 │甲乙 │ │",
        "├──┼────┤市知识产│",
        "│2 │丙丁 │权局 │",
        "└──┴────┴────┘",
    ])
    t = extract_text(text, "m.txt", Problems())
    assert [join_text(r.lead) for r in t.rows] == ["市知识产权局", "市知识产权局"]


def test_gbk_crlf_paste_reads_the_same(tmp_path):
    """Notepad on Chinese Windows saves ANSI (GBK) with CRLF line ends."""
    src = (FIX / "two_blocks_cont.txt").read_text(encoding="utf-8")
    gbk = tmp_path / "分解表.txt"
    gbk.write_bytes(src.replace("\n", "\r\n").encode("gb18030"))
    utf, _ = load("two_blocks_cont.txt")
    t = extract(gbk, Problems())
    assert t.source == "分解表.txt" and t.title == utf.title
    assert [(r.number, r.content, r.lead, r.participants, r.category_no, r.category, r.where.row)
            for r in t.rows] == [(r.number, r.content, r.lead, r.participants, r.category_no, r.category,
                                  r.where.row) for r in utf.rows]


def test_header_over_two_lines_and_no_top_border():
    text = "\n".join([
        "│序号│工作│负责│参与│",
        "│ │内容│单位│单位│",
        "├──┼────┼────┼────┤",
        "│1 │甲乙 │市财政局 │ │",
        "└──┴────┴────┴────┘",
    ])
    t = extract_text(text, "t.txt", Problems())
    assert [(r.number, r.content, r.lead) for r in t.rows] == [("1", "甲乙", "市财政局")]


def test_block_without_repeated_header_reuses_the_first():
    text = "\n".join([
        "┌──┬────┬────┐",
        "│序号│工作内容│牵头单位│",
        "├──┼────┼────┤",
        "│1 │甲乙 │市财政局 │",
        "└──┴────┴────┘",
        "┌──┬────┬────┐",
        "│2 │丙丁 │市科技局 │",
        "└──┴────┴────┘",
    ])
    problems = Problems()
    t = extract_text(text, "t.txt", problems)
    assert [(r.number, r.content, r.lead, r.where.row) for r in t.rows] == [
        ("1", "甲乙", "市财政局", 4), ("2", "丙丁", "市科技局", 7)]
    assert list(problems) == []


def test_headerless_block_starting_with_a_section_row_and_a_footnote_inside():
    text = "\n".join([
        "┌──┬────┬────┐",
        "│序号│工作内容│牵头单位│",
        "├──┴────┴────┤",
        "│一、专利 │",
        "├──┬────┬────┤",
        "│1 │甲乙 │市财政局 │",
        "└──┴────┴────┘",
        "┌──────────┐",
        "│二、商标 │",
        "├──┬────┬────┤",
        "│2 │丙丁 │市科技局 │",
        "├──┴────┴────┤",
        "│注:本表由市政府负责解释│",
        "└──────────┘",
    ])
    problems = Problems()
    t = extract_text(text, "x.txt", problems)
    assert [(r.number, r.category_no, r.category) for r in t.rows] == [("1", "一", "专利"), ("2", "二", "商标")]
    assert [(p.code, p.row) for p in problems] == [("footnote-row", 13)]


def test_import_plan_on_a_clerk_fixture():
    from tracker.importers import identify, import_plan

    path = FIX / "two_blocks_cont.txt"
    assert identify(path) == "text"
    plan, problems = import_plan(path)
    assert problems.errors == []
    assert plan.year == 2008 and plan.format == "text"
    assert [(no, name) for no, name in plan.categories()] == [
        ("一", "加强统筹协调"), ("二", "加大资金扶持力度"), ("三", "加强宣传培训")]
    assert [i.number for i in plan.items] == [1, 2, 3, 4, 5, 6]


# -- property: any table rendered as a clerk's paste reads back ----------------------------------------
ALPHABET = "知识产权市局区县级管理建设保护加强推进专利商标版企业创新扶持资金培育0123456789%、,;。"
WIDTHS = (2, 8, 3, 12, 8, 8)
HEADER = ("类号", "项目分类", "序号", "工 作 内 容", "负责单位", "参与单位")


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or []


def _full(left, cross, right):
    return left + cross.join("─" * w for w in WIDTHS) + right


def _render(blocks, pad) -> str:
    """blocks: [[(cat_no, cat_name, continued, [item, ...]), ...], ...] -> box text as pasted: page
    blocks with the header repeated, categories merged vertically (their pieces centred over the
    group, on partial rules too), rows wrapped, the number on any line of its row."""
    out = ["附件:", "测试年工作分解表"]
    spaces = iter(pad * 10000)

    def cell(text):
        return " " * next(spaces) + text + " " * next(spaces)

    for groups in blocks:
        out += [_full("┌", "┬", "┐"), "│" + "│".join(HEADER) + "│"]
        for no, name, cont, items in groups:
            out.append(_full("├", "┼", "┤"))
            lines: list[tuple[str, list[str]]] = []  # ("text" | "sep", six cells)
            for n, it in enumerate(items):
                if n:
                    lines.append(("sep", ["", "", "", "", "", ""]))
                cols = [_wrap(it["content"], WIDTHS[3]), _wrap(it["lead"], WIDTHS[4]),
                        _wrap(it["parts"], WIDTHS[5])]
                height = max(len(c) for c in cols) + it["extra_lines"]
                at = min(it["num_at"], height - 1)
                for i in range(height):
                    lines.append(("text", ["", "", str(it["number"]) if i == at else ""]
                                  + [c[i] if i < len(c) else "" for c in cols]))
            for col, pieces in ((0, [no] + (["(续)"] if cont else [])), (1, _wrap(name, WIDTHS[1]))):
                while len(pieces) > len(lines):
                    lines.append(("text", ["", "", "", "", "", ""]))
                start = (len(lines) - len(pieces)) // 2
                for i, piece in enumerate(pieces):
                    lines[start + i][1][col] = piece
            for kind, cells in lines:
                if kind == "sep":
                    out.append("│" + cell(cells[0]) + "│" + cell(cells[1]) + "├"
                               + "┼".join("─" * w for w in WIDTHS[2:]) + "┤")
                else:
                    out.append("│" + "│".join(cell(c) for c in cells) + "│")
        out.append(_full("└", "┴", "┘"))
    out.append("注:本表由领导小组办公室负责解释。")
    return "\n".join(out)


text_st = st.text(alphabet=ALPHABET, min_size=1, max_size=40)


@st.composite
def tables(draw):
    ncat = draw(st.integers(1, 4))
    names = [draw(st.text(alphabet=ALPHABET, min_size=2, max_size=20)) for _ in range(ncat)]
    nums = "一二三四五六七八九十"
    items = []
    for c in range(ncat):
        for _ in range(draw(st.integers(1, 4))):
            items.append({"cat": c, "number": len(items) + 1, "content": draw(text_st),
                          "lead": draw(st.text(alphabet=ALPHABET, min_size=1, max_size=20)),
                          "parts": draw(st.text(alphabet=ALPHABET, max_size=20)),
                          "num_at": draw(st.integers(0, 3)), "extra_lines": draw(st.integers(0, 2))})
    cuts = sorted(draw(st.sets(st.integers(1, len(items) - 1), max_size=3)) if len(items) > 1 else [])
    blocks, start = [], 0
    for end in cuts + [len(items)]:
        groups = []
        for it in items[start:end]:
            if groups and groups[-1][4] == it["cat"]:
                groups[-1][3].append(it)
            else:
                cont = bool(start and it is items[start] and items[start - 1]["cat"] == it["cat"])
                groups.append([nums[it["cat"]], names[it["cat"]], cont, [it], it["cat"]])
        blocks.append([tuple(g[:4]) for g in groups])
        start = end
    pad = draw(st.lists(st.integers(0, 1), min_size=1, max_size=5))
    return items, [nums[i] for i in range(ncat)], names, _render(blocks, pad)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_rendered_tables_read_back(table):
    items, nos, names, text = table
    problems = Problems()
    t = extract_text(text, "gen.txt", problems)
    assert t.title == "测试年工作分解表"
    assert [p.code for p in problems] == []
    assert len(t.rows) == len(items)
    for it, r in zip(items, t.rows, strict=True):
        assert join_text(r.number) == str(it["number"])
        assert join_text(r.content) == it["content"]
        assert join_text(r.lead) == it["lead"]
        assert join_text(r.participants) == it["parts"]
        assert r.category_no == nos[it["cat"]]
        assert join_text(r.category) == names[it["cat"]]


# -- the whole pipeline and the CLI ----------------------------------------------------------------
def test_import_plan_on_the_seed():
    from tracker.importers import identify, import_plan

    assert identify(SEED) == "text"
    plan, problems = import_plan(SEED)
    assert problems.errors == []
    assert plan.year == 2007
    assert plan.name == "2007年广州市创建国家知识产权示范城市工作分解表"
    assert [i.number for i in plan.items] == list(range(1, 55))
    cats = plan.categories()
    assert [(no, name) for no, (name, _) in CATEGORIES.items()] == cats
    it1 = plan.items[0]
    assert it1.content == CONTENT[1]
    assert it1.lead_raw == UNITS[1][0] and it1.participants_raw == UNITS[1][1]
    assert plan.items[5].participants_raw == "各区、县级市财政局、知识产权局"


def test_cli_plan_import_seed(tmp_path):
    from tracker.cli import main

    runner = CliRunner()
    ws = tmp_path / "ws"
    r = runner.invoke(main, ["init", str(ws)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["plan", "import", str(SEED), "--json", "-w", str(ws)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["items"] == 54 and data["categories"] == 11
    assert data["plan"]["year"] == 2007 and data["plan"]["format"] == "text"
    r = runner.invoke(main, ["plan", "show", "--json", "-w", str(ws)], catch_exceptions=False)
    shown = json.loads(r.output)
    assert [i["number"] for i in shown["items"]] == list(range(1, 55))
    assert shown["items"][1]["category"] == "建立健全知识产权管理、协调体系"
    assert shown["items"][53]["category_no"] == "十一"


def test_cli_no_header_leaves_store_unchanged(tmp_path):
    from tracker.cli import main
    from tracker.workspace import find_workspace

    runner = CliRunner()
    ws = tmp_path / "ws"
    runner.invoke(main, ["init", str(ws)], catch_exceptions=False)
    before = find_workspace(ws).store().dump()
    r = runner.invoke(main, ["-v", "plan", "import", str(FIX / "no_header.txt"), "-w", str(ws)], catch_exceptions=False)
    assert r.exit_code == 1
    assert "no-header" in r.output and "no_header.txt" in r.output and "第2行" in r.output
    assert "Traceback" not in r.output
    assert find_workspace(ws).store().dump() == before
