"""Transfers and their decisions, rule-set versions, 止付/冻结 requests, interception reports.

Account numbers are stored as a keyed hash (look-ups, velocity state) and a masked copy
(display); the payee account is also kept encrypted because a freeze request must name it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, UTCDateTime
from fanzha.core.pii import Encrypted
from fanzha.core.scope import AreaScoped
from fanzha.core.versions import VersionedText


class Decision(StrEnum):
    ALLOW = "allow"
    VERIFY = "verify"
    HOLD = "hold"
    BLOCK = "block"


class TellerAction(StrEnum):
    """What the counter finally did with the transfer."""

    RELEASED = "released"  # 核实无异常，放行
    CANCELLED = "cancelled"  # 客户经劝阻取消转账
    HELD = "held"  # 暂缓，已通知派出所
    BLOCKED = "blocked"  # 拒绝办理并报告


TELLER_ACTION_ZH = {TellerAction.RELEASED: "核实后放行", TellerAction.CANCELLED: "客户经劝阻取消",
                    TellerAction.HELD: "暂缓办理并通知派出所", TellerAction.BLOCKED: "拒绝办理并报告"}
# Actions that kept the money with the customer: they count as loss averted.
STOPPED_ACTIONS = (TellerAction.CANCELLED, TellerAction.HELD, TellerAction.BLOCKED)


class Transaction(AreaScoped, Base):
    """One scored transfer. `area_code` is the bank branch that handled it."""

    __tablename__ = "risk_transaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # the request's content, to spot reused ids
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    channel: Mapped[str] = mapped_column(String(16))
    payer_account_hash: Mapped[str] = mapped_column(String(32), index=True)
    payer_account_masked: Mapped[str] = mapped_column(String(32))
    payer_phone_hash: Mapped[str | None] = mapped_column(String(32))
    payer_person_id: Mapped[int | None] = mapped_column(Integer)
    payer_area_code: Mapped[str | None] = mapped_column(String(32))
    payer_age: Mapped[int | None] = mapped_column(Integer)
    payee_account_hash: Mapped[str] = mapped_column(String(32), index=True)
    payee_account_masked: Mapped[str] = mapped_column(String(32))
    payee_account_enc: Mapped[str] = mapped_column(Encrypted)
    payee_name_masked: Mapped[str | None] = mapped_column(String(32))
    device_hash: Mapped[str | None] = mapped_column(String(32))
    on_call: Mapped[bool] = mapped_column(Boolean, default=False)
    screen_sharing: Mapped[bool] = mapped_column(Boolean, default=False)
    remote_control: Mapped[bool] = mapped_column(Boolean, default=False)
    # The decision as scored in real time, and as it stands after the counter checklist.
    initial_decision: Mapped[str] = mapped_column(String(8))
    decision: Mapped[str] = mapped_column(String(8), index=True)
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    executions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ruleset_label: Mapped[str] = mapped_column(String(64))
    checklist_answers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    teller_action: Mapped[str | None] = mapped_column(String(16))
    teller_note: Mapped[str | None] = mapped_column(Text)
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Ground truth when known (simulation, or a later confirmed case): what backtests score against.
    is_fraud: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RuleSetStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


RULESET_STATUS_ZH = {RuleSetStatus.DRAFT: "草稿", RuleSetStatus.PUBLISHED: "生效中", RuleSetStatus.RETIRED: "已停用"}


class RuleSetVersion(VersionedText, Base):
    """A versioned rule set (YAML). One is published at a time; decisions name their version."""

    __tablename__ = "risk_ruleset"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(128))
    backtest: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FreezeKind(StrEnum):
    STOP = "止付"
    FREEZE = "冻结"


class FreezeStatus(StrEnum):
    REQUESTED = "requested"
    EXECUTED = "executed"
    PARTIAL = "partial"
    FAILED = "failed"
    RELEASED = "released"
    EXPIRED = "expired"


FREEZE_STATUS_ZH = {
    FreezeStatus.REQUESTED: "待执行", FreezeStatus.EXECUTED: "已执行", FreezeStatus.PARTIAL: "部分执行",
    FreezeStatus.FAILED: "未成功", FreezeStatus.RELEASED: "已解除", FreezeStatus.EXPIRED: "已超时",
}
OPEN_FREEZE = (FreezeStatus.REQUESTED,)


class FreezeSource(StrEnum):
    TRANSACTION = "transaction"
    WARNING = "warning"
    CASE = "case"


FREEZE_SOURCE_ZH = {FreezeSource.TRANSACTION: "转账", FreezeSource.WARNING: "预警", FreezeSource.CASE: "案件"}


class FreezeRequest(AreaScoped, Base):
    """止付/冻结 with the legal 48-hour clock (area = the requester's jurisdiction)."""

    __tablename__ = "risk_freeze"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    source_type: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(64))
    account_hash: Mapped[str] = mapped_column(String(32), index=True)
    account_masked: Mapped[str] = mapped_column(String(32))
    account_enc: Mapped[str] = mapped_column(Encrypted)
    amount_requested_fen: Mapped[int] = mapped_column(BigInteger)
    amount_done_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Text)
    result_note: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InterceptionReport(AreaScoped, Base):
    """The report a `block` files: which transfer, why, for the center to follow up."""

    __tablename__ = "risk_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("risk_transaction.id"), unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    summary: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
