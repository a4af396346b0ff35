"""涉诈 risk lists: a pure in-memory lookup the engine consults, plus a CSV parser with row errors.

Persistence (table, import UI, API) belongs to the core layer later; it feeds entries through
``RiskList.extend``. Values are canonicalized on the way in and on lookup, so "+86 138-1234-5678"
and "13812345678" are the same phone, and a listed domain also covers its sub-domains.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from fanzha.detect.lookalike import host_of
from fanzha.detect.schemas import Entity, EntityKind


class RiskKind(StrEnum):
    PHONE = "phone"
    URL = "url"  # stored as its host; matches the host and its sub-domains
    ACCOUNT = "account"  # bank card / account number
    QQ = "qq"
    WECHAT = "wechat"


_KIND_ALIASES = {
    "phone": RiskKind.PHONE, "号码": RiskKind.PHONE, "电话": RiskKind.PHONE, "url": RiskKind.URL,
    "domain": RiskKind.URL, "网址": RiskKind.URL, "域名": RiskKind.URL, "account": RiskKind.ACCOUNT,
    "账户": RiskKind.ACCOUNT, "银行卡": RiskKind.ACCOUNT, "qq": RiskKind.QQ, "wechat": RiskKind.WECHAT,
    "微信": RiskKind.WECHAT,
}  # fmt: skip
ENTITY_RISK_KIND: dict[EntityKind, RiskKind] = {
    EntityKind.MOBILE: RiskKind.PHONE, EntityKind.LANDLINE: RiskKind.PHONE,
    EntityKind.SERVICE_NUMBER: RiskKind.PHONE, EntityKind.URL: RiskKind.URL,
    EntityKind.BANK_CARD: RiskKind.ACCOUNT, EntityKind.QQ: RiskKind.QQ, EntityKind.WECHAT: RiskKind.WECHAT,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RiskEntry:
    kind: RiskKind
    value: str
    source: str = ""
    expires_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # 1-based line in the CSV text, header is line 1
    field: str
    message: str  # Chinese, shown to the importer


def canonical(kind: RiskKind, value: str) -> str:
    value = value.strip().lower()
    if kind is RiskKind.PHONE:
        digits = "".join(c for c in value if c.isdigit())
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        elif len(digits) == 15 and digits.startswith("0086"):
            digits = digits[4:]
        return digits
    if kind is RiskKind.ACCOUNT:
        return "".join(c for c in value if c.isdigit())
    if kind is RiskKind.URL:
        host = host_of(value)
        return host[4:] if host.startswith("www.") else host
    return value


class RiskList:
    def __init__(self, entries: Iterable[RiskEntry] = ()) -> None:
        self._entries: dict[tuple[RiskKind, str], RiskEntry] = {}
        self.extend(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def extend(self, entries: Iterable[RiskEntry]) -> None:
        for e in entries:
            value = canonical(e.kind, e.value)
            if value:
                self._entries[(e.kind, value)] = RiskEntry(e.kind, value, e.source, e.expires_at)

    def remove(self, kind: RiskKind, value: str) -> None:
        self._entries.pop((kind, canonical(kind, value)), None)

    def lookup(self, kind: RiskKind, value: str, now: datetime | None = None) -> RiskEntry | None:
        now = now or datetime.now(UTC)
        value = canonical(kind, value)
        candidates = [value]
        if kind is RiskKind.URL:  # a.b.evil.top is covered by a listed evil.top
            parts = value.split(".")
            candidates += [".".join(parts[i:]) for i in range(1, len(parts) - 1)]
        for v in candidates:
            entry = self._entries.get((kind, v))
            if entry is not None and entry.active(now):
                return entry
        return None

    def lookup_entity(self, entity: Entity, now: datetime | None = None) -> RiskEntry | None:
        kind = ENTITY_RISK_KIND.get(entity.kind)
        return None if kind is None else self.lookup(kind, entity.value, now)


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_risk_csv(text: str) -> tuple[list[RiskEntry], list[RowError]]:
    """CSV with header kind,value[,source][,expires_at]; bad rows become RowErrors, good rows entries."""
    entries: list[RiskEntry] = []
    errors: list[RowError] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "kind" not in header or "value" not in header:
        return [], [RowError(1, "header", "表头必须包含 kind 和 value 两列")]
    reader.fieldnames = header
    for row in reader:
        line = reader.line_num
        kind_text = (row.get("kind") or "").strip().lower()
        value = (row.get("value") or "").strip()
        kind = _KIND_ALIASES.get(kind_text)
        if kind is None:
            errors.append(RowError(line, "kind", f"未知类型“{kind_text}”，应为 phone/url/account/qq/wechat"))
            continue
        if not value:
            errors.append(RowError(line, "value", "值不能为空"))
            continue
        problem = _value_problem(kind, canonical(kind, value))
        if problem:
            errors.append(RowError(line, "value", problem))
            continue
        expires: datetime | None = None
        if raw := (row.get("expires_at") or "").strip():
            try:
                expires = _parse_time(raw)
            except ValueError:
                errors.append(RowError(line, "expires_at", f"过期时间“{raw}”不是 ISO 8601 格式"))
                continue
        entries.append(RiskEntry(kind, value, (row.get("source") or "").strip(), expires))
    return entries, errors


def _value_problem(kind: RiskKind, value: str) -> str | None:
    if kind is RiskKind.PHONE and not 5 <= len(value) <= 12:
        return "号码位数不对"
    if kind is RiskKind.ACCOUNT and not 10 <= len(value) <= 25:
        return "账户号码位数不对"
    if kind is RiskKind.URL and "." not in value:
        return "不是有效的网址或域名"
    if kind is RiskKind.QQ and not (value.isdigit() and 5 <= len(value) <= 11):
        return "QQ号应为5到11位数字"
    if kind is RiskKind.WECHAT and not 5 <= len(value) <= 20:
        return "微信号长度应为6到20位"
    return None
