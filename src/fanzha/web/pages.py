"""Login, logout, the workbench and the foundation admin pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fanzha.areas import service as areas
from fanzha.core import clock
from fanzha.core.deps import SESSION_COOKIE, CurrentUser, SessionDep, client_ip
from fanzha.core.errors import FanzhaError
from fanzha.core.rbac import Permission
from fanzha.core.settings import get_settings
from fanzha.people import service as people
from fanzha.users import service as users
from fanzha.web.nav import visible
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)


def page(request: Request, user: CurrentUser, name: str, context: dict[str, object] | None = None,
         status_code: int = 200) -> HTMLResponse:
    ctx: dict[str, object] = {"user": user, "nav": visible(user), "path": request.url.path,
                              "display_name": getattr(request.state, "user_display", user.username)}
    ctx.update(context or {})
    return render(request, name, ctx, status_code)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", {"next": next, "username": "", "error": None})


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, session: SessionDep, username: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    if not username or not password:
        return render(request, "login.html", {"next": next, "username": username,
                                              "error": "请输入用户名和密码"}, status_code=422)
    try:
        user = users.authenticate(session, username=username, password=password, ip=client_ip(request))
    except FanzhaError as exc:
        return render(request, "login.html", {"next": next, "username": username, "error": exc.message_zh},
                      status_code=exc.status_code)
    secret, _token = users.issue_token(session, user=user, kind="session")
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax",
                        secure=get_settings().cookie_secure, max_age=get_settings().session_hours * 3600)
    return response


@router.post("/logout")
def logout(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        users.revoke_token(session, secret=secret)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def workbench(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    from fanzha.web.workbench import quick_actions, sections

    area = areas.get(session, code=user.area_code) if user.area_code else None
    return page(request, user, "workbench.html", {"area": area, "sections": sections(session, user),
                                                   "quick": quick_actions(user), "now": clock.now()})


@router.get("/people", response_class=HTMLResponse)
def people_list(request: Request, user: CurrentUser, session: SessionDep, area_code: str = "", phone: str = "",
                page_no: int = 1) -> HTMLResponse:
    user.require(Permission.PERSON_READ)
    size, page_no = 50, max(page_no, 1)
    total, rows = people.list_people(session, actor=user, area_code=area_code.strip() or None,
                                     phone=phone.strip() or None, limit=size, offset=(page_no - 1) * size)
    return page(request, user, "people.html", {"rows": rows, "total": total, "page_no": page_no, "size": size,
                                                "area_code": area_code, "phone": phone,
                                                "can_unmask": user.can(Permission.PII_UNMASK)})
