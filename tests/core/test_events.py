"""The event bus: published after commit; Redis Streams consumer groups with redelivery."""

from __future__ import annotations

import uuid

import pytest

from fanzha.core import events
from fanzha.core.db import Database
from fanzha.core.events import Event, InProcessBus


def test_an_event_is_published_only_after_its_transaction_commits(database: Database) -> None:
    bus = InProcessBus()
    events.set_bus(bus)
    seen: list[Event] = []
    bus.subscribe("warning.created", seen.append)
    with database.session() as s:
        events.emit(s, "warning.created", {"warning_id": 1})
        assert seen == []
    assert [e.payload for e in seen] == [{"warning_id": 1}]


def test_a_rolled_back_transaction_publishes_nothing(database: Database) -> None:
    bus = InProcessBus()
    events.set_bus(bus)
    seen: list[Event] = []
    bus.subscribe("warning.created", seen.append)
    with pytest.raises(RuntimeError), database.session() as s:
        events.emit(s, "warning.created", {"warning_id": 2})
        raise RuntimeError("boom")
    assert seen == []


def test_a_failing_subscriber_does_not_starve_the_others() -> None:
    bus = InProcessBus()
    got: list[str] = []

    def broken(_: Event) -> None:
        raise ValueError("bad handler")

    bus.subscribe("case.linked", broken)
    bus.subscribe("case.linked", lambda e: got.append(e.id))
    ev = Event("case.linked", {"case_id": 1})
    bus.publish(ev)
    assert got == [ev.id] and bus.failed[0][0] is ev


def test_first_delivery_is_true_once_per_consumer(database: Database) -> None:
    with database.session() as s:
        assert events.first_delivery(s, consumer="warning", event_id="e1")
        assert not events.first_delivery(s, consumer="warning", event_id="e1")
        assert events.first_delivery(s, consumer="stats", event_id="e1")


def make_bus(url: str, prefix: str, consumer: str, claim_idle_ms: int = 50):  # type: ignore[no-untyped-def]
    from fanzha.core.redis_bus import RedisStreamsBus

    return RedisStreamsBus(url, prefix=prefix, consumer=consumer, claim_idle_ms=claim_idle_ms)


def test_redis_bus_delivers_each_event_to_one_consumer_of_the_group(redis_url: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    got: dict[str, list[int]] = {"a": [], "b": []}
    a, b = make_bus(redis_url, prefix, "a"), make_bus(redis_url, prefix, "b")
    a.subscribe("warning.created", lambda e: got["a"].append(e.payload["n"]))
    b.subscribe("warning.created", lambda e: got["b"].append(e.payload["n"]))
    a.publish_many([Event("warning.created", {"n": i}) for i in range(20)])
    for _ in range(5):
        a.poll(count=3, block_ms=10)
        b.poll(count=3, block_ms=10)
    assert sorted(got["a"] + got["b"]) == list(range(20))
    assert a.backlog() == {"warning.created": {"lag": 0, "pending": 0}}
    a.redis.delete(a.stream("warning.created"))


def test_redis_bus_redelivers_what_a_dead_consumer_never_acknowledged(redis_url: str) -> None:
    import time

    prefix = f"test:{uuid.uuid4().hex}:"
    dead = make_bus(redis_url, prefix, "dead")

    def crash(_: Event) -> None:
        raise RuntimeError("worker died mid-handler")

    dead.subscribe("transaction.decided", crash)
    dead.publish(Event("transaction.decided", {"transaction_id": "t1"}))
    assert dead.poll(block_ms=10) == 0
    assert dead.backlog()["transaction.decided"]["pending"] == 1

    survivor = make_bus(redis_url, prefix, "survivor")
    handled: list[str] = []
    survivor.subscribe("transaction.decided", lambda e: handled.append(e.payload["transaction_id"]))
    time.sleep(0.1)
    assert survivor.claim_stale() == 1
    assert handled == ["t1"]
    assert survivor.backlog()["transaction.decided"]["pending"] == 0
    survivor.redis.delete(survivor.stream("transaction.decided"))
