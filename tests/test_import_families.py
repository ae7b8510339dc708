"""Issue 11: tables laid out the way other cities lay theirs out, each family to golden JSON.

The files are made the way a clerk makes them (tests/plan_forms.py: openpyxl workbooks, python-docx
documents, a government web page in GB2312, a web archive, PDFs printed from Word and Excel and a
page saved as HTML by LibreOffice — the last three committed in tests/fixtures/plans/, regenerated
with ``python tests/plan_forms.py``). The golden files in tests/golden/families/ were produced by
``python tests/test_import_families.py`` and checked by hand against the tables in plan_forms.py,
item by item (numbers, categories, lead and participant lists, targets, extra columns).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import plan_forms as pf

from tracker.cli import main
from tracker.importers import identify, import_plan, preview_plan
from tracker.problems import InputError

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "families"
FIX = pf.FIXTURES
SEED001 = FIX / "national-2015-seed001.txt"  # copy of ../shared/seeds/001_4b9b504e9509dbe6.txt

# name -> (builder of the file in a folder, import keyword arguments)
FAMILIES = {
    "lead_marks": (pf.lead_marks_xlsx, {}),
    "first_leads_header_note": (pf.first_leads_xlsx, {}),
    "first_leads_word_note": (pf.first_leads_docx, {}),
    "no_note_all_lead": (lambda d: pf.first_leads_xlsx(d, note=None), {}),
    "header_families": (pf.header_families_xlsx, {}),
    "kind_is_category": (pf.kind_is_category_xlsx, {"year": 2016}),
    "restart_numbers": (pf.restart_numbers_xlsx, {"year": 2016}),
    "written_numbers": (pf.written_numbers_xlsx, {"year": 2016}),
    "three_levels": (pf.three_levels_xlsx, {}),
    "not_items": (pf.not_items_xlsx, {}),
    "full_width_sections": (pf.full_width_sections_xlsx, {"year": 2016}),
    "no_number": (pf.no_number_xlsx, {"year": 2016}),
    "gov_page_html": (pf.gov_page, {}),
    "gov_page_mht": (pf.web_archive, {}),
    "lead_marks_saved_html": (lambda d: FIX / "lead_marks_saved.html", {"year": 2016}),
    "word_table_pdf": (lambda d: FIX / "word_table.pdf", {}),
    "header_families_pdf": (lambda d: FIX / "header_families.pdf", {}),
    "odd_headers_mapped": (pf.odd_headers_xlsx,
                           {"year": 2016, "columns": {"number": "项", "content": "措施内容", "lead": "主责",
                                                      "participants": "协同"}}),
    "national_2015_text": (lambda d: SEED001, {"unit": "示范城市知识产权局"}),
    "numbered_narrative_docx": (pf.numbered_narrative_docx, {}),
}


def plan_data(path: Path, **kw) -> tuple[dict, list[str]]:
    plan, problems = import_plan(path, **kw)
    data = plan.to_dict()
    del data["plan"]["source"]
    return data, [p.code for p in problems]


def golden(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(FAMILIES))
def test_family_matches_golden(name, tmp_path):
    build, kw = FAMILIES[name]
    data, codes = plan_data(build(tmp_path), **kw)
    want = golden(name)
    assert data == want["plan"]
    assert codes == want["warnings"]


# -- what each family must show, said once more in words ----------------------------------------------
def items_of(name, tmp_path):
    build, kw = FAMILIES[name]
    tmp_path.mkdir(parents=True, exist_ok=True)
    return import_plan(build(tmp_path), **kw)[0].items


def test_lead_marks_never_stay_in_a_name(tmp_path):
    items = items_of("lead_marks", tmp_path)
    assert [(i.lead, i.participants) for i in items] == [
        (["市知识产权局"], ["市科技局", "市财政局"]), (["市知识产权局"], ["市公安局"]),
        (["市经信委"], ["市知识产权局", "市科技局"]), (["市科技局"], ["市知识产权局"]),
        (["市人社局"], ["市教育局"]), (["市工商局"], [])]
    names = {u for i in items for u in i.lead + i.participants}
    assert not any(m in u for u in names for m in ("牵头", "(", "（", "*", "★"))
    assert items[0].lead_raw == "市知识产权局（牵头）、市科技局、市财政局"  # the raw text is kept


def test_first_unit_leads_only_with_the_note(tmp_path):
    for name in ("first_leads_header_note", "first_leads_word_note"):
        items = items_of(name, tmp_path / name)
        assert [i.lead for i in items] == [["市知识产权局"], ["市财政局"], ["市委宣传部"]], name
        assert items[0].participants == ["市发改委", "市财政局"]
    items = items_of("no_note_all_lead", tmp_path / "none")
    assert items[0].lead == ["市知识产权局", "市发改委", "市财政局"] and items[0].participants == []


def test_header_families_and_the_kind_column(tmp_path):
    items = items_of("header_families", tmp_path / "a")
    assert [(i.category_no, i.category) for i in items] == [("一", "健全工作机制")] * 2 + [("二", "强化知识产权保护")] * 2
    assert [i.mandatory for i in items] == [True, True, False, False]  # 任务类型 read as 必做/选做
    assert items[1].extra == {"时间节点": "2016年6月", "备注": "纳入绩效考核"}
    items = items_of("kind_is_category", tmp_path / "b")
    assert [i.category for i in items] == ["制度建设", "制度建设", "执法保护"]  # 任务类型 read as category
    assert not any(i.mandatory for i in items)


def test_numbers_restart_and_keep_their_form(tmp_path):
    items = items_of("restart_numbers", tmp_path / "a")
    assert [(i.category_no, i.shown_number) for i in items] == [("一", "1"), ("一", "2"), ("一", "3"),
                                                                 ("二", "1"), ("二", "2")]
    assert [i.id for i in items] == ["2016-001", "2016-002", "2016-003", "2016-004", "2016-005"]
    items = items_of("written_numbers", tmp_path / "b")
    assert [i.shown_number for i in items] == ["1.1", "1.2", "（1）", "（2）", "①", "②", "第1项", "1-1", "1"]
    assert len({i.id for i in items}) == len(items)


def test_a_number_repeated_inside_a_category_is_still_an_error(tmp_path):
    p = pf._xlsx(tmp_path / "dup.xlsx", [["类别", "序号", "工作内容", "牵头单位"],
                                         ["一、创造", 1, "甲", "市知识产权局"], ["", 1, "乙", "市科技局"],
                                         ["二、运用", 1, "丙", "市金融办"]], ["A2:A3"])
    with pytest.raises(InputError) as e:
        import_plan(p, year=2016)
    assert [x.code for x in e.value.problems.errors] == ["duplicate-number"]


def test_three_levels_are_kept(tmp_path):
    items = items_of("three_levels", tmp_path)
    assert [(i.category_no, i.subcategory_no, i.subcategory) for i in items] == [
        ("一", "一", "提升专利质量"), ("一", "一", "提升专利质量"), ("一", "二", "培育商标品牌"),
        ("二", "一", "推动成果转化")]
    assert items[0].to_dict()["subcategory"] == "提升专利质量"


def test_rows_that_are_not_items_are_warnings(tmp_path):
    build, kw = FAMILIES["not_items"]
    plan, problems = import_plan(build(tmp_path), **kw)
    assert [i.number for i in plan.items] == [1, 2, 3, 4]
    assert plan.items[2].category == "建立健全工作体系"  # "一（续）" goes on with category 一
    assert {p.code for p in problems} == {"category-continued", "total-row", "footnote-row"}
    assert not problems.errors


def test_no_number_column_is_numbered_by_position(tmp_path):
    build, kw = FAMILIES["no_number"]
    plan, problems = import_plan(build(tmp_path), **kw)
    assert [i.number for i in plan.items] == [1, 2, 3]
    assert [p.code for p in problems] == ["numbered-by-position"]


def test_html_reads_rowspan_colspan_and_the_page_note(tmp_path):
    for name in ("gov_page_html", "gov_page_mht"):
        items = items_of(name, tmp_path / name)
        assert [(i.category_no, i.category) for i in items] == [("一", "健全工作机制")] * 2 + [("二", "强化保护")]
        assert [i.lead for i in items] == [["市知识产权局"]] * 3  # 说明: 排在第一位的为牵头单位
        assert items[0].participants == ["市编办"]  # <br> separates units


def test_html_is_never_read_as_csv(tmp_path):
    page = pf.gov_page(tmp_path)
    as_csv = tmp_path / "分解表.csv"  # a web page saved with a .csv name
    as_csv.write_bytes(page.read_bytes())
    assert identify(as_csv) == "html"
    bare = tmp_path / "no_table.html"
    bare.write_text("<html><body><p>2016年工作要点</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_plan(bare, year=2016)
    assert [(p.code, p.file) for p in e.value.problems] == [("no-table", "no_table.html")]


def test_pdf_printed_from_word_continues_the_row_broken_by_the_page(tmp_path):
    sys.path.insert(0, str(HERE))
    from support import clerk

    plan, problems = import_plan(FIX / "word_table.pdf")
    assert clerk.plan_keys(plan) == [it.key() for it in clerk.ITEMS]
    assert [p.code for p in problems] == ["row-continued"]


def test_pdf_printed_from_excel_matches_the_workbook(tmp_path):
    xlsx, _ = plan_data(pf.header_families_xlsx(tmp_path))
    pdf, _ = plan_data(FIX / "header_families.pdf")
    assert pdf["items"] == xlsx["items"]


def test_a_scanned_pdf_gets_one_clear_message(tmp_path):
    with pytest.raises(InputError) as e:
        import_plan(pf.scanned_pdf(tmp_path))
    assert [(p.code, p.file) for p in e.value.problems] == [("scanned-pdf", "scanned.pdf")]
    assert "扫描件" in e.value.problems.items[0].message


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(pf.SOFFICE is None, reason="soffice (LibreOffice) not installed")
def test_pdfs_printed_now_read_as_the_committed_ones(tmp_path):
    """The committed PDFs are what LibreOffice prints today (read, not compared byte for byte)."""
    for build, fixture in ((pf.word_table_docx, "word_table.pdf"), (pf.header_families_xlsx, "header_families.pdf")):
        fresh = pf.soffice_convert(build(tmp_path), "pdf", tmp_path / "out")
        assert plan_data(fresh)[0]["items"] == plan_data(FIX / fixture)[0]["items"]


@pytest.mark.libreoffice
@pytest.mark.skipif(pf.SOFFICE is None, reason="soffice (LibreOffice) not installed")
def test_old_word_doc_through_libreoffice(tmp_path):
    docx_file = pf.first_leads_docx(tmp_path)
    doc = pf.soffice_convert(docx_file, "doc", tmp_path / "doc")
    assert identify(doc) == "doc"
    got, _ = plan_data(doc)
    want, _ = plan_data(docx_file)
    assert got["items"] == want["items"]


def test_old_word_doc_without_libreoffice_says_so(tmp_path, monkeypatch):
    from tracker.importers import convert

    monkeypatch.setattr(convert, "soffice", lambda: None)
    doc = tmp_path / "旧.doc"  # the OLE header Word writes, with its WordDocument stream name
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") +
                    b"\x00" * 1024)
    with pytest.raises(InputError) as e:
        import_plan(doc)
    codes = [p.code for p in e.value.problems]
    assert "doc-format" in codes or "corrupt-file" in codes  # the guard may see the fake container first
    if "doc-format" in codes:
        assert ".docx" in e.value.problems.items[-1].message


# -- the national 2015 plan ------------------------------------------------------------------------------
def test_national_plan_text_gives_nine_tasks_first_four_mandatory():
    plan, _ = import_plan(SEED001, unit="示范城市知识产权局")
    assert len(plan.items) == 9
    assert [i.number for i in plan.items if i.mandatory] == [1, 2, 3, 4]
    assert all(set(i.extra) == {"工作目标", "工作要求", "工作支持"} for i in plan.items)
    assert all(i.lead == ["示范城市知识产权局"] for i in plan.items)
    # the same content and targets as the reviewed sample workbook made from the same seed
    sample = json.loads((HERE / "golden" / "national-2015.json").read_text(encoding="utf-8"))
    assert [i.content for i in plan.items] == [i["content"] for i in sample["items"]]
    assert [[t.to_dict() for t in i.targets] for i in plan.items] == [i["targets"] for i in sample["items"]]


def test_national_plan_pasted_into_word(tmp_path):
    docx_file = pf.national_docx(tmp_path, SEED001.read_text(encoding="utf-8"))
    got, _ = plan_data(docx_file, unit="示范城市知识产权局")
    assert got == golden("national_2015_text")["plan"]


def test_national_plan_without_a_unit_asks_for_one():
    with pytest.raises(InputError) as e:
        import_plan(SEED001)
    assert [p.code for p in e.value.problems] == ["no-unit"]
    assert "--unit" in e.value.problems.items[0].message


def test_word_list_numbering_never_glues_a_heading_to_a_measure(tmp_path):
    items = items_of("numbered_narrative_docx", tmp_path)
    assert [i.number for i in items] == [1, 2, 3]
    assert items[0].content == "建立知识产权联席会议制度,每季度召开1次会议。"
    assert not any("组织领导" in i.content or "加强知识产权保护" in i.content for i in items)


# -- the explicit mapping, the CLI options and the dry run -------------------------------------------------
def test_explicit_mapping_overrides_the_guess(tmp_path):
    p = pf.odd_headers_xlsx(tmp_path)
    with pytest.raises(InputError):
        import_plan(p, year=2016)  # 措施内容/主责 are no header words
    plan, _ = import_plan(p, year=2016, columns="number=项,content=措施内容,lead=主责,participants=协同")
    assert [(i.content, i.lead, i.participants) for i in plan.items] == [
        ("建立重点产业专利导航机制。", ["市知识产权局"], ["市发改委"]),
        ("培育知识产权服务机构5家。", ["市科技局"], ["市知识产权局"])]
    # a column letter works too, and a wording that is not there is named
    plan, _ = import_plan(p, year=2016, columns={"number": "A", "content": "B", "lead": "C"})
    assert plan.items[0].lead == ["市知识产权局"]
    with pytest.raises(InputError) as e:
        import_plan(p, year=2016, columns={"content": "具体措施", "lead": "主责"})
    assert {x.code for x in e.value.problems} == {"column-not-found"}
    assert "具体措施" in str(e.value.problems.items[0])


def _ws(tmp_path) -> Path:
    ws = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(ws)]).exit_code == 0
    return ws


def test_cli_columns_and_unit(tmp_path):
    ws = _ws(tmp_path)
    r = CliRunner().invoke(main, ["-w", str(ws), "plan", "import", str(pf.odd_headers_xlsx(tmp_path)), "--year",
                                  "2016", "--columns", "number=项,content=措施内容,lead=主责,participants=协同"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["-w", str(ws), "plan", "import", str(SEED001), "--unit", "郴州市知识产权局",
                                  "--json"])
    assert r.exit_code == 0, r.output
    show = json.loads(CliRunner().invoke(main, ["-w", str(ws), "plan", "show", "--year", "2015", "--json"]).output)
    assert {u["name"] for u in show["units"]} == {"郴州市知识产权局"}
    r = CliRunner().invoke(main, ["-w", str(ws), "plan", "import", str(SEED001), "--columns", "colour=红"])
    assert r.exit_code != 0 and "colour" in r.output and "Traceback" not in r.output


def test_cli_national_plan_default_unit_is_the_office(tmp_path):
    ws = _ws(tmp_path)
    r = CliRunner().invoke(main, ["-w", str(ws), "plan", "import", str(SEED001), "--dry-run", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert {u["name"] for u in data["units"]} == {"领导小组办公室"}  # [office] name of a new tracker.toml


def test_cli_dry_run_json_is_plan_show_plus_problems_and_stores_nothing(tmp_path):
    ws = _ws(tmp_path)
    src = pf.not_items_xlsx(tmp_path)
    r = CliRunner().invoke(main, ["-w", str(ws), "plan", "import", str(src), "--dry-run", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert len(data["items"]) == 4 and data["plan"]["name"] == pf.TITLE
    assert {p["code"] for p in data["problems"]} == {"category-continued", "total-row", "footnote-row"}
    listed = CliRunner().invoke(main, ["-w", str(ws), "plan", "list", "--json"])
    assert json.loads(listed.output) == {"plans": []}  # nothing stored
    # the same file imported for real gives what the preview showed
    assert CliRunner().invoke(main, ["-w", str(ws), "plan", "import", str(src)]).exit_code == 0
    show = json.loads(CliRunner().invoke(main, ["-w", str(ws), "plan", "show", "--json"]).output)
    assert show["items"] == data["items"] and show["units"] == data["units"]


def test_cli_dry_run_of_a_bad_file_lists_the_errors_and_exits_1(tmp_path):
    ws = _ws(tmp_path)
    r = CliRunner().invoke(main, ["-w", str(ws), "plan", "import", str(pf.scanned_pdf(tmp_path)), "--dry-run",
                                  "--json"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert data["plan"] is None and [p["code"] for p in data["problems"]] == ["scanned-pdf"]


def test_preview_plan_learns_stored_units_without_writing(tmp_path):
    from tracker.workspace import find_workspace

    ws_dir = _ws(tmp_path)
    assert CliRunner().invoke(main, ["-w", str(ws_dir), "plan", "import", str(pf.lead_marks_xlsx(tmp_path))]).exit_code == 0
    ws = find_workspace(ws_dir)
    before = ws.store().dump()
    typo = pf._xlsx(tmp_path / "typo.xlsx", [["序号", "工作内容", "负责单位"], [1, "甲", "市知识产杈局"]])
    plan, problems = preview_plan(typo, config=ws.config(), store=ws.store(), year=2017)
    assert plan is not None and "unit-spelling" in [p.code for p in problems]
    assert ws.store().dump() == before


# -- downstream: the written number in templates and returns -----------------------------------------------
def test_written_numbers_go_to_templates_and_come_back(tmp_path):
    """A plan numbered 1.1/（1）/①… : the template shows the written number, the return filled and
    sent back is accepted without a 序号 mismatch, item ids stay unique."""
    import openpyxl
    from support.filling import distinct_values, fill, template_rows

    ws = _ws(tmp_path)
    run = CliRunner()
    assert run.invoke(main, ["-w", str(ws), "plan", "import", str(pf.written_numbers_xlsx(tmp_path)), "--year",
                             "2016"]).exit_code == 0
    out = tmp_path / "tpl"
    r = run.invoke(main, ["-w", str(ws), "templates", "2016Q1", "-o", str(out), "--unit", "市人社局"])
    assert r.exit_code == 0, r.output
    (tpl,) = sorted(out.glob("*.xlsx"))
    rows = template_rows(tpl)
    assert [(x["item"], x["number"]) for x in rows] == [("2016-008", "1-1"), ("2016-009", "1")]
    filled = fill(tpl, {x["item"]: distinct_values(1, k) for k, x in enumerate(rows)}, out=tmp_path / "in" / tpl.name)
    r = run.invoke(main, ["-w", str(ws), "collect", str(filled), "--period", "2016Q1", "--received", "2016-04-05",
                          "--json"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    assert len(res["accepted"]) == 1 and not res["rejected"]
    assert "item-number-mismatch" not in r.output
    st = json.loads(run.invoke(main, ["-w", str(ws), "status", "2016Q1", "--json"]).output)
    labels = {d["item"]: d.get("label") for d in st["item_details"]}
    assert labels["2016-001"] == "1.1" and labels["2016-008"] == "1-1"  # the status shows the written number
    # a department that retypes 1-1 as 2 is told so
    wb = openpyxl.load_workbook(filled)
    sh = wb["任务填报"]
    from support.filling import header_columns

    sh.cell(rows[0]["row"], header_columns(sh)["序号"]).value = "2"
    bad = tmp_path / "bad" / tpl.name
    bad.parent.mkdir()
    wb.save(bad)
    r = run.invoke(main, ["-w", str(ws), "collect", str(bad), "--period", "2016Q1", "--received", "2016-04-06",
                          "--dry-run", "--json"])
    assert "item-number-mismatch" in r.output and "1-1" in r.output


# -- the pieces ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell, lead, parts", [
    ("市知识产权局（牵头）、市科技局", ["市知识产权局"], ["市科技局"]),
    ("市知识产权局(牵头单位),市科技局", ["市知识产权局"], ["市科技局"]),
    ("牵头:市经信委;配合:市科技局、市财政局", ["市经信委"], ["市科技局", "市财政局"]),
    ("牵头单位：市经信委、市科技局；协同单位：市财政局", ["市经信委", "市科技局"], ["市财政局"]),
    ("★市科技局、市知识产权局", ["市科技局"], ["市知识产权局"]),
    ("市科技局＊、市知识产权局", ["市科技局"], ["市知识产权局"]),
    ("各区、县级市财政局(牵头)、知识产权局", ["各区、县级市财政局"], ["各区、县级市知识产权局"]),
    ("市科技局、市财政局", ["市科技局", "市财政局"], []),
])
def test_split_roles(cell, lead, parts):
    from tracker.units import split_roles

    got_lead, got_parts, marked = split_roles(cell)
    assert (got_lead, got_parts) == (lead, parts)
    assert marked == bool(parts) or cell.startswith("牵头")


@pytest.mark.parametrize("text, says", [
    ("排在第一位的为牵头单位", True), ("（排名第一的为牵头单位）", True), ("第一个为牵头单位", True),
    ("注：责任单位中排在首位的单位为牵头单位。", True), ("牵头单位排在第一位", True), ("第 一 个 是 牵 头 单 位", True),
    ("第一责任人为单位主要负责人", False), ("市知识产权局牵头", False),
])
def test_first_leads_wordings(text, says):
    from tracker.units import says_first_leads

    assert says_first_leads(text) is says


def test_one_header_vocabulary():
    from tracker.importers import boxtext, table
    from tracker.importers.headers import header_role, parse_columns, settle_roles

    for w, role in (("重点任务", "content"), ("具体措施", "content"), ("工作举措", "content"), ("领域", "category"),
                    ("责任单位", "lead"), ("牵头部门", "lead"), ("配合部门", "participants"),
                    ("协同单位", "participants"), ("责任单位（排在第一位的为牵头单位）", "lead"),
                    ("任务类型", "kind"), ("完成时限", None), ("时间节点", None)):
        assert header_role(w) == table.header_role(w) == boxtext.header_field(w) == role, w
    # 重点任务 is the category when another column is the content
    assert settle_roles({0: "重点任务", 1: "序号", 2: "具体措施", 3: "牵头单位"}) == {
        0: "category", 1: "number", 2: "content", 3: "lead"}
    assert settle_roles({0: "序号", 1: "重点任务", 2: "牵头单位"}) == {0: "number", 1: "content", 2: "lead"}
    assert parse_columns("content=具体措施，lead＝牵头单位") == {"content": "具体措施", "lead": "牵头单位"}


if __name__ == "__main__":  # regenerate the golden files (then review every one by hand)
    import tempfile

    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        for name, (build, kw) in FAMILIES.items():
            data, codes = plan_data(build(Path(d)), **kw)
            (GOLDEN / f"{name}.json").write_text(
                json.dumps({"plan": data, "warnings": codes}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print("wrote", GOLDEN / f"{name}.json", file=sys.stderr)
