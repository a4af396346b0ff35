"""Risk-list management and the citizen-tip review queue (pages)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from fanzha.core import clock
from fanzha.core.deps import CurrentUser, SessionDep
from fanzha.core.errors import FanzhaError, ImportRejected
from fanzha.core.rbac import Permission, Principal
from fanzha.risklists import service
from fanzha.risklists.models import TipStatus
from fanzha.risklists.schemas import LIST_KIND_NAMES_ZH, EntryIn, ListKind, TipDecision
from fanzha.web.pages import page
from fanzha.web.workbench import Cell, Link, Section

router = APIRouter(include_in_schema=False)


def _back(path: str, *, ok: str = "", error: str = "") -> RedirectResponse:
    query = f"?ok={quote(ok)}" if ok else (f"?error={quote(error)}" if error else "")
    return RedirectResponse(path + query, status_code=303)


@router.get("/risklists", response_class=HTMLResponse)
def risklist_page(request: Request, user: CurrentUser, session: SessionDep, kind: str = "", inactive: int = 0,
                  page_no: int = 1, ok: str = "", error: str = "") -> HTMLResponse:
    size = 50
    list_kind = ListKind(kind) if kind in service.LIST_KIND_VALUES else None
    total, rows = service.list_entries(session, actor=user, kind=list_kind, include_inactive=bool(inactive),
                                       limit=size, offset=(max(page_no, 1) - 1) * size)
    return page(request, user, "cases/risklists.html", {
        "rows": [service.entry_out(e) for e in rows], "total": total, "page_no": page_no, "size": size,
        "kind": kind, "inactive": inactive, "kinds": LIST_KIND_NAMES_ZH, "ok": ok, "error": error,
        "can_write": user.can(Permission.RISKLIST_WRITE), "row_errors": []})


@router.post("/risklists/add")
async def risklist_add(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = await request.form()
    try:
        days = str(form.get("ttl_days", "")).strip()
        data = EntryIn(kind=str(form.get("kind", "")), value=str(form.get("value", "")),
                       source=str(form.get("source", "")).strip() or "人工录入",
                       note=str(form.get("note", "")).strip() or None,
                       expires_at=clock.now() + timedelta(days=int(days)) if days else None)
        service.add(session, actor=user, data=data)
    except (ValidationError, ValueError):
        return _back("/risklists", error="类型、值或有效期填写有误")
    except FanzhaError as exc:
        if exc.status_code in (401, 403):
            raise
        return _back("/risklists", error=exc.message_zh)
    return _back("/risklists", ok="已加入涉诈名单")


@router.post("/risklists/import", response_class=HTMLResponse)
async def risklist_import(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return _back("/risklists", error="请选择 CSV 文件")
    try:
        text = (await upload.read()).decode("utf-8-sig")
        added, updated = service.import_csv(session, actor=user, text=text)
    except UnicodeDecodeError:
        return _back("/risklists", error="文件须为 UTF-8 编码的 CSV")
    except ImportRejected as exc:
        session.rollback()
        total, rows = service.list_entries(session, actor=user, limit=50)
        return page(request, user, "cases/risklists.html", {
            "rows": [service.entry_out(e) for e in rows], "total": total, "page_no": 1, "size": 50, "kind": "",
            "inactive": 0, "kinds": LIST_KIND_NAMES_ZH, "ok": "", "error": exc.message_zh,
            "can_write": True, "row_errors": exc.rows}, status_code=422)
    except FanzhaError as exc:
        if exc.status_code in (401, 403):
            raise
        return _back("/risklists", error=exc.message_zh)
    return _back("/risklists", ok=f"导入完成：新增 {added} 条，更新 {updated} 条")


@router.post("/risklists/{entry_id}/remove")
async def risklist_remove(request: Request, entry_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = await request.form()
    service.remove(session, actor=user, entry_id=entry_id, reason=str(form.get("reason", "")))
    return _back("/risklists", ok="已移出名单")


@router.get("/risklists/tips", response_class=HTMLResponse)
def tips_page(request: Request, user: CurrentUser, session: SessionDep, status: str = TipStatus.PENDING,
              ok: str = "", error: str = "") -> HTMLResponse:
    total, items = service.list_tips(session, actor=user, status=status or None, limit=200)
    return page(request, user, "cases/tips.html", {"items": items, "total": total, "status": status,
                                                   "statuses": [s.value for s in TipStatus], "ok": ok,
                                                   "error": error})


@router.post("/risklists/tips/{tip_id}/{decision}")
async def tip_decide(request: Request, tip_id: int, decision: str, user: CurrentUser,
                     session: SessionDep) -> Response:
    form = await request.form()
    try:
        body = TipDecision(note=str(form.get("note", "")), ttl_days=int(str(form.get("ttl_days", "") or 180)))
        if decision == "confirm":
            service.confirm_tip(session, actor=user, tip_id=tip_id, decision=body)
            return _back("/risklists/tips", ok="已确认并纳入涉诈名单")
        if decision == "reject":
            service.reject_tip(session, actor=user, tip_id=tip_id, decision=body)
            return _back("/risklists/tips", ok="已驳回")
    except (ValidationError, ValueError):
        return _back("/risklists/tips", error="有效天数应为 1 到 3650 的整数")
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        return _back("/risklists/tips", error=exc.message_zh)
    return _back("/risklists/tips", error="未知操作")


def tips_section(session: Session, user: Principal) -> Section | None:
    """Citizen tips waiting for review, oldest first."""
    if not user.can(Permission.TIP_REVIEW):
        return None
    total, items = service.list_tips(session, actor=user, limit=5)
    rows: list[dict[str, Cell]] = [
        {"举报内容": Link(f"{t.kind_name} {t.value_masked}", "/risklists/tips"), "描述": t.description[:30],
         "提交时间": clock.local(t.submitted_at).strftime("%m-%d %H:%M")} for t in items]
    return Section("群众举报待审核", [("待审核", f"{total:,}")], rows=rows, columns=["举报内容", "描述", "提交时间"],
                   link="/risklists/tips", todo=True, urgency=60, empty="没有待审核的举报")
