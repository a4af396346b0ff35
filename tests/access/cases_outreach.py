"""Outreach routes: campaigns, imports, visits, coverage, targeting, plans, SMS, effect."""

from __future__ import annotations

import itertools

from fanzha.core import clock
from tests.access.registry import Call, RouteCase, roles
from tests.factories import World, make_person

_n = itertools.count(1)
READ = roles("admin", "analyst", "leader", "officer", "officer_other", "grid", "grid_other")
WRITE = roles("analyst", "officer", "officer_other", "grid", "grid_other")


def new_campaign(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        return Call(json={"kind": "摆摊", "title": f"集市宣传{next(_n)}", "held_on": clock.now().date().isoformat(),
                          "area_code": area, "fraud_types": ["F01"]})

    return build


def campaign_in(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        from fanzha.core.rbac import Principal
        from fanzha.outreach import service
        from fanzha.outreach.schemas import CampaignIn

        with world.database.session() as s:
            c = service.create_campaign(s, actor=Principal.system("test"), data=CampaignIn.model_validate(
                {"kind": "讲座", "title": "讲座", "held_on": clock.now().date().isoformat(), "area_code": area}))
        return Call(params={"campaign_id": c.id})

    return build


def visit_to(area: str):  # type: ignore[no-untyped-def]
    def build(world: World) -> Call:
        with world.database.session() as s:
            p = make_person(s, area_code=area)
        return Call(json={"person_id": p.id, "visited_on": clock.now().date().isoformat()})

    return build


def app_list(world: World) -> Call:
    with world.database.session() as s:
        p = make_person(s, area_code="G111")
        phone = p.phone_enc
    return Call(content=f"手机号,已安装,已注册\n{phone},是,否\n".encode(), headers={"content-type": "text/csv"})


CAMPAIGN_CSV = "类型,主题,日期,辖区编码\n摆摊,集市宣传,{day},G111\n"

CASES = [
    RouteCase("GET", "/api/v1/outreach/campaigns", READ),
    RouteCase("POST", "/api/v1/outreach/campaigns", WRITE, t1=new_campaign("G111"), t2=new_campaign("G211")),
    RouteCase("POST", "/api/v1/outreach/campaigns/import", WRITE,
              t1=lambda w: Call(content=CAMPAIGN_CSV.format(day=clock.now().date().isoformat()).encode(),
                                headers={"content-type": "text/csv"}),
              note="rows outside the caller's jurisdiction are rejected row by row (422), not 404"),
    RouteCase("GET", "/api/v1/outreach/campaigns/{campaign_id}", READ, t1=campaign_in("G111"),
              t2=campaign_in("G211")),
    RouteCase("POST", "/api/v1/outreach/app-list/import", WRITE, t1=app_list,
              note="phones outside the caller's jurisdiction are rejected row by row"),
    RouteCase("GET", "/api/v1/outreach/visits", READ),
    RouteCase("POST", "/api/v1/outreach/visits", WRITE, t1=visit_to("G111"), t2=visit_to("G211")),
    RouteCase("GET", "/api/v1/outreach/coverage", READ),
    RouteCase("GET", "/api/v1/outreach/targets", READ, t1=lambda w: Call(query={"area_code": "G111"}),
              t2=lambda w: Call(query={"area_code": "G211"})),
    RouteCase("GET", "/api/v1/outreach/plan", READ, t1=lambda w: Call(query={"grid_code": "G111"}),
              t2=lambda w: Call(query={"grid_code": "G211"})),
    RouteCase("GET", "/api/v1/outreach/sms", READ),
    RouteCase("GET", "/api/v1/outreach/effect", READ,
              t1=lambda w: Call(query={"start": "2026-01-01", "end": "2026-01-31"}),
              note="answers 422 while there is nothing to compare; access is what is checked"),
]
