"""Recording and verifying the audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.audit.models import AuditHead, AuditRecord
from fanzha.core import clock
from fanzha.core.pii import scrub
from fanzha.core.rbac import Permission, Principal

GENESIS = "0" * 64
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def _digest(prev_hash: str, rec: AuditRecord) -> str:
    body = json.dumps(
        [rec.seq, rec.at.isoformat(), rec.actor, rec.actor_role, rec.action, rec.object_type,
         rec.object_id, rec.detail, rec.ip, rec.request_id],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor: Principal,
    action: str,
    object_type: str,
    object_id: object,
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record in the caller's transaction. The head row is locked so that
    concurrent writers extend one chain instead of forking it."""
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    rec = AuditRecord(
        seq=head.seq + 1,
        at=clock.now(),
        actor=actor.username,
        actor_role=str(actor.role),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=scrub(json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)),
        ip=actor.ip,
        request_id=request_id_var.get(),
        prev_hash=head.hash,
    )
    rec.hash = _digest(head.hash, rec)
    head.seq, head.hash = rec.seq, rec.hash
    session.add(rec)
    session.flush()
    return rec


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]


def verify(session: Session) -> VerifyResult:
    """Walk the chain in order; any edited, inserted or deleted record breaks it."""
    problems: list[str] = []
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for rec in session.scalars(select(AuditRecord).order_by(AuditRecord.seq)).yield_per(2000):
        checked += 1
        if rec.seq != expected_seq:
            problems.append(f"第 {expected_seq} 条审计记录缺失 / record #{expected_seq} is missing")
        if rec.prev_hash != prev_hash:
            problems.append(f"第 {rec.seq} 条的前序哈希不符 / record #{rec.seq}: chain broken before it")
        if _digest(rec.prev_hash, rec) != rec.hash:
            problems.append(f"第 {rec.seq} 条内容被修改 / record #{rec.seq}: content was altered")
        prev_hash, expected_seq = rec.hash, rec.seq + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(f"链尾被截断：应有 {head.seq} 条 / chain tail truncated: head expects #{head.seq}")
    if head is None and checked:
        problems.append("链头记录缺失 / chain head missing")
    return VerifyResult(ok=not problems, checked=checked, problems=problems)


def list_records(
    session: Session, *, actor: Principal, object_type: str | None = None, object_id: str | None = None,
    who: str | None = None, limit: int = 100, offset: int = 0,
) -> tuple[int, Sequence[AuditRecord]]:
    actor.require(Permission.AUDIT_READ)
    stmt = select(AuditRecord)
    if object_type:
        stmt = stmt.where(AuditRecord.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditRecord.object_id == object_id)
    if who:
        stmt = stmt.where(AuditRecord.actor == who)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AuditRecord.seq.desc()).limit(limit).offset(offset)).all()
    return total, rows
