"""Use cases of the bank line: score a transfer, walk the counter checklist, record what the
teller did. Rule sets and freeze requests live in `rulesets.py` and `freeze.py`.

The velocity state lives in memory, one per database (see `realtime.py`); a transfer enters
it only after its row commits, so a rolled-back request leaves the state untouched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.areas.models import Area
from fanzha.audit import service as audit
from fanzha.core import clock
from fanzha.core.errors import Conflict, Invalid, NotFound, TransitionNotAllowed
from fanzha.core.events import TRANSACTION_DECIDED, emit
from fanzha.core.pii import PIIKind, blind_index, mask
from fanzha.core.rbac import Permission, Principal
from fanzha.people import service as people
from fanzha.risk import realtime
from fanzha.risk.checklist import ChecklistError, assess
from fanzha.risk.features import WINDOW, Transfer
from fanzha.risk.models import (
    TELLER_ACTION_ZH,
    Decision,
    InterceptionReport,
    TellerAction,
    Transaction,
)
from fanzha.risk.schemas import TransactionIn
from fanzha.risk.scoring import DECISION_NAMES_ZH, DECISION_RANK, Verdict, evaluate

FUTURE_TOLERANCE = timedelta(minutes=5)  # bank and server clocks drift a little
MAX_AGE = timedelta(seconds=WINDOW)  # older transfers cannot be placed in the velocity windows


def content_fingerprint(data: TransactionIn) -> str:
    body = data.model_dump(mode="json", exclude={"bank_area_code"})
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def device_hash(device_id: str) -> str:
    return hashlib.sha256(f"device:{device_id}".encode()).hexdigest()[:32]


def get(session: Session, *, actor: Principal, transaction_id: int) -> Transaction:
    actor.require(Permission.RISK_SCORE)
    return load_in_scope(session, actor=actor, transaction_id=transaction_id)


def load_in_scope(session: Session, *, actor: Principal, transaction_id: int) -> Transaction:
    """The transfer if it lies in the actor's jurisdiction (callers check their own permission)."""
    tx = session.get(Transaction, transaction_id)
    if tx is None or not actor.scope.contains(tx.area_path):
        raise NotFound("转账记录", "Transaction", transaction_id)
    return tx


def find_by_external_id(session: Session, *, actor: Principal, external_id: str) -> Transaction | None:
    actor.require(Permission.RISK_SCORE)
    tx = session.scalars(select(Transaction).where(Transaction.external_id == external_id)).first()
    return tx if tx is not None and actor.scope.contains(tx.area_path) else None


def list_transactions(session: Session, *, actor: Principal, decision: str | None = None,
                      pending_only: bool = False, limit: int = 50,
                      offset: int = 0) -> tuple[int, Sequence[Transaction]]:
    actor.require(Permission.RISK_SCORE)
    stmt = select(Transaction).where(actor.scope.clause(Transaction.area_path))
    if decision:
        stmt = stmt.where(Transaction.decision == decision)
    if pending_only:
        # IN, not != allow: the decision index then reads the few non-allow rows, not the year's transfers
        stmt = stmt.where(Transaction.decision.in_([d.value for d in Decision if d != Decision.ALLOW]),
                          Transaction.teller_action.is_(None))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Transaction.occurred_at.desc(), Transaction.id.desc())
                           .limit(limit).offset(offset)).all()
    return total, rows


def score(session: Session, *, actor: Principal, data: TransactionIn) -> tuple[Transaction, bool]:
    """Decide one transfer. The same id returns the stored decision (replayed=True) and is never
    counted twice; the same id with different content is a conflict. (The HTTP API goes through
    `writer.py`, which runs the same steps for a batch of requests in one transaction.)"""
    actor.require(Permission.RISK_SCORE)
    fingerprint = content_fingerprint(data)
    existing = session.scalars(select(Transaction).where(Transaction.external_id == data.id)).first()
    if existing is not None:
        return replay(actor, existing, fingerprint), True
    scorer = realtime.scorer_for(session)
    tx, transfer = build(session, actor=actor, data=data, scorer=scorer, fingerprint=fingerprint)
    try:
        with session.begin_nested():
            session.add(tx)
            session.flush()
    except IntegrityError:  # the same id arrived concurrently and won the race
        winner = session.scalars(select(Transaction).where(Transaction.external_id == data.id)).one()
        return replay(actor, winner, fingerprint), True
    realtime.apply_after_commit(session, scorer, transfer, tx.decision)
    announce(session, actor, tx, tx.decision)
    return tx, False


def check_time(data: TransactionIn, now: datetime) -> None:
    if data.occurred_at > now + FUTURE_TOLERANCE:
        raise Invalid("交易时间晚于当前时间，请核对系统时钟", "occurred_at is in the future",
                      fields={"occurred_at": {"message_zh": "交易时间在未来", "message_en": "in the future"}})
    if data.occurred_at < now - MAX_AGE:
        raise Invalid("交易时间早于 7 天前，超出实时评分窗口，请走事后核查",
                      "occurred_at is older than the 7-day window",
                      fields={"occurred_at": {"message_zh": "超过 7 天", "message_en": "older than 7 days"}})


def build(session: Session, *, actor: Principal, data: TransactionIn, scorer: realtime.LiveScorer,
          fingerprint: str) -> tuple[Transaction, Transfer]:
    """Validate and score a new transfer; its row, not yet added to the session."""
    values, transfer = row_values(session, actor=actor, data=data, scorer=scorer, fingerprint=fingerprint)
    return Transaction(**values), transfer


def row_values(session: Session, *, actor: Principal, data: TransactionIn, scorer: realtime.LiveScorer,
               fingerprint: str, apply: bool = False,
               branches: dict[str, Area] | None = None) -> tuple[dict[str, Any], Transfer]:
    """Validate and score a new transfer; the column values of its row. With `apply=True` the
    transfer also enters the velocity state at once: the caller must then discard the state if
    its transaction does not commit (`realtime.discard`). `branches` memoises bank branches."""
    now = clock.now()
    check_time(data, now)
    code = data.bank_area_code or actor.area_code or ""
    bank = branches.get(code) if branches is not None else None
    if bank is None:
        bank = areas.get(session, code=code)
        if branches is not None:
            branches[code] = bank
    if not actor.scope.contains(bank.path):
        raise NotFound("辖区", "Area", code)
    person = people.find_by_phone(session, phone=data.payer.phone) if data.payer.phone else None
    age = data.payer.age if data.payer.age is not None else (person.age if person else None)
    tags = tuple(sorted(set(data.payer.tags) | set(person.tags if person else ())))
    payer_hash = blind_index(PIIKind.BANK_CARD, data.payer.account)
    payee_hash = blind_index(PIIKind.BANK_CARD, data.payee_account)
    transfer = Transfer(
        id=data.id, at=data.occurred_at, amount_fen=data.amount_fen, payer=payer_hash, payee=payee_hash,
        channel=data.channel.value, device=device_hash(data.device_id) if data.device_id else None,
        payer_age=age, payer_tags=tags, new_customer=data.payer.new_customer, on_call=data.on_call,
        screen_sharing=data.screen_sharing, remote_control=data.remote_control)
    scorer.listed.check(session, payee_hash)  # warm the cache on this session, outside the lock
    with scorer.lock:
        features = scorer.features(transfer)
        verdict = evaluate(scorer.ruleset, features)
        if apply:
            scorer.state.apply(transfer, flagged=DECISION_RANK[verdict.decision] >= DECISION_RANK[Decision.HOLD])
    values = dict(
        external_id=data.id, fingerprint=fingerprint, occurred_at=data.occurred_at, amount_fen=data.amount_fen,
        currency=data.currency, channel=data.channel.value, payer_account_hash=payer_hash,
        payer_account_masked=mask(PIIKind.BANK_CARD, data.payer.account) or "",
        payer_phone_hash=blind_index(PIIKind.PHONE, data.payer.phone) if data.payer.phone else None,
        payer_person_id=person.id if person else None, payer_area_code=person.area_code if person else None,
        payer_age=age, payee_account_hash=payee_hash, payee_account_masked=mask(PIIKind.BANK_CARD, data.payee_account)
        or "", payee_account_enc=data.payee_account, payee_name_masked=mask(PIIKind.NAME, data.payee_name),
        device_hash=transfer.device, on_call=data.on_call, screen_sharing=data.screen_sharing,
        remote_control=data.remote_control, area_code=bank.code, area_path=bank.path,
        created_at=now, features=features, **_verdict_columns(verdict), initial_decision=verdict.decision)
    return values, transfer


@dataclass(frozen=True, slots=True)
class Decided:
    """A transfer just stored by the batch writer: the columns the answer and the announcement
    read, without the cost of an ORM object (~90 µs each, the scorer itself takes ~60 µs)."""

    id: int
    external_id: str
    fingerprint: str
    decision: str
    initial_decision: str
    score: int
    reasons: list[str]
    executions: list[dict[str, Any]]
    ruleset_label: str
    amount_fen: int
    occurred_at: datetime
    payer_account_masked: str
    payee_account_masked: str
    payee_account_hash: str
    payer_person_id: int | None
    payer_phone_hash: str | None
    payer_area_code: str | None
    area_code: str
    area_path: str
    checklist_answers: dict[str, str] | None = None
    teller_action: str | None = None

    @classmethod
    def of(cls, pk: int, values: dict[str, Any]) -> Decided:
        return cls(id=pk, **{name: values[name] for name in _DECIDED_COLUMNS})


TransferRow = TypeVar("TransferRow", Transaction, Decided)

_DECIDED_COLUMNS = (
    "external_id", "fingerprint", "decision", "initial_decision", "score", "reasons", "executions", "ruleset_label",
    "amount_fen", "occurred_at", "payer_account_masked", "payee_account_masked", "payee_account_hash",
    "payer_person_id", "payer_phone_hash", "payer_area_code", "area_code", "area_path",
)  # fmt: skip


def replay(actor: Principal, tx: TransferRow, fingerprint: str) -> TransferRow:
    """The stored transfer for a repeated id, or 409 if the id was used for different content."""
    check_replay(actor, tx, fingerprint)
    return tx


def check_replay(actor: Principal, tx: Transaction | Decided, fingerprint: str) -> None:
    if tx.fingerprint != fingerprint or not actor.scope.contains(tx.area_path):
        raise Conflict("该流水号已用于另一笔交易", "transaction id already used for a different transfer",
                       code="duplicate_transaction_id", fields={"id": tx.external_id})


def _verdict_columns(verdict: Verdict) -> dict[str, Any]:
    return {"decision": verdict.decision, "score": verdict.score, "reasons": verdict.reasons,
            "executions": [e.to_dict() for e in verdict.executions], "ruleset_label": verdict.ruleset}


def announce(session: Session, actor: Principal, tx: Transaction | Decided, decision: str,
             send: Callable[[Session, str, dict[str, Any]], object] = emit) -> None:
    """verify and worse are announced (`transaction.decided`): hold and block go to the warning
    engine (高 warning to the payer's station); block files a report. `send` queues the event
    (default: published when the session commits)."""
    if DECISION_RANK[decision] < DECISION_RANK[Decision.VERIFY]:
        return
    send(session, TRANSACTION_DECIDED, {
        "transaction_id": tx.id, "external_id": tx.external_id, "decision": decision, "score": tx.score,
        "reasons": list(tx.reasons), "amount_fen": tx.amount_fen, "payer_person_id": tx.payer_person_id,
        "payer_phone_hash": tx.payer_phone_hash, "payer_area_code": tx.payer_area_code,
        "payee_account_masked": tx.payee_account_masked, "payee_account_hash": tx.payee_account_hash,
        "bank_area_code": tx.area_code, "occurred_at": tx.occurred_at.isoformat(),
    })
    if decision == Decision.BLOCK:
        _file_report(session, actor, tx)


def _file_report(session: Session, actor: Principal, tx: Transaction | Decided) -> None:
    if session.scalar(select(InterceptionReport.id).where(InterceptionReport.transaction_id == tx.id)):
        return
    summary = (f"{clock.local(tx.occurred_at):%Y-%m-%d %H:%M} 转账 {tx.amount_fen / 100:,.2f} 元至 "
               f"{tx.payee_account_masked}，评分 {tx.score}，理由：" + "；".join(tx.reasons[:5]))
    session.add(InterceptionReport(transaction_id=tx.id, amount_fen=tx.amount_fen, summary=summary,
                                   filed_by=actor.username, filed_at=clock.now(), area_code=tx.area_code,
                                   area_path=tx.area_path))
    session.flush()


def answer_checklist(session: Session, *, actor: Principal, transaction_id: int,
                     answers: dict[str, str]) -> Transaction:
    """Re-evaluate the transfer with the customer's answers; the decision may go up or down."""
    actor.require(Permission.RISK_DECIDE)
    tx = get(session, actor=actor, transaction_id=transaction_id)
    if tx.teller_action is not None:
        raise TransitionNotAllowed(TELLER_ACTION_ZH[TellerAction(tx.teller_action)], "柜面问询")
    try:
        assessment = assess(answers)
    except ChecklistError as exc:
        raise Invalid("问询答案不完整或无效", "checklist answers incomplete or invalid",
                      fields={k: {"message_zh": v, "message_en": v} for k, v in exc.problems.items()}) from None
    features = dict(tx.features)
    features.update(checklist_answered=True, checklist_points=assessment.points,
                    checklist_red_flags=assessment.red_flags)
    before = tx.decision
    verdict = evaluate(realtime.current_ruleset(session), features, assessment.executions)
    for key, value in _verdict_columns(verdict).items():
        setattr(tx, key, value)
    tx.features = features
    tx.checklist_answers = dict(answers)
    session.flush()
    audit.record(session, actor=actor, action="risk.checklist", object_type="transaction", object_id=tx.id,
                 detail={"answers": answers, "from": before, "to": verdict.decision, "score": verdict.score})
    if DECISION_RANK[verdict.decision] > DECISION_RANK[before] and verdict.decision in (Decision.HOLD, Decision.BLOCK):
        announce(session, actor, tx, verdict.decision)
    return tx


_ACTION_DECISION = {TellerAction.HELD: Decision.HOLD, TellerAction.BLOCKED: Decision.BLOCK}


def resolve(session: Session, *, actor: Principal, transaction_id: int, action: str, note: str | None,
            is_fraud: bool | None = None) -> Transaction:
    """Record what the counter did. Releasing a transfer the engine held or blocked needs a note."""
    actor.require(Permission.RISK_DECIDE)
    tx = get(session, actor=actor, transaction_id=transaction_id)
    try:
        chosen = TellerAction(action)
    except ValueError:
        raise Invalid("处理方式无效", f"unknown action {action!r}",
                      fields={"action": {"message_zh": "请选择处理方式", "message_en": "unknown action"}}) from None
    if tx.teller_action is not None:
        raise TransitionNotAllowed(TELLER_ACTION_ZH[TellerAction(tx.teller_action)], TELLER_ACTION_ZH[chosen])
    note = (note or "").strip() or None
    if chosen is TellerAction.RELEASED and DECISION_RANK[tx.decision] >= DECISION_RANK[Decision.HOLD] and not note:
        raise Invalid(f"系统判定为「{DECISION_NAMES_ZH[tx.decision]}」，放行须填写核实情况",
                      "releasing a held or blocked transfer needs a note",
                      fields={"note": {"message_zh": "请填写核实情况", "message_en": "note required"}})
    tx.teller_action, tx.teller_note = chosen.value, note
    tx.handled_by, tx.handled_at = actor.username, clock.now()
    if is_fraud is not None:
        tx.is_fraud = is_fraud
    escalate_to = _ACTION_DECISION.get(chosen)
    raised = escalate_to is not None and DECISION_RANK[escalate_to] > DECISION_RANK[tx.decision]
    if raised and escalate_to is not None:
        tx.decision = escalate_to.value
    session.flush()
    audit.record(session, actor=actor, action="risk.resolve", object_type="transaction", object_id=tx.id,
                 detail={"action": chosen.value, "decision": tx.decision, "note": note, "is_fraud": is_fraud})
    if raised:
        announce(session, actor, tx, tx.decision)
    elif chosen is TellerAction.BLOCKED:
        _file_report(session, actor, tx)
    return tx


def report_for(session: Session, *, transaction_id: int) -> InterceptionReport | None:
    stmt = select(InterceptionReport).where(InterceptionReport.transaction_id == transaction_id)
    return session.scalars(stmt).first()
