"""Case use cases: take a report (merging duplicates), read, move status, add entities and flows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.audit import service as audit
from fanzha.cases import graph, intake
from fanzha.cases.entities import EntityKind, kind_name, parse
from fanzha.cases.models import Case, CaseEntity, CaseStatus, EntitySighting, GraphEntity, MoneyFlow
from fanzha.cases.schemas import (
    CaseCreate,
    CaseOut,
    CaseSummary,
    EntityIn,
    EntityOut,
    FlowIn,
    StatusChange,
    TransferOut,
)
from fanzha.core import clock
from fanzha.core.errors import Invalid, NotFound, TransitionNotAllowed
from fanzha.core.pii import PIIKind, blind_index, mask, scrub
from fanzha.core.rbac import Permission, Principal
from fanzha.detect.labels import type_name


@dataclass
class IntakeResult:
    case: Case
    merged: bool


def get(session: Session, *, actor: Principal, case_id: int) -> Case:
    actor.require(Permission.CASE_READ)
    case = session.get(Case, case_id)
    if case is None or not actor.scope.contains(case.area_path):
        raise NotFound("案件", "Case", case_id)
    return case


def _victim_keys(data: CaseCreate) -> tuple[str | None, int | None]:
    return (blind_index(PIIKind.PHONE, data.victim_phone) if data.victim_phone else None), data.victim_person_id


def _prior_reports(session: Session, data: CaseCreate) -> list[intake.PriorReport]:
    phone_hash, person_id = _victim_keys(data)
    conds = []
    if phone_hash:
        conds.append(Case.victim_phone_hash == phone_hash)
    if person_id:
        conds.append(Case.victim_person_id == person_id)
    if not conds:
        return []
    cases = session.scalars(select(Case).where(or_(*conds), Case.status != CaseStatus.DECLINED)
                            .order_by(Case.id)).all()
    out = []
    for c in cases:
        keys = session.execute(select(GraphEntity.kind, GraphEntity.key).join(
            CaseEntity, CaseEntity.entity_id == GraphEntity.id).where(CaseEntity.case_id == c.id)).all()
        out.append(intake.PriorReport(c.id, clock.as_utc(c.reported_at),
                                      clock.as_utc(c.occurred_at) if c.occurred_at else None, c.loss_fen,
                                      frozenset((k, v) for k, v in keys)))
    return out


def _with_suggestions(data: CaseCreate, suggestion: dict[str, Any]) -> CaseCreate:
    """The officer accepted the suggestions: add suggested entities and fill an empty type/channel."""
    field_of = {kind: field for field, (kind, _role) in intake.FIELD_ROLES.items()}
    update: dict[str, Any] = {}
    for e in suggestion.get("entities", []):
        field = field_of[EntityKind(e["kind"])]
        update.setdefault(field, list(getattr(data, field))).append(e["value"])
    if data.type_code is None and suggestion.get("type_code"):
        update["type_code"] = suggestion["type_code"]
    if data.channel is None and suggestion.get("channel"):
        update["channel"] = suggestion["channel"]
    return CaseCreate.model_validate({**data.model_dump(), **update})


def create(session: Session, *, actor: Principal, data: CaseCreate, with_suggestions: bool = True) -> IntakeResult:
    """Take a report. A repeat report of the same case (same victim, overlapping evidence) merges.
    `with_suggestions=False` skips the narrative analysis (bulk loads of already-structured cases)."""
    actor.require(Permission.CASE_WRITE)
    area = areas.get(session, code=data.area_code, scope=actor.scope)
    if data.external_ref:
        existing = session.scalars(select(Case).where(Case.external_ref == data.external_ref)).first()
        if existing is not None and actor.scope.contains(existing.area_path):
            return IntakeResult(existing, merged=True)
    suggestion: dict[str, Any] = {}
    type_confirmed = data.type_code is not None  # a type filled from the suggestion is not confirmed
    if with_suggestions and data.narrative.strip():
        from fanzha.cases.suggest import suggest

        full = suggest(data.narrative).model_dump(mode="json")
        if data.accept_suggestions:
            data = _with_suggestions(data, full)
        # Stored without the clear values: the case keeps only masked copies of numbers.
        suggestion = {**full, "entities": [{k: v for k, v in e.items() if k != "value"} for e in full["entities"]]}
    now = clock.now()
    reported_at = data.reported_at or now
    loss = data.loss_fen or sum(t.amount_fen for t in data.transfers)
    elements = intake.elements(data)
    keys = frozenset((e.value.kind.value, e.value.key) for e in elements)
    for prior in _prior_reports(session, data):
        if intake.is_duplicate(prior, reported_at=reported_at, occurred_at=data.occurred_at, loss_fen=loss,
                               entity_keys=keys):
            case = session.get(Case, prior.case_id)
            assert case is not None
            if actor.scope.contains(case.area_path):
                _merge(session, actor=actor, case=case, data=data, elements=elements, loss=loss)
                return IntakeResult(case, merged=True)
    phone_hash, _ = _victim_keys(data)
    case = Case(
        case_no=f"tmp-{uuid.uuid4().hex[:24]}",  # replaced by the id-based number after the flush
        source=data.source.value, external_ref=data.external_ref,
        status=CaseStatus.RECEIVED.value, reported_at=reported_at, occurred_at=data.occurred_at,
        channel=data.channel.value if data.channel else None,
        type_code=data.type_code.value if data.type_code else None,
        type_confirmed=type_confirmed, victim_person_id=data.victim_person_id,
        victim_name_enc=data.victim_name, victim_name_masked=mask(PIIKind.NAME, data.victim_name),
        victim_phone_enc=data.victim_phone, victim_phone_masked=mask(PIIKind.PHONE, data.victim_phone),
        victim_phone_hash=phone_hash, loss_fen=loss, recovered_fen=0, narrative_enc=data.narrative or None,
        scripts=list(data.scripts), suggestion=suggestion, report_count=1, merged_reports=[],
        created_by=actor.username, created_at=now, updated_at=now, area_code=area.code, area_path=area.path,
    )
    session.add(case)
    session.flush()
    case.case_no = f"AJ{clock.local(reported_at):%Y%m%d}{case.id:06d}"
    _attach_all(session, case=case, data=data, elements=elements)
    audit.record(session, actor=actor, action="case.create", object_type="case", object_id=case.id,
                 detail={"case_no": case.case_no, "entities": len(elements), "loss_fen": loss})
    return IntakeResult(case, merged=False)


def _attach_all(session: Session, *, case: Case, data: CaseCreate, elements: list[intake.Element]) -> None:
    nodes = {}
    for e in elements:
        node = graph.upsert_entity(session, e.value)
        graph.attach(session, case_id=case.id, entity=node, role=e.role)
        nodes[(e.value.kind, e.value.key)] = node
    for t in data.transfers:
        value = parse(EntityKind.ACCOUNT, t.payee_account)
        payee = nodes.get((EntityKind.ACCOUNT, value.key)) or graph.upsert_entity(session, value)
        session.add(MoneyFlow(case_id=case.id, from_entity_id=None, to_entity_id=payee.id, amount_fen=t.amount_fen,
                              at=t.at, method=t.method, source="case"))
    session.flush()


def _merge(session: Session, *, actor: Principal, case: Case, data: CaseCreate, elements: list[intake.Element],
           loss: int) -> None:
    """Fold a repeat report into the case: new entities and transfers, the larger loss, both narratives."""
    _attach_all(session, case=case, data=data, elements=elements)
    case.report_count += 1
    case.merged_reports = [*case.merged_reports, {"at": clock.now().isoformat(), "by": actor.username,
                                                  "source": data.source.value, "external_ref": data.external_ref}]
    case.loss_fen = max(case.loss_fen, loss)
    if data.narrative.strip() and data.narrative not in (case.narrative_enc or ""):
        case.narrative_enc = ((case.narrative_enc or "") + "\n\n【补充报案】" + data.narrative).strip()
    if case.type_code is None and data.type_code is not None:
        case.type_code, case.type_confirmed = data.type_code.value, True
    case.updated_at = clock.now()
    session.flush()
    audit.record(session, actor=actor, action="case.merge_report", object_type="case", object_id=case.id,
                 detail={"report_count": case.report_count, "entities": len(elements)})


def list_cases(session: Session, *, actor: Principal, status: str | None = None, type_code: str | None = None,
               limit: int = 50, offset: int = 0) -> tuple[int, Sequence[Case]]:
    actor.require(Permission.CASE_READ)
    stmt = select(Case).where(actor.scope.clause(Case.area_path))
    if status:
        stmt = stmt.where(Case.status == status)
    if type_code:
        stmt = stmt.where(Case.type_code == type_code)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return total, session.scalars(stmt.order_by(Case.reported_at.desc(), Case.id.desc()).limit(limit)
                                  .offset(offset)).all()


def change_status(session: Session, *, actor: Principal, case_id: int, data: StatusChange) -> Case:
    actor.require(Permission.CASE_WRITE)
    case = get(session, actor=actor, case_id=case_id)
    current = CaseStatus(case.status)
    if not intake.can_move(current, data.to):
        raise TransitionNotAllowed(current.value, data.to.value)
    loss = case.loss_fen if data.loss_fen is None else data.loss_fen
    recovered = case.recovered_fen if data.recovered_fen is None else data.recovered_fen
    if recovered > loss:
        raise Invalid("挽回金额不能大于损失金额", "recovered amount exceeds the loss",
                      fields={"recovered_fen": recovered, "loss_fen": loss})
    now = clock.now()
    case.status, case.loss_fen, case.recovered_fen, case.updated_at = data.to.value, loss, recovered, now
    if data.to is CaseStatus.FILED:
        case.filed_at = now
    if data.to in intake.CLOSED:
        case.closed_at = now
    session.flush()
    audit.record(session, actor=actor, action="case.status", object_type="case", object_id=case.id,
                 detail={"from": current.value, "to": data.to.value, "loss_fen": loss, "recovered_fen": recovered,
                         "note": data.note})
    return case


def add_entities(session: Session, *, actor: Principal, case_id: int, entities: list[EntityIn]) -> Case:
    actor.require(Permission.CASE_WRITE)
    case = get(session, actor=actor, case_id=case_id)
    added = 0
    for e in entities:
        node = graph.upsert_entity(session, parse(e.kind, e.value))
        added += graph.attach(session, case_id=case.id, entity=node, role=e.role or intake.ROLE_BY_KIND[e.kind])
    case.updated_at = clock.now()
    audit.record(session, actor=actor, action="case.add_entities", object_type="case", object_id=case.id,
                 detail={"added": added})
    return case


def import_flows(session: Session, *, actor: Principal, flows: list[FlowIn]) -> int:
    """Account → account transfers from bank statements (调证), kept for mule-chain tracing."""
    actor.require(Permission.CASE_WRITE)
    for f in flows:
        src = graph.upsert_entity(session, parse(EntityKind.ACCOUNT, f.from_account))
        dst = graph.upsert_entity(session, parse(EntityKind.ACCOUNT, f.to_account))
        session.add(MoneyFlow(case_id=None, from_entity_id=src.id, to_entity_id=dst.id, amount_fen=f.amount_fen,
                              at=f.at, method="银行转账", source="statement"))
    session.flush()
    audit.record(session, actor=actor, action="case.import_flows", object_type="money_flow", object_id="batch",
                 detail={"rows": len(flows)})
    return len(flows)


def entity_rows(session: Session, case_id: int) -> list[tuple[CaseEntity, GraphEntity]]:
    rows = session.execute(select(CaseEntity, GraphEntity).join(GraphEntity, GraphEntity.id == CaseEntity.entity_id)
                           .where(CaseEntity.case_id == case_id).order_by(CaseEntity.id)).all()
    return [(ce, ge) for ce, ge in rows]


def entity_out(ce_role: str, ge: GraphEntity, listed: set[tuple[str, str]] | None = None,
               sightings: dict[int, int] | None = None) -> EntityOut:
    return EntityOut(entity_id=ge.id, kind=ge.kind, kind_name=kind_name(ge.kind), masked=ge.masked, valid=ge.valid,
                     note=ge.note, role=ce_role, risk_listed=(ge.kind, ge.key) in (listed or set()),
                     sightings=(sightings or {}).get(ge.id, 0))


def sighting_counts(session: Session, entity_ids: list[int]) -> dict[int, int]:
    if not entity_ids:
        return {}
    rows = session.execute(select(EntitySighting.entity_id, func.count()).where(
        EntitySighting.entity_id.in_(entity_ids)).group_by(EntitySighting.entity_id)).all()
    return {int(e): int(n) for e, n in rows}


def transfers_of(session: Session, case_id: int) -> list[TransferOut]:
    rows = session.execute(select(MoneyFlow, GraphEntity).join(GraphEntity, GraphEntity.id == MoneyFlow.to_entity_id)
                           .where(MoneyFlow.case_id == case_id).order_by(MoneyFlow.id)).all()
    return [TransferOut(amount_fen=f.amount_fen, to_masked=g.masked, to_valid=g.valid, at=f.at, method=f.method)
            for f, g in rows]


def to_out(session: Session, case: Case) -> CaseOut:
    from fanzha.risklists.service import listed_keys

    rows = entity_rows(session, case.id)
    listed = listed_keys(session, [(ge.kind, ge.key) for _, ge in rows])
    seen = sighting_counts(session, [ge.id for _, ge in rows])
    return CaseOut(
        id=case.id, case_no=case.case_no, status=case.status, source=case.source, area_code=case.area_code,
        reported_at=case.reported_at, occurred_at=case.occurred_at, channel=case.channel, type_code=case.type_code,
        type_name=type_name(case.type_code), type_confirmed=case.type_confirmed,
        victim_person_id=case.victim_person_id, victim_name_masked=case.victim_name_masked,
        victim_phone_masked=case.victim_phone_masked, loss_fen=case.loss_fen, recovered_fen=case.recovered_fen,
        report_count=case.report_count, narrative=scrub(case.narrative_enc or ""), scripts=list(case.scripts),
        entities=[entity_out(ce.role, ge, listed, seen) for ce, ge in rows], transfers=transfers_of(session, case.id),
        suggestion=case.suggestion or {},
    )


def summary(case: Case) -> CaseSummary:
    return CaseSummary(id=case.id, case_no=case.case_no, status=case.status, area_code=case.area_code,
                       reported_at=case.reported_at, type_code=case.type_code, type_name=type_name(case.type_code),
                       loss_fen=case.loss_fen, recovered_fen=case.recovered_fen,
                       victim_name_masked=case.victim_name_masked, report_count=case.report_count)
