"""The values of a return's cells: text for comparison (:func:`norm`), input text as typed and as
stored, the progress percent (:func:`parse_progress`) and a target's actual value
(:func:`parse_actual`). Pure functions, property-tested. The statuses, their synonyms and the
0–100 rule are the form's (:mod:`tracker.form`).

Decisions (also in docs/round-trip.md):

- **Percent values.** python-calamine does not expose number formats, so 0.8 typed into a
  percent-formatted cell arrives as 0.8. Rule: a number strictly between 0 and 1 that is not whole
  is a fraction and is multiplied by 100 (a warning says so); anything else is taken as percent
  points: 80, "80", "80%", "８０", "８０％" all mean 80. A non-whole result is rounded half up (warning).
  1 means 1 %.
- **Target actuals** accept 12.5, "12.5", "１２", "13万" (130000, or 13 when the target's unit is
  万…), "16%" (16), a trailing unit word ("10家"); words are rejected.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime
from datetime import time as dt_time

from tracker.form import PROGRESS_MAX, PROGRESS_MIN, PROGRESS_RANGE_SHORT, TARGET
from tracker.problems import Problems

_ACTUAL_LABEL = TARGET["actual"].label  # 完成值, in the messages about a target's actual value


def norm(v) -> str:
    """Cell text for comparison: NFKC (full-width → ASCII), whitespace removed, 1.0 → "1"."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return _norm_text(v if type(v) is str else str(v))


@functools.lru_cache(maxsize=1 << 16)
def _norm_text(s: str) -> str:
    # cached: an item's locked texts come back in the return of every unit that has the item.
    # str.split() splits on exactly the characters regex \s matches (both use str.isspace()).
    return "".join(unicodedata.normalize("NFKC", s).split())


def cell_text(v) -> str:
    """An input text cell as typed (line breaks kept, outer whitespace removed)."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime) and v.time() == dt_time(0):
        v = v.date()
    if isinstance(v, (date, datetime, dt_time)):
        return v.isoformat()
    return str(v).replace("\r\n", "\n").replace("\r", "\n").strip()


def clean_text(v, probs: Problems, **where) -> str:
    """An input text cell as stored: :func:`cell_text`, without what XML cannot hold (with a warning)."""
    from tracker.safety import xml_safe, xml_safe_problem

    t, n = xml_safe(cell_text(v))
    if n:
        probs.items.append(xml_safe_problem(n, **where))
    return t


def shown(v) -> str:
    t = cell_text(v)
    return t if len(t) <= 30 else t[:30] + "…"


# -- value parsers (pure; property-tested) -----------------------------------------------------------
_NUM = re.compile(r"^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)$")


def parse_progress(value) -> tuple[int | None, str | None, str]:
    """A progress cell -> (percent 0–100, problem code or None, note).

    Returns (None, code, message) for an error, (p, None, "") when clean, and (p, "warning-code",
    message) when the value was interpreted (fraction, rounded). See the module docstring.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "progress-missing", "完成进度未填写"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None, "progress-not-number", f"完成进度“{shown(value)}”不是数字"
    if not isinstance(value, str) and not _finite(value):
        return None, "progress-not-number", f"完成进度“{shown(value)}”不是有效的数字 (非数值或无穷大)"
    note_code, note = None, ""
    if isinstance(value, str):
        s = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
        percent = s.endswith("%")
        s = s.rstrip("%")
        if not _NUM.match(s):
            return None, "progress-not-number", f"完成进度“{shown(value)}”不是数字"
        v = float(s)
        if not percent and 0 < v < 1:
            v, note_code, note = v * 100, "progress-fraction", f"完成进度“{shown(value)}”按 {_fmt(v * 100)}% 处理"
    else:
        v = float(value)
        if 0 < v < 1:
            v, note_code, note = v * 100, "progress-fraction", f"完成进度 {_fmt(v)} 按 {_fmt(v * 100)}% 处理 (单元格为百分比格式)"
    v = round(v, 9)
    if v < PROGRESS_MIN or v > PROGRESS_MAX:
        return None, "progress-out-of-range", f"完成进度“{shown(value)}”超出 {PROGRESS_RANGE_SHORT} 的范围"
    r = int(v + 0.5)
    if abs(v - r) > 1e-9 and note_code is None:
        note_code, note = "progress-rounded", f"完成进度“{shown(value)}”不是整数, 已按 {r} 处理"
    elif abs(v - r) > 1e-9:
        note += f", 四舍五入为 {r}"
    return r, note_code, note


_MULT = {"千": 1e3, "万": 1e4, "亿": 1e8}
_ACTUAL = re.compile(r"^([+-]?(?:\d+(?:\.\d+)?|\.\d+))(千|万|亿)?([^\d]{0,4})$")


def parse_actual(value, target_unit: str = "") -> tuple[float | None, str | None]:
    """A target's actual value -> (number or None when empty, error message or None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, f"{_ACTUAL_LABEL}“{value}”不是数字"
    if isinstance(value, (int, float)):
        return _fit_actual(value, value)
    s = unicodedata.normalize("NFKC", str(value)).strip()
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s).replace(" ", "")
    m = _ACTUAL.match(s)
    if not m:
        return None, f"{_ACTUAL_LABEL}“{shown(value)}”不是数字"
    n = float(m.group(1))
    mult, suffix = m.group(2) or "", m.group(3) or ""
    tu = unicodedata.normalize("NFKC", target_unit or "")
    allowed = {"", "%", "件", "家", "个", "项", "人", "次", "元", "户", "所", "种", "篇", "场", "期", "名", "人次",
               "倍", "平方米", tu, tu.lstrip("千万亿")}
    if suffix not in allowed:
        return None, f"{_ACTUAL_LABEL}“{shown(value)}”不是数字"
    if mult and not (tu[:1] == mult):
        n *= _MULT[mult]
    return _fit_actual(n, value)


MAX_ACTUAL = 1e15  # |actual| above this does not fit: no target counts that far, and a float is
#                    exact for whole numbers only up to 2**53 (9.0e15)


def _finite(v) -> bool:
    """True for a number that is not NaN or infinite and fits a float (a huge int does not)."""
    import math

    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


def _fit_actual(n, value) -> tuple[float | None, str | None]:
    if not _finite(n):
        return None, f"{_ACTUAL_LABEL}“{shown(value)}”不是有效的数字 (非数值或无穷大)"
    if abs(float(n)) > MAX_ACTUAL:
        return None, f"{_ACTUAL_LABEL}“{shown(value)}”过大, 超出可记录的范围 (绝对值不超过 10 的 15 次方)"
    return float(n), None


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
