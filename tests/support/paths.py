"""Where the tests' files are: the project root, the copied seeds and the bundled sample plans."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"  # copies of ../shared/seeds (README there)
SAMPLES = ROOT / "tracker" / "data" / "samples"  # the bundled sample plans (package data)


def seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert found, f"seed {prefix} missing from {SEEDS}"
    return found[0]
