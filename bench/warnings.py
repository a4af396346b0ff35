"""Warning pipeline benchmark: ingest → graded → dispatched.

    .venv/bin/python bench/warnings.py --backend sqlite
    .venv/bin/python bench/warnings.py --backend postgresql --workers 2 --n 10000 --rate 1000
    .venv/bin/python bench/warnings.py --backend postgresql --workers 2 --replay 74000

Baseline (same run): one signal per transaction, as a naive per-event handler would do it.
SQLite: batches of 500 in-process. PostgreSQL: `--workers` worker processes consume a Redis
Stream (unique prefix) fed at `--rate` signals/s; latency = dispatched_at − received_at per
instruction, read back from the database. `--replay N`: N signals queued at once, drained.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys

# This file is named like the stdlib `warnings`; keep its folder off the import path.
sys.path[:] = [p for p in sys.path if not p.endswith("bench")]

import argparse
import os
import random
import subprocess
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

PG_URL = os.environ.get("FANZHA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("FANZHA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def setup(backend: str, tmp: Path) -> tuple[object, str, list[int]]:
    os.environ["FANZHA_DATA_DIR"] = str(tmp)
    import fanzha.models  # noqa: F401
    from fanzha.core import pii
    from fanzha.core.db import Base, Database, set_database
    from fanzha.people.models import Person
    from fanzha.sim.county import build_county
    from fanzha.sim.seed import seed_county

    pii.set_keyring(pii.Keyring(b"b" * 32))
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
        db = Database(url)
    else:
        schema = f"fzbench_{os.getpid()}"
        admin = Database(PG_URL)
        with admin.engine.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        db = Database(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    Base.metadata.create_all(db.engine)
    set_database(db)
    county = build_county(7, residents=20_000, towns=6, villages=30)
    with db.session() as s:
        seed_county(s, county, with_users=False)
    with db.session() as s:
        people = list(s.scalars(select(Person.id)))
    return db, url, people


def signals(people: list[int], n: int, *, seed: int, prefix: str) -> list[object]:
    from fanzha.core import clock
    from fanzha.warning.schemas import SignalIn

    rng = random.Random(seed)
    now = clock.now()
    out = []
    for i in range(n):
        flags = frozenset(rng.sample(["remote_app", "ongoing_call", "risky_url", "money_movement"], rng.randint(0, 2)))
        ext = f"{prefix}-{i if rng.random() > 0.02 else max(i - 1, 0)}"  # 2% re-sent duplicates
        out.append(SignalIn(source=rng.choice(["telecom", "app", "bank", "sms_gateway"]), external_id=ext,
                            occurred_at=now - timedelta(minutes=rng.uniform(1, 2000)),
                            person_id=rng.choice(people), counterpart_kind="phone",
                            counterpart_masked="170****0000", counterpart_hash=f"cp{rng.randrange(n * 2)}",
                            type_code=rng.choice(["F01", "F02", "F04", "F05", "F11"]), flags=flags,
                            amount_fen=rng.choice([0, 0, 500_000, 3_000_000])))
    return out


def baseline(db: object, people: list[int], n: int) -> float:
    from fanzha.core.rbac import Principal
    from fanzha.warning import ingest

    sys_ = Principal.system("bench")
    batch = signals(people, n, seed=1, prefix="base")
    t = time.perf_counter()
    for s in batch:
        with db.session() as session:  # type: ignore[attr-defined]
            ingest.ingest(session, [s], actor=sys_)
    return n / (time.perf_counter() - t)


def in_process(db: object, people: list[int], n: int, size: int = 500) -> tuple[float, float]:
    from fanzha.core.rbac import Principal
    from fanzha.warning import ingest

    sys_ = Principal.system("bench")
    batch = signals(people, n, seed=2, prefix="inproc")
    durations = []
    t = time.perf_counter()
    for k in range(0, n, size):
        t0 = time.perf_counter()
        with db.session() as session:  # type: ignore[attr-defined]
            ingest.ingest(session, batch[k:k + size], actor=sys_)
        durations.append(time.perf_counter() - t0)
    durations.sort()
    return n / (time.perf_counter() - t), durations[min(len(durations) - 1, int(len(durations) * 0.99))]


def count(db: object, prefix: str) -> int:
    from fanzha.warning.models import WarningSignal

    with db.session() as s:  # type: ignore[attr-defined]
        return s.scalar(select(func.count()).select_from(WarningSignal)
                        .where(WarningSignal.external_id.like(f"{prefix}-%"))) or 0


def total(db: object) -> int:
    """Cheap progress poll (the bench schema is fresh): the max id, not a scan."""
    from fanzha.warning.models import WarningSignal

    with db.session() as s:  # type: ignore[attr-defined]
        return s.scalar(select(func.count()).select_from(WarningSignal)) or 0


def with_workers(db: object, url: str, people: list[int], n: int, *, workers: int, rate: float | None,
                 tmp: Path, tag: str) -> dict[str, float]:
    import redis

    from fanzha.warning import worker
    from fanzha.warning.models import WarningInstruction, WarningSignal

    stream_prefix = f"fzbench:{uuid.uuid4().hex[:8]}:"
    batch = signals(people, n, seed=3, prefix=tag)
    unique = len({(s.source, s.external_id) for s in batch})  # type: ignore[attr-defined]
    env = {**os.environ, "FANZHA_DATABASE_URL": url, "FANZHA_REDIS_URL": REDIS_URL, "FANZHA_DATA_DIR": str(tmp),
           "FANZHA_LOG_LEVEL": "WARNING"}
    procs = [subprocess.Popen([sys.executable, "-c", "from fanzha.warning.cli import worker_app; worker_app()",
                               "--prefix", stream_prefix, "--consumer", f"w{i}", "--batch", "500", "--no-timer"],
                              env=env, stdout=subprocess.DEVNULL) for i in range(workers)]
    try:
        worker.BatchWorker(REDIS_URL, prefix=stream_prefix)  # groups exist before the first message
        time.sleep(3)  # workers import and connect
        before = total(db)
        t = time.perf_counter()
        if rate is None:
            worker.publish_signals(REDIS_URL, batch, prefix=stream_prefix)  # type: ignore[arg-type]
        else:
            step = max(int(rate / 20), 1)
            for k in range(0, n, step):
                worker.publish_signals(REDIS_URL, batch[k:k + step], prefix=stream_prefix)  # type: ignore[arg-type]
                ahead = (k + step) / rate - (time.perf_counter() - t)
                if ahead > 0:
                    time.sleep(ahead)
        published = time.perf_counter() - t
        target = before + unique
        while total(db) < target and time.perf_counter() - t < 600:
            time.sleep(0.5)
        elapsed = time.perf_counter() - t
        with db.session() as s:  # type: ignore[attr-defined]
            rows = s.execute(select(WarningInstruction.received_at, WarningInstruction.dispatched_at)
                             .join(WarningSignal, WarningSignal.warning_id == WarningInstruction.id)
                             .where(WarningSignal.external_id.like(f"{tag}-%"))).all()
        lat = sorted((d - r).total_seconds() for r, d in rows)
        return {"signals": n, "unique": unique, "published_s": round(published, 2), "elapsed_s": round(elapsed, 2),
                "rate_per_s": round(unique / elapsed, 1), "p50_s": round(lat[len(lat) // 2], 3),
                "p99_s": round(lat[int(len(lat) * 0.99)], 3), "written": count(db, tag)}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=stream_prefix + "*"):
            client.delete(key)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--replay", type=int, default=0)
    ap.add_argument("--baseline-n", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        db, url, people = setup(args.backend, tmp)
        base = baseline(db, people, args.baseline_n)
        print(f"[{args.backend}] baseline, one signal per transaction: {base:,.0f}/s")
        if args.backend == "sqlite":
            rate, p99 = in_process(db, people, args.n)
            print(f"[sqlite] batched in-process (500/batch): {rate:,.0f}/s, p99 batch latency {p99:.3f}s "
                  f"({rate / base:.1f}× baseline)")
            return
        rate, p99 = in_process(db, people, min(args.n, 5000))
        print(f"[postgresql] batched in-process, 1 process: {rate:,.0f}/s ({rate / base:.1f}× baseline)")
        r = with_workers(db, url, people, args.n, workers=args.workers, rate=args.rate, tmp=tmp, tag="sus")
        print(f"[postgresql] {args.workers} workers, fed at {args.rate:,.0f}/s: {r}  "
              f"({r['rate_per_s'] / base:.1f}× baseline)")
        if args.replay:
            r = with_workers(db, url, people, args.replay, workers=args.workers, rate=None, tmp=tmp, tag="replay")
            print(f"[postgresql] replay of {args.replay:,} queued at once, {args.workers} workers: {r}")
        from fanzha.warning import pipeline

        with db.session() as s:  # type: ignore[attr-defined]
            st = pipeline.status(s)
        print(f"[postgresql] pipeline: open {st['open_by_level']}, lag p50/p99 "
              f"{st['ingest_lag_p50_ms']}/{st['ingest_lag_p99_ms']} ms")
        schema = f"fzbench_{os.getpid()}"
        with db.engine.begin() as c:  # type: ignore[attr-defined]
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


if __name__ == "__main__":
    main()
