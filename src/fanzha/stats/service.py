"""Statistics use cases: figures for a node, the sibling ranking (反诈指数), 红黄蓝 colours and
their history. Read-only; every entry point checks the caller's permission and scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.areas.models import Area
from fanzha.core.errors import NotFound
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
        tree = areas.list_areas(session, scope=actor.scope)
        if not tree:
            raise NotFound("辖区", "Area", "(root)")
        return tree[0]
    return areas.get(session, code=target, scope=actor.scope)


def ranking(engine: Engine, parent: Area, period: Period) -> list[RankedArea]:
    """Children of `parent` by 反诈指数, best first, each with its 红黄蓝 colour."""
    config = index.load_config()
    kids = engine.child_areas(parent)
    if not kids:
        return []
    codes = sorted(set(config.codes) | set(RATING_CODES))
    table = engine.table(kids, [period, period.previous()], codes)
    values = {k.code: table[k.code, period.key] for k in kids}
    colours = _colours(engine, parent, kids, [period], table)
    by_code = {k.code: k for k in kids}
    return [RankedArea(by_code[s.area_code], s, colours[s.area_code][0], values[s.area_code])
            for s in index.score(config, values)]


def colour_history(engine: Engine, parent: Area, months: list[Period]) -> dict[str, list[ratings.Rating]]:
    """Each child's colour month by month (oldest first)."""
    kids = engine.child_areas(parent)
    if not kids:
        return {}
    table = engine.table(kids, [months[0].previous(), *months], RATING_CODES)
    return _colours(engine, parent, kids, months, table)


def _colours(engine: Engine, parent: Area, kids: list[Area], periods: list[Period],
             table: dict[tuple[str, str], Values]) -> dict[str, list[ratings.Rating]]:
    """Ratings per child and period; `table` must hold each period and the one before it."""
    config = ratings.load_config()
    parent_rates = engine.table([parent], periods, ["cases_per_10k"])
    out: dict[str, list[ratings.Rating]] = {}
    for kid in kids:
        for p in periods:
            now, before = table[kid.code, p.key], table[kid.code, p.previous().key]
            out.setdefault(kid.code, []).append(ratings.rate(
                config, rate_per_10k=_float(now.get("cases_per_10k")),
                parent_rate=_float(parent_rates[parent.code, p.key].get("cases_per_10k")),
                cases=_int(now.get("cases")), previous_cases=_int(before.get("cases")), days=p.days))
    return out


def index_trend(engine: Engine, parent: Area, months: list[Period]) -> dict[str, list[float | None]]:
    """Each child's 反诈指数 month by month (oldest first)."""
    config = index.load_config()
    kids = engine.child_areas(parent)
    table = engine.table(kids, months, config.codes)
    trend: dict[str, list[float | None]] = {}
    for month in months:
        for s in index.score(config, {k.code: table[k.code, month.key] for k in kids}):
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
