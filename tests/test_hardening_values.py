"""Hardening round two (issue 9): numbers that are not numbers, characters XML cannot hold, and
strict JSON. Each bad return is rejected (exit 1, a problem naming file, sheet and cell, no
traceback, nothing stored but its ``received`` row); text with control characters is stored
without them (a warning), and then every writer (bulletin, report) takes it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.collecting import base, collect, copy_ws, invoke, normalised_dump, tpl, values  # noqa: F401

from tracker.cli import main

UNIT = "市工商局"  # leads 2007-020, which has the target 全市注册商标总量
TARGET = ("2007-020", "全市注册商标总量")


def strict_loads(text: str):
    """json.loads that refuses NaN, Infinity and -Infinity (not JSON)."""
    def bad(name):
        raise ValueError(f"not JSON: {name}")
    return json.loads(text, parse_constant=bad)


def patch(path: Path, out: Path, replace: dict[bytes, bytes]) -> Path:
    """The workbook with byte strings replaced inside its XML parts (what openpyxl refuses to write:
    NaN, inf, control characters as Excel's _x0001_ escapes)."""
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            for old, new in replace.items():
                data = data.replace(old, new)
            zout.writestr(info, data)
    return out


@pytest.fixture
def ws(base, tmp_path):  # noqa: F811
    return copy_ws(base, tmp_path / "ws")


def stored(ws) -> dict:
    d = normalised_dump(ws)
    d.pop("received")  # every file received is recorded, by design
    return d


@pytest.mark.parametrize("progress, actual, codes", [
    (b"NaN", b"120000", {"progress-not-number"}),
    (b"77", b"inf", {"target-not-number"}),
    (b"77", b"NaN", {"target-not-number"}),
    (b"77", b"-inf", {"target-not-number"}),
    (b"1e400", b"1e300", {"progress-not-number", "target-not-number"}),
])
def test_nan_inf_and_numbers_that_do_not_fit_are_cell_problems(ws, tmp_path, progress, actual, codes):
    v = values(ws, UNIT)
    v["2007-020"]["progress"] = 54321
    good = tmp_path / "good.xlsx"
    from support.filling import fill

    fill(tpl(ws, UNIT), v, targets={TARGET: {"actual": 98765}}, out=good)
    bad = patch(good, tmp_path / "bad.xlsx", {b"<v>54321</v>": b"<v>" + progress + b"</v>",
                                               b"<v>98765</v>": b"<v>" + actual + b"</v>"})
    before = stored(ws)
    code, res = collect(ws, bad)
    assert code == 1 and res["accepted"] == []
    probs = res["rejected"][0]["problems"]
    found = {p["code"] for p in probs if p["severity"] == "error"}
    assert found == codes, probs
    for p in probs:
        assert p["sheet"] in ("任务填报", "指标填报") and p["cell"], p
    assert stored(ws) == before
    r = invoke(ws, "returns", "2007Q1", "--json")
    assert r.exit_code == 0 and strict_loads(r.stdout) == {"rows": []}


@pytest.mark.slow
def test_a_fitting_actual_is_accepted_and_json_stays_strict(ws, tmp_path):
    from support.filling import fill

    f = fill(tpl(ws, UNIT), values(ws, UNIT), targets={TARGET: {"actual": 1e15}}, out=tmp_path / "ok.xlsx")
    code, res = collect(ws, f)
    assert code == 0, res
    rows = strict_loads(invoke(ws, "returns", "2007Q1", "--json").stdout)["rows"]
    assert [t["actual"] for r in rows for t in r["targets"] if t["metric"] == TARGET[1]] == [1e15]
    r = invoke(ws, "report", "2007", "--as-of", "2008-01-20", "--json")  # it ended in OverflowError on inf
    assert r.exit_code == 0, r.output
    strict_loads(r.stdout)


def test_a_non_finite_number_already_in_the_store_is_printed_as_null(ws, tmp_path):
    """A store written before these checks may hold inf: JSON output stays strict (null)."""
    from sqlalchemy import update
    from support.filling import fill

    from tracker.store import return_targets

    f = fill(tpl(ws, UNIT), values(ws, UNIT), targets={TARGET: {"actual": 5}}, out=tmp_path / "ok.xlsx")
    assert collect(ws, f)[0] == 0
    st = ws.store()
    with st.begin() as conn:
        conn.execute(update(return_targets).values(actual=float("inf")))
    st.close()
    r = invoke(ws, "returns", "2007Q1", "--json")
    assert r.exit_code == 0, r.output
    got = [t["actual"] for row in strict_loads(r.stdout)["rows"] for t in row["targets"]]
    assert got and set(got) == {None}


BAD_TEXT = "第一段_x0001_文字_x000B_里有_x001F_控制字符\ufffe和_x0000_空字符"


@pytest.mark.slow
def test_control_characters_in_a_return_are_removed_with_a_warning_and_writers_take_it(ws, tmp_path):
    from support.filling import fill

    v = values(ws, UNIT)
    v["2007-020"]["done"] = "MARKDONE"
    v["2007-020"]["problems"] = "MARKPROB"
    good = fill(tpl(ws, UNIT), v, targets={TARGET: {"actual": 5, "note": "MARKNOTE"}}, out=tmp_path / "g.xlsx")
    enc = BAD_TEXT.encode("utf-8")
    bad = patch(good, tmp_path / "ctl.xlsx", {b"MARKDONE": enc, b"MARKPROB": enc, b"MARKNOTE": enc})
    code, res = collect(ws, bad)
    assert code == 0, res
    warns = [p for p in res["accepted"][0]["warnings"] if p["code"] == "text-control-chars"]
    assert {(p["sheet"], p["cell"][0]) for p in warns} == {("任务填报", "I"), ("任务填报", "J"), ("指标填报", "E")}
    rows = strict_loads(invoke(ws, "returns", "2007Q1", "--json").stdout)["rows"]
    row = next(r for r in rows if r["item"] == "2007-020")
    clean = "第一段文字里有控制字符和空字符"
    assert row["done"] == clean and row["problems"] == clean and row["targets"][0]["note"] == clean
    for args in (["bulletin", "2007Q1"], ["report", "2007", "--as-of", "2008-01-20"]):
        r = invoke(ws, *args)
        assert r.exit_code == 0, r.output
        assert "Traceback" not in r.output
    import docx

    text = "\n".join(p.text for d in (ws.root / "reports").rglob("*.docx") for p in docx.Document(d).paragraphs)
    assert text  # the Word files open


def test_control_characters_in_a_plan_are_removed_with_a_warning(workspace, tmp_path):
    csv = tmp_path / "plan.csv"
    csv.write_text("类号,项目分类,序号,工作内容,负责单位,参与单位\n"
                   "一,建立\x01机制,1,制定\x0b知识产权\ufffe战略\x02纲要,市知识产权局\x1f,市科技局\n"
                   "一,建立机制,2,开展宣传,市科技局,\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["plan", "import", str(csv), "--year", "2007", "--json", "-w", str(workspace.root)])
    assert r.exit_code == 0, r.output
    warns = [w for w in strict_loads(r.stdout)["warnings"] if w["code"] == "text-control-chars"]
    assert len(warns) == 3 and all(w["file"] == "plan.csv" and w["row"] == 2 for w in warns), warns
    plan = strict_loads(CliRunner().invoke(main, ["plan", "show", "--json", "-w", str(workspace.root)]).stdout)
    text = json.dumps(plan, ensure_ascii=False)
    assert "制定知识产权战略纲要" in text and "建立机制" in text and "\\u0001" not in text and "\\u000b" not in text
    r = CliRunner().invoke(main, ["templates", "2007Q1", "-w", str(workspace.root)])
    assert r.exit_code == 0, r.output


def test_xml_safe_is_the_one_sanitiser():
    from tracker.safety import xml_safe

    s = "a\x00b\x08c\x0bd\x0ce\x0ef\x1fg\ufffeh\uffffi\ud800j\tk\nl\rm"
    assert xml_safe(s) == ("abcdefghij\tk\nl\rm", 9)
    assert xml_safe("普通文字 80%") == ("普通文字 80%", 0)


# -- names ------------------------------------------------------------------------------------------
HOSTILE_UNITS = ["市<知识>产权局", "市:知识产权局", '市"知识"产权局', "市|知识?产权*局", "市\\知识/产权局",
                 "市知识产权局..", "CON", "con", "NUL.局", "COM1", "..", "单位. ", "市" + "知识产权" * 30 + "局",
                 "市" + "知识产权" * 30 + "处"]


def test_every_name_is_valid_short_and_distinct():
    from tracker.files import MAX_NAME_BYTES, MAX_NAME_CHARS, safe_file_name
    from tracker.templates import template_names

    names = template_names("2007Q1", HOSTILE_UNITS + ["越秀区政府"])
    assert names["越秀区政府"] == "2007Q1-越秀区政府.xlsx"
    assert len({n.casefold() for n in names.values()}) == len(names)  # distinct, even on Windows
    for n in [*names.values(), *(safe_file_name(u, tail="-0123abcd-回执", suffix=".txt") for u in HOSTILE_UNITS)]:
        assert len(n) <= MAX_NAME_CHARS and len(n.encode()) <= MAX_NAME_BYTES, n
        assert not set(n) & set('<>:"/\\|?*') and ".." not in n and not n.endswith((".", " ")), n
        assert n.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL", "COM1", "LPT1"), n


def test_templates_and_receipts_for_names_the_filesystem_refuses(tmp_path):
    """Units named with < > : " | ? * \\ .. or CON, or over 80 characters, each get their own
    template (the full name inside it); a return whose file name is 75 Chinese characters gets its
    receipt."""
    import openpyxl
    from support.filling import distinct_values, fill, template_rows

    from tracker.model import Item, Plan
    from tracker.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    items = [Item(id=f"2007-{i + 1:03d}", number=i + 1, content=f"任务{i + 1}", lead=[u], lead_raw=u)
             for i, u in enumerate(HOSTILE_UNITS)]
    st = ws.store()
    st.save_plan(Plan(name="测试计划", year=2007, items=items, source="test"))
    st.close()
    r = CliRunner().invoke(main, ["templates", "2007Q1", "--json", "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    files = strict_loads(r.stdout)["files"]
    assert len({f["file"] for f in files}) == len(HOSTILE_UNITS) == len(list((ws.outbox / "2007Q1").iterdir()))
    for f in files:
        wb = openpyxl.load_workbook(f["file"])
        assert f["unit"] in [c.value for row in wb["填报说明"].iter_rows() for c in row]  # the full name inside
    long_unit = HOSTILE_UNITS[-2]
    tpl_path = next(Path(f["file"]) for f in files if f["unit"] == long_unit)
    name = "关于报送二〇〇七年第一季度创建国家知识产权示范城市工作任务进展情况的函" * 3
    typed = {r["item"]: distinct_values(0, k) for k, r in enumerate(template_rows(tpl_path))}
    sent = fill(tpl_path, typed, out=tmp_path / f"{name[:75]}.xlsx")
    r = CliRunner().invoke(main, ["collect", str(sent), "--received", "2007-04-08", "--json", "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    receipt = Path(strict_loads(r.stdout)["accepted"][0]["receipt"])
    assert receipt.exists() and len(receipt.name) <= 100
    assert name[:75] in receipt.read_bytes().decode("utf-8-sig")  # the full file name inside


# -- encodings --------------------------------------------------------------------------------------
PLAN_CSV = "类号,项目分类,序号,工作内容,负责单位\r\n一,建立机制,1,制定知识产权战略纲要,市知识产权局\r\n"


@pytest.mark.parametrize("name, data, reason", [
    ("utf16_cut.csv", PLAN_CSV.encode("utf-16")[:-1], "截断"),
    ("utf16be_cut.csv", b"\xfe\xff" + PLAN_CSV.encode("utf-16-be")[:-1], "截断"),
    ("utf16_lone_surrogate.csv", PLAN_CSV.encode("utf-16") + b"\x00\xd8\x41\x00", "无效"),
    ("bom_then_gbk.csv", b"\xef\xbb\xbf" + PLAN_CSV.encode("gbk"), "UTF-8 标记"),
    ("cp1252.csv", "No,Name\r\nCafé,€ “quoted”\r\n".encode("cp1252"), "Windows-1252"),
])
def test_every_decoding_failure_is_a_problem_naming_file_and_reason(workspace, tmp_path, name, data, reason):
    f = tmp_path / name
    f.write_bytes(data)
    st = workspace.store()
    before = st.dump()
    st.close()
    r = CliRunner().invoke(main, ["plan", "import", str(f), "--year", "2007", "-w", str(workspace.root)])
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    assert f"文件 {name}" in r.output and reason in r.output, r.output
    assert "(unknown-encoding)" not in r.output  # the code only with -v (issue 14)
    r = CliRunner().invoke(main, ["-v", "plan", "import", str(f), "--year", "2007", "-w", str(workspace.root)])
    assert r.exit_code == 1 and "(unknown-encoding)" in r.output, r.output
    st = workspace.store()
    assert st.dump() == before
    st.close()


def test_one_encoding_policy_for_the_guard_and_the_importers():
    from tracker.detect import Detected, decode_text
    from tracker.importers.base import source_text
    from tracker.problems import InputError
    from tracker.safety import text_problems

    def importer_decode(data, file="a.csv"):  # as every text importer reads (tracker.importers.base)
        return source_text(Detected(file, "text", data))

    for data in (PLAN_CSV.encode("utf-16")[:-1], b"\xef\xbb\xbf" + PLAN_CSV.encode("gbk"), "Café €".encode("cp1252")):
        assert [p.code for p in text_problems(data, "a.csv")] == ["unknown-encoding"]
        for decode in (decode_text, importer_decode):
            with pytest.raises(InputError):
                decode(data, "a.csv")
    for enc in ("utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"):
        assert importer_decode(PLAN_CSV.encode(enc)).lstrip("\ufeff") == PLAN_CSV
        assert text_problems(PLAN_CSV.encode(enc), "a.csv") == []
