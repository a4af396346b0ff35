"""Dashboard API payloads."""

from __future__ import annotations

from pydantic import BaseModel


class IndicatorDef(BaseModel):
    code: str
    name_zh: str
    unit: str
    kind: str
    source: str | None
    better: str | None
    doc: str


class FigureOut(BaseModel):
    code: str
    name_zh: str
    unit: str
    value: float | None
    previous: float | None
    year_ago: float | None
    mom: float | None
    yoy: float | None


class SliceOut(BaseModel):
    key: str
    label: str
    value: int


class AreaRef(BaseModel):
    code: str
    name: str
    level: str


class RankingRow(BaseModel):
    area: AreaRef
    score: float | None
    rank: int | None
    colour: str
    colour_reason: str
    reasons: list[str]
    values: dict[str, float | None]


class Indicators(BaseModel):
    area: AreaRef
    period: str
    period_label: str
    sources: dict[str, bool]
    figures: list[FigureOut]


class Trend(BaseModel):
    area: AreaRef
    periods: list[str]
    series: dict[str, list[float | None]]


class Ranking(BaseModel):
    area: AreaRef
    period: str
    index_name: str
    rows: list[RankingRow]


class ColourHistory(BaseModel):
    area: AreaRef
    months: list[str]
    rows: list[dict[str, object]]


class Breakdown(BaseModel):
    code: str
    name_zh: str
    available: bool
    slices: list[SliceOut]


class Dashboard(BaseModel):
    indicators: Indicators
    trend: Trend
    ranking: Ranking
    history: ColourHistory
    breakdowns: list[Breakdown]
    pipeline: dict[str, float | None]
