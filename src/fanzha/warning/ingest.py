"""Ingest → grade → dispatch, a batch at a time.

Every path (API, file import, bus workers) ends here. The hot path is set-based: a handful
of queries and bulk inserts per batch, never one ORM round trip per row. Idempotency is
the unique (source, external_id) of `warning_signal`, claimed with INSERT … ON CONFLICT DO
NOTHING, so two workers racing on the same message create it once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core import clock
from fanzha.core.errors import RowError
from fanzha.core.events import WARNING_CREATED, WARNING_ESCALATED, emit
from fanzha.core.rbac import Permission, Principal
from fanzha.warning import bulk, dedup, dispatch, grading, rulestore, subjects
from fanzha.warning.models import (
    LEVEL_RANK,
    OPEN_STATUSES,
    STATUS_RANK,
    AttemptResult,
    Channel,
    Level,
    Status,
    WarningAttempt,
    WarningDeadline,
    WarningInstruction,
    WarningSignal,
    WarningStep,
)
from fanzha.warning.schemas import SignalIn

# A contact time this far in the future is a clock error at the source, not a warning.
MAX_FUTURE = timedelta(minutes=10)
# Older than this, there is nobody left to dissuade: the source should file a case instead.
MAX_AGE = timedelta(days=90)


@dataclass
class ItemResult:
    source: str
    external_id: str
    result: str  # created / merged / duplicate
    warning_id: int | None
    row: int = 0


@dataclass
class IngestReport:
    items: list[ItemResult] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for i in self.items if i.result == result)


@dataclass
class _Located:
    row: int
    signal: SignalIn
    subject_key: str
    area_code: str
    area_path: str
    subject: subjects.Subject | None


def _locate(session: Session, signals: list[tuple[int, SignalIn]],
            now: datetime) -> tuple[list[_Located], list[RowError]]:
    errors: list[RowError] = []
    by_id, by_phone = subjects.load(
        session, person_ids={s.person_id for _, s in signals if s.person_id is not None},
        phone_hashes={s.phone_hash for _, s in signals if s.phone_hash and s.person_id is None})
    area_index = subjects.areas_index(session)
    out: list[_Located] = []
    for row, s in signals:
        occurred = clock.as_utc(s.occurred_at)
        if occurred > now + MAX_FUTURE:
            errors.append(RowError(row, "occurred_at", "接触时间晚于当前时间，请核对来源系统时钟",
                                   "occurred_at is in the future"))
            continue
        if occurred < now - MAX_AGE:
            errors.append(RowError(row, "occurred_at", "接触时间早于 90 天前，已无劝阻时效，请按案件线索处理",
                                   "occurred_at is older than 90 days"))
            continue
        subject = by_id.get(s.person_id) if s.person_id is not None else by_phone.get(s.phone_hash or "")
        if s.person_id is not None and subject is None:
            errors.append(RowError(row, "person_id", f"人员 {s.person_id} 不存在", f"unknown person {s.person_id}"))
            continue
        if subject is not None:
            key = dedup.subject_key(person_id=subject.person_id, phone_hash=None)
            out.append(_Located(row, s, key or "", subject.area_code, subject.area_path, subject))
            continue
        # Unknown person: kept as an instruction by masked/hashed phone, dispatched to the reporting area.
        area = area_index.get(s.area_code or "")
        if s.area_code and area is None:
            errors.append(RowError(row, "area_code", f"上报辖区 {s.area_code} 不存在", f"unknown area {s.area_code}"))
            continue
        if area is None or not s.phone_hash:
            errors.append(RowError(row, "phone", "无法定位预警对象：未登记人员须同时提供手机号和上报辖区 area_code",
                                   "cannot locate the subject: an unregistered person needs phone and area_code"))
            continue
        key = dedup.subject_key(person_id=None, phone_hash=s.phone_hash)
        out.append(_Located(row, s, key or "", area.code, area.path, None))
    return out, errors


def _existing_ids(session: Session, signals: list[SignalIn]) -> set[tuple[str, str]]:
    """Per source, so the look-up uses the (source, external_id) unique index."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for s in signals:
        by_source[s.source].append(s.external_id)
    seen: set[tuple[str, str]] = set()
    for source, ids in by_source.items():
        ext = sorted(set(ids))
        for i in range(0, len(ext), 1000):
            seen.update((source, eid) for eid in session.scalars(select(WarningSignal.external_id).where(
                WarningSignal.source == source, WarningSignal.external_id.in_(ext[i:i + 1000]))))
    return seen


def _open_index(session: Session, keys: set[str], now: datetime, window: timedelta) -> dict[tuple[str, str], int]:
    ks = sorted(keys)
    candidates: list[dedup.OpenInstruction] = []
    for i in range(0, len(ks), 1000):
        rows = session.execute(select(
            WarningInstruction.id, WarningInstruction.subject_key, WarningInstruction.counterpart_hash,
            WarningInstruction.case_ref, WarningInstruction.received_at,
        ).where(WarningInstruction.subject_key.in_(ks[i:i + 1000]), WarningInstruction.status.in_(OPEN_STATUSES),
                WarningInstruction.received_at >= now - window))
        candidates.extend(dedup.OpenInstruction(r[0], r[1], r[2], r[3], clock.as_utc(r[4])) for r in rows)
    return dedup.index_open(candidates, now=now, window=window)


def _claim_signals(session: Session, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Insert signals, skipping ones another writer already holds; returns the ones we own."""
    owned: dict[tuple[str, str], int] = {}
    for i in range(0, len(rows), 2000):
        for sid, src, eid in bulk.insert_rows(session, WarningSignal, rows[i:i + 2000],
                                              conflict=("source", "external_id"),
                                              returning=("id", "source", "external_id")):
            owned[(src, eid)] = sid
    return owned


def _facts(group: list[_Located], now: datetime, extra_signals: int = 0) -> grading.Facts:
    first = min(group, key=lambda g: g.signal.occurred_at)
    latest = max(clock.as_utc(g.signal.occurred_at) for g in group)
    # Graded as of when the newest signal arrived, so a replayed feed grades as it would have live.
    seen = max(clock.as_utc(g.signal.received_at or now) for g in group)
    subject = first.subject
    decisions = [g.signal.decision for g in group if g.signal.decision]
    return grading.Facts(
        source=first.signal.source,
        minutes_since_contact=max((seen - latest).total_seconds() / 60, 0.0),
        flags=frozenset().union(*(g.signal.flags for g in group)),
        decision=next((d for d in decisions if d in ("block", "hold")), decisions[0] if decisions else None),
        signal_count=len(group) + extra_signals,
        tags=subject.tags if subject else frozenset(),
        age=subject.age if subject else None,
    )


def ingest(session: Session, signals: list[SignalIn], *, actor: Principal, now: datetime | None = None,
           window: timedelta = dedup.DEFAULT_WINDOW, audit_action: str = "warning.ingest",
           partial: bool = False) -> IngestReport:
    """Ingest a batch. Rows that cannot be accepted come back in `report.rejected`; with
    `partial` the others are still written (file import, bus), otherwise nothing is."""
    actor.require(Permission.WARNING_INGEST)
    now = now or clock.now()
    report = IngestReport()
    batch_seen: set[tuple[str, str]] = set()
    fresh: list[tuple[int, SignalIn]] = []
    for row, s in enumerate(signals, start=1):
        key = (s.source, s.external_id)
        if key in batch_seen:
            report.items.append(ItemResult(s.source, s.external_id, "duplicate", None, row))
            continue
        batch_seen.add(key)
        fresh.append((row, s))
    already = _existing_ids(session, [s for _, s in fresh])
    dupes = [(r, s) for r, s in fresh if (s.source, s.external_id) in already]
    fresh = [(r, s) for r, s in fresh if (s.source, s.external_id) not in already]
    located, report.rejected = _locate(session, fresh, now)
    if report.rejected and not partial:
        return report

    owned = _claim_signals(session, [{
        "source": g.signal.source, "external_id": g.signal.external_id,
        "occurred_at": clock.as_utc(g.signal.occurred_at), "received_at": clock.as_utc(g.signal.received_at or now),
        "evidence": _evidence(g.signal),
    } for g in located])
    raced = [g for g in located if (g.signal.source, g.signal.external_id) not in owned]
    located = [g for g in located if (g.signal.source, g.signal.external_id) in owned]

    open_idx = _open_index(session, {g.subject_key for g in located}, now, window)
    groups: dict[int, list[_Located]] = {}           # new instruction (index) → its signals
    merges: dict[int, list[_Located]] = defaultdict(list)  # existing instruction id → new signals
    batch_idx: dict[tuple[str, str], int] = {}
    for g in located:
        keys = dedup.match_keys(subject=g.subject_key, counterpart_hash=g.signal.counterpart_hash,
                                case_ref=g.signal.case_ref)
        target = next((open_idx[k] for k in keys if k in open_idx), None)
        if target is not None:
            merges[target].append(g)
            continue
        gi = next((batch_idx[k] for k in keys if k in batch_idx), None)
        if gi is None:
            gi = len(groups)
            groups[gi] = []
            for k in keys:
                batch_idx[k] = gi
        groups[gi].append(g)

    created_ids = _create(session, list(groups.values()), now)
    signal_links = [{"id": owned[(g.signal.source, g.signal.external_id)], "warning_id": created_ids[gi]}
                    for gi, group in groups.items() for g in group]
    for wid, group in merges.items():
        _merge_into(session, wid, group, now)
        signal_links += [{"id": owned[(g.signal.source, g.signal.external_id)], "warning_id": wid} for g in group]
    bulk.set_column(session, WarningSignal, "warning_id", [(x["id"], x["warning_id"]) for x in signal_links])

    first_of_group = {id(group[0]) for group in groups.values()}
    for gi, group in groups.items():
        for g in group:
            result = "created" if id(g) in first_of_group else "merged"
            report.items.append(ItemResult(g.signal.source, g.signal.external_id, result, created_ids[gi], g.row))
    for wid, group in merges.items():
        report.items += [ItemResult(g.signal.source, g.signal.external_id, "merged", wid, g.row) for g in group]
    report.items += [ItemResult(s.source, s.external_id, "duplicate", None, r) for r, s in dupes]
    report.items += [ItemResult(g.signal.source, g.signal.external_id, "duplicate", None, g.row) for g in raced]
    report.items.sort(key=lambda i: i.row)
    if report.items:
        audit.record(session, actor=actor, action=audit_action, object_type="warning_batch",
                     object_id=f"{len(report.items)}@{now.isoformat()}",
                     detail={"created": report.count("created"), "merged": report.count("merged"),
                             "duplicates": report.count("duplicate")})
    return report


def _evidence(s: SignalIn) -> dict[str, Any]:
    out: dict[str, Any] = dict(s.evidence)
    for k in ("counterpart_kind", "counterpart_masked", "type_code", "contact_channel", "decision", "case_ref"):
        v = getattr(s, k)
        if v:
            out[k] = v
    if s.flags:
        out["flags"] = sorted(s.flags)
    if s.amount_fen:
        out["amount_fen"] = s.amount_fen
    return out


def _create(session: Session, groups: list[list[_Located]], now: datetime) -> list[int]:
    if not groups:
        return []
    area_index = subjects.areas_index(session)
    rules = rulestore.dispatch_rules(session)
    grading_rules = rulestore.grading_rules(session)
    rows: list[dict[str, Any]] = []
    plans: list[dispatch.Plan] = []
    for group in groups:
        first = min(group, key=lambda g: g.signal.occurred_at)
        s = first.signal
        grade = grading.grade(_facts(group, now), grading_rules)
        received = min(clock.as_utc(g.signal.received_at or now) for g in group)
        p = dispatch.plan(level=grade.level, source=s.source, type_code=s.type_code, received_at=received,
                          rules=rules)
        plans.append(p)
        where = dispatch.assign(subjects.chain(area_index, first.area_code))
        rows.append({
            "source": s.source, "external_id": s.external_id,
            "person_id": first.subject.person_id if first.subject else None,
            "subject_key": first.subject_key,
            "subject_phone_masked": s.phone_masked, "subject_phone_hash": s.phone_hash,
            "counterpart_kind": s.counterpart_kind, "counterpart_masked": s.counterpart_masked,
            "counterpart_hash": s.counterpart_hash, "case_ref": s.case_ref,
            "type_code": next((g.signal.type_code for g in group if g.signal.type_code), None),
            "contact_channel": s.contact_channel, "level": grade.level.value, "reasons": grade.reasons,
            "status": Status.NEW.value, "tier": p.tier, "channel": p.channel.value,
            "station_code": where.station_code, "grid_code": where.grid_code,
            "area_code": first.area_code, "area_path": first.area_path,
            "signal_count": len(group), "escalations": 0,
            "money_at_risk_fen": max(g.signal.amount_fen for g in group), "loss_averted_fen": 0,
            "occurred_at": clock.as_utc(s.occurred_at), "received_at": received, "dispatched_at": now,
            "next_due_at": p.next_due_at,
        })
    reserved = bulk.next_ids(session, WarningInstruction, len(rows))
    if reserved is None:
        ids = [r[0] for r in bulk.insert_rows(session, WarningInstruction, rows, returning=("id",))]
    else:
        ids = reserved
        bulk.insert_rows(session, WarningInstruction, [{"id": i, **r} for i, r in zip(ids, rows, strict=True)])
    deadlines = [{"warning_id": wid, "step": d.step.value, "step_rank": d.step_rank, "tier": d.tier,
                  "label": d.label, "due_at": d.due_at} for wid, p in zip(ids, plans, strict=True) for d in p.deadlines]
    bulk.insert_rows(session, WarningDeadline, deadlines)
    bulk.insert_rows(session, WarningStep, [
        {"warning_id": wid, "at": now, "actor": "system", "kind": "dispatched", "from_status": None,
         "to_status": Status.NEW.value, "note": f"{r['level']}级 · 首派{rules.tier_names().get(r['tier'], r['tier'])}"
                                               f" · {r['channel']}"}
        for wid, r in zip(ids, rows, strict=True)])
    # 低: the ladder's first touch is automatic (robot call / SMS), logged as an attempt.
    auto = [wid for wid, p in zip(ids, plans, strict=True) if p.channel in (Channel.ROBOT_CALL, Channel.SMS)]
    if auto:
        from fanzha.warning import notifiers

        notifiers.robot_call_batch(session, warning_ids=auto, now=now)
        bulk.insert_rows(session, WarningAttempt, [
            {"warning_id": wid, "channel": Channel.ROBOT_CALL.value, "result": AttemptResult.SENT.value,
             "note": "系统自动外呼提醒", "actor": "system", "at": now} for wid in auto])
    for wid, r in zip(ids, rows, strict=True):
        emit(session, WARNING_CREATED, {"warning_id": wid, "level": r["level"], "source": r["source"],
                                        "area_code": r["area_code"], "person_id": r["person_id"],
                                        "type_code": r["type_code"]})
    return ids


def _merge_into(session: Session, warning_id: int, group: list[_Located], now: datetime) -> None:
    """New evidence for an open instruction: count it, and raise the level if it now warrants."""
    w = session.get(WarningInstruction, warning_id, with_for_update=True)
    if w is None:
        return
    w.signal_count += len(group)
    w.money_at_risk_fen = max([w.money_at_risk_fen] + [g.signal.amount_fen for g in group])
    if w.type_code is None:
        w.type_code = next((g.signal.type_code for g in group if g.signal.type_code), None)
    grade = grading.grade(_facts(group, now, extra_signals=w.signal_count - len(group)),
                          rulestore.grading_rules(session))
    old = Level(w.level)
    note = f"合并 {len(group)} 条新线索（共 {w.signal_count} 条）"
    if LEVEL_RANK[grade.level] > LEVEL_RANK[old]:
        w.level = grade.level
        w.reasons = list(w.reasons) + [r for r in grade.reasons if r not in w.reasons]
        rules = rulestore.dispatch_rules(session)
        p = dispatch.plan(level=grade.level, source=w.source, type_code=w.type_code, received_at=now, rules=rules)
        order = [t.code for t in rules.tiers]
        from_tier = w.tier
        if order.index(p.tier) > order.index(w.tier):
            w.tier = p.tier
        rank = STATUS_RANK[Status(w.status)]
        pending = [d for d in p.deadlines if d.step_rank > rank]
        if pending:
            session.execute(insert(WarningDeadline), [
                {"warning_id": w.id, "step": d.step.value, "step_rank": d.step_rank, "tier": d.tier,
                 "label": d.label, "due_at": d.due_at} for d in pending])
            due = min(d.due_at for d in pending)
            w.next_due_at = min(due, clock.as_utc(w.next_due_at)) if w.next_due_at else due
        note += f"，等级由{old.value}升为{grade.level.value}"
        emit(session, WARNING_ESCALATED, {"warning_id": w.id, "level": grade.level.value, "from_tier": from_tier,
                                          "to_tier": w.tier, "area_code": w.area_code})
    session.add(WarningStep(warning_id=w.id, at=now, actor="system", kind="merged", from_status=w.status,
                            to_status=w.status, note=note))

