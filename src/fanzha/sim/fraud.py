"""The county's daily stream of fraud attempts, with ground truth.

Each attempt is a fraud ring reaching a resident through some channel. Attempts where
the resident engaged leave a signal that a center would receive as a warning
(~500 a day in a county of 40万, peaking in the evening). `would_lose_fen` is what the
resident loses if nobody dissuades them: the truth that detection and dissuasion are
scored against. Reported cases come out at ~40 a month with ~8万元 average loss, most
of it in investment (F02) and 刷单 (F01) fraud.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from fanzha.sim.county import County, Resident

# code: (share of engaged attempts, share of engaged residents who would pay, mean loss in 元)
FRAUD_MIX: dict[str, tuple[float, float, float]] = {
    "F01": (0.24, 0.0114, 55_000),
    "F02": (0.13, 0.0129, 210_000),
    "F03": (0.12, 0.0100, 28_000),
    "F04": (0.12, 0.0100, 42_000),
    "F05": (0.05, 0.0143, 160_000),
    "F06": (0.06, 0.0086, 38_000),
    "F07": (0.07, 0.0086, 9_000),
    "F08": (0.06, 0.0100, 48_000),
    "F09": (0.05, 0.0086, 7_000),
    "F10": (0.03, 0.0143, 190_000),
    "F11": (0.04, 0.0086, 30_000),
    "F12": (0.03, 0.0071, 9_000),
}
CHANNELS: dict[str, list[tuple[str, float]]] = {
    "F01": [("社交/即时通讯", 0.6), ("短信", 0.2), ("App", 0.2)],
    "F02": [("社交/即时通讯", 0.5), ("App", 0.3), ("钓鱼网站", 0.2)],
    "F03": [("短信", 0.4), ("App", 0.4), ("电话", 0.2)],
    "F04": [("电话", 0.7), ("短信", 0.3)],
    "F05": [("电话", 0.9), ("社交/即时通讯", 0.1)],
    "F06": [("电话", 0.8), ("短信", 0.2)],
    "F07": [("社交/即时通讯", 0.5), ("钓鱼网站", 0.5)],
    "F08": [("社交/即时通讯", 0.8), ("电话", 0.2)],
    "F09": [("App", 0.7), ("社交/即时通讯", 0.3)],
    "F10": [("社交/即时通讯", 0.8), ("App", 0.2)],
    "F11": [("短信", 0.6), ("电话", 0.4)],
    "F12": [("短信", 0.7), ("钓鱼网站", 0.3)],
}
# Warning sources by channel: who would notice the contact first.
SOURCES: dict[str, list[tuple[str, float]]] = {
    "电话": [("telecom", 0.75), ("app", 0.25)],
    "短信": [("sms_gateway", 0.6), ("app", 0.4)],
    "钓鱼网站": [("app", 0.7), ("telecom", 0.3)],
    "App": [("app", 0.8), ("telecom", 0.2)],
    "社交/即时通讯": [("telecom", 0.5), ("app", 0.3), ("bank", 0.2)],
}
# Share of the day's engaged attempts falling in each hour (local time): evening peak.
HOURLY = [0.6, 0.3, 0.2, 0.15, 0.15, 0.3, 0.8, 1.6, 2.6, 3.4, 4.0, 4.0, 3.4, 3.6, 4.2, 4.4,
          4.6, 5.0, 6.2, 7.8, 9.0, 8.6, 6.0, 2.5]
LOCAL_OFFSET = timedelta(hours=8)
# Who is more likely to engage with which fraud (field reports: students and 刷单/游戏/征信,
# elderly and 公检法/医保/保健, young mothers and 刷单, accountants and 冒充领导).
AFFINITY: dict[str, dict[str, float]] = {
    "学生": {"F01": 2.5, "F06": 3.0, "F09": 4.0, "F07": 1.5},
    "老人": {"F05": 2.5, "F11": 3.0, "F12": 2.0, "F02": 1.3},
    "宝妈": {"F01": 3.0, "F03": 1.5},
    "财会": {"F08": 6.0},
}


@dataclass
class Ring:
    """A fraud gang and the infrastructure it reuses across victims."""

    id: int
    type_code: str
    phones: list[str]
    urls: list[str]
    accounts: list[str]


@dataclass
class Attempt:
    id: str
    at: datetime
    resident_index: int
    type_code: str
    channel: str
    source: str
    ring_id: int
    counterpart_phone: str | None
    counterpart_url: str | None
    payee_account: str | None
    would_lose_fen: int
    remote_app: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def _weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def luhn_complete(prefix: str) -> str:
    digits = [int(d) for d in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


def build_rings(rng: random.Random, *, count: int = 60) -> list[Ring]:
    codes = list(FRAUD_MIX)
    rings = []
    for i in range(count):
        code = codes[i % len(codes)]
        phones = [rng.choice(("170", "171", "165", "167", "+852", "00", "95")) + f"{rng.randrange(10**7, 10**8)}"
                  for _ in range(rng.randint(3, 8))]
        urls = [f"https://{rng.choice(('icbc-', 'ccb', 'app', 'vip', 'kf', 'gov-'))}{rng.randrange(100, 999)}"
                f"{rng.choice(('.top', '.xyz', '.cc', '.vip', '-cn.com'))}" for _ in range(rng.randint(1, 3))]
        bins = ("622202", "621700", "622848", "623668")
        accounts = [luhn_complete(rng.choice(bins) + f"{rng.randrange(10**11, 10**12)}")
                    for _ in range(rng.randint(2, 6))]
        rings.append(Ring(i + 1, code, phones, urls, accounts))
    return rings


def _loss(rng: random.Random, mean_yuan: float) -> int:
    sigma = 0.9
    mu = math.log(mean_yuan) - sigma**2 / 2
    return int(round(min(rng.lognormvariate(mu, sigma), mean_yuan * 12), -2)) * 100


def day_attempts(rng: random.Random, county: County, rings: list[Ring], day: date,
                 *, engaged_per_day: float = 500.0) -> Iterator[Attempt]:
    """Engaged attempts of one day, in time order."""
    n = max(0, round(rng.gauss(engaged_per_day, math.sqrt(engaged_per_day))))
    by_type: dict[str, list[Ring]] = {}
    for ring in rings:
        by_type.setdefault(ring.type_code, []).append(ring)
    residents = county.residents
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - LOCAL_OFFSET
    stamps = sorted(
        midnight + timedelta(hours=rng.choices(range(24), weights=HOURLY)[0], seconds=rng.randrange(3600))
        for _ in range(n)
    )
    types = list(FRAUD_MIX)
    base = [FRAUD_MIX[t][0] for t in types]
    for k, at in enumerate(stamps):
        resident_index = rng.randrange(len(residents))
        resident: Resident = residents[resident_index]
        weights = list(base)
        for tag in resident.tags:
            for code, factor in AFFINITY.get(tag, {}).items():
                weights[types.index(code)] *= factor
        code = rng.choices(types, weights=weights)[0]
        _share, pay_rate, mean_loss = FRAUD_MIX[code]
        if "老人" in resident.tags or "曾被骗" in resident.tags:
            pay_rate *= 1.5
        ring = rng.choice(by_type[code])
        channel = _weighted(rng, CHANNELS[code])
        loses = rng.random() < pay_rate
        yield Attempt(
            id=f"{day:%Y%m%d}-{k:05d}",
            at=at,
            resident_index=resident_index,
            type_code=code,
            channel=channel,
            source=_weighted(rng, SOURCES[channel]),
            ring_id=ring.id,
            counterpart_phone=rng.choice(ring.phones) if channel in ("电话", "短信", "社交/即时通讯") else None,
            counterpart_url=(rng.choice(ring.urls)
                             if channel in ("钓鱼网站", "App", "短信") and rng.random() < 0.7 else None),
            payee_account=rng.choice(ring.accounts),
            would_lose_fen=_loss(rng, mean_loss) if loses else 0,
            remote_app=code in ("F04", "F05", "F11") and rng.random() < 0.4,
        )


@dataclass
class StreamSummary:
    days: int
    engaged: int
    would_lose: int
    would_lose_fen: int
    by_type: dict[str, tuple[int, int]]

    @property
    def per_day(self) -> float:
        return self.engaged / self.days if self.days else 0.0


def summarize(attempts: list[Attempt], days: int) -> StreamSummary:
    by_type: dict[str, tuple[int, int]] = {}
    for a in attempts:
        n, loss = by_type.get(a.type_code, (0, 0))
        by_type[a.type_code] = (n + 1, loss + a.would_lose_fen)
    losers = [a for a in attempts if a.would_lose_fen]
    return StreamSummary(days=days, engaged=len(attempts), would_lose=len(losers),
                         would_lose_fen=sum(a.would_lose_fen for a in losers), by_type=by_type)
