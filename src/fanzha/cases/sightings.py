"""Entities seen outside cases join the graph: a bank decision names a payee account, a detection
hit names a scammer's phone. The payloads carry only keyed hashes and masked copies, which are
exactly the graph keys of phones and accounts, so no clear number is needed.

Consumers are idempotent (`first_delivery`), in their own unit of work.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.cases.entities import EntityKind
from fanzha.cases.models import EntitySighting, GraphEntity
from fanzha.core import clock
from fanzha.core.db import get_database
from fanzha.core.events import DETECT_HIT_CREATED, TRANSACTION_DECIDED, Event, first_delivery, get_bus
from fanzha.core.settings import get_settings

if TYPE_CHECKING:
    from fanzha.core.redis_bus import RedisStreamsBus

log = structlog.get_logger("fanzha.cases")
CONSUMER = "cases.sightings"
GROUP = "fanzha-cases"  # its Redis Streams consumer group
CONSUMED = (TRANSACTION_DECIDED, DETECT_HIT_CREATED)


def _node(session: Session, kind: EntityKind, key: str, masked: str) -> GraphEntity:
    found = session.scalars(select(GraphEntity).where(GraphEntity.kind == kind, GraphEntity.key == key)).first()
    if found is None:
        found = GraphEntity(kind=kind.value, key=key, value_enc=None, masked=masked[:64], valid=True, note=None,
                            first_seen_at=clock.now())
        session.add(found)
        session.flush()
    return found


def _when(payload: dict[str, Any]) -> datetime:
    raw = payload.get("occurred_at")
    return clock.as_utc(datetime.fromisoformat(raw)) if isinstance(raw, str) else clock.now()


def sightings_of(event: Event) -> list[tuple[EntityKind, str, str, str, str]]:
    """(kind, hash key, masked, source type, detail in Chinese) named by an event."""
    p = event.payload
    if event.name == TRANSACTION_DECIDED and p.get("payee_account_hash"):
        detail = f"银行决策：{p.get('decision', '')}，金额 {int(p.get('amount_fen') or 0) / 100:.2f} 元"
        return [(EntityKind.ACCOUNT, str(p["payee_account_hash"]), str(p.get("payee_account_masked") or ""),
                 "transaction", detail)]
    if event.name == DETECT_HIT_CREATED and p.get("counterpart_hash") and p.get("counterpart_kind") in (
            "phone", "mobile", "landline", "service_number", "account", "bank_card"):
        kind = EntityKind.ACCOUNT if p["counterpart_kind"] in ("account", "bank_card") else EntityKind.PHONE
        return [(kind, str(p["counterpart_hash"]), str(p.get("counterpart_masked") or ""), "detect_hit",
                 f"识别命中：{p.get('type_name') or '疑似诈骗'}")]
    return []


def record(session: Session, event: Event) -> int:
    """Write the sightings of one event once; returns how many were new."""
    found = sightings_of(event)
    if not found or not first_delivery(session, consumer=CONSUMER, event_id=event.id):
        return 0
    ref = str(event.payload.get("transaction_id") or event.payload.get("hit_id") or event.id)
    for kind, key, masked, source, detail in found:
        node = _node(session, kind, key, masked)
        session.add(EntitySighting(entity_id=node.id, source_type=source, source_ref=ref[:64], detail=detail[:200],
                                   occurred_at=_when(event.payload)))
    session.flush()
    return len(found)


def handle(event: Event) -> None:
    with get_database().session() as session:
        record(session, event)


def redis_consumer(url: str, *, prefix: str = "fanzha:ev:", consumer: str | None = None) -> RedisStreamsBus:
    """The cases consumer group on Redis Streams: it reads every decision and hit on its own, whatever
    the warning workers' group does with them."""
    from fanzha.core.redis_bus import RedisStreamsBus

    bus = RedisStreamsBus(url, prefix=prefix, group=GROUP,
                          consumer=consumer or f"{socket.gethostname()}-{os.getpid()}")
    for name in CONSUMED:
        bus.subscribe(name, handle)
    return bus


def subscribe_loop(stop: threading.Event) -> None:
    """Background job: with `FANZHA_BUS=redis`, consume as the cases group until stopped; otherwise
    subscribe the in-process bus."""
    settings = get_settings()
    if settings.bus == "redis" and settings.redis_url:
        bus = redis_consumer(settings.redis_url)
        log.info("cases_sightings_consuming", group=GROUP)
        bus.run(should_stop=stop.is_set)
        return
    in_process = get_bus()
    for name in CONSUMED:
        in_process.subscribe(name, handle)
    log.info("cases_sightings_subscribed")
