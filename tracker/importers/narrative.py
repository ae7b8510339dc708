"""Narrative plans: numbered measures, each ending in "(责任单位:A、B、C)" (seeds/002, Chenzhou 2009).

Read from .txt (any encoding :func:`tracker.detect.decode_text` knows) or from .docx (paragraph
text, via python-docx). Rules:

* A **measure** starts at a paragraph that begins with a number — "(一)", "(十)", "1.", "1、", "1)",
  "一、" (half- or full-width brackets and dots) — and runs on over the following unnumbered
  paragraphs, so a measure wrapped over two paragraphs (or a responsibility parenthesis broken by a
  line break) is rejoined without a space. Only measures that contain a responsibility marker are
  items; headings, goals and implementation steps without one are skipped.
* The **marker** is "(责任单位:…)" with half- or full-width brackets and colon; 牵头单位, 责任部门,
  牵头部门, 负责单位, 主办单位, 承办单位, 实施单位 are accepted too. When the marker names both
  sides — "(牵头单位:A、B;配合单位:C、D)" — the named sides are used (A and B lead). Otherwise, by convention, the
  **first unit listed leads** and the rest participate: ``RawRow.lead`` is the first unit,
  ``participants`` the others joined with 、 (split with :func:`tracker.units.split_units`, so
  "各县、市、区…" stays whole).
* **content** is the measure without its number and without the marker parenthesis.
* **number** is the measure's own number (Chinese numerals become ints). When no measure has a
  number in its text (Word's automatic numbering), items are numbered 1, 2, 3 … in order. When
  numbers repeat or some are missing (numbering restarts in each section), items are renumbered in
  order, the written number is kept in ``extra["原编号"]`` and a warning says so. Unique numbers are
  kept as written, so a gap is reported by the plan builder; a numbered measure without a marker
  between two items gets a warning ("no-responsibility") that explains the gap.
* A narrative plan has **no categories**: category_no and category are "".
* **Title**: the plan's own title line ("郴州市国家知识产权试点城市工作方案"; else the notice title
  without "关于印发…的通知"), prefixed with the plan's year when the title has none —
  "2009年郴州市国家知识产权试点城市工作方案", the form of "2007年广州市…工作分解表". The year is the
  issue date (二○○九年十一月二十三日), else the year of the notice's document number
  (郴政办函[2009]306号), else the year mentioned most often in the text.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

from tracker.detect import Detected
from tracker.importers.base import source_name, source_path, source_text
from tracker.model import RawRow, RawTable, Where
from tracker.problems import InputError, Problem, Problems

_LABELS = r"责任单位|牵头单位|责任部门|牵头部门|负责单位|主办单位|承办单位|实施单位|责任处室"
_OTHER_SIDE = r"配合单位|参与单位|协办单位|配合部门|参与部门|协办部门"
_OPEN, _CLOSE = "(\uff08", ")\uff09"
MARKER = re.compile(rf"[{_OPEN}]\s*(?:{_LABELS})\s*[:\uff1a]")
_CN = "〇○零一二两三四五六七八九十"
NUMBERING = re.compile(
    rf"^\s*(?:[{_OPEN}]\s*(?P<a>[{_CN}]+|\d+)\s*[{_CLOSE}]"  # (一) (1)
    rf"|(?P<b>\d+)\s*(?:[.、\uff0e]|[{_CLOSE}])(?!\d)"  # 1. 1、 1)
    rf"|(?P<c>[{_CN}]+)\s*[、.])"  # 一、
)
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*[一二三四五六七八九十]{1,3}\s*月")
_DOCNO = re.compile(r"[\[〔(【]\s*((?:19|20)\d\d)\s*[\]〕)】]\s*\d+\s*号")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
_TITLE_END = ("工作方案", "实施方案", "工作计划", "行动计划", "工作要点", "分解方案", "工作规划", "实施意见",
              "工作安排", "分解表", "方案", "计划", "要点")


def looks_narrative(text: str) -> bool:
    """True when the text has at least two responsibility markers "(责任单位:…)"."""
    return len(MARKER.findall(text or "")) >= 2


# -- reading ----------------------------------------------------------------------------------------
def extract_docx_paragraphs(path: Path) -> list[str]:
    """The text of every body paragraph of a Word document, in order (tables are skipped), with
    the number Word's list numbering (numPr) shows put in front, as the reader sees it."""
    import docx  # python-docx

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises several kinds for a damaged file
        raise InputError(Problem("corrupt-file", f"无法读取 Word 文档: {e}", file=Path(path).name)) from None
    numbering = _Numbering(document)
    return [numbering.prefix(p) + p.text for p in document.paragraphs]


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_FMT = {"chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified",
           "ideographDigital", "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand"}


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


class _Numbering:
    """Word list numbering: the text a numbered paragraph shows before its own text ("1.", "（一）"),
    counted per list and level as Word counts (a level restarts after a higher level)."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, text, start)
        self.counts: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for an in root.iter(f"{_W}abstractNum"):
            lv = {}
            for lvl in an.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                txt = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lv[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    txt.get(f"{_W}val", "") if txt is not None else "",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1)
            abstract[an.get(f"{_W}abstractNumId")] = lv
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})

    def prefix(self, paragraph) -> str:
        ppr = paragraph._p.pPr
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if numpr is None and paragraph.style is not None and paragraph.style.element.pPr is not None:
            numpr = paragraph.style.element.pPr.find(f"{_W}numPr")
        if numpr is None or not paragraph.text.strip():
            return ""
        nid = numpr.find(f"{_W}numId")
        ilvl = numpr.find(f"{_W}ilvl")
        num_id = nid.get(f"{_W}val") if nid is not None else None
        level = int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0
        if num_id in (None, "0") or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        counts = self.counts.setdefault(num_id, {})
        fmt, text, start = levels.get(level, ("decimal", f"%{level + 1}.", 1))
        counts[level] = counts.get(level, start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        if fmt in ("bullet", "none"):
            return ""

        def shown(k: int) -> str:
            f, _t, st = levels.get(k, ("decimal", "", 1))
            n = counts.get(k, st)
            return _cn(n) if f in _CN_FMT else str(n)

        return re.sub(r"%(\d)", lambda m: shown(int(m.group(1)) - 1), text)


def docx_tables_have_header(path: Path) -> bool:
    """Whether a Word document has a table whose first rows look like a decomposition-table header
    (a unit column and a content column)."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception:
        return False
    for table in document.tables:
        for row in table.rows[:3]:
            try:
                cells = [c.text for c in row.cells]
            except (IndexError, ValueError):  # malformed merged cells
                continue
            text = "".join(cells).replace(" ", "").replace("\u3000", "")
            if "单位" in text and any(w in text for w in ("内容", "任务", "工作", "措施", "事项")):
                return True
    return False


def docx_is_narrative(path: Path) -> bool:
    """A Word document with no decomposition table but numbered measures with (责任单位:…), or a
    具体任务 section of numbered tasks (the national plan)."""
    if docx_tables_have_header(path):
        return False
    try:
        text = "\n".join(extract_docx_paragraphs(path))
    except InputError:
        return False
    return looks_narrative(text) or looks_task_plan(text)


def identify(d: Detected) -> int:
    """A text of numbered measures ending in (责任单位:…), or with a 具体任务 section. (A Word
    document of that kind is found by the Word importer, :mod:`tracker.importers.docx`.)"""
    if d.format != "text" or d.text is None:
        return 0
    return 2 if looks_narrative(d.text) or looks_task_plan(d.text) else 0


def _paragraphs(source: Path | Detected) -> list[str]:
    if isinstance(source, Detected) and source.format == "docx":
        return extract_docx_paragraphs(source_path(source))
    if not isinstance(source, Detected) and zipfile.is_zipfile(source):
        return extract_docx_paragraphs(Path(source))
    return source_text(source).replace("\r\n", "\n").replace("\r", "\n").split("\n")


# -- parsing ----------------------------------------------------------------------------------------
def _number(m: re.Match) -> int | None:
    from tracker.plan_builder import chinese_numeral

    s = m.group("a") or m.group("b") or m.group("c")
    if s.isdigit():
        return int(s)
    return chinese_numeral(s.replace("两", "二").replace("〇", "零").replace("○", "零"))


def _marker_span(text: str) -> tuple[int, int, str, bool] | None:
    """(start, end, inside, closed) of the last responsibility parenthesis, brackets balanced."""
    found = list(MARKER.finditer(text))
    if not found:
        return None
    m = found[-1]
    depth = 0
    for i in range(m.start(), len(text)):
        if text[i] in _OPEN:
            depth += 1
        elif text[i] in _CLOSE:
            depth -= 1
            if depth == 0:
                return m.start(), i + 1, text[m.start() + 1:i], True
    return m.start(), len(text), text[m.start() + 1:], False


def _sides(inside: str) -> tuple[str, str]:
    """(lead, participants) from the inside of the marker parenthesis."""
    from tracker.units import split_units

    other = re.search(rf"[;\uff1b,\uff0c。\s]*(?:{_OTHER_SIDE})\s*[:\uff1a]", inside)
    head = re.sub(rf"^\s*(?:{_LABELS})\s*[:\uff1a]\s*", "", inside)
    if other:
        lead_text = re.sub(rf"^\s*(?:{_LABELS})\s*[:\uff1a]\s*", "", inside[:other.start()])
        return lead_text.strip(), inside[other.end():].strip()
    units = split_units(head)
    if not units:
        return "", ""
    return units[0], "、".join(units[1:])


def _title_and_year(paras: list[str]) -> tuple[str, int | None]:
    lines = [p.strip() for p in paras if p.strip()]
    text = "\n".join(lines)
    title = ""
    for line in lines:
        if (len(line) <= 40 and line.endswith(_TITLE_END) and not re.search(r"[,\uff0c。;\uff1b:\uff1a]", line)
                and "关于" not in line and not line.startswith(("《", "【"))):
            title = line
            break
    if not title:
        for line in lines:
            m = re.search(r"关于(?:印发|下发|转发)?(.+?)的通知", line)
            if m:
                title = m.group(1).strip("《》")
                break
    year = None
    m = _CN_DATE.search(text)
    if m:
        digits = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
                  "六": "6", "七": "7", "八": "8", "九": "9"}
        year = int("".join(digits[c] for c in m.group(1)))
    if year is None:
        for line in lines[:15]:
            m = _DOCNO.search(line)
            if m:
                year = int(m.group(1))
                break
    if year is None:
        years = Counter(int(y) for y in _YEAR.findall(text))
        if years:
            best = max(years.values())
            year = next(int(y) for y in _YEAR.findall(text) if years[int(y)] == best)
    if title and year and not re.search(r"(?:19|20)\d\d", title):
        title = f"{year}年{title}"
    return title, year


def parse_paragraphs(paras: list[str], source: str, problems: Problems) -> RawTable:
    """The items of a narrative plan given as paragraphs (lines of a .txt, paragraphs of a .docx)."""
    measures: list[tuple[int | None, str, int, str]] = []  # (number, text, first paragraph, style)
    cur: list[str] | None = None
    cur_no: int | None = None
    cur_at = 0
    cur_style = ""
    closed = True

    def flush():
        if cur is not None:
            measures.append((cur_no, "".join(cur), cur_at, cur_style))

    for idx, para in enumerate(paras, 1):
        p = para.strip().replace("\u3000", " ")
        if not p:
            continue
        m = NUMBERING.match(p)
        if m:
            flush()
            cur, cur_no, cur_at = [p[m.end():].strip()], _number(m), idx
            cur_style = m.lastgroup or ""
            closed = MARKER.search(p) is not None and _ends_with_marker(p)
        elif MARKER.search(p) and (cur is None or closed or _is_heading(cur)):
            # a measure with no number in its text (Word's automatic numbering)
            flush()
            cur, cur_no, cur_at, cur_style = [p], None, idx, ""
            closed = _ends_with_marker(p)
        elif cur is not None and not closed:
            cur.append(p)
            joined = "".join(cur)
            closed = MARKER.search(joined) is not None and _ends_with_marker(joined)
        else:
            flush()
            cur = None
    flush()

    marked = [i for i, m in enumerate(measures) if MARKER.search(m[1])]
    item_style = Counter(measures[i][3] for i in marked).most_common(1)[0][0] if marked else ""
    rows: list[RawRow] = []
    for idx, (number, text, at, style) in enumerate(measures):
        span = _marker_span(text)
        if span is None:
            if marked and marked[0] < idx < marked[-1] and number is not None and style == item_style:
                problems.warn("no-responsibility", f"第 {number} 条措施没有“(责任单位:…)”, 未作为任务导入",
                              file=source, row=at)
            continue
        start, end, inside, _closed = span
        after = text[end:].strip()
        if not after.strip("。.;\uff1b,\uff0c"):
            after = ""  # only the full stop after the parenthesis
        content = text[:start].strip() + after
        lead, parts = _sides(inside)
        rows.append(RawRow(number="" if number is None else str(number), content=content, lead=lead,
                           participants=parts, where=Where(file=source, row=at)))
    numbers = [r.number for r in rows]
    if all(numbers) and len(set(numbers)) == len(numbers):
        pass  # every measure has its own number: kept as written (a gap is the builder's error)
    elif not any(numbers):
        for i, r in enumerate(rows, 1):  # Word's automatic numbering: number in order
            r.number = str(i)
    else:
        problems.warn("renumbered", "叙述式方案的措施编号有重复或缺失 (可能各部分分别编号), "
                      f"已按出现顺序重新编号为 1—{len(rows)}", file=source)
        for i, r in enumerate(rows, 1):
            r.extra["原编号"] = r.number
            r.number = str(i)
    title, _year = _title_and_year(paras)
    return RawTable(rows=rows, title=title, format="narrative", source=source)


def _is_heading(parts: list[str]) -> bool:
    """A numbered heading ("（一）加强组织领导"): one short paragraph with no marker and no punctuation
    at its end (a measure's first sentence ends in 。 before its marker on the next line); the
    measure after a heading is not glued onto it."""
    return (len(parts) == 1 and len(parts[0]) <= 30 and not MARKER.search(parts[0])
            and not parts[0].endswith(("。", ".", "\uff0c", ",", "、", "\uff1b", ";", "\uff1a", ":", "!", "\uff01")))


def _ends_with_marker(text: str) -> bool:
    """Whether text ends with a closed responsibility parenthesis (then perhaps 。)."""
    span = _marker_span(text)
    return span is not None and span[3] and not text[span[1]:].strip(" 。.;\uff1b")


def extract(source: Path | Detected, problems: Problems, options=None) -> RawTable:
    """Read a narrative plan (.txt or .docx) into raw rows."""
    name = source_name(source)
    paras = _paragraphs(source)
    if not any(p.strip() for p in paras):
        raise InputError(Problem("empty-file", "文件里没有文字", file=name))
    raw = parse_any(paras, name, problems, getattr(options, "unit", ""))
    if not raw.rows:
        raise InputError(Problem("no-items", "没有找到以“(责任单位:…)”结尾的编号措施, 也没有“具体任务”一节, "
                                 "无法作为叙述式方案导入", file=name))
    return raw


def parse_any(paras: list[str], source: str, problems: Problems, unit: str = "") -> RawTable:
    """Measures with "(责任单位:…)" when the text has them, else the tasks of a 具体任务 section."""
    text = "\n".join(paras)
    if looks_narrative(text) or not looks_task_plan(text):
        return parse_paragraphs(paras, source, problems)
    return parse_tasks(paras, source, problems, unit)


# -- plans whose tasks name no unit (the national 2015 plan, seeds/001) ---------------------------
_TOP = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.\uff0e]\s*(.*)$")
_TASK_SECTION = re.compile(r"^(?:具体任务|主要任务|重点任务|工作任务|重点工作|主要工作|任务分工|任务安排)")
_TASK = re.compile(rf"^\s*[{_OPEN}]\s*([{_CN}]+)\s*[{_CLOSE}]\s*(.*)$")
_PART = re.compile(r"^\s*(\d+)\s*[.\uff0e、]\s*(工作目标|工作要求|工作支持|工作措施|目标|要求|支持|措施)"
                   r"\s*[。.\uff0e:\uff1a]?\s*(.*)$")
_MANDATORY_FIRST = re.compile(r"前\s*(\d+|[一二三四五六七八九十]+)\s*项(?:任务|工作)?\s*(?:为|是|属于)\s*必做")


def looks_task_plan(text: str) -> bool:
    """A plan with a section "三、具体任务" (主要任务, 重点任务 …) holding two or more tasks "(一)…"."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        m = _TOP.match(ln)
        if m and _TASK_SECTION.match(m.group(2)):
            tasks = 0
            for nxt in lines[i + 1:]:
                if _TOP.match(nxt):
                    break
                tasks += bool(_TASK.match(nxt))
            if tasks >= 2:
                return True
    return False


def parse_tasks(paras: list[str], source: str, problems: Problems, unit: str = "") -> RawTable:
    """The tasks "(一)…" of the plan's 具体任务 section, each with its 1.工作目标 / 2.工作要求 /
    3.工作支持 parts kept in ``extra``. The content is the task's title and its 工作要求 (what a city
    is inspected on; without one, all its text), as in sample_plans/national-2015.xlsx. The lead is
    ``unit`` (the city itself: the plan is addressed to it). "前4项任务为必做工作" in the text makes
    the first 4 mandatory (a parenthesis such as "(第三批示范城市为前6项)" is another batch's rule and
    is not read)."""
    from tracker.plan_builder import chinese_numeral

    lines = [p.strip().replace("\u3000", " ") for p in paras if p and p.strip()]
    text = "\n".join(lines)
    if not unit.strip():
        raise InputError(Problem("no-unit", "这份方案的任务没有写责任单位, 牵头单位是本市自己: 请用 --unit 指定 "
                                 "(例如 --unit 市知识产权局), 或在 tracker.toml 的 [office] 写 name", file=source))
    start = end = None
    for i, ln in enumerate(lines):
        m = _TOP.match(ln)
        if start is None and m and _TASK_SECTION.match(m.group(2)):
            start = i + 1
        elif start is not None and m:
            end = i
            break
    body = lines[start:end] if start is not None else []
    tasks: list[dict] = []
    part = None
    for at, ln in enumerate(body, (start or 0) + 1):
        m = _TASK.match(ln)
        if m:
            tasks.append({"no": chinese_numeral(m.group(1).replace("两", "二")), "title": m.group(2).strip(),
                          "parts": {}, "order": [], "at": at, "loose": []})
            part = None
            continue
        if not tasks:
            continue
        p = _PART.match(ln)
        if p:
            label = p.group(2) if p.group(2).startswith("工作") else "工作" + p.group(2)
            part = label
            tasks[-1]["parts"][label] = p.group(3).strip()
            tasks[-1]["order"].append(label)
        elif part is not None:
            tasks[-1]["parts"][part] += ln
        else:
            tasks[-1]["loose"].append(ln)
    flat = re.sub(rf"[{_OPEN}][^{_CLOSE}]*[{_CLOSE}]", "", text)
    m = _MANDATORY_FIRST.search(flat)
    first_n = 0
    if m:
        first_n = int(m.group(1)) if m.group(1).isdigit() else (chinese_numeral(m.group(1)) or 0)
    rows = []
    for k, t in enumerate(tasks, 1):
        req = t["parts"].get("工作要求")
        body_text = req if req is not None else "".join(t["loose"] + [t["parts"][x] for x in t["order"]])
        rows.append(RawRow(number=str(t["no"] or k), content=t["title"] + body_text, lead=unit.strip(),
                           mandatory="必做" if k <= first_n else ("选做" if first_n else ""),
                           extra={x: t["parts"][x] for x in t["order"]},
                           where=Where(file=source, row=t["at"])))
    if rows and not first_n:
        problems.warn("mandatory-unknown", "没有找到“前N项任务为必做”的说明, 所有任务按选做导入", file=source)
    title, _year = _title_and_year(lines)
    return RawTable(rows=rows, title=title, format="narrative", source=source)
