"""Velocity features kept as incremental state, so scoring never scans history.

One `VelocityState` per scoring process holds, per payer, the last 7 days of transfers
(time, amount, near-limit flag), the payees paid and devices used over a longer horizon,
and per payee the payers of the last 24 hours. `features()` reads it without changing it;
`apply()` adds a transfer once (idempotent on transaction id). Late transfers are inserted
in time order and see only what happened before them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

HOUR = 3600.0
DAY = 24 * HOUR
WINDOW = 7 * DAY  # longest sliding window
PAIR_HORIZON = 90 * DAY  # how long "has paid this payee before" / "has used this device" is remembered
LOCAL_OFFSET = 8 * HOUR  # Asia/Shanghai has no daylight saving
ELDERLY_AGE = 60
VULNERABLE_TAGS = frozenset({"老人", "学生", "曾被骗"})
# Common single-transfer limits (元→分): 1万 and 5万 mobile/counter limits, 20万 daily limit.
# Fraudsters coach victims to split a large sum into transfers just under them.
DEFAULT_LIMITS_FEN = (1_000_000, 5_000_000, 20_000_000)
NEAR_LIMIT_SHARE = 0.9


class AccountRiskList(Protocol):
    """Where `payee_on_risk_list` comes from: keyed hashes of 涉诈 accounts."""

    def contains_account(self, account_hash: str) -> bool: ...


class HashedAccountSet:
    """An in-memory set of account blind indexes (tests, CLI, and the loaded 涉诈 list)."""

    def __init__(self, hashes: Iterable[str] = ()) -> None:
        self._hashes = set(hashes)

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, account_hash: str) -> None:
        self._hashes.add(account_hash)

    def contains_account(self, account_hash: str) -> bool:
        return account_hash in self._hashes


@dataclass(frozen=True, slots=True)
class Transfer:
    """What the feature state needs to know about one transfer (no clear numbers)."""

    id: str
    at: datetime
    amount_fen: int
    payer: str  # payer account hash
    payee: str  # payee account hash
    channel: str = "mobile"
    device: str | None = None  # device fingerprint hash
    payer_age: int | None = None
    payer_tags: tuple[str, ...] = ()
    new_customer: bool = False
    on_call: bool = False
    screen_sharing: bool = False
    remote_control: bool = False

    @property
    def ts(self) -> float:
        return self.at.timestamp()


@dataclass(slots=True)
class _PayerHistory:
    times: list[float] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)
    near: list[int] = field(default_factory=list)
    to: list[str] = field(default_factory=list)  # payee of each windowed transfer
    payees: dict[str, float] = field(default_factory=dict)  # last transfer to each payee
    since: dict[str, float] = field(default_factory=dict)  # first transfer to each payee
    devices: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class _PayeeHistory:
    times: list[float] = field(default_factory=list)
    payers: list[str] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)


FEATURE_NAMES = frozenset({
    "amount_fen", "amount_yuan", "channel", "hour_local", "night",
    "payer_age", "payer_elderly", "payer_vulnerable", "new_customer", "payer_first_seen", "payer_history_7d",
    "count_1h", "amount_1h_fen", "count_24h", "amount_24h_fen", "count_7d", "amount_7d_fen",
    "avg_amount_7d_fen", "max_amount_7d_fen", "amount_ratio",
    "first_to_payee", "payee_on_risk_list", "payee_payers_24h", "payee_inflow_24h_fen",
    "on_call", "screen_sharing", "remote_control", "any_remote", "new_device",
    "near_limit", "near_limit_count_24h", "model_score",
    "checklist_answered", "checklist_points", "checklist_red_flags", "payee_flagged_7d", "payer_flagged_24h",
    "payee_relation_days", "to_payee_count_7d", "to_payee_amount_7d_fen",
})  # fmt: skip


def is_near_limit(amount_fen: int, limits: tuple[int, ...] = DEFAULT_LIMITS_FEN) -> bool:
    return any(limit * NEAR_LIMIT_SHARE <= amount_fen < limit for limit in limits)


class VelocityState:
    def __init__(self, *, risk_list: AccountRiskList | None = None,
                 limits_fen: tuple[int, ...] = DEFAULT_LIMITS_FEN) -> None:
        self.risk_list: AccountRiskList = risk_list if risk_list is not None else HashedAccountSet()
        self.limits_fen = limits_fen
        self._payers: dict[str, _PayerHistory] = {}
        self._payees: dict[str, _PayeeHistory] = {}
        self._applied: dict[str, float] = {}
        # The bank's own alert history: transfers sent to the counter (verify or worse).
        self._payee_flags: dict[str, list[float]] = {}
        self._payer_flag: dict[str, float] = {}
        self.latest_ts = 0.0

    def __len__(self) -> int:
        return len(self._applied)

    def seen(self, transaction_id: str) -> bool:
        return transaction_id in self._applied

    def features(self, t: Transfer) -> dict[str, Any]:
        ts = t.ts
        payer = self._payers.get(t.payer)
        near = is_near_limit(t.amount_fen, self.limits_fen)
        hour = int(((ts + LOCAL_OFFSET) % DAY) // HOUR)
        f: dict[str, Any] = {
            "amount_fen": t.amount_fen, "amount_yuan": t.amount_fen // 100, "channel": t.channel,
            "hour_local": hour, "night": hour >= 23 or hour < 6,
            "payer_age": t.payer_age,
            "payer_elderly": (t.payer_age is not None and t.payer_age >= ELDERLY_AGE) or "老人" in t.payer_tags,
            "payer_vulnerable": bool(VULNERABLE_TAGS.intersection(t.payer_tags))
            or (t.payer_age is not None and t.payer_age >= ELDERLY_AGE),
            "new_customer": t.new_customer,
            "on_call": t.on_call, "screen_sharing": t.screen_sharing, "remote_control": t.remote_control,
            "any_remote": t.screen_sharing or t.remote_control,
            "near_limit": near, "model_score": None,
            "checklist_answered": False, "checklist_points": 0, "checklist_red_flags": 0,
        }
        if payer is None:
            f.update(payer_first_seen=True, payer_history_7d=0, count_1h=1, amount_1h_fen=t.amount_fen,
                     count_24h=1, amount_24h_fen=t.amount_fen, count_7d=1, amount_7d_fen=t.amount_fen,
                     avg_amount_7d_fen=None, max_amount_7d_fen=None, amount_ratio=None,
                     first_to_payee=True, new_device=False, near_limit_count_24h=int(near),
                     payee_relation_days=0, to_payee_count_7d=0, to_payee_amount_7d_fen=t.amount_fen)
        else:
            times = payer.times
            end = bisect_right(times, ts)
            start_7d = bisect_left(times, ts - WINDOW, 0, end)
            start_24h = bisect_left(times, ts - DAY, start_7d, end)
            start_1h = bisect_left(times, ts - HOUR, start_24h, end)
            prior = end - start_7d
            prior_sum = sum(payer.amounts[start_7d:end])
            last_pay = payer.payees.get(t.payee)
            first_pay = payer.since.get(t.payee)
            first_to_payee = last_pay is None or last_pay < ts - PAIR_HORIZON or (first_pay or ts) >= ts
            to_payee = [a for p, a in zip(payer.to[start_7d:end], payer.amounts[start_7d:end], strict=True)
                        if p == t.payee] if not first_to_payee else []
            f.update(
                payer_first_seen=not payer.payees or max(payer.payees.values()) < ts - PAIR_HORIZON,
                payer_history_7d=prior,
                count_1h=end - start_1h + 1, amount_1h_fen=sum(payer.amounts[start_1h:end]) + t.amount_fen,
                count_24h=end - start_24h + 1, amount_24h_fen=sum(payer.amounts[start_24h:end]) + t.amount_fen,
                count_7d=prior + 1, amount_7d_fen=prior_sum + t.amount_fen,
                avg_amount_7d_fen=prior_sum // prior if prior else None,
                max_amount_7d_fen=max(payer.amounts[start_7d:end]) if prior else None,
                amount_ratio=round(t.amount_fen * prior / prior_sum, 1) if prior and prior_sum else None,
                first_to_payee=first_to_payee,
                payee_relation_days=0 if first_to_payee or first_pay is None else int((ts - first_pay) // DAY),
                to_payee_count_7d=len(to_payee), to_payee_amount_7d_fen=sum(to_payee) + t.amount_fen,
                new_device=t.device is not None and bool(payer.devices) and t.device not in payer.devices,
                near_limit_count_24h=sum(payer.near[start_24h:end]) + int(near),
            )
        payee = self._payees.get(t.payee)
        if payee is None:
            f["payee_payers_24h"], f["payee_inflow_24h_fen"] = 1, t.amount_fen
        else:
            end = bisect_right(payee.times, ts)
            start = bisect_left(payee.times, ts - DAY, 0, end)
            others = set(payee.payers[start:end])
            others.add(t.payer)
            f["payee_payers_24h"] = len(others)
            f["payee_inflow_24h_fen"] = sum(payee.amounts[start:end]) + t.amount_fen
        f["payee_on_risk_list"] = self.risk_list.contains_account(t.payee)
        flags = self._payee_flags.get(t.payee)
        f["payee_flagged_7d"] = sum(1 for x in flags if ts - WINDOW <= x < ts) if flags else 0
        last_flag = self._payer_flag.get(t.payer)
        f["payer_flagged_24h"] = last_flag is not None and ts - DAY <= last_flag < ts
        return f

    def apply(self, t: Transfer, *, flagged: bool = False) -> bool:
        """Add the transfer (and whether it was flagged) to the state; False, and no change,
        if it was already applied."""
        if t.id in self._applied:
            return False
        ts = t.ts
        if flagged:
            marks = self._payee_flags.setdefault(t.payee, [])
            marks.append(ts)
            if len(marks) > 64:
                del marks[:-64]
            self._payer_flag[t.payer] = max(ts, self._payer_flag.get(t.payer, 0.0))
        self._applied[t.id] = ts
        self.latest_ts = max(self.latest_ts, ts)
        payer = self._payers.setdefault(t.payer, _PayerHistory())
        pos = bisect_right(payer.times, ts)
        payer.times.insert(pos, ts)
        payer.amounts.insert(pos, t.amount_fen)
        payer.near.insert(pos, int(is_near_limit(t.amount_fen, self.limits_fen)))
        payer.to.insert(pos, t.payee)
        payer.payees[t.payee] = max(ts, payer.payees.get(t.payee, 0.0))
        payer.since[t.payee] = min(ts, payer.since.get(t.payee, ts))
        if t.device is not None:
            payer.devices[t.device] = max(ts, payer.devices.get(t.device, 0.0))
        cut = bisect_left(payer.times, self.latest_ts - WINDOW)
        if cut:
            del payer.times[:cut], payer.amounts[:cut], payer.near[:cut], payer.to[:cut]
        payee = self._payees.setdefault(t.payee, _PayeeHistory())
        pos = bisect_right(payee.times, ts)
        payee.times.insert(pos, ts)
        payee.payers.insert(pos, t.payer)
        payee.amounts.insert(pos, t.amount_fen)
        cut = bisect_left(payee.times, self.latest_ts - DAY)
        if cut:
            del payee.times[:cut], payee.payers[:cut], payee.amounts[:cut]
        return True

    def prune(self) -> int:
        """Forget payers, payees and transaction ids older than the horizon; returns payers dropped."""
        edge = self.latest_ts - PAIR_HORIZON
        stale = [k for k, p in self._payers.items()
                 if (not p.times or p.times[-1] < self.latest_ts - WINDOW)
                 and max(p.payees.values(), default=0.0) < edge]
        for k in stale:
            del self._payers[k]
        for k in [k for k, p in self._payees.items() if not p.times or p.times[-1] < self.latest_ts - DAY]:
            del self._payees[k]
        for k in [k for k, ts in self._applied.items() if ts < edge]:
            del self._applied[k]
        for k in [k for k, marks in self._payee_flags.items() if marks[-1] < self.latest_ts - WINDOW]:
            del self._payee_flags[k]
        for k in [k for k, ts in self._payer_flag.items() if ts < self.latest_ts - DAY]:
            del self._payer_flag[k]
        return len(stale)

