"""The FastAPI application: API under /api/v1, pages under /, static assets."""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from fanzha import __version__
from fanzha.core.db import get_database
from fanzha.risk.hotpath import ScoringFastPath
from fanzha.web import errors
from fanzha.web.middleware import RequestContext
from fanzha.web.routers import API_ROUTERS, PAGE_ROUTERS, load

STATIC_DIR = Path(__file__).parent / "static"


def create_app() -> FastAPI:
    app = FastAPI(
        title="fanzha 反诈预警劝阻平台",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    errors.install(app)
    # Inside RequestContext (request id, security headers, access log), before the framework: the
    # bank-facing scoring route answered without per-request framework work (risk/hotpath.py).
    app.add_middleware(ScoringFastPath)
    app.add_middleware(RequestContext)
    for spec in API_ROUTERS + PAGE_ROUTERS:
        router = load(spec)
        app.include_router(router)
        _skip_unless_prefixed(app.router.routes[-1], router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        with get_database().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    # Every domain is imported now: move those ~175,000 long-lived objects (modules, routes, models,
    # templates) out of the collector's sight. A full collection otherwise walks them all, ~300 ms
    # on a busy 2-core machine, and lands on whichever request happens to trigger it.
    gc.collect()
    gc.freeze()
    return app


def _skip_unless_prefixed(included: BaseRoute, router: APIRouter) -> None:
    """Let the app's router pass over an included router in one `str.startswith` when the path
    cannot be one of its routes. FastAPI otherwise tries every route of every included router in
    turn (regex plus scope bookkeeping, a few µs each): ~0.3 ms per request on ~150 routes
    before the last domain's. A route without parameters matches its path only, and any path a
    route with parameters matches starts with the text before its first `{`, so the answer
    (including 405 for a known path and the trailing-slash redirect) is unchanged."""
    exact: set[str] = set()
    heads: set[str] = set()
    for route in router.routes:
        path = getattr(route, "path", None)
        if not isinstance(path, str):  # e.g. a Host route: no literal prefix to test
            return
        if isinstance(route, Route) and "{" not in path:
            exact.add(path)  # a plain route's pattern is the whole path
        else:
            heads.add(path.split("{", 1)[0])
    if getattr(included, "original_router", None) is not router or not (exact or heads):
        return  # not the include FastAPI made for this router: leave it alone
    prefixes = tuple(sorted(heads))
    matches = included.matches

    def prefixed_matches(scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and not scope.get("root_path"):
            path = scope["path"]
            if path not in exact and not path.startswith(prefixes):
                return Match.NONE, {}
        return matches(scope)

    setattr(included, "matches", prefixed_matches)  # noqa: B010 - an instance override, not a class patch
