"""Bus consumers: turn `detect.hit.created`, `transaction.decided` (hold/block) and queued
`warning.signal.received` messages into instructions.

Embedded default: handlers on the in-process bus. Scale-out: `fanzha worker` processes read
the Redis Streams in one consumer group a batch at a time, ingest the batch in one
transaction and acknowledge after it commits. A worker killed mid-batch leaves its messages
pending; another claims them (XAUTOCLAIM) and the (source, external_id) ledger makes the
replay a no-op for rows already written — every instruction lands exactly once.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import structlog

from fanzha.core import clock
from fanzha.core.events import DETECT_HIT_CREATED, TRANSACTION_DECIDED, Event, EventBus, InProcessBus, get_bus
from fanzha.core.rbac import Principal
from fanzha.warning.schemas import SignalIn

log = structlog.get_logger("fanzha.warning.worker")

WARNING_SIGNAL_RECEIVED = "warning.signal.received"
CONSUMED = (WARNING_SIGNAL_RECEIVED, DETECT_HIT_CREATED, TRANSACTION_DECIDED)
SYSTEM = Principal.system("warning-worker")


def from_detect_hit(p: dict[str, Any]) -> SignalIn | None:
    if not p.get("person_id") and not p.get("phone_hash"):
        return None  # a hit that names nobody is not a warning
    kind = p.get("counterpart_kind")
    flags = {"risky_url"} if kind in ("url", "app") else set()
    return SignalIn(
        source="detect", external_id=str(p["hit_id"]), occurred_at=_at(p.get("occurred_at")),
        person_id=p.get("person_id"), phone_hash=p.get("phone_hash"), area_code=p.get("area_code"),
        counterpart_kind=kind, counterpart_masked=p.get("counterpart_masked"),
        counterpart_hash=p.get("counterpart_hash"),
        type_code=p.get("type_code"), contact_channel=p.get("channel"), flags=frozenset(flags),
        evidence={"detect": {"probability": p.get("probability"), "type_name": p.get("type_name"),
                             "cues": list(p.get("cues") or [])[:10]}},
    )


def from_transaction(p: dict[str, Any]) -> SignalIn | None:
    """hold/block → a 高 instruction to the payer's station (grading rule bank_intercepted)."""
    if p.get("decision") not in ("hold", "block"):
        return None
    if not p.get("payer_person_id") and not p.get("payer_phone_hash"):
        return None
    return SignalIn(
        source="bank", external_id=f"tx:{p['transaction_id']}", occurred_at=_at(p.get("occurred_at")),
        person_id=p.get("payer_person_id"), phone_hash=p.get("payer_phone_hash"),
        area_code=p.get("payer_area_code") or p.get("bank_area_code"),
        counterpart_kind="account", counterpart_masked=p.get("payee_account_masked"),
        counterpart_hash=p.get("payee_account_hash"), decision=p["decision"], amount_fen=int(p.get("amount_fen") or 0),
        flags=frozenset({"money_movement"}), contact_channel="转账",
        evidence={"bank": {"score": p.get("score"), "reasons": list(p.get("reasons") or [])[:10]}},
    )


def _at(value: Any) -> Any:
    from datetime import datetime

    if isinstance(value, str):
        return clock.as_utc(datetime.fromisoformat(value))
    return value or clock.now()


CONVERTERS: dict[str, Callable[[dict[str, Any]], SignalIn | None]] = {
    WARNING_SIGNAL_RECEIVED: SignalIn.from_payload,
    DETECT_HIT_CREATED: from_detect_hit,
    TRANSACTION_DECIDED: from_transaction,
}


def ingest_events(events: list[Event]) -> int:
    """One transaction for a batch of events; returns the rows written (created + merged)."""
    from fanzha.core.db import get_database
    from fanzha.warning import ingest

    signals = [s for ev in events if ev.name in CONVERTERS for s in [CONVERTERS[ev.name](ev.payload)] if s]
    if not signals:
        return 0
    with get_database().session() as session:
        report = ingest.ingest(session, signals, actor=SYSTEM, partial=True, audit_action="warning.ingest.bus")
    for err in report.rejected:
        log.warning("bus_signal_rejected", row=err["row"], field=err["field"], reason=err["message_en"])
    return report.count("created") + report.count("merged")


def _ingest_one(ev: Event) -> None:
    ingest_events([ev])


def subscribe_in_process(bus: EventBus) -> None:
    for name in CONSUMED:
        bus.subscribe(name, _ingest_one)


class BatchWorker:
    """One consumer of the group; run several processes for scale-out."""

    def __init__(self, url: str, *, prefix: str = "fanzha:ev:", group: str = "fanzha-warning",
                 consumer: str | None = None, batch: int = 500, claim_idle_ms: int = 30_000,
                 linger_ms: int = 200) -> None:
        from fanzha.core.redis_bus import RedisStreamsBus

        self.bus = RedisStreamsBus(url, prefix=prefix, group=group,
                                   consumer=consumer or f"{socket.gethostname()}-{os.getpid()}",
                                   claim_idle_ms=claim_idle_ms)
        self.batch, self.linger_ms = batch, linger_ms
        self.processed = 0
        for name in CONSUMED:
            self.bus.subscribe(name, lambda ev: None)  # creates the group; batches are handled below

    def _process(self, messages: list[tuple[str, str, dict[str, str]]]) -> int:
        if not messages:
            return 0
        ingest_events([Event.from_fields(f) for _s, _id, f in messages if f])
        pipe = self.bus.redis.pipeline(transaction=False)
        for stream, msg_id, _f in messages:
            pipe.xack(stream, self.bus.group, msg_id)
        pipe.execute()
        self.processed += len(messages)
        return len(messages)

    def _read(self, count: int, block_ms: int) -> list[tuple[str, str, dict[str, str]]]:
        streams = {self.bus.stream(n): ">" for n in CONSUMED}
        resp: Any = self.bus.redis.xreadgroup(self.bus.group, self.bus.consumer, streams,  # type: ignore[arg-type]
                                              count=count, block=block_ms) or []
        return [(stream, mid, f) for stream, msgs in resp for mid, f in msgs]

    def poll(self, *, block_ms: int = 1000) -> int:
        """Read a batch; under a trickle, wait up to `linger_ms` to fill it, since each
        transaction has a fixed cost (look-ups, audit head lock) worth sharing."""
        messages = self._read(self.batch, block_ms)
        until = time.monotonic() + self.linger_ms / 1000
        while messages and len(messages) < self.batch and time.monotonic() < until:
            more = self._read(self.batch - len(messages), max(int((until - time.monotonic()) * 1000), 1))
            if not more:
                break
            messages += more
        return self._process(messages)

    def claim_stale(self) -> int:
        handled = 0
        for name in CONSUMED:
            stream = self.bus.stream(name)
            _next, msgs, *_ = self.bus.redis.xautoclaim(stream, self.bus.group, self.bus.consumer,
                                                        min_idle_time=self.bus.claim_idle_ms, start_id="0-0",
                                                        count=self.batch)
            handled += self._process([(stream, mid, f) for mid, f in msgs if f])
        return handled

    def run(self, *, should_stop: Callable[[], bool], claim_every_s: float = 5.0) -> None:
        from fanzha.core.redis_bus import consume_loop

        consume_loop(poll=self.poll, claim_stale=self.claim_stale, should_stop=should_stop,
                     claim_every_s=claim_every_s)

    def backlog(self) -> dict[str, dict[str, int]]:
        return self.bus.backlog()


def publish_signals(url: str, signals: list[SignalIn], *, prefix: str = "fanzha:ev:") -> None:
    """Queue signals for the workers (bench, bulk feeds)."""
    from fanzha.core.redis_bus import RedisStreamsBus

    bus = RedisStreamsBus(url, prefix=prefix)
    now = clock.now()
    events = []
    for s in signals:
        s.received_at = s.received_at or now
        events.append(Event(name=WARNING_SIGNAL_RECEIVED, payload=s.to_payload()))
    for i in range(0, len(events), 2000):
        bus.publish_many(events[i:i + 2000])


def backlog_from_settings() -> dict[str, dict[str, int]]:
    from fanzha.core.settings import get_settings

    settings = get_settings()
    if settings.bus != "redis" or not settings.redis_url:
        return {}
    try:
        return BatchWorker(settings.redis_url).backlog()
    except Exception as exc:  # a pipeline page must still render when Redis is down
        log.warning("backlog_unavailable", error=repr(exc))
        return {"redis": {"lag": -1, "pending": -1}}


def bus_loop(stop: threading.Event) -> None:
    """Background job: in-process subscriptions, or a Redis consumer when FANZHA_BUS=redis."""
    from fanzha.core.settings import get_settings

    settings = get_settings()
    bus = get_bus()
    if settings.bus == "redis" and settings.redis_url:
        BatchWorker(settings.redis_url).run(should_stop=stop.is_set)
    elif isinstance(bus, InProcessBus):
        subscribe_in_process(bus)
