"""What collect answers: one :class:`FileOutcome` per file, a :class:`CollectResult` per run, and
:class:`Checked`, what the checks of one workbook found (:mod:`tracker.collect.checks`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.identity import Identity
from tracker.problems import Problem, Problems

# Rejections that are the office's matter, not the department's: no receipt goes to the department
# for them (a receipt of a file with other errors too leaves them out). A wrong --received or
# --period, the office's own template collected, a return the office withdrew, a year not imported.
OFFICE_SIDE = {"period-mismatch", "unchanged-template", "return-withdrawn", "plan-missing"}


@dataclass
class FileOutcome:
    file: str  # as given
    name: str  # file name
    sha256: str = ""
    received_at: str = ""
    outcome: str = "rejected"  # accepted | rejected | duplicate (same content as the current return)
    duplicate: bool = False  # nothing changed in this run because of it
    unit: str | None = None
    period: str | None = None
    items: int = 0
    problems: list[Problem] = field(default_factory=list)
    superseded: bool = False  # it replaced an earlier return of the unit for the period
    replaced: dict | None = None  # {file, received_at} of the return it replaced
    current: bool = True  # it is the unit's current return for the period
    same_as: dict | None = None  # outcome duplicate: {file, received_at} of the equal return
    receipt: str = ""  # "" when none was written (an office-side rejection, see OFFICE_SIDE)
    moved_to: str = ""  # where collect moved it in the inbox (inbox/已处理/ or inbox/已退回/), if it did

    @property
    def office_side(self) -> bool:
        """Rejected for the office's own reasons only (OFFICE_SIDE): no receipt to the department."""
        errors = [p for p in self.problems if p.is_error]
        return not self.accepted and bool(errors) and all(p.code in OFFICE_SIDE for p in errors)

    @property
    def accepted(self) -> bool:
        return self.outcome in ("accepted", "duplicate")

    def to_dict(self) -> dict:
        probs = [{"sheet": p.sheet, "cell": p.cell, "code": p.code, "message": p.message,
                  "severity": p.severity} for p in self.problems]
        if self.accepted:
            return {"file": self.file, "unit": self.unit, "period": self.period, "items": self.items,
                    "superseded": self.superseded, "duplicate": self.duplicate or self.outcome == "duplicate",
                    "current": self.current, "sha256": self.sha256, "received_at": self.received_at,
                    "receipt": self.receipt, "warnings": probs, **self._moved()}
        return {"file": self.file, "problems": probs, "unit": self.unit, "period": self.period,
                "duplicate": self.duplicate, "sha256": self.sha256, "received_at": self.received_at,
                "receipt": self.receipt, "office_side": self.office_side, **self._moved()}

    def _moved(self) -> dict:
        return {"moved_to": self.moved_to} if self.moved_to else {}


@dataclass
class CollectResult:
    files: list[FileOutcome] = field(default_factory=list)
    not_returns: list[str] = field(default_factory=list)  # files in the folders given that are no spreadsheets

    @property
    def accepted(self) -> list[FileOutcome]:
        return [f for f in self.files if f.accepted]

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if not f.accepted]

    def to_dict(self) -> dict:
        out = {"accepted": [f.to_dict() for f in self.accepted],
               "rejected": [f.to_dict() for f in self.rejected]}
        if self.not_returns:
            out["not_returns"] = self.not_returns
        return out


@dataclass
class Checked:
    """What check_workbook found: the identity, the values to store, and every problem."""

    problems: Problems
    identity: Identity | None = None
    plan: object | None = None
    unit: str | None = None
    period: str | None = None
    rows: dict[str, dict] = field(default_factory=dict)  # item id -> {role,status,progress,done,problems,next}
    targets: dict[tuple[str, int], dict] = field(default_factory=dict)  # (item id, idx) -> {actual, note}
