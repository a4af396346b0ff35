"""串并案 over the database: related cases for one case (indexed SQL), and batch linking of every
case (sparse matrix), which stores the links and announces new ones as `case.linked`."""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from sqlalchemy import delete, select
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


def _entity_meta(session: Session, ids: list[int]) -> dict[int, SharedEntity]:
    """Kind, masked value and validity of the given entities (df filled in later)."""
    out: dict[int, SharedEntity] = {}
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        stmt = select(GraphEntity.id, GraphEntity.kind, GraphEntity.masked, GraphEntity.valid).where(
            GraphEntity.id.in_(chunk))
        for eid, kind, masked, valid in graph.raw_rows(session, stmt):
            out[int(eid)] = SharedEntity(int(eid), kind, masked, bool(valid), 0)
    return out


def _store_links(session: Session, rows: list[tuple[int, int, float, list[str]]]) -> None:
    """Bulk insert through the DB-API cursor: per-row ORM parameter processing cost ~5x more."""
    dialect = session.get_bind().dialect
    table = CaseLink.__table__
    shared_proc = table.c.shared.type.dialect_impl(dialect).bind_processor(dialect)
    at_type = table.c.computed_at.type
    at = at_type.process_bind_param(clock.now(), dialect)  # type: ignore[attr-defined]
    at_proc = at_type.dialect_impl(dialect).impl.bind_processor(dialect)  # type: ignore[attr-defined]
    at = at_proc(at) if at_proc else at
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO case_link (case_id, linked_case_id, score, shared, computed_at) "
           f"VALUES ({', '.join([mark] * 5)})")
    cursor = session.connection().connection.cursor()
    try:
        for i in range(0, len(rows), 20_000):
            cursor.executemany(sql, [(a, b, s, shared_proc(r) if shared_proc else r, at)
                                     for a, b, s, r in rows[i:i + 20_000]])
    finally:
        cursor.close()


def run_batch(session: Session, *, actor: Principal, threshold: float = LINK_THRESHOLD,
              announce: bool = True) -> BatchLinkOut:
    """Link every case in the database; replace stored links; emit case.linked for pairs not linked before."""
    actor.require(Permission.CASE_WRITE)
    started = time.perf_counter()
    adj = graph.load_adjacency(session)
    result = link_pairs(adj.matrix, adj.weights, threshold=threshold)
    m = adj.matrix
    df = np.asarray(m.sum(axis=0)).ravel().astype(np.int64)
    useful = (df >= 2) & (df <= HUB_CASES)
    cols_in_pairs = np.unique(np.concatenate([m[result.left].indices, m[result.right].indices])) \
        if len(result) else np.zeros(0, dtype=np.int64)
    cols_in_pairs = cols_in_pairs[useful[cols_in_pairs]]
    meta = _entity_meta(session, adj.entity_ids[cols_in_pairs].tolist())
    by_col = {int(c): SharedEntity(meta[int(adj.entity_ids[c])].entity_id, meta[int(adj.entity_ids[c])].kind,
                                   meta[int(adj.entity_ids[c])].masked, meta[int(adj.entity_ids[c])].valid,
                                   int(df[c])) for c in cols_in_pairs if int(adj.entity_ids[c]) in meta}
    before = set(session.execute(select(CaseLink.case_id, CaseLink.linked_case_id)).all())
    session.execute(delete(CaseLink))
    rows: list[tuple[int, int, float, list[str]]] = []
    reasons_cache: dict[tuple[int, ...], list[str]] = {}
    indptr, indices = m.indptr, m.indices
    new_links = 0
    for a, b, score in zip(result.left.tolist(), result.right.tolist(), result.score.tolist(), strict=True):
        shared = tuple(sorted(set(indices[indptr[a]:indptr[a + 1]].tolist())
                              & set(indices[indptr[b]:indptr[b + 1]].tolist()) & by_col.keys()))
        reasons = reasons_cache.get(shared)
        if reasons is None:
            reasons = reasons_cache[shared] = explain([by_col[c] for c in shared])
        ca, cb = int(adj.case_ids[a]), int(adj.case_ids[b])
        rows.append((ca, cb, round(score, 4), reasons))
        if (ca, cb) not in before:
            new_links += 1
            if announce:
                emit(session, CASE_LINKED, {"case_id": ca, "linked_case_id": cb, "score": round(score, 4),
                                            "shared": reasons})
    _store_links(session, rows)
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
