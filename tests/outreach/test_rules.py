"""Pure rule modules: coverage gaps, target groups, recommendations, SMS texts."""

from __future__ import annotations

from datetime import date

import pytest

from fanzha.outreach import coverage, sms, targeting
from fanzha.outreach.models import FRAUD_TYPES, CampaignKind, TargetGroup
from fanzha.outreach.sources import VictimSignal

G = TargetGroup


@pytest.mark.parametrize(("residents", "installed", "target", "gap"), [
    (1000, 450, 0.6, 150),
    (1000, 600, 0.6, 0),
    (1000, 800, 0.6, 0),
    (7, 0, 0.6, 5),  # 4.2 residents rounds up: a target is met by whole people
    (0, 0, 0.6, 0),
])
def test_gap_to_target_counts_whole_residents_still_to_install(residents: int, installed: int, target: float,
                                                               gap: int) -> None:
    assert coverage.gap_to_target(coverage.Tally(residents, installed), target) == gap


def test_coverage_ranking_puts_lowest_install_rate_first_and_skips_empty_areas() -> None:
    tallies = {"A": coverage.Tally(100, 70), "B": coverage.Tally(100, 20), "C": coverage.Tally(0, 0),
               "D": coverage.Tally(400, 80)}
    assert [code for code, _, _ in coverage.rank(tallies, target_rate=0.6)] == ["D", "B", "A"]


@pytest.mark.parametrize(("band", "occupation", "tags", "groups"), [
    (">70", "退休", ["老人"], {G.ELDERLY}),
    ("61-70", "农民", [], {G.ELDERLY, G.FARMER}),
    ("18-25", "学生", ["学生"], {G.STUDENT}),
    ("26-35", "无业", ["宝妈"], {G.MOTHER, G.JOBLESS}),
    ("36-45", "财会人员", ["财会"], {G.ACCOUNTANT}),
    ("36-45", "公职人员", [], {G.GENERAL}),
])
def test_resident_target_groups(band: str, occupation: str, tags: list[str], groups: set[TargetGroup]) -> None:
    assert targeting.groups_of(band, occupation, tags) == groups


def _signal(band: str, occupation: str, tags: tuple[str, ...], code: str, defrauded: bool = True) -> VictimSignal:
    return VictimSignal("case", "V1", None, band, occupation, tags, code, date(2026, 2, 1), defrauded)


def _profile(past: list[targeting.PastCampaign]) -> targeting.AreaProfile:
    signals = [_signal(">70", "退休", ("老人",), "F05")] * 6 + [_signal("18-25", "学生", ("学生",), "F09")]
    population = {G.ELDERLY: 500, G.STUDENT: 400, G.WORKER: 900}
    county = targeting.county_rates(signals * 10, {G.ELDERLY: 50_000, G.STUDENT: 40_000, G.WORKER: 90_000})
    return targeting.AreaProfile(population=population, uninstalled={G.ELDERLY: 400, G.STUDENT: 100},
                                 signals=signals, county_rate=county, past=past)


def test_area_with_elderly_police_impersonation_losses_is_told_to_visit_the_elderly_about_f05() -> None:
    top = targeting.recommend(_profile([]), today=date(2026, 3, 1))[0]
    assert (top.group, top.fraud_type, top.channel) == (G.ELDERLY, "F05", CampaignKind.DOOR_VISIT)
    assert any("6 起" in r for r in top.reasons) and any("未安装 80%" in r for r in top.reasons)


def test_recent_campaign_on_the_same_target_lowers_it_and_switches_channel() -> None:
    past = [targeting.PastCampaign("入户走访", date(2026, 2, 20), ("老人",), ("F05",))]
    fresh = targeting.recommend(_profile([]), today=date(2026, 3, 1), top=10)
    after = targeting.recommend(_profile(past), today=date(2026, 3, 1), top=10)
    before_score = next(t.score for t in fresh if (t.group, t.fraud_type) == (G.ELDERLY, "F05"))
    elderly = next(t for t in after if (t.group, t.fraud_type) == (G.ELDERLY, "F05"))
    assert elderly.score == pytest.approx(before_score / 2)
    assert elderly.channel == CampaignKind.LECTURE
    assert any("优先级下调" in r for r in elderly.reasons)
    # Campaigns older than the recent window no longer count.
    old = [targeting.PastCampaign("入户走访", date(2025, 9, 1), ("老人",), ("F05",))]
    assert targeting.recommend(_profile(old), today=date(2026, 3, 1))[0].score == pytest.approx(before_score)


@pytest.mark.parametrize("code", list(FRAUD_TYPES))
def test_every_fraud_type_has_an_sms_that_fits_one_segment_with_its_signature(code: str) -> None:
    text = sms.text_for(code, signature="【安澜县公安局反诈中心】")
    assert len(text) <= sms.SMS_SEGMENT
    assert text.startswith("【")
