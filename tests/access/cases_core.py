"""Foundation routes: auth, users, areas, people, audit."""

from __future__ import annotations

import itertools

from tests.access.registry import Call, RouteCase, roles
from tests.factories import World, make_person, make_user

_n = itertools.count(1)
READ_ALL = ("admin", "analyst", "leader")


def person_in(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        with world.database.session() as s:
            p = make_person(s, area_code=area)
        return Call(params={"person_id": p.id})

    return build


def user_in(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        from fanzha.core.rbac import Role

        with world.database.session() as s:
            u = make_user(s, role=Role.GRID_WORKER, area_code=area, username=f"target{next(_n)}")
        return Call(params={"user_id": u.id})

    return build


def new_person(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        n = next(_n)
        return Call(json={"name": "李四", "phone": f"1370000{n:04d}", "age": 40, "area_code": area})

    return build


def new_user(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        return Call(json={"username": f"new{next(_n)}", "display_name": "新用户", "role": "grid_worker",
                          "area_code": area, "password": "Str0ngPass!"})

    return build


CASES = [
    RouteCase("POST", "/api/v1/auth/token", roles(), public=True,
              note="login itself is public; the body decides"),
    RouteCase("GET", "/api/v1/auth/me", roles("admin", "analyst", "leader", "auditor", "officer", "officer_other",
                                              "grid", "grid_other", "teller", "citizen")),
    RouteCase("GET", "/api/v1/users", roles("admin", "analyst", "leader", "auditor")),
    RouteCase("POST", "/api/v1/users", roles("admin"), t1=new_user("G111"), t2=new_user("G211")),
    RouteCase("POST", "/api/v1/users/{user_id}/disable", roles("admin"), t1=user_in("G111"), t2=user_in("G211")),
    RouteCase("POST", "/api/v1/users/{user_id}/enable", roles("admin"), t1=user_in("G111"), t2=user_in("G211")),
    RouteCase("GET", "/api/v1/areas", roles("admin", "analyst", "leader", "auditor", "officer", "officer_other",
                                            "grid", "grid_other", "teller")),
    RouteCase("GET", "/api/v1/areas/{code}", roles("admin", "analyst", "leader", "auditor", "officer",
                                                   "officer_other", "grid", "grid_other", "teller"),
              t1=lambda w: Call(params={"code": "G111"}), t2=lambda w: Call(params={"code": "G211"})),
    RouteCase("POST", "/api/v1/areas/import", roles("admin"),
              t1=lambda w: Call(content="code,name,level,parent_code\nV12,新村,village,T1\n".encode(),
                                headers={"content-type": "text/csv"})),
    RouteCase("GET", "/api/v1/people", roles(*READ_ALL, "officer", "officer_other", "grid", "grid_other")),
    RouteCase("POST", "/api/v1/people", roles("analyst", "officer", "officer_other", "grid", "grid_other"),
              t1=new_person("G111"), t2=new_person("G211")),
    RouteCase("GET", "/api/v1/people/{person_id}", roles(*READ_ALL, "officer", "officer_other", "grid",
                                                         "grid_other"),
              t1=person_in("G111"), t2=person_in("G211")),
    RouteCase("POST", "/api/v1/people/{person_id}/unmask",
              roles("analyst", "officer", "officer_other", "grid", "grid_other"),
              t1=lambda w: Call(params=person_in("G111")(w).params, json={"purpose": "电话劝阻核实身份"}),
              t2=lambda w: Call(params=person_in("G211")(w).params, json={"purpose": "电话劝阻核实身份"})),
    RouteCase("GET", "/api/v1/audit", roles("admin", "auditor")),
    RouteCase("GET", "/api/v1/audit/verify", roles("admin", "auditor")),
]

