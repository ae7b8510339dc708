"""Web accounts of a workspace: names, roles and argon2 password hashes.

Decisions (also in ``docs/web.md``):

* **Kept in the workspace**, in ``.tracker-users.json`` beside ``tracker.toml`` (written atomically,
  mode 0600 where the system has modes), not in the store. Accounts guard this workspace's web app;
  a store shared through PostgreSQL by several workspaces (a test copy, say) should not share them,
  and adding them needs no schema migration. Back it up with the workspace.
* **Roles**: ``admin`` (everything) and ``viewer`` (reads only: a leader).
* **Hashes** by argon2-cffi's ``PasswordHasher`` (argon2id, its default parameters); a hash that
  the library says needs rehashing is replaced on the next good login.
* ``stamp(user)`` is a short digest of the stored hash: a session records it and is refused once the
  password changes or the account is removed.
* While the file holds no account the web app serves loopback only and asks no login
  (:mod:`tracker.web.security`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from tracker.problems import UsageError

USERS_NAME = ".tracker-users.json"
ROLES = ("admin", "viewer")
_NAME = re.compile(r"^[\w.@-]{1,64}$")
MIN_PASSWORD = 8


class Accounts:
    """The accounts of the workspace at ``root``. Every call reads the file again, so a change made
    with ``tracker users`` while the web app runs takes effect at once."""

    def __init__(self, root: Path):
        self.path = Path(root) / USERS_NAME

    # -- reading ---------------------------------------------------------------------------------
    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise UsageError(f"账户文件 {self.path} 无法读取: {e}") from None
        return {u["name"]: u for u in data.get("users", [])}

    def exists(self) -> bool:
        """Whether the workspace has at least one account."""
        return bool(self._load())

    def list(self) -> list[dict]:
        """[{name, role, created_at}], by name (no hashes)."""
        return [{"name": u["name"], "role": u["role"], "created_at": u.get("created_at", "")}
                for _, u in sorted(self._load().items())]

    def get(self, name: str) -> dict | None:
        u = self._load().get(name)
        return None if u is None else {"name": u["name"], "role": u["role"], "stamp": stamp(u)}

    # -- writing ---------------------------------------------------------------------------------
    def _save(self, users: dict[str, dict]) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        text = json.dumps({"users": [users[k] for k in sorted(users)]}, ensure_ascii=False, indent=1)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.path)

    def add(self, name: str, password: str, role: str = "admin") -> dict:
        check_name(name)
        check_role(role)
        check_password(password)
        users = self._load()
        if name in users:
            raise UsageError(f"账户“{name}”已存在; 改密码请用 tracker users passwd {name}")
        users[name] = {"name": name, "role": role, "hash": _hasher().hash(password),
                       "created_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")}
        self._save(users)
        return self.get(name)

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        users = self._load()
        if name not in users:
            raise UsageError(f"没有账户“{name}”")
        users[name]["hash"] = _hasher().hash(password)
        self._save(users)

    def set_role(self, name: str, role: str) -> None:
        check_role(role)
        users = self._load()
        if name not in users:
            raise UsageError(f"没有账户“{name}”")
        users[name]["role"] = role
        self._save(users)

    def remove(self, name: str) -> None:
        users = self._load()
        if name not in users:
            raise UsageError(f"没有账户“{name}”")
        del users[name]
        self._save(users)

    def verify(self, name: str, password: str) -> dict | None:
        """The account (name, role, stamp) when the password is right, else None. Takes the time
        of one argon2 hash whether or not the name exists (no hint which names exist)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        users = self._load()
        u = users.get(name)
        h = _hasher()
        try:
            h.verify(u["hash"] if u else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if u is None:
            return None
        if h.check_needs_rehash(u["hash"]):
            u["hash"] = h.hash(password)
            self._save(users)
        return self.get(name)


def stamp(user: dict) -> str:
    return hashlib.sha256(user["hash"].encode()).hexdigest()[:16]


def check_name(name: str) -> None:
    if not _NAME.match(name or ""):
        raise UsageError(f"账户名“{name}”无效: 1 到 64 个字母、数字或 _ . @ -")


def check_role(role: str) -> None:
    if role not in ROLES:
        raise UsageError(f"角色“{role}”无效, 应为 admin 或 viewer")


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UsageError(f"密码太短: 至少 {MIN_PASSWORD} 个字符")


_HASHER = None
_DUMMY = None


def _hasher():
    global _HASHER
    if _HASHER is None:
        from argon2 import PasswordHasher

        _HASHER = PasswordHasher()
    return _HASHER


def _dummy_hash() -> str:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = _hasher().hash("no such account")
    return _DUMMY
