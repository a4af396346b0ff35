"""`/api/v1/stats/…`: indicators, trends, rankings, 红黄蓝 history and the dashboard bundle.

`area` defaults to the caller's own area and must lie in their jurisdiction; `period` is
"2026", "2026-Q1", "2026-03", "2026-W05" or "2026-03-05" and defaults to the current month.
Payloads are cached per area × period (see `stats/cache.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from fanzha.core import clock
from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.errors import NotFound
from fanzha.core.rbac import Permission
from fanzha.stats import dashboard as board
from fanzha.stats import service
from fanzha.stats.cache import cached
from fanzha.stats.engine import Engine
from fanzha.stats.indicators import BREAKDOWN_BY_CODE
from fanzha.stats.periods import Period, PeriodKind, current
from fanzha.stats.schemas import Breakdown, ColourHistory, Dashboard, IndicatorDef, Indicators, Ranking, Trend

router = APIRouter(prefix="/api/v1/stats", tags=["stats"],
                   dependencies=[Depends(RequirePermission(Permission.STATS_READ))])

AreaQ = Annotated[str | None, Query(description="辖区编码，默认本人辖区 / area code")]
PeriodQ = Annotated[str | None, Query(description="2026 / 2026-Q1 / 2026-03 / 2026-W05 / 2026-03-05")]


def _period(text: str | None) -> Period:
    return Period.parse(text) if text else current(PeriodKind.MONTH, clock.now())


@router.get("/definitions", response_model=list[IndicatorDef])
def definitions() -> list[IndicatorDef]:
    return board.definitions()


@router.get("/indicators", response_model=Indicators)
def indicators(user: CurrentUser, session: SessionDep, area: AreaQ = None, period: PeriodQ = None) -> Indicators:
    node, p = service.area_for(session, actor=user, code=area), _period(period)
    result: Indicators = cached(("indicators", node.code, p.key), p, lambda: board.indicators(Engine(session), node, p))
    return result


@router.get("/trend", response_model=Trend)
def trend(user: CurrentUser, session: SessionDep, area: AreaQ = None, period: PeriodQ = None,
          months: Annotated[int, Query(ge=1, le=36)] = 12) -> Trend:
    node, p = service.area_for(session, actor=user, code=area), _period(period)
    result: Trend = cached(("trend", node.code, p.key, months), p,
                           lambda: board.trend(Engine(session), node, p, months))
    return result


@router.get("/ranking", response_model=Ranking)
def ranking(user: CurrentUser, session: SessionDep, area: AreaQ = None, period: PeriodQ = None) -> Ranking:
    node, p = service.area_for(session, actor=user, code=area), _period(period)
    result: Ranking = cached(("ranking", node.code, p.key), p, lambda: board.ranking(Engine(session), node, p))
    return result


@router.get("/ratings/history", response_model=ColourHistory)
def ratings_history(user: CurrentUser, session: SessionDep, area: AreaQ = None, period: PeriodQ = None,
                    months: Annotated[int, Query(ge=1, le=24)] = 6) -> ColourHistory:
    node, p = service.area_for(session, actor=user, code=area), _period(period)
    result: ColourHistory = cached(("history", node.code, p.key, months), p,
                                   lambda: board.history(Engine(session), node, p, months))
    return result


@router.get("/breakdowns/{code}", response_model=Breakdown)
def breakdown(code: str, user: CurrentUser, session: SessionDep, area: AreaQ = None,
              period: PeriodQ = None) -> Breakdown:
    if code not in BREAKDOWN_BY_CODE:
        raise NotFound("统计维度", "Breakdown", code)
    node, p = service.area_for(session, actor=user, code=area), _period(period)
    result: Breakdown = cached(("breakdown", code, node.code, p.key), p,
                               lambda: board.breakdown(Engine(session), node, p, code))
    return result


@router.get("/dashboard", response_model=Dashboard)
def dashboard(user: CurrentUser, session: SessionDep, area: AreaQ = None, period: PeriodQ = None) -> Dashboard:
    """Everything the 大屏 shows, in one call."""
    node, p = service.area_for(session, actor=user, code=area), _period(period)
    return board.cached_dashboard(session, node, p)
