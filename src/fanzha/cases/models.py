"""Cases (110/walk-in reports with 案情要素), the entity graph as SQL adjacency, money flows
and computed case links.

The graph is two tables: `graph_entity` (one node per normalized phone/account/URL/…) and
`case_entity` (which case names which node, in which role). Batch work loads the link table
into a scipy sparse matrix; single-case queries stay in SQL on the indexed link columns.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, UTCDateTime
from fanzha.core.pii import Encrypted
from fanzha.core.scope import AreaScoped


class CaseStatus(StrEnum):
    RECEIVED = "接报"
    FILED = "立案"
    INVESTIGATING = "侦查"
    SOLVED = "破案"
    PROSECUTED = "移诉"
    DECLINED = "不予立案"


class CaseSource(StrEnum):
    CALL_110 = "110"
    WALK_IN = "walk_in"
    WARNING = "warning"
    ONLINE = "online"
    SIMULATED = "sim"


SOURCE_NAMES_ZH = {CaseSource.CALL_110: "110接警", CaseSource.WALK_IN: "来所报案", CaseSource.WARNING: "预警转案",
                   CaseSource.ONLINE: "网上报案", CaseSource.SIMULATED: "模拟数据"}


class Case(AreaScoped, Base):
    __tablename__ = "case_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    source: Mapped[str] = mapped_column(String(16))
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(8), index=True, default=CaseStatus.RECEIVED)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(String(16))
    type_code: Mapped[str | None] = mapped_column(String(4), index=True)
    type_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    victim_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    victim_name_enc: Mapped[str | None] = mapped_column(Encrypted)
    victim_name_masked: Mapped[str | None] = mapped_column(String(32))
    victim_phone_enc: Mapped[str | None] = mapped_column(Encrypted)
    victim_phone_masked: Mapped[str | None] = mapped_column(String(20))
    victim_phone_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    loss_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    narrative_enc: Mapped[str | None] = mapped_column(Encrypted)
    scripts: Mapped[list[str]] = mapped_column(JSON, default=list)
    suggestion: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    merged_reports: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GraphEntity(Base):
    """One node of the entity graph. Secret kinds keep only hash, masked copy and ciphertext."""

    __tablename__ = "graph_entity"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(128))
    value_enc: Mapped[str | None] = mapped_column(Encrypted)
    masked: Mapped[str] = mapped_column(String(64))
    valid: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseEntity(Base):
    """Adjacency: case ↔ entity, with the role the entity played (收款账户, 对方号码, …)."""

    __tablename__ = "case_entity"
    __table_args__ = (UniqueConstraint("case_id", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("graph_entity.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class EntitySighting(Base):
    """An entity seen outside cases: a warning, a bank decision, a detection hit, a risk-list entry."""

    __tablename__ = "entity_sighting"
    __table_args__ = (UniqueConstraint("entity_id", "source_type", "source_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("graph_entity.id"), index=True)
    source_type: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MoneyFlow(Base):
    """Money moving to an account: from a victim (case_id set, from_entity_id empty) or from one
    account to the next (bank 调证 statements), so mule chains can be walked."""

    __tablename__ = "money_flow"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    from_entity_id: Mapped[int | None] = mapped_column(ForeignKey("graph_entity.id"), index=True)
    to_entity_id: Mapped[int] = mapped_column(ForeignKey("graph_entity.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    method: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))


class CaseLink(Base):
    """A computed 串并案 suggestion; case_id < linked_case_id."""

    __tablename__ = "case_link"
    __table_args__ = (UniqueConstraint("case_id", "linked_case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    linked_case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    shared: Mapped[list[str]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
