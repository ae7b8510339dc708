"""The departments' links in the web app (issue 13), through Flask's test client: the unit's page,
upload and online form through ``/r/<token>``, 404/410/429, the form token, portal-only, and the
office's side (links with revoke, reminder button, contacts on the unit page)."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
import tomlkit
from click.testing import CliRunner
from support.webkit import PERIOD, copy_workspace, fill_returns, plan_workspace, set_due_ahead, unit_of  # noqa: F401

from tracker.cli import main


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    d = tmp_path_factory.mktemp("weblinks")
    ws = plan_workspace(d / "ws")
    set_due_ahead(ws)
    files = fill_returns(ws, PERIOD, d / "filled", 3, bad=1)  # two good returns, the third has bad cells
    return ws, files


@pytest.fixture
def ws(base, tmp_path):
    return copy_workspace(base[0], tmp_path / "ws")


@pytest.fixture
def files(base):
    return base[1]


@pytest.fixture
def env(ws):
    from tracker.app import Tracker
    from tracker.web import create_app

    t = Tracker(ws)
    app = create_app(t, testing=True)
    yield app, t, app.test_client()
    t.close()




def link_path(t, unit: str) -> str:
    return urlparse(next(k.url for k in t.links(PERIOD).links if k.unit == unit)).path


def form_token_of(html: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{64})"', html).group(1)


def post_file(c, path, f: Path, *, json_=True, form_token=None, name=None):
    data = {"file": (io.BytesIO(f.read_bytes()), name or f.name)}
    if form_token:
        data["form_token"] = form_token
    return c.post(path, data=data, headers={"Accept": "application/json"} if json_ else {})


def returns_json(root) -> list:
    r = CliRunner().invoke(main, ["returns", PERIOD, "--json", "-w", str(root)])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["rows"]


def test_the_units_page_names_the_unit_and_only_its_own_items(env, files):
    app, t, c = env
    a, b = unit_of(files[0]), unit_of(files[1])
    html = c.get(link_path(t, a)).get_data(as_text=True)
    page = t.link_page(link_path(t, a).rsplit("/", 1)[1])
    assert a in html and page["label"] in html and page["due"] in html and f"还有 <b>{page['days_left']}</b> 天" in html
    for it in page["items"]:
        assert it["content"] in html
    mine = {i["id"] for i in page["items"]}
    b_only = [it.content for it, _ in t.assignments().items_of(b) if it.id not in mine]
    assert b_only and not any(x in html for x in b_only)  # never another unit's items
    assert b not in html
    assert 'class="menu"' not in html and "/quarters/" not in html  # its own layout, no office menu
    assert "Traceback" not in html


def test_no_account_needed_even_when_accounts_exist_and_from_any_address(env, ws, files):
    from tracker.users import Accounts

    app, t, c = env
    Accounts(ws).add("clerk", "correct horse", "admin")
    p = link_path(t, unit_of(files[0]))
    assert c.get("/").status_code == 302  # the office's pages want a login
    r = c.get(p, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert r.status_code == 200 and unit_of(files[0]) in r.get_data(as_text=True)
    r = post_file(c, p, files[0])  # JSON client: the token alone, no session, no CSRF header
    assert r.status_code == 200, r.get_data(as_text=True)


def test_upload_json_contract_accepted_and_rejected_with_cells(env, ws, files):
    app, t, c = env
    good, bad = files[0], files[2]
    r = post_file(c, link_path(t, unit_of(good)), good)
    assert r.status_code == 200
    j = r.get_json()
    assert set(j) == {"accepted", "rejected"} and len(j["accepted"]) == 1 and j["rejected"] == []
    assert j["accepted"][0]["unit"] == unit_of(good) and j["accepted"][0]["items"] > 0
    r = post_file(c, link_path(t, unit_of(bad)), bad)
    assert r.status_code == 422
    rej = r.get_json()["rejected"][0]
    assert {(p["sheet"], p["cell"]) for p in rej["problems"]} and all(p["cell"] for p in rej["problems"])
    assert {row["unit"] for row in returns_json(ws)} == {unit_of(good)}


def test_another_units_workbook_is_422_link_unit_mismatch_and_returns_unchanged(env, ws, files):
    app, t, c = env
    before = returns_json(ws)
    r = post_file(c, link_path(t, unit_of(files[1])), files[0])  # files[0] is another unit's
    assert r.status_code == 422
    assert "link-unit-mismatch" in {p["code"] for p in r.get_json()["rejected"][0]["problems"]}
    assert returns_json(ws) == before


def test_html_upload_shows_the_receipt_at_once_with_every_cell_and_a_download(env, files, tmp_path):
    app, t, c = env
    bad = files[2]
    p = link_path(t, unit_of(bad))
    ft = form_token_of(c.get(p).get_data(as_text=True))
    r = post_file(c, p, bad, json_=False, form_token=ft)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    fo_probs = t.link_page(p.rsplit("/", 1)[1])["sent"][-1]["problems"]
    assert fo_probs
    for pr in fo_probs:
        assert f'<td class="cell">{pr["cell"]}</td>' in html
    assert "未被接收" in html and 'id="receipt"' in html
    dl = re.search(r'href="(/r/[^"]+/receipts/\d+)">下载回执', html).group(1)
    r = c.get(dl)
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert r.get_data(as_text=True) == t.link_page(p.rsplit("/", 1)[1])["sent"][-1]["receipt_text"]
    assert c.get(p + "/receipts/99").status_code == 404
    # corrected: the good file of the same unit is accepted and shown
    good = tmp_path / "corrected.xlsx"
    import random

    from tracker.simulate import UnitBehaviour, fill_workbook

    fill_workbook(t.workspace.outbox / PERIOD / bad.name, good, 1, UnitBehaviour(pace=1.0), random.Random(1))
    r = post_file(c, p, good, json_=False, form_token=ft)
    assert r.status_code == 200 and "已接收" in r.get_data(as_text=True)


def test_html_post_without_the_form_token_is_refused(env, ws, files):
    app, t, c = env
    p = link_path(t, unit_of(files[0]))
    for ft in (None, "0" * 64, form_token_of(c.get(link_path(t, unit_of(files[1]))).get_data(as_text=True))):
        r = post_file(c, p, files[0], json_=False, form_token=ft)
        assert r.status_code == 403 and "请重新打开您的填报链接" in r.get_data(as_text=True)
    assert returns_json(ws) == []


def test_tampered_token_404_expired_and_revoked_410_never_a_traceback(env, ws, files):
    app, t, c = env
    u = unit_of(files[0])
    p = link_path(t, u)
    token = p.rsplit("/", 1)[1]
    for i in (0, len(token) // 2, len(token) - 1):
        bad = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        for r in (c.get(f"/r/{bad}"), post_file(c, f"/r/{bad}", files[0], json_=False), c.get(f"/r/{bad}/fill")):
            assert r.status_code == 404 and "填报链接不存在" in r.get_data(as_text=True)
    assert c.get("/r/nonsense").status_code == 404
    t.revoke_link(PERIOD, u)
    for r in (c.get(p), c.get(p + "/fill"), post_file(c, p, files[0])):
        assert r.status_code == 410
    html = c.get(p).get_data(as_text=True)
    assert "联系" in html and "Traceback" not in html and 'class="menu"' not in html
    assert c.get(link_path(t, u)).status_code == 200  # the new link works
    set_due_ahead(ws, days=-400)  # expired long ago
    r = c.get(link_path(t, u))
    assert r.status_code == 410 and "过期" in r.get_data(as_text=True)


def test_rate_limit_is_429_in_chinese(env, ws, files):
    cfg = Path(ws) / "tracker.toml"
    doc = tomlkit.parse(cfg.read_text(encoding="utf-8"))
    doc.setdefault("web", tomlkit.table())["uploads_per_hour"] = 2
    cfg.write_text(tomlkit.dumps(doc), encoding="utf-8")
    app, t, c = env
    t.reload_config()
    p = link_path(t, unit_of(files[1]))
    codes = [post_file(c, p, files[0]).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
    r = post_file(c, p, files[1], json_=False, form_token=form_token_of(c.get(p).get_data(as_text=True)))
    assert r.status_code == 429 and "提交次数过多" in r.get_data(as_text=True)


def test_upload_over_the_size_limit_is_413(ws, files):
    from tracker.app import Tracker
    from tracker.web import create_app

    cfg = Path(ws) / "tracker.toml"
    doc = tomlkit.parse(cfg.read_text(encoding="utf-8"))
    doc.setdefault("web", tomlkit.table())["max_upload_mb"] = 0.01
    cfg.write_text(tomlkit.dumps(doc), encoding="utf-8")
    with Tracker(ws) as t:
        c = create_app(t, testing=True).test_client()
        r = c.post(link_path(t, unit_of(files[0])), data={"file": (io.BytesIO(b"x" * 20000), "a.xlsx")},
                   headers={"Accept": "application/json"})
        assert r.status_code == 413


def test_fill_online_prefilled_problems_beside_fields_then_accepted(env, ws, files):
    app, t, c = env
    u = unit_of(files[0])
    p = link_path(t, u)
    token = p.rsplit("/", 1)[1]
    page = t.link_page(token)
    html = c.get(p + "/fill").get_data(as_text=True)
    ft = form_token_of(html)
    for it in page["items"]:
        assert f'name="{it["id"]}.status"' in html and f'name="{it["id"]}.progress"' in html
    for tg in page["targets"]:
        assert f'name="{tg["key"]}.actual"' in html
    form = {"form_token": ft}
    for it in page["items"]:
        form |= {f"{it['id']}.status": "推进中", f"{it['id']}.progress": "50", f"{it['id']}.done": "已完成调研",
                 f"{it['id']}.problems": "无", f"{it['id']}.next": "继续推进"}
    for tg in page["targets"]:
        form[f"{tg['key']}.actual"] = "3"
    first = page["items"][0]["id"]
    r = c.post(p + "/fill", data={**form, f"{first}.progress": "一半"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    block = html[html.index(f'name="{first}.progress"'):]
    assert block.index('class="field-problem"') < block.index(f'name="{first}.done"')  # beside its field
    assert 'value="一半"' in html  # what was typed is kept
    assert returns_json(ws) == []
    r = c.post(p + "/fill", data=form)
    assert r.status_code == 200 and "已接收" in r.get_data(as_text=True)
    rows = [x for x in returns_json(ws) if x["unit"] == u]
    assert len(rows) == len(page["items"]) and {x["progress"] for x in rows} == {50}
    # the next visit prefills what was sent
    assert 'value="50"' in c.get(p + "/fill").get_data(as_text=True)
    assert c.post(p + "/fill", data={k: v for k, v in form.items() if k != "form_token"}).status_code == 403


def test_portal_only_serves_the_links_and_404s_the_rest(ws, files):
    from tracker.app import Tracker
    from tracker.web import create_app

    with Tracker(ws) as t:
        c = create_app(t, portal_only=True, testing=True).test_client()
        p = link_path(t, unit_of(files[0]))
        for url in ("/", "/quarters/2007Q1", "/api/status/2007Q1", "/login", "/units"):
            r = c.get(url, environ_base={"REMOTE_ADDR": "10.1.2.3"})
            assert r.status_code == 404 and "Traceback" not in r.get_data(as_text=True), url
        assert c.get(p, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
        assert post_file(c, p, files[0]).status_code == 200
        assert c.get("/static/style.css").status_code == 200


# -- the office's side ---------------------------------------------------------------------------------
def csrf(c) -> str:
    return c.get("/api/csrf").get_json()["token"]


def test_quarter_page_lists_links_and_revokes_one(env, files):
    app, t, c = env
    u = unit_of(files[0])
    old = link_path(t, u)
    html = c.get(f"/quarters/{PERIOD}").get_data(as_text=True)
    assert "填报链接" in html and old in html
    assert c.post(f"/quarters/{PERIOD}/links/revoke", data={"unit": u}).status_code == 403  # CSRF
    r = c.post(f"/quarters/{PERIOD}/links/revoke", data={"unit": u, "csrf_token": csrf(c)})
    assert r.status_code == 302
    assert c.get(old).status_code == 410 and link_path(t, u) != old
    assert link_path(t, u) in c.get(f"/quarters/{PERIOD}").get_data(as_text=True)


def test_reminder_button_sends_and_names_units_without_email(env, ws, files, monkeypatch):
    app, t, c = env
    u = unit_of(files[0])
    t.set_contact(u, "张三", "020-1", "zhang@example.cn")
    sent = []
    monkeypatch.setattr("tracker.mail.send_messages", lambda msgs, settings: sent.extend(msgs) or len(msgs))
    r = c.post(f"/quarters/{PERIOD}/remind/send", data={"csrf_token": csrf(c)}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and [m.unit for m in sent] == [u]
    assert "已发送催报邮件 1 封" in html and "没有电子邮箱" in html and unit_of(files[1]) in html


def test_unit_page_shows_and_edits_the_contact(env, files):
    app, t, c = env
    u = unit_of(files[0])
    r = c.post(f"/units/{u}/contact", data={"name": "李四", "phone": "020-8888", "email": "li@example.cn",
                                            "csrf_token": csrf(c)}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "李四" in html and "li@example.cn" in html
    assert t.contact_book()[u]["phone"] == "020-8888"
    r = c.post(f"/units/{u}/contact", data={"email": "不是邮箱", "csrf_token": csrf(c)}, follow_redirects=True)
    assert "不是电子邮箱地址" in r.get_data(as_text=True) and t.contact_book()[u]["email"] == "li@example.cn"


def test_tracker_serve_portal_only(ws, files):
    import os
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from support.webkit import free_port

    from tracker.app import Tracker

    with Tracker(ws) as t:
        p = link_path(t, unit_of(files[0]))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "serve", "--portal-only", "-w", str(ws), "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    try:
        assert f":{port}/" in proc.stdout.readline()
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{p}", timeout=5) as r:
                    assert r.status == 200 and unit_of(files[0]) in r.read().decode()
                    break
            except urllib.error.HTTPError:
                raise
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
        assert e.value.code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_fill_page_prefills_last_quarters_answers(env, ws, files):
    app, t, c = env
    u = unit_of(files[0])
    assert post_file(c, link_path(t, u), files[0]).status_code == 200  # Q1 through its link
    cfg = Path(ws) / "tracker.toml"
    doc = tomlkit.parse(cfg.read_text(encoding="utf-8"))
    doc["periods"]["due"]["2007Q2"] = (date.today() + timedelta(days=14)).isoformat()
    cfg.write_text(tomlkit.dumps(doc), encoding="utf-8")
    t.reload_config()
    t.templates("2007Q2")
    q2 = urlparse(next(k.url for k in t.links("2007Q2").links if k.unit == u)).path
    html = c.get(q2 + "/fill").get_data(as_text=True)
    q1 = {r["item"]: r for r in returns_json(ws) if r["unit"] == u}
    assert q1 and "已按上季度的内容预先填好" in html
    for item, r in q1.items():
        assert f'name="{item}.done" rows="3">{r["done"]}</textarea>' in html.replace("&#34;", '"')
    assert "上季度填报" in c.get(q2).get_data(as_text=True)
