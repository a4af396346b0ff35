"""Cases routes: intake, status, 串并案, graph, export, gangs."""

from __future__ import annotations

import itertools

from tests.access.registry import Call, RouteCase, roles
from tests.cases.helpers import card, make_case, scam_phone
from tests.factories import World

_n = itertools.count(5000)
READ = roles("admin", "analyst", "leader", "officer", "officer_other")
WRITE = roles("analyst", "officer", "officer_other")


def new_report(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        n = next(_n)
        return Call(json={"area_code": area, "victim_phone": f"1371111{n:04d}", "loss_fen": 100_000,
                          "accounts": [card(n)], "phones": [scam_phone(n)]})

    return build


def case_in(area: str, json: object = None):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        with world.database.session() as s:
            c = make_case(s, area, accounts=[card(next(_n))])
        return Call(params={"case_id": c.id}, json=json)

    return build


def gang_in(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        shared = card(next(_n))
        with world.database.session() as s:
            a = make_case(s, area, accounts=[shared])
            make_case(s, area, accounts=[shared])
        return Call(params={"gang_id": f"TH{a.id:06d}"})

    return build


CASES = [
    RouteCase("POST", "/api/v1/cases", WRITE, t1=new_report("G111"), t2=new_report("G211")),
    RouteCase("GET", "/api/v1/cases", READ),
    RouteCase("POST", "/api/v1/cases/suggest", WRITE,
              t1=lambda w: Call(json={"narrative": "对方让我下载屏幕共享后转账"})),
    RouteCase("POST", "/api/v1/cases/flows", WRITE,
              t1=lambda w: Call(json={"flows": [{"from_account": card(next(_n)), "to_account": card(next(_n)),
                                                 "amount_fen": 100}]})),
    RouteCase("POST", "/api/v1/cases/link-batch", WRITE),
    RouteCase("GET", "/api/v1/cases/{case_id}", READ, t1=case_in("G111"), t2=case_in("G211")),
    RouteCase("POST", "/api/v1/cases/{case_id}/status", WRITE, t1=case_in("G111", {"to": "立案"}),
              t2=case_in("G211", {"to": "立案"})),
    RouteCase("POST", "/api/v1/cases/{case_id}/entities", WRITE,
              t1=case_in("G111", {"entities": [{"kind": "qq", "value": "123456789"}]}),
              t2=case_in("G211", {"entities": [{"kind": "qq", "value": "123456789"}]})),
    RouteCase("GET", "/api/v1/cases/{case_id}/related", READ, t1=case_in("G111"), t2=case_in("G211")),
    RouteCase("GET", "/api/v1/cases/{case_id}/graph", READ, t1=case_in("G111"), t2=case_in("G211")),
    RouteCase("GET", "/api/v1/cases/{case_id}/sheet.docx", READ, t1=case_in("G111"), t2=case_in("G211")),
    RouteCase("GET", "/api/v1/gangs", READ),
    RouteCase("GET", "/api/v1/gangs/{gang_id}", READ, t1=gang_in("G111"), t2=gang_in("G211")),
    RouteCase("GET", "/api/v1/gangs/{gang_id}/evidence.csv", READ, t1=gang_in("G111"), t2=gang_in("G211")),
]
