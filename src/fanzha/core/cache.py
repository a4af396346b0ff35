"""A small per-process TTL cache for county-wide aggregates that change slowly
(population by group, App coverage, the visit-plan risk model).

Computing them scans every resident (40万 rows); pages that show them would otherwise
take seconds. `FANZHA_AGGREGATE_CACHE_SECONDS=0` turns caching off (the tests do).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from fanzha.core.settings import get_settings

T = TypeVar("T")
_lock = threading.Lock()
_store: dict[Hashable, tuple[float, Any]] = {}
MAX_ENTRIES = 2048


def cached(session: Session, key: Hashable, compute: Callable[[], T], *, refresh: bool = False) -> T:
    """The cached value for `key`, computed when missing or older than the TTL; `refresh=True`
    recomputes and stores it regardless (background warm-up jobs, so requests never wait)."""
    ttl = get_settings().aggregate_cache_seconds
    if ttl <= 0:
        return compute()
    bind = session.get_bind()
    full_key = (str(bind.engine.url), key)
    now = time.monotonic()
    hit = _store.get(full_key)
    if hit is not None and now - hit[0] < ttl and not refresh:
        return hit[1]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        if len(_store) >= MAX_ENTRIES:
            _store.clear()
        _store[full_key] = (now, value)
    return value


def ttl_seconds() -> int:
    return get_settings().aggregate_cache_seconds


def clear() -> None:
    with _lock:
        _store.clear()
