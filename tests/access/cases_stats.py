"""Statistics routes: read by whoever holds stats.read, for an area inside their jurisdiction."""

from __future__ import annotations

from tests.access.registry import Call, RouteCase, roles

STATS = roles("admin", "analyst", "leader", "auditor", "officer", "officer_other")


def area(code: str):  # type: ignore[no-untyped-def]
    return lambda world: Call(query={"area": code, "period": "2026-03"})


def breakdown_in(code: str):  # type: ignore[no-untyped-def]
    return lambda world: Call(params={"code": "cases_by_type"}, query={"area": code, "period": "2026-03"})


CASES = [
    RouteCase("GET", "/api/v1/stats/definitions", STATS),
    RouteCase("GET", "/api/v1/stats/indicators", STATS, t1=area("T1"), t2=area("T2")),
    RouteCase("GET", "/api/v1/stats/trend", STATS, t1=area("T1"), t2=area("T2")),
    RouteCase("GET", "/api/v1/stats/ranking", STATS, t1=area("T1"), t2=area("T2")),
    RouteCase("GET", "/api/v1/stats/ratings/history", STATS, t1=area("T1"), t2=area("T2")),
    RouteCase("GET", "/api/v1/stats/breakdowns/{code}", STATS, t1=breakdown_in("T1"), t2=breakdown_in("T2")),
    RouteCase("GET", "/api/v1/stats/dashboard", STATS, t1=area("T1"), t2=area("T2")),
]
