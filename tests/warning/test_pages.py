"""The warning pages: queue with filters, handling page forms, supervisor actions."""

from __future__ import annotations

from datetime import timedelta

from fanzha.core import clock
from fanzha.core.db import Database
from fanzha.core.rbac import Principal
from fanzha.warning import ingest
from tests.factories import make_person, make_world
from tests.warning.helpers import signal


def _world_with_warning(database: Database):  # type: ignore[no-untyped-def]
    world = make_world(database)
    with database.session() as s:
        person = make_person(s, area_code="G111")
        report = ingest.ingest(s, [signal(person_id=person.id, flags=["ongoing_call"],
                                          occurred_at=clock.now() - timedelta(minutes=3))],
                               actor=Principal.system("t"))
        wid = report.items[0].warning_id
    return world, wid


def test_officer_sees_the_queue_and_filters_it(database: Database) -> None:
    world, wid = _world_with_warning(database)
    officer = world.client("officer")
    page = officer.get("/warnings")
    assert page.status_code == 200 and f"#{wid}" in page.text and "剩 " in page.text
    assert f"#{wid}" not in officer.get("/warnings", params={"level": "低"}).text
    assert f"#{wid}" not in world.client("officer_other").get("/warnings").text


def test_handling_page_keeps_typed_values_and_shows_chinese_errors(database: Database) -> None:
    world, wid = _world_with_warning(database)
    officer = world.client("officer")
    page = officer.get(f"/warnings/{wid}")
    assert "分级理由" in page.text and "data-unmask" in page.text and "中心 5 分钟内电话劝阻" in page.text
    bad = officer.post(f"/warnings/{wid}/act", data={"action": "attempt", "channel": "电话", "result": "",
                                                    "note": "对方挂断了"})
    assert bad.status_code == 422 and "请选择劝阻结果" in bad.text and "对方挂断了" in bad.text
    ok = officer.post(f"/warnings/{wid}/act", data={"action": "attempt", "channel": "电话", "result": "已劝阻",
                                                   "note": "本人已停止转账"}, follow_redirects=False)
    assert ok.status_code == 303
    skip = officer.post(f"/warnings/{wid}/act", data={"action": "advance", "to": "回访"})
    assert skip.status_code == 422 and "不允许从「电话劝阻」变更为「回访」" in skip.text
    money = officer.post(f"/warnings/{wid}/act", data={"action": "feedback", "outcome": "已劝阻",
                                                      "money_at_risk_yuan": "五千"})
    assert money.status_code == 422 and "请输入金额" in money.text and "五千" in money.text
    timeline = officer.get(f"/warnings/{wid}").text
    assert "本人已停止转账" in timeline and "待签收 → 电话劝阻" in timeline


def test_supervisor_reassigns_and_switches_to_robot_call(database: Database) -> None:
    world, wid = _world_with_warning(database)
    analyst = world.client("analyst")
    page = analyst.get("/warnings/supervise", params={"staff": "0"})
    assert page.status_code == 200 and f"#{wid}" in page.text
    bad = analyst.post(f"/warnings/{wid}/supervise", data={"action": "reassign", "area_code": "B1"})
    assert bad.status_code == 422 and "只能改派到镇街、村社或网格" in bad.text
    assert analyst.post(f"/warnings/{wid}/supervise", data={"action": "reassign", "area_code": "G211"},
                        follow_redirects=False).status_code == 303
    assert f"#{wid}" in world.client("officer_other").get("/warnings").text
    assert analyst.post(f"/warnings/{wid}/supervise", data={"action": "robot_call"},
                        follow_redirects=False).status_code == 303
    assert "改为机器人外呼" in analyst.get(f"/warnings/{wid}").text


def test_workbench_lists_my_pending_instructions_with_countdown(database: Database) -> None:
    world, wid = _world_with_warning(database)
    text = world.client("officer").get("/").text
    assert "待处置预警指令" in text and f"#{wid}" in text and "剩 " in text


def test_queue_and_handling_page_show_area_names_not_codes(database: Database) -> None:
    world, wid = _world_with_warning(database)
    page = world.client("officer").get("/warnings").text
    row = page.split(f"<td>#{wid}")[1].split(f'href="/warnings/{wid}"')[0]
    with database.session() as s:
        from fanzha.areas.models import Area

        names = {a.code: a.name for a in s.query(Area).all()}
    assert names["G111"] in row and ">G111<" not in row
    assert names["G111"] in world.client("officer").get(f"/warnings/{wid}").text
    by_name = world.client("officer").get("/warnings", params={"area_code": names["V11"]}).text
    assert f"<td>#{wid}" in by_name  # the area filter also takes a name typed in full
    assert f"<td>#{wid}" not in world.client("officer").get("/warnings", params={"area_code": "T2"}).text


def test_leader_supervises_a_warning_from_its_page(database: Database) -> None:
    world, wid = _world_with_warning(database)
    leader = world.client("leader")
    page = leader.get(f"/warnings/{wid}").text
    assert "带班督导" in page and "/urge" in page and "签收</button>" not in page
    empty = leader.post(f"/warnings/{wid}/urge", data={"note": "  "})
    assert empty.status_code == 422 and "请填写督办意见" in empty.text
    too_long = leader.post(f"/warnings/{wid}/urge", data={"note": "快" * 201})
    assert too_long.status_code == 422 and "最多 200 字" in too_long.text and "快" * 201 in too_long.text
    ok = leader.post(f"/warnings/{wid}/urge", data={"note": "请 30 分钟内上门核实"}, follow_redirects=False)
    assert ok.status_code == 303
    assert "督办：请 30 分钟内上门核实" in leader.get(f"/warnings/{wid}").text
    with database.session() as s:
        from fanzha.audit.models import AuditRecord

        assert s.query(AuditRecord).filter_by(action="warning.supervised", actor="leader").count() == 1


def test_leader_supervises_from_the_supervisor_view_and_others_may_not(database: Database) -> None:
    world, wid = _world_with_warning(database)
    view = world.client("leader").get("/warnings/supervise", params={"staff": "0"}).text
    assert f'action="/warnings/{wid}/urge"' in view and "改派</button>" not in view
    r = world.client("leader").post(f"/warnings/{wid}/urge", data={"note": "抓紧", "back": "supervise"},
                                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/warnings/supervise"
    assert world.client("officer").post(f"/warnings/{wid}/urge", data={"note": "x"}).status_code == 403
    assert world.client("analyst").post(f"/warnings/{wid}/urge", data={"note": "x"}).status_code == 403
