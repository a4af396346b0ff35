"""An administrator at work: users, jurisdictions, the audit trail."""

from __future__ import annotations

import random
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens, login


def test_admin_sees_inline_errors_then_creates_a_grid_worker(page: Page, screens: Screens) -> None:
    login(page, "admin")
    page.goto("/admin/users")
    page.click("summary:has-text('新增用户')")
    form = page.locator("#new-user form")
    form.locator("input[name=username]").fill("wang wu")
    form.locator("input[name=display_name]").fill("王五")
    form.locator("select[name=role]").select_option("grid_worker")
    form.locator("input[name=password]").fill("short")
    form.locator("button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()
    expect(form.locator("input[name=display_name]")).to_have_value("王五")
    expect(form.locator("select[name=role]")).to_have_value("grid_worker")
    expect(page.locator("text=用户名为 2–64 位字母、数字或 _ . -")).to_be_visible()
    expect(page.locator("text=初始密码至少 8 个字符")).to_be_visible()
    expect(page.locator("text=请填写所属辖区")).to_be_visible()
    screens.shoot(page, "admin-user-errors", docs=True)

    grid_option = form.locator("select[name=area_code] option", has_text="网格").first
    username = f"wangwu{random.randrange(10**6)}"
    form.locator("input[name=username]").fill(username)
    form.locator("select[name=area_code]").select_option(grid_option.get_attribute("value") or "")
    form.locator("input[name=password]").fill("Wangwu@2026")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert.ok")).to_have_text(f"已创建用户 {username}")
    row = page.locator("tr", has_text=username)
    page.once("dialog", lambda d: d.accept())
    row.locator("button:has-text('停用')").click()
    expect(page.locator("tr", has_text=username)).to_contain_text("已停用")


def test_area_upload_shows_rejected_rows_with_reasons(page: Page, screens: Screens, tmp_path: Path) -> None:
    bad = tmp_path / "areas.csv"
    bad.write_text("code,name,level,parent_code,population\nX1,新镇,town,NOPE,100\nX2,,grid,X1,5\n",
                   encoding="utf-8")
    login(page, "admin")
    page.goto("/admin/areas")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#import button[type=submit]")
    expect(page.locator("#import .alert.error")).to_contain_text("未写入任何数据")
    expect(page.locator("#rejected")).to_contain_text("上级辖区 NOPE 不存在")
    screens.shoot(page, "admin-areas-rejected")


def test_audit_trail_shows_the_logins_filtered_by_user(page: Page, screens: Screens) -> None:
    login(page, "auditor")
    page.goto("/admin/audit")
    page.fill("input[name=who]", "auditor")
    page.click("form.filters button[type=submit]")
    expect(page.locator("table.table tbody tr").first).to_contain_text("auth.login")
    screens.shoot(page, "admin-audit")
