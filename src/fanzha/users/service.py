"""Users, login with lockout, sessions and API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.audit import service as audit
from fanzha.core import clock
from fanzha.core.errors import Conflict, FanzhaError, NotFound, Unauthorized
from fanzha.core.rbac import Permission, Principal, Role
from fanzha.core.settings import get_settings
from fanzha.users.models import AuthToken, User
from fanzha.users.schemas import UserCreate
from fanzha.users.security import hash_password, new_token, token_digest, verify_password


class AccountLocked(FanzhaError):
    status_code = 423
    code = "account_locked"


def principal_of(user: User, ip: str | None = None) -> Principal:
    return Principal.for_user(user_id=user.id, username=user.username, role=Role(user.role),
                              area_code=user.area_code, area_path=user.area_path, ip=ip)


def get(session: Session, *, actor: Principal, user_id: int) -> User:
    actor.require(Permission.USER_READ)
    user = session.get(User, user_id)
    if user is None or not actor.scope.contains(user.area_path):
        raise NotFound("用户", "User", user_id)
    return user


def get_by_username(session: Session, *, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def list_users(session: Session, *, actor: Principal, role: Role | None = None) -> Sequence[User]:
    actor.require(Permission.USER_READ)
    stmt = select(User).where(actor.scope.clause(User.area_path)).order_by(User.username)
    if role is not None:
        stmt = stmt.where(User.role == role)
    return session.scalars(stmt).all()


def create(session: Session, *, actor: Principal, data: UserCreate) -> User:
    actor.require(Permission.USER_WRITE)
    area = areas.get(session, code=data.area_code, scope=actor.scope)
    if get_by_username(session, username=data.username) is not None:
        raise Conflict(f"用户名 {data.username} 已存在", f"username {data.username} already exists",
                       fields={"username": "taken"})
    user = User(
        username=data.username, display_name=data.display_name, role=data.role,
        area_code=area.code, area_path=area.path, password_hash=hash_password(data.password),
        is_active=True, on_duty=data.on_duty, failed_logins=0, created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", object_type="user", object_id=user.id,
                 detail={"username": user.username, "role": user.role, "area": area.code})
    return user


def set_active(session: Session, *, actor: Principal, user_id: int, active: bool) -> User:
    actor.require(Permission.USER_WRITE)
    user = get(session, actor=actor, user_id=user_id)
    user.is_active = active
    if not active:
        for token in session.scalars(select(AuthToken).where(AuthToken.user_id == user.id)):
            token.revoked = True
    else:
        user.failed_logins, user.locked_until = 0, None
    audit.record(session, actor=actor, action="user.enable" if active else "user.disable",
                 object_type="user", object_id=user.id)
    return user


def authenticate(session: Session, *, username: str, password: str, ip: str | None) -> User:
    """Check a password. Repeated failures lock the account for a while; the lock and the
    failure count are committed even though the login itself fails."""
    settings = get_settings()
    user = get_by_username(session, username=username)
    now = clock.now()
    if user is None:
        verify_password(hash_password("timing-equaliser"), password)
        raise Unauthorized("用户名或密码错误", "Wrong username or password")
    actor = principal_of(user, ip)
    if user.locked_until is not None and clock.as_utc(user.locked_until) > now:
        minutes = int((clock.as_utc(user.locked_until) - now).total_seconds() // 60) + 1
        raise AccountLocked(f"登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试",
                            f"Too many failed logins; account locked for {minutes} more minute(s)")
    if not user.is_active:
        raise Unauthorized("账户已停用，请联系管理员", "Account disabled")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        locked = user.failed_logins >= settings.login_max_failures
        if locked:
            user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
            user.failed_logins = 0
        audit.record(session, actor=actor, action="auth.login_failed", object_type="user",
                     object_id=user.id, detail={"locked": locked})
        session.commit()
        raise Unauthorized("用户名或密码错误", "Wrong username or password")
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit.record(session, actor=actor, action="auth.login", object_type="user", object_id=user.id)
    return user


def issue_token(session: Session, *, user: User, kind: str = "api", label: str | None = None) -> tuple[str, AuthToken]:
    secret = new_token()
    now = clock.now()
    token = AuthToken(
        user_id=user.id, kind=kind, token_hash=token_digest(secret),
        csrf_token=secrets.token_urlsafe(24) if kind == "session" else None, label=label,
        created_at=now, expires_at=now + timedelta(hours=get_settings().session_hours), revoked=False,
    )
    session.add(token)
    session.flush()
    return secret, token


def resolve_token(session: Session, *, secret: str) -> tuple[User, AuthToken]:
    token = session.scalars(select(AuthToken).where(AuthToken.token_hash == token_digest(secret))).first()
    if token is None or token.revoked or clock.as_utc(token.expires_at) <= clock.now():
        raise Unauthorized("登录已失效，请重新登录", "Session expired or invalid")
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("账户已停用", "Account disabled")
    return user, token


def revoke_token(session: Session, *, secret: str) -> None:
    token = session.scalars(select(AuthToken).where(AuthToken.token_hash == token_digest(secret))).first()
    if token is not None:
        token.revoked = True
