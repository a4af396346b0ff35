"""HTTP API for warning instructions: ingest, list, act, queue and pipeline status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import ValidationError

from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.errors import ImportRejected, RowError
from fanzha.core.rbac import Permission
from fanzha.warning import pipeline, service
from fanzha.warning.schemas import (
    AdvanceIn,
    AttemptIn,
    AttemptOut,
    CloseIn,
    DeadlineOut,
    FeedbackIn,
    IngestItemOut,
    IngestOut,
    PipelineOut,
    QueueItemOut,
    QueueOut,
    ReassignIn,
    StepOut,
    WarningDetailOut,
    WarningIn,
    WarningOut,
    WarningPage,
)

router = APIRouter(prefix="/api/v1/warnings", tags=["warnings"])
P = Permission


def _parse_items(body: Any) -> list[WarningIn]:
    """A single instruction object, a list, or {"items": [...]}; every bad row is reported."""
    raw = body.get("items") if isinstance(body, dict) and "items" in body else body
    raw = raw if isinstance(raw, list) else [raw]
    if not raw or len(raw) > 5000:
        raise ImportRejected([RowError(0, "items", "每批 1 至 5000 条", "1 to 5000 items per request")])
    items, errors = [], []
    for i, item in enumerate(raw, start=1):
        try:
            items.append(WarningIn.model_validate(item))
        except ValidationError as exc:
            for e in exc.errors():
                field = ".".join(str(p) for p in e["loc"]) or None
                errors.append(RowError(i, field, f"字段 {field} 无效：{e['msg']}", f"{field}: {e['msg']}"))
    if errors:
        raise ImportRejected(errors)
    return items


@router.post("", response_model=IngestOut, status_code=201,
             dependencies=[Depends(RequirePermission(P.WARNING_INGEST))])
def ingest_warnings(user: CurrentUser, session: SessionDep, body: Any = Body(...)) -> IngestOut:
    items = _parse_items(body)
    report = service.ingest_all_or_nothing(session, actor=user, signals=[i.to_signal() for i in items])
    return IngestOut(created=report.count("created"), merged=report.count("merged"),
                     duplicates=report.count("duplicate"),
                     items=[IngestItemOut(source=r.source, external_id=r.external_id, result=r.result,
                                          warning_id=r.warning_id) for r in report.items])


@router.get("", response_model=WarningPage, dependencies=[Depends(RequirePermission(P.WARNING_READ))])
def list_warnings(user: CurrentUser, session: SessionDep, level: str | None = None, status: str | None = None,
                  source: str | None = None, type_code: str | None = None, area_code: str | None = None,
                  open_only: bool = False, mine: bool = False, overdue: bool = False,
                  limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> WarningPage:
    total, rows = service.list_warnings(session, actor=user, filters=service.Filters(
        level=level, status=status, source=source, type_code=type_code, area_code=area_code, open_only=open_only,
        mine=mine, overdue=overdue), limit=limit, offset=offset)
    return WarningPage(total=total, items=[WarningOut.model_validate(w) for w in rows])


@router.get("/queue", response_model=QueueOut, dependencies=[Depends(RequirePermission(P.WARNING_READ))])
def work_queue(user: CurrentUser, session: SessionDep, staff: int | None = Query(None, ge=0, le=10_000),
               area_code: str | None = None, limit: int = Query(200, ge=1, le=2000)) -> QueueOut:
    people, shift_end, planned = service.queue(session, actor=user, staff=staff, area_code=area_code)
    return QueueOut(staff=people, shift_end=shift_end, will_miss=sum(1 for p in planned if not p.reachable_in_time),
                    items=[QueueItemOut(warning_id=p.ranked.entry.warning_id, level=p.ranked.entry.level,
                                        status=p.ranked.entry.status, score=round(p.ranked.score, 2),
                                        expected_loss_fen=p.ranked.expected_loss_fen,
                                        effort_minutes=p.ranked.entry.effort_minutes, eta=p.eta,
                                        due_at=p.ranked.entry.due_at, reachable_in_time=p.reachable_in_time)
                           for p in planned[:limit]])


@router.get("/pipeline", response_model=PipelineOut, dependencies=[Depends(RequirePermission(P.WARNING_DISPATCH))])
def pipeline_status(session: SessionDep) -> PipelineOut:
    return PipelineOut(**pipeline.status(session))


def _detail(session: SessionDep, user: CurrentUser, warning_id: int) -> WarningDetailOut:
    d = service.detail(session, actor=user, warning_id=warning_id)
    base = WarningOut.model_validate(d.warning).model_dump()
    return WarningDetailOut(**base, deadlines=[DeadlineOut.model_validate(x) for x in d.deadlines],
                            attempts=[AttemptOut.model_validate(x) for x in d.attempts],
                            steps=[StepOut.model_validate(x) for x in d.steps], signals=len(d.signals))


@router.get("/{warning_id}", response_model=WarningDetailOut,
            dependencies=[Depends(RequirePermission(P.WARNING_READ))])
def get_warning(warning_id: int, user: CurrentUser, session: SessionDep) -> WarningDetailOut:
    return _detail(session, user, warning_id)


@router.post("/{warning_id}/claim", response_model=WarningOut,
             dependencies=[Depends(RequirePermission(P.WARNING_HANDLE))])
def claim(warning_id: int, user: CurrentUser, session: SessionDep) -> WarningOut:
    return WarningOut.model_validate(service.claim(session, actor=user, warning_id=warning_id))


@router.post("/{warning_id}/attempts", response_model=AttemptOut, status_code=201,
             dependencies=[Depends(RequirePermission(P.WARNING_HANDLE))])
def record_attempt(warning_id: int, body: AttemptIn, user: CurrentUser, session: SessionDep) -> AttemptOut:
    return AttemptOut.model_validate(service.record_attempt(session, actor=user, warning_id=warning_id, data=body))


@router.post("/{warning_id}/advance", response_model=WarningOut,
             dependencies=[Depends(RequirePermission(P.WARNING_HANDLE))])
def advance(warning_id: int, body: AdvanceIn, user: CurrentUser, session: SessionDep) -> WarningOut:
    return WarningOut.model_validate(service.advance(session, actor=user, warning_id=warning_id, to=body.to,
                                                     note=body.note))


@router.post("/{warning_id}/feedback", response_model=WarningOut,
             dependencies=[Depends(RequirePermission(P.WARNING_HANDLE))])
def feedback(warning_id: int, body: FeedbackIn, user: CurrentUser, session: SessionDep) -> WarningOut:
    return WarningOut.model_validate(service.feedback(session, actor=user, warning_id=warning_id, data=body))


@router.post("/{warning_id}/close", response_model=WarningOut,
             dependencies=[Depends(RequirePermission(P.WARNING_HANDLE))])
def close(warning_id: int, body: CloseIn, user: CurrentUser, session: SessionDep) -> WarningOut:
    return WarningOut.model_validate(service.close(session, actor=user, warning_id=warning_id, data=body))


@router.post("/{warning_id}/reassign", response_model=WarningOut,
             dependencies=[Depends(RequirePermission(P.WARNING_DISPATCH))])
def reassign(warning_id: int, body: ReassignIn, user: CurrentUser, session: SessionDep) -> WarningOut:
    return WarningOut.model_validate(service.reassign(session, actor=user, warning_id=warning_id, data=body))


@router.post("/{warning_id}/robot-call", response_model=WarningOut,
             dependencies=[Depends(RequirePermission(P.WARNING_DISPATCH))])
def robot_call(warning_id: int, user: CurrentUser, session: SessionDep) -> WarningOut:
    return WarningOut.model_validate(service.switch_to_robot_call(session, actor=user, warning_id=warning_id))
