"""What each role's workbench shows. Domains add a section provider when they land:
a callable (session, user) -> Section | None, listed in SECTION_PROVIDERS."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core.rbac import Permission, Principal
from fanzha.people.models import Person


@dataclass
class Section:
    title: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    link: str | None = None


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
]


def sections(session: Session, user: Principal) -> list[Section]:
    out = []
    for spec in SECTION_PROVIDERS:
        module, attr = spec.split(":")
        provider: Callable[[Session, Principal], Section | None] = getattr(importlib.import_module(module), attr)
        section = provider(session, user)
        if section is not None:
            out.append(section)
    return out
