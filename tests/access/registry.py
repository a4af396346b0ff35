"""The route × role × jurisdiction access matrix.

Each domain lists its API routes in `tests/access/cases_<domain>.py` as RouteCase rows.
`tests/test_access_matrix.py` calls every route as every world user (see
tests/factories.WORLD_USERS) and as an anonymous caller, and checks:
- anonymous → 401 unless the route is public;
- a user whose role may not use the route → 403;
- a user who may → not 401/403/404 on an object in their own jurisdiction;
- a user limited to T1 (officer, grid) → 404 on an object in T2's subtree ("not found",
  never a leak), and T2's users → 404 on T1's object; a bank teller → 404 on either.
A case with a `t2` builder is jurisdiction-scoped (its t1/t2 build objects in T1/T2);
a case with only `t1` just needs that call (a body, a path parameter) to be valid.
A route missing from the registry fails the matrix, so new routes cannot skip it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.factories import World

ALL_USERS = frozenset({"admin", "analyst", "leader", "auditor", "officer", "officer_other", "grid", "grid_other",
                       "teller", "citizen"})
# Users whose jurisdiction is T1's subtree or T2's subtree (the rest see the whole county or a bank).
T1_USERS = frozenset({"officer", "grid"})
T2_USERS = frozenset({"officer_other", "grid_other"})
# Users whose jurisdiction holds neither T1 nor T2 (a bank branch): objects there are "not found".
OUTSIDE_USERS = frozenset({"teller"})


@dataclass
class Call:
    """How to call a route: path parameters, query, JSON body or raw body."""

    params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] | None = None
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] | None = None


Builder = Callable[[World], Call]


@dataclass(frozen=True)
class RouteCase:
    method: str
    path: str
    allowed: frozenset[str]
    # An object inside T1's subtree (own for officer/grid); T2 users must then get 404.
    t1: Builder | None = None
    # An object inside T2's subtree; T1 users must then get 404.
    t2: Builder | None = None
    public: bool = False
    note: str = ""


def roles(*keys: str) -> frozenset[str]:
    unknown = set(keys) - ALL_USERS
    assert not unknown, unknown
    return frozenset(keys)


def everyone_but(*keys: str) -> frozenset[str]:
    return ALL_USERS - roles(*keys)
