"""Checks of the documents tracker writes, read back: the layout of GB/T 9704 in a docx."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn


def assert_gbt9704(doc, day: str) -> None:
    """The layout of GB/T 9704, read back from the docx (also used by the inspection report test)."""
    from docx.enum.text import WD_LINE_SPACING

    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (sec.top_margin, sec.left_margin, sec.bottom_margin, sec.right_margin)] \
        == [37, 28, 35, 26]

    def east_asia(el):
        return el.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    normal = doc.styles["Normal"]
    assert east_asia(normal.element) == "仿宋_GB2312" and normal.font.size.pt == 16
    pf = normal.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY and 28 <= pf.line_spacing.pt <= 29
    title = doc.paragraphs[0]
    assert title.runs[0].font.size.pt == 22 and east_asia(title.runs[0]._r) == "方正小标宋简体"
    h1 = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
    assert east_asia(h1.runs[0]._r) == "黑体" and h1.runs[0].font.size.pt == 16
    assert east_asia(doc.styles["Heading 2"].element) == "楷体_GB2312"
    body = next(p for p in doc.paragraphs[2:] if p.style.name == "Normal" and p.runs and len(p.text) > 30)
    assert east_asia(body.runs[0]._r) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    # page numbers: a PAGE field, "— n —", 4号 宋体, right on odd pages, left on even pages
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p.alignment == getattr(WD_ALIGN_PARAGRAPH, align.upper())
        xml = p._p.xml
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert xml.count('w:fldCharType="begin"') == 1 and xml.count('w:fldCharType="end"') == 1
        assert p.text.startswith("\u2014 ") and p.text.endswith(" \u2014")
        assert all(r.font.size.pt == 14 and east_asia(r._r) == "宋体" for r in p.runs)
    # the 落款's date, right-aligned, in the one Chinese form
    dated = [p for p in doc.paragraphs if p.text == day]
    assert dated and dated[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # fallbacks declared in the font table
    ft = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert '"方正小标宋简体"' in ft.blob.decode() and 'w:altName w:val="宋体"' in ft.blob.decode()
