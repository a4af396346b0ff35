"""CSV imports are all or nothing and name every rejected row."""

from __future__ import annotations

from datetime import UTC, datetime

from fanzha.core import clock
from fanzha.core.db import Database
from tests.factories import make_person, make_world

HEADER = "类型,主题,日期,辖区编码,地点,对象,诈骗类型,覆盖人数,浏览量,物料,经费(元),编号\n"
GOOD = [
    "讲座,老年人防骗讲座,2026-02-10,V11,村委会,老人,F05、F11,60,,折页,200,T1-001\n",
    "摆摊,集市反诈宣传,2026-02-12,G111,集市,全体群众,F01、F02,300,,展板,0,T1-002\n",
]


def _csv(rows: list[str]) -> bytes:
    return (HEADER + "".join(rows)).encode("utf-8")


def test_campaign_csv_with_bad_rows_writes_nothing_and_names_each_row(database: Database) -> None:
    clock.set_clock(clock.FrozenClock(datetime(2026, 3, 2, tzinfo=UTC)))
    world = make_world(database)
    client = world.client("officer")
    bad = [*GOOD, "讲座,,2026-02-31,V21,,外星人,F77,-5,,,,T1-003\n", "广播,喇叭宣传,2026-02-13,V11,,,,,,,,T1-001\n"]
    resp = client.post("/api/v1/outreach/campaigns/import", content=_csv(bad), headers={"content-type": "text/csv"})
    assert resp.status_code == 422
    rows = resp.json()["error"]["fields"]["rows"]
    by_row: dict[int, set[str]] = {}
    for r in rows:
        by_row.setdefault(r["row"], set()).add(r["field"])
    assert by_row[4] >= {"title", "held_on", "target_groups", "fraud_types", "reach_people"}
    assert by_row[5] == {"kind"}
    assert all(r["message_zh"] for r in rows)
    assert client.get("/api/v1/outreach/campaigns").json()["total"] == 0

    ok = client.post("/api/v1/outreach/campaigns/import", content=_csv(GOOD), headers={"content-type": "text/csv"})
    assert ok.status_code == 200 and ok.json()["created"] == 2
    again = client.post("/api/v1/outreach/campaigns/import", content=_csv(GOOD[:1]),
                        headers={"content-type": "text/csv"})
    assert again.status_code == 422 and "已导入过" in again.json()["error"]["fields"]["rows"][0]["message_zh"]
    # Officers of T1 cannot write into T2's villages.
    page = client.post("/outreach/import", data={"kind": "campaigns"},
                       files={"file": ("a.csv", _csv([*GOOD, "讲座,,2026-02-10,V11\n"]), "text/csv")})
    assert page.status_code == 422
    assert "导入被拒绝" in page.text and "主题：必填" in page.text and "<td>4</td>" in page.text
    other = client.post("/api/v1/outreach/campaigns/import", content=_csv([GOOD[0].replace("V11", "V21")
                                                                            .replace("T1-001", "X")]),
                        headers={"content-type": "text/csv"})
    assert other.status_code == 422 and "不在本辖区" in other.json()["error"]["fields"]["rows"][0]["message_zh"]


def test_app_list_updates_flags_and_rejects_unknown_phones_without_writing(database: Database) -> None:
    world = make_world(database)
    with database.session() as s:
        a = make_person(s, area_code="G111", phone="13900000001")
        make_person(s, area_code="G111", phone="13900000002")
        a_id = a.id
    client = world.client("officer")
    bad = "手机号,已安装,已注册\n13900000001,是,是\n13999999999,是,否\n139-0000-0002,也许,否\n"
    resp = client.post("/api/v1/outreach/app-list/import", content=bad.encode(), headers={"content-type": "text/csv"})
    assert resp.status_code == 422
    assert [(r["row"], r["field"]) for r in resp.json()["error"]["fields"]["rows"]] == [(3, "phone"), (4, "installed")]
    assert client.get(f"/api/v1/people/{a_id}").json()["app_installed"] is False
    good = "手机号,已安装,已注册\n13900000001,是,是\n13900000002,否,否\n"
    ok = client.post("/api/v1/outreach/app-list/import", content=good.encode(), headers={"content-type": "text/csv"})
    assert ok.status_code == 200 and ok.json()["updated"] == 1
    assert client.get(f"/api/v1/people/{a_id}").json()["app_registered"] is True
