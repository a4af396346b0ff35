"""Targeting reads the county's signals once (per area and profile) and sums them for any area:
the sums equal what a direct per-area query reads, and the result is cached and warmed."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from fanzha.core import cache, clock
from fanzha.core.db import Database
from fanzha.core.rbac import Principal
from fanzha.core.scope import Scope
from fanzha.core.settings import get_settings
from fanzha.outreach import planning, sources
from fanzha.warning import ingest
from tests.factories import make_person, make_world
from tests.warning.helpers import signal


def _key(s: sources.VictimSignal) -> tuple[object, ...]:
    return (s.source, s.age_band, s.occupation, s.fraud_type, s.defrauded)


def _tally(signals: list[sources.VictimSignal]) -> Counter[tuple[object, ...]]:
    out: Counter[tuple[object, ...]] = Counter()
    for s in signals:
        out[_key(s)] += s.count
    return out


def _seed(database: Database) -> None:
    make_world(database)
    with database.session() as s:
        people = [make_person(s, area_code="G111"), make_person(s, area_code="G111", age=30, occupation="学生"),
                  make_person(s, area_code="G211", age=45, occupation="个体")]
        ingest.ingest(s, [signal(person_id=p.id, type_code=t, occurred_at=clock.now() - timedelta(hours=h))
                          for h, (p, t) in enumerate([(people[0], "F05"), (people[1], "F01"), (people[2], "F05"),
                                                      (people[2], "F02")], start=1)],
                      actor=Principal.system("t"))


@pytest.mark.parametrize("path", ["/C/", "/C/T1/", "/C/T1/V11/G111/", "/C/T2/"])
def test_area_sums_equal_a_direct_query_of_the_area(database: Database, path: str) -> None:
    _seed(database)
    since = clock.now().date() - timedelta(days=planning.HISTORY_DAYS)
    with database.session() as s:
        summed = planning._local_signals(s, "/C/", since, path)
        direct = sources.recent_signals(s, scope=Scope(path), since=since, by=frozenset({sources.PROFILE}))
    assert _tally(summed) == _tally(direct) and sum(x.count for x in direct) > 0


def test_warm_up_fills_the_cache_that_requests_read(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(database)
    monkeypatch.setattr(get_settings(), "aggregate_cache_seconds", 300)
    cache.clear()
    try:
        assert planning.warm_once() == 1
        calls: list[object] = []
        real = sources.recent_signals
        monkeypatch.setattr(sources, "recent_signals", lambda *a, **k: calls.append(k) or real(*a, **k))
        with database.session() as s:
            recs = planning.recommendations(s, actor=Principal.system("t"), area_code="T1")
        assert recs and calls == []  # answered from the warmed cache, no query over the half year
    finally:
        cache.clear()
