"""``YEAR-检查验收报告.docx``: the official-style Chinese inspection report (python-docx).

A4, 宋体 body and 黑体 headings with the East-Asian font set on every style and run (``w:eastAsia``)
so Word and WPS show Chinese in the intended face; tables with a repeated header row; the charts
embedded as PNG. Sections: title, 一、总体情况; 二、检查验收结论 (通过/未通过 and each failed rule);
三、分类完成情况; 四、各单位完成情况; 五、滞后任务; 六、量化指标完成情况; 七、报送情况; 八、季度进展.
The conclusion is one paragraph starting with "检查验收结论:".
"""

from __future__ import annotations

from pathlib import Path

from tracker.scoring import fmt

BODY_FONT, HEAD_FONT = "宋体", "黑体"
RETURN_LABEL = {"on_time": "按时", "late": "逾期", "missing": "未报", "pending": "未到期"}
CN_NUM = "一二三四五六七八九十"


_RPR: dict[tuple, object] = {}  # (name, size, bold) -> the <w:rPr> _set_font gives a fresh run


def _set_font(target, name: str, size=None, bold=None) -> None:
    """Set a run's or style's font, East-Asian included (python-docx sets only w:ascii/w:hAnsi).

    A new run (no <w:rPr> yet; thousands in the tables of a province) gets a copy of the <w:rPr>
    made once for the same arguments: the same XML, without python-docx's per-property search
    for where each child element goes (most of the time the Word report took)."""
    import copy

    from docx.text.run import Run

    if isinstance(target, Run) and target._r.rPr is None:
        key = (name, size, bold)
        proto = _RPR.get(key)
        if proto is None:
            from docx.oxml import OxmlElement

            scratch = Run(OxmlElement("w:r"), None)
            _set_font_of(scratch, name, size, bold)
            proto = _RPR[key] = scratch._r.rPr
        target._r.insert(0, copy.deepcopy(proto))
        return
    _set_font_of(target, name, size, bold)


def _set_font_of(target, name: str, size=None, bold=None) -> None:
    from docx.oxml.ns import qn

    font = target.font
    font.name = name
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    rpr = target.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _styles(doc) -> None:
    from docx.shared import Pt, RGBColor

    normal = doc.styles["Normal"]
    _set_font(normal, BODY_FONT, Pt(12))
    normal.paragraph_format.line_spacing = 1.3
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 13)):
        st = doc.styles[name]
        _set_font(st, HEAD_FONT, Pt(size), bold=False)
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.italic = False
        st.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(6)
    try:  # the Title style has a bottom border in the default template: remove it
        from docx.oxml.ns import qn

        ppr = doc.styles["Title"].element.find(qn("w:pPr"))
        if ppr is not None:
            for b in ppr.findall(qn("w:pBdr")):
                ppr.remove(b)
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


def _page(doc) -> None:
    from docx.shared import Mm

    for s in doc.sections:
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin = Mm(30), Mm(25)
        s.left_margin, s.right_margin = Mm(26), Mm(24)
        _page_number(s)


def _page_number(section) -> None:
    """Footer: — PAGE — centred."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._r.append(el)
    p.add_run(" —")


def _para(doc, text: str = "", *, bold_prefix: str = "", indent: bool = True, align=None, size=None):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    if align is not None:
        p.alignment = align
    if bold_prefix:
        r = p.add_run(bold_prefix)
        _set_font(r, HEAD_FONT, size, bold=False)
    if text:
        r = p.add_run(text)
        _set_font(r, BODY_FONT, size)
    return p


def _heading(doc, text: str, level: int = 1):
    h = doc.add_heading(level=level)
    r = h.add_run(text)
    _set_font(r, HEAD_FONT)
    return h


def _table(doc, headers: list[str], rows: list[list], widths_mm: list[float] | None = None, shade=None):
    """A bordered table, header row bold, shaded and repeated on every page; 10.5 pt text."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    hdr = t.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for i, h in enumerate(headers):
        cell = hdr.cells[i]
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(h), HEAD_FONT, Pt(10.5))
        _shade(cell, "D9E1F2")
    for ri, values in enumerate(rows):
        cells = t.add_row().cells
        for i, v in enumerate(values):
            cells[i].text = ""
            p = cells[i].paragraphs[0]
            text = "" if v is None else str(v)
            if isinstance(v, int | float) or len(text) <= 6:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(p.add_run(text), BODY_FONT, Pt(10.5))
            if shade and shade[ri] and i < len(shade[ri]) and shade[ri][i]:
                _shade(cells[i], shade[ri][i])
    if widths_mm:
        # Word reads the cell widths, LibreOffice/WPS the table grid: set both, autofit off
        t.autofit = False
        total = sum(widths_mm)
        scale = min(1.0, 158 / total)  # A4 text width with our margins is 160 mm
        for i, w in enumerate(widths_mm):
            t.columns[i].width = Mm(w * scale)
        widths = [Mm(w * scale) for w in widths_mm]
        for row in t.rows:
            cells = row.cells  # once per row: each call walks the row's cells
            for i, w in enumerate(widths):
                cells[i].width = w
    doc.add_paragraph()
    return t


def _shade(cell, color: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): color})
    tcpr.append(shd)


def _picture(doc, path: Path, caption: str, width_mm: float = 150, max_height_mm: float = 200) -> None:
    """The PNG centred, as wide as width_mm but never taller than max_height_mm (fits one A4 page)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    w, h = _png_size(path)
    if w and h and width_mm * h / w > max_height_mm:
        width_mm = max_height_mm * w / h
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(str(path), width=Mm(width_mm))
    c = _para(doc, caption, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(10.5))
    c.paragraph_format.space_after = Pt(10)


def _png_size(path: Path) -> tuple[int, int]:
    head = Path(path).read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


LIGHT_FILL = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
RETURN_FILL = {"on_time": "C6EFCE", "late": "FFEB9C", "missing": "FFC7CE", "pending": None}


def behind(item: dict) -> str:
    """The lead units of an item that are not at 100, with their progress: "天河区政府 60%、…"."""
    parts = [f"{u} {'未报' if p is None else fmt(p) + '%'}" for u, p in item["lead_progress"].items()
             if p is None or p < 100]
    return "、".join(parts) or "(无可报送的牵头单位)"


def conclusion_text(data: dict) -> str:
    """The conclusion paragraph (after its bold "检查验收结论:" prefix)."""
    th = data["thresholds"]
    head = (f"{data['year']}年度工作完成度为{fmt(data['completion'])}%, 评分为{fmt(data['score'])}分"
            f" (合格要求: 工作完成度不低于{fmt(th['pass_completion'])}%、评分不低于{fmt(th['pass_score'])}分"
            + (", 必做任务全部完成" if th["mandatory_must_complete"] else "") + ")。")
    if data["passed"]:
        return head + "结论: 通过。"
    reasons = ";".join(f"{i}. {f['message']}" for i, f in enumerate(data["failed_rules"], start=1))
    return head + f"结论: 未通过。未通过原因: {reasons}。"


def write_docx(data: dict, path: Path, charts: dict | None = None) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    charts = charts or {}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = docx.Document()
    _styles(doc)
    _page(doc)
    doc.core_properties.title = data["title"]
    doc.core_properties.author = data["office"]

    t = doc.add_paragraph(style="Title")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(t.add_run(data["title"]), HEAD_FONT, Pt(20))
    _para(doc, f"{data['office']}    统计截至 {data['as_of']}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          size=Pt(12))

    plan, r = data["plan"], data["returns"]
    n = iter(CN_NUM)
    _heading(doc, f"{next(n)}、总体情况")
    _para(doc, f"根据《{plan['name']}》, {data['year']}年度共分解工作任务{plan['items']}项, 分为{plan['categories']}类,"
               f" 涉及责任单位{plan['units']}个 (集合单位已按成员单位展开), 设量化指标{len(data['targets'])}个, "
               f"其中必做任务{data['mandatory']['total']}项。")
    _para(doc, f"全年各单位应报送季度进展{sum(r.values())}次, 其中按时报送{r['on_time']}次, 逾期报送{r['late']}次, "
               f"未报送{r['missing']}次" + (f", 未到截止日{r['pending']}次" if r.get("pending") else "") + "。"
               "年度数据取各单位本年度最后一次报送 (第四季度, 未报则取此前最近一次)。")

    _heading(doc, f"{next(n)}、检查验收结论")
    _para(doc, conclusion_text(data), bold_prefix="检查验收结论:")
    _para(doc, f"必做任务完成{data['mandatory']['completed']}/{data['mandatory']['total']}项; "
               f"量化指标达标{data['targets_met']}/{len(data['targets'])}个; "
               f"滞后或预警任务{len(data['lagging'])}项。")
    if data["unreported"]:
        _para(doc, f"以下任务没有任何牵头单位报送, 按完成度0计: {'、'.join(data['unreported'])}。")

    _heading(doc, f"{next(n)}、分类完成情况")
    _table(doc, ["类号", "项目分类", "任务数", "已完成", "完成度(%)", "得分/分值"],
           [[c["category_no"], c["category"], c["items"], c["completed"], fmt(c["completion"]),
             f"{fmt(c['earned'])}/{fmt(c['points'])}"] for c in data["categories"]],
           [14, 70, 16, 16, 20, 24])
    if "category" in charts:
        _picture(doc, charts["category"]["png"], "图1 各类任务完成度")

    _heading(doc, f"{next(n)}、各单位完成情况")
    _para(doc, "完成度为本单位牵头任务最近一次报送进度的平均值 (未报送的任务按0计), 按完成度由高到低排列。")
    units = sorted((u for u in data["units"] if u["lead_items"]), key=lambda u: (-(u["completion"] or 0), u["unit"]))
    _table(doc, ["单位", "牵头任务", "已完成", "完成度(%)", "按时", "逾期", "未报"],
           [[u["unit"], u["lead_items"], u["completed"], fmt(u["completion"]), u["returns_on_time"],
             u["returns_late"], u["returns_missing"]] for u in units],
           [60, 18, 16, 20, 14, 14, 14])
    if "units" in charts:
        _picture(doc, charts["units"]["png"], "图2 各单位完成度排名")

    _heading(doc, f"{next(n)}、滞后任务")
    if data["lagging"]:
        _para(doc, f"以下{len(data['lagging'])}项任务年末未达到应达进度, 按完成度由低到高排列:")
        _table(doc, ["序号", "工作内容", "未完成的牵头单位及进度", "完成度(%)", "状态"],
               [[it["number"], _short(it["content"], 60), behind(it),
                 fmt(it["completion"]), it["light_label"]] for it in data["lagging"]],
               [12, 70, 46, 18, 14], shade=[[None] * 4 + [LIGHT_FILL[it["light"]]] for it in data["lagging"]])
    else:
        _para(doc, "所有任务均已达到年末应达进度, 无滞后任务。")

    _heading(doc, f"{next(n)}、量化指标完成情况")
    if data["targets"]:
        met = [t for t in data["targets"] if t["met"]]
        _para(doc, f"共{len(data['targets'])}个量化指标, 达标{len(met)}个, 未达标或未报{len(data['targets']) - len(met)}个。"
                   f"多个牵头单位报送时, 每个单位都达到才算达标, 实际值取最差的一个。")
        _table(doc, ["序号", "指标", "目标", "实际", "是否达标"],
               [[t["number"], t["text"], t["goal"], "未报" if t["actual"] is None else f"{fmt(t['actual'], 2)}{t['unit']}",
                 "达标" if t["met"] else ("未报" if not t["reported"] else "未达标")] for t in data["targets"]],
               [12, 80, 24, 24, 20], shade=[[None] * 4 + ["C6EFCE" if t["met"] else "FFC7CE"] for t in data["targets"]])
    else:
        _para(doc, "本年度计划未设量化指标。")

    _heading(doc, f"{next(n)}、报送情况")
    quarters = [t["quarter"] for t in data["trend"]]
    problem_units = [u for u in data["units"] if u["returns_missing"] or u["returns_late"]]
    _para(doc, f"应报送单位{len(data['units'])}个。" + (
        f"其中{len(problem_units)}个单位存在逾期或未报送的情况, 列于下表; 其余单位没有逾期或未报 "
        f"(全部单位的报送情况见汇总表“报送情况”工作表)。" if problem_units else "各单位均按时报送。"))
    if problem_units:
        _table(doc, ["单位"] + [f"第{CN_NUM[i]}季度" for i in range(len(quarters))] + ["按时", "逾期", "未报"],
               [[u["unit"]] + [RETURN_LABEL[u["quarters"][q]] for q in quarters]
                + [u["returns_on_time"], u["returns_late"], u["returns_missing"]] for u in problem_units],
               [56] + [18] * len(quarters) + [12, 12, 12],
               shade=[[None] + [RETURN_FILL[u["quarters"][q]] for q in quarters] + [None] * 3
                      for u in problem_units])
    if "heatmap" in charts:
        _picture(doc, charts["heatmap"]["png"], "图3 各单位季度报送情况", width_mm=130)

    _heading(doc, f"{next(n)}、季度进展")
    _para(doc, "各季度工作完成度 (每个单位取截至该季度最近一次报送): " + "; ".join(
        f"{t['label']}{'—' if t['completion'] is None else fmt(t['completion']) + '%'}" for t in data["trend"]) + "。")
    if "trend" in charts:
        _picture(doc, charts["trend"]["png"], "图4 各季度工作完成度")

    _para(doc, "")
    _para(doc, data["office"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(path))
    return path


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
