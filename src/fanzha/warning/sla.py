"""SLA clocks: persisted deadlines, met as the workflow advances, escalated when missed.

A missed deadline moves the instruction one tier up and notifies the supervisor on duty.
Each deadline is claimed with `UPDATE … WHERE fired_at IS NULL AND met_at IS NULL`, so it
fires once, whatever number of timers run and however often the process restarts.
"""

from __future__ import annotations

import threading
from datetime import datetime

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fanzha.core import clock
from fanzha.core.events import WARNING_ESCALATED, emit
from fanzha.warning import notifiers, rulestore
from fanzha.warning.models import Status, WarningDeadline, WarningInstruction, WarningStep

log = structlog.get_logger("fanzha.warning.sla")


def mark_met(session: Session, *, warning: WarningInstruction, rank: int, now: datetime) -> None:
    """Every open deadline for a step at or below `rank` is met now."""
    session.execute(update(WarningDeadline).where(
        WarningDeadline.warning_id == warning.id, WarningDeadline.met_at.is_(None),
        WarningDeadline.fired_at.is_(None), WarningDeadline.step_rank <= rank).values(met_at=now))
    refresh_next_due(session, warning=warning)


def refresh_next_due(session: Session, *, warning: WarningInstruction) -> None:
    warning.next_due_at = session.scalar(select(func.min(WarningDeadline.due_at)).where(
        WarningDeadline.warning_id == warning.id, WarningDeadline.met_at.is_(None),
        WarningDeadline.fired_at.is_(None)))


def _claim(session: Session, deadline_id: int, now: datetime) -> bool:
    result = session.execute(update(WarningDeadline).where(
        WarningDeadline.id == deadline_id, WarningDeadline.fired_at.is_(None), WarningDeadline.met_at.is_(None),
    ).values(fired_at=now).execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def fire_due(session: Session, *, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Escalate instructions whose deadlines passed unmet. Returns the escalated warning ids."""
    now = now or clock.now()
    rules = rulestore.dispatch_rules(session)
    names = rules.tier_names()
    due = session.execute(select(WarningDeadline.id, WarningDeadline.warning_id, WarningDeadline.label).where(
        WarningDeadline.fired_at.is_(None), WarningDeadline.met_at.is_(None), WarningDeadline.due_at <= now,
    ).order_by(WarningDeadline.due_at).limit(limit)).all()
    escalated: list[int] = []
    for deadline_id, warning_id, label in due:
        if not _claim(session, deadline_id, now):
            continue  # another timer got it first
        w = session.get(WarningInstruction, warning_id)
        if w is None or w.status == Status.CLOSED:
            continue
        from_tier = w.tier
        w.tier = rules.tier_above(w.tier)
        w.escalations += 1
        refresh_next_due(session, warning=w)
        note = f"超时未完成「{label}」，由{names.get(from_tier, from_tier)}升级至{names.get(w.tier, w.tier)}"
        session.add(WarningStep(warning_id=w.id, at=now, actor="system", kind="escalated", from_status=w.status,
                                to_status=w.status, note=note))
        emit(session, WARNING_ESCALATED, {"warning_id": w.id, "level": w.level, "from_tier": from_tier,
                                          "to_tier": w.tier, "area_code": w.area_code})
        notifiers.notify_supervisors(session, w, title=f"预警指令 #{w.id}（{w.level}）超时升级", body=note)
        escalated.append(w.id)
    if escalated:
        log.info("sla_escalated", count=len(escalated))
    return escalated


def timer_loop(stop: threading.Event, *, every_s: float = 15.0) -> None:
    """Background job (web/server.py BACKGROUND_JOBS and `fanzha worker`)."""
    from fanzha.core.db import session_scope

    while not stop.is_set():
        try:
            with session_scope() as session:
                fire_due(session)
        except Exception as exc:  # keep ticking; the next pass retries unclaimed deadlines
            log.error("sla_timer_failed", error=repr(exc))
        stop.wait(every_s)
