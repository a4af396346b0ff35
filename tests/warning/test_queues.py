"""Workload ordering and the capacity model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fanzha.warning.models import Level
from fanzha.warning.queues import QueueEntry, capacity, rank

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def entry(i: int, level: str, *, amount: int = 0, effort: float = 10, failed: int = 0,
          due_in: float | None = None) -> QueueEntry:
    return QueueEntry(warning_id=i, level=Level(level), status="待签收", type_code="F01", money_at_risk_fen=amount,
                      effort_minutes=effort, failed_attempts=failed,
                      due_at=NOW + timedelta(minutes=due_in) if due_in is not None else None)


def test_every_high_comes_before_any_medium_however_large() -> None:
    order = rank([entry(1, "中", amount=10**10), entry(2, "高", amount=100), entry(3, "低", amount=10**11)])
    assert [r.entry.warning_id for r in order] == [2, 1, 3]


def test_inside_a_level_loss_averted_per_staff_minute_decides() -> None:
    order = rank([
        entry(1, "高", amount=1_000_000, effort=10),              # 35,000 per … /10 min
        entry(2, "高", amount=1_000_000, effort=60),              # same loss, six times the effort
        entry(3, "高", amount=5_000_000, effort=10, failed=3),    # big, but rarely reachable now
        entry(4, "高", amount=5_000_000, effort=10),
    ])
    assert [r.entry.warning_id for r in order] == [4, 3, 1, 2]


def test_capacity_model_names_the_instructions_staff_cannot_reach_in_time() -> None:
    queue = rank([entry(i, "高", amount=1_000_000, effort=10, due_in=30) for i in range(1, 9)])
    planned = capacity(queue, staff=2, now=NOW, shift_end=NOW + timedelta(hours=8))
    assert [p.reachable_in_time for p in planned] == [True] * 6 + [False] * 2
    assert planned[-1].eta == NOW + timedelta(minutes=40)


def test_without_staff_nothing_is_reached() -> None:
    planned = capacity(rank([entry(1, "高")]), staff=0, now=NOW, shift_end=NOW + timedelta(hours=1))
    assert [p.reachable_in_time for p in planned] == [False]
