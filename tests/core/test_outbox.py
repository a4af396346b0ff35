"""The transactional outbox: an event committed with its data is published even if the
process dies between the commit and the publish; never for data that was rolled back."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from fanzha.core import clock, events
from fanzha.core.db import Database
from fanzha.core.events import Event, EventOutbox, InProcessBus

T = TypeVar("T")


@pytest.fixture(autouse=True)
def no_pending_deletes(database: Database) -> None:
    """Deletes acknowledged by an earlier test on the same (PostgreSQL) engine do not count here."""
    events._acks.take(database.engine)


def outbox_ids(database: Database) -> list[str]:
    """The ids of the events in the outbox, in commit order."""
    with database.session() as s:
        bodies = s.scalars(select(EventOutbox.events).order_by(EventOutbox.available_at))
        return [event_id for body in bodies for event_id, *_ in json.loads(body)]


@pytest.fixture
def crash_before_publish(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies right after the commit: nothing is published, no row is deleted."""
    monkeypatch.setattr(events, "_publish_committed", lambda engine, evs, in_outbox: None)


def published(name: str, pick: Callable[[Event], T]) -> list[T]:
    """Install a fresh in-process bus; the list fills with `pick(event)` for each `name` event it publishes."""
    bus = InProcessBus()
    events.set_bus(bus)
    got: list[T] = []
    bus.subscribe(name, lambda ev: got.append(pick(ev)))
    return got


def idempotent_consumer(database: Database, name: str, applied: list[str]) -> events.Handler:
    """A consumer written like the real ones: applies an event once per consumer group."""

    def handle(ev: Event) -> None:
        with database.session() as s:
            if events.first_delivery(s, consumer=name, event_id=ev.id):
                applied.append(ev.id)

    return handle


def test_a_committed_event_is_written_to_the_outbox_and_removed_once_published(database: Database) -> None:
    bus = InProcessBus()
    events.set_bus(bus)
    in_outbox_at_publish: list[list[str]] = []
    bus.subscribe("warning.created", lambda ev: in_outbox_at_publish.append(outbox_ids(database)))
    with database.session() as s:
        ev = events.emit(s, "warning.created", {"warning_id": 1})
    assert in_outbox_at_publish == [[ev.id]]  # committed with the data, before the publish
    assert events.flush_acks(database) == 1  # published: its row goes
    assert outbox_ids(database) == []


def test_each_transaction_deletes_the_rows_of_events_published_before_it(database: Database) -> None:
    """No extra transaction per commit: the next one that writes outbox rows deletes the
    rows of the events already published; the rest go at the next relay pass."""
    emitted = []
    for i in range(5):
        with database.session() as s:
            emitted.append(events.emit(s, "warning.created", {"warning_id": i}).id)
    assert outbox_ids(database) == emitted[-1:]
    assert events.relay(database) == 0
    assert outbox_ids(database) == []


def test_a_rolled_back_transaction_leaves_no_outbox_row(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session() as s:
        events.emit(s, "warning.created", {"warning_id": 2})
        s.flush()
        raise RuntimeError("boom")
    assert outbox_ids(database) == []
    assert events.relay(database) == 0


def test_an_event_never_published_is_delivered_by_the_relay_once_per_consumer(
        database: Database, frozen_clock: clock.FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    bus = InProcessBus()
    events.set_bus(bus)
    warning: list[str] = []
    stats: list[str] = []
    bus.subscribe("warning.created", idempotent_consumer(database, "warning", warning))
    bus.subscribe("warning.created", idempotent_consumer(database, "stats", stats))
    with monkeypatch.context() as m:
        m.setattr(events, "_publish_committed", lambda engine, evs, in_outbox: None)  # died after commit
        with database.session() as s:
            ev = events.emit(s, "warning.created", {"warning_id": 3})
    assert warning == [] and outbox_ids(database) == [ev.id]

    assert events.relay(database) == 0  # within GRACE its own process may still publish it
    frozen_clock.advance(events.GRACE)
    assert events.relay(database) == 1
    assert warning == [ev.id] and stats == [ev.id]
    assert outbox_ids(database) == []
    assert events.relay(database) == 0

    bus.publish(ev)  # at-least-once: a second delivery is applied by no consumer
    assert warning == [ev.id] and stats == [ev.id]


def test_the_relayed_event_is_the_committed_one(
        database: Database, frozen_clock: clock.FrozenClock, crash_before_publish: None) -> None:
    got: list[Event] = published("transaction.decided", lambda ev: ev)
    with database.session() as s:
        ev = events.emit(s, "transaction.decided", {"transaction_id": 7, "reasons": ["收款账户在涉诈名单"],
                                                    "amount_fen": 500_000})
    frozen_clock.advance(events.GRACE)
    events.relay(database)
    assert got == [ev]


def test_a_publish_that_fails_leaves_the_event_for_the_relay(
        database: Database, frozen_clock: clock.FrozenClock) -> None:
    class Down:
        def publish(self, event: Event) -> None:
            raise ConnectionError("bus down")

        def subscribe(self, name: str, handler: events.Handler) -> None: ...

    events.set_bus(Down())
    with database.session() as s:  # the commit itself succeeds
        ev = events.emit(s, "case.linked", {"case_id": 1})
    assert outbox_ids(database) == [ev.id]
    bus = InProcessBus()
    got: list[str] = []
    bus.subscribe("case.linked", lambda e: got.append(e.id))
    frozen_clock.advance(events.GRACE)
    assert events.relay(database, Down()) == 0  # still down: kept, retried after the lease
    assert events.relay(database, bus) == 0
    frozen_clock.advance(events.LEASE)
    assert events.relay(database, bus) == 1 and got == [ev.id]


def test_recorded_events_are_published_by_deliver_or_else_by_the_relay(
        database: Database, frozen_clock: clock.FrozenClock) -> None:
    """`record` + `deliver`: the caller publishes after the commit (e.g. off the request path)."""
    got: list[str] = published("transaction.decided", lambda ev: ev.id)
    with database.session() as s:
        a = events.record(s, "transaction.decided", {"transaction_id": 1})
        b = events.record(s, "transaction.decided", {"transaction_id": 2})
    assert got == [] and outbox_ids(database) == [a.id, b.id]
    assert events.deliver(database, [a, b]) == 2
    events.flush_acks(database)
    assert got == [a.id, b.id] and outbox_ids(database) == []

    with database.session() as s:  # recorded, but its process dies before delivering
        c = events.record(s, "transaction.decided", {"transaction_id": 3})
    frozen_clock.advance(events.GRACE)
    assert events.relay(database) == 1 and got == [a.id, b.id, c.id]


def test_delivering_only_some_recorded_events_keeps_the_row(
        database: Database, frozen_clock: clock.FrozenClock) -> None:
    got: list[str] = published("transaction.decided", lambda ev: ev.id)
    with database.session() as s:
        a = events.record(s, "transaction.decided", {"transaction_id": 1})
        b = events.record(s, "transaction.decided", {"transaction_id": 2})
    events.deliver(database, [a])
    events.flush_acks(database)
    assert outbox_ids(database) == [a.id, b.id]  # b is not lost
    frozen_clock.advance(events.GRACE)
    events.relay(database)
    assert got == [a.id, a.id, b.id]  # at-least-once: a again, b once


def test_a_savepoint_publishes_nothing_early_and_its_rollback_drops_only_its_own_events(
        database: Database) -> None:
    got: list[int] = published("case.linked", lambda ev: ev.payload["n"])
    with database.session() as s:
        events.emit(s, "case.linked", {"n": 1})
        with s.begin_nested():
            events.emit(s, "case.linked", {"n": 2})
        assert got == []  # released, not committed
        with pytest.raises(RuntimeError), s.begin_nested():
            events.emit(s, "case.linked", {"n": 3})
            raise RuntimeError("savepoint fails")
        events.emit(s, "case.linked", {"n": 4})
    assert got == [1, 2, 4]
    assert events.flush_acks(database) == 1 and outbox_ids(database) == []  # one row per transaction


def test_concurrent_relays_publish_each_event_once(
        database: Database, frozen_clock: clock.FrozenClock, crash_before_publish: None) -> None:
    emitted = []
    for i in range(120):
        with database.session() as s:
            emitted.append(events.emit(s, "warning.created", {"n": i}).id)
    frozen_clock.advance(events.GRACE)
    published: list[str] = []
    lock = threading.Lock()

    class Recording:
        def publish(self, event: Event) -> None:
            with lock:
                published.append(event.id)

        def subscribe(self, name: str, handler: events.Handler) -> None: ...

    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def one_relay() -> None:
        try:
            start.wait()
            events.relay(database, Recording(), batch=7)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one_relay) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Counter(published) == Counter(emitted)  # every event, none twice
    assert outbox_ids(database) == []


# --- Redis Streams ---------------------------------------------------------------------------


def test_redis_consumers_get_a_relayed_event_once_per_group(
        database: Database, frozen_clock: clock.FrozenClock, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from fanzha.core.redis_bus import RedisStreamsBus

    prefix = f"test:{uuid.uuid4().hex}:"
    producer = RedisStreamsBus(redis_url, prefix=prefix)
    events.set_bus(producer)
    applied: dict[str, list[str]] = {"warning": [], "cases": []}
    groups = {g: RedisStreamsBus(redis_url, prefix=prefix, group=g, consumer="c1") for g in applied}
    for g, bus in groups.items():
        bus.subscribe("transaction.decided", idempotent_consumer(database, g, applied[g]))
    try:
        with database.session() as s:  # normal path: XADD after commit, row deleted
            normal = events.emit(s, "transaction.decided", {"transaction_id": 1})
        assert events.flush_acks(database) == 1 and outbox_ids(database) == []
        with monkeypatch.context() as m:
            m.setattr(events, "_publish_committed", lambda engine, evs, in_outbox: None)
            with database.session() as s:
                lost = events.emit(s, "transaction.decided", {"transaction_id": 2})
        frozen_clock.advance(events.GRACE)
        assert events.relay(database, producer) == 1
        assert events.relay(database, producer) == 0
        producer.publish(lost)  # a duplicate (e.g. a relay that outlived its lease)
        for bus in groups.values():
            bus.poll(block_ms=10)
        assert producer.redis.xlen(producer.stream("transaction.decided")) == 3
        for g in applied:
            assert applied[g] == [normal.id, lost.id]
    finally:
        producer.redis.delete(producer.stream("transaction.decided"))


def test_published_rows_are_deleted_at_least_every_second_without_new_transactions(database: Database) -> None:
    with database.session() as s:
        first = events.record(s, "transaction.decided", {"transaction_id": 1})
    with database.session() as s:
        second = events.record(s, "transaction.decided", {"transaction_id": 2})
    events.deliver(database, [first])
    assert len(outbox_ids(database)) == 2  # acknowledged, not yet deleted
    events._acks.since[database.engine] -= events._acks.max_age_s  # a second later
    events.deliver(database, [second])
    assert outbox_ids(database) == []


def test_the_real_consumers_apply_a_relayed_and_redelivered_transfer_once(
        database: Database, crash_before_publish: None) -> None:
    """warning ingest (idempotent by its (source, external_id) ledger) and case sightings
    (idempotent by `first_delivery`) both see the relayed event, and a second delivery is a no-op."""
    from fanzha.cases import sightings
    from fanzha.cases.models import EntitySighting
    from fanzha.warning import worker
    from fanzha.warning.models import WarningInstruction
    from tests.factories import make_person, make_world

    make_world(database)
    with database.session() as s:
        pid = make_person(s, area_code="G211", tags=[], age=30).id
    bus = events.get_bus()
    worker.subscribe_in_process(bus)
    for name in (events.TRANSACTION_DECIDED, events.DETECT_HIT_CREATED):
        bus.subscribe(name, sightings.handle)
    with database.session() as s:
        ev = events.emit(s, events.TRANSACTION_DECIDED, {
            "transaction_id": 77, "decision": "block", "score": 92, "reasons": ["安全账户"], "amount_fen": 12_000_000,
            "payer_person_id": pid, "payee_account_masked": "6222 **** **** 0002", "payee_account_hash": "def",
            "bank_area_code": "B1", "occurred_at": clock.now().isoformat()})
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(WarningInstruction)) == 0  # never published

    clock.set_clock(clock.FrozenClock(clock.now() + events.GRACE))
    assert events.relay(database) == 1
    bus.publish(ev)  # and once more, as a relay that outlived its lease would
    with database.session() as s:
        assert [w.external_id for w in s.scalars(select(WarningInstruction))] == ["tx:77"]
        assert s.scalar(select(func.count()).select_from(EntitySighting)) == 1


def test_the_relay_publishes_in_the_order_the_events_occurred(
        database: Database, frozen_clock: clock.FrozenClock, crash_before_publish: None) -> None:
    got: list[int] = published("case.linked", lambda ev: ev.payload["n"])
    for i in range(6):
        with database.session() as s:
            events.emit(s, "case.linked", {"n": i})
            events.emit(s, "case.linked", {"n": i + 100})
        frozen_clock.advance(timedelta(seconds=1))
    frozen_clock.advance(events.GRACE)
    assert events.relay(database) == 12
    assert got == [n for i in range(6) for n in (i, i + 100)]
