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

from fanzha.areas.models import AreaLevel
from fanzha.outreach import effect, sources, visitplan
from fanzha.sim.county import County
from fanzha.sim.fraud import Attempt

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
    households: dict[tuple[str, str], int] = {}
    rs = county.residents
    from fanzha.people.models import age_band_of

    return visitplan.Residents(
        grid=np.array([grid_index[r.grid_code] for r in rs], dtype=np.int64),
        household=np.array([households.setdefault((r.grid_code, r.address), len(households)) for r in rs],
                           dtype=np.int64),
        segment=np.array([visitplan.segment_of(age_band_of(r.age).value, r.occupation) for r in rs], dtype=np.int64),
        app_installed=np.array([r.app_installed for r in rs]),
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

    @property
    def plan_share(self) -> float:
        return self.reached_by_plan / self.future_victims if self.future_victims else 0.0

    @property
    def random_share(self) -> float:
        return self.reached_by_random / self.future_victims if self.future_victims else 0.0

    @property
    def lift(self) -> float:
        return self.plan_share / self.random_share if self.random_share else 0.0


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
                         float(np.mean(random_hits)))


def _household_noise(residents: visitplan.Residents, rng: random.Random) -> np.ndarray:
    """One random score per household, spread evenly over its members so sums stay random."""
    _, inverse, counts = np.unique(residents.household, return_inverse=True, return_counts=True)
    per_household = np.array([rng.random() for _ in range(len(counts))])
    return np.asarray(per_household[inverse] / counts[inverse])


def history_split(start: date, days: int, *, history_share: float = 2 / 3) -> date:
    return start + timedelta(days=int(days * history_share))
