"""Page tests through FastAPI's TestClient with a real browser-like session (cookie + CSRF token)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fanzha.core.db import Database
from tests.factories import PASSWORD, World, make_world

_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """A TestClient logged in through the login form, like a person with a browser."""

    def __init__(self, client: TestClient, username: str) -> None:
        self.client = client
        r = client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=True)
        assert r.status_code == 200, r.text
        self.csrf = csrf_of(r.text)

    def get(self, url: str, **kw: object) -> object:
        return self.client.get(url, headers={"Accept": "text/html"}, **kw)  # type: ignore[arg-type]

    def post(self, url: str, data: dict[str, str] | None = None, *, csrf: bool = True, **kw: object) -> object:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        return self.client.post(url, data=form, headers={"Accept": "text/html"}, follow_redirects=False,
                                **kw)  # type: ignore[arg-type]


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "page has no csrf-token meta"
    return m.group(1)


@pytest.fixture
def world(database: Database) -> World:
    return make_world(database)


@pytest.fixture(scope="session")
def app() -> FastAPI:
    """One app for the whole run: it holds no per-test state (database, settings and rate limits are
    looked up per request), and building it imports every domain."""
    from fanzha.web.app import create_app

    return create_app()


@pytest.fixture
def as_user(world: World, app: FastAPI) -> Callable[[str], Browser]:
    def login(username: str) -> Browser:
        return Browser(TestClient(app, raise_server_exceptions=False), username)

    return login


@pytest.fixture
def public(app: FastAPI) -> TestClient:
    """An anonymous client for pages that never touch the database (input checks, static content)."""
    from fanzha.web import ratelimit

    ratelimit.reset_limiter()
    return TestClient(app, raise_server_exceptions=False)
