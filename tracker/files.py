"""Writing files so that a crash never leaves half of one behind.

Every file tracker writes into the workspace goes through :func:`atomic_write`: the bytes go to a
hidden temporary file named after the writing process, then replace the target in one step. A
process killed mid-write leaves only that temporary file; :func:`sweep_stale_tmp` removes the ones
whose writer is no longer running (a concurrent run's files in progress are left alone).
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

_TMP = re.compile(r"^\..+\.(\d+)(?:\.[0-9a-f]+)?\.tmp$")


def atomic_write(path: Path, data: bytes, *, fsync: bool = False) -> Path:
    """Write data to path atomically; with fsync, durably (the bytes are on disk before the rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (or cannot tell): leave its files alone
    return True


def sweep_stale_tmp(folder: Path) -> int:
    """Remove temporary files left in folder by writers that are no longer running. Returns how many."""
    n = 0
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0
    for e in entries:
        m = _TMP.match(e.name)
        if m and e.is_file() and not _alive(int(m.group(1))):
            try:
                os.unlink(e.path)
                n += 1
            except FileNotFoundError:
                pass
    return n
