"""English output (``--lang en`` / ``[office] language = "en"``) of tracker report, bulletin, remind
and status, read back with python-docx, openpyxl and as text.

The check that nothing was left untranslated: every run of Chinese characters in an English output
must lie inside a data string of the plan or the workspace (a unit name, category, item content,
target wording, plan or office name, what a unit wrote, a file name). Chinese stays the default
and unchanged: the default, ``--lang zh`` and (with ``[office] language = "zh"``) the configured
outputs are the same files; tests/test_report.py, test_bulletin.py and test_status.py hold the
Chinese expectations and run unchanged.
"""

from __future__ import annotations

import ast
import hashlib
import io
import re
import string
import warnings
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from support.report_data import AS_OF, make_workspace
from support.scoring_data import REGISTRY, failing_rows, passing_rows, small_assignments, small_plan
from support.status_data import with_sample_returns

from tracker import i18n
from tracker.cli import main
from tracker.i18n import EN_CATALOG, tr

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
CHINESE_FILE_WORDS = ["检查验收报告", "检查验收汇总", "季度通报", "催报名单"]  # file names stay Chinese


# -- helpers ---------------------------------------------------------------------------------------
def data_strings(ws) -> list[str]:
    """Every piece of data of the workspace that an output may quote: plan, units, returns, config."""
    from sqlalchemy import select

    from tracker.assignments import assign
    from tracker.store import return_rows
    from tracker.units import Registry

    config = ws.config()
    store = ws.store()
    try:
        out = list(CHINESE_FILE_WORDS)
        for p in store.list_plans():
            plan = store.load_plan(year=p["year"])
            out.append(plan.name or "")
            for it in plan.items:
                out += [it.content, it.category, it.category_no, it.lead_raw, it.participants_raw,
                        *it.lead, *it.participants]
                for t in it.targets:
                    out += [t.text, t.metric, t.unit or "", t.describe()]
            a = assign(plan, Registry.from_config(config))
            out += list(a.units) + list(a.unexpandable) + list(a.via.values())
        with store.read() as conn:
            for done, problems, nxt in conn.execute(select(return_rows.c.done, return_rows.c.problems,
                                                           return_rows.c.next)):
                out += [done or "", problems or "", nxt or ""]
    finally:
        store.close()
    office = config.get("office") or {}
    out += [str(office.get(k) or "") for k in ("name", "contact", "phone", "email")]
    return [s for s in out if s]


def untranslated(text: str, data: list[str]) -> list[str]:
    """The runs of Chinese in ``text`` that are not inside any data string."""
    return sorted({run for run in CJK.findall(text) if not any(run in d for d in data)})


def docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    parts.append(doc.core_properties.title or "")
    return "\n".join(parts)


def xlsx_text(path) -> str:
    wb = openpyxl.load_workbook(path)
    parts = list(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            parts += [str(v) for v in row if v is not None]
    return "\n".join(parts)


def html_text(path) -> str:
    """The page without its <style> (font names such as 微软雅黑) and inline SVG (drawn paths)."""
    html = Path(path).read_text(encoding="utf-8")
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<svg.*?</svg>", "", html, flags=re.S)


def same_content(a: Path, b: Path) -> bool:
    """Two written files are the same apart from their creation time (docProps) or font subset."""
    if a.suffix in (".docx", ".xlsx"):
        def parts(p):
            with zipfile.ZipFile(p) as z:
                return {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()
                        if not n.startswith("docProps/")}
        return parts(a) == parts(b)
    if a.suffix == ".html":
        def strip(p):
            return re.sub(r"base64,[^)]*\)", "B64)", p.read_text(encoding="utf-8"))
        return strip(a) == strip(b)
    return a.read_bytes() == b.read_bytes()


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def set_language(ws, lang: str) -> None:
    text = ws.config_path.read_text(encoding="utf-8")
    assert 'language = "zh"' in text
    ws.config_path.write_text(text.replace('language = "zh"', f'language = "{lang}"'), encoding="utf-8")


# -- the year-end report ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def failing_ws(tmp_path_factory):
    root = tmp_path_factory.mktemp("i18n-report")
    return make_workspace(root / "ws", small_plan(), failing_rows(), REGISTRY)


@pytest.fixture(scope="module")
def report_en(failing_ws, tmp_path_factory):
    out = tmp_path_factory.mktemp("report-en")
    r = run("report", 2007, "-w", failing_ws.root, "-o", out, "--as-of", AS_OF, "--lang", "en")
    assert r.exit_code == 0, r.output
    return out, r.stdout


def test_report_summary_in_english(report_en, failing_ws):
    out, text = report_en
    lines = text.splitlines()
    assert lines[0] == "Year-end inspection 2007: Not passed"
    assert re.match(r"  Work completion [\d.]+% \(required ≥ 80%\), score [\d.]+ \(required ≥ 60\)$", lines[1])
    assert lines[2].startswith("  Mandatory items completed: 0 of 1; targets met: ")
    assert re.search(r"Reason not passed: Work completion [\d.]+% is below the required 80%$", text, re.M)
    assert "Reason not passed: Mandatory items not completed: item 1 (60%)\n" in text  # no rule code on screen
    assert f"  Inspection report: {out / '2007-检查验收报告.docx'}" in lines
    assert untranslated(text, data_strings(failing_ws)) == []


def test_report_docx_in_english(report_en, failing_ws):
    out, _ = report_en
    path = out / "2007-检查验收报告.docx"  # file names stay as they are
    doc = Document(str(path))
    paras = [p.text for p in doc.paragraphs if p.text.strip()]
    assert paras[0] == "Year-end inspection report 2007"
    assert paras[-2:] == ["Leading Group Office", "1 March 2008"]  # the default office name; as-of date
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["1. Overview", "2. Inspection conclusion", "3. Completion by category",
                        "4. Completion by unit", "5. Lagging items", "6. Quantitative targets",
                        "7. Returns", "8. Progress by quarter"]
    conclusion = next(p for p in paras if p.startswith("Inspection conclusion: "))
    assert "Result: not passed. Reasons: 1. Work completion " in conclusion
    assert "2. Mandatory items not completed: item 1 (60%)." in conclusion
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert tables[0][0] == ["No.", "Category", "Items", "Completed", "Completion (%)", "Score / points"]
    assert tables[0][1][:2] == ["一", "建立健全管理体系"]  # data stays as written
    assert tables[1][0] == ["Unit", "Items led", "Completed", "Completion (%)", "On time", "Late", "Missing"]
    assert tables[2][0] == ["No.", "Work item", "Lead units not finished (progress)", "Completion (%)", "Status"]
    assert {row[4] for row in tables[2][1:]} <= {"Behind", "Warning"}
    assert tables[3][0] == ["No.", "Target", "Goal", "Actual", "Met"]
    assert "Figure 1. Completion by category" in paras
    assert untranslated(docx_text(path), data_strings(failing_ws)) == []
    # English words in a Latin face, the Chinese data still in 宋体 (w:eastAsia)
    from docx.oxml.ns import qn
    run_ = next(r for r in doc.tables[0].rows[1].cells[1].paragraphs[0].runs if r.text)
    fonts = run_._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体" and fonts.get(qn("w:ascii")) == "Times New Roman"


def test_report_xlsx_in_english(report_en, failing_ws):
    out, _ = report_en
    path = out / "2007-检查验收汇总.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Overview", "Categories", "Units", "Items", "Targets", "Returns"]
    ov = wb["Overview"]
    assert ov["A1"].value == "Year-end inspection summary 2007"
    rows = {r[0]: r[1] for r in ov.iter_rows(min_row=3, values_only=True)}
    assert ov["A2"].value == "Measure" and ov["B2"].value == "Value"
    assert rows["Inspection conclusion"] == "Not passed"
    assert rows["Every mandatory item must be completed"] == "Yes"
    assert rows["Plan"] == "2007年测试分解表"
    assert rows["Reason not passed"].endswith("(mandatory-incomplete)")
    assert [c.value for c in wb["Returns"][3]][:5] == ["Unit", "Q1", "Q2", "Q3", "Q4"]
    assert {c.value.split(" ")[0] for c in wb["Returns"]["B"][3:]} <= {"On", "Late", "Missing"}
    assert [c.value for c in wb["Targets"][3]] == ["Item ID", "No.", "Target (as written)", "Metric", "Goal",
                                                    "Actual", "Unit of measure", "Met", "Reported by lead units"]
    assert [c.value for c in wb["Items"][2]][:3] == ["Item ID", "No.", "Category no."]
    assert untranslated(xlsx_text(path), data_strings(failing_ws)) == []


def test_report_dashboard_in_english(report_en, failing_ws):
    out, _ = report_en
    path = out / "2007-dashboard.html"
    html = path.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "<title>Year-end inspection report 2007</title>" in html
    for label in ("Work completion", "Score", "Not passed", "Lagging items", "Quantitative targets",
                  "Completion and returns by unit", "Completion by category"):
        assert label in html, label
    assert re.search(r"<td class=\"c (red|yellow)\">(Behind|Warning)</td>", html)
    assert untranslated(html_text(path), data_strings(failing_ws)) == []


@pytest.mark.slow
def test_report_charts_in_english_keep_chinese_data_in_the_cjk_font(failing_ws, tmp_path):
    """Every text on the four charts is English apart from the data (unit and category names), and
    drawing them with the CJK font misses no glyph."""
    from tracker.reports.inspection import charts
    from tracker.reports.inspection.data import gather

    data = gather(failing_ws, 2007, date.fromisoformat(AS_OF))
    font = charts.setup_font(None)
    texts = {}
    import matplotlib
    from matplotlib.text import Text

    with matplotlib.rc_context(charts.font_rc(font)), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, (draw, _) in charts.CHARTS.items():
            fig = draw(data, lang="en")
            fig.savefig(io.BytesIO(), format="png")  # rendered: a missing glyph would warn here
            texts[name] = "\n".join(t.get_text() for t in fig.findobj(Text))
    assert not [w for w in caught if "missing from" in str(w.message)]
    assert "Completion by category, 2007" in texts["category"]
    assert "Pass line 80%" in texts["trend"] and "Q1" in texts["trend"] and "Expected progress" in texts["trend"]
    assert "On time" in texts["heatmap"] and "Missing" in texts["heatmap"]
    assert "天河区政府" in texts["units"] + texts["heatmap"]  # unit names are data: still Chinese
    data_ = data_strings(failing_ws)
    for name, text in texts.items():
        assert untranslated(text, data_) == [], name
    written = charts.write_charts(data, tmp_path, font=font, lang="en")
    assert written["category"]["title"] == "Completion by category"
    assert written["category"]["png"].name == "2007-category.png"


@pytest.mark.slow
def test_report_chinese_is_the_default_and_the_same(failing_ws, tmp_path):
    """No option, --lang zh, and [office] language = "zh": the same Chinese files."""
    a, b = tmp_path / "default", tmp_path / "zh"
    ra = run("report", 2007, "-w", failing_ws.root, "-o", a, "--as-of", AS_OF)
    rb = run("report", 2007, "-w", failing_ws.root, "-o", b, "--as-of", AS_OF, "--lang", "zh")
    assert ra.exit_code == 0 and rb.exit_code == 0
    assert ra.output.replace(str(a), "OUT") == rb.output.replace(str(b), "OUT")
    assert ra.stdout.startswith("2007 年度检查验收: 未通过")
    for name in ("2007-检查验收报告.docx", "2007-检查验收汇总.xlsx", "2007-dashboard.html",
                 "charts/2007-category.svg", "charts/2007-units.png", "charts/2007-heatmap.svg"):
        assert same_content(a / name, b / name), name
    assert Document(str(a / "2007-检查验收报告.docx")).paragraphs[0].text == "2007年度工作分解任务检查验收报告"
    assert openpyxl.load_workbook(a / "2007-检查验收汇总.xlsx").sheetnames[0] == "总体"


@pytest.mark.slow
def test_report_language_from_the_workspace_configuration(tmp_path):
    ws = make_workspace(tmp_path / "ws", small_plan(), passing_rows(), REGISTRY)
    set_language(ws, "en")
    a, b, c = tmp_path / "conf", tmp_path / "en", tmp_path / "zh"
    ra = run("report", 2007, "-w", ws.root, "-o", a, "--as-of", AS_OF)
    rb = run("report", 2007, "-w", ws.root, "-o", b, "--as-of", AS_OF, "--lang", "en")
    rc = run("report", 2007, "-w", ws.root, "-o", c, "--as-of", AS_OF, "--lang", "zh")
    assert ra.exit_code == rb.exit_code == rc.exit_code == 0
    assert ra.stdout.startswith("Year-end inspection 2007: Passed")
    assert ra.output.replace(str(a), "OUT") == rb.output.replace(str(b), "OUT")
    for name in ("2007-检查验收报告.docx", "2007-检查验收汇总.xlsx", "2007-dashboard.html"):
        assert same_content(a / name, b / name), name
    assert rc.stdout.startswith("2007 年度检查验收: 通过")  # the option beats the configuration
    assert Document(str(c / "2007-检查验收报告.docx")).paragraphs[0].text == "2007年度工作分解任务检查验收报告"
    # the JSON is for programs: the same in both languages
    ja, jc = (run("report", 2007, "-w", ws.root, "-o", d, "--as-of", AS_OF, "--json", "--lang", lang)
              for d, lang in ((tmp_path / "j1", "en"), (tmp_path / "j2", "zh")))
    import json

    da, dc = json.loads(ja.output), json.loads(jc.output)
    for d in (da, dc):
        d.pop("files"), d.pop("charts")
    assert da == dc


def test_bad_language_is_a_usage_error(tmp_path):
    ws = make_workspace(tmp_path / "ws", small_plan(), passing_rows(), REGISTRY)
    r = run("report", 2007, "-w", ws.root, "-o", tmp_path / "o", "--lang", "fr")
    assert r.exit_code == 2 and "fr" in r.output
    set_language(ws, "fr")
    r = run("status", "2007Q1", "-w", ws.root)
    assert r.exit_code == 2 and "[office] language" in r.output


def test_rule_messages_in_english_from_the_scoring_rules():
    """Each failed rule tracker.scoring can give (its message is Chinese) has its English."""
    from tracker.reports.inspection.text import rule_message
    from tracker.scoring import ScoringConfig, score_plan

    cfg = ScoringConfig.from_config({"scoring": {"pass_score": 95}})
    card = score_plan(small_plan(), small_assignments().leads, failing_rows(), cfg)
    got = {f.code: rule_message({"code": f.code, "message": f.message}, "en") for f in card.failed_rules}
    assert set(got) == {"completion-below", "score-below", "mandatory-incomplete"}
    assert re.fullmatch(r"Work completion [\d.]+% is below the required 80%", got["completion-below"])
    assert re.fullmatch(r"Score [\d.]+ is below the required 95", got["score-below"])
    assert got["mandatory-incomplete"] == "Mandatory items not completed: item 1 (60%)"
    for f in card.failed_rules:
        assert rule_message({"code": f.code, "message": f.message}, "zh") == f.message


# -- status, remind, bulletin ----------------------------------------------------------------------
@pytest.fixture
def period_ws(workspace):
    text = workspace.config_path.read_text(encoding="utf-8")
    workspace.config_path.write_text(text.replace('contact = ""', 'contact = "王小明"')
                                     .replace('phone = ""', 'phone = "020-12345678"'), encoding="utf-8")
    return with_sample_returns(workspace)


def test_status_in_english(period_ws):
    r = run("status", "2007Q1", "-w", period_ws.root, "--lang", "en")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "Q1 2007 (2007Q1) returns and progress   due date 2007-04-10   expected progress 25%"
    assert lines[1] == "Plan: 测试计划 (version 1)"
    assert "Units reported: 3 (expected 5; on time 2, late 1); not reported: 2." in lines
    assert "  2007-04-15 [5 days late] 1 unit: 市科技局" in lines
    assert "  2007-04-08 1 unit: 市知识产权局 (1 correction, latest 2007-04-12)" in lines
    assert "Not reported (2): 天河区政府, 市财政局" in lines
    assert "Lights: on track 2, warning 1, behind 2" in lines
    assert "Lagging items:" in lines
    assert any(line.endswith("progress Not reported  Not started") for line in lines)
    assert any(line.endswith("progress 10%  Cannot be completed on time") for line in lines)
    assert untranslated(r.output, data_strings(period_ws)) == []


def test_status_chinese_default_same_as_zh_and_configured_en(period_ws):
    a = run("status", "2007Q1", "-w", period_ws.root)
    b = run("status", "2007Q1", "-w", period_ws.root, "--lang", "zh")
    assert a.exit_code == 0 and a.output == b.output and "逾期 5 天" in a.output
    set_language(period_ws, "en")
    c = run("status", "2007Q1", "-w", period_ws.root)
    d = run("status", "2007Q1", "-w", period_ws.root, "--lang", "en")
    assert c.output == d.output and c.output.startswith("Q1 2007 (2007Q1)")
    assert run("status", "2007Q1", "-w", period_ws.root, "--lang", "zh").output == a.output


def test_remind_in_english(period_ws, tmp_path):
    r = run("remind", "2007Q1", "-w", period_ws.root, "-o", tmp_path / "r.xlsx", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert r.output.strip() == f"Reminder list written to {tmp_path / 'r.xlsx'}  (2 units not reported)"
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["Reminder list"]
    ws = wb["Reminder list"]
    assert ws["A1"].value == "Reminder list: units that have not reported progress, Q1 2007"
    assert ws["A2"].value.startswith("Due date: 2007-04-10    Units not reported: 2    Prepared by "
                                     "Leading Group Office on ")
    assert ws["A3"].value == "Please submit your return as soon as possible.   Contact: 王小明   Phone: 020-12345678"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert rows[0] == ["No.", "Unit", "Role of the unit", "Item ID", "Item no.", "Work item", "Due date",
                       "Contact", "Phone", "Email"]
    assert rows[1][:3] == [1, "天河区政府", "Lead"]
    assert {row[2] for row in rows[1:]} == {"Lead", "Participant"}
    assert untranslated(xlsx_text(tmp_path / "r.xlsx"), data_strings(period_ws)) == []


def test_bulletin_in_english(period_ws, tmp_path):
    r = run("bulletin", "2007Q1", "-w", period_ws.root, "-o", tmp_path, "--lang", "en")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0].startswith("Written: ")
    xlsx, docx_path = tmp_path / "2007Q1-季度通报.xlsx", tmp_path / "2007Q1-季度通报.docx"
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Returns", "By category", "Lagging items", "All items"]
    ret = wb["Returns"]
    assert ret["A1"].value == "Returns, Q1 2007"
    assert ret["A2"].value.startswith("Due date 2007-04-10. Units due to report this quarter: 5. ")
    assert [c.value for c in ret[3]] == ["No.", "Unit", "Date received", "Return"]
    assert [row[3] for row in ret.iter_rows(min_row=4, values_only=True)] == [
        "On time", "On time", "5 days late", "Not reported", "Not reported"]
    assert [c.value for c in wb["By category"][3]] == ["No.", "Category", "Items", "Mean completion (%)",
                                                       "On track", "Warning", "Behind"]
    assert [c.value for c in wb["All items"][3]][-2:] == ["Progress status", "Light"]
    doc = Document(str(docx_path))
    paras = [p.text for p in doc.paragraphs if p.text.strip()]
    assert paras[0] == "Quarterly bulletin on work plan progress, Q1 2007"
    assert paras[1] == "To all responsible units:"
    assert ["1. Returns", "2. Progress by category", "3. Lagging items"] == [
        p for p in paras if re.match(r"\d\. ", p)]
    dated = paras[paras.index("Annex") - 1]
    assert re.fullmatch(r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
                        r"November|December) 20\d\d", dated)
    assert paras[paras.index("Annex") + 1] == "Returns by unit, Q1 2007"
    red = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert red[0] == ["No.", "Work item", "Lead units", "Progress (%)", "Progress status", "Problems reported"]
    assert ["4", "市财政设立专项资金", "市财政局", "Not reported", "Not reported", ""] in red
    data = data_strings(period_ws)
    assert untranslated(docx_text(docx_path), data) == []
    assert untranslated(xlsx_text(xlsx), data) == []


def test_bulletin_and_remind_chinese_default_unchanged(period_ws, tmp_path):
    for lang_args, sub in (([], "default"), (["--lang", "zh"], "zh")):
        r = run("bulletin", "2007Q1", "-w", period_ws.root, "-o", tmp_path / sub, *lang_args)
        assert r.exit_code == 0 and r.output.startswith("已写入 ")
        r = run("remind", "2007Q1", "-w", period_ws.root, "-o", tmp_path / sub / "r.xlsx", *lang_args)
        assert r.exit_code == 0 and r.output.startswith("催报名单已写入 ")
    for name in ("2007Q1-季度通报.xlsx", "2007Q1-季度通报.docx", "r.xlsx"):
        assert same_content(tmp_path / "default" / name, tmp_path / "zh" / name), name
    assert openpyxl.load_workbook(tmp_path / "default" / "r.xlsx").sheetnames == ["催报名单"]
    set_language(period_ws, "en")
    r = run("bulletin", "2007Q1", "-w", period_ws.root, "-o", tmp_path / "conf")
    assert r.exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "conf" / "2007Q1-季度通报.xlsx").sheetnames[0] == "Returns"


# -- the catalogue ---------------------------------------------------------------------------------
SOURCES = ["tracker/reports/inspection/text.py", "tracker/reports/inspection/data.py",
           "tracker/reports/inspection/docx.py", "tracker/reports/inspection/xlsx.py",
           "tracker/reports/inspection/dashboard.py", "tracker/reports/inspection/charts.py",
           "tracker/reports/bulletin.py", "tracker/reports/remind.py", "tracker/status.py", "tracker/cli.py"]


def fields(s: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(s) if name}


def literal_lookups() -> list[tuple[str, str, str]]:
    """(file, Chinese literal, ctx) of every tr("…")/t("…")/col("…")/Column(tr("…")) call in the code
    and every t('…') in the dashboard template."""
    found = []
    for rel in SOURCES:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ("tr", "t", "col"):
                continue
            ctx = next((k.value.value for k in node.keywords if k.arg == "ctx" and isinstance(k.value, ast.Constant)), "")
            found.append((rel, node.args[0].value, ctx))
    tpl = (ROOT / "tracker/data/dashboard.html.j2").read_text(encoding="utf-8")
    for m in re.finditer(r"\bt\('([^']*)'(?:,\s*ctx='(\w+)')?", tpl):
        found.append(("dashboard.html.j2", m.group(1), m.group(2) or ""))
    return found


def test_every_chinese_literal_looked_up_has_english():
    lookups = literal_lookups()
    assert len(lookups) > 200
    missing = [(f, s, c) for f, s, c in lookups if CJK.search(s) and not i18n.has(s, c) and not i18n.has(s)]
    assert missing == []


def test_catalogue_english_is_english_with_the_same_fields():
    for key, en in EN_CATALOG.items():
        assert not CJK.search(en), (key, en)
        m = re.fullmatch(r"([a-z]+)\|(.*)", key, flags=re.S)
        ctx, zh = (m.group(1), m.group(2)) if m else ("", key)
        if ctx != "rule":  # rule|code: made from a failed rule's code, no Chinese key
            assert fields(en) == fields(zh), (key, en)


def test_tr_and_helpers():
    assert tr("按时", "zh") == "按时" and tr("按时", "en") == "On time"
    assert tr("逾期{days}天", "zh", days=3) == "逾期3天"
    assert tr("逾期{days}天", "en", days=1) == "1 day late" and tr("逾期{days}天", "en", days=4) == "4 days late"
    assert tr("未报", "en") == "Missing" and tr("未报", "en", ctx="target") == "Not reported"
    assert tr("未报", "zh", ctx="target") == "未报"
    assert tr("不在目录里的中文", "en") == "不在目录里的中文"  # falls back, never fails
    assert i18n.period_label("2007Q3", "en") == "Q3 2007" and i18n.period_label("2007Q3") == "2007年第三季度"
    assert i18n.date_text(date(2008, 1, 5), "en") == "5 January 2008"
    assert i18n.date_text(date(2008, 1, 5)) == "2008年1月5日"
    assert i18n.resolve(None, {"office": {"language": "EN"}}) == "en"
    assert i18n.resolve("zh", {"office": {"language": "en"}}) == "zh"
    assert i18n.resolve(None, {}) == "zh" and i18n.resolve(None, None) == "zh"
    assert i18n.check_lang("en-GB") == "en"
    from tracker.problems import UsageError

    with pytest.raises(UsageError):
        i18n.check_lang("fr")
    assert i18n.note_text("未找到中文字体 … (No CJK font found: install it.)", "en") == "No CJK font found: install it."
