"""Residents and potential victims. Personal numbers are stored encrypted, with a keyed
hash for look-up and a masked copy for display."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, UTCDateTime
from fanzha.core.pii import Encrypted
from fanzha.core.scope import AreaScoped


class AgeBand(StrEnum):
    UNDER_18 = "<18"
    A18_25 = "18-25"
    A26_35 = "26-35"
    A36_45 = "36-45"
    A46_60 = "46-60"
    A61_70 = "61-70"
    OVER_70 = ">70"


class VulnerabilityTag(StrEnum):
    ELDERLY = "老人"
    STUDENT = "学生"
    MOTHER = "宝妈"
    ACCOUNTANT = "财会"
    UNEMPLOYED = "待业"
    REPEAT_VICTIM = "曾被骗"


class Person(AreaScoped, Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_enc: Mapped[str] = mapped_column(Encrypted)
    name_masked: Mapped[str] = mapped_column(String(32))
    phone_enc: Mapped[str | None] = mapped_column(Encrypted)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    phone_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    id_number_enc: Mapped[str | None] = mapped_column(Encrypted)
    id_number_masked: Mapped[str | None] = mapped_column(String(24))
    id_number_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    address_enc: Mapped[str | None] = mapped_column(Encrypted)
    gender: Mapped[str | None] = mapped_column(String(4))
    age: Mapped[int | None] = mapped_column(Integer)
    age_band: Mapped[str | None] = mapped_column(String(8), index=True)
    occupation: Mapped[str | None] = mapped_column(String(32), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    app_installed: Mapped[bool] = mapped_column(Boolean, default=False)
    app_registered: Mapped[bool] = mapped_column(Boolean, default=False)
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def age_band_of(age: int) -> AgeBand:
    for limit, band in ((17, AgeBand.UNDER_18), (25, AgeBand.A18_25), (35, AgeBand.A26_35),
                        (45, AgeBand.A36_45), (60, AgeBand.A46_60), (70, AgeBand.A61_70)):
        if age <= limit:
            return band
    return AgeBand.OVER_70
