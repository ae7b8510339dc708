"""``tracker check``: what is wrong with a workspace, and the way out.

:func:`check_workspace` reads the configuration, the store and the files without changing
anything and without stopping at the first fault (it works on a workspace every other command
refuses), and returns every finding with what to do. Checked:

* ``tracker.toml``: there, UTF-8, valid TOML;
* the store: reachable; for SQLite the file is there, not empty, a SQLite file, and passes
  ``PRAGMA integrity_check`` (opened read-only); it holds tracker's tables (schema version);
* ``received``: files left ``pending`` by an interrupted collect (rerun ``tracker collect``);
  every archived copy is there and has the SHA-256 it is filed under;
* the folders: there and writable (a probe file is created and removed), free disk space;
* backups: a ``backups/`` folder (written by ``tracker backup``) — the newest ones are listed
  with how to restore; without one, how to restore from a copy of the workspace.

The secret (``.tracker-secret``) is checked by the identity module's own command, not here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from tracker.problems import WorkspaceError

LOW_DISK = 100 * 1024 * 1024  # bytes free below which collect may fail midway


def check_workspace(path=None, db_url: str | None = None) -> dict:
    """Every finding about the workspace at path (default: the current directory), with the store
    at ``db_url`` (default: the configured one): {workspace, store, ok, problems: [{code,
    severity, message, fix, file}], backups: [...], restore}. Never raises for a broken workspace."""
    from tracker.workspace import CONFIG_NAME, FOLDERS, _configured_url, default_db_url, load_config

    root = Path(path or ".").resolve()
    out: list[dict] = []

    def add(code, message, fix="", file="", severity="error"):
        out.append({"code": code, "severity": severity, "message": message, "fix": fix, "file": str(file)})

    cfg = root / CONFIG_NAME
    url = db_url or ""
    if not cfg.exists():
        add("config-missing", f"{root} 中没有 {CONFIG_NAME}: 不是 tracker 工作区, 或配置文件被删除",
            "如是工作区, 从备份或副本恢复 tracker.toml; 否则运行 tracker init", cfg)
    else:
        try:
            load_config(cfg)
            url = url or _configured_url(root)
        except WorkspaceError as e:
            add("config-invalid", str(e), "改正配置文件 (或从备份恢复) 后重新运行", cfg)
    url = url or default_db_url(root)
    _check_store(url, add)
    for name in FOLDERS:
        _check_folder(root / name, add)
    try:
        free = shutil.disk_usage(root).free
        if free < LOW_DISK:
            add("disk-low", f"磁盘剩余空间只有 {free // (1024 * 1024)} MB", "清理磁盘后再收集报表, 否则收集可能中途失败",
                root, "warning")
    except OSError:
        pass
    backups = _backups(root)
    from tracker.store import display_url

    return {"workspace": str(root), "store": display_url(url), "ok": not any(p["severity"] == "error" for p in out),
            "problems": out, "backups": backups, "restore": _restore_text(root, backups)}


def _check_store(url: str, add) -> None:
    from tracker.store import Store, sqlite_integrity, sqlite_path

    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            add("store-missing", f"数据库文件 {path} 不存在", "从备份恢复 tracker.db (见下); 如确是新工作区运行 tracker init",
                path)
            return
        head = _head(path)
        if head is not None and not head.startswith(b"SQLite format 3\x00"):
            add("store-damaged", f"数据库文件 {path} " + ("是空的 (0 字节)" if not head else "不是 SQLite 数据库 (已损坏或被覆盖)"),
                "从备份恢复 tracker.db (见下)", path)
            return
        bad = sqlite_integrity(path)
        if bad:
            add("store-damaged", f"数据库文件 {path} 已损坏: {bad}", "从备份恢复 tracker.db (见下)", path)
            return
    try:
        store = Store(url, create=False)
    except WorkspaceError as e:
        add("store-unusable", str(e), "从备份恢复 (见下), 或检查数据库服务器", path or "")
        return
    except Exception as e:  # a driver error not yet described: still a finding, never a traceback
        add("store-unusable", f"无法打开数据库: {type(e).__name__}: {str(e)[:120]}", "检查数据库配置", path or "")
        return
    with store:
        _check_received(store, add)


def _head(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read(16)
    except OSError:
        return None


def _check_received(store, add) -> None:
    from tracker.store import sqlite_path

    root = None
    rows = store.received_files()
    if store.url.startswith("sqlite"):
        root = sqlite_path(store.url).parent
    pending = [r["file_name"] for r in rows if r["outcome"] == "pending"]
    if pending:
        add("collect-interrupted", f"有 {len(pending)} 个文件收到后未处理完 (收集被中断): {'、'.join(pending[:5])}"
            + (" 等" if len(pending) > 5 else ""), "重新运行 tracker collect (同样的文件), 会从中断处继续", severity="warning")
    if root is None:
        return
    for r in rows:
        p = root / r["archived_as"]
        try:
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
        except OSError:
            add("archive-missing", f"存档文件 {r['archived_as']} ({r['file_name']}) 不见了",
                "从备份恢复 archive/ 目录 (见下); 或把原文件重新收集一次", p)
            continue
        if digest != r["sha256"]:
            add("archive-damaged", f"存档文件 {r['archived_as']} ({r['file_name']}) 的内容与收到时不同 (已损坏或被改动)",
                "从备份恢复 archive/ 目录 (见下)", p)


def _check_folder(folder: Path, add) -> None:
    if not folder.is_dir():
        add("folder-missing", f"目录 {folder} 不存在", "运行 tracker init 补建目录 (已有的文件和数据不受影响)", folder,
            "warning")
        return
    probe = folder / f".tracker-check.{os.getpid()}.tmp"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        add("folder-readonly", f"目录 {folder} 无法写入: {e.strerror or e}", "检查目录权限, 或磁盘是否为只读", folder)


def _backups(root: Path) -> list[dict]:
    folder = root / "backups"
    if not folder.is_dir():
        return []
    found = []
    for p in folder.iterdir():
        try:
            found.append({"path": str(p), "modified": p.stat().st_mtime})
        except OSError:
            continue
    found.sort(key=lambda d: d["modified"], reverse=True)
    from datetime import datetime

    return [{"path": d["path"], "modified": datetime.fromtimestamp(d["modified"]).isoformat(timespec="seconds")}
            for d in found[:5]]


def _restore_text(root: Path, backups: list[dict]) -> str:
    """How to restore. Either way the old tracker.db-wal / -shm go: SQLite would apply a stale
    write-ahead log of the damaged file to the restored one."""
    return _restore_from(root, backups) + "。恢复前请删除工作区中的 tracker.db-wal 和 tracker.db-shm (如有)"


def _restore_from(root: Path, backups: list[dict]) -> str:
    if backups:
        return (f"最新的备份: {backups[0]['path']} ({backups[0]['modified']})。恢复: 运行 tracker restore 该备份; "
                "或关闭所有 tracker 后, 用备份中的 tracker.db、archive/ 替换工作区中的同名文件和目录")
    return (f"没有找到备份 ({root / 'backups'} 不存在)。如有工作区的副本 (如复制到 U 盘或网盘的整个文件夹), 关闭所有 tracker 后, "
            "把副本中的 tracker.db 和 archive/ 复制回工作区; 之后重新收集副本之后收到的报表 (tracker collect)。"
            "今后请定期运行 tracker backup")
