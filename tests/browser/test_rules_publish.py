"""An administrator publishes warning grading rules from the web (a mistake shown inline with the
text kept, then a good version, then back to the packaged rules); a leader 督办 a warning."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, Screens, new_high_warning


def test_admin_publishes_grading_rules_after_fixing_an_inline_error(open_as: Callable[..., Page],
                                                                    screens: Screens) -> None:
    page = open_as("admin")
    page.goto("/admin/rules?kind=grading")
    editor = page.locator("textarea[name=draft]")
    packaged = editor.input_value()
    assert "money_can_move_now" in packaged
    editor.fill(packaged.replace("level: 高", "level: 特急", 1))
    page.fill("input[name=note]", "试行“特急”等级")
    page.click("button:has-text('发布新版本')")
    alert = page.locator("#check .alert.error")
    expect(alert).to_contain_text("未发布")
    expect(alert).to_contain_text("分级规则 → 第 1 条 → 等级：取值须为")
    expect(editor).to_have_value(packaged.replace("level: 高", "level: 特急", 1))  # what they typed is kept
    expect(page.locator("input[name=note]")).to_have_value("试行“特急”等级")
    expect(page.locator("#versions")).to_contain_text("尚无在线发布的版本")
    screens.shoot(page, "admin-rules-publish-error", docs=True)

    # The same rules with an explanatory comment: publishing changes nothing for the other tests.
    editor.fill(packaged + "\n# 2026 年试行：内容与内置规则相同\n")
    page.fill("input[name=note]", "加注释")
    page.click("button:has-text('发布新版本')")
    expect(page.locator(".alert.ok")).to_contain_text("已发布 v")
    expect(page.locator("#live-version")).to_contain_text("admin 发布于")
    expect(page.locator("#versions tr", has_text="加注释")).to_contain_text("生效中")

    page.click("button:has-text('恢复系统内置规则')")
    expect(page.locator("#versions tr", has_text="恢复系统内置规则")).to_contain_text("生效中")
    expect(page.locator("#versions tr", has_text="加注释").locator("button")).to_have_text("回滚到此版本")
    screens.shoot(page, "admin-rules-versions")


def test_leader_supervises_a_high_warning(open_as: Callable[..., Page], live_server: LiveServer,
                                         screens: Screens) -> None:
    api = live_server.api("analyst")
    person = api.get("/api/v1/people", params={"limit": 1}).json()["items"][0]
    warning_id = new_high_warning(live_server, person_id=int(person["id"]))
    page = open_as("leader")
    page.goto(f"/warnings/{warning_id}")
    urge = page.locator("#urge")
    urge.locator("button:has-text('督办')").click()
    expect(page.locator("#urge .alert.error")).to_have_text("请填写督办意见")
    page.locator("#urge textarea[name=note]").fill("请 30 分钟内上门核实并回复")
    page.locator("#urge button:has-text('督办')").click()
    expect(page.locator(".timeline")).to_contain_text("督办：请 30 分钟内上门核实并回复")
    screens.shoot(page, "warning-leader-supervise")
