"""The dashboard API and the 大屏 page, as the roles that use them."""

from __future__ import annotations

import pytest

from fanzha.core.db import Database
from fanzha.stats.cache import clear
from tests.factories import World, make_world
from tests.stats.builders import add_case, add_warning


@pytest.fixture
def world(database: Database) -> World:
    clear()
    w = make_world(database)
    with database.session() as session:
        add_warning(session, area="G111", day="2026-03-03", level="高")
        add_warning(session, area="G211", day="2026-03-04")
        add_case(session, area="G111", day="2026-03-05", loss_fen=3_000_000)
        add_case(session, area="G211", day="2026-02-05", loss_fen=1_000_000)
    return w


def test_leader_sees_the_county_dashboard_with_towns_ranked(world: World) -> None:
    body = world.client("leader").get("/api/v1/stats/dashboard", params={"period": "2026-03"}).json()
    assert body["indicators"]["area"]["code"] == "C"
    figures = {f["code"]: f for f in body["indicators"]["figures"]}
    assert figures["cases"]["value"] == 1 and figures["warnings"]["value"] == 2
    assert figures["campaigns"]["value"] is None  # no outreach recorded: 无数据, not 0
    assert [r["area"]["code"] for r in body["ranking"]["rows"]] == ["T2", "T1"]
    assert {r["colour"] for r in body["ranking"]["rows"]} <= {"红", "黄", "蓝"}
    assert body["trend"]["periods"][-1] == "2026-03" and len(body["trend"]["periods"]) == 12


def test_an_officer_sees_their_own_town_by_default_and_not_the_other(world: World) -> None:
    client = world.client("officer")
    own = client.get("/api/v1/stats/indicators", params={"period": "2026-03"})
    assert own.status_code == 200 and own.json()["area"]["code"] == "T1"
    other = client.get("/api/v1/stats/indicators", params={"area": "T2", "period": "2026-03"})
    assert other.status_code == 404


@pytest.mark.parametrize(("params", "status", "message"), [
    ({"period": "2026-13"}, 422, "无法识别的统计周期"),
    ({"area": "NOPE"}, 404, "辖区"),
])
def test_bad_input_is_a_structured_error(world: World, params: dict[str, str], status: int, message: str) -> None:
    response = world.client("leader").get("/api/v1/stats/indicators", params=params)
    assert response.status_code == status
    assert message in response.json()["error"]["message_zh"]


def test_unknown_breakdown_is_not_found(world: World) -> None:
    assert world.client("leader").get("/api/v1/stats/breakdowns/nope").status_code == 404


def test_grid_workers_have_no_statistics(world: World) -> None:
    assert world.client("grid").get("/api/v1/stats/dashboard").status_code == 403


def test_dashboard_page_renders_for_leaders_with_pickers(world: World) -> None:
    page = world.client("leader").get("/stats/dashboard", params={"period": "2026-03"})
    assert page.status_code == 200
    assert "echarts.min.js" in page.text and "城关镇" in page.text and 'name="period"' in page.text
    assert "数据大屏" in page.text  # nav entry


def test_report_download_from_the_dashboard(world: World) -> None:
    response = world.client("leader").get("/stats/report", params={"area": "C", "kind": "monthly",
                                                                   "period": "2026-03", "format": "docx"})
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert world.client("auditor").get("/stats/report", params={"area": "C", "kind": "monthly",
                                                                "period": "2026-03"}).status_code == 403
