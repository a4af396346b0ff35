"""The dissuasion workflow 签收 → 电话劝阻 → 上门/见面劝阻 → 核实 → 反馈 → 回访 → 关闭.

Which step may follow which. Calling someone implies the instruction was accepted, and a
successful phone dissuasion goes straight to 核实 (no visit needed); 误报 may close an
instruction from any open step.
"""

from __future__ import annotations

from fanzha.core.errors import Invalid, TransitionNotAllowed
from fanzha.warning.models import Outcome, Status

S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.ACCEPTED, S.CALLING, S.VISITING}),
    S.ACCEPTED: frozenset({S.CALLING, S.VISITING}),
    S.CALLING: frozenset({S.VISITING, S.VERIFYING}),
    S.VISITING: frozenset({S.VERIFYING}),
    S.VERIFYING: frozenset({S.FEEDBACK}),
    S.FEEDBACK: frozenset({S.FOLLOW_UP, S.CLOSED}),
    S.FOLLOW_UP: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

# The timestamp each step sets the first time it is reached (response-time statistics).
STAMPS: dict[Status, str] = {
    S.ACCEPTED: "accepted_at", S.CALLING: "first_call_at", S.VISITING: "visited_at", S.VERIFYING: "verified_at",
    S.FEEDBACK: "feedback_at", S.FOLLOW_UP: "followed_up_at", S.CLOSED: "closed_at",
}


def check(current: Status, target: Status, *, outcome: str | None = None) -> None:
    """Raise TransitionNotAllowed unless `target` may follow `current`."""
    if target is S.CLOSED and current is not S.CLOSED and outcome == Outcome.FALSE_ALARM:
        return
    if target not in TRANSITIONS[current]:
        raise TransitionNotAllowed(current.value, target.value)


def require_outcome_for_close(outcome: str | None) -> Outcome:
    if outcome is None:
        raise Invalid("关闭前须填写劝阻结果", "an outcome is required before closing", fields={"outcome": "missing"})
    return Outcome(outcome)
