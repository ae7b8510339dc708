"""The inspection's files, written into one folder from the dict of
:func:`tracker.reports.inspection.data.gather` (the same dict in both languages):

* ``YEAR-检查验收报告.docx``  (:mod:`tracker.reports.inspection.docx`)
* ``YEAR-检查验收汇总.xlsx``  (:mod:`tracker.reports.inspection.xlsx`)
* ``YEAR-dashboard.html``     (:mod:`tracker.reports.inspection.dashboard`)
* ``charts/*.png`` and ``charts/*.svg`` (:mod:`tracker.reports.inspection.charts`)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tracker.i18n import resolve
from tracker.reports.inspection import charts, dashboard, docx, xlsx


def file_names(year: int) -> dict[str, str]:
    return {"docx": f"{year}-检查验收报告.docx", "xlsx": f"{year}-检查验收汇总.xlsx",
            "html": f"{year}-dashboard.html"}


def write_report(data: dict, out_dir: Path, config: Mapping | None = None,
                 workspace_root: Path | None = None, lang: str | None = None, progress=None) -> dict:
    """Write charts, the Word report, the workbook and the dashboard; returns what was written:
    {"docx": path, "xlsx": path, "html": path, "charts": {name: {"png": path, "svg": path}},
    "notes": [one-line messages, e.g. about the font]}.

    ``lang``: "zh" or "en" (:mod:`tracker.i18n`); by default ``[office] language`` of ``config``,
    else Chinese. The file names are the same in both languages. ``progress``, when given, wraps
    the list of steps (charts, Word, Excel, dashboard) as a progress bar would."""
    lang = resolve(lang, config)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = file_names(data["year"])
    font = charts.setup_font(config)
    written: dict = {"notes": list(font.notes)}

    def write_charts():
        written["charts"] = charts.write_charts(data, out_dir / "charts", font=font, lang=lang)

    def write_docx():
        written["docx"] = docx.write_docx(data, out_dir / names["docx"], written["charts"], lang=lang,
                                          config=config)

    def write_xlsx():
        written["xlsx"] = xlsx.write_xlsx(data, out_dir / names["xlsx"], lang=lang)

    def write_html():
        written["html"] = dashboard.write_dashboard(data, out_dir / names["html"], written["charts"],
                                                    font=font, workspace_root=workspace_root, lang=lang)

    steps = [write_charts, write_docx, write_xlsx, write_html]
    for step in (progress(steps) if progress else steps):
        step()
    return written
