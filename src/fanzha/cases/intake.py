"""The rules of taking a report (pure): which 案情要素 become graph entities in which role, when a
new report is the same case reported again, and how a case's status may move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fanzha.cases.entities import EntityKind, EntityValue, parse
from fanzha.cases.models import CaseStatus
from fanzha.cases.schemas import CaseCreate

# Form field → (entity kind, role shown on the case sheet).
FIELD_ROLES: dict[str, tuple[EntityKind, str]] = {
    "phones": (EntityKind.PHONE, "涉案号码"), "accounts": (EntityKind.ACCOUNT, "收款账户"),
    "urls": (EntityKind.URL, "涉案网址"), "apps": (EntityKind.APP, "涉案App"), "qq_ids": (EntityKind.QQ, "QQ号"),
    "wechat_ids": (EntityKind.WECHAT, "微信号"), "ips": (EntityKind.IP, "IP地址"),
    "devices": (EntityKind.DEVICE, "设备号"),
}  # fmt: skip
ROLE_BY_KIND = {kind: role for kind, role in FIELD_ROLES.values()}

# 接报 → 立案 → 侦查 → 破案/移诉; 破案 can still be handed to the procuratorate; a report that is not
# a crime is closed as 不予立案.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.RECEIVED: frozenset({CaseStatus.FILED, CaseStatus.DECLINED}),
    CaseStatus.FILED: frozenset({CaseStatus.INVESTIGATING}),
    CaseStatus.INVESTIGATING: frozenset({CaseStatus.SOLVED, CaseStatus.PROSECUTED}),
    CaseStatus.SOLVED: frozenset({CaseStatus.PROSECUTED}),
    CaseStatus.PROSECUTED: frozenset(),
    CaseStatus.DECLINED: frozenset(),
}
CLOSED = frozenset({CaseStatus.SOLVED, CaseStatus.PROSECUTED, CaseStatus.DECLINED})
# A victim who reports again within this window about overlapping accounts/numbers is the same case.
DUPLICATE_WINDOW = timedelta(days=30)


def can_move(from_: CaseStatus, to: CaseStatus) -> bool:
    return to in TRANSITIONS[from_]


@dataclass(frozen=True, slots=True)
class Element:
    value: EntityValue
    role: str


def elements(data: CaseCreate) -> list[Element]:
    """Every entity the report names: structured fields first, then transfer payees; malformed
    values are kept with their flag. Duplicates (same kind and key) collapse to the first role."""
    out: list[Element] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: EntityKind, raw: str, role: str) -> None:
        if not raw.strip():
            return
        value = parse(kind, raw)
        if (kind, value.key) not in seen:
            seen.add((kind, value.key))
            out.append(Element(value, role))

    for field, (kind, role) in FIELD_ROLES.items():
        for raw in getattr(data, field):
            add(kind, raw, role)
    for t in data.transfers:
        add(EntityKind.ACCOUNT, t.payee_account, "收款账户")
    return out


@dataclass(frozen=True, slots=True)
class PriorReport:
    """What duplicate detection needs to know about an existing case."""

    case_id: int
    reported_at: datetime
    occurred_at: datetime | None
    loss_fen: int
    entity_keys: frozenset[tuple[str, str]]


def is_duplicate(prior: PriorReport, *, reported_at: datetime, occurred_at: datetime | None, loss_fen: int,
                 entity_keys: frozenset[tuple[str, str]]) -> bool:
    """Same victim (the caller matched on victim) plus: shares a payee account, number or site, or
    the same loss on the same day. A victim defrauded twice by unrelated gangs stays two cases."""
    if abs(reported_at - prior.reported_at) > DUPLICATE_WINDOW:
        return False
    strong = {k for k in entity_keys if k[0] != EntityKind.APP}
    if strong & prior.entity_keys:
        return True
    same_day = (occurred_at is not None and prior.occurred_at is not None
                and occurred_at.date() == prior.occurred_at.date())
    return same_day and loss_fen > 0 and loss_fen == prior.loss_fen
