"""Cases behind the simulated county, with the gang that did each one as ground truth.

Every simulated attempt that costs the resident money becomes a reported case. Its 案情要素 come
from the ring's shared infrastructure (sim.fraud: phones, URLs, payee accounts) plus what rings
also reuse in the field — customer-service WeChat/QQ ids and layered mule accounts — and the noise
that makes linking hard: common Apps every victim has, mule accounts rented by two rings (卡农),
mis-typed numbers, victims paying several accounts. Gang recovery is then scored pairwise.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.cases import linking, service
from fanzha.cases.clustering import communities, pairwise_scores
from fanzha.cases.entities import EntityKind, canonical
from fanzha.cases.graph import build_adjacency
from fanzha.cases.models import CaseSource, CaseStatus
from fanzha.cases.schemas import CaseCreate, FlowIn, StatusChange, TransferIn
from fanzha.cases.scoring import entity_weight, link_pairs
from fanzha.core.rbac import Principal
from fanzha.sim.fraud import Attempt, Ring, luhn_complete
from fanzha.sim.runner import SimContext

COMMON_APPS = ["微信", "QQ", "抖音", "支付宝", "淘宝", "拼多多", "快手", "闲鱼", "京东", "美团"]
SCRIPTS = {
    "F01": "做任务点赞返佣，先垫付后返还", "F02": "导师带单，内部渠道，稳赚不赔",
    "F03": "无抵押秒到账，需先交解冻费", "F04": "快递丢失理赔，需开启屏幕共享",
    "F05": "你涉嫌洗钱，需把钱转到安全账户", "F06": "注销校园贷账户，否则影响征信",
    "F07": "低价代购，先付定金", "F08": "我是你领导，换号了，帮忙转账", "F09": "游戏账号交易，需缴纳解冻保证金",
    "F10": "交友后引导到博彩平台充值", "F11": "医保账户异常需验证", "F12": "恭喜中奖，先交税费才能领取",
}  # fmt: skip
BRIDGE_SHARE = 0.04  # cases that pay a mule account rented to two rings
TYPO_SHARE = 0.05  # cases where the officer recorded a number with a missing digit
SEED_STATUS_AGE_DAYS = (7, 21, 45)  # older cases have moved on: 立案 after 7 days, 侦查 21, 破案 45


@dataclass
class RingInfra:
    """What a ring reuses beyond sim.fraud's phones/URLs/accounts."""

    wechat: list[str]
    qq: list[str]
    second_level: list[str]  # accounts the first-level mule accounts forward money to


@dataclass
class SimCase:
    attempt: Attempt
    ring_id: int
    loss_fen: int
    phones: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    wechat: list[str] = field(default_factory=list)
    qq: list[str] = field(default_factory=list)
    apps: list[str] = field(default_factory=list)
    transfers: list[tuple[str, int]] = field(default_factory=list)


def ring_infra(seed: int, rings: list[Ring]) -> dict[int, RingInfra]:
    rng = random.Random(seed * 613 + 5)
    out = {}
    for ring in rings:
        wechat = [f"{rng.choice(('kf', 'vip', 'ds', 'lc'))}_{rng.randrange(10**5, 10**7)}"
                  for _ in range(rng.randint(1, 3))]
        qq = [str(rng.randrange(10**8, 10**10)) for _ in range(rng.randint(0, 2))]
        second = [luhn_complete("621700" + f"{rng.randrange(10**11, 10**12)}") for _ in range(rng.randint(2, 4))]
        out[ring.id] = RingInfra(wechat=wechat, qq=qq, second_level=second)
    return out


def bridges(seed: int, rings: list[Ring], count: int = 6) -> list[tuple[str, frozenset[int]]]:
    """Mule accounts each rented to two rings of the same type."""
    rng = random.Random(seed * 389 + 11)
    out = []
    for _ in range(count):
        a = rng.choice(rings)
        b = rng.choice([r for r in rings if r.type_code == a.type_code and r.id != a.id] or [a])
        out.append((luhn_complete("623668" + f"{rng.randrange(10**11, 10**12)}"), frozenset({a.id, b.id})))
    return out


def build_cases(ctx: SimContext) -> list[SimCase]:
    rng = random.Random(ctx.seed * 9176 + 13)
    infra = ring_infra(ctx.seed, ctx.rings)
    rings = {r.id: r for r in ctx.rings}
    shared_mules = bridges(ctx.seed, ctx.rings)
    out = []
    for a in ctx.attempts:
        if a.would_lose_fen <= 0:
            continue
        ring, extra = rings[a.ring_id], infra[a.ring_id]
        c = SimCase(attempt=a, ring_id=a.ring_id, loss_fen=a.would_lose_fen)
        if a.counterpart_phone:
            c.phones.append(a.counterpart_phone)
        if a.counterpart_url:
            c.urls.append(a.counterpart_url)
        payees = [a.payee_account or rng.choice(ring.accounts)]
        if a.would_lose_fen > 2_000_000:  # larger losses are usually several payments to several cards
            payees += rng.sample(ring.accounts, k=min(len(ring.accounts), rng.randint(1, 2)))
        mine = [m for m, owners in shared_mules if a.ring_id in owners]
        if mine and rng.random() < BRIDGE_SHARE * len(shared_mules):
            payees.append(rng.choice(mine))
        payees = list(dict.fromkeys(payees))
        share = a.would_lose_fen // len(payees)
        c.transfers = [(p, share) for p in payees]
        if a.channel == "社交/即时通讯" or rng.random() < 0.3:
            c.wechat.append(rng.choice(extra.wechat))
        if extra.qq and rng.random() < 0.3:
            c.qq.append(rng.choice(extra.qq))
        c.apps = rng.sample(COMMON_APPS, k=rng.randint(1, 3))
        if rng.random() < TYPO_SHARE:
            c.phones.append(rng.choice(ring.phones)[:-1])  # one digit lost when written down
        out.append(c)
    return out


def _in_memory_links(cases: list[SimCase], split: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Link the simulated cases exactly as the database path does, without a database."""
    keys: dict[tuple[str, str], int] = {}
    kinds: dict[int, str] = {}
    valid: dict[int, bool] = {}
    rows: list[tuple[int, int]] = []
    from fanzha.cases.entities import problem

    for i, c in enumerate(cases):
        values = ([(EntityKind.PHONE, v) for v in c.phones] + [(EntityKind.ACCOUNT, v) for v, _ in c.transfers]
                  + [(EntityKind.URL, v) for v in c.urls] + [(EntityKind.WECHAT, v) for v in c.wechat]
                  + [(EntityKind.QQ, v) for v in c.qq] + [(EntityKind.APP, v) for v in c.apps])
        for kind, raw in values:
            value = canonical(kind, raw)
            eid = keys.setdefault((kind.value, value), len(keys))
            kinds[eid], valid[eid] = kind.value, problem(kind, value) is None
            rows.append((i, eid))
    arr = np.array(rows, dtype=np.int64)
    weights = np.array([entity_weight(kinds[e], valid[e]) for e in range(len(keys))])
    adj = build_adjacency(arr[:, 0], arr[:, 1], weights_by_id=weights)
    result = link_pairs(adj.matrix, adj.weights)
    labels = communities(len(adj.case_ids), result.left, result.right, result.score, split=split)
    return adj.case_ids, labels, result.score, len(result)


def gang_recovery(ctx: SimContext) -> dict[str, Any]:
    """REPORT_EXTENSIONS: simulated cases and how well gangs are recovered against ring truth."""
    cases = build_cases(ctx)
    if len(cases) < 2:
        return {"cases_simulated": len(cases)}
    truth = [c.ring_id for c in cases]
    report: dict[str, Any] = {"cases_simulated": len(cases), "rings_with_cases": len(set(truth))}
    for name, split in (("gang_recovery", True), ("gang_recovery_components_only", False)):
        case_idx, labels, _scores, n_links = _in_memory_links(cases, split=split)
        predicted = {int(i): int(lab) for i, lab in zip(case_idx, labels, strict=True)}
        pred = [predicted.get(i, -1 - i) for i in range(len(cases))]
        report[name] = pairwise_scores(truth, pred)
        if split:
            sizes = Counter(pred)
            report["case_links"] = n_links
            report["gangs_found"] = sum(1 for n in sizes.values() if n >= 2)
    return report


def _status_for(age_days: float, rng: random.Random) -> list[CaseStatus]:
    steps = [CaseStatus.FILED, CaseStatus.INVESTIGATING, CaseStatus.SOLVED]
    reached = sum(age_days >= d for d in SEED_STATUS_AGE_DAYS)
    if reached == 3 and rng.random() < 0.5:  # half of the old cases are still under investigation
        reached = 2
    return steps[:reached]


def seed(session: Session, ctx: SimContext) -> None:
    """SEED_EXTENSIONS: write the simulated cases, their mule layering and a linked case graph."""
    from fanzha.people.models import Person

    system = Principal.system("simulator")
    cases = build_cases(ctx)
    refs = {r.external_ref: i for i, r in enumerate(ctx.county.residents)}
    person_ids = {refs[ref]: pid for pid, ref in session.execute(select(Person.id, Person.external_ref))
                  if ref in refs}
    rng = random.Random(ctx.seed * 4421 + 17)
    end = max((c.attempt.at for c in cases), default=None)
    for c in cases:
        a = c.attempt
        resident = ctx.county.residents[a.resident_index]
        reported = a.at + timedelta(hours=rng.uniform(1, 72))
        data = CaseCreate(
            area_code=resident.grid_code, source=rng.choice([CaseSource.CALL_110, CaseSource.WALK_IN]),
            external_ref=f"SIMCASE-{a.id}", reported_at=reported, occurred_at=a.at, channel=a.channel,
            type_code=a.type_code, victim_person_id=person_ids.get(a.resident_index), victim_name=resident.name,
            victim_phone=resident.phone, loss_fen=c.loss_fen, phones=c.phones, urls=c.urls, apps=c.apps,
            wechat_ids=c.wechat, qq_ids=c.qq, scripts=[SCRIPTS.get(a.type_code, "")],
            transfers=[TransferIn(amount_fen=amt, payee_account=acct, at=a.at + timedelta(minutes=10 * k),
                                  method="银行转账") for k, (acct, amt) in enumerate(c.transfers)],
            narrative=f"报案人称于{a.at:%m月%d日}通过{a.channel}被骗，{SCRIPTS.get(a.type_code, '')}，"
                      f"共转账{c.loss_fen / 100:.0f}元。",
        )
        case = service.create(session, actor=system, data=data, with_suggestions=False).case
        age = (end - a.at).total_seconds() / 86400 if end else 0
        for step in _status_for(age, rng):
            recovered = int(case.loss_fen * rng.uniform(0, 0.3)) if step is CaseStatus.SOLVED else None
            service.change_status(session, actor=system, case_id=case.id,
                                  data=StatusChange(to=step, recovered_fen=recovered, note="模拟案件进展"))
    infra = ring_infra(ctx.seed, ctx.rings)
    flows = [FlowIn(from_account=acct, to_account=rng.choice(infra[ring.id].second_level),
                    amount_fen=rng.randrange(100_000, 5_000_000)) for ring in ctx.rings for acct in ring.accounts]
    service.import_flows(session, actor=system, flows=flows)
    linking.run_batch(session, actor=system)
