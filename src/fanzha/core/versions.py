"""Versioned rule files kept in the database (bank risk rules, warning grading/dispatch rules):
numbered versions, one published at a time, the one before retired. Shared by risk/rulesets.py
and warning/rulestore.py so both keep the same life cycle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

PUBLISHED, RETIRED = "published", "retired"


def next_version(session: Session, model: Any, *where: ColumnElement[bool]) -> int:
    """1 + the highest version number among the rows matching `where` (1 for the first)."""
    return int(session.scalar(select(func.max(model.version)).where(*where)) or 0) + 1


def make_live(session: Session, model: Any, row: Any, *where: ColumnElement[bool], at: datetime) -> None:
    """Publish `row`: every other published row matching `where` is retired first."""
    for live in session.scalars(select(model).where(model.status == PUBLISHED, model.id != row.id, *where)):
        live.status = RETIRED
    row.status, row.published_at = PUBLISHED, at
    session.flush()
