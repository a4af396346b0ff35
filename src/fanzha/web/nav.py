"""Left navigation: one entry per page that exists, shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass

from fanzha.core.rbac import Permission, Principal


@dataclass(frozen=True)
class NavItem:
    title: str
    href: str
    permission: Permission | None = None
    group: str = "工作"


NAV: list[NavItem] = [
    NavItem("工作台", "/"),
    NavItem("人员信息", "/people", Permission.PERSON_READ, "基础数据"),
    NavItem("辖区管理", "/admin/areas", Permission.AREA_READ, "系统管理"),
    NavItem("用户管理", "/admin/users", Permission.USER_WRITE, "系统管理"),
    NavItem("审计日志", "/admin/audit", Permission.AUDIT_READ, "系统管理"),
]


def visible(user: Principal) -> dict[str, list[NavItem]]:
    groups: dict[str, list[NavItem]] = {}
    for item in NAV:
        if item.permission is None or user.can(item.permission):
            groups.setdefault(item.group, []).append(item)
    return groups
