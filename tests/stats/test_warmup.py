from datetime import UTC, datetime

from fanzha.core.clock import FrozenClock, set_clock
from fanzha.core.db import Database
from fanzha.stats import cache
from fanzha.stats.periods import Period
from fanzha.stats.warmup import warm_once
from tests.factories import make_tree
from tests.stats.builders import add_warning


def test_warmup_caches_the_current_month_for_the_county_and_each_town(database: Database) -> None:
    cache.clear()
    set_clock(FrozenClock(datetime(2026, 3, 20, 4, 0, tzinfo=UTC)))
    with database.session() as session:
        make_tree(session)
        add_warning(session, area="G111", day="2026-03-03")
    assert warm_once() == 3
    hit = cache.cached(("dashboard", "T1", "2026-03"), Period.parse("2026-03"), lambda: None)
    assert hit is not None and hit.indicators.figures


def test_warmup_stores_the_rollup_of_closed_months_but_not_the_open_one(database: Database) -> None:
    from sqlalchemy import select

    from fanzha.stats.models import StatsRollup

    cache.clear()
    set_clock(FrozenClock(datetime(2026, 3, 20, 4, 0, tzinfo=UTC)))
    with database.session() as session:
        make_tree(session)
        add_warning(session, area="G111", day="2026-02-10")
        add_warning(session, area="G111", day="2026-03-03")
    warm_once()
    with database.session() as session:
        months = set(session.scalars(select(StatsRollup.month).where(StatsRollup.source == "warnings")))
    assert months == {"2026-02"}
