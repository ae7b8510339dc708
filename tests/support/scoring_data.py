"""The small plan of the scoring tests and its passing and failing returns, worked out by hand."""

from __future__ import annotations

from tracker.assignments import assign
from tracker.model import Item, Plan, Target
from tracker.units import Registry

A, B, Y, T = "市知识产权局", "市科技局", "越秀区政府", "天河区政府"
REGISTRY = {"units": {"collectives": {"各区": ["越秀区", "天河区"]}}}


def small_plan() -> Plan:
    items = [
        Item(id="2007-001", number=1, content="完善知识产权工作协调机制", lead=[A], category_no="一",
             category="建立健全管理体系", mandatory=True),
        Item(id="2007-002", number=2, content="各区建立知识产权协调领导小组", lead=["各区政府"],
             participants=[A], category_no="一", category="建立健全管理体系"),
        Item(id="2007-003", number=3, content="全市年专利申请量增长16%以上, 建立知识产权工作站10家以上",
             lead=[A, B], participants=["各有关单位"], category_no="二", category="提高创造能力",
             targets=[Target("全市年专利申请量增长16%以上", "全市年专利申请量增长", ">=", 16, "%"),
                      Target("建立知识产权工作站10家以上", "建立知识产权工作站", ">=", 10, "家")]),
        Item(id="2007-004", number=4, content="实施企业知识产权战略推进工程", lead=[B, "各有关单位"],
             category_no="二", category="提高创造能力"),
    ]
    return Plan(name="2007年测试分解表", year=2007, items=items)


def small_assignments(plan=None):
    return assign(plan or small_plan(), Registry.from_config(REGISTRY))


def _r(unit, q, item, progress, role="lead", actuals=None, received=None, status=None):
    return {"unit": unit, "period": f"2007Q{q}", "item_id": item, "role": role,
            "status": status or ("已完成" if progress == 100 else "推进中"), "progress": progress,
            "received_at": received or (f"2007-{q * 3 + 1:02d}-05" if q < 4 else "2008-01-05"),
            "targets": [{"idx": i, "actual": a, "note": ""} for i, a in enumerate(actuals or [])]}


def passing_rows() -> list[dict]:
    rows = []
    for q, (p1, p3) in enumerate([(25, 20), (50, 40), (80, 70), (100, 90)], start=1):
        rows.append(_r(A, q, "2007-001", p1))
        rows.append(_r(A, q, "2007-003", p3, actuals=[18, 12] if q == 4 else [5, 3]))
        rows.append(_r(A, q, "2007-002", 100, role="participant"))
    for q, (p3, p4) in enumerate([(30, 25), (60, 50), (90, 75), (100, 100)], start=1):
        late = "2007-07-15" if q == 2 else None
        rows.append(_r(B, q, "2007-003", p3, actuals=[17, 8] if q == 4 else [6, 2], received=late))
        rows.append(_r(B, q, "2007-004", p4, received=late))
    for q, p in enumerate([25, 50, 75, 100], start=1):
        rows.append(_r(Y, q, "2007-002", p))
    for q, p in enumerate([20, 40, 60], start=1):
        rows.append(_r(T, q, "2007-002", p))
    return rows


def failing_rows() -> list[dict]:
    """Score ≥ 60 but completion < 80, and the mandatory item 001 not done.

    Q4 changes from passing_rows: A 001 → 60, Y 002 → 50, B 004 → 70 (A 003 stays 90, T stays 60)."""
    change = {(A, "2007-001"): 60, (Y, "2007-002"): 50, (B, "2007-004"): 70}
    rows = []
    for r in passing_rows():
        r = dict(r)
        if r["period"] == "2007Q4" and (r["unit"], r["item_id"]) in change:
            r["progress"] = change[(r["unit"], r["item_id"])]
            r["status"] = "推进中"
        rows.append(r)
    return rows
