"""Each unit's own link for a period: signed, revocable, expiring (docs/links.md).

A token is ``itsdangerous.URLSafeSerializer(secret, salt=SALT)`` over ``{"u": unit, "p": period,
"n": nonce}``, keyed by the workspace secret (:meth:`Workspace.secret`, the key that signs the
templates' identities; the salt of its own keeps a token and an identity from ever standing in for
each other). The payload is compact UTF-8 JSON (a Chinese unit name costs 4 characters of base64,
not 8 of ``\\uXXXX``) and the signature HMAC-SHA256. A token is accepted only in the exact form we
issue it (re-signed and compared), so changing any one character of it, even one whose base64
bits happen not to matter, makes it unknown.

The nonce is stored per (unit, period) in ``link_nonces``: :func:`revoke` marks the live one
revoked and issues a new one, so the old link stops working (410) and the office sends the new
one. Expiry: the period's due date (:meth:`Period.due`) + ``[web] link_days`` (default 30), the
last day the link works; computed when the link is used, so changing the setting moves every link.

Errors: :class:`LinkNotFound` (tampered, malformed, or signed with a nonce we have no record of:
HTTP 404) and :class:`LinkGone` (expired or revoked: HTTP 410, with a sentence saying whom to
contact). Both are :class:`~tracker.problems.UsageError`, with ``status`` the HTTP status.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker.office import contact_sentence
from tracker.problems import UsageError

SALT = "tracker-unit-link-1"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_LINK_DAYS = 30
DEFAULT_UPLOADS_PER_HOUR = 30


class LinkError(UsageError):
    status = 400
    reason = ""


class LinkNotFound(LinkError):
    """Tampered, malformed or never issued: the page does not exist (404)."""

    status = 404
    reason = "unknown"


class LinkGone(LinkError):
    """Expired or revoked (410); the message says whom to contact."""

    status = 410

    def __init__(self, message: str, reason: str, unit: str = "", period: str = ""):
        super().__init__(message)
        self.reason, self.unit, self.period = reason, unit, period


@dataclass
class Link:
    unit: str
    period: str
    nonce: str
    token: str
    url: str
    expires: date

    def to_dict(self) -> dict:
        """One entry of ``tracker links PERIOD --json``."""
        return {"unit": self.unit, "url": self.url, "expires": self.expires.isoformat()}


@dataclass
class Resolved:
    """A live link: whose, for which period, and until when."""

    unit: str
    period: str
    nonce: str
    expires: date


class _CompactJSON:
    """itsdangerous' payload serializer: compact UTF-8 JSON with sorted keys (one text per payload)."""

    @staticmethod
    def dumps(obj) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @staticmethod
    def loads(text):
        return json.loads(text)


def serializer(secret: bytes):
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(secret, salt=SALT, serializer=_CompactJSON,
                             signer_kwargs={"digest_method": hashlib.sha256})


def make_token(secret: bytes, unit: str, period: str, nonce: str) -> str:
    return serializer(secret).dumps({"u": unit, "p": str(period), "n": nonce})


# -- settings ----------------------------------------------------------------------------------------
def web_settings(config: dict) -> dict:
    web = config.get("web", {}) or {}
    return {"base_url": str(web.get("base_url") or "").strip().rstrip("/"),
            "link_days": int(web.get("link_days", DEFAULT_LINK_DAYS) or DEFAULT_LINK_DAYS),
            "uploads_per_hour": int(web.get("uploads_per_hour", DEFAULT_UPLOADS_PER_HOUR)
                                    or DEFAULT_UPLOADS_PER_HOUR)}


def base_url(config: dict) -> str:
    return web_settings(config)["base_url"] or DEFAULT_BASE_URL


def expires(period, config: dict) -> date:
    from tracker.periods import parse_period

    return parse_period(str(period)).due(config) + timedelta(days=web_settings(config)["link_days"])


# -- the units that get a link ---------------------------------------------------------------------------
def template_units(ws, period) -> list[str]:
    """The concrete units that receive a template for PERIOD (as tracker templates makes them)."""
    from tracker.assignments import period_assignment

    return period_assignment(ws, period)[2].units


def issue(ws, period, units: list[str]) -> dict[str, str]:
    """unit -> its live nonce for PERIOD, issuing one where there is none (one transaction; when
    another process issued one meanwhile, the unique index on live nonces refuses ours and the
    transaction is read again)."""
    period = str(period)
    with ws.store() as store:
        live = store.issue_links(period, list(units))
    return {u: live[u] for u in units}


def links_for(ws, period, units: list[str] | None = None) -> list[Link]:
    """The link of every unit that receives a template for PERIOD (or of ``units``), issued when
    missing, in the order of the templates."""
    from tracker.periods import parse_period

    period = str(parse_period(str(period)))
    units = template_units(ws, period) if units is None else list(units)
    nonces = issue(ws, period, units)
    config, secret = ws.config(), ws.secret()
    base, until = base_url(config), expires(period, config)
    out = []
    for u in units:
        token = make_token(secret, u, period, nonces[u])
        out.append(Link(u, period, nonces[u], token, f"{base}/r/{token}", until))
    return out


def revoke(ws, period, unit: str) -> Link:
    """Revoke UNIT's link for PERIOD and issue a new one (returned)."""
    from tracker.periods import parse_period
    from tracker.units import Registry

    period = str(parse_period(str(period)))
    registry = Registry.from_config(ws.config())
    canon = registry.canonical(unit)
    units = template_units(ws, period)
    if canon not in units:
        raise UsageError(f"单位“{unit}”在 {period[:4]} 年计划中没有任务, 没有填报链接")
    with ws.store() as store:
        # every live link of the unit, also one signed with a name it had before an alias
        store.revoke_links(period, lambda name: registry.canonical(name) == canon, canon)
    return links_for(ws, period, [canon])[0]


def _lookup(ws, token: str) -> dict:
    """The ``link_nonces`` row of a token we signed; LinkNotFound (404) otherwise."""
    from itsdangerous import BadData

    from tracker.periods import parse_period

    s = serializer(ws.secret())
    token = str(token or "").strip()
    try:
        data = s.loads(token)
        unit, period, nonce = str(data["u"]), str(data["p"]), str(data["n"])
        parse_period(period)
    except (BadData, KeyError, TypeError, ValueError, UsageError):
        raise LinkNotFound("没有这个填报链接: 链接不完整或被改动过。请核对链接, 或向办公室索取。") from None
    if s.dumps({"u": unit, "p": period, "n": nonce}) != token:  # only the exact form we issue
        raise LinkNotFound("没有这个填报链接: 链接不完整或被改动过。请核对链接, 或向办公室索取。")
    with ws.store() as store:
        row = store.link_nonce(nonce)
    if row is None or row["unit"] != unit or row["period"] != period:
        raise LinkNotFound("没有这个填报链接。请向办公室索取本单位的链接。")
    return row


def resolve(ws, token: str, today: date | None = None) -> Resolved:
    """The live link a token names; LinkNotFound (404) or LinkGone (410) otherwise."""
    from tracker.periods import parse_period

    row = _lookup(ws, token)
    unit, period = row["unit"], row["period"]
    config = ws.config()
    label = parse_period(period).label
    if row["revoked_at"] is not None:
        raise LinkGone(f"{unit} {label}的这个填报链接已停用 (办公室已另发新链接)。"
                       + contact_sentence(config), "revoked", unit, period)
    until = expires(period, config)
    if (today or date.today()) > until:
        raise LinkGone(f"{unit} {label}的填报链接已于 {until.isoformat()} 过期。如需补报或更正, "
                       + contact_sentence(config), "expired", unit, period)
    from tracker.units import Registry

    # a link keeps the name it was signed with; an alias registered since maps it to today's name
    return Resolved(Registry.from_config(config).canonical(unit), period, row["nonce"], until)


# -- what came through a link ----------------------------------------------------------------------------
def _ago(now: datetime, hours: float) -> str:
    return (now - timedelta(hours=hours)).isoformat(timespec="seconds")


def rate_ok(ws, token: str, now: datetime | None = None) -> bool:
    """Whether another upload may come through this link now: fewer than ``[web] uploads_per_hour``
    (default 30) files and forms recorded for it in the last hour. LinkNotFound for a token we did
    not sign (expiry and revocation are :func:`resolve`'s to judge)."""
    nonce = _lookup(ws, token)["nonce"]
    now = now or datetime.now()
    limit = web_settings(ws.config())["uploads_per_hour"]
    with ws.store() as store:
        n = store.link_uploads_since(nonce, _ago(now, 1))
    return n < limit


def record(ws, nonce: str, sha256: str | None, kind: str = "file", now: datetime | None = None) -> None:
    at = (now or datetime.now()).isoformat(timespec="seconds")
    with ws.store() as store:
        store.record_link_upload(nonce, sha256, at, kind)


def link_problems_for(fo, link) -> list:
    """The link problems of a file accepted (as some unit's return) and sent through ``link``
    (a Resolved): empty when it is the link's unit and period, or was rejected anyway (its stored
    problems say why)."""
    if not fo.accepted:
        return []
    return link_problems((link.unit, link.period), fo.unit, fo.period, fo.name)


def link_problems(link: tuple[str, str], unit: str | None, period: str | None, file: str) -> list:
    """What is wrong with sending a workbook of (unit, period) through the link of ``link``."""
    from tracker.identity import SHEET as IDENTITY_SHEET
    from tracker.periods import parse_period
    from tracker.problems import Problem

    want_unit, want_period = link
    out = []
    if unit and unit != want_unit:
        out.append(Problem("link-unit-mismatch", f"这是“{unit}”的报表, 而本链接是“{want_unit}”的填报链接; "
                           "文件未录入", file=file, sheet=IDENTITY_SHEET))
    if period and period != want_period:
        try:
            got = f"{period} ({parse_period(period).label})"
        except UsageError:
            got = period
        out.append(Problem("link-period-mismatch", f"这是 {got} 的报表, 而本链接用于报送 {want_period} "
                           f"({parse_period(want_period).label}) 的报表; 文件未录入", file=file, sheet=IDENTITY_SHEET))
    return out


__all__ = ["Link", "Resolved", "LinkError", "LinkNotFound", "LinkGone", "links_for", "revoke", "resolve",
           "rate_ok", "record", "expires", "base_url", "web_settings"]
