"""Reaching a store: its URL, the engine's settings, what a database error means for the office,
and the SQLite file's own integrity check."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Table, create_engine, event

from tracker.problems import WorkspaceError


def now_iso() -> str:
    return datetime.now().isoformat(timespec="seconds")


def make_engine(url: str):
    """The engine of a store URL: SQLite waits up to a minute for a lock and runs in WAL mode."""
    kwargs = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 60}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def sqlite_path(url: str):
    """The file of a SQLite URL (None for other stores, or an in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    db = make_url(url).database
    return Path(db) if db and db != ":memory:" and not db.startswith("file:") else None


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def store_error(e: BaseException, url: str = "") -> WorkspaceError | None:
    """What a database error means for the office, as a WorkspaceError (None: not a store error).
    Damage, a full disk, a read-only file, a server that does not answer: each its own message."""
    from sqlalchemy.exc import SQLAlchemyError

    if not isinstance(e, SQLAlchemyError):
        return None
    text = str(getattr(e, "orig", None) or e).lower()
    where = display_url(url) if url else "数据库"
    path = sqlite_path(url) if url else None
    if path is not None:
        where = str(path)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return WorkspaceError(f"数据库文件 {where} 已损坏 ({text[:80]})。请运行 tracker check 查看, 并从备份恢复")
    if "disk is full" in text or "no space" in text or "could not extend" in text:
        return WorkspaceError(f"磁盘空间已满, 无法写入数据库 {where}。请清理磁盘后重新运行; 本次未完成的操作未写入")
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        return WorkspaceError(f"数据库 {where} 是只读的, 无法写入 (文件或目录没有写权限, 或在只读的磁盘上)。"
                              "请检查权限后重新运行")
    if "unable to open" in text:
        return WorkspaceError(f"无法打开数据库文件 {where} (目录不存在或没有权限)。请运行 tracker check 查看")
    if "connect" in text or "could not translate host" in text or "does not exist" in text:
        return WorkspaceError(f"无法连接数据库 {where}: {text[:120]}。请确认数据库服务器在运行、地址和口令正确")
    return WorkspaceError(f"数据库 {where} 出错: {text[:160]}。请运行 tracker check 查看")


def sqlite_integrity(path: Path) -> str:
    """'' when SQLite's integrity check passes; else its first findings (the file opened read-only)."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        return str(e)
    return "" if rows == ["ok"] else "; ".join(rows)[:200]


def insert_ignore(conn, table: Table, rows: list[dict]) -> None:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL (a plain insert elsewhere): rows
    whose key is there already are left as they are, never an error."""
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        from importlib import import_module

        stmt = import_module(f"sqlalchemy.dialects.{name}").insert(table).on_conflict_do_nothing()
    else:
        stmt = table.insert()
    conn.execute(stmt, rows)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
    # let BEGIN IMMEDIATE in Store.begin be the only transaction control
    dbapi_conn.isolation_level = None
