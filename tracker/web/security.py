"""Who may do what: loopback without accounts, login sessions, CSRF tokens, roles, login throttling.

* **No accounts** in the workspace (``tracker users add``): only requests from the loopback address
  are answered (403 otherwise), and no login is asked.
* **With accounts**: every page and API call needs a session, except ``/login``, ``/api/csrf`` (the
  token a client needs to log in) and ``/static/``. A page without one redirects to ``/login``;
  ``/api/…`` answers 401. A session remembers the account's name, role and ``stamp`` (a digest of its
  password hash): a changed password or a removed account ends every session of it at once.
* **CSRF**: every POST (login included) needs the session's token, in header ``X-CSRF-Token`` or
  form field ``csrf_token``; without it 403 before the view runs. ``GET /api/csrf`` gives it.
* **Roles**: ``viewer`` reads only: any POST other than login and logout is 403.
* **``/r/``** (each unit's own link, :mod:`tracker.web.portal`) is answered from any address without
  an account and without the session's CSRF token: the link token is the credential, and its HTML
  forms carry a form token derived from it. With ``portal_only`` every other path but ``/static/`` is 404.
* **Login throttling**: each failure sleeps ``LOGIN_DELAY`` seconds (growing with the failures);
  after ``[web] login_attempts`` failures for one name or one address within ``login_lock_minutes``,
  logins for it are refused (429) until the window passes.

The session cookie is Flask's signed cookie: HttpOnly, SameSite=Lax, key in the workspace.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time

from flask import current_app, g, jsonify, redirect, request, session, url_for

PUBLIC = ("/login", "/api/csrf", "/static/")
PORTAL = "/r/"  # the departments' links: no login, no session CSRF (a form token of their own)
NO_ROLE_CHECK = ("/login", "/logout")


def tracker():
    return current_app.extensions["tracker"]


def is_loopback(addr: str | None) -> bool:
    try:
        return ipaddress.ip_address((addr or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def csrf_token() -> str:
    tok = session.get("csrf")
    if not tok:
        tok = session["csrf"] = secrets.token_urlsafe(32)
    return tok


def can_write() -> bool:
    u = g.get("user")
    return u is None or u.get("role") == "admin"


def init(app) -> None:
    app.extensions["tracker.throttle"] = Throttle(app.config["TRACKER_WEB"]["login_attempts"],
                                                  app.config["TRACKER_WEB"]["login_lock_minutes"] * 60)

    @app.before_request
    def _guard():
        from tracker.web.errors import abort_with

        path = request.path
        if path.startswith(PORTAL):  # a unit's own link: the token is the credential (portal.py)
            g.accounts, g.user = False, None
            return None
        if current_app.config.get("PORTAL_ONLY") and not path.startswith("/static/"):
            abort_with(404, "此服务器只提供各单位的填报链接。")
        accounts = tracker().accounts
        has_accounts = accounts.exists()
        g.accounts = has_accounts
        g.user = None
        if not has_accounts:
            if not is_loopback(request.remote_addr):
                abort_with(403, "此工作区还没有账户, 只允许本机访问。请在服务器上用 tracker users add 建立账户。")
        else:
            name = session.get("user")
            u = accounts.get(name) if name else None
            if u is not None and hmac.compare_digest(u["stamp"], session.get("stamp", "")):
                g.user = u
            elif name:
                session.pop("user", None)
                session.pop("stamp", None)
            if g.user is None and not path.startswith(PUBLIC):
                if path.startswith("/api/"):
                    abort_with(401, "需要登录: 请先 POST /login (表单字段 username, password, csrf_token)。")
                return redirect(url_for("auth.login", next=request.full_path if request.query_string else path))
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
            tok = session.get("csrf") or ""
            if not tok or not hmac.compare_digest(sent, tok):
                abort_with(403, "缺少或无效的 CSRF 令牌 (页面可能已过期): 请刷新页面后重试。")
            if g.user is not None and g.user["role"] != "admin" and not path.startswith(NO_ROLE_CHECK):
                abort_with(403, "只读账户 (viewer) 不能修改数据。")
        return None


def require_admin():
    """For views that change something (the guard above already refuses a viewer's POST)."""
    from tracker.web.errors import abort_with

    if not can_write():
        abort_with(403, "只读账户 (viewer) 不能修改数据。")


class Throttle:
    """Failed logins per name and per address, in memory, within a sliding window."""

    def __init__(self, attempts: int, window_s: float):
        self.attempts, self.window = int(attempts), float(window_s)
        self._fails: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        xs = [t for t in self._fails.get(key, []) if now - t < self.window]
        self._fails[key] = xs
        return xs

    def locked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.attempts for k in keys)

    def failed(self, *keys: str) -> int:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)
            return max(len(self._fails[k]) for k in keys)

    def clear(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)


def json_or_redirect(payload: dict, target: str):
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(payload)
    return redirect(target)
