"""The event bus: one interface, two implementations.

Events are named `domain.noun.verb` (DESIGN §6). Domains emit them inside their unit of
work with `emit(session, ...)`; they are published only after that transaction commits,
so a subscriber never sees an event for data that was rolled back.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import structlog
from sqlalchemy import String, UniqueConstraint, event, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from fanzha.core import clock
from fanzha.core.db import Base, UTCDateTime

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
    global _bus
    if _bus is None:
        _bus = InProcessBus()
    return _bus


def set_bus(bus: EventBus | None) -> None:
    global _bus
    _bus = bus


def emit(session: Session, name: str, payload: dict[str, Any]) -> Event:
    """Queue an event on the session; it is published once the session commits."""
    ev = Event(name=name, payload=payload)
    session.info.setdefault("pending_events", []).append(ev)
    return ev


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    pending: list[Event] = session.info.pop("pending_events", [])
    if pending:
        bus = get_bus()
        for ev in pending:
            bus.publish(ev)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop("pending_events", None)


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
