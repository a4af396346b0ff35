"""Effect measurement: difference-in-differences checked against the simulator's known effect."""

from __future__ import annotations

from datetime import date

import pytest

from fanzha.outreach import effect, simulate
from fanzha.sim.county import build_county
from fanzha.sim.runner import SimContext


def _rows(treated_change: int, control_change: int) -> list[effect.AreaPeriods]:
    rows = []
    for i in range(12):
        treated = i < 4
        before = 100 + 10 * i
        after = before + (treated_change if treated else control_change) + (i % 3 - 1)
        rows.append(effect.AreaPeriods(f"V{i:02d}", 10_000, treated, before, after))
    return rows


def test_did_recovers_a_clear_drop_and_its_interval_excludes_zero() -> None:
    est = effect.did(_rows(-40, 0), before_days=30, after_days=30, match=False)
    assert est.effect == pytest.approx(-40, abs=1.0)
    assert est.ci_high < 0 and est.p_value < 0.05
    assert "显著" in est.summary_zh("预警")


def test_common_shift_in_every_area_is_not_taken_for_an_effect() -> None:
    est = effect.did(_rows(25, 25), before_days=30, after_days=30, match=False)
    assert est.ci_low <= 0 <= est.ci_high
    assert "未达到统计显著" in est.summary_zh("预警")


def test_matched_controls_are_the_closest_in_size_and_never_reused() -> None:
    rows = [effect.AreaPeriods("T", 5_000, True, 10, 10)] + [
        effect.AreaPeriods(f"C{p}", p, False, 10, 10) for p in (800, 4_800, 5_300, 20_000, 60_000)]
    assert {rows[i].area for i in effect.match_controls(rows, per_treated=2)} == {"C4800", "C5300"}


def test_estimator_needs_both_groups() -> None:
    with pytest.raises(ValueError):
        effect.did([effect.AreaPeriods("A", 100, True, 1, 1)] * 3, before_days=30, after_days=30)


@pytest.fixture(scope="module")
def small_county():  # type: ignore[no-untyped-def]
    return build_county(3, residents=30_000)


def test_interval_covers_the_simulated_true_effect_in_most_seeded_runs(small_county) -> None:  # type: ignore[no-untyped-def]
    study = simulate.coverage_study(small_county, runs=40, permutations=50)
    assert study["warnings"]["coverage"] >= 0.85
    assert study["cases"]["coverage"] >= 0.85
    # Warnings are frequent enough to see a 15% drop every time; village case counts are not.
    assert study["warnings"]["share_significant"] > 0.9
    assert study["warnings"]["mean_estimate"] == pytest.approx(study["warnings"]["mean_truth"], rel=0.2)


def test_visit_plan_reaches_more_future_victims_than_random_doors(small_county) -> None:  # type: ignore[no-untyped-def]
    ctx = SimContext(seed=3, county=small_county, start=date(2026, 1, 1), days=60)
    lift = simulate.targeting_lift(small_county, ctx.attempts, split=simulate.history_split(ctx.start, ctx.days),
                                   stops_per_grid=10, random_draws=5)
    assert lift.future_victims > 50
    assert lift.plan_share > lift.random_share * 1.3
