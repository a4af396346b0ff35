"""Reporting periods (day/week/month/quarter/year) in local time (Asia/Shanghai).

A period is a half-open range of local dates [start, end); its UTC bounds are what
queries compare stored timestamps against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from fanzha.core.clock import LOCAL_TZ
from fanzha.core.errors import Invalid


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


KIND_NAMES_ZH = {PeriodKind.DAY: "日", PeriodKind.WEEK: "周", PeriodKind.MONTH: "月",
                 PeriodKind.QUARTER: "季度", PeriodKind.YEAR: "年"}


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # exclusive

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind is PeriodKind.DAY:
            return cls(kind, day, day + timedelta(days=1))
        if kind is PeriodKind.WEEK:
            start = day - timedelta(days=day.weekday())
            return cls(kind, start, start + timedelta(days=7))
        if kind is PeriodKind.MONTH:
            start = day.replace(day=1)
            return cls(kind, start, _add_months(start, 1))
        if kind is PeriodKind.QUARTER:
            start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            return cls(kind, start, _add_months(start, 3))
        start = date(day.year, 1, 1)
        return cls(kind, start, date(day.year + 1, 1, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2026", "2026-Q1", "2026-03", "2026-W05" (ISO week) or "2026-03-05"."""
        value = text.strip().upper()
        try:
            if re.fullmatch(r"\d{4}", value):
                return cls.containing(PeriodKind.YEAR, date(int(value), 1, 1))
            if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
                return cls.containing(PeriodKind.QUARTER, date(int(m[1]), int(m[2]) * 3 - 2, 1))
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
                return cls.containing(PeriodKind.MONTH, date(int(m[1]), int(m[2]), 1))
            if m := re.fullmatch(r"(\d{4})-W(\d{1,2})", value):
                return cls.containing(PeriodKind.WEEK, date.fromisocalendar(int(m[1]), int(m[2]), 1))
            if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
                return cls.containing(PeriodKind.DAY, date.fromisoformat(
                    "-".join(part.zfill(2) for part in value.split("-"))))
        except ValueError:
            pass
        raise Invalid(f"无法识别的统计周期：{text}（示例：2026、2026-Q1、2026-03、2026-W05、2026-03-05）",
                      f"unrecognised period {text!r} (e.g. 2026, 2026-Q1, 2026-03, 2026-W05, 2026-03-05)")

    @property
    def key(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.start.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.WEEK:
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        return self.start.isoformat()

    @property
    def label_zh(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.start.year}年"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind is PeriodKind.WEEK:
            last = self.end - timedelta(days=1)
            return f"{self.start.month}月{self.start.day}日至{last.month}月{last.day}日"
        return f"{self.start.year}年{self.start.month}月{self.start.day}日"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def shift(self, steps: int) -> Period:
        if self.kind is PeriodKind.DAY:
            return Period.containing(self.kind, self.start + timedelta(days=steps))
        if self.kind is PeriodKind.WEEK:
            return Period.containing(self.kind, self.start + timedelta(days=7 * steps))
        months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]
        return Period.containing(self.kind, _add_months(self.start, months * steps))

    def previous(self) -> Period:
        """环比: the period just before."""
        return self.shift(-1)

    def year_ago(self) -> Period:
        """同比: the same period one year earlier."""
        if self.kind is PeriodKind.WEEK:
            return self.shift(-52)
        if self.kind is PeriodKind.DAY:
            try:
                return Period.containing(self.kind, self.start.replace(year=self.start.year - 1))
            except ValueError:  # 29 February compares with the 28th
                return Period.containing(self.kind, self.start.replace(year=self.start.year - 1, day=28))
        return Period.containing(self.kind, self.start.replace(year=self.start.year - 1))

    def months(self) -> list[Period]:
        out, cursor = [], self.start.replace(day=1)
        while cursor < self.end:
            out.append(Period.containing(PeriodKind.MONTH, cursor))
            cursor = _add_months(cursor, 1)
        return out

    def utc_bounds(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time(), LOCAL_TZ).astimezone(UTC),
                datetime.combine(self.end, time(), LOCAL_TZ).astimezone(UTC))

    def overlaps(self, first: datetime, last: datetime) -> bool:
        start, end = self.utc_bounds()
        return first < end and last >= start


def current(kind: PeriodKind, now: datetime) -> Period:
    return Period.containing(kind, now.astimezone(LOCAL_TZ).date())
