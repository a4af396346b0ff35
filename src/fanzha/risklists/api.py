"""涉诈 risk-list API and the public citizen 举报 endpoint."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.errors import Invalid
from fanzha.core.rbac import Permission
from fanzha.risklists import service
from fanzha.risklists.schemas import (
    EntryIn,
    EntryOut,
    EntryPage,
    ImportOut,
    ListKind,
    LookupIn,
    LookupOut,
    TipDecision,
    TipIn,
    TipOut,
    TipPage,
    TipReceipt,
)
from fanzha.web.ratelimit import PublicRateLimit

router = APIRouter(prefix="/api/v1/risklists", tags=["risklists"])
public_router = APIRouter(prefix="/api/v1/public", tags=["public"])

READ = [Depends(RequirePermission(Permission.RISKLIST_READ))]
WRITE = [Depends(RequirePermission(Permission.RISKLIST_WRITE))]
REVIEW = [Depends(RequirePermission(Permission.TIP_REVIEW))]
MAX_CSV_BYTES = 20 * 1024 * 1024


class RemoveIn(BaseModel):
    reason: str = ""


@router.get("/entries", response_model=EntryPage, dependencies=READ)
def list_entries(user: CurrentUser, session: SessionDep, kind: ListKind | None = None,
                 include_inactive: bool = False, limit: int = Query(50, ge=1, le=500),
                 offset: int = Query(0, ge=0)) -> EntryPage:
    total, rows = service.list_entries(session, actor=user, kind=kind, include_inactive=include_inactive,
                                       limit=limit, offset=offset)
    return EntryPage(total=total, items=[service.entry_out(e) for e in rows])


@router.post("/entries", response_model=EntryOut, status_code=201, dependencies=WRITE)
def add_entry(body: EntryIn, user: CurrentUser, session: SessionDep) -> EntryOut:
    return service.entry_out(service.add(session, actor=user, data=body))


@router.post("/entries/{entry_id}/remove", response_model=EntryOut, dependencies=WRITE)
def remove_entry(entry_id: int, body: RemoveIn, user: CurrentUser, session: SessionDep) -> EntryOut:
    return service.entry_out(service.remove(session, actor=user, entry_id=entry_id, reason=body.reason))


@router.post("/import", response_model=ImportOut, dependencies=WRITE)
async def import_entries(request: Request, user: CurrentUser, session: SessionDep) -> ImportOut:
    """CSV body (kind,value[,source][,expires_at][,note]); any bad row rejects the whole file."""
    raw = await request.body()
    if len(raw) > MAX_CSV_BYTES:
        raise Invalid("文件过大（上限 20MB）", "file too large (20 MB limit)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid("文件须为 UTF-8 编码的 CSV", "CSV must be UTF-8") from exc
    added, updated = service.import_csv(session, actor=user, text=text)
    return ImportOut(added=added, updated=updated)


@router.post("/lookup", response_model=LookupOut, dependencies=READ)
def lookup(body: LookupIn, user: CurrentUser, session: SessionDep) -> LookupOut:
    return LookupOut(results=service.lookup(session, actor=user, items=body.items))


@router.get("/tips", response_model=TipPage, dependencies=REVIEW)
def list_tips(user: CurrentUser, session: SessionDep, status: str | None = "待审核",
              limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> TipPage:
    total, items = service.list_tips(session, actor=user, status=status or None, limit=limit, offset=offset)
    return TipPage(total=total, items=items)


@router.post("/tips/{tip_id}/confirm", response_model=EntryOut, dependencies=REVIEW)
def confirm_tip(tip_id: int, body: TipDecision, user: CurrentUser, session: SessionDep) -> EntryOut:
    return service.entry_out(service.confirm_tip(session, actor=user, tip_id=tip_id, decision=body))


@router.post("/tips/{tip_id}/reject", response_model=TipOut, dependencies=REVIEW)
def reject_tip(tip_id: int, body: TipDecision, user: CurrentUser, session: SessionDep) -> TipOut:
    return service.tip_out(service.reject_tip(session, actor=user, tip_id=tip_id, decision=body))


@public_router.post("/tips", response_model=TipReceipt, status_code=201)
def submit_tip(body: TipIn, session: SessionDep, _limit: PublicRateLimit) -> TipReceipt:
    """Citizen 举报 (no login, rate-limited per address): goes to the review queue."""
    tip = service.submit_tip(session, data=body)
    return TipReceipt(id=tip.id, status=tip.status,
                      message="已收到您的举报，民警核实后将纳入涉诈名单。如已被骗请立即拨打110。")
