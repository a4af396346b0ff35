from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep, client_ip
from fanzha.core.rbac import Permission, Role
from fanzha.users import service
from fanzha.users.schemas import LoginIn, TokenOut, UserCreate, UserOut

auth_router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
router = APIRouter(prefix="/api/v1/users", tags=["users"])

@auth_router.post("/token", response_model=TokenOut)
def login(body: LoginIn, request: Request, session: SessionDep) -> TokenOut:
    user = service.authenticate(session, username=body.username, password=body.password, ip=client_ip(request))
    secret, token = service.issue_token(session, user=user, kind="api")
    return TokenOut(access_token=secret, expires_at=token.expires_at, user=UserOut.model_validate(user))

@auth_router.get("/me", response_model=UserOut)
def me(user: CurrentUser, session: SessionDep) -> UserOut:
    from fanzha.users.models import User

    return UserOut.model_validate(session.get(User, user.user_id))

@router.get("", response_model=list[UserOut],
            dependencies=[Depends(RequirePermission(Permission.USER_READ))])
def list_users(user: CurrentUser, session: SessionDep, role: Role | None = None) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in service.list_users(session, actor=user, role=role)]

@router.post("", response_model=UserOut, status_code=201,
             dependencies=[Depends(RequirePermission(Permission.USER_WRITE))])
def create_user(body: UserCreate, user: CurrentUser, session: SessionDep) -> UserOut:
    return UserOut.model_validate(service.create(session, actor=user, data=body))

@router.post("/{user_id}/disable", response_model=UserOut,
             dependencies=[Depends(RequirePermission(Permission.USER_WRITE))])
def disable_user(user_id: int, user: CurrentUser, session: SessionDep) -> UserOut:
    return UserOut.model_validate(service.set_active(session, actor=user, user_id=user_id, active=False))

@router.post("/{user_id}/enable", response_model=UserOut,
             dependencies=[Depends(RequirePermission(Permission.USER_WRITE))])
def enable_user(user_id: int, user: CurrentUser, session: SessionDep) -> UserOut:
    return UserOut.model_validate(service.set_active(session, actor=user, user_id=user_id, active=True))

Actor = Annotated[object, Depends(RequirePermission())]
