"""CSV: as Excel saves it on Chinese Windows (GBK/GB18030) or elsewhere (UTF-8, with or without BOM).

The bytes are decoded with :func:`tracker.detect.decode_text`; the delimiter (comma, tab or
semicolon) is the one that splits the first lines most consistently.
A csv has no merged cells, so blank category cells carry the category above forward; everything
else is :mod:`tracker.importers.table`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tracker.detect import Detected
from tracker.importers.base import source_name, source_text
from tracker.importers.table import rows_from_sheets
from tracker.model import RawTable
from tracker.problems import Problems
from tracker.sheets import Sheet

DELIMITERS = (",", "\t", ";")


def identify(d: Detected) -> int:
    """Any text: the reader of last resort (box text and narrative plans score higher)."""
    return 1 if d.format == "text" else 0


def extract(source: Path | Detected, problems: Problems, options=None) -> RawTable:
    rows = parse_csv(source_text(source))
    return rows_from_sheets([Sheet(name="", grid=rows)], file=source_name(source), problems=problems, fmt="csv",
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
