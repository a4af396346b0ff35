"""Builds the dashboard (大屏) payloads from the engine; the API caches them per period."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fanzha.areas.models import Area
from fanzha.stats import index
from fanzha.stats import service as stats
from fanzha.stats.cache import cached
from fanzha.stats.engine import Engine
from fanzha.stats.indicators import BREAKDOWN_BY_CODE, BY_CODE, INDICATORS, Measure, Median, Ratio
from fanzha.stats.periods import Period
from fanzha.stats.schemas import (
    AreaRef,
    Breakdown,
    ColourHistory,
    Dashboard,
    FigureOut,
    IndicatorDef,
    Indicators,
    Ranking,
    RankingRow,
    SliceOut,
    Trend,
)

DASHBOARD_CODES = ["cases", "loss_fen", "cases_per_10k", "warnings", "warnings_high", "closure_rate",
                   "dissuasion_rate", "defrauded_after_warning_rate", "loss_averted_fen", "response_minutes_median",
                   "sla_rate", "sla_missed", "freezes", "frozen_fen", "transactions_stopped", "campaigns", "visits",
                   "app_install_rate", "app_register_rate"]
TREND_CODES = ["cases", "loss_fen", "warnings", "warnings_dissuaded", "loss_averted_fen", "closure_rate", "sla_rate"]
DASHBOARD_BREAKDOWNS = ["cases_by_type", "warnings_by_source", "warnings_by_level", "cases_by_age_band"]
PIPELINE_CODES = ["warnings", "warnings_closed", "closure_rate", "sla_due", "sla_missed", "sla_rate",
                  "response_minutes_median", "warnings_escalated", "warnings_defrauded"]


def area_ref(area: Area) -> AreaRef:
    return AreaRef(code=area.code, name=area.name, level=str(area.level))


def definitions() -> list[IndicatorDef]:
    out = []
    for i in INDICATORS:
        kind = "ratio" if isinstance(i, Ratio) else "median" if isinstance(i, Median) else "measure"
        source = i.source if isinstance(i, Measure | Median) else None
        out.append(IndicatorDef(code=i.code, name_zh=i.name_zh, unit=i.unit.value, kind=kind, source=source,
                                better=i.better.value if i.better else None, doc=i.doc))
    return out


def indicators(engine: Engine, area: Area, period: Period, codes: list[str] | None = None) -> Indicators:
    figures = engine.figures(area, period, codes or DASHBOARD_CODES)
    return Indicators(
        area=area_ref(area), period=period.key, period_label=period.label_zh, sources=engine.source_status(period),
        figures=[FigureOut(code=c, name_zh=BY_CODE[c].name_zh, unit=BY_CODE[c].unit.value, value=f.value,
                           previous=f.previous, year_ago=f.year_ago, mom=f.mom, yoy=f.yoy)
                 for c, f in figures.items() if c in BY_CODE and c in (codes or DASHBOARD_CODES)])


def trend(engine: Engine, area: Area, period: Period, months: int = 12) -> Trend:
    periods = stats.last_months(period, months)
    rows = engine.series(area, periods, TREND_CODES)
    return Trend(area=area_ref(area), periods=[p.key for p in periods],
                 series={c: [r.get(c) for r in rows] for c in TREND_CODES})


def ranking(engine: Engine, area: Area, period: Period) -> Ranking:
    rows = [RankingRow(area=area_ref(r.area), score=r.score.score, rank=r.score.rank, colour=r.rating.colour.value,
                       colour_reason=r.rating.reason_zh, reasons=r.score.reasons_zh,
                       values={k: (None if v is None else float(v)) for k, v in r.values.items()})
            for r in stats.ranking(engine, area, period)]
    return Ranking(area=area_ref(area), period=period.key, index_name=index.load_config().name, rows=rows)


def history(engine: Engine, area: Area, period: Period, months: int = 6) -> ColourHistory:
    periods = stats.last_months(period, months)
    colours = stats.colour_history(engine, area, periods)
    kids = {a.code: a for a in engine.child_areas(area)}
    return ColourHistory(area=area_ref(area), months=[p.key for p in periods], rows=[
        {"area": area_ref(kids[code]).model_dump(), "colours": [r.colour.value for r in hist],
         "reasons": [r.reason_zh for r in hist]} for code, hist in colours.items() if code in kids])


def breakdown(engine: Engine, area: Area, period: Period, code: str) -> Breakdown:
    slices = engine.breakdown(area, period, code)
    return Breakdown(code=code, name_zh=BREAKDOWN_BY_CODE[code].name_zh, available=slices is not None,
                     slices=[SliceOut(key=s.key, label=s.label, value=s.value) for s in slices or []])


def cached_dashboard(session: Session, area: Area, period: Period) -> Dashboard:
    """The 大屏 bundle, shared by the API and the page through the per-period cache."""
    result: Dashboard = cached(("dashboard", area.code, period.key), period,
                               lambda: dashboard(Engine(session), area, period))
    return result


def dashboard(engine: Engine, area: Area, period: Period) -> Dashboard:
    pipeline = engine.node(area, period, PIPELINE_CODES)
    return Dashboard(
        indicators=indicators(engine, area, period), trend=trend(engine, area, period),
        ranking=ranking(engine, area, period), history=history(engine, area, period),
        breakdowns=[breakdown(engine, area, period, c) for c in DASHBOARD_BREAKDOWNS],
        pipeline={c: (None if pipeline.get(c) is None else float(pipeline[c])) for c in PIPELINE_CODES})  # type: ignore[arg-type]
