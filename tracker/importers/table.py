"""Grid -> raw rows: the logic every tabular form shares (xlsx, xls, ods, csv, Word tables).

A form module reads its file into :class:`tracker.sheets.Sheet` values (cells, merged ranges) and
calls :func:`rows_from_sheets`. What is handled here, in the order a sheet is read:

* **Merged cells.** A value in a merged range applies to every cell of the range: a category cell
  merged vertically over its items, a lead cell merged over two items. A row whose 序号 cell is
  the continuation of a number merged from the row above is the same item going on (its own
  text, if any, is appended to that item).
* **The header row** is looked for in the first :data:`HEADER_SCAN` rows (title rows above it,
  merged across or not). Header wording varies (see :data:`ROLES`); spaces and line breaks inside
  a header cell ("工 作 内 容", "负责\\n单位") are ignored. A header needs a 序号, a 工作内容 and a
  负责单位 column. A second header row right under the first (a merged "责任单位" over
  "牵头单位 | 配合单位") refines it. A single "责任单位" column with no participant column means every
  unit in it leads. Columns that are not a role (完成时限, 备注 …) go to ``RawRow.extra`` under
  their header text.
* **The title** is the text above the header ("2007年广州市…工作分解表"), so the year can be guessed.
* **Categories** come from the 类号 / 项目分类 columns (carried forward when the cells below are left
  blank), or from a section row: a row with a single value (one cell, or merged across) such as
  "一、建立健全知识产权管理、协调体系", or a row whose 序号 is a Chinese numeral and that has no
  unit ("一 | 建立健全…"). A category cell written "一、建立健全…" in one column is split.
* **Continuation.** Further sheets (续表, Sheet2) with the header repeated are concatenated; a
  sheet with no header whose first row is an item and that is no wider than the table continues
  it with the previous sheet's columns. Other sheets (说明, empty) are skipped, with a warning if
  they had any text. A header repeated inside a sheet is skipped.
* **Footnotes.** A row starting "注:", "备注:", "说明:" … is passed on with an empty number, so
  :func:`tracker.plan_builder.build_plan` warns about it and leaves it out; unnumbered rows after a
  footnote are skipped here with a warning of their own.
* Blank rows are skipped; whitespace-only cells are empty.

Nothing is interpreted beyond that: numbers, units and targets are the plan builder's job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tracker.importers.headers import header_role, kind_is_mandatory, norm_header, settle_roles
from tracker.model import RawRow, RawTable, Where
from tracker.problems import InputError, Problems, a1
from tracker.sheets import Sheet
from tracker.units import says_first_leads

__all__ = ["cell_text", "header_role", "rows_from_sheets"]

HEADER_SCAN = 20  # rows searched for the header, from the top of each sheet

# The header vocabulary is shared by every importer: tracker/importers/headers.py.
REQUIRED = ("content", "lead")  # a number column is optional: without one items are numbered by position
ROLE_LABEL = {"number": "序号", "content": "工作内容", "lead": "负责单位", "participants": "参与单位",
              "category_no": "类号", "category": "项目分类", "mandatory": "必做/选做"}

CN_NUM = "一二三四五六七八九十百零〇两"
# "一、建立…", "(一)建立…", "（一）建立…", "（一）、建立…": the numeral in group "no", the name in "name"
SECTION = re.compile(rf"^\s*(?:[(\uff08]\s*(?P<p>[{CN_NUM}]+)\s*[)\uff09]\s*[、.,\uff0c\uff0e:\uff1a]?"
                     rf"|(?P<b>[{CN_NUM}]+)\s*[、.,\uff0c\uff0e:\uff1a\s])\s*(?P<name>\S.*)$", re.S)
SECTION_NO_ONLY = re.compile(rf"^\s*[(\uff08]?\s*([{CN_NUM}]+)\s*[)\uff09]?\s*[、.,\uff0c\uff0e]?\s*$")
FOOTNOTE = re.compile(r"^\s*(注|备注|说明|附注|填表说明)\s*(\d+\s*)?[:\uff1a]")
ATTACHMENT = re.compile(r"^\s*附\s*(件|表)\s*\d*\s*[:\uff1a]?\s*$")
CONT = re.compile(r"[(\uff08]\s*续\s*表?\s*[)\uff09]")


def cell_text(value) -> str:
    """A cell value as text: floats that are whole numbers lose their ".0", whitespace-only is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        s = value.isoformat()
        return s[:-9] if s.endswith("T00:00:00") else s
    s = str(value)
    return "" if not s.strip() else s


def _norm_header(s: str) -> str:
    return norm_header(s)


class _Grid:
    """A sheet with merged ranges filled in and each cell's merge origin known."""

    def __init__(self, sheet: Sheet):
        self.name = sheet.name
        rows = [[cell_text(v) for v in r] for r in sheet.grid]
        width = max((len(r) for r in rows), default=0)
        for _r0, _c0, r1, c1 in sheet.merged:
            width = max(width, c1 + 1)
            while len(rows) <= r1:
                rows.append([])
        self.width = width
        self.rows = [r + [""] * (width - len(r)) for r in rows]
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        self.span: dict[tuple[int, int], tuple[int, int]] = {}  # origin -> (last row, last col)
        for r0, c0, r1, c1 in sheet.merged:
            if r0 >= len(self.rows) or c0 >= width:
                continue
            value = self.rows[r0][c0]
            self.span[(r0, c0)] = (r1, c1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self.origin[(r, c)] = (r0, c0)
                        self.rows[r][c] = value

    def get(self, r: int, c: int) -> str:
        if c is None or r >= len(self.rows) or c >= self.width:
            return ""
        return self.rows[r][c]

    def org(self, r: int, c: int) -> tuple[int, int]:
        return self.origin.get((r, c), (r, c))

    def anchors(self, r: int) -> list[tuple[int, int]]:
        """Distinct non-empty values of a row, a merged range counting once, in column order."""
        seen: dict[tuple[int, int], None] = {}
        for c in range(self.width):
            if self.rows[r][c]:
                seen.setdefault(self.org(r, c), None)
        return list(seen)

    def spans_columns(self, r: int, c: int) -> bool:
        """Whether cell (r, c) is part of a range merged across several columns."""
        o = self.org(r, c)
        end = self.span.get(o)
        return end is not None and end[1] > o[1]

    def is_blank(self, r: int) -> bool:
        return not any(self.rows[r])

    def used_width(self) -> int:
        w = 0
        for row in self.rows:
            for c in range(len(row) - 1, -1, -1):
                if row[c]:
                    w = max(w, c + 1)
                    break
        return w


@dataclass
class _Header:
    row: int  # 0-based row of the (last) header row
    cols: dict[str, list[int]]  # role -> columns (several when a header cell is merged across)
    extra: dict[int, str]  # column -> header text, for columns that are no role
    labels: tuple[str, ...]  # normalised header texts, to spot the header repeated

    def col(self, role: str) -> int | None:
        cs = self.cols.get(role)
        return cs[0] if cs else None


def _roles_of_row(g: _Grid, r: int, columns: dict[str, str] | None = None) -> dict[str, list[int]]:
    """Role -> columns of row r read as a header (a cell merged across gives several columns).
    The wording is settled by :func:`tracker.importers.headers.settle_roles`; a 任务类型 column
    ("kind") is 必做/选做 when its cells below read so, else the category."""
    texts: dict[int, str] = {}
    origin_cols: dict[tuple[int, int], list[int]] = {}
    for c in range(g.width):
        text = g.get(r, c)
        if not text or len(text) > 40:
            continue
        o = g.org(r, c)
        if o not in origin_cols:
            texts[c] = text
        origin_cols.setdefault(o, []).append(c)
    roles: dict[str, list[int]] = {}
    for c, role in sorted(settle_roles(texts, columns).items()):
        if role == "kind":
            below = [g.get(rr, c) for rr in range(r + 1, len(g.rows))]
            role = "mandatory" if kind_is_mandatory(below) else "category"
        if role in roles or role in ("deadline", "remarks"):
            continue  # a second column with the same role: kept as an extra column
        roles[role] = origin_cols[g.org(r, c)]
    return roles


def _find_header(g: _Grid, columns: dict[str, str] | None = None
                 ) -> tuple[_Header | None, dict[str, list[int]] | None]:
    """The header row, or (None, best partial match) when no row has the required columns."""
    best: tuple[int, dict[str, list[int]]] | None = None
    for r in range(min(HEADER_SCAN, len(g.rows))):
        roles = _roles_of_row(g, r, columns)
        if all(k in roles for k in REQUIRED) and ("number" in roles or _no_number_header(g, r, roles)):
            return _make_header(g, r, roles, columns), None
        if "content" in roles and len(roles) >= 2 and (best is None or len(roles) > len(best[1])):
            best = (r, roles)
    return None, best[1] if best else None


def _no_number_header(g: _Grid, r: int, roles: dict[str, list[int]]) -> bool:
    """A header with content and lead but no 序号: only when every role cell is short (header words,
    not a data row's text)."""
    return len(roles) >= 2 and all(len(_join(g.get(r, c))) <= 12 for cs in roles.values() for c in cs)


def _make_header(g: _Grid, r: int, roles: dict[str, list[int]], columns: dict[str, str] | None = None
                 ) -> _Header:
    # a second header row under a merged one: "责任单位" over "牵头单位 | 配合单位"
    if r + 1 < len(g.rows):
        sub = _roles_of_row(g, r + 1, columns)
        own = {role: cs for role, cs in sub.items()
               if any(g.org(r + 1, c)[0] == r + 1 for c in cs)}
        if own and not any(_looks_number(g.get(r + 1, c)) for c in roles.get("number", [])):
            for role, cs in own.items():
                for other in list(roles):
                    roles[other] = [c for c in roles[other] if c not in cs]
                    if not roles[other]:
                        del roles[other]
                roles[role] = cs
            r += 1
    used = {c for cs in roles.values() for c in cs}
    extra = {}
    for c in range(g.width):
        if c in used:
            continue
        text = _join(g.get(r, c)) or (_join(g.get(r - 1, c)) if r > 0 and g.org(r, c)[0] < r else "")
        if text:
            extra[c] = text
    labels = tuple(_norm_header(g.get(r, c)) for c in range(g.width))
    return _Header(row=r, cols=roles, extra=extra, labels=labels)


def _looks_number(s: str) -> bool:
    return bool(re.fullmatch(r"\s*\d+(\.0+)?\s*[.、]?\s*", unicodedata.normalize("NFKC", s or "")))


def _join(s: str) -> str:
    from tracker.plan_builder import join_text

    return join_text(s)


def _title_above(g: _Grid, header_row: int) -> str:
    texts: list[str] = []
    for r in range(header_row):
        for o in g.anchors(r):
            t = _join(g.get(*o))
            if t and t not in texts and not ATTACHMENT.match(t):
                texts.append(t)
    for t in texts:
        if any(k in t for k in ("表", "计划", "方案", "分解", "任务", "安排")):
            return t
    return texts[0] if texts else ""


def _is_header_again(g: _Grid, r: int, header: _Header) -> bool:
    if tuple(_norm_header(g.get(r, c)) for c in range(g.width)) == header.labels:
        return True
    roles = _roles_of_row(g, r)
    if all(k in roles for k in REQUIRED):
        return True
    return len(roles) >= 3 and "content" in roles and not _looks_number(g.get(r, header.col("number")))


def _split_section(text: str) -> tuple[str, str] | None:
    t = _join(text)
    m = SECTION.match(t)
    if m:
        return m.group("p") or m.group("b"), m.group("name").strip()
    return None


def _section_style(text: str) -> str:
    """"paren" for "（一）…" / "(一)…", "bare" for "一、…": which level a section row is."""
    return "paren" if _join(text).lstrip()[:1] in "(\uff08" else "bare"


class _Reader:
    def __init__(self, file: str, problems: Problems):
        self.file = file
        self.problems = problems
        self.rows: list[RawRow] = []
        self.category_no = ""
        self.category = ""
        self.sub_no = ""  # the middle level of a three-level plan
        self.sub = ""
        self.level1: str | None = None  # the style of the first level ("bare", "paren", "column")
        self.title = ""
        self.header: _Header | None = None
        self.width = 0
        self.notes: list[str] = []  # text that is not items: title rows, header cells, footnotes

    def section(self, no: str, name: str, style: str) -> None:
        """A section row: the first style seen is the category, another style the subcategory."""
        if self.level1 is None:
            self.level1 = style
        if style == self.level1:
            self.category_no, self.category = no, name
            self.sub_no, self.sub = "", ""
        else:
            self.sub_no, self.sub = no, name

    def read(self, g: _Grid, header: _Header, start: int) -> None:
        h = header
        after_footnote = False
        # the RawRow each merged 序号 started, to append continuation rows to it
        started: dict[tuple[int, int], RawRow] = {}
        c_num = h.col("number")
        for r in range(start, len(g.rows)):
            anchors = g.anchors(r)
            # blank, or only merged cells coming down from the rows above
            if not anchors or all(o[0] < r for o in anchors):
                continue
            texts = [g.get(*o) for o in anchors]
            number = g.get(r, c_num)
            if g.spans_columns(r, c_num):
                number = ""  # a note or a section title merged across the table, 序号 column included
            # a header repeated inside the sheet (printed tables pasted one after another)
            if _is_header_again(g, r, h):
                continue
            # an item merged over several rows: this row goes on with the same item
            if number and g.org(r, c_num)[0] < r:
                prev = started.get(g.org(r, c_num))
                if prev is not None:
                    self._append_continuation(g, r, h, prev)
                    continue
            # footnotes under the table
            foot = next((t for t in texts if FOOTNOTE.match(_join(t))), None)
            if foot is not None and not _join(number):
                self.notes.append(_join(foot))
                self.rows.append(RawRow(number="", content=_join(foot), lead="",
                                        where=Where(file=self.file, sheet=g.name, row=r + 1)))
                after_footnote = True
                continue
            if after_footnote and not _looks_number(number):
                self.notes.append(_join(" ".join(texts)))
                self.problems.warn("footnote-row", f"表格下方的文字没有作为任务导入: {_join(texts[0])[:30]}",
                                   file=self.file, sheet=g.name, row=r + 1)
                continue
            # a section row: "一、建立健全知识产权管理、协调体系" across the table
            if len(anchors) == 1 and not _looks_number(number) and not _unit_only(g, anchors[0], h):
                if self._continued(texts[0], g, r):
                    continue
                sec = _split_section(texts[0])
                if sec:
                    self.section(*sec, _section_style(texts[0]))
                    continue
            lead = self._field(g, r, h, "lead")
            parts = self._field(g, r, h, "participants")
            # "一 | 建立健全…" with no unit: a section row written in the 序号 and 工作内容 columns
            num_sec = SECTION_NO_ONLY.match(_join(number)) if number else None
            if num_sec and not lead and not parts and c_num is not None and g.org(r, c_num)[0] == r:
                name = self._field(g, r, h, "content") or self._field(g, r, h, "category")
                if name:
                    self.section(num_sec.group(1), _join(name), _section_style(number))
                    continue
            cat_no = self._field(g, r, h, "category_no")
            cat = self._field(g, r, h, "category")
            if cat_no and not cat and (s := _split_section(cat_no)):
                cat_no, cat = s
            elif cat and not cat_no and (s := _split_section(cat)):
                cat_no, cat = s
            if cat_no or cat:
                if self.level1 is None:
                    self.level1 = _section_style(cat_no) if cat_no else "column"
                if not cat_no and _plain(cat) == _plain(self.category):
                    cat_no = self.category_no  # the name repeated under a section row "一、…"
                if (cat_no, cat) != (self.category_no, self.category):
                    self.sub_no, self.sub = "", ""
                self.category_no, self.category = cat_no, cat
            cells = {}
            for role in ("number", "content", "lead", "participants", "category", "category_no",
                         "mandatory"):
                c = h.col(role)
                if c is not None:
                    cells[role] = a1(r, c)
            if "category" not in cells and "category_no" in cells:
                cells["category"] = cells["category_no"]
            extra = {}
            for c, name in h.extra.items():
                v = g.get(r, c)
                if v.strip():
                    extra[name] = v
            row = RawRow(number=number, content=self._field(g, r, h, "content"), lead=lead,
                         participants=parts, category_no=self.category_no, category=self.category,
                         mandatory=self._field(g, r, h, "mandatory"), extra=extra,
                         where=Where(file=self.file, sheet=g.name, row=r + 1, cells=cells),
                         subcategory_no=self.sub_no, subcategory=self.sub)
            self.rows.append(row)
            if number:
                started[g.org(r, c_num)] = row

    def _continued(self, text: str, g: _Grid, r: int) -> bool:
        """"七（续）" / "七、加强…（续）": the category goes on from the page or sheet before."""
        t = _join(text)
        if not CONT.search(t):
            return False
        bare = CONT.sub("", t).strip()
        sec = _split_section(bare)
        m = SECTION_NO_ONLY.match(bare)
        if not sec and not m and bare:
            return False
        no = sec[0] if sec else (m.group(1) if m else "")
        if no and no != self.category_no:
            name = sec[1] if sec else ""
            self.category_no, self.category = no, name
            self.sub_no, self.sub = "", ""
        self.problems.warn("category-continued", f"“{t[:20]}”是上一类的续行, 没有作为任务导入",
                           file=self.file, sheet=g.name, row=r + 1)
        return True

    def _field(self, g: _Grid, r: int, h: _Header, role: str) -> str:
        """The role's text in row r; several columns (a header merged across) are joined."""
        cols = h.cols.get(role, [])
        vals: list[str] = []
        seen = set()
        for c in cols:
            o = g.org(r, c)
            v = g.get(r, c)
            if v and o not in seen:
                seen.add(o)
                vals.append(v)
        return "\n".join(vals)

    def _append_continuation(self, g: _Grid, r: int, h: _Header, prev: RawRow) -> None:
        for role in ("content", "lead", "participants"):
            for c in h.cols.get(role, []):
                if g.org(r, c)[0] == r and g.get(r, c):
                    setattr(prev, role, (getattr(prev, role) + "\n" + g.get(r, c)).strip("\n"))
        for c, name in h.extra.items():
            if g.org(r, c)[0] == r and g.get(r, c).strip():
                prev.extra[name] = (prev.extra.get(name, "") + "\n" + g.get(r, c)).strip("\n")


def _plain(s: str) -> str:
    return re.sub(r"\s+", "", _join(s))


def _unit_only(g: _Grid, o: tuple[int, int], h: _Header) -> bool:
    """A lone value in a unit column, not merged across, is not a section row."""
    return o[1] in h.cols.get("lead", []) + h.cols.get("participants", []) and o not in g.span


def rows_from_sheets(sheets: list[Sheet], *, file: str, problems: Problems, fmt: str = "",
                     columns: dict[str, str] | None = None, notes: str = "") -> RawTable:
    """Raw rows of the decomposition table found in the sheets, in order (see module docstring).

    ``columns`` is an explicit header mapping (:mod:`tracker.importers.headers`); ``notes`` is text
    of the document around the table (Word paragraphs, a web page), searched like the title rows
    for "排在第一位的为牵头单位". Raises InputError ("no-header", "missing-column" or
    "column-not-found") when no sheet holds a recognisable table.
    """
    reader = _Reader(file, problems)
    reader.notes.append(notes)
    partial: list[tuple[str, dict[str, list[int]]]] = []
    checked: list[str] = []
    for sheet in sheets:
        g = _Grid(sheet)
        if not any(not g.is_blank(r) for r in range(len(g.rows))):
            continue
        checked.append(g.name)
        header, best = _find_header(g, columns)
        if header is not None:
            if reader.header is None:
                reader.title = _title_above(g, header.row)
                reader.notes += [g.get(r, c) for r in range(header.row + 1) for c in range(g.width)]
            reader.header = header
            reader.width = max(reader.width, g.width)
            reader.read(g, header, header.row + 1)
            continue
        if best:
            partial.append((g.name, best))
        prev = reader.header
        if prev is not None and _continues(g, prev, reader.width):
            reader.read(g, prev, 0)
            continue
        if reader.header is not None or best is None:
            problems.warn("sheet-skipped", "这个工作表里没有找到分解表 (没有表头), 已跳过",
                          file=file, sheet=g.name)
    if columns and reader.header is not None:
        found = set(reader.header.cols) | {"deadline", "remarks"} & set(columns)
        missing = [p for k, v in columns.items() if k not in found
                   for p in [f"指定的列“{v}” ({k}) 在表头里没有找到"]]
        if missing:
            out = Problems()
            for m in missing:
                out.add("column-not-found", m, file=file)
            raise InputError(out)
    if reader.header is None:
        if columns:
            raise InputError(Problems().add(
                "column-not-found", "按指定的列 (" + ", ".join(f"{k}={v}" for k, v in columns.items())
                + ") 没有找到表头", file=file))
        if partial:
            name, roles = partial[0]
            missing = "、".join(ROLE_LABEL[k] for k in REQUIRED if k not in roles)
            raise InputError(Problems().add(
                "missing-column", f"表头里缺少 {missing} 列 (应有 序号、工作内容、负责单位)",
                file=file, sheet=name))
        if not checked:
            raise InputError(Problems().add("empty-file", "文件里没有任何内容", file=file))
        out = Problems()
        for name in checked:
            out.add("no-header", f"前 {HEADER_SCAN} 行里没有找到表头 (应有 序号、工作内容、负责单位 等列)",
                    file=file, sheet=name)
        raise InputError(out)
    single = "participants" not in reader.header.cols
    return RawTable(rows=reader.rows, title=reader.title, format=fmt, source=file,
                    first_unit_leads=single and says_first_leads("\n".join(reader.notes)),
                    numbered="number" in reader.header.cols)


def _continues(g: _Grid, header: _Header, width: int) -> bool:
    """A sheet with no header continues the table: no wider, and its first row is an item."""
    if g.used_width() > width:
        return False
    c_num, c_content = header.col("number"), header.col("content")
    for r in range(len(g.rows)):
        if g.is_blank(r):
            continue
        return _looks_number(g.get(r, c_num)) and bool(g.get(r, c_content).strip())
    return False
