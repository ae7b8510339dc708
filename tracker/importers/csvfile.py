"""CSV: as Excel saves it on Chinese Windows (GBK/GB18030) or elsewhere (UTF-8, with or without BOM).

The bytes are decoded with :func:`tracker.importers.decode_text`; the delimiter (comma, tab or
semicolon) is the one that splits the first lines most consistently.
A csv has no merged cells, so blank category cells carry the category above forward; everything
else is :mod:`tracker.importers.table`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tracker.importers.table import Sheet, rows_from_sheets
from tracker.model import RawTable
from tracker.problems import Problems

DELIMITERS = (",", "\t", ";")


def extract(path: Path, problems: Problems, options=None) -> RawTable:
    from tracker.importers import read_text_file

    path = Path(path)
    rows = parse_csv(read_text_file(path))
    return rows_from_sheets([Sheet(name="", rows=rows)], file=path.name, problems=problems, fmt="csv",
                            columns=getattr(options, "columns", None))


def sniff_delimiter(text: str) -> str:
    """The delimiter that gives the most lines with the same (>1) number of fields."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    best, best_score = ",", -1
    for d in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=d)]
        except csv.Error:
            continue
        if not counts:
            continue
        widest = max(counts)
        if widest < 2:
            continue
        score = sum(1 for c in counts if c == widest) * widest
        if score > best_score:
            best, best_score = d, score
    return best


def parse_csv(text: str) -> list[list[str]]:
    text = text.lstrip("\ufeff")
    delim = sniff_delimiter(text)
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
