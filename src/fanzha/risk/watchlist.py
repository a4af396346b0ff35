"""`payee_on_risk_list` for the real-time scorer, backed by the 涉诈 risk-list domain.

The scorer must not query per feature, so answers from `risklists.service.is_account_listed`
are cached per payee hash for a minute: a listed account is seen within a minute of being
added, and a busy payee costs one query a minute instead of one per transfer.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine
from sqlalchemy.orm import Session

TTL_SECONDS = 60.0


class ListedAccounts:
    def __init__(self, engine: Engine, ttl: float = TTL_SECONDS) -> None:
        self.engine = engine
        self.ttl = ttl
        self._cache: dict[str, tuple[float, bool]] = {}
        self._extra: set[str] = set()

    def add(self, account_hash: str) -> None:
        """Mark an account listed at once (e.g. the simulator's known fraud accounts)."""
        self._extra.add(account_hash)

    def contains_account(self, account_hash: str) -> bool:
        return self.check(None, account_hash)

    def check(self, session: Session | None, account_hash: str) -> bool:
        """Answer from the cache, else ask the risk-list domain — on the caller's session when given,
        so a request never needs a second pooled connection (that deadlocks a busy pool)."""
        if account_hash in self._extra:
            return True
        now = time.monotonic()
        hit = self._cache.get(account_hash)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        listed = self._lookup(session, account_hash)
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[account_hash] = (now, listed)
        return listed

    def prefetch(self, session: Session, account_hashes: set[str]) -> None:
        """Fill the cache for many payees with one query (a batch of transfers)."""
        now = time.monotonic()
        missing = [h for h in account_hashes if h not in self._extra
                   and (h not in self._cache or now - self._cache[h][0] >= self.ttl)]
        if not missing:
            return
        try:
            from fanzha.risklists import service as risklists
        except ImportError:
            return
        listed = {key for _, key in risklists.listed_keys(session, (("account", h) for h in missing))}
        if len(self._cache) + len(missing) > 200_000:
            self._cache.clear()
        for h in missing:
            self._cache[h] = (now, h in listed)

    def forget(self, account_hash: str | None = None) -> None:
        if account_hash is None:
            self._cache.clear()
        else:
            self._cache.pop(account_hash, None)

    def _lookup(self, session: Session | None, account_hash: str) -> bool:
        try:
            from fanzha.risklists import service as risklists
        except ImportError:  # the risk-list domain is optional for the scorer
            return False
        if session is not None:
            return bool(risklists.is_account_listed(session, account_hash=account_hash))
        with Session(self.engine) as own:
            return bool(risklists.is_account_listed(own, account_hash=account_hash))
