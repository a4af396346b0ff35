"""The simulator's cases: gangs behind them are recovered, and the demo seed writes them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from fanzha.cases import gangs
from fanzha.cases.models import Case, CaseLink, MoneyFlow
from fanzha.cases.simulate import build_cases, gang_recovery, seed
from fanzha.sim.county import build_county
from fanzha.sim.runner import SimContext
from fanzha.sim.seed import seed_county
from tests.factories import SYSTEM


def _ctx(days: int, residents: int = 3000) -> SimContext:
    return SimContext(seed=11, county=build_county(11, residents=residents, towns=3, villages=6),
                      start=date(2026, 1, 1), days=days)


def test_gangs_are_recovered_from_simulated_cases_with_pairwise_precision_and_recall_above_0_9() -> None:
    report = gang_recovery(_ctx(days=60))
    scores = report["gang_recovery"]
    assert report["cases_simulated"] > 200
    assert scores["pairwise_precision"] >= 0.9 and scores["pairwise_recall"] >= 0.9
    # the rented mule accounts glue rings together: components alone lose precision
    assert report["gang_recovery_components_only"]["pairwise_precision"] < scores["pairwise_precision"]


def test_only_attempts_that_lost_money_become_cases_with_ring_infrastructure() -> None:
    ctx = _ctx(days=10)
    cases = build_cases(ctx)
    losers = [a for a in ctx.attempts if a.would_lose_fen > 0]
    assert len(cases) == len(losers)
    rings = {r.id: r for r in ctx.rings}
    for c in cases:
        assert sum(amount for _, amount in c.transfers) <= c.loss_fen
        assert any(acct in rings[c.ring_id].accounts for acct, _ in c.transfers)


def test_demo_seed_writes_cases_flows_links_and_gangs(session) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx(days=8, residents=1500)
    seed_county(session, ctx.county, with_users=False)
    seed(session, ctx)
    n_cases = session.scalar(select(func.count()).select_from(Case)) or 0
    assert n_cases == len(build_cases(ctx)) > 15
    assert session.scalar(select(func.count()).select_from(MoneyFlow).where(MoneyFlow.source == "statement"))
    assert session.scalar(select(func.count()).select_from(CaseLink))
    assert gangs.ranked(session, actor=SYSTEM)
