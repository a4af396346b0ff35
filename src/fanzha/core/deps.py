"""FastAPI dependencies as named types: routes read like sentences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from fanzha.core.db import get_database
from fanzha.core.errors import Forbidden, Unauthorized
from fanzha.core.rbac import Permission, Principal
from fanzha.core.scope import Scope

SESSION_COOKIE = "fanzha_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"


def get_session() -> Iterator[Session]:
    """The request's unit of work: committed if the route returns, rolled back if it raises."""
    with get_database().session() as session:
        yield session


# scope="function": commit before the response is sent. With the default ("request") the commit
# ran after the response, so a browser following a POST-redirect-GET (login → workbench, create →
# list) could read the database before the POST's commit and see "登录已失效" or a stale list.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def csrf_form_token(request: Request) -> str | None:
    """The CSRF token of a submitted HTML form. Async only to await the body; it touches no database,
    so the blocking work of authentication stays in the thread pool (`get_current_user` is sync)."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.headers.get(CSRF_HEADER):
        return None
    if not request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        return None
    value = (await request.form()).get(CSRF_FORM_FIELD)
    return value if isinstance(value, str) else None


def bearer_secret(request: Request) -> str | None:
    """The secret of an `Authorization: Bearer …` header ("" when empty), None without one."""
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def require_csrf(token_kind: str, expected: str | None, sent: str | None) -> None:
    """A browser session changing state must send its CSRF token; API tokens need none."""
    if token_kind == "session" and sent != expected:
        raise Forbidden("页面已过期，请刷新后重试（CSRF 校验失败）", "CSRF token missing or wrong")


def get_current_user(
    request: Request, session: SessionDep, form_csrf: Annotated[str | None, Depends(csrf_form_token)]
) -> Principal:
    from fanzha.users import service as users

    secret = bearer_secret(request)
    if secret is None:
        secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise Unauthorized()
    user, token = users.resolve_token(session, secret=secret)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        require_csrf(token.kind, token.csrf_token, request.headers.get(CSRF_HEADER) or form_csrf)
    request.state.csrf_token = token.csrf_token
    request.state.user_display = user.display_name
    return users.principal_of(user, client_ip(request))


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def get_scope(user: CurrentUser) -> Scope:
    return user.scope


ScopeDep = Annotated[Scope, Depends(get_scope)]


class RequirePermission:
    """Route-level declaration; the service checks again (defence in depth)."""

    def __init__(self, *permissions: Permission) -> None:
        self.permissions = permissions

    def __call__(self, user: CurrentUser) -> Principal:
        for permission in self.permissions:
            user.require(permission)
        return user
