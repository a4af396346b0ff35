"""A small in-process cache for dashboard payloads, keyed per area × period × query.

A closed period (ended before today) no longer changes except by late corrections, so it
is kept for an hour; the current period for five minutes (re-warmed by
stats/warmup.py). The caller's permission and scope
are checked before the cache is consulted, so a cached payload never crosses jurisdictions.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from fanzha.core import clock
from fanzha.stats.periods import Period

CLOSED_TTL_S = 3600.0
# The current period: a 大屏 five minutes behind is fine; stats/warmup.py refreshes it before expiry.
OPEN_TTL_S = 300.0
MAX_ENTRIES = 512

_lock = threading.Lock()
_entries: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()


def ttl_for(period: Period) -> float:
    return CLOSED_TTL_S if period.utc_bounds()[1] <= clock.now() else OPEN_TTL_S


def cached(key: tuple[Any, ...], period: Period, compute: Callable[[], Any]) -> Any:
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit is not None and hit[0] > now:
            _entries.move_to_end(key)
            return hit[1]
    value = compute()
    store(key, period, value)
    return value


def store(key: tuple[Any, ...], period: Period, value: Any) -> None:
    with _lock:
        _entries[key] = (time.monotonic() + ttl_for(period), value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()
