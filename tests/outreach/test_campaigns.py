"""Campaign records and door visits: entry through the API and the form, scoped to jurisdiction."""

from __future__ import annotations

from datetime import UTC, datetime

from fanzha.core import clock
from fanzha.core.db import Database
from tests.factories import make_person, make_world

LECTURE = {"kind": "讲座", "title": "老年人防范冒充公检法诈骗讲座", "held_on": "2026-02-20", "area_code": "V11",
           "place": "东风村委会", "target_groups": ["老人"], "fraud_types": ["F05", "F11"], "reach_people": 80,
           "materials": "折页200份", "cost_yuan": "350.50"}


def _freeze() -> None:
    clock.set_clock(clock.FrozenClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC)))


def test_officer_records_a_lecture_and_only_their_town_sees_it(database: Database) -> None:
    _freeze()
    world = make_world(database)
    created = world.client("officer").post("/api/v1/outreach/campaigns", json=LECTURE)
    assert created.status_code == 201, created.text
    assert created.json()["cost_fen"] == 35050
    assert created.json()["fraud_types"] == ["F05", "F11"]
    assert world.client("analyst").get("/api/v1/outreach/campaigns").json()["total"] == 1
    assert world.client("officer_other").get("/api/v1/outreach/campaigns").json()["total"] == 0
    cid = created.json()["id"]
    assert world.client("officer_other").get(f"/api/v1/outreach/campaigns/{cid}").status_code == 404


def test_bad_campaigns_are_refused_with_chinese_reasons_and_nothing_is_written(database: Database) -> None:
    _freeze()
    world = make_world(database)
    officer = world.client("officer")
    other_town = officer.post("/api/v1/outreach/campaigns", json=LECTURE | {"area_code": "V21"})
    assert other_town.status_code == 404 and "辖区" in other_town.json()["error"]["message_zh"]
    invalid = officer.post("/api/v1/outreach/campaigns", json=LECTURE | {"fraud_types": ["F77"], "reach_people": -3})
    assert invalid.status_code == 422
    assert {"fraud_types", "reach_people"} <= set(invalid.json()["error"]["fields"])
    ahead = officer.post("/api/v1/outreach/campaigns", json=LECTURE | {"held_on": "2026-04-01"})
    assert ahead.status_code == 422 and "一周" in ahead.json()["error"]["message_zh"]
    assert world.client("analyst").get("/api/v1/outreach/campaigns").json()["total"] == 0


def test_form_keeps_typed_values_with_inline_errors_then_saves(database: Database) -> None:
    _freeze()
    world = make_world(database)
    client = world.client("officer")
    resp = client.post("/outreach/campaigns/new", data={
        "kind": "讲座", "title": "", "held_on": "2026-02-30", "area_code": "V11", "place": "东风村委会",
        "reach_people": "八十", "target_groups": ["老人", "宝妈"], "fraud_types": ["F05"]})
    assert resp.status_code == 422
    page = resp.text
    assert "必填" in page and "日期格式应为" in page and "须为整数" in page
    assert 'value="东风村委会"' in page and 'value="八十"' in page
    assert 'value="宝妈" checked' in page and 'value="F05" checked' in page
    assert world.client("analyst").get("/api/v1/outreach/campaigns").json()["total"] == 0
    saved = client.post("/outreach/campaigns/new", data=dict(LECTURE), follow_redirects=False)
    assert saved.status_code == 303
    listing = client.get(saved.headers["location"])
    assert "老年人防范冒充公检法诈骗讲座" in listing.text and "350.50" in listing.text


def test_visit_that_installs_the_app_updates_the_resident_and_the_coverage(database: Database) -> None:
    _freeze()
    world = make_world(database)
    with database.session() as s:
        person_id = make_person(s, area_code="G111").id
        make_person(s, area_code="G111", app_installed=True, app_registered=True)
    grid = world.client("grid")
    before = grid.get("/api/v1/outreach/coverage", params={"level": "grid"}).json()
    assert before[0]["install_rate"] == 0.5
    visit = grid.post("/api/v1/outreach/visits", json={
        "person_id": person_id, "visited_on": "2026-03-01", "fraud_types": ["F05"],
        "app_installed_on_visit": True, "app_registered_on_visit": True})
    assert visit.status_code == 201, visit.text
    after = grid.get("/api/v1/outreach/coverage", params={"level": "grid"}).json()
    assert after[0]["install_rate"] == 1.0 and after[0]["register_rate"] == 1.0
    assert after[0]["visits_with_install"] == 1
    assert world.client("grid_other").post("/api/v1/outreach/visits", json={
        "person_id": person_id, "visited_on": "2026-03-01"}).status_code == 404
