"""Every API route × every role × own/other jurisdiction (see tests/access/registry.py)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.access
from fanzha.core.db import Database
from tests.access.registry import ALL_USERS, OUTSIDE_USERS, T1_USERS, T2_USERS, Call, RouteCase
from tests.factories import World, make_world, shared_app

DENIED = {401, 403}


def all_cases() -> list[RouteCase]:
    cases: list[RouteCase] = []
    for mod in pkgutil.iter_modules(tests.access.__path__):
        if mod.name.startswith("cases_"):
            cases.extend(importlib.import_module(f"tests.access.{mod.name}").CASES)
    return cases


def api_routes() -> set[tuple[str, str]]:
    spec = shared_app().openapi()
    return {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops if p.startswith("/api/")}


def test_every_api_route_is_in_the_access_matrix() -> None:
    registered = {(c.method, c.path) for c in all_cases()}
    missing = sorted(api_routes() - registered)
    assert not missing, f"routes without access-matrix rows: {missing}"
    stale = sorted(registered - api_routes())
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


def _call(world: World, who: str | None, case: RouteCase, call: Call) -> int:
    client = world.client(who)
    path = case.path.format(**call.params) if call.params else case.path
    resp = client.request(case.method, path, params=call.query, json=call.json, content=call.content,
                          headers=call.headers)
    return resp.status_code


def _default_call(case: RouteCase, world: World) -> Call:
    if case.t1 is not None:
        return case.t1(world)
    return Call()


def test_route_role_jurisdiction_matrix(database: Database) -> None:
    world = make_world(database)
    problems: list[str] = []
    for case in all_cases():
        if "{" in case.path and case.t1 is None:
            problems.append(f"{case.method} {case.path}: needs a t1 builder for its path parameters")
            continue
        label = f"{case.method} {case.path}"
        if not case.public:
            status = _call(world, None, case, _default_call(case, world))
            if status != 401:
                problems.append(f"{label} anonymous → {status}, expected 401")
        for who in sorted(ALL_USERS):
            # T2's users find their own object in T2's subtree.
            call = case.t2(world) if who in T2_USERS and case.t2 is not None else _default_call(case, world)
            status = _call(world, who, case, call)
            if case.public:
                continue
            if who in case.allowed:
                outside = who in OUTSIDE_USERS and case.t2 is not None
                if outside and status != 404:
                    problems.append(f"{label} as {who} (object outside jurisdiction) → {status}, expected 404")
                elif not outside and (status in DENIED or status == 404):
                    problems.append(f"{label} as {who} (own jurisdiction) → {status}, expected allowed")
            elif status != 403:
                problems.append(f"{label} as {who} → {status}, expected 403")
        for who in sorted(case.allowed & T1_USERS) if case.t2 is not None else []:
            status = _call(world, who, case, case.t2(world))  # type: ignore[misc]
            if status != 404:
                problems.append(f"{label} as {who} on T2's object → {status}, expected 404")
        for who in sorted(case.allowed & T2_USERS) if case.t1 is not None and case.t2 is not None else []:
            status = _call(world, who, case, case.t1(world))  # type: ignore[misc]
            if status != 404:
                problems.append(f"{label} as {who} on T1's object → {status}, expected 404")
    if problems:
        pytest.fail("access matrix mismatches:\n" + "\n".join(problems))
