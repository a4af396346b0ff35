"""止付/冻结 requests and their legal 48-hour clock.

Under the 电信网络诈骗 emergency stop-payment practice a 止付 holds the account for 48 hours;
unless it is turned into a 冻结 (or released) in that time it lapses. The clock runs from the
request: a reminder 12 hours before the deadline, escalation to the supervisor 2 hours
before, and at the deadline an open request is marked 已超时. Amounts actually stopped or
frozen are what the loss-averted statistics count.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.audit import service as audit
from fanzha.core import clock
from fanzha.core.errors import Conflict, Invalid, NotFound, TransitionNotAllowed
from fanzha.core.events import FREEZE_REQUESTED, emit
from fanzha.core.pii import PIIKind, blind_index, mask
from fanzha.core.rbac import Permission, Principal
from fanzha.core.scope import Scope
from fanzha.risk import service as transactions
from fanzha.risk.models import (
    FREEZE_STATUS_ZH,
    STOPPED_ACTIONS,
    FreezeKind,
    FreezeRequest,
    FreezeSource,
    FreezeStatus,
    Transaction,
)
from fanzha.risk.schemas import FreezeIn, LossAverted, clean_account

LEGAL_CLOCK = timedelta(hours=48)
REMIND_BEFORE = timedelta(hours=12)
ESCALATE_BEFORE = timedelta(hours=2)
CLOCK_INTERVAL_SECONDS = 60.0
# Which result may follow which: a request is executed (fully/partly) or fails; an executed
# one may later be released. 冻结 that was executed is closed; a 止付 stays on the clock.
RESULTS: dict[FreezeStatus, set[FreezeStatus]] = {
    FreezeStatus.REQUESTED: {FreezeStatus.EXECUTED, FreezeStatus.PARTIAL, FreezeStatus.FAILED},
    FreezeStatus.EXECUTED: {FreezeStatus.RELEASED},
    FreezeStatus.PARTIAL: {FreezeStatus.RELEASED},
}
KIND_ALIASES = {"止付": FreezeKind.STOP, "stop": FreezeKind.STOP,
                "冻结": FreezeKind.FREEZE, "freeze": FreezeKind.FREEZE}
log = structlog.get_logger("fanzha.risk.freeze")


def _field_error(field: str, zh: str, en: str) -> Invalid:
    return Invalid(zh, en, fields={field: {"message_zh": zh, "message_en": en}})


def on_clock(row: FreezeRequest) -> bool:
    """Is the 48-hour clock still running for this request?"""
    status = FreezeStatus(row.status)
    if status is FreezeStatus.REQUESTED:
        return True
    return row.kind == FreezeKind.STOP and status in (FreezeStatus.EXECUTED, FreezeStatus.PARTIAL)


def create(session: Session, *, actor: Principal, data: FreezeIn) -> FreezeRequest:
    actor.require(Permission.FREEZE_WRITE)
    kind = KIND_ALIASES.get(data.kind.strip())
    if kind is None:
        raise _field_error("kind", "请选择止付或冻结", "kind must be 止付 or 冻结")
    try:
        source = FreezeSource(data.source_type)
    except ValueError:
        raise _field_error("source_type", "来源须为转账、预警或案件",
                           "source_type must be transaction/warning/case") from None
    account, amount, area_code = data.account, data.amount_fen, data.area_code
    if source is FreezeSource.TRANSACTION:
        if not data.source_id.isdigit():
            raise _field_error("source_id", "转账编号须为数字", "transaction id must be a number")
        tx = transactions.load_in_scope(session, actor=actor, transaction_id=int(data.source_id))
        account = account or tx.payee_account_enc
        amount = amount or tx.amount_fen
        area_code = area_code or tx.area_code
    if not account:
        raise _field_error("account", "请填写需止付/冻结的账户", "account required")
    try:
        account = clean_account(account)
    except ValueError:
        raise _field_error("account", "账户号码格式不正确（16–19 位，校验位不符）",
                           "malformed account number") from None
    if not amount:
        raise _field_error("amount_fen", "请填写金额", "amount required")
    area = areas.get(session, code=area_code or actor.area_code or "", scope=actor.scope)
    account_hash = blind_index(PIIKind.BANK_CARD, account)
    duplicate = session.scalar(select(FreezeRequest.id).where(
        FreezeRequest.account_hash == account_hash, FreezeRequest.kind == kind.value,
        FreezeRequest.status == FreezeStatus.REQUESTED))
    if duplicate is not None:
        raise Conflict(f"该账户已有待执行的{kind.value}申请（编号 {duplicate}）",
                       f"an open {kind.value} request exists for this account: {duplicate}", code="duplicate_freeze")
    now = clock.now()
    row = FreezeRequest(kind=kind.value, source_type=source.value, source_id=data.source_id,
                        account_hash=account_hash, account_masked=mask(PIIKind.BANK_CARD, account) or "",
                        account_enc=account, amount_requested_fen=amount, amount_done_fen=0,
                        status=FreezeStatus.REQUESTED.value, reason=data.reason.strip(), requested_by=actor.username,
                        requested_at=now, deadline_at=now + LEGAL_CLOCK, area_code=area.code, area_path=area.path)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="freeze.request", object_type="freeze", object_id=row.id,
                 detail={"kind": kind.value, "source": f"{source.value}:{data.source_id}", "amount_fen": amount,
                         "account": row.account_masked})
    emit(session, FREEZE_REQUESTED, {
        "freeze_id": row.id, "kind": kind.value, "amount_fen": amount, "account_masked": row.account_masked,
        "account_hash": account_hash, "source_type": source.value, "source_id": data.source_id,
        "deadline_at": row.deadline_at.isoformat(), "area_code": area.code})
    return row


def get(session: Session, *, actor: Principal, freeze_id: int) -> FreezeRequest:
    actor.require(Permission.FREEZE_READ)
    row = session.get(FreezeRequest, freeze_id)
    if row is None or not actor.scope.contains(row.area_path):
        raise NotFound("止付/冻结申请", "Freeze request", freeze_id)
    return row


def list_requests(session: Session, *, actor: Principal, status: str | None = None, limit: int = 100,
                  offset: int = 0) -> tuple[int, Sequence[FreezeRequest]]:
    actor.require(Permission.FREEZE_READ)
    stmt = select(FreezeRequest).where(actor.scope.clause(FreezeRequest.area_path))
    if status:
        stmt = stmt.where(FreezeRequest.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by((FreezeRequest.status == FreezeStatus.REQUESTED.value).desc(),
                                         FreezeRequest.deadline_at, FreezeRequest.id).limit(limit).offset(offset)).all()
    return total, rows


def record_result(session: Session, *, actor: Principal, freeze_id: int, status: str, amount_done_fen: int,
                  note: str | None) -> FreezeRequest:
    actor.require(Permission.FREEZE_WRITE)
    row = get(session, actor=actor, freeze_id=freeze_id)
    try:
        target = FreezeStatus(status)
    except ValueError:
        raise _field_error("status", "请选择执行结果", f"unknown status {status!r}") from None
    current = FreezeStatus(row.status)
    if target not in RESULTS.get(current, set()):
        raise TransitionNotAllowed(FREEZE_STATUS_ZH[current], FREEZE_STATUS_ZH[target])
    if target in (FreezeStatus.EXECUTED, FreezeStatus.PARTIAL):
        if amount_done_fen <= 0:
            raise _field_error("amount_done_fen", "请填写实际止付/冻结金额", "amount done must be positive")
        if target is FreezeStatus.EXECUTED and amount_done_fen > row.amount_requested_fen:
            raise _field_error("amount_done_fen", "实际金额不能超过申请金额", "amount done exceeds amount requested")
        row.amount_done_fen = amount_done_fen
    if target is FreezeStatus.FAILED:
        row.amount_done_fen = 0
    row.status = target.value
    row.result_note = (note or "").strip() or row.result_note
    if not on_clock(row):
        row.closed_at = clock.now()
    session.flush()
    audit.record(session, actor=actor, action="freeze.result", object_type="freeze", object_id=row.id,
                 detail={"from": current.value, "to": target.value, "amount_done_fen": row.amount_done_fen})
    return row


@dataclass
class ClockRun:
    reminded: int = 0
    escalated: int = 0
    expired: int = 0


def check_deadlines(session: Session, *, now: datetime | None = None) -> ClockRun:
    """One tick of the 48-hour clock over every request still on it."""
    now = now or clock.now()
    worker = Principal.system("freeze-clock")
    run = ClockRun()
    candidates = session.scalars(select(FreezeRequest).where(
        FreezeRequest.status.in_([FreezeStatus.REQUESTED, FreezeStatus.EXECUTED, FreezeStatus.PARTIAL]),
        FreezeRequest.closed_at.is_(None), FreezeRequest.deadline_at <= now + REMIND_BEFORE)).all()
    for row in candidates:
        if not on_clock(row):
            continue
        deadline = clock.as_utc(row.deadline_at)
        if now >= deadline:
            row.status, row.closed_at = FreezeStatus.EXPIRED.value, now
            run.expired += 1
            audit.record(session, actor=worker, action="freeze.expired", object_type="freeze", object_id=row.id,
                         detail={"deadline_at": deadline.isoformat()})
            continue
        if row.escalated_at is None and now >= deadline - ESCALATE_BEFORE:
            row.escalated_at = now
            run.escalated += 1
            audit.record(session, actor=worker, action="freeze.escalated", object_type="freeze", object_id=row.id,
                         detail={"hours_left": round((deadline - now).total_seconds() / 3600, 1)})
            log.warning("freeze_deadline_escalated", freeze_id=row.id, area=row.area_code)
        elif row.reminded_at is None and now >= deadline - REMIND_BEFORE:
            row.reminded_at = now
            run.reminded += 1
            audit.record(session, actor=worker, action="freeze.reminded", object_type="freeze", object_id=row.id,
                         detail={"hours_left": round((deadline - now).total_seconds() / 3600, 1)})
    session.flush()
    return run


def run_clock(stop: threading.Event) -> None:
    """Background job (web/server.py BACKGROUND_JOBS): tick every minute until told to stop."""
    from fanzha.core.db import session_scope

    while not stop.is_set():
        try:
            with session_scope() as session:
                ticked = check_deadlines(session)
            if ticked.reminded or ticked.escalated or ticked.expired:
                log.info("freeze_clock", reminded=ticked.reminded, escalated=ticked.escalated, expired=ticked.expired)
        except Exception as exc:  # keep ticking: one bad pass must not stop the legal clock
            log.error("freeze_clock_failed", error=repr(exc))
        stop.wait(CLOCK_INTERVAL_SECONDS)


def loss_averted(session: Session, *, scope: Scope, start: datetime, end: datetime) -> LossAverted:
    """Money the bank line kept from fraudsters in [start, end): amounts stopped or frozen and still
    held (by request time) plus transfers the counter stopped (cancelled, held, blocked; by handling time).
    The stats domain calls this; `GET /api/v1/risk/loss-averted` serves it."""
    # Conservative: a stop that was released or lapsed is not counted, whatever it held meanwhile.
    done = (FreezeStatus.EXECUTED.value, FreezeStatus.PARTIAL.value)
    sums = dict(session.execute(
        select(FreezeRequest.kind, func.coalesce(func.sum(FreezeRequest.amount_done_fen), 0))
        .where(scope.clause(FreezeRequest.area_path), FreezeRequest.status.in_(done),
               FreezeRequest.amount_done_fen > 0, FreezeRequest.requested_at >= start,
               FreezeRequest.requested_at < end).group_by(FreezeRequest.kind)).all())
    count = session.scalar(select(func.count()).select_from(FreezeRequest).where(
        scope.clause(FreezeRequest.area_path), FreezeRequest.amount_done_fen > 0,
        FreezeRequest.status.in_(done), FreezeRequest.requested_at >= start, FreezeRequest.requested_at < end)) or 0
    intercepted, n = session.execute(
        select(func.coalesce(func.sum(Transaction.amount_fen), 0), func.count())
        .where(scope.clause(Transaction.area_path), Transaction.teller_action.in_([a.value for a in STOPPED_ACTIONS]),
               Transaction.handled_at >= start, Transaction.handled_at < end)).one()
    stopped, frozen = int(sums.get(FreezeKind.STOP.value, 0)), int(sums.get(FreezeKind.FREEZE.value, 0))
    return LossAverted(start=start, end=end, stopped_fen=stopped, frozen_fen=frozen, freeze_count=count,
                       intercepted_fen=int(intercepted), intercepted_count=int(n),
                       total_fen=stopped + frozen + int(intercepted))
