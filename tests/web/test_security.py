"""Session cookie, CSRF and security headers, as a browser meets them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fanzha.core.settings import get_settings
from tests.factories import PASSWORD, World
from tests.web.conftest import Browser


def test_every_response_carries_security_headers(public: TestClient) -> None:
    client = public
    for url in ("/login", "/check", "/api/v1/openapi.json", "/static/app.css"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
        assert headers["Referrer-Policy"] == "same-origin", url
        assert headers["Server-Timing"].startswith("app;dur="), url
        assert "Strict-Transport-Security" not in headers, url  # plain HTTP unless cookies are secure


def test_session_cookie_is_httponly_and_samesite(world: World, app: FastAPI) -> None:
    r = TestClient(app).post("/login", data={"username": "analyst", "password": PASSWORD},
                                      follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert r.status_code == 303
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie


def test_cookie_is_secure_when_configured(world: World, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANZHA_COOKIE_SECURE", "true")
    get_settings.cache_clear()
    try:
        r = TestClient(app).post("/login", data={"username": "analyst", "password": PASSWORD},
                                          follow_redirects=False)
        assert "; secure" in r.headers["set-cookie"].lower()
        assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        monkeypatch.delenv("FANZHA_COOKIE_SECURE")
        get_settings.cache_clear()


def test_form_post_without_csrf_token_is_refused_with_a_chinese_page(as_user: Callable[[str], Browser]) -> None:
    admin = as_user("admin")
    r = admin.post("/admin/users", {"username": "newbie"}, csrf=False)
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert "CSRF" in r.text and "页面已过期" in r.text  # type: ignore[attr-defined]


def test_form_post_with_someone_elses_csrf_token_is_refused(as_user: Callable[[str], Browser]) -> None:
    admin, other = as_user("admin"), as_user("analyst")
    r = admin.client.post("/admin/users", data={"csrf_token": other.csrf, "username": "x"},
                          headers={"Accept": "text/html"})
    assert r.status_code == 403


def test_logout_ends_the_session(as_user: Callable[[str], Browser]) -> None:
    officer = as_user("officer")
    assert officer.post("/logout").status_code == 303  # type: ignore[attr-defined]
    r = officer.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")  # type: ignore[attr-defined]


def test_missing_page_is_a_chinese_page_for_browsers_and_json_for_the_api(public: TestClient) -> None:
    client = public
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "页面或资源不存在" in page.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["error"]["message_zh"] == "页面或资源不存在"
