"""Warning instructions 预警指令 and what happens to them: the signals merged into each,
dispatch deadlines, call/visit attempts, the step timeline and notifications."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, UTCDateTime
from fanzha.core.scope import AreaScoped
from fanzha.core.versions import VersionedText
from fanzha.people import models as _people_models  # noqa: F401  (FK targets registered)
from fanzha.users import models as _users_models  # noqa: F401


class Source(StrEnum):
    TELECOM = "telecom"
    BANK = "bank"
    APP = "app"
    SMS_GATEWAY = "sms_gateway"
    CITIZEN_REPORT = "citizen_report"
    DETECT = "detect"
    MANUAL = "manual"


SOURCE_NAMES_ZH = {
    Source.TELECOM: "涉诈号码通联", Source.BANK: "资金预警", Source.APP: "国家反诈App/URL命中",
    Source.SMS_GATEWAY: "短信网关", Source.CITIZEN_REPORT: "群众举报", Source.DETECT: "智能识别命中",
    Source.MANUAL: "人工录入",
}


class Level(StrEnum):
    HIGH = "高"
    MEDIUM = "中"
    LOW = "低"


LEVEL_RANK = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


class Status(StrEnum):
    NEW = "待签收"
    ACCEPTED = "已签收"
    CALLING = "电话劝阻"
    VISITING = "上门劝阻"
    VERIFYING = "核实"
    FEEDBACK = "反馈"
    FOLLOW_UP = "回访"
    CLOSED = "关闭"


# Progress order: a deadline for a step is met once the instruction reaches that step or beyond.
STATUS_RANK = {s: i for i, s in enumerate(Status)}
OPEN_STATUSES = [s for s in Status if s is not Status.CLOSED]


class Outcome(StrEnum):
    DISSUADED = "已劝阻"
    DEFRAUDED = "已被骗"
    UNREACHABLE = "无法联系"
    FALSE_ALARM = "误报"
    REFUSED = "拒绝配合"


class Channel(StrEnum):
    SMS = "短信"
    ROBOT_CALL = "机器人外呼"
    PHONE = "电话"
    VISIT = "上门"
    MEET = "见面"


class AttemptResult(StrEnum):
    DISSUADED = "已劝阻"
    NO_ANSWER = "未接通"
    REJECTED = "拒接"
    INVALID_NUMBER = "空号/停机"
    REFUSED = "拒绝配合"
    ALREADY_PAID = "已转账"
    NOT_HOME = "不在家"
    SENT = "已发送"


class WarningInstruction(AreaScoped, Base):
    """One instruction per person × counterpart × window. `area_code` is where the subject
    lives (their grid), or the reporting area when the person is unknown."""

    __tablename__ = "warning_instruction"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_warning_instruction_open_subject", "subject_key", "counterpart_hash"),
        Index("ix_warning_instruction_status_level", "status", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16), index=True)
    external_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    # person:<id> or phone:<hash> — what dedup matches on when the person is unknown.
    subject_key: Mapped[str] = mapped_column(String(48))
    subject_phone_masked: Mapped[str | None] = mapped_column(String(20))
    subject_phone_hash: Mapped[str | None] = mapped_column(String(32))
    counterpart_kind: Mapped[str | None] = mapped_column(String(16))
    counterpart_masked: Mapped[str | None] = mapped_column(String(128))
    counterpart_hash: Mapped[str | None] = mapped_column(String(64))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    type_code: Mapped[str | None] = mapped_column(String(8), index=True)
    contact_channel: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[Level] = mapped_column(String(4))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[Status] = mapped_column(String(8))
    tier: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8))
    station_code: Mapped[str | None] = mapped_column(String(32), index=True)
    grid_code: Mapped[str | None] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    signal_count: Mapped[int] = mapped_column(Integer, default=1)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    money_at_risk_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    loss_averted_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    outcome: Mapped[str | None] = mapped_column(String(8))
    linked_case_ref: Mapped[str | None] = mapped_column(String(64))
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_call_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class WarningSignal(Base):
    """Every piece of evidence received, exactly once: the unique (source, external_id)
    is the idempotency ledger for all ingest paths."""

    __tablename__ = "warning_signal"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warning_instruction.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class WarningDeadline(Base):
    """A persisted SLA clock. `fired_at` is claimed with a conditional UPDATE, so a
    deadline escalates once even with several timers running."""

    __tablename__ = "warning_deadline"
    # The second index serves statistics, which read SLA steps by the day they fell due (stats "sla" source).
    __table_args__ = (Index("ix_warning_deadline_due", "fired_at", "met_at", "due_at"),
                      Index("ix_warning_deadline_due_at", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warning_instruction.id"), index=True)
    step: Mapped[str] = mapped_column(String(8))
    step_rank: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WarningAttempt(Base):
    __tablename__ = "warning_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warning_instruction.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    result: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class WarningStep(Base):
    """The timeline: every status change, claim, escalation and reassignment."""

    __tablename__ = "warning_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warning_instruction.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(8))
    to_status: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """Delivery log of every notifier; in-app ones are read from here by the user."""

    __tablename__ = "warning_notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warning_instruction.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str | None] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    delivered: Mapped[bool] = mapped_column(default=True)
    error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RuleFileVersion(VersionedText, Base):
    """A version of a warning rule file (grading / dispatch) published from the admin page. The one
    `published` per kind is what the grader and dispatcher use; none → the packaged YAML."""

    __tablename__ = "warning_rule_version"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # "grading" | "dispatch"
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200))
