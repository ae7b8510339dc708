"""Writing files so that a crash never leaves half of one behind.

Every file tracker writes into the workspace goes through :func:`atomic_write`: the bytes go to a
hidden temporary file named after the writing process, then replace the target in one step. A
process killed mid-write leaves only that temporary file; :func:`sweep_stale_tmp` removes the ones
whose writer is no longer running (a concurrent run's files in progress are left alone).

:func:`durable_write_many` writes a batch of files (collect's archive copies) so that every one is
on disk, under its final name, when it returns — with two durability barriers for the whole batch
instead of one ``fsync`` per file. The order is the classic one, so a final name never holds bytes
that are not yet on disk:

1. every file is written to its temporary name (no flush);
2. **data barrier**: on Linux one ``syncfs(2)`` of the filesystem (its man page: Linux waits for
   the I/O, so ``syncfs`` gives "the same guarantees as fsync called on every file in the
   filesystem"; since Linux 5.8 it also reports write-back errors that happened after the
   descriptor it is given was opened, and that descriptor is opened before the first write;
   before 5.8 it reported none, so older kernels are treated as lacking it); elsewhere, or if
   ``syncfs`` is missing or fails, ``fsync`` of each file in a tight loop;
3. each temporary file is renamed to its final name (``os.replace``: atomic);
4. **name barrier**: ``fsync`` of each folder written to, which makes the renames durable (POSIX;
   skipped on Windows, where folders cannot be opened and NTFS journals renames).

Why not one ``fsync`` per file: on ext4 every ``fsync`` of a freshly written file is a journal commit
and a disk-cache flush; 400 of them cost 0.16–0.38 s on an idle disk and 1.5 s while other
processes wrote (measured on the bench machine, bench/README.md #12). ``syncfs`` is one commit for
the batch; ``os.sync()`` would do the same for every mounted filesystem, others' included.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path

# .<name>.<pid>.<8 hex>.tmp (see _tmp_name). The token is required: with it optional, a token of
# eight digits (one in 40) was read as the pid of a dead writer, and a live run's temporary file
# was swept from under it (FileNotFoundError in os.replace when two collects ran at once).
_TMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$")
_TMP_OLD = re.compile(r"^\..+\.(\d+)\.tmp$")  # .<name>.<pid>.tmp, written before the token


# -- names --------------------------------------------------------------------------------------------
MAX_NAME_CHARS = 100  # a whole file name, suffix included
MAX_NAME_BYTES = 200  # ... and in UTF-8: Linux allows 255 bytes (85 Chinese characters, not 100),
#                        and the temporary name of atomic_write adds up to 30 (".NAME.PID.TOKEN.tmp")
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]|\.{2,}')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", *(f"COM{i}" for i in range(10)),
             *(f"LPT{i}" for i in range(10))}


def safe_file_name(text: str, *, prefix: str = "", tail: str = "", suffix: str = "", unique: bool = False) -> str:
    """``prefix + text + tail + suffix`` as a file name valid on Windows and Linux, at most
    :data:`MAX_NAME_CHARS` characters and :data:`MAX_NAME_BYTES` UTF-8 bytes, and distinct for
    distinct ``text``: every file tracker names after a unit or a received file goes through here
    (templates, receipts). ``prefix``, ``tail`` and ``suffix`` are tracker's own (a period, a
    hash, "-回执", ".xlsx") and are kept whole.

    In ``text``, ``< > : " / \\ | ? *``, control characters and runs of dots ("..") become "_";
    leading and trailing dots and spaces go; a Windows device name (CON, PRN, AUX, NUL, COM1 …,
    also as "CON.txt") gets a leading "_". Whenever ``text`` had to change, or is cut to fit, or
    ``unique`` is asked for (two names equal but for case: Windows cannot tell them apart), the
    first 8 hex digits of its SHA-256 are added ("~1a2b3c4d"): two units whose safe names would
    be the same still get two files. A name that needs nothing stays exactly as it was."""
    import hashlib
    import unicodedata

    s = _UNSAFE.sub("_", unicodedata.normalize("NFC", text)).strip(" .")
    if not s:
        s = "_"
    if (prefix + s).split(".")[0].strip().upper() in _RESERVED:
        s = "_" + s

    def fits(stem: str) -> bool:
        name = prefix + stem + tail + suffix
        return len(name) <= MAX_NAME_CHARS and len(name.encode("utf-8")) <= MAX_NAME_BYTES

    if unique or s != text or not fits(s):
        mark = "~" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        while len(s) > 1 and not fits(s + mark):
            s = s[:-1]
        s = s.rstrip(" .") + mark
    return prefix + s + tail + suffix


def read_input(path: Path, size: int = -1, *, name: str | None = None) -> bytes:
    """The first ``size`` bytes of a file given to tracker (all of it with -1). A file that cannot be
    read, or is empty, is an InputError naming it: every reader starts here."""
    from tracker.problems import InputError, Problem

    name = name or Path(path).name
    try:
        with open(path, "rb") as f:
            data = f.read(size)
    except OSError as e:
        raise InputError(Problem("unreadable", f"无法读取文件: {e.strerror or e}", file=name)) from None
    if not data:
        raise InputError(Problem("empty-file", "文件是空的", file=name))
    return data


def atomic_write(path: Path, data: bytes, *, fsync: bool = False) -> Path:
    """Write data to path atomically; with fsync, durably (the bytes are on disk before the rename)."""
    path = Path(path)
    tmp = _tmp_name(path)
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


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def durable_write_many(items: list[tuple[Path, bytes]]) -> list[Path]:
    """Write each (path, data) atomically and durably, with one barrier for the batch (see above).

    When it returns, every file is on disk under its final name. On an error nothing of this call
    is left under a temporary name (files already renamed stay: they are complete)."""
    items = [(Path(p), d) for p, d in items]
    if not items:
        return []
    folders = list(dict.fromkeys(p.parent for p, _ in items))
    pending: list[tuple[Path | None, Path]] = []  # (temporary, final)
    fds: list[int] = []
    anchor = _open_folder(folders[0])  # opened before the writes: syncfs reports errors after this
    try:
        for path, data in items:
            tmp = _tmp_name(path)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            pending.append((tmp, path))
            fds.append(fd)
            view = memoryview(data)
            try:
                while view:
                    view = view[os.write(fd, view):]
            except OSError as e:  # a full disk: say which file (os.write does not)
                raise OSError(e.errno, e.strerror, str(path)) from None
        if not (len(folders) == 1 and _syncfs(anchor)):
            for fd in fds:
                os.fsync(fd)
        for fd in fds:
            os.close(fd)
        fds.clear()
        for n, (tmp, path) in enumerate(pending):
            os.replace(tmp, path)
            pending[n] = (None, path)  # renamed: nothing to clean up if a later one fails
        for folder in folders:
            sync_folder(folder)
    except BaseException:
        for fd in fds:
            os.close(fd)
        for tmp, _ in pending:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        raise
    finally:
        if anchor is not None:
            os.close(anchor)
    return [p for p, _ in items]


def _open_folder(folder: Path) -> int | None:
    if os.name == "nt":
        return None
    return os.open(folder, os.O_RDONLY)


def sync_folder(folder: Path) -> None:
    """fsync a folder: the names created or renamed in it are on disk (not on Windows: see above)."""
    fd = _open_folder(folder)
    if fd is None:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_SYNCFS = None


def _syncfs(fd: int | None) -> bool:
    """syncfs(2) of the filesystem holding fd; False where it does not exist or fails (then the
    caller fsyncs each file)."""
    global _SYNCFS
    if fd is None or not sys.platform.startswith("linux"):
        return False
    if _SYNCFS is None and not _reports_errors():
        _SYNCFS = False
    if _SYNCFS is None:
        try:
            import ctypes

            fn = ctypes.CDLL(None, use_errno=True).syncfs
            fn.argtypes = [ctypes.c_int]
            fn.restype = ctypes.c_int
            _SYNCFS = fn
        except (OSError, AttributeError):
            _SYNCFS = False
    return bool(_SYNCFS) and _SYNCFS(fd) == 0


def _reports_errors() -> bool:
    """syncfs reports write-back errors since Linux 5.8; before, it returned 0 whatever happened,
    so there each file is fsynced (which does report them)."""
    m = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= (5, 8)


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
        m = _TMP.match(e.name) or _TMP_OLD.match(e.name)
        if m and e.is_file() and not _alive(int(m.group(1))):
            try:
                os.unlink(e.path)
                n += 1
            except FileNotFoundError:
                pass
    return n
