"""The entity graph in SQL (graph_entity + case_entity adjacency) and its in-memory form.

Single-case questions (which cases share this account?) are indexed SQL look-ups. Batch work
(linking the whole database, gang detection) loads the adjacency once into numpy arrays and a
scipy sparse matrix: 1,000,000 link rows load in a few seconds and every later step is vectorized.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fanzha.cases.entities import EntityValue
from fanzha.cases.models import Case, CaseEntity, GraphEntity
from fanzha.cases.scoring import entity_weight, incidence
from fanzha.core import clock
from fanzha.core.scope import Scope


def upsert_entity(session: Session, value: EntityValue) -> GraphEntity:
    """The node for this normalized value, created on first sight."""
    found = session.scalars(select(GraphEntity).where(GraphEntity.kind == value.kind,
                                                      GraphEntity.key == value.key)).first()
    if found is not None:
        return found
    node = GraphEntity(kind=value.kind.value, key=value.key, value_enc=value.canonical, masked=value.masked,
                       valid=value.valid, note=value.note, first_seen_at=clock.now())
    session.add(node)
    session.flush()
    return node


def find_entity(session: Session, value: EntityValue) -> GraphEntity | None:
    return session.scalars(select(GraphEntity).where(GraphEntity.kind == value.kind,
                                                     GraphEntity.key == value.key)).first()


def attach(session: Session, *, case_id: int, entity: GraphEntity, role: str) -> bool:
    """Link a case to an entity once; False if it was already linked."""
    exists = session.scalar(select(CaseEntity.id).where(CaseEntity.case_id == case_id,
                                                        CaseEntity.entity_id == entity.id))
    if exists is not None:
        return False
    session.add(CaseEntity(case_id=case_id, entity_id=entity.id, role=role))
    session.flush()
    return True


def case_counts(session: Session, entity_ids: list[int]) -> dict[int, int]:
    """How many cases name each entity (its document frequency)."""
    if not entity_ids:
        return {}
    rows = session.execute(select(CaseEntity.entity_id, func.count()).where(CaseEntity.entity_id.in_(entity_ids))
                           .group_by(CaseEntity.entity_id)).all()
    return {int(e): int(n) for e, n in rows}


@dataclass
class Adjacency:
    """The case × entity graph as arrays: row i of `matrix` is case `case_ids[i]`."""

    case_ids: NDArray[np.int64]
    entity_ids: NDArray[np.int64]
    weights: NDArray[np.float64]  # per entity column
    matrix: sparse.csr_matrix

    @property
    def n_links(self) -> int:
        return int(self.matrix.nnz)


def build_adjacency(case_col: NDArray[np.int64], entity_col: NDArray[np.int64],
                    entity_kind: dict[int, str] | None = None, entity_valid: dict[int, bool] | None = None,
                    weights_by_id: NDArray[np.float64] | None = None) -> Adjacency:
    """Arrays of (case id, entity id) link rows → Adjacency; weights by kind/validity per entity."""
    case_ids, ci = np.unique(case_col, return_inverse=True)
    entity_ids, ei = np.unique(entity_col, return_inverse=True)
    if weights_by_id is not None:  # indexed by entity id (ids are 0..n-1 in memory)
        weights = weights_by_id[entity_ids]
    else:
        kinds = entity_kind or {}
        valid = entity_valid or {}
        table = {(k, ok): entity_weight(k, ok) for k in set(kinds.values()) | {""} for ok in (True, False)}
        weights = np.array([table[(kinds.get(e, ""), valid.get(e, True))] for e in entity_ids.tolist()],
                           dtype=np.float64)
    m = incidence(ci.astype(np.int64), ei.astype(np.int64), len(case_ids), len(entity_ids))
    return Adjacency(case_ids=case_ids.astype(np.int64), entity_ids=entity_ids.astype(np.int64),
                     weights=weights, matrix=m)


def raw_rows(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Plain DB-API tuples: SQLAlchemy Row objects cost ~10x more per row when turned into arrays,
    which is most of the load time at a million links."""
    compiled = stmt.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(str(compiled))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def load_adjacency(session: Session, scope: Scope | None = None) -> Adjacency:
    """Every case ↔ entity link (within the scope) as an Adjacency."""
    stmt = select(CaseEntity.case_id, CaseEntity.entity_id)
    ents = select(GraphEntity.id, GraphEntity.kind, GraphEntity.valid)
    if scope is not None and scope.path is not None:
        stmt = stmt.join(Case, Case.id == CaseEntity.case_id).where(scope.clause(Case.area_path))
        ents = ents.where(GraphEntity.id.in_(select(CaseEntity.entity_id).join(Case, Case.id == CaseEntity.case_id)
                                             .where(scope.clause(Case.area_path))))
    rows = raw_rows(session, stmt)
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Adjacency(empty, empty, np.zeros(0), sparse.csr_matrix((0, 0)))
    arr = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=2 * len(rows)).reshape(-1, 2)
    kinds: dict[int, str] = {}
    valid: dict[int, bool] = {}
    for eid, kind, ok in raw_rows(session, ents):
        kinds[eid] = kind
        valid[eid] = bool(ok)
    return build_adjacency(arr[:, 0], arr[:, 1], kinds, valid)
