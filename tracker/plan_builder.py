"""Raw rows -> a checked :class:`~tracker.model.Plan`.

Every importer ends here, so every form of the table gets the same checks and the same splitting:
numbers are whole and unique, every item has a lead unit, units are split and aliased, targets are
pulled out of the text. Errors are collected, not raised one at a time.
"""

from __future__ import annotations

import re
import unicodedata

from tracker.model import Item, Plan, RawRow, RawTable, item_id
from tracker.problems import InputError, Problems
from tracker.safety import xml_safe, xml_safe_problem
from tracker.targets import extract_targets
from tracker.units import Registry, is_collective, split_roles

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2018-\u201f\u2026\u2014\u00b7"
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_CONT = re.compile(r"[(\uff08]\s*续\s*[)\uff09]")


def join_text(s: str) -> str:
    """Cell text without layout: line breaks and spaces next to Chinese removed, other runs of
    space folded to one. "工 作 内 容" -> "工作内容"; "GB/T 29490" keeps its space."""
    if not s:
        return ""
    s = s.replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    s = _SPACE_NEAR_CJK.sub("", s)
    s = re.sub(r"\s*\n\s*", "", s)
    s = re.sub(r"[ \t]+", " ", s)
    return s.strip()


def chinese_numeral(s: str) -> int | None:
    """一 -> 1, 十一 -> 11, 二十三 -> 23; None if s is not a Chinese numeral (up to 99)."""
    s = s.strip()
    if not s or any(ch not in CN_DIGITS and ch != "十" for ch in s):
        return None
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = CN_DIGITS[tens] if tens else 1
        o = CN_DIGITS[ones] if ones else 0
        return t * 10 + o
    if len(s) == 1:
        return CN_DIGITS[s]
    return None


def clean_category_no(s: str) -> str:
    s = _CONT.sub("", join_text(s))
    return s.strip(" 、.,\uff0c\uff0e")


def clean_category(s: str) -> str:
    return _CONT.sub("", join_text(s)).strip()


def parse_number(s: str) -> int | None:
    """A plain item number: "3", "3.0", "3.", "3、", "3．", "三" -> 3; None for anything else."""
    s = unicodedata.normalize("NFKC", join_text(s)).strip().rstrip(".、")
    if re.fullmatch(r"\d+", s):
        return int(s)
    if re.fullmatch(r"\d+\.0+", s):
        return int(float(s))
    n = chinese_numeral(s.strip("()\uff08\uff09"))
    return n


_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)} | {chr(0x3251 + i): i + 21 for i in range(15)}
_DOTTED = re.compile(r"(\d+)(?:\s*[.\-]\s*(\d+)){1,3}\.?")
_PAREN = re.compile(r"\(\s*(\d+)\s*\)")
_DI = re.compile(r"第\s*(\d+|[一二三四五六七八九十两]+)\s*[项条个点]?")


def parse_label(s: str) -> tuple[int | None, str]:
    """(value, style) of a written item number. Styles: "plain" (3, 3., 三), "dotted" (1.1, 1-1),
    "paren" ((1) / （1）), "circled" (①), "di" (第1项); (None, "") when it is none of them."""
    raw = join_text(s).strip()
    if raw in _CIRCLED:
        return _CIRCLED[raw], "circled"
    n = parse_number(raw)
    if n is not None:
        return n, "plain"
    t = unicodedata.normalize("NFKC", raw).strip()
    if m := _PAREN.fullmatch(t):
        return int(m.group(1)), "paren"
    if (m := _DOTTED.fullmatch(t)) and not re.fullmatch(r"\d+\.0+", t):
        return int(re.findall(r"\d+", t)[-1]), "dotted"
    if m := _DI.fullmatch(t):
        v = m.group(1)
        return (int(v) if v.isdigit() else chinese_numeral(v.replace("两", "二"))), "di"
    return None, ""


def parse_mandatory(s: str) -> bool:
    s = join_text(s)
    return s in {"必做", "是", "√", "✓", "Y", "y", "yes", "Yes", "必选", "必须", "1", "TRUE", "True",
                 "必做任务", "必做工作"}


FOOTNOTE = re.compile(r"^\s*(注|备注|说明|附注|填表说明)\s*[:\uff1a\d]")
#: a total line under the table: 合计, 总计, 小计, 共54项, 共计 …
TOTAL_ROW = re.compile(r"^\s*(?:合\s*计|总\s*计|小\s*计|共\s*计|共\s*\d+\s*[项条个]|总\s*数)")


def build_plan(raw: RawTable, *, year: int, name: str, registry: Registry | None = None,
               problems: Problems | None = None) -> Plan:
    """Check and interpret raw rows. Raises InputError with every problem if any is an error;
    warnings are left in ``problems`` for the summary.

    Numbering (issue 11): an item is identified by its category and its number.

    * Plain numbers unique in the plan (1, 2 … 54): ``number`` is the written number, as always.
    * Plain numbers that restart in each category (every category's first item is 1): valid;
      ``number`` is the item's position in the plan (so ids stay unique) and ``label`` keeps the
      written number; duplicates and gaps are looked for inside each category.
    * Other written forms ("1.1", "1-1", "（1）", "①", "第1项"): ``label`` keeps the form, ``number`` is
      the position, and (category, label) must be unique. A dotted "2.5" among plain numbers is a
      mistake ("bad-number"), as before.
    * No number column (``raw.numbered`` False): numbered by position, with one warning.
    """
    registry = registry or Registry()
    problems = problems if problems is not None else Problems()
    spelled: list[tuple[list[str], str, dict]] = []
    # In a spreadsheet, csv, Word or web cell a line break separates units (Alt+Enter); in box text
    # pasted from a PDF, and in a PDF itself, it is only layout and may fall inside a name.
    cell_breaks = raw.format not in ("text", "narrative", "pdf")
    category_no, category = "", ""
    cands: list[tuple[RawRow, int | None, str, tuple, dict]] = []  # row, value, style, group, loc
    for row in raw.rows:
        w = row.where
        loc = dict(file=w.file or raw.source, sheet=w.sheet, row=w.row)
        _xml_safe_row(row, problems, loc)
        content = join_text(row.content)
        num_text = join_text(row.number)
        if not num_text and FOOTNOTE.match(content or ""):
            problems.warn("footnote-row", f"这一行像是注释或说明, 没有作为任务导入: {content[:30]}", **loc)
            continue
        if TOTAL_ROW.match(num_text) or (TOTAL_ROW.match(content) and not join_text(row.lead)
                                         and len(content) <= 20):
            problems.warn("total-row", f"合计行, 没有作为任务导入: {(num_text + ' ' + content).strip()[:30]}",
                          **loc)
            continue
        if row.category_no.strip() or row.category.strip():
            category_no = clean_category_no(row.category_no) or category_no
            category = clean_category(row.category) or category
        sub_no, sub = clean_category_no(row.subcategory_no), clean_category(row.subcategory)
        if not raw.numbered:
            value, style = len(cands) + 1, "position"
        else:
            value, style = parse_label(row.number)
            if value is None:
                cell = w.cells.get("number", "")
                if not num_text:
                    problems.add("missing-number", f"任务缺少序号: {content[:30]}", cell=cell, **loc)
                else:
                    problems.add("bad-number", f"序号“{num_text}”不是整数", cell=cell, **loc)
                continue
        cands.append((row, value, style, (category_no, category, sub_no, sub), loc))

    if not raw.numbered and cands:
        problems.warn("numbered-by-position", f"表格没有序号列, 任务按出现顺序编号为 1—{len(cands)}",
                      file=raw.source)
    styles = {st for _r, _v, st, _g, _l in cands}
    plain = sum(1 for c in cands if c[2] == "plain")
    if "dotted" in styles and plain * 2 > len(cands):  # "2.5" among 1, 2, 3: a typing mistake
        for row, _v, st, _g, loc in cands:
            if st == "dotted":
                problems.add("bad-number", f"序号“{join_text(row.number)}”不是整数",
                             cell=row.where.cells.get("number", ""), **loc)
        cands = [c for c in cands if c[2] != "dotted"]
        styles.discard("dotted")
    mode = "plain"
    if styles - {"plain"}:
        mode = "label"
    elif _restarts(cands):
        mode = "restart"

    out: list[Item] = []
    seen: dict[tuple, RawRow] = {}
    for pos, (row, value, style, group, loc) in enumerate(cands, 1):
        w = row.where
        content = join_text(row.content)
        if mode == "plain":
            number, label, key = value, "", value
        else:
            number = pos
            label = join_text(row.number) if style not in ("plain", "position") else str(value)
            label = "" if style == "position" else label
            key = ("position", pos) if style == "position" else (
                group, unicodedata.normalize("NFKC", label) if style != "plain" else value)
        if key in seen:
            first = seen[key].where
            problems.add("duplicate-number",
                         f"序号 {join_text(row.number)} 重复 (第一次出现在{_where_text(first)})",
                         cell=w.cells.get("number", ""), **loc)
            continue
        seen[key] = row
        shown = label or str(number)
        if not content:
            problems.add("missing-content", f"序号 {shown} 的工作内容为空",
                         cell=w.cells.get("content", ""), **loc)
        lead_raw = unit_text(row.lead, cell_breaks)
        part_raw = unit_text(row.participants, cell_breaks)
        lead, parts = _roles(lead_raw, part_raw, raw.first_unit_leads, registry)
        if not lead:
            problems.add("missing-lead", f"序号 {shown} 没有负责(牵头)单位",
                         cell=w.cells.get("lead", ""), **loc)
        spelled.append((lead + parts, w.cells.get("lead", ""), loc))
        out.append(Item(
            id=item_id(year, number), number=number, content=content, lead=lead, participants=parts,
            lead_raw=lead_raw, participants_raw=part_raw, category_no=group[0], category=group[1],
            mandatory=parse_mandatory(row.mandatory), targets=extract_targets(content),
            extra={k: join_text(v) for k, v in row.extra.items() if join_text(v)},
            label=label, subcategory_no=group[2], subcategory=group[3],
        ))
    _warn_close_spellings(spelled, registry, problems)
    if not raw.rows:
        problems.add("no-items", "没有找到任何任务行", file=raw.source)
    elif mode == "plain" and seen:
        _check_gaps([k for k in seen], "", raw.source, problems)
    elif mode == "restart":
        by_group: dict[tuple, list[int]] = {}
        for (group, value) in seen:
            by_group.setdefault(group, []).append(value)
        for group, values in by_group.items():
            _check_gaps(values, f"“{group[0]}{group[1]}”类中", raw.source, problems)
    if problems.errors:
        raise InputError(problems)
    name, removed = xml_safe(name)
    if removed:
        problems.items.append(xml_safe_problem(removed, file=raw.source))
    return Plan(name=name, year=year, items=out, source=raw.source, format=raw.format)


RAW_TEXT_FIELDS = ("number", "content", "lead", "participants", "category_no", "category", "mandatory",
                   "subcategory_no", "subcategory")


def _xml_safe_row(row: RawRow, problems: Problems, loc: dict) -> None:
    """Remove what XML cannot hold from every text of the row (tracker.safety.xml_safe), with a
    warning naming the cell: every writer (Word, Excel, HTML) can then take every stored text."""
    for f in RAW_TEXT_FIELDS:
        clean, n = xml_safe(getattr(row, f))
        if n:
            setattr(row, f, clean)
            problems.items.append(xml_safe_problem(n, cell=row.where.cells.get(f, ""), **loc))
    for k, v in list(row.extra.items()):
        clean, n = xml_safe(v)
        if n:
            row.extra[k] = clean
            problems.items.append(xml_safe_problem(n, cell=row.where.cells.get(k, ""), **loc))


def _restarts(cands) -> bool:
    """Plain numbers that restart in each category: repeated across categories, and every
    category (two or more) starts again at 1."""
    values = [c[1] for c in cands]
    if len(set(values)) == len(values):
        return False
    firsts: dict[tuple, int] = {}
    for _row, value, _st, group, _loc in cands:
        firsts.setdefault(group, value)
    return len(firsts) >= 2 and all(v == 1 for v in firsts.values())


def _check_gaps(values: list[int], where: str, source: str, problems: Problems) -> None:
    missing = sorted(set(range(1, max(values) + 1)) - set(values))
    if missing:
        shown = "、".join(str(m) for m in missing[:20]) + (" 等" if len(missing) > 20 else "")
        problems.add("missing-number", f"{where}序号不连续, 缺少: {shown}", file=source)


def _roles(lead_raw: str, part_raw: str, first_leads: bool, registry: Registry) -> tuple[list[str], list[str]]:
    """Lead and participant lists of one item: lead marks in either cell decide; else, with the
    "排在第一位的为牵头单位" note and one unit column, the first unit leads; else the lead cell leads."""
    leads, others, marked = split_roles(lead_raw, registry)
    p_leads, parts, p_marked = split_roles(part_raw, registry)
    if p_marked:
        leads, parts = leads + p_leads, others + parts
    else:
        parts = others + p_leads
    if not marked and not p_marked and first_leads and leads:
        leads, parts = leads[:1], leads[1:] + parts
    lead = _dedupe([registry.canonical(u) for u in leads])
    parts = [p for p in _dedupe([registry.canonical(u) for u in parts]) if p not in lead]
    return lead, parts


def unit_text(s: str, cell_breaks: bool) -> str:
    """A unit cell's text, joined; with ``cell_breaks`` a line break between two names becomes 、."""
    if cell_breaks and s and "\n" in s.strip():
        parts = [join_text(p) for p in s.replace("\r", "\n").split("\n")]
        return "、".join(p.strip("、,\uff0c;\uff1b") for p in parts if p)
    return join_text(s)


def _warn_close_spellings(spelled, registry: Registry, problems: Problems) -> None:
    """Warn where a unit named once is spelled close to a known unit or to one named more often in
    this plan ("市知识产杈局" beside many "市知识产权局")."""
    from collections import Counter

    counts = Counter(u for names, _, _ in spelled for u in names)
    registry.learn(u for u, n in counts.items() if n >= 2)
    warned = set()
    for names, cell, loc in spelled:
        for u in names:
            if counts[u] >= 2 or u in warned or is_collective(u):  # 各有关单位 vs 有关单位: no typo
                continue
            suggestion = registry.close_match(u)
            if suggestion and suggestion != u:
                warned.add(u)
                problems.warn("unit-spelling", f"单位“{u}”与已知单位“{suggestion}”很接近, 是否写错?",
                              cell=cell, **loc)


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for n in names:
        seen.setdefault(n, None)
    return list(seen)


def _where_text(w) -> str:
    parts = []
    if w.sheet:
        parts.append(f"工作表 {w.sheet} ")
    if w.row is not None:
        parts.append(f"第{w.row}行")
    return "".join(parts) or "前面"


YEAR_IN_TITLE = re.compile(r"((?:19|20)\d\d)\s*年")


def guess_year(*texts: str) -> int | None:
    for t in texts:
        m = YEAR_IN_TITLE.search(t or "")
        if m:
            return int(m.group(1))
    for t in texts:
        m = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", t or "")
        if m:
            return int(m.group(1))
    return None
