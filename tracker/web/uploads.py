"""Uploads: streamed to disk under the workspace, limited, kept by a random id, never named by the request.

* werkzeug parses the multipart body and streams every file part straight to disk, never into
  memory (:class:`UploadRequest`): a part goes to ``.uploads/<random id>/<name>`` under the
  workspace (``.uploads/<random id>/<n>/<name>`` when the name came before), where the folder is a fresh ``secrets.token_hex`` id of this request and the name is
  the uploaded one with everything a file system could read as a path removed (only its last
  component, Windows-forbidden characters replaced). The original name is kept because collect
  names the file in the store and the receipt. Written once, where collect reads it: no second copy.
* ``MAX_CONTENT_LENGTH`` (``[web] max_upload_mb``) bounds the whole request and ``[web] max_files``
  the number of files (413 beyond either, before anything is stored).
* The request's folder is removed, in a thread, once the answer is made (collect has archived
  every file by then), unless the view keeps it (:func:`keep`: a plan preview waiting to be confirmed).
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
import threading
import time
from pathlib import Path

from flask import Request, current_app, request

UPLOADS = ".uploads"
META = "meta.json"
_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_S = 24 * 3600


class UploadRequest(Request):
    upload_id: str | None = None
    upload_folder: Path | None = None
    keep_upload = False
    _parts = 0

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        if self.upload_folder is None:
            self.upload_id, self.upload_folder = new_dir()
        name = clean_name(filename)
        path = self.upload_folder / name
        if name == META or path.exists():  # the same name twice in one upload: a folder of its own
            path = self.upload_folder / f"{self._parts:04d}" / name
            path.parent.mkdir()
        self._parts += 1
        return open(path, "x+b")  # noqa: SIM115 (werkzeug closes it)


def init(app) -> None:
    root = Path(app.extensions["tracker"].root) / UPLOADS
    root.mkdir(parents=True, exist_ok=True)
    app.config["UPLOAD_ROOT"] = str(root)

    @app.teardown_request
    def _drop_upload(_exc=None):
        # removing 400 files takes a while on a busy disk: not while the clerk waits for the answer
        if request.upload_folder is not None and not request.keep_upload:
            threading.Thread(target=shutil.rmtree, args=(request.upload_folder, True), daemon=True).start()


def keep() -> str:
    """Keep this request's upload folder (a plan preview); its id."""
    request.keep_upload = True
    return request.upload_id


_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
MAX_NAME_BYTES = 200


def clean_name(name: str | None) -> str:
    """The uploaded name as a file name: its last path component only, characters Windows forbids
    replaced, no leading dots, at most MAX_NAME_BYTES of UTF-8 (the extension kept)."""
    import unicodedata

    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = _FORBIDDEN.sub("_", base).strip().lstrip(".").rstrip(". ")
    if not base:
        return "upload"
    stem, dot, ext = base.rpartition(".")
    if not dot or len(ext) > 8:
        stem, ext = base, ""
    suffix = f".{ext}" if ext else ""
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem or "upload") + suffix


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
        try:
            old = _ID.match(d.name) and now - d.stat().st_mtime > MAX_AGE_S
        except OSError:  # removed meanwhile by the thread that ends its request
            continue
        if old:
            shutil.rmtree(d, ignore_errors=True)


def files_of(field: str) -> list:
    """The non-empty file parts of ``field``; 400 when there are none, 413 over ``[web] max_files``."""
    from tracker.web.errors import abort_with

    parts = [f for f in request.files.getlist(field) if f and f.filename]
    if not parts:
        abort_with(400, f"没有收到文件 (表单字段 {field})。")
    limit = int(current_app.config["TRACKER_WEB"]["max_files"])
    if len(parts) > limit:
        abort_with(413, f"一次最多上传 {limit} 个文件 (收到 {len(parts)} 个); 见 tracker.toml [web] max_files。")
    return parts


def saved(parts) -> list[tuple[Path, str]]:
    """Where each part was streamed to, closed: [(path, original name)]."""
    out = []
    for part in parts:
        part.stream.close()
        out.append((Path(part.stream.name), part.filename))
    return out


def write_meta(folder: Path, meta: dict) -> None:
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def read_meta(folder: Path) -> dict:
    try:
        return json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def kept_file(folder: Path, meta: dict) -> Path | None:
    """The file a kept upload's meta names, only if it is really inside its folder."""
    rel = meta.get("file") or ""
    path = (folder / rel).resolve()
    return path if rel and path.is_file() and path.is_relative_to(folder.resolve()) else None


def remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
