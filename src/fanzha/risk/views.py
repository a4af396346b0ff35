"""Pages of the bank line: the counter screen, transfer detail with the checklist, 止付/冻结
requests with their 48-hour countdown, and rule versions with backtests."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from fanzha.core import clock
from fanzha.core.deps import CurrentUser, SessionDep
from fanzha.core.errors import FanzhaError
from fanzha.core.rbac import Permission
from fanzha.risk import freeze, rulesets, scorer_process, service
from fanzha.risk.checklist import default_questions
from fanzha.risk.models import (
    FREEZE_SOURCE_ZH,
    FREEZE_STATUS_ZH,
    RULESET_STATUS_ZH,
    TELLER_ACTION_ZH,
    FreezeKind,
    FreezeStatus,
    TellerAction,
)
from fanzha.risk.schemas import CHANNEL_ZH, FreezeIn, TransactionIn
from fanzha.risk.scoring import DECISION_NAMES_ZH
from fanzha.web.errors import validation_fields
from fanzha.web.pages import page

router = APIRouter(include_in_schema=False)
COMMON = {"decisions": DECISION_NAMES_ZH, "actions": TELLER_ACTION_ZH, "channels": CHANNEL_ZH,
          "freeze_status": FREEZE_STATUS_ZH, "freeze_sources": FREEZE_SOURCE_ZH, "ruleset_status": RULESET_STATUS_ZH}
# Form field names ← API field paths, so errors land next to the input the teller typed in.
FORM_FIELDS = {"payer.account": "payer_account", "payer.phone": "payer_phone", "payer.age": "payer_age",
               "amount_fen": "amount_yuan", "id": "external_id"}
CHECKBOXES = ("on_call", "screen_sharing", "remote_control", "new_customer")


def _view(request: Request, user: CurrentUser, name: str, ctx: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return page(request, user, f"risk/{name}", {**COMMON, **ctx}, status_code)


def _errors(exc: FanzhaError) -> dict[str, str]:
    return {FORM_FIELDS.get(k, k): (v.get("message_zh") if isinstance(v, dict) else str(v)) or exc.message_zh
            for k, v in exc.fields.items()}


def _fen(text: str) -> int | None:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    return int(value * 100) if value == value.quantize(Decimal("0.01")) else None


def _blank_form() -> dict[str, str]:
    now = clock.local(clock.now())
    return {"external_id": f"CTR{now:%Y%m%d%H%M%S}", "occurred_at": f"{now:%Y-%m-%dT%H:%M}", "channel": "counter",
            "amount_yuan": "", "payer_account": "", "payer_phone": "", "payer_age": "", "payee_account": "",
            "payee_name": "", "device_id": ""}


@router.get("/risk/counter", response_class=HTMLResponse)
def counter(request: Request, user: CurrentUser, session: SessionDep, lookup: str = "") -> Response:
    user.require(Permission.RISK_SCORE)
    if lookup.strip():
        found = service.find_by_external_id(session, actor=user, external_id=lookup.strip())
        if found is not None:
            return RedirectResponse(f"/risk/transactions/{found.id}", status_code=303)
        return _view(request, user, "counter.html", {"form": _blank_form(), "errors": {}, "lookup": lookup,
                                                     "lookup_error": f"未找到流水号为「{lookup}」的转账"})
    return _view(request, user, "counter.html", {"form": _blank_form(), "errors": {}, "lookup": "",
                                                 "lookup_error": None})


@router.post("/risk/counter", response_class=HTMLResponse)
async def counter_submit(request: Request, user: CurrentUser) -> Response:
    user.require(Permission.RISK_SCORE)
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    fen = _fen(form.get("amount_yuan", ""))
    if fen is None:
        errors["amount_yuan"] = "请输入金额（元，最多两位小数）"
    try:
        at = datetime.fromisoformat(form.get("occurred_at", "")).replace(tzinfo=clock.LOCAL_TZ)
    except ValueError:
        errors["occurred_at"] = "请填写交易时间"
        at = clock.now()
    body = {
        "id": form.get("external_id", "").strip(), "occurred_at": at, "amount_fen": fen or 0,
        "channel": form.get("channel") or "counter",
        "payer": {"account": form.get("payer_account", ""), "phone": form.get("payer_phone") or None,
                  "age": form.get("payer_age") or None, "new_customer": "new_customer" in form},
        "payee_account": form.get("payee_account", ""), "payee_name": form.get("payee_name") or None,
        "device_id": form.get("device_id") or None, "on_call": "on_call" in form,
        "screen_sharing": "screen_sharing" in form, "remote_control": "remote_control" in form,
    }
    try:
        data = TransactionIn.model_validate(body)
    except ValidationError as exc:
        for key, value in validation_fields(list(exc.errors())).items():
            errors.setdefault(FORM_FIELDS.get(key, key.replace(".", "_")), _explain(key, value["message_zh"]))
        data = None
    if data is not None and not errors:
        try:
            return RedirectResponse(f"/risk/transactions/{await _score(user, data)}", status_code=303)
        except FanzhaError as exc:
            errors = _errors(exc) or {"_": exc.message_zh}
    return _view(request, user, "counter.html", {"form": form, "errors": errors, "lookup": "",
                                                 "lookup_error": None}, status_code=422)


async def _score(user: CurrentUser, data: TransactionIn) -> int:
    """Decide a transfer entered at the counter, as the API does (in the scoring process when one
    runs: it keeps the velocity state); its id."""
    status, payload = await scorer_process.score(user, data)
    if status not in (200, 201):
        raise scorer_process.error_from(status, payload)
    return int(json.loads(payload)["id"])


def _explain(key: str, generic: str) -> str:
    if key in ("payee_account", "payer.account"):
        return "卡号须为 16–19 位数字且校验位正确"
    if key == "amount_fen":
        return "金额须大于 0 且不超过 5 亿元"
    return generic


@router.get("/risk/transactions", response_class=HTMLResponse)
def transactions(request: Request, user: CurrentUser, session: SessionDep, decision: str = "",
                 pending: bool = False, page_no: int = 1) -> HTMLResponse:
    size = 50
    total, rows = service.list_transactions(session, actor=user, decision=decision or None, pending_only=pending,
                                            limit=size, offset=(max(page_no, 1) - 1) * size)
    return _view(request, user, "transactions.html", {"rows": rows, "total": total, "page_no": page_no,
                                                      "size": size, "decision": decision, "pending": pending})


def _detail(request: Request, user: CurrentUser, session: SessionDep, transaction_id: int,
            errors: dict[str, str] | None = None, answers: dict[str, str] | None = None,
            status_code: int = 200, form: dict[str, str] | None = None) -> HTMLResponse:
    tx = service.get(session, actor=user, transaction_id=transaction_id)
    freezes = [f for f in freeze.list_requests(session, actor=user, limit=500)[1]
               if f.source_type == "transaction" and f.source_id == str(tx.id)] \
        if user.can(Permission.FREEZE_READ) else []
    return _view(request, user, "transaction.html", {
        "tx": tx, "questions": default_questions(), "answers": answers or tx.checklist_answers or {},
        "errors": errors or {}, "report": service.report_for(session, transaction_id=tx.id), "freezes": freezes,
        "action_choices": list(TellerAction), "form": form or {}, "kinds": list(FreezeKind),
    }, status_code)


@router.get("/risk/transactions/{transaction_id}", response_class=HTMLResponse)
def transaction(request: Request, user: CurrentUser, session: SessionDep, transaction_id: int) -> HTMLResponse:
    return _detail(request, user, session, transaction_id)


@router.post("/risk/transactions/{transaction_id}/checklist", response_class=HTMLResponse)
async def checklist_submit(request: Request, user: CurrentUser, session: SessionDep, transaction_id: int) -> Response:
    raw = await request.form()
    answers = {q.code: str(raw.get(q.code) or "") for q in default_questions()}
    try:
        service.answer_checklist(session, actor=user, transaction_id=transaction_id, answers=answers)
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        return _detail(request, user, session, transaction_id, errors=_errors(exc) or {"_": exc.message_zh},
                       answers=answers, status_code=422)
    return RedirectResponse(f"/risk/transactions/{transaction_id}#decision", status_code=303)


@router.post("/risk/transactions/{transaction_id}/resolve", response_class=HTMLResponse)
async def resolve_submit(request: Request, user: CurrentUser, session: SessionDep, transaction_id: int) -> Response:
    raw = await request.form()
    form = {"action": str(raw.get("action") or ""), "note": str(raw.get("note") or "")}
    try:
        service.resolve(session, actor=user, transaction_id=transaction_id, action=form["action"], note=form["note"],
                        is_fraud={"yes": True, "no": False}.get(str(raw.get("is_fraud") or "")))
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        return _detail(request, user, session, transaction_id, errors=_errors(exc) or {"action": exc.message_zh},
                       status_code=422, form=form)
    return RedirectResponse(f"/risk/transactions/{transaction_id}", status_code=303)


@router.get("/risk/freezes", response_class=HTMLResponse)
def freezes(request: Request, user: CurrentUser, session: SessionDep, status: str = "") -> HTMLResponse:
    total, rows = freeze.list_requests(session, actor=user, status=status or None, limit=200)
    return _view(request, user, "freezes.html", {"rows": rows, "total": total, "status": status,
                                                 "on_clock": freeze.on_clock, "form": {}, "errors": {},
                                                 "kinds": list(FreezeKind)})


@router.post("/risk/freezes", response_class=HTMLResponse)
async def freeze_submit(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    amount = _fen(form.get("amount_yuan", "")) if form.get("amount_yuan", "").strip() else None
    if form.get("amount_yuan", "").strip() and amount is None:
        errors["amount_yuan"] = "请输入金额（元）"
    if not errors:
        try:
            data = FreezeIn(kind=form.get("kind", ""), source_type=form.get("source_type", ""),
                            source_id=form.get("source_id", "").strip(), account=form.get("account") or None,
                            amount_fen=amount or None, reason=form.get("reason", "").strip())
            row = freeze.create(session, actor=user, data=data)
            return RedirectResponse(f"/risk/freezes/{row.id}", status_code=303)
        except ValidationError as exc:
            errors = {k: v["message_zh"] for k, v in validation_fields(list(exc.errors())).items()}
        except FanzhaError as exc:
            if exc.status_code in (401, 403):
                raise
            errors = {("amount_yuan" if k == "amount_fen" else k): v for k, v in _errors(exc).items()} \
                or {"_": exc.message_zh}
    if form.get("source_type") == "transaction" and form.get("source_id", "").isdigit() and form.get("back"):
        return _detail(request, user, session, int(form["source_id"]), errors=errors, status_code=422, form=form)
    total, rows = freeze.list_requests(session, actor=user, limit=200)
    return _view(request, user, "freezes.html", {"rows": rows, "total": total, "status": "",
                                                 "on_clock": freeze.on_clock,
                                                 "form": form, "errors": errors, "kinds": list(FreezeKind)},
                 status_code=422)


@router.get("/risk/freezes/{freeze_id}", response_class=HTMLResponse)
def freeze_detail(request: Request, user: CurrentUser, session: SessionDep, freeze_id: int,
                  errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
                  status_code: int = 200) -> HTMLResponse:
    row = freeze.get(session, actor=user, freeze_id=freeze_id)
    allowed = sorted(freeze.RESULTS.get(FreezeStatus(row.status), set()))
    return _view(request, user, "freeze.html", {"row": row, "on_clock": freeze.on_clock(row), "allowed": allowed,
                                                "errors": errors or {}, "form": form or {}}, status_code)


@router.post("/risk/freezes/{freeze_id}/result", response_class=HTMLResponse)
async def freeze_result_submit(request: Request, user: CurrentUser, session: SessionDep, freeze_id: int) -> Response:
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if k != "csrf_token"}
    amount = _fen(form.get("amount_yuan") or "0")
    if amount is None:
        return freeze_detail(request, user, session, freeze_id, {"amount_yuan": "请输入金额（元）"}, form, 422)
    try:
        freeze.record_result(session, actor=user, freeze_id=freeze_id, status=form.get("status", ""),
                             amount_done_fen=amount, note=form.get("note"))
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        errors = {("amount_yuan" if k == "amount_done_fen" else k): v for k, v in _errors(exc).items()}
        return freeze_detail(request, user, session, freeze_id, errors or {"status": exc.message_zh}, form, 422)
    return RedirectResponse(f"/risk/freezes/{freeze_id}", status_code=303)


@router.get("/risk/rules", response_class=HTMLResponse)
def rules(request: Request, user: CurrentUser, session: SessionDep, show: int | None = None) -> HTMLResponse:
    versions = rulesets.list_versions(session, actor=user)
    active = rulesets.active_ruleset(session)
    return _view(request, user, "rules.html", {
        "versions": versions, "active": active, "show": show, "errors": {},
        "form": {"title": "", "source": next((v.source for v in versions if v.status == "published"),
                                             rulesets.default_source())}})


@router.post("/risk/rules", response_class=HTMLResponse)
async def rules_submit(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    raw = await request.form()
    form = {"title": str(raw.get("title") or "").strip(), "source": str(raw.get("source") or "")}
    errors: dict[str, str] = {}
    if not form["title"]:
        errors["title"] = "请填写版本说明"
    if not errors:
        try:
            row = rulesets.create_draft(session, actor=user, title=form["title"], source=form["source"])
            return RedirectResponse(f"/risk/rules?show={row.id}#v{row.id}", status_code=303)
        except FanzhaError as exc:
            if exc.status_code in (401, 403):
                raise
            errors["source"] = exc.message_zh
    versions = rulesets.list_versions(session, actor=user)
    return _view(request, user, "rules.html", {"versions": versions, "active": rulesets.active_ruleset(session),
                                               "show": None, "errors": errors, "form": form}, status_code=422)


@router.post("/risk/rules/{ruleset_id}/backtest")
def rules_backtest(user: CurrentUser, session: SessionDep, ruleset_id: int) -> Response:
    rulesets.run_backtest(session, actor=user, ruleset_id=ruleset_id)
    return RedirectResponse(f"/risk/rules?show={ruleset_id}#v{ruleset_id}", status_code=303)


@router.post("/risk/rules/{ruleset_id}/publish")
def rules_publish(request: Request, user: CurrentUser, session: SessionDep, ruleset_id: int) -> Response:
    try:
        rulesets.publish(session, actor=user, ruleset_id=ruleset_id)
    except FanzhaError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        versions = rulesets.list_versions(session, actor=user)
        return _view(request, user, "rules.html", {
            "versions": versions, "active": rulesets.active_ruleset(session), "show": ruleset_id,
            "errors": {"publish": exc.message_zh}, "form": {"title": "", "source": rulesets.default_source()}},
            status_code=409)
    return RedirectResponse(f"/risk/rules?show={ruleset_id}#v{ruleset_id}", status_code=303)



def workbench_section(session: Any, user: CurrentUser) -> Any:
    """Bank staff: transfers waiting at the counter and 止付/冻结 requests on the 48-hour clock."""
    from fanzha.web.workbench import Due, Link, Section

    if not user.can(Permission.RISK_DECIDE):
        return None
    waiting, rows = service.list_transactions(session, actor=user, pending_only=True, limit=8)
    _, requests = freeze.list_requests(session, actor=user, status=FreezeStatus.REQUESTED.value, limit=5)
    cells: list[dict[str, Any]] = [
        {"事项": Link(f"{DECISION_NAMES_ZH[tx.decision]} {tx.amount_fen / 100:,.0f} 元", f"/risk/transactions/{tx.id}"),
         "理由": tx.reasons[0] if tx.reasons else "", "时限": clock.local(tx.occurred_at).strftime("%m-%d %H:%M")}
        for tx in rows]
    cells += [{"事项": Link(f"{f.kind} {f.account_masked}", f"/risk/freezes/{f.id}"), "理由": f.reason[:30],
               "时限": Due(f.deadline_at)} for f in requests]
    return Section("柜面待处理", [("待处理转账", str(waiting)), ("待执行止付/冻结", str(len(requests)))],
                   rows=cells, columns=["事项", "理由", "时限"], link="/risk/transactions?pending=true",
                   todo=True, urgency=20, empty="暂无待处理转账")
