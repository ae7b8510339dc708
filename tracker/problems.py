"""Validation problems as values (file, sheet, cell, code, message in Chinese), collected together.

Nothing in tracker raises a bare exception at a person: a check appends a :class:`Problem`, and a
step that cannot go on raises :class:`InputError` carrying every problem found so far.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str  # stable, machine-readable, kebab-case: "missing-lead", "progress-out-of-range"
    message: str  # Chinese, for the office and the department
    file: str = ""
    sheet: str = ""
    cell: str = ""  # A1 reference where there is one
    row: int | None = None  # 1-based row in the sheet or line in a text file
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        """Human location: 文件 x.xlsx, 工作表 任务填报, 单元格 H7 (第7行)."""
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表 {self.sheet}")
        if self.cell:
            parts.append(f"单元格 {self.cell}")
        if self.row is not None and not self.cell:
            parts.append(f"第{self.row}行")
        return ",".join(parts)

    def __str__(self) -> str:
        label = "错误" if self.is_error else "警告"
        where = self.where()
        return f"[{label}] {where + ':' if where else ''}{self.message} ({self.code})"

    def to_dict(self) -> dict:
        d = asdict(self)
        if d["row"] is None:
            del d["row"]
        return d


@dataclass
class Problems:
    """An ordered collection of problems for one input."""

    items: list[Problem] = field(default_factory=list)

    def add(self, code: str, message: str, *, severity: str = ERROR, **where) -> Problem:
        p = Problem(code=code, message=message, severity=severity, **where)
        self.items.append(p)
        return p

    def warn(self, code: str, message: str, **where) -> Problem:
        return self.add(code, message, severity=WARNING, **where)

    def extend(self, other: Problems | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class InputError(Exception):
    """Input that cannot be used. Carries every problem found, errors and warnings alike."""

    def __init__(self, problems: Problems | list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        if isinstance(problems, list):
            problems = Problems(list(problems))
        self.problems: Problems = problems
        super().__init__("\n".join(str(p) for p in problems.errors or problems.items))


class WorkspaceError(Exception):
    """The workspace itself is broken: a configuration that cannot be read, a store that is missing,
    damaged or cannot be written, a full disk, a read-only folder. One Chinese message saying what
    and where, and what to do (``tracker check``); the CLI exits with 1."""


class UsageError(Exception):
    """A command used the wrong way (outside a workspace, unknown period …). Message in Chinese."""


class Refused(Exception):
    """An action refused because it would lose data or store a wrong fact (a demo over a real
    workspace, a lost or changed secret, an alias cycle …). The message, in Chinese, says what
    happened and what to do; nothing was changed. The CLI exits 1."""


def col_letter(col: int) -> str:
    """0-based column index to Excel letters: 0 -> A, 27 -> AB."""
    s = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


def a1(row: int, col: int) -> str:
    """0-based row and column to an A1 reference: (6, 7) -> H7."""
    return f"{col_letter(col)}{row + 1}"
