"""Outreach pages: campaigns (list, entry form, CSV import), App coverage, the grid worker's
visit plan, targeting advice with SMS texts, and the effect report. Thin: parse, call, render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.areas.models import AreaLevel
from fanzha.core import clock
from fanzha.core.deps import CurrentUser, SessionDep
from fanzha.core.errors import FanzhaError, ImportRejected
from fanzha.core.rbac import Permission, Principal, Role
from fanzha.outreach import coverage, importer, measurement, planning, service, sms
from fanzha.outreach.models import FRAUD_TYPES, CampaignKind, TargetGroup
from fanzha.outreach.schemas import CampaignIn, VisitIn, fields_zh
from fanzha.web.pages import page
from fanzha.web.workbench import Link, Section

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _choices() -> dict[str, Any]:
    return {"kinds": [k.value for k in CampaignKind], "groups": [g.value for g in TargetGroup],
            "fraud_types": FRAUD_TYPES}


@router.get("/outreach/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, user: CurrentUser, session: SessionDep, kind: str = "", area_code: str = "",
                   since: str = "", until: str = "", page_no: int = 1) -> HTMLResponse:
    user.require(Permission.OUTREACH_READ)
    kind_value = CampaignKind(kind) if kind in CampaignKind._value2member_map_ else None
    total, rows = service.list_campaigns(
        session, actor=user, area_code=area_code or None, kind=kind_value,
        since=_day(since), until=_day(until),
        limit=PAGE_SIZE, offset=(max(page_no, 1) - 1) * PAGE_SIZE)
    return page(request, user, "outreach/campaigns.html", {
        "rows": rows, "area_names": areas.names(session, (r.area_code for r in rows)),
        "total": total, "page_no": page_no, "size": PAGE_SIZE,
        "filters": {"kind": kind, "area_code": area_code, "since": since, "until": until}, **_choices()})


def _form_page(request: Request, user: Principal, values: dict[str, Any], errors: dict[str, str],
               message: str | None = None, status_code: int = 200) -> HTMLResponse:
    return page(request, user, "outreach/campaign_form.html",
                {"values": values, "errors": errors, "message": message, **_choices()}, status_code=status_code)


@router.get("/outreach/campaigns/new", response_class=HTMLResponse)
def campaign_new(request: Request, user: CurrentUser) -> HTMLResponse:
    user.require(Permission.OUTREACH_WRITE)
    values = {"held_on": clock.now().date().isoformat(), "area_code": user.area_code or "", "target_groups": [],
              "fraud_types": [], "cost_yuan": "0"}
    return _form_page(request, user, values, {})


@router.post("/outreach/campaigns/new", response_class=HTMLResponse)
async def campaign_create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    user.require(Permission.OUTREACH_WRITE)
    form = await request.form()
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in (
        "kind", "title", "held_on", "area_code", "place", "reach_people", "reach_views", "materials", "cost_yuan")}
    values["target_groups"] = [str(v) for v in form.getlist("target_groups")]
    values["fraud_types"] = [str(v) for v in form.getlist("fraud_types")]
    data = {k: v for k, v in values.items() if v not in ("", [])}
    try:
        created = service.create_campaign(session, actor=user, data=CampaignIn.model_validate(data))
    except ValidationError as exc:
        return _form_page(request, user, values, fields_zh(exc), "请修正标红的项目", 422)
    except FanzhaError as exc:
        errors = {k: (v["message_zh"] if isinstance(v, dict) else str(v)) for k, v in exc.fields.items()}
        if exc.status_code == 404:
            errors["area_code"] = "辖区编码不存在或不在本辖区内"
        return _form_page(request, user, values, errors, exc.message_zh, exc.status_code)
    return RedirectResponse(f"/outreach/campaigns?created={created.id}", status_code=303)


@router.get("/outreach/import", response_class=HTMLResponse)
def import_page(request: Request, user: CurrentUser) -> HTMLResponse:
    user.require(Permission.OUTREACH_WRITE)
    return page(request, user, "outreach/import.html", {"kind": "campaigns", "errors": [], "result": None})


@router.post("/outreach/import", response_class=HTMLResponse)
async def import_submit(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    user.require(Permission.OUTREACH_WRITE)
    form = await request.form()
    kind = str(form.get("kind", "campaigns"))
    upload = form.get("file")
    raw = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    ctx: dict[str, Any] = {"kind": kind, "errors": [], "result": None, "message": None}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        ctx["message"] = "文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”后再导入"
        return page(request, user, "outreach/import.html", ctx, status_code=422)
    if not text.strip():
        ctx["message"] = "请选择要导入的 CSV 文件"
        return page(request, user, "outreach/import.html", ctx, status_code=422)
    try:
        result = (importer.import_app_list if kind == "app_list" else importer.import_campaigns)(
            session, actor=user, text=text)
    except ImportRejected as exc:
        ctx.update(errors=exc.rows, message=exc.message_zh)
        return page(request, user, "outreach/import.html", ctx, status_code=422)
    ctx["result"] = result
    return page(request, user, "outreach/import.html", ctx)


@router.get("/outreach/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, user: CurrentUser, session: SessionDep, level: str = "village",
                  under: str = "") -> HTMLResponse:
    user.require(Permission.OUTREACH_READ)
    lvl = AreaLevel.GRID if level == "grid" else AreaLevel.VILLAGE
    rows = coverage.coverage(session, actor=user, level=lvl, under=under or None)
    return page(request, user, "outreach/coverage.html", {
        "rows": rows, "level": lvl.value, "under": under, "totals": coverage.totals(rows),
        "target": coverage.DEFAULT_TARGET_RATE})


def _grids(session: Session, user: Principal) -> list[Any]:
    return list(areas.list_areas(session, scope=user.scope, level=AreaLevel.GRID))


@router.get("/outreach/plan", response_class=HTMLResponse)
def plan_page(request: Request, user: CurrentUser, session: SessionDep, grid_code: str = "",
              stops: int = planning.DEFAULT_STOPS, saved: int = 0) -> HTMLResponse:
    user.require(Permission.OUTREACH_READ)
    grids = _grids(session, user)
    code = grid_code or (grids[0].code if len(grids) == 1 else "")
    plan = planning.visit_plan(session, actor=user, grid_code=code, stops=stops) if code else []
    return page(request, user, "outreach/plan.html", {
        "grids": grids[:500], "grid_code": code, "stops": stops, "plan": plan, "saved": saved,
        "today": clock.now().date().isoformat(), "can_unmask": user.can(Permission.PII_UNMASK),
        "can_write": user.can(Permission.OUTREACH_WRITE)})


@router.post("/outreach/plan/visit")
async def plan_visit(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = await request.form()
    data = VisitIn(person_id=int(str(form.get("person_id", "0")) or 0), visited_on=clock.now().date(),
                   app_installed_on_visit=form.get("installed") == "1",
                   app_registered_on_visit=form.get("registered") == "1", note=str(form.get("note", ""))[:200])
    service.record_visit(session, actor=user, data=data)
    grid = str(form.get("grid_code", ""))
    return RedirectResponse(f"/outreach/plan?grid_code={grid}&saved={data.person_id}", status_code=303)


@router.get("/outreach/targets", response_class=HTMLResponse)
def targets_page(request: Request, user: CurrentUser, session: SessionDep, area_code: str = "") -> HTMLResponse:
    user.require(Permission.OUTREACH_READ)
    code = area_code or user.area_code or ""
    recs = planning.recommendations(session, actor=user, area_code=code) if code else []
    area = areas.get(session, code=code, scope=user.scope) if code else None
    return page(request, user, "outreach/targets.html", {"area_code": code, "area": area, "recs": recs,
                                                         "sms": sms.all_texts()})


@router.get("/outreach/effect", response_class=HTMLResponse)
def effect_page(request: Request, user: CurrentUser, session: SessionDep, start: str = "", end: str = "",
                outcome: str = "warnings", window_days: int = 90) -> HTMLResponse:
    user.require(Permission.OUTREACH_READ)
    today = clock.now().date()
    values = {"start": start or (today - timedelta(days=120)).isoformat(),
              "end": end or (today - timedelta(days=91)).isoformat(), "outcome": outcome, "window_days": window_days}
    result, error = None, None
    if start and end:
        try:
            result = measurement.measure(session, actor=user, start=date.fromisoformat(start),
                                         end=date.fromisoformat(end), outcome=outcome, window_days=window_days)
        except ValueError:
            error = "日期格式应为 2026-03-15"
        except FanzhaError as exc:
            error = exc.message_zh
    return page(request, user, "outreach/effect.html", {"values": values, "result": result, "error": error,
                                                        "outcomes": measurement.OUTCOMES_ZH})


def visit_plan_section(session: Session, user: Principal) -> Section | None:
    """Grid workers: today's first households to visit."""
    if user.role != Role.GRID_WORKER or not user.area_code or not user.can(Permission.PERSON_READ):
        return None
    area = areas.get(session, code=user.area_code)
    if area.level != AreaLevel.GRID:
        return None
    stops = planning.visit_plan(session, actor=user, grid_code=area.code, stops=5)
    rows: list[dict[str, Any]] = [{
        "顺序": str(s.order), "人员": "、".join(f"{p['name']}（{p['age'] or '?'}岁）" for p in s.persons),
        "原因": s.reasons[0], "操作": Link("去走访", f"/outreach/plan?grid_code={area.code}")} for s in stops]
    return Section("今日走访计划", rows=rows, columns=["顺序", "人员", "原因", "操作"], link="/outreach/plan",
                   todo=True, urgency=60, empty="本网格暂无需走访的住户")


def coverage_section(session: Session, user: Principal) -> Section | None:
    if not user.can(Permission.OUTREACH_READ):
        return None
    level = AreaLevel.GRID if user.role == Role.GRID_WORKER else AreaLevel.VILLAGE
    rows = coverage.coverage(session, actor=user, level=level)
    if not rows:
        return None
    t = coverage.totals(rows)
    figures = [("反诈App装机率", f"{coverage.rate(t.installed, t.residents):.1%}"),
               ("注册率", f"{coverage.rate(t.registered, t.residents):.1%}"),
               (f"距 {coverage.DEFAULT_TARGET_RATE:.0%} 目标还差", f"{sum(r.gap_to_target for r in rows):,} 人")]
    worst: list[dict[str, Any]] = [{"辖区": r.area_name, "装机率": f"{r.install_rate:.1%}",
                                    "差额": f"{r.gap_to_target:,}"} for r in rows[:3]]
    return Section("反诈App覆盖", figures=figures, rows=worst if len(rows) > 1 else [],
                   columns=["辖区", "装机率", "差额"], link="/outreach/coverage")
