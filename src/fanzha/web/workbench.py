"""What each role's workbench shows. Domains add a section provider when they land:
a callable (session, user) -> Section | None, listed in SECTION_PROVIDERS.

A provider returns None when the section means nothing to that user's role. Sections with
`todo=True` ("needs my action now") are shown first, most urgent first; the rest follow as
the area overview. A row cell may be a plain string, a `Link`, or a `Due` (an SLA deadline,
rendered as a live countdown that turns amber when close and red when overdue)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fanzha.core import cache
from fanzha.core.rbac import Permission, Principal, Role
from fanzha.people.models import Person
from fanzha.web.nav import NavItem, visible


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Due:
    at: datetime | None


Cell = str | Link | Due


@dataclass
class Section:
    title: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, Cell]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    link: str | None = None
    todo: bool = False  # things waiting for this user's action, shown on top
    urgency: int = 50  # lower first among todo sections (e.g. 10 = overdue 高 warnings)
    empty: str = "暂无待办"  # shown when a todo section has no rows


def people_section(session: Session, user: Principal) -> Section | None:
    if not user.can(Permission.PERSON_READ):
        return None
    def counts() -> tuple[int, int]:
        installed_ = func.sum(case((Person.app_installed.is_(True), 1), else_=0))
        row = session.execute(select(func.count(), installed_).where(user.scope.clause(Person.area_path))).one()
        return int(row[0] or 0), int(row[1] or 0)

    total, installed = cache.cached(session, ("workbench.people", user.scope.path), counts)
    share = f"{installed / total:.1%}" if total else "无数据"
    return Section("辖区人员", [("登记人员", f"{total:,}"), ("国家反诈App装机", f"{installed:,}"), ("装机率", share)],
                   link="/people")


# The few pages each role opens first, shown as buttons on top of the workbench (only those in the nav
# for this user, so a page that does not exist yet never shows a dead button).
QUICK_ACTIONS: dict[Role, list[str]] = {
    Role.CENTER_ANALYST: ["/warnings", "/warnings/supervise", "/cases/new", "/risklists/tips", "/stats/dashboard"],
    Role.STATION_OFFICER: ["/warnings", "/cases/new", "/risk/freezes", "/check"],
    Role.GRID_WORKER: ["/warnings", "/outreach/plan", "/people", "/check"],
    Role.BANK_STAFF: ["/risk/counter", "/risk/transactions", "/risk/freezes"],
    Role.LEADER: ["/stats/dashboard", "/warnings/supervise", "/cases/gangs", "/outreach/effect"],
    Role.ADMIN: ["/admin/users", "/admin/areas", "/risk/rules", "/admin/audit"],
    Role.AUDITOR: ["/admin/audit"],
}


def quick_actions(user: Principal) -> list[NavItem]:
    by_href = {item.href: item for items in visible(user).values() for item in items}
    return [by_href[h] for h in QUICK_ACTIONS.get(user.role, []) if h in by_href]


SECTION_PROVIDERS: list[str] = [
    "fanzha.warning.views:workbench_section",
    "fanzha.web.workbench:people_section",
    "fanzha.cases.views:workbench_section",
    "fanzha.risklists.views:tips_section",
    "fanzha.outreach.views:visit_plan_section",
    "fanzha.outreach.views:coverage_section",
    "fanzha.risk.views:workbench_section",
]


def sections(session: Session, user: Principal) -> list[Section]:
    out = []
    for spec in SECTION_PROVIDERS:
        module, attr = spec.split(":")
        provider: Callable[[Session, Principal], Section | None] = getattr(importlib.import_module(module), attr)
        section = provider(session, user)
        if section is not None:
            out.append(section)
    return sorted(out, key=lambda s: (not s.todo, s.urgency if s.todo else 0))
