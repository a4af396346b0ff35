"""Admin pages: users (create, disable/enable), jurisdictions (CSV/YAML upload), audit trail viewer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select

from fanzha.areas import service as areas
from fanzha.areas.models import LEVEL_NAMES_ZH, Area, AreaLevel
from fanzha.audit import service as audit
from fanzha.core.deps import CurrentUser, SessionDep
from fanzha.core.errors import FanzhaError, ImportRejected, Invalid
from fanzha.core.rbac import ROLE_NAMES_ZH, Permission, Role
from fanzha.people.models import Person
from fanzha.users import service as users
from fanzha.users.schemas import UserCreate
from fanzha.web.forms import domain_errors, field_errors
from fanzha.web.pages import page

router = APIRouter(include_in_schema=False)

USER_LABELS = {"username": "用户名", "display_name": "姓名", "role": "角色", "area_code": "所属辖区",
               "password": "初始密码"}
USER_HINTS = {"username": "用户名为 2–64 位字母、数字或 _ . -"}
# Which role may sit at which level of the tree: a grid worker at a grid, a teller at a bank.
ROLE_LEVELS: dict[Role, tuple[AreaLevel, ...]] = {
    Role.GRID_WORKER: (AreaLevel.VILLAGE, AreaLevel.GRID),
    Role.BANK_STAFF: (AreaLevel.BANK,),
    Role.STATION_OFFICER: (AreaLevel.COUNTY, AreaLevel.TOWN),
}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
AUDIT_PAGE = 50


def _area_choices(session: SessionDep, user: CurrentUser) -> list[Area]:
    rows = areas.list_areas(session, scope=user.scope)
    return sorted(rows, key=lambda a: a.path)


def _users_page(request: Request, user: CurrentUser, session: SessionDep, *, form: dict[str, Any] | None = None,
                errors: dict[str, str] | None = None, notice: str | None = None, role: str = "",
                status_code: int = 200) -> HTMLResponse:
    chosen = Role(role) if role in Role.__members__.values() else None
    choices = _area_choices(session, user)
    return page(request, user, "admin/users.html", {
        "rows": users.list_users(session, actor=user, role=chosen), "role_filter": role,
        "roles": ROLE_NAMES_ZH, "areas": choices, "area_names": {a.code: a.name for a in choices},
        "levels": LEVEL_NAMES_ZH,
        "form": form or {"username": "", "display_name": "", "role": "", "area_code": ""},
        "errors": errors or {}, "notice": notice,
    }, status_code)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, user: CurrentUser, session: SessionDep, role: str = "",
               created: str | None = None) -> HTMLResponse:
    user.require(Permission.USER_WRITE)
    notice = f"已创建用户 {created}" if created else None
    return _users_page(request, user, session, role=role, notice=notice)


def _role_level_error(session: SessionDep, data: UserCreate) -> str | None:
    allowed = ROLE_LEVELS.get(data.role)
    if not allowed:
        return None
    area = session.get(Area, data.area_code)
    if area is None or area.level in allowed:
        return None
    names = "或".join(LEVEL_NAMES_ZH[lv] for lv in allowed)
    return f"{ROLE_NAMES_ZH[data.role]}应挂在{names}，不能挂在{LEVEL_NAMES_ZH[AreaLevel(area.level)]}"


@router.post("/admin/users", response_class=HTMLResponse)
def users_create(request: Request, user: CurrentUser, session: SessionDep,
                 username: Annotated[str, Form()] = "", display_name: Annotated[str, Form()] = "",
                 role: Annotated[str, Form()] = "", area_code: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "") -> Response:
    user.require(Permission.USER_WRITE)
    form = {"username": username.strip(), "display_name": display_name.strip(), "role": role,
            "area_code": area_code}
    try:
        data = UserCreate.model_validate({**form, "password": password})
    except ValidationError as exc:
        return _users_page(request, user, session, form=form, errors=field_errors(exc, USER_LABELS, USER_HINTS),
                           status_code=422)
    level_error = _role_level_error(session, data)
    if level_error:
        return _users_page(request, user, session, form=form, errors={"area_code": level_error}, status_code=422)
    try:
        users.create(session, actor=user, data=data)
    except FanzhaError as exc:
        errors = domain_errors(exc)
        if exc.status_code == 404:
            errors = {"area_code": exc.message_zh}
        return _users_page(request, user, session, form=form, errors=errors, status_code=exc.status_code)
    return RedirectResponse(f"/admin/users?created={data.username}", status_code=303)


@router.post("/admin/users/{user_id}/{action}")
def users_toggle(user_id: int, action: str, user: CurrentUser, session: SessionDep) -> Response:
    if action not in ("disable", "enable"):
        raise Invalid("不支持的操作", f"unknown action {action}")
    if action == "disable" and user.user_id == user_id:
        raise Invalid("不能停用自己的账户", "cannot disable your own account")
    users.set_active(session, actor=user, user_id=user_id, active=action == "enable")
    return RedirectResponse("/admin/users", status_code=303)


def _areas_page(request: Request, user: CurrentUser, session: SessionDep, *, parent: str | None,
                report: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    if parent:
        rows = areas.list_areas(session, scope=user.scope, parent_code=parent)
        trail = areas.ancestors(session, code=parent)
    else:
        rows = [a for a in areas.list_areas(session, scope=user.scope) if a.level in ("city", "county", "town", "bank")]
        trail = []
    counts = dict(session.execute(select(Area.parent_code, func.count()).group_by(Area.parent_code)).all())
    pop = dict(session.execute(select(Person.area_code, func.count()).group_by(Person.area_code)).all())
    return page(request, user, "admin/areas.html", {
        "rows": rows, "counts": counts, "levels": LEVEL_NAMES_ZH, "parent": parent, "trail": trail,
        "people": pop, "report": report, "can_write": user.can(Permission.AREA_WRITE)}, status_code)


@router.get("/admin/areas", response_class=HTMLResponse)
def areas_page(request: Request, user: CurrentUser, session: SessionDep, parent: str | None = None) -> HTMLResponse:
    user.require(Permission.AREA_READ)
    return _areas_page(request, user, session, parent=parent)


async def _read_upload(file: UploadFile) -> tuple[str, str]:
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    if not raw:
        raise Invalid("请选择要导入的文件", "no file uploaded")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise Invalid("文件超过 5 MB", "file larger than 5 MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("文件不是 UTF-8 编码（Excel 请另存为“CSV UTF-8”）", "file is not UTF-8") from None
    return (file.filename or "").lower(), text


@router.post("/admin/areas/import", response_class=HTMLResponse)
async def areas_import(request: Request, user: CurrentUser, session: SessionDep,
                       file: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
    user.require(Permission.AREA_WRITE)
    try:
        if file is None:
            raise Invalid("请选择要导入的文件", "no file uploaded")
        name, text = await _read_upload(file)
        rows = areas.parse_yaml(text) if name.endswith((".yaml", ".yml")) else areas.parse_csv(text)
        # import_rows validates every row before writing any: a rejected file leaves nothing behind.
        result = areas.import_rows(session, rows)
        audit.record(session, actor=user, action="area.import", object_type="area", object_id="*",
                     detail={**result.model_dump(), "file": name})
    except ImportRejected as exc:
        report = {"ok": False, "message": exc.message_zh, "rows": exc.rows}
        return _areas_page(request, user, session, parent=None, report=report, status_code=422)
    except Invalid as exc:
        report = {"ok": False, "message": exc.message_zh, "rows": []}
        return _areas_page(request, user, session, parent=None, report=report, status_code=422)
    report = {"ok": True, "message": f"导入成功：新增 {result.created} 个，更新 {result.updated} 个辖区", "rows": []}
    return _areas_page(request, user, session, parent=None, report=report)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: CurrentUser, session: SessionDep, who: str = "", object_type: str = "",
               object_id: str = "", page_no: int = 1) -> HTMLResponse:
    page_no = max(page_no, 1)
    total, rows = audit.list_records(session, actor=user, who=who.strip() or None,
                                     object_type=object_type.strip() or None, object_id=object_id.strip() or None,
                                     limit=AUDIT_PAGE, offset=(page_no - 1) * AUDIT_PAGE)
    filters = {"who": who, "object_type": object_type, "object_id": object_id}
    return page(request, user, "admin/audit.html", {"rows": rows, "total": total, "page_no": page_no,
                                                    "size": AUDIT_PAGE, "filters": filters})
