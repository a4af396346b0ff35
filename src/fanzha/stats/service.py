"""Statistics use cases: figures for a node, the sibling ranking (反诈指数), 红黄蓝 colours and
their history. Read-only; every entry point checks the caller's permission and scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.areas.models import Area
from fanzha.core.rbac import Permission, Principal
from fanzha.stats import index, ratings
from fanzha.stats.engine import Engine, Values
from fanzha.stats.periods import Period, PeriodKind

RATING_CODES = ["cases", "cases_per_10k"]


@dataclass(frozen=True)
class RankedArea:
    area: Area
    score: index.Score
    rating: ratings.Rating
    values: Values


def area_for(session: Session, *, actor: Principal, code: str | None) -> Area:
    """The area asked for, inside the caller's jurisdiction; their own area by default."""
    actor.require(Permission.STATS_READ)
    target = code or actor.area_code
    if target is None:  # the system principal: the tree's root
        root = areas.list_areas(session, scope=actor.scope)[0]
        return root
    return areas.get(session, code=target, scope=actor.scope)


def ranking(engine: Engine, parent: Area, period: Period) -> list[RankedArea]:
    """Children of `parent` by 反诈指数, best first, each with its 红黄蓝 colour."""
    config = index.load_config()
    codes = sorted(set(config.codes) | set(RATING_CODES))
    kids, values = engine.children(parent, period, codes)
    if not kids:
        return []
    prev_kids = engine.values(kids, period.previous(), ["cases"])
    parent_rate = engine.node(parent, period, ["cases_per_10k"])["cases_per_10k"]
    scores = {s.area_code: s for s in index.score(config, {k.code: values[k.code] for k in kids})}
    rating_config = ratings.load_config()
    by_code = {k.code: k for k in kids}
    out = []
    for code, s in scores.items():
        vals = values[code]
        rating = ratings.rate(rating_config, rate_per_10k=_float(vals.get("cases_per_10k")), parent_rate=_float(parent_rate),
                              cases=_int(vals.get("cases")), previous_cases=_int(prev_kids[code].get("cases")),
                              days=period.days)
        out.append(RankedArea(by_code[code], s, rating, vals))
    return out


def colour_history(engine: Engine, parent: Area, months: list[Period]) -> dict[str, list[ratings.Rating]]:
    """Each child's colour month by month (oldest first)."""
    history: dict[str, list[ratings.Rating]] = {}
    for month in months:
        for row in ranking_colours(engine, parent, month):
            history.setdefault(row[0], []).append(row[1])
    return history


def ranking_colours(engine: Engine, parent: Area, period: Period) -> list[tuple[str, ratings.Rating]]:
    kids, values = engine.children(parent, period, RATING_CODES)
    if not kids:
        return []
    prev = engine.values(kids, period.previous(), ["cases"])
    parent_rate = engine.node(parent, period, ["cases_per_10k"])["cases_per_10k"]
    config = ratings.load_config()
    return [(k.code, ratings.rate(config, rate_per_10k=_float(values[k.code].get("cases_per_10k")),
                                  parent_rate=_float(parent_rate), cases=_int(values[k.code].get("cases")),
                                  previous_cases=_int(prev[k.code].get("cases")), days=period.days))
            for k in kids]


def index_trend(engine: Engine, parent: Area, months: list[Period]) -> dict[str, list[float | None]]:
    """Each child's 反诈指数 month by month (oldest first)."""
    config = index.load_config()
    trend: dict[str, list[float | None]] = {}
    for month in months:
        kids, values = engine.children(parent, month, config.codes)
        for s in index.score(config, {k.code: values[k.code] for k in kids}):
            trend.setdefault(s.area_code, []).append(s.score)
    return trend


def last_months(period: Period, count: int = 12) -> list[Period]:
    last = period.months()[-1] if period.kind is not PeriodKind.DAY else Period.containing(PeriodKind.MONTH,
                                                                                          period.start)
    return [last.shift(-i) for i in range(count - 1, -1, -1)]


def _float(v: float | int | None) -> float | None:
    return None if v is None else float(v)


def _int(v: float | int | None) -> int | None:
    return None if v is None else int(v)
