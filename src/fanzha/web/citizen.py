"""Public pages for residents (no login, rate-limited): self-check, anti-fraud tips, report (举报).

No CSRF token here: there is no session to ride on; the per-address rate limit is the guard."""

from __future__ import annotations

import re
import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from fanzha.core.deps import SessionDep
from fanzha.detect.engine import Detector
from fanzha.detect.schemas import MAX_TEXT_CHARS, SelfCheckKind
from fanzha.detect.selfcheck import self_check
from fanzha.risklists import service as risklists
from fanzha.risklists.schemas import TipIn
from fanzha.web.forms import field_errors
from fanzha.web.fraud_tips import BY_CODE, GOLDEN_RULES, HOTLINE, TIPS
from fanzha.web.ratelimit import PublicRateLimit
from fanzha.web.selfcheck_view import present, present_lookup
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)

CHECK_KINDS = {"text": "短信/聊天内容", "phone": "电话号码", "url": "网址链接", "account": "银行卡/QQ/微信号"}
_PHONE = re.compile(r"^\+?[\d\s\-()]{5,20}$")
_ACCOUNT = re.compile(r"^[\w\-.@]{5,40}$")


# The 涉诈 lists change during the day; a resident's check may lag them by this much.
RISKLIST_TTL_S = 60.0
_cached: dict[str, tuple[float, Detector]] = {}


def _detector(session: Session) -> Detector:
    """The detector with today's risk lists, rebuilt at most once a minute (not per request)."""
    key, now = str(session.get_bind().engine.url), time.monotonic()
    hit = _cached.get(key)
    if hit is None or now - hit[0] > RISKLIST_TTL_S:
        hit = _cached[key] = (now, Detector(risk_list=risklists.load_detect_risklist(session)))
    return hit[1]


def _check_error(kind: str, value: str) -> str | None:
    """The inline message for input that cannot be checked, or None."""
    v = value.strip()
    if not v:
        return "请输入要核查的内容"
    if len(v) > MAX_TEXT_CHARS:
        return f"内容过长，请控制在 {MAX_TEXT_CHARS} 字以内"
    if kind == "phone" and not _PHONE.match(v):
        return "电话号码只能包含数字（可带 +、-、空格）"
    if kind == "url" and ("." not in v or " " in v):
        return "请输入完整的网址，例如 http://example.com"
    if kind == "account" and not _ACCOUNT.match(v):
        return "账号只能包含字母、数字和 _ - . @，长度 5–40 位"
    return None


def _public(request: Request, name: str, ctx: dict[str, object], status_code: int = 200) -> HTMLResponse:
    return render(request, name, {"hotline": HOTLINE, "rules": GOLDEN_RULES, "path": request.url.path, **ctx},
                  status_code)


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request, _limit: PublicRateLimit, kind: str = "text") -> HTMLResponse:
    chosen = kind if kind in CHECK_KINDS else "text"
    return _public(request, "citizen/check.html",
                   {"kinds": CHECK_KINDS, "kind": chosen, "value": "", "error": None, "view": None})


@router.post("/check", response_class=HTMLResponse)
def check_submit(request: Request, session: SessionDep, _limit: PublicRateLimit, value: Annotated[str, Form()] = "",
                 kind: Annotated[str, Form()] = "text") -> HTMLResponse:
    kind = kind if kind in CHECK_KINDS else "text"
    error = _check_error(kind, value)
    ctx: dict[str, object] = {"kinds": CHECK_KINDS, "kind": kind, "value": value, "error": error, "view": None}
    if error:
        return _public(request, "citizen/check.html", ctx, status_code=422)
    text = value.strip()
    result = self_check(_detector(session), text, SelfCheckKind(kind))
    ctx["view"] = present(text, result.verdict, result.risk) if result.verdict else present_lookup(text, result)
    return _public(request, "citizen/check.html", ctx)


@router.get("/tips", response_class=HTMLResponse)
def tips(request: Request, _limit: PublicRateLimit, type: str | None = None) -> HTMLResponse:
    chosen = BY_CODE.get((type or "").upper())
    return _public(request, "citizen/tips.html", {"tips": [chosen] if chosen else TIPS, "all_tips": TIPS,
                                                  "chosen": chosen})


REPORT_LABELS = {"kind": "举报类型", "value": "号码/网址/账号", "description": "经过描述", "contact_phone": "联系电话"}
REPORT_KINDS = {"phone": "诈骗电话/短信号码", "url": "诈骗网址/链接", "account": "诈骗收款账户",
                "qq": "诈骗 QQ 号", "wechat": "诈骗微信号"}
_CONTACT = re.compile(r"^1\d{10}$")


def _report_page(request: Request, form: dict[str, str], errors: dict[str, str], receipt: str | None = None,
                 status_code: int = 200) -> HTMLResponse:
    return _public(request, "citizen/report.html", {"kinds": REPORT_KINDS, "form": form, "errors": errors,
                                                    "receipt": receipt}, status_code)


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, _limit: PublicRateLimit) -> HTMLResponse:
    return _report_page(request, {"kind": "phone", "value": "", "description": "", "contact_phone": ""}, {})


@router.post("/report", response_class=HTMLResponse)
def report_submit(request: Request, session: SessionDep, _limit: PublicRateLimit,
                  kind: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
                  description: Annotated[str, Form()] = "", contact_phone: Annotated[str, Form()] = "") -> HTMLResponse:
    form = {"kind": kind, "value": value.strip(), "description": description.strip(),
            "contact_phone": contact_phone.strip()}
    errors: dict[str, str] = {}
    try:
        data = TipIn.model_validate({**form, "contact_phone": form["contact_phone"] or None})
    except ValidationError as exc:
        errors = field_errors(exc, REPORT_LABELS)
    if form["contact_phone"] and not _CONTACT.match(form["contact_phone"]):
        errors.setdefault("contact_phone", "请填写 11 位手机号，或留空")
    if errors:
        return _report_page(request, form, errors, status_code=422)
    tip = risklists.submit_tip(session, data=data)
    return _report_page(request, {"kind": kind, "value": "", "description": "", "contact_phone": ""}, {},
                        receipt=f"举报已收到（编号 {tip.id}）。民警核实后将纳入涉诈名单，提醒更多人。"
                                "如已被骗，请立即拨打 110。")
