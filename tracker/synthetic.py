"""A seeded synthetic province-scale plan: thousands of items, hundreds of units, with collectives.

Used by the benchmarks (bench/) and the scale tests. The same seed gives the same plan.
"""

from __future__ import annotations

import random

from tracker.model import LEAD, Item, Plan, Target, item_id

CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
      "十六", "十七", "十八", "十九", "二十"]
DEPTS = ["发展改革委", "科技厅", "工业和信息化厅", "财政厅", "人力资源社会保障厅", "商务厅", "市场监管局",
         "知识产权局", "版权局", "公安厅", "司法厅", "教育厅", "农业农村厅", "林业局", "文化和旅游厅",
         "卫生健康委", "统计局", "税务局", "金融局", "海关", "法院", "检察院", "宣传部", "外办"]
VERBS = ["加强", "推进", "完善", "建立健全", "深入开展", "组织实施", "扎实推进", "积极推动"]
OBJECTS = ["知识产权保护体系建设", "专利导航产业发展", "企业知识产权管理规范贯标", "知识产权质押融资",
           "商标品牌培育", "版权登记与正版化", "知识产权人才培养", "行政执法与刑事司法衔接",
           "知识产权公共服务平台", "地理标志保护运用"]


def synthetic_plan(items: int = 2000, units: int = 400, *, year: int = 2026, seed: int = 1,
                   cities: int = 20) -> tuple[Plan, dict]:
    """(plan, registry config) for a province: ``units`` concrete units in all, a collective
    "各市" whose members are the cities' 知识产权局 etc., and ``items`` items in 20 categories."""
    rng = random.Random(seed)
    cities = max(1, min(cities, units // 5))  # small plans (tests) get fewer cities and departments
    city_names = [f"第{i + 1}市" for i in range(cities)]
    provincial = [f"省{d}" for d in DEPTS[:max(1, min(len(DEPTS), units // 4))]]
    # concrete units: provincial departments + city departments until we reach `units`
    city_units = []
    i = 0
    while len(provincial) + len(city_units) < units:
        c = city_names[i % cities]
        d = DEPTS[(i // cities) % len(DEPTS)]
        city_units.append(f"{c}{d}")
        i += 1
    collectives = {"各市": city_names}
    # departments every city has among the concrete units: only these lead as "各市<dept>", so that
    # expanding the collective reaches existing units and the plan has exactly `units` of them
    have = set(city_units)
    full_depts = [d for d in DEPTS if all(f"{c}{d}" in have for c in city_names)] or DEPTS[:1]
    cat_count = min(20, max(1, items // 50))
    out = []
    for n in range(1, items + 1):
        cat = (n - 1) * cat_count // items
        content = f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}, 第{n}项工作任务"
        targets = []
        if rng.random() < 0.2:
            v = rng.choice([5, 10, 20, 50, 100])
            content += f", 全省完成{v}家以上"
            targets.append(Target(f"全省完成{v}家以上", "全省完成", ">=", v, "家"))
        roll = rng.random()
        if roll < 0.1:
            d = rng.choice(full_depts)
            lead = [f"各市{d}"]
        else:
            lead = rng.sample(provincial + city_units, rng.choice([1, 1, 1, 2]))
        parts = [u for u in rng.sample(provincial + city_units, rng.choice([0, 1, 2, 3])) if u not in lead]
        if rng.random() < 0.03:
            parts.append("各有关单位")  # a collective nobody can report for: no template
        out.append(Item(id=item_id(year, n), number=n, content=content, lead=lead, participants=parts,
                        lead_raw="、".join(lead), participants_raw="、".join(parts),
                        category_no=CN[cat], category=f"第{CN[cat]}类重点任务",
                        mandatory=n <= items // 10, targets=targets))
    plan = Plan(name=f"{year}年全省工作分解表 (合成)", year=year, items=out, source="synthetic", format="synthetic")
    return plan, {"units": {"aliases": {}, "collectives": collectives}}


# -- filled returns and a year's history, for the benchmarks --------------------------------------
def fill_template_bytes(data: bytes, quarter: int, rng: random.Random, pace: float = 1.0) -> bytes:
    """A template's bytes filled in as a department would, as new .xlsx bytes: the simulated
    departments' own filler (:func:`tracker.simulate.fill_bytes`, python-calamine + xlsxwriter,
    a few ms a workbook), so a province's 400 returns can be made outside a benchmark's timed region."""
    from tracker.simulate import fill_bytes

    return fill_bytes(data, quarter, pace, rng)


def seed_history(store, plan: Plan, registry, periods: list, *, seed: int = 3, skip: float = 0.03) -> int:
    """Store accepted returns of ``periods`` straight into the store (for a benchmark's year-end
    report or a later quarter's prefill): every concrete unit returns each period (a share ``skip``
    of them does not), with seeded figures as :mod:`tracker.simulate` would type them. Rows match
    what ``collect`` stores. Returns how many returns were stored."""
    import hashlib

    from tracker.assignments import assign
    from tracker.simulate import DONE_TEXTS, NEXT_TEXTS, PROBLEM_TEXTS, progress_for, status_for

    rng = random.Random(seed)
    a = assign(plan, registry)
    pid = getattr(plan, "db_id", None) or store.plan_id(year=plan.year)
    pace = {u: rng.choice([0.7, 0.85, 0.95, 1.0, 1.0, 1.05, 1.1]) for u in a.units}
    records = []
    for period in periods:
        due = period.due({})
        for unit in a.units:
            if rng.random() < skip:
                continue
            sha = hashlib.sha256(f"synthetic {period} {unit}".encode()).hexdigest()
            day = (due.toordinal() - rng.randint(0, 8)) if rng.random() > 0.1 else due.toordinal() + 3
            when = type(due).fromordinal(day).isoformat()
            rows, tg = [], []
            for it, role in a.items_of(unit):
                prog = progress_for(period.quarter, pace[unit], rng)
                rows.append({"item_id": it.id, "role": role,
                             "status": status_for(prog, rng), "progress": prog,
                             "done": rng.choice(DONE_TEXTS), "problems": rng.choice(PROBLEM_TEXTS),
                             "next": rng.choice(NEXT_TEXTS)})
                if role == LEAD:
                    for i, t in enumerate(it.targets):
                        tg.append({"item_id": it.id, "idx": i,
                                   "actual": round(t.value * period.quarter / 4 * pace[unit], 1),
                                   "note": ""})
            records.append({"sha256": sha, "file_name": f"{period}-{unit}.xlsx", "unit": unit,
                            "period": str(period), "received_at": when, "rows": rows, "targets": tg})
    return store.insert_accepted(pid, records)
