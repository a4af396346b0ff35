"""Risk-list routes and the public 举报 endpoint. Lists are county-wide (not jurisdiction-scoped);
the tip queue is one county queue. Routes a bank teller may read take no t1 builder, because a
t1 object would make the matrix expect the teller (outside every town) to get 404; their bodies
are exercised in tests/cases/test_risklists.py."""

from __future__ import annotations

import itertools

from fanzha.risklists import service
from fanzha.risklists.schemas import EntryIn, ListKind, TipIn
from tests.access.registry import Call, RouteCase, roles
from tests.factories import SYSTEM, World

_n = itertools.count(1)
READ = roles("admin", "analyst", "leader", "officer", "officer_other", "teller")
WRITE = roles("admin", "analyst")
REVIEW = roles("analyst", "officer", "officer_other")


def entry(world: World) -> Call:
    with world.database.session() as s:
        e = service.add(s, actor=SYSTEM, data=EntryIn(kind=ListKind.URL, value=f"evil{next(_n)}.top"))
    return Call(params={"entry_id": e.id}, json={"reason": "误报"})


def tip(world: World) -> Call:
    with world.database.session() as s:
        t = service.submit_tip(s, data=TipIn(kind=ListKind.URL, value=f"tip{next(_n)}.xyz", description="冒充客服"))
    return Call(params={"tip_id": t.id}, json={"note": "核实属实"})


CASES = [
    RouteCase("GET", "/api/v1/risklists/entries", READ),
    RouteCase("POST", "/api/v1/risklists/entries", WRITE,
              t1=lambda w: Call(json={"kind": "url", "value": f"bad{next(_n)}.cc", "source": "上级通报"})),
    RouteCase("POST", "/api/v1/risklists/entries/{entry_id}/remove", WRITE, t1=entry),
    RouteCase("POST", "/api/v1/risklists/import", WRITE,
              t1=lambda w: Call(content=f"kind,value\nurl,csv{next(_n)}.top\n".encode(),
                                headers={"content-type": "text/csv"})),
    RouteCase("POST", "/api/v1/risklists/lookup", READ, note="body-less call: 422 for allowed roles"),
    RouteCase("GET", "/api/v1/risklists/tips", REVIEW),
    RouteCase("POST", "/api/v1/risklists/tips/{tip_id}/confirm", REVIEW, t1=tip),
    RouteCase("POST", "/api/v1/risklists/tips/{tip_id}/reject", REVIEW, t1=tip),
    RouteCase("POST", "/api/v1/public/tips", roles(), public=True,
              t1=lambda w: Call(json={"kind": "url", "value": "public-tip.top"})),
]
