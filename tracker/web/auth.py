"""Login and logout (``POST /login``: form ``username``, ``password``, ``csrf_token``)."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, session, url_for

from tracker.web.security import csrf_token, tracker

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.home") if not current_app.config["PORTAL_ONLY"] else "/"


def _json() -> bool:
    return request.accept_mimetypes.best == "application/json" or not request.form.get("from_page")


@bp.get("/login")
def login():
    if not g.accounts:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", next=request.args.get("next", ""), error="")


@bp.post("/login")
def login_post():
    from tracker.web.errors import abort_with

    name = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    if not g.accounts:
        abort_with(400, "此工作区没有账户, 无需登录。")
    throttle = current_app.extensions["tracker.throttle"]
    keys = (f"name:{name}", f"addr:{request.remote_addr}")
    if throttle.locked(*keys):
        abort_with(429, "登录失败次数过多, 请 "
                   f"{int(current_app.config['TRACKER_WEB']['login_lock_minutes'])} 分钟后再试。")
    user = tracker().accounts.verify(name, password) if name and password else None
    if user is None:
        n = throttle.failed(*keys)
        time.sleep(current_app.config["LOGIN_DELAY"] * min(n, 5))
        if _json():
            return jsonify({"error": "账户名或密码不对", "status": 401}), 401
        return render_template("login.html", next=request.form.get("next", ""), username=name,
                               error="账户名或密码不对。")  # 200: the form again
    throttle.clear(f"name:{name}")
    session.clear()
    session.permanent = True
    session["user"], session["stamp"] = user["name"], user["stamp"]
    csrf_token()  # a new token for the new session
    if _json():
        return jsonify({"user": user["name"], "role": user["role"], "csrf": session["csrf"]})
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
