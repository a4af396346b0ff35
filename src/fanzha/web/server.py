"""Serving: uvicorn plus the in-process background jobs (SLA timers, bus consumers)."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable

import structlog
import uvicorn

from fanzha.core.settings import get_settings

log = structlog.get_logger("fanzha.server")

# Background loops started beside the web app: "module:function(stop_event)". Domains add theirs.
BACKGROUND_JOBS: list[str] = [
    "fanzha.warning.sla:timer_loop",
    "fanzha.warning.worker:bus_loop",
    "fanzha.cases.sightings:subscribe_loop",
    "fanzha.risk.freeze:run_clock",
    "fanzha.stats.warmup:run",
    "fanzha.outreach.planning:warm_loop",
    "fanzha.cases.gangs:warm_loop",
    "fanzha.risk.realtime:warm",
    "fanzha.core.events:relay_loop",
]


def start_background(stop: threading.Event) -> list[threading.Thread]:
    threads = []
    for spec in BACKGROUND_JOBS:
        module, attr = spec.split(":")
        target: Callable[[threading.Event], None] = getattr(importlib.import_module(module), attr)
        thread = threading.Thread(target=target, args=(stop,), name=spec, daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def serve(host: str | None = None, port: int | None = None) -> None:
    from fanzha.core import migrate
    from fanzha.core.db import get_database
    from fanzha.risk import scorer_process
    from fanzha.web.app import create_app

    settings = get_settings()
    migrate.upgrade(get_database().engine)
    if settings.risk_scoring == "process":
        scorer_process.start(get_database().url)
    stop = threading.Event()
    start_background(stop)
    host, port = host or settings.host, port or settings.port
    log.info("serving", url=f"http://{host}:{port}")
    print(f"fanzha 已启动 / serving on http://{host}:{port}  (Ctrl+C 停止)", flush=True)
    try:
        uvicorn.run(create_app(), host=host, port=port, log_config=None, access_log=False)
    finally:
        stop.set()
        if settings.risk_scoring == "process":
            scorer_process.stop()
