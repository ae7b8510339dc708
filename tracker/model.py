"""The table model every importer produces and every later step reads.

Data moves one way: an importer turns a file into :class:`RawRow` values (cell text exactly as found,
with where it was found); :func:`tracker.plan_builder.build_plan` turns those into a :class:`Plan`
(units split, targets extracted, checks done); the store keeps plans; outputs read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LEAD = "lead"
PARTICIPANT = "participant"
ROLE_LABEL = {LEAD: "牵头", PARTICIPANT: "参与"}


@dataclass
class Where:
    """Where a raw row was found, for messages that name file, sheet, row and cell."""

    file: str = ""
    sheet: str = ""
    row: int | None = None  # 1-based row (spreadsheet) or first line (text)
    cells: dict[str, str] = field(default_factory=dict)  # field name -> A1 ref, where known


@dataclass
class RawRow:
    """One work item as found in the source, before any interpretation.

    Every field is the cell text as written (whitespace from layout may still be in it);
    :mod:`tracker.plan_builder` normalises it.
    """

    number: str
    content: str
    lead: str
    participants: str = ""
    category_no: str = ""
    category: str = ""
    mandatory: str = ""  # the 必做/选做 cell text, if the table has such a column
    extra: dict[str, str] = field(default_factory=dict)  # other columns: 完成时限, 备注 …
    where: Where = field(default_factory=Where)
    subcategory_no: str = ""  # the middle level of a three-level plan: "（一）" under "一、"
    subcategory: str = ""


@dataclass
class RawTable:
    """What an importer extracts from one file."""

    rows: list[RawRow]
    title: str = ""  # the table's title, if one was found (used to guess the year and name)
    format: str = ""  # xlsx, xls, ods, csv, docx, text, narrative
    source: str = ""  # file name as given
    # the table (or the document around it) says "排在第一位的为牵头单位" and has one unit column:
    # the first unit of each cell leads, the others participate
    first_unit_leads: bool = False
    numbered: bool = True  # False: the table has no number column; items are numbered by position


@dataclass
class Target:
    text: str  # the phrase as written: "全市年专利申请量增长16%以上"
    metric: str  # what is measured: "全市年专利申请量增长"
    op: str  # ">=", "<=", "==", "range"
    value: float
    unit: str  # "%", "家", "件" …
    value_max: float | None = None  # only for op == "range"

    def to_dict(self) -> dict:
        d = {"text": self.text, "metric": self.metric, "op": self.op, "value": _num(self.value),
             "unit": self.unit}
        if self.op == "range":
            d["value_max"] = _num(self.value_max)
        return d

    def describe(self) -> str:
        """Chinese rendering of the goal, for templates and reports: "≥16%", "5—10家"."""
        v = _num(self.value)
        if self.op == "range":
            return f"{v}—{_num(self.value_max)}{self.unit}"
        sym = {">=": "≥", "<=": "≤", "==": "="}[self.op]
        return f"{sym}{v}{self.unit}"

    def met(self, actual: float | None) -> bool | None:
        """Whether an actual value meets this target; None when nothing was reported."""
        if actual is None:
            return None
        if self.op == ">=":
            return actual >= self.value
        if self.op == "<=":
            return actual <= self.value
        if self.op == "range":
            return actual >= self.value  # reaching the lower bound of a range meets it
        return actual == self.value


def _num(v):
    if v is None:
        return None
    f = float(v)
    return int(f) if f.is_integer() else f


@dataclass
class Item:
    id: str
    number: int
    content: str
    lead: list[str]
    participants: list[str] = field(default_factory=list)
    lead_raw: str = ""
    participants_raw: str = ""
    category_no: str = ""
    category: str = ""
    mandatory: bool = False
    targets: list[Target] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    # the number as written when it is not a plain 1, 2, 3 ("1.1", "（1）", "①", "第1项", or "1" in a
    # table whose numbers restart in each category); ``number`` is then the item's position
    label: str = ""
    subcategory_no: str = ""  # three-level plans: 一、(category) › （一）(subcategory) › 1.(item)
    subcategory: str = ""

    @property
    def shown_number(self) -> str:
        """The number as the plan shows it: the written label, else the number."""
        return self.label or str(self.number)

    def to_dict(self) -> dict:
        d = {
            "id": self.id,
            "category_no": self.category_no,
            "category": self.category,
            "number": self.number,
            "content": self.content,
            "lead": list(self.lead),
            "participants": list(self.participants),
            "lead_raw": self.lead_raw,
            "participants_raw": self.participants_raw,
            "mandatory": self.mandatory,
            "targets": [t.to_dict() for t in self.targets],
            "extra": dict(self.extra),
        }
        # new keys only when used, so the JSON of every plan without them stays as it was
        if self.label:
            d["label"] = self.label
        if self.subcategory_no or self.subcategory:
            d["subcategory_no"] = self.subcategory_no
            d["subcategory"] = self.subcategory
        return d


@dataclass
class Plan:
    name: str
    year: int
    items: list[Item]
    source: str = ""
    version: int = 0  # set by the store
    format: str = ""
    source_sha256: str = ""
    imported_at: str = ""

    def item(self, item_id: str) -> Item | None:
        for it in self.items:
            if it.id == item_id:
                return it
        return None

    def categories(self) -> list[tuple[str, str]]:
        """(category_no, category) in order of first appearance."""
        seen: dict[tuple[str, str], None] = {}
        for it in self.items:
            seen.setdefault((it.category_no, it.category), None)
        return list(seen)

    def units(self) -> list[dict]:
        """Units as named in the plan, with how many items each leads and joins, in first-seen order."""
        counts: dict[str, dict] = {}
        from tracker.units import is_collective

        for it in self.items:
            for role, names in ((LEAD, it.lead), (PARTICIPANT, it.participants)):
                for n in names:
                    c = counts.setdefault(n, {"name": n, "lead": 0, "participant": 0,
                                              "collective": is_collective(n)})
                    c[role] += 1
        return list(counts.values())

    def to_dict(self) -> dict:
        return {
            "plan": {"name": self.name, "year": self.year, "version": self.version, "source": self.source},
            "items": [it.to_dict() for it in self.items],
            "units": self.units(),
        }


def item_id(year: int, number: int) -> str:
    """The stable id of an item in a plan: "2007-015". Used as 任务编号 in every workbook."""
    return f"{year}-{number:03d}"
