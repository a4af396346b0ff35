"""Outreach API under /api/v1/outreach."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from fanzha.areas.models import AreaLevel
from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.errors import Invalid
from fanzha.core.rbac import Permission
from fanzha.outreach import coverage, importer, measurement, planning, service, sms
from fanzha.outreach.models import CampaignKind
from fanzha.outreach.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CoverageRow,
    EffectOut,
    ImportResult,
    PlanStop,
    Recommendation,
    VisitIn,
    VisitOut,
)

router = APIRouter(prefix="/api/v1/outreach", tags=["outreach"])
READ = [Depends(RequirePermission(Permission.OUTREACH_READ))]
WRITE = [Depends(RequirePermission(Permission.OUTREACH_WRITE))]


class VisitPage(BaseModel):
    total: int
    items: list[VisitOut]


class SmsText(BaseModel):
    fraud_type: str
    fraud_type_name: str
    text: str


async def csv_body(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("文件不是 UTF-8 编码（请在 Excel 中另存为“CSV UTF-8”）", "file is not UTF-8 encoded") from None


@router.get("/campaigns", response_model=CampaignPage, dependencies=READ)
def list_campaigns(user: CurrentUser, session: SessionDep, area_code: str | None = None,
                   kind: CampaignKind | None = None, since: date | None = None, until: date | None = None,
                   limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> CampaignPage:
    total, rows = service.list_campaigns(session, actor=user, area_code=area_code, kind=kind, since=since,
                                         until=until, limit=limit, offset=offset)
    return CampaignPage(total=total, items=[CampaignOut.model_validate(c) for c in rows])


@router.post("/campaigns", response_model=CampaignOut, status_code=201, dependencies=WRITE)
def create_campaign(body: CampaignIn, user: CurrentUser, session: SessionDep) -> CampaignOut:
    return CampaignOut.model_validate(service.create_campaign(session, actor=user, data=body))


@router.post("/campaigns/import", response_model=ImportResult, dependencies=WRITE)
async def import_campaigns(request: Request, user: CurrentUser, session: SessionDep) -> ImportResult:
    """Body is the CSV file itself (text/csv); headers in Chinese (类型,主题,日期,辖区编码,…) or field names."""
    return importer.import_campaigns(session, actor=user, text=await csv_body(request))


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut, dependencies=READ)
def get_campaign(campaign_id: int, user: CurrentUser, session: SessionDep) -> CampaignOut:
    return CampaignOut.model_validate(service.get_campaign(session, actor=user, campaign_id=campaign_id))


@router.post("/app-list/import", response_model=ImportResult,
             dependencies=[Depends(RequirePermission(Permission.OUTREACH_WRITE, Permission.PERSON_WRITE))])
async def import_app_list(request: Request, user: CurrentUser, session: SessionDep) -> ImportResult:
    """CSV with 手机号,已安装,已注册 (or phone,installed,registered); every phone must be a known resident."""
    return importer.import_app_list(session, actor=user, text=await csv_body(request))


@router.get("/visits", response_model=VisitPage, dependencies=READ)
def list_visits(user: CurrentUser, session: SessionDep, area_code: str | None = None, person_id: int | None = None,
                limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> VisitPage:
    total, rows = service.list_visits(session, actor=user, area_code=area_code, person_id=person_id,
                                      limit=limit, offset=offset)
    return VisitPage(total=total, items=[VisitOut.model_validate(v) for v in rows])


@router.post("/visits", response_model=VisitOut, status_code=201, dependencies=WRITE)
def record_visit(body: VisitIn, user: CurrentUser, session: SessionDep) -> VisitOut:
    return VisitOut.model_validate(service.record_visit(session, actor=user, data=body))


@router.get("/coverage", response_model=list[CoverageRow], dependencies=READ)
def get_coverage(user: CurrentUser, session: SessionDep, level: AreaLevel = AreaLevel.GRID, under: str | None = None,
                 target_rate: float = Query(coverage.DEFAULT_TARGET_RATE, ge=0, le=1)) -> list[CoverageRow]:
    if level not in (AreaLevel.GRID, AreaLevel.VILLAGE):
        raise Invalid("覆盖率按网格或村社统计", "level must be grid or village")
    return coverage.coverage(session, actor=user, level=level, under=under, target_rate=target_rate)


@router.get("/targets", response_model=list[Recommendation], dependencies=READ)
def get_targets(user: CurrentUser, session: SessionDep, area_code: str,
                top: int = Query(5, ge=1, le=20)) -> list[Recommendation]:
    return planning.recommendations(session, actor=user, area_code=area_code, top=top)


@router.get("/plan", response_model=list[PlanStop],
            dependencies=[Depends(RequirePermission(Permission.OUTREACH_READ, Permission.PERSON_READ))])
def get_plan(user: CurrentUser, session: SessionDep, grid_code: str,
             stops: int = Query(planning.DEFAULT_STOPS, ge=1, le=200)) -> list[PlanStop]:
    return planning.visit_plan(session, actor=user, grid_code=grid_code, stops=stops)


@router.get("/sms", response_model=list[SmsText], dependencies=READ)
def get_sms(signature: str = Query("【反诈中心】", max_length=16)) -> list[SmsText]:
    return [SmsText(fraud_type=c, fraud_type_name=n, text=t) for c, n, t in sms.all_texts(signature=signature)]


@router.get("/effect", response_model=EffectOut, dependencies=READ)
def get_effect(user: CurrentUser, session: SessionDep, start: date, end: date, outcome: str = "warnings",
               window_days: int = Query(90, ge=14, le=365), kind: CampaignKind | None = None,
               fraud_type: str | None = None) -> EffectOut:
    return measurement.measure(session, actor=user, start=start, end=end, outcome=outcome,
                               window_days=window_days, kind=kind, fraud_type=fraud_type)
