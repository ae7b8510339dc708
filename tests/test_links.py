"""Issue 13, the library and CLI half: each unit's link (signed, revocable, expiring), uploads and
the online form through it (the one collect path, bound to the link's unit and period), the unit's
page data, the contact book and e-mail reminders (a local aiosmtpd server)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import string
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import tomlkit
from click.testing import CliRunner
from support.filling import distinct_values, fill, make_workspace, target_rows, template_rows

from tracker.app import LinkGone, LinkNotFound, Tracker, UsageError
from tracker.cli import main
from tracker.workspace import Workspace, default_db_url

Q1 = "2007Q1"
DAY = date(2007, 4, 8)  # the office's day in these tests (Q1 is due 2007-04-10)
A, B = "市财政局", "市科技局"  # 市科技局 leads item 25 (a target) and joins item 10


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("links") / "ws")
    with Tracker(ws.root) as t:
        t.templates(Q1)
    return ws


def copy_ws(ws, dest: Path) -> Workspace:
    shutil.copytree(ws.root, dest)
    return Workspace(dest, default_db_url(dest))


@pytest.fixture
def ws(base, tmp_path):
    return copy_ws(base, tmp_path / "ws")


def run(ws, *args):
    return CliRunner().invoke(main, [args[0], "-w", str(ws.root), *map(str, args[1:])])


def set_config(ws, section: str, **values) -> None:
    doc = tomlkit.parse(ws.config_path.read_text(encoding="utf-8"))
    table = doc.setdefault(section, tomlkit.table())
    for k, v in values.items():
        table[k] = v
    ws.config_path.write_text(tomlkit.dumps(doc), encoding="utf-8")


def tpl(ws, unit, period=Q1):
    return ws.outbox / period / f"{period}-{unit}.xlsx"


def filled(ws, unit, tmp_path, seed=0, period=Q1) -> Path:
    p = tpl(ws, unit, period)
    vals = {r["item"]: distinct_values(seed, k) for k, r in enumerate(template_rows(p))}
    tg = {(t["item"], t["metric"]): {"actual": 10 + k, "note": f"说明{k}"} for k, t in enumerate(target_rows(p))}
    return fill(p, vals, tg, out=tmp_path / f"filled-{seed}" / p.name)


def token_of(t: Tracker, unit: str, period=Q1) -> str:
    return next(k.token for k in t.links(period).links if k.unit == unit)


def returns_json(ws) -> list:
    r = run(ws, "returns", Q1, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["rows"]


# -- links --------------------------------------------------------------------------------------------
def test_links_json_one_per_template_unit_stable_and_resolving(ws):
    r = run(ws, "links", Q1, "--json")
    assert r.exit_code == 0, r.output
    links = json.loads(r.stdout)["links"]
    units = sorted(p.stem.split("-", 1)[1] for p in (ws.outbox / Q1).glob("*.xlsx"))
    assert sorted(k["unit"] for k in links) == units and len(units) == 29
    assert {k["expires"] for k in links} == {"2007-05-10"}  # due 2007-04-10 + [web] link_days 30
    assert all(k["url"].startswith("http://127.0.0.1:8000/r/") for k in links)
    again = json.loads(run(ws, "links", Q1, "--json").stdout)["links"]
    assert again == links  # the nonce is stored: asking again gives the same links
    with Tracker(ws.root) as t:
        for k in links:
            got = t.resolve_link(k["url"].rsplit("/", 1)[1], today=DAY)
            assert (got.unit, got.period) == (k["unit"], Q1)
    set_config(ws, "web", base_url="https://tb.example.gov.cn/", link_days=5)
    moved = json.loads(run(ws, "links", Q1, "--json").stdout)["links"]
    assert moved[0]["url"] == links[0]["url"].replace("http://127.0.0.1:8000", "https://tb.example.gov.cn")
    assert moved[0]["expires"] == "2007-04-15"


def test_a_token_with_any_one_character_changed_is_not_found(ws):
    with Tracker(ws.root) as t:
        token = token_of(t, A)
        alphabet = string.ascii_letters + string.digits + "-_."
        for i, ch in enumerate(token):
            other = alphabet[(alphabet.index(ch) + 1) % len(alphabet)]
            with pytest.raises(LinkNotFound) as e:
                t.resolve_link(token[:i] + other + token[i + 1:], today=DAY)
            assert e.value.status == 404
        for bad in ("", "abc", token + "x", token[:-1], "x." + token):
            with pytest.raises(LinkNotFound):
                t.resolve_link(bad, today=DAY)
        # signed with the right key but another salt (a template identity's key is the same secret)
        from itsdangerous import URLSafeSerializer

        forged = URLSafeSerializer(ws.secret()).dumps({"u": A, "p": Q1, "n": "0" * 16})
        with pytest.raises(LinkNotFound):
            t.resolve_link(forged, today=DAY)


def test_an_expired_link_is_gone_with_whom_to_contact(ws):
    with Tracker(ws.root) as t:
        token = token_of(t, A)
        assert t.resolve_link(token, today=date(2007, 5, 10)).unit == A  # the last day
        with pytest.raises(LinkGone) as e:
            t.resolve_link(token, today=date(2007, 5, 11))
        assert e.value.status == 410 and e.value.reason == "expired"
        msg = str(e.value)
        assert "2007-05-10" in msg and "广州市创建国家知识产权示范城市工作领导小组办公室" in msg
        assert "020-8300 0000" in msg and "ldxz-office@example.cn" in msg
        with pytest.raises(LinkGone):
            t.collect_upload(token, b"PK", "x.xlsx", today=date(2007, 6, 1))


def test_revoke_and_reissue(ws):
    with Tracker(ws.root) as t:
        old_a, old_b = token_of(t, A), token_of(t, B)
    r = run(ws, "links", Q1, "--revoke", "广州市财政局", "--json")  # an alias names the unit too
    assert r.exit_code == 0, r.output
    new = json.loads(r.stdout)["links"]
    assert [k["unit"] for k in new] == [A]
    with Tracker(ws.root) as t:
        with pytest.raises(LinkGone) as e:
            t.resolve_link(old_a, today=DAY)
        assert e.value.status == 410 and e.value.reason == "revoked" and "联系" in str(e.value)
        assert t.resolve_link(new[0]["url"].rsplit("/", 1)[1], today=DAY).unit == A
        assert t.resolve_link(old_b, today=DAY).unit == B  # the others keep theirs
        assert token_of(t, A) == new[0]["url"].rsplit("/", 1)[1]
        with pytest.raises(UsageError):
            t.revoke_link(Q1, "各有关单位")
    r = run(ws, "links", Q1, "--revoke", "不存在的单位")
    assert r.exit_code == 2 and "没有任务" in r.output


def test_an_alias_registered_later_keeps_the_links_and_the_contact(ws, tmp_path):
    path = filled(ws, B, tmp_path)  # B's workbook, made before the reorganisation
    with Tracker(ws.root) as t:
        token = token_of(t, B)
        t.set_contact(B, "王五", "020-1", "w5@example.cn")
    assert run(ws, "units", "alias", B, "市科学技术委员会").exit_code == 0
    with Tracker(ws.root) as t:
        assert t.resolve_link(token, today=DAY).unit == "市科学技术委员会"
        assert t.contact_book()["市科学技术委员会"]["name"] == "王五" and B not in t.contact_book()
        fo = t.collect_upload(token, path.read_bytes(), path.name, today=DAY)
        assert fo.outcome == "accepted" and fo.unit == "市科学技术委员会"
        new = t.revoke_link(Q1, "市科学技术委员会")
        with pytest.raises(LinkGone):
            t.resolve_link(token, today=DAY)  # the link signed with the old name is revoked too
        assert t.resolve_link(new.token, today=DAY).unit == "市科学技术委员会"


# -- uploads through a link ----------------------------------------------------------------------------
def test_upload_through_the_link_is_collected_like_tracker_collect(ws, tmp_path):
    path = filled(ws, B, tmp_path)
    with Tracker(ws.root) as t:
        fo = t.collect_upload(token_of(t, B), path.read_bytes(), path.name, today=DAY)
        assert fo.outcome == "accepted" and fo.unit == B and fo.items == 2
        d = fo.to_dict()
        assert d["file"] == path.name and d["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert (ws.archive / f"{fo.sha256}.xlsx").read_bytes() == path.read_bytes()  # archived
        assert Path(fo.receipt).exists() and "【已接收】共 2 项" in t.receipt_text(fo)
        rows = t.returns(Q1, B)
    assert [r["item"] for r in rows] == ["2007-010", "2007-025"] and rows == returns_json_unit(ws, B)
    # `tracker collect --json` of the same bytes lists the same entry (now a duplicate)
    r = run(ws, "collect", path, "--received", "2007-04-08", "--json")
    entry = json.loads(r.stdout)["accepted"][0]
    assert {k: entry[k] for k in ("unit", "period", "items", "sha256", "received_at")} == \
        {k: d[k] for k in ("unit", "period", "items", "sha256", "received_at")}
    assert set(entry) == set(d)


def returns_json_unit(ws, unit):
    return [r for r in returns_json(ws) if r["unit"] == unit]


def test_another_units_workbook_is_rejected_and_nothing_stored(ws, tmp_path):
    path = filled(ws, A, tmp_path)
    before = returns_json(ws)
    with Tracker(ws.root) as t:
        fo = t.collect_upload(token_of(t, B), path.read_bytes(), path.name, today=DAY)
    assert fo.outcome == "rejected" and not fo.accepted
    assert [p.code for p in fo.problems] == ["link-unit-mismatch"]
    d = fo.to_dict()
    assert d["problems"][0]["code"] == "link-unit-mismatch" and A in d["problems"][0]["message"]
    assert returns_json(ws) == before == []
    text = Path(fo.receipt).read_text(encoding="utf-8-sig")
    assert "【退回】" in text and "本单位的链接报送本单位的填报表" in text
    assert (ws.archive / f"{fo.sha256}.xlsx").exists()  # archived before anything else, as always
    # the same file, collected by the office as A's return, is accepted: the link rule only binds links
    r = run(ws, "collect", path, "--received", "2007-04-08", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["accepted"][0]["unit"] == A
    after = returns_json(ws)
    assert {r["unit"] for r in after} == {A}
    # ... and sent through B's link again now, it is still rejected, the store and A's receipt unchanged
    receipt_a = (ws.outbox / "receipts" / Path(json.loads(r.stdout)["accepted"][0]["receipt"]).name)
    text_a = receipt_a.read_text(encoding="utf-8-sig")
    with Tracker(ws.root) as t:
        dump = t.store.dump()
        again = t.collect_upload(token_of(t, B), path.read_bytes(), path.name, today=DAY)
        assert again.outcome == "rejected" and [p.code for p in again.problems] == ["link-unit-mismatch"]
        assert {k: v for k, v in t.store.dump().items() if k != "link_files"} == \
            {k: v for k, v in dump.items() if k != "link_files"}
    assert receipt_a.read_text(encoding="utf-8-sig") == text_a and Path(again.receipt) != receipt_a
    with Tracker(ws.root) as t:  # B's page shows it rejected, with the receipt B got; A's page not at all
        sent = t.link_page(token_of(t, B), today=DAY)["sent"]
        assert [(s["outcome"], s["receipt"]) for s in sent] == [("rejected", again.receipt)]
        assert "link-unit-mismatch" in sent[0]["receipt_text"] or "本单位的链接" in sent[0]["receipt_text"]
        assert [s["via_link"] for s in t.link_page(token_of(t, A), today=DAY)["sent"]] == [False]
    assert returns_json(ws) == after


def test_upload_names_are_only_names(ws, tmp_path):
    path = filled(ws, B, tmp_path)
    with Tracker(ws.root) as t:
        fo = t.collect_upload(token_of(t, B), path.read_bytes(), "../../etc/x:y?.xlsx", today=DAY)
        # a name the file system refuses is made safe (tracker.files.safe_file_name adds a short hash)
        assert fo.outcome == "accepted" and fo.file == "x:y?.xlsx"  # file: as given
        assert fo.name.startswith("x_y_~") and fo.name.endswith(".xlsx") and not set(fo.name) & set("/\\:?")
        fo = t.collect_upload(token_of(t, B), b"\x00" * 10, "", today=DAY)
        assert fo.outcome == "rejected" and fo.name == "upload.xlsx"
    assert not (ws.root.parent / "etc").exists()


def test_another_periods_workbook_is_rejected(ws, tmp_path):
    with Tracker(ws.root) as t:
        t.templates("2007Q2")
        path = filled(ws, B, tmp_path, period="2007Q2")
        fo = t.collect_upload(token_of(t, B), path.read_bytes(), path.name, today=DAY)
        assert [p.code for p in fo.problems] == ["link-period-mismatch"] and fo.outcome == "rejected"
        assert t.returns(Q1) == [] and t.returns("2007Q2") == []
        assert "本季度的填报链接" in t.receipt_text(fo)
        # through its own period's link the same file is accepted, even received "early"
        fo = t.collect_upload(token_of(t, B, "2007Q2"), path.read_bytes(), path.name, today=DAY)
        assert fo.outcome == "accepted" and fo.period == "2007Q2"


def test_a_link_period_is_collected_late_without_period_option(ws, tmp_path):
    """A link names its period: a Q1 workbook uploaded in July (before the link expires) is Q1's."""
    set_config(ws, "web", link_days=120)
    path = filled(ws, B, tmp_path)
    with Tracker(ws.root) as t:
        fo = t.collect_upload(token_of(t, B), path.read_bytes(), path.name, today=date(2007, 7, 20))
        assert fo.outcome == "accepted" and fo.received_at == "2007-07-20"


def test_bad_cell_is_reported_then_corrected_file_supersedes(ws, tmp_path):
    p = tpl(ws, B)
    vals = {r["item"]: distinct_values(0, k) for k, r in enumerate(template_rows(p))}
    bad = fill(p, vals, raw={"2007-010": {"完成进度(%)": "八十"}}, out=tmp_path / "bad" / p.name)
    with Tracker(ws.root) as t:
        token = token_of(t, B)
        fo = t.collect_upload(token, bad.read_bytes(), bad.name, today=DAY)
        assert fo.outcome == "rejected"
        prob = next(x for x in fo.problems if x.code == "progress-not-number")
        assert (prob.sheet, prob.cell) == ("任务填报", "H3")
        assert "H3 单元格" in t.receipt_text(fo)
        good = filled(ws, B, tmp_path)
        fo2 = t.collect_upload(token, good.read_bytes(), good.name, today=DAY)
        assert fo2.outcome == "accepted"
        fixed = filled(ws, B, tmp_path, seed=5)
        fo3 = t.collect_upload(token, fixed.read_bytes(), fixed.name, today=DAY)
        assert fo3.outcome == "accepted" and fo3.superseded
        assert [r["done"] for r in t.returns(Q1, B)] == [distinct_values(5, k)["done"] for k in range(2)]


def test_rate_limit_per_link(ws, tmp_path):
    set_config(ws, "web", uploads_per_hour=2)
    path = filled(ws, B, tmp_path)
    now = datetime(2007, 4, 8, 10, 0)
    with Tracker(ws.root) as t:
        tb, ta = token_of(t, B), token_of(t, A)
        assert t.link_rate_ok(tb, now=now)
        t.collect_upload(tb, path.read_bytes(), path.name, today=DAY)
        t.collect_upload(tb, b"not a workbook", "x.xlsx", today=DAY)  # counted too
        assert not t.link_rate_ok(tb, now=datetime.now().replace(microsecond=0))
        assert t.link_rate_ok(ta, now=now)  # per link
        assert t.link_rate_ok(tb, now=datetime.now().replace(year=datetime.now().year + 1))  # an hour later


# -- online fill ---------------------------------------------------------------------------------------
def answers_for(ws, unit) -> tuple[dict, dict, dict]:
    """The same answers three ways: for fill() (workbook) and for submit_form (strings, as a form
    posts them). One answer is a synonym and one a fraction, so both receipts carry warnings."""
    p = tpl(ws, unit)
    vals = {r["item"]: distinct_values(3, k) for k, r in enumerate(template_rows(p))}
    first = next(iter(vals))
    vals[first].update(status="进行中", progress=0.45)
    tg = {(t["item"], t["metric"]): {"actual": 7.5 + k, "note": f"建成工作站 {k}"} for k, t in enumerate(target_rows(p))}
    form = {"items": {iid: {k: ("" if v is None else str(v)) for k, v in v_.items()} for iid, v_ in vals.items()},
            "targets": {f"{t['item']}#0": {"actual": str(7.5 + k), "note": f"建成工作站 {k}"}
                        for k, t in enumerate(target_rows(p))}}
    return vals, tg, form


def receipt_body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(("文件名称", "文件编号")))


def test_online_fill_and_workbook_give_the_same_return_and_receipt(base, tmp_path):
    ws1, ws2 = copy_ws(base, tmp_path / "w1"), copy_ws(base, tmp_path / "w2")
    vals, tg, form = answers_for(ws1, B)
    path = fill(tpl(ws1, B), vals, tg, out=tmp_path / "wb" / f"{Q1}-{B}.xlsx")
    with Tracker(ws1.root) as t:
        fo_wb = t.collect_upload(token_of(t, B), path.read_bytes(), path.name, today=DAY)
        rows_wb, text_wb = t.returns(Q1), t.receipt_text(fo_wb)
    with Tracker(ws2.root) as t:
        fo_form = t.submit_form(token_of(t, B), form, today=DAY)
        rows_form, text_form = t.returns(Q1), t.receipt_text(fo_form)
    assert fo_wb.outcome == fo_form.outcome == "accepted"
    assert {p.code for p in fo_wb.problems} == {"status-normalised", "progress-fraction"}
    assert [(p.code, p.sheet, p.cell, p.message) for p in fo_wb.problems] == \
        [(p.code, p.sheet, p.cell, p.message) for p in fo_form.problems]
    assert len(rows_wb) == 2
    for a, b in zip(rows_wb, rows_form, strict=True):
        for key in a:
            assert a[key] == b[key], key
    assert rows_wb[0]["status"] == "推进中" and rows_wb[0]["progress"] == 45
    assert rows_wb[1]["targets"][0]["actual"] == 7.5
    assert receipt_body(text_wb) == receipt_body(text_form) and "【已接收】共 2 项" in text_form
    # the submitted JSON was archived under its hash; the stored workbook's name leads back to it
    js = [p for p in ws2.archive.glob("*.json")]
    assert len(js) == 1 and hashlib.sha256(js[0].read_bytes()).hexdigest() == js[0].stem
    doc = json.loads(js[0].read_text(encoding="utf-8"))
    assert doc["unit"] == B and doc["period"] == Q1 and doc["answers"] == form
    assert js[0].stem[:12] in fo_form.name and fo_form.name.endswith("-在线填报-" + js[0].stem[:12] + ".xlsx")
    # the same answers again: a duplicate of the current return, nothing new stored
    with Tracker(ws2.root) as t:
        again = t.submit_form(token_of(t, B), form, today=DAY)
        assert again.accepted and (again.duplicate or again.outcome == "duplicate")
        assert t.returns(Q1) == rows_form and again.to_dict()["duplicate"]


def test_online_fill_is_checked_like_a_workbook(ws):
    with Tracker(ws.root) as t:
        token = token_of(t, B)
        form = {"items": {"2007-010": {"status": "推进中", "progress": "一百二", "done": "x"},
                          "2007-025": {"status": "已完成", "progress": "100"}},
                "targets": {"2007-025#0": {"actual": "很多"}}}
        fo = t.submit_form(token, form, today=DAY)
        assert fo.outcome == "rejected" and t.returns(Q1) == []
        got = {(p.code, p.sheet, p.cell) for p in fo.problems}
        assert ("progress-not-number", "任务填报", "H3") in got and ("target-not-number", "指标填报", "D3") in got
        fields = {(d["code"], d.get("item") or d.get("target"), d.get("field")) for d in t.form_problems(token, fo, DAY)}
        assert ("progress-not-number", "2007-010", "progress") in fields
        assert ("target-not-number", "2007-025#0", "actual") in fields
        fo = t.submit_form(token, {"items": {}}, today=DAY)  # nothing filled: every field missing
        assert {p.code for p in fo.problems} >= {"status-missing", "progress-missing"}
        with pytest.raises(UsageError):
            t.submit_form(token, {"items": {"2007-001": {"status": "推进中"}}}, today=DAY)  # not B's item


# -- the unit's page ---------------------------------------------------------------------------------
def test_link_page_shows_own_items_previous_answers_and_receipts(ws, tmp_path):
    with Tracker(ws.root) as t:
        path = filled(ws, B, tmp_path)
        t.collect_upload(token_of(t, B), path.read_bytes(), path.name, today=DAY)
        wrong = filled(ws, A, tmp_path)
        t.collect_upload(token_of(t, B), wrong.read_bytes(), wrong.name, today=DAY)  # A's file, B's link
        page = t.link_page(token_of(t, B), today=DAY)
        assert (page["unit"], page["period"], page["due"], page["days_left"]) == (B, Q1, "2007-04-10", 2)
        assert [(i["id"], i["role"], i["role_label"]) for i in page["items"]] == \
            [("2007-010", "participant", "参与"), ("2007-025", "lead", "牵头")]
        assert [x["key"] for x in page["targets"]] == ["2007-025#0"] and page["items"][0]["targets"] == []
        assert page["items"][0]["previous"] is None  # Q1: no earlier quarter
        assert page["items"][0]["current"]["done"] == distinct_values(0, 0)["done"]
        assert [(s["name"], s["outcome"]) for s in page["sent"]] == [(path.name, "accepted"), (wrong.name, "rejected")]
        assert "【已接收】" in page["sent"][0]["receipt_text"] and "link-unit-mismatch" in json.dumps(page["sent"][1])
        page_a = t.link_page(token_of(t, A), today=DAY)
        assert page_a["sent"] == []  # A's page never shows what came through B's link
        assert B not in json.dumps(page_a, ensure_ascii=False)
        # Q2: last quarter's answers are there to prefill
        t.templates("2007Q2")
        q2 = t.link_page(token_of(t, B, "2007Q2"), today=date(2007, 7, 1))
        assert q2["items"][0]["previous"]["done"] == distinct_values(0, 0)["done"]
        assert q2["targets"][0]["previous"]["actual"] == 10 and q2["sent"] == []


def test_page_lists_files_collected_by_the_office_too(ws, tmp_path):
    path = filled(ws, B, tmp_path)
    assert run(ws, "collect", path, "--received", "2007-04-08").exit_code == 0
    with Tracker(ws.root) as t:
        sent = t.link_page(token_of(t, B), today=DAY)["sent"]
    assert [(s["name"], s["via_link"], s["outcome"]) for s in sent] == [(path.name, False, "accepted")]


# -- templates show the link ----------------------------------------------------------------------------
def guide(path) -> dict:
    sh = openpyxl.load_workbook(path)["填报说明"]
    return {sh.cell(r, 1).value: sh.cell(r, 2).value for r in range(1, sh.max_row + 1) if sh.cell(r, 1).value}


def test_guide_sheet_shows_the_units_link_only_when_base_url_is_set(ws, tmp_path):
    assert "填报链接" not in guide(tpl(ws, A))
    set_config(ws, "web", base_url="https://tb.example.gov.cn")
    with Tracker(ws.root) as t:
        t.templates(Q1, out_dir=tmp_path / "out")
        urls = {k.unit: k.url for k in t.links(Q1).links}
    g = guide(tmp_path / "out" / f"{Q1}-{A}.xlsx")
    assert g["填报链接"].splitlines()[0] == urls[A] and urls[A].startswith("https://tb.example.gov.cn/r/")
    assert list(g)[-1] == "联系方式"
    # the template with its link is still collected as before
    p = tmp_path / "out" / f"{Q1}-{B}.xlsx"
    vals = {r["item"]: distinct_values(0, k) for k, r in enumerate(template_rows(p))}
    fill(p, vals, {(t["item"], t["metric"]): {"actual": 3} for t in target_rows(p)})
    r = run(ws, "collect", p, "--received", "2007-04-08", "--json")
    assert r.exit_code == 0, r.output


# -- the contact book ------------------------------------------------------------------------------------
def contact_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = "联络员"
    sh.append(["2007年各单位联络员名册"])
    sh.append(["序号", "单位名称", "联络员", "职务", "手机", "电子邮箱"])
    sh.append([1, "广州市财政局", "李四", "科长", 13800138000, "lisi@cz.example.cn"])
    sh.append([2, "市科技局", "王五", "", "020-8888 1234", "wangwu@kj.example.cn"])
    sh.append([3, "市外星局", "赵六", "", "123", "zl@example.cn"])
    sh.append([4, "", "", "", "", ""])
    sh.append([5, "天河区知识产权局", "钱七", "", "020-1", "not-an-email"])
    wb.save(path)
    return path


def test_import_contacts_from_xlsx_and_list(ws, tmp_path):
    r = run(ws, "units", "contacts", contact_xlsx(tmp_path / "名册.xlsx"))
    assert r.exit_code == 0, r.output
    assert "已导入联络员 3 个单位" in r.output
    assert "工作表 联络员,第5行:单位“市外星局”不在现行计划中" in r.output
    r = run(ws, "units", "contacts", "--json")
    got = {c["unit"]: (c["name"], c["phone"], c["email"]) for c in json.loads(r.stdout)["contacts"]}
    assert got == {A: ("李四", "13800138000", "lisi@cz.example.cn"),
                   B: ("王五", "020-8888 1234", "wangwu@kj.example.cn"),
                   "天河区知识产权局": ("钱七", "020-1", "not-an-email")}
    with Tracker(ws.root) as t:
        res = t.import_contacts(contact_xlsx(tmp_path / "again.xlsx").read_bytes(), filename="名册.xlsx")
        warn = {w.code: w for w in res.problems.warnings}
        assert warn["contact-unit-unknown"].row == 5 and warn["contact-unit-unknown"].sheet == "联络员"
        assert warn["contact-email-invalid"].row == 7
        assert res.skipped == [{"unit": "市外星局", "sheet": "联络员", "row": 5, "reason": "unit-unknown"}]
        assert t.set_contact("广州市科技局", "王五", "020-1", "w5@example.cn")["phone"] == "020-1"
        assert t.set_contact(B, "", "", "") is None and B not in t.contact_book()
        with pytest.raises(UsageError):
            t.set_contact(A, "李四", "", "bad address")


def test_import_contacts_from_gbk_csv(ws, tmp_path):
    p = tmp_path / "名册.csv"
    with p.open("w", encoding="gbk", newline="") as f:
        w = csv.writer(f)
        w.writerow(["单位", "联系人", "联系电话", "E-mail"])
        w.writerow(["市工商局", "孙八", "020-7777", "sb@gs.example.cn"])
    r = run(ws, "units", "contacts", p, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["stored"][0]["name"] == "孙八"


def test_contacts_file_without_a_header_is_rejected(ws, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    r = run(ws, "units", "contacts", p)
    assert r.exit_code == 1 and "找不到表头" in r.output


def test_remind_list_and_output_show_contacts(ws, tmp_path):
    run(ws, "units", "contacts", contact_xlsx(tmp_path / "名册.xlsx"))
    r = run(ws, "remind", Q1, "-o", tmp_path / "r.xlsx")
    assert r.exit_code == 0, r.output
    assert "市财政局  李四  13800138000  lisi@cz.example.cn" in r.output
    sh = openpyxl.load_workbook(tmp_path / "r.xlsx")["催报名单"]
    header = [c.value for c in sh[4]]
    assert header[-3:] == ["联系人", "联系电话", "电子邮箱"]
    row = next(r for r in sh.iter_rows(min_row=5, values_only=True) if r[1] == A)
    assert row[-3:] == ("李四", "13800138000", "lisi@cz.example.cn")


# -- e-mail ---------------------------------------------------------------------------------------------
@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    import socket

    with socket.socket() as sock:  # a free port on the loopback
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler.messages
    finally:
        controller.stop()


def body_of(msg) -> str:
    part = msg.get_payload(decode=True) if not msg.is_multipart() else msg.get_payload(0).get_payload(decode=True)
    return part.decode(msg.get_content_charset() or "utf-8")


def test_remind_send_delivers_one_message_per_missing_unit_with_its_link(ws, tmp_path, smtp_server):
    controller, inbox = smtp_server
    port = controller.port
    set_config(ws, "mail", host="127.0.0.1", port=port, tls="none", sender="ldxz-office@example.cn")
    run(ws, "units", "contacts", contact_xlsx(tmp_path / "名册.xlsx"))  # A, B and 天河区知识产权局
    path = filled(ws, "市工商局", tmp_path)
    assert run(ws, "collect", path, "--received", "2007-04-08").exit_code == 0  # returned: no mail
    with Tracker(ws.root) as t:
        t.set_contact("市工商局", "孙八", "", "sb@gs.example.cn")
        preview = t.send_reminders(Q1, dry_run=True, today=DAY)
        links = {k.unit: k.url for k in t.links(Q1).links}
    assert preview["sent"] == 0 and inbox == []
    r = run(ws, "remind", Q1, "--send", "--dry-run")
    assert r.exit_code == 0 and "将发送催报邮件 3 封" in r.output and inbox == []
    assert links[A] in r.output
    r = run(ws, "remind", Q1, "--send")
    assert r.exit_code == 0, r.output
    assert "已发送催报邮件 3 封" in r.output
    assert "没有电子邮箱、未发邮件的未报送单位 25 个" in r.output
    assert sorted(m["To"] for m in inbox) == sorted(["lisi@cz.example.cn", "wangwu@kj.example.cn", "not-an-email"])
    by_to = {m["To"]: m for m in inbox}
    for unit, to in ((A, "lisi@cz.example.cn"), (B, "wangwu@kj.example.cn"), ("天河区知识产权局", "not-an-email")):
        body = body_of(by_to[to])
        assert links[unit] in body and unit in body and "2007年4月10日" in body
        assert all(links[u] not in body for u in links if u != unit)
        assert "020-8300 0000" in body and by_to[to]["From"] == "ldxz-office@example.cn"
    assert "李四同志" in body_of(by_to["lisi@cz.example.cn"])
    assert [m["unit"] for m in preview["messages"]] == sorted([A, B, "天河区知识产权局"], key=list(links).index)


def test_remind_send_without_a_server_says_what_to_configure(ws, tmp_path):
    run(ws, "units", "contacts", contact_xlsx(tmp_path / "名册.xlsx"))
    r = run(ws, "remind", Q1, "--send")
    assert r.exit_code == 2 and "[mail]" in r.output
    set_config(ws, "mail", host="127.0.0.1", port=1, sender="a@b.cn")
    r = run(ws, "remind", Q1, "--send")
    assert r.exit_code == 2 and "发送邮件失败" in r.output and "Traceback" not in r.output


def test_links_uploads_and_contacts_on_either_database(db_url, tmp_path):
    """The same flow on SQLite and PostgreSQL (schema 3's partial unique index, the page's queries)."""
    from support.filling import UNITS_TOML, guangzhou_like_plan

    from tracker.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", db_url, UNITS_TOML)
    with Tracker(ws.root) as t:
        t.store.save_plan(guangzhou_like_plan())
        t.templates(Q1)
        first = {k.unit: k.token for k in t.links(Q1).links}
        assert {k.unit: k.token for k in t.links(Q1).links} == first
        new = t.revoke_link(Q1, B)
        with pytest.raises(LinkGone):
            t.resolve_link(first[B], today=DAY)
        path = filled(ws, B, tmp_path)
        assert t.collect_upload(new.token, path.read_bytes(), path.name, today=DAY).outcome == "accepted"
        wrong = t.collect_upload(first[A], path.read_bytes(), path.name, today=DAY)
        assert [p.code for p in wrong.problems] == ["link-unit-mismatch"]
        assert [s["outcome"] for s in t.link_page(new.token, today=DAY)["sent"]] == ["accepted"]
        assert [s["outcome"] for s in t.link_page(first[A], today=DAY)["sent"]] == ["rejected"]
        t.import_contacts(contact_xlsx(tmp_path / "名册.xlsx"))
        t.import_contacts(contact_xlsx(tmp_path / "名册.xlsx"))  # again: replaced, not doubled
        assert sorted(c["unit"] for c in t.contacts()) == sorted([A, B, "天河区知识产权局"])
        assert t.link_rate_ok(new.token)
