"""The detection routes inside the platform: staff detection, hits that become warnings,
and the public self-check (rate-limited, consults the database's 涉诈 lists)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fanzha.core import events
from fanzha.core.db import Database
from fanzha.core.events import Event
from fanzha.core.settings import get_settings
from fanzha.detect import hits
from tests.factories import World, make_person, make_world


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    hits.invalidate()
    yield make_world(database)
    hits.invalidate()


def test_staff_detect_one_text_and_a_batch(world: World) -> None:
    client = world.client("analyst")
    one = client.post("/api/v1/detect", json={"text": "我是公安局的，你涉嫌洗钱，把钱转到安全账户"})
    assert one.status_code == 200 and one.json()["verdicts"][0]["type_code"] == "F05"
    batch = client.post("/api/v1/detect", json={"texts": ["你好", "刷单日结"], "ids": ["a", "b"]})
    assert [v["id"] for v in batch.json()["verdicts"]] == ["a", "b"]


def test_malformed_detect_requests_get_a_bilingual_422(world: World) -> None:
    client = world.client("analyst")
    for body in ({}, {"texts": ["x"] * 1001}, {"text": "a", "texts": ["b"]}):
        resp = client.post("/api/v1/detect", json=body)
        assert resp.status_code == 422 and resp.json()["error"]["message_zh"]
    assert world.client().post("/api/v1/detect", json={"text": "x"}).status_code == 401


def test_a_fraud_message_a_resident_received_emits_a_hit_for_that_person(world: World) -> None:
    got: list[Event] = []
    events.get_bus().subscribe(events.DETECT_HIT_CREATED, got.append)
    with world.database.session() as s:
        person = make_person(s, area_code="G111", phone="13900001234")
    resp = world.client("officer").post("/api/v1/detect/hits", json={
        "text": "您好，我是京东客服，您的百万保障即将扣费，请下载会议软件共享屏幕，联系17012345678",
        "phone": "13900001234"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["verdict"]["is_fraud"] and body["hit_id"] and body["person_id"] == person.id
    assert len(got) == 1
    payload = got[0].payload
    assert payload["person_id"] == person.id and payload["type_code"] == body["verdict"]["type_code"]
    assert payload["counterpart_kind"] == "phone" and payload["counterpart_masked"] == "170****5678"
    assert "13900001234" not in repr(payload) and "17012345678" not in repr(payload)


def test_a_harmless_message_emits_nothing(world: World) -> None:
    got: list[Event] = []
    events.get_bus().subscribe(events.DETECT_HIT_CREATED, got.append)
    with world.database.session() as s:
        person = make_person(s, area_code="G111")
    resp = world.client("officer").post("/api/v1/detect/hits",
                                        json={"text": "妈，我周末回家吃饭", "person_id": person.id})
    assert resp.status_code == 200 and resp.json()["hit_id"] is None and got == []


def test_another_stations_resident_is_not_found(world: World) -> None:
    with world.database.session() as s:
        other = make_person(s, area_code="G211")
    resp = world.client("officer").post("/api/v1/detect/hits", json={"text": "刷单返利", "person_id": other.id})
    assert resp.status_code == 404


def test_citizen_self_check_needs_no_login_and_is_rate_limited(world: World) -> None:
    client = world.client()
    for value, kind in [
        ("您的医保卡已冻结，请点击 yibao-jd.top 解冻", "text"),
        ("13812345678", "phone"),
        ("http://www.icbc-vip.top/login", "url"),
        ("6222021234567890123", "account"),
    ]:
        r = client.post("/api/v1/detect/self-check", json={"value": value})
        assert r.status_code == 200
        body = r.json()
        assert body["kind"] == kind and body["risk"] in ("高", "中", "低") and body["advice"]
    # The limit is per fixed minute: a run that straddles a minute boundary splits its requests over two
    # windows, so up to twice the limit (+1) may be needed before one window overflows.
    limit = get_settings().public_rate_limit_per_minute
    statuses: list[int] = []
    while 429 not in statuses and len(statuses) <= 2 * limit + 1:
        statuses.append(client.post("/api/v1/detect/self-check", json={"value": "你好"}).status_code)
    assert 429 in statuses
    limited = client.post("/api/v1/detect/self-check", json={"value": "你好"}).json()
    assert limited["error"]["code"] == "rate_limited"


def test_self_check_finds_a_number_on_the_databases_risk_list(world: World) -> None:
    admin = world.client("analyst")
    added = admin.post("/api/v1/risklists/entries", json={"kind": "phone", "value": "17098765432",
                                                           "source": "96110 反馈"})
    assert added.status_code in (200, 201), added.text
    hits.invalidate()
    body = world.client().post("/api/v1/detect/self-check", json={"value": "17098765432"}).json()
    assert body["risk"] == "高" and any("涉诈名单" in r for r in body["reasons"])
