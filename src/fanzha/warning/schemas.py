"""Pydantic I/O. Clear numbers arrive here and leave only as masked copies and keyed hashes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fanzha.core.pii import PIIKind, blind_index, mask, scrub
from fanzha.warning.models import AttemptResult, Channel, Level, Outcome, Source, Status

CounterpartKind = Literal["phone", "url", "account", "im", "app", "ip", "device"]
Flag = Literal["money_movement", "remote_app", "safe_account", "ongoing_call", "risky_url"]


@dataclass
class SignalIn:
    """One normalized signal: what every ingest path (API, file, bus) turns its input into."""

    source: str
    external_id: str
    occurred_at: datetime
    person_id: int | None = None
    phone_hash: str | None = None
    phone_masked: str | None = None
    area_code: str | None = None
    counterpart_kind: str | None = None
    counterpart_masked: str | None = None
    counterpart_hash: str | None = None
    case_ref: str | None = None
    type_code: str | None = None
    contact_channel: str | None = None
    flags: frozenset[str] = frozenset()
    decision: str | None = None
    amount_fen: int = 0
    evidence: dict[str, Any] = field(default_factory=dict)
    received_at: datetime | None = None

    def to_payload(self) -> dict[str, Any]:
        """Bus form (no clear numbers)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["flags"] = sorted(self.flags)
        out["occurred_at"] = self.occurred_at.isoformat()
        out["received_at"] = self.received_at.isoformat() if self.received_at else None
        return out

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> SignalIn:
        data = dict(p)
        data["flags"] = frozenset(data.get("flags") or ())
        data["occurred_at"] = datetime.fromisoformat(data["occurred_at"])
        data["received_at"] = datetime.fromisoformat(data["received_at"]) if data.get("received_at") else None
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def _counterpart_pii(kind: str | None) -> PIIKind | None:
    return {"phone": PIIKind.PHONE, "account": PIIKind.BANK_CARD}.get(kind or "")


def mask_counterpart(kind: str | None, value: str) -> str:
    pii = _counterpart_pii(kind)
    if pii is not None:
        return mask(pii, value) or ""
    return scrub(value)[:128]


def hash_counterpart(kind: str | None, value: str) -> str:
    pii = _counterpart_pii(kind)
    return blind_index(pii, value) if pii is not None else blind_index(PIIKind.NAME, f"{kind}:{value.strip().lower()}")


class WarningIn(BaseModel):
    """One warning instruction as a source sends it."""

    model_config = ConfigDict(extra="forbid")

    source: Source
    external_id: str = Field(min_length=1, max_length=64)
    occurred_at: datetime
    person_id: int | None = Field(default=None, ge=1)
    phone: str | None = Field(default=None, pattern=r"^(\+?86[- ]?)?1[3-9]\d{9}$")
    area_code: str | None = Field(default=None, max_length=32)
    counterpart_kind: CounterpartKind | None = None
    counterpart: str | None = Field(default=None, max_length=256)
    case_ref: str | None = Field(default=None, max_length=64)
    type_code: str | None = Field(default=None, pattern=r"^F(0[1-9]|1[0-2]|99)$")
    contact_channel: str | None = Field(default=None, max_length=16)
    flags: list[Flag] = Field(default_factory=list)
    decision: Literal["allow", "verify", "hold", "block"] | None = None
    amount_fen: int = Field(default=0, ge=0, le=10**13)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("须带时区，如 2026-03-02T08:00:00+08:00 / timezone required")
        return v

    def to_signal(self) -> SignalIn:
        evidence: dict[str, Any] = {"note": scrub(self.note)} if self.note else {}
        return SignalIn(
            source=self.source.value, external_id=self.external_id, occurred_at=self.occurred_at,
            person_id=self.person_id,
            phone_hash=blind_index(PIIKind.PHONE, self.phone) if self.phone else None,
            phone_masked=mask(PIIKind.PHONE, self.phone), area_code=self.area_code,
            counterpart_kind=self.counterpart_kind,
            counterpart_masked=mask_counterpart(self.counterpart_kind, self.counterpart) if self.counterpart else None,
            counterpart_hash=hash_counterpart(self.counterpart_kind, self.counterpart) if self.counterpart else None,
            case_ref=self.case_ref, type_code=self.type_code, contact_channel=self.contact_channel,
            flags=frozenset(self.flags), decision=self.decision, amount_fen=self.amount_fen, evidence=evidence,
        )


class WarningBatchIn(BaseModel):
    items: list[WarningIn] = Field(min_length=1, max_length=5000)


class IngestItemOut(BaseModel):
    external_id: str
    source: str
    result: Literal["created", "merged", "duplicate"]
    warning_id: int | None


class IngestOut(BaseModel):
    created: int
    merged: int
    duplicates: int
    items: list[IngestItemOut]


class WarningOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    external_id: str
    person_id: int | None
    subject_phone_masked: str | None
    counterpart_kind: str | None
    counterpart_masked: str | None
    type_code: str | None
    level: Level
    reasons: list[str]
    status: Status
    tier: str
    channel: str
    area_code: str
    station_code: str | None
    grid_code: str | None
    assignee_id: int | None
    signal_count: int
    escalations: int
    money_at_risk_fen: int
    loss_averted_fen: int
    outcome: str | None
    occurred_at: datetime
    received_at: datetime
    accepted_at: datetime | None
    first_call_at: datetime | None
    closed_at: datetime | None
    next_due_at: datetime | None


class WarningPage(BaseModel):
    total: int
    items: list[WarningOut]


class DeadlineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step: str
    tier: str
    label: str
    due_at: datetime
    met_at: datetime | None
    fired_at: datetime | None


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    channel: str
    result: str
    note: str | None
    actor: str
    at: datetime


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    kind: str
    from_status: str | None
    to_status: str | None
    note: str | None


class WarningDetailOut(WarningOut):
    deadlines: list[DeadlineOut]
    attempts: list[AttemptOut]
    steps: list[StepOut]
    signals: int


class AttemptIn(BaseModel):
    channel: Channel
    result: AttemptResult
    note: str | None = Field(default=None, max_length=2000)


class AdvanceIn(BaseModel):
    to: Status
    note: str | None = Field(default=None, max_length=2000)


class FeedbackIn(BaseModel):
    outcome: Outcome
    money_at_risk_fen: int = Field(default=0, ge=0, le=10**13)
    loss_averted_fen: int = Field(default=0, ge=0, le=10**13)
    linked_case_ref: str | None = Field(default=None, max_length=64)
    follow_up_on: date | None = None
    note: str | None = Field(default=None, max_length=2000)


class CloseIn(BaseModel):
    outcome: Outcome | None = None
    note: str | None = Field(default=None, max_length=2000)


class ReassignIn(BaseModel):
    area_code: str | None = Field(default=None, max_length=32)
    assignee_id: int | None = None
    note: str | None = Field(default=None, max_length=500)


class QueueItemOut(BaseModel):
    warning_id: int
    level: str
    status: str
    score: float
    expected_loss_fen: int
    effort_minutes: float
    eta: datetime
    due_at: datetime | None
    reachable_in_time: bool


class QueueOut(BaseModel):
    staff: int
    shift_end: datetime
    items: list[QueueItemOut]
    will_miss: int


class PipelineOut(BaseModel):
    backlog: dict[str, dict[str, int]]
    open_by_level: dict[str, int]
    overdue_deadlines: int
    oldest_unfired_due_at: datetime | None
    last_received_at: datetime | None
    ingest_lag_p50_ms: float | None
    ingest_lag_p99_ms: float | None
