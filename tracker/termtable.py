"""Text for the terminal: columns measured by display width, numbers without a stray ".0".

A CJK character takes two columns of a terminal, a Latin one one (``unicodedata.east_asian_width``
W/F = 2, combining marks 0); :func:`table` pads every column to its widest cell and cuts a cell
longer than the column's ``max`` with "…", so long Chinese unit names no longer push the next
column out of line. :func:`value` prints what a person expects: 3 for 3.0, 2.5 for 2.5, "" (or a
dash) for None — never "None".
"""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    w = 0
    for ch in str(text):
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` display columns, ending in "…" when it was longer."""
    text = str(text)
    if width(text) <= limit:
        return text
    out, w = [], 0
    for ch in text:
        cw = width(ch)
        if w + cw > limit - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def pad(text: str, cols: int, align: str = "left") -> str:
    gap = " " * max(0, cols - width(text))
    return gap + text if align == "right" else text + gap


def value(v, none: str = "") -> str:
    """3.0 -> "3", 2.50 -> "2.5", None -> ``none``, anything else as str."""
    if v is None:
        return none
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:g}"
    return str(v)


def table(rows: list[list], headers: list[str] | None = None, *, max_widths: list[int | None] | None = None,
          align: list[str] | None = None, gap: int = 2) -> str:
    """Rows of cells as aligned lines (a header line first when given)."""
    allrows = ([list(headers)] if headers else []) + [[value(c) for c in r] for r in rows]
    if not allrows:
        return ""
    n = max(len(r) for r in allrows)
    allrows = [r + [""] * (n - len(r)) for r in allrows]
    maxw = list(max_widths or []) + [None] * n
    allrows = [[cut(c, maxw[i]) if maxw[i] else c for i, c in enumerate(r)] for r in allrows]
    cols = [max(width(r[i]) for r in allrows) for i in range(n)]
    al = list(align or []) + ["left"] * n
    lines = []
    for r in allrows:
        cells = [pad(c, cols[i], al[i]) if i < n - 1 or al[i] == "right" else c for i, c in enumerate(r)]
        lines.append((" " * gap).join(cells).rstrip())
    return "\n".join(lines)
