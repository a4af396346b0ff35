"""Targeting and visit plans on the database: gathers the aggregates and the one grid's residents,
then hands plain data to the pure modules (targeting.py, visitplan.py)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.areas.models import Area, AreaLevel
from fanzha.core import cache, clock
from fanzha.core.db import session_scope
from fanzha.core.errors import Invalid
from fanzha.core.rbac import Permission, Principal
from fanzha.core.scope import Scope
from fanzha.outreach import service, sources, targeting, visitplan
from fanzha.outreach.models import Campaign, TargetGroup
from fanzha.outreach.schemas import PlanStop, Recommendation
from fanzha.people.models import Person

log = structlog.get_logger("fanzha.outreach.planning")

HISTORY_DAYS = 180
DEFAULT_STOPS = 20  # households one grid worker can visit in a day's round (~15 min each + walking)


def county_path(path: str) -> str:
    """The top of the tree above an area: rates are learned county-wide, from aggregates only."""
    return "/" + path.strip("/").split("/")[0] + "/"


def _group_population(session: Session, path: str, *, refresh: bool = False
                      ) -> tuple[dict[TargetGroup, int], dict[TargetGroup, int]]:
    return cache.cached(session, ("outreach.group_population", path), lambda: _group_population_now(session, path),
                        refresh=refresh)


def _group_population_now(session: Session, path: str) -> tuple[dict[TargetGroup, int], dict[TargetGroup, int]]:
    rows = session.execute(
        select(Person.age_band, Person.occupation, Person.app_installed, func.count())
        .where(Person.area_path.startswith(path, autoescape=True))
        .group_by(Person.age_band, Person.occupation, Person.app_installed))
    population: dict[TargetGroup, int] = {}
    uninstalled: dict[TargetGroup, int] = {}
    for band, occupation, installed, n in rows:
        for g in targeting.groups_of(band, occupation, ()):
            population[g] = population.get(g, 0) + n
            if not installed:
                uninstalled[g] = uninstalled.get(g, 0) + n
    return population, uninstalled


_BY_AREA_AND_PROFILE = frozenset({sources.AREA, sources.PROFILE})
_PROFILE = frozenset({sources.PROFILE})
# A profile's tally key: (source, age band, occupation, fraud type, defrauded). Tallies are kept as
# dicts of plain tuples and ints, which the garbage collector does not track: a county-year is
# ~50,000 of them and would otherwise lengthen every full collection of the serving process.
_Key = tuple[str, str | None, str | None, str, bool]
Tally = dict[_Key, int]


def _per_area(session: Session, root: str, since: date, *, refresh: bool = False) -> dict[str, Tally]:
    """The county's half year of signals per area code and profile: one GROUP BY (about a second on
    a county-year) that every area's recommendations and the visit-plan model are summed from."""
    def compute() -> dict[str, Tally]:
        out: dict[str, Tally] = {}
        for s in sources.recent_signals(session, scope=Scope(root), since=since, by=_BY_AREA_AND_PROFILE):
            tally = out.setdefault(s.area_code, {})
            key = (s.source, s.age_band, s.occupation, s.fraud_type, s.defrauded)
            tally[key] = tally.get(key, 0) + s.count
        return out

    return cache.cached(session, ("outreach.per_area", root, since), compute, refresh=refresh)


def _signals(tally: Tally, area_code: str = "") -> list[sources.VictimSignal]:
    return [sources.VictimSignal(k[0], area_code, None, k[1], k[2], (), k[3], None, k[4], n)
            for k, n in tally.items()]


def _area_paths(session: Session, root: str) -> dict[str, str]:
    return cache.cached(session, ("outreach.area_paths", root), lambda: {str(code): str(path) for code, path in (
        session.execute(select(Area.code, Area.path).where(Area.path.startswith(root, autoescape=True))))})


def _local_signals(session: Session, root: str, since: date, path: str, *, refresh: bool = False
                   ) -> list[sources.VictimSignal]:
    """The signals of the areas under `path`, per profile (what recent_signals(scope=path) reads),
    summed from the per-area tallies: a town adds up its grids' few hundred rows."""
    def compute() -> Tally:
        per_area = _per_area(session, root, since, refresh=refresh)
        paths = _area_paths(session, root)
        total: Tally = {}
        for code, tally in per_area.items():
            if path == root or paths.get(code, "").startswith(path):
                for k, n in tally.items():
                    total[k] = total.get(k, 0) + n
        return total

    return _signals(cache.cached(session, ("outreach.local_signals", root, since, path), compute, refresh=refresh))


def recommendations(session: Session, *, actor: Principal, area_code: str, top: int = 5) -> list[Recommendation]:
    actor.require(Permission.OUTREACH_READ)
    area = areas.get(session, code=area_code, scope=actor.scope)
    today = clock.now().date()
    root = county_path(area.path)
    since = today - timedelta(days=HISTORY_DAYS)
    county_signals = _local_signals(session, root, since, root)
    local_signals = _local_signals(session, root, since, area.path)
    county_pop, _ = _group_population(session, root)
    population, uninstalled = _group_population(session, area.path)
    past = [targeting.PastCampaign(c.kind, c.held_on, tuple(c.target_groups), tuple(c.fraud_types))
            for c in session.scalars(select(Campaign).where(
                Campaign.area_path.startswith(area.path, autoescape=True),
                Campaign.held_on >= today - timedelta(days=targeting.RECENT_DAYS)))]
    profile = targeting.AreaProfile(
        population=population, uninstalled=uninstalled,
        signals=local_signals,
        county_rate=targeting.county_rates(county_signals, county_pop), past=past)
    return [Recommendation(group=t.group, fraud_type=t.fraud_type, fraud_type_name=t.fraud_type_name,
                           channel=t.channel, score=t.score, reasons=list(t.reasons))
            for t in targeting.recommend(profile, today=today, top=top)]


@dataclass
class _CountyModel:
    model: visitplan.RiskModel
    grid_index: dict[str, int]
    county_rate: float


def _county_model(session: Session, root: str, today: date, *, refresh: bool = False) -> _CountyModel:
    key = ("outreach.county_model", root, today)
    return cache.cached(session, key, lambda: _county_model_now(session, root, today), refresh=refresh)


def _county_model_now(session: Session, root: str, today: date) -> _CountyModel:
    cells = session.execute(
        select(Person.area_code, Person.age_band, Person.occupation, func.count())
        .where(Person.area_path.startswith(root, autoescape=True))
        .group_by(Person.area_code, Person.age_band, Person.occupation)).all()
    grid_index: dict[str, int] = {}
    for code, *_ in cells:
        grid_index.setdefault(code, len(grid_index))
    since = today - timedelta(days=HISTORY_DAYS)
    by_profile = _local_signals(session, root, since, root)
    by_area = sources.collapse([s for code, tally in _per_area(session, root, since).items()
                                for s in _signals(tally, code)], frozenset({sources.AREA}))
    model = visitplan.fit(np.array([grid_index[c[0]] for c in cells], dtype=np.int64),
                          np.array([visitplan.segment_of(c[1], c[2]) for c in cells], dtype=np.int64),
                          np.array([c[3] for c in cells], dtype=np.float64), visitplan.segment_weights(by_profile),
                          visitplan.grid_weights(by_area, grid_index=grid_index))
    total = sum(c[3] for c in cells)
    rate = float(np.dot(model.segment_rate[[visitplan.segment_of(c[1], c[2]) for c in cells]],
                        [c[3] for c in cells]) / total) if total else 0.0
    return _CountyModel(model, grid_index, rate)


def _member(p: Person, visited: dict[int, date]) -> dict[str, object]:
    """What the plan shows of a resident: masked values only (the page unmasks on demand, audited)."""
    return {"id": p.id, "name": p.name_masked, "phone": p.phone_masked or "", "age": p.age, "tags": list(p.tags),
            "app_installed": p.app_installed, "app_registered": p.app_registered,
            "last_visit": visited[p.id].isoformat() if p.id in visited else None}


def visit_plan(session: Session, *, actor: Principal, grid_code: str, stops: int = DEFAULT_STOPS) -> list[PlanStop]:
    """Today's round for one grid: households by summed risk, members masked."""
    actor.require(Permission.OUTREACH_READ)
    actor.require(Permission.PERSON_READ)
    if not 1 <= stops <= 200:
        raise Invalid("每日走访户数须在 1–200 之间", "stops must be between 1 and 200")
    grid = areas.get(session, code=grid_code, scope=actor.scope)
    if grid.level != AreaLevel.GRID:
        raise Invalid("走访计划按网格生成，请选择网格", "visit plans are per grid", fields={"grid_code": grid_code})
    today = clock.now().date()
    county = _county_model(session, county_path(grid.path), today)
    people = session.scalars(select(Person).where(Person.area_code == grid.code).order_by(Person.id)).all()
    if not people:
        return []
    flagged = sources.flagged_persons(session, area_path=grid.path, since=today - timedelta(days=HISTORY_DAYS))
    visited = service.last_visits(session, area_path=grid.path, since=today - timedelta(days=365))
    households: dict[str, int] = {}
    keys = [households.setdefault(p.address_enc or f"#{p.id}", len(households)) for p in people]
    g = county.grid_index.get(grid.code, 0)
    residents = visitplan.Residents(
        grid=np.zeros(len(people), dtype=np.int64), household=np.array(keys, dtype=np.int64),
        segment=np.array([visitplan.segment_of(p.age_band, p.occupation) for p in people], dtype=np.int64),
        app_installed=np.array([p.app_installed for p in people]), flagged=np.array([p.id in flagged for p in people]),
        days_since_visit=np.array([(today - visited[p.id]).days if p.id in visited else 10_000 for p in people]))
    local_model = visitplan.RiskModel(county.model.segment_rate, county.model.grid_factor[[g]])
    risk = local_model.risk(residents)
    chosen = visitplan.plan(residents, risk, stops_per_grid=stops)
    out = []
    for i in range(len(chosen)):
        rows = [int(j) for j in chosen.member_index[i]]
        lead = people[max(rows, key=lambda j: float(risk[j]))]
        reasons = visitplan.reasons_for(
            segment_rate=float(county.model.segment_rate[visitplan.segment_of(lead.age_band, lead.occupation)]),
            county_rate=county.county_rate, grid_factor=float(county.model.grid_factor[g]),
            app_installed=lead.app_installed, flagged=lead.id in flagged, tags=lead.tags)
        relative = float(chosen.risk[i]) / county.county_rate if county.county_rate else 0.0
        out.append(PlanStop(order=i + 1, household=f"第 {i + 1} 户", risk=round(relative, 1), reasons=reasons,
                            persons=[_member(people[j], visited) for j in rows]))
    return out


def warm_once() -> int:
    """Recompute every county's outreach aggregates into the cache; returns how many counties."""
    today = clock.now().date()
    since = today - timedelta(days=HISTORY_DAYS)
    with session_scope() as session:
        roots = sorted({county_path(p) for p in session.scalars(
            select(Area.path).where(Area.level == AreaLevel.COUNTY))})
        for root in roots:
            _local_signals(session, root, since, root, refresh=True)  # reads the county's signals afresh
            _group_population(session, root, refresh=True)
            _county_model(session, root, today, refresh=True)
    return len(roots)


def warm_loop(stop: threading.Event) -> None:
    """Background job beside the web app: the targets page and visit plans answer from cache,
    the first request after start-up included (refreshed before the cache's TTL runs out)."""
    while not stop.is_set():
        interval = max(cache.ttl_seconds() * 0.8, 30.0)
        if cache.ttl_seconds() <= 0:
            return
        try:
            log.info("outreach.warmup", counties=warm_once())
        except Exception:  # keep serving; the next round tries again
            log.exception("outreach.warmup.failed")
        stop.wait(interval)
