"""Who is calling the scoring API, without a database round trip per request.

A bank's core system calls `POST /api/v1/risk/transactions` hundreds of times a second with
the same API token. Resolving the token (two queries and a pooled connection in the thread
pool) cost more than scoring the transfer, so the principal of a bearer token is cached for
`TTL_SECONDS`: a revoked token, a disabled account or a changed role takes effect within that
time (never past the token's own expiry). Session cookies (the browser) take the ordinary path.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from fanzha.core import clock
from fanzha.core.db import Database, get_database
from fanzha.core.deps import CSRF_HEADER, SESSION_COOKIE, bearer_secret, client_ip, get_current_user, require_csrf
from fanzha.core.errors import Unauthorized
from fanzha.core.rbac import Permission, Principal

TTL_SECONDS = 10.0
MAX_ENTRIES = 10_000


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    kind: str
    csrf_token: str | None
    expires_at: datetime
    cached_at: float


_cache: weakref.WeakKeyDictionary[Database, dict[str, _Entry]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _resolve(database: Database, secret: str) -> _Entry:
    from fanzha.users import service as users

    with database.session() as session:
        user, token = users.resolve_token(session, secret=secret)
        return _Entry(users.principal_of(user), token.kind, token.csrf_token, clock.as_utc(token.expires_at),
                      time.monotonic())


def _full_path(request: Request) -> Principal:
    database = get_database()
    with database.session() as session:
        return get_current_user(request, session, None)


async def scoring_principal(request: Request) -> Principal:
    """The caller, allowed to score transfers (401/403 like every other route)."""
    if not bearer_secret(request):  # browser session: cookie + CSRF, the ordinary way
        if not request.cookies.get(SESSION_COOKIE):
            raise Unauthorized()
        principal = await run_in_threadpool(_full_path, request)
        principal.require(Permission.RISK_SCORE)
        return principal
    return await bearer_principal(request)


async def bearer_principal(request: Request) -> Principal:
    """The caller of a request with an `Authorization: Bearer` header, from the cache when fresh,
    allowed to score transfers (also used by `risk.hotpath`)."""
    from fanzha.users.security import token_digest

    secret = bearer_secret(request) or ""
    database = get_database()
    key = token_digest(secret)
    entries = _cache.get(database)
    entry = entries.get(key) if entries is not None else None
    if entry is None or time.monotonic() - entry.cached_at > TTL_SECONDS or entry.expires_at <= clock.now():
        entry = await run_in_threadpool(_resolve, database, secret)  # raises 401 when invalid
        with _lock:
            entries = _cache.setdefault(database, {})
            if len(entries) >= MAX_ENTRIES:
                entries.clear()
            entries[key] = entry
    require_csrf(entry.kind, entry.csrf_token, request.headers.get(CSRF_HEADER))
    principal = dataclasses.replace(entry.principal, ip=client_ip(request))
    principal.require(Permission.RISK_SCORE)
    return principal


def forget(database: Database | None = None) -> None:
    """Drop cached principals (all, or one database's)."""
    with _lock:
        if database is None:
            _cache.clear()
        else:
            _cache.pop(database, None)


ScoringUser = Annotated[Principal, Depends(scoring_principal)]
