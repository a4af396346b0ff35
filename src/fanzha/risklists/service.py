"""涉诈 risk lists: add, import, look up, expire; citizen tips and their review.

Also the two functions other domains call: `load_detect_risklist` feeds detection's in-memory
RiskList from this table, and `is_account_listed` answers the bank engine with a payee hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.cases.entities import SECRET_KINDS, EntityKind, EntityValue, hash_key, parse
from fanzha.core import clock
from fanzha.core.errors import Conflict, ImportRejected, Invalid, NotFound
from fanzha.core.pii import PIIKind, mask, scrub
from fanzha.core.rbac import Permission, Principal
from fanzha.detect.risklist import RiskEntry as DetectEntry
from fanzha.detect.risklist import RiskKind, RiskList
from fanzha.risklists.csvimport import parse_csv
from fanzha.risklists.models import CitizenTip, RiskEntry, TipStatus
from fanzha.risklists.schemas import (
    LIST_KIND_NAMES_ZH,
    EntryIn,
    EntryOut,
    ListKind,
    LookupItem,
    LookupResult,
    TipDecision,
    TipIn,
    TipOut,
)

LIST_KIND_VALUES = frozenset(k.value for k in ListKind)


def list_hash(value: EntityValue) -> str:
    """The look-up hash of a list entry; for phones and accounts it is the platform-wide blind index."""
    return value.key if value.kind in SECRET_KINDS else hash_key(value.kind, value.canonical)


def _active(now: datetime):  # type: ignore[no-untyped-def]
    return (RiskEntry.removed_at.is_(None)) & or_(RiskEntry.expires_at.is_(None), RiskEntry.expires_at > now)


def is_active(entry: RiskEntry, now: datetime) -> bool:
    return entry.removed_at is None and (entry.expires_at is None or clock.as_utc(entry.expires_at) > now)


def entry_out(entry: RiskEntry, now: datetime | None = None) -> EntryOut:
    return EntryOut(id=entry.id, kind=entry.kind, kind_name=LIST_KIND_NAMES_ZH[ListKind(entry.kind)],
                    value_masked=entry.value_masked, source=entry.source, note=entry.note,
                    expires_at=entry.expires_at, added_by=entry.added_by, added_at=entry.added_at,
                    active=is_active(entry, now or clock.now()))


def _parse_valid(kind: ListKind, raw: str) -> EntityValue:
    value = parse(EntityKind(kind.value), raw)
    if not value.valid:
        raise Invalid(f"取值无效：{value.note}", "invalid value", fields={"value": value.note})
    return value


def _upsert(session: Session, *, actor: Principal, data: EntryIn, value: EntityValue) -> tuple[RiskEntry, bool]:
    """Add, or re-activate/refresh an existing entry (same kind and value). True if new."""
    h = list_hash(value)
    entry = session.scalars(select(RiskEntry).where(RiskEntry.kind == data.kind, RiskEntry.value_hash == h)).first()
    now = clock.now()
    created = entry is None
    if entry is None:
        entry = RiskEntry(kind=data.kind.value, value_hash=h, value_enc=value.canonical, value_masked=value.masked)
        session.add(entry)
    entry.source, entry.note, entry.expires_at = data.source, data.note, data.expires_at
    entry.added_by, entry.added_at, entry.removed_at, entry.removed_by = actor.username, now, None, None
    return entry, created


def add(session: Session, *, actor: Principal, data: EntryIn) -> RiskEntry:
    actor.require(Permission.RISKLIST_WRITE)
    entry, created = _upsert(session, actor=actor, data=data, value=_parse_valid(data.kind, data.value))
    session.flush()
    audit.record(session, actor=actor, action="risklist.add" if created else "risklist.refresh",
                 object_type="risk_entry", object_id=entry.id,
                 detail={"kind": entry.kind, "value": entry.value_masked, "source": entry.source})
    return entry


def import_csv(session: Session, *, actor: Principal, text: str, source: str = "批量导入") -> tuple[int, int]:
    """All or nothing: any bad row rejects the file with every row's reason."""
    actor.require(Permission.RISKLIST_WRITE)
    rows, errors = parse_csv(text, default_source=source)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise Invalid("文件中没有数据行", "no data rows")
    added = updated = 0
    for data in rows:
        _, created = _upsert(session, actor=actor, data=data, value=parse(EntityKind(data.kind.value), data.value))
        added += created
        updated += not created
        if (added + updated) % 2000 == 0:
            session.flush()
    session.flush()
    audit.record(session, actor=actor, action="risklist.import", object_type="risk_entry", object_id="batch",
                 detail={"added": added, "updated": updated})
    return added, updated


def remove(session: Session, *, actor: Principal, entry_id: int, reason: str = "") -> RiskEntry:
    actor.require(Permission.RISKLIST_WRITE)
    entry = session.get(RiskEntry, entry_id)
    if entry is None:
        raise NotFound("名单条目", "Risk-list entry", entry_id)
    entry.removed_at, entry.removed_by = clock.now(), actor.username
    session.flush()
    audit.record(session, actor=actor, action="risklist.remove", object_type="risk_entry", object_id=entry.id,
                 detail={"reason": reason})
    return entry


def list_entries(session: Session, *, actor: Principal, kind: ListKind | None = None, include_inactive: bool = False,
                 limit: int = 50, offset: int = 0) -> tuple[int, Sequence[RiskEntry]]:
    actor.require(Permission.RISKLIST_READ)
    stmt = select(RiskEntry)
    if kind:
        stmt = stmt.where(RiskEntry.kind == kind)
    if not include_inactive:
        stmt = stmt.where(_active(clock.now()))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return total, session.scalars(stmt.order_by(RiskEntry.added_at.desc(), RiskEntry.id.desc())
                                  .limit(limit).offset(offset)).all()


def lookup(session: Session, *, actor: Principal, items: list[LookupItem]) -> list[LookupResult]:
    actor.require(Permission.RISKLIST_READ)
    now = clock.now()
    out = []
    for item in items:
        value = parse(EntityKind(item.kind.value), item.value)
        entry = session.scalars(select(RiskEntry).where(RiskEntry.kind == item.kind,
                                                        RiskEntry.value_hash == list_hash(value), _active(now))).first()
        out.append(LookupResult(kind=item.kind.value, value_masked=value.masked, valid=value.valid,
                                listed=entry is not None, entry=entry_out(entry, now) if entry else None))
    return out


def listed_keys(session: Session, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which graph entities (kind, key) are on an active list."""
    by_hash: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, key in pairs:
        if kind not in LIST_KIND_VALUES or key.startswith("raw:"):
            continue
        h = key if EntityKind(kind) in SECRET_KINDS else hash_key(EntityKind(kind), key)
        by_hash[(kind, h)] = (kind, key)
    if not by_hash:
        return set()
    rows = session.execute(_LISTED, {"hashes": [h for _, h in by_hash], "now": clock.now()}).all()
    return {by_hash[(k, h)] for k, h in rows if (k, h) in by_hash}


# Built once: the bank scorer asks this for every batch of transfers, and building and cache-keying
# the statement cost more than running it.
_ENTRY = RiskEntry.__table__.c
_LISTED = select(_ENTRY.kind, _ENTRY.value_hash).where(
    _ENTRY.value_hash.in_(bindparam("hashes", expanding=True)), _ENTRY.removed_at.is_(None),
    or_(_ENTRY.expires_at.is_(None), _ENTRY.expires_at > bindparam("now")))


def is_account_listed(session: Session, *, account_hash: str) -> bool:
    """For the bank engine: is this payee account (blind index of the card number) listed now?"""
    return session.scalar(select(RiskEntry.id).where(RiskEntry.kind == ListKind.ACCOUNT,
                                                     RiskEntry.value_hash == account_hash,
                                                     _active(clock.now()))) is not None


def load_detect_risklist(session: Session) -> RiskList:
    """Every active entry as detection's in-memory RiskList (clear values decrypted in memory only)."""
    now = clock.now()
    entries = session.scalars(select(RiskEntry).where(_active(now))).all()
    return RiskList(DetectEntry(RiskKind(e.kind), e.value_enc, e.source,
                                clock.as_utc(e.expires_at) if e.expires_at else None) for e in entries)


# --- citizen tips -------------------------------------------------------------------------------

def submit_tip(session: Session, *, data: TipIn) -> CitizenTip:
    """Public: no login. Malformed values are kept with a flag so a reviewer can still judge them."""
    value = parse(EntityKind(data.kind.value), data.value)
    tip = CitizenTip(kind=data.kind.value, value_enc=value.canonical, value_hash=list_hash(value),
                     value_masked=value.masked, valid=value.valid, description=scrub(data.description.strip()) or None,
                     contact_enc=data.contact_phone, contact_masked=mask(PIIKind.PHONE, data.contact_phone),
                     status=TipStatus.PENDING.value, submitted_at=clock.now())
    session.add(tip)
    session.flush()
    return tip


def tip_out(tip: CitizenTip, listed: bool = False) -> TipOut:
    return TipOut(id=tip.id, kind=tip.kind, kind_name=LIST_KIND_NAMES_ZH[ListKind(tip.kind)],
                  value_masked=tip.value_masked, valid=tip.valid, description=tip.description or "",
                  contact_masked=tip.contact_masked, status=tip.status, submitted_at=tip.submitted_at,
                  reviewed_by=tip.reviewed_by, reviewed_at=tip.reviewed_at, review_note=tip.review_note,
                  already_listed=listed)


def list_tips(session: Session, *, actor: Principal, status: str | None = TipStatus.PENDING, limit: int = 50,
              offset: int = 0) -> tuple[int, list[TipOut]]:
    actor.require(Permission.TIP_REVIEW)
    stmt = select(CitizenTip)
    if status:
        stmt = stmt.where(CitizenTip.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    tips = session.scalars(stmt.order_by(CitizenTip.submitted_at, CitizenTip.id).limit(limit).offset(offset)).all()
    now = clock.now()
    listed = set(session.execute(select(RiskEntry.kind, RiskEntry.value_hash).where(
        RiskEntry.value_hash.in_([t.value_hash for t in tips]), _active(now))).all()) if tips else set()
    return total, [tip_out(t, (t.kind, t.value_hash) in listed) for t in tips]


def _pending_tip(session: Session, tip_id: int) -> CitizenTip:
    tip = session.get(CitizenTip, tip_id)
    if tip is None:
        raise NotFound("举报", "Tip", tip_id)
    if tip.status != TipStatus.PENDING:
        raise Conflict(f"该举报已处理（{tip.status}）", f"tip already reviewed ({tip.status})")
    return tip


def confirm_tip(session: Session, *, actor: Principal, tip_id: int, decision: TipDecision) -> RiskEntry:
    """The reviewer confirms: the value enters the lists with source 群众举报 and an expiry."""
    actor.require(Permission.TIP_REVIEW)
    tip = _pending_tip(session, tip_id)
    if not tip.valid:
        raise Invalid("举报内容格式无效，不能纳入名单，请驳回", "malformed value cannot be listed")
    kind = ListKind(tip.kind)
    data = EntryIn(kind=kind, value=tip.value_enc, source=f"群众举报#{tip.id}",
                   expires_at=clock.now() + timedelta(days=decision.ttl_days), note=decision.note or None)
    entry, _ = _upsert(session, actor=actor, data=data, value=parse(EntityKind(kind.value), tip.value_enc))
    session.flush()
    tip.status, tip.reviewed_by, tip.reviewed_at = TipStatus.CONFIRMED.value, actor.username, clock.now()
    tip.review_note, tip.risk_entry_id = decision.note or None, entry.id
    session.flush()
    audit.record(session, actor=actor, action="tip.confirm", object_type="citizen_tip", object_id=tip.id,
                 detail={"risk_entry_id": entry.id, "ttl_days": decision.ttl_days})
    return entry


def reject_tip(session: Session, *, actor: Principal, tip_id: int, decision: TipDecision) -> CitizenTip:
    actor.require(Permission.TIP_REVIEW)
    tip = _pending_tip(session, tip_id)
    tip.status, tip.reviewed_by, tip.reviewed_at = TipStatus.REJECTED.value, actor.username, clock.now()
    tip.review_note = decision.note or None
    session.flush()
    audit.record(session, actor=actor, action="tip.reject", object_type="citizen_tip", object_id=tip.id,
                 detail={"note": decision.note})
    return tip
