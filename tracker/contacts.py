"""The contact book (联络员名册): per unit, its contact person, phone and e-mail.

Kept in the store (table ``contacts``, schema 3), not in tracker.toml: it is data about the
departments (a few hundred rows a clerk imports and the web app edits), not the office's settings,
and it is written by uploads while tracker.toml is edited by hand. Units are stored under the
registry's canonical name, so an alias or a reorganisation finds the same contact (the store
reads and writes them: ``Store.load_contacts`` / ``Store.save_contacts``).

:func:`read_contacts` reads the table a clerk already has (.xlsx/.xls/.ods or a .csv saved by
Excel on Chinese Windows): the header row is the first of the first rows that names a unit column
and at least one of contact/phone/e-mail (:data:`HEADER_WORDS`); every row below it with a unit
name is a contact. Rows are returned with their row number, so an unknown unit is reported as a
warning naming file, sheet and row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tracker.problems import InputError, Problem, Problems

# field -> header words (normalised: NFKC, no spaces or punctuation, lower case)
HEADER_WORDS = {
    "unit": ("单位", "单位名称", "责任单位", "部门", "单位部门", "部门名称"),
    "name": ("联系人", "联络员", "姓名", "联系人姓名", "联络员姓名"),
    "phone": ("电话", "手机", "联系电话", "手机号", "手机号码", "办公电话", "电话号码", "联系方式"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail", "电子邮件", "邮件", "mail"),
}
FIELDS = ("name", "phone", "email")
_PUNCT = re.compile(r"[\s()（）:：\-_/／*＊]+")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class ContactRow:
    unit: str
    name: str = ""
    phone: str = ""
    email: str = ""
    sheet: str = ""
    row: int = 0  # 1-based, as a clerk sees it

    def to_dict(self) -> dict:
        return {"unit": self.unit, "name": self.name, "phone": self.phone, "email": self.email}


def _norm(s) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(s or ""))).lower()


_WORDS = {_norm(w): f for f, words in HEADER_WORDS.items() for w in words}


def header_columns(row: list) -> dict[str, int]:
    """field -> column of a header row (the first column that names the field)."""
    cols: dict[str, int] = {}
    for c, v in enumerate(row):
        f = _WORDS.get(_norm(v))
        if f and f not in cols:
            cols[f] = c
    return cols


def _grids(path: Path) -> list[tuple[str, list[list]]]:
    from tracker.detect import detect
    from tracker.importers.base import source_text
    from tracker.importers.csvfile import parse_csv
    from tracker.importers.spreadsheet import read_sheets

    d = detect(path)
    if d.format in ("xlsx", "xls", "ods"):
        return [(s.name, _top_left_only(s)) for s in read_sheets(d)]
    if d.format == "text":
        return [("", parse_csv(source_text(d)))]
    raise InputError(Problem("unknown-format", f"联络员名册应为 xlsx/xls/ods 或 csv 文件 (识别为 {d.format})",
                             file=path.name))


def _top_left_only(sheet) -> list[list]:
    """The sheet's cells with a merged range's value in its first cell only (a unit merged over
    two rows is one contact row, as the table was always read)."""
    grid = [list(r) for r in sheet.grid]
    for r0, c0, r1, c1 in sheet.merged:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    grid[r][c] = ""
    return grid


def read_contacts(path: Path) -> tuple[list[ContactRow], Problems]:
    """The contacts of a clerk's table; raises InputError when no sheet has a header naming a unit
    column and one of 联系人/电话/邮箱."""
    from tracker.importers.table import cell_text

    path = Path(path)
    problems = Problems()
    out: list[ContactRow] = []
    found = False
    for sheet, rows in _grids(path):
        for h in range(min(len(rows), 15)):
            cols = header_columns(rows[h])
            if "unit" in cols and any(f in cols for f in FIELDS):
                break
        else:
            continue
        found = True
        for r in range(h + 1, len(rows)):
            row = rows[r]

            def get(f, row=row, cols=cols):
                c = cols.get(f)
                return cell_text(row[c]).strip() if c is not None and c < len(row) else ""

            unit = get("unit")
            if not unit:
                continue
            c = ContactRow(unit, get("name"), get("phone"), get("email"), sheet=sheet, row=r + 1)
            if c.email and not EMAIL.match(c.email):
                problems.warn("contact-email-invalid", f"“{unit}”的邮箱“{c.email}”不像电子邮箱地址, 已照录",
                              file=path.name, sheet=sheet, row=r + 1)
            out.append(c)
    if not found:
        raise InputError(Problem("header-missing", "找不到表头: 需要“单位”列, 以及“联系人”“电话”“邮箱”中至少一列",
                                 file=path.name))
    return out, problems


__all__ = ["read_contacts", "ContactRow", "header_columns", "HEADER_WORDS"]
