"""Backing up and restoring a whole workspace: ``tracker backup [DEST]``, ``tracker restore ARCHIVE [DIR]``.

One archive file (``.zip`` by default, ``.tar.gz`` if DEST ends so) holds:

- ``tracker-backup.json`` — the manifest: format, tracker version, schema version, when, the
  workspace's secret fingerprint, the store URL's kind (never a password);
- ``store.json`` — every table of the store as JSON (``{table: {"columns": [...], "rows": [[...]]}}``),
  read through SQLAlchemy in one read transaction, so the same dump comes from SQLite and
  PostgreSQL and restores into either;
- every file of the workspace folder: ``tracker.toml``, ``.tracker-secret`` (without it no template
  already sent can be accepted), ``archive/`` (every file received), ``outbox/`` (templates and
  receipts), ``inbox/``, ``reports/``, the office's ``templates/`` — except the SQLite store
  itself (``tracker.db`` and its -wal/-shm files: the dump replaces them), temporary files and
  earlier backups inside the workspace.

Restore writes into a missing or empty folder only (never over a workspace), then loads the dump
into the store tracker.toml names (``--db`` may name another; an SQLite store is made anew in the
folder) — refused if that store already holds data. Tables are filled parent first; PostgreSQL's id
sequences are moved past the restored ids. A dump of an older schema restores into the current one
(columns added since get their defaults); a dump of a newer schema is refused.
"""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from datetime import datetime
from pathlib import Path

from tracker.problems import Refused

MANIFEST, DUMP = "tracker-backup.json", "store.json"
FORMAT = "tracker-backup-1"
SKIP_NAMES = {"tracker.db", "tracker.db-wal", "tracker.db-shm", "tracker.db-journal"}


def _files(root: Path, dest: Path | None):
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(root)
        if (rel.as_posix() in SKIP_NAMES or p.name.endswith(".tmp")
                or (dest is not None and p.resolve() == dest.resolve())
                or rel.parts[0] == "backups"):
            continue
        yield p, rel.as_posix()


def default_name(ws) -> str:
    return f"{ws.root.name}-备份-{datetime.now():%Y%m%d-%H%M%S}.zip"


def backup(ws, dest: Path | None = None) -> dict:
    """Write the archive; DEST a file (.zip or .tar.gz) or a folder (default: the folder the
    workspace is in). Returns {file, files (count), tables: {name: rows}, bytes}."""
    from tracker import __version__
    from tracker.identity import workspace_id
    from tracker.store import SCHEMA_VERSION
    from tracker.workspace import SECRET_NAME

    if dest is None:
        dest = ws.root.parent / default_name(ws)
    dest = Path(dest)
    if dest.is_dir() or not (dest.name.endswith(".zip") or dest.name.endswith(".tar.gz")):
        dest = dest / default_name(ws)
    if dest.exists():
        raise Refused(f"{dest} 已存在, 未覆盖; 请另选文件名。")
    with ws.store() as store:
        data = store.dump_tables()
    secret = (ws.root / SECRET_NAME)
    key = bytes.fromhex(secret.read_text(encoding="ascii").strip()) if secret.exists() else b""
    manifest = {"format": FORMAT, "tracker": __version__, "schema": SCHEMA_VERSION,
                "made_at": datetime.now().isoformat(timespec="seconds"), "workspace": ws.root.name,
                "fingerprint": workspace_id(key) if key else "", "store": ws.db_url.split(":", 1)[0],
                "tables": {k: len(v["rows"]) for k, v in data.items()}}
    blobs = [(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")),
             (DUMP, json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"))]
    files = list(_files(ws.root, dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    try:
        if dest.name.endswith(".tar.gz"):
            with tarfile.open(tmp, "w:gz") as tar:
                for name, blob in blobs:
                    info = tarfile.TarInfo(name)
                    info.size = len(blob)
                    tar.addfile(info, io.BytesIO(blob))
                for p, rel in files:
                    tar.add(p, arcname="workspace/" + rel)
        else:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                for name, blob in blobs:
                    z.writestr(name, blob)
                for p, rel in files:
                    z.write(p, "workspace/" + rel)
        import os

        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return {"file": str(dest), "files": len(files), "tables": manifest["tables"], "bytes": dest.stat().st_size}


def _read_archive(path: Path):
    """(manifest, dump, [(relative path, bytes)]) of a backup archive."""
    path = Path(path)
    if not path.is_file():
        raise Refused(f"找不到备份文件 {path}。")
    members: dict[str, bytes] = {}
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for info in z.infolist():
                    if not info.is_dir():
                        members[info.filename] = z.read(info)
        else:
            with tarfile.open(path, "r:*") as tar:
                for m in tar.getmembers():
                    if m.isfile():
                        members[m.name] = tar.extractfile(m).read()
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as e:
        raise Refused(f"{path} 不是 tracker 备份文件, 或已损坏 ({e})。") from None
    try:
        manifest = json.loads(members.pop(MANIFEST))
        dump = json.loads(members.pop(DUMP))
    except (KeyError, ValueError):
        raise Refused(f"{path} 不是 tracker backup 生成的备份 (缺少 {MANIFEST} / {DUMP})。") from None
    if manifest.get("format") != FORMAT:
        raise Refused(f"{path} 的格式 {manifest.get('format')} 无法识别。")
    files = []
    for name, blob in members.items():
        rel = Path(name)
        if rel.parts[:1] != ("workspace",) or ".." in rel.parts or rel.is_absolute():
            raise Refused(f"备份中有不安全的路径 {name}, 未恢复。")
        files.append((Path(*rel.parts[1:]), blob))
    return manifest, dump, files


def restore(archive: Path, directory: Path, db_url: str | None = None) -> dict:
    """Bring a backup back into ``directory`` (missing or empty). Returns {workspace, db_url,
    files, tables}. Refused (nothing written) if the folder is not empty, the archive is not a
    backup, or the target store already holds data."""
    from tracker.store import SCHEMA_VERSION, Store
    from tracker.workspace import Workspace, _configured_url, default_db_url

    manifest, dump, files = _read_archive(Path(archive))
    if int(manifest.get("schema", 0)) > SCHEMA_VERSION:
        raise Refused(f"该备份由更新版本的 tracker 生成 (数据库结构第 {manifest['schema']} 版), 请先升级 tracker。")
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise Refused(f"{directory} 不是空文件夹, 未恢复 (恢复不会覆盖已有的文件); 请指定一个新的或空的文件夹。")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for rel, blob in files:
            p = directory / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(blob)
            written.append(p)
        url = db_url or _configured_url(directory) or default_db_url(directory)
        if db_url:  # remembered, as init --db does: later commands use the restored store
            _remember_url(Workspace(directory.resolve(), url), db_url)
        with Store(url) as store:
            full = store.load_tables(dump)
        if full is not None:
            raise Refused(f"目标数据库 {url.split('@')[-1]} 中已有数据 (表 {full}), 未恢复; "
                          "请用 --db 指定一个空的数据库。")
    except BaseException:
        for p in written:  # leave the folder as it was: empty
            p.unlink(missing_ok=True)
        raise
    ws = Workspace(directory.resolve(), url)
    return {"workspace": str(ws.root), "db_url": url, "files": len(files),
            "tables": {k: len(v["rows"]) for k, v in dump.items()}}


def _remember_url(ws, url: str) -> None:
    import tomlkit

    doc = ws.config_doc()
    doc.setdefault("store", tomlkit.table())["url"] = url
    ws.save_config_doc(doc)
