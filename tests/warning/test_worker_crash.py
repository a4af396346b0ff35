"""Scale-out: a worker killed with SIGKILL mid-stream loses nothing and doubles nothing.

Real Redis (127.0.0.1:6379) and PostgreSQL; a unique stream prefix per test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fanzha.core.db import Database
from fanzha.warning import worker
from fanzha.warning.models import WarningInstruction, WarningSignal
from tests.factories import make_person, make_tree
from tests.warning.helpers import signal as make_signal

REDIS_URL = os.environ.get("FANZHA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
N = 1000


def _redis_or_skip() -> object:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {exc}")
    return client


def _spawn(url: str, prefix: str, name: str, tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FANZHA_DATABASE_URL": url, "FANZHA_REDIS_URL": REDIS_URL, "FANZHA_DATA_DIR": str(tmp),
           "FANZHA_LOG_LEVEL": "WARNING"}
    # Same as `fanzha worker …`, without loading every other domain's CLI.
    return subprocess.Popen([sys.executable, "-c", "from fanzha.warning.cli import worker_app; worker_app()",
                             "--prefix", prefix, "--consumer", name,
                             "--batch", "50", "--claim-idle-ms", "500", "--no-timer"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _counts(database: Database) -> tuple[int, int, int]:
    with database.session() as s:
        return (s.scalar(select(func.count()).select_from(WarningSignal)) or 0,
                s.scalar(select(func.count(func.distinct(WarningSignal.external_id)))) or 0,
                s.scalar(select(func.count()).select_from(WarningInstruction)) or 0)


def test_worker_killed_mid_stream_every_instruction_lands_exactly_once(database: Database, tmp_path: Path) -> None:
    if database.is_sqlite:
        pytest.skip("multi-process workers are the PostgreSQL deployment")
    client = _redis_or_skip()
    from tests.conftest import _worker

    url = database.engine.url.set(query={"options": f"-csearch_path=fz_{_worker()}"}).render_as_string(
        hide_password=False)
    with database.session() as s:
        make_tree(s)
        people = [make_person(s, area_code="G111").id for _ in range(20)]
    prefix = f"fztest:{uuid.uuid4().hex[:8]}:"
    signals = [make_signal(person_id=people[i % 20], external_id=f"K-{i}", counterpart=f"1710{i:07d}")
               for i in range(N)]
    worker.publish_signals(REDIS_URL, signals, prefix=prefix)
    first = _spawn(url, prefix, "doomed", tmp_path)
    second = None
    try:
        deadline = time.monotonic() + 60
        while _counts(database)[0] < N // 8 and time.monotonic() < deadline:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = _counts(database)[0]
        assert 0 < killed_at < N, f"the kill should land mid-stream: {first.stderr.read()[-3000:]!r}"  # type: ignore[union-attr]
        second = _spawn(url, prefix, "survivor", tmp_path)
        while _counts(database)[0] < N and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # let the survivor finish acknowledging
        assert _counts(database) == (N, N, N)
        backlog = worker.BatchWorker(REDIS_URL, prefix=prefix).backlog()
        assert all(v == {"lag": 0, "pending": 0} for v in backlog.values()), backlog
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(10)
        for key in client.scan_iter(match=prefix + "*"):  # type: ignore[attr-defined]
            client.delete(key)  # type: ignore[attr-defined]
