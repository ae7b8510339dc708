"""Collecting returns: filled workbooks in, checked, archived, stored, answered with a receipt.

The package, one module per job (docs/round-trip.md):

- :mod:`~tracker.collect.pipeline`: :func:`collect` and the :class:`Collector` — finding the files,
  archiving them, batches, the check workers, storing (the SQL is in :mod:`tracker.store.collect`);
  its docstring says in which order a file goes through, and why a crash loses nothing.
- :mod:`~tracker.collect.checks`: :func:`check_workbook`, an ordered list of small checks of one
  workbook (safety, identity, period, plan, unit, task rows, targets); needs no store.
- :mod:`~tracker.collect.values`: the cell values (progress, actuals, statuses, texts).
- :mod:`~tracker.collect.outcome`: the results (:class:`FileOutcome`, :class:`CollectResult`, :class:`Checked`).
- :mod:`~tracker.collect.receipts`: the receipt (回执) and the fix text of every problem code.
- :mod:`~tracker.collect.readback`: the accepted values of a period, the files received.
"""

from __future__ import annotations

from tracker.collect.checks import check_workbook
from tracker.collect.outcome import OFFICE_SIDE, Checked, CollectResult, FileOutcome
from tracker.collect.pipeline import (
    Collector,
    archive_file,
    archive_files,
    collect,
    expected_periods,
    find_files,
    stored_outcome,
)
from tracker.collect.readback import received_files, return_rows_for
from tracker.collect.receipts import FIX, receipt_name, receipt_text
from tracker.collect.values import parse_actual, parse_progress

__all__ = ["FIX", "OFFICE_SIDE", "Checked", "CollectResult", "Collector", "FileOutcome",
           "archive_file", "archive_files", "check_workbook", "collect", "expected_periods", "find_files",
           "parse_actual", "parse_progress", "received_files", "receipt_name", "receipt_text",
           "return_rows_for", "stored_outcome"]
