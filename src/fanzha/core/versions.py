"""Versioned rule files kept in the database (bank risk rules, warning grading/dispatch rules):
numbered versions, one published at a time, the one before retired. Shared by risk/rulesets.py
and warning/rulestore.py so both keep the same life cycle."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from fanzha.core.db import UTCDateTime

PUBLISHED, RETIRED = "published", "retired"


class VersionedText:
    """Columns every versioned rule file has (mixed into the risk and warning version models)."""

    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    if TYPE_CHECKING:
        version: int  # declared by each model (unique per kind or overall)

    @property
    def label(self) -> str:
        return version_label(self.version)


def version_label(version: int) -> str:
    return f"v{version}"


def next_version(session: Session, model: Any, *where: ColumnElement[bool]) -> int:
    """1 + the highest version number among the rows matching `where` (1 for the first)."""
    return int(session.scalar(select(func.max(model.version)).where(*where)) or 0) + 1


def make_live(session: Session, model: Any, row: Any, *where: ColumnElement[bool], at: datetime) -> None:
    """Publish `row`: every other published row matching `where` is retired first."""
    for live in session.scalars(select(model).where(model.status == PUBLISHED, model.id != row.id, *where)):
        live.status = RETIRED
    row.status, row.published_at = PUBLISHED, at
    session.flush()
