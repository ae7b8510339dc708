"""A small plan and hand-worked returns written straight into the store (the figures the status, bulletin and i18n tests expect are worked out from these)."""

from __future__ import annotations

from sqlalchemy import update

from tracker.model import Item, Plan, Target, item_id
from tracker.store import received, return_rows, returns
from tracker.workspace import DEFAULT_CONFIG

YEAR = 2007


DISTRICTS = ["越秀区政府", "天河区政府"]


_seq = [0]


class FakeRegistry:
    """A registry with one collective expanded (各区政府) and one that cannot be (各有关单位)."""

    def expand(self, name):
        if name == "各区政府":
            return list(DISTRICTS)
        if name == "各有关单位":
            return []
        return [name]


def default_config() -> dict:
    import tomllib

    return tomllib.loads(DEFAULT_CONFIG)


def make_plan(collective: bool = True) -> Plan:
    """Five items in three categories. With collective=False the districts are named one by one and
    no vague collective appears (for the CLI, which uses the workspace's registry)."""
    district_lead = ["各区政府"] if collective else list(DISTRICTS)
    vague = ["各有关单位"] if collective else []

    def it(n, cat_no, cat, content, lead, parts=(), targets=()):
        return Item(id=item_id(YEAR, n), number=n, content=content, lead=list(lead),
                    participants=list(parts), lead_raw="、".join(lead), participants_raw="、".join(parts),
                    category_no=cat_no, category=cat, targets=list(targets))

    items = [
        it(1, "一", "建立健全管理体系", "完善联络员制度", ["市知识产权局"], ["市科技局"]),
        it(2, "一", "建立健全管理体系", "编制知识产权年报", ["市知识产权局", "市科技局"], vague),
        it(3, "二", "加大资金扶持", "各区设立专项资金", district_lead, ["市财政局"]),
        it(4, "二", "加大资金扶持", "市财政设立专项资金", ["市财政局"], [],
           [Target("建立各类知识产权工作站10家以上", "建立各类知识产权工作站", ">=", 10, "家")]),
        it(5, "三", "加强宣传培训", "举办知识产权培训班", ["市科技局"]),
    ]
    return Plan(name="测试计划", year=YEAR, items=items, source="code")


def add_return(store, plan_id, unit, period, received_at, rows, supersedes=None):
    """Insert one accepted return directly into the store (received + returns + return_rows).

    rows: {item number: (role, status, progress, problems)}. Returns the new returns.id.
    """
    _seq[0] += 1
    sha = f"{_seq[0]:064x}"
    with store.begin() as conn:
        conn.execute(received.insert().values(
            sha256=sha, file_name=f"{period}-{unit}.xlsx", size=100, received_at=received_at,
            archived_as=f"archive/{sha}.xlsx", outcome="accepted", problems="[]", unit=unit,
            period=period, processed_at=f"{received_at}T09:00:00"))
        rid = conn.execute(returns.insert().values(
            sha256=sha, plan_id=plan_id, unit=unit, period=period, received_at=received_at,
            accepted_at=f"{received_at}T09:00:00")).inserted_primary_key[0]
        for number, (role, status, progress, problems) in rows.items():
            conn.execute(return_rows.insert().values(
                return_id=rid, item_id=item_id(YEAR, number), role=role, status=status,
                progress=progress, done=f"{unit}做了工作", problems=problems, next="继续推进"))
        if supersedes is not None:
            conn.execute(update(returns).where(returns.c.id == supersedes).values(superseded_by=rid))
    return rid


def add_sample_returns(store) -> None:
    """2007Q1, due 2007-04-10 (quarter end + 10 days), expected progress 25.

    item 1  lead 市知识产权局 100 已完成                     -> 100, completed, green
    item 2  leads 市知识产权局 40 (corrected from 10), 市科技局 20 -> min 20 (mean 30), in_progress,
            20 < 25 but >= 25-15 -> yellow
    item 3  leads 越秀区政府 30, 天河区政府 missing              -> 30, in_progress, green
    item 4  lead 市财政局 missing                              -> None, not_started, red
    item 5  lead 市科技局 10 无法按期完成                         -> 10, cannot_complete, red
    市科技局's participant row on item 1 (推进中 10) is not counted.
    """
    pid = store.plan_id(YEAR)
    first = add_return(store, pid, "市知识产权局", "2007Q1", "2007-04-08",
                       {1: ("lead", "已完成", 100, ""), 2: ("lead", "推进中", 10, "")})
    add_return(store, pid, "市知识产权局", "2007Q1", "2007-04-12",
               {1: ("lead", "已完成", 100, ""), 2: ("lead", "推进中", 40, "")}, supersedes=first)
    add_return(store, pid, "越秀区政府", "2007Q1", "2007-04-09", {3: ("lead", "推进中", 30, "")})
    add_return(store, pid, "市科技局", "2007Q1", "2007-04-15",
               {1: ("participant", "推进中", 10, ""), 2: ("lead", "推进中", 20, "人手不足"),
                5: ("lead", "无法按期完成", 10, "=1+2 资金未到位")})


def with_sample_returns(workspace):
    """The workspace with the five-item plan (districts named one by one) and the sample returns;
    the CLI tests here, in test_bulletin and in test_i18n start from it."""
    s = workspace.store()
    s.save_plan(make_plan(collective=False))
    add_sample_returns(s)
    s.close()
    return workspace
