"""The JSON API under /api/: the same keys as the CLI's ``--json`` (``docs/web.md`` has the table).

Differences from the CLI, by necessity: ``collect``'s ``"file"`` is the name the client uploaded
(the server's temporary path means nothing to it), and each file also has ``"receipt_url"``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request, send_file, url_for

from tracker.web import uploads
from tracker.web.errors import abort_with
from tracker.web.security import csrf_token, tracker

bp = Blueprint("api", __name__, url_prefix="/api")


def write_lock():
    return current_app.extensions["tracker.lock"]


def int_arg(value, what: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        abort_with(400, f"{what}“{value}”不是整数")


@bp.get("/csrf")
def csrf():
    return jsonify({"token": csrf_token()})


@bp.get("/plan")
def plan():
    p = tracker().plan(int_arg(request.args.get("year"), "年度"), int_arg(request.args.get("version"), "版本"))
    return jsonify(p.to_dict())


@bp.get("/plans")
def plans():
    return jsonify({"plans": tracker().plans()})


@bp.get("/units")
def units():
    return jsonify({"units": tracker().units(int_arg(request.args.get("year"), "年度"))})


@bp.get("/graph/stats")
def graph_stats():
    return jsonify(tracker().graph_stats(int_arg(request.args.get("year"), "年度")))


@bp.get("/status/<period:period>")
def status(period):
    return jsonify(tracker().status(period))


@bp.get("/returns/<period:period>")
def returns(period):
    return jsonify({"rows": tracker().returns(period, request.args.get("unit") or None)})


@bp.get("/report/<int:year>")
def report(year):
    return jsonify(report_json(year))


def report_json(year: int) -> dict:
    """``tracker report YEAR --json``, writing the report only when its figures changed since it was
    last written here (or a file is missing). The figures are compared as their canonical JSON."""
    t = tracker()
    data = t.inspection(year)
    key = hashlib.sha256(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
    stamp = t.workspace.root / "reports" / str(year) / ".web-report.json"
    with write_lock():
        try:
            last = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = {}
        out = last.get("json")
        if last.get("key") != key or not out or not all(Path(p).exists() for p in out.get("files", {}).values()):
            out = t.report(year).to_dict()
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(json.dumps({"key": key, "json": out}, ensure_ascii=False), encoding="utf-8")
    return out


@bp.post("/plan/import")
def plan_import():
    """Multipart ``file`` (+ ``year``, ``name``, ``preview``): plan import --json, or with preview=1
    plan show --json of the parsed plan plus "problems" (nothing stored); 422 on a rejected table."""
    part = uploads.files_of("file")[0]
    year = int_arg(request.form.get("year"), "年度")
    name = (request.form.get("name") or "").strip() or None
    preview = request.form.get("preview") in ("1", "true", "yes", "on")
    [(path, _orig)] = uploads.saved([part])
    with write_lock():
        res = tracker().import_plan(path, year=year, name=name, dry_run=preview)
    if preview:  # the preview never raises: a table that cannot be read is 422 with its problems
        return jsonify(res.preview_dict()), (422 if res.problems.errors else 200)
    return jsonify(res.to_dict())


def parse_received(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort_with(400, f"收到日期“{text}”应写成 YYYY-MM-DD, 如 2007-04-08")


def collect_uploaded(field: str = "files"):
    """Collect the uploaded files exactly as ``tracker collect FILES`` does, and return
    (CollectResult, its JSON with the clients' file names and receipt URLs). The uploaded copies
    are removed when the request ends: collect archives every file first."""
    from tracker.periods import parse_period

    parts = uploads.files_of(field)
    received = parse_received(request.form.get("received"))
    period = request.form.get("period") or None
    if period:
        from tracker.problems import UsageError

        try:
            period = str(parse_period(period))
        except UsageError as e:
            abort_with(400, str(e))
    saved = uploads.saved(parts)
    names = {str(p): orig for p, orig in saved}
    with write_lock():
        res = tracker().collect([p for p, _ in saved], received=received, period=period)
    out = res.to_dict()
    for group in ("accepted", "rejected"):
        for f in out[group]:
            f["file"] = names.get(f["file"], Path(f["file"]).name)
            f["receipt_url"] = url_for("pages.receipt", sha=f["sha256"]) if f.get("receipt") and f.get("sha256") else ""
    for fo in res.files:
        fo.name = names.get(fo.file, fo.name)
    return res, out


@bp.post("/collect")
def collect():
    res, out = collect_uploaded("files")
    return jsonify(out), (422 if res.rejected else 200)


@bp.post("/templates/<period:period>")
def templates(period):
    units = [u for u in request.form.getlist("unit") if u] or None
    with write_lock():
        res = tracker().templates(period, units=units)
    return jsonify(res.to_dict())


@bp.get("/templates/<period:period>.zip")
def templates_zip(period):
    return zip_of_templates(period)


def zip_of_templates(period):
    files = tracker().template_files(period)
    if not files:
        abort_with(404, f"{period} 还没有生成模板。")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:  # xlsx are zips already
        for f in files:
            z.write(f["path"], f["name"])
    buf.seek(0)
    return send_file(buf, mimetype="application/zip", as_attachment=True,
                     download_name=f"{period}-填报模板.zip")
