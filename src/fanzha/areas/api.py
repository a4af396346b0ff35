from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from fanzha.areas import service
from fanzha.areas.models import AreaLevel
from fanzha.areas.schemas import AreaOut, ImportReport
from fanzha.audit import service as audit
from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.errors import Invalid
from fanzha.core.rbac import Permission

router = APIRouter(prefix="/api/v1/areas", tags=["areas"])


@router.get("", response_model=list[AreaOut], dependencies=[Depends(RequirePermission(Permission.AREA_READ))])
def list_areas(user: CurrentUser, session: SessionDep, level: AreaLevel | None = None,
               parent_code: str | None = None) -> list[AreaOut]:
    return [AreaOut.model_validate(a) for a in
            service.list_areas(session, scope=user.scope, level=level, parent_code=parent_code)]


@router.get("/{code}", response_model=AreaOut, dependencies=[Depends(RequirePermission(Permission.AREA_READ))])
def get_area(code: str, user: CurrentUser, session: SessionDep) -> AreaOut:
    return AreaOut.model_validate(service.get(session, code=code, scope=user.scope))


@router.post("/import", response_model=ImportReport,
             dependencies=[Depends(RequirePermission(Permission.AREA_WRITE))])
async def import_areas(request: Request, user: CurrentUser, session: SessionDep) -> ImportReport:
    """Body is the CSV (text/csv) or YAML (application/yaml) file itself."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("文件不是 UTF-8 编码", "file is not UTF-8 encoded") from None
    ctype = request.headers.get("content-type", "")
    rows = service.parse_yaml(text) if "yaml" in ctype else service.parse_csv(text)
    report = service.import_rows(session, rows)
    audit.record(session, actor=user, action="area.import", object_type="area", object_id="*",
                 detail=report.model_dump())
    return report
