"""Cost of the transactional outbox on the emit path (same run, interleaved rounds).

    .venv/bin/python -P bench/outbox.py --backend sqlite
    .venv/bin/python -P bench/outbox.py --backend postgresql
    .venv/bin/python -P bench/outbox.py --backend sqlite --warnings 3000

Micro: each transaction writes one row (an `event_receipt`) and emits 1 or 500 events to an
in-process bus with one subscriber. `--warnings N`: the warning ingest path of bench/warnings.py
instead (N signals in batches of 500, one `warning.created` per new instruction). Baseline: the
same with the outbox switched off (no INSERT before the commit, no DELETE after the publish),
i.e. the code before the outbox. Rounds alternate baseline / outbox so load changes hit both alike.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.orm import Session

PG_URL = os.environ.get("FANZHA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def outbox_off() -> Iterator[None]:
    from fanzha.core import events

    original = events._publish_committed

    def publish_only(engine: object, evs: list[events.Event], *, in_outbox: int) -> None:
        bus = events.get_bus()
        for ev in evs:
            bus.publish(ev)

    event.remove(Session, "before_commit", events._write_outbox)
    events._publish_committed = publish_only  # type: ignore[assignment]
    try:
        yield
    finally:
        event.listen(Session, "before_commit", events._write_outbox)
        events._publish_committed = original


def run(database: object, n_tx: int, per_tx: int) -> tuple[float, float]:
    from fanzha.core import events

    db = database  # fanzha.core.db.Database
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n_tx):
        with db.session() as s:  # type: ignore[attr-defined]
            events.first_delivery(s, consumer="bench", event_id=uuid.uuid4().hex)
            for i in range(per_tx):
                events.emit(s, "warning.created", {"warning_id": i, "level": "高", "source": "bench",
                                                   "area_code": "330102", "person_id": 12345})
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warnings", type=int, default=0, help="signals per round through warning ingest")
    args = ap.parse_args()
    if args.warnings:
        warning_ingest(args.backend, args.warnings, args.rounds)
        return

    tmp = Path(tempfile.mkdtemp(prefix="fanzha-bench-outbox-"))
    os.environ["FANZHA_DATA_DIR"] = str(tmp)
    import fanzha.models  # noqa: F401
    from fanzha.core import events
    from fanzha.core.db import Base, Database

    if args.backend == "sqlite":
        db = Database(f"sqlite:///{tmp / 'bench.db'}")
        Base.metadata.create_all(db.engine)
        cleanup: Callable[[], None] = lambda: None  # noqa: E731
    else:
        schema = f"bench_outbox_{os.getpid()}"
        admin = Database(PG_URL)
        with admin.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        db = Database(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
        Base.metadata.create_all(db.engine)

        def cleanup() -> None:
            db.dispose()
            with admin.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()

    bus = events.InProcessBus()
    bus.subscribe("warning.created", lambda ev: None)
    events.set_bus(bus)
    print(f"backend={args.backend} load(1/5/15 min)={os.getloadavg()}")
    try:
        for label, n_tx, per_tx in (("1 event per transaction", 1500, 1), ("500 events per transaction", 20, 500)):
            run(db, 50, per_tx)  # warm-up (both paths)
            with outbox_off():
                run(db, 50, per_tx)
            totals = {"baseline": [0.0, 0.0], "outbox": [0.0, 0.0]}
            for _ in range(args.rounds):
                with outbox_off():
                    w, c = run(db, n_tx, per_tx)
                totals["baseline"][0] += w
                totals["baseline"][1] += c
                w, c = run(db, n_tx, per_tx)
                totals["outbox"][0] += w
                totals["outbox"][1] += c
            n = n_tx * per_tx * args.rounds
            b, o = totals["baseline"], totals["outbox"]
            print(f"{label}: baseline {n / b[0]:,.0f} events/s (cpu {b[1]:.2f} s), "
                  f"outbox {n / o[0]:,.0f} events/s (cpu {o[1]:.2f} s); "
                  f"outbox/baseline = {b[0] / o[0]:.2f} (wall), {b[1] / o[1]:.2f} (cpu); "
                  f"{(o[0] - b[0]) / (n_tx * args.rounds) * 1000:.2f} ms more per transaction")
        with db.session() as s:
            left = s.scalar(text("SELECT count(*) FROM event_outbox"))
        print(f"outbox rows left: {left} (the last transaction's, deleted by the next one or the relay), "
              f"load now={os.getloadavg()}")
        events.flush_acks(db)
    finally:
        events.set_bus(None)
        cleanup()


def warning_ingest(backend: str, n: int, rounds: int) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_warnings", Path(__file__).with_name("warnings.py"))
    assert spec is not None and spec.loader is not None
    bw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bw)
    from fanzha.core import events
    from fanzha.core.rbac import Principal
    from fanzha.warning import ingest

    tmp = Path(tempfile.mkdtemp(prefix="fanzha-bench-outbox-"))
    db, _url, people = bw.setup(backend, tmp)
    events.set_bus(events.InProcessBus())
    actor = Principal.system("bench")
    print(f"backend={backend} warning ingest, {n} signals per round, batches of 500, "
          f"load(1/5/15 min)={os.getloadavg()}")

    def one(tag: str, seed: int) -> tuple[float, float]:
        batch = bw.signals(people, n, seed=seed, prefix=tag)
        wall, cpu = time.perf_counter(), time.process_time()
        for k in range(0, n, 500):
            with db.session() as session:
                ingest.ingest(session, batch[k:k + 500], actor=actor)
        return time.perf_counter() - wall, time.process_time() - cpu

    one("warm", 99)
    totals = {"baseline": [0.0, 0.0], "outbox": [0.0, 0.0]}
    # Every run ingests new signals into the same growing database, so later runs merge more;
    # the order alternates (B O O B B O ...) so that drift hits both alike.
    for r in range(rounds):
        for j, kind in enumerate(("baseline", "outbox") if r % 2 == 0 else ("outbox", "baseline")):
            if kind == "baseline":
                with outbox_off():
                    w, c = one(f"base{r}", 2 * r + j)
            else:
                w, c = one(f"outbox{r}", 2 * r + j)
            totals[kind][0] += w
            totals[kind][1] += c
            print(f"  round {r} {kind}: {n / w:,.0f} signals/s (cpu {c:.2f} s)")
    b, o = totals["baseline"], totals["outbox"]
    print(f"baseline {n * rounds / b[0]:,.0f} signals/s (cpu {b[1]:.2f} s), outbox {n * rounds / o[0]:,.0f} "
          f"signals/s (cpu {o[1]:.2f} s); outbox/baseline = {b[0] / o[0]:.2f} (wall), {b[1] / o[1]:.2f} (cpu); "
          f"load now={os.getloadavg()}")
    events.flush_acks(db)
    events.set_bus(None)


if __name__ == "__main__":
    main()
