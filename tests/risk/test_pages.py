"""The bank pages: counter screen, transfer detail with checklist, freezes with countdown, rule versions."""

from __future__ import annotations

import re

import pytest

from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from tests.factories import World, make_world
from tests.risk.builders import card


@pytest.fixture
def world(database: Database, frozen_clock: FrozenClock) -> World:
    return make_world(database)


def test_teller_enters_a_transfer_walks_the_checklist_and_requests_a_stop(world: World) -> None:
    teller = world.client("teller")
    home = teller.get("/")
    assert "柜面转账核查" in home.text and "柜面待处理" in home.text
    payer, payee = card(), card("622848")
    bad = teller.post("/risk/counter", data={"external_id": "CTR-1", "occurred_at": "2026-03-02T16:00",
                                             "amount_yuan": "abc", "channel": "counter", "payer_account": payer,
                                             "payee_account": "6222021234567890123", "screen_sharing": "on"})
    assert bad.status_code == 422
    assert "请输入金额" in bad.text and "卡号须为 16–19 位数字且校验位正确" in bad.text
    assert f'value="{payer}"' in bad.text and "checked" in bad.text  # typed values kept
    ok = teller.post("/risk/counter", data={"external_id": "CTR-1", "occurred_at": "2026-03-02T16:00",
                                            "amount_yuan": "3000", "channel": "counter", "payer_account": payer,
                                            "payee_account": payee, "screen_sharing": "on"}, follow_redirects=False)
    assert ok.status_code == 303, ok.text
    detail_url = ok.headers["location"]
    page = teller.get(detail_url).text
    assert "核实" in page and "屏幕共享" in page and "柜面问询" in page and payee not in page
    missing = teller.post(f"{detail_url}/checklist", data={"purpose": "invest"})
    assert missing.status_code == 422 and "请选择答案" in missing.text
    assert re.search(r'value="invest"\s+checked', missing.text)
    answered = teller.post(f"{detail_url}/checklist", data={
        "purpose": "invest", "relation": "online", "who_asked": "mentor", "on_call": "no", "returns": "yes",
        "secrecy": "no"})
    assert "拦截" in answered.text and "典型虚假投资理财诈骗" in answered.text
    stop = teller.post("/risk/freezes", data={"kind": "止付", "source_type": "transaction",
                                              "source_id": detail_url.rsplit("/", 1)[1], "reason": "客户已被骗",
                                              "back": "1"})
    assert "剩 2 天" in stop.text or "剩 48 小时" in stop.text, stop.text[:3000]
    listing = teller.get("/risk/freezes").text
    assert "待执行" in listing and "countdown" in listing
    assert teller.get("/risk/counter", params={"lookup": "CTR-1"}, follow_redirects=False).status_code == 303
    assert "未找到" in teller.get("/risk/counter", params={"lookup": "nope"}).text


def test_admin_sees_rule_versions_and_a_broken_draft_keeps_its_text(world: World) -> None:
    admin = world.client("admin")
    page = admin.get("/risk/rules")
    assert page.status_code == 200 and "新建规则版本" in page.text and "R01" in page.text
    bad = admin.post("/risk/rules", data={"title": "试验", "source": "rules:\n  - {code: Z, when: 'amount_fen >>', "
                                                                    "score: 5, reason: 甲}"})
    assert bad.status_code == 422 and "规则有误" in bad.text and "amount_fen &gt;&gt;" in bad.text
    assert world.client("teller").get("/risk/rules").status_code == 200
    assert world.client("grid").get("/risk/counter").status_code == 403
