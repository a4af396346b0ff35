"""Gangs are found once per graph version and jurisdiction: the page reads the stored result until a
case gains an entity, and the warm-up job finds them for every case reader's jurisdiction."""

from __future__ import annotations

import pytest

from fanzha.cases import gangs
from fanzha.core import cache
from fanzha.core.settings import get_settings
from tests.cases.helpers import card, make_case
from tests.factories import SYSTEM, make_tree


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(get_settings(), "aggregate_cache_seconds", 300)
    cache.clear()
    yield
    cache.clear()


def test_gangs_are_reused_until_the_graph_changes(session, cache_on, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    first = [make_case(session, accounts=[card(1)]) for _ in range(2)]
    found = gangs.find(session, actor=SYSTEM)
    assert [g.case_ids for g in found] == [sorted(c.id for c in first)]
    calls: list[int] = []
    real = gangs._find_now
    monkeypatch.setattr(gangs, "_find_now", lambda s, a: calls.append(1) or real(s, a))
    assert gangs.find(session, actor=SYSTEM) is found and calls == []  # stored result, no linking
    third = make_case(session, accounts=[card(1)])
    assert [g.case_ids for g in gangs.find(session, actor=SYSTEM)] == [sorted([*(c.id for c in first), third.id])]
    assert calls == [1]


def test_summaries_read_current_losses_from_the_cases(session, cache_on) -> None:  # type: ignore[no-untyped-def]
    make_tree(session)
    cases = [make_case(session, accounts=[card(2)], loss_fen=100_000) for _ in range(2)]
    assert gangs.ranked(session, actor=SYSTEM)[0].loss_fen == 200_000
    cases[0].loss_fen = 500_000
    session.flush()
    assert gangs.ranked(session, actor=SYSTEM)[0].loss_fen == 600_000


def test_warm_up_finds_gangs_for_every_case_reader_jurisdiction(database, cache_on, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_world

    world = make_world(database)
    with database.session() as s:
        [make_case(s, accounts=[card(3)]) for _ in range(2)]
    # the county (admin, analyst, leader) and the two towns (officers); grid workers and tellers read no cases
    assert gangs.warm_once() == 3
    monkeypatch.setattr(gangs, "_find_now", lambda s, a: pytest.fail("the page request found gangs itself"))
    with database.session() as s:
        from fanzha.users import service as users

        analyst = users.principal_of(users.get_by_username(s, username=world.users["analyst"].username))
        assert len(gangs.find(s, actor=analyst)) == 1
