"""The dissuasion workflow, SLA clocks and escalation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditRecord
from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.core.errors import Invalid, TransitionNotAllowed
from fanzha.core.events import InProcessBus, get_bus
from fanzha.core.rbac import Principal, Role
from fanzha.users import service as users
from fanzha.warning import ingest, sla
from fanzha.warning import service as warnings
from fanzha.warning.models import Notification, Status, WarningDeadline, WarningInstruction, WarningStep
from fanzha.warning.schemas import AttemptIn, CloseIn, FeedbackIn
from tests.factories import make_person, make_tree, make_user
from tests.warning.helpers import minutes_ago, signal

SYSTEM = Principal.system("test")


def high_warning(session: Session) -> WarningInstruction:
    make_tree(session)
    person = make_person(session, tags=[], age=40)
    report = ingest.ingest(session, [signal(person_id=person.id, flags=["ongoing_call"],
                                            occurred_at=minutes_ago(5))], actor=SYSTEM)
    w = session.get(WarningInstruction, report.items[0].warning_id)
    assert w is not None and w.level == "高"
    return w


def officer(session: Session) -> Principal:
    return users.principal_of(make_user(session, role=Role.STATION_OFFICER, area_code="T1"))


def test_full_dissuasion_by_phone_is_stamped_audited_and_emits_closed(
        session: Session, frozen_clock: FrozenClock) -> None:
    w = high_warning(session)
    me = officer(session)
    warnings.claim(session, actor=me, warning_id=w.id)
    frozen_clock.advance(timedelta(minutes=2))
    warnings.record_attempt(session, actor=me, warning_id=w.id, data=AttemptIn(channel="电话", result="已劝阻"))
    warnings.advance(session, actor=me, warning_id=w.id, to=Status.VERIFYING)
    warnings.feedback(session, actor=me, warning_id=w.id, data=FeedbackIn(
        outcome="已劝阻", money_at_risk_fen=5_000_000, loss_averted_fen=5_000_000, follow_up_on=date(2026, 3, 9)))
    warnings.advance(session, actor=me, warning_id=w.id, to=Status.FOLLOW_UP)
    warnings.close(session, actor=me, warning_id=w.id, data=CloseIn())
    assert (w.status, w.outcome, w.loss_averted_fen) == ("关闭", "已劝阻", 5_000_000)
    assert w.first_call_at is not None and (w.first_call_at - w.accepted_at) == timedelta(minutes=2)
    steps = [s.to_status for s in session.scalars(select(WarningStep).where(WarningStep.warning_id == w.id)
                                                  .order_by(WarningStep.id))]
    assert steps == ["待签收", "已签收", "电话劝阻", "核实", "反馈", "回访", "关闭"]
    actions = session.scalars(select(AuditRecord.action).where(AuditRecord.object_type == "warning")).all()
    assert actions == ["warning.claimed", "warning.advanced", "warning.attempt", "warning.advanced",
                       "warning.feedback", "warning.advanced", "warning.closed"]
    deadlines = session.scalars(select(WarningDeadline).where(WarningDeadline.warning_id == w.id)).all()
    assert all(d.met_at is not None and d.fired_at is None for d in deadlines)
    closed = [e for e in session.info.get("pending_events", []) if e.name == "warning.closed"]
    assert closed[0].payload == {"warning_id": w.id, "outcome": "已劝阻", "loss_averted_fen": 5_000_000,
                                 "person_id": w.person_id}


@pytest.mark.parametrize(("path", "to"), [
    ([], Status.VERIFYING),
    ([Status.ACCEPTED], Status.FOLLOW_UP),
    ([Status.ACCEPTED, Status.CALLING, Status.VERIFYING], Status.CALLING),
])
def test_steps_cannot_be_skipped(session: Session, frozen_clock: FrozenClock, path: list[Status], to: Status) -> None:
    w = high_warning(session)
    me = officer(session)
    for step in path:
        warnings.advance(session, actor=me, warning_id=w.id, to=step)
    with pytest.raises(TransitionNotAllowed):
        warnings.advance(session, actor=me, warning_id=w.id, to=to)


def test_false_alarm_may_close_from_any_open_step_but_other_outcomes_need_feedback(
        session: Session, frozen_clock: FrozenClock) -> None:
    w = high_warning(session)
    me = officer(session)
    with pytest.raises(TransitionNotAllowed):
        warnings.close(session, actor=me, warning_id=w.id, data=CloseIn(outcome="已劝阻"))
    warnings.close(session, actor=me, warning_id=w.id, data=CloseIn(outcome="误报", note="号码为快递员"))
    assert w.status == "关闭"


def test_defrauded_outcome_needs_the_linked_case(session: Session, frozen_clock: FrozenClock) -> None:
    w = high_warning(session)
    me = officer(session)
    for step in (Status.CALLING, Status.VERIFYING):
        warnings.advance(session, actor=me, warning_id=w.id, to=step)
    with pytest.raises(Invalid, match="defrauded"):
        warnings.feedback(session, actor=me, warning_id=w.id, data=FeedbackIn(outcome="已被骗"))


def test_high_warning_escalates_to_command_after_missed_call_and_notifies_supervisor_on_duty(
        database: Database, frozen_clock: FrozenClock) -> None:
    with database.session() as s:
        w = high_warning(s)
        leader = make_user(s, role=Role.LEADER, area_code="C")
        leader.on_duty = True
        make_user(s, role=Role.LEADER, area_code="C")  # off duty: not told
        wid, leader_id = w.id, leader.id
    frozen_clock.advance(timedelta(minutes=4))
    with database.session() as s:
        assert sla.fire_due(s) == []
    frozen_clock.advance(timedelta(minutes=2))
    with database.session() as s:
        assert sla.fire_due(s) == [wid]
        assert sla.fire_due(s) == []  # the same deadline never fires twice
    with database.session() as s:
        w2 = s.get(WarningInstruction, wid)
        assert w2 is not None and (w2.tier, w2.escalations) == ("command", 1)
        inbox = s.scalars(select(Notification).where(Notification.channel == "in_app")).all()
        assert [n.user_id for n in inbox] == [leader_id] and "超时升级" in inbox[0].title
    bus = get_bus()
    assert isinstance(bus, InProcessBus) and bus.published >= 2


def test_station_accepting_in_time_stops_its_clock(database: Database, frozen_clock: FrozenClock) -> None:
    with database.session() as s:
        w = high_warning(s)
        me = officer(s)
        wid = w.id
    frozen_clock.advance(timedelta(minutes=3))
    with database.session() as s:
        warnings.record_attempt(s, actor=me, warning_id=wid, data=AttemptIn(channel="电话", result="未接通"))
    frozen_clock.advance(timedelta(minutes=20))
    with database.session() as s:
        assert sla.fire_due(s) == []
    frozen_clock.advance(timedelta(minutes=10))
    with database.session() as s:
        assert sla.fire_due(s) == [wid]  # nobody visited within 30 minutes
        fired = s.scalars(select(WarningDeadline.step).where(WarningDeadline.fired_at.is_not(None))).all()
        assert fired == ["上门劝阻"]


def test_two_timers_racing_fire_each_deadline_once(database: Database, frozen_clock: FrozenClock) -> None:
    with database.session() as s:
        high_warning(s)
    frozen_clock.advance(timedelta(hours=1))
    first, second = database.sessionmaker(), database.sessionmaker()
    try:
        a = sla.fire_due(first)
        first.commit()
        b = sla.fire_due(second)
        second.commit()
    finally:
        first.close()
        second.close()
    with database.session() as s:
        w = s.scalars(select(WarningInstruction)).one()
        assert len(a) == 3 and b == [] and w.escalations == 3 and w.tier == "command"
