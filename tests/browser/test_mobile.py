"""A grid worker on a phone: the workbench fits the screen and the menu opens from the ☰ button."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE as PHONE_DEVICE
from tests.browser.conftest import LiveServer, Screens, login, new_high_warning

PHONE = {"width": 390, "height": 844}


def test_grid_worker_uses_the_workbench_on_a_phone(browser: Browser, live_server: LiveServer,
                                                   screens: Screens) -> None:
    ctx = browser.new_context(base_url=live_server.url, viewport=PHONE, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = ctx.new_page()
        login(page, "grid")
        expect(page.locator("h2")).to_contain_text("工作台")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        expect(page.locator(".sidenav")).to_be_hidden()
        screens.shoot(page, "mobile-workbench-grid", docs=True)
        page.click(".navtoggle")
        expect(page.locator(".sidenav")).to_be_visible()
        screens.shoot(page, "mobile-nav-grid", full_page=False)
    finally:
        ctx.close()


def test_grid_worker_opens_a_warning_on_a_phone_without_sideways_scrolling(
        open_as: Callable[..., Page], live_server: LiveServer, screens: Screens) -> None:
    grid = str(live_server.api("grid").get("/api/v1/auth/me").json()["area_code"])
    residents = live_server.api("analyst").get("/api/v1/people", params={"area_code": grid, "limit": 1}).json()
    if residents["items"]:
        new_high_warning(live_server, person_id=residents["items"][0]["id"])
    page = open_as("grid", PHONE_DEVICE)
    page.goto("/warnings")
    expect(page.locator(".error-card")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screens.shoot(page, "mobile-warnings-grid", full_page=False)
    link = page.locator("main table a[href^='/warnings/']").first
    if link.count():
        link.click()
        expect(page.locator(".error-card")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screens.shoot(page, "mobile-warning-detail-grid")
