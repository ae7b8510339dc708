"""Unit names: splitting unit cells, normalising, aliases and collectives (the registry).

PROVISIONAL: minimal splitting so the pipeline runs; the full rules of DOMAIN.md "Unit names"
(collectives kept whole, shared prefixes distributed, vague tails) are being written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def is_collective(name: str) -> bool:
    return name.startswith("各") or "有关" in name or "相关" in name


def split_units(raw: str, registry: Registry | None = None) -> list[str]:
    return [p.strip() for p in re.split(r"[、,,;;/\s]+", raw or "") if p.strip()]


@dataclass
class Registry:
    aliases: dict[str, str] = field(default_factory=dict)
    collectives: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, cfg: dict) -> Registry:
        units = cfg.get("units", {})
        return cls(dict(units.get("aliases", {})), {k: list(v) for k, v in units.get("collectives", {}).items()})

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    def close_match(self, name: str) -> str | None:
        return None


def _expand_stub(self, name: str) -> list[str]:
    return [name]


Registry.expand = _expand_stub
