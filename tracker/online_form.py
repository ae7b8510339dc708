"""Filling in online: the answers of the unit's page become the workbook the unit would have sent.

"Checked by exactly the rules a workbook is checked by" is kept by construction, not by a second
set of rules: :func:`form_workbook` builds the unit's template with the template writer
(:func:`tracker.templates.build_workbook`, the same identity, items and target rows), types each
answer into its input cell as given (a text "80%" stays the text "80%", as if typed in Excel), and
the bytes then go through the one collect path (:class:`tracker.collect.Collector`: safety scan,
identity, every cell check, supersede, receipt). The submitted answers themselves are archived
first as canonical JSON under their SHA-256 (``archive/<sha256>.json``, :func:`form_json`); the
workbook made from them is named ``…-在线填报-<first 12 hex of that sha>.xlsx``, so the stored
return leads back to the JSON.

Answers::

    {"items":   {"2007-001": {"status": "推进中", "progress": "60", "done": "…", "problems": "…", "next": "…"}},
     "targets": {"2007-010#0": {"actual": "12.5", "note": "…"}}}

Keys left out are blank cells (and blank is what the checks then judge). Values are typed as Excel
stores what a person types: text, except that a plain number in 完成进度 or 完成值 becomes that
number (see :func:`_clean`). An item id or target key that is not the unit's is a UsageError (a
form the page did not make).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import datetime

from tracker.form import (
    FIRST_ROW,
    TARGET_COLUMNS,
    TARGET_SHEET,
    TASK,
    TASK_COLUMNS,
    TASK_SHEET,
)
from tracker.problems import UsageError

FORM_FORMAT = "tracker-form-1"
# a field's answer typed as a number where its column holds one (完成进度, 完成值)
_NUMBER_KINDS = ("percent", "number")


def form_json(unit: str, period: str, answers: dict, submitted_at: datetime | None = None) -> bytes:
    """The archived form: canonical JSON (sorted keys, UTF-8)."""
    doc = {"format": FORM_FORMAT, "unit": unit, "period": str(period),
           "submitted_at": (submitted_at or datetime.now()).isoformat(timespec="seconds"),
           "answers": {"items": answers.get("items", {}), "targets": answers.get("targets", {})}}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def _clean(value, number: bool = False):
    """A form value as the cell holds it when typed in Excel: text, or for the number fields
    (progress, actual) a plain number typed as text becomes the number Excel would store
    ("0.45" -> 0.45, as a fraction typed into the percent cell; "80%", "八十", "13万" stay text and
    the checks judge them as they judge a workbook's)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    s = str(value).replace("\r\n", "\n")
    if not s.strip():
        return None
    if number and _NUMBER.match(s.strip()):
        v = float(s.strip())
        return int(v) if v.is_integer() and "." not in s else v
    return s


def form_workbook(ws, unit: str, period, answers: dict) -> bytes:
    """UNIT's template for PERIOD with the answers typed into its input cells (.xlsx bytes)."""
    import openpyxl

    from tracker.assignments import period_assignment
    from tracker.templates import build_workbook, identity_for

    period, plan, a = period_assignment(ws, period)
    config = ws.config()
    rows = a.items_of(unit)
    ident = identity_for(plan, unit, rows, period, ws.secret())
    items = dict(answers.get("items") or {})
    targets = dict(answers.get("targets") or {})
    unknown = sorted(set(items) - set(ident.items)) + sorted(set(targets) - {f"{i}#{k}" for i, k in ident.targets})
    if unknown:
        raise UsageError(f"表单中的“{'、'.join(map(str, unknown))}”不是本单位的任务或指标")
    data = build_workbook(plan, unit, rows, period, ident, {}, config)

    wb = openpyxl.load_workbook(io.BytesIO(data))
    sh = wb[TASK_SHEET]
    id_col = TASK_COLUMNS.index(TASK["id"]) + 1
    for r in range(FIRST_ROW + 1, sh.max_row + 1):
        got = items.get(sh.cell(r, id_col).value) or {}
        _type_answers(sh, r, TASK_COLUMNS, got)
    if ident.targets:
        tsh = wb[TARGET_SHEET]
        # target rows are written in identity order: the k-th row is the k-th (item, idx)
        for k, (iid, idx) in enumerate(ident.targets):
            _type_answers(tsh, FIRST_ROW + 1 + k, TARGET_COLUMNS, targets.get(f"{iid}#{idx}") or {})
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _type_answers(sh, r: int, columns, got: dict) -> None:
    """Type the answers of one row (field key -> value) into its input cells (1-based row ``r``)."""
    for c, col in enumerate(columns, start=1):
        if col.input:
            sh.cell(r, c).value = _clean(got.get(col.key), number=col.kind in _NUMBER_KINDS)


def field_of(problem, items: list[str], targets: list[str]) -> dict | None:
    """The form field a problem of a form's workbook is about: ``{"item": id, "field": name}`` or
    ``{"target": "item#idx", "field": "actual"|"note"}``, from its sheet and cell (the workbook
    :func:`form_workbook` makes has the template's layout: the k-th item on row FIRST_ROW + 1 + k).
    ``items``/``targets``: the unit's item ids and target keys in template order (``link_page``'s
    ``items[*].id`` and ``targets[*].key``). None for a problem of the whole file."""
    from tracker.problems import col_letter

    m = re.match(r"^([A-Z]+)(\d+)$", problem.cell or "")
    if not m:
        return None
    k = int(m.group(2)) - 1 - FIRST_ROW
    if problem.sheet == TASK_SHEET and 0 <= k < len(items):
        by_letter = {col_letter(c): col.key for c, col in enumerate(TASK_COLUMNS) if col.input}
        return {"item": items[k], "field": by_letter.get(m.group(1), "")}
    if problem.sheet == TARGET_SHEET and 0 <= k < len(targets):
        by_letter = {col_letter(c): col.key for c, col in enumerate(TARGET_COLUMNS) if col.input}
        return {"target": targets[k], "field": by_letter.get(m.group(1), "")}
    return None


def form_file_name(period, unit: str, json_sha: str) -> str:
    from tracker.files import safe_file_name

    return safe_file_name(unit, prefix=f"{period}-", tail=f"-在线填报-{json_sha[:12]}", suffix=".xlsx")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["form_json", "form_workbook", "form_file_name", "field_of"]
