from datetime import date

import pytest

from fanzha.core.errors import Invalid
from fanzha.stats.periods import Period, PeriodKind


@pytest.mark.parametrize(("text", "kind", "start", "end", "label"), [
    ("2026", PeriodKind.YEAR, date(2026, 1, 1), date(2027, 1, 1), "2026年"),
    ("2026-q2", PeriodKind.QUARTER, date(2026, 4, 1), date(2026, 7, 1), "2026年第2季度"),
    ("2026-03", PeriodKind.MONTH, date(2026, 3, 1), date(2026, 4, 1), "2026年3月"),
    ("2026-12", PeriodKind.MONTH, date(2026, 12, 1), date(2027, 1, 1), "2026年12月"),
    ("2026-W10", PeriodKind.WEEK, date(2026, 3, 2), date(2026, 3, 9), "3月2日至3月8日"),
    ("2026-3-5", PeriodKind.DAY, date(2026, 3, 5), date(2026, 3, 6), "2026年3月5日"),
])
def test_periods_parse_to_local_date_ranges(text: str, kind: PeriodKind, start: date, end: date, label: str) -> None:
    p = Period.parse(text)
    assert (p.kind, p.start, p.end, p.label_zh) == (kind, start, end, label)
    assert Period.parse(p.key) == p


@pytest.mark.parametrize(("text", "previous", "year_ago"), [
    ("2026-01", "2025-12", "2025-01"),
    ("2026-Q1", "2025-Q4", "2025-Q1"),
    ("2026", "2025", "2025"),
    ("2024-02-29", "2024-02-28", "2023-02-28"),
])
def test_previous_is_huanbi_and_year_ago_is_tongbi(text: str, previous: str, year_ago: str) -> None:
    p = Period.parse(text)
    assert p.previous().key == previous
    assert p.year_ago().key == year_ago


@pytest.mark.parametrize("text", ["2026-13", "26-03", "2026-Q5", "last month", ""])
def test_unrecognised_periods_are_rejected_with_a_chinese_message(text: str) -> None:
    with pytest.raises(Invalid) as exc:
        Period.parse(text)
    assert "无法识别的统计周期" in exc.value.message_zh


def test_a_local_month_starts_at_utc_16_00_of_the_day_before() -> None:
    start, end = Period.parse("2026-03").utc_bounds()
    assert start.isoformat() == "2026-02-28T16:00:00+00:00"
    assert end.isoformat() == "2026-03-31T16:00:00+00:00"


def test_a_year_splits_into_its_twelve_months() -> None:
    assert [m.key for m in Period.parse("2026-Q3").months()] == ["2026-07", "2026-08", "2026-09"]
    assert len(Period.parse("2026").months()) == 12
