"""Precision targeting (精准宣防): which group × fraud type × channel an area should reach next.

Pure: takes the area's own victim profile, its App coverage by group and its past campaigns,
and returns ranked recommendations that each carry their reasons in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from fanzha.outreach.models import FRAUD_TYPES, CampaignKind, TargetGroup
from fanzha.outreach.sources import VictimSignal

G, K = TargetGroup, CampaignKind
# Channels that reach each group, best first (field practice: 老人 at the door and at the bank
# counter, 学生 on campus and short video, 财会 and 职工 through their employer).
CHANNELS: dict[TargetGroup, tuple[CampaignKind, ...]] = {
    G.ELDERLY: (K.DOOR_VISIT, K.LECTURE, K.BANK_BRANCH),
    G.STUDENT: (K.CAMPUS, K.SHORT_VIDEO, K.WECHAT_ACCOUNT),
    G.MOTHER: (K.SHORT_VIDEO, K.WECHAT_ACCOUNT, K.DOOR_VISIT),
    G.ACCOUNTANT: (K.ENTERPRISE, K.SMS, K.WECHAT_ACCOUNT),
    G.WORKER: (K.ENTERPRISE, K.SHORT_VIDEO, K.SMS),
    G.SELF_EMPLOYED: (K.STALL, K.SMS, K.WECHAT_ACCOUNT),
    G.FARMER: (K.DOOR_VISIT, K.STALL, K.LECTURE),
    G.JOBLESS: (K.SHORT_VIDEO, K.STALL, K.SMS),
    G.GENERAL: (K.SMS, K.STALL, K.SHORT_VIDEO),
}
OCCUPATION_GROUP = {"学生": G.STUDENT, "财会人员": G.ACCOUNTANT, "企业职工": G.WORKER, "个体经营": G.SELF_EMPLOYED,
                    "农民": G.FARMER, "无业": G.JOBLESS}
TAG_GROUP = {"老人": G.ELDERLY, "学生": G.STUDENT, "宝妈": G.MOTHER, "财会": G.ACCOUNTANT, "待业": G.JOBLESS}
ELDERLY_BANDS = {"61-70", ">70"}

# A loss counts fully; an engaged contact (a warning) hints at exposure. About 1 in 100 engaged
# residents pays, so 0.01 gives warnings and losses similar total weight.
ENGAGED_WEIGHT = 0.01
# Small villages see a handful of cases a year: borrow the county's rate worth this many residents.
PRIOR_RESIDENTS = 2_000
RECENT_DAYS = 90

# Before a county has its own records: the national case mix (share of cases by type, from
# public 公安部 summaries: 刷单返利 about a third, then investment, loans, fake customer service)
# and the groups each type is known to hit harder. Own data replaces it as soon as it exists.
NATIONAL_MIX = {"F01": 0.30, "F02": 0.14, "F03": 0.12, "F04": 0.11, "F05": 0.05, "F06": 0.05, "F07": 0.06,
                "F08": 0.05, "F09": 0.04, "F10": 0.03, "F11": 0.03, "F12": 0.03}
NATIONAL_AFFINITY: dict[TargetGroup, dict[str, float]] = {
    G.ELDERLY: {"F05": 3.0, "F11": 3.0, "F12": 2.5, "F02": 1.5},
    G.STUDENT: {"F09": 4.0, "F06": 3.0, "F01": 2.0, "F07": 1.5},
    G.MOTHER: {"F01": 3.0, "F03": 1.5},
    G.ACCOUNTANT: {"F08": 6.0},
    G.WORKER: {"F01": 1.5, "F03": 1.3},
    G.SELF_EMPLOYED: {"F03": 1.8, "F02": 1.3},
    G.JOBLESS: {"F01": 1.8, "F03": 1.8},
}
NATIONAL_CASES_PER_RESIDENT = 5e-4  # ~5 cases per 10k residents in half a year


def national_rates() -> dict[tuple[TargetGroup, str], float]:
    return {(g, t): NATIONAL_CASES_PER_RESIDENT * share * NATIONAL_AFFINITY.get(g, {}).get(t, 1.0)
            for g in TargetGroup for t, share in NATIONAL_MIX.items()}


def groups_of(age_band: str | None, occupation: str | None, tags: Iterable[str]) -> set[TargetGroup]:
    out = {TAG_GROUP[t] for t in tags if t in TAG_GROUP}
    if age_band in ELDERLY_BANDS:
        out.add(G.ELDERLY)
    if occupation in OCCUPATION_GROUP:
        out.add(OCCUPATION_GROUP[occupation])
    return out or {G.GENERAL}


def weight(signal: VictimSignal) -> float:
    return (1.0 if signal.defrauded else ENGAGED_WEIGHT) * signal.count


@dataclass(frozen=True)
class PastCampaign:
    kind: str
    held_on: date
    target_groups: tuple[str, ...]
    fraud_types: tuple[str, ...]

    def covers(self, group: TargetGroup, fraud_type: str) -> bool:
        group_ok = not self.target_groups or group in self.target_groups or G.GENERAL in self.target_groups
        return group_ok and (not self.fraud_types or fraud_type in self.fraud_types)


@dataclass
class AreaProfile:
    """What targeting knows about one area (and the county it borrows strength from)."""

    population: dict[TargetGroup, int]
    uninstalled: dict[TargetGroup, int]
    signals: Sequence[VictimSignal]
    county_rate: dict[tuple[TargetGroup, str], float]  # weighted incidents per resident of the group
    past: Sequence[PastCampaign] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    group: TargetGroup
    fraud_type: str
    channel: CampaignKind
    score: float
    reasons: tuple[str, ...]

    @property
    def fraud_type_name(self) -> str:
        return FRAUD_TYPES.get(self.fraud_type, self.fraud_type)


def county_rates(signals: Iterable[VictimSignal], population: dict[TargetGroup, int]
                 ) -> dict[tuple[TargetGroup, str], float]:
    totals: dict[tuple[TargetGroup, str], float] = {}
    for s in signals:
        for g in groups_of(s.age_band, s.occupation, s.tags):
            totals[(g, s.fraud_type)] = totals.get((g, s.fraud_type), 0.0) + weight(s)
    return {k: v / population[k[0]] for k, v in totals.items() if population.get(k[0])}


def recommend(profile: AreaProfile, *, today: date, top: int = 5) -> list[Target]:
    local: dict[tuple[TargetGroup, str], tuple[float, int]] = {}
    for s in profile.signals:
        for g in groups_of(s.age_band, s.occupation, s.tags):
            w, n = local.get((g, s.fraud_type), (0.0, 0))
            local[(g, s.fraud_type)] = (w + weight(s), n + s.count)
    recent = [c for c in profile.past if c.held_on >= today - timedelta(days=RECENT_DAYS)]
    out: list[Target] = []
    rates = profile.county_rate or national_rates()
    prior_label = "全县同群体" if profile.county_rate else "全国同类案件构成（本县暂无记录）"
    for (g, t), prior in rates.items():
        pop = profile.population.get(g, 0)
        if not pop or (g == G.GENERAL and len(profile.population) > 1):
            continue
        w, n = local.get((g, t), (0.0, 0))
        smoothed = (w + PRIOR_RESIDENTS * prior) / (pop + PRIOR_RESIDENTS)
        expected = smoothed * pop  # weighted incidents we expect in this group: reach where they happen
        uninstalled = profile.uninstalled.get(g, 0) / pop
        covering = [c for c in recent if c.covers(g, t)]
        discount = max(0.25, 0.5 ** len(covering))
        score = expected * (0.6 + 0.4 * uninstalled) * discount
        used = {c.kind for c in covering}
        channel = next((k for k in CHANNELS[g] if k not in used), CHANNELS[g][0])
        reasons = [f"本辖区{g}中{FRAUD_TYPES.get(t, t)}相关预警/案件 {n} 起"
                   f"（平滑后每万人 {smoothed * 10_000:.1f}，{prior_label} {prior * 10_000:.1f}）",
                   f"{g}共 {pop:,} 人，反诈App未安装 {uninstalled:.0%}"]
        if covering:
            reasons.append(f"近{RECENT_DAYS}天已开展覆盖该对象和类型的宣防 {len(covering)} 次，优先级下调")
        reasons.append(f"建议渠道：{channel}（{'、'.join(CHANNELS[g])}中最适合且近期未用）")
        out.append(Target(g, t, channel, round(score, 4), tuple(reasons)))
    out.sort(key=lambda r: (-r.score, r.group, r.fraud_type))
    return out[:top]
