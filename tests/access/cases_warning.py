"""Warning routes: ingest, list, handle, supervise."""

from __future__ import annotations

import itertools
from datetime import timedelta

from tests.access.registry import Call, RouteCase, roles
from tests.factories import World, make_person

_n = itertools.count(1)
READERS = ("admin", "analyst", "leader", "officer", "officer_other", "grid", "grid_other")
HANDLERS = ("analyst", "officer", "officer_other", "grid", "grid_other")


def warning_in(area: str, body: object = None):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        from fanzha.core import clock
        from fanzha.core.rbac import Principal
        from fanzha.warning import ingest
        from fanzha.warning.schemas import SignalIn

        with world.database.session() as s:
            person = make_person(s, area_code=area)
            report = ingest.ingest(s, [SignalIn(source="manual", external_id=f"acc-{next(_n)}",
                                                occurred_at=clock.now() - timedelta(minutes=5),
                                                person_id=person.id)], actor=Principal.system("test"))
        return Call(params={"warning_id": report.items[0].warning_id}, json=body)

    return build


def new_warning(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        from fanzha.core import clock

        with world.database.session() as s:
            person = make_person(s, area_code=area)
        return Call(json={"source": "telecom", "external_id": f"acc-new-{next(_n)}", "person_id": person.id,
                          "occurred_at": (clock.now() - timedelta(minutes=5)).isoformat()})

    return build


def _handle(path: str, body: object) -> RouteCase:
    return RouteCase("POST", path, roles(*HANDLERS), t1=warning_in("G111", body), t2=warning_in("G211", body))


CASES = [
    RouteCase("POST", "/api/v1/warnings", roles("analyst"), t1=new_warning("G111"), t2=new_warning("G211")),
    RouteCase("GET", "/api/v1/warnings", roles(*READERS)),
    RouteCase("GET", "/api/v1/warnings/queue", roles(*READERS)),
    RouteCase("GET", "/api/v1/warnings/pipeline", roles("analyst")),
    RouteCase("GET", "/api/v1/warnings/{warning_id}", roles(*READERS), t1=warning_in("G111"), t2=warning_in("G211")),
    _handle("/api/v1/warnings/{warning_id}/claim", None),
    _handle("/api/v1/warnings/{warning_id}/attempts", {"channel": "电话", "result": "未接通"}),
    _handle("/api/v1/warnings/{warning_id}/advance", {"to": "已签收"}),
    _handle("/api/v1/warnings/{warning_id}/feedback", {"outcome": "已劝阻"}),
    _handle("/api/v1/warnings/{warning_id}/close", {"outcome": "误报"}),
    RouteCase("POST", "/api/v1/warnings/{warning_id}/reassign", roles("analyst"),
              t1=warning_in("G111", {"area_code": "G111"}), t2=warning_in("G211", {"area_code": "G211"})),
    RouteCase("POST", "/api/v1/warnings/{warning_id}/robot-call", roles("analyst"),
              t1=warning_in("G111"), t2=warning_in("G211")),
]
