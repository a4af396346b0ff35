"""Visit plans (入户走访计划) for grid workers: households ordered by risk, as many as one
day's round allows. Pure and vectorized: a whole county (~40万 residents) plans in well under
a second, so the plan can be rebuilt every morning or on every page load.

Risk of a resident = learned rate of their segment (age band × occupation), times how much
their grid runs above or below what its make-up predicts, times a few field factors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fanzha.outreach.sources import VictimSignal
from fanzha.outreach.targeting import ENGAGED_WEIGHT
from fanzha.people.models import AgeBand

AGE_BANDS = [b.value for b in AgeBand]
OCCUPATIONS = ["农民", "企业职工", "个体经营", "学生", "退休", "公职人员", "财会人员", "无业", "自由职业"]
SEGMENTS = len(AGE_BANDS) * (len(OCCUPATIONS) + 1)  # the last occupation slot is "other/unknown"

# Field factors, all configurable per call.
NO_APP_FACTOR = 1.2  # no App: no pop-up warning when a fraud call comes in, and the visit can install it
FLAGGED_FACTOR = 3.0  # warned or defrauded before: 二次被骗 is common
RECENT_VISIT_FACTOR = 0.2  # visited in the last RECENT_VISIT_DAYS: others first
RECENT_VISIT_DAYS = 30
SEGMENT_PRIOR = 500.0  # residents' worth of county average mixed into each segment's rate
GRID_PRIOR = 5.0  # incidents' worth of "as expected" mixed into each grid's factor

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def segment_of(age_band: str | None, occupation: str | None) -> int:
    band = AGE_BANDS.index(age_band) if age_band in AGE_BANDS else AGE_BANDS.index(AgeBand.A46_60)
    occ = OCCUPATIONS.index(occupation) if occupation in OCCUPATIONS else len(OCCUPATIONS)
    return band * (len(OCCUPATIONS) + 1) + occ


@dataclass
class Residents:
    """Column arrays, one entry per resident. `grid` indexes the caller's grid list;
    `household` is any integer that is equal for residents of one household."""

    grid: IntArray
    household: IntArray
    segment: IntArray
    app_installed: BoolArray
    flagged: BoolArray
    days_since_visit: IntArray

    def __len__(self) -> int:
        return len(self.grid)


@dataclass
class RiskModel:
    segment_rate: FloatArray  # weighted incidents per resident, per segment
    grid_factor: FloatArray  # observed / expected incidents per grid, shrunk toward 1

    def risk(self, residents: Residents) -> FloatArray:
        r = self.segment_rate[residents.segment] * self.grid_factor[residents.grid]
        r = r * np.where(residents.app_installed, 1.0, NO_APP_FACTOR)
        r = r * np.where(residents.flagged, FLAGGED_FACTOR, 1.0)
        return np.asarray(r * np.where(residents.days_since_visit <= RECENT_VISIT_DAYS, RECENT_VISIT_FACTOR, 1.0))


def segment_weights(signals: Iterable[VictimSignal]) -> FloatArray:
    out = np.zeros(SEGMENTS)
    for s in signals:
        out[segment_of(s.age_band, s.occupation)] += (1.0 if s.defrauded else ENGAGED_WEIGHT) * s.count
    return out


def grid_weights(signals: Iterable[VictimSignal], *, grid_index: dict[str, int]) -> FloatArray:
    out = np.zeros(len(grid_index))
    for s in signals:
        g = grid_index.get(s.area_code)
        if g is not None:
            out[g] += (1.0 if s.defrauded else ENGAGED_WEIGHT) * s.count
    return out


def fit(cell_grid: IntArray, cell_segment: IntArray, cell_count: FloatArray, seg_w: FloatArray,
        grid_w: FloatArray) -> RiskModel:
    """Learn segment rates and grid factors from the county's own warnings and losses.

    Residents come as (grid, segment, count) cells so a database can hand over a GROUP BY;
    signals as weighted incidents per segment and per grid.
    """
    seg_pop = np.bincount(cell_segment, weights=cell_count, minlength=SEGMENTS)
    overall = seg_w.sum() / max(seg_pop.sum(), 1.0)
    segment_rate = (seg_w + SEGMENT_PRIOR * overall) / (seg_pop + SEGMENT_PRIOR)
    expected = np.bincount(cell_grid, weights=cell_count * segment_rate[cell_segment], minlength=len(grid_w))
    grid_factor = (grid_w + GRID_PRIOR) / (expected + GRID_PRIOR)
    return RiskModel(segment_rate=segment_rate, grid_factor=grid_factor)


def fit_residents(residents: Residents, signals: Iterable[VictimSignal], *, grid_index: dict[str, int]) -> RiskModel:
    signals = list(signals)
    return fit(residents.grid, residents.segment, np.ones(len(residents)), segment_weights(signals),
               grid_weights(signals, grid_index=grid_index))


@dataclass
class Plan:
    """Chosen households: the grid, household key and summed risk of each, per grid ordered by risk."""

    grid: IntArray
    household: IntArray
    risk: FloatArray
    rank: IntArray
    member_index: Sequence[IntArray]  # residents (row numbers) in each chosen household

    def __len__(self) -> int:
        return len(self.grid)


def plan(residents: Residents, risk: FloatArray, *, stops_per_grid: int, with_members: bool = True) -> Plan:
    """Top `stops_per_grid` households of every grid by summed member risk (a visit reaches them all)."""
    key = residents.grid.astype(np.int64) * (int(residents.household.max(initial=0)) + 1) + residents.household
    uniq, inverse = np.unique(key, return_inverse=True)
    hh_risk = np.asarray(np.bincount(inverse, weights=risk), dtype=np.float64)
    hh_grid = np.asarray(residents.grid)[np.unique(inverse, return_index=True)[1]]
    order = np.lexsort((-hh_risk, hh_grid))
    sorted_grid = hh_grid[order]
    first = np.searchsorted(sorted_grid, sorted_grid, side="left")
    rank = np.arange(len(order)) - first
    keep = order[rank < stops_per_grid]
    members: list[IntArray] = []
    if with_members and len(keep):
        by_household = np.argsort(inverse, kind="stable")
        starts = np.searchsorted(inverse[by_household], keep, side="left")
        ends = np.searchsorted(inverse[by_household], keep, side="right")
        members = [by_household[a:b] for a, b in zip(starts, ends, strict=True)]
    return Plan(grid=hh_grid[keep], household=uniq[keep] % (int(residents.household.max(initial=0)) + 1),
                risk=hh_risk[keep], rank=rank[rank < stops_per_grid], member_index=members)


def reasons_for(*, segment_rate: float, county_rate: float, grid_factor: float, app_installed: bool,
                flagged: bool, tags: Sequence[str]) -> list[str]:
    """Why a resident is on the list, in the grid worker's words."""
    out = []
    if flagged:
        out.append("曾接到预警或曾被骗，二次被骗风险高")
    if segment_rate > county_rate * 1.2:
        out.append(f"所属人群受骗率为全县平均的 {segment_rate / county_rate:.1f} 倍")
    if grid_factor > 1.2:
        out.append(f"本网格近期发案/预警高于同类人群预期 {grid_factor:.1f} 倍")
    if not app_installed:
        out.append("未安装国家反诈App，上门时可协助安装注册")
    if tags:
        out.append(f"重点人群：{'、'.join(tags)}")
    return out or ["按辖区风险排序"]
