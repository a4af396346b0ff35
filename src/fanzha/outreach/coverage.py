"""App coverage (装机率/注册率) per grid or village, ranked lowest first, with the gap to target."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.areas.models import Area, AreaLevel
from fanzha.core import cache
from fanzha.core.rbac import Permission, Principal
from fanzha.outreach.models import Visit
from fanzha.outreach.schemas import CoverageRow
from fanzha.people.models import Person

# Provincial work plans commonly ask for 装机率 ≥ 60% of residents; configurable per call.
DEFAULT_TARGET_RATE = 0.6


@dataclass
class Tally:
    residents: int = 0
    installed: int = 0
    registered: int = 0
    visits_with_install: int = 0

    def add(self, other: Tally) -> None:
        self.residents += other.residents
        self.installed += other.installed
        self.registered += other.registered
        self.visits_with_install += other.visits_with_install


def rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def gap_to_target(tally: Tally, target_rate: float) -> int:
    """How many more residents must install the App for the area to reach the target rate."""
    return max(0, math.ceil(target_rate * tally.residents - 1e-9) - tally.installed)


def rank(tallies: dict[str, Tally], *, target_rate: float) -> list[tuple[str, Tally, int]]:
    """Lowest install rate first; among equals the bigger gap first. Empty areas are left out."""
    rows = [(code, t, gap_to_target(t, target_rate)) for code, t in tallies.items() if t.residents]
    return sorted(rows, key=lambda r: (rate(r[1].installed, r[1].residents), -r[2], r[0]))


def grid_tallies(session: Session, *, actor: Principal, under_path: str) -> dict[str, Tally]:
    key = ("outreach.grid_tallies", actor.scope.path, under_path)
    return cache.cached(session, key, lambda: _grid_tallies_now(session, actor=actor, under_path=under_path))


def _grid_tallies_now(session: Session, *, actor: Principal, under_path: str) -> dict[str, Tally]:
    installed = func.sum(case((Person.app_installed.is_(True), 1), else_=0))
    registered = func.sum(case((Person.app_registered.is_(True), 1), else_=0))
    rows = session.execute(
        select(Person.area_code, func.count(), installed, registered)
        .where(actor.scope.clause(Person.area_path), Person.area_path.startswith(under_path, autoescape=True))
        .group_by(Person.area_code))
    out = {code: Tally(int(n), int(i or 0), int(r or 0)) for code, n, i, r in rows}
    visits = session.execute(
        select(Visit.area_code, func.count())
        .where(actor.scope.clause(Visit.area_path), Visit.area_path.startswith(under_path, autoescape=True),
               Visit.app_installed_on_visit.is_(True))
        .group_by(Visit.area_code))
    for code, n in visits:
        out.setdefault(code, Tally()).visits_with_install = int(n)
    return out


def coverage(session: Session, *, actor: Principal, level: AreaLevel = AreaLevel.GRID, under: str | None = None,
             target_rate: float = DEFAULT_TARGET_RATE) -> list[CoverageRow]:
    """Coverage of every grid (or village) under `under` (default: the caller's jurisdiction)."""
    actor.require(Permission.OUTREACH_READ)
    root_path = areas.get(session, code=under, scope=actor.scope).path if under else (actor.scope.path or "/")
    grids = grid_tallies(session, actor=actor, under_path=root_path)
    area_rows = {a.code: a for a in session.scalars(
        select(Area).where(actor.scope.clause(Area.path), Area.path.startswith(root_path, autoescape=True),
                           Area.level.in_((AreaLevel.GRID, AreaLevel.VILLAGE))))}
    if level == AreaLevel.VILLAGE:
        tallies: dict[str, Tally] = {}
        for code, t in grids.items():
            parent = area_rows[code].parent_code if code in area_rows else None
            if parent:
                tallies.setdefault(parent, Tally()).add(t)
    else:
        tallies = grids
    return [CoverageRow(area_code=code, area_name=area_rows[code].name if code in area_rows else code,
                        level=str(level), residents=t.residents, installed=t.installed, registered=t.registered,
                        install_rate=round(rate(t.installed, t.residents), 4),
                        register_rate=round(rate(t.registered, t.residents), 4), gap_to_target=gap,
                        visits_with_install=t.visits_with_install)
            for code, t, gap in rank(tallies, target_rate=target_rate)]


def totals(rows: list[CoverageRow]) -> Tally:
    out = Tally()
    for r in rows:
        out.add(Tally(r.residents, r.installed, r.registered, r.visits_with_install))
    return out
