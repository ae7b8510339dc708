"""What every importer module shares, so that none of them imports the package
(:mod:`tracker.importers` imports its modules, never the reverse).

An importer's ``extract`` is given a *source*: the :class:`~tracker.detect.Detected` the package
found (the file read and identified once), or a path when the caller named the format or calls the
module directly. The helpers below give what a reader needs from either.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.detect import Detected, decode_text, detect
from tracker.problems import InputError, Problem


@dataclass
class ImportOptions:
    """What the office may tell an importer beyond the file."""

    columns: dict[str, str] | None = None  # explicit header mapping: {"content": "具体措施", …}
    unit: str = ""  # the lead of a narrative plan that names no responsible unit (the city itself)


def detected(source: Path | str | Detected) -> Detected:
    """The source as :func:`tracker.detect.detect` finds it (a Detected is taken as it is)."""
    return source if isinstance(source, Detected) else detect(source)


def source_name(source: Path | str | Detected) -> str:
    return source.name if isinstance(source, Detected) else Path(source).name


def source_path(source: Path | str | Detected) -> Path:
    """The file on disk (readers that open a path: python-docx, pdfplumber, LibreOffice)."""
    if isinstance(source, Detected):
        if source.path is None:
            raise InputError(Problem("unreadable", "这个文件需要先保存到磁盘才能读取", file=source.name))
        return source.path
    return Path(source)


def source_bytes(source: Path | str | Detected) -> bytes:
    from tracker.files import read_input

    return source.data if isinstance(source, Detected) else read_input(Path(source))


def source_text(source: Path | str | Detected) -> str:
    """A text file's contents, decoded by the one policy (:func:`tracker.detect.decode_text`); an
    unreadable or empty file is an InputError naming it (every text reader goes through here)."""
    if isinstance(source, Detected):
        text = source.text if source.text is not None else decode_text(source.data, source.name)
    else:
        text = decode_text(source_bytes(source), source_name(source))
    if not text.strip():  # only spaces and line breaks
        raise InputError(Problem("empty-file", "文件是空的", file=source_name(source)))
    return text

