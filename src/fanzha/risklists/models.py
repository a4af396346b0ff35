"""涉诈 risk lists (号码/网址/账户/QQ/微信) and the citizen 举报 review queue.

A listed value is stored encrypted with a keyed hash for look-up and a masked copy for display;
the hash is the platform-wide one, so a bank payload's `payee_account_hash` finds its entry.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, UTCDateTime
from fanzha.core.pii import Encrypted


class TipStatus(StrEnum):
    PENDING = "待审核"
    CONFIRMED = "已确认"
    REJECTED = "已驳回"


class RiskEntry(Base):
    __tablename__ = "risk_entry"
    __table_args__ = (UniqueConstraint("kind", "value_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    value_hash: Mapped[str] = mapped_column(String(40), index=True)
    value_enc: Mapped[str] = mapped_column(Encrypted)
    value_masked: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[str | None] = mapped_column(String(64))


class CitizenTip(Base):
    """A number/URL/account a citizen reported; enters the lists only after review."""

    __tablename__ = "citizen_tip"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value_enc: Mapped[str] = mapped_column(Encrypted)
    value_hash: Mapped[str] = mapped_column(String(40), index=True)
    value_masked: Mapped[str] = mapped_column(String(64))
    valid: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(String(1000))
    contact_enc: Mapped[str | None] = mapped_column(Encrypted)
    contact_masked: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(8), index=True, default=TipStatus.PENDING)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(String(500))
    risk_entry_id: Mapped[int | None] = mapped_column(ForeignKey("risk_entry.id"))
