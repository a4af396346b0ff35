"""Pydantic I/O of cases: the intake form's 案情要素, what a case looks like to its readers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from fanzha.cases.entities import EntityKind
from fanzha.cases.models import CaseSource, CaseStatus
from fanzha.detect.labels import Channel, FraudType

ShortList = list[str]


class TransferIn(BaseModel):
    """One payment the victim made: amount, payee account, when, how."""

    amount_fen: int = Field(ge=1, le=10**13)
    payee_account: str = Field(min_length=1, max_length=64)
    at: datetime | None = None
    method: str | None = Field(default=None, max_length=16, description="银行转账/支付宝/微信/现金/虚拟币…")


class EntityIn(BaseModel):
    kind: EntityKind
    value: str = Field(min_length=1, max_length=200)
    role: str | None = Field(default=None, max_length=16)


class CaseCreate(BaseModel):
    """A 110 or walk-in report with its structured 案情要素 and the free-text narrative."""

    area_code: str = Field(min_length=1, max_length=32)
    source: CaseSource = CaseSource.CALL_110
    external_ref: str | None = Field(default=None, max_length=64)
    reported_at: datetime | None = None
    occurred_at: datetime | None = None
    channel: Channel | None = None
    type_code: FraudType | None = None
    victim_person_id: int | None = None
    victim_name: str | None = Field(default=None, max_length=32)
    victim_phone: str | None = Field(default=None, max_length=32)
    loss_fen: int = Field(default=0, ge=0, le=10**13)
    transfers: list[TransferIn] = Field(default_factory=list, max_length=200)
    phones: ShortList = Field(default_factory=list, max_length=50)
    accounts: ShortList = Field(default_factory=list, max_length=50)
    urls: ShortList = Field(default_factory=list, max_length=50)
    apps: ShortList = Field(default_factory=list, max_length=50)
    qq_ids: ShortList = Field(default_factory=list, max_length=50)
    wechat_ids: ShortList = Field(default_factory=list, max_length=50)
    ips: ShortList = Field(default_factory=list, max_length=50)
    devices: ShortList = Field(default_factory=list, max_length=50)
    scripts: ShortList = Field(default_factory=list, max_length=50, description="骗子使用的话术")
    narrative: str = Field(default="", max_length=20_000)
    accept_suggestions: bool = Field(default=False, description="add entities suggested from the narrative")


class StatusChange(BaseModel):
    to: CaseStatus
    loss_fen: int | None = Field(default=None, ge=0, le=10**13)
    recovered_fen: int | None = Field(default=None, ge=0, le=10**13)
    note: str = Field(default="", max_length=500)


class EntitiesAdd(BaseModel):
    entities: list[EntityIn] = Field(min_length=1, max_length=100)


class FlowIn(BaseModel):
    """One account-to-account transfer from a bank statement (调证), for mule-chain tracing."""

    from_account: str = Field(min_length=1, max_length=64)
    to_account: str = Field(min_length=1, max_length=64)
    amount_fen: int = Field(ge=1, le=10**13)
    at: datetime | None = None


class FlowsImport(BaseModel):
    flows: list[FlowIn] = Field(min_length=1, max_length=10_000)


class SuggestIn(BaseModel):
    narrative: str = Field(min_length=1, max_length=20_000)


class EntityOut(BaseModel):
    entity_id: int
    kind: str
    kind_name: str
    masked: str
    valid: bool
    note: str | None
    role: str
    risk_listed: bool = False
    sightings: int = Field(default=0, description="times seen in bank decisions / detection hits")


class TransferOut(BaseModel):
    amount_fen: int
    to_masked: str
    to_valid: bool
    at: datetime | None
    method: str | None


class CaseOut(BaseModel):
    id: int
    case_no: str
    status: str
    source: str
    area_code: str
    reported_at: datetime
    occurred_at: datetime | None
    channel: str | None
    type_code: str | None
    type_name: str | None
    type_confirmed: bool
    victim_person_id: int | None
    victim_name_masked: str | None
    victim_phone_masked: str | None
    loss_fen: int
    recovered_fen: int
    report_count: int
    narrative: str = Field(description="personal numbers masked")
    scripts: list[str]
    entities: list[EntityOut]
    transfers: list[TransferOut]
    suggestion: dict[str, Any]


class IntakeOut(BaseModel):
    merged: bool = Field(description="true when the report was merged into an existing case")
    case: CaseOut


class CaseSummary(BaseModel):
    id: int
    case_no: str
    status: str
    area_code: str
    reported_at: datetime
    type_code: str | None
    type_name: str | None
    loss_fen: int
    recovered_fen: int
    victim_name_masked: str | None
    report_count: int


class CasePage(BaseModel):
    total: int
    items: list[CaseSummary]


class SuggestedEntity(BaseModel):
    kind: EntityKind
    value: str = Field(description="the characters the officer typed, for the confirm box")
    masked: str
    valid: bool
    note: str | None
    start: int
    end: int
    risk_listed: bool = False


class Suggestion(BaseModel):
    type_code: str | None
    type_name: str | None
    probability: float
    channel: str | None
    entities: list[SuggestedEntity]
    amounts_fen: list[int]
    reasons: list[str]
    engine: str = Field(description="what produced the suggestion")


class RelatedCase(BaseModel):
    case_id: int
    case_no: str
    score: float
    shared: list[str]
    type_code: str | None
    type_name: str | None
    loss_fen: int
    reported_at: datetime
    area_code: str
    status: str


class RelatedOut(BaseModel):
    case_id: int
    related: list[RelatedCase]
    outside_scope: int = Field(description="related cases outside the caller's jurisdiction (not shown)")


class BatchLinkOut(BaseModel):
    cases: int
    links: int
    new_links: int
    seconds: float


class GangSummary(BaseModel):
    gang_id: str
    cases: int
    victims: int
    loss_fen: int
    recovered_fen: int
    type_codes: list[str]
    key_entities: list[str]
    first_at: datetime | None
    last_at: datetime | None


class MuleChain(BaseModel):
    path: list[str] = Field(description="受害人 → 一级账户 → 二级账户 …, masked")
    amount_fen: int
    victims: int


class GangDetail(GangSummary):
    case_ids: list[int]
    case_nos: list[str]
    entities: list[EntityOut]
    chains: list[MuleChain]
