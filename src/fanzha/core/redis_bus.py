"""Event bus on Redis Streams with consumer groups, for several worker processes.

One stream per event name. Each worker reads with XREADGROUP, acknowledges after its
handler's transaction commits, and claims messages left pending by a dead consumer
(XAUTOCLAIM after `claim_idle_ms`), so nothing is lost when a worker is killed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

import redis
import structlog

from fanzha.core.events import Event, Handler

log = structlog.get_logger("fanzha.redis_bus")


class RedisStreamsBus:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "fanzha:ev:",
        group: str = "fanzha",
        consumer: str = "worker-1",
        maxlen: int = 1_000_000,
        claim_idle_ms: int = 30_000,
    ) -> None:
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix, self.group, self.consumer = prefix, group, consumer
        self.maxlen, self.claim_idle_ms = maxlen, claim_idle_ms
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def stream(self, name: str) -> str:
        return self.prefix + name

    def publish(self, event: Event) -> None:
        self.redis.xadd(self.stream(event.name), event.to_fields(),  # type: ignore[arg-type]
                        maxlen=self.maxlen, approximate=True)

    def publish_many(self, events: list[Event]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for ev in events:
            pipe.xadd(self.stream(ev.name), ev.to_fields(), maxlen=self.maxlen, approximate=True)  # type: ignore[arg-type]
        pipe.execute()

    def subscribe(self, name: str, handler: Handler) -> None:
        self._handlers[name].append(handler)
        try:
            self.redis.xgroup_create(self.stream(name), self.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _handle(self, stream: str, msg_id: str, fields: dict[str, str]) -> bool:
        ev = Event.from_fields(fields)
        try:
            for handler in self._handlers.get(ev.name, ()):
                handler(ev)
        except Exception as exc:
            # Left unacknowledged: it is redelivered (claimed) after claim_idle_ms.
            log.error("event_handler_failed", event_name=ev.name, event_id=ev.id, error=repr(exc))
            return False
        self.redis.xack(stream, self.group, msg_id)
        return True

    def claim_stale(self, count: int = 100) -> int:
        """Take over messages a dead consumer read but never acknowledged."""
        handled = 0
        for name in self._handlers:
            stream = self.stream(name)
            _next, messages, *_ = self.redis.xautoclaim(
                stream, self.group, self.consumer, min_idle_time=self.claim_idle_ms, start_id="0-0", count=count)
            for msg_id, fields in messages:
                if fields and self._handle(stream, msg_id, fields):
                    handled += 1
        return handled

    def poll(self, *, count: int = 100, block_ms: int = 1000) -> int:
        streams = {self.stream(name): ">" for name in self._handlers}
        if not streams:
            return 0
        handled = 0
        reply: list[tuple[str, list[tuple[str, dict[str, str]]]]] = self.redis.xreadgroup(  # type: ignore[assignment]
            self.group, self.consumer, streams, count=count, block=block_ms)  # type: ignore[arg-type]
        for stream, messages in reply or []:
            for msg_id, fields in messages:
                if self._handle(stream, msg_id, fields):
                    handled += 1
        return handled

    def run(self, *, should_stop: Callable[[], bool], claim_every_s: float = 5.0) -> None:
        consume_loop(poll=self.poll, claim_stale=self.claim_stale, should_stop=should_stop,
                     claim_every_s=claim_every_s)

    def backlog(self) -> dict[str, dict[str, int]]:
        """Per stream: messages not yet delivered to the group (lag) and delivered but unacked."""
        out: dict[str, dict[str, int]] = {}
        for name in self._handlers:
            for group in self.redis.xinfo_groups(self.stream(name)):
                if group["name"] == self.group:
                    out[name] = {"lag": int(group.get("lag") or 0), "pending": int(group["pending"])}
        return out


def consume_loop(*, poll: Callable[[], int], claim_stale: Callable[[], int], should_stop: Callable[[], bool],
                 claim_every_s: float = 5.0) -> None:
    """A consumer's main loop: read new messages, and now and then take over those a dead
    consumer left unacknowledged."""
    last_claim = 0.0
    while not should_stop():
        if time.monotonic() - last_claim > claim_every_s:
            claim_stale()
            last_claim = time.monotonic()
        poll()
