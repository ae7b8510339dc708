"""Periods: quarters written "2007Q1". Due dates and expected progress come from tracker.toml.

A person may type a quarter as 2007Q1, 2007 Q1, 2007-Q1, 2007年第一季度, 2007年一季度, 2007年1季度,
or just Q1 / 第一季度 / 一季度 (then the year is the plan's: :func:`parse_period` ``year=``);
a date as 2007-04-08, 2007/04/08, 2007.4.8 or 2007年4月8日 (:func:`parse_date`). Full-width digits
and letters count as their half-width forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.problems import UsageError

_PERIOD = re.compile(r"^\s*((?:19|20)\d\d)?\s*[-_ ]?\s*[Qq]\s*([1-4])\s*$")
_CN_QUARTER = re.compile(r"^\s*(?:((?:19|20)\d\d)\s*年\s*(?:度\s*)?)?第?\s*([一二三四1-4])\s*季度?\s*$")
_DATE = re.compile(r"^\s*((?:19|20)\d\d)\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?\s*$")
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4}


def _half(text: str) -> str:
    """Full-width digits, letters and punctuation as half-width; the ideographic space as a space."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else (" " if c == "\u3000" else c)
                   for c in str(text))


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        """Chinese label: 2007年第一季度."""
        return f"{self.year}年第{'一二三四'[self.quarter - 1]}季度"

    @property
    def end(self) -> date:
        if self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, self.quarter * 3 + 1, 1) - timedelta(days=1)

    def due(self, config: dict | None = None) -> date:
        """The due date: [periods.due] "2007Q1" if set, else quarter end + due_days_after_quarter."""
        periods = (config or {}).get("periods", {})
        explicit = periods.get("due", {}).get(str(self))
        if explicit:
            return explicit if isinstance(explicit, date) else date.fromisoformat(str(explicit))
        return self.end + timedelta(days=int(periods.get("due_days_after_quarter", 10)))

    def expected_progress(self, config: dict | None = None) -> float:
        """Progress (0–100) an item should have reached by the end of this quarter."""
        exp = (config or {}).get("periods", {}).get("expected_progress", [25, 50, 75, 100])
        return float(exp[self.quarter - 1])

    def previous(self) -> Period | None:
        """The previous quarter of the same year (progress is cumulative within a year)."""
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else None


def parse_period(text: str, year: int | None = None) -> Period:
    """A quarter as a person types it (see the module docstring); ``year`` stands in where the
    text has none ("Q1", "一季度"), and a text without a year and no ``year`` is a usage error."""
    s = _half(text)
    m = _PERIOD.match(s) or _CN_QUARTER.match(s)
    if not m:
        raise UsageError(f"季度“{text}”格式不对, 应写成如 2007Q1、2007年第一季度 或 Q1")
    q = m.group(2)
    y = int(m.group(1)) if m.group(1) else year
    if y is None:
        raise UsageError(f"季度“{text}”没有写年份, 工作区里也还没有计划; 请写成如 2007Q1")
    return Period(y, _CN_DIGIT.get(q) or int(q))


def parse_date(text) -> date:
    """A date as a person types it: 2007-04-08, 2007/04/08, 2007.4.8, 2007年4月8日."""
    if isinstance(text, date):
        return text
    m = _DATE.match(_half(text))
    try:
        if not m:
            raise ValueError
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UsageError(f"“{text}”不是日期, 应写成如 2007-04-08、2007/4/8、2007.4.8 或 2007年4月8日") from None


def year_periods(year: int) -> list[Period]:
    return [Period(year, q) for q in range(1, 5)]
