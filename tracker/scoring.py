"""Year-end scoring: item completion, work completion (工作完成度), score (评分) and pass/fail.

Every function here is pure: a plan, the lead units of each item, return rows and the ``[scoring]``
configuration go in; dataclasses come out. Nothing reads the store or the clock, so a case can be
worked out by hand and compared (see ``tests/test_scoring.py`` and ``docs/scoring.md``).

Rules (defaults from ``[scoring]`` in tracker.toml; DOMAIN.md "Progress semantics"):

* **Which returns count.** For each (unit, item) the row of the unit's latest accepted return of the
  year is used: Q4, or the latest quarter before it that the unit returned. (Per item, so an item
  missing from a unit's last workbook falls back to that unit's previous figure for it.)
* **Item completion** (0–100) comes from the item's *concrete* lead units (collective members
  included, collectives nobody can report for left out; see :mod:`tracker.assignments`):
  the lowest of them (``completion_from = "min"``) or their mean (``"mean"``). A lead with no return
  counts 0. An item that no lead ever reported on counts 0 and is listed in ``unreported``.
  A row whose progress is blank counts 100 if its status is 已完成, else 0. Progress is clamped to 0–100.
* **Weights.** ``[scoring.item_weights]`` ("2007-015" = 3) wins, then ``[scoring.category_weights]``
  ("一" = 2, applied to *each* item of that category), else 1. With both tables empty (the default,
  ``weights = "equal"``) every item weighs the same. A weight of 0 takes an item out of the figures.
* **Work completion** = weighted mean of item completion.
* **Points.** ``total_points`` (100) are spread over the items in proportion to their weight. An item
  with targets earns ``(1 - target_share)`` of its points times its completion and ``target_share``
  of its points times the share of its targets met; an item without targets earns its points times
  its completion. The score is the sum.
* **Target actuals with several lead units** (``target_actual_from``, default ``"worst"``): each
  lead that reported an actual is judged on its own and the target is met only if every one of them
  meets it (as an item is done only when every lead says so); the actual shown is the worst
  reported value (lowest for ≥ and ranges, highest for ≤). ``"sum"`` adds the leads' actuals first
  (for counts that the leads share, e.g. 各区 each building stations toward one city total).
  A target nobody reported an actual for is not met and is shown as 未报.
* **Pass** = completion ≥ ``pass_completion`` and score ≥ ``pass_score`` and, when
  ``mandatory_must_complete``, every mandatory (必做) item at 100. ``failed_rules`` lists each rule that
  failed with a stable code: ``completion-below``, ``score-below``, ``mandatory-incomplete``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from tracker.form import COMPLETED
from tracker.model import Item, Plan, Target
from tracker.status import row_progress

DONE_STATUS = COMPLETED
EPS = 1e-9


# -- configuration -----------------------------------------------------------------------------------
@dataclass
class ScoringConfig:
    completion_from: str = "min"  # "min" | "mean"
    weights: str = "equal"
    total_points: float = 100.0
    target_share: float = 0.5
    pass_completion: float = 80.0
    pass_score: float = 60.0
    mandatory_must_complete: bool = True
    target_actual_from: str = "worst"  # "worst" | "sum"
    category_weights: dict[str, float] = field(default_factory=dict)
    item_weights: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_config(cls, cfg: Mapping | None) -> ScoringConfig:
        """From the whole tracker.toml dict (or just its ``[scoring]`` table)."""
        cfg = dict(cfg or {})
        s = dict(cfg.get("scoring", cfg))
        out = cls()
        for key in ("completion_from", "weights", "target_actual_from"):
            if key in s:
                setattr(out, key, str(s[key]).strip().lower())
        for key in ("total_points", "target_share", "pass_completion", "pass_score"):
            if key in s:
                setattr(out, key, float(s[key]))
        if "mandatory_must_complete" in s:
            out.mandatory_must_complete = bool(s["mandatory_must_complete"])
        out.category_weights = {str(k): float(v) for k, v in dict(s.get("category_weights") or {}).items()}
        out.item_weights = {str(k): float(v) for k, v in dict(s.get("item_weights") or {}).items()}
        if out.completion_from not in ("min", "mean"):
            raise ValueError(f"[scoring] completion_from 应为 \"min\" 或 \"mean\", 而不是 “{out.completion_from}”")
        if out.target_actual_from not in ("worst", "sum"):
            raise ValueError(f"[scoring] target_actual_from 应为 \"worst\" 或 \"sum\", "
                             f"而不是 “{out.target_actual_from}”")
        if not 0 <= out.target_share <= 1:
            raise ValueError(f"[scoring] target_share 应在 0 与 1 之间, 而不是 {out.target_share}")
        return out

    def weight_of(self, item: Item) -> float:
        if item.id in self.item_weights:
            return self.item_weights[item.id]
        if item.category_no in self.category_weights:
            return self.category_weights[item.category_no]
        if item.category in self.category_weights:
            return self.category_weights[item.category]
        return 1.0


# -- results -----------------------------------------------------------------------------------------
@dataclass
class TargetResult:
    item_id: str
    idx: int
    text: str
    metric: str
    op: str
    value: float
    value_max: float | None
    unit: str
    goal: str  # "≥16%"
    actual: float | None
    met: bool
    by_unit: dict[str, float | None] = field(default_factory=dict)  # lead -> reported actual


@dataclass
class ItemScore:
    item_id: str
    number: int
    content: str
    category_no: str
    category: str
    mandatory: bool
    weight: float
    leads: list[str]
    lead_progress: dict[str, float | None]  # lead -> progress (None: no return)
    completion: float
    reported: bool  # at least one lead reported on it
    points: float  # the points it can earn
    earned: float
    targets: list[TargetResult] = field(default_factory=list)

    @property
    def targets_met(self) -> int:
        return sum(1 for t in self.targets if t.met)


@dataclass
class CategoryScore:
    category_no: str
    category: str
    items: int
    weight: float
    completion: float
    points: float
    earned: float
    completed: int  # items at 100


@dataclass
class FailedRule:
    code: str
    message: str


@dataclass
class Scorecard:
    year: int | None
    completion: float
    score: float
    passed: bool
    failed_rules: list[FailedRule]
    items: list[ItemScore]
    categories: list[CategoryScore]
    unreported: list[str]  # item ids no lead ever reported on
    config: ScoringConfig

    def item(self, item_id: str) -> ItemScore | None:
        return next((i for i in self.items if i.item_id == item_id), None)

    def to_dict(self) -> dict:
        d = asdict(self)
        for it, src in zip(d["items"], self.items, strict=True):
            it["targets_met"] = src.targets_met
        return d


# -- the rules ---------------------------------------------------------------------------------------
def latest_rows(rows: Iterable[Mapping], year: int | None = None, up_to: str | None = None
                ) -> dict[tuple[str, str], Mapping]:
    """(unit, item_id) -> the row of the latest period (of ``year``, not after ``up_to``)."""
    out: dict[tuple[str, str], Mapping] = {}
    for r in rows:
        period = str(r["period"])
        if year is not None and not period.startswith(f"{int(year)}Q"):
            continue
        if up_to is not None and period > str(up_to):
            continue
        key = (r["unit"], r["item_id"])
        prev = out.get(key)
        if prev is None or (period, str(r.get("received_at") or "")) >= (
                str(prev["period"]), str(prev.get("received_at") or "")):
            out[key] = r
    return out


def item_completion(leads: list[str], progress: Mapping[str, float | None], how: str = "min"
                    ) -> tuple[float, bool]:
    """(completion, reported) from the leads' progress; a lead with None (no return) counts 0."""
    values = [0.0 if progress.get(u) is None else float(progress[u]) for u in leads]
    reported = any(progress.get(u) is not None for u in leads)
    if not values or not reported:
        return 0.0, False
    if how == "mean":
        return sum(values) / len(values), True
    return min(values), True


def judge_target(target: Target, actuals: Mapping[str, float | None], how: str = "worst"
                 ) -> tuple[float | None, bool]:
    """(actual shown, met) for one target from the leads' reported actuals (see module doc)."""
    vals = [float(v) for v in actuals.values() if v is not None]
    if not vals:
        return None, False
    if how == "sum":
        total = sum(vals)
        return total, bool(target.met(total))
    met = all(target.met(v) for v in vals)
    if target.op == "<=":
        worst = max(vals)
    elif target.op == "==":
        worst = next((v for v in vals if not target.met(v)), vals[0])
    else:
        worst = min(vals)
    return worst, met


def item_points(points: float, completion: float, n_targets: int, n_met: int, target_share: float) -> float:
    """What an item earns: points × completion, with target_share of it from targets met if any."""
    if n_targets:
        return points * ((1 - target_share) * completion / 100 + target_share * n_met / n_targets)
    return points * completion / 100


def _weighted_mean(pairs: list[tuple[float, float]]) -> float:
    total = sum(w for w, _ in pairs)
    if total <= 0:
        return 0.0
    return sum(w * v for w, v in pairs) / total


def score_plan(plan: Plan, leads: Mapping[str, list[str]], rows: Iterable[Mapping],
               config: ScoringConfig | Mapping | None = None, *, up_to: str | None = None) -> Scorecard:
    """The year's scorecard.

    ``leads``: item id -> concrete lead units (``tracker.assignments.assign(plan, registry).leads``);
    ``rows``: return rows as :func:`tracker.store.current_return_rows` gives them (unit, period,
    item_id, status, progress, targets=[{idx, actual}]); ``up_to``: a period ("2007Q2") to score as
    of that quarter (the quarterly trend), default the whole year.
    """
    cfg = config if isinstance(config, ScoringConfig) else ScoringConfig.from_config(config)
    latest = latest_rows(rows, plan.year, up_to)
    weights = {it.id: max(0.0, cfg.weight_of(it)) for it in plan.items}
    total_w = sum(weights.values())

    items: list[ItemScore] = []
    for it in plan.items:
        unit_list = list(leads.get(it.id, []))
        progress: dict[str, float | None] = {}
        for u in unit_list:
            r = latest.get((u, it.id))
            progress[u] = None if r is None else row_progress(r)
        completion, reported = item_completion(unit_list, progress, cfg.completion_from)
        results = []
        for idx, t in enumerate(it.targets):
            actuals: dict[str, float | None] = {}
            for u in unit_list:
                r = latest.get((u, it.id))
                if r is None:
                    continue
                a = next((x.get("actual") for x in r.get("targets") or [] if int(x.get("idx", -1)) == idx),
                         None)
                actuals[u] = None if a is None or a == "" else float(a)
            actual, met = judge_target(t, actuals, cfg.target_actual_from)
            results.append(TargetResult(item_id=it.id, idx=idx, text=t.text, metric=t.metric, op=t.op,
                                        value=t.value, value_max=t.value_max, unit=t.unit,
                                        goal=t.describe(), actual=actual, met=met, by_unit=actuals))
        pts = cfg.total_points * weights[it.id] / total_w if total_w > 0 else 0.0
        n_met = sum(1 for r in results if r.met)
        earned = item_points(pts, completion, len(results), n_met, cfg.target_share)
        items.append(ItemScore(item_id=it.id, number=it.number, content=it.content,
                               category_no=it.category_no, category=it.category, mandatory=it.mandatory,
                               weight=weights[it.id], leads=unit_list, lead_progress=progress,
                               completion=completion, reported=reported, points=pts, earned=earned,
                               targets=results))

    categories = []
    for no, name in plan.categories():
        mine = [s for s in items if (s.category_no, s.category) == (no, name)]
        categories.append(CategoryScore(
            category_no=no, category=name, items=len(mine), weight=sum(s.weight for s in mine),
            completion=_weighted_mean([(s.weight, s.completion) for s in mine]),
            points=sum(s.points for s in mine), earned=sum(s.earned for s in mine),
            completed=sum(1 for s in mine if s.completion >= 100 - EPS)))

    completion = _weighted_mean([(s.weight, s.completion) for s in items])
    score = sum(s.earned for s in items)
    failed = failed_rules(completion, score, items, cfg)
    return Scorecard(year=plan.year, completion=completion, score=score, passed=not failed,
                     failed_rules=failed, items=items, categories=categories,
                     unreported=[s.item_id for s in items if not s.reported], config=cfg)


def failed_rules(completion: float, score: float, items: list[ItemScore], cfg: ScoringConfig
                 ) -> list[FailedRule]:
    out = []
    if completion + EPS < cfg.pass_completion:
        out.append(FailedRule("completion-below",
                              f"工作完成度 {fmt(completion)}% 低于 {fmt(cfg.pass_completion)}%"))
    if score + EPS < cfg.pass_score:
        out.append(FailedRule("score-below", f"评分 {fmt(score)} 分低于 {fmt(cfg.pass_score)} 分"))
    if cfg.mandatory_must_complete:
        undone = [s for s in items if s.mandatory and s.weight > 0 and s.completion + EPS < 100]
        if undone:
            names = "、".join(f"第{s.number}项({fmt(s.completion)}%)" for s in undone)
            out.append(FailedRule("mandatory-incomplete", f"必做任务未全部完成: {names}"))
    return out


def fmt(x: float | None, digits: int = 1) -> str:
    """80 -> "80", 79.25 -> "79.3" (for Chinese text)."""
    if x is None:
        return "—"
    r = round(float(x), digits)
    return str(int(r)) if r == int(r) else f"{r:.{digits}f}"
