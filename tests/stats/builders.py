"""Rows other domains would record, written straight into their tables for statistics tests.

Statistics only reads these tables, so its tests build exactly the rows a figure depends on.
Times are local (Asia/Shanghai) wall-clock, converted to UTC as the domains store them.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.cases.models import Case
from fanzha.core.clock import LOCAL_TZ
from fanzha.outreach.models import Campaign, Visit
from fanzha.risk.models import FreezeRequest
from fanzha.warning.models import WarningDeadline, WarningInstruction

_seq = itertools.count(1)


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """"2026-03-05" at 10:00 local → UTC."""
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


def add_warning(session: Session, *, area: str, day: str, level: str = "中", outcome: str | None = "已劝阻",
                call_after_min: float | None = 4.0, loss_averted_fen: int = 0, source: str = "telecom",
                type_code: str = "F01", sla_minutes: float | None = None, person_id: int | None = None,
                visited: bool = False) -> WarningInstruction:
    n = next(_seq)
    received = at(day)
    call = received + timedelta(minutes=call_after_min) if call_after_min is not None else None
    w = WarningInstruction(
        source=source, external_id=f"T{n}", person_id=person_id, subject_key=f"phone:{n}", type_code=type_code,
        level=level, reasons=[], status="关闭" if outcome else "待签收", tier="center", channel="电话",
        occurred_at=received, received_at=received, dispatched_at=received, first_call_at=call,
        visited_at=received + timedelta(hours=1) if visited else None,
        closed_at=received + timedelta(hours=2) if outcome else None, outcome=outcome,
        loss_averted_fen=loss_averted_fen, area_code=area, area_path=areas.get(session, code=area).path)
    session.add(w)
    session.flush()
    if sla_minutes is not None:
        due = received + timedelta(minutes=sla_minutes)
        late = call is None or call > due  # the SLA timer fires (escalates) a step that falls due unmet
        session.add(WarningDeadline(warning_id=w.id, step="电话劝阻", step_rank=2, tier="center", label="首次电话",
                                    due_at=due, met_at=call, fired_at=due if late else None))
        session.flush()
    return w


def add_case(session: Session, *, area: str, day: str, loss_fen: int = 5_000_000, type_code: str = "F02",
             status: str = "立案", victim_person_id: int | None = None, channel: str = "电话") -> Case:
    n = next(_seq)
    when = at(day)
    case = Case(case_no=f"C{n:06d}", source="110", status=status, reported_at=when, occurred_at=when,
                channel=channel, type_code=type_code, victim_person_id=victim_person_id, loss_fen=loss_fen,
                recovered_fen=0, created_by="test", created_at=when, updated_at=when, area_code=area,
                area_path=areas.get(session, code=area).path)
    session.add(case)
    session.flush()
    return case


def add_campaign(session: Session, *, area: str, day: str, reach: int = 100, kind: str = "讲座") -> Campaign:
    c = Campaign(kind=kind, title="反诈宣传进社区", held_on=date.fromisoformat(day), place="村委会",
                 target_groups=["老人"], fraud_types=["F05"], reach_people=reach, reach_views=0, materials="",
                 cost_fen=0, created_by="test", created_at=at(day), area_code=area,
                 area_path=areas.get(session, code=area).path)
    session.add(c)
    session.flush()
    return c


def add_visit(session: Session, *, person_id: int, area: str, day: str, installed: bool = False) -> Visit:
    v = Visit(person_id=person_id, visited_on=date.fromisoformat(day), visitor="grid", fraud_types=[],
              app_installed_on_visit=installed, app_registered_on_visit=False, note="", created_at=at(day),
              area_code=area, area_path=areas.get(session, code=area).path)
    session.add(v)
    session.flush()
    return v


def add_freeze(session: Session, *, area: str, day: str, requested_fen: int, frozen_fen: int) -> FreezeRequest:
    n = next(_seq)
    when = at(day)
    f = FreezeRequest(kind="止付", source_type="case", source_id=str(n), account_hash=f"h{n}",
                      account_masked="6222****0000", account_enc="6222020000000000", amount_requested_fen=requested_fen,
                      amount_done_fen=frozen_fen, status="executed", reason="案件止付", requested_by="test",
                      requested_at=when, deadline_at=when + timedelta(hours=48), area_code=area,
                      area_path=areas.get(session, code=area).path)
    session.add(f)
    session.flush()
    return f


def seed_march(session: Session) -> None:
    """The small county (tests.factories) with a March 2026 to report on, and March 2025 to compare with.

    T1: three warnings in March (calls after 2, 4 and 10 minutes against a 5-minute SLA; the
    last one ends 已被骗), two cases of one victim; T2: one case and a declined report.
    """
    from tests.factories import make_person, make_tree

    make_tree(session)
    victim = make_person(session, area_code="G111", app_installed=True)
    make_person(session, area_code="G111")
    make_person(session, area_code="G211", app_installed=True, app_registered=True)
    add_warning(session, area="G111", day="2026-03-03", level="高", call_after_min=2, sla_minutes=5,
                loss_averted_fen=2_000_000)
    add_warning(session, area="G111", day="2026-03-10", call_after_min=4, sla_minutes=5)
    add_warning(session, area="G111", day="2026-03-20", outcome="已被骗", call_after_min=10, sla_minutes=5,
                visited=True)
    add_warning(session, area="G111", day="2026-02-20")
    add_case(session, area="G111", day="2026-03-05", loss_fen=5_000_000, victim_person_id=victim.id)
    add_case(session, area="G111", day="2026-03-21", loss_fen=3_000_000, type_code="F01",
             victim_person_id=victim.id, status="破案")
    add_case(session, area="G211", day="2026-03-08", loss_fen=1_000_000, type_code="F01")
    add_case(session, area="G211", day="2026-03-09", loss_fen=9_000_000, status="不予立案")
    add_case(session, area="G111", day="2025-03-15", loss_fen=2_000_000)
    add_campaign(session, area="V11", day="2026-03-12", reach=120)
    add_visit(session, person_id=victim.id, area="G111", day="2026-03-13", installed=True)
    add_freeze(session, area="T1", day="2026-03-05", requested_fen=5_000_000, frozen_fen=1_200_000)
