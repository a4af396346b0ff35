"""Personal data is masked; seeing it in clear needs a stated purpose and leaves an audit record."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, Screens, login


def test_officer_unmasks_a_resident_after_giving_a_purpose(page: Page, live_server: LiveServer,
                                                           screens: Screens) -> None:
    login(page, "officer")
    page.goto("/people")
    cell = page.locator("td[id^=pii-]").first
    masked = cell.inner_text()
    assert "*" in masked
    cell_id = cell.get_attribute("id")
    page.locator(f"button[data-target={cell_id}]").click()
    dialog = page.locator("#unmask-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#unmask-ok").click()
    expect(page.locator("#unmask-error")).to_have_text("请选择用途")
    dialog.locator("select[name=purpose_kind]").select_option("电话劝阻")
    screens.shoot(page, "people-unmask-dialog", full_page=False)
    dialog.locator("#unmask-ok").click()
    expect(page.locator(f"#{cell_id}")).not_to_have_text(masked)
    expect(page.locator(f"#{cell_id}")).to_have_class("unmasked")

    person_id = (cell_id or "").removeprefix("pii-")
    trail = live_server.api("admin").get("/api/v1/audit", params={"object_type": "person", "object_id": person_id})
    records = [r for r in trail.json()["items"] if r["action"] == "pii.unmask"]
    assert records and "电话劝阻" in records[0]["detail"] and records[0]["actor"] == "officer"
