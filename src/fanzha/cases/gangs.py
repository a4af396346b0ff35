"""团伙: communities of linked cases, ranked by total loss and victims, with the money's path
(victim → first-level account → next accounts) and an evidence list an investigator can export."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.cases import graph, service
from fanzha.cases.clustering import communities
from fanzha.cases.models import Case, CaseEntity, GraphEntity, MoneyFlow
from fanzha.cases.schemas import GangDetail, GangSummary, MuleChain
from fanzha.cases.scoring import link_pairs
from fanzha.core.errors import NotFound
from fanzha.core.rbac import Permission, Principal
from fanzha.detect.labels import type_name

MAX_CHAIN_DEPTH = 4  # victim → 一级 → 二级 → 三级 → 四级 卡: deeper layers are rarely traced in time


@dataclass
class GangCases:
    gang_id: str
    case_ids: list[int]


def gang_id_of(case_ids: list[int]) -> str:
    return f"TH{min(case_ids):06d}"


def find(session: Session, *, actor: Principal) -> list[GangCases]:
    """Communities of two or more linked cases within the caller's jurisdiction."""
    actor.require(Permission.CASE_READ)
    adj = graph.load_adjacency(session, actor.scope)
    if len(adj.case_ids) == 0:
        return []
    result = link_pairs(adj.matrix, adj.weights)
    labels = communities(len(adj.case_ids), result.left, result.right, result.score)
    groups: dict[int, list[int]] = defaultdict(list)
    for idx, label in enumerate(labels.tolist()):
        groups[label].append(int(adj.case_ids[idx]))
    return [GangCases(gang_id_of(ids), sorted(ids)) for ids in groups.values() if len(ids) >= 2]


def _victim_key(c: Case) -> str:
    return c.victim_phone_hash or (f"p{c.victim_person_id}" if c.victim_person_id else f"c{c.id}")


def summarize(session: Session, gang: GangCases) -> GangSummary:
    cases = session.scalars(select(Case).where(Case.id.in_(gang.case_ids))).all()
    shared = session.execute(
        select(GraphEntity.masked, GraphEntity.kind).join(CaseEntity, CaseEntity.entity_id == GraphEntity.id)
        .where(CaseEntity.case_id.in_(gang.case_ids))).all()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for masked, kind in shared:
        counts[(kind, masked)] += 1
    key = [f"{m}（{n}起）" for (k, m), n in sorted(counts.items(), key=lambda kv: -kv[1])
           if n >= 2 and k != "app"][:5]
    times = [c.reported_at for c in cases]
    return GangSummary(
        gang_id=gang.gang_id, cases=len(cases), victims=len({_victim_key(c) for c in cases}),
        loss_fen=sum(c.loss_fen for c in cases), recovered_fen=sum(c.recovered_fen for c in cases),
        type_codes=sorted({c.type_code for c in cases if c.type_code}), key_entities=key,
        first_at=min(times) if times else None, last_at=max(times) if times else None)


def ranked(session: Session, *, actor: Principal, limit: int = 100) -> list[GangSummary]:
    """Gangs by total loss, then number of victims."""
    out = [summarize(session, g) for g in find(session, actor=actor)]
    out.sort(key=lambda g: (-g.loss_fen, -g.victims, g.gang_id))
    return out[:limit]


def get(session: Session, *, actor: Principal, gang_id: str) -> GangDetail:
    for g in find(session, actor=actor):
        if g.gang_id == gang_id:
            return detail(session, g)
    raise NotFound("团伙", "Gang", gang_id)


def mule_chains(session: Session, case_ids: list[int], limit: int = 30) -> list[MuleChain]:
    """Walk money from the victims' payments through statement flows, account by account."""
    first = session.execute(select(MoneyFlow.to_entity_id, MoneyFlow.amount_fen, MoneyFlow.case_id)
                            .where(MoneyFlow.case_id.in_(case_ids))).all()
    if not first:
        return []
    masked: dict[int, str] = {int(i): str(m) for i, m in session.execute(select(GraphEntity.id, GraphEntity.masked))}
    onward: dict[int, list[tuple[int, int]]] = defaultdict(list)
    frontier = {to for to, _, _ in first}
    seen: set[int] = set()
    for _ in range(MAX_CHAIN_DEPTH - 1):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        rows = session.execute(select(MoneyFlow.from_entity_id, MoneyFlow.to_entity_id, MoneyFlow.amount_fen)
                               .where(MoneyFlow.from_entity_id.in_(frontier))).all()
        frontier = set()
        for src, dst, amount in rows:
            onward[int(src or 0)].append((int(dst), int(amount)))
            frontier.add(int(dst))
    amount_in: dict[int, int] = defaultdict(int)
    victims: dict[int, set[int]] = defaultdict(set)
    for to, amount, case_id in first:
        amount_in[to] += amount
        victims[to].add(int(case_id or 0))
    chains: list[MuleChain] = []

    def walk(node: int, path: list[int], amount: int, n_victims: int) -> None:
        nexts = [(d, a) for d, a in onward.get(node, []) if d not in path]
        if not nexts or len(path) >= MAX_CHAIN_DEPTH:
            chains.append(MuleChain(path=["受害人"] + [masked.get(p, "?") for p in path], amount_fen=amount,
                                    victims=n_victims))
            return
        for dst, moved in nexts:
            walk(dst, [*path, dst], min(amount, moved), n_victims)

    for account, amount in amount_in.items():
        walk(account, [account], amount, len(victims[account]))
    chains.sort(key=lambda c: (-c.amount_fen, -len(c.path)))
    return chains[:limit]


def detail(session: Session, gang: GangCases) -> GangDetail:
    base = summarize(session, gang)
    cases = session.scalars(select(Case).where(Case.id.in_(gang.case_ids)).order_by(Case.reported_at)).all()
    ents: dict[int, tuple[str, GraphEntity]] = {}
    per_entity: dict[int, int] = defaultdict(int)
    for c in cases:
        for ce, ge in service.entity_rows(session, c.id):
            ents.setdefault(ge.id, (ce.role, ge))
            per_entity[ge.id] += 1
    ordered = sorted(ents.values(), key=lambda rg: (-per_entity[rg[1].id], rg[1].kind, rg[1].masked))
    return GangDetail(**base.model_dump(), case_ids=[c.id for c in cases], case_nos=[c.case_no for c in cases],
                      entities=[service.entity_out(role, ge) for role, ge in ordered],
                      chains=mule_chains(session, gang.case_ids))


def evidence_csv(session: Session, *, actor: Principal, gang_id: str) -> str:
    """The gang's evidence list (证据清单) as CSV for Excel: cases, shared entities, money chains."""
    g = get(session, actor=actor, gang_id=gang_id)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["团伙证据清单", g.gang_id, f"案件{g.cases}起", f"受害人{g.victims}人", f"损失{g.loss_fen / 100:.2f}元"])
    w.writerow([])
    w.writerow(["一、关联案件", "案件编号", "报案时间", "案件类型", "损失(元)", "挽损(元)", "状态"])
    for cid in g.case_ids:
        c = session.get(Case, cid)
        assert c is not None
        w.writerow(["", c.case_no, c.reported_at.strftime("%Y-%m-%d %H:%M"), type_name(c.type_code) or "",
                    f"{c.loss_fen / 100:.2f}", f"{c.recovered_fen / 100:.2f}", c.status])
    w.writerow([])
    w.writerow(["二、涉案要素", "类型", "值(脱敏)", "角色", "格式校验"])
    for e in g.entities:
        w.writerow(["", e.kind_name, e.masked, e.role, "通过" if e.valid else f"存疑：{e.note or ''}"])
    w.writerow([])
    w.writerow(["三、资金链路", "路径", "金额(元)", "涉及受害人"])
    for ch in g.chains:
        w.writerow(["", " → ".join(ch.path), f"{ch.amount_fen / 100:.2f}", ch.victims])
    return "\ufeff" + buf.getvalue()

