"""Withdrawing a return, and the history of a unit's returns.

``withdraw(ws, "file.xlsx" or "sha256 prefix", why=…, by=…)`` is what the office does when a return
should never have counted (the wrong unit's file accepted, a test file, a return the department
asks to take back). In one transaction:

- the return gets ``withdrawn_at`` and stops counting everywhere (status, reports, prefill,
  ``returns``): every reader of "current" returns skips it;
- if it was the unit's current return for the period, the return it superseded (the latest one
  received before it) counts again; returns it had superseded otherwise now point to that one, or
  to its own successor;
- its ``received`` row becomes ``withdrawn``: collecting the same file again does not bring it
  back (the department sends a new one);
- ``return_events`` records who (``by``: the web app passes its user; default the OS user), when
  and why. The archive keeps the file; the receipt already sent stays as it was.

Nothing is deleted. ``history(ws, period, unit)`` lists every return with its state and events.
"""

from __future__ import annotations

import getpass
import hashlib
import re
from pathlib import Path

from tracker.problems import Refused


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (getpass raises several kinds)
        return ""


def find_sha(store, ws, file_or_sha: str) -> str:
    """The sha256 of a received file named by its path (hashed), its SHA-256 (or a prefix of at
    least 8 hex digits), or its file name as received (if only one file had it)."""
    text = str(file_or_sha).strip()
    p = Path(text)
    for cand in (p, ws.root / p):
        if cand.is_file():
            return hashlib.sha256(cand.read_bytes()).hexdigest()
    if re.fullmatch(r"[0-9a-fA-F]{8,64}", text):
        shas = store.received_shas(prefix=text)
        if len(shas) == 1:
            return shas[0]
        if len(shas) > 1:
            raise Refused(f"编号 {text} 对应多个文件, 请写得更长一些。未作改动。")
    shas = store.received_shas(file_name=p.name)
    if len(shas) == 1:
        return shas[0]
    if len(shas) > 1:
        raise Refused(f"收到过 {len(shas)} 个名为“{p.name}”的文件, 请给出文件路径或文件编号 (回执上的“文件编号”)。未作改动。")
    raise Refused(f"没有收到过“{text}”这个文件 (按文件、文件编号或文件名都找不到)。未作改动。")


def withdraw(ws, file_or_sha: str, why: str = "", by: str | None = None) -> dict:
    """Withdraw the accepted return of a file (see the module docstring). Returns {file, sha256,
    unit, period, received_at, by, at, why, restored: {file, received_at} or None}; raises Refused
    when the file is not an accepted return or was withdrawn already (nothing changes then)."""
    by = _user() if by is None else by
    with ws.store() as store:
        sha = find_sha(store, ws, file_or_sha)
        done = store.withdraw_return(sha, by, why or "")
    rec = done["received"]
    if done["state"] == "not-accepted":
        what = {"rejected": "被退回的文件", "duplicate": "与此前报表内容相同的文件 (未单独录入)",
                "pending": "尚未处理完的文件"}.get(rec["outcome"] if rec else "", "未录入的文件")
        raise Refused(f"“{rec['file_name'] if rec else file_or_sha}”是{what}, 不是已接收的报表, 无需撤回。未作改动。")
    ret = done["return"]
    if done["state"] == "already":
        ev = done["event"]
        who = f" (由 {ev['by'] or '未知用户'} 撤回)" if ev else ""
        raise Refused(f"“{rec['file_name']}”已于 {ret['withdrawn_at']} 撤回{who}。未作改动。")
    return {"file": rec["file_name"], "sha256": sha, "unit": ret["unit"], "period": ret["period"],
            "received_at": ret["received_at"], "by": by, "at": done["at"], "why": why or "",
            "restored": done["restored"]}


def history(ws, period: str | None = None, unit: str | None = None) -> list[dict]:
    """Every accepted return (current, superseded, withdrawn), oldest first, with its events:
    [{file, sha256, unit, period, received_at, accepted_at, state, events: [{action, by, at, why}]}]."""
    from tracker.periods import parse_period
    from tracker.units import Registry

    period = str(parse_period(period)) if period else None
    unit = Registry.from_config(ws.config()).canonical(unit) if unit else None
    with ws.store() as store:
        rows = store.return_history(period, unit)
    out = []
    for r in rows:
        state = ("withdrawn" if r["withdrawn_at"] else "superseded" if r["superseded_by"] is not None else "current")
        out.append({"file": r["file_name"], "sha256": r["sha256"], "unit": r["unit"], "period": r["period"],
                    "received_at": r["received_at"], "accepted_at": r["accepted_at"], "state": state,
                    "events": r["events"]})
    return out
