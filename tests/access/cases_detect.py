"""Detection routes."""

from __future__ import annotations

from tests.access.cases_core import person_in
from tests.access.registry import Call, RouteCase, everyone_but, roles
from tests.factories import World

DETECT_USERS = everyone_but("auditor")


def hit_for(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        person_id = person_in(area)(world).params["person_id"]
        return Call(json={"text": "刷单返利，先垫付后返佣", "person_id": person_id})

    return build


CASES = [
    RouteCase("POST", "/api/v1/detect", DETECT_USERS, t1=lambda w: Call(json={"text": "刷单日结"})),
    RouteCase("POST", "/api/v1/detect/hits", roles("admin", "analyst", "leader", "officer", "officer_other", "grid",
                                                   "grid_other"),
              t1=hit_for("G111"), t2=hit_for("G211")),
    RouteCase("POST", "/api/v1/detect/self-check", roles(), public=True,
              t1=lambda w: Call(json={"value": "13812345678"})),
]
