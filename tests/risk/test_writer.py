"""Group commit of the scoring API: requests that arrive together are decided and stored in one
transaction; each still gets its own answer, and the velocity state only ever holds stored transfers."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.core.errors import Conflict, Invalid, NotFound
from fanzha.core.rbac import Principal
from fanzha.risk import auth, realtime, service, writer
from fanzha.risk.models import Transaction
from fanzha.risk.schemas import TransactionIn
from fanzha.users import service as users
from tests.factories import World, make_world
from tests.risk.builders import card, transfer

URL = "/api/v1/risk/transactions"


@pytest.fixture
def world(database: Database, frozen_clock: FrozenClock) -> World:
    return make_world(database)


def teller(world: World) -> Principal:
    with world.database.session() as s:
        user = users.get_by_username(s, username=world.users["teller"].username)
        assert user is not None
        return users.principal_of(user)


def together(actor: Principal, bodies: list[dict[str, Any]]) -> list[Any]:
    """Submit the transfers at once, as concurrent requests would: they share one batch."""

    async def run() -> list[Any]:
        return await asyncio.gather(*(writer.score(actor=actor, data=TransactionIn.model_validate(b))
                                      for b in bodies), return_exceptions=True)

    # In a thread of its own: a browser test earlier on this worker leaves Playwright's loop running here.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def state_size(database: Database) -> int:
    with database.session() as s:
        return len(realtime.scorer_for(s, database).state)


def stored(database: Database) -> int:
    with database.session() as s:
        return s.scalar(select(func.count()).select_from(Transaction)) or 0


def test_concurrent_transfers_share_one_commit_and_see_each_other(world: World, frozen_clock: FrozenClock) -> None:
    payer = card()
    now = frozen_clock.now()
    bodies = [transfer(now - timedelta(minutes=3 - k), payer=payer, amount_fen=600_000) for k in range(3)]
    results = together(teller(world), bodies)
    assert all(not isinstance(r, BaseException) for r in results), results
    assert [replayed for _, replayed in results] == [False, False, False]
    # The third transfer of the payer counts the two before it, although none had committed yet.
    assert results[2][0].executions and stored(world.database) == 3
    with world.database.session() as s:
        last = s.scalars(select(Transaction).where(Transaction.external_id == bodies[2]["id"])).one()
    assert last.features["count_1h"] == 3


def test_bad_or_repeated_requests_in_a_batch_get_their_own_answer(world: World, frozen_clock: FrozenClock) -> None:
    now = frozen_clock.now()
    good = transfer(now)
    repeat = dict(good)
    reused = {**good, "amount_fen": good["amount_fen"] + 100}
    future = transfer(now + timedelta(hours=1))
    nowhere = transfer(now, bank_area_code="NOPE")
    results = together(teller(world), [good, repeat, reused, future, nowhere])
    (tx, replayed), (again, replayed_again) = results[0], results[1]
    assert not replayed and replayed_again and again.id == tx.id
    assert isinstance(results[2], Conflict)
    assert isinstance(results[3], Invalid)
    assert isinstance(results[4], NotFound)
    assert stored(world.database) == 1
    assert state_size(world.database) == 1


def test_a_batch_that_fails_to_commit_leaves_no_trace_in_the_state(world: World, frozen_clock: FrozenClock,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    actor = teller(world)
    together(actor, [transfer(frozen_clock.now() - timedelta(minutes=5))])
    calls = {"n": 0}
    real = service.announce

    def flaky(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:  # the database goes away in the middle of the batch
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        real(*args, **kwargs)

    monkeypatch.setattr(service, "announce", flaky)
    bodies = [transfer(frozen_clock.now(), amount_fen=9_000_000, screen_sharing=True) for _ in range(3)]
    results = together(actor, bodies)
    assert all(not isinstance(r, BaseException) for r in results), results
    # Retried one by one after the rollback: every transfer stored once, and the rebuilt state
    # holds exactly the stored ones (the rolled-back attempt left nothing behind).
    assert stored(world.database) == 4
    assert state_size(world.database) == 4


def test_events_are_published_after_the_answer(world: World, frozen_clock: FrozenClock) -> None:
    from fanzha.core.events import TRANSACTION_DECIDED, Event, get_bus

    seen: list[Event] = []
    get_bus().subscribe(TRANSACTION_DECIDED, seen.append)
    resp = world.client("teller").post(URL, json=transfer(frozen_clock.now(), amount_fen=9_000_000,
                                                          screen_sharing=True, on_call=True))
    assert resp.status_code == 201
    assert writer.wait_idle()
    assert [e.payload["transaction_id"] for e in seen] == [resp.json()["id"]]


def test_a_revoked_api_token_stops_working_within_the_cache_time(world: World, frozen_clock: FrozenClock,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    client = world.client("teller")
    assert client.post(URL, json=transfer(frozen_clock.now())).status_code == 201
    with world.database.session() as s:
        users.revoke_token(s, secret=world.tokens["teller"])
    monkeypatch.setattr(auth, "TTL_SECONDS", 0.0)  # the cache time has passed
    resp = client.post(URL, json=transfer(frozen_clock.now()))
    assert resp.status_code == 401 and resp.json()["error"]["message_zh"]


def test_a_role_without_scoring_permission_is_refused(world: World, frozen_clock: FrozenClock) -> None:
    assert world.client().post(URL, json=transfer(frozen_clock.now())).status_code == 401
    resp = world.client("grid").post(URL, json=transfer(frozen_clock.now()))
    assert resp.status_code == 403
