"""Parsing a risk-list CSV (pure): every bad row is reported with its line, field and reason.

Header: kind,value[,source][,expires_at][,note]; kind accepts the English codes or 号码/网址/账户/
银行卡/QQ/微信. Expiry is ISO 8601 (a date alone means midnight UTC).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from pydantic import ValidationError

from fanzha.cases.entities import EntityKind, parse
from fanzha.core.errors import RowError
from fanzha.risklists.schemas import EntryIn, ListKind

KIND_ALIASES = {
    "phone": ListKind.PHONE, "号码": ListKind.PHONE, "电话": ListKind.PHONE, "url": ListKind.URL,
    "domain": ListKind.URL, "网址": ListKind.URL, "域名": ListKind.URL, "account": ListKind.ACCOUNT,
    "账户": ListKind.ACCOUNT, "银行卡": ListKind.ACCOUNT, "qq": ListKind.QQ, "wechat": ListKind.WECHAT,
    "微信": ListKind.WECHAT,
}  # fmt: skip
MAX_ROWS = 100_000


def _time(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_csv(text: str, *, default_source: str) -> tuple[list[EntryIn], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "kind" not in header or "value" not in header:
        return [], [RowError(1, "header", "表头必须包含 kind 和 value 两列", "header must have kind and value")]
    reader.fieldnames = header
    rows: list[EntryIn] = []
    errors: list[RowError] = []
    for n, row in enumerate(reader, start=2):
        if n - 1 > MAX_ROWS:
            errors.append(RowError(n, None, f"超过 {MAX_ROWS} 行上限", f"more than {MAX_ROWS} rows"))
            break
        kind = KIND_ALIASES.get((row.get("kind") or "").strip().lower())
        value = (row.get("value") or "").strip()
        if kind is None:
            errors.append(RowError(n, "kind", f"未知类型“{row.get('kind') or ''}”，应为 phone/url/account/qq/wechat",
                                   "unknown kind"))
            continue
        parsed = parse(EntityKind(kind.value), value)
        if not parsed.valid:
            errors.append(RowError(n, "value", parsed.note or "取值无效", "invalid value"))
            continue
        expires = None
        if raw := (row.get("expires_at") or "").strip():
            try:
                expires = _time(raw)
            except ValueError:
                errors.append(RowError(n, "expires_at", f"过期时间“{raw}”不是 ISO 8601 格式", "bad expires_at"))
                continue
        try:
            rows.append(EntryIn(kind=kind, value=value, source=(row.get("source") or "").strip() or default_source,
                                expires_at=expires, note=(row.get("note") or "").strip() or None))
        except ValidationError as exc:
            errors.append(RowError(n, None, "字段过长或格式不正确", str(exc.errors()[0]["msg"])))
    return rows, errors
