"""Decomposition tables drawn with box-drawing characters, as pasted from a PDF or a web page.

The input looks like ``seeds/004_*.txt``: a notice, a title line, then the table cut into page
blocks (``┌…┐`` … ``└…┘``), each repeating the header. Spaces were squeezed when the text was
copied, so character positions mean nothing; columns are found by the ``│`` separators alone.
See ``docs/boxtext.md`` for the algorithm in prose. In short:

1. **Lines.** Heavy and double box characters are mapped to the light ones. Every line is split at
   its vertical characters (``│ ├ ┼ ┤ ┬ ┴ ┌ ┐ └ ┘``) into segments. A line with a ``─`` run or a
   junction other than ``│`` is a *rule* line; a segment of ``─`` crosses its column, any other
   segment of a rule line passes the column through (``│ │ ├───┼…`` leaves the first two
   columns open: their cells go on).
2. **Blocks.** ``┌`` opens a block, ``└`` closes it; a table line outside a block opens one too.
   Text outside blocks (the notice before, notes after) is ignored; the title is the short line
   just above the first block.
3. **Columns.** A block has as many columns as its widest rule line has segments. A rule line whose
   junction has no downward stroke (``┴``) merges the columns below it, so a later line with fewer
   cells (``│ │ │ │ │ │`` under ``…┼───┴───┤``) is mapped through that layout. A line whose cell
   count fits neither is reported (warning ``bad-line``, with its line number) and skipped; a blank
   one is dropped silently.
4. **Header.** The first row of a block is the header if its cells name the content column and the
   number or lead column (wording varies: 负责/牵头/责任/主办单位, 参与/配合/协办单位,
   工作内容/具体工作任务/任务内容, 序号/编号, "工 作 内 容" spaced out). Other columns (完成时限,
   备注) go into ``RawRow.extra``. A block without a header reuses the nearest header with the same
   number of columns; if there is none anywhere the text is rejected (``no-header``).
5. **Cells like a spreadsheet.** In every column a cell runs from one rule crossing that column to
   the next; its text is the column's pieces over those lines (rule lines that pass it through
   included), stripped and joined with ``\\n``. Item rows are the cells of the content column. Each
   item takes, in every column, the text of the cells overlapping it, so a category merged over
   several items (``一`` / ``建立健全知识产权`` … ``管理、协调体系``) goes to all of them, wherever
   its pieces sit vertically.
6. **Categories.** ``(续)`` marks a category carried on from the previous block: it is removed and
   the previous category's name is used (a different name there gets a warning). A group with no
   category text inherits the previous one. A row that is one cell across the whole table and
   reads ``一、…`` is a section row that sets the category.
7. **Rows.** Rows with no text but their category are dropped (the blank merged row after item 47
   in the seed). A number-less row at the top of a block continues the last item of the previous
   block (a row broken by a page end) and is merged into it with a warning.

The raw cell text keeps the line breaks; :func:`tracker.plan_builder.join_text` removes them and
the layout spaces later, so "市知识产\\n权局" becomes "市知识产权局".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tracker.detect import Detected
from tracker.importers.base import source_name, source_text
from tracker.importers.headers import header_role, kind_is_mandatory, settle_roles
from tracker.model import RawRow, RawTable, Where
from tracker.problems import InputError, Problems

# -- characters ------------------------------------------------------------------------------------
# Heavy, double and mixed box characters as the light ones, so every paste looks the same.
_TO_LIGHT = str.maketrans({
    "━": "─", "═": "─", "┃": "│", "║": "│",
    "┏": "┌", "╔": "┌", "╒": "┌", "╓": "┌", "┍": "┌", "┎": "┌",
    "┓": "┐", "╗": "┐", "╕": "┐", "╖": "┐", "┑": "┐", "┒": "┐",
    "┗": "└", "╚": "└", "╘": "└", "╙": "└", "┕": "└", "┖": "└",
    "┛": "┘", "╝": "┘", "╛": "┘", "╜": "┘", "┙": "┘", "┚": "┘",
    "┣": "├", "╠": "├", "╞": "├", "╟": "├", "┝": "├", "┠": "├",
    "┫": "┤", "╣": "┤", "╡": "┤", "╢": "┤", "┥": "┤", "┨": "┤",
    "┳": "┬", "╦": "┬", "╤": "┬", "╥": "┬", "┯": "┬", "┰": "┬",
    "┻": "┴", "╩": "┴", "╧": "┴", "╨": "┴", "┷": "┴", "┸": "┴",
    "╋": "┼", "╬": "┼", "╪": "┼", "╫": "┼", "┿": "┼", "╂": "┼",
})
VERT = frozenset("│├┼┤┬┴┌┐└┘")  # characters that end a cell
JUNCTION = VERT - {"│"}  # only rule lines have these
DOWN = frozenset("│├┼┤┬┌┐")  # a boundary that goes on below the rule line
RIGHT_ARM = frozenset("├┼┬┴┌└")
LEFT_ARM = frozenset("┤┼┬┴┐┘")

CONT = re.compile(r"[(\uff08]\s*续\s*表?\s*[)\uff09]")
SECTION = re.compile(r"^\s*(?:[(\uff08]\s*)?([一二三四五六七八九十]{1,3})\s*(?:[)\uff09]\s*[、.\uff0e,\uff0c]?|"
                     r"[、.\uff0e,\uff0c])\s*(.+)$", re.S)
FOOTNOTE = re.compile(r"^\s*(注|备注|说明|附注|填表说明)\s*[:\uff1a\d]")

# -- header words ----------------------------------------------------------------------------------
# One vocabulary for every importer: tracker/importers/headers.py.
FIELDS = ("category_no", "category", "number", "content", "lead", "participants", "mandatory")


def _norm_header(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    return re.sub(r"\s+", "", s).strip(":")


def header_field(text: str) -> str | None:
    """The RawRow field a header cell names, or None (an extra column); "kind" for 任务类型."""
    return header_role(text)


def header_mapping(texts: dict[int, str], ncols: int, columns: dict[str, str] | None = None
                   ) -> dict[int, str] | None:
    """Column index -> field name (or "extra:<name>"), if these cells are a header row."""
    cells = {c: texts.get(c, "") for c in range(ncols) if _norm_header(texts.get(c, ""))}
    roles = settle_roles(cells, columns)
    mapping: dict[int, str] = {}
    for c in range(ncols):
        raw = texts.get(c, "")
        role = roles.get(c)
        if role and role not in ("deadline", "remarks"):
            mapping[c] = role
        elif _norm_header(raw):
            mapping[c] = "extra:" + _norm_header(raw)
    used = set(mapping.values())
    if "content" in used and ({"number", "lead"} & used):
        return mapping
    return None


def _settle_kind(block: _Block) -> None:
    """任务类型 in this block: 必做/选做 when its cells read so, else the category."""
    kind = [c for c, f in (block.mapping or {}).items() if f == "kind"]
    if not kind:
        return
    mapping = dict(block.mapping)
    values = [t for s, e, t in _cells(block.lines[block.body_from:], kind[0])]
    used = set(mapping.values())
    want = "mandatory" if kind_is_mandatory(values) else "category"
    mapping[kind[0]] = want if want not in used else "extra:任务类型"
    block.mapping = mapping


# -- lines -----------------------------------------------------------------------------------------
@dataclass
class _Split:
    segments: list[str]
    junctions: list[str]  # junctions[i] is the character left of segments[i]; one more at the end
    is_rule: bool


def _split(line: str) -> _Split | None:
    """A table line cut at its vertical characters; None if it is not a table line."""
    s = line.strip()
    if not s or s[0] not in VERT:
        return None
    pos = [i for i, ch in enumerate(s) if ch in VERT]
    segments = [s[a + 1:b] for a, b in zip(pos, pos[1:], strict=False)]
    junctions = [s[p] for p in pos]
    tail = s[pos[-1] + 1:]
    if tail.strip():  # right border missing
        segments.append(tail)
        junctions.append("")
    is_rule = any(ch in JUNCTION for ch in junctions) or any(
        seg and set(seg) <= {"─"} for seg in segments)
    return _Split(segments, junctions, is_rule)


def _segment_is_rule(sp: _Split, i: int) -> bool:
    seg = sp.segments[i]
    if "─" in seg and not seg.replace("─", "").strip():
        return True
    if seg == "":
        left, right = sp.junctions[i], sp.junctions[i + 1] if i + 1 < len(sp.junctions) else ""
        return left in RIGHT_ARM and right in LEFT_ARM
    return False


@dataclass
class _Line:
    no: int  # 1-based line number in the text
    rule: bool
    texts: dict[int, str] = field(default_factory=dict)  # column -> text on this line
    ruled: frozenset[int] = frozenset()  # columns a rule line crosses
    span: str = ""  # text of a single cell across the whole table


@dataclass
class _Block:
    start: int  # line number of its first line
    raw: list[tuple[int, _Split]] = field(default_factory=list)
    closed: bool = False
    ncols: int = 0
    lines: list[_Line] = field(default_factory=list)
    mapping: dict[int, str] | None = None
    body_from: int = 0  # index into lines where the body starts (after the header)


def _map_spans(k: int, layout: list[tuple[int, ...]] | None, n: int) -> list[tuple[int, ...]] | None:
    if k == n:
        return [(i,) for i in range(n)]
    if layout is not None and k == len(layout):
        return layout
    if k == 1:
        return [tuple(range(n))]
    return None


def _layout_below(sp: _Split, spans: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    out: list[list[int]] = []
    for i, span in enumerate(spans):
        if i == 0 or sp.junctions[i] in DOWN:
            out.append(list(span))
        else:
            out[-1].extend(span)
    return [tuple(s) for s in out]


def _build_lines(block: _Block, source: str, problems: Problems) -> None:
    n = max((len(sp.segments) for _, sp in block.raw if sp.is_rule), default=0)
    if n == 0:
        n = max(len(sp.segments) for _, sp in block.raw)
    block.ncols = n
    everything = frozenset(range(n))
    layout: list[tuple[int, ...]] | None = [(i,) for i in range(n)]
    for no, sp in block.raw:
        k = len(sp.segments)
        if sp.is_rule:
            spans = _map_spans(k, layout, n)
            if spans is None:
                problems.warn("bad-line", f"这条表格线有 {k} 格, 与上下文的 {n} 列对不上, 当作整行分隔线",
                              file=source, row=no)
                block.lines.append(_Line(no, True, ruled=everything))
                layout = None
                continue
            ruled: set[int] = set()
            texts: dict[int, str] = {}
            for i, span in enumerate(spans):
                if _segment_is_rule(sp, i):
                    ruled.update(span)
                elif sp.segments[i].strip():
                    texts[span[0]] = sp.segments[i].strip()
            block.lines.append(_Line(no, True, texts, frozenset(ruled)))
            layout = _layout_below(sp, spans)
            continue
        cells = [c.strip() for c in sp.segments]
        if k == n:
            spans = [(i,) for i in range(n)]
        elif layout is not None and k == len(layout):
            spans = layout
        elif not any(cells):
            continue  # a blank row drawn with fewer cells: nothing to keep
        else:
            problems.warn("bad-line", f"这一行有 {k} 格, 表格是 {n} 列, 无法对应到列, 已跳过: "
                                      f"{''.join(cells)[:30]}", file=source, row=no)
            continue
        if len(spans) == 1 and n > 1:
            block.lines.append(_Line(no, False, span=cells[0]))
            continue
        block.lines.append(_Line(no, False, {span[0]: c for span, c in zip(spans, cells, strict=True)
                                             if c}))


def _find_header(block: _Block, columns: dict[str, str] | None = None
                 ) -> tuple[dict[int, str] | None, int, str]:
    """(mapping, index of the first body line, title found inside the box)."""
    title = ""
    i = 0
    lines = block.lines
    if lines and lines[0].rule:
        i = 1  # the ┌ line
    for _ in range(3):  # a title row or two may come before the header
        j = i
        texts: dict[int, list[str]] = {}
        spans: list[str] = []
        while j < len(lines) and not (lines[j].rule and lines[j].ruled):
            for c, t in lines[j].texts.items():
                texts.setdefault(c, []).append(t)
            if lines[j].span:
                spans.append(lines[j].span)
            j += 1
        joined = {c: "".join(v) for c, v in texts.items()}
        mapping = header_mapping(joined, block.ncols, columns)
        if mapping is not None:
            return mapping, j, title
        if spans and not texts and j < len(lines):
            title = title or "".join(spans)
            i = j
            continue
        break
    return None, 0, ""  # no header: the whole block is body (a title-like row may be a section row)


# -- rows ------------------------------------------------------------------------------------------
def _cells(lines: list[_Line], col: int) -> list[tuple[int, int, str]]:
    """The cells of one column: (first line index, last line index, text)."""
    out = []
    start, pieces = None, []
    for idx, ln in enumerate(lines):
        if ln.rule and col in ln.ruled:
            if start is not None:
                out.append((start, idx - 1, "\n".join(pieces)))
            start, pieces = None, []
            continue
        if start is None:
            start = idx
        t = ln.texts.get(col, "")
        if t:
            pieces.append(t)
    if start is not None:
        out.append((start, len(lines) - 1, "\n".join(pieces)))
    return out


def _texts_over(cells: list[tuple[int, int, str]], a: int, b: int) -> str:
    return "\n".join(t for s, e, t in cells if s <= b and e >= a and t)


@dataclass
class _Row:
    where_line: int
    values: dict[str, str]
    extra: dict[str, str]
    span: str
    block_top: bool


def _block_rows(block: _Block) -> list[_Row]:
    lines = block.lines[block.body_from:]
    mapping = block.mapping or {}
    by_field = {f: c for c, f in mapping.items()}
    row_col = by_field.get("content", by_field.get("number"))
    columns = {c: _cells(lines, c) for c in range(block.ncols)}
    rows: list[_Row] = []
    a = None
    bounds = []
    for idx, ln in enumerate(lines):
        if ln.rule and row_col in ln.ruled:
            if a is not None:
                bounds.append((a, idx - 1))
            a = None
        elif a is None:
            a = idx
    if a is not None:
        bounds.append((a, len(lines) - 1))
    for n, (a, b) in enumerate(bounds):
        values: dict[str, str] = {}
        extra: dict[str, str] = {}
        for c, name in mapping.items():
            t = _texts_over(columns[c], a, b)
            if name.startswith("extra:"):
                extra[name[6:]] = t
            else:
                values[name] = t
        own = [c for c, name in mapping.items() if name not in ("category_no", "category")]
        first_text = next((ln.no for ln in lines[a:b + 1] if not ln.rule and (
            ln.span or any(ln.texts.get(c) for c in own))), None)
        if first_text is None:
            first_text = next((ln.no for ln in lines[a:b + 1] if not ln.rule), lines[a].no)
        span = "\n".join(ln.span for ln in lines[a:b + 1] if ln.span)
        rows.append(_Row(first_text, values, extra, span, block_top=(n == 0)))
    return rows


def _is_empty(row: _Row) -> bool:
    keys = ("number", "content", "lead", "participants", "mandatory")
    return not any(row.values.get(k, "").strip() for k in keys) and not any(
        v.strip() for v in row.extra.values())


def _plain(s: str) -> str:
    return re.sub(r"\s+", "", s)


# -- the importer ----------------------------------------------------------------------------------
BOX_CHARS = set("┌┬┐├┼┤└┴┘│─")


def identify(d: Detected) -> int:
    """A text drawn with box characters (more than 20 in its first 20,000 characters)."""
    if d.format != "text" or d.text is None:
        return 0
    return 3 if sum(ch in BOX_CHARS for ch in d.text[:20000]) > 20 else 0


def extract(source: Path | Detected, problems: Problems, options=None) -> RawTable:
    return extract_text(source_text(source), source_name(source), problems,
                        columns=getattr(options, "columns", None))


def _find_title(lines: list[str], first_box: int) -> str:
    from tracker.plan_builder import join_text

    seen = 0
    for k in range(first_box - 1, -1, -1):
        s = lines[k].strip()
        if not s:
            continue
        seen += 1
        if seen > 3:
            break
        if re.fullmatch(r"附件\s*\d*\s*[:\uff1a]?|[(\uff08]?\s*续表\s*[)\uff09]?", s):
            continue
        if len(s) <= 80 and not s.endswith(("。", ";", ";", ":", ":")):
            return join_text(s)
        break
    return ""


def _blocks(lines: list[str], source: str, problems: Problems) -> list[_Block]:
    splits = [_split(ln.translate(_TO_LIGHT)) for ln in lines]
    blocks: list[_Block] = []
    cur: _Block | None = None
    for idx, sp in enumerate(splits):
        no = idx + 1
        if sp is None:
            if cur is None or not lines[idx].strip():
                continue
            nxt = next((s for s in splits[idx + 1:] if s is not None), None)
            if nxt is not None and nxt.junctions[0] not in "┌":
                problems.warn("stray-line", f"表格中间夹着一行不是表格的文字, 已忽略: {lines[idx].strip()[:30]}",
                              file=source, row=no)
                continue
            problems.warn("unclosed-block", "表格没有以 └ 结束, 到这里为止", file=source, row=no)
            blocks.append(cur)
            cur = None
            continue
        head = sp.junctions[0]
        if head == "┌" and cur is not None:
            problems.warn("unclosed-block", "表格没有以 └ 结束, 下一个表格从这里开始", file=source, row=no)
            blocks.append(cur)
            cur = None
        if cur is None:
            cur = _Block(start=no)
        cur.raw.append((no, sp))
        if head == "└":
            cur.closed = True
            blocks.append(cur)
            cur = None
    if cur is not None:
        blocks.append(cur)
    return blocks


def extract_text(text: str, source: str, problems: Problems, columns: dict[str, str] | None = None
                 ) -> RawTable:
    """Rows of a box-drawn table in ``text``; ``source`` names the file in problems."""
    from tracker.plan_builder import join_text

    errors_before = len(problems.errors)
    lines = text.replace("\ufeff", "").splitlines()
    blocks = _blocks(lines, source, problems)
    if not blocks:
        raise InputError(problems.add("no-table", "文本中没有找到用 ┌ ─ │ 等制表符画的表格", file=source))
    title = _find_title(lines, blocks[0].start - 1)
    for b in blocks:
        _build_lines(b, source, problems)
        b.mapping, b.body_from, inner_title = _find_header(b, columns)
        title = title or join_text(inner_title)
    headers = [b for b in blocks if b.mapping is not None]
    if not headers:
        raise InputError(problems.add(
            "no-header", "表格没有可识别的表头 (应有 序号、工作内容、负责单位 等列)", file=source,
            row=blocks[0].start))
    for b in blocks:
        if b.mapping is not None:
            continue
        before = [h for h in headers if h.start < b.start and h.ncols == b.ncols]
        after = [h for h in headers if h.start > b.start and h.ncols == b.ncols]
        donor = before[-1] if before else (after[0] if after else None)
        if donor is not None:
            b.mapping = donor.mapping
            continue
        if b.ncols >= 3:
            problems.add("no-header", f"这一段表格有 {b.ncols} 列, 没有表头, 也与其他表头的列数不同, 无法对应列",
                         file=source, row=b.start)
        else:
            problems.warn("block-skipped", "这一段小表格没有表头, 已忽略", file=source, row=b.start)
    if len(problems.errors) > errors_before:
        raise InputError(problems)
    for b in blocks:
        _settle_kind(b)

    out: list[RawRow] = []
    out_block: list[int] = []  # the block each row of out came from
    cat_no, cat = "", ""  # the category in force, raw text with (续) removed
    for b in blocks:
        if b.mapping is None:
            continue
        for r in _block_rows(b):
            v = r.values
            if r.span and not any(v.get(k, "").strip() for k in ("number", "content", "lead")):
                m = SECTION.match(join_text(r.span))
                if m:
                    cat_no, cat = m.group(1), m.group(2)
                elif FOOTNOTE.match(join_text(r.span)):
                    problems.warn("footnote-row", f"表格中的注释行, 没有作为任务导入: {join_text(r.span)[:30]}",
                                  file=source, row=r.where_line)
                else:
                    problems.warn("span-row", f"跨整行的文字, 没有作为任务导入: {join_text(r.span)[:30]}",
                                  file=source, row=r.where_line)
                continue
            if _is_header_again(v):
                continue
            no_raw, name_raw = v.get("category_no", ""), v.get("category", "")
            cont = bool(CONT.search(no_raw) or CONT.search(name_raw))
            cat_no, cat = _category(cat_no, cat, CONT.sub("", no_raw).strip(),
                                    CONT.sub("", name_raw).strip(), cont, problems, source, r.where_line)
            if _is_empty(r):
                continue
            if (r.block_top and out and out_block[-1] != b.start and not v.get("number", "").strip()
                    and not FOOTNOTE.match(join_text(v.get("content", "")))):
                _merge_into(out[-1], r)
                problems.warn("row-continued",
                              f"这一行没有序号, 当作上一页第 {join_text(out[-1].number)} 项的续行并入",
                              file=source, row=r.where_line)
                continue
            if r.span:
                v["content"] = (v.get("content", "") + "\n" + r.span).strip("\n")
            out.append(RawRow(
                number=v.get("number", ""), content=v.get("content", ""), lead=v.get("lead", ""),
                participants=v.get("participants", ""), category_no=cat_no, category=cat,
                mandatory=v.get("mandatory", ""), extra=dict(r.extra),
                where=Where(file=source, row=r.where_line)))
            out_block.append(b.start)
    single = not any("participants" in (b.mapping or {}).values() for b in blocks)
    from tracker.units import says_first_leads

    return RawTable(rows=out, title=title, format="text", source=source,
                    first_unit_leads=single and says_first_leads(text))


def _category(cat_no: str, cat: str, no_new: str, name_new: str, cont: bool, problems: Problems,
              source: str, line: int) -> tuple[str, str]:
    """The category in force after a row whose category cells read (no_new, name_new)."""
    from tracker.plan_builder import join_text

    if cont:  # "(续)": the category of the previous block goes on
        if no_new and cat_no and _plain(no_new) != _plain(cat_no):
            problems.warn("category-continued",
                          f"标为“(续)”的类号“{join_text(no_new)}”与上一类“{join_text(cat_no)}”不同, 按新类处理",
                          file=source, row=line)
            return no_new, name_new
        if not cat_no and not cat:
            return no_new, name_new
        if name_new and _plain(name_new) not in _plain(cat):
            problems.warn("category-continued",
                          f"“(续)”的分类名称“{join_text(name_new)}”与上一类“{join_text(cat)}”不同, 按上一类处理",
                          file=source, row=line)
        return cat_no or no_new, cat or name_new
    if no_new and name_new:
        return no_new, name_new
    if no_new:  # a number without a name: the same category, or a new one with no name
        return (cat_no, cat) if _plain(no_new) == _plain(cat_no) else (no_new, "")
    if name_new:
        return (cat_no, cat) if _plain(name_new) == _plain(cat) else ("", name_new)
    return cat_no, cat


def _merge_into(prev: RawRow, r: _Row) -> None:
    """A number-less row at the top of a page block finishes the last item of the previous block."""
    for key in ("content", "lead", "participants"):
        add = r.values.get(key, "")
        if add:
            setattr(prev, key, (getattr(prev, key) + "\n" + add).strip("\n"))
    for key, add in r.extra.items():
        if add:
            prev.extra[key] = (prev.extra.get(key, "") + "\n" + add).strip("\n")


def _is_header_again(values: dict[str, str]) -> bool:
    """The header row repeated inside a block (not after a page break)."""
    def names(f: str) -> bool:
        t = values.get(f, "")
        return 0 < len(_norm_header(t)) <= 12 and header_role(t) == f

    return names("content") and (names("number") or names("lead"))
