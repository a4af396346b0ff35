"""Acceptance (issue #8): the main journeys of each kind of user, end to end in a real browser
against the seeded simulated county."""

from __future__ import annotations

import random
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, Screens, new_high_warning


def luhn_card(prefix: str, rng: random.Random) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(18 - len(prefix)))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def _area_of(live_server: LiveServer, username: str) -> str:
    return str(live_server.api(username).get("/api/v1/auth/me").json()["area_code"])


def _new_high_warning(live_server: LiveServer, *, area_code: str) -> int:
    api = live_server.api("analyst")
    person = api.get("/api/v1/people", params={"area_code": area_code, "limit": 1}).json()["items"][0]
    return new_high_warning(live_server, person_id=int(person["id"]))


def test_analyst_processes_a_high_warning_from_queue_to_closed(open_as: Callable[..., Page], live_server: LiveServer,
                                                             screens: Screens) -> None:
    warning_id = _new_high_warning(live_server, area_code=_area_of(live_server, "officer"))
    page = open_as("analyst")
    page.goto("/warnings?level=高&source=bank")
    row = page.locator("tr", has_text=f"#{warning_id}")
    expect(row).to_contain_text("高")
    row.locator("a").last.click()
    expect(page).to_have_url(f"{live_server.url}/warnings/{warning_id}")

    page.click("form:has(input[value=claim]) button")
    attempt = page.locator("form:has(input[value=attempt])")
    attempt.locator("select[name=channel]").select_option("电话")
    attempt.locator("select[name=result]").select_option("已劝阻")
    attempt.locator("textarea[name=note]").fill("已联系本人，告知对方冒充公检法，本人已停止转账")
    attempt.locator("button").click()

    advance = page.locator("form:has(input[value=advance])")
    if advance.count() and advance.locator("option", has_text="核实").count():
        advance.locator("select[name=to]").select_option("核实")
        advance.locator("button").click()
    feedback = page.locator("form:has(input[value=feedback])")
    feedback.locator("select[name=outcome]").select_option("已劝阻")
    feedback.locator("input[name=money_at_risk_yuan]").fill("50000")
    feedback.locator("input[name=loss_averted_yuan]").fill("50000")
    feedback.locator("textarea[name=note]").fill("本人确认未转账")
    feedback.locator("button").click()
    page.locator("form:has(input[value=close]) button").click()

    errors = page.locator("main .field-error, main .alert.error")
    assert errors.count() == 0, errors.all_inner_texts()
    expect(page.locator("form:has(input[value=close])")).to_have_count(0)
    expect(page.locator("body")).to_contain_text("已劝阻")
    screens.shoot(page, "warning-closed", docs=True)
    detail = live_server.api("analyst").get(f"/api/v1/warnings/{warning_id}").json()
    assert (detail["status"], detail["outcome"]) == ("关闭", "已劝阻")


def test_station_officer_is_denied_another_stations_warning(open_as: Callable[..., Page],
                                                            live_server: LiveServer, screens: Screens) -> None:
    other_town = _area_of(live_server, "officer2")
    warning_id = _new_high_warning(live_server, area_code=other_town)
    page = open_as("officer")
    response = page.goto(f"/warnings/{warning_id}")
    assert response is not None and response.status == 404
    expect(page.locator("#error-message")).to_contain_text("不存在")
    screens.shoot(page, "officer-denied-other-station")
    # and the other station's officer does see it
    assert open_as("officer2").goto(f"/warnings/{warning_id}").status == 200  # type: ignore[union-attr]


def test_teller_counter_check_ends_in_hold(open_as: Callable[..., Page], screens: Screens) -> None:
    rng = random.Random()
    page = open_as("teller")
    page.goto("/risk/counter")
    page.fill("input[name=amount_yuan]", "4000")
    page.fill("input[name=payer_account]", luhn_card("622202", rng))
    page.fill("input[name=payer_age]", "67")
    page.fill("input[name=payee_account]", luhn_card("621700", rng))
    page.fill("input[name=payee_name]", "李某")
    # Screen sharing (45) + the model score (35) → hold; on a call as well would add 20 → block.
    page.check("input[name=screen_sharing]")
    page.click("button:has-text('评估风险')")
    expect(page.locator("#decision")).to_contain_text("暂缓")
    expect(page.locator("body")).to_contain_text("屏幕共享")
    expect(page.locator("body")).to_contain_text("模型评分")
    screens.shoot(page, "bank-counter-hold", docs=True)
    resolve = page.locator("form[action$=resolve]")
    resolve.locator("input[name=action][value=held]").check()
    resolve.locator("textarea[name=note]").fill("客户正与自称公安的人通话，已暂缓并通知派出所")
    resolve.locator("button").click()
    expect(page.locator("#decision")).to_contain_text("暂缓")
    expect(page.locator("form[action$=resolve]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("客户正与自称公安的人通话")


def test_analyst_enters_a_case_and_sees_the_linked_case(open_as: Callable[..., Page], live_server: LiveServer,
                                                        screens: Screens) -> None:
    rng = random.Random()
    account = luhn_card("622848", rng)
    scam_phone = f"170{rng.randrange(10**8):08d}"
    area = _area_of(live_server, "officer")
    page = open_as("analyst")
    case_ids = []
    for victim, amount in (("张某某", "30000"), ("李某某", "12000")):
        page.goto("/cases/new")
        page.fill("textarea[name=narrative]", f"对方自称公安，电话 {scam_phone}，要求把钱转到安全账户 {account}")
        page.fill("input[name=area_code]", area)
        page.fill("input[name=victim_name]", victim)
        page.fill("input[name=victim_phone]", f"139{rng.randrange(10**8):08d}")
        page.select_option("select[name=type_code]", "F05")
        page.fill("textarea[name=transfers]", f"{amount} {account} 银行转账")
        page.click("button:has-text('保存报案')")
        expect(page.locator(".error-card")).to_have_count(0)
        page.wait_for_url(lambda u: "/cases/new" not in u)
        case_ids.append(page.url.rstrip("/").split("/")[-1])
    expect(page.locator("body")).to_contain_text("串并案线索")
    links = page.locator("table", has_text="关联度")
    expect(links.locator(f"a[href$='/cases/{case_ids[0]}']")).to_have_count(1)
    screens.shoot(page, "case-linked", docs=True)


def test_leader_opens_the_dashboard(open_as: Callable[..., Page], screens: Screens) -> None:
    page = open_as("leader")
    page.goto("/stats/dashboard")
    expect(page.locator("body")).to_contain_text("反诈指数")
    expect(page.locator("canvas").first).to_be_visible()
    screens.shoot(page, "dashboard-leader", docs=True)
