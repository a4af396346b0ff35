"""A bank stream for the simulated county: everyday transfers plus the transfers that the
simulated fraud attempts (`sim.fraud`, `would_lose_fen > 0`) would push through, with
ground truth, so recall, false-alarm rate and minutes-to-hold can be measured.

Everyday traffic carries the confounders a counter sees: new payees, night transfers,
large transfers by elderly customers to family, phone calls while paying, phone changes,
small shops paid by many customers. Fraud transfers follow field reports: the first one to
a new account, often during a call or with screen sharing (公检法/客服), escalating 刷单
and investment deposits over days, loan "fees", sums split under the 5万 limit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fanzha.risk.features import Transfer
from fanzha.risk.scoring import DECISION_RANK
from fanzha.sim.county import County
from fanzha.sim.fraud import Attempt, luhn_complete

Hasher = Callable[[str], str]
CHANNELS = (("mobile", 0.78), ("online", 0.12), ("counter", 0.07), ("atm", 0.03))
PHONE_TYPES = {"F04", "F05", "F06", "F11", "F08"}
# How the would-be loss is paid out: (min, max) number of transfers and the spacing in hours.
PAYOUT: dict[str, tuple[int, int, float]] = {
    "F01": (2, 5, 3.0), "F02": (2, 6, 20.0), "F03": (1, 3, 2.0), "F04": (1, 3, 0.3), "F05": (1, 3, 1.0),
    "F06": (1, 2, 0.5), "F07": (1, 2, 6.0), "F08": (1, 2, 0.5), "F09": (1, 3, 4.0), "F10": (2, 6, 30.0),
    "F11": (1, 2, 0.5), "F12": (1, 2, 1.0),
}  # fmt: skip
KNOWN_ACCOUNT_SHARE = 0.25  # ring accounts already on the 涉诈 list when the stream starts


@dataclass(frozen=True, slots=True)
class SimTransfer:
    transfer: Transfer
    payer_account: str
    payee_account: str
    resident_index: int
    bank_code: str
    is_fraud: bool
    attempt: Attempt | None = None


def _card(prefix: str, n: int) -> str:
    return luhn_complete(prefix + f"{n:012d}")


def _amount(rng: random.Random, median_yuan: float, sigma: float) -> int:
    return max(100, int(round(rng.lognormvariate(math.log(median_yuan), sigma), 0)) * 100)


@dataclass
class _Customer:
    index: int
    account: str
    device: str
    payees: list[str]
    rate_per_day: float
    bank: str


def _customers(rng: random.Random, county: County, indexes: list[int], shops: list[str]) -> list[_Customer]:
    banks = [b.code for b in county.banks] or ["BANK"]
    out = []
    for i in indexes:
        payees = [_card("621483", rng.randrange(10**11)) for _ in range(rng.randint(2, 6))]
        payees += rng.sample(shops, 2)
        out.append(_Customer(i, _card("621226", i), f"dev-{i}-0", payees, rng.choice((0.1, 0.2, 0.3, 0.5, 1.0)),
                             rng.choice(banks)))
    return out


def _normal(rng: random.Random, c: _Customer, age: int, at: datetime, seq: int,
            hasher: Hasher) -> SimTransfer:
    r = rng.random()
    if r < 0.12:
        payee = _card("622588", rng.randrange(10**11))  # a new person or merchant
        c.payees.append(payee)
    else:
        payee = rng.choice(c.payees)
    amount = _amount(rng, 300, 1.1)
    big = rng.random()
    if big < 0.02 + (0.02 if age >= 60 else 0.0):
        amount = _amount(rng, 30_000, 0.8)  # rent, tuition, helping children, buying a car
    elif big < 0.025 + (0.02 if age >= 60 else 0.0):
        amount = rng.choice((9_900, 49_000, 49_500)) * 100  # round sums just under a limit, innocently
    device = c.device
    if rng.random() < 0.01:
        c.device = device = f"dev-{c.index}-{seq}"  # changed phones
    return SimTransfer(
        Transfer(id=f"N{seq:08d}", at=at, amount_fen=amount, payer=hasher(c.account), payee=hasher(payee),
                 channel=rng.choices([k for k, _ in CHANNELS], [w for _, w in CHANNELS])[0], device=hasher(device),
                 payer_age=age, payer_tags=(), new_customer=rng.random() < 0.003,
                 on_call=rng.random() < 0.03, screen_sharing=rng.random() < 0.002, remote_control=False),
        c.account, payee, c.index, c.bank, False)


def _fraud(rng: random.Random, c: _Customer, age: int, tags: tuple[str, ...], a: Attempt,
           seq: int, hasher: Hasher) -> list[SimTransfer]:
    lo, hi, spacing = PAYOUT.get(a.type_code, (1, 2, 1.0))
    n = rng.randint(lo, hi)
    if a.would_lose_fen < n * 100_000:
        n = 1
    # Escalating deposits (刷单/投资): small first, larger later; others roughly even.
    weights = [1.6**k for k in range(n)] if a.type_code in ("F01", "F02", "F10") else [1.0] * n
    total = a.would_lose_fen
    amounts = [max(10_000, int(total * w / sum(weights)) // 100 * 100) for w in weights]
    split = total >= 4_000_000 and rng.random() < 0.35
    at = a.at + timedelta(minutes=rng.randint(5, 90))
    payee = a.payee_account or _card("623668", rng.randrange(10**11))
    device = c.device if rng.random() < 0.9 else f"dev-{c.index}-f{seq}"
    out: list[SimTransfer] = []
    on_phone = a.type_code in PHONE_TYPES and a.channel == "电话"
    for k, amount in enumerate(amounts):
        parts = [amount]
        if split and amount >= 5_000_000:
            parts = [4_990_000 - rng.randrange(0, 50) * 1_000 for _ in range(amount // 5_000_000)]
            parts.append(amount - sum(parts)) if amount - sum(parts) >= 10_000 else None
        for part in parts:
            seq += 1
            out.append(SimTransfer(
                Transfer(id=f"F{seq:08d}", at=at, amount_fen=part, payer=hasher(c.account), payee=hasher(payee),
                         channel=rng.choices(("mobile", "online", "counter", "atm"), (0.7, 0.15, 0.12, 0.03))[0],
                         device=hasher(device), payer_age=age, payer_tags=tags, new_customer=rng.random() < 0.05,
                         on_call=on_phone and rng.random() < 0.7,
                         screen_sharing=a.remote_app and rng.random() < 0.6,
                         remote_control=a.remote_app and rng.random() < 0.3),
                c.account, payee, c.index, c.bank, True, a))
            at += timedelta(minutes=rng.randint(1, 6))
        at += timedelta(hours=rng.expovariate(1 / spacing)) + timedelta(minutes=rng.randint(10, 60))
    return out


def stream(county: County, attempts: list[Attempt], *, seed: int, start: datetime, days: int,
           customers: int = 8_000, warmup_days: int = 0, hasher: Hasher = str) -> Iterator[SimTransfer]:
    """All transfers of `days` days in time order: `customers` sampled residents plus every
    resident who would lose money to a fraud attempt in that period. A warm-up of everyday
    traffic before `start` gives the bank the account history it would have."""
    rng = random.Random(seed * 1_000_003 + 17)
    end = start + timedelta(days=days)
    losers = [a for a in attempts if a.would_lose_fen > 0 and start <= a.at < end]
    pool = list(range(len(county.residents)))
    chosen = set(rng.sample(pool, min(customers, len(pool)))) | {a.resident_index for a in losers}
    shops = [_card("622848", rng.randrange(10**11)) for _ in range(max(20, customers // 100))]
    people = {c.index: c for c in _customers(rng, county, sorted(chosen), shops)}
    items: list[SimTransfer] = []
    seq = 0
    hours = [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 1.0, 2.0, 3.0, 3.5, 3.5, 3.5, 3.0, 3.0, 3.0,
             3.0, 3.0, 3.5, 4.0, 4.0, 3.0, 1.5, 0.6]
    first = start - timedelta(days=warmup_days)
    span = days + warmup_days
    for c in people.values():
        res = county.residents[c.index]
        n = int(rng.expovariate(1 / (c.rate_per_day * span)))
        for _ in range(n):
            day = rng.randrange(span)
            hour = rng.choices(range(24), hours)[0]
            at = first + timedelta(days=day, hours=hour - 8, seconds=rng.randrange(3600))
            if not first <= at < end:
                continue
            seq += 1
            items.append(_normal(rng, c, res.age, at, seq, hasher))
    for a in losers:
        res = county.residents[a.resident_index]
        seq += 10
        batch = _fraud(rng, people[a.resident_index], res.age, tuple(res.tags), a, seq, hasher)
        seq += len(batch)
        items.extend(t for t in batch if t.transfer.at < end)
    items.sort(key=lambda s: s.transfer.at)
    return iter(items)


def known_fraud_accounts(rings: list[Any], *, seed: int) -> list[str]:
    """Ring accounts already on the 涉诈 list (reported by earlier victims)."""
    rng = random.Random(seed * 7 + 5)
    return [acc for ring in rings for acc in ring.accounts if rng.random() < KNOWN_ACCOUNT_SHARE]


@dataclass
class StreamResult:
    normal: int
    fraud: int
    curve: list[dict[str, float]]
    at_default: dict[str, float]
    minutes_to_hold: float | None


def measure(decided: list[tuple[SimTransfer, int, str]], thresholds: dict[str, int],
            since: datetime | None = None) -> StreamResult:
    """Recall of fraud transfers against the share of normal transfers sent to verify or worse,
    across verify thresholds (the curve), and at the rule set's own thresholds."""
    if since is not None:
        decided = [d for d in decided if d[0].transfer.at >= since]
    normal = [score for s, score, _ in decided if not s.is_fraud]
    fraud = [score for s, score, _ in decided if s.is_fraud]
    curve = []
    for threshold in range(5, 101, 5):
        curve.append({"verify_at": threshold,
                      "recall": round(sum(x >= threshold for x in fraud) / max(len(fraud), 1), 4),
                      "normal_flagged": round(sum(x >= threshold for x in normal) / max(len(normal), 1), 4)})
    flagged_rank = DECISION_RANK["verify"]
    at_default = {
        "recall": round(sum(DECISION_RANK[d] >= flagged_rank for s, _, d in decided if s.is_fraud)
                        / max(len(fraud), 1), 4),
        "normal_flagged": round(sum(DECISION_RANK[d] >= flagged_rank for s, _, d in decided if not s.is_fraud)
                                / max(len(normal), 1), 4),
        "recall_hold_or_block": round(sum(DECISION_RANK[d] >= 2 for s, _, d in decided if s.is_fraud)
                                      / max(len(fraud), 1), 4),
        "verify_threshold": thresholds["verify"],
    }
    # Minutes from the fraudster's first contact to the first transfer stopped at the counter.
    first_hold: dict[str, float] = {}
    for s, _, d in decided:
        if s.is_fraud and s.attempt is not None and DECISION_RANK[d] >= 1 and s.attempt.id not in first_hold:
            first_hold[s.attempt.id] = (s.transfer.at - s.attempt.at).total_seconds() / 60
    waits = sorted(first_hold.values())
    median = waits[len(waits) // 2] if waits else None
    return StreamResult(len(normal), len(fraud), curve, at_default, median)
