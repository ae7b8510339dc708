"""Importers: one module per input form, each turning a file into a :class:`~tracker.model.RawTable`.

Like beancount's importers, each form module says whether it reads a file and reads it:
``identify(detected) -> int`` looks at what :func:`tracker.detect.detect` found (the format from
the content, not the suffix; for text, the decoded text) and gives a score (0: not this form; the
highest score reads the file, ties going to the earlier entry of :data:`IMPORTERS`), and
``extract(source, problems, options=None) -> RawTable`` reads it (``source`` the Detected, or a
path; ``options`` an :class:`ImportOptions`), raising :class:`~tracker.problems.InputError` for a
file it cannot read at all. A file is read and identified once: :func:`extract` hands the
importer the Detected. :func:`import_plan` builds the checked plan; :func:`preview_plan` is the dry
run: the plan as it would be stored and every problem, with the office's registry and the stored
plans' units, and nothing written. Archiving and storing happen in the caller, after every check
has passed.

This package imports its form modules; they never import it (what they share is in
:mod:`tracker.importers.base`).
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tracker.detect import Detected, detect
from tracker.importers.base import ImportOptions
from tracker.problems import InputError, Problem, Problems
from tracker.safety import check_file


@dataclass(frozen=True)
class Importer:
    """One form: the names ``--format`` gives it (the first is the one shown), the formats
    :func:`tracker.detect.detect` finds that it may read, and its module (``identify`` and
    ``extract``), imported when a file of those formats comes (a .xlsx never loads the PDF reader)."""

    formats: tuple[str, ...]
    reads: tuple[str, ...]
    name: str  # tracker.importers.<name>

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.name}")

    def identify(self, d: Detected) -> int:
        return self.module.identify(d) if d.format in self.reads else 0

    def form(self, d: Detected) -> str:
        return d.format if d.format in self.formats else self.formats[0]


#: every form, in the order ties are settled (each text reader scores itself: box text 3,
#: narrative 2, csv 1)
IMPORTERS: tuple[Importer, ...] = (
    Importer(("xlsx", "xls", "ods"), ("xlsx", "xls", "ods"), "spreadsheet"),
    Importer(("docx",), ("docx",), "docx"),  # a Word document of numbered measures goes on to narrative
    Importer(("doc",), ("doc",), "convert"),
    Importer(("pdf",), ("pdf",), "pdf"),
    Importer(("html",), ("html",), "html"),
    Importer(("text",), ("text",), "boxtext"),
    Importer(("narrative",), ("text",), "narrative"),
    Importer(("csv",), ("text",), "csvfile"),
)
FORMATS = ("auto", *(f for imp in IMPORTERS for f in imp.formats))


def choose(d: Detected) -> tuple[Importer, str]:
    """The importer that reads ``d`` and the form's name."""
    best, score = IMPORTERS[0], 0
    for imp in IMPORTERS:
        s = imp.identify(d)
        if s > score:
            best, score = imp, s
    if score <= 0:
        raise InputError(Problem("unknown-format", "无法识别的文件格式", file=d.name))
    return best, best.form(d)


def identify(path: Path) -> str:
    """The form of a file from its content: xlsx, xls, ods, csv, docx, doc, html, pdf, text or narrative."""
    return choose(detect(path))[1]


def by_format(fmt: str, name: str = "") -> Importer:
    for imp in IMPORTERS:
        if fmt in imp.formats:
            return imp
    raise InputError(Problem("unknown-format", f"不支持的格式: {fmt}", file=name))


def extract(path: Path, fmt: str = "auto", problems: Problems | None = None,
            options: ImportOptions | None = None):
    """Read a file into a RawTable (format found from the content when fmt is "auto")."""
    problems = problems if problems is not None else Problems()
    options = options or ImportOptions()
    path = Path(path)
    check_file(path, problems)  # bombs, damage, encryption, encodings: before any reader (safety.py)
    if fmt == "auto":
        source = detect(path)
        imp, fmt = choose(source)
    else:
        source, imp = path, by_format(fmt, path.name)
    raw = imp.module.extract(source, problems, options)
    raw.source = raw.source or path.name
    raw.format = raw.format or fmt
    return raw


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
