"""Narrative plans: the Chenzhou 2009 plan as .txt (seeds/002 as received) and as .docx, a golden
JSON reviewed by hand, and narratives made the way a clerk makes them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from support.paths import ROOT, SAMPLES

from tracker.cli import main
from tracker.importers import extract, identify, import_plan
from tracker.importers.narrative import (
    docx_is_narrative,
    docx_tables_have_header,
    extract_docx_paragraphs,
    looks_narrative,
)
from tracker.problems import InputError, Problems

TXT = SAMPLES / "chenzhou-2009.txt"
DOCX = SAMPLES / "chenzhou-2009.docx"
GOLDEN = ROOT / "tests" / "golden" / "chenzhou-2009.json"

ITEM1 = ("加强对知识产权工作的组织领导。市政府定期研究部署检查知识产权工作,加大对知识产权工作的财政支持力度,"
         "贯彻执行国家和省知识产权战略和有关文件精神。从2009年起,市财政加大知识产权事业费、专利资助专项资金和工作"
         "奖励资金投入,各县市区相应加大投入,用于专利申请资助、知识产权保护、优势企业和专利企业试点示范、知识产权战略"
         "制定和实施、专利信息平台建设、人才培训、知识产权执法和工作奖励等。建立健全以政府财政资金为引导、企业投入为"
         "主体、各类金融机构积极参与的多元化投入体系。")
ITEM5 = ("探索知识产权联合执法模式。加强执法队伍建设,加大对执法人员培训力度,不断提高执法人员的综合素质、执法能力和"
         "水平。积极探索建立知识产权、工商、版权、公安、质监、食品药品监管和海关等多部门联合执法的工作模式。")
ITEM10 = ("引导和支持知识产权中介机构发展。引导和支持我市专利、商标代理公司等知识产权中介机构加快发展,不断提高知识"
          "产权社会化服务的能力和水平,进一步规范中介服务行为,为我市企业、公众提供全面、快捷、诚实、合法的服务。")


def plan_json(path, **kw):
    plan, problems = import_plan(path, **kw)
    d = plan.to_dict()
    del d["plan"]["source"]
    return d, problems


def test_the_sample_txt_is_seed_002_as_received(seed002):
    assert TXT.read_bytes() == seed002.read_bytes()


@pytest.mark.parametrize("path", [TXT, DOCX], ids=["txt", "docx"])
def test_chenzhou_items(path):
    assert identify(path) == ("narrative" if path.suffix == ".txt" else "docx")
    d, problems = plan_json(path)
    assert problems.items == []
    assert d["plan"]["year"] == 2009
    assert d["plan"]["name"] == "2009年郴州市国家知识产权试点城市工作方案"
    assert import_plan(path)[0].format == "narrative"
    items = d["items"]
    assert [i["number"] for i in items] == list(range(1, 11))
    assert {(i["category_no"], i["category"]) for i in items} == {("", "")}
    by = {i["number"]: i for i in items}
    assert by[1]["content"] == ITEM1
    assert by[5]["content"] == ITEM5
    assert by[10]["content"] == ITEM10
    assert by[1]["lead"] == ["市政府办"]
    assert by[1]["participants"] == ["市财政局", "市知识产权局", "市工商局", "市版权局"]
    assert by[1]["participants_raw"] == "市财政局、市知识产权局、市工商局、市版权局"
    assert "长沙海关驻郴州办事处" in by[5]["participants"]
    assert by[3]["content"].endswith("加强知识产权管理队伍建设;加强对知识产权管理部门人员的培训。通过政策引导和支持,"
                                     "引进、培养一批高层次的知识产权社会化服务人才,满足知识产权事业快速发展的需要。")


def test_txt_and_docx_give_the_same_plan():
    a, _ = plan_json(TXT)
    b, _ = plan_json(DOCX)
    assert a == b


def test_golden():
    """tests/golden/chenzhou-2009.json was produced by import_plan and every unit list checked by hand
    against seeds/002 (see docs/units-and-targets.md)."""
    d, _ = plan_json(TXT)
    assert d == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_docx_sample_splits_measure_three_over_two_paragraphs():
    paras = [p for p in extract_docx_paragraphs(DOCX) if p.strip()]
    i = next(i for i, p in enumerate(paras) if p.startswith("\uff08三\uff09健全"))
    assert "责任单位" not in paras[i]
    assert paras[i + 1].startswith("加强对知识产权管理部门人员的培训") and "\uff08责任单位\uff1a" in paras[i + 1]
    assert not docx_tables_have_header(DOCX) and docx_is_narrative(DOCX)


def test_cli_imports_both_samples(tmp_path):
    r = CliRunner().invoke(main, ["init", str(tmp_path / "ws")])
    assert r.exit_code == 0, r.output
    for path in (TXT, DOCX):
        r = CliRunner().invoke(main, ["plan", "import", str(path), "-w", str(tmp_path / "ws"), "--json"])
        assert r.exit_code == 0, r.output
        out = json.loads(r.output)
        assert out["items"] == 10 and out["categories"] == 0 and out["plan"]["year"] == 2009
    r = CliRunner().invoke(main, ["plan", "show", "--json", "-w", str(tmp_path / "ws")])
    shown = json.loads(r.output)
    assert shown["plan"]["version"] == 1  # the .docx holds the same plan as the .txt: no second version
    assert (out["version"], out["added"]) == (1, False)
    del shown["plan"]["source"]
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert shown["items"] == golden["items"]


# -- clerk-made narratives ------------------------------------------------------------------------------
CLERK = """\
XX市2012年知识产权工作要点

各县（市、区）人民政府，市直各单位：

一、主要任务

1．加强专利创造。全市专利申请量增长20%以上，
发明专利申请量不少于300件。（责任单位：市知识产权局、市科技局、各县（市、区）人民政府）

2、开展执法专项行动。查处假冒专利案件30件以上。（牵头单位：市知识产权局；配合单位：市公安局、市工商局）

3.加强宣传培训。举办培训班5—8期。(责任单位:市知识产权局、市教育局、各县、市、区科技局、知识产权局等有关单位)

二、保障措施

加强领导，落实经费。
"""


def write_clerk_docx(path, paragraphs, table_header=None):
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if table_header:
        t = d.add_table(rows=2, cols=len(table_header))
        for cell, text in zip(t.rows[0].cells, table_header, strict=True):
            cell.text = text
    d.save(str(path))
    return path


def check_clerk_items(raw_or_plan):
    items = raw_or_plan.items
    assert [i.number for i in items] == [1, 2, 3]
    one, two, three = items
    assert one.content == "加强专利创造。全市专利申请量增长20%以上，发明专利申请量不少于300件。"
    assert one.lead == ["市知识产权局"]
    assert one.participants == ["市科技局", "各县(市、区)人民政府"]
    assert [(t.value, t.unit, t.op) for t in one.targets] == [(20, "%", ">="), (300, "件", ">=")]
    assert two.lead == ["市知识产权局"] and two.participants == ["市公安局", "市工商局"]
    assert [(t.value, t.unit) for t in two.targets] == [(30, "件")]
    assert three.lead == ["市知识产权局"]
    assert three.participants == ["市教育局", "各县、市、区科技局", "各县、市、区知识产权局", "有关单位"]
    assert [(t.op, t.value, t.value_max, t.unit) for t in three.targets] == [("range", 5, 8, "期")]
    assert {(i.category_no, i.category) for i in items} == {("", "")}


def test_clerk_txt_with_fullwidth_brackets_and_numbers(tmp_path):
    path = tmp_path / "要点.txt"
    path.write_bytes(CLERK.encode("gb18030"))  # saved by Notepad on Chinese Windows
    assert looks_narrative(CLERK)
    assert identify(path) == "narrative"
    plan, problems = import_plan(path)
    assert plan.year == 2012 and plan.name == "XX市2012年知识产权工作要点"
    assert problems.items == []
    check_clerk_items(plan)


def test_clerk_docx(tmp_path):
    path = write_clerk_docx(tmp_path / "要点.docx", CLERK.splitlines())
    assert identify(path) == "docx"
    raw = extract(path)
    assert raw.format == "narrative"
    plan, problems = import_plan(path)
    check_clerk_items(plan)


def test_docx_with_a_decomposition_table_is_not_narrative(tmp_path):
    path = write_clerk_docx(tmp_path / "表.docx", CLERK.splitlines(), ["序号", "工作内容", "负责单位", "参与单位"])
    assert docx_tables_have_header(path)
    assert not docx_is_narrative(path)


def test_word_automatic_numbering_and_restarted_numbers(tmp_path):
    # Word's automatic numbering leaves no number in the text: items are numbered in order.
    paras = ["工作方案", "加强管理。(责任单位:市知识产权局、市科技局)", "开展培训。(责任单位:市人事局)"]
    plan, problems = import_plan(write_clerk_docx(tmp_path / "a.docx", paras), year=2010)
    assert [(i.number, i.lead) for i in plan.items] == [(1, ["市知识产权局"]), (2, ["市人事局"])]
    assert problems.warnings == []
    # numbering restarts in each section: renumbered in order, with a warning
    text = ("一、创造\n(一)加强创造。(责任单位:市知识产权局)\n(二)加强运用。(责任单位:市科技局)\n"
            "二、保护\n(一)加强保护。(责任单位:市公安局、市工商局)\n")
    path = tmp_path / "b.txt"
    path.write_text(text, encoding="utf-8")
    plan, problems = import_plan(path, year=2010)
    assert [(i.number, i.content, i.extra.get("原编号")) for i in plan.items] == [
        (1, "加强创造。", "1"), (2, "加强运用。", "2"), (3, "加强保护。", "1")]
    assert [p.code for p in problems.warnings] == ["renumbered"]


def test_marker_with_text_after_it_and_wrapped_marker(tmp_path):
    text = ("(一)建立联席会议制度(责任单位:市政府办、市知\n识产权局),每季度召开一次。\n"
            "(二)开展检查。\n(责任单位:市监察局)\n")
    path = tmp_path / "c.txt"
    path.write_text(text, encoding="utf-8")
    plan, _ = import_plan(path, year=2010, fmt="narrative")
    one, two = plan.items
    assert one.content == "建立联席会议制度,每季度召开一次。"
    assert (one.lead, one.participants) == (["市政府办"], ["市知识产权局"])
    assert (two.content, two.lead) == ("开展检查。", ["市监察局"])


def test_not_a_narrative(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("一、总体要求\n(一)加强领导。\n(二)落实经费。\n", encoding="utf-8")
    assert not looks_narrative(path.read_text(encoding="utf-8"))
    with pytest.raises(InputError) as e:
        extract(path, "narrative", Problems())
    assert [p.code for p in e.value.problems.errors] == ["no-items"]
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError):
        extract(path, "narrative", Problems())


def test_missing_lead_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "e.txt"
    path.write_text("标题\n(一)加强领导。(责任单位:)\n(二)落实经费。(责任单位:市财政局)\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_plan(path, year=2010, fmt="narrative")
    errs = e.value.problems.errors
    assert [(p.code, p.file, p.row) for p in errs] == [("missing-lead", "e.txt", 2)]


def test_a_measure_without_marker_between_items_is_explained(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("标题\n(一)加强领导。(责任单位:市政府办)\n(二)落实经费。\n(三)开展培训。(责任单位:市人事局)\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_plan(path, year=2010, fmt="narrative")
    problems = e.value.problems
    assert [p.code for p in problems.errors] == ["missing-number"]
    assert [(p.code, p.row) for p in problems.warnings] == [("no-responsibility", 3)]


def test_marker_naming_both_sides(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("标题\n1.甲。(牵头单位:市科技局、市财政局;配合单位:市教育局)\n"
                    "2.乙。(牵头单位:市科技局、市财政局)\n", encoding="utf-8")
    plan, _ = import_plan(path, year=2010)
    assert [(i.lead, i.participants) for i in plan.items] == [
        (["市科技局", "市财政局"], ["市教育局"]), (["市科技局"], ["市财政局"])]
