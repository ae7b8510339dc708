"""Files read through LibreOffice: an old Word .doc becomes a .docx, then the Word reader reads it.

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

from tracker.problems import InputError, Problem

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
