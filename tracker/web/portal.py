"""The departments' side: each unit's own link ``/r/<token>`` (no account), its upload and its online form.

Thin routes over the Tracker (``link_page``, ``link_rate_ok``, ``collect_upload``, ``submit_form``,
``form_problems``, ``receipt_text``); everything about links, checks and receipts is the library's
(docs/links.md). A token the library did not sign is a 404 page, an expired or revoked one a 410 page
with the library's sentence (whom to contact).

Who may post: the link token is the credential (a capability URL). ``/r/`` is therefore outside the
office's login and its session CSRF (security.py lets it through), and is protected this way:

* a JSON client (``Accept: application/json``) posts with the token alone, as the issue's contract
  says (``POST <url>`` with multipart ``file`` → 200/422);
* the HTML forms carry a form token, ``HMAC-SHA256(app secret, "tracker-portal-form:" + link token)``;
  an HTML post without the right one is 403. A page of another site cannot read it (same-origin
  policy), so it cannot make a unit's browser post through the unit's link without the unit's knowing;
  it needs no session or cookie, so it works on a portal-only server where no one logs in.
"""

from __future__ import annotations

import hmac
from hashlib import sha256

from flask import Blueprint, current_app, jsonify, render_template, request

from tracker.links import LinkGone, LinkNotFound
from tracker.web import uploads
from tracker.web.api import write_lock
from tracker.web.errors import abort_with
from tracker.web.security import tracker

bp = Blueprint("portal", __name__)

RATE_TEXT = "此链接在一小时内提交次数过多, 请稍后再试; 如有疑问请与办公室联系。"


def form_token(token: str) -> str:
    key = current_app.config["SECRET_KEY"]
    return hmac.new(key, ("tracker-portal-form:" + token).encode("utf-8"), sha256).hexdigest()


def _json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _page(token: str) -> dict:
    try:
        return tracker().link_page(token)
    except (LinkNotFound, LinkGone) as e:
        _gone(e)


def _gone(e):
    if isinstance(e, LinkGone):
        abort_with(410, str(e))
    abort_with(404, "这个填报链接不存在: 请核对链接是否完整 (可从办公室的通知或邮件中重新复制)。")


def _check_post(token: str) -> None:
    """The link first (404/410), then the form token for HTML posts (403), then the rate limit (429)."""
    try:
        tracker().resolve_link(token)
    except (LinkNotFound, LinkGone) as e:
        _gone(e)
    if not _json():
        sent = request.form.get("form_token") or ""
        if not hmac.compare_digest(sent, form_token(token)):
            abort_with(403, "页面已过期或来源不明: 请重新打开您的填报链接后再提交。")
    try:
        ok = tracker().link_rate_ok(token)
    except (LinkNotFound, LinkGone) as e:
        _gone(e)
    if not ok:
        abort_with(429, RATE_TEXT)


def _receipt(token: str, fo) -> dict:
    return {"accepted": fo.accepted, "name": fo.name if hasattr(fo, "name") else fo.file, "file": fo.file,
            "problems": [p.to_dict() for p in fo.problems], "text": tracker().receipt_text(fo)}


@bp.get("/r/<token>")
def link(token):
    page = _page(token)
    return render_template("portal.html", page=page, token=token, form_token=form_token(token), result=None)


@bp.post("/r/<token>")
def link_upload(token):
    _check_post(token)
    parts = uploads.files_of("file")
    path, name = uploads.saved(parts[:1])[0]
    try:
        with write_lock():
            fo = tracker().collect_upload(token, path.read_bytes(), name)
    except (LinkNotFound, LinkGone) as e:
        _gone(e)
    status = 200 if fo.accepted else 422
    if _json():
        d = fo.to_dict()
        return jsonify({"accepted": [d] if fo.accepted else [], "rejected": [] if fo.accepted else [d]}), status
    page = _page(token)
    return render_template("portal.html", page=page, token=token, form_token=form_token(token),
                           result=_receipt(token, fo)), status


@bp.get("/r/<token>/receipts/<int:n>")
def link_receipt(token, n):
    sent = _page(token)["sent"]
    if not 0 <= n < len(sent):
        abort_with(404, "没有这份回执。")
    s = sent[n]
    name = (s.get("receipt") or "").replace("\\", "/").rsplit("/", 1)[-1] or f"回执-{n + 1}.txt"
    from urllib.parse import quote

    return s["receipt_text"], 200, {"Content-Type": "text/plain; charset=utf-8",
                                    "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


def answers_from_form(page: dict, form) -> dict:
    """The form's fields (``<item>.<field>``, ``<item#idx>.actual``) as submit_form's answers."""
    from tracker.form import ITEM_FIELDS

    items = {i["id"]: {f: form.get(f"{i['id']}.{f}", "").strip() for f in ITEM_FIELDS} for i in page["items"]}
    targets = {t["key"]: {k: form.get(f"{t['key']}.{k}", "").strip() for k in ("actual", "note")}
               for t in page["targets"]}
    drop = lambda d: {k: v for k, v in d.items() if v != ""}  # noqa: E731 (a key left out is a blank cell)
    return {"items": {k: drop(v) for k, v in items.items()}, "targets": {k: drop(v) for k, v in targets.items()}}


def _prefill(page: dict) -> dict:
    """Each field's value: this quarter's accepted answers, else last quarter's."""
    out = {}
    for i in page["items"]:
        src = i["current"] or i["previous"] or {}
        for f, v in src.items():
            out[f"{i['id']}.{f}"] = "" if v is None else v
    for t in page["targets"]:
        src = t["current"] or t["previous"] or {}
        for f, v in src.items():
            out[f"{t['key']}.{f}"] = "" if v is None else v
    return out


@bp.route("/r/<token>/fill", methods=["GET", "POST"])
def link_fill(token):
    page = _page(token)
    values, problems, result, status = _prefill(page), {}, None, 200
    if request.method == "POST":
        _check_post(token)
        answers = request.get_json(silent=True) if request.is_json else answers_from_form(page, request.form)
        try:
            with write_lock():
                fo = tracker().submit_form(token, answers)
        except (LinkNotFound, LinkGone) as e:
            _gone(e)
        status = 200 if fo.accepted else 422
        if _json():
            d = fo.to_dict()
            return jsonify({"accepted": [d] if fo.accepted else [], "rejected": [] if fo.accepted else [d],
                            "fields": tracker().form_problems(token, fo)}), status
        result = _receipt(token, fo)
        if not request.is_json:
            values = {k: request.form.get(k, "") for k in request.form}
        for p in tracker().form_problems(token, fo):
            key = p.get("item") or p.get("target")
            if key:
                problems.setdefault(f"{key}.{p.get('field', '')}", []).append(p["message"])
        page = _page(token)
    return render_template("portal_fill.html", page=page, token=token, form_token=form_token(token),
                           values=values, problems=problems, result=result), status
