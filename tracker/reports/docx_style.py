"""Word documents in the official layout of GB/T 9704-2012 (党政机关公文格式), shared by every docx
tracker writes (the quarterly bulletin, the inspection report); the xlsx counterpart is
:mod:`tracker.reports.xlsx_style`.

What the standard asks, and what this module does:

* A4 (210 × 297 mm); margins top 37 mm, left 28 mm, bottom 35 mm, right 26 mm (text block
  156 × 225 mm: 28 characters × 22 lines of 3号).
* Title in 2号 (22 pt) 小标宋 (方正小标宋简体), centred; body in 3号 (16 pt) 仿宋_GB2312, first line
  indented two characters; first-level headings ("一、") in 黑体, second-level ("（一）") in
  楷体_GB2312, both 3号; every line of text at an exact 29 pt (22 lines on the page).
* Page numbers "— 1 —" in 4号 (14 pt) 宋体 at the outside edge, one character in from it: right
  on odd pages, left on even pages (a PAGE field in an odd and an even footer, with "different
  odd and even pages" switched on in the document settings).
* The 落款 (the office's name) and the date under it, right-aligned; the date written
  "2008年1月31日" (Arabic numerals, no leading zeros — the form GB/T 9704-2012 §7.3.5.4 gives) in every
  document, and it is the date the document is about (the period's as-of date), never the day
  the command ran.
* An attachment (附件) starts on a new page: "附件" in 黑体 at the top left, its title centred,
  after the body has said "附件：…".

Fonts are named in ``tracker.toml`` (``[fonts]``: ``title``, ``body``, ``heading1``, ``heading2``,
``page_number``; :data:`DEFAULT_FONTS`). A docx names a font, it does not carry it: where the PC
lacks the named face, Word falls back to the ``w:altName`` this module writes into the font table
(:data:`FALLBACK`: 方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体), and from there by the
font table's charset (GB2312) and family to a Song face; WPS and LibreOffice use their own
substitution tables, which map these names the same way. docs/documents.md has the whole list.

:func:`prose` turns the half-width punctuation of a Chinese sentence into full-width (", " → "，",
": " → "：", "(" → "（" …) and ISO dates into Chinese ones; every paragraph written through
:func:`paragraph` in Chinese passes through it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date

from tracker.i18n import EN, ZH, date_text
from tracker.reports.xlsx_style import HEADER_FILL

DEFAULT_FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading1": "黑体",
                 "heading2": "楷体_GB2312", "page_number": "宋体", "table": "宋体"}
#: The face Word uses where the named one is missing (the font table's w:altName).
FALLBACK = {"方正小标宋简体": "宋体", "方正小标宋_GBK": "宋体", "仿宋_GB2312": "仿宋", "仿宋": "宋体",
            "楷体_GB2312": "楷体", "楷体": "宋体", "黑体": "宋体", "宋体": "SimSun"}
#: Latin faces of an English document (its Chinese data keep the East Asian faces above).
LATIN_EN = {"title": "Times New Roman", "body": "Times New Roman", "heading1": "Arial",
            "heading2": "Times New Roman", "page_number": "Times New Roman", "table": "Times New Roman"}

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "left": 28, "bottom": 35, "right": 26}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
TITLE_PT, BODY_PT, PAGE_NO_PT, TABLE_PT = 22, 16, 14, 10.5
LINE_PT = 29  # exact: 22 lines in the 225 mm text block


@dataclass(frozen=True)
class Face:
    east_asia: str
    latin: str


def doc_fonts(config: dict | None = None, lang: str = ZH) -> dict[str, Face]:
    """The faces of each role: ``[fonts]`` of tracker.toml over :data:`DEFAULT_FONTS`; Latin text
    in the same face in Chinese, in Times New Roman / Arial in English."""
    conf = ((config or {}).get("fonts") or {})
    out = {}
    for role, default in DEFAULT_FONTS.items():
        name = str(conf.get(role) or default).strip() or default
        out[role] = Face(name, LATIN_EN[role] if lang == EN else name)
    return out


# -- text -----------------------------------------------------------------------------------------
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")


def prose(text: str) -> str:
    """A Chinese sentence with full-width punctuation and Chinese dates.

    ``,`` ``:`` ``;`` ``?`` ``!`` become ``，`` ``：`` ``；`` ``？`` ``！`` (not between two digits:
    1,000 and 12:30 stay), ``(`` ``)`` become ``（`` ``）``, the space around them goes, and
    2007-04-08 reads 2007年4月8日. Text without CJK characters is returned as it is."""
    if not text or not re.search(f"[{_CJK}]", text):
        return text
    s = _ISO_DATE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日", text)
    s = re.sub(r"(?<!\d)\s*,\s*|\s*,\s*(?!\d)", "\uFF0C", s)
    s = re.sub(r"(?<!\d)\s*:\s*|\s*:\s*(?!\d)", "\uFF1A", s)
    s = re.sub(r"\s*;\s*", "\uFF1B", s)
    s = re.sub(r"\s*\?\s*", "\uFF1F", s)
    s = re.sub(r"\s*!\s*", "\uFF01", s)
    s = re.sub(r"\s*\(\s*", "\uFF08", s)
    s = re.sub(r"\s*\)\s*", "\uFF09", s)
    s = re.sub("\\s*([\uFF0C\uFF1A\uFF1B\u3001\u3002\uFF08\uFF09])\\s*", r"\1", s)
    return s


# -- runs and styles ------------------------------------------------------------------------------
_RPR: dict[tuple, object] = {}


def set_font(target, face: Face, size=None, bold=None) -> None:
    """Set a run's or a style's font, the East Asian slot included (python-docx sets only
    w:ascii/w:hAnsi). A new run gets a copy of the <w:rPr> made once for the same arguments
    (thousands of table cells in a province's report)."""
    from docx.text.run import Run

    if isinstance(target, Run) and target._r.rPr is None:
        key = (face, size, bold)
        proto = _RPR.get(key)
        if proto is None:
            from docx.oxml import OxmlElement

            scratch = Run(OxmlElement("w:r"), None)
            _set_font_of(scratch, face, size, bold)
            proto = _RPR[key] = scratch._r.rPr
        target._r.insert(0, copy.deepcopy(proto))
        return
    _set_font_of(target, face, size, bold)


def _set_font_of(target, face: Face, size=None, bold=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = target.font
    font.name = face.latin
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    fonts = rfonts(target.element)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), face.east_asia if attr == "w:eastAsia" else face.latin)


def rfonts(element):
    """The ``w:rFonts`` of a run's or a style's properties, made if missing: where Word, WPS and
    LibreOffice read the East Asian font (``w:eastAsia``) that python-docx's ``font.name`` does not set."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    found = rpr.find(qn("w:rFonts"))
    if found is None:
        found = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, found)
    return found


def _exact(pf, pt: float = LINE_PT) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(pt)


def new_document(config: dict | None, lang: str = ZH, *, title: str = "", author: str = ""):
    """A python-docx Document set up as GB/T 9704 asks (page, styles, footers, font table)."""
    import docx
    from docx.shared import Pt, RGBColor

    fonts = doc_fonts(config, lang)
    doc = docx.Document()
    doc.core_properties.title = title
    doc.core_properties.author = author
    normal = doc.styles["Normal"]
    set_font(normal, fonts["body"], BODY_PT)
    pf = normal.paragraph_format
    _exact(pf)
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = True
    for name, role, size in (("Title", "title", TITLE_PT), ("Heading 1", "heading1", BODY_PT),
                             ("Heading 2", "heading2", BODY_PT)):
        st = doc.styles[name]
        set_font(st, fonts[role], size, bold=False)
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.italic = False
        spf = st.paragraph_format
        spf.space_before = spf.space_after = Pt(0)
        _exact(spf, LINE_PT if name != "Title" else 35)
        spf.keep_with_next = True
        if name != "Title":
            spf.first_line_indent = Pt(BODY_PT * 2)
    _drop_title_border(doc)
    _page(doc, fonts["page_number"])
    _font_table(doc, fonts)
    doc._tracker_fonts = fonts
    doc._tracker_lang = lang
    return doc


def _drop_title_border(doc) -> None:
    from docx.oxml.ns import qn

    ppr = doc.styles["Title"].element.find(qn("w:pPr"))
    if ppr is not None:
        for b in ppr.findall(qn("w:pBdr")):
            ppr.remove(b)


def _page(doc, face: Face) -> None:
    from docx.shared import Mm

    doc.settings.odd_and_even_pages_header_footer = True
    for s in doc.sections:
        s.page_width, s.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        s.top_margin, s.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        s.left_margin, s.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        s.header_distance = Mm(15)
        s.footer_distance = Mm(24)  # the number's top about 7 mm under the text block
        _page_number(s.footer, face, odd=True)
        _page_number(s.even_page_footer, face, odd=False)


def _page_number(footer, face: Face, *, odd: bool) -> None:
    """"— PAGE —" at the outside edge, one character (4号) in from it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    pf = p.paragraph_format
    pf.first_line_indent = None
    if odd:
        pf.right_indent = Pt(PAGE_NO_PT)
    else:
        pf.left_indent = Pt(PAGE_NO_PT)
    pf.line_spacing = 1.0
    set_font(p.add_run("\u2014 "), face, PAGE_NO_PT)
    run = p.add_run()
    set_font(run, face, PAGE_NO_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        elif text == "1":
            el = run._r.makeelement(qn("w:t"), {})
            el.text = text
        else:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._r.append(el)
    set_font(p.add_run(" \u2014"), face, PAGE_NO_PT)


def _font_table(doc, fonts: dict[str, Face]) -> None:
    """Declare each East Asian face with its fallback (w:altName), GB2312 charset and family, so
    that Word on a PC without 方正小标宋简体 or 仿宋_GB2312 picks the named fallback, then a Song face.

    The font table is python-docx's own template part; the entries are added as text before its
    closing tag (no XML parser is involved: tracker parses XML only through defusedxml)."""
    from html import escape

    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = next((r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    text = part.blob.decode("utf-8")
    if "</w:fonts>" not in text:
        return
    new = []
    for face in sorted({f.east_asia for f in fonts.values()}):
        if f'w:name="{escape(face)}"' in text:
            continue
        family = "modern" if face == "黑体" else "roman"
        new.append(f'<w:font w:name="{escape(face)}"><w:altName w:val="{escape(FALLBACK.get(face, "宋体"))}"/>'
                   f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')
    part._blob = text.replace("</w:fonts>", "".join(new) + "</w:fonts>").encode("utf-8")


# -- blocks ---------------------------------------------------------------------------------------
def _fonts(doc) -> dict[str, Face]:
    return doc._tracker_fonts


def _zh(doc) -> bool:
    return doc._tracker_lang == ZH


def title(doc, text: str):
    """The document title: 2号 小标宋, centred, a blank line under it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(style="Title")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(text), _fonts(doc)["title"], TITLE_PT)
    doc.add_paragraph()
    return p


def paragraph(doc, text: str = "", *, indent: bool = True, align: str | None = None, role: str = "body",
              lead: str = "", lead_role: str = "heading1"):
    """A body paragraph: 3号, first line indented two characters, full-width punctuation in
    Chinese. ``lead`` is a run-in heading in ``lead_role``'s face ("检查验收结论：")."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    zh = _zh(doc)
    p = doc.add_paragraph()
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif align == "justify" or (indent and align is None):
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent and align not in ("center", "right"):
        p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    if lead:
        set_font(p.add_run(prose(lead) if zh else lead), _fonts(doc)[lead_role], BODY_PT)
    if text:
        set_font(p.add_run(prose(text) if zh else text), _fonts(doc)[role], BODY_PT)
    return p


def heading(doc, text: str, level: int = 1):
    """"一、…" in 黑体 (level 1) or "（一）…" in 楷体 (level 2), 3号, indented like the body."""
    h = doc.add_paragraph(style=f"Heading {level}")
    set_font(h.add_run(prose(text) if _zh(doc) else text), _fonts(doc)[f"heading{level}"], BODY_PT)
    return h


def signature(doc, office: str, when: date, lang: str = ZH) -> None:
    """The 落款: a blank line, the office's name and the date under it, right-aligned, the date
    about two characters further in than the name's end (GB/T 9704: 成文日期 右空四字)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.add_paragraph()
    day = date_text(when, lang)
    for text, right in ((office, BODY_PT * 2), (day, BODY_PT * 4)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(right)
        set_font(p.add_run(text), _fonts(doc)["body"], BODY_PT)


def attachment_note(doc, titles: list[str], lang: str = ZH) -> None:
    """"附件：各单位报送情况一览表" after the body (numbered when there are several)."""
    from tracker.i18n import tr

    if not titles:
        return
    doc.add_paragraph()
    if len(titles) == 1:
        paragraph(doc, tr("附件: {title}", lang, title=titles[0]))
        return
    for i, t in enumerate(titles, start=1):
        paragraph(doc, tr("附件: {n}. {title}", lang, n=i, title=t) if i == 1 else f"      {i}. {t}")


def attachment(doc, title_text: str, n: int | None = None, lang: str = ZH) -> None:
    """A new page: "附件" (or "附件2") in 黑体 at the top left, then the attachment's title."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from tracker.i18n import tr

    label = tr("附件", lang) + (str(n) if n else "")
    p = doc.add_paragraph()
    p.paragraph_format.page_break_before = True  # not a break in a paragraph of its own: that
    # paragraph can fall at the top of a page and leave it blank
    set_font(p.add_run(label), _fonts(doc)["heading1"], BODY_PT)
    t = doc.add_paragraph(style="Title")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(t.add_run(title_text), _fonts(doc)["title"], TITLE_PT)
    doc.add_paragraph()


def table(doc, headers: list[str], rows: list[list], widths_mm: list[float], *, align: list[str] | None = None,
          shade: list[list] | None = None, size: float = TABLE_PT):
    """A bordered table the width of the text block: header row shaded, in 黑体, repeated on every
    page; cells in the table face, single line spacing, text wrapping inside its column; no row
    split across two pages.

    ``align`` gives each column's alignment ("left" | "center" | "right"; default left), the same
    for every row — never decided by the length of a value. ``shade`` (parallel to rows) may give
    a fill colour per cell."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    zh = _zh(doc)
    fonts = _fonts(doc)
    al = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT}
    align = align or ["left"] * len(headers)
    scale = min(1.0, TEXT_WIDTH_MM / sum(widths_mm))
    widths = [Mm(w * scale) for w in widths_mm]
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    hdr = t.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))

    def fill(cell, text, face, alignment, width):
        cell.width = width
        lines = str(text).split("\n")
        p = cell.paragraphs[0]
        for i, line in enumerate(lines):
            if i:
                p = cell.add_paragraph()
            p.alignment = alignment
            pf = p.paragraph_format
            pf.first_line_indent = Pt(0)
            pf.line_spacing = 1.0
            set_font(p.add_run(line), face, size)

    for i, h in enumerate(headers):
        cell = hdr.cells[i]
        fill(cell, prose(h) if zh else h, fonts["heading1"], WD_ALIGN_PARAGRAPH.CENTER, widths[i])
        shade_cell(cell, HEADER_FILL)
    for ri, values in enumerate(rows):
        cells = t.add_row().cells
        for i, v in enumerate(values):
            fill(cells[i], "" if v is None else v, fonts["table"], al[align[i]], widths[i])
            if shade and shade[ri] and i < len(shade[ri]) and shade[ri][i]:
                shade_cell(cells[i], shade[ri][i])
    for i, w in enumerate(widths):
        t.columns[i].width = w
    for row in t.rows:  # a row is never split across two pages (its text would be read in halves)
        trpr = row._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
    return t


def shade_cell(cell, color: str) -> None:
    """Fill a table cell with ``color`` (hex RGB without "#", e.g. :data:`~tracker.reports.xlsx_style.FILL`)."""
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    tcpr.append(tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): color}))


def picture(doc, path, caption: str, width_mm: float = 150, max_height_mm: float = 200) -> None:
    """A PNG centred, as wide as ``width_mm`` (at most the text width) but never taller than
    ``max_height_mm``; the caption under it in the table face."""
    from pathlib import Path

    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    head = Path(path).read_bytes()[:24]
    w = h = 0
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        w, h = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    width_mm = min(width_mm, TEXT_WIDTH_MM)
    if w and h and width_mm * h / w > max_height_mm:
        width_mm = max_height_mm * w / h
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = 1.0
    p.add_run().add_picture(str(path), width=Mm(width_mm))
    c = doc.add_paragraph()
    c.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(c.add_run(prose(caption) if _zh(doc) else caption), _fonts(doc)["table"], 12)
