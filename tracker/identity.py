"""Template identity: which workspace, plan version, unit, period and items a workbook is for.

Every template carries its identity in a sheet named ``_tracker`` (very hidden in the .xlsx we
write; LibreOffice and WPS turn that into "hidden" when they re-save as .xls or .ods, and the sheet
and its cells survive every such conversion, unlike document properties). The sheet holds plain
text cells, one ``key | value`` pair per row, in this order::

    format        tracker-template-1
    workspace     16 hex digits: HMAC(secret, "tracker-workspace-id"), a public fingerprint of the key
    year          2007
    plan_version  1
    unit          越秀区政府
    period        2007Q1
    items         2007-001,2007-006,…          (the unit's item ids in template order)
    targets       2007-006#0,2007-014#1,…      (item id # target index, rows of 指标填报)
    signature     HMAC-SHA256 hex over the lines "key=value" above, keyed by Workspace.secret()

The signature makes an edited unit name or item id detectable: a department (or anybody) can
unhide the sheet and change it, but cannot produce a matching signature without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

SHEET = "_tracker"
FORMAT = "tracker-template-1"
KEYS = ("format", "workspace", "year", "plan_version", "unit", "period", "items", "targets")


def workspace_id(secret: bytes) -> str:
    """A public fingerprint of the workspace secret (does not reveal the key)."""
    return hmac.new(secret, b"tracker-workspace-id", hashlib.sha256).hexdigest()[:16]


@dataclass
class Identity:
    workspace: str
    year: int
    plan_version: int
    unit: str
    period: str
    items: list[str]
    targets: list[tuple[str, int]] = field(default_factory=list)  # (item id, target index)
    signature: str = ""
    format: str = FORMAT

    def fields(self) -> list[tuple[str, str]]:
        """The signed (key, value) pairs, as written into the sheet."""
        return [
            ("format", self.format),
            ("workspace", self.workspace),
            ("year", str(self.year)),
            ("plan_version", str(self.plan_version)),
            ("unit", self.unit),
            ("period", self.period),
            ("items", ",".join(self.items)),
            ("targets", ",".join(f"{i}#{n}" for i, n in self.targets)),
        ]

    def payload(self) -> bytes:
        return "\n".join(f"{k}={v}" for k, v in self.fields()).encode("utf-8")

    def compute_signature(self, secret: bytes) -> str:
        return hmac.new(secret, self.payload(), hashlib.sha256).hexdigest()

    def sign(self, secret: bytes) -> Identity:
        self.signature = self.compute_signature(secret)
        return self

    def verify(self, secret: bytes) -> bool:
        return bool(self.signature) and hmac.compare_digest(self.signature.lower(),
                                                            self.compute_signature(secret))

    def cells(self) -> list[tuple[str, str]]:
        """Rows of the _tracker sheet: the signed fields, then the signature."""
        return [*self.fields(), ("signature", self.signature)]


class IdentityError(ValueError):
    """The _tracker sheet is there but cannot be read as an identity. Message in Chinese."""


def _text(v) -> str:
    """A cell value as the text we wrote: spreadsheet programs may turn "2007" into 2007.0."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse_cells(rows: list[list]) -> Identity:
    """Read an identity from the _tracker sheet's rows (as python-calamine gives them)."""
    kv: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and _text(row[0]):
            kv[_text(row[0])] = _text(row[1])
    missing = [k for k in (*KEYS, "signature") if k not in kv and k != "targets"]
    if missing:
        raise IdentityError(f"模板标识缺少 {', '.join(missing)}")
    try:
        year = int(kv["year"])
        version = int(kv["plan_version"])
        targets = []
        for t in filter(None, kv.get("targets", "").split(",")):
            item, _, idx = t.rpartition("#")
            targets.append((item, int(idx)))
    except ValueError as e:
        raise IdentityError(f"模板标识无法识别: {e}") from None
    return Identity(workspace=kv["workspace"], year=year, plan_version=version, unit=kv["unit"],
                    period=kv["period"], items=[i for i in kv["items"].split(",") if i],
                    targets=targets, signature=kv["signature"], format=kv["format"])
