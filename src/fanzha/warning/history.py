"""Demo history: give seeded instructions the statuses a working center's have.

Instructions older than a day and a half are closed with outcomes drawn from the simulated
ground truth (would this person have paid?); today's are spread over the open steps, and
the deadlines they have missed stay unmet so the SLA timer and the supervisor page have
real work when the demo starts.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fanzha.core import clock
from fanzha.warning import bulk
from fanzha.warning.models import (
    STATUS_RANK,
    Outcome,
    Status,
    WarningAttempt,
    WarningDeadline,
    WarningInstruction,
    WarningStep,
)

CLOSE_AFTER = timedelta(hours=36)
OPEN_MIX = [(Status.NEW, 0.3), (Status.ACCEPTED, 0.2), (Status.CALLING, 0.25), (Status.VISITING, 0.1),
            (Status.VERIFYING, 0.1), (Status.FEEDBACK, 0.05)]
PATH = [Status.ACCEPTED, Status.CALLING, Status.VERIFYING, Status.FEEDBACK, Status.CLOSED]


def _outcome(rng: random.Random, loss_fen: int) -> tuple[Outcome, int]:
    if loss_fen:
        return (Outcome.DISSUADED, loss_fen) if rng.random() < 0.7 else (Outcome.DEFRAUDED, 0)
    roll = rng.random()
    for outcome, share in ((Outcome.DISSUADED, 0.75), (Outcome.UNREACHABLE, 0.1), (Outcome.FALSE_ALARM, 0.1)):
        if roll < share:
            return outcome, 0
        roll -= share
    return Outcome.REFUSED, 0


def spread_statuses(session: Session, *, truth: dict[str, int], now: datetime, rng: random.Random) -> None:
    rows = session.execute(select(WarningInstruction.id, WarningInstruction.external_id,
                                  WarningInstruction.received_at, WarningInstruction.level)).all()
    updates: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    reached: dict[int, tuple[int, datetime]] = {}
    for wid, ext, received, level in rows:
        received = clock.as_utc(received)
        quick = 1 if level == "高" else 5
        t = received + timedelta(minutes=rng.uniform(quick, quick * 6))
        if now - received > CLOSE_AFTER:
            target, path = Status.CLOSED, PATH
        else:
            target = rng.choices([s for s, _ in OPEN_MIX], weights=[w for _, w in OPEN_MIX])[0]
            path = [s for s in (Status.ACCEPTED, Status.CALLING, Status.VISITING, Status.VERIFYING, Status.FEEDBACK)
                    if STATUS_RANK[s] <= STATUS_RANK[target]]
        row: dict[str, Any] = {"id": wid, "status": target.value}
        prev = Status.NEW
        for step in path:
            if t >= now:
                break
            stamp = {"已签收": "accepted_at", "电话劝阻": "first_call_at", "上门劝阻": "visited_at",
                     "核实": "verified_at", "反馈": "feedback_at", "关闭": "closed_at"}[step.value]
            row[stamp] = t
            steps.append({"warning_id": wid, "at": t, "actor": "demo", "kind": "advanced",
                          "from_status": prev.value, "to_status": step.value, "note": None})
            if step is Status.CALLING:
                attempts.append({"warning_id": wid, "channel": "电话", "result": "已劝阻" if target is Status.CLOSED
                                 else rng.choice(["未接通", "已劝阻", "拒接"]), "note": None, "actor": "demo", "at": t})
            reached[wid] = (STATUS_RANK[step], t)
            prev = step
            t += timedelta(minutes=rng.uniform(10, 90) if step is not Status.FEEDBACK else rng.uniform(600, 1800))
        row["status"] = prev.value
        if prev is Status.CLOSED:
            outcome, averted = _outcome(rng, truth.get(ext, 0))
            row.update(outcome=outcome.value, loss_averted_fen=averted, next_due_at=None,
                       money_at_risk_fen=truth.get(ext, 0) or rng.choice([0, 0, 200_000, 1_000_000, 5_000_000]),
                       linked_case_ref=f"AJ{wid:08d}" if outcome is Outcome.DEFRAUDED else None)
        updates.append(row)
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for u in updates:
        by_keys.setdefault(tuple(sorted(u)), []).append(u)
    for group in by_keys.values():
        session.execute(update(WarningInstruction), group)
    bulk.insert_rows(session, WarningStep, steps)
    bulk.insert_rows(session, WarningAttempt, attempts)
    deadlines = session.execute(select(WarningDeadline.id, WarningDeadline.warning_id, WarningDeadline.step_rank,
                                       WarningDeadline.due_at)).all()
    met = []
    for did, wid, rank, due in deadlines:
        got = reached.get(wid)
        if got is not None and got[0] >= rank:
            met.append({"id": did, "met_at": min(got[1], clock.as_utc(due)) if rng.random() < 0.9 else got[1]})
    if met:
        session.execute(update(WarningDeadline), met)
    # Overdue clocks of long-closed instructions would all fire at once on first start: they were
    # handled (escalated) at the time.
    session.execute(update(WarningDeadline).where(
        WarningDeadline.met_at.is_(None), WarningDeadline.due_at < now - CLOSE_AFTER,
    ).values(fired_at=now - CLOSE_AFTER))
    soonest = (select(func.min(WarningDeadline.due_at)).where(
        WarningDeadline.warning_id == WarningInstruction.id, WarningDeadline.met_at.is_(None),
        WarningDeadline.fired_at.is_(None)).scalar_subquery())
    session.execute(update(WarningInstruction).where(WarningInstruction.status != Status.CLOSED.value)
                    .values(next_due_at=soonest).execution_options(synchronize_session=False))
    session.flush()
