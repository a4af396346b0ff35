"""Pages: the warning queue, one instruction's handling page, and the supervisor's view."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from fanzha.areas import service as areas_service
from fanzha.areas.models import Area
from fanzha.core import clock
from fanzha.core.deps import CurrentUser, SessionDep
from fanzha.core.errors import FanzhaError
from fanzha.core.rbac import Permission
from fanzha.warning import rulestore, service
from fanzha.warning.models import SOURCE_NAMES_ZH, AttemptResult, Channel, Level, Outcome, Status
from fanzha.warning.schemas import AttemptIn, CloseIn, FeedbackIn, ReassignIn
from fanzha.web.pages import page

router = APIRouter(include_in_schema=False)
SIZE = 50
FRAUD_TYPES = {"F01": "刷单返利", "F02": "虚假投资理财", "F03": "虚假网络贷款", "F04": "冒充电商物流客服",
               "F05": "冒充公检法", "F06": "虚假征信", "F07": "虚假购物服务", "F08": "冒充领导熟人",
               "F09": "网络游戏产品虚假交易", "F10": "网络婚恋交友", "F11": "冒充银行/保险/医保",
               "F12": "中奖/补贴/退税",
               "F99": "其他"}


def _choices(session: SessionDep) -> dict[str, Any]:
    return {"levels": [lv.value for lv in Level], "statuses": [s.value for s in Status],
            "sources": {s.value: n for s, n in SOURCE_NAMES_ZH.items()}, "types": FRAUD_TYPES,
            "channels": [c.value for c in Channel], "results": [r.value for r in AttemptResult],
            "outcomes": [o.value for o in Outcome], "tiers": rulestore.dispatch_rules(session).tier_names(),
            "now": clock.now()}


def _area_names(session: SessionDep, warnings: Iterable[Any]) -> dict[str, str]:
    """Names of the stations/grids the listed instructions sit in (one query), for display."""
    return areas_service.names(session, (c for w in warnings for c in (w.station_code, w.grid_code, w.area_code)))


def _area_code_of(session: SessionDep, user: CurrentUser, typed: str) -> str:
    """The area filter takes a code (picked from the list) or a name typed in full (东风村)."""
    if not typed or session.get(Area, typed) is not None:
        return typed
    code = session.scalar(select(Area.code).where(Area.name == typed, user.scope.clause(Area.path))
                          .order_by(Area.path).limit(1))
    return code or typed


def _area_choices(session: SessionDep, user: CurrentUser) -> list[tuple[str, str]]:
    """Towns and villages in the caller's jurisdiction as (code, name) for the area pickers."""
    return [(a.code, a.name) for a in session.scalars(
        select(Area).where(user.scope.clause(Area.path), Area.level.in_(("town", "village")))
        .order_by(Area.path).limit(500))]


@router.get("/warnings", response_class=HTMLResponse)
def queue_page(request: Request, user: CurrentUser, session: SessionDep, level: str = "", status: str = "",
               source: str = "", type_code: str = "", area_code: str = "", mine: bool = False,
               page_no: int = 1) -> HTMLResponse:
    user.require(Permission.WARNING_READ)
    code = _area_code_of(session, user, area_code.strip())
    filters = service.Filters(level=level or None, status=status or None, source=source or None,
                              type_code=type_code or None, area_code=code or None, mine=mine,
                              open_only=not status)
    error = None
    try:
        total, rows = service.list_warnings(session, actor=user, filters=filters, limit=SIZE,
                                            offset=(max(page_no, 1) - 1) * SIZE)
    except FanzhaError as exc:
        total, rows, error = 0, [], exc.message_zh
    return page(request, user, "warning/queue.html", {
        **_choices(session), "area_names": _area_names(session, rows), "area_choices": _area_choices(session, user),
        "rows": rows, "total": total, "page_no": page_no, "size": SIZE, "error": error,
        "f": {"level": level, "status": status, "source": source, "type_code": type_code, "area_code": area_code,
              "mine": mine}})


@router.get("/warnings/supervise", response_class=HTMLResponse)
def supervisor_page(request: Request, user: CurrentUser, session: SessionDep, staff: str = "",
                    error: str | None = None, status_code: int = 200) -> HTMLResponse:
    user.require(Permission.WARNING_READ)
    people = int(staff) if staff.isdigit() else None
    count, shift_end, planned = service.queue(session, actor=user, staff=people)
    at_risk = [p for p in planned if not p.reachable_in_time]
    ids = [p.ranked.entry.warning_id for p in at_risk[:100]]
    _t, overdue = service.list_warnings(session, actor=user, filters=service.Filters(overdue=True), limit=100)
    rows = {w.id: w for w in overdue}
    if ids:
        _t2, risk_rows = service.list_warnings(session, actor=user, filters=service.Filters(open_only=True), limit=2000)
        rows.update({w.id: w for w in risk_rows if w.id in set(ids)})
    return page(request, user, "warning/supervise.html", {
        **_choices(session), "area_names": _area_names(session, [*overdue, *rows.values()]),
        "area_choices": _area_choices(session, user) if user.can(Permission.WARNING_DISPATCH) else [],
        "can_supervise": user.can(Permission.WARNING_SUPERVISE),
        "staff": count, "shift_end": shift_end, "planned": len(planned), "at_risk": at_risk[:100],
        "will_miss": len(at_risk), "overdue": overdue, "rows": rows, "error": error,
        "can_dispatch": user.can(Permission.WARNING_DISPATCH)}, status_code=status_code)


def _detail_page(request: Request, user: CurrentUser, session: SessionDep, warning_id: int, *,
                 errors: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                 status_code: int = 200) -> HTMLResponse:
    d = service.detail(session, actor=user, warning_id=warning_id)
    return page(request, user, "warning/detail.html", {
        **_choices(session), "d": d, "w": d.warning, "errors": errors or {}, "form": form or {},
        "area_names": _area_names(session, [d.warning]),
        "can_handle": user.can(Permission.WARNING_HANDLE), "can_unmask": user.can(Permission.PII_UNMASK),
        "can_supervise": user.can(Permission.WARNING_SUPERVISE)},
        status_code=status_code)


@router.get("/warnings/{warning_id}", response_class=HTMLResponse)
def detail_page(request: Request, warning_id: int, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    return _detail_page(request, user, session, warning_id)


def _pydantic_errors(exc: ValidationError) -> dict[str, str]:
    from fanzha.web.errors import _PYDANTIC_ZH

    return {str(e["loc"][0]) if e["loc"] else "form": _PYDANTIC_ZH.get(e["type"], "取值无效") for e in exc.errors()}


def _yuan_to_fen(value: str, field: str, errors: dict[str, str]) -> int:
    from decimal import Decimal, InvalidOperation

    if not value.strip():
        return 0
    try:
        amount = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        errors[field] = "请输入金额（元），如 5000 或 5000.50"
        return 0
    if amount < 0:
        errors[field] = "金额不能为负数"
    return int(amount * 100)


@router.post("/warnings/{warning_id}/act", response_class=HTMLResponse)
async def act(request: Request, warning_id: int, user: CurrentUser, session: SessionDep) -> Response:
    """One form endpoint for the handling page: claim, attempt, advance, feedback, close."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    action = form.get("action", "")
    errors: dict[str, str] = {}
    try:
        if action == "claim":
            service.claim(session, actor=user, warning_id=warning_id)
        elif action == "attempt":
            service.record_attempt(session, actor=user, warning_id=warning_id, data=AttemptIn.model_validate(
                {"channel": form.get("channel"), "result": form.get("result"), "note": form.get("note") or None}))
        elif action == "advance":
            service.advance(session, actor=user, warning_id=warning_id, to=Status(form.get("to", "")),
                            note=form.get("note") or None)
        elif action == "feedback":
            risk = _yuan_to_fen(form.get("money_at_risk_yuan", ""), "money_at_risk_yuan", errors)
            averted = _yuan_to_fen(form.get("loss_averted_yuan", ""), "loss_averted_yuan", errors)
            if not errors:
                service.feedback(session, actor=user, warning_id=warning_id, data=FeedbackIn.model_validate({
                    "outcome": form.get("outcome"), "money_at_risk_fen": risk, "loss_averted_fen": averted,
                    "linked_case_ref": form.get("linked_case_ref") or None,
                    "follow_up_on": form.get("follow_up_on") or None, "note": form.get("note") or None}))
        elif action == "close":
            service.close(session, actor=user, warning_id=warning_id,
                          data=CloseIn.model_validate({"outcome": form.get("outcome") or None,
                                                       "note": form.get("note") or None}))
        else:
            errors["form"] = "未知操作"
    except ValidationError as exc:
        errors.update(_pydantic_errors(exc))
    except ValueError:
        errors["to"] = "请选择下一步环节"
    except FanzhaError as exc:
        if exc.status_code == 404:
            raise
        errors["form"] = exc.message_zh
    if errors:
        session.rollback()
        return _detail_page(request, user, session, warning_id, errors=errors, form=form | {"action": action},
                            status_code=422)
    return RedirectResponse(f"/warnings/{warning_id}", status_code=303)


@router.post("/warnings/{warning_id}/supervise", response_class=HTMLResponse)
async def supervise_act(request: Request, warning_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        if form.get("action") == "robot_call":
            service.switch_to_robot_call(session, actor=user, warning_id=warning_id)
        else:
            service.reassign(session, actor=user, warning_id=warning_id, data=ReassignIn(
                area_code=form.get("area_code") or None, note=form.get("note") or None))
    except FanzhaError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        return supervisor_page(request, user, session, error=f"指令 #{warning_id}：{exc.message_zh}",
                               status_code=exc.status_code if exc.status_code != 404 else 422)
    return RedirectResponse("/warnings/supervise", status_code=303)


@router.post("/warnings/{warning_id}/urge", response_class=HTMLResponse)
async def urge(request: Request, warning_id: int, user: CurrentUser, session: SessionDep) -> Response:
    """Leader 督办 from the handling page or the supervisor's view (`back=supervise`)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    back = "/warnings/supervise" if form.get("back") == "supervise" else f"/warnings/{warning_id}"
    try:
        service.supervise(session, actor=user, warning_id=warning_id, note=form.get("note", ""))
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        session.rollback()
        if back == "/warnings/supervise":
            return supervisor_page(request, user, session, error=f"指令 #{warning_id}：{exc.message_zh}",
                                   status_code=422)
        return _detail_page(request, user, session, warning_id, errors={"urge": exc.message_zh},
                            form=form | {"action": "urge"}, status_code=422)
    return RedirectResponse(back, status_code=303)


def workbench_section(session: Any, user: CurrentUser) -> Any:
    """Workbench: my open instructions with their SLA countdowns."""
    from fanzha.web.workbench import Section

    if not user.can(Permission.WARNING_HANDLE):
        return None
    total, rows = service.list_warnings(session, actor=user, filters=service.Filters(open_only=True), limit=8)
    mine, _ = service.list_warnings(session, actor=user, filters=service.Filters(open_only=True, mine=True), limit=1)
    overdue, _ = service.list_warnings(session, actor=user, filters=service.Filters(overdue=True), limit=1)
    now = clock.now()

    def left(w: Any) -> str:
        if w.next_due_at is None:
            return "—"
        minutes = int((clock.as_utc(w.next_due_at) - now).total_seconds() // 60)
        return f"已超时 {-minutes} 分钟" if minutes < 0 else f"剩 {minutes} 分钟"

    return Section("待处置预警指令", [("待处置", f"{total:,}"), ("我已签收", f"{mine:,}"), ("已超时", f"{overdue:,}")],
                   rows=[{"编号": f"#{w.id}", "等级": w.level, "状态": w.status, "时限": left(w),
                          "操作": f'<a href="/warnings/{w.id}">处置</a>'} for w in rows],
                   columns=["编号", "等级", "状态", "时限", "操作"], link="/warnings")
