"""The rollup (stored per-month sums for closed months) gives exactly the figures of direct SQL
over the period's rows, on both backends, and is dropped when the rows behind it change."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.core import clock
from fanzha.stats import rollup
from fanzha.stats.engine import Engine
from fanzha.stats.indicators import BREAKDOWNS, INDICATORS
from fanzha.stats.models import StatsRollup
from fanzha.stats.periods import Period
from fanzha.warning.models import WarningDeadline, WarningInstruction
from tests.stats.builders import add_campaign, add_case, add_freeze, add_warning, seed_march

NODES = ["C", "T1", "T2", "V11", "G111", "G211"]
# "Now" is 10 May 2026: January to April are closed (stored), May is open (always live).
NOW = datetime(2026, 5, 10, 4, 0, tzinfo=UTC)
PERIODS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-Q1", "2026-Q2", "2026", "2025-03",
           "2025"]


@pytest.fixture
def county(session: Session) -> Iterator[Session]:
    """seed_march plus a spread of warnings (with SLA clocks), cases, campaigns and freezes over
    January–May 2026 in both towns, with mixed levels, sources, outcomes and response times."""
    clock.set_clock(clock.FrozenClock(NOW))
    rollup.clear_decoded()
    seed_march(session)
    rng = random.Random(7)
    for i in range(80):
        day = f"2026-{rng.randint(1, 5):02d}-{rng.randint(1, 9 if i % 9 == 0 else 28):02d}"
        add_warning(session, area=rng.choice(["G111", "G211", "V11"]), day=day, level=rng.choice("高中低"),
                    outcome=rng.choice(["已劝阻", "已被骗", None]), call_after_min=rng.choice([None, 1, 3.5, 7, 40]),
                    sla_minutes=rng.choice([None, 5, 30]), source=rng.choice(["telecom", "bank", "app"]),
                    type_code=rng.choice(["F01", "F02", "F05"]), loss_averted_fen=rng.choice([0, 50_000]),
                    visited=rng.random() < 0.3)
    for i in range(12):
        add_case(session, area=rng.choice(["G111", "G211"]), day=f"2026-{i % 5 + 1:02d}-{i + 3:02d}",
                 loss_fen=rng.randint(1, 90) * 10_000, type_code=rng.choice(["F01", "F02", "F05"]),
                 channel=rng.choice(["电话", "QQ", "微信"]))
    for month in range(1, 6):
        add_campaign(session, area=rng.choice(["V11", "V21"]), day=f"2026-{month:02d}-11", kind="讲座")
        add_freeze(session, area="T2", day=f"2026-{month:02d}-06", requested_fen=100_000, frozen_fen=40_000)
    session.flush()
    yield session
    clock.set_clock(clock.Clock())


def _everything(engine: Engine, session: Session) -> tuple[object, object]:
    nodes = [areas.get(session, code=c) for c in NODES]
    periods = [Period.parse(p) for p in PERIODS]
    table = {(n.code, p.key): engine.table([n], [p])[n.code, p.key] for n in nodes for p in periods}
    slices = {(n.code, p.key, b.code): engine.breakdown(n, p, b.code) for n in nodes for p in periods
              for b in BREAKDOWNS}
    return table, slices


def _approx(table: object) -> object:
    """Ratios are floats: equal up to rounding in the last place."""
    assert isinstance(table, dict)
    return {k: _approx_values(values) for k, values in table.items()}


def _approx_values(values: dict[str, object]) -> dict[str, object]:
    return {c: pytest.approx(v) if isinstance(v, float) else v for c, v in values.items()}


def test_rollup_figures_equal_direct_sql_for_every_indicator_node_and_period(county: Session) -> None:
    direct_table, direct_slices = _everything(Engine(county, rollup=False), county)
    table, slices = _everything(Engine(county), county)  # builds and stores the closed months
    assert table == _approx(direct_table)
    assert slices == direct_slices
    # Sibling sets and several periods at once agree with one node and one period at a time.
    towns = [areas.get(county, code=c) for c in ("T1", "T2")]
    both = Engine(county).table(towns, [Period.parse("2026-Q1"), Period.parse("2026-04")])
    assert both == _approx({k: v for k, v in direct_table.items() if k[0] in ("T1", "T2")
                            and k[1] in ("2026-Q1", "2026-04")})
    # Every indicator was compared, with real values among them.
    codes = {c for values in table.values() for c in values}  # type: ignore[attr-defined]
    assert {i.code for i in INDICATORS} <= codes
    assert table["C", "2026"]["warnings"] == 84 and table["C", "2026"]["response_minutes_median"] is not None  # type: ignore[index]


def test_closed_months_are_stored_and_read_back_without_touching_the_source_rows(county: Session) -> None:
    Engine(county).table([areas.get(county, code="C")], [Period.parse("2026")])
    stored = set(county.execute(select(StatsRollup.source, StatsRollup.month).where(
        StatsRollup.part == "sums")).all())
    assert {("warnings", m) for m in ("2026-01", "2026-02", "2026-03", "2026-04")} <= stored
    assert ("warnings", "2026-05") not in stored  # the open month is never stored

    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    bind = county.get_bind()
    event.listen(bind, "before_cursor_execute", record)
    try:
        values = Engine(county).node(areas.get(county, code="T1"), Period.parse("2026-Q1"),
                                     ["warnings", "closure_rate", "response_minutes_median", "sla_rate", "cases"])
    finally:
        event.remove(bind, "before_cursor_execute", record)
    assert values == _approx_values(Engine(county, rollup=False).node(
        areas.get(county, code="T1"), Period.parse("2026-Q1"),
        ["warnings", "closure_rate", "response_minutes_median", "sla_rate", "cases"]))
    grouped = [s for s in statements if "GROUP BY" in s and "stats_rollup" not in s]
    assert grouped == []  # Q1 is closed: read from the rollup, not recounted


def test_the_open_month_is_always_live(county: Session) -> None:
    c = areas.get(county, code="C")
    before = Engine(county).node(c, Period.parse("2026-Q2"), ["warnings"])["warnings"]
    add_warning(county, area="G211", day="2026-05-09")
    assert Engine(county).node(c, Period.parse("2026-Q2"), ["warnings"])["warnings"] == (before or 0) + 1


def test_changing_a_row_of_a_closed_month_drops_that_month_and_the_figures_follow(county: Session) -> None:
    c = areas.get(county, code="C")
    codes = ["warnings_closed", "closure_rate", "warnings_dissuaded", "sla_met", "sla_missed"]
    Engine(county).table([c], [Period.parse("2026")], codes)
    january = WarningInstruction.received_at < datetime(2026, 2, 1, tzinfo=UTC)
    w = county.scalars(select(WarningInstruction).where(WarningInstruction.closed_at.is_(None), january)
                       .limit(1)).one()
    w.closed_at, w.outcome, w.status = NOW, "已劝阻", "关闭"  # a January warning closed in May
    county.flush()
    months = set(county.scalars(select(StatsRollup.month).where(StatsRollup.source == "warnings")))
    assert "2026-01" not in months and "2026-02" in months  # only the changed month was dropped
    assert Engine(county).table([c], [Period.parse("2026")], codes) == _approx(
        Engine(county, rollup=False).table([c], [Period.parse("2026")], codes))


def test_bulk_statements_through_the_session_drop_the_months_they_touch(county: Session) -> None:
    c, year = areas.get(county, code="C"), Period.parse("2026")
    Engine(county).table([c], [year], ["sla_met", "sla_missed", "sla_rate"])
    deadline = county.scalars(select(WarningDeadline).where(WarningDeadline.met_at.is_(None),
                                                            WarningDeadline.due_at < datetime(2026, 4, 1, tzinfo=UTC),
                                                            ).limit(1)).one()
    month = rollup.month_key(deadline.due_at)
    county.execute(update(WarningDeadline).where(WarningDeadline.id == deadline.id)
                   .values(met_at=deadline.due_at - timedelta(minutes=1), fired_at=None))
    months = set(county.scalars(select(StatsRollup.month).where(StatsRollup.source == "sla")))
    assert month not in months and months  # only the month of the changed deadline
    county.expire_all()
    assert Engine(county).table([c], [year], ["sla_met", "sla_missed", "sla_rate"]) == _approx(
        Engine(county, rollup=False).table([c], [year], ["sla_met", "sla_missed", "sla_rate"]))


def test_stored_months_from_other_definitions_or_past_their_age_are_rebuilt(county: Session) -> None:
    c, march = areas.get(county, code="C"), Period.parse("2026-03")
    right = Engine(county).node(c, march, ["warnings"])["warnings"]
    # A row written by an older definition of the indicators (another version) is not used…
    county.execute(update(StatsRollup).where(StatsRollup.source == "warnings", StatsRollup.part == "sums")
                   .values(version="old", data='{"/C/": [999, 0, 0, 0, 0, 0, 0, 0, 0]}'))
    assert Engine(county).node(c, march, ["warnings"])["warnings"] == right
    # …nor is one built longer ago than the rollup's age bound.
    county.execute(update(StatsRollup).where(StatsRollup.source == "warnings", StatsRollup.part == "sums")
                   .values(built_at=NOW - timedelta(seconds=rollup.MAX_AGE_S + 1),
                           data='{"/C/": [999, 0, 0, 0, 0, 0, 0, 0, 0]}'))
    rollup.clear_decoded()
    assert Engine(county).node(c, march, ["warnings"])["warnings"] == right


def test_materialise_stores_every_part_of_the_closed_months(county: Session) -> None:
    months = Period.parse("2026").months()
    assert Engine(county).materialise(months) > 0
    parts = set(county.execute(select(StatsRollup.source, StatsRollup.part)
                               .where(StatsRollup.month == "2026-03")).all())
    assert {("warnings", "sums"), ("warnings", "hist:response_minutes_median"), ("warnings", "bd:warnings_by_level"),
            ("cases", "bd:cases_by_type"), ("sla", "sums"), ("campaigns", "bd:campaigns_by_kind")} <= parts
    assert not county.scalar(select(StatsRollup.month).where(StatsRollup.month >= "2026-05").limit(1))
