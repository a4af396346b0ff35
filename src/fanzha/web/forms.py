"""Form handling shared by every page: validation errors as one Chinese line per field,
so a form can be shown again with the message under the field and the typed values kept.

    try:
        data = UserCreate.model_validate(form)
    except ValidationError as exc:
        errors = field_errors(exc, LABELS)      # {"username": "用户名只能包含…"}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from fanzha.core.errors import FanzhaError


def _message(label: str, err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return f"请填写{label}"
    if kind == "string_too_short":
        return f"{label}至少 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"{label}最多 {ctx.get('max_length')} 个字符"
    if kind == "string_pattern_mismatch":
        return f"{label}格式不正确"
    if kind in ("int_parsing", "int_from_float"):
        return f"{label}须为整数"
    if kind in ("decimal_parsing", "float_parsing"):
        return f"{label}须为数字"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{label}不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{label}不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind in ("enum", "literal_error"):
        return f"请选择有效的{label}"
    if kind.startswith(("datetime", "date")):
        return f"{label}时间格式不正确"
    return f"{label}无效"


def field_errors(exc: ValidationError, labels: Mapping[str, str],
                 hints: Mapping[str, str] | None = None) -> dict[str, str]:
    """First error per field, in Chinese. `hints` replaces the generic text for a field
    (e.g. the allowed characters of a user name)."""
    out: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err.get("loc") else "form"
        if name in out:
            continue
        if hints and name in hints and err.get("type") != "missing":
            out[name] = hints[name]
        else:
            out[name] = _message(labels.get(name, name), err)
    return out


def domain_errors(exc: FanzhaError) -> dict[str, str]:
    """A domain error shown on a form: under the fields it names, else at the top ("form")."""
    fields = getattr(exc, "fields", None) or {}
    if isinstance(fields, dict) and fields:
        return {str(name): exc.message_zh for name in fields}
    return {"form": exc.message_zh}
