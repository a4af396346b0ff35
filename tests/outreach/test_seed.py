"""The demo's outreach history: about 5,000 records a year, scaled to the simulated period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from fanzha.core.db import Database
from fanzha.outreach import simulate
from fanzha.outreach.models import Campaign, Visit
from fanzha.people.models import Person
from fanzha.sim.county import build_county
from fanzha.sim.runner import SimContext
from fanzha.sim.seed import seed_county


def test_demo_seed_writes_5000_records_a_year_scaled_to_the_period(database: Database) -> None:
    county = build_county(5, residents=2_000, towns=3, villages=12)
    with database.session() as s:
        seed_county(s, county, with_users=False)
        installed_before = s.scalar(select(func.count()).where(Person.app_installed.is_(True)))
        simulate.seed_history(s, SimContext(seed=5, county=county, start=date(2025, 1, 1), days=73))
    with database.session() as s:
        campaigns = s.scalar(select(func.count()).select_from(Campaign)) or 0
        visits = s.scalar(select(func.count()).select_from(Visit)) or 0
        installs = s.scalar(select(func.count()).select_from(Visit).where(Visit.app_installed_on_visit.is_(True)))
        installed_after = s.scalar(select(func.count()).where(Person.app_installed.is_(True)))
        kinds = set(s.scalars(select(Campaign.kind).distinct()))
    assert campaigns + visits == 1_000  # 73 days = a fifth of 5,000 a year
    assert 120 <= campaigns <= 180
    assert installs and installed_after == (installed_before or 0) + installs
    assert {"讲座", "入户走访", "校园", "短信"} <= kinds
