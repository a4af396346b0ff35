"""Public pages: no login, rate-limited, and every answer explains itself."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fanzha.core.settings import get_settings
from fanzha.web import ratelimit
from tests.factories import World

SMS = "【医保局】您的医保卡已被冻结，请立即点击 http://yibao-jiedong.top 登录并输入银行卡号和验证码解冻"


def test_self_check_of_a_fraud_sms_shows_high_risk_and_reasons(world: World, app: FastAPI) -> None:
    r = TestClient(app).post("/check", data={"kind": "text", "value": SMS})
    assert r.status_code == 200
    assert "高风险" in r.text and "为什么可疑" in r.text and "<mark" in r.text


def test_self_check_of_a_harmless_message_says_so_without_promising_safety(world: World, app: FastAPI) -> None:
    r = TestClient(app).post("/check", data={"kind": "text", "value": "妈，我今晚回家吃饭"})
    assert "低风险" in r.text and "未发现风险不代表一定安全" in r.text


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("text", "   ", "请输入要核查的内容"),
    ("phone", "call me", "电话号码只能包含数字"),
    ("url", "not a link", "请输入完整的网址"),
    ("account", "a b", "账号只能包含字母、数字"),
    ("text", "诈" * 5001, "内容过长"),
])
def test_bad_check_input_is_explained_inline(public: TestClient, kind: str, value: str, message: str) -> None:
    r = public.post("/check", data={"kind": kind, "value": value})
    assert r.status_code == 422
    assert message in r.text
    assert f'value="{kind}" checked' in r.text


def test_public_pages_are_rate_limited_per_address(world: World, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANZHA_PUBLIC_RATE_LIMIT_PER_MINUTE", "3")
    get_settings.cache_clear()
    ratelimit.reset_limiter()
    try:
        client = TestClient(app)
        codes = [client.post("/check", data={"value": "你好"}, headers={"Accept": "text/html"}).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert "请求过于频繁" in client.get("/tips", headers={"Accept": "text/html"}).text
    finally:
        monkeypatch.delenv("FANZHA_PUBLIC_RATE_LIMIT_PER_MINUTE")
        get_settings.cache_clear()
        ratelimit.reset_limiter()


def test_tips_page_covers_f01_to_f12_with_the_hotline(public: TestClient) -> None:
    html = public.get("/tips").text
    assert html.count('class="panel tip"') == 12
    assert "96110" in html


def test_report_goes_to_the_review_queue_and_says_what_happens_next(world: World, app: FastAPI) -> None:
    r = TestClient(app).post("/report", data={"kind": "phone", "value": "17012345678",
                                                        "description": "自称客服让我开屏幕共享"})
    assert r.status_code == 200 and "举报已收到" in r.text
    queue = world.client("analyst").get("/api/v1/risklists/tips").json()
    assert queue["total"] == 1


@pytest.mark.parametrize(("form", "message"), [
    ({"kind": "phone", "value": ""}, "请填写号码/网址/账号"),
    ({"kind": "fax", "value": "123"}, "请选择有效的举报类型"),
    ({"kind": "phone", "value": "17012345678", "contact_phone": "12ab"}, "请填写 11 位手机号，或留空"),
])
def test_bad_report_is_explained_inline_and_keeps_the_text(public: TestClient, form: dict[str, str],
                                                            message: str) -> None:
    form = {"description": "对方说我中奖了", **form}
    r = public.post("/report", data=form)
    assert r.status_code == 422 and message in r.text
    assert "对方说我中奖了" in r.text
