"""Outreach in the simulated county, with effects of KNOWN size, so the estimators can be checked.

Two things are simulated:
1. Area rates (effect measurement). Every village gets a warning rate and a case rate from its
   make-up (share of elderly, App coverage) times a random area effect. The center targets
   villages by their make-up (plus judgement, i.e. noise), never by the noisy outcome itself.
   After the campaign, targeted villages' expected rates drop by a known share. All villages
   share a common seasonal shift, so parallel trends hold by construction and the true effect
   in the estimator's units is known exactly.
2. Visit targeting (who to visit). The simulator's own fraud stream is split in time: the first
   part is history the platform sees, the rest is the future; a good plan reaches more of the
   future victims than a random one with the same number of households.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from fanzha.areas.models import AreaLevel
from fanzha.outreach import effect, sources, visitplan
from fanzha.outreach.models import FRAUD_TYPES, CampaignKind
from fanzha.sim.county import County
from fanzha.sim.fraud import Attempt
from fanzha.sim.runner import SimContext

# Magnitudes from sim/fraud.py: ~500 engaged contacts a day and ~40 reported cases a month
# in a county of 40万 → ~375 warnings and ~1 case per 10k residents per 30 days.
WARNINGS_PER_10K_MONTH = 375.0
CASES_PER_10K_MONTH = 1.0
TRUE_WARNING_REDUCTION = 0.15  # engagement: targeted residents pick up fewer fraud contacts
TRUE_CASE_REDUCTION = 0.30  # victimization: fewer of them pay
SEASONAL_SHIFT = 0.10  # every village's rates move by the same amount between the two windows


@dataclass(frozen=True)
class Village:
    code: str
    population: int
    elderly_share: float
    app_rate: float


def villages_of(county: County) -> list[Village]:
    grid_parent = {a.code: a.parent_code for a in county.areas if a.level == AreaLevel.GRID}
    tally: dict[str, list[int]] = {}
    for r in county.residents:
        t = tally.setdefault(grid_parent[r.grid_code] or "", [0, 0, 0])
        t[0] += 1
        t[1] += r.age >= 60
        t[2] += r.app_installed
    return [Village(code, n, e / n, a / n) for code, (n, e, a) in sorted(tally.items()) if n]


@dataclass(frozen=True)
class TrialResult:
    outcome: str
    truth: float
    estimate: effect.Estimate

    @property
    def covered(self) -> bool:
        return self.estimate.covers(self.truth)


def run_trial(villages: Sequence[Village], *, seed: int, months_before: int = 6, months_after: int = 6,
              share_targeted: float = 0.25, match: bool = True, permutations: int = 500) -> list[TrialResult]:
    """One simulated campaign season; returns the estimate and the truth for warnings and cases."""
    rng = np.random.default_rng(seed)
    pop = np.array([v.population for v in villages], dtype=float)
    elderly = np.array([v.elderly_share for v in villages])
    app = np.array([v.app_rate for v in villages])
    z_e = (elderly - elderly.mean()) / (elderly.std() or 1.0)
    z_a = (app - app.mean()) / (app.std() or 1.0)
    # Targeting by make-up plus the center's judgement; outcomes play no part in the choice.
    priority = z_e - z_a + rng.normal(0, 1.0, len(villages))
    treated = priority >= np.quantile(priority, 1 - share_targeted)
    out = []
    for name, base, reduction, structure in (("warnings", WARNINGS_PER_10K_MONTH, TRUE_WARNING_REDUCTION, 0.05),
                                             ("cases", CASES_PER_10K_MONTH, TRUE_CASE_REDUCTION, 0.25)):
        lam = base * np.exp(structure * z_e - 0.05 * z_a + rng.normal(0, 0.25, len(villages)))
        shift = SEASONAL_SHIFT * base
        after_expected = lam + shift - np.where(treated, reduction * lam, 0.0)
        before = rng.poisson(lam * pop / 10_000 * months_before)
        after = rng.poisson(np.maximum(after_expected, 0) * pop / 10_000 * months_after)
        rows = [effect.AreaPeriods(v.code, v.population, bool(t), int(b), int(a))
                for v, t, b, a in zip(villages, treated, before, after, strict=True)]
        truth = -reduction * float(np.dot(pop[treated], lam[treated]) / pop[treated].sum())
        est = effect.did(rows, before_days=30 * months_before, after_days=30 * months_after, match=match,
                         permutations=permutations, seed=seed)
        out.append(TrialResult(name, truth, est))
    return out


def coverage_study(county: County, *, runs: int, first_seed: int = 1, match: bool = True,
                   permutations: int = 200) -> dict[str, dict[str, float]]:
    """Share of seeded runs whose 95% interval covers the true effect, per outcome."""
    villages = villages_of(county)
    results: dict[str, list[TrialResult]] = {}
    for s in range(first_seed, first_seed + runs):
        for r in run_trial(villages, seed=s, match=match, permutations=permutations):
            results.setdefault(r.outcome, []).append(r)
    return {name: {
        "runs": len(rs), "coverage": sum(r.covered for r in rs) / len(rs),
        "mean_truth": float(np.mean([r.truth for r in rs])),
        "mean_estimate": float(np.mean([r.estimate.effect for r in rs])),
        "mean_halfwidth": float(np.mean([(r.estimate.ci_high - r.estimate.ci_low) / 2 for r in rs])),
        "share_significant": sum(r.estimate.p_value < 0.05 for r in rs) / len(rs),
    } for name, rs in results.items()}


def residents_frame(county: County) -> tuple[visitplan.Residents, dict[str, int]]:
    """The county's residents as plan input; households are the generated addresses."""
    grid_index = {g.code: i for i, g in enumerate(county.grids)}
    rs = county.residents
    households: dict[tuple[str, str], int] = {}
    occupation_slot = {o: i for i, o in enumerate(visitplan.OCCUPATIONS)}
    other = len(visitplan.OCCUPATIONS)
    ages = np.fromiter((r.age for r in rs), dtype=np.int64, count=len(rs))
    # Upper age of each band in visitplan.AGE_BANDS order (<18, 18-25, …, >70).
    band = np.searchsorted(np.array([17, 25, 35, 45, 60, 70]), ages, side="left")
    occupation = np.fromiter((occupation_slot.get(r.occupation, other) for r in rs), dtype=np.int64, count=len(rs))
    return visitplan.Residents(
        grid=np.fromiter((grid_index[r.grid_code] for r in rs), dtype=np.int64, count=len(rs)),
        household=np.fromiter((households.setdefault((r.grid_code, r.address), len(households)) for r in rs),
                              dtype=np.int64, count=len(rs)),
        segment=band * (other + 1) + occupation,
        app_installed=np.fromiter((r.app_installed for r in rs), dtype=bool, count=len(rs)),
        flagged=np.zeros(len(rs), dtype=bool),
        days_since_visit=np.full(len(rs), 10_000, dtype=np.int64),
    ), grid_index


@dataclass(frozen=True)
class TargetingLift:
    households_per_grid: int
    residents_reached: int
    future_victims: int
    reached_by_plan: int
    reached_by_random: float
    residents: int

    @property
    def plan_share(self) -> float:
        return self.reached_by_plan / self.future_victims if self.future_victims else 0.0

    @property
    def random_share(self) -> float:
        return self.reached_by_random / self.future_victims if self.future_victims else 0.0

    @property
    def lift(self) -> float:
        """Against random households, the same number per grid (knocking on doors without a list)."""
        return self.plan_share / self.random_share if self.random_share else 0.0

    @property
    def per_resident_lift(self) -> float:
        """Against reaching the same NUMBER OF RESIDENTS at random: removes the gain from big households."""
        expected = self.residents_reached / self.residents
        return self.plan_share / expected if expected else 0.0


def targeting_lift(county: County, attempts: Sequence[Attempt], *, split: date, stops_per_grid: int = 20,
                   random_draws: int = 20, seed: int = 0) -> TargetingLift:
    """Plan from the history before `split`; count future victims (after it) in the planned households,
    against random plans of the same size in every grid."""
    residents, grid_index = residents_frame(county)
    history = [a for a in attempts if a.at.date() < split]
    future_victims = {a.resident_index for a in attempts if a.at.date() >= split and a.would_lose_fen > 0}
    flagged = np.zeros(len(residents), dtype=bool)
    flagged[[a.resident_index for a in history if a.would_lose_fen > 0]] = True
    residents.flagged = flagged
    model = visitplan.fit_residents(residents, sources.sim_signals(county, history), grid_index=grid_index)
    chosen = visitplan.plan(residents, model.risk(residents), stops_per_grid=stops_per_grid)
    reached = np.concatenate(chosen.member_index) if len(chosen) else np.array([], dtype=np.int64)
    victims = np.zeros(len(residents), dtype=bool)
    victims[list(future_victims)] = True
    rng = random.Random(seed)
    random_hits = []
    for _ in range(random_draws):
        # Same number of households per grid, chosen at random: give each household a random risk.
        rand_plan = visitplan.plan(residents, _household_noise(residents, rng), stops_per_grid=stops_per_grid)
        members = np.concatenate(rand_plan.member_index)
        random_hits.append(int(victims[members].sum()))
    return TargetingLift(stops_per_grid, len(reached), int(victims.sum()), int(victims[reached].sum()),
                         float(np.mean(random_hits)), len(residents))


def _household_noise(residents: visitplan.Residents, rng: random.Random) -> np.ndarray:
    """One random score per household, spread evenly over its members so sums stay random."""
    _, inverse, counts = np.unique(residents.household, return_inverse=True, return_counts=True)
    per_household = np.array([rng.random() for _ in range(len(counts))])
    return np.asarray(per_household[inverse] / counts[inverse])


def history_split(start: date, days: int, *, history_share: float = 2 / 3) -> date:
    return start + timedelta(days=int(days * history_share))


def report(ctx: SimContext) -> dict[str, object]:
    """`fanzha simulate` figures: interval coverage against the known effect, and targeting lift."""
    study = coverage_study(ctx.county, runs=20, first_seed=ctx.seed * 1000 + 1)
    out: dict[str, object] = {"outreach_effect_ci_coverage": {k: round(v["coverage"], 2) for k, v in study.items()},
                              "outreach_effect_runs": 20}
    if ctx.days >= 30:
        lift = targeting_lift(ctx.county, ctx.attempts, split=history_split(ctx.start, ctx.days),
                              stops_per_grid=10, random_draws=5, seed=ctx.seed)
        out["outreach_targeting"] = {
            "future_victims": lift.future_victims, "plan_share": round(lift.plan_share, 3),
            "random_households_share": round(lift.random_share, 3), "lift_vs_random_households": round(lift.lift, 2),
            "lift_per_resident": round(lift.per_resident_lift, 2)}
    return out


# What a county's year of outreach looks like: ~5,000 records, most of them door visits.
RECORDS_PER_YEAR = 5_000
CAMPAIGN_SHARE = 0.15
KIND_MIX: list[tuple[CampaignKind, float]] = [
    (CampaignKind.LECTURE, 0.16), (CampaignKind.STALL, 0.2), (CampaignKind.DOOR_VISIT, 0.18),
    (CampaignKind.SHORT_VIDEO, 0.08), (CampaignKind.WECHAT_ACCOUNT, 0.06), (CampaignKind.SMS, 0.04),
    (CampaignKind.CAMPUS, 0.1), (CampaignKind.BANK_BRANCH, 0.1), (CampaignKind.ENTERPRISE, 0.08),
]
KIND_FOCUS: dict[CampaignKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    CampaignKind.LECTURE: (("老人",), ("F05", "F11", "F12", "F02")),
    CampaignKind.STALL: (("全体群众",), ("F01", "F02", "F04", "F07")),
    CampaignKind.DOOR_VISIT: (("老人", "农民"), ("F05", "F11", "F12")),
    CampaignKind.SHORT_VIDEO: (("宝妈", "企业职工", "待业"), ("F01", "F03", "F10")),
    CampaignKind.WECHAT_ACCOUNT: (("全体群众",), ("F01", "F02", "F04", "F08")),
    CampaignKind.SMS: (("全体群众",), ("F01", "F04", "F05", "F11")),
    CampaignKind.CAMPUS: (("学生",), ("F01", "F06", "F09", "F07")),
    CampaignKind.BANK_BRANCH: (("老人", "个体经营"), ("F05", "F11", "F02")),
    CampaignKind.ENTERPRISE: (("企业职工", "财会"), ("F08", "F01", "F02")),
}
PLACES = {CampaignKind.LECTURE: "村委会会议室", CampaignKind.STALL: "集市广场", CampaignKind.DOOR_VISIT: "辖区住户",
          CampaignKind.SHORT_VIDEO: "抖音/视频号", CampaignKind.WECHAT_ACCOUNT: "县公安局公众号",
          CampaignKind.SMS: "全县手机用户", CampaignKind.CAMPUS: "辖区中小学", CampaignKind.BANK_BRANCH: "银行营业厅",
          CampaignKind.ENTERPRISE: "辖区企业"}


def _campaign_area(rng: random.Random, kind: CampaignKind, county: County) -> str:
    if kind in (CampaignKind.SMS, CampaignKind.WECHAT_ACCOUNT, CampaignKind.SHORT_VIDEO):
        return county.areas[0].code if rng.random() < 0.5 else rng.choice(county.towns).code
    if kind == CampaignKind.BANK_BRANCH:
        return rng.choice(county.towns).code
    villages = [a for a in county.areas if a.level == AreaLevel.VILLAGE]
    return rng.choice(villages).code


def seed_history(session: Session, ctx: SimContext) -> None:
    """Write ~5,000 outreach records a year (scaled to the simulated period) for the demo."""
    from sqlalchemy import insert, select, update

    from fanzha.areas import service as areas
    from fanzha.core import clock
    from fanzha.core.rbac import Principal
    from fanzha.outreach.models import Campaign, Visit
    from fanzha.people.models import Person

    rng = random.Random(ctx.seed * 613 + 5)
    total = round(RECORDS_PER_YEAR * ctx.days / 365)
    n_campaigns = round(total * CAMPAIGN_SHARE)
    paths = {a.code: a.path for a in areas.list_areas(session, scope=Principal.system().scope)}
    now = clock.now()
    kinds, weights = zip(*KIND_MIX, strict=True)
    campaigns = []
    for i in range(n_campaigns):
        kind = rng.choices(kinds, weights=weights)[0]
        groups, types = KIND_FOCUS[kind]
        area = _campaign_area(rng, kind, ctx.county)
        online = kind in (CampaignKind.SHORT_VIDEO, CampaignKind.WECHAT_ACCOUNT, CampaignKind.SMS)
        campaigns.append(Campaign(
            kind=kind, title=f"{kind}：防范{FRAUD_TYPES[types[0]]}诈骗", held_on=ctx.start + timedelta(
                days=rng.randrange(ctx.days)), place=PLACES[kind], target_groups=list(groups),
            fraud_types=sorted(rng.sample(types, k=min(len(types), rng.randint(1, 3)))),
            reach_people=0 if online else rng.randint(20, 400), reach_views=rng.randint(2_000, 60_000) if online else 0,
            materials=rng.choice(("宣传折页", "宣传折页、海报", "展板、折页、环保袋", "案例视频", "")),
            cost_fen=rng.randint(0, 3_000) * 100, external_ref=f"SIM-OUT-{ctx.seed}-{i:05d}",
            created_by="simulator", created_at=now, area_code=area, area_path=paths[area]))
    session.add_all(campaigns)
    session.flush()
    door: dict[str, list[Campaign]] = {}
    for c in campaigns:
        if c.kind == CampaignKind.DOOR_VISIT:
            door.setdefault(c.area_code, []).append(c)
    people = session.execute(select(Person.id, Person.area_code, Person.area_path, Person.age,
                                    Person.app_installed)).all()
    if not people:
        return
    # Grid workers visit the elderly and those without the App first.
    weights_p = [(3.0 if (p.age or 0) >= 60 else 1.0) * (2.0 if not p.app_installed else 1.0) for p in people]
    chosen = rng.choices(people, weights=weights_p, k=total - n_campaigns)
    visits, installs, registers = [], set(), set()
    for p in chosen:
        installed = not p.app_installed and p.id not in installs and rng.random() < 0.35
        registered = installed and rng.random() < 0.8
        if installed:
            installs.add(p.id)
        if registered:
            registers.add(p.id)
        village = p.area_path.strip("/").split("/")[-2]
        campaign = rng.choice(door[village]) if village in door and rng.random() < 0.5 else None
        on = campaign.held_on if campaign else ctx.start + timedelta(days=rng.randrange(ctx.days))
        visits.append({"person_id": p.id, "campaign_id": campaign.id if campaign else None, "visited_on": on,
                       "visitor": "grid", "fraud_types": sorted(rng.sample(["F05", "F11", "F12", "F01", "F02"], k=2)),
                       "app_installed_on_visit": installed, "app_registered_on_visit": registered,
                       "note": "", "created_at": now, "area_code": p.area_code, "area_path": p.area_path})
    session.execute(insert(Visit), visits)
    if installs:
        session.execute(update(Person).where(Person.id.in_(installs)).values(app_installed=True))
    if registers:
        session.execute(update(Person).where(Person.id.in_(registers)).values(app_registered=True))
    session.flush()
