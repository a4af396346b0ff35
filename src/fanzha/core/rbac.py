"""Roles (DESIGN §1) and what each may do. Services check permissions; scopes limit rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fanzha.core.errors import Forbidden
from fanzha.core.scope import Scope


class Role(StrEnum):
    CENTER_ANALYST = "center_analyst"
    STATION_OFFICER = "station_officer"
    GRID_WORKER = "grid_worker"
    BANK_STAFF = "bank_staff"
    LEADER = "leader"
    CITIZEN = "citizen"
    ADMIN = "admin"
    AUDITOR = "auditor"


ROLE_NAMES_ZH = {
    Role.CENTER_ANALYST: "研判员",
    Role.STATION_OFFICER: "民警",
    Role.GRID_WORKER: "网格员",
    Role.BANK_STAFF: "银行柜员",
    Role.LEADER: "领导",
    Role.CITIZEN: "群众",
    Role.ADMIN: "系统管理员",
    Role.AUDITOR: "审计员",
}


class Permission(StrEnum):
    AREA_READ = "area.read"
    AREA_WRITE = "area.write"
    USER_READ = "user.read"
    USER_WRITE = "user.write"
    AUDIT_READ = "audit.read"
    PII_UNMASK = "pii.unmask"
    PERSON_READ = "person.read"
    PERSON_WRITE = "person.write"
    DETECT_USE = "detect.use"
    RISKLIST_READ = "risklist.read"
    RISKLIST_WRITE = "risklist.write"
    WARNING_READ = "warning.read"
    WARNING_INGEST = "warning.ingest"
    WARNING_HANDLE = "warning.handle"
    WARNING_DISPATCH = "warning.dispatch"
    WARNING_SUPERVISE = "warning.supervise"  # 带班督导: 督办 an instruction (DESIGN §1, leader)
    RULES_WRITE = "rules.write"
    RISK_SCORE = "risk.score"
    RISK_DECIDE = "risk.decide"
    FREEZE_WRITE = "freeze.write"
    FREEZE_READ = "freeze.read"
    CASE_READ = "case.read"
    CASE_WRITE = "case.write"
    TIP_REVIEW = "tip.review"
    OUTREACH_READ = "outreach.read"
    OUTREACH_WRITE = "outreach.write"
    STATS_READ = "stats.read"
    REPORT_GENERATE = "report.generate"


P = Permission
_READ_ALL_OPERATIONAL = {P.AREA_READ, P.PERSON_READ, P.WARNING_READ, P.CASE_READ, P.FREEZE_READ,
                         P.OUTREACH_READ, P.STATS_READ, P.RISKLIST_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CENTER_ANALYST: frozenset(_READ_ALL_OPERATIONAL | {
        P.PII_UNMASK, P.PERSON_WRITE, P.DETECT_USE, P.RISKLIST_WRITE, P.WARNING_INGEST, P.WARNING_HANDLE,
        P.WARNING_DISPATCH, P.RISK_SCORE, P.FREEZE_WRITE, P.CASE_WRITE, P.TIP_REVIEW, P.OUTREACH_WRITE,
        P.REPORT_GENERATE, P.USER_READ,
    }),
    Role.STATION_OFFICER: frozenset(_READ_ALL_OPERATIONAL | {
        P.PII_UNMASK, P.PERSON_WRITE, P.DETECT_USE, P.WARNING_HANDLE, P.FREEZE_WRITE, P.CASE_WRITE,
        P.TIP_REVIEW, P.OUTREACH_WRITE, P.REPORT_GENERATE,
    }),
    Role.GRID_WORKER: frozenset({
        P.AREA_READ, P.PERSON_READ, P.PERSON_WRITE, P.PII_UNMASK, P.DETECT_USE, P.WARNING_READ,
        P.WARNING_HANDLE, P.OUTREACH_READ, P.OUTREACH_WRITE,
    }),
    Role.BANK_STAFF: frozenset({P.AREA_READ, P.DETECT_USE, P.RISK_SCORE, P.RISK_DECIDE, P.FREEZE_READ,
                                P.FREEZE_WRITE, P.RISKLIST_READ}),
    Role.LEADER: frozenset(_READ_ALL_OPERATIONAL | {P.REPORT_GENERATE, P.USER_READ, P.DETECT_USE,
                                                    P.WARNING_SUPERVISE}),
    Role.CITIZEN: frozenset({P.DETECT_USE}),
    Role.ADMIN: frozenset(_READ_ALL_OPERATIONAL | {
        P.AREA_WRITE, P.USER_READ, P.USER_WRITE, P.RULES_WRITE, P.RISKLIST_WRITE, P.DETECT_USE,
        P.REPORT_GENERATE, P.AUDIT_READ,
    }),
    Role.AUDITOR: frozenset({P.AUDIT_READ, P.AREA_READ, P.USER_READ, P.STATS_READ}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a logged-in user, a worker, or the system itself (CLI, simulator)."""

    username: str
    role: Role
    area_code: str | None
    area_path: str | None
    user_id: int | None = None
    ip: str | None = None
    permissions: frozenset[Permission] = field(default=frozenset())

    @classmethod
    def for_user(cls, *, user_id: int, username: str, role: Role, area_code: str, area_path: str,
                 ip: str | None = None) -> Principal:
        return cls(username=username, role=role, area_code=area_code, area_path=area_path,
                   user_id=user_id, ip=ip, permissions=ROLE_PERMISSIONS[role])

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        return cls(username=name, role=Role.ADMIN, area_code=None, area_path=None,
                   permissions=frozenset(Permission))

    @property
    def scope(self) -> Scope:
        return Scope(path=self.area_path)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise Forbidden(
                f"当前角色（{ROLE_NAMES_ZH.get(self.role, self.role)}）无权执行此操作",
                f"role {self.role} lacks permission {permission}",
            )
