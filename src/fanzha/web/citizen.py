"""Public pages for residents (no login, rate-limited): self-check, anti-fraud tips, report (举报)."""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from fanzha.detect.engine import Detector
from fanzha.detect.schemas import MAX_TEXT_CHARS
from fanzha.web.fraud_tips import BY_CODE, GOLDEN_RULES, HOTLINE, TIPS
from fanzha.web.ratelimit import PublicRateLimit
from fanzha.web.selfcheck_view import present
from fanzha.web.templating import render

router = APIRouter(include_in_schema=False)

CHECK_KINDS = {"text": "短信/聊天内容", "phone": "电话号码", "url": "网址链接", "account": "银行卡/QQ/微信号"}
_PHONE = re.compile(r"^\+?[\d\s\-()]{5,20}$")
_ACCOUNT = re.compile(r"^[\w\-.@]{5,40}$")


@cache
def _detector() -> Detector:
    return Detector()


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
def check_submit(request: Request, _limit: PublicRateLimit, value: Annotated[str, Form()] = "",
                 kind: Annotated[str, Form()] = "text") -> HTMLResponse:
    kind = kind if kind in CHECK_KINDS else "text"
    error = _check_error(kind, value)
    ctx: dict[str, object] = {"kinds": CHECK_KINDS, "kind": kind, "value": value, "error": error, "view": None}
    if error:
        return _public(request, "citizen/check.html", ctx, status_code=422)
    text = value.strip()
    ctx["view"] = present(text, _detector().detect(text))
    return _public(request, "citizen/check.html", ctx)


@router.get("/tips", response_class=HTMLResponse)
def tips(request: Request, _limit: PublicRateLimit, type: str | None = None) -> HTMLResponse:
    chosen = BY_CODE.get((type or "").upper())
    return _public(request, "citizen/tips.html", {"tips": [chosen] if chosen else TIPS, "all_tips": TIPS,
                                                  "chosen": chosen})
