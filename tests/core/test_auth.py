"""Login, lockout, tokens and sessions."""

from __future__ import annotations

from datetime import timedelta

from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.users.models import User
from tests.factories import PASSWORD, make_world


def test_login_returns_a_bearer_token_that_opens_the_api(database: Database) -> None:
    world = make_world(database)
    client = world.client()
    resp = client.post("/api/v1/auth/token", json={"username": "officer", "password": PASSWORD})
    assert resp.status_code == 200
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {resp.json()['access_token']}"})
    assert me.json()["username"] == "officer"


def test_ten_wrong_passwords_lock_the_account_and_the_right_one_is_refused_until_it_expires(
    database: Database, frozen_clock: FrozenClock
) -> None:
    world = make_world(database)
    client = world.client()
    statuses = [client.post("/api/v1/auth/token", json={"username": "grid", "password": "wrong"}).status_code
                for _ in range(10)]
    assert statuses[:4] == [401] * 4
    assert statuses[5:] == [423] * 5
    locked = client.post("/api/v1/auth/token", json={"username": "grid", "password": PASSWORD})
    assert locked.status_code == 423
    body = locked.json()["error"]
    assert body["code"] == "account_locked" and "锁定" in body["message_zh"] and body["message_en"]
    frozen_clock.advance(timedelta(minutes=16))
    assert client.post("/api/v1/auth/token", json={"username": "grid", "password": PASSWORD}).status_code == 200


def test_wrong_password_and_unknown_user_look_the_same(database: Database) -> None:
    world = make_world(database)
    client = world.client()
    a = client.post("/api/v1/auth/token", json={"username": "grid", "password": "nope"}).json()
    b = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "nope"}).json()
    assert a["error"]["message_zh"] == b["error"]["message_zh"] == "用户名或密码错误"


def test_a_disabled_user_loses_their_tokens_at_once(database: Database) -> None:
    world = make_world(database)
    officer = world.client("officer")
    assert officer.get("/api/v1/auth/me").status_code == 200
    admin = world.client("admin")
    assert admin.post(f"/api/v1/users/{world.users['officer'].id}/disable").status_code == 200
    assert officer.get("/api/v1/auth/me").status_code == 401
    assert world.client().post("/api/v1/auth/token", json={"username": "officer", "password": PASSWORD}
                               ).status_code == 401


def test_browser_login_sets_a_session_cookie_and_posts_need_the_csrf_token(database: Database) -> None:
    world = make_world(database)
    client = world.client()
    page = client.post("/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
    assert page.status_code == 303 and "fanzha_session" in page.cookies
    assert "httponly" in page.headers["set-cookie"].lower()
    assert client.get("/").status_code == 200
    no_csrf = client.post("/api/v1/users/1/disable")
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json()["error"]["message_en"]


def test_wrong_password_on_the_login_page_keeps_the_username(database: Database) -> None:
    world = make_world(database)
    page = world.client().post("/login", data={"username": "admin", "password": "x"})
    assert page.status_code == 401
    assert "用户名或密码错误" in page.text and 'value="admin"' in page.text


def test_security_headers_and_request_id_on_every_response(database: Database) -> None:
    world = make_world(database)
    resp = world.client().get("/healthz", headers={"X-Request-ID": "abc123"})
    assert resp.json()["status"] == "ok"
    assert resp.headers["X-Request-ID"] == "abc123"
    assert resp.headers["X-Frame-Options"] == "DENY" and "frame-ancestors" in resp.headers["Content-Security-Policy"]


def test_validation_errors_are_structured_and_bilingual(database: Database) -> None:
    world = make_world(database)
    resp = world.client("admin").post("/api/v1/users", json={"username": "x", "role": "pilot"})
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "invalid" and err["message_zh"].startswith("请求参数有误")
    assert {"username", "role", "display_name", "password", "area_code"} <= set(err["fields"])


def test_user_count_unchanged_after_a_rejected_create(database: Database) -> None:
    world = make_world(database)
    with database.session() as s:
        before = s.query(User).count()
    resp = world.client("admin").post("/api/v1/users", json={
        "username": "dup", "display_name": "x", "role": "grid_worker", "area_code": "NOPE", "password": "Str0ngPass!"})
    assert resp.status_code == 404 and "辖区不存在" in resp.json()["error"]["message_zh"]
    with database.session() as s:
        assert s.query(User).count() == before
