"""`POST /api/v1/risk/transactions` from a bank's core system, without the framework's per-request work.

A bank calls the scoring API hundreds of times a second. Through FastAPI each call paid about
0.7 ms of CPU before and after the scoring itself (middleware layers, routing, dependency
resolution, JSON decoded to Python and then validated, the response validated again); on one
core that was half the budget at 500 requests/s (BENCHMARKS.md, risk). This ASGI middleware
answers that one route directly: the body is validated from JSON bytes in one pydantic call,
the caller comes from the same cached token lookup (`risk.auth`), the transfer goes to the same
group-commit writer, and domain errors get the same error body as the app's handlers.

It answers only what it can answer exactly as the app would. Everything else reaches the
FastAPI route unchanged, body included: other paths and methods, browser sessions (cookie +
CSRF), bodies that fail validation (the app's 422 names the fields), oversized bodies (the
app's limits). The route stays the contract (OpenAPI, access matrix); this is a shortcut to it.
`tests/risk/test_hotpath.py` checks that both give the same answers.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fanzha.core.deps import bearer_secret
from fanzha.core.errors import FanzhaError
from fanzha.risk.scorer_process import INVALID, error_answer, score_json

PATH = "/api/v1/risk/transactions"
MAX_BODY = 64 * 1024  # a transfer is ~400 bytes; anything larger goes the ordinary way
_JSON_HEADERS = [(b"content-type", b"application/json")]


class ScoringFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if not bearer_secret(request):  # browser session or no credentials: the app decides
            await self.app(scope, receive, send)
            return
        read = await _read_body(receive)
        if read is None:  # the client went away
            return
        body, more = read
        if more:
            await self.app(scope, _replay(body, more, receive), send)
            return
        from fanzha.risk.auth import bearer_principal

        try:
            principal = await bearer_principal(request)
        except FanzhaError as exc:  # as web.errors does for an /api/ path
            await _respond(send, *error_answer(exc))
            return
        status, payload = await score_json(principal, body)
        if status == INVALID:  # the app's 422 explains each field
            await self.app(scope, _replay(body, False, receive), send)
            return
        await _respond(send, status, payload)


async def _read_body(receive: Receive) -> tuple[bytes, bool] | None:
    """The body read so far and whether more follows (it stops past MAX_BODY); None on disconnect."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = bool(message.get("more_body", False))
        if not more or size > MAX_BODY:
            return b"".join(chunks), more


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    """`receive` for the app: what was already read, then the rest of the request as it comes."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": more}

    return replay


async def _respond(send: Send, status: int, payload: bytes) -> None:
    headers: list[Any] = [*_JSON_HEADERS, (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
