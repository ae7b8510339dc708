"""The office's pages: 首页, 计划, 分工, 季度, 单位, 年度.

Each view reads the request, calls the Tracker, and renders a template. Filtering and sorting of
what a call returned (the plan's items by category, unit, role or light; the status board) is
presentation and happens here; every figure comes from the library.

Downloads: a file is served only when a Tracker listing names it (a template from
``template_files``, a receipt from ``received`` by its SHA-256, a report file from the report's
own ``files``); nothing in the URL is ever joined to a path.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from flask import Blueprint, flash, jsonify, redirect, render_template, request, send_file, url_for
from markupsafe import Markup, escape

from tracker.problems import InputError, UsageError
from tracker.web import uploads
from tracker.web.api import collect_uploaded, int_arg, report_json, write_lock, zip_of_templates
from tracker.web.errors import abort_with
from tracker.web.security import tracker

bp = Blueprint("pages", __name__)

MENU = [("pages.home", "首页"), ("pages.plan", "计划"), ("pages.graph", "分工"), ("pages.quarter_default", "季度"),
        ("pages.units", "单位"), ("pages.report_default", "年度")]
LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2}


def _status_or_none(period=None):
    try:
        return tracker().status(period)
    except UsageError:
        return None


def _current_plan(year=None) -> dict | None:
    """The current plan's row of ``plans()`` (year, version, name, items), of ``year`` or the latest
    year; None when there is none. A list query: cheaper than loading the plan to learn it exists."""
    rows = [r for r in tracker().plans() if r["current"] and (year is None or r["year"] == year)]
    return max(rows, key=lambda r: r["year"]) if rows else None


def _plan_or_none(year=None):
    try:
        return tracker().plan(year)
    except UsageError:
        return None


# -- 首页 ---------------------------------------------------------------------------------------------
@bp.get("/")
def home():
    t = tracker()
    plan = _current_plan()
    if plan is None:
        return render_template("home.html", plan=None, st=None, next_action=("pages.plan", {}, "导入计划"))
    period = t.default_period()
    st = _status_or_none(period)
    if st:
        plan = {**plan, **st["plan"], "items": st["items"]["total"]}
    due = date.fromisoformat(st["due"]) if st else None
    days_left = (due - date.today()).days if due else None
    late = sum(1 for r in st["returned"] if r["late"]) if st else 0
    templates = t.template_files(period)
    if not templates:
        nxt = ("pages.quarter", {"period": period}, "生成模板")
    elif st and st["missing"] and days_left is not None and days_left >= 0:
        nxt = ("pages.quarter", {"period": period, "_anchor": "upload"}, "上传回报")
    elif st and st["missing"]:
        nxt = ("pages.quarter", {"period": period, "_anchor": "remind"}, "催报名单")
    elif period.quarter == 4:
        nxt = ("pages.report", {"year": period.year}, "年终检查验收")
    else:
        nxt = ("pages.quarter", {"period": period, "_anchor": "bulletin"}, "季度通报")
    return render_template("home.html", plan=plan, st=st, period=period, due=due, days_left=days_left,
                           late=late, on_time=(len(st["returned"]) - late) if st else 0,
                           templates=len(templates), next_action=nxt)


# -- 计划 ---------------------------------------------------------------------------------------------
def mark_targets(content: str, targets: list) -> Markup:
    """The item's text with each target phrase in <mark> (escaped first)."""
    out = str(escape(content))
    for tg in targets:
        phrase = str(escape(tg["text"] if isinstance(tg, dict) else tg.text))
        if phrase and phrase in out:
            out = out.replace(phrase, f"<mark>{phrase}</mark>", 1)
    return Markup(out)


@bp.get("/plan")
def plan():
    t = tracker()
    year = int_arg(request.args.get("year"), "年度")
    p = _plan_or_none(year)
    versions = t.plans()
    if p is None:
        return render_template("plan.html", plan=None, versions=versions, items=[], filters={})
    period = t.default_period()
    st = _status_or_none(period) if year is None or year == period.year else None
    lights = {d["item"]: d for d in st["item_details"]} if st else {}
    f = {k: (request.args.get(k) or "").strip() for k in ("q", "category", "unit", "role", "light")}
    rows = []
    for it in p.items:
        d = it.to_dict()
        info = lights.get(it.id, {})
        d["light"], d["light_label"], d["completion"] = info.get("light"), info.get("light_label"), info.get("completion")
        if f["q"] and f["q"] not in f"{it.number} {it.content} {it.lead_raw} {it.participants_raw}":
            continue
        if f["category"] and it.category_no != f["category"]:
            continue
        units = {"lead": it.lead, "participant": it.participants}
        if f["unit"]:
            want = units.get(f["role"]) if f["role"] else it.lead + it.participants
            if f["unit"] not in want:
                continue
        elif f["role"] and not units.get(f["role"]):
            continue
        if f["light"] and d["light"] != f["light"]:
            continue
        d["marked"] = mark_targets(it.content, it.targets)
        rows.append(d)
    template = "_plan_items.html" if request.headers.get("HX-Request") and request.headers.get(
        "HX-Target") == "plan-items" else "plan.html"
    return render_template(template, plan=p, versions=versions, items=rows, filters=f,
                           categories=[c for c in p.categories() if c[0] or c[1]],
                           unit_names=sorted({u for it in p.items for u in (*it.lead, *it.participants)}),
                           has_lights=bool(lights))


@bp.post("/plan/upload")
def plan_upload():
    part = uploads.files_of("file")[0]
    [(path, _orig)] = uploads.saved([part])
    uid = uploads.keep()
    folder = uploads.upload_dir(uid)
    uploads.write_meta(folder, {"file": str(path.relative_to(folder)), "name": part.filename,
                                "year": request.form.get("year") or "", "plan_name": request.form.get("name") or ""})
    return redirect(url_for("pages.plan_preview", uid=uid))


def _preview_source(uid: str):
    folder = uploads.upload_dir(uid)
    if folder is None:
        abort_with(404, "这次上传已确认、已取消或已过期; 请重新上传。")
    meta = uploads.read_meta(folder)
    path = uploads.kept_file(folder, meta)
    if path is None:
        abort_with(404, "上传的文件已不在; 请重新上传。")
    return folder, path, meta


@bp.get("/plan/preview/<uid>")
def plan_preview(uid):
    folder, path, meta = _preview_source(uid)
    year = int_arg(meta.get("year"), "年度")
    try:
        res = tracker().import_plan(path, year=year, name=meta.get("plan_name") or None, dry_run=True)
    except InputError as e:
        return render_template("plan_preview.html", uid=uid, meta=meta, plan=None,
                               problems=[p.to_dict() for p in e.problems], items=[]), 422
    if res.plan is None or res.problems.errors:  # the preview names every problem; nothing to confirm
        return render_template("plan_preview.html", uid=uid, meta=meta, plan=None,
                               problems=[p.to_dict() for p in res.problems], items=[]), 422
    items = []
    for it in res.plan.items:
        d = it.to_dict()
        d["marked"] = mark_targets(it.content, it.targets)
        items.append(d)
    return render_template("plan_preview.html", uid=uid, meta=meta, plan=res.plan,
                           problems=[p.to_dict() for p in res.problems], items=items,
                           units=res.plan.units())


@bp.post("/plan/preview/<uid>/confirm")
def plan_confirm(uid):
    folder, path, meta = _preview_source(uid)
    with write_lock():
        res = tracker().import_plan(path, year=int_arg(meta.get("year"), "年度"),
                                    name=meta.get("plan_name") or None)
    uploads.remove(folder)
    p = res.plan
    if not res.added:
        flash(f"{p.year} 年计划的任务、单位和指标与现行第 {res.version} 版完全相同, 未增加新版本; 已下发的模板仍然有效。", "ok")
    else:
        flash(f"已导入 {p.year} 年计划“{p.name}”(第 {res.version} 版): {len(p.items)} 项任务。", "ok")
        stale = res.versions.get("stale") or []
        if stale:
            flash(f"这次调整使已下发的 {len(stale)} 份模板过时, 请为这些单位重新生成模板: "
                  + "、".join(sorted({s["unit"] for s in stale})), "error")
    return redirect(url_for("pages.plan"))


@bp.post("/plan/preview/<uid>/cancel")
def plan_cancel(uid):
    folder = uploads.upload_dir(uid)
    uploads.remove(folder)
    flash("已取消, 未导入任何内容。", "info")
    return redirect(url_for("pages.plan"))


@bp.get("/plan/units")
def plan_units():
    t = tracker()
    rows = t.units() if _current_plan() else []
    rows.sort(key=lambda r: (-r["lead"], -r["participant"], r["name"]))
    units_cfg = t.config.get("units", {})
    return render_template("plan_units.html", rows=rows, aliases=units_cfg.get("aliases", {}),
                           collectives=units_cfg.get("collectives", {}))


@bp.post("/plan/units/alias")
def plan_alias():
    old, new = (request.form.get("old") or "").strip(), (request.form.get("new") or "").strip()
    if not old or not new:
        abort_with(400, "请填写旧名称和新名称。")
    with write_lock():
        res = tracker().add_alias(old, new, replace=request.form.get("replace") in ("1", "on", "true"))
    if res["unchanged"]:
        flash(f"别名“{old}” → “{new}”早已登记, 未作改动。", "info")
    else:
        flash(f"已登记别名: “{old}” → “{new}”; 已改写 {res['rows']} 条已存储的记录。", "ok")
    return redirect(url_for("pages.plan_units"))


@bp.post("/plan/units/collective")
def plan_collective():
    name = (request.form.get("name") or "").strip()
    members = [m for m in re.split(r"[\s,\uFF0C\u3001;\uFF1B]+", request.form.get("members") or "") if m]
    if not name:
        abort_with(400, "请填写集合单位名称。")
    with write_lock():
        tracker().set_collective(name, members)
    flash(f"已保存集合单位“{name}”的成员 {len(members)} 个。", "ok")
    return redirect(url_for("pages.plan_units"))


# -- 分工 ---------------------------------------------------------------------------------------------
_GRAPH_CACHE: dict = {}


@bp.get("/graph")
def graph():
    t = tracker()
    if _current_plan() is None:
        return render_template("graph.html", plan=None)
    G = t.graph()
    stats = t.graph_stats()
    selected = request.args.get("unit") or ""
    units = []
    for row in stats["load"]:
        u = row["unit"]
        if selected and u != selected:
            continue
        leads, joins, partners = [], [], {}
        for _, item, d in G.edges(u, data=True):
            nd = G.nodes[item]
            (leads if d["role"] == "lead" else joins).append(nd["number"])
            for other in G.neighbors(item):
                if other != u and not G.nodes[other]["vague"]:
                    partners[other] = partners.get(other, 0) + 1
        units.append({**row, "leads": sorted(leads), "joins": sorted(joins),
                      "partners": sorted(partners.items(), key=lambda kv: (-kv[1], kv[0]))[:8]})
    return render_template("graph.html", plan={"year": G.graph["year"], "name": G.graph["plan"]}, stats=stats, units=units, selected=selected)


@bp.get("/graph.png")
def graph_png():
    t = tracker()
    p = _current_plan()
    if p is None:
        abort_with(404, "还没有计划。")
    key = (p["year"], p["version"], t.workspace.config_path.stat().st_mtime)
    path = _GRAPH_CACHE.get(key)
    if path is None or not Path(path).exists():
        with write_lock():
            path, _G = t.write_graph(fmt="png")
        _GRAPH_CACHE.clear()
        _GRAPH_CACHE[key] = path
    return send_file(path, mimetype="image/png", max_age=0)


# -- 季度 ---------------------------------------------------------------------------------------------
@bp.get("/quarters")
def quarter_default():
    if _current_plan() is None:
        return redirect(url_for("pages.plan"))
    return redirect(url_for("pages.quarter", period=tracker().default_period()))


def board(st: dict, args) -> dict:
    """The status board's rows, filtered and sorted as the query asks."""
    units = [{"unit": r["unit"], "state": "late" if r["late"] else "on_time", "received_at": r["received_at"],
              "days_late": r["days_late"], "returns": r["returns"]} for r in st["returned"]]
    units += [{"unit": m["unit"], "state": "missing", "received_at": "", "days_late": None, "returns": 0,
               "items": len(m["items"])} for m in st["missing_detail"]]
    ustate = args.get("ustate") or ""
    if ustate:
        units = [u for u in units if u["state"] == ustate]
    order = {"missing": 0, "late": 1, "on_time": 2}
    usort = args.get("usort") or "state"
    units.sort(key=(lambda u: u["unit"]) if usort == "unit" else
               (lambda u: u["received_at"] or "9") if usort == "received" else
               (lambda u: (order[u["state"]], u["unit"])))
    items = list(st["item_details"])
    light = args.get("light") or ""
    if light:
        items = [i for i in items if i["light"] == light]
    cat = args.get("category") or ""
    if cat:
        items = [i for i in items if i["category_no"] == cat]
    isort = args.get("isort") or "number"
    if isort == "completion":
        items.sort(key=lambda i: (i["completion"] is not None, i["completion"] or 0, i["number"]))
    elif isort == "light":
        items.sort(key=lambda i: (LIGHT_ORDER.get(i["light"], 9), i["number"]))
    return {"units": units, "items": items, "args": {"ustate": ustate, "usort": usort, "light": light,
                                                      "category": cat, "isort": isort}}


@bp.get("/quarters/<period:period>")
def quarter(period):
    t = tracker()
    if _current_plan(period.year) is None:
        abort_with(404, f"工作区里没有 {period.year} 年的计划。")
    st = t.status(period)
    b = board(st, request.args)
    categories = [(c["category_no"], c["category"]) for c in st["categories"]]
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "board-wrap":
        return render_template("_board.html", st=st, b=b, period=period, categories=categories)
    received = t.received(period)
    links = []
    if t.template_files(period):
        with write_lock():  # issues the links still missing
            links = t.links(period).links
    return render_template("quarter.html", st=st, b=b, period=period, templates=t.template_files(period), links=links,
                           received=received[:50], n_received=len(received), categories=categories,
                           today=date.today().isoformat())


@bp.post("/quarters/<period:period>/templates")
def quarter_templates(period):
    with write_lock():
        res = tracker().templates(period)
    flash(f"已生成 {len(res.files)} 个填报模板。" + (f" 集合单位无法展开、未生成: {'、'.join(res.skipped)}" if res.skipped else ""), "ok")
    return redirect(url_for("pages.quarter", period=period))


@bp.get("/quarters/<period:period>/templates.zip")
def quarter_zip(period):
    return zip_of_templates(period)


@bp.get("/quarters/<period:period>/templates/<unit>")
def quarter_template(period, unit):
    for f in tracker().template_files(period):
        if f["unit"] == unit or f["name"] == unit:
            return send_file(f["path"], as_attachment=True, download_name=f["name"])
    abort_with(404, f"没有“{unit}”的 {period} 模板。")


@bp.post("/quarters/<period:period>/upload")
def quarter_upload(period):
    """The drop zone posts here (XHR with progress): each file's result and receipt, as HTML."""
    res, out = collect_uploaded("files")
    rows = []
    receipts = {f["sha256"]: f for group in ("accepted", "rejected") for f in out[group]}
    for fo in res.files:
        j = receipts.get(fo.sha256, {})
        text = ""
        if fo.receipt and Path(fo.receipt).exists():
            text = Path(fo.receipt).read_text(encoding="utf-8")
        rows.append({"name": fo.name, "accepted": fo.accepted, "unit": fo.unit, "period": fo.period,
                     "items": fo.items, "problems": [p.to_dict() for p in fo.problems],
                     "duplicate": fo.duplicate or fo.outcome == "duplicate", "superseded": fo.superseded,
                     "receipt_url": j.get("receipt_url", ""), "receipt_text": text})
    if request.accept_mimetypes.best == "application/json":
        return jsonify(out), (422 if res.rejected else 200)
    return render_template("_upload_result.html", rows=rows, period=period,
                           accepted=len(res.accepted), rejected=len(res.rejected))


@bp.post("/quarters/<period:period>/links/revoke")
def quarter_link_revoke(period):
    unit = (request.form.get("unit") or "").strip()
    with write_lock():
        new = tracker().revoke_link(period, unit)
    flash(f"已作废{new.unit}的旧链接, 新链接: {new.url}", "ok")
    return redirect(url_for("pages.quarter", period=period, _anchor="links"))


@bp.post("/quarters/<period:period>/remind/send")
def quarter_remind_send(period):
    try:
        with write_lock():
            res = tracker().send_reminders(period)
    except UsageError as e:  # no [mail] server, or it cannot be reached: say what to configure
        flash(f"催报邮件未发送: {e}", "error")
        return redirect(url_for("pages.quarter", period=period, _anchor="remind"))
    flash(f"已发送催报邮件 {res['sent']} 封" + (f"; 没有电子邮箱的单位 ({len(res['no_email'])} 个): "
          f"{'、'.join(res['no_email'])}" if res["no_email"] else "。"), "ok")
    return redirect(url_for("pages.quarter", period=period, _anchor="remind"))


@bp.get("/receipts/<sha>")
def receipt(sha):
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        abort_with(404, "没有这份回执。")
    for r in tracker().received():
        if r["sha256"] == sha and r["receipt"]:
            path = Path(r["receipt"])
            if request.args.get("view"):
                return path.read_text(encoding="utf-8"), 200, {"Content-Type": "text/plain; charset=utf-8"}
            return send_file(path, as_attachment=True, download_name=path.name, mimetype="text/plain")
    abort_with(404, "没有这份回执。")


@bp.get("/quarters/<period:period>/remind.xlsx")
def remind_xlsx(period):
    with write_lock():
        res = tracker().remind(period)
    return send_file(res.path, as_attachment=True, download_name=Path(res.path).name)


BULLETIN_KINDS = {"docx": ".docx", "xlsx": ".xlsx"}


@bp.get("/quarters/<period:period>/bulletin.<kind>")
def bulletin_file(period, kind):
    if kind not in BULLETIN_KINDS:
        abort_with(404, "没有这种格式的通报。")
    with write_lock():
        paths = tracker().bulletin(period)
    for p in paths:
        if Path(p).suffix == BULLETIN_KINDS[kind]:
            return send_file(p, as_attachment=True, download_name=Path(p).name)
    abort_with(404, "没有这种格式的通报。")


# -- 单位 ---------------------------------------------------------------------------------------------
@bp.get("/units")
def units():
    t = tracker()
    if _current_plan() is None:
        return redirect(url_for("pages.plan"))
    a = t.assignments()
    q = (request.args.get("q") or "").strip()
    rows = [{"unit": u, "lead": sum(1 for _, r in its if r == "lead"), "participant": sum(1 for _, r in its if r != "lead"),
             "via": a.via.get(u, "")} for u, its in a.by_unit.items() if not q or q in u]
    rows.sort(key=lambda r: (-r["lead"], -r["participant"], r["unit"]))
    return render_template("units.html", rows=rows, q=q, unexpandable=a.unexpandable)


@bp.get("/units/<name>")
def unit(name):
    from tracker.periods import year_periods

    t = tracker()
    if _current_plan() is None:
        return redirect(url_for("pages.plan"))
    a = t.assignments()
    plan = a.plan
    name = t.registry.canonical(name)
    if name not in a.by_unit:
        abort_with(404, f"{plan.year} 年计划中没有单位“{name}”的任务。")
    items = [{**it.to_dict(), "role": role, "marked": mark_targets(it.content, it.targets)}
             for it, role in a.items_of(name)]
    quarters = []
    for p in year_periods(plan.year):
        rows = {r["item"]: r for r in t.returns(p, name)}
        quarters.append({"period": p, "rows": rows, "received": rows and next(iter(rows.values()))["received_at"]})
    return render_template("unit.html", name=name, via=a.via.get(name, ""), items=items, quarters=quarters,
                           receipts=t.received(unit=name), plan=plan, contact=t.contact_book().get(name) or {})


@bp.post("/units/<name>/contact")
def unit_contact(name):
    f = request.form
    try:
        with write_lock():
            tracker().set_contact(name, f.get("name", ""), f.get("phone", ""), f.get("email", ""))
        flash("联络员信息已保存。", "ok")
    except UsageError as e:
        flash(f"未保存: {e}", "error")
    return redirect(url_for("pages.unit", name=name, _anchor="contact"))


# -- 年度 ---------------------------------------------------------------------------------------------
@bp.get("/reports")
def report_default():
    p = _current_plan()
    if p is None:
        return redirect(url_for("pages.plan"))
    return redirect(url_for("pages.report", year=p["year"]))


@bp.get("/reports/<int:year>")
def report(year):
    if _current_plan(year) is None:
        abort_with(404, f"工作区里没有 {year} 年的计划。")
    data = report_json(year)  # written when its figures changed since it was last written
    th = data["thresholds"]
    rules = [{"rule": "工作完成度", "need": f"≥ {th['pass_completion']}%", "actual": f"{data['completion']}%",
              "ok": data["completion"] >= th["pass_completion"]},
             {"rule": "评分", "need": f"≥ {th['pass_score']} 分", "actual": f"{data['score']} 分",
              "ok": data["score"] >= th["pass_score"]}]
    if th.get("mandatory_must_complete") and data["mandatory"]["total"]:
        m = data["mandatory"]
        rules.append({"rule": "必做任务全部完成", "need": f"{m['total']} 项", "actual": f"{m['completed']} 项",
                      "ok": m["completed"] >= m["total"]})
    return render_template("report.html", year=year, data=data, rules=rules)


REPORT_KINDS = ("docx", "xlsx", "html")


@bp.get("/reports/<int:year>/file/<kind>")
def report_file(year, kind):
    if kind not in REPORT_KINDS:
        abort_with(404, "没有这种报告文件。")
    files = report_json(year)["files"]
    path = Path(files[kind])
    if kind == "html" and request.args.get("inline"):
        return send_file(path, mimetype="text/html")
    return send_file(path, as_attachment=True, download_name=path.name)
