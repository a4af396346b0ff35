"""The event bus: one interface, two implementations, and a transactional outbox.

Events are named `domain.noun.verb` (DESIGN §6). Domains emit them inside their unit of
work with `emit(session, ...)`; they are published only after that transaction commits,
so a subscriber never sees an event for data that was rolled back.

Outbox: the events of a transaction are also written to `event_outbox` in that transaction
(one multi-row INSERT just before the commit). After the commit they are published and their
rows deleted. If the process dies in between, the rows stay, and `relay()` (a background job
of `fanzha run` and of `fanzha worker`) publishes every row older than `GRACE` that is still
there. Delivery is at-least-once; consumers are idempotent by event id (`first_delivery`).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import threading
import time
import uuid
import weakref
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

import structlog
from sqlalchemy import (
    Engine,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from fanzha.core import clock
from fanzha.core.db import Base, Database, UTCDateTime

log = structlog.get_logger("fanzha.events")

DETECT_HIT_CREATED = "detect.hit.created"
WARNING_CREATED = "warning.created"
WARNING_ESCALATED = "warning.escalated"
WARNING_CLOSED = "warning.closed"
TRANSACTION_DECIDED = "transaction.decided"
FREEZE_REQUESTED = "freeze.requested"
CASE_LINKED = "case.linked"


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    payload: dict[str, Any]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    occurred_at: datetime = field(default_factory=clock.now)

    def to_fields(self) -> dict[str, str]:
        return {
            "id": self.id,
            "name": self.name,
            "occurred_at": self.occurred_at.isoformat(),
            "payload": json.dumps(self.payload, ensure_ascii=False, default=str),
        }

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> Event:
        return cls(name=fields["name"], payload=json.loads(fields["payload"]), id=fields["id"],
                   occurred_at=datetime.fromisoformat(fields["occurred_at"]))


Handler = Callable[[Event], None]


class EventBus(Protocol):
    def publish(self, event: Event) -> None: ...

    def subscribe(self, name: str, handler: Handler) -> None: ...


class InProcessBus:
    """Default for one process: handlers run synchronously, in subscription order.

    A failing handler is logged and does not stop the others; the event is kept in
    `failed` so an operator (or a test) can see it.
    """

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self.failed: list[tuple[Event, str]] = []
        self.published: int = 0

    def subscribe(self, name: str, handler: Handler) -> None:
        self._handlers[name].append(handler)

    def publish(self, event: Event) -> None:
        self.published += 1
        for handler in list(self._handlers.get(event.name, ())):
            try:
                handler(event)
            except Exception as exc:  # one bad subscriber must not lose the event for others
                log.error("event_handler_failed", event_name=event.name, event_id=event.id, error=repr(exc))
                self.failed.append((event, repr(exc)))


_bus: EventBus | None = None


def get_bus() -> EventBus:
    """The process's bus: Redis Streams when `FANZHA_BUS=redis` (web processes and workers then publish
    to the same streams, each consumer group reading them), otherwise in-process."""
    global _bus
    if _bus is None:
        from fanzha.core.settings import get_settings

        settings = get_settings()
        if settings.bus == "redis" and settings.redis_url:
            from fanzha.core.redis_bus import RedisStreamsBus

            _bus = RedisStreamsBus(settings.redis_url)
        else:
            _bus = InProcessBus()
    return _bus


def set_bus(bus: EventBus | None) -> None:
    global _bus
    _bus = bus


# Keys in `Session.info`.
_PENDING = "pending_events"  # emitted with `emit`: published after the commit
_HELD = "held_events"  # recorded with `record`: the caller publishes them with `deliver`
_WRITTEN = "outbox_written"  # list -> how many of its events are in its outbox row
_MARKS = "event_marks"  # savepoint -> list lengths when it began
_ACKED = "outbox_acked"  # rows of published events that this transaction deletes

GRACE = timedelta(seconds=10)  # a row this old was not published by its own process: relay it
LEASE = timedelta(seconds=60)  # a relay that claimed rows has this long before another may retry


def emit(session: Session, name: str, payload: dict[str, Any]) -> Event:
    """Queue an event on the session; it is written to the outbox with the transaction and
    published once the session commits."""
    ev = Event(name=name, payload=payload)
    session.info.setdefault(_PENDING, []).append(ev)
    return ev


def record(session: Session, name: str, payload: dict[str, Any]) -> Event:
    """Like `emit`, but nothing is published at commit: the caller hands the returned events
    to `deliver()` once the transaction has committed (e.g. off the request path). If it never
    does, `relay()` publishes them after `GRACE`."""
    ev = Event(name=name, payload=payload)
    session.info.setdefault(_HELD, []).append(ev)
    return ev


class EventOutbox(Base):
    """Committed events not yet known to be published: one row per transaction (its events in
    order, as JSON), so a transaction of 500 events costs one row. Normally a row lives for the
    moment between commit and publish; rows older than `GRACE` are the relay's work."""

    __tablename__ = "event_outbox"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # `_row_id` of its events
    events: Mapped[str] = mapped_column(Text)  # [[id, name, occurred_at, payload], ...]
    # When the relay may take the row: commit time + GRACE, then claim time + LEASE.
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


_OUTBOX = cast(Table, EventOutbox.__table__)
_INSERT_OUTBOX = insert(_OUTBOX)
_DELETE_OUTBOX = delete(_OUTBOX).where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))


def _row_id(events: list[Event]) -> str:
    """Names the row of exactly these events: `deliver` of only some of them deletes nothing."""
    return hashlib.sha1("".join(sorted(ev.id for ev in events)).encode()).hexdigest()


def _outbox_row(events: list[Event], available_at: datetime) -> dict[str, Any]:
    body = json.dumps([[ev.id, ev.name, ev.occurred_at.isoformat(), ev.payload] for ev in events],
                      ensure_ascii=False, default=str)
    return {"id": _row_id(events), "events": body, "available_at": available_at, "attempts": 0}


def _from_row(body: str) -> list[Event]:
    return [Event(name=name, payload=payload, id=event_id, occurred_at=datetime.fromisoformat(at))
            for event_id, name, at, payload in json.loads(body)]


@event.listens_for(Session, "before_commit")
def _write_outbox(session: Session) -> None:
    """In the committing transaction: the outbox row of its events (one for `emit`, one for
    `record`)."""
    if session.in_nested_transaction():
        return  # a savepoint release: the rows are written when the outermost transaction commits
    info = session.info
    written: dict[str, int] = info.setdefault(_WRITTEN, {})
    rows = []
    available_at = clock.now() + GRACE
    for key in (_PENDING, _HELD):
        queued: list[Event] = info.get(key) or []
        if queued and key not in written:
            rows.append(_outbox_row(queued, available_at))
            written[key] = len(queued)
    if rows:
        session.execute(_INSERT_OUTBOX, rows)
        # This transaction writes anyway: it also deletes the rows of events published since.
        acked = _acks.take(_engine_of(session))
        if acked:
            info[_ACKED] = acked
            session.execute(_DELETE_OUTBOX, {"ids": acked})


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint release: publish only when the outermost transaction commits
    info = session.info
    pending: list[Event] = info.pop(_PENDING, [])
    written = info.pop(_WRITTEN, {})
    info.pop(_HELD, None)
    info.pop(_MARKS, None)
    info.pop(_ACKED, None)
    if pending:
        _publish_committed(_engine_of(session), pending, in_outbox=written.get(_PENDING, 0))


def _publish_committed(engine: Engine, events: list[Event], *, in_outbox: int) -> None:
    """Publish the events of a committed transaction, then let their outbox row go (the first
    `in_outbox` of them are in it). If the bus fails, the row stays for the relay."""
    if _publish(events, get_bus()) == len(events) and in_outbox:
        _acks.add(engine, [_row_id(events[:in_outbox])])


def _publish(events: list[Event], bus: EventBus) -> int:
    published = 0
    try:
        for ev in events:
            bus.publish(ev)
            published += 1
    except Exception as exc:  # the data is committed; the relay publishes them later
        log.error("event_publish_failed", event_name=events[published].name, event_id=events[published].id,
                  error=repr(exc))
    return published


def deliver(database: Database, events: list[Event], bus: EventBus | None = None) -> int:
    """Publish the events `record`ed in one transaction, after it committed; their outbox row
    goes once all of them are published (pass them all). Returns how many were published."""
    published = _publish(events, bus or get_bus())
    if events and published == len(events):
        _acks.add(database.engine, [_row_id(events)])
    return published


class _Acks:
    """Outbox rows of published events, still to be deleted, per engine.

    Deleting right after the publish would cost a transaction per commit. Instead the next
    transaction that writes an outbox row deletes them too (`_write_outbox`); when none comes
    within `max_age_s`, the next publish (or the relay loop, or the exit of the process) deletes
    them in a transaction of their own. Lost when the process dies: those events are then
    relayed again, which at-least-once delivery allows."""

    def __init__(self, *, max_age_s: float = 1.0, max_rows: int = 1000) -> None:
        self.lock = threading.Lock()
        # Weak: an engine that is gone (a test's database) takes its pending deletes with it.
        self.rows: weakref.WeakKeyDictionary[Engine, list[str]] = weakref.WeakKeyDictionary()
        self.since: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
        self.max_age_s, self.max_rows = max_age_s, max_rows

    def add(self, engine: Engine, row_ids: list[str]) -> None:
        with self.lock:
            self.rows.setdefault(engine, []).extend(row_ids)
            self.since.setdefault(engine, time.monotonic())
        self.flush(engine, only_if_due=True)

    def take(self, engine: Engine) -> list[str]:
        with self.lock:
            self.since.pop(engine, None)
            return self.rows.pop(engine, [])

    def flush(self, engine: Engine, *, only_if_due: bool = False) -> int:
        if only_if_due:
            with self.lock:
                since = self.since.get(engine)
                if since is None or (time.monotonic() - since < self.max_age_s
                                     and len(self.rows.get(engine, ())) < self.max_rows):
                    return 0
        row_ids = self.take(engine)
        if row_ids:
            _forget(engine, row_ids)
        return len(row_ids)

    def flush_all(self) -> None:
        with self.lock:
            engines = list(self.rows)
        for engine in engines:
            self.flush(engine)


_acks = _Acks()
atexit.register(_acks.flush_all)


def flush_acks(database: Database) -> int:
    """Delete now the outbox rows of the events this process has published."""
    return _acks.flush(database.engine)


def _forget(engine: Engine, row_ids: list[str]) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(_DELETE_OUTBOX, {"ids": row_ids})
    except Exception as exc:  # published already: the relay will publish them again (at-least-once)
        log.error("event_outbox_delete_failed", rows=len(row_ids), error=repr(exc))


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = session.info.setdefault(_MARKS, {})
        marks[transaction] = (len(session.info.get(_PENDING) or ()), len(session.info.get(_HELD) or ()))


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    info = session.info
    if previous_transaction.nested:
        # A rolled-back savepoint drops only the events emitted inside it.
        mark = (info.get(_MARKS) or {}).pop(previous_transaction, None)
        if mark is not None:
            for key, keep in zip((_PENDING, _HELD), mark, strict=True):
                if key in info:
                    del info[key][keep:]
        return
    if previous_transaction.parent is None:
        _drop_all(session)


def _drop_all(session: Session) -> None:
    info = session.info
    for key in (_PENDING, _HELD, _WRITTEN, _MARKS):
        info.pop(key, None)
    acked = info.pop(_ACKED, None)
    if acked:  # their DELETE was rolled back with the transaction: keep them for the next one
        _acks.add(_engine_of(session), acked)


@event.listens_for(Session, "after_transaction_end")
def _clear_at_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not transaction.nested:  # closed without commit: nothing committed
        _drop_all(session)


def _claim(engine: Engine, limit: int, lease: timedelta) -> list[tuple[str, list[Event]]]:
    """Take up to `limit` rows that are due, for `lease`: a concurrent relay skips them
    (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time)."""
    now = clock.now()
    due = select(_OUTBOX.c.id).where(_OUTBOX.c.available_at <= now).order_by(_OUTBOX.c.available_at).limit(limit)
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    with engine.begin() as conn:
        rows = conn.execute(
            update(_OUTBOX).where(_OUTBOX.c.id.in_(due.scalar_subquery()))
            .values(available_at=now + lease, attempts=_OUTBOX.c.attempts + 1)
            .returning(_OUTBOX.c.id, _OUTBOX.c.events)).all()
    claimed = [(row_id, _from_row(body)) for row_id, body in rows]
    claimed.sort(key=lambda row: row[1][0].occurred_at if row[1] else now)  # RETURNING has no order
    return claimed


def relay(database: Database, bus: EventBus | None = None, *, batch: int = 100, lease: timedelta = LEASE) -> int:
    """Publish the outbox rows their own process never published (it died between commit and
    publish). Safe to run in several processes at once. Returns how many events were published."""
    bus = bus or get_bus()
    _acks.flush(database.engine)  # rows this process published are not the relay's work
    total = 0
    while True:
        claimed = _claim(database.engine, batch, lease)
        if not claimed:
            break
        done: list[str] = []
        for row_id, evs in claimed:
            published = _publish(evs, bus)
            total += published
            if published < len(evs):
                break  # a failing bus: this row and the rest are retried once the lease expires
            done.append(row_id)
        if done:
            _forget(database.engine, done)
        log.warning("event_outbox_relayed", rows=len(done), claimed=len(claimed))
        if len(done) < len(claimed) or len(claimed) < batch:
            break
    return total


def relay_loop(stop: threading.Event, *, bus: EventBus | None = None, every_s: float = 5.0,
               start_after_s: float = 3.0) -> None:
    """Background job: relay on start and then every `every_s`. The first pass waits
    `start_after_s` so the in-process subscribers of the other jobs are in place."""
    from fanzha.core.db import get_database

    if stop.wait(start_after_s):
        return
    while True:
        try:
            relay(get_database(), bus)
        except Exception as exc:  # the database may be briefly unreachable: try again next round
            log.error("event_relay_failed", error=repr(exc))
        if stop.wait(every_s):
            return


class EventReceipt(Base):
    """Which consumer group has applied which event: written in the handler's own
    transaction, so a redelivered event is applied exactly once."""

    __tablename__ = "event_receipt"
    __table_args__ = (UniqueConstraint("consumer", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)


def first_delivery(session: Session, *, consumer: str, event_id: str) -> bool:
    """True the first time; False if this consumer already applied the event."""
    seen = session.scalar(
        select(EventReceipt.id).where(EventReceipt.consumer == consumer, EventReceipt.event_id == event_id)
    )
    if seen is not None:
        return False
    session.execute(insert(EventReceipt).values(consumer=consumer, event_id=event_id, applied_at=clock.now()))
    return True
