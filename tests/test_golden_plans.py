"""Golden plans: every bundled plan, and the real seed table, parse to exactly the reviewed JSON.

The golden files were produced by `tracker plan show --json` and reviewed by hand against the
source documents (every unit list, category and target). To regenerate after a deliberate change:
`python tests/test_golden_plans.py` — then review the diff line by line before committing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SAMPLES = HERE.parent / "tracker" / "data" / "samples"
SEED004 = HERE.parent.parent / "shared" / "seeds" / "004_c7cde99564bde957.txt"
UNITS = SAMPLES / "guangzhou-2007.units.toml"


def plan_json(tmp: Path, source: Path, units: Path | None = UNITS) -> dict:
    r = CliRunner()
    args = ["init", str(tmp)] + (["--units", str(units)] if units else [])
    assert r.invoke(main, args).exit_code == 0
    res = r.invoke(main, ["-w", str(tmp), "plan", "import", str(source)])
    assert res.exit_code == 0, res.output
    res = r.invoke(main, ["-w", str(tmp), "plan", "show", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    del data["plan"]["source"]
    return data


def golden(name: str) -> dict:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def test_seed_004_matches_golden(tmp_path):
    if not SEED004.exists():
        pytest.skip(f"seed table not found at {SEED004} (../shared beside the project)")
    data = plan_json(tmp_path / "ws", SEED004)
    assert data == golden("guangzhou-2007.json")
    assert len(data["items"]) == 54
    assert len({i["category_no"] for i in data["items"]}) == 11
    assert [i["number"] for i in data["items"] if i["targets"]] == [13, 14, 15, 16, 24, 25, 27]


def test_sample_xlsx_gives_the_same_json_as_the_seed(tmp_path):
    """The office's own xlsx (merged cells, continued sheet) says the same as the pasted text."""
    assert plan_json(tmp_path / "ws", SAMPLES / "guangzhou-2007.xlsx") == golden("guangzhou-2007.json")


def test_chenzhou_narrative_txt_and_docx(tmp_path):
    want = golden("chenzhou-2009.json")
    for i, f in enumerate(("chenzhou-2009.txt", "chenzhou-2009.docx")):
        data = plan_json(tmp_path / f"ws{i}", SAMPLES / f, units=None)
        assert data["items"] == want["items"]
        assert data["units"] == want["units"]


def test_national_2015_matches_golden(tmp_path):
    data = plan_json(tmp_path / "ws", SAMPLES / "national-2015.xlsx", units=None)
    assert data == golden("national-2015.json")
    assert [i["number"] for i in data["items"] if i["mandatory"]] == [1, 2, 3, 4]


if __name__ == "__main__":  # regenerate (then review the diff by hand)
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        for name, src, units in (("guangzhou-2007.json", SEED004, UNITS),
                                 ("national-2015.json", SAMPLES / "national-2015.xlsx", None)):
            data = plan_json(Path(d) / name, src, units)
            (GOLDEN / name).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print("wrote", GOLDEN / name, file=sys.stderr)
