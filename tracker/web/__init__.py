"""The office's web app: Flask 3 pages and a JSON API over :class:`tracker.app.Tracker`.

``create_app(tracker)`` builds one app around one Tracker. Every piece of work is a call into the
Tracker (the same calls the CLI makes); this package only reads requests, calls, and renders.
Decisions are in ``docs/web.md``; in short:

* blueprints per area: ``auth`` (login), ``pages`` (首页, 计划, 分工, 季度, 单位, 年度), ``api`` (/api/…);
* security in :mod:`tracker.web.security` (loopback without accounts, sessions, CSRF, roles, login
  throttling); uploads in :mod:`tracker.web.uploads` (limits from ``[web]`` of tracker.toml, streamed
  to a folder under the workspace);
* every error is a Chinese page, or JSON under /api/ (handlers below); no traceback reaches a browser.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import timedelta
from pathlib import Path

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, ValidationError

from tracker.problems import InputError, Refused, UsageError, WorkspaceError
from tracker.web.strings import translate

WEB_SECRET_NAME = ".tracker-web-secret"
WEB_DEFAULTS = {"max_upload_mb": 200, "max_files": 1000, "session_hours": 12,
                "login_attempts": 5, "login_lock_minutes": 15}
HERE = Path(__file__).resolve().parent
log = logging.getLogger("tracker.web")

STATUS_TEXT = {400: "请求有误", 401: "需要登录", 403: "没有权限", 404: "找不到页面", 405: "不支持的操作", 410: "链接已失效",
               413: "上传内容过大", 422: "内容未被接受", 429: "尝试次数过多", 500: "服务器内部错误"}
STATUS_HINT = {
    400: "请求的内容不完整或格式不对。", 401: "请先登录。",
    403: "您的账户没有执行此操作的权限, 或页面已过期 (请刷新页面后重试)。",
    404: "您要找的页面或文件不存在。", 405: "此地址不支持这种操作。",
    413: "上传的文件总大小或个数超过了限制 (tracker.toml 的 [web] 部分)。",
    422: "提交的内容有问题, 数据未作任何改动。", 429: "登录失败次数过多, 请稍后再试。",
    500: "处理时出现意外错误, 数据未作改动。详情已记入服务器日志。"}


class PeriodConverter(BaseConverter):
    """``<period:p>``: 2007Q1 only; anything else is a 404 before a view runs."""

    regex = r"\d{4}Q[1-4]"

    def to_python(self, value):
        from tracker.periods import parse_period

        try:
            return parse_period(value)
        except UsageError:
            raise ValidationError() from None

    def to_url(self, value):
        return str(value)


def web_settings(config: dict) -> dict:
    """``[web]`` of tracker.toml with defaults for anything missing."""
    out = dict(WEB_DEFAULTS)
    for k, v in (config.get("web") or {}).items():
        if k in out and isinstance(v, int | float) and v > 0:
            out[k] = v
    return out


def secret_key(root: Path) -> bytes:
    """The key that signs session cookies, kept in the workspace (``.tracker-web-secret``), separate
    from the template-signing secret so that one can be replaced without touching the other."""
    p = Path(root) / WEB_SECRET_NAME
    if not p.exists():
        import os

        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(p.read_text(encoding="ascii").strip())


def create_app(tracker, *, portal_only: bool = False, testing: bool = False) -> Flask:
    """The web app around one :class:`tracker.app.Tracker`.

    ``portal_only`` serves only the departments' links ``/r/…`` and the static files (everything
    else is 404: no login, no API, no office page), for a server the departments can reach. ``testing`` sets Flask's TESTING
    and turns off the login delay."""
    from tracker.web import api, auth, pages, portal, security, uploads

    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.request_class = uploads.UploadRequest
    settings = web_settings(tracker.config)
    app.config.update(
        SECRET_KEY=secret_key(tracker.root),
        SESSION_COOKIE_NAME="tracker_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings["session_hours"]),
        MAX_CONTENT_LENGTH=int(settings["max_upload_mb"] * 1024 * 1024),
        MAX_FORM_PARTS=int(settings["max_files"]) + 50,
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        TESTING=testing,
        PROPAGATE_EXCEPTIONS=False,
        TRAP_HTTP_EXCEPTIONS=False,
        JSON_AS_ASCII=False,
        TRACKER_WEB=settings,
        LOGIN_DELAY=0.0 if testing else 1.0,
        PORTAL_ONLY=portal_only,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.url_map.converters["period"] = PeriodConverter
    app.extensions["tracker"] = tracker
    app.extensions["tracker.lock"] = threading.RLock()  # one write (import, templates, collect, report) at a time
    app.extensions["tracker.config_mtime"] = _config_mtime(tracker)
    uploads.init(app)
    security.init(app)
    app.register_blueprint(portal.bp)
    if not portal_only:
        app.register_blueprint(auth.bp)
        app.register_blueprint(api.bp)
        app.register_blueprint(pages.bp)
    _register_errors(app)

    @app.before_request
    def _reload_config():
        # the CLI may edit tracker.toml while the app runs (`tracker units alias`): read it again
        m = _config_mtime(tracker)
        if m != app.extensions["tracker.config_mtime"]:
            app.extensions["tracker.config_mtime"] = m
            tracker.reload_config()

    @app.context_processor
    def _globals():
        lang = _lang(tracker)
        return {"_": lambda text, **kw: translate(text, lang, **kw), "lang": lang,
                "office": tracker.config.get("office", {}).get("name", ""),
                "user": g.get("user"), "csrf_token": security.csrf_token,
                "can_write": security.can_write(), "menu": pages.MENU, "portal_only": portal_only}

    return app


def _lang(tracker) -> str:
    try:
        return tracker.lang()
    except UsageError:
        return "zh"


def _config_mtime(tracker) -> float:
    try:
        return tracker.workspace.config_path.stat().st_mtime
    except OSError:
        return 0.0


def wants_json() -> bool:
    """JSON for /api/, for a client that asks for it, and for a login posted by a program (the login
    form marks itself with ``from_page``)."""
    if request.path == "/login" and request.method == "POST" and not request.form.get("from_page"):
        return True
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str | None = None, problems: list | None = None):
    """A Chinese page, or JSON for /api/: {"error", "status"[, "problems"]}."""
    message = message or STATUS_HINT.get(status, "")
    if wants_json():
        body = {"error": message, "status": status}
        if problems is not None:
            body["problems"] = problems
        return jsonify(body), status
    return render_template("error.html", status=status, title=STATUS_TEXT.get(status, "错误"),
                           message=message, problems=problems or []), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        status = e.code or 500
        desc = getattr(e, "tracker_message", None)
        return error_response(status, desc)

    @app.errorhandler(InputError)
    def _input(e: InputError):
        return error_response(422, f"发现 {len(e.problems.errors)} 个错误, 数据未作任何改动。",
                              [p.to_dict() for p in e.problems])

    @app.errorhandler(UsageError)
    def _usage(e: UsageError):
        return error_response(getattr(e, "status", 400), str(e))

    @app.errorhandler(Refused)
    def _refused(e: Refused):  # it would lose data or store a wrong fact: nothing was changed
        return error_response(422, f"未执行: {e}")

    @app.errorhandler(WorkspaceError)
    def _broken(e: WorkspaceError):  # the workspace itself (store, disk, tracker.toml)
        return error_response(503, str(e))

    @app.errorhandler(Exception)
    def _crash(e: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500)
