"""Did outreach work? Difference-in-differences of case or warning rates, targeted areas against
comparable untargeted areas, before and after, with an honest interval.

Unit = area (village). Rate = events per 10,000 residents per 30 days. Each area contributes
its own before→after change; the estimate is the population-weighted mean change of targeted
areas minus that of their matched controls. The interval treats areas as independent clusters
(cluster-robust variance of the two weighted means, t quantile with the smaller group's
degrees of freedom, which errs wide on purpose); a permutation test of the treated labels
gives the p-value. Village case counts are small, so expect wide intervals for cases: the
report says so rather than hiding it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class AreaPeriods:
    area: str
    population: int
    treated: bool
    before: int  # events in the before window
    after: int  # events in the after window


@dataclass(frozen=True)
class Estimate:
    effect: float  # change in events per 10k residents per 30 days caused by outreach (negative = fewer)
    ci_low: float
    ci_high: float
    p_value: float
    treated: int
    controls: int
    baseline: float  # treated areas' before rate, for reading the effect as a share

    @property
    def relative(self) -> float:
        return self.effect / self.baseline if self.baseline else 0.0

    def covers(self, truth: float) -> bool:
        return self.ci_low <= truth <= self.ci_high

    def summary_zh(self, outcome_zh: str) -> str:
        sig = "在统计上显著" if self.p_value < 0.05 else "未达到统计显著（差异可能来自随机波动）"
        return (f"宣防后目标区域{outcome_zh}率较对照区域变化 {self.effect:+.2f}/万人·月"
                f"（95%置信区间 {self.ci_low:+.2f} 至 {self.ci_high:+.2f}，约为基线的 {self.relative:+.0%}），"
                f"{sig}；目标区域 {self.treated} 个，对照区域 {self.controls} 个。")


def rates(rows: Sequence[AreaPeriods], before_days: int, after_days: int) -> tuple[np.ndarray, np.ndarray]:
    pop = np.array([max(r.population, 1) for r in rows], dtype=float)
    before = np.array([r.before for r in rows]) / pop * 10_000 * 30 / before_days
    after = np.array([r.after for r in rows]) / pop * 10_000 * 30 / after_days
    return before, after


def match_controls(rows: Sequence[AreaPeriods], *, per_treated: int = 2) -> list[int]:
    """Untargeted areas closest in size to each targeted one, without reuse.

    Matching is on size, not on the before-rate: the before-rate is noisy, and controls picked
    for a high noisy rate fall back afterwards (regression to the mean), which in the simulator
    hid ~40% of the true effect on cases. The before→after differencing removes level
    differences between the groups."""
    treated = [i for i, r in enumerate(rows) if r.treated]
    pool = [i for i, r in enumerate(rows) if not r.treated]
    if len(pool) <= per_treated * len(treated):
        return pool
    log_pop = np.log([max(r.population, 1) for r in rows])
    free = set(pool)
    chosen: list[int] = []
    for t in sorted(treated, key=lambda i: -log_pop[i]):
        for _ in range(per_treated):
            if not free:
                break
            best = min(free, key=lambda j: (abs(log_pop[j] - log_pop[t]), rows[j].area))
            free.remove(best)
            chosen.append(best)
    return sorted(chosen)


def _weighted_mean_var(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    w = weights / weights.sum()
    mean = float(np.dot(w, values))
    n = len(values)
    var = float(np.sum(w**2 * (values - mean) ** 2)) * n / max(n - 1, 1)
    return mean, var


def did(rows: Sequence[AreaPeriods], *, before_days: int, after_days: int, match: bool = True,
        permutations: int = 2000, seed: int = 0, level: float = 0.95) -> Estimate:
    if not any(r.treated for r in rows) or all(r.treated for r in rows):
        raise ValueError("need both targeted and untargeted areas")
    before, after = rates(rows, before_days, after_days)
    idx_t = [i for i, r in enumerate(rows) if r.treated]
    idx_c = match_controls(rows) if match else [i for i, r in enumerate(rows) if not r.treated]
    diff = after - before
    pop = np.array([max(r.population, 1) for r in rows], dtype=float)
    mean_t, var_t = _weighted_mean_var(diff[idx_t], pop[idx_t])
    mean_c, var_c = _weighted_mean_var(diff[idx_c], pop[idx_c])
    effect = mean_t - mean_c
    se = float(np.sqrt(var_t + var_c))
    df = max(min(len(idx_t), len(idx_c)) - 1, 1)
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    # Permutation of the targeted label among the compared areas: how often chance alone does as well.
    rng = np.random.default_rng(seed)
    sample = np.array(idx_t + idx_c)
    d, w = diff[sample], pop[sample]
    n_t = len(idx_t)
    labels = np.zeros((permutations, len(sample)), dtype=bool)
    for k in range(permutations):
        labels[k, rng.permutation(len(sample))[:n_t]] = True
    wt = np.where(labels, w, 0.0)
    wc = np.where(labels, 0.0, w)
    perm = (wt @ d) / wt.sum(axis=1) - (wc @ d) / wc.sum(axis=1)
    p_value = float((np.sum(np.abs(perm) >= abs(effect)) + 1) / (permutations + 1))
    baseline = float(np.dot(pop[idx_t], before[idx_t]) / pop[idx_t].sum())
    return Estimate(effect=effect, ci_low=effect - half, ci_high=effect + half, p_value=p_value,
                    treated=len(idx_t), controls=len(idx_c), baseline=baseline)
