"""A per-user cache folder for results that are slow to make and the same every time.

Used for the dashboard's font subset (:func:`tracker.reports.inspection.dashboard.font_face_css`: about 6 s
for a CJK font, the same bytes for the same font file and characters). Where it lives, first
that applies:

1. ``TRACKER_CACHE_DIR`` (tests and benchmarks point it at a fresh folder);
2. Windows: ``%LOCALAPPDATA%\\tracker\\cache``;
3. elsewhere: ``$XDG_CACHE_HOME/tracker`` or ``~/.cache/tracker``.

A cache entry is named by a hash of everything that decides it, so a stale entry is never read;
deleting the folder is always safe. When the folder cannot be written the caller just computes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_dir() -> Path:
    env = os.environ.get("TRACKER_CACHE_DIR")
    if env:
        return Path(env)
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "tracker" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tracker"


_FILE_HASH: dict[tuple, str] = {}


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes (remembered per path, size and mtime within the process)."""
    p = Path(path)
    st = p.stat()
    key = (str(p), st.st_size, st.st_mtime_ns)
    h = _FILE_HASH.get(key)
    if h is None:
        d = hashlib.sha256()
        with p.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                d.update(chunk)
        h = _FILE_HASH[key] = d.hexdigest()
    return h


def read(kind: str, key: str) -> str | None:
    try:
        return (cache_dir() / kind / key).read_text(encoding="utf-8")
    except OSError:
        return None


def write(kind: str, key: str, text: str) -> None:
    """Store atomically (write then rename); a cache that cannot be written is skipped."""
    folder = cache_dir() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, folder / key)
    except OSError:
        pass
