"""Warning rules: the rules in force are shown; a draft is checked and every problem named in Chinese."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from fanzha.warning.models import RuleFileVersion
from fanzha.web.rules_view import check_draft
from tests.factories import World
from tests.web.conftest import Browser

GOOD_GRADING = """
rules:
  - {id: r1, level: 高, reason: 正在通话, when: {any_of: [ongoing_call]}}
default: {level: 低, reason: 其他}
"""


@pytest.mark.parametrize(("draft", "problem"), [
    ("rules: [\n  - id: x\n level: 高", "YAML 格式错误"),
    ("- just a list", "文件须为键值结构"),
    (GOOD_GRADING.replace("level: 高", "level: 紧急"), "分级规则 → 第 1 条 → 等级：取值须为"),
    (GOOD_GRADING.replace("ongoing_call", "on_phone"), "任一标志 → 第 1 条：取值须为"),
    (GOOD_GRADING.replace("default: {level: 低, reason: 其他}", ""), "默认等级：缺少此项"),
    (GOOD_GRADING.replace("reason: 正在通话", "reason: 正在通话, colour: red"), "colour：不认识的项"),
])
def test_grading_draft_problems_are_named_in_chinese(draft: str, problem: str) -> None:
    problems, parsed = check_draft("grading", draft)
    assert parsed is None
    assert any(problem in p for p in problems), problems


def test_good_grading_draft_passes() -> None:
    problems, parsed = check_draft("grading", GOOD_GRADING)
    assert problems == [] and parsed is not None


def test_dispatch_draft_with_unknown_tier_is_rejected() -> None:
    from importlib import resources
    text = resources.files("fanzha.warning").joinpath("rules/dispatch.yaml").read_text("utf-8")
    draft = text.replace("tier: center\n    channel: 电话", "tier: moon\n    channel: 电话", 1)
    problems, _ = check_draft("dispatch", draft)
    assert problems and "moon" in problems[0]


def test_admin_sees_rules_in_force_and_checks_a_draft(as_user: Callable[[str], Browser]) -> None:
    admin = as_user("admin")
    page = admin.get("/admin/rules").text  # type: ignore[attr-defined]
    assert "money_can_move_now" in page and "当前生效" in page
    r = admin.post("/admin/rules/check", {"kind": "grading", "draft": GOOD_GRADING.replace("高", "特急")})
    assert r.status_code == 422 and "发现 1 处问题" in r.text and "特急" in r.text  # type: ignore[attr-defined]
    assert admin.get("/admin/rules?kind=dispatch").status_code == 200  # type: ignore[attr-defined]


def test_rules_page_is_for_admins_only(as_user: Callable[[str], Browser]) -> None:
    assert as_user("leader").get("/admin/rules").status_code == 403  # type: ignore[attr-defined]


def test_admin_publishes_a_version_and_rolls_back(as_user: Callable[[str], Browser], world: World) -> None:
    admin = as_user("admin")
    r = admin.post("/admin/rules/publish", {"kind": "grading", "draft": GOOD_GRADING, "note": "只保留通话规则"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    page = admin.get("/admin/rules?kind=grading&published=1").text  # type: ignore[attr-defined]
    assert "已发布 v1" in page and "v1 · admin 发布于" in page and "只保留通话规则" in page
    assert "money_can_move_now" not in page.split("修改并发布")[0]  # the table in force is the published one
    admin.post("/admin/rules/publish", {"kind": "grading", "draft": GOOD_GRADING.replace("其他", "其余"),
                                        "note": "改理由"})
    versions = admin.get("/admin/rules?kind=grading").text  # type: ignore[attr-defined]
    assert "回滚到此版本" in versions and "v2 · admin" in versions
    with world.database.session() as s:
        first = s.scalars(select(RuleFileVersion).where(RuleFileVersion.version == 1)).one().id
    r = admin.post(f"/admin/rules/{first}/rollback", {"kind": "grading"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    after = admin.get("/admin/rules?kind=grading").text  # type: ignore[attr-defined]
    assert "回滚至 v1" in after and "v3 · admin" in after


def test_publishing_a_bad_version_shows_the_problems_and_keeps_the_text(as_user: Callable[[str], Browser]) -> None:
    admin = as_user("admin")
    bad = GOOD_GRADING.replace("高", "特急")
    r = admin.post("/admin/rules/publish", {"kind": "grading", "draft": bad, "note": "试一下"})
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "发现 1 处问题，未发布" in r.text and "特急" in r.text and 'value="试一下"' in r.text  # type: ignore[attr-defined]
    assert "尚无在线发布的版本" in r.text  # type: ignore[attr-defined]
    no_note = admin.post("/admin/rules/publish", {"kind": "grading", "draft": GOOD_GRADING, "note": " "})
    assert no_note.status_code == 422 and "请填写修改说明" in no_note.text  # type: ignore[attr-defined]


def test_only_admins_publish(as_user: Callable[[str], Browser]) -> None:
    r = as_user("analyst").post("/admin/rules/publish", {"kind": "grading", "draft": GOOD_GRADING, "note": "x"})
    assert r.status_code == 403  # type: ignore[attr-defined]
