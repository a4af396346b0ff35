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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core.rbac import Permission, Principal
from fanzha.people.models import Person


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
    base = select(func.count()).select_from(Person).where(user.scope.clause(Person.area_path))
    total = session.scalar(base) or 0
    installed = session.scalar(base.where(Person.app_installed.is_(True))) or 0
    share = f"{installed / total:.1%}" if total else "无数据"
    return Section("辖区人员", [("登记人员", f"{total:,}"), ("国家反诈App装机", f"{installed:,}"), ("装机率", share)],
                   link="/people")


SECTION_PROVIDERS: list[str] = [
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
