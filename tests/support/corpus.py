"""The hostile-file corpus (tests/corpus/make_corpus.py) and the plan its import and collect tests start from."""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]  # tests/


ROOT = HERE.parent


def _load_make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", HERE / "corpus" / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MC = _load_make_corpus()


def base_plan():
    from tracker.model import RawRow, RawTable
    from tracker.plan_builder import build_plan

    raw = RawTable(rows=[RawRow(number=str(r[2]), content=r[3], lead=r[4], participants=r[5], category_no=r[0],
                                category=r[1]) for r in MC.GOOD_ROWS], title=MC.TITLE, format="xlsx", source="base.xlsx")
    return build_plan(raw, year=2007, name="基础计划")
