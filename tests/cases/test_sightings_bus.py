"""With FANZHA_BUS=redis every process publishes to the Redis streams, and case sightings read them as
their own consumer group, independent of the warning workers' group."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from fanzha.core import clock, events, settings
from fanzha.core.db import Database
from fanzha.core.events import TRANSACTION_DECIDED, Event


def test_the_process_bus_is_redis_streams_when_configured(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from fanzha.core.redis_bus import RedisStreamsBus

    redis_mode = settings.get_settings().model_copy(update={"bus": "redis", "redis_url": redis_url})
    monkeypatch.setattr(settings, "get_settings", lambda: redis_mode)
    events.set_bus(None)
    try:
        assert isinstance(events.get_bus(), RedisStreamsBus)
    finally:
        events.set_bus(None)


def test_the_cases_group_records_a_sighting_once_even_if_the_decision_is_delivered_twice(
        database: Database, redis_url: str) -> None:
    from fanzha.cases import sightings
    from fanzha.cases.models import EntitySighting
    from fanzha.core.redis_bus import RedisStreamsBus

    prefix = f"test:{uuid.uuid4().hex}:"
    producer = RedisStreamsBus(redis_url, prefix=prefix)
    cases = sightings.redis_consumer(redis_url, prefix=prefix, consumer="c1")
    warning_group = RedisStreamsBus(redis_url, prefix=prefix, group="fanzha-warning", consumer="w1")
    warning_seen: list[str] = []
    warning_group.subscribe(TRANSACTION_DECIDED, lambda ev: warning_seen.append(ev.id))
    decision = Event(TRANSACTION_DECIDED, {
        "transaction_id": 9, "decision": "hold", "amount_fen": 5_000_000, "payee_account_hash": "acct-hash-9",
        "payee_account_masked": "6222 **** **** 0009", "occurred_at": clock.now().isoformat()})
    try:
        producer.publish(decision)
        producer.publish(decision)  # at-least-once: a relay may publish it again
        assert cases.poll(block_ms=50) == 2
        assert warning_group.poll(block_ms=50) == 2  # the other group still gets every message
        with database.session() as s:
            rows = s.scalars(select(EntitySighting)).all()
            assert [(r.source_type, r.source_ref) for r in rows] == [("transaction", "9")]
        assert cases.backlog()[TRANSACTION_DECIDED] == {"lag": 0, "pending": 0}
        assert warning_seen == [decision.id, decision.id]
        with database.session() as s:
            assert s.scalar(select(func.count()).select_from(EntitySighting)) == 1
    finally:
        producer.redis.delete(*(producer.stream(n) for n in sightings.CONSUMED))
