"""The office's year in a real browser: Playwright drives the system Chromium against a real Waitress
server on 127.0.0.1 (a free port, in a thread).

The path: import the plan through the preview, generate the templates, download them as a zip,
drop ten returns (one of them wrong) on the upload zone, read the wrong one's receipt, see the status
board change, download the bulletin and the year-end report. Every page opens with no console
error; each is photographed (``TRACKER_WEB_SCREENSHOTS=DIR`` keeps the pictures; ``python
tests/test_web_browser.py DEMO_WORKSPACE docs`` writes docs/web-*.png from the demo year).
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.browser import ARGS, CHROMIUM, MAX_SHOT_HEIGHT, Console, browser_or_skip, shot  # noqa: F401
from support.webkit import PLAN, ServerThread, empty_workspace, fill_returns  # noqa: E402

PAGES = [("home", "/"), ("plan", "/plan"), ("plan-units", "/plan/units"), ("graph", "/graph"),
         ("quarter", "/quarters/{period}"), ("units", "/units"), ("unit", "/units/{unit}"),
         ("report", "/reports/{year}")]








def shoot_pages(page, base: str, out: Path, period: str, year: int, unit: str, console: Console) -> list[Path]:
    """Open every page, check it has real content and no console error, and photograph it."""
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    for name, url in PAGES:
        console.errors.clear()
        resp = page.goto(base + url.format(period=period, year=year, unit=unit))
        assert resp.status == 200, (name, resp.status)
        page.wait_for_load_state("networkidle")
        assert page.locator("nav.menu a").count() == 6, name
        assert page.locator("main .card").count() >= 1, name
        assert len(page.inner_text("main")) > 200, name
        if name == "graph":
            page.wait_for_function("document.querySelector('img.graph').complete "
                                   "&& document.querySelector('img.graph').naturalWidth > 0", timeout=120_000)
        if name == "report":
            page.frame_locator("iframe.dashboard").locator("body").wait_for()
        assert console.errors == [], (name, console.errors)
        path = out / f"web-{name}.png"
        shot(page, path)
        shots.append(path)
    return shots


@pytest.mark.slow
def test_office_year_in_the_browser(tmp_path):
    sync_playwright = browser_or_skip()
    from tracker.app import Tracker
    from tracker.web import create_app

    root = tmp_path / "ws"
    empty_workspace(root)
    t = Tracker(root)
    app = create_app(t)
    shots = Path(os.environ.get("TRACKER_WEB_SCREENSHOTS") or tmp_path / "shots")
    with ServerThread(app) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="zh-CN")
        page.set_default_timeout(180_000)  # the report page writes the year's report (charts, Word) first
        console = Console(page)
        base = srv.url

        # 1. the plan, through the preview
        page.goto(base + "/")
        page.click("text=导入计划")
        page.set_input_files("input[name=file]", str(PLAN))
        page.click("text=上传并预览")
        page.wait_for_selector("#confirm")
        assert "尚未保存" in page.inner_text("main")
        assert page.locator("table.items tbody tr").count() == 54
        assert page.locator("mark").count() > 0  # targets marked
        assert t.plans() == []  # nothing stored before the clerk confirms
        shot(page, shots / "web-plan-preview.png")
        page.click("#confirm")
        page.wait_for_selector(".flash.ok")
        assert "54 项任务" in page.inner_text(".flash.ok")
        assert [r["version"] for r in t.plans()] == [1]
        page.fill("input[name=q]", "专利")
        page.wait_for_function("document.querySelectorAll('#plan-items tbody tr').length < 54")
        assert console.errors == []

        # 2. templates for Q1, and the zip
        page.goto(base + "/quarters/2007Q1")
        page.click("#make-templates")
        page.wait_for_selector("#templates-zip")
        assert "已生成 107 个填报模板" in page.inner_text(".flash.ok")
        with page.expect_download() as dl:
            page.click("#templates-zip")
        z = zipfile.ZipFile(io.BytesIO(Path(dl.value.path()).read_bytes()))
        assert len(z.namelist()) == 107
        missing_before = page.locator("#units-board tr.state-missing").count()
        assert missing_before == 107

        # 3. ten returns, the last one wrong, dropped at once
        files = fill_returns(root, "2007Q1", tmp_path / "filled", 10, bad=1)
        page.fill("input[name=received]", "2007-04-08")
        page.set_input_files("#files", [str(f) for f in files])
        page.wait_for_selector("#upload-summary", timeout=120_000)
        assert "接收 9 个, 退回 1 个" in page.inner_text("#upload-summary")
        bad_row = page.locator("#upload-results tr.rejected")
        assert bad_row.count() == 1 and files[-1].name in bad_row.inner_text()
        bad_row.locator("summary").click()
        bad_row.scroll_into_view_if_needed()
        shot(page, shots / "web-upload.png", top=page.evaluate(
            "document.getElementById('upload').getBoundingClientRect().top + window.scrollY"))
        receipt = bad_row.locator("pre").inner_text()
        assert "退回" in receipt and files[-1].name in receipt
        with page.expect_download() as dl:
            bad_row.locator("a.receipt-link").click()
        assert "退回" in Path(dl.value.path()).read_text(encoding="utf-8")
        # the board refreshed itself: nine units fewer missing
        page.wait_for_function(f"document.querySelectorAll('#units-board tr.state-missing').length == {missing_before - 9}")
        assert page.locator("#units-board tr.state-on_time").count() == 9
        page.reload()
        assert page.locator("#units-board tr.state-missing").count() == missing_before - 9
        page.select_option("select[name=ustate]", "on_time")
        page.wait_for_function("document.querySelectorAll('#units-board tbody tr').length == 9")
        assert console.errors == [], console.errors

        # 4. the bulletin and the year-end report
        with page.expect_download() as dl:
            page.click("#bulletin-docx")
        assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
        page.goto(base + "/reports/2007")
        assert "工作完成度" in page.inner_text("main")
        with page.expect_download() as dl:
            page.click("#report-docx")
        assert dl.value.suggested_filename == "2007-检查验收报告.docx"
        assert Path(dl.value.path()).read_bytes()[:2] == b"PK"

        # 5. every page, no console error, photographed
        unit = files[0].stem.split("-", 1)[1]
        for picture in shoot_pages(page, base, shots, "2007Q1", 2007, unit, console):
            assert picture.stat().st_size > 20_000, picture  # a picture of a real page, not a blank one
        browser.close()
    t.close()


@pytest.mark.slow
def test_login_page_in_the_browser(tmp_path):
    sync_playwright = browser_or_skip()
    from tracker.app import Tracker
    from tracker.users import Accounts
    from tracker.web import create_app

    root = tmp_path / "ws"
    empty_workspace(root)
    Accounts(root).add("clerk", "correct horse", "admin")
    t = Tracker(root)
    app = create_app(t)
    app.config["LOGIN_DELAY"] = 0
    with ServerThread(app) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        console = Console(page)
        page.goto(srv.url + "/plan")
        assert page.url.endswith("/login?next=/plan")
        page.fill("input[name=username]", "clerk")
        page.fill("input[name=password]", "wrong password")
        page.click("button.primary")
        assert "账户名或密码不对" in page.inner_text("main")
        page.fill("input[name=password]", "correct horse")
        page.click("button.primary")
        page.wait_for_url("**/plan")
        assert "导入计划" in page.inner_text("main") and "clerk" in page.inner_text("header")
        assert console.errors == []
        shots = os.environ.get("TRACKER_WEB_SCREENSHOTS")
        page.click("text=退出")
        page.wait_for_url("**/login")
        if shots:
            page.screenshot(path=str(Path(shots) / "web-login.png"))
        browser.close()
    t.close()


def main(argv: list[str]) -> None:
    """Photograph every page of a workspace (the demo year) into a folder: docs/web-*.png."""
    from playwright.sync_api import sync_playwright

    from tracker.app import Tracker
    from tracker.web import create_app

    root, out = Path(argv[0]), Path(argv[1])
    t = Tracker(root)
    period = t.default_period()
    unit = t.status(period)["returned"][0]["unit"]
    with ServerThread(create_app(t)) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.set_default_timeout(180_000)
        for picture in shoot_pages(page, srv.url, out, str(period), period.year, unit, Console(page)):
            print(picture)
        browser.close()
    t.close()


if __name__ == "__main__":
    main(sys.argv[1:])
