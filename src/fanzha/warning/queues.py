"""Workload-aware queues and the capacity model (DESIGN §5).

A center with more instructions than staff must spend each staff-minute where it averts the
most loss: order by expected loss averted per staff-minute (risk × likely amount ×
reachability ÷ effort), with every 高 ahead of every 中/低. The capacity model then plays
today's staff through that order and says which instructions will not be reached before
their deadline, so a supervisor can reassign them or switch them to a robot call.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime, timedelta

from fanzha.warning.models import LEVEL_RANK, Level

# Share of warned people who would pay without dissuasion, by grade (sim ground truth, field ratios).
LOSS_PROBABILITY = {Level.HIGH: 0.35, Level.MEDIUM: 0.06, Level.LOW: 0.01}
# Typical loss by fraud type in 分 when the source gave no amount (county summaries' averages).
TYPICAL_LOSS_FEN = {
    "F01": 5_500_000, "F02": 21_000_000, "F03": 2_800_000, "F04": 4_200_000, "F05": 16_000_000,
    "F06": 3_800_000, "F07": 900_000, "F08": 4_800_000, "F09": 700_000, "F10": 19_000_000,
    "F11": 3_000_000, "F12": 900_000,
}
DEFAULT_LOSS_FEN = 3_000_000
# A phone dissuasion reaches most people; each failed attempt makes the next less likely to.
BASE_REACHABILITY = 0.85
FAILED_ATTEMPT_FACTOR = 0.6


@dataclass(frozen=True)
class QueueEntry:
    warning_id: int
    level: Level
    status: str
    type_code: str | None
    money_at_risk_fen: int
    effort_minutes: float
    failed_attempts: int = 0
    due_at: datetime | None = None


@dataclass(frozen=True)
class Ranked:
    entry: QueueEntry
    expected_loss_fen: int
    score: float


@dataclass(frozen=True)
class Planned:
    ranked: Ranked
    eta: datetime
    reachable_in_time: bool


def expected_loss_fen(e: QueueEntry) -> int:
    amount = e.money_at_risk_fen or TYPICAL_LOSS_FEN.get(e.type_code or "", DEFAULT_LOSS_FEN)
    return int(amount * LOSS_PROBABILITY[e.level])


def reachability(e: QueueEntry) -> float:
    return BASE_REACHABILITY * FAILED_ATTEMPT_FACTOR ** e.failed_attempts


def rank(entries: list[QueueEntry]) -> list[Ranked]:
    """All 高 first; inside a level, most loss averted per staff-minute first."""
    ranked = [Ranked(e, expected_loss_fen(e), expected_loss_fen(e) * reachability(e) / max(e.effort_minutes, 0.5))
              for e in entries]
    return sorted(ranked, key=lambda r: (-LEVEL_RANK[r.entry.level], -r.score, r.entry.warning_id))


def capacity(ranked: list[Ranked], *, staff: int, now: datetime, shift_end: datetime) -> list[Planned]:
    """Play `staff` people through the ranked queue; an entry is in time if its work ends
    before both its deadline and the end of the shift."""
    if staff <= 0:
        return [Planned(r, shift_end, False) for r in ranked]
    free = [now] * staff
    heapq.heapify(free)
    out = []
    for r in ranked:
        start = heapq.heappop(free)
        finish = start + timedelta(minutes=r.entry.effort_minutes)
        heapq.heappush(free, finish)
        limit = min(r.entry.due_at, shift_end) if r.entry.due_at else shift_end
        out.append(Planned(r, finish, finish <= limit))
    return out
