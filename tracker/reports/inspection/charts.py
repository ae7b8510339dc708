"""The inspection charts, as PNG (for Word and people) and SVG (for the dashboard), with matplotlib.

* ``category``: completion by category (horizontal bars, the pass line drawn);
* ``units``: the unit ranking (horizontal bars; with many units the top N and the bottom N, so a
  plan with ~70 units stays readable);
* ``trend``: work completion per quarter against the expected progress and the pass line;
* ``heatmap``: unit × quarter returns (按时 / 逾期 / 未报 / 未到期 as colours, units on the y axis,
  units with missing or late returns first).

matplotlib is imported inside the functions (Agg backend, :class:`matplotlib.figure.Figure`, no
pyplot state), so importing this module costs nothing. Chinese needs a CJK font: the order of search
is in :func:`setup_font`; when none is found the charts are still drawn and one clear line says so.
SVGs keep text as paths, so they need no font where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tracker.i18n import ZH, quarter_label, tr
from tracker.reports.inspection.text import RETURN_LABEL

COLORS = {"green": "#4CAF50", "yellow": "#F0B400", "red": "#D9453D", "blue": "#3B73B9",
          "grey": "#B0B0B0", "dark": "#333333"}
RETURN_COLORS = {"on_time": "#4CAF50", "late": "#F0A030", "missing": "#D9453D", "pending": "#D0D0D0"}

@dataclass
class FontChoice:
    family: str | None  # the family name matplotlib uses; None when no CJK font was found
    path: str | None = None  # the font file (for embedding a subset in the dashboard)
    source: str = ""  # config | tracker.fonts | system | package
    notes: list[str] = field(default_factory=list)


_CHOSEN: dict[str, FontChoice] = {}


def setup_font(config: dict | None = None) -> FontChoice:
    """Find a CJK font and register it with matplotlib (no global rcParams are changed).

    The search is :func:`tracker.fonts.find_cjk_font` (``[fonts] cjk`` in tracker.toml, then system
    fonts, then the optional ``tracker[fonts]`` extra). From a collection (.ttc) the Simplified
    Chinese face is used. When nothing is
    found the charts are still drawn and ``notes`` holds one clear line saying so.
    """
    configured = str(((config or {}).get("fonts") or {}).get("cjk") or "").strip()
    if configured in _CHOSEN:
        return _CHOSEN[configured]
    from matplotlib import font_manager as fm

    from tracker.fonts import find_cjk_font

    found = find_cjk_font(config)
    notes = [found.message] if found.message else []
    choice = _register(fm, str(found.path), found.source) if found.path else None
    if choice is None:
        choice = FontChoice(None, None, "")
        if not notes:
            notes.append("未找到中文字体, 图表中的中文可能显示为方框; 请 pip install 'tracker[fonts]', "
                         "或在 tracker.toml 的 [fonts] cjk 中指定字体文件。")
    choice.notes = notes
    _CHOSEN[configured] = choice
    return choice


def _register(fm, path: str, source: str) -> FontChoice | None:
    before = {(f.name, f.fname) for f in fm.fontManager.ttflist}
    try:
        fm.fontManager.addfont(path)
    except Exception:  # noqa: BLE001 - unreadable font file
        return None
    faces = [f.name for f in fm.fontManager.ttflist if f.fname == path]
    if not faces:
        faces = [f.name for f in fm.fontManager.ttflist if (f.name, f.fname) not in before]
    if not faces:
        return None
    # a collection (.ttc) holds several faces: prefer Simplified Chinese
    family = next((n for n in faces if n.endswith(" SC") and "Mono" not in n), None) or faces[0]
    return FontChoice(family, path, source)


def font_rc(font: FontChoice) -> dict:
    """matplotlib rc settings for the charts with this font (use with matplotlib.rc_context)."""
    families = ([font.family] if font.family else []) + ["DejaVu Sans"]
    return {"font.family": families, "font.sans-serif": families, "axes.unicode_minus": False,
            "svg.fonttype": "path", "svg.hashsalt": "tracker", "font.size": 10,
            # the font's regular face everywhere (a CJK family often has only Regular installed,
            # and a bold request then falls back to a heavier face or to faux bold)
            "font.weight": "normal", "axes.titleweight": "normal", "axes.labelweight": "normal",
            "figure.titleweight": "normal"}


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- the charts ------------------------------------------------------------------------------------
def category_chart(data: dict, lang: str = ZH):
    from matplotlib.figure import Figure

    cats = data["categories"]
    passline = data["thresholds"]["pass_completion"]
    labels = [tr("{no}、{name}", lang, no=c["category_no"], name=_short(c["category"], 14)) if c["category_no"]
              else _short(c["category"], 16) for c in cats]
    values = [c["completion"] or 0 for c in cats]
    fig = Figure(figsize=(8, max(2.6, 0.42 * len(cats) + 1.3)), dpi=150)
    ax = fig.add_subplot()
    y = list(range(len(cats)))[::-1]
    colors = [COLORS["green"] if v >= 100 - 1e-9 else COLORS["blue"] if v >= passline else COLORS["red"]
              for v in values]
    ax.barh(y, values, color=colors, height=0.62)
    for yy, v, c in zip(y, values, cats, strict=True):
        ax.text(min(v, 100) + 1, yy, tr("{value}%  ({n}项)", lang, value=f"{v:.1f}", n=c["items"]),
                va="center", fontsize=8.5, color=COLORS["dark"])
    ax.axvline(passline, color=COLORS["red"], linestyle="--", linewidth=1)
    ax.text(passline, len(cats) - 0.35, tr(" 合格线 {line}%", lang, line=f"{passline:g}"), color=COLORS["red"],
            fontsize=8, va="bottom")
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlim(0, 118)
    ax.set_ylim(-0.6, len(cats) - 0.1)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel(tr("完成度 (%)", lang))
    ax.set_title(tr("{year}年度各类任务完成度", lang, year=data["year"]), fontsize=12)
    _tidy(ax)
    fig.tight_layout()
    return fig


def unit_chart(data: dict, top: int = 15, bottom: int = 15, lang: str = ZH):
    """Units that lead something, by completion; with more than top+bottom units only both ends."""
    from matplotlib.figure import Figure

    units = [u for u in data["units"] if u["completion"] is not None]
    units.sort(key=lambda u: (-u["completion"], -u["lead_items"], u["unit"]))
    rows: list[dict | None] = list(units)
    hidden = 0
    if len(units) > top + bottom:
        hidden = len(units) - top - bottom
        rows = units[:top] + [None] + units[-bottom:]
    passline = data["thresholds"]["pass_completion"]
    fig = Figure(figsize=(8, max(2.6, 0.27 * len(rows) + 1.4)), dpi=150)
    ax = fig.add_subplot()
    n = len(rows)
    labels, values, colors, ys = [], [], [], []
    for i, u in enumerate(rows):
        yy = n - 1 - i
        if u is None:
            labels.append(tr("…… 其余 {n} 个单位 ……", lang, n=hidden))
            ys.append(yy)
            values.append(0)
            colors.append("white")
            continue
        v = u["completion"]
        ys.append(yy)
        labels.append(_short(u["unit"], 18))
        values.append(v)
        colors.append(COLORS["green"] if v >= 100 - 1e-9 else COLORS["blue"] if v >= passline else COLORS["red"])
    ax.barh(ys, values, color=colors, height=0.7)
    for yy, v, u in zip(ys, values, rows, strict=True):
        if u is not None:
            ax.text(v + 1, yy, f"{v:.1f}%", va="center", fontsize=7.5, color=COLORS["dark"])
    ax.axvline(passline, color=COLORS["red"], linestyle="--", linewidth=1)
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, 112)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel(tr("牵头任务平均完成度 (%)    红色虚线: 合格线 {line}%", lang, line=f"{passline:g}"))
    title = tr("{year}年度各单位完成度排名", lang, year=data["year"])
    if hidden:
        title += tr(" (前 {top} 名与后 {bottom} 名, 共 {n} 个牵头单位)", lang, top=top, bottom=bottom, n=len(units))
    ax.set_title(title, fontsize=11)
    _tidy(ax)
    fig.tight_layout()
    return fig


def trend_chart(data: dict, lang: str = ZH):
    from matplotlib.figure import Figure

    trend = data["trend"]
    passline = data["thresholds"]["pass_completion"]
    fig = Figure(figsize=(8, 4.2), dpi=150)
    ax = fig.add_subplot()
    x = list(range(len(trend)))
    labels = [quarter_label(i, lang) for i in x]
    exp = [t["expected"] for t in trend]
    ax.plot(x, exp, linestyle="--", color=COLORS["grey"], marker="o", label=tr("应达进度", lang))
    pts = [(i, t["completion"]) for i, t in enumerate(trend) if t["completion"] is not None]
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=COLORS["blue"], marker="o", linewidth=2,
                label=tr("工作完成度", lang))
        for i, v in pts:
            below = v < trend[i]["expected"]  # keep the label off the expected-progress line
            ax.annotate(f"{v:.1f}%", (i, v), textcoords="offset points", xytext=(0, -15 if below else 8),
                        ha="center", fontsize=9, color=COLORS["blue"])
    ax.axhline(passline, color=COLORS["red"], linestyle=":", linewidth=1,
               label=tr("合格线 {line}%", lang, line=f"{passline:g}"))
    for i, t in enumerate(trend):
        ax.text(i, 2, tr("报送 {returned}/{expected}", lang, returned=t["units_returned"],
                         expected=t["units_expected"]), ha="center", fontsize=8, color=COLORS["dark"])
    ax.set_xticks(x, labels)
    ax.set_ylim(0, 110)
    ax.set_xlim(-0.4, len(trend) - 0.6)
    ax.set_ylabel(tr("完成度 (%)", lang))
    ax.set_title(tr("{year}年度各季度工作完成度", lang, year=data["year"]), fontsize=12)
    ax.legend(loc="upper left", fontsize=8.5, frameon=False)
    _tidy(ax)
    fig.tight_layout()
    return fig


def heatmap_chart(data: dict, max_rows: int = 40, lang: str = ZH):
    """Units × quarters. With more than ``max_rows`` units, every unit with a late, missing or
    pending quarter is shown and the units that returned every quarter on time share one row."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    order = ["on_time", "late", "missing", "pending"]
    quarters = [t["quarter"] for t in data["trend"]]
    position = {u["unit"]: i for i, u in enumerate(data["units"])}
    units = sorted(data["units"], key=lambda u: (-u["returns_missing"], -u["returns_late"],
                                                 -u.get("returns_pending", 0), position[u["unit"]]))
    labels = [_short(u["unit"], 18) for u in units]
    grid = [[order.index(u["quarters"][q]) for q in quarters] for u in units]
    if len(units) > max_rows:
        keep = [i for i, u in enumerate(units) if any(u["quarters"][q] != "on_time" for q in quarters)]
        rest = len(units) - len(keep)
        if rest > 1:
            labels = [labels[i] for i in keep] + [tr("其余 {n} 个单位 (全部按时)", lang, n=rest)]
            grid = [grid[i] for i in keep] + [[0] * len(quarters)]
    n = max(1, len(labels))
    fig = Figure(figsize=(7, max(3.0, 0.24 * n + 1.7)), dpi=150)
    ax = fig.add_subplot()
    cmap = ListedColormap([RETURN_COLORS[k] for k in order])
    if grid:
        ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=len(order) - 0.5, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(quarters)), [quarter_label(i, lang) for i in range(len(quarters))], fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(labels)), labels, fontsize=7.5 if n > 40 else 8.5)
    ax.set_xticks([i + 0.5 for i in range(len(quarters) - 1)], minor=True)
    ax.set_yticks([i + 0.5 for i in range(len(labels) - 1)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_title(tr("{year}年度各单位季度报送情况 (共 {n} 个单位)", lang, year=data["year"], n=len(units)),
                 fontsize=12, pad=24)
    handles = [Patch(color=RETURN_COLORS[k], label=tr(RETURN_LABEL[k], lang)) for k in order]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.35 / fig.get_figheight(), 1, 1))
    return fig


def _tidy(ax) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)


CHARTS = {"category": (category_chart, "各类任务完成度"), "units": (unit_chart, "各单位完成度排名"),
          "trend": (trend_chart, "各季度工作完成度"), "heatmap": (heatmap_chart, "各单位季度报送情况")}


def write_charts(data: dict, out_dir: Path, font: FontChoice | None = None, config: dict | None = None,
                 lang: str = ZH) -> dict:
    """Draw every chart; returns {name: {"png": path, "svg": path, "title": 标题}} (the title in
    ``lang``; the Chinese data labels are drawn with the CJK font in either language)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    font = font or setup_font(config)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    from tracker.fonts import quiet_matplotlib

    with matplotlib.rc_context(font_rc(font)), quiet_matplotlib():
        for name, (draw, title) in CHARTS.items():
            fig = draw(data, lang=lang)
            png = out_dir / f"{data['year']}-{name}.png"
            svg = out_dir / f"{data['year']}-{name}.svg"
            fig.savefig(png, dpi=150, metadata={"Software": None})
            fig.savefig(svg, metadata={"Date": None, "Creator": None})
            written[name] = {"png": png, "svg": svg, "title": tr(title, lang)}
    return written

