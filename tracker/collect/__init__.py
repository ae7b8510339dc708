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

import importlib

# The package's names, each from its module, imported on first use (PEP 562): checking one file
# (``tracker.collect.checks``) then loads neither the pipeline nor the store (SQLAlchemy).
_EXPORTS = {
    "check_workbook": "checks",
    "OFFICE_SIDE": "outcome", "Checked": "outcome", "CollectResult": "outcome", "FileOutcome": "outcome",
    "Collector": "pipeline", "archive_file": "pipeline", "archive_files": "pipeline", "collect": "pipeline",
    "expected_periods": "pipeline", "find_files": "pipeline", "stored_outcome": "pipeline",
    "received_files": "readback", "return_rows_for": "readback",
    "FIX": "receipts", "receipt_name": "receipts", "receipt_text": "receipts",
    "parse_actual": "values", "parse_progress": "values",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
