"""Files read through LibreOffice: an old Word .doc becomes a .docx, then the Word reader reads it.

The importer of the ``doc`` format (:func:`identify`, :func:`extract`): the converted copy goes
through the guard and :mod:`tracker.importers.docx`, and every problem names the .doc the office
gave, not the copy.

``soffice --headless --convert-to docx`` runs in a temporary folder with its own user profile (so
a LibreOffice the office has open is not disturbed), with a time limit. Where LibreOffice is not
installed the import says so, as it did before: save the file as .docx in Word or WPS.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tracker.detect import Detected
from tracker.importers.base import source_path
from tracker.importers.docx import extract as extract_docx
from tracker.model import RawTable
from tracker.problems import InputError, Problem, Problems
from tracker.safety import check_file

TIMEOUT = 120  # seconds for one conversion
DOC_MESSAGE = "这是旧版 Word (.doc) 文件, 请另存为 .docx 后再导入"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def doc_to_docx(path: Path):
    """The .docx LibreOffice makes of ``path`` (a temporary file, removed afterwards)."""
    path = Path(path)
    exe = soffice()
    if exe is None:
        raise InputError(Problem("doc-format", DOC_MESSAGE + " (没有安装 LibreOffice, 无法自动转换)",
                                 file=path.name))
    with tempfile.TemporaryDirectory(prefix="tracker-doc-") as d:
        src = Path(d) / ("in" + path.suffix.lower() if path.suffix else "in.doc")
        shutil.copyfile(path, src)
        profile = Path(d) / "profile"
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "docx",
               "--outdir", d, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass
        out = src.with_suffix(".docx")
        if not out.exists() or out.stat().st_size == 0:
            raise InputError(Problem("doc-format", DOC_MESSAGE + " (LibreOffice 未能转换这个文件)",
                                     file=path.name))
        named = Path(d) / (path.stem + ".docx")
        out.rename(named)
        yield named


def identify(d: Detected) -> int:
    return 1 if d.format == "doc" else 0


def extract(source: Path | Detected, problems: Problems, options=None) -> RawTable:
    """An old Word .doc, read as the .docx LibreOffice makes of it."""
    path = source_path(source)
    with doc_to_docx(path) as docx_path:
        try:
            check_file(docx_path, problems)  # the copy is guarded as any file given to us
            raw = extract_docx(docx_path, problems, options)
        except InputError as e:  # messages name the file the office gave, not the converted copy
            _rename(e.problems.items, docx_path.name, path.name)
            raise
        finally:
            _rename(problems.items, docx_path.name, path.name)
    raw.format = raw.format or "docx"
    raw.source = path.name
    for r in raw.rows:
        r.where.file = path.name
    return raw


def _rename(items: list, old: str, new: str) -> None:
    """Problems that name ``old`` name ``new`` instead (Problem is frozen: replaced in the list)."""
    from dataclasses import replace

    items[:] = [replace(p, file=new) if p.file == old else p for p in items]
