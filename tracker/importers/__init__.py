"""Importers: one module per input form, each turning a file into a :class:`~tracker.model.RawTable`.

Like beancount's importers: :func:`identify` looks at the content (not only the suffix) and names
the form; the form's module ``extract``\\ s raw rows; :func:`import_plan` builds the checked plan.
Archiving and storing happen in the caller, after every check has passed.

Each form module exposes ``extract(path: Path, problems: Problems, options=None) -> RawTable``
(``options`` an :class:`ImportOptions`) and raises :class:`~tracker.problems.InputError` for a file
it cannot read at all. :func:`preview_plan` is the dry run: the plan as it would be stored and every
problem, with the office's registry and the stored plans' units, and nothing written.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tracker.files import read_input
from tracker.problems import InputError, Problem, Problems
from tracker.safety import ENCRYPTED_PACKAGE, OLE_MAGIC

FORMATS = ("auto", "xlsx", "xls", "ods", "csv", "docx", "doc", "html", "pdf", "text", "narrative")


@dataclass
class ImportOptions:
    """What the office may tell an importer beyond the file."""

    columns: dict[str, str] | None = None  # explicit header mapping: {"content": "具体措施", …}
    unit: str = ""  # the lead of a narrative plan that names no responsible unit (the city itself)

BOX_CHARS = set("┌┬┐├┼┤└┴┘│─")


def decode_text(data: bytes, file: str = "") -> str:
    """Text as Excel on Chinese Windows, Notepad or a web page saved it, by the one encoding
    policy of :func:`tracker.safety.decode_text` (UTF-8 with or without BOM, UTF-16 with BOM,
    common GBK/GB18030); anything else is an InputError naming the file and the reason (it used
    to fall back to cp1252 here while the guard refused the same file)."""
    from tracker.safety import decode_text as decode

    return decode(data, file)


def read_text_file(path: Path) -> str:
    """A text file's contents, decoded as :func:`decode_text` does; an unreadable or empty file is
    an InputError naming it (every text reader goes through here)."""
    path = Path(path)
    text = decode_text(read_input(path), path.name)
    if not text.strip():  # only spaces and line breaks
        raise InputError(Problem("empty-file", "文件是空的", file=path.name))
    return text


def identify(path: Path) -> str:
    """The form of a file from its content: xlsx, xls, ods, csv, docx, text or narrative."""
    name = Path(path).name
    head = read_input(path, 8)
    if head.startswith(OLE_MAGIC):
        data = Path(path).read_bytes()
        if ENCRYPTED_PACKAGE in data:
            raise InputError(Problem("encrypted", "文件有密码保护 (已加密), 请去掉密码后重新保存再导入",
                                     file=name))
        if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
            return "doc"
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names:
                    mt = z.read("mimetype")[:100]
                    if b"spreadsheet" in mt:
                        return "ods"
                    if b"text" in mt:
                        raise InputError(Problem("odt-format", "这是 .odt 文字文件, 请另存为 .docx 后再导入",
                                                 file=name))
        except zipfile.BadZipFile:
            raise InputError(Problem("corrupt-file", "文件已损坏 (不是完整的 xlsx/docx/ods 压缩包)",
                                     file=name)) from None
        raise InputError(Problem("unknown-format", "无法识别的文件格式 (压缩包里不是表格或 Word 文档)",
                                 file=name))
    data = Path(path).read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(Problem("unknown-format", "无法识别的文件格式 (不是文本, 也不是表格或 Word 文档)",
                                 file=name))
    from tracker.importers.html import looks_html

    if looks_html(data):
        return "html"
    text = decode_text(data, name)
    if sum(ch in BOX_CHARS for ch in text[:20000]) > 20:
        return "text"
    from tracker.importers.narrative import looks_narrative, looks_task_plan

    if looks_narrative(text) or looks_task_plan(text):
        return "narrative"
    return "csv"


def extract(path: Path, fmt: str = "auto", problems: Problems | None = None,
            options: ImportOptions | None = None):
    """Read a file into a RawTable (format found from the content when fmt is "auto")."""
    problems = problems if problems is not None else Problems()
    options = options or ImportOptions()
    path = Path(path)
    from tracker.safety import check_file

    check_file(path, problems)  # bombs, damage, encryption, encodings: before any reader (safety.py)
    if fmt == "auto":
        fmt = identify(path)
    if fmt == "doc":  # old Word: through LibreOffice where it is installed
        from tracker.importers.convert import doc_to_docx

        with doc_to_docx(path) as docx_path:
            try:
                raw = extract(docx_path, "docx", problems, options)
            except InputError as e:  # messages name the file the office gave, not the converted copy
                _rename(e.problems.items, docx_path.name, path.name)
                raise
            finally:
                _rename(problems.items, docx_path.name, path.name)
        raw.source = path.name
        for r in raw.rows:
            r.where.file = path.name
        return raw
    if fmt in ("xlsx", "xls", "ods"):
        from tracker.importers import spreadsheet as mod
    elif fmt == "csv":
        from tracker.importers import csvfile as mod
    elif fmt == "docx":
        from tracker.importers import narrative

        if narrative.docx_is_narrative(path):  # no table with a header, but numbered measures
            fmt, mod = "narrative", narrative
        else:
            from tracker.importers import docx as mod
    elif fmt == "html":
        from tracker.importers import html as mod
    elif fmt == "pdf":
        from tracker.importers import pdf as mod
    elif fmt == "text":
        from tracker.importers import boxtext as mod
    elif fmt == "narrative":
        from tracker.importers import narrative as mod
    else:
        raise InputError(Problem("unknown-format", f"不支持的格式: {fmt}", file=path.name))
    raw = mod.extract(path, problems, options)
    raw.source = raw.source or path.name
    raw.format = raw.format or fmt
    return raw


def _rename(items: list, old: str, new: str) -> None:
    """Problems that name ``old`` name ``new`` instead (Problem is frozen: replaced in the list)."""
    from dataclasses import replace

    items[:] = [replace(p, file=new) if p.file == old else p for p in items]


def import_plan(path: Path, *, fmt: str = "auto", year: int | None = None, name: str | None = None,
                registry=None, problems: Problems | None = None, columns: dict | str | None = None,
                unit: str = ""):
    """identify -> extract -> build. Returns (plan, problems); raises InputError on any error.
    Nothing is stored: that is the caller's step, after every check has passed.

    ``columns``: an explicit header mapping ({"content": "具体措施", "lead": "牵头单位"} or the CLI's
    "content=具体措施,lead=牵头单位"); ``unit``: the lead of a narrative plan that names no unit."""
    from tracker.importers.headers import parse_columns
    from tracker.plan_builder import build_plan, guess_year

    path = Path(path)
    problems = problems if problems is not None else Problems()
    options = ImportOptions(columns=parse_columns(columns), unit=unit or "")
    raw = extract(path, fmt, problems, options)
    if year is None:
        year = guess_year(raw.title, path.stem)
        if year is None:
            from datetime import date

            year = date.today().year
            problems.warn("year-guessed", f"没有找到计划年度, 按今年 {year} 导入; 可用 --year 指定",
                          file=path.name)
    plan = build_plan(raw, year=year, name=name or raw.title or path.stem, registry=registry,
                      problems=problems)
    plan.source_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return plan, problems


def office_registry(config: dict, store=None):
    """The office's unit registry (tracker.toml) with the units of the stored current plans learned,
    for the spelling warnings. Reads the store, never writes it."""
    from tracker.units import Registry

    registry = Registry.from_config(config)
    if store is not None:
        for row in store.list_plans():
            if row["current"]:
                registry.learn(u["name"] for u in store.load_plan(row["year"]).units())
    return registry


def preview_plan(path: Path, *, config: dict | None = None, store=None, **kw):
    """The dry run of an import: (plan or None, problems), with every problem in ``problems`` —
    errors included, never raised — and nothing written anywhere. ``kw`` as for :func:`import_plan`;
    ``unit`` defaults to the office's name ([office] name in tracker.toml)."""
    config = config or {}
    problems = Problems()
    kw.setdefault("unit", ((config.get("office") or {}).get("name") or ""))
    try:
        registry = office_registry(config, store)
        plan, _ = import_plan(path, registry=registry, problems=problems, **kw)
    except InputError as e:
        for p in e.problems.items:
            if p not in problems.items:
                problems.items.append(p)
        return None, problems
    return plan, problems
