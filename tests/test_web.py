"""The web app through Flask's test client: every route, the API against the CLI's --json, CSRF,
accounts and roles, upload limits, bad uploads, downloads, error pages, and `tracker serve`."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.webkit import PLAN, copy_workspace, fill_returns, free_port, plan_workspace

from tracker.cli import main

PERIOD = "2007Q1"


# -- fixtures ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The sample plan, Q1 templates, and 6 filled returns (the last one wrong) made once."""
    d = tmp_path_factory.mktemp("web")
    ws = plan_workspace(d / "ws")
    files = fill_returns(ws, PERIOD, d / "filled", 6, bad=1)
    return ws, files


@pytest.fixture
def ws(base, tmp_path):
    return copy_workspace(base[0], tmp_path / "ws")


@pytest.fixture
def filled(base):
    return base[1]


def make_app(root, **kw):
    from tracker.app import Tracker
    from tracker.web import create_app

    t = Tracker(root)
    return create_app(t, testing=True, **kw), t


@pytest.fixture
def app(ws):
    a, t = make_app(ws)
    yield a
    t.close()


@pytest.fixture
def client(app):
    return app.test_client()


def token(client) -> str:
    r = client.get("/api/csrf")
    assert r.status_code == 200
    return r.get_json()["token"]


def cli_json(root, *args):
    r = CliRunner().invoke(main, [*args, "--json", "-w", str(root)], catch_exceptions=False)
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout if hasattr(r, "stdout") else r.output)


def files_payload(paths, field="files"):
    return {field: [(io.BytesIO(Path(p).read_bytes()), Path(p).name) for p in paths]}


def store_dump(root):
    from tracker.workspace import find_workspace

    s = find_workspace(root).store()
    try:
        d = s.dump()
    finally:
        s.close()
    return {k: v for k, v in d.items() if k != "received"}


# -- pages ---------------------------------------------------------------------------------------------
PAGES = ["/", "/plan", "/plan?q=专利&role=lead", "/plan?category=三&light=red", "/plan/units", "/graph",
         "/graph?unit=市知识产权局", "/quarters/2007Q1", "/quarters/2007Q1?ustate=missing&isort=completion",
         "/units", "/units/市知识产权局", "/reports/2007"]


@pytest.mark.slow
def test_every_page_opens(client):
    for url in PAGES:
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.get_data(as_text=True)
        assert 'name="csrf-token"' in html and "Traceback" not in html, url
        for label in ("首页", "计划", "分工", "季度", "单位", "年度"):
            assert f">{label}</a>" in html, (url, label)
    assert client.get("/graph.png").headers["Content-Type"] == "image/png"
    assert client.get("/quarters").headers["Location"].endswith("/quarters/2007Q1")
    assert client.get("/reports").headers["Location"].endswith("/reports/2007")


def test_home_shows_the_quarter(client):
    html = client.get("/").get_data(as_text=True)
    assert "2007年第一季度" in html and "2007-04-10" in html  # due date
    assert "已下发模板" in html and "107" in html
    assert "下一步" in html


def test_plan_page_filters(client):
    all_rows = client.get("/plan").get_data(as_text=True).count('<td class="num">')
    lead = client.get("/plan?unit=市工商局&role=lead").get_data(as_text=True)
    assert 0 < lead.count('<td class="num">') < all_rows
    assert "<mark>" in client.get("/plan").get_data(as_text=True)  # targets marked in the text
    part = client.get("/plan", headers={"HX-Request": "true", "HX-Target": "plan-items"}).get_data(as_text=True)
    assert "<html" not in part and "<table" in part  # htmx gets the table only


def test_english_pages(ws):
    cfg = ws / "tracker.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('language = "zh"', 'language = "en"'), encoding="utf-8")
    app, t = make_app(ws)
    html = app.test_client().get("/").get_data(as_text=True)
    t.close()
    assert ">Home</a>" in html and ">Quarter</a>" in html


def test_status_board_filter_and_partial(client, filled):
    tok = token(client)
    client.post("/api/collect", data={**files_payload(filled[:3]), "received": "2007-04-08"},
                headers={"X-CSRF-Token": tok})
    html = client.get("/quarters/2007Q1?ustate=on_time").get_data(as_text=True)
    assert html.count('class="state-on_time"') == 3 and 'class="state-missing"' not in html
    part = client.get("/quarters/2007Q1?ustate=missing", headers={"HX-Request": "true", "HX-Target": "board-wrap"})
    text = part.get_data(as_text=True)
    assert "<html" not in text and text.count('class="state-missing"') == 107 - 3


# -- the API is the CLI's --json ---------------------------------------------------------------------
@pytest.mark.slow
def test_api_equals_cli_json(ws, client, filled):
    tok = token(client)
    r = client.post("/api/collect", data={**files_payload(filled[:5]), "received": "2007-04-08"},
                    headers={"X-CSRF-Token": tok})
    assert r.status_code == 200, r.get_json()
    assert client.get("/api/plan").get_json() == cli_json(ws, "plan", "show")
    assert client.get("/api/status/2007Q1").get_json() == cli_json(ws, "status", PERIOD)
    assert client.get("/api/returns/2007Q1").get_json() == cli_json(ws, "returns", PERIOD)
    assert client.get("/api/plans").get_json() == cli_json(ws, "plan", "list")
    assert client.get("/api/units").get_json() == cli_json(ws, "units")
    api_report = client.get("/api/report/2007").get_json()
    assert api_report == cli_json(ws, "report", "2007")
    assert Path(api_report["files"]["docx"]).exists()


def test_api_collect_equals_cli_collect(base, tmp_path, filled):
    web_ws = copy_workspace(base[0], tmp_path / "a")
    cli_ws = copy_workspace(base[0], tmp_path / "b")
    app, t = make_app(web_ws)
    c = app.test_client()
    r = c.post("/api/collect", data={**files_payload(filled), "received": "2007-04-08"},
               headers={"X-CSRF-Token": token(c)})
    t.close()
    assert r.status_code == 422  # one of the six is wrong
    web = r.get_json()
    cli = cli_json(cli_ws, "collect", *map(str, filled), "--received", "2007-04-08")

    def strip(d):
        return {k: [{x: v for x, v in f.items() if x not in ("file", "receipt", "receipt_url")} for f in d[k]]
                for k in ("accepted", "rejected")}

    assert strip(web) == strip(cli)
    assert [f["file"] for f in web["accepted"]] == [p.name for p in filled[:5]]
    assert set(web["accepted"][0]) == set(cli["accepted"][0]) | {"receipt_url"}
    bad = web["rejected"][0]
    assert bad["file"] == filled[5].name and any(p["cell"] for p in bad["problems"])
    receipt = c_get(web_ws, bad["receipt_url"])
    assert receipt.status_code == 200 and "退回" in receipt.get_data(as_text=True)
    assert no_uploads_left(web_ws)  # the uploaded copies are gone


def no_uploads_left(root, wait_s: float = 20) -> bool:
    """The request's upload folder is removed by a thread after the answer: wait for it."""
    deadline = time.monotonic() + wait_s
    while any((Path(root) / ".uploads").glob("[0-9a-f]" * 32)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_same_name_twice_in_one_upload(ws, client, filled):
    same = [(io.BytesIO(filled[0].read_bytes()), "报表.xlsx"), (io.BytesIO(filled[1].read_bytes()), "报表.xlsx")]
    r = client.post("/api/collect", data={"files": same, "received": "2007-04-08"},
                    headers={"X-CSRF-Token": token(client)})
    assert r.status_code == 200
    got = r.get_json()["accepted"]
    assert [f["file"] for f in got] == ["报表.xlsx", "报表.xlsx"] and len({f["unit"] for f in got}) == 2
    assert no_uploads_left(ws)


def c_get(root, url):
    app, t = make_app(root)
    try:
        return app.test_client().get(url)
    finally:
        t.close()


def test_rejected_upload_changes_no_return(ws, client, filled):
    before = store_dump(ws)
    r = client.post("/api/collect", data={**files_payload(filled[5:]), "received": "2007-04-08"}, headers={"X-CSRF-Token": token(client)})
    assert r.status_code == 422 and r.get_json()["accepted"] == []
    assert store_dump(ws) == before
    junk = client.post("/api/collect", data={"files": [(io.BytesIO(b"not a workbook"), "x.xlsx")]},
                       headers={"X-CSRF-Token": token(client)})
    assert junk.status_code == 422 and junk.get_json()["rejected"][0]["problems"]
    assert store_dump(ws) == before


def test_api_templates_and_zip(ws, client):
    assert client.post("/api/templates/2007Q2").status_code == 403  # no CSRF token
    assert not (ws / "outbox" / "2007Q2").exists()
    r = client.post("/api/templates/2007Q2", headers={"X-CSRF-Token": token(client)})
    assert r.status_code == 200
    assert r.get_json() == {**r.get_json(), "period": "2007Q2", "workbooks": 107}
    z = client.get("/api/templates/2007Q2.zip")
    assert z.status_code == 200 and z.headers["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(z.data)).namelist()
    assert len(names) == 107 and "2007Q2-市知识产权局.xlsx" in names
    assert client.get("/api/templates/2007Q3.zip").status_code == 404
    one = client.get("/quarters/2007Q2/templates/市知识产权局")
    assert one.status_code == 200 and one.data[:2] == b"PK"


def test_api_plan_import_preview_store_and_reject(ws, client):
    tok = token(client)
    before = store_dump(ws)
    r = client.post("/api/plan/import", data={"file": (io.BytesIO(PLAN.read_bytes()), PLAN.name), "preview": "1"},
                    headers={"X-CSRF-Token": tok})
    assert r.status_code == 200
    pv = r.get_json()
    assert set(pv) == set(cli_json(ws, "plan", "show")) | {"problems"} and len(pv["items"]) == 54
    assert {k: v for k, v in pv.items() if k not in ("problems", "plan")} == {
        k: v for k, v in cli_json(ws, "plan", "show").items() if k != "plan"}  # the same table, parsed
    assert store_dump(ws) == before  # nothing stored
    r = client.post("/api/plan/import", data={"file": (io.BytesIO(PLAN.read_bytes()), PLAN.name)},
                    headers={"X-CSRF-Token": tok})
    assert r.status_code == 200
    # the same plan as the one stored: no new version (issue 10), the same JSON as the CLI's
    assert r.get_json()["plan"]["version"] == 1 and r.get_json()["added"] is False and r.get_json()["items"] == 54
    after = store_dump(ws)
    bad = client.post("/api/plan/import", data={"file": (io.BytesIO("随便写的一段话".encode()), "乱码.txt")},
                      headers={"X-CSRF-Token": tok})
    assert bad.status_code == 422 and bad.get_json()["problems"]
    assert store_dump(ws) == after


# -- the plan page: preview, confirm, cancel; units, aliases, collectives ----------------------------
def test_plan_upload_preview_confirm_and_cancel(ws, client):
    tok = token(client)
    r = client.post("/plan/upload", data={"file": (io.BytesIO(PLAN.read_bytes()), PLAN.name), "csrf_token": tok})
    assert r.status_code == 302
    preview = r.headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert "确认导入" in page and "尚未保存" in page and "各区、县级市" in page
    assert client.get("/api/plans").get_json()["plans"][-1]["version"] == 1
    uid = preview.rsplit("/", 1)[1]
    assert client.post(f"/plan/preview/{uid}/cancel", data={"csrf_token": tok}).status_code == 302
    assert client.get(preview).status_code == 404  # gone
    assert len(client.get("/api/plans").get_json()["plans"]) == 1
    r = client.post("/plan/upload", data={"file": (io.BytesIO(PLAN.read_bytes()), PLAN.name), "csrf_token": tok})
    uid = r.headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/plan/preview/{uid}/confirm", data={"csrf_token": tok}).status_code == 302
    # the table equals the stored version: confirming adds none and says so (issue 10)
    assert [p["version"] for p in client.get("/api/plans").get_json()["plans"]] == [1]
    assert "未增加新版本" in client.get("/plan").get_data(as_text=True)
    assert not (ws / ".uploads" / uid).exists()


def test_plan_preview_of_a_rejected_table(client):
    tok = token(client)
    r = client.post("/plan/upload", data={"file": (io.BytesIO(b"\x00\x01garbage"), "plan.xlsx"), "csrf_token": tok})
    page = client.get(r.headers["Location"])
    assert page.status_code == 422
    assert "未能导入" in page.get_data(as_text=True) and "确认导入" not in page.get_data(as_text=True)


def test_preview_ids_are_not_paths(client):
    assert client.get("/plan/preview/..%2f..%2ftracker.toml").status_code == 404
    assert client.get("/plan/preview/" + "0" * 32).status_code == 404


def test_alias_and_collective_edited_in_the_page(ws, client):
    tok = token(client)
    r = client.post("/plan/units/alias", data={"old": "市知识产权局", "new": "市知识产权局(新)", "csrf_token": tok})
    assert r.status_code == 302
    assert "市知识产权局(新)" in client.get("/plan/units").get_data(as_text=True)
    assert any(u["name"] == "市知识产权局(新)" for u in client.get("/api/units").get_json()["units"])
    r = client.post("/plan/units/collective", data={"name": "各区、县级市", "members": "越秀区、荔湾区\n海珠区",
                                                    "csrf_token": tok})
    assert r.status_code == 302
    import tomllib

    cfg = tomllib.loads((ws / "tracker.toml").read_text(encoding="utf-8"))
    assert cfg["units"]["collectives"]["各区、县级市"] == ["越秀区", "荔湾区", "海珠区"]
    assert cfg["units"]["aliases"]["市知识产权局"] == "市知识产权局(新)"


# -- uploads through the page ------------------------------------------------------------------------
def test_page_upload_shows_results_and_receipts(ws, client, filled):
    r = client.post("/quarters/2007Q1/upload", data={**files_payload(filled), "received": "2007-04-09"},
                    headers={"X-CSRF-Token": token(client), "Accept": "text/html"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "接收 5 个, 退回 1 个" in html
    assert html.count('class="accepted"') == 5 and html.count('class="rejected"') == 1
    assert "报 表 回 执" in html  # the receipt text on screen
    links = re.findall(r'href="(/receipts/[0-9a-f]{64})"', html)
    assert len(links) == 6
    assert client.get(links[-1]).headers["Content-Disposition"].startswith("attachment")
    unit_page = client.get("/units/" + filled[0].stem.split("-", 1)[1]).get_data(as_text=True)
    assert filled[0].name in unit_page and "/receipts/" in unit_page


def test_downloads_only_what_a_listing_names(client):
    assert client.get("/receipts/" + "a" * 64).status_code == 404
    assert client.get("/receipts/..%2f..%2ftracker.toml").status_code == 404
    assert client.get("/quarters/2007Q1/templates/..%2f..%2ftracker.toml").status_code == 404
    assert client.get("/quarters/2007Q1/templates/../../tracker.toml").status_code == 404
    assert client.get("/reports/2007/file/tracker.toml").status_code == 404
    assert client.get("/quarters/2007Q1/bulletin.toml").status_code == 404
    assert client.get("/static/../tracker.toml").status_code == 404


@pytest.mark.slow
def test_report_page_and_downloads(client):
    html = client.get("/reports/2007").get_data(as_text=True)
    assert "工作完成度" in html and "评分" in html and "未通过" in html  # one quarter in: not passed
    d = client.get("/reports/2007/file/docx")
    assert d.status_code == 200 and d.data[:2] == b"PK"
    assert client.get("/reports/2007/file/xlsx").data[:2] == b"PK"
    assert client.get("/reports/2007/file/html?inline=1").headers["Content-Type"].startswith("text/html")


def test_remind_and_bulletin_downloads(client):
    r = client.get("/quarters/2007Q1/remind.xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK" and "attachment" in r.headers["Content-Disposition"]
    assert client.get("/quarters/2007Q1/bulletin.docx").data[:2] == b"PK"
    assert client.get("/quarters/2007Q1/bulletin.xlsx").data[:2] == b"PK"


# -- limits ---------------------------------------------------------------------------------------------
def set_web(root, **values):
    import tomlkit

    cfg = Path(root) / "tracker.toml"
    doc = tomlkit.parse(cfg.read_text(encoding="utf-8"))
    doc.setdefault("web", tomlkit.table()).update(values)
    cfg.write_text(tomlkit.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("setting, n", [({"max_files": 2}, 3), ({"max_upload_mb": 0.01}, 2)])
def test_upload_limits(ws, filled, setting, n):
    set_web(ws, **setting)
    app, t = make_app(ws)
    c = app.test_client()
    before = store_dump(ws)
    r = c.post("/api/collect", data=files_payload(filled[:n]), headers={"X-CSRF-Token": token(c)})
    page = c.post("/quarters/2007Q1/upload", data=files_payload(filled[:n]), headers={"X-CSRF-Token": token(c)})
    t.close()
    assert r.status_code == 413 and r.get_json()["status"] == 413 and r.get_json()["error"]
    assert page.status_code == 413 and "上传内容过大" in page.get_data(as_text=True)
    assert store_dump(ws) == before and not list((ws / "archive").rglob("*.xlsx"))
    assert no_uploads_left(ws)  # nothing left behind


def test_bad_requests(client):
    tok = token(client)
    h = {"X-CSRF-Token": tok}
    assert client.post("/api/collect", headers=h).status_code == 400  # no files
    r = client.post("/api/collect", data={**files_payload([PLAN]), "received": "昨天"}, headers=h)
    assert r.status_code == 400 and "YYYY-MM-DD" in r.get_json()["error"]
    assert client.get("/api/status/2007Q5").status_code == 404
    assert client.get("/api/status/2009Q1").status_code == 400  # no plan for 2009
    r = client.get("/api/collect")
    assert r.status_code == 405 and r.get_json()["error"]
    assert "不支持" in client.get("/plan/upload").get_data(as_text=True)


def test_errors_are_chinese_and_never_a_traceback(app, client, monkeypatch):
    t = app.extensions["tracker"]

    def boom(*a, **k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(t, "status", boom)
    page = client.get("/quarters/2007Q1")
    assert page.status_code == 500
    text = page.get_data(as_text=True)
    assert "服务器内部错误" in text and "secret internal detail" not in text and "Traceback" not in text
    api = client.get("/api/status/2007Q1")
    assert api.status_code == 500 and api.get_json()["error"] and "secret" not in api.get_data(as_text=True)
    assert client.get("/no/such/page").get_data(as_text=True).count("找不到页面") == 2


# -- CSRF, loopback, accounts, roles, throttling ------------------------------------------------------
def test_post_without_csrf_changes_nothing(ws, client, filled):
    before = store_dump(ws)
    for url, data in [("/api/collect", lambda: files_payload(filled[:2])), ("/api/templates/2007Q3", dict),
                      ("/api/plan/import", lambda: {"file": (io.BytesIO(PLAN.read_bytes()), PLAN.name)}),
                      ("/plan/units/alias", lambda: {"old": "市工商局", "new": "X"}),
                      ("/quarters/2007Q1/upload", lambda: files_payload(filled[:2]))]:
        r = client.post(url, data=data())
        assert r.status_code == 403, url
        r = client.post(url, data=data(), headers={"X-CSRF-Token": "forged"})
        assert r.status_code == 403, url
    assert store_dump(ws) == before
    assert not (ws / "outbox" / "2007Q3").exists() and not list((ws / "archive").rglob("*.xlsx"))
    assert "X" not in (ws / "tracker.toml").read_text(encoding="utf-8").split("[units.aliases]")[1].split("[")[0]


def test_no_accounts_serves_loopback_only(app):
    far = app.test_client()
    far.environ_base["REMOTE_ADDR"] = "192.168.1.20"
    r = far.get("/")
    assert r.status_code == 403 and "本机" in r.get_data(as_text=True)
    assert far.get("/api/plan").status_code == 403
    near = app.test_client()
    near.environ_base["REMOTE_ADDR"] = "::1"
    assert near.get("/").status_code == 200


def add_user(root, name, password, role="admin"):
    from tracker.users import Accounts

    Accounts(root).add(name, password, role)


def login(client, name, password):
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token(client)})


def test_accounts_guard_every_page_and_api_call(ws, app, filled):
    add_user(ws, "clerk", "correct horse")
    c = app.test_client()
    for url in ["/api/plan", "/api/status/2007Q1", "/api/returns/2007Q1", "/api/report/2007", "/api/plans",
                "/api/units", "/api/graph/stats", "/api/templates/2007Q1.zip"]:
        r = c.get(url)
        assert r.status_code == 401 and "登录" in r.get_json()["error"], url
    for url in PAGES + ["/graph.png", "/receipts/" + "a" * 64]:
        r = c.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
    before = store_dump(ws)
    r = c.post("/api/collect", data=files_payload(filled[:2]), headers={"X-CSRF-Token": token(c)})
    assert r.status_code == 401 and store_dump(ws) == before
    assert c.get("/login").status_code == 200
    assert c.post("/login", data={"username": "clerk", "password": "correct horse"}).status_code == 403  # no CSRF
    assert login(c, "clerk", "wrong password").status_code == 401
    r = login(c, "clerk", "correct horse")
    assert r.status_code == 200 and r.get_json()["role"] == "admin"
    assert c.get("/api/plan").status_code == 200 and c.get("/").status_code == 200
    cookie = c.get_cookie("tracker_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    r = c.post("/api/collect", data={**files_payload(filled[:2]), "received": "2007-04-08"},
               headers={"X-CSRF-Token": token(c)})
    assert r.status_code == 200
    # a new password ends the session
    from tracker.users import Accounts

    Accounts(ws).set_password("clerk", "battery staple")
    assert c.get("/api/plan").status_code == 401
    c.post("/logout", data={"csrf_token": token(c)})


def test_login_form_redirects_back(ws, app):
    add_user(ws, "clerk", "correct horse")
    c = app.test_client()
    r = c.get("/units")
    assert r.headers["Location"].endswith("/login?next=/units")
    r = c.post("/login", data={"username": "clerk", "password": "correct horse", "csrf_token": token(c),
                               "from_page": "1", "next": "/units"})
    assert r.status_code == 302 and r.headers["Location"] == "/units"
    r = c.post("/login", data={"username": "clerk", "password": "correct horse", "csrf_token": token(c),
                               "from_page": "1", "next": "//evil.example/"})
    assert r.headers["Location"] == "/"


def test_viewer_reads_only(ws, app, filled):
    add_user(ws, "leader", "read only please", "viewer")
    c = app.test_client()
    assert login(c, "leader", "read only please").status_code == 200
    assert c.get("/quarters/2007Q1").status_code == 200
    assert "上传回报" not in c.get("/quarters/2007Q1").get_data(as_text=True)
    before = store_dump(ws)
    tok = token(c)
    for url, data in [("/api/collect", files_payload(filled[:1])), ("/api/templates/2007Q3", {}),
                      ("/plan/units/alias", {"old": "市工商局", "new": "X"})]:
        assert c.post(url, data=data, headers={"X-CSRF-Token": tok}).status_code == 403, url
    assert store_dump(ws) == before and not (ws / "outbox" / "2007Q3").exists()


def test_failed_logins_are_limited(ws, app):
    add_user(ws, "clerk", "correct horse")
    c = app.test_client()
    for _ in range(5):
        assert login(c, "clerk", "guess").status_code == 401
    r = login(c, "clerk", "correct horse")
    assert r.status_code == 429 and "分钟" in r.get_json()["error"]
    assert c.get("/api/plan").status_code == 401


def test_login_is_slowed_down(ws):
    from tracker.app import Tracker
    from tracker.web import create_app

    add_user(ws, "clerk", "correct horse")
    t = Tracker(ws)
    app = create_app(t, testing=True)
    app.config["LOGIN_DELAY"] = 0.2
    c = app.test_client()
    t0 = time.monotonic()
    login(c, "clerk", "guess")
    login(c, "clerk", "guess")
    t.close()
    assert time.monotonic() - t0 >= 0.2 + 0.4  # the delay grows with each failure


# -- CLI: users, serve ---------------------------------------------------------------------------------
def test_users_cli(ws):
    run = CliRunner().invoke
    r = run(main, ["users", "add", "clerk", "-w", str(ws)], input="correct horse\ncorrect horse\n")
    assert r.exit_code == 0, r.output
    r = run(main, ["users", "add", "boss", "--role", "viewer", "-w", str(ws)], input="short\nshort\n")
    assert r.exit_code == 2 and "太短" in r.output
    run(main, ["users", "add", "boss", "--role", "viewer", "-w", str(ws)], input="long enough\nlong enough\n")
    rows = json.loads(run(main, ["users", "list", "--json", "-w", str(ws)]).output)["users"]
    assert [(u["name"], u["role"]) for u in rows] == [("boss", "viewer"), ("clerk", "admin")]
    stored = (ws / ".tracker-users.json").read_text(encoding="utf-8")
    assert "correct horse" not in stored and "$argon2id$" in stored
    assert os.stat(ws / ".tracker-users.json").st_mode & 0o077 == 0
    assert run(main, ["users", "passwd", "clerk", "-w", str(ws)], input="new secret 1\nnew secret 1\n").exit_code == 0
    from tracker.users import Accounts

    assert Accounts(ws).verify("clerk", "new secret 1") and not Accounts(ws).verify("clerk", "correct horse")
    assert run(main, ["users", "remove", "boss", "-w", str(ws)]).exit_code == 0
    assert run(main, ["users", "remove", "boss", "-w", str(ws)]).exit_code == 2


def test_serve_refuses_lan_without_accounts(ws):
    r = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "-w", str(ws)])
    assert r.exit_code == 2
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "tracker users add" in lines[0]


def test_serve_answers_on_the_port(ws):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    p = subprocess.Popen([sys.executable, "-m", "tracker", "serve", "-w", str(ws), "--port", str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    try:
        first = p.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200 and "text/html" in r.headers["Content-Type"]
                    assert "2007年第一季度" in r.read().decode()
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        import signal

        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=15)
    assert "已停止" in out and "Traceback" not in out


def test_help_does_not_import_flask():
    code = ("import sys; from click.testing import CliRunner; from tracker.cli import main; "
            "CliRunner().invoke(main, ['--help']); "
            "print(sorted(m for m in ('flask', 'waitress', 'werkzeug', 'argon2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}).stdout
    assert out.strip() == "[]"


def test_portal_only_leaves_the_office_pages_out(ws):
    app, t = make_app(ws, portal_only=True)
    c = app.test_client()
    try:
        assert c.get("/").status_code == 404 and c.get("/quarters/2007Q1").status_code == 404
        assert "nav class=\"menu\"" not in c.get("/").get_data(as_text=True)
        assert c.get("/api/status/2007Q1").status_code == 404 and c.get("/login").status_code == 404
        assert c.get("/static/style.css").status_code == 200
    finally:
        t.close()


def test_upload_names_are_made_safe():
    from tracker.web.uploads import clean_name

    assert clean_name("C:\\Users\\张三\\2007Q1-市工商局.xlsx") == "2007Q1-市工商局.xlsx"
    assert clean_name("../../tracker.toml") == "tracker.toml"
    assert clean_name('a<b>:c|d?.xlsx') == "a_b__c_d_.xlsx"
    assert clean_name("") == "upload" and clean_name("...") == "upload"
    long = clean_name("长" * 120 + ".xlsx")
    assert long.endswith(".xlsx") and len(long.encode()) <= 200
