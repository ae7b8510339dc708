"""The year-end report: `tracker report YEAR` against the hand-worked plan of test_scoring.py, read back
from its JSON, its workbook (openpyxl, cell by cell) and its Word report (python-docx); the dashboard
is self-contained and renders in headless Chromium; the docx converts to PDF with LibreOffice; the
charts draw Chinese with no missing glyph.

Run ``python tests/test_report.py docs`` to regenerate the pictures in docs/ from a Guangzhou-like
year (the seed decomposition table, 12 districts, seeded simulated returns).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import uuid
import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.report_data import AS_OF, insert_return, insert_rows, make_workspace  # noqa: F401
from support.scoring_data import REGISTRY, failing_rows, passing_rows, small_plan

from tracker.cli import main
from tracker.workspace import init_workspace

ROOT = Path(__file__).resolve().parent.parent
SEED_004 = Path(__file__).resolve().parent / "fixtures" / "seeds" / "004_c7cde99564bde957.txt"


# -- helpers: a workspace with a plan and returns inserted straight into the store ------------------






def run_report(ws, out: Path, *args) -> dict:
    res = CliRunner().invoke(main, ["report", str(ws_year(ws)), "-w", str(ws.root), "-o", str(out),
                                    "--as-of", AS_OF, "--json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def ws_year(ws) -> int:
    return ws.store().list_plans()[-1]["year"]


@pytest.fixture(scope="module")
def passing(tmp_path_factory):
    root = tmp_path_factory.mktemp("passing")
    ws = make_workspace(root / "ws", small_plan(), passing_rows(), REGISTRY)
    out = root / "out"
    return ws, out, run_report(ws, out)


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    root = tmp_path_factory.mktemp("failing")
    ws = make_workspace(root / "ws", small_plan(), failing_rows(), REGISTRY)
    out = root / "out"
    return ws, out, run_report(ws, out)


# -- the JSON --------------------------------------------------------------------------------------
def test_json_has_the_hand_worked_figures(passing):
    _, out, d = passing
    # see test_scoring.test_passing_case_by_hand for the arithmetic
    assert (d["year"], d["completion"], d["score"], d["passed"], d["failed_rules"]) == (2007, 87.5, 82.5, True, [])
    assert [(c["category_no"], c["category"], c["items"], c["completion"]) for c in d["categories"]] == [
        ("一", "建立健全管理体系", 2, 80), ("二", "提高创造能力", 2, 95)]
    units = {u["unit"]: u for u in d["units"]}
    assert set(units) == {"市知识产权局", "越秀区政府", "天河区政府", "市科技局"}
    # 市知识产权局 leads 001 (100) and 003 (90): completion 95, one completed; 4 returns on time
    assert {k: units["市知识产权局"][k] for k in ("lead_items", "completed", "completion", "returns_on_time",
                                               "returns_late", "returns_missing")} == {
        "lead_items": 2, "completed": 1, "completion": 95, "returns_on_time": 4, "returns_late": 0,
        "returns_missing": 0}
    # 市科技局: Q2 received 2007-07-15, after the due date 2007-07-10 → late
    assert (units["市科技局"]["returns_on_time"], units["市科技局"]["returns_late"]) == (3, 1)
    assert units["市科技局"]["completion"] == 100 and units["市科技局"]["completed"] == 2
    # 天河区政府 never sent Q4 → missing; its Q3 60% is its figure
    assert (units["天河区政府"]["returns_missing"], units["天河区政府"]["completion"]) == (1, 60)
    assert d["targets"] == [
        {**d["targets"][0], "item": "2007-003", "metric": "全市年专利申请量增长", "op": ">=", "target": 16,
         "actual": 17, "met": True},
        {**d["targets"][1], "item": "2007-003", "metric": "建立知识产权工作站", "op": ">=", "target": 10,
         "actual": 8, "met": False}]
    # the quarterly trend ends at the year's figure; Q2 as worked out in test_scoring (45)
    assert [t["completion"] for t in d["trend"]][1:] == [45, pytest.approx(d["trend"][2]["completion"]), 87.5]
    assert set(d["files"]) == {"docx", "xlsx", "html"}
    assert all(Path(p).exists() for p in d["files"].values())
    assert Path(d["files"]["docx"]).name == "2007-检查验收报告.docx"


def test_json_of_the_failing_case(failing):
    _, _, d = failing
    assert (d["completion"], d["score"], d["passed"]) == (67.5, 62.5, False)
    assert [f["code"] for f in d["failed_rules"]] == ["completion-below", "mandatory-incomplete"]
    assert d["failed_rules"][0]["message"] == "工作完成度 67.5% 低于 80%"


def test_human_summary(tmp_path, passing):
    ws, _, _ = passing
    res = CliRunner().invoke(main, ["report", "2007", "-w", str(ws.root), "-o", str(tmp_path / "o"),
                                    "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == "2007 年度检查验收: 通过"  # the progress bar is on stderr
    assert "工作完成度 87.5% (要求 ≥ 80%), 评分 82.5 分 (要求 ≥ 60 分)" in res.output
    assert "2007-检查验收报告.docx" in res.output


def test_default_output_folder_and_missing_year(tmp_path, passing):
    ws, _, _ = passing
    res = CliRunner().invoke(main, ["report", "2007", "-w", str(ws.root), "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    assert (ws.root / "reports" / "2007" / "2007-检查验收汇总.xlsx").exists()
    res = CliRunner().invoke(main, ["report", "2010", "-w", str(ws.root)])
    assert res.exit_code == 2
    assert "没有 2010 年的计划" in res.output


def test_configured_weights_reach_the_report(tmp_path):
    ws = make_workspace(tmp_path / "ws", small_plan(), passing_rows(), REGISTRY)
    doc = ws.config_doc()
    doc["scoring"]["category_weights"]["一"] = 2
    ws.save_config_doc(doc)
    d = run_report(ws, tmp_path / "o")
    assert d["completion"] == 85  # (2×100 + 2×60 + 90 + 100) / 6, see test_scoring
    assert d["score"] == pytest.approx(81.67, abs=0.005)


def test_pending_quarter_is_not_missing(tmp_path, passing):
    ws, _, _ = passing
    res = CliRunner().invoke(main, ["report", "2007", "-w", str(ws.root), "-o", str(tmp_path / "o"),
                                    "--as-of", "2008-01-08", "--json"])
    d = json.loads(res.output)
    tianhe = next(u for u in d["units"] if u["unit"] == "天河区政府")
    assert (tianhe["returns_missing"], tianhe["returns_pending"]) == (0, 1)  # Q4 due 2008-01-10


# -- the workbook ----------------------------------------------------------------------------------
def _sheet_rows(wb, name):
    ws = wb[name]
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r[0] in ("项目", "类号", "单位", "任务编号"))
    return ws, header_at, rows


def test_xlsx_read_back(passing):
    import openpyxl

    _, out, _ = passing
    wb = openpyxl.load_workbook(out / "2007-检查验收汇总.xlsx")
    assert wb.sheetnames == ["总体", "分类", "单位", "任务明细", "指标", "报送情况"]
    ws, h, rows = _sheet_rows(wb, "总体")
    overall = {r[0]: r[1] for r in rows[h + 1:]}
    assert overall["年度"] == 2007
    assert overall["检查验收结论"] == "通过"
    assert overall["工作完成度(%)"] == 87.5
    assert overall["评分(分)"] == 82.5
    assert overall["合格要求: 工作完成度(%)"] == 80
    assert overall["合格要求: 评分(分)"] == 60
    assert overall["必做任务(已完成/总数)"] == "1/1"
    assert overall["量化指标(达标/总数)"] == "1/2"
    assert overall["报送: 未报(次)"] == 1 and overall["报送: 逾期(次)"] == 1
    assert "未通过原因" not in overall
    ws, h, rows = _sheet_rows(wb, "分类")
    assert list(rows[h]) == ["类号", "项目分类", "任务数", "已完成", "完成度(%)", "分值", "得分"]
    assert [list(r) for r in rows[h + 1:]] == [["一", "建立健全管理体系", 2, 1, 80, 50, 40],
                                               ["二", "提高创造能力", 2, 1, 95, 50, 42.5]]
    # print-ready: frozen header, filter, A4 landscape, header row repeated
    assert ws.freeze_panes == f"A{h + 2}"
    assert ws.auto_filter.ref.startswith(f"A{h + 1}:")
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${h + 1}:${h + 1}"
    # the returns sheet shows the missing Q4 of 天河区政府
    ws, h, rows = _sheet_rows(wb, "报送情况")
    tianhe = next(r for r in rows[h + 1:] if r[0] == "天河区政府")
    assert tianhe[4] == "未报" and tianhe[1].startswith("按时")


def test_xlsx_of_the_failing_case(failing):
    import openpyxl

    _, out, _ = failing
    wb = openpyxl.load_workbook(out / "2007-检查验收汇总.xlsx")
    _, h, rows = _sheet_rows(wb, "总体")
    pairs = [(r[0], r[1]) for r in rows[h + 1:]]
    assert ("检查验收结论", "未通过") in pairs
    reasons = [v for k, v in pairs if k == "未通过原因"]
    assert reasons == ["工作完成度 67.5% 低于 80% (completion-below)",
                       "必做任务未全部完成: 第1项(60%) (mandatory-incomplete)"]


def test_xlsx_text_that_looks_like_a_formula_stays_text(tmp_path):
    import openpyxl

    plan = small_plan()
    plan.items[0].lead = ["=HYPERLINK(\"x\")"]
    rows = [dict(r, unit="=HYPERLINK(\"x\")") if r["unit"] == "市知识产权局" else r for r in passing_rows()]
    ws = make_workspace(tmp_path / "ws", plan, rows, REGISTRY)
    run_report(ws, tmp_path / "o")
    wb = openpyxl.load_workbook(tmp_path / "o" / "2007-检查验收汇总.xlsx")
    cells = [c for r in wb["单位"].iter_rows() for c in r if c.value == "=HYPERLINK(\"x\")"]
    assert cells and all(c.data_type == "s" for c in cells)


# -- the Word report -------------------------------------------------------------------------------
def _docx(path):
    import docx

    return docx.Document(str(path))


def test_docx_read_back(passing):
    from docx.oxml.ns import qn

    _, out, _ = passing
    doc = _docx(out / "2007-检查验收报告.docx")
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "2007年度工作分解任务检查验收报告"
    conclusion = next(t for t in texts if t.startswith("检查验收结论："))
    assert conclusion == ("检查验收结论：2007年度工作完成度为87.5%，评分为82.5分（合格要求：工作完成度不低于80%、"
                          "评分不低于60分，必做任务全部完成）。结论：通过。")
    cat = doc.tables[0]
    assert [[c.text for c in r.cells] for r in cat.rows] == [
        ["类号", "项目分类", "任务数", "已完成", "完成度（%）", "得分/分值"],
        ["一", "建立健全管理体系", "2", "1", "80", "40/50"],
        ["二", "提高创造能力", "2", "1", "95", "42.5/50"]]
    # the header row repeats on every page
    assert cat.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # A4 and East-Asian fonts set
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    from test_bulletin import assert_gbt9704

    assert_gbt9704(doc, "2008年3月1日")  # the as-of date under the 落款
    heading_rfonts = doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading_rfonts.get(qn("w:eastAsia")) == "黑体"
    # four charts embedded
    assert len(doc.inline_shapes) == 4
    # lagging items (002 at 60%, 003 at 90%) and the target missed are in the text of the tables
    all_cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "建立知识产权工作站10家以上" in all_cells and "未达标" in all_cells
    assert "各区建立知识产权协调领导小组" in all_cells


def test_docx_of_the_failing_case(failing):
    _, out, _ = failing
    doc = _docx(out / "2007-检查验收报告.docx")
    conclusion = next(p.text for p in doc.paragraphs if p.text.startswith("检查验收结论："))
    assert conclusion.endswith("结论：未通过。未通过原因：1. 工作完成度 67.5% 低于 80%；"
                               "2. 必做任务未全部完成：第1项（60%）。")
    assert [c.text for c in doc.tables[0].rows[1].cells][4] == "55"  # 类一: (60 + 50) / 2


@pytest.mark.libreoffice
@pytest.mark.slow
def test_docx_converts_to_pdf(tmp_path, passing):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    _, out, _ = passing
    src = tmp_path / "report.docx"
    shutil.copy(out / "2007-检查验收报告.docx", src)
    profile = f"file:///tmp/lo-{uuid.uuid4().hex}"
    env = dict(os.environ)
    cjk_dir = _packaged_cjk_font_dir()
    if cjk_dir:  # let LibreOffice see the Noto CJK font that tracker[fonts] installs, as it would a system font
        conf = tmp_path / "fonts.conf"
        conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{cjk_dir}</dir>
<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>""", encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(conf)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=240, env=env)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 3  # several pages
    if cjk_dir:  # the Chinese text was set in a real CJK font (embedded), not as missing-glyph boxes
        assert re.search(rb"/FontName\s*/[A-Z]{6}\+NotoSans(Mono)?CJK", data), "no CJK font embedded in the PDF"


def _packaged_cjk_font_dir() -> str | None:
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    return os.path.dirname(noto_cjk_sans_otc.__file__)


# -- the dashboard ---------------------------------------------------------------------------------
def test_dashboard_is_self_contained(passing):
    _, out, _ = passing
    html = (out / "2007-dashboard.html").read_text(encoding="utf-8")
    for bad in ("http://", "https://", 'src="//', "href=\"//", "<link", "<script", "@import", "url(http",
                "url(//"):
        assert bad not in html, bad
    assert html.count("<svg") == 4
    for name in ("category", "units", "trend", "heatmap"):
        assert f'id="chart-{name}"' in html
    assert "@font-face" in html and "url(data:font/" in html  # Chinese shows with no system CJK font
    assert 'id="kpi-completion">87.5%<' in html and 'id="kpi-score">82.5 分<' in html
    assert ">通过<" in html
    assert re.search(r'<td class="c">一</td><td>建立健全管理体系</td><td class="num">2</td>'
                     r'<td class="num">1</td>\s*<td class="num">80</td>', html)


def test_dashboard_names_the_failed_rules(failing):
    _, out, _ = failing
    html = (out / "2007-dashboard.html").read_text(encoding="utf-8")
    assert ">未通过<" in html and "工作完成度 67.5% 低于 80%" in html
    assert "mandatory-incomplete" not in html and "completion-below" not in html  # no rule codes on the page


def test_dashboard_template_can_be_overridden_in_the_workspace(tmp_path):
    ws = make_workspace(tmp_path / "ws", small_plan(), passing_rows(), REGISTRY)
    (ws.root / "templates").mkdir(exist_ok=True)
    (ws.root / "templates" / "dashboard.html.j2").write_text(
        "<html><body>本办看板 {{ d.completion|num }}% {{ '通过' if d.passed else '未通过' }}</body></html>",
        encoding="utf-8")
    run_report(ws, tmp_path / "o")
    assert (tmp_path / "o" / "2007-dashboard.html").read_text(encoding="utf-8") == \
        "<html><body>本办看板 87.5% 通过</body></html>"


def chromium_screenshot(html: Path, png: Path, height: int = 2000) -> bool:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        return False
    import tempfile

    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size=1280,{height}",
                        html.resolve().as_uri()], check=True, capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return png.exists()


@pytest.mark.slow
def test_dashboard_renders_in_headless_chromium(tmp_path, passing):
    _, out, _ = passing
    png = tmp_path / "dashboard.png"
    if not chromium_screenshot(out / "2007-dashboard.html", png):
        pytest.skip("chromium is not installed")
    from matplotlib import image

    img = image.imread(str(png))
    assert img.shape[0] == 2000 and img.shape[1] == 1280
    # the page drew something: many distinct colours (charts), not a blank or error page
    flat = (img[:, :, :3] * 255).astype(int).reshape(-1, 3)
    assert len({tuple(p) for p in flat[::37]}) > 50


# -- the charts ------------------------------------------------------------------------------------
def test_charts_draw_chinese_without_missing_glyphs(tmp_path, passing):
    from tracker.reports.inspection import charts
    from tracker.reports.inspection.data import gather

    ws, _, _ = passing
    data = gather(ws, 2007, date.fromisoformat(AS_OF))
    font = charts.setup_font(ws.config())
    assert font.family, font.notes
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = charts.write_charts(data, tmp_path, font=font)
    glyph = [str(w.message) for w in caught if "glyph" in str(w.message).lower() or "missing from" in str(w.message)]
    assert glyph == []
    assert set(files) == {"category", "units", "trend", "heatmap"}
    for f in files.values():
        assert f["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = f["svg"].read_text(encoding="utf-8")
        assert "<svg" in svg and "<text" not in svg  # text drawn as paths: no font needed


def test_no_cjk_font_is_said_in_one_line(tmp_path, monkeypatch, passing):
    from tracker import fonts
    from tracker.reports.inspection import charts

    monkeypatch.setattr(fonts, "find_cjk_font", lambda config=None, **kw: fonts.FontChoice(
        None, None, "none", fonts.NOT_FOUND_MESSAGE))
    monkeypatch.setattr(charts, "_CHOSEN", {})
    ws, _, _ = passing
    res = CliRunner().invoke(main, ["report", "2007", "-w", str(ws.root), "-o", str(tmp_path / "o"),
                                    "--as-of", AS_OF])
    assert res.exit_code == 0, res.output
    notes = [line for line in res.output.splitlines() if "未找到中文字体" in line]
    assert len(notes) == 1 and notes[0].startswith("  注意: ")
    assert (tmp_path / "o" / "charts" / "2007-category.png").exists()


def test_unit_chart_keeps_both_ends_with_many_units():
    import matplotlib

    from tracker.reports.inspection import charts

    units = [{"unit": f"第{i}单位", "completion": 100 - i, "lead_items": 1} for i in range(70)]
    data = {"year": 2007, "units": units, "thresholds": {"pass_completion": 80}}
    with matplotlib.rc_context(charts.font_rc(charts.setup_font())):
        fig = charts.unit_chart(data, top=15, bottom=15)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == 31  # 15 best, a gap line, 15 worst
    assert labels[0] == "第0单位" and labels[14] == "第14单位" and labels[-1] == "第69单位"
    assert "其余 40 个单位" in labels[15]


# -- a Guangzhou-like year, for the pictures in docs/ --------------------------------------------------
GUANGZHOU_DISTRICTS = ["越秀区", "荔湾区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区",
                       "萝岗区", "增城市", "从化市"]
GUANGZHOU_REGISTRY = {"units": {"collectives": {"各区、县级市": GUANGZHOU_DISTRICTS}}}


def guangzhou_year(store, seed: int = 2007):
    """Import the seed table, then seeded returns: most on time, a few late, a few quarters missing."""
    from tracker.assignments import assign
    from tracker.importers import import_plan
    from tracker.periods import year_periods
    from tracker.units import Registry

    registry = Registry.from_config(GUANGZHOU_REGISTRY)
    plan, _ = import_plan(SEED_004, registry=registry)
    store.save_plan(plan)
    plan = store.load_plan(year=plan.year)
    a = assign(plan, registry)
    rng = random.Random(seed)
    units = sorted(a.units)
    pace = {u: rng.choice([0.7, 0.85, 0.9, 0.95, 1.0, 1.0, 1.0, 1.05]) for u in units}
    missing = {u: {4} for u in rng.sample(units, 3)} | {rng.choice(units): {2, 3, 4}}
    for p in year_periods(plan.year):
        for u in units:
            if p.quarter in missing.get(u, set()):
                continue
            late = rng.random() < 0.04
            got = p.due() + timedelta(days=rng.randint(1, 12)) if late else p.due() - timedelta(days=rng.randint(0, 9))
            rows = []
            for it, role in a.items_of(u):
                prog = max(0, min(100, round((25 * p.quarter * pace[u] + rng.randint(-8, 6)) / 5) * 5))
                rows.append({"item_id": it.id, "role": role, "status": "已完成" if prog == 100 else "推进中",
                             "progress": prog,
                             "targets": [{"idx": i, "actual": round(t.value * rng.uniform(0.8, 1.4), 1)}
                                         for i, t in enumerate(it.targets)] if role == "lead" else []})
            insert_return(store, plan.db_id, u, str(p), got.isoformat(), rows)
    return plan


@pytest.mark.slow
def test_guangzhou_year_report(tmp_path):
    ws = init_workspace(tmp_path / "gz")
    doc = ws.config_doc()
    import tomlkit

    coll = doc["units"].setdefault("collectives", tomlkit.table())
    coll["各区、县级市"] = GUANGZHOU_DISTRICTS
    ws.save_config_doc(doc)
    guangzhou_year(ws.store())
    d = run_report(ws, tmp_path / "o")
    assert len(d["units"]) > 60 and len(d["categories"]) == 11
    assert d["passed"] == (not d["failed_rules"])
    assert sum(u["returns_missing"] for u in d["units"]) == 3 + 3


def regenerate_docs() -> None:
    """docs/report-*.png and docs/dashboard.png from the Guangzhou-like year."""
    import tempfile

    import tomlkit

    tmp = Path(tempfile.mkdtemp(prefix="gz-docs-"))
    ws = init_workspace(tmp / "ws")
    doc = ws.config_doc()
    doc["units"].setdefault("collectives", tomlkit.table())["各区、县级市"] = GUANGZHOU_DISTRICTS
    ws.save_config_doc(doc)
    guangzhou_year(ws.store())
    d = run_report(ws, tmp / "out")
    docs = ROOT / "docs"
    for name in ("category", "units", "trend", "heatmap"):
        shutil.copy(d["charts"][name]["png"], docs / f"report-{name}.png")
    if chromium_screenshot(Path(d["files"]["html"]), docs / "dashboard.png", height=2400):
        print("docs/dashboard.png")
    print(f"completion {d['completion']} score {d['score']} passed {d['passed']} in {tmp}")


if __name__ == "__main__" and sys.argv[1:] == ["docs"]:
    regenerate_docs()
