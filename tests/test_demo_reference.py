"""The demo year's outputs are those recorded in bench/demo_outputs.json (issue #8: a restructuring
changes no output). The reference was written from the tree before the restructuring; a change of
output that is intended is recorded with ``python bench/demo_outputs.py update`` and said in the
commit."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "demo_outputs.py"


def _module():
    spec = importlib.util.spec_from_file_location("demo_outputs", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_compare_names_every_kind_of_difference():
    mod = _module()
    ref = json.loads(mod.REFERENCE.read_text("utf-8"))
    assert mod.compare(ref, ref) == [] and mod.compare(ref, ref, portable=True) == []
    now = copy.deepcopy(ref)
    name = next(k for k in now["files"] if k.startswith("outbox/") and k.endswith(".xlsx"))
    now["files"][name] = "0" * 64
    now["portable"].pop(name)
    now["store"]["returns"] = "other"
    now["files"]["reports/new.docx"] = "x"
    assert mod.compare(ref, now) == [f"files: differs: {name}", "files: new: reports/new.docx",
                                     "store: differs: returns"]
    assert mod.compare(ref, now, portable=True) == [f"portable: missing now: {name}", "store: differs: returns"]


def test_canonical_digest_ignores_only_the_creation_time(tmp_path):
    import openpyxl

    mod = _module()
    digests = []
    for stamp in ("2001-01-01", "2031-12-31"):
        wb = openpyxl.Workbook()
        wb.active["A1"] = "完成进度"
        wb.properties.created = wb.properties.modified = __import__("datetime").datetime.fromisoformat(stamp)
        p = tmp_path / f"{stamp}.xlsx"
        wb.save(p)
        digests.append(mod.file_digest(p, str(tmp_path), {}))
    assert digests[0] == digests[1]
    wb = openpyxl.Workbook()
    wb.active["A1"] = "完成进度 "
    wb.save(tmp_path / "changed.xlsx")
    assert mod.file_digest(tmp_path / "changed.xlsx", str(tmp_path), {}) != digests[0]


@pytest.mark.slow
def test_the_demo_year_writes_what_it_wrote_before():
    mod = _module()
    ref = json.loads(mod.REFERENCE.read_text("utf-8"))
    if ref["writers"] != mod.writer_versions():
        pytest.skip(f"other writer libraries than the reference's: {mod.writer_versions()} vs {ref['writers']}")
    diff = mod.compare(ref, mod.snapshot(), portable=True)
    assert not diff, "\n".join(diff[:40])
