from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from fanzha.audit import service
from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.rbac import Permission

router = APIRouter(prefix="/api/v1/audit", tags=["audit"],
                   dependencies=[Depends(RequirePermission(Permission.AUDIT_READ))])


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    detail: str
    ip: str | None
    request_id: str | None


class AuditPage(BaseModel):
    total: int
    items: list[AuditOut]


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    problems: list[str]


@router.get("", response_model=AuditPage)
def list_audit(user: CurrentUser, session: SessionDep, object_type: str | None = None,
               object_id: str | None = None, actor: str | None = None,
               limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)) -> AuditPage:
    total, rows = service.list_records(session, actor=user, object_type=object_type, object_id=object_id,
                                       who=actor, limit=limit, offset=offset)
    return AuditPage(total=total, items=[AuditOut.model_validate(r) for r in rows])


@router.get("/verify", response_model=VerifyOut)
def verify_audit(user: CurrentUser, session: SessionDep) -> VerifyOut:
    result = service.verify(session)
    return VerifyOut(ok=result.ok, checked=result.checked, problems=result.problems)
