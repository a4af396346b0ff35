"""Group commit for `POST /api/v1/risk/transactions`: the transfers of many concurrent
requests are decided and stored in one transaction, by one writer per event loop.

Why: with one write transaction per request in the thread pool, SQLite serialises the writers
and the losers sleep in its busy handler; forty threads queued on the database lock and the
API managed about 10 requests/s (BENCHMARKS.md, risk). Now the route is `async`: it queues the
transfer and awaits the commit of the batch it joined, so a 201 still means the row is stored.
The batch runs on the event loop itself, as soon as the loop is free: whatever requests
arrived meanwhile form the next batch (one transfer when quiet, dozens under load; no fixed
delay). It runs on the loop rather than in a writer thread on purpose: a thread that gives up
the GIL for every database call waits up to the switch interval (5 ms) to get it back from the
busy loop, several times per batch. A batch is a handful of statements whatever its size
(look up the ids, the listed payees, one multi-row INSERT, commit), so the loop is held briefly.

- Idempotency is unchanged: ids already stored are replayed (200) or refused (409, different
  content); an id repeated within a batch is decided once and the repeats replay it.
- Each transfer enters the velocity state as it is decided, so a later transfer of the same
  payer in the same batch sees it. If the batch does not commit, the state is discarded
  (rebuilt from the committed rows on next use) and each request of the batch is retried on
  its own with `service.score`: the state never holds a transfer that is not stored.
- `transaction.decided` events are `record`ed in the batch's transaction (the outbox row
  commits with the transfers) and published after the commit on a separate announcer thread,
  so the in-process consumers (warning ingest, case sightings) never delay a response; if the
  process dies first, the outbox relay publishes them.
- Bad input is a per-request error (422/404/409); it never fails the other requests of a batch.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import structlog
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from fanzha.areas.models import Area
from fanzha.core import events
from fanzha.core.db import Database, get_database
from fanzha.core.errors import FanzhaError
from fanzha.core.events import Event
from fanzha.core.pii import PIIKind, blind_index
from fanzha.core.rbac import Permission, Principal
from fanzha.risk import realtime, service
from fanzha.risk.models import Transaction
from fanzha.risk.schemas import TransactionIn

log = structlog.get_logger("fanzha.risk.writer")

MAX_BATCH = 256
IDLE_EXIT_SECONDS = 30.0
BRANCH_TTL_SECONDS = 60.0  # the writer thread ends when idle; the next request starts a new one

Outcome = tuple[Transaction | service.Decided, bool]  # the stored transfer, replayed?


@dataclass(slots=True)
class Job:
    database: Database
    actor: Principal
    data: TransactionIn
    future: asyncio.Future[Outcome] | None  # None: the caller reads `result`/`error` (scorer_process)
    result: Outcome | None = None
    error: BaseException | None = None
    same_as: Job | None = None  # an earlier job of the batch with the same id
    fingerprint: str = ""
    events: list[Event] = field(default_factory=list)


class _Tracker:
    """Counts event batches not yet published (for `wait_idle`)."""

    def __init__(self) -> None:
        self.busy = 0
        self.cond = threading.Condition()

    def add(self, n: int = 1) -> None:
        with self.cond:
            self.busy += n

    def done(self, n: int = 1) -> None:
        with self.cond:
            self.busy -= n
            if self.busy <= 0:
                self.cond.notify_all()

    def wait(self, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: self.busy <= 0, timeout)


_tracker = _Tracker()


class _Announcer:
    """Publishes the events of committed batches, in commit order, off the request path.
    They were `record`ed in the batch's transaction, so they are in the outbox: if this thread
    never gets to them (the process dies), the outbox relay publishes them."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[tuple[Database, list[Event]]] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def put(self, database: Database, batch_events: list[Event]) -> None:
        _tracker.add()
        with self.lock:
            self.queue.put((database, batch_events))
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="risk-announcer", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                database, batch_events = self.queue.get(timeout=IDLE_EXIT_SECONDS)
            except queue.Empty:
                with self.lock:
                    if self.queue.empty():
                        self.thread = None
                        return
                continue
            try:
                events.deliver(database, batch_events)  # all of them: then their outbox row goes
            except Exception as exc:  # a broken bus must not stop later announcements (relay retries)
                log.error("risk_announce_failed", error=repr(exc), events=len(batch_events))
            finally:
                _tracker.done()


announcer = _Announcer()


class _LoopQueue:
    """The transfers waiting on one event loop for the next batch."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.jobs: list[Job] = []
        self.scheduled = False
        self.batches = 0

    def put(self, job: Job) -> None:
        self.jobs.append(job)
        if not self.scheduled:
            self.scheduled = True
            # Two turns of the loop: requests a step behind this one (body still being read,
            # caller being resolved) join the batch too. No timer: a quiet server answers at once.
            self.loop.call_soon(self.loop.call_soon, self.flush)

    def flush(self) -> None:
        batch, self.jobs = self.jobs[:MAX_BATCH], self.jobs[MAX_BATCH:]
        if self.jobs:
            self.loop.call_soon(self.flush)
        else:
            self.scheduled = False
        by_database: dict[Database, list[Job]] = {}
        for job in batch:
            by_database.setdefault(job.database, []).append(job)
        for database, jobs in by_database.items():
            self.batches += 1
            run_batch(database, jobs)


Announce = Callable[[Database, list[Event]], None]


def run_batch(database: Database, batch: list[Job], announce: Announce | None = None) -> None:
    """Decide and store a batch; each job ends with `result` or `error` (and its future set). The
    committed events go to `announce` (default: published here, off the request path)."""
    try:
        _process(database, batch)
    except BaseException as exc:  # never leave a request waiting forever
        log.error("risk_batch_failed", error=repr(exc), batch=len(batch))
        for job in batch:
            if job.result is None and job.error is None:
                job.error = exc
    committed = [ev for job in batch for ev in job.events]
    if committed:
        (announce or announcer.put)(database, committed)
    for job in batch:
        _deliver(job)


def _process(database: Database, batch: list[Job]) -> None:
    try:
        with database.session() as session:
            new = _write(session, database, batch)
    except Exception as exc:
        if not any(job.result is None and job.error is None for job in batch):
            raise
        # The batch did not commit: forget the state it touched, then each request on its own.
        log.warning("risk_batch_retried_one_by_one", error=repr(exc), batch=len(batch))
        realtime.discard(database)
        for job in batch:
            job.result, job.error, job.events = None, None, []
            _one(database, job)
        return
    for job, tx in new:
        job.result = (tx, False)
    for job in batch:
        if job.same_as is not None and job.result is None and job.error is None:
            _resolve_repeat(job)


# Built once: constructing and cache-keying the statements cost more per batch than running them.
# Core statements on the table (no ORM entity to load or map) where no object is wanted back: the
# batch's fixed cost is what a small batch pays per transfer. Session.execute still runs them, so
# the stats rollup's statement listener sees the INSERT.
_TABLE = cast(Table, Transaction.__table__)
_KNOWN = select(_TABLE.c.external_id).where(_TABLE.c.external_id.in_(bindparam("ids", expanding=True)))
_STORED = select(Transaction).where(Transaction.external_id.in_(bindparam("ids", expanding=True)))
_INSERT = insert(_TABLE).returning(_TABLE.c.id, _TABLE.c.external_id)


def _write(session: Session, database: Database, batch: list[Job]) -> list[tuple[Job, service.Decided]]:
    """Decide and insert the new transfers of the batch; replays and refusals are settled on the jobs."""
    ids = sorted({job.data.id for job in batch})
    known = set(session.scalars(_KNOWN, {"ids": ids}))  # usually none: full rows only for those
    stored = {tx.external_id: tx for tx in session.scalars(_STORED, {"ids": sorted(known)})} if known else {}
    scorer = realtime.scorer_for(session, database)
    scorer.listed.prefetch(session, {blind_index(PIIKind.BANK_CARD, job.data.payee_account) for job in batch
                                     if job.data.id not in stored})
    branches = _branches(database)
    first: dict[str, Job] = {}
    rows: list[tuple[Job, dict[str, Any]]] = []
    for job in batch:
        try:
            job.actor.require(Permission.RISK_SCORE)
            job.fingerprint = service.content_fingerprint(job.data)
            if job.data.id in stored:
                job.result = (service.replay(job.actor, stored[job.data.id], job.fingerprint), True)
                continue
            earlier = first.get(job.data.id)
            if earlier is not None:
                job.same_as = earlier  # settled once the first one is
                continue
            values, _ = service.row_values(session, actor=job.actor, data=job.data, scorer=scorer,
                                           fingerprint=job.fingerprint, apply=True, branches=branches)
            first[job.data.id] = job
            rows.append((job, values))
        except FanzhaError as exc:
            job.error = exc
    if not rows:
        return []
    # One multi-row INSERT for the batch (the ORM unit of work would insert row by row to get
    # the ids back in order; RETURNING the external id makes the order irrelevant). The values are
    # keyed by column name, which is also each attribute's name on Transaction.
    returned = session.execute(_INSERT, [values for _, values in rows])
    new_ids = {external_id: pk for pk, external_id in returned}
    new = [(job, service.Decided.of(new_ids[values["external_id"]], values)) for job, values in rows]
    for job, tx in new:
        service.announce(session, job.actor, tx, tx.decision, send=_collector(job))
    return new


_branch_cache: weakref.WeakKeyDictionary[Database, tuple[float, dict[str, Area]]] = weakref.WeakKeyDictionary()


def _branches(database: Database) -> dict[str, Area]:
    """Bank branches seen recently (kept for a minute: a re-imported area tree is picked up then)."""
    now = time.monotonic()
    held = _branch_cache.get(database)
    if held is None or now - held[0] > BRANCH_TTL_SECONDS:
        held = _branch_cache[database] = (now, {})
    return held[1]


def _collector(job: Job) -> Callable[[Session, str, dict[str, Any]], Event]:
    """`events.record`: into the batch's outbox row, published by the announcer after the commit."""

    def send(session: Session, name: str, payload: dict[str, Any]) -> Event:
        ev = events.record(session, name, payload)
        job.events.append(ev)
        return ev

    return send


def _resolve_repeat(job: Job) -> None:
    earlier = job.same_as
    assert earlier is not None
    if earlier.result is None:  # the first one was refused: so is its repeat
        job.error = earlier.error
        return
    try:
        service.check_replay(job.actor, earlier.result[0], job.fingerprint)
        job.result = (earlier.result[0], True)
    except FanzhaError as exc:
        job.error = exc


def _one(database: Database, job: Job) -> None:
    try:
        with database.session() as session:
            tx, replayed = service.score(session, actor=job.actor, data=job.data)
        job.result = (tx, replayed)
    except Exception as exc:
        job.error = exc


def _deliver(job: Job) -> None:
    if job.future is None or job.future.done():  # read by the caller, or the client went away
        return
    if job.error is not None:
        job.future.set_exception(job.error)
    else:
        assert job.result is not None
        job.future.set_result(job.result)


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopQueue] = weakref.WeakKeyDictionary()


async def score(*, actor: Principal, data: TransactionIn) -> Outcome:
    """Decide one transfer in the next batch; returns once the batch has committed."""
    loop = asyncio.get_running_loop()
    pending = _queues.get(loop)
    if pending is None:
        pending = _queues[loop] = _LoopQueue(loop)
    future: asyncio.Future[Outcome] = loop.create_future()
    pending.put(Job(database=get_database(), actor=actor, data=data, future=future))
    return await future


def wait_idle(timeout: float = 10.0) -> bool:
    """Block until the events of every answered transfer are published (tests)."""
    return _tracker.wait(timeout)
