"""Outreach I/O. Validation messages are Chinese first: the entry form and the CSV import show them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from fanzha.outreach.models import FRAUD_TYPES, CampaignKind, TargetGroup

_TYPE_ZH = {
    "missing": "必填", "string_too_short": "不能为空", "string_too_long": "太长", "greater_than_equal": "不能为负数",
    "less_than_equal": "数值太大", "int_parsing": "须为整数", "int_from_float": "须为整数",
    "decimal_parsing": "须为数字", "decimal_max_places": "最多两位小数", "decimal_max_digits": "数值太大",
    "date_from_datetime_parsing": "日期格式应为 2026-03-15", "date_parsing": "日期格式应为 2026-03-15",
    "date_from_datetime_inexact": "日期格式应为 2026-03-15", "enum": "取值不在允许范围内",
    "bool_parsing": "须为是/否", "list_type": "须为列表",
}


def _codes(values: list[str]) -> list[str]:
    bad = [v for v in values if v not in FRAUD_TYPES]
    if bad:
        raise ValueError(f"未知诈骗类型代码：{'、'.join(bad)}（应为 F01–F12 或 F99）")
    return sorted(set(values))


# Fraud type codes (DESIGN §3), deduplicated and sorted; unknown codes are named in the error.
FraudTypes = Annotated[list[str], AfterValidator(_codes)]


class CampaignIn(BaseModel):
    kind: CampaignKind
    title: str = Field(min_length=1, max_length=120)
    held_on: date
    area_code: str = Field(min_length=1, max_length=32)
    place: str = Field(default="", max_length=120)
    target_groups: list[TargetGroup] = Field(default_factory=list)
    fraud_types: FraudTypes = Field(default_factory=list)
    reach_people: int = Field(default=0, ge=0, le=10_000_000)
    reach_views: int = Field(default=0, ge=0, le=1_000_000_000)
    materials: str = Field(default="", max_length=2000)
    cost_yuan: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2)
    external_ref: str | None = Field(default=None, max_length=64)


class CampaignOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: CampaignKind
    title: str
    held_on: date
    area_code: str
    place: str
    target_groups: list[str]
    fraud_types: list[str]
    reach_people: int
    reach_views: int
    materials: str
    cost_fen: int
    created_by: str


class CampaignPage(BaseModel):
    total: int
    items: list[CampaignOut]


class VisitIn(BaseModel):
    person_id: int
    visited_on: date
    campaign_id: int | None = None
    fraud_types: FraudTypes = Field(default_factory=list)
    app_installed_on_visit: bool = False
    app_registered_on_visit: bool = False
    note: str = Field(default="", max_length=200)


class VisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    campaign_id: int | None
    visited_on: date
    visitor: str
    area_code: str
    fraud_types: list[str]
    app_installed_on_visit: bool
    app_registered_on_visit: bool
    note: str


class ImportResult(BaseModel):
    kind: str
    rows: int
    created: int
    updated: int = 0


class CoverageRow(BaseModel):
    area_code: str
    area_name: str
    level: str
    residents: int
    installed: int
    registered: int
    install_rate: float
    register_rate: float
    gap_to_target: int
    visits_with_install: int


class Recommendation(BaseModel):
    group: str
    fraud_type: str
    fraud_type_name: str
    channel: str
    score: float
    reasons: list[str]


class PlanStop(BaseModel):
    """One household of the day's round; `risk` is its members' summed risk in multiples of the
    county's average resident."""

    order: int
    household: str
    persons: list[dict[str, Any]]
    risk: float
    reasons: list[str]


class EffectOut(BaseModel):
    outcome: str
    estimate_per_10k: float
    ci_low: float
    ci_high: float
    p_value: float
    treated_areas: int
    control_areas: int
    note_zh: str


def fields_zh(exc: ValidationError) -> dict[str, str]:
    """One Chinese message per field, for inline form errors and import row errors."""
    out: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "body"
        if err["type"] == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            message = _TYPE_ZH.get(err["type"], "取值无效")
            if err["type"] == "enum":
                allowed = err.get("ctx", {}).get("expected", "")
                message = f"取值不在允许范围内（可选：{allowed}）" if allowed else message
        out.setdefault(field, message)
    return out
