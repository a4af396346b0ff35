"""Keeps the 大屏 answering fast: stores the rollup of closed months (`stats/rollup.py`) that
are missing or expired, then recomputes the current month's dashboard for the top of the
jurisdiction tree and its towns, every few minutes beside the web app."""

from __future__ import annotations

import threading

import structlog
from sqlalchemy import select

from fanzha.areas.models import Area
from fanzha.core import clock
from fanzha.core.db import session_scope
from fanzha.stats.cache import OPEN_TTL_S
from fanzha.stats.dashboard import dashboard
from fanzha.stats.periods import PeriodKind, current

log = structlog.get_logger("fanzha.stats.warmup")

# Refresh a little before the current period's entries expire.
INTERVAL_S = OPEN_TTL_S * 0.8
# Closed months kept stored: a 36-month trend and its 同比 base.
ROLLUP_MONTHS = 37


def warm_once() -> int:
    """Computes and caches the current month for every county and town; returns how many."""
    from fanzha.stats.cache import store
    from fanzha.stats.engine import Engine

    period = current(PeriodKind.MONTH, clock.now())
    with session_scope() as session:
        Engine(session).materialise([period.shift(-i) for i in range(ROLLUP_MONTHS, 0, -1)])
    with session_scope() as session:
        nodes = session.scalars(select(Area).where(Area.level.in_(("city", "county", "town")))).all()
        # One engine: the months' parts are read once for all of them. refresh: source coverage and
        # the residents snapshot are recomputed here, so requests find them cached.
        engine = Engine(session, refresh=True)
        for node in nodes:
            store(("dashboard", node.code, period.key), period, dashboard(engine, node, period))
    return len(nodes)


def run(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            log.info("stats.warmup", areas=warm_once())
        except Exception:  # keep serving; the next round tries again
            log.exception("stats.warmup.failed")
        stop.wait(INTERVAL_S)
