"""The inbox after a collect: each file collected from ``inbox/`` is moved to ``inbox/已处理/``
(accepted, or a duplicate of what was accepted) or ``inbox/已退回/`` (rejected), so the next collect
sees only what is new; the original is always also in ``archive/<sha256>`` and the store. A file
of 已退回/ collected again (``tracker collect inbox/已退回 --received …``) and accepted moves to
已处理/. Files given from elsewhere are left where they are; ``collect --keep`` leaves the inbox as
it is.

Moves happen once the run's store writes and receipts are done (a killed run moves nothing, its
rerun finds every file still there and moves them). A name already taken in the target folder (the
same file name sent again next quarter) gets the first 8 digits of the file's SHA-256 added. A file
another run moved away meanwhile is left out of this run's answer (that run reports it).

Files in the folders collected that tracker cannot read as returns (.pdf, .docx, .txt …) are
listed by name (``not_returns``), never skipped without a word.
"""

from __future__ import annotations

import os
from pathlib import Path

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")  # the files collect collects (tracker.collect.pipeline.find_files)
ACCEPTED_DIR, REJECTED_DIR = "已处理", "已退回"
DONE_FOLDERS = {ACCEPTED_DIR, REJECTED_DIR}  # inbox/ folders collect moves files into; never collected again


def in_inbox(ws, path: Path) -> bool:
    """Whether path lies in the inbox (its done folders included)."""
    try:
        Path(path).resolve().relative_to(ws.inbox.resolve())
    except ValueError:
        return False
    return True


def other_files(paths: list[Path]) -> list[str]:
    """Files in the given folders that are not spreadsheets collect reads (hidden and lock files
    and the done folders left out), as paths relative to the folder given."""
    out = []
    for p in paths:
        p = Path(p)
        if not p.is_dir():
            continue
        for f in sorted(p.rglob("*")):
            rel = f.relative_to(p)
            if (f.is_file() and f.suffix.lower() not in EXTENSIONS and not f.name.startswith(("~$", ".~lock", "."))
                    and not DONE_FOLDERS & set(rel.parts[:-1])):
                out.append(str(f))
    return out


def tidy(ws, outcomes) -> None:
    """Move each collected file that lies in the inbox into its done folder (sets ``moved_to``)."""
    box = str(ws.inbox.resolve()) + os.sep
    for fo in outcomes:
        src = Path(fo.file)
        if not fo.sha256 or not os.path.abspath(src).startswith(box) or not src.exists():
            continue
        folder = ws.inbox / (ACCEPTED_DIR if fo.accepted else REJECTED_DIR)
        if src.resolve().parent == folder.resolve():
            continue  # (collected again from 已退回/ and still rejected, say)
        folder.mkdir(exist_ok=True)
        try:
            fo.moved_to = str(_move(src, folder, fo.sha256))
        except FileNotFoundError:  # another run moved it meanwhile
            continue


def _move(src: Path, folder: Path, sha: str) -> Path:
    dest = folder / src.name
    if dest.exists():
        if dest.read_bytes() == src.read_bytes():  # the same file, moved before by another run
            src.unlink()
            return dest
        dest = folder / f"{src.stem}-{sha[:8]}{src.suffix}"
    os.replace(src, dest)
    return dest


def gone(ws, fo) -> bool:
    """A file of the inbox that another run moved away between listing and reading it."""
    src = Path(fo.file)
    return not fo.sha256 and in_inbox(ws, src) and not src.exists() and any(
        (ws.inbox / d / src.name).exists() for d in DONE_FOLDERS)
