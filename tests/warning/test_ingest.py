"""Ingest: idempotency, dedup/merge, locating the subject, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core.clock import FrozenClock
from fanzha.core.errors import ImportRejected
from fanzha.core.rbac import Principal
from fanzha.warning import ingest
from fanzha.warning.models import WarningDeadline, WarningInstruction, WarningSignal
from fanzha.warning.service import ingest_all_or_nothing
from tests.factories import make_person, make_tree, phone_number
from tests.warning.helpers import minutes_ago, signal

SYSTEM = Principal.system("test")


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_high_warning_is_graded_and_dispatched_to_the_persons_station_and_grid(
        session: Session, frozen_clock: FrozenClock) -> None:
    make_tree(session)
    person = make_person(session, area_code="G111", tags=[], age=40)
    report = ingest.ingest(session, [signal(person_id=person.id, flags=["remote_app"],
                                            occurred_at=minutes_ago(15))], actor=SYSTEM)
    w = session.get(WarningInstruction, report.items[0].warning_id)
    assert w is not None
    assert (w.level, w.tier, w.channel, w.station_code, w.grid_code) == ("高", "center", "电话", "T1", "G111")
    assert "1 小时内与涉诈对象接触，且资金仍可能转出" in w.reasons
    due = {d.step: d.due_at - w.received_at for d in session.scalars(select(WarningDeadline))}
    assert {k: v.total_seconds() / 60 for k, v in due.items()} == {"电话劝阻": 5, "已签收": 10, "上门劝阻": 30}


def test_ten_thousand_duplicates_of_one_id_create_one_instruction(session: Session, frozen_clock: FrozenClock) -> None:
    make_tree(session)
    person = make_person(session)
    one = signal(person_id=person.id, external_id="STORM-1")
    report = ingest.ingest(session, [one] * 10_000, actor=SYSTEM)
    again = ingest.ingest(session, [one] * 10, actor=SYSTEM)
    assert report.count("created") == 1 and report.count("duplicate") == 9_999
    assert again.count("duplicate") == 10
    assert count(session, WarningInstruction) == 1 and count(session, WarningSignal) == 1


def test_signals_about_same_person_and_counterpart_merge_and_raise_the_level(
        session: Session, frozen_clock: FrozenClock) -> None:
    make_tree(session)
    person = make_person(session, tags=[], age=40)
    first = [signal(person_id=person.id, counterpart="17000001111", occurred_at=minutes_ago(300))]
    ingest.ingest(session, first, actor=SYSTEM)
    w = session.scalars(select(WarningInstruction)).one()
    assert w.level == "中"
    more = [signal(person_id=person.id, counterpart="17000001111", occurred_at=minutes_ago(m)) for m in (200, 100)]
    report = ingest.ingest(session, more, actor=SYSTEM)
    session.refresh(w)
    assert [i.result for i in report.items] == ["merged", "merged"]
    assert count(session, WarningInstruction) == 1
    assert (w.signal_count, w.level) == (3, "高")
    assert any("多次接触" in r for r in w.reasons)


def test_different_counterpart_is_a_separate_instruction(session: Session, frozen_clock: FrozenClock) -> None:
    make_tree(session)
    person = make_person(session)
    ingest.ingest(session, [signal(person_id=person.id, counterpart="17000001111"),
                            signal(person_id=person.id, counterpart="17000002222")], actor=SYSTEM)
    assert count(session, WarningInstruction) == 2


def test_unknown_person_with_phone_and_reporting_area_is_kept_masked(
        session: Session, frozen_clock: FrozenClock) -> None:
    make_tree(session)
    phone = phone_number(424242)
    report = ingest.ingest(session, [signal(phone=phone, area_code="T2")], actor=SYSTEM)
    w = session.get(WarningInstruction, report.items[0].warning_id)
    assert w is not None and w.person_id is None
    assert w.subject_phone_masked == "139****4242" and w.subject_phone_hash and w.station_code == "T2"


def test_phone_of_a_registered_person_finds_them(session: Session, frozen_clock: FrozenClock) -> None:
    make_tree(session)
    person = make_person(session, area_code="G211")
    report = ingest.ingest(session, [signal(phone=person.phone_enc)], actor=SYSTEM)
    w = session.get(WarningInstruction, report.items[0].warning_id)
    assert w is not None and (w.person_id, w.station_code) == (person.id, "T2")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"person_id": 999_999}, "person_id", "人员 999999 不存在"),
    ({"phone": "13912345678"}, "phone", "无法定位预警对象"),
    ({}, "phone", "无法定位预警对象"),
    ({"phone": "13912345678", "area_code": "NOPE"}, "area_code", "上报辖区 NOPE 不存在"),
    ({"person_id": "P", "occurred_at": "future"}, "occurred_at", "晚于当前时间"),
    ({"person_id": "P", "occurred_at": "ancient"}, "occurred_at", "早于 90 天前"),
])
def test_bad_rows_reject_the_api_batch_with_the_reason_and_write_nothing(
        session: Session, frozen_clock: FrozenClock, overrides: dict[str, object], field: str, message: str) -> None:
    from datetime import timedelta

    make_tree(session)
    person = make_person(session)
    if overrides.get("person_id") == "P":
        overrides["person_id"] = person.id
    when = {"future": frozen_clock.now() + timedelta(hours=2), "ancient": frozen_clock.now() - timedelta(days=200)}
    if overrides.get("occurred_at") in when:
        overrides["occurred_at"] = when[str(overrides["occurred_at"])]
    good = signal(person_id=person.id)
    with pytest.raises(ImportRejected) as exc:
        ingest_all_or_nothing(session, actor=SYSTEM, signals=[good, signal(**overrides)])
    row = exc.value.rows[0]
    assert (row["row"], row["field"]) == (2, field) and message in row["message_zh"]
    assert count(session, WarningInstruction) == 0 and count(session, WarningSignal) == 0


def test_one_audit_record_per_machine_batch(session: Session, frozen_clock: FrozenClock) -> None:
    from fanzha.audit.models import AuditRecord

    make_tree(session)
    person = make_person(session)
    before = count(session, AuditRecord)
    ingest.ingest(session, [signal(person_id=person.id) for _ in range(50)], actor=SYSTEM)
    assert count(session, AuditRecord) == before + 1
