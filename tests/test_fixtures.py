"""The tests' copies of the seed documents equal ../shared/seeds wherever that folder exists."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
COPIES = HERE / "fixtures" / "seeds"
SHARED = HERE.parents[1] / "shared" / "seeds"


def test_every_seed_is_copied():
    assert sorted(p.name for p in COPIES.glob("*.txt")) == [
        "000_ebcc559c7d34d238.txt", "001_4b9b504e9509dbe6.txt", "002_3f4e29ccc3d033e1.txt",
        "003_440b8d6f2d682927.txt", "004_c7cde99564bde957.txt"]


def test_copies_equal_the_shared_seeds():
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} not beside the project: nothing to compare the copies with")
    for original in SHARED.glob("*.txt"):
        assert (COPIES / original.name).read_bytes() == original.read_bytes(), original.name
