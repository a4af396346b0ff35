"""A grid worker on a phone: the workbench fits the screen and the menu opens from the ☰ button."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, Screens, login

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
