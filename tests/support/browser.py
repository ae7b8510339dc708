"""Playwright on the system Chromium: launch or skip, collect console errors, take screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


MAX_SHOT_HEIGHT = 1800  # the top of a long page is what a reader of the docs needs


def browser_or_skip():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return sync_playwright


class Console:
    """Every console error and uncaught page error of a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))


def shot(page, path: Path, top: float = 0) -> None:
    """A picture of the page from ``top`` down, at most MAX_SHOT_HEIGHT high."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = min(page.evaluate("document.documentElement.scrollHeight") - top, MAX_SHOT_HEIGHT)
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": top, "width": page.viewport_size["width"], "height": height})
