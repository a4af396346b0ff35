from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fanzha.web.countdown import countdown, describe

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("delta", "text", "state"), [
    (timedelta(minutes=25), "剩 25 分钟", ""),
    (timedelta(minutes=9, seconds=30), "剩 9 分钟", "soon"),
    (timedelta(seconds=20), "剩 1 分钟", "soon"),
    (timedelta(minutes=-3), "超时 3 分钟", "overdue"),
    (timedelta(hours=2, minutes=5), "剩 2 小时 5 分", ""),
    (timedelta(hours=-24), "超时 24 小时", "overdue"),
    (timedelta(days=3, hours=1), "剩 3 天", ""),
])
def test_deadline_reads_as_time_left_or_overdue(delta: timedelta, text: str, state: str) -> None:
    assert describe(NOW + delta, NOW) == (text, state)


def test_countdown_markup_carries_the_deadline_for_live_updates() -> None:
    html = countdown(NOW - timedelta(minutes=2), NOW)
    assert 'class="countdown overdue"' in html and 'data-due="2026-03-02T07:58:00+00:00"' in html
    assert "—" in countdown(None, NOW)
