"""One place that turns domain exceptions and validation failures into the error shape
{"error": {"code", "message_zh", "message_en", "fields"}}."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from fanzha.core.errors import FanzhaError

log = structlog.get_logger("fanzha.web")

_HTTP_MESSAGES = {
    404: ("页面或资源不存在", "Not found"),
    405: ("不支持的请求方法", "Method not allowed"),
    413: ("请求内容过大", "Request entity too large"),
}

_PYDANTIC_ZH = {
    "missing": "必填",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "string_pattern_mismatch": "格式不正确",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "less_than": "数值太大",
    "int_parsing": "须为整数",
    "decimal_parsing": "须为数字",
    "float_parsing": "须为数字",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "json_invalid": "JSON 格式错误",
    "model_attributes_type": "须为对象",
    "list_type": "须为列表",
    "too_long": "条目过多",
    "value_error": "取值无效",
    "bool_parsing": "须为是/否",
}


def error_body(code: str, zh: str, en: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message_zh": zh, "message_en": en, "fields": fields or {}}}


def validation_fields(errors: list[Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        key = ".".join(loc) or "body"
        fields[key] = {"message_zh": _PYDANTIC_ZH.get(err.get("type", ""), "取值无效"), "message_en": err.get("msg")}
    return fields


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


_TITLES = {403: "无权访问", 404: "未找到", 409: "操作冲突", 422: "输入有误", 429: "请求过于频繁"}


def _error_page(request: Request, status: int, message_zh: str) -> Response:
    """A page a person can read (and go back from) instead of a JSON body in the browser."""
    from fanzha.web.templating import render

    return render(request, "error.html", {"status": status, "title": _TITLES.get(status, "请求无法完成"),
                                          "message": message_zh}, status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(FanzhaError)
    async def _domain(request: Request, exc: FanzhaError) -> Response:
        if exc.status_code == 401 and _wants_html(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        if _wants_html(request):
            return _error_page(request, exc.status_code, exc.message_zh)
        return JSONResponse(exc.to_dict(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = validation_fields(list(exc.errors()))
        names = "、".join(fields)
        return JSONResponse(
            error_body("invalid", f"请求参数有误：{names}", f"Invalid request: {names}", fields), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        zh, en = _HTTP_MESSAGES.get(exc.status_code, ("请求无法处理", str(exc.detail)))
        if _wants_html(request):
            return _error_page(request, exc.status_code, zh)
        return JSONResponse(error_body(f"http_{exc.status_code}", zh, en), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled_error", path=request.url.path)
        return JSONResponse(error_body("internal", "服务器内部错误，已记录", "Internal server error"), status_code=500)
