"""``YEAR-检查验收报告.docx``: the official-style Chinese inspection report (python-docx).

A4, 宋体 body and 黑体 headings with the East-Asian font set on every style and run (``w:eastAsia``)
so Word and WPS show Chinese in the intended face; tables with a repeated header row; the charts
embedded as PNG. Sections: title, 一、总体情况; 二、检查验收结论 (通过/未通过 and each failed rule);
三、分类完成情况; 四、各单位完成情况; 五、滞后任务; 六、量化指标完成情况; 七、报送情况; 八、季度进展.
The conclusion is one paragraph starting with "检查验收结论:".

``lang="en"`` writes the same report in English (:mod:`tracker.i18n`, docs/i18n.md): sections
"1. Overview" …, English words in Times New Roman / Arial, the Chinese data still in 宋体 / 黑体.
"""

from __future__ import annotations

from pathlib import Path

from tracker.i18n import EN, ZH, join, quarter_label, tr
from tracker.reports import rfonts
from tracker.scoring import fmt

BODY_FONT, HEAD_FONT = "宋体", "黑体"
# (East-Asian face, Latin face or None = the same): an English report keeps 宋体/黑体 for the
# Chinese data (unit names, item contents) and sets its own words in Times New Roman / Arial.
FONTS = {ZH: ((BODY_FONT, None), (HEAD_FONT, None)),
         EN: ((BODY_FONT, "Times New Roman"), (HEAD_FONT, "Arial"))}
RETURN_LABEL = {"on_time": "按时", "late": "逾期", "missing": "未报", "pending": "未到期"}
CN_NUM = "一二三四五六七八九十"


_RPR: dict[tuple, object] = {}  # (name, size, bold, latin) -> the <w:rPr> _set_font gives a fresh run


def _set_font(target, name, size=None, bold=None) -> None:
    """Set a run's or style's font, East-Asian included (python-docx sets only w:ascii/w:hAnsi).

    A new run (no <w:rPr> yet; thousands in the tables of a province) gets a copy of the <w:rPr>
    made once for the same arguments: the same XML, without python-docx's per-property search
    for where each child element goes (most of the time the Word report took)."""
    import copy

    from docx.text.run import Run

    name, latin = name if isinstance(name, tuple) else (name, None)
    if isinstance(target, Run) and target._r.rPr is None:
        key = (name, size, bold, latin)
        proto = _RPR.get(key)
        if proto is None:
            from docx.oxml import OxmlElement

            scratch = Run(OxmlElement("w:r"), None)
            _set_font_of(scratch, name, size, bold, latin)
            proto = _RPR[key] = scratch._r.rPr
        target._r.insert(0, copy.deepcopy(proto))
        return
    _set_font_of(target, name, size, bold, latin)


def _set_font_of(target, name: str, size=None, bold=None, latin: str | None = None) -> None:
    from docx.oxml.ns import qn

    font = target.font
    font.name = latin or name
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    fonts = rfonts(target.element)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name if attr == "w:eastAsia" else (latin or name))


def _styles(doc, fonts=FONTS[ZH]) -> None:
    from docx.shared import Pt, RGBColor

    body, head = fonts
    normal = doc.styles["Normal"]
    _set_font(normal, body, Pt(12))
    normal.paragraph_format.line_spacing = 1.3
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 13)):
        st = doc.styles[name]
        _set_font(st, head, Pt(size), bold=False)
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


def _para(doc, text: str = "", *, bold_prefix: str = "", indent: bool = True, align=None, size=None,
          fonts=FONTS[ZH]):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    if align is not None:
        p.alignment = align
    if bold_prefix:
        r = p.add_run(bold_prefix)
        _set_font(r, fonts[1], size, bold=False)
    if text:
        r = p.add_run(text)
        _set_font(r, fonts[0], size)
    return p


def _heading(doc, text: str, level: int = 1, fonts=FONTS[ZH]):
    h = doc.add_heading(level=level)
    r = h.add_run(text)
    _set_font(r, fonts[1])
    return h


def _table(doc, headers: list[str], rows: list[list], widths_mm: list[float] | None = None, shade=None,
           fonts=FONTS[ZH]):
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
        _set_font(p.add_run(h), fonts[1], Pt(10.5))
        _shade(cell, "D9E1F2")
    for ri, values in enumerate(rows):
        cells = t.add_row().cells
        for i, v in enumerate(values):
            cells[i].text = ""
            p = cells[i].paragraphs[0]
            text = "" if v is None else str(v)
            if isinstance(v, int | float) or len(text) <= 6:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(p.add_run(text), fonts[0], Pt(10.5))
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


def _picture(doc, path: Path, caption: str, width_mm: float = 150, max_height_mm: float = 200,
             fonts=FONTS[ZH]) -> None:
    """The PNG centred, as wide as width_mm but never taller than max_height_mm (fits one A4 page)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    w, h = _png_size(path)
    if w and h and width_mm * h / w > max_height_mm:
        width_mm = max_height_mm * w / h
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(str(path), width=Mm(width_mm))
    c = _para(doc, caption, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(10.5), fonts=fonts)
    c.paragraph_format.space_after = Pt(10)


def _png_size(path: Path) -> tuple[int, int]:
    head = Path(path).read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


LIGHT_FILL = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
RETURN_FILL = {"on_time": "C6EFCE", "late": "FFEB9C", "missing": "FFC7CE", "pending": None}


def behind(item: dict, lang: str = ZH) -> str:
    """The lead units of an item that are not at 100, with their progress: "天河区政府 60%、…"."""
    parts = [tr("{unit} {progress}", lang, unit=u,
                progress=tr("未报", lang, ctx="progress") if p is None else fmt(p) + "%")
             for u, p in item["lead_progress"].items() if p is None or p < 100]
    return join(parts, lang) or tr("(无可报送的牵头单位)", lang)


def conclusion_text(data: dict, lang: str = ZH) -> str:
    """The conclusion paragraph (after its bold "检查验收结论:" prefix)."""
    from tracker.reports.inspection import rule_message

    th = data["thresholds"]
    head = (tr("{year}年度工作完成度为{completion}%, 评分为{score}分 (合格要求: 工作完成度不低于{need_completion}%、"
               "评分不低于{need_score}分", lang, year=data["year"], completion=fmt(data["completion"]),
               score=fmt(data["score"]), need_completion=fmt(th["pass_completion"]),
               need_score=fmt(th["pass_score"]))
            + (tr(", 必做任务全部完成", lang) if th["mandatory_must_complete"] else "") + tr(")。", lang))
    if data["passed"]:
        return head + tr("结论: 通过。", lang)
    reasons = (";" if lang == ZH else "; ").join(f"{i}. {rule_message(f, lang)}"
                                                 for i, f in enumerate(data["failed_rules"], start=1))
    return head + tr("结论: 未通过。未通过原因: {reasons}。", lang, reasons=reasons)


def _section_no(i: int, lang: str) -> str:
    """一、 二、 … / 1. 2. …"""
    return f"{CN_NUM[i]}、" if lang == ZH else f"{i + 1}. "


def write_docx(data: dict, path: Path, charts: dict | None = None, lang: str = ZH) -> Path:
    """Write the Word report; ``lang`` "zh" (default) or "en" (:mod:`tracker.i18n`)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from tracker.reports.inspection import report_title

    def t(text, /, **fields):
        return tr(text, lang, **fields)

    fonts = FONTS[lang]
    charts = charts or {}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = docx.Document()
    _styles(doc, fonts)
    _page(doc)
    title = report_title(data["year"], lang)
    office = t(data["office"])
    doc.core_properties.title = title
    doc.core_properties.author = office

    tp = doc.add_paragraph(style="Title")
    tp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(tp.add_run(title), fonts[1], Pt(20))
    _para(doc, t("{office}    统计截至 {as_of}", office=office, as_of=data["as_of"]), indent=False,
          align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(12), fonts=fonts)

    def para(text="", **kw):
        return _para(doc, text, fonts=fonts, **kw)

    def table(*args, **kw):
        return _table(doc, *args, fonts=fonts, **kw)

    def picture(path, caption_no, caption, **kw):
        return _picture(doc, path, t("图{n} {title}", n=caption_no, title=t(caption)), fonts=fonts, **kw)

    sections = iter(range(len(CN_NUM)))

    def heading(text):
        return _heading(doc, _section_no(next(sections), lang) + t(text), fonts=fonts)

    plan, r = data["plan"], data["returns"]
    heading("总体情况")
    para(t("根据《{name}》, {year}年度共分解工作任务{items}项, 分为{categories}类, 涉及责任单位{units}个 "
           "(集合单位已按成员单位展开), 设量化指标{targets}个, 其中必做任务{mandatory}项。", name=plan["name"],
           year=data["year"], items=plan["items"], categories=plan["categories"], units=plan["units"],
           targets=len(data["targets"]), mandatory=data["mandatory"]["total"]))
    para(t("全年各单位应报送季度进展{total}次, 其中按时报送{on_time}次, 逾期报送{late}次, 未报送{missing}次",
           total=sum(r.values()), on_time=r["on_time"], late=r["late"], missing=r["missing"])
         + (t(", 未到截止日{pending}次", pending=r["pending"]) if r.get("pending") else "")
         + t("。年度数据取各单位本年度最后一次报送 (第四季度, 未报则取此前最近一次)。"))

    heading("检查验收结论")
    para(conclusion_text(data, lang), bold_prefix=t("检查验收结论:"))
    para(t("必做任务完成{done}/{total}项; 量化指标达标{met}/{targets}个; 滞后或预警任务{lagging}项。",
           done=data["mandatory"]["completed"], total=data["mandatory"]["total"], met=data["targets_met"],
           targets=len(data["targets"]), lagging=len(data["lagging"])))
    if data["unreported"]:
        para(t("以下任务没有任何牵头单位报送, 按完成度0计: {items}。", items=join(data["unreported"], lang)))

    heading("分类完成情况")
    table([t(h) for h in ("类号", "项目分类", "任务数", "已完成", "完成度(%)", "得分/分值")],
          [[c["category_no"], c["category"], c["items"], c["completed"], fmt(c["completion"]),
            f"{fmt(c['earned'])}/{fmt(c['points'])}"] for c in data["categories"]],
          [14, 70, 16, 16, 20, 24] if lang == ZH else [12, 50, 14, 24, 26, 26])
    if "category" in charts:
        picture(charts["category"]["png"], 1, "各类任务完成度")

    heading("各单位完成情况")
    para(t("完成度为本单位牵头任务最近一次报送进度的平均值 (未报送的任务按0计), 按完成度由高到低排列。"))
    units = sorted((u for u in data["units"] if u["lead_items"]), key=lambda u: (-(u["completion"] or 0), u["unit"]))
    table([t(h) for h in ("单位", "牵头任务", "已完成", "完成度(%)", "按时", "逾期", "未报")],
          [[u["unit"], u["lead_items"], u["completed"], fmt(u["completion"]), u["returns_on_time"],
            u["returns_late"], u["returns_missing"]] for u in units],
          [60, 18, 16, 20, 14, 14, 14] if lang == ZH else [44, 16, 24, 26, 16, 14, 18])
    if "units" in charts:
        picture(charts["units"]["png"], 2, "各单位完成度排名")

    heading("滞后任务")
    if data["lagging"]:
        para(t("以下{n}项任务年末未达到应达进度, 按完成度由低到高排列:", n=len(data["lagging"])))
        table([t(h) for h in ("序号", "工作内容", "未完成的牵头单位及进度", "完成度(%)", "状态")],
              [[it["number"], _short(it["content"], 60), behind(it, lang),
                fmt(it["completion"]), t(it["light_label"])] for it in data["lagging"]],
              [12, 70, 46, 18, 14] if lang == ZH else [12, 56, 42, 26, 20], shade=[[None] * 4 + [LIGHT_FILL[it["light"]]] for it in data["lagging"]])
    else:
        para(t("所有任务均已达到年末应达进度, 无滞后任务。"))

    heading("量化指标完成情况")
    if data["targets"]:
        met = [x for x in data["targets"] if x["met"]]
        para(t("共{n}个量化指标, 达标{met}个, 未达标或未报{other}个。多个牵头单位报送时, 每个单位都达到才算达标, "
               "实际值取最差的一个。", n=len(data["targets"]), met=len(met), other=len(data["targets"]) - len(met)))
        table([t(h) for h in ("序号", "指标", "目标", "实际", "是否达标")],
              [[x["number"], x["text"], x["goal"],
                tr("未报", lang, ctx="target") if x["actual"] is None else f"{fmt(x['actual'], 2)}{x['unit']}",
                t("达标") if x["met"] else (tr("未报", lang, ctx="target") if not x["reported"] else t("未达标"))]
               for x in data["targets"]],
              [12, 80, 24, 24, 20] if lang == ZH else [12, 72, 24, 26, 22], shade=[[None] * 4 + ["C6EFCE" if x["met"] else "FFC7CE"] for x in data["targets"]])
    else:
        para(t("本年度计划未设量化指标。"))

    heading("报送情况")
    quarters = [x["quarter"] for x in data["trend"]]
    problem_units = [u for u in data["units"] if u["returns_missing"] or u["returns_late"]]
    para(t("应报送单位{n}个。", n=len(data["units"])) + (
        t("其中{n}个单位存在逾期或未报送的情况, 列于下表; 其余单位没有逾期或未报 "
          "(全部单位的报送情况见汇总表“报送情况”工作表)。", n=len(problem_units))
        if problem_units else t("各单位均按时报送。")))
    if problem_units:
        table([t("单位")] + [quarter_label(i, lang) for i in range(len(quarters))]
              + [t(h) for h in ("按时", "逾期", "未报")],
              [[u["unit"]] + [t(RETURN_LABEL[u["quarters"][q]]) for q in quarters]
               + [u["returns_on_time"], u["returns_late"], u["returns_missing"]] for u in problem_units],
              [56] + [18] * len(quarters) + [12, 12, 12] if lang == ZH
              else [34] + [20] * len(quarters) + [14, 12, 18],
              shade=[[None] + [RETURN_FILL[u["quarters"][q]] for q in quarters] + [None] * 3
                     for u in problem_units])
    if "heatmap" in charts:
        picture(charts["heatmap"]["png"], 3, "各单位季度报送情况", width_mm=130)

    heading("季度进展")
    para(t("各季度工作完成度 (每个单位取截至该季度最近一次报送): ") + "; ".join(
        t("{label}{value}", label=_period_label(x, lang),
          value="—" if x["completion"] is None else fmt(x["completion"]) + "%") for x in data["trend"])
         + ("。" if lang == ZH else "."))
    if "trend" in charts:
        picture(charts["trend"]["png"], 4, "各季度工作完成度")

    para("")
    para(office, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(path))
    return path


def _period_label(trend_row: dict, lang: str) -> str:
    from tracker.i18n import period_label

    return trend_row["label"] if lang == ZH else period_label(trend_row["period"], lang)


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
