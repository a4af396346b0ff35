"""Logging in: every role lands on its own workbench; wrong passwords keep the typed name."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, Screens, login

ROLES = [
    ("admin", "系统管理员"),
    ("analyst", "研判员"),
    ("leader", "领导"),
    ("auditor", "审计员"),
    ("officer", "民警"),
    ("grid", "网格员"),
    ("teller", "银行柜员"),
]


@pytest.mark.parametrize(("username", "role_zh"), ROLES)
def test_each_role_logs_in_to_its_workbench(page: Page, screens: Screens, username: str, role_zh: str) -> None:
    login(page, username)
    expect(page.locator(".topbar .who")).to_contain_text(role_zh)
    expect(page.locator("h2")).to_contain_text("工作台")
    screens.shoot(page, f"workbench-{username}", docs=username == "analyst")


def test_wrong_password_shows_chinese_error_and_keeps_username(page: Page, screens: Screens) -> None:
    login_page = page.goto("/login")
    assert login_page is not None
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    expect(page.locator(".alert.error")).to_have_text("用户名或密码错误")
    expect(page.locator("input[name=username]")).to_have_value("analyst")
    screens.shoot(page, "login-error")


def test_pages_need_login(page: Page, live_server: LiveServer) -> None:
    page.goto("/admin/users")
    expect(page).to_have_url(f"{live_server.url}/login?next=/admin/users")
