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
from datetime import UTC, datetime, timedelta
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
    for amount in amounts:
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


# --- the simulator's registries (sim/runner.py REPORT_EXTENSIONS and SEED_EXTENSIONS) --------

WARMUP_DAYS = 14


def _decide(ctx: Any, customers: int, hasher: Hasher = str) -> tuple[list[tuple[SimTransfer, Any, Any]], datetime]:
    from fanzha.risk.engine import Scorer
    from fanzha.risk.features import HashedAccountSet, VelocityState
    from fanzha.sim.fraud import LOCAL_OFFSET

    start = datetime(ctx.start.year, ctx.start.month, ctx.start.day, tzinfo=UTC) - LOCAL_OFFSET
    listed = HashedAccountSet(hasher(a) for a in known_fraud_accounts(ctx.rings, seed=ctx.seed))
    scorer = Scorer(state=VelocityState(risk_list=listed))
    out = []
    for s in stream(ctx.county, ctx.attempts, seed=ctx.seed, start=start, days=ctx.days, customers=customers,
                    warmup_days=WARMUP_DAYS, hasher=hasher):
        features, verdict = scorer.decide(s.transfer)
        out.append((s, features, verdict))
    return out, start


def report(ctx: Any) -> dict[str, Any]:
    """Recall and false-alarm rate of the default rules on the county's bank stream."""
    decided, start = _decide(ctx, customers=min(8_000, max(len(ctx.county.residents) // 5, 200)))
    result = measure([(s, v.score, v.decision) for s, _, v in decided], decided_thresholds(), since=start)
    return {"bank": {"transfers": result.normal + result.fraud, "fraud_transfers": result.fraud,
                     "recall_verify_or_worse": result.at_default["recall"],
                     "normal_sent_to_verify_or_worse": result.at_default["normal_flagged"],
                     "recall_hold_or_block": result.at_default["recall_hold_or_block"],
                     "median_minutes_contact_to_hold": result.minutes_to_hold}}


def decided_thresholds() -> dict[str, int]:
    from fanzha.risk.engine import default_ruleset

    return default_ruleset().thresholds


def seed(session: Any, ctx: Any) -> None:
    """Write the demo's bank history: scored transfers, counter outcomes, 止付/冻结 requests."""
    from sqlalchemy import insert, select

    from fanzha.areas.models import Area
    from fanzha.core.pii import PIIKind, blind_index, mask
    from fanzha.people.models import Person
    from fanzha.risk.models import FreezeRequest, FreezeStatus, InterceptionReport, Transaction

    def hasher(number: str) -> str:
        return blind_index(PIIKind.BANK_CARD, number)

    decided, _ = _decide(ctx, customers=min(2_000, max(len(ctx.county.residents) // 20, 100)), hasher=hasher)
    paths = dict(session.execute(select(Area.code, Area.path)).all())
    refs = {f"SIM{ctx.seed}-{s.resident_index:07d}" for s, _, _ in decided}
    person_ids = dict(session.execute(select(Person.external_ref, Person.id)
                                      .where(Person.external_ref.in_(refs))).all())
    now = datetime.now(UTC)
    rows = []
    for s, features, v in decided:
        t = s.transfer
        resident = ctx.county.residents[s.resident_index]
        flagged = DECISION_RANK[v.decision] >= 1
        handled = flagged and t.at < now - timedelta(hours=1)
        action = None
        if handled:
            action = ("cancelled" if v.decision == "verify" else "held" if v.decision == "hold" else "blocked") \
                if s.is_fraud else "released"
        rows.append({
            "external_id": f"SIM{ctx.seed}-{t.id}", "fingerprint": t.id, "occurred_at": t.at,
            "amount_fen": t.amount_fen,
            "currency": "CNY", "channel": t.channel, "payer_account_hash": t.payer,
            "payer_account_masked": mask(PIIKind.BANK_CARD, s.payer_account) or "", "payer_phone_hash": None,
            "payer_person_id": person_ids.get(f"SIM{ctx.seed}-{s.resident_index:07d}"),
            "payer_area_code": resident.grid_code, "payer_age": resident.age, "payee_account_hash": t.payee,
            "payee_account_masked": mask(PIIKind.BANK_CARD, s.payee_account) or "",
            "payee_account_enc": s.payee_account, "payee_name_masked": None, "device_hash": t.device,
            "on_call": t.on_call, "screen_sharing": t.screen_sharing, "remote_control": t.remote_control,
            "initial_decision": v.decision, "decision": v.decision, "score": v.score, "reasons": v.reasons,
            "executions": [e.to_dict() for e in v.executions if e.hit], "features": features,
            "ruleset_label": v.ruleset, "checklist_answers": None, "teller_action": action,
            "teller_note": "模拟数据" if action else None, "handled_by": "sim" if action else None,
            "handled_at": t.at + timedelta(minutes=8) if action else None, "is_fraud": s.is_fraud,
            "created_at": t.at, "area_code": s.bank_code, "area_path": paths.get(s.bank_code, "/"),
        })
    for chunk in range(0, len(rows), 2_000):
        session.execute(insert(Transaction), rows[chunk:chunk + 2_000])
    session.flush()
    stopped = session.execute(select(Transaction).where(Transaction.is_fraud.is_(True),
                                                        Transaction.decision.in_(["hold", "block"]))
                              .order_by(Transaction.occurred_at.desc()).limit(30)).scalars().all()
    for k, tx in enumerate(stopped):
        at = tx.occurred_at + timedelta(minutes=20)
        if tx.decision == "block":
            session.add(InterceptionReport(transaction_id=tx.id, amount_fen=tx.amount_fen, area_code=tx.area_code,
                                           area_path=tx.area_path, filed_by="sim", filed_at=at,
                                           summary="模拟：" + "；".join(tx.reasons[:3])))
        open_one = k < 4
        session.add(FreezeRequest(
            kind="止付" if k % 3 else "冻结", source_type="transaction", source_id=str(tx.id),
            account_hash=tx.payee_account_hash, account_masked=tx.payee_account_masked,
            account_enc=tx.payee_account_enc, amount_requested_fen=tx.amount_fen,
            amount_done_fen=0 if open_one else tx.amount_fen if k % 4 else tx.amount_fen * 6 // 10,
            status=FreezeStatus.REQUESTED.value if open_one else FreezeStatus.EXECUTED.value if k % 4
            else FreezeStatus.PARTIAL.value, reason="模拟：柜面拦截后申请", result_note=None,
            requested_by="sim", requested_at=now - timedelta(hours=3 * k + 1) if open_one else at,
            deadline_at=(now - timedelta(hours=3 * k + 1) if open_one else at) + timedelta(hours=48),
            closed_at=None if open_one else at + timedelta(hours=2), area_code=tx.area_code, area_path=tx.area_path))
    session.flush()
