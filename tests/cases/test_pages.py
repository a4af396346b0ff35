"""Case and risk-list pages as an officer and an analyst use them."""

from __future__ import annotations

from fanzha.core.db import Database
from tests.cases.helpers import card, scam_phone
from tests.factories import make_world
from tests.logcapture import remember


def test_officer_enters_a_report_with_confirmed_suggestions_and_sees_it_linked(database: Database) -> None:
    world = make_world(database)
    officer = world.client("officer")
    remember(card(1), scam_phone(1), "13900001111")
    assert "从案情中识别要素" in officer.get("/cases/new").text
    narrative = f"对方冒充客服让我开屏幕共享，我向{card(1)}转了3万元，对方号码{scam_phone(1)}"
    partial = officer.post("/cases/suggest", data={"narrative": narrative}).text
    assert f'value="account|{card(1)}"' in partial and f'value="phone|{scam_phone(1)}"' in partial
    form = {"area_code": "G111", "source": "110", "reported_at": "2026-03-02T10:30", "victim_name": "王秀英",
            "victim_phone": "13900001111", "loss_yuan": "30,000", "narrative": narrative,
            "transfers": f"30000 {card(1)} 银行转账", "phones": "", "suggested": [f"phone|{scam_phone(1)}"]}
    first = officer.post("/cases/new", data=form, follow_redirects=False)
    assert first.status_code == 303
    second = officer.post("/cases/new", data={**form, "victim_phone": "13900002222", "narrative": ""},
                          follow_redirects=False)
    detail = officer.get(second.headers["location"]).text
    assert "串并案线索" in detail and "共用银行账户" in detail and "6222 **** ****" in detail
    assert card(1) not in detail and "case-graph" in detail
    assert "新报案待确认" in officer.get("/").text


def test_form_errors_are_shown_in_chinese_and_nothing_is_saved(database: Database) -> None:
    world = make_world(database)
    resp = world.client("officer").post("/cases/new", data={"area_code": "G111", "transfers": "abc"})
    assert resp.status_code == 422 and "填写有误" in resp.text
    assert "暂无案件" in world.client("officer").get("/cases").text


def test_status_change_from_the_detail_page(database: Database) -> None:
    world = make_world(database)
    officer = world.client("officer")
    created = officer.post("/cases/new", data={"area_code": "G111", "accounts": card(2)}, follow_redirects=False)
    case_path = created.headers["location"]
    officer.post(f"{case_path}/status", data={"to": "立案", "note": "符合立案条件"})
    detail = officer.get(case_path).text
    assert '<span class="tag gray">立案</span>' in detail
    assert "<th>辖区</th><td>东风村第1网格</td>" in detail  # the area's name, not its code
    assert "<td>东风村第1网格</td>" in officer.get("/cases").text
    wrong = officer.post(f"{case_path}/status", data={"to": "移诉"}, follow_redirects=False)
    assert "error=" in wrong.headers["location"]


def test_analyst_manages_lists_and_reviews_tips(database: Database) -> None:
    world = make_world(database)
    analyst = world.client("analyst")
    analyst.post("/risklists/add", data={"kind": "url", "value": "evil-page.top", "source": "上级通报",
                                         "ttl_days": "30"})
    assert "evil-page.top" in analyst.get("/risklists").text
    bad = analyst.post("/risklists/import", files={"file": ("l.csv", b"kind,value\nphone,12\n", "text/csv")})
    assert bad.status_code == 422 and "导入被拒绝" in bad.text
    world.client().post("/api/v1/public/tips", json={"kind": "url", "value": "tip-page.xyz", "description": "钓鱼"})
    queue = analyst.get("/risklists/tips").text
    assert "tip-page.xyz" in queue
    tip_id = analyst.get("/api/v1/risklists/tips").json()["items"][0]["id"]
    analyst.post(f"/risklists/tips/{tip_id}/confirm", data={"ttl_days": "180"})
    assert "群众举报" in analyst.get("/risklists").text
    assert analyst.get("/cases/gangs").status_code == 200
    assert world.client("grid").get("/cases").status_code == 403
