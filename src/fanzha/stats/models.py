"""The indicator rollup: per source × closed month, the engine's grouped sums per area path.

A row is one part of one source's month: "sums" (every measure of the source), "hist:CODE"
(a median's histogram) or "bd:CODE" (a breakdown). `version` fingerprints the definitions
the part was computed with, so changing an indicator in `stats/indicators.py` retires the
rows built with the old definition. See `stats/rollup.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, UTCDateTime


class StatsRollup(Base):
    __tablename__ = "stats_rollup"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-03"
    part: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(16))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[str] = mapped_column(Text)  # JSON, see rollup.encode/decode


from fanzha.stats import rollup as _rollup  # noqa: E402  (registers the invalidation listeners)

__all__ = ["StatsRollup", "_rollup"]
