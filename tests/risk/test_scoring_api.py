"""POST /api/v1/risk/transactions: decisions with reasons, idempotency, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.core.events import TRANSACTION_DECIDED, Event, get_bus
from fanzha.risk import writer
from fanzha.risk.models import InterceptionReport, Transaction
from tests.factories import World, make_person, make_world
from tests.risk.builders import card, transfer

URL = "/api/v1/risk/transactions"


@pytest.fixture
def world(database: Database, frozen_clock: FrozenClock) -> World:
    return make_world(database)


def decided_events() -> list[Event]:
    seen: list[Event] = []
    get_bus().subscribe(TRANSACTION_DECIDED, seen.append)
    return seen


def test_an_everyday_transfer_is_allowed_with_its_rule_trail(world: World, frozen_clock: FrozenClock) -> None:
    resp = world.client("teller").post(URL, json=transfer(frozen_clock.now(), amount_fen=20_000))
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["decision"] == "allow" and body["decision_zh"] == "放行"
    assert body["reasons"] == []
    assert len(body["executions"]) >= 15 and not any(e["hit"] for e in body["executions"])
    assert body["payee_account_masked"].count("*") == 8


def test_screen_sharing_elderly_first_large_transfer_is_held_and_announced(world: World,
                                                                           frozen_clock: FrozenClock) -> None:
    with world.database.session() as s:
        person = make_person(s, age=72, tags=["老人"])
        phone, person_id = person.phone_enc, person.id
    events = decided_events()
    body = transfer(frozen_clock.now(), amount_fen=8_000_000, screen_sharing=True, on_call=True,
                    payer_extra={"phone": phone})
    resp = world.client("teller").post(URL, json=body)
    out = resp.json()
    assert out["decision"] == "block" or out["decision"] == "hold", out
    writer.wait_idle()  # events are published after the response, off the request path
    assert any("屏幕共享" in r for r in out["reasons"])
    assert any("老年客户" in r for r in out["reasons"])
    assert out["payer_person_id"] == person_id
    assert [e.payload["decision"] for e in events] == [out["decision"]]
    assert events[0].payload["payer_area_code"] == "G111"
    assert phone not in str(events[0].payload)


def test_same_id_returns_the_stored_decision_and_is_counted_once(world: World, frozen_clock: FrozenClock) -> None:
    client = world.client("teller")
    payer = card()
    first = transfer(frozen_clock.now(), payer=payer, amount_fen=600_000)
    assert client.post(URL, json=first).status_code == 201
    again = client.post(URL, json=first)
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["id"] == client.post(URL, json=first).json()["id"]
    nxt = client.post(URL, json=transfer(frozen_clock.now() + timedelta(minutes=1), payer=payer, amount_fen=600_000))
    with world.database.session() as s:
        features = s.get(Transaction, nxt.json()["id"]).features
    assert features["count_1h"] == 2 and features["amount_1h_fen"] == 1_200_000


def test_same_id_with_different_content_is_a_conflict(world: World, frozen_clock: FrozenClock) -> None:
    client = world.client("teller")
    body = transfer(frozen_clock.now())
    client.post(URL, json=body)
    body["amount_fen"] += 100
    resp = client.post(URL, json=body)
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "duplicate_transaction_id"


BAD_INPUT = [
    ({"amount_fen": -100}, "amount_fen"),
    ({"amount_fen": 0}, "amount_fen"),
    ({"amount_fen": 10**12}, "amount_fen"),
    ({"currency": "USD"}, "currency"),
    ({"payee_account": "6222021234567890123"}, "payee_account"),  # Luhn check digit wrong
    ({"payee_account": "12345"}, "payee_account"),
    ({"payee_account": "6222abcd12345678"}, "payee_account"),
    ({"occurred_at": "2026-03-02T08:00:00"}, "occurred_at"),  # no timezone
    ({"id": "bad id with spaces"}, "id"),
    ({"occurred_at": "2026-03-02T08:30:00+00:00"}, "occurred_at"),  # 30 minutes in the future
    ({"occurred_at": "2026-02-20T08:00:00+00:00"}, "occurred_at"),  # older than the 7-day window
]


def test_malformed_transfers_are_rejected_with_the_field_named_and_nothing_stored(
        world: World, frozen_clock: FrozenClock) -> None:
    client = world.client("teller")
    for change, field in BAD_INPUT:
        body = transfer(frozen_clock.now())
        body.update(change)
        resp = client.post(URL, json=body)
        assert resp.status_code == 422, (change, resp.text)
        assert field in resp.json()["error"]["fields"], change
        assert resp.json()["error"]["message_zh"]
    with world.database.session() as s:
        assert s.query(Transaction).count() == 0
    assert client.post(URL, json=transfer(frozen_clock.now())).json()["executions"]


def test_a_late_transfer_is_placed_in_time_order(world: World, frozen_clock: FrozenClock) -> None:
    client, payer = world.client("teller"), card()
    now = frozen_clock.now()
    client.post(URL, json=transfer(now, payer=payer, amount_fen=100_000))
    late = client.post(URL, json=transfer(now - timedelta(hours=3), payer=payer, amount_fen=200_000)).json()
    with world.database.session() as s:
        features = s.get(Transaction, late["id"]).features
    assert features["count_1h"] == 1 and features["count_24h"] == 1  # the later one is not "before" it
    after = client.post(URL, json=transfer(now + timedelta(minutes=1), payer=payer, amount_fen=100_000)).json()
    with world.database.session() as s:
        assert s.get(Transaction, after["id"]).features["amount_24h_fen"] == 400_000


def test_block_files_a_report(world: World, frozen_clock: FrozenClock) -> None:
    from fanzha.core.pii import PIIKind, blind_index
    from fanzha.risk import realtime

    payee = card("622848")
    with world.database.session() as s:
        realtime.scorer_for(s).listed.add(blind_index(PIIKind.BANK_CARD, payee))
    out = world.client("teller").post(URL, json=transfer(frozen_clock.now(), payee=payee)).json()
    assert out["decision"] == "block"
    assert "收款账户在涉诈账户名单中" in out["reasons"]
    with world.database.session() as s:
        report = s.query(InterceptionReport).one()
        assert report.transaction_id == out["id"] and "涉诈" in report.summary


def test_a_teller_cannot_score_for_another_branch_or_see_its_transfers(world: World,
                                                                        frozen_clock: FrozenClock) -> None:
    resp = world.client("teller").post(URL, json=transfer(frozen_clock.now(), bank_area_code="T1"))
    assert resp.status_code == 404
    made = world.client("analyst").post(URL, json=transfer(frozen_clock.now(), bank_area_code="C"))
    assert made.status_code == 201
    assert world.client("teller").get(f"{URL}/{made.json()['id']}").status_code == 404
