"""`fanzha simulate` and `fanzha demo`: build the county, run its days, report figures."""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core import migrate
from fanzha.core.db import get_database
from fanzha.sim.county import County, build_county
from fanzha.sim.fraud import Attempt, build_rings, day_attempts, summarize
from fanzha.sim.seed import DEMO_PASSWORD, seed_county

# Domains extend the simulation: "module:function(ctx) -> dict" adds figures to the report,
# and "module:function(session, ctx)" writes the domain's simulated history for the demo.
REPORT_EXTENSIONS: list[str] = [
    "fanzha.warning.simulate:report",
    "fanzha.cases.simulate:gang_recovery",
    "fanzha.outreach.simulate:report",
    "fanzha.risk.simulate:report",
]
SEED_EXTENSIONS: list[str] = [
    "fanzha.warning.simulate:seed",
    "fanzha.cases.simulate:seed",
    "fanzha.outreach.simulate:seed_history",
    "fanzha.risk.simulate:seed",
]


class SimContext:
    def __init__(self, *, seed: int, county: County, start: date, days: int) -> None:
        self.seed, self.county, self.start, self.days = seed, county, start, days
        self.rng = random.Random(seed * 7919 + 1)
        self.rings = build_rings(random.Random(seed * 31 + 7))
        self._attempts: list[Attempt] | None = None

    @property
    def attempts(self) -> list[Attempt]:
        if self._attempts is None:
            rng = random.Random(self.seed * 104729 + 3)
            out: list[Attempt] = []
            for d in range(self.days):
                out.extend(day_attempts(rng, self.county, self.rings, self.start + timedelta(days=d)))
            self._attempts = out
        return self._attempts


def _call(spec: str) -> Callable[..., Any]:
    module, attr = spec.split(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    return fn


def simulate(*, seed: int, days: int, residents: int, start: str) -> dict[str, Any]:
    county = build_county(seed, residents=residents)
    ctx = SimContext(seed=seed, county=county, start=date.fromisoformat(start), days=days)
    s = summarize(ctx.attempts, days)
    report: dict[str, Any] = {
        "seed": seed, "days": days, "residents": len(county.residents),
        "towns": len(county.towns), "villages": sum(1 for a in county.areas if a.level == "village"),
        "grids": len(county.grids),
        "app_install_rate": round(sum(r.app_installed for r in county.residents) / max(len(county.residents), 1), 3),
        "warning_worthy_per_day": round(s.per_day, 1),
        "would_be_defrauded_without_dissuasion": s.would_lose,
        "would_be_lost_yuan": s.would_lose_fen // 100,
        "avg_loss_yuan": (s.would_lose_fen // 100 // s.would_lose) if s.would_lose else 0,
        "loss_by_type_yuan": {k: v[1] // 100 for k, v in sorted(s.by_type.items(), key=lambda kv: -kv[1][1])},
    }
    for spec in REPORT_EXTENSIONS:
        report.update(_call(spec)(ctx))
    return report


def _is_seeded(session: Session) -> bool:
    from fanzha.areas.models import Area

    return (session.scalar(select(func.count()).select_from(Area)) or 0) > 0


def seed_demo(*, seed: int, residents: int, days: int, start: date | None = None) -> list[tuple[str, str, str]]:
    """Migrate, and seed a county unless the database already holds one. Returns demo logins."""
    from fanzha.core.rbac import ROLE_NAMES_ZH
    from fanzha.sim.seed import demo_logins

    database = get_database()
    migrate.upgrade(database.engine)
    county = build_county(seed, residents=residents)
    begin = start or (date.today() - timedelta(days=days))
    with database.session() as session:
        if _is_seeded(session):
            logins = demo_logins(county)
        else:
            print(f"正在生成模拟县（{residents:,} 人，{days} 天历史）…", flush=True)
            logins = seed_county(session, county)
            ctx = SimContext(seed=seed, county=county, start=begin, days=days)
            for spec in SEED_EXTENSIONS:
                _call(spec)(session, ctx)
    return [(lg.username, f"{ROLE_NAMES_ZH[lg.role]} · {lg.display_name}", DEMO_PASSWORD) for lg in logins]
