"""Uploads: streamed to disk under the workspace, limited, kept by a random id, never named by the request.

* werkzeug parses the multipart body and streams every file part into an unnamed temporary file in
  ``<workspace>/.uploads/`` (:class:`UploadRequest`), never into memory; ``MAX_CONTENT_LENGTH``
  (``[web] max_upload_mb``) bounds the whole request and ``[web] max_files`` the number of files
  (413 beyond either, before anything is stored).
* :func:`save_files` moves each part into ``.uploads/<random id>/<n>/<name>``: the folder is a
  fresh ``secrets.token_hex`` id, the file name is the uploaded one with everything a file system
  could read as a path removed (only its last component, Windows-forbidden characters replaced).
  The original name is kept because collect names the file in the store and the receipt.
* A plan preview keeps its upload under its id until the clerk confirms or cancels (``meta.json``
  holds the original name and the form's year and name); ids are looked up with
  :func:`upload_dir`, which accepts only ids of the exact form we create. Folders older than a day
  are swept when a new upload starts.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from flask import Request, current_app, request

UPLOADS = ".uploads"
_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_S = 24 * 3600


class UploadRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return tempfile.TemporaryFile(dir=current_app.config["UPLOAD_TMP"])


def init(app) -> None:
    root = Path(app.extensions["tracker"].root) / UPLOADS
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    app.config["UPLOAD_ROOT"] = str(root)
    app.config["UPLOAD_TMP"] = str(root / "tmp")


def clean_name(name: str | None) -> str:
    from tracker.templates import safe_filename

    base = re.split(r"[\\/]", name or "")[-1].strip().lstrip(".")
    return safe_filename(base) if base else "upload"


def new_dir() -> tuple[str, Path]:
    sweep()
    uid = secrets.token_hex(16)
    d = Path(current_app.config["UPLOAD_ROOT"]) / uid
    d.mkdir()
    return uid, d


def upload_dir(uid: str) -> Path | None:
    if not _ID.match(uid or ""):
        return None
    d = Path(current_app.config["UPLOAD_ROOT"]) / uid
    return d if d.is_dir() else None


def sweep() -> None:
    root = Path(current_app.config["UPLOAD_ROOT"])
    now = time.time()
    for d in root.iterdir():
        if _ID.match(d.name) and now - d.stat().st_mtime > MAX_AGE_S:
            shutil.rmtree(d, ignore_errors=True)


def files_of(field: str) -> list:
    """The non-empty file parts of ``field``; 400 when there are none, 413 over ``[web] max_files``."""
    from tracker.web import abort_with

    parts = [f for f in request.files.getlist(field) if f and f.filename]
    if not parts:
        abort_with(400, f"没有收到文件 (表单字段 {field})。")
    limit = int(current_app.config["TRACKER_WEB"]["max_files"])
    if len(parts) > limit:
        abort_with(413, f"一次最多上传 {limit} 个文件 (收到 {len(parts)} 个); 见 tracker.toml [web] max_files。")
    return parts


def save_files(parts, folder: Path) -> list[tuple[Path, str]]:
    """Each part into its own numbered subfolder of ``folder``: [(path, original name)]."""
    out = []
    for i, part in enumerate(parts):
        sub = folder / f"{i:04d}"
        sub.mkdir()
        dest = sub / clean_name(part.filename)
        part.save(dest)
        out.append((dest, part.filename))
    return out


def write_meta(folder: Path, meta: dict) -> None:
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def read_meta(folder: Path) -> dict:
    try:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
