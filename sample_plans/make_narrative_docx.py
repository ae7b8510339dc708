"""Make ``chenzhou-2009.docx``: the Chenzhou 2009 narrative plan as a clerk would retype it in Word.

Run from anywhere: ``python sample_plans/make_narrative_docx.py``. The text comes from
``chenzhou-2009.txt`` (seeds/002 as the office received it from a web page). The clerk:

* drops the web page's furniture (法邦网 banner, 【颁发部门】… lines, 相关阅读, 回到顶部);
* sets the titles centred in bold, the body in 仿宋 with a first-line indent;
* types the measure numbers and the responsibility notes with a Chinese input method, so they
  come out full-width: "（一）", "（责任单位：市政府办、…）";
* presses Enter in the middle of measure (三), so that measure spans two paragraphs.

The importer must give exactly the same ten items from this file as from the .txt.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "tracker" / "data" / "samples"  # the bundled samples ship as package data
SOURCE = SAMPLES / "chenzhou-2009.txt"
TARGET = SAMPLES / "chenzhou-2009.docx"

FURNITURE = re.compile(r"^(法邦网|【|相关阅读|回到顶部)")
TITLES = ("郴州市人民政府办公室关于印发郴州市国家知识产权试点城市工作方案的通知", "郴州市国家知识产权试点城市工作方案")
SPLIT_AFTER = "加强知识产权管理队伍建设;"  # measure (三) is broken here into two paragraphs


def clerk_paragraphs(text: str) -> list[str]:
    out: list[str] = []
    seen_title = False
    for line in text.splitlines():
        line = line.strip()
        if not line or FURNITURE.match(line):
            continue
        if line == TITLES[0]:
            if seen_title:  # the web page repeats the notice title
                continue
            seen_title = True
        line = re.sub(r"^\((\S{1,3}?)\)", "\uff08\\1\uff09", line)  # (一) typed as full-width (一)
        line = re.sub(r"\(责任单位:([^()]*)\)", "\uff08责任单位\uff1a\\1\uff09", line)
        if SPLIT_AFTER in line and "责任单位" in line:
            head, tail = line.split(SPLIT_AFTER, 1)
            out.extend([head + SPLIT_AFTER, tail])
            continue
        out.append(line)
    return out


def build(target: Path = TARGET) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "仿宋"
    normal.font.size = Pt(16)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    for text in clerk_paragraphs(SOURCE.read_text(encoding="utf-8")):
        p = document.add_paragraph()
        run = p.add_run(text)
        if text in TITLES:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
            run.font.size = Pt(22)
        elif re.match(r"^[一二三四五六七八九十]+、", text):
            run.bold = True
        else:
            p.paragraph_format.first_line_indent = Pt(32)
    document.core_properties.title = TITLES[1]
    document.core_properties.author = "郴州市知识产权局"
    document.save(str(target))
    return target


if __name__ == "__main__":
    print(build())
