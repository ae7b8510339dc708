"""JSON as tracker writes it: strict JSON, always.

Python's ``json.dumps`` writes ``NaN``, ``Infinity`` and ``-Infinity`` by default, which are not
JSON (a browser's ``JSON.parse``, PostgreSQL's ``jsonb`` and most tools refuse them). Every piece of
JSON tracker prints, stores or writes goes through :func:`dumps`, which uses ``allow_nan=False``.
Collect and the plan builder refuse NaN and infinite numbers at the door (problems with the cell),
so none should reach here; one that still does (a store written before those checks) is written as
``null`` — "no value" — rather than ending the command.
"""

from __future__ import annotations

import json
import math


def finite(value):
    """``value`` with every NaN or infinite float (in dicts, lists and tuples) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def dumps(data, *, indent: int | None = None) -> str:
    """Strict JSON (no NaN/Infinity), non-ASCII kept as it is, anything else by ``str``."""
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=indent, default=str)
    except ValueError:  # a NaN or infinity somewhere: written as null
        return json.dumps(finite(data), ensure_ascii=False, allow_nan=False, indent=indent, default=str)
