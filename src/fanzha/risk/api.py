"""HTTP API of the bank line under /api/v1/risk."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Response

from fanzha.core import clock
from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.errors import Invalid
from fanzha.core.rbac import Permission
from fanzha.risk import freeze, rulesets, scorer_process, service
from fanzha.risk.auth import ScoringUser
from fanzha.risk.checklist import default_questions
from fanzha.risk.models import Transaction
from fanzha.risk.schemas import (
    ChecklistIn,
    DecisionOut,
    FreezeIn,
    FreezeOut,
    FreezeResultIn,
    LossAverted,
    ResolveIn,
    RuleExecutionOut,
    RuleSetIn,
    RuleSetOut,
    TransactionIn,
)
from fanzha.risk.scoring import DECISION_NAMES_ZH

router = APIRouter(prefix="/api/v1/risk", tags=["risk"])
SCORE = [Depends(RequirePermission(Permission.RISK_SCORE))]
DECIDE = [Depends(RequirePermission(Permission.RISK_DECIDE))]
FREEZE_READ = [Depends(RequirePermission(Permission.FREEZE_READ))]
FREEZE_WRITE = [Depends(RequirePermission(Permission.FREEZE_WRITE))]
RULES_WRITE = [Depends(RequirePermission(Permission.RULES_WRITE))]


def decision_out(tx: Transaction | service.Decided, replayed: bool = False) -> DecisionOut:
    return DecisionOut(
        id=tx.id, transaction_id=tx.external_id, decision=tx.decision, decision_zh=DECISION_NAMES_ZH[tx.decision],
        initial_decision=tx.initial_decision, score=tx.score, reasons=list(tx.reasons),
        executions=[RuleExecutionOut(**e) for e in tx.executions], ruleset=tx.ruleset_label,
        amount_fen=tx.amount_fen, occurred_at=tx.occurred_at, payer_account_masked=tx.payer_account_masked,
        payee_account_masked=tx.payee_account_masked, payer_person_id=tx.payer_person_id,
        checklist_answers=tx.checklist_answers, teller_action=tx.teller_action, replayed=replayed)


@router.post("/transactions", response_model=DecisionOut, status_code=201,
             responses={200: {"model": DecisionOut, "description": "同一流水号再次提交：返回已存的决定（replayed）"}})
async def score_transaction(data: TransactionIn, user: ScoringUser) -> Response:
    """Decide a transfer: allow / verify / hold / block, with score and reasons. Idempotent on `id`.
    Concurrent requests are decided and stored in one transaction (`writer.py`), in the scoring
    process when `fanzha serve` runs one (`scorer_process.py`); the answer comes after that commit.
    A bank's bearer-token calls are answered by `hotpath.py` before they reach this route."""
    status, payload = await scorer_process.score(user, data)
    return Response(payload, status_code=status, media_type="application/json")


@router.get("/transactions", response_model=list[DecisionOut], dependencies=SCORE)
def list_transactions(user: CurrentUser, session: SessionDep, decision: str | None = None,
                      pending: bool = False, limit: int = 50, offset: int = 0) -> list[DecisionOut]:
    _, rows = service.list_transactions(session, actor=user, decision=decision, pending_only=pending,
                                        limit=min(max(limit, 1), 500), offset=max(offset, 0))
    return [decision_out(tx) for tx in rows]


@router.get("/transactions/{transaction_id}", response_model=DecisionOut, dependencies=SCORE)
def get_transaction(transaction_id: int, user: CurrentUser, session: SessionDep) -> DecisionOut:
    return decision_out(service.get(session, actor=user, transaction_id=transaction_id))


@router.get("/checklist", dependencies=SCORE)
def checklist_questions() -> list[dict[str, Any]]:
    return [{"code": q.code, "text": q.text, "options": [{"value": o.value, "label": o.label} for o in q.options]}
            for q in default_questions()]


@router.post("/transactions/{transaction_id}/checklist", response_model=DecisionOut, dependencies=DECIDE)
def answer_checklist(transaction_id: int, data: ChecklistIn, user: CurrentUser, session: SessionDep) -> DecisionOut:
    return decision_out(service.answer_checklist(session, actor=user, transaction_id=transaction_id,
                                                 answers=data.answers))


@router.post("/transactions/{transaction_id}/resolve", response_model=DecisionOut, dependencies=DECIDE)
def resolve_transaction(transaction_id: int, data: ResolveIn, user: CurrentUser, session: SessionDep) -> DecisionOut:
    return decision_out(service.resolve(session, actor=user, transaction_id=transaction_id, action=data.action,
                                        note=data.note, is_fraud=data.is_fraud))


@router.post("/freezes", response_model=FreezeOut, status_code=201, dependencies=FREEZE_WRITE)
def request_freeze(data: FreezeIn, user: CurrentUser, session: SessionDep) -> FreezeOut:
    return FreezeOut.model_validate(freeze.create(session, actor=user, data=data))


@router.get("/freezes", response_model=list[FreezeOut], dependencies=FREEZE_READ)
def list_freezes(user: CurrentUser, session: SessionDep, status: str | None = None,
                 limit: int = 100, offset: int = 0) -> list[FreezeOut]:
    _, rows = freeze.list_requests(session, actor=user, status=status, limit=min(max(limit, 1), 500),
                                   offset=max(offset, 0))
    return [FreezeOut.model_validate(r) for r in rows]


@router.get("/freezes/{freeze_id}", response_model=FreezeOut, dependencies=FREEZE_READ)
def get_freeze(freeze_id: int, user: CurrentUser, session: SessionDep) -> FreezeOut:
    return FreezeOut.model_validate(freeze.get(session, actor=user, freeze_id=freeze_id))


@router.post("/freezes/{freeze_id}/result", response_model=FreezeOut, dependencies=FREEZE_WRITE)
def record_freeze_result(freeze_id: int, data: FreezeResultIn, user: CurrentUser, session: SessionDep) -> FreezeOut:
    return FreezeOut.model_validate(freeze.record_result(session, actor=user, freeze_id=freeze_id, status=data.status,
                                                         amount_done_fen=data.amount_done_fen, note=data.note))


@router.get("/loss-averted", response_model=LossAverted, dependencies=FREEZE_READ)
def loss_averted(user: CurrentUser, session: SessionDep, start: datetime | None = None,
                 end: datetime | None = None) -> LossAverted:
    """Money stopped, frozen or intercepted at the counter in [start, end) (default: last 30 days)."""
    end = end or clock.now()
    start = start or end - timedelta(days=30)
    if start.tzinfo is None or end.tzinfo is None or start >= end:
        raise Invalid("时间范围无效（须带时区且开始早于结束）", "invalid period: needs timezone and start < end")
    return freeze.loss_averted(session, scope=user.scope, start=start, end=end)


@router.get("/rulesets", response_model=list[RuleSetOut])
def list_rulesets(user: CurrentUser, session: SessionDep) -> list[RuleSetOut]:
    return [RuleSetOut.model_validate(r) for r in rulesets.list_versions(session, actor=user)]


@router.post("/rulesets", response_model=RuleSetOut, status_code=201, dependencies=RULES_WRITE)
def create_ruleset(data: RuleSetIn, user: CurrentUser, session: SessionDep) -> RuleSetOut:
    return RuleSetOut.model_validate(rulesets.create_draft(session, actor=user, title=data.title, source=data.source))


@router.post("/rulesets/{ruleset_id}/backtest", response_model=RuleSetOut, dependencies=RULES_WRITE)
def backtest_ruleset(ruleset_id: int, user: CurrentUser, session: SessionDep) -> RuleSetOut:
    return RuleSetOut.model_validate(rulesets.run_backtest(session, actor=user, ruleset_id=ruleset_id))


@router.post("/rulesets/{ruleset_id}/publish", response_model=RuleSetOut, dependencies=RULES_WRITE)
def publish_ruleset(ruleset_id: int, user: CurrentUser, session: SessionDep) -> RuleSetOut:
    return RuleSetOut.model_validate(rulesets.publish(session, actor=user, ruleset_id=ruleset_id))
