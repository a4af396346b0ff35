"""Entity keys: the normalized identity of a phone, account, URL, social id, App, IP or device.

Two reports that name "+86 170-1234-5678" and "17012345678" must meet on one graph node, so every
value is canonicalized before it is keyed. Phones, accounts and social ids are personal or
investigative numbers: their key is the keyed hash (`core.pii.blind_index`), the same hash the
bank and detection payloads carry, and only a masked copy is ever shown. A malformed value is
kept (keyed on its raw text, `valid=False`, with the reason) instead of being dropped: an officer
may have misheard one digit, and the next report may correct it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from fanzha.core.pii import PIIKind, blind_index, mask
from fanzha.detect.checksums import luhn_valid
from fanzha.detect.lookalike import host_of, registrable


class EntityKind(StrEnum):
    PHONE = "phone"
    ACCOUNT = "account"  # bank card / account number
    URL = "url"  # keyed on the registrable domain: sub-domains of one fraud site meet
    QQ = "qq"
    WECHAT = "wechat"
    APP = "app"
    IP = "ip"
    DEVICE = "device"  # IMEI / device fingerprint


KIND_NAMES_ZH = {
    EntityKind.PHONE: "电话号码", EntityKind.ACCOUNT: "银行账户", EntityKind.URL: "网址/域名",
    EntityKind.QQ: "QQ号", EntityKind.WECHAT: "微信号", EntityKind.APP: "App", EntityKind.IP: "IP地址",
    EntityKind.DEVICE: "设备号",
}  # fmt: skip


def kind_name(kind: str) -> str:
    """Chinese name of a kind given as plain text (unknown kinds show as they are)."""
    return str(KIND_NAMES_ZH.get(kind, kind))  # type: ignore[call-overload]


# Kinds whose value is personal/investigative: stored encrypted, keyed by hash, shown masked.
SECRET_KINDS = frozenset({EntityKind.PHONE, EntityKind.ACCOUNT, EntityKind.QQ, EntityKind.WECHAT,
                          EntityKind.DEVICE})

_IP_RE = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
_WECHAT_RE = re.compile(r"^(?:wxid_)?[a-z][-_a-z0-9]{5,19}$")


@dataclass(frozen=True, slots=True)
class EntityValue:
    kind: EntityKind
    key: str  # unique per kind: blind-index hash or canonical clear value
    canonical: str  # what is encrypted at rest (and fed to detection's RiskList)
    masked: str  # what people see
    valid: bool
    note: str | None = None  # why it is invalid, in Chinese


def canonical(kind: EntityKind, raw: str) -> str:
    value = raw.strip()
    if kind is EntityKind.PHONE:
        digits = re.sub(r"\D", "", value)
        if len(digits) == 13 and digits.startswith("86"):
            return digits[2:]
        if len(digits) == 15 and digits.startswith("0086"):
            return digits[4:]
        return digits
    if kind is EntityKind.ACCOUNT:
        return re.sub(r"\D", "", value)
    if kind is EntityKind.URL:
        host = host_of(value.lower())
        host = host[4:] if host.startswith("www.") else host
        return registrable(host)[0] if host and not _IP_RE.match(host) else host
    if kind in (EntityKind.QQ, EntityKind.IP):
        return re.sub(r"\s", "", value)
    if kind in (EntityKind.WECHAT, EntityKind.DEVICE):
        return value.lower().replace(" ", "")
    return value


def problem(kind: EntityKind, value: str) -> str | None:
    """Why a canonical value is malformed (Chinese), or None."""
    if not value:
        return "内容为空"
    if kind is EntityKind.PHONE:
        if value.startswith("1") and len(value) != 11:
            return "手机号应为11位"
        if not 5 <= len(value) <= 12:
            return "号码位数不对"
    if kind is EntityKind.ACCOUNT:
        if not 10 <= len(value) <= 25:
            return "账户号码位数不对（应为10到25位数字）"
        if 16 <= len(value) <= 19 and value[0] in "3456" and not luhn_valid(value):
            return "银行卡号校验位不符（可能记录有误）"
    if kind is EntityKind.URL and "." not in value:
        return "不是有效的网址或域名"
    if kind is EntityKind.QQ and not (value.isdigit() and 5 <= len(value) <= 11 and value[0] != "0"):
        return "QQ号应为5到11位数字"
    if kind is EntityKind.WECHAT and not _WECHAT_RE.match(value):
        return "微信号应为字母开头的6到20位字母、数字、下划线或减号"
    if kind is EntityKind.IP:
        m = _IP_RE.match(value)
        if m is None:
            return "IP地址格式不正确"
        if any(int(g) > 255 for g in m.groups()):
            return "IP地址数值超出范围"
    return None


def _mask_social(value: str) -> str:
    if len(value) <= 4:
        return value[:1] + "*" * (len(value) - 1)
    return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"


def masked(kind: EntityKind, value: str) -> str:
    if kind is EntityKind.PHONE:
        return mask(PIIKind.PHONE, value) or ""
    if kind is EntityKind.ACCOUNT:
        return mask(PIIKind.BANK_CARD, value) or ""
    if kind in SECRET_KINDS:
        return _mask_social(value)
    return value


def hash_key(kind: EntityKind, value: str) -> str:
    """The keyed hash the whole platform uses for this kind (phone/card hashes match core.pii's)."""
    if kind is EntityKind.PHONE:
        return blind_index(PIIKind.PHONE, value)
    if kind is EntityKind.ACCOUNT:
        return blind_index(PIIKind.BANK_CARD, value)
    # NAME normalization is strip-only; the kind prefix keeps namespaces apart.
    return blind_index(PIIKind.NAME, f"{kind}:{value}")


def parse(kind: EntityKind, raw: str) -> EntityValue:
    """Normalize, validate and key one value; malformed values keep their raw text."""
    value = canonical(kind, raw)
    why = problem(kind, value)
    if why is not None:
        value = raw.strip()  # keep what the officer typed; the flag tells the story
    if kind in SECRET_KINDS:
        key = hash_key(kind, value)
        shown = masked(kind, value) if why is None else _mask_social(value)
    else:
        key = value.lower() if kind is EntityKind.APP else value
        shown = value
    if why is not None:
        key = "raw:" + key  # a malformed value never collides with a valid one
    return EntityValue(kind=kind, key=key[:128], canonical=value, masked=shown[:64], valid=why is None, note=why)
