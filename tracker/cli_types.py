"""click parameter types for what the office types on the command line.

:class:`DateType` accepts a date as 2007-04-08, 2007/04/08, 2007.4.8 or 2007年4月8日
(:func:`tracker.periods.parse_date`) and gives a :class:`datetime.date`; a wrong one is a usage
error (exit 2) whose message shows the accepted forms, in Chinese.
"""

from __future__ import annotations

import click

from tracker.periods import parse_date
from tracker.problems import UsageError


class DateType(click.ParamType):
    name = "日期"

    def get_metavar(self, param, ctx=None) -> str:  # click 8.1 passes (param), 8.2 (param, ctx)
        return "日期"

    def convert(self, value, param, ctx):
        try:
            return parse_date(value)
        except UsageError as e:
            self.fail(str(e), param, ctx)


DATE = DateType()
