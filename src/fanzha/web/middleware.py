from __future__ import annotations

import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
_SECURITY_RAW = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]
_HSTS = (b"strict-transport-security", b"max-age=31536000")
_REPLACED = (b"x-request-id", b"server-timing")


class RequestContext:
    """Request id (echoed as X-Request-ID), timing, access log and security headers.

    Plain ASGI rather than Starlette's BaseHTTPMiddleware: that one runs every request in a task
    group with memory streams and costs ~0.5 ms CPU per request, which every API call paid.
    The endpoint runs in this coroutine's context, so the request id bound here reaches it (and
    the threads sync endpoints run in) as before."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = ""
        for key, value in scope["headers"]:
            if key.lower() == b"x-request-id":  # servers pass names lower-cased; test clients may not
                rid = value.decode("latin-1")
                break
        rid = rid or uuid.uuid4().hex[:16]
        token = request_id_var.set(rid)
        structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.perf_counter()
        path = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] != "http.response.start":
                await send(message)
                return
            elapsed_ms = (time.perf_counter() - started) * 1000
            headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in _REPLACED]
            present = {k.lower() for k, _ in headers}
            headers.append((b"x-request-id", rid.encode("latin-1")))
            headers.append((b"server-timing", f"app;dur={elapsed_ms:.1f}".encode("latin-1")))
            headers.extend(pair for pair in _SECURITY_RAW if pair[0] not in present)
            if get_settings().cookie_secure and _HSTS[0] not in present:  # HTTPS: never fall back to HTTP
                headers.append(_HSTS)
            status = message["status"]
            await send({**message, "headers": headers})
            if path != "/healthz":
                log.info("request", method=scope["method"], path=path, status=status,
                         ms=round(elapsed_ms, 1), request_id=rid)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)
            structlog.contextvars.unbind_contextvars("request_id")
