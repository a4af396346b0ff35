from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.audit import service as audit
from fanzha.core import clock
from fanzha.core.errors import Invalid, NotFound
from fanzha.core.pii import PIIKind, blind_index, mask
from fanzha.core.rbac import Permission, Principal
from fanzha.people.models import Person, age_band_of
from fanzha.people.schemas import PersonCreate

UNMASKABLE = {"name": "name_enc", "phone": "phone_enc", "id_number": "id_number_enc", "address": "address_enc"}


def build(data: PersonCreate, *, area_path: str) -> Person:
    """A Person row with its encrypted, hashed and masked forms filled in (no session)."""
    return Person(
        name_enc=data.name, name_masked=mask(PIIKind.NAME, data.name) or "",
        phone_enc=data.phone, phone_masked=mask(PIIKind.PHONE, data.phone),
        phone_hash=blind_index(PIIKind.PHONE, data.phone) if data.phone else None,
        id_number_enc=data.id_number, id_number_masked=mask(PIIKind.ID_NUMBER, data.id_number),
        id_number_hash=blind_index(PIIKind.ID_NUMBER, data.id_number) if data.id_number else None,
        address_enc=data.address, gender=data.gender, age=data.age,
        age_band=age_band_of(data.age) if data.age is not None else None,
        occupation=data.occupation, tags=list(data.tags), area_code=data.area_code, area_path=area_path,
        app_installed=data.app_installed, app_registered=data.app_registered,
        external_ref=data.external_ref, created_at=clock.now(),
    )


def create(session: Session, *, actor: Principal, data: PersonCreate) -> Person:
    actor.require(Permission.PERSON_WRITE)
    area = areas.get(session, code=data.area_code, scope=actor.scope)
    person = build(data, area_path=area.path)
    session.add(person)
    session.flush()
    audit.record(session, actor=actor, action="person.create", object_type="person", object_id=person.id)
    return person


def get(session: Session, *, actor: Principal, person_id: int) -> Person:
    actor.require(Permission.PERSON_READ)
    person = session.get(Person, person_id)
    if person is None or not actor.scope.contains(person.area_path):
        raise NotFound("人员", "Person", person_id)
    return person


def find_by_phone(session: Session, *, phone: str) -> Person | None:
    """System look-up used when a warning or detection names a phone number."""
    return session.scalars(select(Person).where(Person.phone_hash == blind_index(PIIKind.PHONE, phone))).first()


def list_people(session: Session, *, actor: Principal, area_code: str | None = None, phone: str | None = None,
                limit: int = 50, offset: int = 0) -> tuple[int, Sequence[Person]]:
    actor.require(Permission.PERSON_READ)
    stmt = select(Person).where(actor.scope.clause(Person.area_path))
    if area_code:
        area = areas.get(session, code=area_code, scope=actor.scope)
        stmt = stmt.where(Person.area_path.startswith(area.path, autoescape=True))
    if phone:
        stmt = stmt.where(Person.phone_hash == blind_index(PIIKind.PHONE, phone))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return total, session.scalars(stmt.order_by(Person.id).limit(limit).offset(offset)).all()


def unmask(
    session: Session, *, actor: Principal, person_id: int, purpose: str, fields: list[str]
) -> dict[str, str | None]:
    """Clear values for a stated purpose; every call leaves an audit record."""
    actor.require(Permission.PII_UNMASK)
    unknown = [f for f in fields if f not in UNMASKABLE]
    if unknown:
        raise Invalid(f"不可解密的字段：{'、'.join(unknown)}", f"cannot unmask: {', '.join(unknown)}",
                      fields={"fields": unknown})
    person = get(session, actor=actor, person_id=person_id)
    audit.record(session, actor=actor, action="pii.unmask", object_type="person", object_id=person.id,
                 detail={"purpose": purpose, "fields": fields})
    return {f: getattr(person, UNMASKABLE[f]) for f in fields}
