"""Scoring worked out by hand on a small plan (tracker.scoring; rules in docs/scoring.md).

The plan (2007, equal weights, 25 points per item, target_share 0.5):

  类一  2007-001  lead 市知识产权局 (A)                        mandatory, no target
  类一  2007-002  lead 各区政府 = 越秀区政府 (Y) + 天河区政府 (T); A participates
  类二  2007-003  lead A and 市科技局 (B); targets ≥16% and ≥10家
  类二  2007-004  lead B and 各有关单位 (a collective nobody can report for: left out)

Returns (cumulative progress, Q1→Q4):
  A  001: 25 50 80 100      003: 20 40 70 90  (Q4 actuals 18 %, 12 家)   002 (participant): 100
  B  003: 30 60 90 100 (Q4 actuals 17 %, 8 家)   004: 25 50 75 100        Q2 received late
  Y  002: 25 50 75 100
  T  002: 20 40 60 —   (no Q4 return: its Q3 figure, 60, counts)
"""

from __future__ import annotations

import pytest
from support.scoring_data import (  # noqa: F401
    REGISTRY,
    A,
    B,
    T,
    Y,
    _r,
    failing_rows,
    passing_rows,
    small_assignments,
    small_plan,
)

from tracker.model import Target
from tracker.scoring import (
    ScoringConfig,
    item_completion,
    item_points,
    judge_target,
    latest_rows,
    score_plan,
)


# -- the hand-worked cases -------------------------------------------------------------------------
def test_assignments_of_the_small_plan():
    a = small_assignments()
    assert a.leads["2007-002"] == [Y, T]  # the collective's members lead
    assert a.leads["2007-004"] == [B]  # 各有关单位 cannot report: left out
    assert "各有关单位" in a.unexpandable


def test_passing_case_by_hand():
    card = score_plan(small_plan(), small_assignments().leads, passing_rows(), {})
    by = {s.item_id: s for s in card.items}
    # item completion = the lowest lead's latest progress
    assert by["2007-001"].completion == 100  # A: 100
    assert by["2007-002"].completion == 60  # min(Y 100, T 60 from Q3); A's participant 100 ignored
    assert by["2007-003"].completion == 90  # min(A 90, B 100)
    assert by["2007-004"].completion == 100  # B: 100
    # work completion = (100 + 60 + 90 + 100) / 4 = 87.5
    assert card.completion == pytest.approx(87.5)
    # targets of 003: ≥16%: A 18, B 17 → met, worst 17; ≥10家: A 12, B 8 → not met, worst 8
    t0, t1 = by["2007-003"].targets
    assert (t0.actual, t0.met) == (17, True)
    assert (t1.actual, t1.met) == (8, False)
    # points: 25 each. 001: 25×1 = 25; 002: 25×0.6 = 15;
    # 003: 25×(0.5×0.90 + 0.5×1/2) = 25×0.70 = 17.5; 004: 25×1 = 25. Score = 82.5
    assert [round(by[i].earned, 6) for i in sorted(by)] == [25, 15, 17.5, 25]
    assert card.score == pytest.approx(82.5)
    # categories: 一 (100 + 60) / 2 = 80; 二 (90 + 100) / 2 = 95
    assert [(c.category_no, c.items, c.completion, c.completed) for c in card.categories] == [
        ("一", 2, 80, 1), ("二", 2, 95, 1)]
    assert card.passed and card.failed_rules == []
    assert card.unreported == []


def test_failing_case_by_hand():
    card = score_plan(small_plan(), small_assignments().leads, failing_rows(), {})
    # completion: 001 60, 002 min(50, 60) = 50, 003 90, 004 70 → (60+50+90+70)/4 = 67.5
    assert [s.completion for s in card.items] == [60, 50, 90, 70]
    assert card.completion == pytest.approx(67.5)
    # score: 25×0.6 + 25×0.5 + 17.5 + 25×0.7 = 15 + 12.5 + 17.5 + 17.5 = 62.5 (≥ 60, so that rule holds)
    assert card.score == pytest.approx(62.5)
    assert not card.passed
    assert [f.code for f in card.failed_rules] == ["completion-below", "mandatory-incomplete"]
    assert card.failed_rules[0].message == "工作完成度 67.5% 低于 80%"
    assert "第1项(60%)" in card.failed_rules[1].message


def test_score_below_rule():
    # everything reported at 40: completion 40, score 25×0.4×3 + 25×(0.5×0.4 + 0.5×1/2) = 30 + 11.25
    rows = [dict(r, progress=40, status="推进中") for r in passing_rows()]
    card = score_plan(small_plan(), small_assignments().leads, rows, {})
    assert card.completion == pytest.approx(40)
    assert card.score == pytest.approx(41.25)
    assert [f.code for f in card.failed_rules] == ["completion-below", "score-below", "mandatory-incomplete"]


def test_mandatory_rule_can_be_switched_off():
    cfg = {"scoring": {"mandatory_must_complete": False, "pass_completion": 60}}
    card = score_plan(small_plan(), small_assignments().leads, failing_rows(), cfg)
    assert card.passed and card.failed_rules == []


def test_category_weights_by_hand():
    cfg = {"scoring": {"category_weights": {"一": 2}}}
    card = score_plan(small_plan(), small_assignments().leads, passing_rows(), cfg)
    # weights 2, 2, 1, 1 (total 6): completion = (2×100 + 2×60 + 90 + 100) / 6 = 510 / 6 = 85
    assert card.completion == pytest.approx(85)
    # points 100×2/6, 100×2/6, 100/6, 100/6: earned 33.33 + 20 + 16.67×0.7 + 16.67 = 81.67
    assert card.score == pytest.approx(100 / 3 + 20 + 100 / 6 * 0.7 + 100 / 6)
    assert [round(s.points, 4) for s in card.items] == [33.3333, 33.3333, 16.6667, 16.6667]


def test_item_weight_beats_category_weight():
    cfg = ScoringConfig.from_config({"scoring": {"category_weights": {"一": 2}, "item_weights": {"2007-001": 5}}})
    p = small_plan()
    assert [cfg.weight_of(it) for it in p.items] == [5, 2, 1, 1]


def test_mean_option_by_hand():
    card = score_plan(small_plan(), small_assignments().leads, passing_rows(),
                      {"scoring": {"completion_from": "mean"}})
    # 002: mean(100, 60) = 80; 003: mean(90, 100) = 95 → (100 + 80 + 95 + 100) / 4 = 93.75
    assert card.completion == pytest.approx(93.75)


def test_unreported_item_counts_zero_and_is_listed():
    rows = [r for r in passing_rows() if r["unit"] != B]
    card = score_plan(small_plan(), small_assignments().leads, rows, {})
    by = {s.item_id: s for s in card.items}
    assert card.unreported == ["2007-004"]
    assert by["2007-004"].completion == 0 and not by["2007-004"].reported
    # 003 still reported by A; B (no return) counts 0 under "min"
    assert by["2007-003"].completion == 0 and by["2007-003"].reported
    # targets: only A reported (18, 12) → both met
    assert [t.met for t in by["2007-003"].targets] == [True, True]


def test_sum_option_for_target_actuals():
    card = score_plan(small_plan(), small_assignments().leads, passing_rows(),
                      {"scoring": {"target_actual_from": "sum"}})
    t0, t1 = card.item("2007-003").targets
    assert (t0.actual, t1.actual, t1.met) == (35, 20, True)


def test_scoring_as_of_a_quarter():
    card = score_plan(small_plan(), small_assignments().leads, passing_rows(), {}, up_to="2007Q2")
    # Q2: 001 50, 002 min(50, 40) = 40, 003 min(40, 60) = 40, 004 50 → 45
    assert card.completion == pytest.approx(45)


def test_bad_config_is_a_clear_error():
    with pytest.raises(ValueError, match="completion_from"):
        ScoringConfig.from_config({"scoring": {"completion_from": "max"}})


# -- the small rules ------------------------------------------------------------------------------
def test_item_completion_rules():
    assert item_completion(["a", "b"], {"a": 80, "b": None}) == (0, True)
    assert item_completion(["a", "b"], {"a": 80, "b": None}, "mean") == (40, True)
    assert item_completion(["a"], {"a": None}) == (0, False)
    assert item_completion([], {}) == (0, False)


def test_judge_target_directions():
    ge = Target("x", "x", ">=", 10, "家")
    le = Target("y", "y", "<=", 5, "%")
    rng = Target("z", "z", "range", 5, "家", value_max=10)
    assert judge_target(ge, {"a": 12, "b": 9}) == (9, False)
    assert judge_target(le, {"a": 3, "b": 4}) == (4, True)
    assert judge_target(rng, {"a": 6}) == (6, True)
    assert judge_target(ge, {"a": None}) == (None, False)


def test_item_points():
    assert item_points(25, 90, 2, 1, 0.5) == pytest.approx(17.5)
    assert item_points(25, 60, 0, 0, 0.5) == pytest.approx(15)


def test_latest_rows_falls_back_to_the_previous_quarter():
    latest = latest_rows(passing_rows(), 2007)
    assert latest[(T, "2007-002")]["period"] == "2007Q3"
    assert latest[(Y, "2007-002")]["period"] == "2007Q4"
    # another year's rows are ignored
    other = [dict(r, period="2006Q4") for r in passing_rows()]
    assert latest_rows(other, 2007) == {}
