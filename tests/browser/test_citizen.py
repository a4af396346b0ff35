"""Residents without an account: self-check a message, read the tips, on a phone too."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, Screens

FRAUD_SMS = ("【公安局】您的身份证涉嫌洗钱，已被列为通缉对象，请保密并配合调查，"
             "立即将资金转入安全账户 6222021234567890123 核查，详询 http://gaj-hecha.top/login")
PHONE = {"width": 390, "height": 844}


def test_citizen_self_checks_a_fraud_sms_and_sees_why(page: Page, screens: Screens) -> None:
    page.goto("/check")
    page.fill("textarea[name=value]", FRAUD_SMS)
    page.click("button[type=submit]")
    result = page.locator("#result")
    expect(result.locator(".risk-badge")).to_have_text("高风险")
    expect(result).to_contain_text("冒充公检法")
    expect(result.locator("mark").first).to_be_visible()
    expect(result.locator(".reasons li").first).to_be_visible()
    expect(result).to_contain_text("110")
    screens.shoot(page, "citizen-check-fraud", docs=True)


def test_empty_check_shows_inline_message_and_keeps_choice(page: Page) -> None:
    page.goto("/check")
    page.check("input[value=phone]")
    page.fill("textarea[name=value]", "abc 不是号码")
    page.click("button[type=submit]")
    expect(page.locator(".field-error")).to_contain_text("电话号码只能包含数字")
    expect(page.locator("textarea[name=value]")).to_have_value("abc 不是号码")
    expect(page.locator("input[value=phone]")).to_be_checked()


def test_tips_cover_every_fraud_type(page: Page, screens: Screens) -> None:
    page.goto("/tips")
    expect(page.locator("article.tip")).to_have_count(12)
    page.click("a.chip:has-text('冒充公检法')")
    expect(page.locator("article.tip")).to_have_count(1)
    expect(page.locator("article.tip")).to_contain_text("安全账户")
    screens.shoot(page, "citizen-tips")


def test_self_check_works_on_a_phone(browser: Browser, live_server: LiveServer, screens: Screens) -> None:
    ctx = browser.new_context(base_url=live_server.url, viewport=PHONE, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto("/check")
        page.fill("textarea[name=value]", FRAUD_SMS)
        page.click("button[type=submit]")
        expect(page.locator("#result .risk-badge")).to_have_text("高风险")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"page scrolls sideways on a phone ({width}px)"
        screens.shoot(page, "mobile-citizen-check", docs=True)
    finally:
        ctx.close()
