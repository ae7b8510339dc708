"""A department's path through its own link, in the system Chromium (Playwright) against a real
Waitress server: open the link, upload a workbook with a bad cell, read the cell on the page, upload
the corrected file and see it accepted; another unit fills the form online (a bad field shown beside
it, then accepted); the office's quarter board shows both units returned. No console error.

``TRACKER_WEB_SCREENSHOTS=docs`` keeps the pictures as docs/web-link.png and docs/web-fill.png.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from urllib.parse import urlparse

import pytest
from support.browser import ARGS, CHROMIUM, Console, browser_or_skip, shot
from support.webkit import PERIOD, ServerThread, fill_returns, plan_workspace, set_due_ahead, unit_of

pytestmark = pytest.mark.slow  # a real browser


def test_department_path_through_its_link(tmp_path):
    sync_playwright = browser_or_skip()
    from tracker.app import Tracker
    from tracker.simulate import UnitBehaviour, fill_workbook
    from tracker.web import create_app

    root = plan_workspace(tmp_path / "ws")
    set_due_ahead(root)
    files = fill_returns(root, PERIOD, tmp_path / "filled", 2, bad=1)
    bad = files[1]
    uploader = unit_of(bad)
    corrected = tmp_path / "corrected" / bad.name
    corrected.parent.mkdir()
    fill_workbook(root / "outbox" / PERIOD / bad.name, corrected, 1, UnitBehaviour(pace=1.0), random.Random(3))
    t = Tracker(root)
    links = {k.unit: urlparse(k.url).path for k in t.links(PERIOD).links}
    filler = next(u for u in sorted(links) if u != uploader and any(
        i["targets"] for i in t.link_page(links[u].rsplit("/", 1)[1])["items"]))
    shots = Path(os.environ.get("TRACKER_WEB_SCREENSHOTS") or tmp_path / "shots")
    app = create_app(t)
    try:
        with ServerThread(app) as srv, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            console = Console(page)
            # 1. the unit opens its link: its name, the deadline, its items; no office menu
            resp = page.goto(srv.url + links[uploader])
            assert resp.status == 200
            assert page.inner_text("h1") == uploader and page.locator("nav.menu").count() == 0
            assert "截止日期" in page.inner_text("main")
            # 2. uploads the workbook with bad cells: the receipt names each cell at once
            page.set_input_files('input[name="file"]', str(bad))
            page.click("#upload button[type=submit]")
            page.wait_for_selector("#receipt")
            assert "未被接收" in page.inner_text("#receipt h2")
            cells = page.locator("#receipt td.cell").all_inner_texts()
            stored = t.link_page(links[uploader].rsplit("/", 1)[1])["sent"][-1]["problems"]
            assert cells and cells == [pr["cell"] for pr in stored]
            assert all(c[0] == "H" for c in cells if c)  # the progress column the mistake is in
            shot(page, shots / "web-link.png")
            # 3. the corrected file is accepted
            page.set_input_files('input[name="file"]', str(corrected))
            page.click("#upload button[type=submit]")
            page.wait_for_selector("#receipt.ok")
            assert "已接收" in page.inner_text("#receipt h2")
            assert page.locator("#sent tbody tr").count() == 2
            # 4. another unit fills online: a wrong progress is shown beside its field, then accepted
            page.goto(srv.url + links[filler] + "/fill")
            data = t.link_page(links[filler].rsplit("/", 1)[1])
            for i, it in enumerate(data["items"]):
                page.select_option(f'select[name="{it["id"]}.status"]', "推进中")
                page.fill(f'input[name="{it["id"]}.progress"]', "一半" if i == 0 else "40")
                page.fill(f'textarea[name="{it["id"]}.done"]', "完成了年度工作方案的制定和部署")
                page.fill(f'textarea[name="{it["id"]}.next"]', "按方案推进")
            for tg in data["targets"]:
                page.fill(f'input[name="{tg["key"]}.actual"]', "5")
            page.click("form.fill button[type=submit]")
            page.wait_for_selector("#receipt.bad")
            first = data["items"][0]["id"]
            problem = page.locator(f'#item-{first} .field-problem')
            assert problem.count() >= 1 and "进度" in problem.first.inner_text()
            assert page.input_value(f'input[name="{first}.progress"]') == "一半"  # what was typed is kept
            shot(page, shots / "web-fill.png")
            page.fill(f'input[name="{first}.progress"]', "60")
            page.click("form.fill button[type=submit]")
            page.wait_for_selector("#receipt.ok")
            # 5. the office's board shows both units returned
            page.goto(srv.url + f"/quarters/{PERIOD}")
            board = page.locator("#units-board")
            for u in (uploader, filler):
                row = board.locator("tr", has=page.locator(f'a:text-is("{u}")'))
                assert row.locator(".tag.green, .tag.yellow").count() == 1, u
            assert page.locator("#links").count() == 1
            # a rejected upload's page is itself the 422 answer, which Chromium logs; nothing else
            errors = [e for e in console.errors if "status of 422" not in e]
            assert errors == [], errors
            browser.close()
    finally:
        t.close()
