"""Request and response shapes for the risk API. Money is integer 分 (fen)."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_AMOUNT_FEN = 50_000_000_000  # 5亿元: above any single retail transfer; larger is a data error
CURRENCIES = ("CNY",)


class Channel(StrEnum):
    COUNTER = "counter"
    MOBILE = "mobile"
    ONLINE = "online"
    ATM = "atm"


CHANNEL_ZH = {Channel.COUNTER: "柜面", Channel.MOBILE: "手机银行", Channel.ONLINE: "网银", Channel.ATM: "ATM"}


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def clean_account(value: str) -> str:
    """UnionPay personal cards: 16–19 digits with a valid Luhn check digit."""
    digits = re.sub(r"[\s-]", "", value)
    if not digits.isdigit() or not 16 <= len(digits) <= 19:
        raise ValueError("account number must be 16-19 digits")
    if not luhn_ok(digits):
        raise ValueError("account number fails the Luhn check")
    return digits


class PayerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str = Field(min_length=16, max_length=30, description="付款卡号")
    phone: str | None = Field(default=None, max_length=20, description="预留手机号，用于关联辖区人员")
    age: int | None = Field(default=None, ge=0, le=130)
    tags: list[str] = Field(default_factory=list, max_length=10)
    new_customer: bool = Field(default=False, description="近 30 日内开户")

    @field_validator("account")
    @classmethod
    def _account(cls, v: str) -> str:
        return clean_account(v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        digits = re.sub(r"\D", "", v)
        if len(digits) < 7:
            raise ValueError("phone number too short")
        return v


class TransactionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$", description="银行流水号（幂等键）")
    occurred_at: datetime
    amount_fen: int = Field(gt=0, le=MAX_AMOUNT_FEN)
    currency: str = "CNY"
    channel: Channel = Channel.MOBILE
    payer: PayerIn
    payee_account: str = Field(min_length=16, max_length=30)
    payee_name: str | None = Field(default=None, max_length=64)
    device_id: str | None = Field(default=None, max_length=128)
    on_call: bool = False
    screen_sharing: bool = False
    remote_control: bool = False
    bank_area_code: str | None = Field(default=None, max_length=32)

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("occurred_at needs a timezone offset")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if v.upper() not in CURRENCIES:
            raise ValueError("only CNY transfers are scored")
        return v.upper()

    @field_validator("payee_account")
    @classmethod
    def _payee(cls, v: str) -> str:
        return clean_account(v)


class RuleExecutionOut(BaseModel):
    code: str
    name: str
    hit: bool
    score: int
    reason: str | None = None


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    transaction_id: str
    decision: str
    decision_zh: str
    initial_decision: str
    score: int
    reasons: list[str]
    executions: list[RuleExecutionOut]
    ruleset: str
    amount_fen: int
    occurred_at: datetime
    payer_account_masked: str
    payee_account_masked: str
    payer_person_id: int | None
    checklist_answers: dict[str, str] | None
    teller_action: str | None
    replayed: bool = False


class ChecklistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, str]


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(description="released / cancelled / held / blocked")
    note: str | None = Field(default=None, max_length=1000)
    is_fraud: bool | None = None


class FreezeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="止付 或 冻结")
    source_type: str = Field(description="transaction / warning / case")
    source_id: str = Field(min_length=1, max_length=64)
    account: str | None = Field(default=None, max_length=30, description="来自预警/案件时必填：涉案账户")
    amount_fen: int | None = Field(default=None, gt=0, le=MAX_AMOUNT_FEN)
    reason: str = Field(min_length=2, max_length=1000)
    area_code: str | None = Field(default=None, max_length=32)


class FreezeResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: str = Field(description="executed / partial / failed / released")
    amount_done_fen: int = Field(default=0, ge=0, le=MAX_AMOUNT_FEN)
    note: str | None = Field(default=None, max_length=1000)


class FreezeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    source_type: str
    source_id: str
    account_masked: str
    amount_requested_fen: int
    amount_done_fen: int
    status: str
    reason: str
    result_note: str | None
    requested_by: str
    requested_at: datetime
    deadline_at: datetime
    reminded_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    area_code: str


class RuleSetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=128)
    source: str = Field(min_length=10, max_length=100_000)


class RuleSetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    title: str
    status: str
    source: str
    backtest: dict[str, Any] | None
    created_by: str
    created_at: datetime
    published_at: datetime | None


class LossAverted(BaseModel):
    """What the bank line kept from fraudsters in a period (for stats)."""

    start: datetime
    end: datetime
    stopped_fen: int
    frozen_fen: int
    freeze_count: int
    intercepted_fen: int
    intercepted_count: int
    total_fen: int
