"""tracker status: who returned, who is missing, item completion, status and lights.

The plan and the returns are built in code and written straight into the store tables, so these
tests do not depend on templates/collect. Every expected figure below is worked out by hand from
the returns in :func:`add_sample_returns` (see the comments there).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from support.status_data import (  # noqa: F401
    DISTRICTS,
    YEAR,
    FakeRegistry,
    add_return,
    add_sample_returns,
    default_config,
    make_plan,
    with_sample_returns,
)

from tracker.assignments import assign
from tracker.cli import main
from tracker.periods import Period
from tracker.status import (
    default_period,
    format_status,
    item_completion,
    item_progress,
    item_status,
    light,
    period_status,
)
from tracker.store import current_return_rows


@pytest.fixture
def store(tmp_path):
    from tracker.store import Store

    s = Store(f"sqlite:///{tmp_path / 't.db'}")
    s.save_plan(make_plan())
    add_sample_returns(s)
    yield s
    s.close()


# -- pure functions -----------------------------------------------------------------------------------
def test_item_completion_min_mean_and_blank_progress():
    rows = [{"status": "推进中", "progress": 40}, {"status": "推进中", "progress": 20}]
    assert item_completion(rows) == 20
    assert item_completion(rows, "mean") == 30
    assert item_completion([]) is None
    # a blank figure counts 100 for 已完成, 0 otherwise
    assert item_completion([{"status": "已完成", "progress": None}]) == 100
    assert item_completion([{"status": "推进中", "progress": None}, {"status": "已完成", "progress": 100}]) == 0


def test_item_status_rules():
    done = {"unit": "A", "status": "已完成", "progress": 100}
    assert item_status([done], ["A"]) == "completed"
    # B (also a lead) has not reported: not completed yet
    assert item_status([done], ["A", "B"]) == "in_progress"
    assert item_status([done, {"unit": "B", "status": "无法按期完成", "progress": 50}], ["A", "B"]) \
        == "cannot_complete"
    assert item_status([{"unit": "A", "status": "未启动", "progress": 0}], ["A"]) == "not_started"
    assert item_status([{"unit": "A", "status": "未启动", "progress": 5}], ["A"]) == "in_progress"
    assert item_status([], ["A"]) == "not_started"


@pytest.mark.parametrize("progress,expected,light_", [
    (25, 25, "green"), (24.9, 25, "yellow"), (10, 25, "yellow"), (9.9, 25, "red"), (None, 25, "red"),
    (100, 100, "green"), (85, 100, "yellow"), (84, 100, "red")])
def test_light_thresholds(progress, expected, light_):
    assert light(progress, expected, default_config()) == light_


def test_light_thresholds_are_configuration():
    cfg = default_config()
    cfg["periods"]["yellow_below"] = 5
    cfg["periods"]["red_below"] = 10
    assert light(20, 25, cfg) == "green"
    assert light(19, 25, cfg) == "yellow"
    assert light(14, 25, cfg) == "red"


# -- one period from the store ------------------------------------------------------------------------
def test_item_progress_from_store(store):
    plan = store.load_plan(year=YEAR)
    a = assign(plan, FakeRegistry())
    with store.read() as conn:
        rows = current_return_rows(conn, period="2007Q1")
    items = {d["number"]: d for d in item_progress(plan, a, rows, default_config(), Period(2007, 1))}
    assert [(n, items[n]["completion"], items[n]["status"], items[n]["light"]) for n in range(1, 6)] == [
        (1, 100, "completed", "green"),
        (2, 20, "in_progress", "yellow"),
        (3, 30, "in_progress", "green"),
        (4, None, "not_started", "red"),
        (5, 10, "cannot_complete", "red"),
    ]
    # the participant's row on item 1 is shown, not counted
    assert [r["unit"] for r in items[1]["participant_returns"]] == ["市科技局"]
    assert [r["unit"] for r in items[1]["lead_returns"]] == ["市知识产权局"]
    assert items[3]["leads"] == DISTRICTS and items[3]["missing_leads"] == ["天河区政府"]
    assert items[3]["lead_names"] == ["各区政府"]
    assert items[2]["lead_returns"][0]["progress"] == 40  # the correction, not the superseded 10
    cfg = default_config()
    cfg["scoring"]["completion_from"] = "mean"
    items = {d["number"]: d for d in item_progress(plan, a, rows, cfg, Period(2007, 1))}
    assert (items[2]["completion"], items[2]["light"]) == (30, "green")


def test_period_status(store):
    plan = store.load_plan(year=YEAR)
    st = period_status(store, plan, FakeRegistry(), Period(2007, 1), default_config())
    assert st["period"] == "2007Q1" and st["due"] == "2007-04-10"
    assert [(r["unit"], r["received_at"], r["late"]) for r in st["returned"]] == [
        ("市知识产权局", "2007-04-08", False),  # first return on time; the correction came later
        ("越秀区政府", "2007-04-09", False),
        ("市科技局", "2007-04-15", True),
    ]
    ipo = st["returned"][0]
    assert (ipo["returns"], ipo["last_received_at"]) == (2, "2007-04-12")
    assert st["returned"][2]["days_late"] == 5
    assert st["missing"] == ["天河区政府", "市财政局"]
    assert st["unexpandable"] == ["各有关单位"]
    assert {k: st["items"][k] for k in ("total", "completed", "in_progress", "not_started",
                                        "cannot_complete")} == {
        "total": 5, "completed": 1, "in_progress": 2, "not_started": 1, "cannot_complete": 1}
    assert st["lights"] == {"green": 2, "yellow": 1, "red": 2}
    cats = [(c["category_no"], c["items"], c["completion"], c["green"], c["yellow"], c["red"])
            for c in st["categories"]]
    assert cats == [("一", 2, 60, 1, 1, 0), ("二", 2, 15, 1, 0, 1), ("三", 1, 10, 0, 0, 1)]
    fin = next(m for m in st["missing_detail"] if m["unit"] == "市财政局")
    assert [(i["number"], i["role_label"]) for i in fin["items"]] == [(3, "参与"), (4, "牵头")]
    json.dumps(st, ensure_ascii=False)  # JSON-ready


def test_due_date_from_config(store):
    plan = store.load_plan(year=YEAR)
    cfg = default_config()
    cfg["periods"]["due"] = {"2007Q1": "2007-04-14"}
    st = period_status(store, plan, FakeRegistry(), Period(2007, 1), cfg)
    assert st["due"] == "2007-04-14"
    assert [r["late"] for r in st["returned"]] == [False, False, True]
    assert st["returned"][2]["days_late"] == 1


def test_no_returns_every_unit_missing_every_item_red(tmp_path):
    from tracker.store import Store

    s = Store(f"sqlite:///{tmp_path / 'e.db'}")
    s.save_plan(make_plan())
    plan = s.load_plan(year=YEAR)
    st = period_status(s, plan, FakeRegistry(), Period(2007, 2), default_config())
    assert st["returned"] == []
    assert st["missing"] == ["市知识产权局", "市科技局", "越秀区政府", "天河区政府", "市财政局"]
    assert st["items"]["not_started"] == 5 and st["items"]["unreported"] == 5
    assert st["lights"] == {"green": 0, "yellow": 0, "red": 5}
    s.close()


def test_default_period(store, tmp_path):
    assert default_period(store) == Period(2007, 1)
    from tracker.store import Store

    empty = Store(f"sqlite:///{tmp_path / 'empty.db'}")
    assert default_period(empty, today=date(2008, 5, 3)) == Period(2008, 2)
    empty.close()


def test_format_status_names_late_missing_and_red(store):
    plan = store.load_plan(year=YEAR)
    text = format_status(period_status(store, plan, FakeRegistry(), Period(2007, 1), default_config()))
    assert "  2007-04-15 [逾期 5 天] 1 个: 市科技局" in text
    assert "  2007-04-08 1 个: 市知识产权局(更正 1 次, 最近 2007-04-12)" in text
    assert "未报送 (2): 天河区政府、市财政局" in text
    assert "预警灯: 正常 2, 预警 1, 滞后 2" in text
    red_part = text.split("滞后任务:")[1]
    assert "市财政设立专项资金" in red_part and "举办知识产权培训班" in red_part
    assert "完善联络员制度" not in red_part


# -- the CLI --------------------------------------------------------------------------------------------


@pytest.fixture
def ws(workspace):
    return with_sample_returns(workspace)


def test_cli_status_json(ws):
    r = CliRunner().invoke(main, ["status", "2007Q1", "--json", "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    st = json.loads(r.output)
    assert {"period", "due", "returned", "missing", "items", "lights"} <= set(st)
    assert st["returned"] == [
        {**{"unit": "市知识产权局", "received_at": "2007-04-08", "late": False}, **_extra(st, 0)},
        {**{"unit": "越秀区政府", "received_at": "2007-04-09", "late": False}, **_extra(st, 1)},
        {**{"unit": "市科技局", "received_at": "2007-04-15", "late": True}, **_extra(st, 2)},
    ]
    assert st["missing"] == ["天河区政府", "市财政局"]
    assert st["items"]["completed"] == 1 and st["items"]["cannot_complete"] == 1
    assert st["lights"] == {"green": 2, "yellow": 1, "red": 2}


def _extra(st, i):
    """The extra keys of returned[i] (beyond the three fixed ones), whatever their values."""
    return {k: v for k, v in st["returned"][i].items() if k not in ("unit", "received_at", "late")}


def test_cli_status_default_period_and_text(ws):
    r = CliRunner().invoke(main, ["status", "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    assert "2007年第一季度" in r.output
    assert "逾期 5 天" in r.output and "天河区政府" in r.output


def test_cli_status_bad_period_is_usage_error(ws):
    r = CliRunner().invoke(main, ["status", "2007Q5", "-w", str(ws.root)])
    assert r.exit_code == 2
    assert "2007Q5" in r.output


def test_cli_status_without_plan(workspace):
    r = CliRunner().invoke(main, ["status", "2007Q1", "-w", str(workspace.root)])
    assert r.exit_code == 2
    assert "plan import" in r.output
