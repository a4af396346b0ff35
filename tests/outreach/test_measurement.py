"""Effect measurement on the database, and the readers that feed targeting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from fanzha.areas import service as areas
from fanzha.core import clock
from fanzha.core.db import Database
from fanzha.core.rbac import Principal
from fanzha.core.scope import Scope
from fanzha.outreach import measurement, service, sources
from fanzha.outreach.schemas import CampaignIn
from fanzha.outreach.sources import VictimSignal
from tests.factories import make_person, make_tree

SYSTEM = Principal.system("test")
VILLAGES = ["V11", "V12", "V13", "V14", "V21", "V22", "V23", "V24"]
TARGETED = {"V11", "V12", "V21"}


@pytest.fixture
def recorded_signals() -> Iterator[list[VictimSignal]]:
    """Signals handed in through the readers registry, as a domain's reader would."""
    recorded: list[VictimSignal] = []
    sources.READERS.append(lambda session, scope, since, by_day: [s for s in recorded if s.on and s.on >= since])
    yield recorded
    sources.READERS.pop()


def test_targeted_villages_fall_against_untargeted_ones(database: Database,
                                                        recorded_signals: list[VictimSignal]) -> None:
    clock.set_clock(clock.FrozenClock(datetime(2026, 4, 15, tzinfo=UTC)))
    with database.session() as s:
        make_tree(s)
        areas.import_rows(s, [{"code": v, "name": f"{v}村", "level": "village", "parent_code": f"T{v[1]}"}
                              for v in VILLAGES if v not in ("V11", "V21")]
                          + [{"code": f"G{v[1:]}9", "name": f"{v}网格", "level": "grid", "parent_code": v}
                             for v in VILLAGES])
        for v in VILLAGES:
            for _ in range(4):
                make_person(s, area_code=f"G{v[1:]}9")
        for v in sorted(TARGETED):
            service.create_campaign(s, actor=SYSTEM, data=CampaignIn.model_validate(
                {"kind": "入户走访", "title": "走访", "held_on": "2026-02-10", "area_code": v}))
        # A county-wide SMS reaches both groups and must not make every village "targeted".
        service.create_campaign(s, actor=SYSTEM, data=CampaignIn.model_validate(
            {"kind": "短信", "title": "全县短信", "held_on": "2026-02-12", "area_code": "C"}))
    for i, v in enumerate(VILLAGES):
        after = 3 if v in TARGETED else 10 + i % 2
        for day, n in ((date(2026, 1, 10), 10 + i % 3), (date(2026, 3, 10), after)):
            recorded_signals.extend(VictimSignal("warning", f"G{v[1:]}9", None, None, None, (), "F05", day, False)
                                    for _ in range(n))
    with database.session() as s:
        result = measurement.measure(s, actor=SYSTEM, start=date(2026, 2, 1), end=date(2026, 2, 28),
                                     window_days=30)
    assert (result.treated_areas, result.control_areas) == (3, 5)
    assert result.estimate_per_10k < 0 and result.ci_high < 0
    assert "目标区域 3 个" in result.note_zh


def test_warning_reader_sees_a_warning_ingested_by_the_warning_domain(database: Database) -> None:
    from fanzha.warning import service as warnings
    from fanzha.warning.schemas import SignalIn

    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    clock.set_clock(clock.FrozenClock(now))
    with database.session() as s:
        make_tree(s)
        person = make_person(s, area_code="G111", age=72)
        warnings.ingest_all_or_nothing(s, actor=SYSTEM, signals=[SignalIn(
            source="telecom", external_id="T-1", occurred_at=now - timedelta(minutes=5), person_id=person.id,
            area_code="G111", type_code="F05", contact_channel="电话")])
    with database.session() as s:
        got = sources.recent_signals(s, scope=Scope("/C/"), since=date(2026, 3, 1),
                                     by=frozenset({sources.AREA, sources.PROFILE, sources.DAY}))
        flagged = sources.flagged_persons(s, area_path="/C/T1/", since=date(2026, 3, 1))
        elsewhere = sources.flagged_persons(s, area_path="/C/T2/", since=date(2026, 3, 1))
    assert [(g.source, g.fraud_type, g.age_band, g.on, g.count) for g in got] == [
        ("warning", "F05", ">70", date(2026, 3, 2), 1)]
    assert flagged == {person.id} and elsewhere == set()
