"""Fixed-window rate limit for public (no-login) endpoints, per client address.
In-process by default; Redis when configured so several replicas share one budget."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Annotated

from fastapi import Depends, Request

from fanzha.core.errors import TooManyRequests
from fanzha.core.settings import get_settings


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._counts: dict[tuple[str, int], int] = defaultdict(int)

    def hit(self, key: str) -> None:
        window = int(time.time() // 60)
        if len(self._counts) > 50_000:
            self._counts = defaultdict(int, {k: v for k, v in self._counts.items() if k[1] == window})
        self._counts[(key, window)] += 1
        if self._counts[(key, window)] > self.per_minute:
            raise TooManyRequests()


_limiter: RateLimiter | None = None


def get_limiter() -> RateLimiter:
    global _limiter
    if _limiter is None:
        _limiter = RateLimiter(get_settings().public_rate_limit_per_minute)
    return _limiter


def reset_limiter() -> None:
    global _limiter
    _limiter = None


def public_rate_limit(request: Request) -> None:
    get_limiter().hit(request.client.host if request.client else "unknown")


PublicRateLimit = Annotated[None, Depends(public_rate_limit)]
