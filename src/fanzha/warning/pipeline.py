"""The pipeline reports on itself: bus backlog and lag, open work, overdue clocks, ingest latency."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core import clock
from fanzha.warning.models import OPEN_STATUSES, WarningDeadline, WarningInstruction


def bus_backlog() -> dict[str, dict[str, int]]:
    """Per stream the worker group's lag (not yet delivered) and pending (delivered, unacked)."""
    from fanzha.core.events import get_bus
    from fanzha.core.redis_bus import RedisStreamsBus
    from fanzha.core.settings import get_settings

    bus = get_bus()
    if isinstance(bus, RedisStreamsBus) and get_settings().bus != "redis":  # a bus set by hand (tools, tests)
        return bus.backlog()
    from fanzha.warning import worker

    return worker.backlog_from_settings()


def status(session: Session, *, window: timedelta = timedelta(minutes=15)) -> dict[str, Any]:
    now = clock.now()
    open_by_level = dict(session.execute(select(WarningInstruction.level, func.count()).where(
        WarningInstruction.status.in_(OPEN_STATUSES)).group_by(WarningInstruction.level)).all())
    overdue = session.scalar(select(func.count()).select_from(WarningDeadline).where(
        WarningDeadline.met_at.is_(None), WarningDeadline.fired_at.is_(None), WarningDeadline.due_at <= now)) or 0
    oldest = session.scalar(select(func.min(WarningDeadline.due_at)).where(
        WarningDeadline.met_at.is_(None), WarningDeadline.fired_at.is_(None), WarningDeadline.due_at <= now))
    last = session.scalar(select(func.max(WarningInstruction.received_at)))
    recent = session.execute(select(WarningInstruction.received_at, WarningInstruction.dispatched_at).where(
        WarningInstruction.dispatched_at >= now - window).limit(20_000)).all()
    lags = sorted((clock.as_utc(d) - clock.as_utc(r)).total_seconds() * 1000 for r, d in recent)
    return {
        "backlog": bus_backlog(),
        "open_by_level": {str(k): int(v) for k, v in open_by_level.items()},
        "overdue_deadlines": int(overdue),
        "oldest_unfired_due_at": oldest,
        "last_received_at": last,
        "ingest_lag_p50_ms": round(lags[len(lags) // 2], 1) if lags else None,
        "ingest_lag_p99_ms": round(lags[min(len(lags) - 1, int(len(lags) * 0.99))], 1) if lags else None,
    }
