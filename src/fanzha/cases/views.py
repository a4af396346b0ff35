"""Case pages: list, entry form with narrative suggestions, detail with 串并案 and graph, gangs;
and the workbench section (new reports to confirm)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas_service
from fanzha.cases import gangs, linking, service
from fanzha.cases.intake import FIELD_ROLES, TRANSITIONS
from fanzha.cases.models import SOURCE_NAMES_ZH, Case, CaseSource, CaseStatus
from fanzha.cases.schemas import CaseCreate, StatusChange, TransferIn
from fanzha.cases.suggest import suggest
from fanzha.core import clock
from fanzha.core.clock import LOCAL_TZ
from fanzha.core.deps import CurrentUser, SessionDep
from fanzha.core.errors import FanzhaError
from fanzha.core.rbac import Permission, Principal
from fanzha.detect.labels import TYPE_NAMES, Channel, type_name
from fanzha.web.forms import field_errors
from fanzha.web.pages import page
from fanzha.web.workbench import Cell, Link, Section

router = APIRouter(include_in_schema=False)

LABELS = {"area_code": "所属辖区", "victim_name": "受害人姓名", "victim_phone": "受害人电话", "loss_fen": "损失金额",
          "narrative": "简要案情", "reported_at": "报案时间", "occurred_at": "发案时间", "transfers": "转账记录"}
LIST_FIELDS = {"phones": "涉案号码", "accounts": "收款账户", "urls": "涉案网址", "apps": "涉案App",
               "qq_ids": "QQ号", "wechat_ids": "微信号", "ips": "IP地址", "devices": "设备号"}
FIELD_OF_KIND = {kind.value: field for field, (kind, _role) in FIELD_ROLES.items()}
_SPLIT = re.compile(r"[\n,，;；]+")


def _choices() -> dict[str, Any]:
    return {"types": {k.value: v for k, v in TYPE_NAMES.items()}, "channels": [c.value for c in Channel if c != "未知"],
            "sources": {s.value: n for s, n in SOURCE_NAMES_ZH.items() if s != CaseSource.SIMULATED},
            "list_fields": LIST_FIELDS}


def _local_time(text: str) -> datetime | None:
    text = text.strip()
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ) if text else None


def _fen(text: str) -> int:
    text = text.strip().replace(",", "")
    return int(Decimal(text) * 100) if text else 0


def _transfers(text: str) -> list[TransferIn]:
    out = []
    for n, line in enumerate(x for x in text.splitlines() if x.strip()):
        parts = line.replace("，", " ").replace(",", " ").split()
        if len(parts) < 2:
            raise ValueError(f"第 {n + 1} 行应为：金额(元) 收款账户 [方式]")
        out.append(TransferIn(amount_fen=_fen(parts[0]), payee_account=parts[1],
                              method=parts[2] if len(parts) > 2 else None))
    return out


def parse_form(form: dict[str, str], confirmed: list[str]) -> CaseCreate:
    """Form fields (yuan, local times, one value per line) → CaseCreate; raises ValueError/ValidationError."""
    data: dict[str, Any] = {k: form.get(k, "").strip() or None for k in
                            ("area_code", "source", "channel", "type_code", "victim_name", "victim_phone")}
    data = {k: v for k, v in data.items() if v is not None}
    data["narrative"] = form.get("narrative", "")
    data["reported_at"] = _local_time(form.get("reported_at", ""))
    data["occurred_at"] = _local_time(form.get("occurred_at", ""))
    data["loss_fen"] = _fen(form.get("loss_yuan", ""))
    data["transfers"] = _transfers(form.get("transfers", ""))
    data["scripts"] = [s.strip() for s in form.get("scripts", "").splitlines() if s.strip()]
    for field in LIST_FIELDS:
        data[field] = [v.strip() for v in _SPLIT.split(form.get(field, "")) if v.strip()]
    for item in confirmed:  # "kind|value" of each suggestion the officer kept ticked
        kind, _, value = item.partition("|")
        if kind in FIELD_OF_KIND and value and value not in data[FIELD_OF_KIND[kind]]:
            data[FIELD_OF_KIND[kind]].append(value)
    return CaseCreate.model_validate(data)


@router.get("/cases", response_class=HTMLResponse)
def case_list(request: Request, user: CurrentUser, session: SessionDep, status: str = "", type_code: str = "",
              page_no: int = 1) -> HTMLResponse:
    size = 50
    total, rows = service.list_cases(session, actor=user, status=status or None, type_code=type_code or None,
                                     limit=size, offset=(max(page_no, 1) - 1) * size)
    return page(request, user, "cases/list.html", {
        "rows": [service.summary(c) for c in rows],
        "area_names": areas_service.names(session, (c.area_code for c in rows)),
        "total": total, "page_no": page_no, "size": size,
        "status": status, "type_code": type_code, "statuses": [s.value for s in CaseStatus], **_choices()})


def _form_page(request: Request, user: Principal, form: dict[str, str], errors: dict[str, str],
               status_code: int = 200) -> HTMLResponse:
    return page(request, user, "cases/new.html", {"form": form, "errors": errors, **_choices()},
                status_code=status_code)


@router.get("/cases/new", response_class=HTMLResponse)
def case_new(request: Request, user: CurrentUser) -> HTMLResponse:
    user.require(Permission.CASE_WRITE)
    now = clock.local(clock.now()).strftime("%Y-%m-%dT%H:%M")
    return _form_page(request, user, {"area_code": user.area_code or "", "reported_at": now, "source": "110"}, {})


@router.post("/cases/new", response_class=HTMLResponse)
async def case_create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    user.require(Permission.CASE_WRITE)
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    confirmed = [v for v in raw.getlist("suggested") if isinstance(v, str)]
    try:
        data = parse_form(form, confirmed)
        result = service.create(session, actor=user, data=data)
    except ValidationError as exc:
        return _form_page(request, user, form, field_errors(exc, {**LABELS, **LIST_FIELDS}), 422)
    except (ValueError, InvalidOperation) as exc:
        return _form_page(request, user, form, {"form": f"填写有误：{exc}"}, 422)
    except FanzhaError as exc:
        return _form_page(request, user, form, {"form": exc.message_zh}, exc.status_code)
    flag = "?merged=1" if result.merged else ""
    return RedirectResponse(f"/cases/{result.case.id}{flag}", status_code=303)


@router.post("/cases/suggest", response_class=HTMLResponse)
async def case_suggest(request: Request, user: CurrentUser) -> HTMLResponse:
    """HTMX: entity and type suggestions from the narrative, as ticked boxes the officer confirms."""
    user.require(Permission.CASE_WRITE)
    narrative = str((await request.form()).get("narrative", "")).strip()[:20_000]
    result = suggest(narrative) if narrative else None
    return page(request, user, "cases/_suggestions.html", {"s": result, **_choices()})


@router.get("/cases/gangs", response_class=HTMLResponse)
def gang_list(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    rows = gangs.ranked(session, actor=user, limit=200)
    return page(request, user, "cases/gangs.html", {"rows": rows, "types": _choices()["types"]})


@router.get("/cases/gangs/{gang_id}", response_class=HTMLResponse)
def gang_detail(request: Request, gang_id: str, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    g = gangs.get(session, actor=user, gang_id=gang_id)
    return page(request, user, "cases/gang.html", {"g": g, "types": _choices()["types"]})


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_detail(request: Request, case_id: int, user: CurrentUser, session: SessionDep, merged: int = 0,
                error: str = "") -> HTMLResponse:
    case = service.get(session, actor=user, case_id=case_id)
    out = service.to_out(session, case)
    rel = linking.related(session, actor=user, case_id=case_id)
    nexts = [s.value for s in TRANSITIONS[CaseStatus(case.status)]]
    return page(request, user, "cases/detail.html", {
        "c": out, "rel": rel, "nexts": nexts, "merged": merged, "error": error,
        "area_name": areas_service.names(session, [out.area_code]).get(out.area_code, out.area_code),
        "source_name": SOURCE_NAMES_ZH.get(out.source, out.source),  # type: ignore[call-overload]
        "can_write": user.can(Permission.CASE_WRITE)})


@router.post("/cases/{case_id}/status")
async def case_status(request: Request, case_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = await request.form()
    try:
        loss, recovered = str(form.get("loss_yuan", "")), str(form.get("recovered_yuan", ""))
        change = StatusChange(to=str(form.get("to", "")), note=str(form.get("note", "")),
                              loss_fen=_fen(loss) if loss.strip() else None,
                              recovered_fen=_fen(recovered) if recovered.strip() else None)
        service.change_status(session, actor=user, case_id=case_id, data=change)
    except (ValidationError, InvalidOperation):
        return RedirectResponse(f"/cases/{case_id}?error=状态或金额填写有误", status_code=303)
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        return RedirectResponse(f"/cases/{case_id}?error={exc.message_zh}", status_code=303)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def workbench_section(session: Session, user: Principal) -> Section | None:
    """New reports waiting to be filed (立案) in the caller's jurisdiction."""
    if not user.can(Permission.CASE_READ):
        return None
    scoped = select(func.count()).select_from(Case).where(user.scope.clause(Case.area_path))
    waiting = session.scalar(scoped.where(Case.status == CaseStatus.RECEIVED)) or 0
    open_cases = session.scalar(scoped.where(Case.status.in_([CaseStatus.FILED, CaseStatus.INVESTIGATING]))) or 0
    figures = [("待立案报案", f"{waiting:,}"), ("在办案件", f"{open_cases:,}")]
    rows = session.scalars(select(Case).where(user.scope.clause(Case.area_path), Case.status == CaseStatus.RECEIVED)
                           .order_by(Case.reported_at.desc()).limit(5)).all()
    cells: list[dict[str, Cell]] = [
        {"案件编号": Link(c.case_no, f"/cases/{c.id}"), "类型": type_name(c.type_code) or "待确认",
         "损失(元)": f"{c.loss_fen / 100:,.0f}", "报案时间": clock.local(c.reported_at).strftime("%m-%d %H:%M")}
        for c in rows]
    return Section("新报案待确认", figures, rows=cells, columns=["案件编号", "类型", "损失(元)", "报案时间"],
                   link="/cases?status=接报", todo=user.can(Permission.CASE_WRITE), urgency=40,
                   empty="没有待立案的报案")
