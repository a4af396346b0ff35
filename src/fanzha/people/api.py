from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.rbac import Permission
from fanzha.people import service
from fanzha.people.schemas import PersonCreate, PersonOut, UnmaskedOut, UnmaskIn

router = APIRouter(prefix="/api/v1/people", tags=["people"])


class PersonPage(BaseModel):
    total: int
    items: list[PersonOut]


@router.get("", response_model=PersonPage, dependencies=[Depends(RequirePermission(Permission.PERSON_READ))])
def list_people(user: CurrentUser, session: SessionDep, area_code: str | None = None, phone: str | None = None,
                limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> PersonPage:
    total, rows = service.list_people(session, actor=user, area_code=area_code, phone=phone,
                                      limit=limit, offset=offset)
    return PersonPage(total=total, items=[PersonOut.model_validate(p) for p in rows])


@router.post("", response_model=PersonOut, status_code=201,
             dependencies=[Depends(RequirePermission(Permission.PERSON_WRITE))])
def create_person(body: PersonCreate, user: CurrentUser, session: SessionDep) -> PersonOut:
    return PersonOut.model_validate(service.create(session, actor=user, data=body))


@router.get("/{person_id}", response_model=PersonOut,
            dependencies=[Depends(RequirePermission(Permission.PERSON_READ))])
def get_person(person_id: int, user: CurrentUser, session: SessionDep) -> PersonOut:
    return PersonOut.model_validate(service.get(session, actor=user, person_id=person_id))


@router.post("/{person_id}/unmask", response_model=UnmaskedOut,
             dependencies=[Depends(RequirePermission(Permission.PII_UNMASK))])
def unmask_person(person_id: int, body: UnmaskIn, user: CurrentUser, session: SessionDep) -> UnmaskedOut:
    values = service.unmask(session, actor=user, person_id=person_id, purpose=body.purpose, fields=body.fields)
    return UnmaskedOut(id=person_id, values=values)
