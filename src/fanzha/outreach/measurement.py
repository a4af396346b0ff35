"""Effect measurement on the database: which villages were targeted in a period, their warning
or case counts before and after, handed to effect.did().

A village counts as targeted when a campaign of the period was held in it (or one of its grids).
Town- or county-wide campaigns (an SMS blast, a 公众号 post) reach targeted and untargeted
villages alike, so they cannot be measured this way and are left out of the comparison.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.areas.models import Area, AreaLevel
from fanzha.core import clock
from fanzha.core.errors import Invalid
from fanzha.core.rbac import Permission, Principal
from fanzha.outreach import effect, sources
from fanzha.outreach.coverage import grid_tallies
from fanzha.outreach.models import Campaign, CampaignKind
from fanzha.outreach.schemas import EffectOut

OUTCOMES_ZH = {"warnings": "预警", "cases": "被骗"}
MIN_AFTER_DAYS = 14


def _village_of(path: str, villages: dict[str, str]) -> str | None:
    for code in reversed(path.strip("/").split("/")):
        if code in villages:
            return code
    return None


def measure(session: Session, *, actor: Principal, start: date, end: date, outcome: str = "warnings",
            window_days: int = 90, kind: CampaignKind | None = None, fraud_type: str | None = None) -> EffectOut:
    actor.require(Permission.OUTREACH_READ)
    if outcome not in OUTCOMES_ZH:
        raise Invalid("效果指标须为 warnings（预警）或 cases（被骗）", "outcome must be warnings or cases")
    if end < start:
        raise Invalid("结束日期不能早于开始日期", "end before start", fields={"end": "结束日期不能早于开始日期"})
    today = clock.now().date()
    after_days = min(window_days, (today - end).days)
    if after_days < MIN_AFTER_DAYS:
        raise Invalid(f"活动结束后观察期不足 {MIN_AFTER_DAYS} 天，暂不能评估效果",
                      f"need at least {MIN_AFTER_DAYS} days after the period")
    scope_path = actor.scope.path or "/"
    paths = {code: path for code, path in session.execute(
        select(Area.code, Area.path).where(actor.scope.clause(Area.path)))}
    villages = {a.code: a.path for a in session.scalars(
        select(Area).where(actor.scope.clause(Area.path), Area.level == AreaLevel.VILLAGE))}
    population: dict[str, int] = {}
    for code, tally in grid_tallies(session, actor=actor, under_path=scope_path).items():
        village = _village_of(paths.get(code, "/"), villages)
        if village:
            population[village] = population.get(village, 0) + tally.residents
    stmt = select(Campaign.area_path, Campaign.held_on).where(
        actor.scope.clause(Campaign.area_path), Campaign.held_on >= start - timedelta(days=window_days),
        Campaign.held_on <= end + timedelta(days=after_days))
    if kind:
        stmt = stmt.where(Campaign.kind == kind)
    treated: set[str] = set()
    touched: set[str] = set()
    for path, held_on in session.execute(stmt):
        village = _village_of(path, villages)
        if village is None:
            continue  # town/county-wide: reaches both groups
        touched.add(village)
        if start <= held_on <= end:
            treated.add(village)
    before_from, after_to = start - timedelta(days=window_days), end + timedelta(days=after_days)
    counts: dict[str, list[int]] = {}
    for s in sources.recent_signals(session, scope=actor.scope, since=before_from,
                                     by=frozenset({sources.AREA, sources.DAY})):
        if (outcome == "cases" and not s.defrauded) or (fraud_type and s.fraud_type != fraud_type):
            continue
        village = _village_of(paths.get(s.area_code, "/"), villages)
        if village is None:
            continue
        slot = counts.setdefault(village, [0, 0])
        if s.on is None:
            continue
        if s.on < start:
            slot[0] += s.count
        elif end < s.on <= after_to:
            slot[1] += s.count
    rows = [effect.AreaPeriods(v, population[v], v in treated, *counts.get(v, [0, 0]))
            for v in sorted(villages) if population.get(v) and (v in treated or v not in touched)]
    if not any(r.treated for r in rows) or all(r.treated for r in rows) or len(rows) < 4:
        raise Invalid("该时段缺少可比较的宣防村社与未宣防村社，无法评估",
                      "need both targeted and untargeted villages in the period")
    est = effect.did(rows, before_days=window_days, after_days=after_days)
    return EffectOut(outcome=outcome, estimate_per_10k=round(est.effect, 3), ci_low=round(est.ci_low, 3),
                     ci_high=round(est.ci_high, 3), p_value=round(est.p_value, 4), treated_areas=est.treated,
                     control_areas=est.controls, note_zh=est.summary_zh(OUTCOMES_ZH[outcome]))
