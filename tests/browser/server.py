"""Runs the real app for the browser tests: seed a small simulated county into a fresh SQLite
database, then serve it with uvicorn. Started as a subprocess by conftest.py so that the
server has its own settings, keyring and database, exactly like `fanzha demo`.

    python -m tests.browser.server --port 8765   (FANZHA_DATA_DIR must point at an empty dir)
"""

from __future__ import annotations

import argparse
import threading

# Small enough to seed in seconds, big enough that every town has residents and history.
RESIDENTS = 3000
DAYS = 10
SEED = 7


def prepare_database(*, residents: int = RESIDENTS, days: int = DAYS, seed: int = SEED) -> None:
    """Schema plus the simulated county (skipped when the database already holds one)."""
    import fanzha.models  # noqa: F401  (every domain's tables)
    from fanzha.core import migrate
    from fanzha.core.db import Base, get_database
    from fanzha.sim.runner import seed_demo

    engine = get_database().engine
    migrate.upgrade(engine)
    # Domain tables that the initial migration does not hold yet (the lead regenerates it).
    Base.metadata.create_all(engine)
    seed_demo(seed=seed, residents=residents, days=days)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

    import uvicorn

    from fanzha.core import logging as flog
    from fanzha.core.settings import get_settings
    from fanzha.web.app import create_app
    from fanzha.web.server import start_background

    settings = get_settings()
    flog.configure(settings.log_level, settings.log_json)
    prepare_database()
    stop = threading.Event()
    start_background(stop)
    print("BROWSER-SERVER-READY", flush=True)
    try:
        uvicorn.run(create_app(), host="127.0.0.1", port=args.port, log_config=None, access_log=False)
    finally:
        stop.set()


if __name__ == "__main__":
    main()
