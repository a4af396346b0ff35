"""The scoring route's shortcut (risk/hotpath.py) answers a bank's bearer-token calls exactly as the
FastAPI route answers a browser session; whatever it cannot answer itself reaches the route."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.risk import hotpath
from tests.factories import PASSWORD, World, make_world, shared_app
from tests.risk.builders import transfer

URL = "/api/v1/risk/transactions"


@pytest.fixture
def world(database: Database, frozen_clock: FrozenClock) -> World:
    return make_world(database)


def browser(username: str) -> TestClient:
    """A teller logged in through the login form: cookie + CSRF header, the route's ordinary path."""
    client = TestClient(shared_app(), raise_server_exceptions=False)
    page = client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found, page.text[:500]
    client.headers["X-CSRF-Token"] = found.group(1)
    return client


def comparable(body: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in body.items() if k not in ("id", "transaction_id", "payer_account_masked",
                                                        "payee_account_masked")}


def test_the_shortcut_and_the_route_give_the_same_answer(world: World, frozen_clock: FrozenClock) -> None:
    now = frozen_clock.now()
    api, person = world.client("teller"), browser(world.users["teller"].username)
    for amount, sharing in ((20_000, False), (50_000, True)):
        fast = api.post(URL, json=transfer(now, amount_fen=amount, screen_sharing=sharing))
        slow = person.post(URL, json=transfer(now, amount_fen=amount, screen_sharing=sharing))
        assert (fast.status_code, slow.status_code) == (201, 201), (fast.text, slow.text)
        assert comparable(fast.json()) == comparable(slow.json())
        for response in (fast, slow):  # the request context wraps both: id, timing, security headers
            assert response.headers["x-request-id"] and response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["content-type"] == "application/json"


def test_errors_have_the_same_shape_on_both_paths(world: World, frozen_clock: FrozenClock) -> None:
    now = frozen_clock.now()
    api, person = world.client("teller"), browser(world.users["teller"].username)
    body = transfer(now)
    assert api.post(URL, json=body).status_code == 201
    for client in (api, person):
        reused = client.post(URL, json={**body, "amount_fen": body["amount_fen"] + 1})
        assert reused.status_code == 409 and set(reused.json()["error"]) == {"code", "message_zh", "message_en",
                                                                             "fields"}
        invalid = client.post(URL, json={**transfer(now), "payee_account": "6222021234567890123"})
        assert invalid.status_code == 422 and "payee_account" in invalid.json()["error"]["fields"]
        broken = client.post(URL, content=b"{not json", headers={"Content-Type": "application/json"})
        assert broken.status_code == 422 and broken.json()["error"]["code"] == "invalid"
    assert api.post(URL, json=transfer(now), headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_a_body_too_large_for_the_shortcut_is_left_to_the_route(world: World, frozen_clock: FrozenClock) -> None:
    body = transfer(frozen_clock.now(), payee_name="张" * (hotpath.MAX_BODY // 3 + 10))
    resp = world.client("teller").post(URL, json=body)
    assert resp.status_code == 422 and "payee_name" in resp.json()["error"]["fields"]
