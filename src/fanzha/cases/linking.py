"""串并案 over the database: related cases for one case (indexed SQL), and batch linking of every
case (sparse matrix), which stores the links and announces new ones as `case.linked`."""

from __future__ import annotations

import time
from collections import defaultdict

from sqlalchemy import delete, select, true
from sqlalchemy.orm import Session

from fanzha.cases import graph, service
from fanzha.cases.models import Case, CaseEntity, CaseLink, GraphEntity
from fanzha.cases.schemas import BatchLinkOut, RelatedCase, RelatedOut
from fanzha.cases.scoring import HUB_CASES, LINK_THRESHOLD, SharedEntity, explain, link_pairs, noisy_or
from fanzha.core import clock
from fanzha.core.events import CASE_LINKED, emit
from fanzha.core.rbac import Permission, Principal
from fanzha.detect.labels import type_name


def shared_evidence(session: Session, case_id: int) -> dict[int, list[SharedEntity]]:
    """Other case id → the entities it shares with this case (hubs left out)."""
    mine = session.execute(select(GraphEntity).join(CaseEntity, CaseEntity.entity_id == GraphEntity.id)
                           .where(CaseEntity.case_id == case_id)).scalars().all()
    counts = graph.case_counts(session, [e.id for e in mine])
    useful = {e.id: e for e in mine if 2 <= counts.get(e.id, 0) <= HUB_CASES}
    if not useful:
        return {}
    rows = session.execute(select(CaseEntity.case_id, CaseEntity.entity_id)
                           .where(CaseEntity.entity_id.in_(list(useful)), CaseEntity.case_id != case_id)).all()
    out: dict[int, list[SharedEntity]] = defaultdict(list)
    for other, eid in rows:
        e = useful[eid]
        out[other].append(SharedEntity(e.id, e.kind, e.masked, e.valid, counts[eid]))
    return out


def related(session: Session, *, actor: Principal, case_id: int, limit: int = 20,
            threshold: float = LINK_THRESHOLD) -> RelatedOut:
    """Cases sharing telling evidence with this one, strongest first, each with its reasons in Chinese.
    Related cases outside the caller's jurisdiction are counted, not shown."""
    service.get(session, actor=actor, case_id=case_id)
    scored = [(noisy_or(s.weight for s in shared), other, shared)
              for other, shared in shared_evidence(session, case_id).items()]
    scored = [x for x in scored if x[0] >= threshold - 1e-9]
    scored.sort(key=lambda x: (-x[0], x[1]))
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_([o for _, o, _ in scored])))}
    visible = [(s, o, sh) for s, o, sh in scored if actor.scope.contains(cases[o].area_path)]
    out = []
    for score, other, shared in visible[:limit]:
        c = cases[other]
        out.append(RelatedCase(case_id=c.id, case_no=c.case_no, score=round(score, 3), shared=explain(shared),
                               type_code=c.type_code, type_name=type_name(c.type_code), loss_fen=c.loss_fen,
                               reported_at=c.reported_at, area_code=c.area_code, status=c.status))
    return RelatedOut(case_id=case_id, related=out, outside_scope=len(scored) - len(visible))


def _shared_between(rows_by_case: dict[int, set[int]], a: int, b: int, meta: dict[int, tuple[str, str, bool]],
                    counts: dict[int, int]) -> list[SharedEntity]:
    return [SharedEntity(e, *meta[e], counts[e]) for e in sorted(rows_by_case[a] & rows_by_case[b])
            if 2 <= counts[e] <= HUB_CASES]


def run_batch(session: Session, *, actor: Principal, threshold: float = LINK_THRESHOLD,
              announce: bool = True) -> BatchLinkOut:
    """Link every case in the database; replace stored links; emit case.linked for pairs not linked before."""
    actor.require(Permission.CASE_WRITE)
    started = time.perf_counter()
    adj = graph.load_adjacency(session)
    result = link_pairs(adj.matrix, adj.weights, threshold=threshold)
    left = adj.case_ids[result.left]
    right = adj.case_ids[result.right]
    before = set(session.execute(select(CaseLink.case_id, CaseLink.linked_case_id)).all())
    involved = set(left.tolist()) | set(right.tolist())
    rows_by_case: dict[int, set[int]] = defaultdict(set)
    for cid, eid in session.execute(select(CaseEntity.case_id, CaseEntity.entity_id)
                                    .where(CaseEntity.case_id.in_(involved) if len(involved) < 30_000 else true())):
        if cid in involved:
            rows_by_case[cid].add(eid)
    entity_ids = {e for s in rows_by_case.values() for e in s}
    counts: dict[int, int] = defaultdict(int)
    col = {int(e): i for i, e in enumerate(adj.entity_ids)}
    df = adj.matrix.sum(axis=0).A1
    for e in entity_ids:
        counts[e] = int(df[col[e]])
    meta = {e: (k, m, v) for e, k, m, v in session.execute(
        select(GraphEntity.id, GraphEntity.kind, GraphEntity.masked, GraphEntity.valid))
        if e in entity_ids}
    session.execute(delete(CaseLink))
    now = clock.now()
    new_links = 0
    rows = []
    for a, b, score in zip(left.tolist(), right.tolist(), result.score.tolist(), strict=True):
        reasons = explain(_shared_between(rows_by_case, a, b, meta, counts))
        rows.append({"case_id": a, "linked_case_id": b, "score": round(score, 4), "shared": reasons,
                     "computed_at": now})
        if (a, b) not in before:
            new_links += 1
            if announce:
                emit(session, CASE_LINKED, {"case_id": a, "linked_case_id": b, "score": round(score, 4),
                                            "shared": reasons})
    if rows:
        session.execute(CaseLink.__table__.insert(), rows)
    session.flush()
    return BatchLinkOut(cases=len(adj.case_ids), links=len(rows), new_links=new_links,
                        seconds=round(time.perf_counter() - started, 3))


def neighbourhood(session: Session, *, actor: Principal, case_id: int, max_cases: int = 40) -> dict[str, object]:
    """The case, its entities and the in-scope cases sharing them, shaped for an ECharts graph."""
    case = service.get(session, actor=actor, case_id=case_id)
    rows = service.entity_rows(session, case.id)
    counts = graph.case_counts(session, [ge.id for _, ge in rows])
    nodes: list[dict[str, object]] = [{"id": f"c{case.id}", "name": case.case_no, "category": 0, "symbolSize": 34,
                                       "value": f"本案 · 损失 {case.loss_fen / 100:,.0f} 元"}]
    links: list[dict[str, object]] = []
    kinds: list[str] = []
    for ce, ge in rows:
        if ge.kind not in kinds:
            kinds.append(ge.kind)
        nodes.append({"id": f"e{ge.id}", "name": ge.masked, "category": 2 + kinds.index(ge.kind),
                      "symbolSize": 14 + min(counts.get(ge.id, 1), 10) * 2,
                      "value": f"{ce.role} · {counts.get(ge.id, 1)} 起案件" + ("" if ge.valid else " · 格式存疑")})
        links.append({"source": f"c{case.id}", "target": f"e{ge.id}"})
    others = related(session, actor=actor, case_id=case.id, limit=max_cases)
    shared = shared_evidence(session, case.id)
    for r in others.related:
        nodes.append({"id": f"c{r.case_id}", "name": r.case_no, "category": 1, "symbolSize": 24,
                      "value": f"关联度 {r.score:.2f} · 损失 {r.loss_fen / 100:,.0f} 元", "case_id": r.case_id})
        for s in shared.get(r.case_id, []):
            links.append({"source": f"c{r.case_id}", "target": f"e{s.entity_id}"})
    from fanzha.cases.entities import kind_name

    categories = [{"name": "本案"}, {"name": "关联案件"}] + [
        {"name": kind_name(k)} for k in kinds]
    return {"nodes": nodes, "links": links, "categories": categories, "outside_scope": others.outside_scope}
