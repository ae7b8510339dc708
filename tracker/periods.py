"""Periods: quarters written "2007Q1". Due dates and expected progress come from tracker.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.problems import UsageError

_PERIOD = re.compile(r"^\s*((?:19|20)\d\d)\s*[-_ ]?\s*[Qq]\s*([1-4])\s*$")


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

    def quarters_so_far(self) -> list[Period]:
        return [Period(self.year, q) for q in range(1, self.quarter + 1)]


def parse_period(text: str) -> Period:
    m = _PERIOD.match(str(text))
    if not m:
        raise UsageError(f"季度“{text}”格式不对, 应写成如 2007Q1 (2007 年第一季度)")
    return Period(int(m.group(1)), int(m.group(2)))


def year_periods(year: int) -> list[Period]:
    return [Period(year, q) for q in range(1, 5)]
