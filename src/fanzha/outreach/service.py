"""Campaign and visit use cases. Services flush; the caller's unit of work commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from fanzha.areas import service as areas
from fanzha.audit import service as audit
from fanzha.core import cache, clock
from fanzha.core.errors import Invalid, NotFound
from fanzha.core.rbac import Permission, Principal
from fanzha.outreach.models import Campaign, CampaignKind, Visit
from fanzha.outreach.schemas import CampaignIn, VisitIn
from fanzha.people import service as people

T = TypeVar("T")
# A record may be entered up to a week ahead (a scheduled 讲座), not further.
MAX_DAYS_AHEAD = 7


def fen_of(data: CampaignIn) -> int:
    return int(data.cost_yuan * 100)


def check_date(held_on: date, *, field: str = "held_on") -> None:
    if held_on > clock.now().date() + timedelta(days=MAX_DAYS_AHEAD):
        raise Invalid("活动日期不能晚于一周之后", "date is more than a week ahead",
                      fields={field: {"message_zh": "活动日期不能晚于一周之后", "message_en": "too far ahead"}})


def build_campaign(data: CampaignIn, *, area_path: str, created_by: str) -> Campaign:
    return Campaign(kind=data.kind, title=data.title, held_on=data.held_on, area_code=data.area_code,
                    area_path=area_path, place=data.place, target_groups=[g.value for g in data.target_groups],
                    fraud_types=list(data.fraud_types), reach_people=data.reach_people,
                    reach_views=data.reach_views, materials=data.materials, cost_fen=fen_of(data),
                    external_ref=data.external_ref, created_by=created_by, created_at=clock.now())


def create_campaign(session: Session, *, actor: Principal, data: CampaignIn) -> Campaign:
    actor.require(Permission.OUTREACH_WRITE)
    area = areas.get(session, code=data.area_code, scope=actor.scope)
    check_date(data.held_on)
    campaign = build_campaign(data, area_path=area.path, created_by=actor.username)
    session.add(campaign)
    session.flush()
    audit.record(session, actor=actor, action="outreach.campaign.create", object_type="campaign",
                 object_id=campaign.id, detail={"kind": campaign.kind, "area": campaign.area_code})
    return campaign


def get_campaign(session: Session, *, actor: Principal, campaign_id: int) -> Campaign:
    actor.require(Permission.OUTREACH_READ)
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not actor.scope.contains(campaign.area_path):
        raise NotFound("宣防活动", "Campaign", campaign_id)
    return campaign


def _under(session: Session, actor: Principal, stmt: Select[T], column: InstrumentedAttribute[str],
           area_code: str | None) -> Select[T]:
    """Rows in the caller's jurisdiction, optionally narrowed to one area's subtree."""
    stmt = stmt.where(actor.scope.clause(column))
    if area_code:
        stmt = stmt.where(column.startswith(areas.get(session, code=area_code, scope=actor.scope).path,
                                            autoescape=True))
    return stmt


def _count(session: Session, stmt: Select[T]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def list_campaigns(session: Session, *, actor: Principal, area_code: str | None = None,
                   kind: CampaignKind | None = None, since: date | None = None, until: date | None = None,
                   limit: int = 50, offset: int = 0) -> tuple[int, Sequence[Campaign]]:
    actor.require(Permission.OUTREACH_READ)
    stmt = _under(session, actor, select(Campaign), Campaign.area_path, area_code)
    if kind:
        stmt = stmt.where(Campaign.kind == kind)
    if since:
        stmt = stmt.where(Campaign.held_on >= since)
    if until:
        stmt = stmt.where(Campaign.held_on <= until)
    rows = session.scalars(stmt.order_by(Campaign.held_on.desc(), Campaign.id.desc()).limit(limit).offset(offset))
    return _count(session, stmt), rows.all()


def record_visit(session: Session, *, actor: Principal, data: VisitIn) -> Visit:
    """A door visit; installing or registering the App there updates the resident's App status."""
    actor.require(Permission.OUTREACH_WRITE)
    person = people.get(session, actor=actor, person_id=data.person_id)
    check_date(data.visited_on, field="visited_on")
    if data.campaign_id is not None:
        get_campaign(session, actor=actor, campaign_id=data.campaign_id)
    visit = Visit(person_id=person.id, campaign_id=data.campaign_id, visited_on=data.visited_on,
                  visitor=actor.username, fraud_types=list(data.fraud_types), area_code=person.area_code,
                  area_path=person.area_path, app_installed_on_visit=data.app_installed_on_visit,
                  app_registered_on_visit=data.app_registered_on_visit, note=data.note, created_at=clock.now())
    # The App status lives on the person (people domain); a visit is the field's proof it changed.
    if data.app_installed_on_visit or data.app_registered_on_visit:
        person.app_installed = True
    if data.app_registered_on_visit:
        person.app_registered = True
    if data.app_installed_on_visit or data.app_registered_on_visit:
        cache.clear()  # coverage figures must show the install at once
    session.add(visit)
    session.flush()
    audit.record(session, actor=actor, action="outreach.visit.create", object_type="visit", object_id=visit.id,
                 detail={"person_id": person.id, "app_installed": data.app_installed_on_visit,
                         "app_registered": data.app_registered_on_visit})
    return visit


def list_visits(session: Session, *, actor: Principal, area_code: str | None = None, person_id: int | None = None,
                limit: int = 50, offset: int = 0) -> tuple[int, Sequence[Visit]]:
    actor.require(Permission.OUTREACH_READ)
    stmt = _under(session, actor, select(Visit), Visit.area_path, area_code)
    if person_id is not None:
        stmt = stmt.where(Visit.person_id == person_id)
    return _count(session, stmt), session.scalars(stmt.order_by(Visit.visited_on.desc(), Visit.id.desc())
                                                  .limit(limit).offset(offset)).all()


def last_visits(session: Session, *, area_path: str, since: date) -> dict[int, date]:
    """Most recent visit date per person under an area, for plans that skip the recently visited."""
    rows = session.execute(select(Visit.person_id, func.max(Visit.visited_on))
                           .where(Visit.area_path.startswith(area_path, autoescape=True), Visit.visited_on >= since)
                           .group_by(Visit.person_id))
    return {pid: day for pid, day in rows}
