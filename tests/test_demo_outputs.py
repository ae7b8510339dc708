"""What a demo year puts on paper and on screen, looked at as a clerk would.

* Print: every kind of workbook and document tracker writes (templates, receipts, 催报名单, the
  bulletin's xlsx and docx, the inspection's xlsx and docx) is rendered by LibreOffice to PDF, and
  the text of every printed cell and paragraph must be in the PDF's text (pdftotext): a cell cut
  by its column, its row height or the page edge loses characters and fails the test.
* One language: the non-JSON output of the demo's commands and of the usage mistakes a person makes
  holds no English word of click and no problem code (they are for ``--json`` and ``-v``), no
  "None", no Python float such as "3.0", and no library warning.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from tracker.cli import main

pytestmark = pytest.mark.slow  # runs the demo year and prints what it wrote


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "ws"
    r = CliRunner().invoke(main, ["demo", "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out, r


# -- print ----------------------------------------------------------------------------------------
def _squash(s: str) -> str:
    """Whitespace, a byte-order mark and hyphens go (pdftotext joins "ldxz-" + "office" at a line end)."""
    return re.sub(r"[\s\ufeff-]+", "", s)


def _shown(cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float):
        fmt = cell.number_format or "General"
        if fmt == "0":
            return str(int(round(v)))
        if fmt == "0.0":  # Excel and LibreOffice round half away from zero: 86.25 -> 86.3
            from decimal import ROUND_HALF_UP, Decimal

            return str(Decimal(repr(v)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        if fmt in ("0%", "0.0%"):
            return f"{v * 100:.{fmt.count('0') - 1}f}%"
        return str(int(v)) if float(v).is_integer() else f"{v:g}"
    return str(v)


def xlsx_texts(path: Path) -> list[str]:
    """The text of every cell on the visible sheets (hidden identity sheets are not printed)."""
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for c in row:
                t = _shown(c)
                if t.strip():
                    out.append(t)
    return out


def docx_texts(path: Path) -> list[str]:
    doc = Document(str(path))
    out = [p.text for p in doc.paragraphs if p.text.strip()]
    for t in doc.tables:
        for row in t.rows:
            for c in row.cells:
                if c.text.strip():
                    out.append(c.text)
    return out


def outputs(ws: Path) -> list[Path]:
    """One or two of every kind of file a demo year writes."""
    files = []
    files += sorted((ws / "outbox" / "2007Q1").glob("2007Q1-市知识产权局.xlsx"))
    files += sorted((ws / "outbox" / "2007Q4").glob("2007Q4-天河区政府.xlsx"))
    receipts = sorted((ws / "outbox" / "receipts").glob("*"))
    files += receipts[:1] + [p for p in receipts if "退回" in p.read_text(encoding="utf-8")][:1]
    files += [ws / "outbox" / "2007Q1-催报名单.xlsx", ws / "outbox" / "2007Q4-催报名单.xlsx"]
    files += [ws / "reports" / "2007Q2" / "2007Q2-季度通报.xlsx", ws / "reports" / "2007Q4" / "2007Q4-季度通报.docx"]
    files += [ws / "reports" / "2007" / "2007-检查验收汇总.xlsx", ws / "reports" / "2007" / "2007-检查验收报告.docx"]
    return files


def printed(text: str, lines: list[str]) -> bool:
    """Whether ``text`` is in the PDF's text lines. pdftotext reads two wrapped cells side by side
    line by line ("cell A line 1 / cell B line 1 / cell A line 2 …"), so the text is taken as
    pieces: each the run that ends the nearest printed line (where the cell wrapped; else the
    longest run found within one line), each following the previous piece within the next lines. A cell cut by its column, its row or the page loses its
    tail, which is then not found after the head."""
    starts = [k for k, line in enumerate(lines) if text[:1] in line]
    for start in starts:
        i, pos = 0, start
        while i < len(text):
            best, best_k = 0, pos
            for k in range(pos, min(len(lines), pos + 40)):
                n = 0
                while i + n < len(text) and text[i:i + n + 1] in lines[k]:
                    n += 1
                if n and (lines[k].endswith(text[i:i + n]) or i + n == len(text)):
                    best, best_k = n, k  # the nearest line this piece ends: where the cell wrapped
                    break
                if n > best:
                    best, best_k = n, k
            if best == 0:
                break
            i, pos = i + best, best_k
        if i >= len(text):
            return True
    return False


@pytest.mark.slow
@pytest.mark.libreoffice
def test_every_output_prints_on_a4_with_nothing_cut(demo, tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice (soffice) or poppler (pdftotext) is not installed: "
                    "apt-get install -y libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils")
    ws, _ = demo
    files = outputs(ws)
    assert all(p.exists() for p in files), [p for p in files if not p.exists()]
    kinds = {p.suffix for p in files}
    assert kinds >= {".xlsx", ".docx"} and len(files) >= 10
    work = tmp_path / "in"
    work.mkdir()
    copies = []
    for i, p in enumerate(files):  # short ASCII names for soffice; one soffice run for all
        q = work / f"f{i}{p.suffix}"
        shutil.copy(p, q)
        copies.append(q)
    pdf_dir = tmp_path / "pdf"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}",
                    "--convert-to", "pdf", "--outdir", str(pdf_dir), *map(str, copies)],
                   check=True, capture_output=True, timeout=600)
    missing = {}
    for p, q in zip(files, copies, strict=True):
        pdf = pdf_dir / f"{q.stem}.pdf"
        assert pdf.exists(), p
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        w, h = sorted(float(x) for x in size.groups())
        assert abs(w - 595) < 3 and abs(h - 842) < 3, (p.name, info)  # A4
        raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        texts = (xlsx_texts(p) if p.suffix == ".xlsx" else docx_texts(p) if p.suffix == ".docx"
                 else [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()])
        assert texts, p
        lines = [x for x in map(_squash, raw.splitlines()) if x]
        lost = [t for t in texts if not printed(_squash(t), lines)]
        if lost:
            missing[p.name] = lost[:5]
    assert not missing, missing


# -- one language ---------------------------------------------------------------------------------
#: click's own English (its messages, headings, metavars) and Python's tell-tales
CLICK_WORDS = re.compile(r"Usage:|Options:|Commands:|Error:|No such|Missing|[Ii]nvalid value|is not a valid|"
                         r"is not one of|default:|Show this message|Try '|for help|Got unexpected|"
                         r"Did you mean|\[OPTIONS\]|COMMAND|\bINTEGER\b|\bTEXT\b|\bDIRECTORY\b|\bFILENAME\b|"
                         r"%Y|Traceback|Warning|findfont|\bNone\b")
#: a problem code as tracker prints it, "(bad-progress)", or a rule code
CODE = re.compile(r"\((?:[a-z]+-)+[a-z]+\)|completion-below|score-below|mandatory-incomplete")
FLOAT_INT = re.compile(r"(?<![\d.])\d+\.0(?![\d])")


def _clean(text: str) -> list[str]:
    found = CLICK_WORDS.findall(text) + CODE.findall(text)
    found += [m for m in FLOAT_INT.findall(text)]
    return found


MISTAKES = [
    ["bogus"], ["status", "2007Q9"], ["templates"], ["report", "abc"], ["report", "2007", "--as-of", "31/01/2008"],
    ["collect", "--received", "2007-13-01"], ["bulletin", "2007Q1", "--lang", "fr"], ["plan", "show", "--year", "x"],
    ["plan", "nothing"], ["status", "--nope"], ["remind"], ["graph", "--format", "pdf"], ["--help"],
    ["collect", "--help"], ["report", "--help"], ["plan", "import", "--help"], ["units", "alias", "a"],
]


def test_no_click_english_and_no_problem_code_on_screen(demo, tmp_path):
    ws, r = demo
    runner = CliRunner()
    seen = {"demo": r.output}
    commands = [["plan", "show"], ["plan", "list"], ["units"], ["graph", "stats"], ["status", "2007Q4"],
                ["status", "2007年第一季度"], ["status", "Q2"], ["returns", "2007Q1"], ["remind", "2007Q4"],
                ["bulletin", "一季度", "--date", "2007年4月20日"], ["report", "2007", "--date", "2008.1.31"],
                ["collect", "--dry-run", str(ws / "archive")]]
    for args in commands:
        res = runner.invoke(main, [*args, "-w", str(ws)] if args[0] not in ("units", "graph", "plan")
                            else ["-w", str(ws), *args])
        assert res.exit_code in (0, 1), (args, res.output)
        seen[" ".join(args)] = res.output
    for args in MISTAKES:
        res = runner.invoke(main, ["-w", str(ws), *args])
        assert res.exception is None or isinstance(res.exception, SystemExit), (args, repr(res.exception))
        if "--help" not in args:
            assert res.exit_code == 2, (args, res.exit_code, res.output)
        seen[" ".join(args)] = res.output
    bad = {k: _clean(v) for k, v in seen.items() if _clean(v)}
    assert not bad, bad
    # the periods and dates typed the Chinese way were understood
    assert seen["status 2007年第一季度"].startswith("2007年第一季度 (2007Q1)")
    assert seen["status Q2"].startswith("2007年第二季度")
    assert "“2007-13-01”不是日期" in seen["collect --received 2007-13-01"]
    # problem codes are there for -v
    v = runner.invoke(main, ["-v", "-w", str(ws), "collect", "--dry-run", str(ws / "filled")])
    assert CODE.search(v.output), v.output


def test_quiet_prints_errors_only(demo):
    ws, _ = demo
    runner = CliRunner()
    res = runner.invoke(main, ["-q", "-w", str(ws), "remind", "2007Q4"])
    assert res.exit_code == 0 and res.stdout == "", res.stdout
    res = runner.invoke(main, ["-q", "-w", str(ws), "status", "2007Q9"])
    assert res.exit_code == 2 and "格式不对" in res.output
    res = runner.invoke(main, ["-q", "-w", str(ws), "status", "2007Q4", "--json"])
    assert res.stdout.startswith("{")  # --json is the output, not chatter


def test_documents_are_dated_by_their_period_not_today(demo):
    ws, _ = demo
    doc = Document(str(ws / "reports" / "2007Q1" / "2007Q1-季度通报.docx"))
    dates = [p.text for p in doc.paragraphs if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", p.text)]
    assert dates and all(d.startswith("2007年4月") for d in dates), dates
    doc = Document(str(ws / "reports" / "2007" / "2007-检查验收报告.docx"))
    assert doc.paragraphs[-1].text == "2008年1月31日"  # the demo inspects as of Q4's due date + 21 days


def test_chinese_outputs_name_quarters_in_chinese(demo):
    """第一季度 … 第四季度 in Chinese output; "Q1" only as part of a period code such as 2007Q1."""
    ws, _ = demo
    q = re.compile(r"(?<![0-9A-Za-z])Q[1-4](?![0-9])")
    html = (ws / "reports" / "2007" / "2007-dashboard.html").read_text(encoding="utf-8")
    text = re.sub(r"<svg.*?</svg>|<style.*?</style>", "", html, flags=re.S)
    assert not q.findall(text)
    assert "<th>第一季度</th>" in text
    for p in [ws / "reports" / "2007" / "2007-检查验收汇总.xlsx", ws / "reports" / "2007" / "2007-检查验收报告.docx"]:
        texts = xlsx_texts(p) if p.suffix == ".xlsx" else docx_texts(p)
        assert not [t for t in texts if q.search(t)], p.name
    out = CliRunner().invoke(main, ["-w", str(ws), "status", "2007Q4"]).output
    assert not q.findall(out)
