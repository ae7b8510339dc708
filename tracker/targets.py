"""Quantitative targets in an item's text. PROVISIONAL: being written."""

from __future__ import annotations

from tracker.model import Target


def extract_targets(text: str) -> list[Target]:
    return []
