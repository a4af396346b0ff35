"""团伙: communities of linked cases, ranked by total loss and victims, with the money's path
(victim → first-level account → next accounts) and an evidence list an investigator can export."""

from __future__ import annotations

import csv
import io
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.cases import graph, service
from fanzha.cases.clustering import communities
from fanzha.cases.models import Case, CaseEntity, GraphEntity, MoneyFlow
from fanzha.cases.schemas import GangDetail, GangSummary, MuleChain
from fanzha.cases.scoring import link_pairs
from fanzha.core import cache
from fanzha.core.errors import NotFound
from fanzha.core.rbac import Permission, Principal
from fanzha.detect.labels import type_name

log = structlog.get_logger("fanzha.cases.gangs")

WARM_TICK_S = 30.0
MAX_CHAIN_DEPTH = 4  # victim → 一级 → 二级 → 三级 → 四级 卡: deeper layers are rarely traced in time


@dataclass
class GangCases:
    gang_id: str
    case_ids: list[int]


def gang_id_of(case_ids: list[int]) -> str:
    return f"TH{min(case_ids):06d}"


def graph_version(session: Session) -> tuple[int, int]:
    """Changes whenever a case ↔ entity link is added or removed (count and highest id of the
    adjacency rows, one index scan): the gangs found before stay valid until it moves."""
    count, top = session.execute(select(func.count(CaseEntity.id), func.max(CaseEntity.id))).one()
    return int(count or 0), int(top or 0)


def find(session: Session, *, actor: Principal, refresh: bool = False) -> list[GangCases]:
    """Communities of two or more linked cases within the caller's jurisdiction. Computed once per
    graph version and jurisdiction (linking plus Louvain: about half a second on a county-year) and
    reused from the aggregate cache until a case gains or loses an entity."""
    actor.require(Permission.CASE_READ)
    key = ("cases.gangs", actor.scope.path, graph_version(session))
    return cache.cached(session, key, lambda: _find_now(session, actor), refresh=refresh)


def _find_now(session: Session, actor: Principal) -> list[GangCases]:
    adj = graph.load_adjacency(session, actor.scope)
    if len(adj.case_ids) == 0:
        return []
    result = link_pairs(adj.matrix, adj.weights)
    labels = communities(len(adj.case_ids), result.left, result.right, result.score)
    groups: dict[int, list[int]] = defaultdict(list)
    for idx, label in enumerate(labels.tolist()):
        groups[label].append(int(adj.case_ids[idx]))
    return [GangCases(gang_id_of(ids), sorted(ids)) for ids in groups.values() if len(ids) >= 2]


def _victim_key(c: Case | Any) -> str:
    return c.victim_phone_hash or (f"p{c.victim_person_id}" if c.victim_person_id else f"c{c.id}")


# What a summary reads of a case: plain columns only (whole rows would decrypt every PII field).
_SUMMARY_COLUMNS = (Case.id, Case.reported_at, Case.loss_fen, Case.recovered_fen, Case.type_code,
                    Case.victim_phone_hash, Case.victim_person_id)


def summarize(session: Session, gang: GangCases) -> GangSummary:
    return summarize_all(session, [gang])[0]


def summarize_all(session: Session, gangs: list[GangCases]) -> list[GangSummary]:
    """Summaries of many gangs from two queries (cases, shared entities), not two per gang."""
    ids = [cid for g in gangs for cid in g.case_ids]
    cases: dict[int, Any] = {}
    shared: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        cases.update((c.id, c) for c in session.execute(select(*_SUMMARY_COLUMNS).where(Case.id.in_(chunk))))
        for case_id, masked, kind in session.execute(
                select(CaseEntity.case_id, GraphEntity.masked, GraphEntity.kind)
                .join(CaseEntity, CaseEntity.entity_id == GraphEntity.id).where(CaseEntity.case_id.in_(chunk))):
            shared[int(case_id)].append((str(masked), str(kind)))
    out = []
    for gang in gangs:
        mine = [cases[i] for i in gang.case_ids if i in cases]
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for cid in gang.case_ids:
            for masked, kind in shared.get(cid, []):
                counts[(kind, masked)] += 1
        key = [f"{m}（{n}起）" for (k, m), n in sorted(counts.items(), key=lambda kv: -kv[1])
               if n >= 2 and k != "app"][:5]
        times = [c.reported_at for c in mine]
        out.append(GangSummary(
            gang_id=gang.gang_id, cases=len(mine), victims=len({_victim_key(c) for c in mine}),
            loss_fen=sum(c.loss_fen for c in mine), recovered_fen=sum(c.recovered_fen for c in mine),
            type_codes=sorted({c.type_code for c in mine if c.type_code}), key_entities=key,
            first_at=min(times) if times else None, last_at=max(times) if times else None))
    return out


def ranked(session: Session, *, actor: Principal, limit: int = 100) -> list[GangSummary]:
    """Gangs by total loss, then number of victims."""
    out = summarize_all(session, find(session, actor=actor))
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



def _reader_scopes(session: Session) -> list[Principal]:
    """One principal per distinct jurisdiction of the active users who may read cases."""
    from fanzha.core.rbac import ROLE_PERMISSIONS, Role
    from fanzha.users.models import User

    seen: dict[str, Principal] = {}
    for role, code, path in session.execute(select(User.role, User.area_code, User.area_path)
                                            .where(User.is_active.is_(True)).distinct()):
        if Permission.CASE_READ in ROLE_PERMISSIONS.get(Role(role), frozenset()) and path not in seen:
            seen[path] = Principal(username="gangs-warmup", role=Role(role), area_code=code, area_path=path,
                                   permissions=frozenset({Permission.CASE_READ}))
    return list(seen.values())


def warm_once(*, refresh: bool = False) -> int:
    """Find the gangs of every case reader's jurisdiction into the cache (recomputed only where the
    graph moved, or everywhere with `refresh`); returns how many jurisdictions."""
    from fanzha.core.db import session_scope

    with session_scope() as session:
        scopes = _reader_scopes(session)
        for actor in scopes:
            find(session, actor=actor, refresh=refresh)
    return len(scopes)


def warm_loop(stop: threading.Event) -> None:
    """Background job beside the web app, so /cases/gangs reads stored results: checks the graph
    version every WARM_TICK_S and re-finds gangs when cases were linked; refreshes before the
    aggregate cache's TTL runs out."""
    last_refresh = 0.0
    while not stop.is_set() and cache.ttl_seconds() > 0:
        now = time.monotonic()
        refresh = now - last_refresh > cache.ttl_seconds() * 0.8
        try:
            warm_once(refresh=refresh)
            if refresh:
                last_refresh = now
        except Exception:  # keep serving; the next round tries again
            log.exception("cases.gangs.warmup.failed")
        stop.wait(WARM_TICK_S)
