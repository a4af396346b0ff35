"""Cases API: intake, reading, status, 串并案, entity graph, gangs and exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from fanzha.cases import export, gangs, linking, service
from fanzha.cases.schemas import (
    BatchLinkOut,
    CaseCreate,
    CaseOut,
    CasePage,
    EntitiesAdd,
    FlowsImport,
    GangDetail,
    GangSummary,
    IntakeOut,
    RelatedOut,
    StatusChange,
    SuggestIn,
    Suggestion,
)
from fanzha.cases.suggest import suggest
from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.rbac import Permission

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
gang_router = APIRouter(prefix="/api/v1/gangs", tags=["cases"])

READ = [Depends(RequirePermission(Permission.CASE_READ))]
WRITE = [Depends(RequirePermission(Permission.CASE_WRITE))]


def attachment(filename: str, body: bytes | str, media_type: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.post("", response_model=IntakeOut, status_code=201, dependencies=WRITE,
             responses={200: {"description": "merged into an existing case"}})
def create_case(body: CaseCreate, user: CurrentUser, session: SessionDep) -> Any:
    result = service.create(session, actor=user, data=body)
    out = IntakeOut(merged=result.merged, case=service.to_out(session, result.case))
    return JSONResponse(out.model_dump(mode="json"), status_code=200 if result.merged else 201)


@router.get("", response_model=CasePage, dependencies=READ)
def list_cases(user: CurrentUser, session: SessionDep, status: str | None = None, type_code: str | None = None,
               limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> CasePage:
    total, rows = service.list_cases(session, actor=user, status=status, type_code=type_code, limit=limit,
                                     offset=offset)
    return CasePage(total=total, items=[service.summary(c) for c in rows])


@router.post("/suggest", response_model=Suggestion, dependencies=WRITE)
def suggest_entities(body: SuggestIn) -> Suggestion:
    """Entities and fraud type suggested from a narrative; nothing is stored."""
    return suggest(body.narrative)


@router.post("/flows", dependencies=WRITE)
def import_flows(body: FlowsImport, user: CurrentUser, session: SessionDep) -> dict[str, int]:
    return {"imported": service.import_flows(session, actor=user, flows=body.flows)}


@router.post("/link-batch", response_model=BatchLinkOut, dependencies=WRITE)
def link_batch(user: CurrentUser, session: SessionDep) -> BatchLinkOut:
    return linking.run_batch(session, actor=user)


@router.get("/{case_id}", response_model=CaseOut, dependencies=READ)
def get_case(case_id: int, user: CurrentUser, session: SessionDep) -> CaseOut:
    return service.to_out(session, service.get(session, actor=user, case_id=case_id))


@router.post("/{case_id}/status", response_model=CaseOut, dependencies=WRITE)
def change_status(case_id: int, body: StatusChange, user: CurrentUser, session: SessionDep) -> CaseOut:
    return service.to_out(session, service.change_status(session, actor=user, case_id=case_id, data=body))


@router.post("/{case_id}/entities", response_model=CaseOut, dependencies=WRITE)
def add_entities(case_id: int, body: EntitiesAdd, user: CurrentUser, session: SessionDep) -> CaseOut:
    return service.to_out(session, service.add_entities(session, actor=user, case_id=case_id,
                                                        entities=body.entities))


@router.get("/{case_id}/related", response_model=RelatedOut, dependencies=READ)
def related_cases(case_id: int, user: CurrentUser, session: SessionDep,
                  limit: int = Query(20, ge=1, le=200)) -> RelatedOut:
    return linking.related(session, actor=user, case_id=case_id, limit=limit)


@router.get("/{case_id}/graph", dependencies=READ)
def case_graph(case_id: int, user: CurrentUser, session: SessionDep) -> dict[str, object]:
    return linking.neighbourhood(session, actor=user, case_id=case_id)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/{case_id}/sheet.docx", dependencies=READ, responses={200: {"content": {DOCX: {}}}})
def case_sheet(case_id: int, user: CurrentUser, session: SessionDep) -> Response:
    name, body = export.case_sheet(session, actor=user, case_id=case_id)
    return attachment(name, body, DOCX)


@gang_router.get("", response_model=list[GangSummary], dependencies=READ)
def list_gangs(user: CurrentUser, session: SessionDep, limit: int = Query(100, ge=1, le=1000)) -> list[GangSummary]:
    return gangs.ranked(session, actor=user, limit=limit)


@gang_router.get("/{gang_id}", response_model=GangDetail, dependencies=READ)
def get_gang(gang_id: str, user: CurrentUser, session: SessionDep) -> GangDetail:
    return gangs.get(session, actor=user, gang_id=gang_id)


@gang_router.get("/{gang_id}/evidence.csv", dependencies=READ)
def gang_evidence(gang_id: str, user: CurrentUser, session: SessionDep) -> Response:
    body = gangs.evidence_csv(session, actor=user, gang_id=gang_id)
    return attachment(f"{gang_id}-证据清单.csv", body, "text/csv; charset=utf-8")
