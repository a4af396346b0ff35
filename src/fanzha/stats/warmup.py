"""Keeps the 大屏 answering from cache: recomputes the current month's dashboard for the
top of the jurisdiction tree and its towns every few minutes, beside the web app."""

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


def warm_once() -> int:
    """Computes and caches the current month for every county and town; returns how many."""
    from fanzha.stats.cache import store
    from fanzha.stats.engine import Engine

    period = current(PeriodKind.MONTH, clock.now())
    with session_scope() as session:
        nodes = session.scalars(select(Area).where(Area.level.in_(("city", "county", "town")))).all()
        engine = Engine(session)  # one engine: the months' sums are fetched once for all of them
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
