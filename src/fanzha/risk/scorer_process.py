"""The scoring process: velocity state and group-commit writer in a process of their own.

`fanzha serve` starts one beside the web server (setting `risk_scoring`, default "process"). The web
process then only reads requests, resolves the caller and forwards the transfer's JSON body over a
socket pair; this process validates it, decides it on the velocity state, stores the batch
(`writer.run_batch`, unchanged) and answers with the response body once the batch has committed,
so a 201 still means the row is stored. Why: on the 2-core machines the county centres run, one
process spent ~1.5 ms of CPU per transfer, half of it in the web stack and half in scoring and
storing; at 500 requests/s that left no headroom, and the 99th percentile waited behind whole
batches (BENCHMARKS.md, risk). Split, each half has a core.

- One process owns the state, as before: every transfer of the web process (API, counter form)
  goes through it. Rule sets published in the web process reach it at once (a notice over the
  socket) and by a poll of the published version every `RULES_POLL_S` (a CLI elsewhere).
- Events of committed batches come back with the answers and are published by the web process
  (its in-process consumers, or Redis): they were recorded in the batch's outbox row, so nothing is
  lost if either process dies first (the outbox relay publishes them).
- If the process dies, waiting requests get 503 (nothing or everything of their batch committed:
  a retry is answered or replayed) and the next request starts a new one, which rebuilds the state
  from the committed rows.
- Without a scoring process (tests, `risk_scoring=inline`) the same functions score in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import pickle
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from typing import Any

import structlog
from pydantic import ValidationError

from fanzha.core.db import Database
from fanzha.core.errors import FanzhaError
from fanzha.core.events import Event
from fanzha.core.rbac import Principal
from fanzha.risk import writer
from fanzha.risk.schemas import TransactionIn

log = structlog.get_logger("fanzha.risk.scorer")

INVALID = 0  # answer status: the body did not validate; the app's route answers (its 422 names the fields)
RULES_POLL_S = 2.0
CHECKPOINT_S = 0.5
QUICK_DEATH_S = 10.0
RESPAWN_BACKOFF_S = 5.0
START_TIMEOUT_S = 120.0
_HEADER = struct.Struct("!I")
_INTERNAL = json.dumps({"error": {"code": "internal", "message_zh": "服务器内部错误，已记录",
                                  "message_en": "Internal server error", "fields": {}}}, ensure_ascii=False).encode()
_RECV = 1 << 20

Answer = tuple[int, bytes]


class ScorerUnavailable(FanzhaError):
    status_code = 503
    code = "scorer_unavailable"

    def __init__(self) -> None:
        super().__init__("评分服务正在重启，请稍后重试（同一流水号重试不会重复入账）",
                         "Scoring process restarting; retry (the same transaction id is idempotent)")


def error_answer(exc: FanzhaError) -> Answer:
    return exc.status_code, json.dumps(exc.to_dict(), ensure_ascii=False).encode()


def decided_answer(outcome: writer.Outcome) -> Answer:
    """201 with the decision for a new transfer, 200 for a replayed id: the API's answer."""
    from fanzha.risk.api import decision_out

    tx, replayed = outcome
    return (200 if replayed else 201), decision_out(tx, replayed).model_dump_json().encode()


def answer_of(job: writer.Job) -> Answer:
    """The HTTP status and JSON body for a decided job, as the API route gives them."""
    if job.error is not None:
        if isinstance(job.error, FanzhaError):
            return error_answer(job.error)
        raise job.error
    assert job.result is not None
    return decided_answer(job.result)


def error_from(status: int, payload: bytes) -> FanzhaError:
    """The domain error an answer stands for (for callers that render errors themselves)."""
    body = json.loads(payload)["error"]
    exc = FanzhaError(body["message_zh"], body["message_en"], code=body["code"], fields=body.get("fields"))
    exc.status_code = status
    return exc


async def score_json(actor: Principal, body: bytes) -> Answer:
    """Decide the transfer in `body` (JSON): through the scoring process when one runs, else in this
    one. Returns the status and JSON answer; `INVALID` when the body does not validate."""
    if _process is not None:
        return await _process.submit(actor, body)
    try:
        data = TransactionIn.model_validate_json(body)
    except ValidationError:
        return INVALID, b""
    return await score(actor, data)


async def score(actor: Principal, data: TransactionIn) -> Answer:
    """Decide a validated transfer (the route, the counter form): status and JSON answer."""
    if _process is not None:
        return await _process.submit(actor, data.model_dump_json().encode())
    try:
        return decided_answer(await writer.score(actor=actor, data=data))
    except FanzhaError as exc:
        return error_answer(exc)


# ---------------------------------------------------------------- the web process's side


class ScorerProcess:
    """The child process and the socket to it. Used from one event loop (the server's)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.child: subprocess.Popen[bytes] | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pending: dict[int, asyncio.Future[Answer]] = {}
        self.next_id = 0
        self.lock = asyncio.Lock()
        self.sock: socket.socket | None = None
        self.outgoing: list[bytes] = []  # frames written together at the end of this turn of the loop
        self.spawned_at = self.died_at = 0.0
        self.quick_deaths = 0  # children in a row that died within QUICK_DEATH_S of their start
        self.reading: asyncio.Task[None] | None = None

    def spawn(self) -> None:
        if self.quick_deaths >= 2 and time.monotonic() - self.died_at < RESPAWN_BACKOFF_S:
            # It keeps dying at start (database unreachable, schema missing): answer 503 for a while
            # instead of starting a process for every request.
            raise ScorerUnavailable()
        self.spawned_at = time.monotonic()
        ours, theirs = socket.socketpair()
        self.child = subprocess.Popen(
            [sys.executable, "-m", "fanzha.risk.scorer_process", "--fd", str(theirs.fileno()),
             "--database-url", self.database_url], pass_fds=[theirs.fileno()], close_fds=True)
        theirs.close()
        self.sock = ours
        log.info("scorer_process_started", pid=self.child.pid)

    async def _connect(self) -> asyncio.StreamWriter:
        loop = asyncio.get_running_loop()
        if self.writer is not None and not self.writer.is_closing() and self.loop is loop:
            return self.writer
        if self.loop is not None and self.loop is not loop:
            # The socket belongs to a loop that is gone (a test client's): start afresh.
            self.stop()
            self.writer, self.loop, self.lock, self.pending, self.outgoing = None, None, asyncio.Lock(), {}, []
        async with self.lock:
            if self.writer is None or self.writer.is_closing():
                if self.sock is None:
                    self.spawn()
                assert self.sock is not None
                reader, self.writer = await asyncio.open_unix_connection(sock=self.sock)
                self.loop = loop
                self.reading = loop.create_task(self._read(reader, self.writer))
        return self.writer

    async def submit(self, actor: Principal, body: bytes) -> Answer:
        try:
            out = await self._connect()
        except ScorerUnavailable as exc:
            return error_answer(exc)
        self.next_id += 1
        request_id = self.next_id
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self.pending[request_id] = future
        frame = pickle.dumps(("score", request_id, actor, body), protocol=pickle.HIGHEST_PROTOCOL)
        if not self.outgoing:  # one write (and one wake-up of the child) for the requests of this turn
            asyncio.get_running_loop().call_soon(self._flush, out)
        self.outgoing.append(_HEADER.pack(len(frame)) + frame)
        return await future

    def _flush(self, out: asyncio.StreamWriter) -> None:
        frames, self.outgoing = self.outgoing, []
        if not out.is_closing():
            out.write(b"".join(frames))

    def rules_changed(self) -> None:
        """Tell the child to reload the published rule set (thread-safe; no-op when not connected)."""
        loop, out = self.loop, self.writer
        if loop is None or out is None:
            return
        frame = pickle.dumps(("rules", 0, None, b""))
        loop.call_soon_threadsafe(out.write, _HEADER.pack(len(frame)) + frame)

    async def _read(self, reader: asyncio.StreamReader, out: asyncio.StreamWriter) -> None:
        from fanzha.core.db import get_database

        try:
            while True:
                size = _HEADER.unpack(await reader.readexactly(_HEADER.size))[0]
                answers, events = pickle.loads(await reader.readexactly(size))
                if events:
                    writer.announcer.put(get_database(), events)
                for request_id, status, payload in answers:
                    future = self.pending.pop(request_id, None)
                    if future is not None and not future.done():
                        future.set_result((status, payload))
        except (asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
            log.error("scorer_process_lost", error=repr(exc), waiting=len(self.pending))
        finally:
            out.close()
            self.sock = None
            self.died_at = time.monotonic()
            self.quick_deaths = self.quick_deaths + 1 if self.died_at - self.spawned_at < QUICK_DEATH_S else 0
            waiting, self.pending = self.pending, {}
            for future in waiting.values():
                if not future.done():
                    future.set_result(error_answer(ScorerUnavailable()))
            child, self.child = self.child, None
            if child is not None:  # never wait for it on the event loop
                threading.Thread(target=_reap, args=(child,), name="scorer-reap", daemon=True).start()

    def _reap(self) -> None:
        child, self.child = self.child, None
        if child is not None:
            _reap(child)

    def stop(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self._reap()


def _reap(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


_process: ScorerProcess | None = None


def start(database_url: str) -> ScorerProcess:
    """Start the scoring process for this web process (`fanzha serve`); the scoring API, the counter
    form and rule publishing use it from then on."""
    global _process
    _process = ScorerProcess(database_url)
    _process.spawn()
    return _process


def stop() -> None:
    global _process
    running, _process = _process, None
    if running is not None:
        running.stop()


def running() -> ScorerProcess | None:
    return _process


# ---------------------------------------------------------------- the scoring process's side


Frame = tuple[str, int, Any, bytes]


class _Inbox:
    """Frames from the web process. Whatever arrived while the last batch ran is the next batch; a
    lone transfer is decided at once (waiting a few ms for company cut the CPU per transfer by ~15%
    but tripled the 99th percentile in bench/risk.py, so nothing waits)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def read(self, timeout: float) -> list[Frame] | None:
        """The frames received (waiting up to `timeout`), [] on timeout, None when the web process is gone."""
        if not select.select([self.sock], [], [], timeout)[0]:
            return []
        data = self.sock.recv(_RECV)
        if not data:
            return None
        self.buffer += data
        frames: list[Frame] = []
        while len(self.buffer) >= _HEADER.size:
            size = _HEADER.unpack_from(self.buffer)[0]
            if len(self.buffer) < _HEADER.size + size:
                break
            frames.append(pickle.loads(bytes(self.buffer[_HEADER.size:_HEADER.size + size])))
            del self.buffer[:_HEADER.size + size]
        return frames


def _serve(sock: socket.socket, database: Database) -> None:
    from fanzha.core.db import set_database
    from fanzha.risk import realtime, rulesets

    set_database(database)
    with database.session() as session:
        realtime.scorer_for(session, database)  # rebuild the state before the first request
    gc.collect()
    gc.freeze()  # the state is long-lived: keep the collector from walking it
    inbox = _Inbox(sock)
    polled = time.monotonic()
    while True:
        frames = inbox.read(RULES_POLL_S)
        if frames is None:  # the web process is gone
            return
        if any(kind == "rules" for kind, *_ in frames) or time.monotonic() - polled > RULES_POLL_S:
            polled = time.monotonic()
            with database.session() as session:
                scorer = realtime.scorer_for(session, database)
                if rulesets.published_label(session) != scorer.ruleset.label:
                    scorer.ruleset = rulesets.active_ruleset(session)
        scores = [frame for frame in frames if frame[0] == "score"]
        for start in range(0, len(scores), writer.MAX_BATCH):
            _answer_batch(sock, database, scores[start:start + writer.MAX_BATCH])


def _answer_batch(sock: socket.socket, database: Database, frames: list[Frame]) -> None:
    answers: list[tuple[int, int, bytes]] = []
    jobs: list[tuple[int, writer.Job]] = []
    for _, request_id, actor, body in frames:
        try:
            data = TransactionIn.model_validate_json(body)
        except ValidationError:
            answers.append((request_id, INVALID, b""))
            continue
        jobs.append((request_id, writer.Job(database=database, actor=actor, data=data, future=None)))
    events: list[Event] = []
    if jobs:
        writer.run_batch(database, [job for _, job in jobs], announce=lambda _db, batch: events.extend(batch))
    for request_id, job in jobs:
        try:
            answers.append((request_id, *answer_of(job)))
        except Exception as exc:  # never leave the web process waiting
            log.error("scorer_answer_failed", error=repr(exc))
            answers.append((request_id, 500, _INTERNAL))
    frame = pickle.dumps((answers, events), protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(frame)) + frame)


def _checkpoint_off_the_batch(database: Database) -> None:
    """SQLite: checkpoint the WAL on a thread of this process every CHECKPOINT_S, instead of in whichever
    batch's commit crosses 1,000 WAL pages (~700 transfers): that commit copied ~4 MB back and synced
    it inside the batch, a few ms on the batch's 99th percentile. A PASSIVE checkpoint neither waits
    for nor blocks the writer, and sqlite3 releases the GIL while it runs."""
    import sqlite3

    from sqlalchemy import event

    path = database.engine.url.database
    if not database.is_sqlite or not path or path == ":memory:":
        return

    @event.listens_for(database.engine, "connect")
    def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    def run() -> None:
        conn = sqlite3.connect(path, timeout=10, check_same_thread=False)
        while True:
            time.sleep(CHECKPOINT_S)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as exc:  # busy or locked: the next round tries again
                log.warning("scorer_checkpoint_failed", error=repr(exc))

    threading.Thread(target=run, name="scorer-checkpoint", daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    from fanzha.core import logging as flog
    from fanzha.core.settings import get_settings

    parser = argparse.ArgumentParser(description="fanzha scoring process (started by `fanzha serve`)")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    settings = get_settings()
    flog.configure(settings.log_level, settings.log_json)
    sock = socket.socket(fileno=args.fd)
    database = Database(args.database_url)
    _checkpoint_off_the_batch(database)
    # Exit with the web process even if it dies without closing the socket (kill -9).
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        _serve(sock, database)
    finally:
        database.dispose()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


if __name__ == "__main__":
    main()
