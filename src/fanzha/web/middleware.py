from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

import structlog
from fastapi import Request, Response
from starlette.middleware.base import BaseHTTPMiddleware

from fanzha.audit.service import request_id_var
from fanzha.core.settings import get_settings

log = structlog.get_logger("fanzha.http")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    ),
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}


class RequestContext(BaseHTTPMiddleware):
    """Request id (echoed as X-Request-ID), timing, access log and security headers."""

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex[:16]
        token = request_id_var.set(rid)
        structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
            structlog.contextvars.unbind_contextvars("request_id")
        elapsed_ms = (time.perf_counter() - started) * 1000
        response.headers["X-Request-ID"] = rid
        response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if get_settings().cookie_secure:  # served over HTTPS: browsers must never fall back to HTTP
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.url.path != "/healthz":
            log.info("request", method=request.method, path=request.url.path, status=response.status_code,
                     ms=round(elapsed_ms, 1), request_id=rid)
        return response
