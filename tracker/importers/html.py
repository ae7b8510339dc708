"""HTML tables: a web page as a government site publishes it, a table saved "as HTML" by Excel or
LibreOffice, and a single-file web archive (.mht / .mhtml, MIME) as Internet Explorer, Word or Excel
save it.

* The page is decoded with the charset its ``<meta>`` (or the MIME part) names, else as
  :func:`tracker.detect.decode_text` reads (UTF-8, GB18030 …).
* Every ``<table>`` that holds no other table becomes a grid (layout tables around the real one are
  left out); ``rowspan`` and ``colspan`` become merged ranges, so :mod:`tracker.importers.table`
  treats them as merged Excel cells. ``<br>`` and block ends inside a cell are line breaks (which
  separate units, as Alt+Enter does in Excel); other whitespace is folded; ``&nbsp;`` is a space.
  Cells hidden with ``display:none`` (Excel writes some) are dropped.
* The text of the page outside tables is searched for the title ("…工作分解表") and for a note
  such as "排在第一位的为牵头单位". Tables are named "表格1", "表格2" … in messages.
* HTML is never read as csv: :func:`tracker.detect.looks_html` is asked before the text readers.
"""

from __future__ import annotations

import email
import re
from email import policy
from html.parser import HTMLParser
from pathlib import Path

from tracker.detect import Detected
from tracker.importers.base import source_bytes, source_name
from tracker.importers.table import ATTACHMENT, rows_from_sheets
from tracker.model import RawTable
from tracker.problems import InputError, Problem, Problems
from tracker.sheets import Sheet

_BLOCK = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table"}
_TITLE_WORDS = ("表", "计划", "方案", "分解", "任务", "安排")


def _decode(data: bytes) -> str:
    from tracker.detect import decode_text

    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", data[:4096])
    if m:
        name = m.group(1).decode("ascii").lower()
        if name in ("gb2312", "gbk"):
            name = "gb18030"
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def html_of(data: bytes) -> str:
    """The HTML text of a page, or of the first text/html part of a web archive (.mht)."""
    head = data[:1024].lower()
    if head.startswith(b"mime-version:") or b"\nmime-version:" in head:
        msg = email.message_from_bytes(data, policy=policy.default)
        for part in msg.walk():
            if part.get_content_type() == "text/html":
                payload = part.get_payload(decode=True) or b""
                charset = part.get_content_charset()
                if charset:
                    try:
                        return payload.decode("gb18030" if charset.lower() in ("gb2312", "gbk") else charset)
                    except (LookupError, UnicodeDecodeError):
                        pass
                return _decode(payload)
        return ""
    return _decode(data)


class _Cell:
    __slots__ = ("text", "rowspan", "colspan", "hidden")

    def __init__(self, rowspan: int, colspan: int, hidden: bool):
        self.text: list[str] = []
        self.rowspan, self.colspan, self.hidden = rowspan, colspan, hidden


class _Table:
    def __init__(self):
        self.rows: list[list[_Cell]] = []
        self.nested = False
        self.before: list[str] = []  # page text since the previous table


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[_Table] = []
        self.done: list[_Table] = []
        self.cell: list[_Cell | None] = []
        self.outside: list[str] = []  # text outside every table, one entry per block
        self.since: list[str] = []
        self.all: list[str] = []  # every text of the page, tables included (for notes)
        self.title = ""
        self._in_title = False
        self._skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "table":
            if self.stack:
                self.stack[-1].nested = True
            t = _Table()
            t.before = self.since
            self.since = []
            self.stack.append(t)
            self.cell.append(None)
        elif tag == "tr" and self.stack:
            self.stack[-1].rows.append([])
        elif tag in ("td", "th") and self.stack:
            t = self.stack[-1]
            if not t.rows:
                t.rows.append([])
            hidden = "display:none" in (a.get("style") or "").replace(" ", "").lower()
            c = _Cell(_int(a.get("rowspan")), _int(a.get("colspan")), hidden)
            t.rows[-1].append(c)
            self.cell[-1] = c
        elif tag in _BLOCK:
            self._newline()

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self._newline()
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "table" and self.stack:
            self.done.append(self.stack.pop())
            self.cell.pop()
        elif tag in ("td", "th") and self.cell:
            self.cell[-1] = None
        elif tag in _BLOCK:
            self._newline()

    def _newline(self):
        c = self.cell[-1] if self.cell else None
        if c is not None:
            c.text.append("\n")
        elif not self.stack:
            self.outside.append("\n")
            self.since.append("\n")

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
            return
        text = re.sub(r"[ \t\r\n\f]+", " ", data)
        self.all.append(text)
        c = self.cell[-1] if self.cell else None
        if c is not None:
            c.text.append(text)
        elif not self.stack:
            self.outside.append(text)
            self.since.append(text)


def _int(v) -> int:
    try:
        return max(1, min(int(str(v).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _cell_text(c: _Cell) -> str:
    s = "".join(c.text).replace("\xa0", " ")
    lines = [ln.strip() for ln in s.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _grid(t: _Table, name: str) -> Sheet:
    rows: list[list[str]] = []
    taken: set[tuple[int, int]] = set()
    merges = []
    for r, cells in enumerate(t.rows):
        while len(rows) <= r:
            rows.append([])
        c = 0
        for cell in cells:
            if cell.hidden:
                continue
            while (r, c) in taken:
                c += 1
            text = _cell_text(cell)
            for rr in range(r, r + cell.rowspan):
                for cc in range(c, c + cell.colspan):
                    taken.add((rr, cc))
            while len(rows[r]) <= c:
                rows[r].append("")
            rows[r][c] = text
            if cell.rowspan > 1 or cell.colspan > 1:
                merges.append((r, c, r + cell.rowspan - 1, c + cell.colspan - 1))
            c += cell.colspan
    return Sheet(name=name, grid=rows, merged=merges)


def _blocks(parts: list[str]) -> list[str]:
    from tracker.plan_builder import join_text

    return [b for b in (join_text(x) for x in "".join(parts).split("\n")) if b]


def read_page(data: bytes) -> tuple[list[Sheet], list[str], str, str]:
    """(grids, title candidate before each grid, all text of the page, <title>)."""
    p = _Parser()
    p.feed(html_of(data))
    p.close()
    while p.stack:  # unclosed tables
        p.done.append(p.stack.pop())
    tables = [t for t in p.done if not t.nested and t.rows]
    sheets, titles = [], []
    for i, t in enumerate(tables, 1):
        sheets.append(_grid(t, f"表格{i}"))
        titles.append(_title(_blocks(t.before)))
    return sheets, titles, " ".join(p.all), p.title.strip()


def _title(blocks: list[str]) -> str:
    for b in reversed(blocks[-5:]):
        if ATTACHMENT.match(b) or len(b) > 80:
            continue
        if any(w in b for w in _TITLE_WORDS):
            return b
    return ""


def identify(d: Detected) -> int:
    return 1 if d.format == "html" else 0


def extract(source: Path | Detected, problems: Problems, options=None) -> RawTable:
    name = source_name(source)
    sheets, titles, outside, page_title = read_page(source_bytes(source))
    if not sheets:
        raise InputError(Problem("no-table", "网页里没有表格 (<table>), 无法作为分解表导入", file=name))
    raw = rows_from_sheets(sheets, file=name, problems=problems, fmt="html",
                           columns=getattr(options, "columns", None), notes=outside)
    if not raw.title:
        first = raw.rows[0].where.sheet if raw.rows else sheets[0].name
        idx = next((i for i, s in enumerate(sheets) if s.name == first), 0)
        raw.title = titles[idx] or _title([page_title]) or page_title
    return raw
