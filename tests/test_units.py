"""Unit names: every unit cell of seeds/004 split by hand, the DOMAIN.md examples, the registry
(aliases, collectives expanded with the Guangzhou sample registry, close matches), and properties."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.paths import SAMPLES

from tracker.units import (
    BUILTIN_COLLECTIVES,
    Registry,
    is_bare,
    is_collective,
    normalize_unit,
    split_units,
)

GZ_REGISTRY = SAMPLES / "guangzhou-2007.units.toml"
DISTRICTS = ["越秀区", "荔湾区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "萝岗区",
             "增城市", "从化市"]

# Every unit cell of seeds/004 (负责单位 | 参与单位), as the table writes it after layout is removed,
# with the split written by hand.
SEED004 = {
    1: ("广州市创建国家知识产权示范城市工作领导小组办公室、市政府知识产权办公会议办公室",
        ["广州市创建国家知识产权示范城市工作领导小组办公室", "市政府知识产权办公会议办公室"],
        "各有关单位", ["各有关单位"]),
    2: ("市编委办,各区、县级市政府", ["市编委办", "各区、县级市政府"],
        "各区、县级市编委办及相关部门", ["各区、县级市编委办", "相关部门"]),
    3: ("市知识产权局", ["市知识产权局"], "各有关单位", ["各有关单位"]),
    4: ("市发改委、市科技局", ["市发改委", "市科技局"], "各有关单位", ["各有关单位"]),
    5: ("市财政局", ["市财政局"], "", []),
    6: ("各区、县级市政府", ["各区、县级市政府"],
        "各区、县级市财政局、知识产权局", ["各区、县级市财政局", "各区、县级市知识产权局"]),
    7: ("市经贸委、市科技局、市外经贸局、市质监局、市版权局、市财政局",
        ["市经贸委", "市科技局", "市外经贸局", "市质监局", "市版权局", "市财政局"], "", []),
    8: ("市知识产权局、市经贸委", ["市知识产权局", "市经贸委"],
        "市财政局、市法制办、市工商局、市质监局", ["市财政局", "市法制办", "市工商局", "市质监局"]),
    9: ("市工商局", ["市工商局"], "", []),
    10: ("市统计局、市知识产权局、市科技局、市工商局、市版权局、市法院、广州海关、黄埔海关,各区、县级市政府",
         ["市统计局", "市知识产权局", "市科技局", "市工商局", "市版权局", "市法院", "广州海关", "黄埔海关",
          "各区、县级市政府"], "", []),
    11: ("市知识产权局、市经贸委", ["市知识产权局", "市经贸委"], "各有关单位", ["各有关单位"]),
    12: ("广州开发区管委会、南沙开发区管委会、天河区政府、白云区政府、越秀区政府、市科技局、市知识产权局",
         ["广州开发区管委会", "南沙开发区管委会", "天河区政府", "白云区政府", "越秀区政府", "市科技局",
          "市知识产权局"], "", []),
    13: ("市知识产权局", ["市知识产权局"], "市经贸委", ["市经贸委"]),
    14: ("各区、县级市政府", ["各区、县级市政府"], "各区、县级市知识产权局", ["各区、县级市知识产权局"]),
    15: ("市知识产权局", ["市知识产权局"],
         "市各有关单位,各区、县级市知识产权局", ["市各有关单位", "各区、县级市知识产权局"]),
    16: ("市工商局", ["市工商局"], "市经贸委、市法院", ["市经贸委", "市法院"]),
    17: ("市版权局", ["市版权局"], "市科技局", ["市科技局"]),
    18: ("市质监局", ["市质监局"], "", []),
    19: ("市知识产权局、市科技局", ["市知识产权局", "市科技局"], "", []),
    20: ("市科技局", ["市科技局"], "各高新技术园区管理机构,市知识产权局、市工商局",
         ["各高新技术园区管理机构", "市知识产权局", "市工商局"]),
    21: ("市外经贸局", ["市外经贸局"], "市科技局", ["市科技局"]),
    22: ("广州开发区管委会、南沙开发区管委会、天河区政府、白云区政府、越秀区政府",
         ["广州开发区管委会", "南沙开发区管委会", "天河区政府", "白云区政府", "越秀区政府"],
         "各有关区知识产权局", ["各有关区知识产权局"]),
    23: ("花都区政府、荔湾区政府", ["花都区政府", "荔湾区政府"],
         "花都区知识产权局、荔湾区知识产权局", ["花都区知识产权局", "荔湾区知识产权局"]),
    24: ("市知识产权局", ["市知识产权局"], "市科技局、市经贸委、市外经贸局", ["市科技局", "市经贸委", "市外经贸局"]),
    25: ("各区、县级市政府", ["各区、县级市政府"], "各区、县级市知识产权局", ["各区、县级市知识产权局"]),
    26: ("市知识产权局", ["市知识产权局"], "市科技局、市经贸委", ["市科技局", "市经贸委"]),
    27: ("市工商局", ["市工商局"], "", []),
    28: ("市版权局", ["市版权局"], "各有关单位", ["各有关单位"]),
    29: ("市质监局", ["市质监局"], "各有关单位", ["各有关单位"]),
    30: ("市文化局", ["市文化局"], "市版权局、市工商局、市公安局", ["市版权局", "市工商局", "市公安局"]),
    31: ("市版权局、市文化局、市经贸委、市知识产权局", ["市版权局", "市文化局", "市经贸委", "市知识产权局"], "", []),
    32: ("市知识产权局", ["市知识产权局"], "各有关单位", ["各有关单位"]),
    33: ("市整规办、市检察院、市法院、市公安局", ["市整规办", "市检察院", "市法院", "市公安局"],
         "各有关单位", ["各有关单位"]),
    34: ("广州海关、黄埔海关", ["广州海关", "黄埔海关"], "", []),
    35: ("市质监局", ["市质监局"], "各区、县级市质监局", ["各区、县级市质监局"]),
    36: ("市法院", ["市法院"], "", []),
    37: ("市整规办、市政府知识产权办公会议办公室", ["市整规办", "市政府知识产权办公会议办公室"],
         "各有关单位", ["各有关单位"]),
    38: ("市工商局、市知识产权局、市版权局", ["市工商局", "市知识产权局", "市版权局"],
         "市协作办、市贸促会等有关单位", ["市协作办", "市贸促会", "有关单位"]),
    39: ("市工商局", ["市工商局"], "各区、县级市工商局", ["各区、县级市工商局"]),
    40: ("市知识产权局、市知识产权稽查队", ["市知识产权局", "市知识产权稽查队"],
         "各区、县级市知识产权局", ["各区、县级市知识产权局"]),
    41: ("市版权局", ["市版权局"], "市文化市场综合行政执法总队、市信息办、市公安局",
         ["市文化市场综合行政执法总队", "市信息办", "市公安局"]),
    42: ("市质监局、市食品药品监管局、市工商局、市版权局", ["市质监局", "市食品药品监管局", "市工商局", "市版权局"],
         "各有关单位", ["各有关单位"]),
    43: ("市知识产权局、市委宣传部", ["市知识产权局", "市委宣传部"], "", []),
    44: ("市委宣传部", ["市委宣传部"], "各有关单位", ["各有关单位"]),
    45: ("市人事局", ["市人事局"], "市知识产权局", ["市知识产权局"]),
    46: ("市司法局", ["市司法局"], "", []),
    47: ("市教育局", ["市教育局"], "市知识产权局", ["市知识产权局"]),
    48: ("市知识产权局、市工商局、市版权局", ["市知识产权局", "市工商局", "市版权局"], "各有关单位", ["各有关单位"]),
    49: ("市外办、市知识产权局", ["市外办", "市知识产权局"], "各有关单位", ["各有关单位"]),
    50: ("市知识产权局、市工商局、市版权局", ["市知识产权局", "市工商局", "市版权局"], "各有关单位", ["各有关单位"]),
    51: ("市知识产权局", ["市知识产权局"], "市专利信息研究发展中心、市信息办", ["市专利信息研究发展中心", "市信息办"]),
    52: ("各区、县级市政府", ["各区、县级市政府"], "各区、县级市知识产权局", ["各区、县级市知识产权局"]),
    53: ("市工商局、市知识产权局、市版权局", ["市工商局", "市知识产权局", "市版权局"], "", []),
    54: ("市知识产权局", ["市知识产权局"], "各有关单位", ["各有关单位"]),
}


@pytest.fixture(scope="module")
def gz() -> Registry:
    return Registry.from_config(tomllib.loads(GZ_REGISTRY.read_text(encoding="utf-8")))


@pytest.mark.parametrize("number", sorted(SEED004))
def test_seed004_unit_cells(number):
    lead_raw, lead, part_raw, parts = SEED004[number]
    assert split_units(lead_raw) == lead
    assert split_units(part_raw) == parts


@pytest.mark.parametrize("number", sorted(SEED004))
def test_seed004_unit_cells_with_registry(number, gz):
    """The Guangzhou registry (which protects 各区、县级市 itself) gives the same splits."""
    lead_raw, lead, part_raw, parts = SEED004[number]
    assert split_units(lead_raw, gz) == lead
    assert split_units(part_raw, gz) == parts


def test_seed004_imported_items_carry_these_units(seed004):
    """The box-drawing import of seeds/004 gives every item exactly the hand-written unit lists."""
    from tracker.importers import import_plan

    plan, _ = import_plan(seed004)
    assert len(plan.items) == 54
    for it in plan.items:
        lead_raw, lead, part_raw, parts = SEED004[it.number]
        assert (it.lead_raw, it.participants_raw) == (lead_raw, part_raw), it.number
        assert (it.lead, it.participants) == (lead, parts), it.number


@pytest.mark.parametrize("raw, expected", [
    # DOMAIN.md "Unit names"
    ("各区、县级市政府", ["各区、县级市政府"]),
    ("各区、县级市财政局、知识产权局", ["各区、县级市财政局", "各区、县级市知识产权局"]),
    ("市协作办、市贸促会等有关单位", ["市协作办", "市贸促会", "有关单位"]),
    ("各区、县级市编委办及相关部门", ["各区、县级市编委办", "相关部门"]),
    # kept whole
    ("各有关单位", ["各有关单位"]),
    ("市各有关单位", ["市各有关单位"]),
    ("各有关区知识产权局", ["各有关区知识产权局"]),
    ("各高新技术园区管理机构", ["各高新技术园区管理机构"]),
    # every separator, full-width forms, layout whitespace, line breaks
    ("市科技局,市财政局;市教育局/市司法局、市外办", ["市科技局", "市财政局", "市教育局", "市司法局", "市外办"]),
    ("市科技局，市财政局；市教育局", ["市科技局", "市财政局", "市教育局"]),
    ("市 知识产权 局 、 市工商局", ["市知识产权局", "市工商局"]),
    ("市科技局\n市财政局\r\n市教育局", ["市科技局", "市财政局", "市教育局"]),
    # the tail spellings
    ("市科技局等单位", ["市科技局", "有关单位"]),
    ("市科技局等部门", ["市科技局", "有关部门"]),
    ("市科技局、市财政局等", ["市科技局", "市财政局", "有关单位"]),
    ("市科技局以及相关部门", ["市科技局", "相关部门"]),
    ("市科技局及其他有关单位", ["市科技局", "有关单位"]),
    ("等有关单位", ["有关单位"]),
    # distribution stops at a unit that names its owner, and only a 各 prefix is distributed
    ("各区、县级市财政局、知识产权局、市工商局", ["各区、县级市财政局", "各区、县级市知识产权局", "市工商局"]),
    ("各区、县级市财政局、花都区知识产权局", ["各区、县级市财政局", "花都区知识产权局"]),
    ("各区、县级市工商局、广州海关、黄埔海关", ["各区、县级市工商局", "广州海关", "黄埔海关"]),
    ("市财政局、科技局", ["市财政局", "科技局"]),
    ("各区、县级市政府、市场监管局、城市管理局",
     ["各区、县级市政府", "各区、县级市市场监管局", "各区、县级市城市管理局"]),
    # the built-in collective family, brackets unified and protected
    ("各县、市、区人民政府、财政局", ["各县、市、区人民政府", "各县、市、区财政局"]),
    ("各县市区人民政府,市财政局", ["各县市区人民政府", "市财政局"]),
    ("各县（市、区）政府、科技局", ["各县(市、区)政府", "各县(市、区)科技局"]),
    # duplicates dropped, empty cells
    ("市科技局、市科技局", ["市科技局"]),
    ("", []),
    ("  \n ", []),
    ("、,", []),
])
def test_split_rules(raw, expected):
    assert split_units(raw) == expected


def test_registry_collective_keys_are_protected():
    reg = Registry(collectives={"各开发区、园区": ["广州开发区", "南沙开发区"]})
    assert split_units("各开发区、园区管委会、市科技局") == ["各开发区", "园区管委会", "市科技局"]
    assert split_units("各开发区、园区管委会、市科技局", reg) == ["各开发区、园区管委会", "市科技局"]
    assert reg.expand("各开发区、园区管委会") == ["广州开发区管委会", "南沙开发区管委会"]


def test_bare():
    assert is_bare("知识产权局") and is_bare("财政局") and is_bare("政府") and is_bare("市场监管局")
    for name in ("市工商局", "花都区知识产权局", "广州海关", "黄埔海关", "各有关单位", "长沙海关驻郴州办事处",
                 "省知识产权局"):
        assert not is_bare(name), name
    assert not is_bare("稽查队", Registry(aliases={"稽查队": "市知识产权稽查队"}))


@pytest.mark.parametrize("name, expected", [
    ("各有关单位", True), ("有关单位", True), ("相关部门", True), ("市各有关单位", True),
    ("各区、县级市政府", True), ("各有关区知识产权局", True), ("各高新技术园区管理机构", True),
    ("中省驻郴各单位", True), ("市政府各部门", True),
    ("市知识产权局", False), ("广州海关", False), ("花都区政府", False), ("市知识产权稽查队", False),
])
def test_is_collective(name, expected):
    assert is_collective(name) is expected


def test_normalize_unit():
    assert normalize_unit("市 知识产权\u3000局\n") == "市知识产权局"
    assert normalize_unit("各县（市、区）") == "各县(市、区)"
    assert normalize_unit("〔市〕【办】［局］") == "(市)(办)(局)"
    assert normalize_unit("ＩＴ中心１２３") == "IT中心123"
    assert normalize_unit("") == ""


# -- the registry --------------------------------------------------------------------------------------
def test_guangzhou_registry_expands_the_12_districts(gz):
    assert gz.collectives["各区、县级市"] == DISTRICTS
    assert gz.expand("各区、县级市知识产权局") == [d + "知识产权局" for d in DISTRICTS]
    assert gz.expand("各区、县级市政府") == [d + "政府" for d in DISTRICTS]
    assert gz.expand("各区、县级市") == DISTRICTS
    assert "天河区知识产权局" in gz.expand("各区、县级市知识产权局")
    assert gz.expand("各区、县级市 编委办") == [d + "编委办" for d in DISTRICTS]


@pytest.mark.parametrize("name", ["各有关单位", "有关单位", "相关部门", "各有关区知识产权局", "市各有关单位",
                                  "各高新技术园区管理机构"])
def test_collectives_that_cannot_be_expanded_receive_nothing(gz, name):
    assert gz.expand(name) == []
    assert not gz.expandable(name)


def test_normal_units_expand_to_themselves(gz):
    assert gz.expand("市工商局") == ["市工商局"]
    assert gz.expand("广州市知识产权局") == ["市知识产权局"]  # aliased first
    assert gz.expandable("市工商局") and gz.expandable("各区、县级市政府")


def test_aliases(gz):
    assert gz.canonical("广州市知识产权局") == "市知识产权局"
    assert gz.canonical("广州市 知识产权局") == "市知识产权局"
    assert gz.canonical("广州市工商行政管理局") == "市工商局"
    assert gz.canonical("市知识产权稽查队") == "市知识产权稽查队"  # a unit of its own, not an alias
    assert gz.canonical("市工商局") == "市工商局"
    chain = Registry(aliases={"市经委": "市经贸委", "市经贸委": "市经信委", "甲": "乙", "乙": "甲"})
    assert chain.canonical("市经委") == "市经信委"
    assert chain.canonical("甲") in {"甲", "乙"}  # a cycle stops


def test_aliases_apply_to_expanded_members():
    reg = Registry(aliases={"越秀区府": "越秀区政府"}, collectives={"各区": ["越秀区", "荔湾区"]})
    assert reg.expand("各区府") == ["越秀区政府", "荔湾区府"]


def test_from_config_of_a_default_workspace(workspace):
    reg = Registry.from_config(workspace.config())
    assert reg.aliases == {} and reg.collectives == {}
    assert reg.expand("各区、县级市政府") == []  # nobody defined the members
    assert reg.expand("市科技局") == ["市科技局"]


def test_registry_loaded_into_a_workspace(tmp_path):
    from tracker.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", units_file=GZ_REGISTRY)
    cfg = ws.config()
    assert cfg["office"]["name"] == "广州市创建国家知识产权示范城市工作领导小组办公室"
    assert cfg["office"]["contact"]
    reg = Registry.from_config(cfg)
    assert len(reg.expand("各区、县级市政府")) == 12


def test_close_match(gz):
    assert gz.close_match("市知识产权句") == "市知识产权局"  # one substitution
    assert gz.close_match("市知产权局") == "市知识产权局"  # one deletion
    assert gz.close_match("市知识产权局") is None  # identical: known
    assert gz.close_match("广州市知识产权局") is None  # a registered alias
    assert gz.close_match("市公安局") is None  # nothing close
    assert gz.close_match("市工局") is None  # shorter than 4 characters
    reg = Registry()
    assert reg.close_match("市知识产权句") is None
    reg.learn(["市知识产权稽查队", "市 信息办 "])
    assert "市信息办" in reg.known
    assert reg.close_match("市知识产权稽察队") == "市知识产权稽查队"
    assert reg.close_match("市信息办") is None
    assert gz.close_match("越秀区知识产权") is None  # members are 3 characters; 2 edits from anything


def test_close_match_warns_at_import(tmp_path):
    """build_plan warns about a unit spelled one character away from a registered one."""
    from tracker.model import RawRow, RawTable
    from tracker.plan_builder import build_plan
    from tracker.problems import Problems

    problems = Problems()
    raw = RawTable(rows=[RawRow("1", "任务", "市知识产权句、市工商局")], source="t.csv")
    reg = Registry(aliases={"广州市知识产权局": "市知识产权局"})
    plan = build_plan(raw, year=2007, name="t", registry=reg, problems=problems)
    assert plan.items[0].lead == ["市知识产权句", "市工商局"]
    codes = [(p.code, p.message) for p in problems.warnings]
    assert any(c == "unit-spelling" and "市知识产权局" in m for c, m in codes)


# -- properties -----------------------------------------------------------------------------------------
_SAFE = "科技财政教育司法外经贸质监版权文化公安统计人事信息档案体育卫生民政审计物价环保规划交通水务农业林业海洋"
_ENDS = ["局", "办", "委", "院", "中心", "会"]
simple_unit = st.builds(lambda body, end: "市" + body + end,
                        st.text(alphabet=_SAFE, min_size=1, max_size=6), st.sampled_from(_ENDS))
bare_dept = st.builds(lambda body, end: body + end, st.text(alphabet=_SAFE, min_size=1, max_size=5),
                      st.sampled_from(["局", "办", "委"]))
separator = st.sampled_from(["、", ",", ",", ";", ";", "/", "\n", " 、 "])


def _body(name: str) -> str:
    """A name without its collective prefix (two names with the same body could merge)."""
    for k in sorted(BUILTIN_COLLECTIVES, key=len, reverse=True):
        if name.startswith(k):
            return name[len(k):]
    return name


@given(st.text(max_size=40))
def test_normalize_is_idempotent(s):
    once = normalize_unit(s)
    assert normalize_unit(once) == once
    assert not any(ch.isspace() for ch in once)


@given(st.lists(simple_unit, min_size=1, max_size=8, unique=True))
def test_split_of_joined_list_gives_the_list_back(names):
    assert split_units("、".join(names)) == names


@given(st.lists(simple_unit, min_size=1, max_size=8, unique=True), st.data())
def test_split_loses_no_character(names, data):
    """With plain names the parts concatenate to the input without its separators and layout."""
    seps = [data.draw(separator) for _ in names[1:]]
    raw = names[0] + "".join(s + n for s, n in zip(seps, names[1:], strict=True))
    parts = split_units(raw)
    assert "".join(parts) == "".join(names)


@given(st.lists(st.one_of(simple_unit, bare_dept,
                          st.builds(lambda c, d: c + d, st.sampled_from(BUILTIN_COLLECTIVES), bare_dept)),
                min_size=1, max_size=6, unique_by=_body),
       st.sampled_from(["", "等有关单位", "及相关部门", "等单位", "等部门"]), st.data())
def test_split_keeps_every_character_in_order(names, tail, data):
    """With collectives, distribution and tails: every character of every name survives, in order
    (distributed prefixes and tail entries only add), and no part is empty or holds a separator."""
    seps = [data.draw(separator) for _ in names[1:]]
    raw = names[0] + "".join(s + n for s, n in zip(seps, names[1:], strict=True)) + tail
    parts = split_units(raw)
    assert all(parts) and len(parts) == len(set(parts))
    for p in parts:
        for k in BUILTIN_COLLECTIVES:
            p = p.replace(k, "")
        assert not any(ch in "、,;/" for ch in p)
    joined = "".join(parts)
    expected = "".join(names) + (tail.lstrip("等及") if tail else "")
    it = iter(joined)
    assert all(ch in it for ch in expected), (raw, parts)
    if tail:
        assert parts[-1] in {"有关单位", "相关部门", "有关部门"}
