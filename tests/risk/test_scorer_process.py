"""The scoring process (`fanzha serve` default): transfers are decided and stored in a child process
that owns the velocity state; the web process only forwards. Answers are the same as in-process."""

from __future__ import annotations

import base64
import os
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from fanzha.core import clock
from fanzha.core.db import Database
from fanzha.core.events import TRANSACTION_DECIDED, Event, get_bus
from fanzha.risk import realtime, scorer_process, writer
from fanzha.risk.models import Transaction
from fanzha.risk.rulesets import default_source
from tests.conftest import PG_BASE_URL
from tests.factories import World, make_world
from tests.risk.builders import card, transfer

URL = "/api/v1/risk/transactions"
RULES = "/api/v1/risk/rulesets"


@pytest.fixture
def world(database: Database) -> World:
    return make_world(database)


def child_url(database: Database) -> str:
    """The URL the child connects with (the test PostgreSQL engine sets its schema per connection)."""
    if database.engine.dialect.name != "postgresql":
        return database.url
    with database.engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{PG_BASE_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture
def scorer(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[scorer_process.ScorerProcess]:
    key = tmp_path / "master.key"  # the tests' keyring, so both processes hash and encrypt alike
    key.write_bytes(base64.b64encode(b"k" * 32))
    monkeypatch.setenv("FANZHA_KEY_FILE", str(key))
    process = scorer_process.start(child_url(world.database))
    yield process
    scorer_process.stop()


def stored(database: Database) -> int:
    with database.session() as s:
        return s.scalar(select(func.count()).select_from(Transaction)) or 0


def test_transfers_are_answered_and_stored_by_the_scoring_process(world: World, scorer: object) -> None:
    now = clock.now()
    body = transfer(now, amount_fen=20_000)
    with world.client("teller") as teller:
        first = teller.post(URL, json=body)
        assert first.status_code == 201, first.text
        out = first.json()
        assert out["decision"] == "allow" and out["transaction_id"] == body["id"] and not out["replayed"]
        assert len(out["executions"]) >= 15 and out["payee_account_masked"].count("*") == 8
        again = teller.post(URL, json=body)
        assert (again.status_code, again.json()["replayed"], again.json()["id"]) == (200, True, out["id"])
        reused = teller.post(URL, json={**body, "amount_fen": 30_000})
        assert reused.status_code == 409 and reused.json()["error"]["message_zh"]
        invalid = teller.post(URL, json={**transfer(now), "amount_fen": -5})
        assert invalid.status_code == 422 and "amount_fen" in invalid.json()["error"]["fields"]
        nowhere = teller.post(URL, json=transfer(now, bank_area_code="NOPE"))
        assert nowhere.status_code == 404 and nowhere.json()["error"]["message_zh"]
        assert teller.post(URL, json=transfer(now), headers={"Authorization": "Bearer nope"}).status_code == 401
    assert stored(world.database) == 1


def test_the_velocity_state_lives_in_the_scoring_process_only(world: World, scorer: object) -> None:
    payer = card()
    now = clock.now()
    with world.client("teller") as teller:
        for k in range(3):
            resp = teller.post(URL, json=transfer(now - timedelta(minutes=3 - k), payer=payer,
                                                  amount_fen=600_000))
            assert resp.status_code == 201, resp.text
    with world.database.session() as s:
        counts = sorted(s.scalars(select(Transaction.features)).all(), key=lambda f: f["count_1h"])
        assert [f["count_1h"] for f in counts] == [1, 2, 3]
    assert world.database not in realtime._scorers  # the web process rebuilt no state of its own


def test_decided_events_reach_the_web_process_consumers(world: World, scorer: object) -> None:
    seen: list[Event] = []
    get_bus().subscribe(TRANSACTION_DECIDED, seen.append)
    with world.client("teller") as teller:
        out = teller.post(URL, json=transfer(clock.now(), amount_fen=8_000_000, screen_sharing=True,
                                             on_call=True)).json()
    assert writer.wait_idle()
    assert [e.payload["decision"] for e in seen] == [out["decision"]]
    assert out["decision"] in ("hold", "block")


def test_a_published_rule_set_reaches_the_scoring_process(world: World, scorer: object) -> None:
    now = clock.now()
    source = default_source() + """  - code: R99
    name: 首次大额即暂缓
    when: first_to_payee and amount_fen >= 1000000
    score: 30
    reason: 首次往来单笔超过 1 万元
"""
    with world.client("teller") as teller, world.client("admin") as admin:
        assert teller.post(URL, json=transfer(now, amount_fen=30_000)).json()["ruleset"] != "v1"
        draft = admin.post(RULES, json={"title": "首次大额暂缓", "source": source}).json()
        assert admin.post(f"{RULES}/{draft['id']}/backtest").status_code == 200
        assert admin.post(f"{RULES}/{draft['id']}/publish").json()["status"] == "published"
        out = teller.post(URL, json=transfer(now, amount_fen=1_500_000)).json()
    # hold, or block at night (the child runs on the real clock): decided with the new rule either way
    assert out["ruleset"] == "v1" and out["decision"] in ("hold", "block")
    assert "首次往来单笔超过 1 万元" in out["reasons"]


def test_a_lost_scoring_process_answers_503_then_a_new_one_rebuilds_the_state(
        world: World, scorer: scorer_process.ScorerProcess) -> None:
    payer = card()
    now = clock.now()
    with world.client("teller") as teller:
        assert teller.post(URL, json=transfer(now - timedelta(minutes=2), payer=payer)).status_code == 201
        assert scorer.child is not None
        os.kill(scorer.child.pid, signal.SIGKILL)
        scorer.child.wait(timeout=10)
        lost = teller.post(URL, json=transfer(now - timedelta(minutes=1), payer=payer))
        if lost.status_code != 201:  # the request raced the kill: it was refused, not half-stored
            assert lost.status_code == 503 and "重试" in lost.json()["error"]["message_zh"]
        after = teller.post(URL, json=transfer(now, payer=payer))
        assert after.status_code == 201, after.text
    with world.database.session() as s:
        last = s.scalars(select(Transaction).order_by(Transaction.id.desc())).first()
        assert last is not None
        assert last.features["count_1h"] == stored(world.database)  # the new process saw every stored one


def test_the_counter_form_is_decided_by_the_scoring_process_too(world: World, scorer: object) -> None:
    at = clock.now().astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    form = {"external_id": "CTR-P1", "occurred_at": at, "amount_yuan": "3000", "channel": "counter",
            "payer_account": card(), "payee_account": card("622848"), "screen_sharing": "on"}
    with world.client("teller") as teller:
        ok = teller.post("/risk/counter", data=form, follow_redirects=False)
        assert ok.status_code == 303, ok.text
        assert "屏幕共享" in teller.get(ok.headers["location"]).text
        reused = teller.post("/risk/counter", data={**form, "amount_yuan": "4000"})
        assert reused.status_code == 422 and "CTR-P1" in reused.text  # the 409 explained on the form
    assert world.database not in realtime._scorers


def test_a_scoring_process_that_cannot_start_answers_503_without_a_restart_storm(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANZHA_KEY_FILE", str(tmp_path / "master.key"))
    process = scorer_process.start(f"sqlite:///{tmp_path}/missing/dir/fanzha.db")  # cannot be opened
    try:
        with world.client("teller") as teller:
            answers = [teller.post(URL, json=transfer(clock.now())) for _ in range(3)]
            assert [a.status_code for a in answers] == [503, 503, 503]
            assert "重试" in answers[0].json()["error"]["message_zh"]
            assert process.quick_deaths >= 2 and process.child is None  # backing off: no new process per request
    finally:
        scorer_process.stop()
    assert stored(world.database) == 0
