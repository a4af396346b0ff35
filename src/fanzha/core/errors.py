"""Domain exceptions: a stable code plus Chinese and English messages.

Services raise these; one handler in `web.errors` turns them into
`{"error": {"code", "message_zh", "message_en", "fields"}}`.
"""

from __future__ import annotations

from typing import Any


class FanzhaError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        if code:
            self.code = code
        self.fields: dict[str, Any] = fields or {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message_zh": self.message_zh,
                "message_en": self.message_en,
                "fields": self.fields,
            }
        }


class NotFound(FanzhaError):
    status_code = 404
    code = "not_found"

    def __init__(self, what_zh: str, what_en: str, ident: object) -> None:
        super().__init__(f"{what_zh}不存在：{ident}", f"{what_en} not found: {ident}")


class Unauthorized(FanzhaError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, message_zh: str = "请先登录", message_en: str = "Authentication required") -> None:
        super().__init__(message_zh, message_en)


class Forbidden(FanzhaError):
    status_code = 403
    code = "forbidden"

    def __init__(self, message_zh: str = "无权执行此操作", message_en: str = "Permission denied") -> None:
        super().__init__(message_zh, message_en)


class Conflict(FanzhaError):
    status_code = 409
    code = "conflict"


class Invalid(FanzhaError):
    status_code = 422
    code = "invalid"


class TooManyRequests(FanzhaError):
    status_code = 429
    code = "rate_limited"

    def __init__(self) -> None:
        super().__init__("请求过于频繁，请稍后再试", "Too many requests, try again later")


class TransitionNotAllowed(FanzhaError):
    status_code = 409
    code = "transition_not_allowed"

    def __init__(self, from_: str, to: str) -> None:
        super().__init__(
            f"不允许从「{from_}」变更为「{to}」",
            f"Transition from {from_!r} to {to!r} is not allowed",
            fields={"from": from_, "to": to},
        )


class RowError(dict[str, Any]):
    """One rejected import row: {"row": n, "field": f, "message_zh": ..., "message_en": ...}."""

    def __init__(self, row: int, field: str | None, message_zh: str, message_en: str) -> None:
        super().__init__(row=row, field=field, message_zh=message_zh, message_en=message_en)


class ImportRejected(FanzhaError):
    status_code = 422
    code = "import_rejected"

    def __init__(self, rows: list[RowError]) -> None:
        super().__init__(
            f"导入被拒绝：{len(rows)} 行有错误，未写入任何数据",
            f"Import rejected: {len(rows)} row(s) invalid, nothing was written",
            fields={"rows": rows},
        )
        self.rows = rows
