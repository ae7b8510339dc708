"""The worksheet scan's fast path (a few regex passes) finds exactly what the exact loop finds:
the same bounds, the same formula cells, the same first cell past a limit."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker import safety
from tracker.problems import col_letter


class Insp:
    def __init__(self, limits):
        self.limits = limits
        self.file = "t.xlsx"
        self.out = []

    def err(self, code, message, **where):
        return safety._Reject(safety.Problem(code, message, file=self.file, **where))


def scan(xml: bytes, pieces: list[int], fast: bool, limits):
    insp = Insp(limits)
    sc = safety._XlsxSheetScan(insp, "S")
    if not fast:
        sc._fast = lambda body: False
    try:
        start = 0
        for cut in sorted(pieces) + [len(xml)]:
            sc.feed(xml[start:cut])
            start = cut
        sc.close()
    except safety._Reject as r:
        return ("reject", r.problem.code, r.problem.cell)
    return (sc.min_row, sc.max_row, sc.min_col, sc.max_col, [p.cell for p in insp.out])


cell = st.tuples(st.integers(1, 400), st.integers(1, 260), st.sampled_from(["v", "empty", "f", "fnov", "nor"]))


def render(cells, merges, prefix: str) -> bytes:
    rows: dict[int, list] = {}
    for r, c, kind in cells:
        rows.setdefault(r, []).append((c, kind))
    out = [f'<{prefix}worksheet><{prefix}sheetData>']
    for r in sorted(rows):
        out.append(f'<{prefix}row r="{r}">')
        for c, kind in sorted(set(rows[r])):
            ref = f"{col_letter(c - 1)}{r}"
            if kind == "empty":
                out.append(f'<{prefix}c r="{ref}" s="1"/>')
            elif kind == "f":
                out.append(f'<{prefix}c r="{ref}"><{prefix}f>1+1</{prefix}f><{prefix}v>2</{prefix}v></{prefix}c>')
            elif kind == "fnov":
                out.append(f'<{prefix}c r="{ref}"><{prefix}f>1+1</{prefix}f></{prefix}c>')
            elif kind == "nor":
                out.append(f'<{prefix}c t="s"><{prefix}v>0</{prefix}v></{prefix}c>')
            else:
                out.append(f'<{prefix}c r="{ref}" t="s"><{prefix}v>0</{prefix}v></{prefix}c>')
        out.append(f"</{prefix}row>")
    out.append(f"</{prefix}sheetData><{prefix}mergeCells>")
    for (r1, c1), (r2, c2) in merges:
        out.append(f'<{prefix}mergeCell ref="{col_letter(c1 - 1)}{r1}:{col_letter(c2 - 1)}{r2}"/>')
    out.append(f"</{prefix}mergeCells></{prefix}worksheet>")
    return "".join(out).encode()


@settings(max_examples=300, deadline=None)
@example(cells=[(1, 1, "fnov"), (2, 1, "fnov")], merges=[], prefix="x:", pieces=[241], small=False)
@given(cells=st.lists(cell, max_size=40),
       merges=st.lists(st.tuples(st.tuples(st.integers(1, 300), st.integers(1, 250)),
                                 st.tuples(st.integers(1, 300), st.integers(1, 250))), max_size=3),
       prefix=st.sampled_from(["", "x:"]), pieces=st.lists(st.integers(0, 4000), max_size=4),
       small=st.booleans())
def test_fast_path_agrees_with_the_exact_loop(cells, merges, prefix, pieces, small):
    xml = render(cells, merges, prefix)
    limits = safety.Limits(max_rows=200, max_cols=120, max_cells=9000) if small else safety.LIMITS
    pieces = [p % (len(xml) + 1) for p in pieces]
    assert scan(xml, pieces, True, limits) == scan(xml, pieces, False, limits)


def test_far_cell_named_the_same_way():
    xml = render([(1, 1, "v"), (5, 306, "v"), (5, 201, "v")], [], "")
    assert scan(xml, [], True, safety.LIMITS) == ("reject", "sheet-too-large", "GS5")
