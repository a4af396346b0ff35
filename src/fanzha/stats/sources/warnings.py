"""预警指令 (warning domain): instructions by the time they were received, and their SLA clocks."""

from __future__ import annotations

from sqlalchemy import case

from fanzha.stats.sources import Facts, seconds_between
from fanzha.warning.models import WarningDeadline, WarningInstruction

W = WarningInstruction


def instructions() -> Facts:
    return Facts(
        name="warnings", name_zh="预警指令", table=W.__table__, area_path=W.area_path, at=W.received_at,
        watch=((W, "received_at", 0),),
        columns={
            "source": W.source, "level": W.level, "type_code": W.type_code, "outcome": W.outcome,
            "closed_at": W.closed_at, "loss_averted_fen": W.loss_averted_fen,
            "money_at_risk_fen": W.money_at_risk_fen, "escalations": W.escalations, "person_id": W.person_id,
            "channel": W.channel, "visited_at": W.visited_at,
            # First human contact: the first call, else the door visit.
            "response_seconds": case(
                (W.first_call_at.is_not(None), seconds_between(W.first_call_at, W.received_at)),
                (W.visited_at.is_not(None), seconds_between(W.visited_at, W.received_at)),
                else_=None),
        },
    )


def deadlines() -> Facts:
    """Each SLA step of each instruction, dated by when it fell due. The warning domain marks a
    step met when the instruction reaches it (closing meets every remaining step) and fires it
    (escalates) when it falls due unmet, so `fired_at` is the miss."""
    D = WarningDeadline
    return Facts(
        name="sla", name_zh="预警处置时限", table=D.__table__.join(W.__table__, D.warning_id == W.id),
        area_path=W.area_path, at=D.due_at,
        # A deadline falls due within days of its instruction: a changed instruction (closed,
        # escalated, moved to another area) touches its own month's and the next month's clocks.
        watch=((D, "due_at", 0), (W, "received_at", 1)),
        columns={"met_at": D.met_at, "due_at": D.due_at, "fired_at": D.fired_at, "step": D.step, "tier": D.tier},
    )
