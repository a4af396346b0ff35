"""Gathers everything a 工作总结 / 月报 states, from the indicator engine only.

Nothing here formats text; `compose.py` turns these facts into sentences and every writer
renders the same composed document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from fanzha.areas.models import LEVEL_NAMES_ZH, Area, AreaLevel
from fanzha.core import clock
from fanzha.stats import service as stats
from fanzha.stats.engine import Engine, Figure, Slice, Values
from fanzha.stats.periods import Period, PeriodKind
from fanzha.stats.ratings import Rating
from fanzha.stats.sources import SOURCE_NAMES_ZH


class ReportKind(StrEnum):
    ANNUAL = "annual"
    MONTHLY = "monthly"


# What the 工作成效 section states, in order.
KEY_CODES = [
    "cases", "loss_fen", "cases_per_10k", "loss_per_case_fen", "cases_solved", "recovered_fen",
    "warnings", "warnings_high", "warnings_closed", "closure_rate", "warnings_dissuaded", "dissuasion_rate",
    "warnings_defrauded", "defrauded_after_warning_rate", "warnings_with_outcome", "loss_averted_fen",
    "warnings_visited", "warnings_escalated", "response_minutes_median", "sla_due", "sla_met", "sla_missed",
    "sla_rate", "freezes", "frozen_fen", "transactions_stopped", "transactions_stopped_fen",
    "campaigns", "campaign_reach", "visits", "app_installs_on_visit", "residents", "app_installed",
    "app_registered", "app_install_rate", "app_register_rate",
]
CHILD_CODES = ["cases", "cases_per_10k", "loss_fen", "warnings", "closure_rate", "sla_rate", "app_install_rate",
               "residents"]
TREND_CODES = ["cases", "loss_fen", "warnings", "warnings_dissuaded", "loss_averted_fen"]


@dataclass
class TypeChange:
    code: str
    label: str
    now: int
    base: int


@dataclass
class ReportData:
    kind: ReportKind
    area: Area
    period: Period
    generated_at: datetime
    figures: dict[str, Figure]
    available: dict[str, bool]
    trend_periods: list[Period]
    trend: list[Values]
    type_mix: list[Slice] | None
    loss_by_type: list[Slice] | None
    warning_sources: list[Slice] | None
    warning_levels: list[Slice] | None
    campaign_kinds: list[Slice] | None
    age_bands: list[Slice] | None
    ranking: list[stats.RankedArea]
    children: list[Area]
    child_values: dict[str, Values]
    history_months: list[Period]
    colour_history: dict[str, list[Rating]]
    type_changes: list[TypeChange]
    type_base_label: str
    repeat_victims: int | None
    child_level_zh: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def comparison_base(self) -> str:
        return "同比"

    @property
    def has_any_data(self) -> bool:
        return any(v for k, v in self.available.items() if k != "people")

    @property
    def missing_sources_zh(self) -> list[str]:
        return [SOURCE_NAMES_ZH[k] for k, v in self.available.items() if not v]

    def value(self, code: str) -> int | float | None:
        return self.figures[code].value


def gather(session: Session, *, area: Area, period: Period, kind: ReportKind) -> ReportData:
    engine = Engine(session)
    figures = engine.figures(area, period, KEY_CODES)
    months = period.months() if kind is ReportKind.ANNUAL else stats.last_months(period, 12)
    history = period.months() if kind is ReportKind.ANNUAL else stats.last_months(period, 6)
    kids, child_values = engine.children(area, period, CHILD_CODES)
    base_period = period.year_ago() if engine.covers("cases", period.year_ago()) else period.previous()
    return ReportData(
        kind=kind, area=area, period=period, generated_at=clock.now(), figures=figures,
        available=engine.source_status(period),
        trend_periods=months, trend=engine.series(area, months, TREND_CODES),
        type_mix=engine.breakdown(area, period, "cases_by_type"),
        loss_by_type=engine.breakdown(area, period, "loss_by_type"),
        warning_sources=engine.breakdown(area, period, "warnings_by_source"),
        warning_levels=engine.breakdown(area, period, "warnings_by_level"),
        campaign_kinds=engine.breakdown(area, period, "campaigns_by_kind"),
        age_bands=engine.breakdown(area, period, "cases_by_age_band"),
        ranking=stats.ranking(engine, area, period) if kids else [],
        children=kids, child_values=child_values,
        history_months=history, colour_history=stats.colour_history(engine, area, history) if kids else {},
        type_changes=_type_changes(engine, area, period, base_period),
        type_base_label="同比" if base_period == period.year_ago() else "环比",
        repeat_victims=engine.repeat_subjects(area, period, source="cases", column="victim_person_id"),
        child_level_zh=_level_name(kids[0].level) if kids else "",
    )


def _type_changes(engine: Engine, area: Area, period: Period, base: Period) -> list[TypeChange]:
    now = engine.breakdown(area, period, "cases_by_type")
    before = engine.breakdown(area, base, "cases_by_type")
    if now is None or before is None:
        return []
    base_by = {s.key: s.value for s in before}
    return [TypeChange(s.key, s.label, s.value, base_by.get(s.key, 0)) for s in now]


def _level_name(level: str) -> str:
    return LEVEL_NAMES_ZH.get(AreaLevel(level), "下级辖区")


def parse_period(kind: ReportKind, text: str) -> Period:
    period = Period.parse(text)
    wanted = PeriodKind.YEAR if kind is ReportKind.ANNUAL else PeriodKind.MONTH
    if period.kind is not wanted:
        from fanzha.core.errors import Invalid

        hint = "年度报告须给出年份（如 2026）" if wanted is PeriodKind.YEAR else "月报须给出月份（如 2026-03）"
        raise Invalid(hint, f"{kind} report needs a {wanted.value} period, got {text!r}")
    return period
