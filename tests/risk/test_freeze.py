"""止付/冻结 requests: the 48-hour clock, results, and the loss-averted figures stats reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.core.events import FREEZE_REQUESTED, Event, get_bus
from fanzha.core.scope import Scope
from fanzha.risk import freeze
from fanzha.risk.models import FreezeRequest
from tests.factories import World, make_world
from tests.risk.builders import card, transfer

URL = "/api/v1/risk/freezes"


@pytest.fixture
def world(database: Database, frozen_clock: FrozenClock) -> World:
    return make_world(database)


def test_a_stop_from_a_transfer_runs_on_the_48_hour_clock_until_it_lapses(world: World,
                                                                          frozen_clock: FrozenClock) -> None:
    teller = world.client("teller")
    events: list[Event] = []
    get_bus().subscribe(FREEZE_REQUESTED, events.append)
    tx = teller.post("/api/v1/risk/transactions", json=transfer(frozen_clock.now(), amount_fen=3_000_000)).json()
    made = teller.post(URL, json={"kind": "止付", "source_type": "transaction", "source_id": str(tx["id"]),
                                  "reason": "客户已被骗转出，紧急止付"})
    assert made.status_code == 201, made.text
    row = made.json()
    assert row["amount_requested_fen"] == 3_000_000 and row["account_masked"] == tx["payee_account_masked"]
    assert row["deadline_at"].startswith("2026-03-04T08:00")
    assert events[0].payload["deadline_at"].startswith("2026-03-04T08:00") and "account_hash" in events[0].payload
    dup = teller.post(URL, json={"kind": "止付", "source_type": "transaction", "source_id": str(tx["id"]),
                                 "reason": "重复提交"})
    assert dup.status_code == 409

    def tick(hours: float) -> freeze.ClockRun:
        with world.database.session() as s:
            return freeze.check_deadlines(s, now=frozen_clock.now() + timedelta(hours=hours))

    assert tick(35) == freeze.ClockRun()
    assert tick(36.5) == freeze.ClockRun(reminded=1)
    assert tick(46.5) == freeze.ClockRun(escalated=1)
    done = teller.post(f"{URL}/{row['id']}/result", json={"status": "executed", "amount_done_fen": 2_500_000})
    assert done.json()["status"] == "executed"
    assert tick(48.1) == freeze.ClockRun(expired=1)  # a 止付 not turned into 冻结 lapses
    assert teller.get(f"{URL}/{row['id']}").json()["status"] == "expired"


def test_freeze_from_a_case_needs_the_account_and_feeds_loss_averted(world: World,
                                                                     frozen_clock: FrozenClock) -> None:
    officer = world.client("officer")
    missing = officer.post(URL, json={"kind": "冻结", "source_type": "case", "source_id": "A2026-17",
                                      "reason": "案件涉案账户"})
    assert missing.status_code == 422 and "account" in missing.json()["error"]["fields"]
    bad = officer.post(URL, json={"kind": "冻结", "source_type": "case", "source_id": "A2026-17",
                                  "account": "6222021234567890123", "amount_fen": 100, "reason": "案件涉案账户"})
    assert bad.status_code == 422 and "account" in bad.json()["error"]["fields"]
    ok = officer.post(URL, json={"kind": "冻结", "source_type": "case", "source_id": "A2026-17",
                                 "account": card("623668"), "amount_fen": 8_000_000, "reason": "案件涉案账户"}).json()
    assert ok["area_code"] == "T1"
    too_much = officer.post(f"{URL}/{ok['id']}/result", json={"status": "executed", "amount_done_fen": 9_000_000})
    assert too_much.status_code == 422
    officer.post(f"{URL}/{ok['id']}/result", json={"status": "partial", "amount_done_fen": 5_000_000})
    assert world.client("officer_other").get(f"{URL}/{ok['id']}").status_code == 404
    with world.database.session() as s:
        totals = freeze.loss_averted(s, scope=Scope.everything(), start=frozen_clock.now() - timedelta(days=1),
                                     end=frozen_clock.now() + timedelta(days=1))
        assert s.query(FreezeRequest).count() == 1
    assert (totals.frozen_fen, totals.stopped_fen, totals.freeze_count) == (5_000_000, 0, 1)
    api = world.client("analyst").get("/api/v1/risk/loss-averted",
                                      params={"start": (frozen_clock.now() - timedelta(days=1)).isoformat(),
                                              "end": (frozen_clock.now() + timedelta(days=1)).isoformat()})
    assert api.json()["total_fen"] == 5_000_000
