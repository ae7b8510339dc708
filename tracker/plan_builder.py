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
from tracker.targets import extract_targets
from tracker.units import Registry, is_collective, split_units

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
    s = unicodedata.normalize("NFKC", join_text(s)).strip().rstrip(".、")
    if re.fullmatch(r"\d+", s):
        return int(s)
    if re.fullmatch(r"\d+\.0+", s):
        return int(float(s))
    n = chinese_numeral(s.strip("()\uff08\uff09"))
    return n


def parse_mandatory(s: str) -> bool:
    s = join_text(s)
    return s in {"必做", "是", "√", "✓", "Y", "y", "yes", "Yes", "必选", "必须", "1", "TRUE", "True"}


FOOTNOTE = re.compile(r"^\s*(注|备注|说明|附注|填表说明)\s*[:\uff1a\d]")


def build_plan(raw: RawTable, *, year: int, name: str, registry: Registry | None = None,
               problems: Problems | None = None) -> Plan:
    """Check and interpret raw rows. Raises InputError with every problem if any is an error;
    warnings are left in ``problems`` for the summary."""
    registry = registry or Registry()
    problems = problems if problems is not None else Problems()
    out: list[Item] = []
    seen: dict[int, RawRow] = {}
    spelled: list[tuple[list[str], str, dict]] = []
    # In a spreadsheet, csv or Word cell a line break separates units (Alt+Enter); in box text
    # pasted from a PDF it is only layout and may fall inside a name.
    cell_breaks = raw.format not in ("text", "narrative")
    category_no, category = "", ""
    for row in raw.rows:
        w = row.where
        loc = dict(file=w.file or raw.source, sheet=w.sheet, row=w.row)
        content = join_text(row.content)
        num_text = join_text(row.number)
        if not num_text and FOOTNOTE.match(content or ""):
            problems.warn("footnote-row", f"这一行像是注释或说明, 没有作为任务导入: {content[:30]}", **loc)
            continue
        if row.category_no.strip() or row.category.strip():
            category_no = clean_category_no(row.category_no) or category_no
            category = clean_category(row.category) or category
        number = parse_number(row.number)
        if number is None:
            cell = w.cells.get("number", "")
            if not num_text:
                problems.add("missing-number", f"任务缺少序号: {content[:30]}", cell=cell, **loc)
            else:
                problems.add("bad-number", f"序号“{num_text}”不是整数", cell=cell, **loc)
            continue
        if number in seen:
            first = seen[number].where
            problems.add("duplicate-number",
                         f"序号 {number} 重复 (第一次出现在{_where_text(first)})",
                         cell=w.cells.get("number", ""), **loc)
            continue
        seen[number] = row
        if not content:
            problems.add("missing-content", f"序号 {number} 的工作内容为空",
                         cell=w.cells.get("content", ""), **loc)
        lead_raw = unit_text(row.lead, cell_breaks)
        part_raw = unit_text(row.participants, cell_breaks)
        lead = [registry.canonical(u) for u in split_units(lead_raw, registry)]
        parts = [registry.canonical(u) for u in split_units(part_raw, registry)]
        lead = _dedupe(lead)
        parts = [p for p in _dedupe(parts) if p not in lead]
        if not lead:
            problems.add("missing-lead", f"序号 {number} 没有负责(牵头)单位",
                         cell=w.cells.get("lead", ""), **loc)
        spelled.append((lead + parts, w.cells.get("lead", ""), loc))
        out.append(Item(
            id=item_id(year, number), number=number, content=content, lead=lead, participants=parts,
            lead_raw=lead_raw, participants_raw=part_raw, category_no=category_no, category=category,
            mandatory=parse_mandatory(row.mandatory), targets=extract_targets(content),
            extra={k: join_text(v) for k, v in row.extra.items() if join_text(v)},
        ))
    _warn_close_spellings(spelled, registry, problems)
    if not raw.rows:
        problems.add("no-items", "没有找到任何任务行", file=raw.source)
    elif seen:
        missing = sorted(set(range(1, max(seen) + 1)) - set(seen))
        if missing:
            shown = "、".join(str(m) for m in missing[:20]) + (" 等" if len(missing) > 20 else "")
            problems.add("missing-number", f"序号不连续, 缺少: {shown}", file=raw.source)
    if problems.errors:
        raise InputError(problems)
    return Plan(name=name, year=year, items=out, source=raw.source, format=raw.format)


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
