"""What every request goes through before its route: route lookup and the request context."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from fanzha.web.routers import API_ROUTERS, PAGE_ROUTERS, load


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_of_every_router_is_still_found(app: FastAPI) -> None:
    # Included routers are passed over when the path cannot be theirs; none may be passed over wrongly.
    for spec in API_ROUTERS + PAGE_ROUTERS:
        for route in load(spec).routes:
            path = _concrete(getattr(route, "path"))  # noqa: B009 - BaseRoute declares no path
            for method in sorted(getattr(route, "methods", None) or {"GET"}):
                scope = {"type": "http", "method": method, "path": path, "root_path": "",
                         "headers": [], "query_string": b""}
                assert any(r.matches(dict(scope))[0] == Match.FULL for r in app.router.routes), (spec, method, path)


def test_a_known_path_with_another_method_is_405_not_404(public: TestClient) -> None:
    r = public.delete("/api/v1/risk/transactions")
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "http_405"


def test_a_trailing_slash_redirects_to_the_route(public: TestClient) -> None:
    r = public.get("/api/v1/risk/transactions/", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"].endswith("/api/v1/risk/transactions")


def test_an_unknown_api_path_is_a_json_404(public: TestClient) -> None:
    r = public.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "http_404"


def test_request_id_is_echoed_or_made(public: TestClient) -> None:
    assert public.get("/login", headers={"X-Request-ID": "req-42"}).headers["X-Request-ID"] == "req-42"
    made = public.get("/login").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", made)


def test_errors_carry_the_request_context_headers_too(public: TestClient) -> None:
    headers = public.get("/api/v1/no-such-thing", headers={"X-Request-ID": "req-43"}).headers
    assert headers["X-Request-ID"] == "req-43"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Server-Timing"].startswith("app;dur=")
