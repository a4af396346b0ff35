"""Test harness: every database test runs on SQLite and on the real PostgreSQL.

PostgreSQL is at 127.0.0.1:5432 (database `test`, trust auth); each xdist worker uses
its own schema. If the server is unreachable those tests skip with the reason shown.
Set FANZHA_TEST_BACKENDS=sqlite (or postgresql) to run one backend only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from fanzha.core import clock, events, pii
from fanzha.core.db import Base, Database, set_database
from fanzha.core.settings import get_settings
from fanzha.web import ratelimit

PG_BASE_URL = os.environ.get("FANZHA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b.strip() for b in os.environ.get("FANZHA_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]
LOG_ROOT = Path(os.environ.get("FANZHA_TEST_LOG_DIR", Path(__file__).resolve().parent.parent / "var" / "test-logs"))


def _worker() -> str:
    # Unique per process: several pytest runs may share this machine and its PostgreSQL.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}_{os.getpid()}"


def pytest_configure(config: pytest.Config) -> None:
    import fanzha.models  # noqa: F401  (every table registered)

    tmp = Path(config.rootpath) / "var" / "tests" / _worker()
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True, exist_ok=True)
    os.environ["FANZHA_DATA_DIR"] = str(tmp)
    os.environ["FANZHA_AGGREGATE_CACHE_SECONDS"] = "0"  # every test sees its own data at once
    os.environ.setdefault("FANZHA_LOG_LEVEL", "INFO")
    get_settings.cache_clear()
    pii.set_keyring(pii.Keyring(b"k" * 32))
    from tests import logcapture

    # One folder per run, shared by the xdist workers (they inherit the controller's environment).
    os.environ.setdefault("FANZHA_TEST_RUN_ID", f"run-{os.getpid()}")
    logcapture.start(LOG_ROOT / os.environ["FANZHA_TEST_RUN_ID"], _worker())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from tests import logcapture

    engine = _pg_state.get("engine")
    if engine is not None:
        engine.dispose()  # type: ignore[attr-defined]
        from fanzha.core.db import make_engine

        admin = make_engine(PG_BASE_URL, pool_size=1)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS fz_{_worker()} CASCADE"))
        admin.dispose()
    shutil.rmtree(Path(os.environ["FANZHA_DATA_DIR"]), ignore_errors=True)
    logcapture.finish()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # the controller checks every worker's logs once they are all done
    leaks = logcapture.find_leaks_in_run()
    if leaks:
        print("\n\nPII LEAK: unmasked personal values found in the logs of this test run:")
        for leak in leaks[:20]:
            print("  ", leak)
        session.exitstatus = 1
    else:
        print(f"\nPII log check: {logcapture.run_summary()}")


_pg_state: dict[str, object] = {}


def _pg_engine() -> Engine | None:
    if "engine" in _pg_state:
        return _pg_state["engine"]  # type: ignore[return-value]
    from fanzha.core.db import make_engine

    schema = f"fz_{_worker()}"
    engine = None
    try:
        admin = make_engine(PG_BASE_URL, pool_size=1)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        engine = make_engine(PG_BASE_URL, connect_args={"options": f"-csearch_path={schema}"})
        Base.metadata.create_all(engine)
    except Exception as exc:  # unreachable server: skip, but say why
        _pg_state["reason"] = f"PostgreSQL at {PG_BASE_URL} unreachable: {exc.__class__.__name__}: {exc}"
    _pg_state["engine"] = engine
    return engine


_sqlite_template: dict[str, Path] = {}


def _sqlite_db(tmp_path: Path) -> Database:
    if "path" not in _sqlite_template:
        template = Path(os.environ["FANZHA_DATA_DIR"]) / "template.db"
        template.unlink(missing_ok=True)
        db = Database(f"sqlite:///{template}")
        Base.metadata.create_all(db.engine)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
        _sqlite_template["path"] = template
    target = tmp_path / "fanzha.db"
    shutil.copy(_sqlite_template["path"], target)
    return Database(f"sqlite:///{target}")


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A clean, migrated-schema database for one test, installed as the process default."""
    if request.param == "sqlite":
        db = _sqlite_db(tmp_path)
    else:
        engine = _pg_engine()
        if engine is None:
            pytest.skip(str(_pg_state.get("reason")))
        db = Database.__new__(Database)
        db.url, db.engine = str(engine.url), engine
        from sqlalchemy.orm import sessionmaker

        db.sessionmaker = sessionmaker(engine, expire_on_commit=False)
    set_database(db)
    events.set_bus(events.InProcessBus())
    ratelimit.reset_limiter()
    yield db
    set_database(None)
    events.set_bus(None)
    clock.set_clock(clock.Clock())
    if request.param == "sqlite":
        db.dispose()
    else:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def session(database: Database) -> Iterator[object]:
    with database.session() as s:
        yield s


@pytest.fixture
def frozen_clock() -> Iterator[clock.FrozenClock]:
    from datetime import UTC, datetime

    fc = clock.FrozenClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    clock.set_clock(fc)
    yield fc
    clock.set_clock(clock.Clock())


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The real Redis this machine runs; tests that need it are skipped, with the reason, where it is absent."""
    import redis

    url = os.environ.get("FANZHA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"Redis at {url} unreachable: {exc}")
    yield url
