"""Visit plans: households by risk within a day's round; masked on the page and the API."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from fanzha.core import clock
from fanzha.core.db import Database
from fanzha.outreach import visitplan
from tests.factories import make_person, make_world


def _residents(grid: list[int], household: list[int], **overrides: list[object]) -> visitplan.Residents:
    n = len(grid)
    cols: dict[str, object] = {"segment": [0] * n, "app_installed": [True] * n, "flagged": [False] * n,
                               "days_since_visit": [10_000] * n}
    cols.update(overrides)
    return visitplan.Residents(grid=np.array(grid), household=np.array(household),
                               segment=np.array(cols["segment"]), app_installed=np.array(cols["app_installed"]),
                               flagged=np.array(cols["flagged"]), days_since_visit=np.array(cols["days_since_visit"]))


def test_plan_takes_the_riskiest_households_of_each_grid_up_to_the_day_s_round() -> None:
    residents = _residents(grid=[0, 0, 0, 0, 1, 1, 1], household=[1, 1, 2, 3, 7, 8, 9])
    risk = np.array([0.2, 0.3, 0.4, 0.1, 0.05, 0.9, 0.5])
    plan = visitplan.plan(residents, risk, stops_per_grid=2)
    assert list(zip(plan.grid.tolist(), plan.household.tolist(), plan.rank.tolist(), strict=True)) == [
        (0, 1, 0), (0, 2, 1), (1, 8, 0), (1, 9, 1)]
    assert np.allclose(plan.risk, [0.5, 0.4, 0.9, 0.5])
    assert sorted(plan.member_index[0].tolist()) == [0, 1]  # one visit reaches both members


def test_warned_residents_rank_up_and_recently_visited_ones_rank_down() -> None:
    model = visitplan.RiskModel(segment_rate=np.ones(visitplan.SEGMENTS), grid_factor=np.ones(1))
    residents = _residents(grid=[0, 0, 0, 0], household=[0, 1, 2, 3], flagged=[False, True, False, False],
                           days_since_visit=[10_000, 10_000, 5, 10_000], app_installed=[True, True, True, False])
    risk = model.risk(residents)
    assert risk[1] == visitplan.FLAGGED_FACTOR * risk[0]
    assert risk[2] == visitplan.RECENT_VISIT_FACTOR * risk[0]
    assert risk[3] == visitplan.NO_APP_FACTOR * risk[0]


def test_grid_worker_gets_a_masked_plan_for_their_grid_only(database: Database) -> None:
    clock.set_clock(clock.FrozenClock(datetime(2026, 3, 2, tzinfo=UTC)))
    world = make_world(database)
    with database.session() as s:
        elder = make_person(s, area_code="G111", age=78, address="测试县东风村8号")
        make_person(s, area_code="G111", name="李建国", age=80, address="测试县东风村8号")
        make_person(s, area_code="G111", name="张伟", age=30, occupation="企业职工", tags=[], app_installed=True,
                    address="测试县东风村9号")
        make_person(s, area_code="G211", age=70)
        elder_phone = elder.phone_enc
    grid = world.client("grid")
    resp = grid.get("/api/v1/outreach/plan", params={"grid_code": "G111", "stops": 5})
    assert resp.status_code == 200, resp.text
    plan = resp.json()
    assert len(plan) == 2 and len(plan[0]["persons"]) == 2  # the two elderly share one household
    assert all("*" in p["phone"] for stop in plan for p in stop["persons"])
    assert elder_phone not in resp.text
    assert any("未安装国家反诈App" in r for r in plan[0]["reasons"])
    assert grid.get("/api/v1/outreach/plan", params={"grid_code": "G211"}).status_code == 404
    page = grid.get("/outreach/plan")
    assert page.status_code == 200 and 'data-unmask="/api/v1/people/' in page.text and elder_phone not in page.text
    assert "今日走访计划" in grid.get("/").text
    visited = grid.post("/outreach/plan/visit", data={"person_id": str(elder.id), "grid_code": "G111",
                                                      "installed": "1"}, follow_redirects=False)
    assert visited.status_code == 303
    again = grid.get("/api/v1/outreach/plan", params={"grid_code": "G111", "stops": 5}).json()
    visited_member = next(p for stop in again for p in stop["persons"] if p["id"] == elder.id)
    assert visited_member["last_visit"] == "2026-03-02" and visited_member["app_installed"] is True


def test_targets_sms_and_effect_pages_render_for_the_center(database: Database) -> None:
    clock.set_clock(clock.FrozenClock(datetime(2026, 3, 2, tzinfo=UTC)))
    world = make_world(database)
    with database.session() as s:
        make_person(s, area_code="G111", age=75)
        make_person(s, area_code="G211", age=20, occupation="学生", tags=["学生"])
    analyst = world.client("analyst")
    targets = analyst.get("/api/v1/outreach/targets", params={"area_code": "V11"})
    assert targets.status_code == 200 and targets.json()[0]["reasons"]
    assert len(analyst.get("/api/v1/outreach/sms").json()) == 13
    for path in ("/outreach/targets?area_code=V11", "/outreach/coverage", "/outreach/campaigns",
                 "/outreach/effect?start=2026-01-01&end=2026-01-31"):
        resp = analyst.get(path)
        assert resp.status_code == 200, path
    effect = analyst.get("/api/v1/outreach/effect", params={"start": "2026-01-01", "end": "2026-02-25"})
    assert effect.status_code == 422 and "观察期不足" in effect.json()["error"]["message_zh"]
